/*	$NetBSD: lkminit_sysvmsg.c,v 1.3 2007/02/15 15:40:53 ad Exp $	*/

/*-
 * Copyright (c) 2002, 2007 The NetBSD Foundation, Inc.
 * All rights reserved.
 *
 * This code is derived from software contributed to The NetBSD Foundation
 * by Manuel Bouyer.
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

/*
 * System V message queues for kernels built without "options SYSVMSG".
 *
 * MOD_SYSCALL installs one call per module, and msgget, msgsnd, msgrcv
 * and __msgctl13 only make sense together, so this is a MOD_MISC module
 * that enters the four calls into sysent[] itself and puts the old
 * entries back on unload.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/proc.h>
#include <sys/lwp.h>
#include <sys/ipc.h>
#include <sys/syscall.h>
#include <sys/syscallargs.h>
#include <sys/lkm.h>

#include <kern/sysv_msgvar.h>

int sysvmsg_lkmentry(struct lkm_table *, int, int);
static int sysvmsg_load(struct lkm_table *, int);
static int sysvmsg_unload(struct lkm_table *, int);

/*
 * The calls this module provides: slot numbers from syscalls.master and
 * the sysent entries init_sysent.c would have had for them.
 */
static const int sysvmsg_slot[] = {
	SYS___msgctl13,
	SYS_msgget,
	SYS_msgsnd,
	SYS_msgrcv,
};

static struct sysent sysvmsg_sysent[] = {
	{ 3, sizeof(struct sys___msgctl13_args), 0, sys___msgctl13 },	/* 302 */
	{ 2, sizeof(struct sys_msgget_args), 0, sys_msgget },		/* 225 */
	{ 4, sizeof(struct sys_msgsnd_args), 0, sys_msgsnd },		/* 226 */
	{ 5, sizeof(struct sys_msgrcv_args), 0, sys_msgrcv },		/* 227 */
};

#define	SYSVMSG_NCALLS	(sizeof(sysvmsg_slot) / sizeof(sysvmsg_slot[0]))

/* What the table held before load, put back on unload */
static struct sysent sysvmsg_saved[SYSVMSG_NCALLS];

MOD_MISC("sysvmsg");

static int
sysvmsg_load(struct lkm_table *lkmtp, int cmd)
{
	int i, error;

	if (lkmexists(lkmtp))
		return (EEXIST);

	/*
	 * A kernel with SYSVMSG compiled in already has the calls; do not
	 * pile a second implementation on top of it.
	 */
	for (i = 0; i < SYSVMSG_NCALLS; i++) {
		if (sysent[sysvmsg_slot[i]].sy_call != sys_nosys) {
			printf("sysvmsg: system call %d already in use\n",
			    sysvmsg_slot[i]);
			return (EEXIST);
		}
	}

	if ((error = msginit()) != 0)
		return (error);

	for (i = 0; i < SYSVMSG_NCALLS; i++) {
		sysvmsg_saved[i] = sysent[sysvmsg_slot[i]];
		sysent[sysvmsg_slot[i]] = sysvmsg_sysent[i];
	}
	return (0);
}

static int
sysvmsg_unload(struct lkm_table *lkmtp, int cmd)
{
	int i;

	/* Queues that still exist would be lost with the code. */
	if (msg_inuse())
		return (EBUSY);

	for (i = 0; i < SYSVMSG_NCALLS; i++)
		sysent[sysvmsg_slot[i]] = sysvmsg_saved[i];

	return (msgfini());
}

int
sysvmsg_lkmentry(struct lkm_table *lkmtp, int cmd, int ver)
{

	DISPATCH(lkmtp, cmd, ver, sysvmsg_load, sysvmsg_unload, lkm_nofunc);
}
