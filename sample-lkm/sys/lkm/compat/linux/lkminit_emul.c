/*	$NetBSD: lkminit_emul.c,v 1.11 2006/09/19 22:06:11 christos Exp $	*/

/*-
 * Copyright (c) 1996 The NetBSD Foundation, Inc.
 * All rights reserved.
 *
 * This code is derived from software contributed to The NetBSD Foundation
 * by Jaromir Dolecek.
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
#include <sys/exec.h>
#include <sys/proc.h>
#include <sys/lkm.h>
#include <sys/signalvar.h>
#include <sys/sysctl.h>

#include <compat/linux/common/linux_types.h>
#include <compat/linux/common/linux_exec.h>

int compat_linux_lkmentry(struct lkm_table *, int, int);
static int linux_load(struct lkm_table *, int);
static int linux_unload(struct lkm_table *, int);

/*
 * declare the emulation.  The exec formats (exec_linux_elf32) are
 * separate modules that name "linux" and must be loaded after this one.
 */
MOD_COMPAT("compat_linux", -1, &emul_linux);

static int
linux_load(struct lkm_table *lkmtp, int cmd)
{
	int error;

	/* emul.linux.kern.* let users lie about the kernel version. */
	if ((error = linux_sysctl_init()) != 0) {
		printf("compat_linux: cannot create emul.linux, error %d\n",
		    error);
		return (error);
	}
	return (0);
}

static int
linux_unload(struct lkm_table *lkmtp, int cmd)
{

	linux_sysctl_fini();
	return (0);
}

/*
 * entry point
 */
int
compat_linux_lkmentry(struct lkm_table *lkmtp, int cmd, int ver)
{

	DISPATCH(lkmtp, cmd, ver, linux_load, linux_unload, lkm_nofunc)
}
