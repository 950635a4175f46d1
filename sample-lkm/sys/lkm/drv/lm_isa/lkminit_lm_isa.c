/*	$NetBSD: lkminit_lm_isa.c,v 1.3 2006/06/24 15:13:05 xtraeme Exp $	*/

/*-
 * Copyright (c) 2000 The NetBSD Foundation, Inc.
 * All rights reserved.
 *
 * This code is derived from software contributed to The NetBSD Foundation
 * by Bill Squier.
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions
 * are met:
 * 1. Redistributions of source code must retain the above copyright
 *    notice, this list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright
 *    notice, this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 *
 * THIS SOFTWARE IS PROVIDED BY THE NETBSD FOUNDATION, INC. AND CONTRIBUTORS
 * ``AS IS'' AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED
 * TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR
 * PURPOSE ARE DISCLAIMED.  IN NO EVENT SHALL THE FOUNDATION OR CONTRIBUTORS
 * BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR
 * CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF
 * SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS
 * INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN
 * CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE)
 * ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE
 * POSSIBILITY OF SUCH DAMAGE.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/conf.h>
#include <sys/device.h>
#include <sys/lkm.h>
#include <sys/errno.h>

#include <dev/isa/isavar.h>

int lm_isa_lkmentry(struct lkm_table *, int, int);

/*
 * What config(1) would have put in ioconf.c for
 *	lm0 at isa? port 0x290
 */
CFDRIVER_DECL(lm, DV_DULL, NULL);
extern struct cfattach lm_isa_ca;

static struct cfdriver *lm_cfdrivers[] = {
	&lm_cd,
	NULL
};

static struct cfattach *lm_isa_cfattachs[] = {
	&lm_isa_ca,
	NULL
};

static const struct cfattachlkminit lm_cfattachs[] = {
	{ "lm", lm_isa_cfattachs },
	{ NULL, NULL }
};

static int lm_isa_loc[ISACF_NLOCS] = {
	0x290,			/* port */
	-1,			/* size */
	-1,			/* iomem */
	-1,			/* iosiz */
	-1,			/* irq */
	-1,			/* drq */
	-1,			/* drq2 */
};

static const struct cfparent isa_pspec = {
	"isa", "isa", DVUNIT_ANY
};

static struct cfdata lm_cfdata[] = {
	{ "lm", "lm_isa", 0, FSTATE_STAR, lm_isa_loc, 0, &isa_pspec },
	{ NULL, NULL, 0, 0, NULL, 0, NULL }
};

MOD_DRV("lm", lm_cfdrivers, lm_cfattachs, lm_cfdata);

int
lm_isa_lkmentry(struct lkm_table *lkmtp, int cmd, int ver)
{

	DISPATCH(lkmtp, cmd, ver, lkm_nofunc, lkm_nofunc, lkm_nofunc);
}
