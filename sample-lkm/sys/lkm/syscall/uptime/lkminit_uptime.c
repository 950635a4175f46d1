/*	$NetBSD: lkminit_uptime.c,v 1.2 2006/02/18 10:21:37 jmmv Exp $	*/

/*
 * Copyright (c) 1998, 2006 Terrence R. Lambert
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

/*
 * Loadable uptime(2).  Built from the old share/examples/lkm/syscall
 * skeleton, which is why the entry point still has the generic name.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/errno.h>
#include <sys/proc.h>
#include <sys/lwp.h>
#include <sys/syscallargs.h>
#include <sys/lkm.h>

#include "uptime.h"

int xxxinit(struct lkm_table *, int, int);

static int uptime_load(struct lkm_table *, int);
static int uptime_unload(struct lkm_table *, int);

/*
 * The sysent entry the kernel copies into its table on load.
 */
static struct sysent uptime_sysent = {
	2,				/* sy_narg */
	sizeof(struct sys_uptime_args),	/* sy_argsize */
	0,				/* sy_flags */
	sys_uptime			/* sy_call */
};

MOD_SYSCALL("uptime", UPTIME_SYSCALL, &uptime_sysent);

static int
uptime_load(lkmtp, cmd)
	struct lkm_table *lkmtp;
	int cmd;
{

	uptime_loads++;
	printf("uptime: system call %d installed\n", UPTIME_SYSCALL);
	return (0);
}

static int
uptime_unload(lkmtp, cmd)
	struct lkm_table *lkmtp;
	int cmd;
{

	printf("uptime: system call %d removed\n", UPTIME_SYSCALL);
	return (0);
}

/*
 * External entry point; should generally match name of .o file.  The
 * old skeleton checked the version by hand before DISPATCH learned to.
 */
int
xxxinit(lkmtp, cmd, ver)
	struct lkm_table *lkmtp;
	int cmd;
	int ver;
{

	if (ver != LKM_VERSION)
		return (EINVAL);

	DISPATCH(lkmtp, cmd, ver, uptime_load, uptime_unload, lkm_nofunc)
}
