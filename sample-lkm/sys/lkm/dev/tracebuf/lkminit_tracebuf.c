/*	$NetBSD: lkminit_tracebuf.c,v 1.2 2006/09/24 03:53:09 jmcneill Exp $	*/

/*-
 * Copyright (c) 2005, 2006 The NetBSD Foundation, Inc.
 * All rights reserved.
 *
 * This code is derived from software contributed to The NetBSD Foundation
 * by Christos Zoulas.
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
#include <sys/conf.h>
#include <sys/lkm.h>
#include <sys/errno.h>

#include <dev/tracebufio.h>

int tracebuf_lkmentry(struct lkm_table *, int, int);
static int tracebuf_load(struct lkm_table *, int);
static int tracebuf_unload(struct lkm_table *, int);

/*
 * Character device only; let the kernel pick the major.
 */
MOD_DEV("tracebuf", "tracebuf", NULL, -1, &tracebuf_cdevsw, -1);

static int
tracebuf_load(struct lkm_table *lkmtp, int cmd)
{
	int error;

	if ((error = tracebuf_attach(tracebuf_nrecs)) != 0) {
		printf("tracebuf: cannot allocate %d records, error %d\n",
		    tracebuf_nrecs, error);
		return (error);
	}
	return (0);
}

static int
tracebuf_unload(struct lkm_table *lkmtp, int cmd)
{

	/* Refuse while a reader has the device open. */
	return (tracebuf_detach());
}

int
tracebuf_lkmentry(struct lkm_table *lkmtp, int cmd, int ver)
{

	DISPATCH(lkmtp, cmd, ver, tracebuf_load, tracebuf_unload, lkm_nofunc);
}
