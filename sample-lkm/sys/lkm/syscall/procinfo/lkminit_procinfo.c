/*	$NetBSD: lkminit_procinfo.c,v 1.2 2004/11/05 21:40:52 jdolecek Exp $	*/

/*
 * Copyright (c) 2004 Jun-ichiro Kato.
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
#include <sys/kernel.h>
#include <sys/proc.h>
#include <sys/lwp.h>
#include <sys/syscallargs.h>
#include <sys/lkm.h>

#include "procinfo.h"

int procinfo_lkmentry(struct lkm_table *, int, int);
static int procinfo_load(struct lkm_table *, int);

static struct sysent procinfo_sysent = {
	3, sizeof(struct sys_procinfo_args), 0, sys_procinfo
};

/*
 * Any free slot will do; the kernel picks one of the sys_lkmnosys slots
 * and the load handler reports it for libprocinfo's configuration.
 */
MOD_SYSCALL("procinfo", -1, &procinfo_sysent);

static int
procinfo_load(struct lkm_table *lkmtp, int cmd)
{

	/* DISPATCH has already wired the call in: the slot is known. */
	printf("procinfo: system call %lu\n", _module.lkm_offset);
	return (0);
}

int
procinfo_lkmentry(struct lkm_table *lkmtp, int cmd, int ver)
{

	DISPATCH(lkmtp, cmd, ver, procinfo_load, lkm_nofunc, lkm_nofunc);
}
