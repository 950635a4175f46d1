/*	$NetBSD: lkminit_md.c,v 1.4 2005/12/11 12:24:50 christos Exp $	*/

/*
 * Copyright (c) 1995 Gordon W. Ross, Leo Weppelman.
 * All rights reserved.
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
 * THIS SOFTWARE IS PROVIDED BY THE AUTHOR ``AS IS'' AND ANY EXPRESS OR
 * IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES
 * OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED.
 * IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR ANY DIRECT, INDIRECT,
 * INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT
 * NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE,
 * DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY
 * THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT
 * (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF
 * THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/conf.h>
#include <sys/lkm.h>
#include <sys/errno.h>
#include <sys/disklabel.h>

#include <dev/md.h>

int md_lkmentry(struct lkm_table *, int, int);
static int md_load(struct lkm_table *, int);
static int md_unload(struct lkm_table *, int);

/*
 * Block and character device; the kernel picks both majors.
 */
MOD_DEV("md", "md", &md_bdevsw, -1, &md_cdevsw, -1);

static int
md_load(struct lkm_table *lkmtp, int cmd)
{
	int error;

	if ((error = md_lkm_attach(MD_NUNITS)) != 0)
		return (error);

	/*
	 * The device nodes have to be made by hand (MAKEDEV does not know
	 * a module's majors), so say where the driver ended up.
	 */
	printf("md: %d units, block major %d, character major %d\n",
	    MD_NUNITS, _module.lkm_bdevmaj, _module.lkm_cdevmaj);
	printf("md: lkm_offset 0x%lx\n", _module.lkm_offset);
	return (0);
}

static int
md_unload(struct lkm_table *lkmtp, int cmd)
{

	return (md_lkm_detach());
}

int
md_lkmentry(struct lkm_table *lkmtp, int cmd, int ver)
{

	DISPATCH(lkmtp, cmd, ver, md_load, md_unload, lkm_nofunc);
}
