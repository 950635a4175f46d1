/*	$NetBSD: lkminit_memwatch.c,v 1.2 2007/01/29 01:52:45 hubertf Exp $	*/

/*-
 * Copyright (c) 2006 The NetBSD Foundation, Inc.
 * All rights reserved.
 *
 * This code is derived from software contributed to The NetBSD Foundation
 * by Andrew Doran.
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
#include <sys/lkm.h>
#include <sys/errno.h>

/*
 * The same glue builds on OpenBSD, whose modload(8) looks for an entry
 * point named after the module itself.
 */
#ifdef __NetBSD__
#define	LKMENTRY(name)	name##_lkmentry
#else
#define	LKMENTRY(name)	name
#endif

extern int memwatch_init(void);
extern int memwatch_fini(void);

int LKMENTRY(memwatch)(struct lkm_table *, int, int);
static int memwatch_handle(struct lkm_table *, int);

MOD_MISC("memwatch");

/*
 * One handler for both directions; DISPATCH hands it the command.
 */
static int
memwatch_handle(lkmtp, cmd)
	struct lkm_table *lkmtp;
	int cmd;
{
	int error = 0;

	switch (cmd) {
	case LKM_E_LOAD:
		/* A second copy would fight the first over debug.memwatch. */
		if (lkmexists(lkmtp))
			return (EEXIST);
		error = memwatch_init();
		if (error == 0)
			printf("memwatch: loaded, sampling disabled\n");
		break;

	case LKM_E_UNLOAD:
		error = memwatch_fini();
		break;

	default:
		error = EINVAL;
		break;
	}

	return (error);
}

int
LKMENTRY(memwatch)(struct lkm_table *lkmtp, int cmd, int ver)
{

	if (ver != LKM_VERSION)
		return (EINVAL);

	DISPATCH(lkmtp, cmd, ver, memwatch_handle, memwatch_handle, lkm_nofunc);
}
