/*	$NetBSD: linux_emul.c,v 1.91 2006/11/16 01:32:42 christos Exp $	*/

/*-
 * Copyright (c) 1995, 1998 The NetBSD Foundation, Inc.
 * All rights reserved.
 *
 * This code is derived from software contributed to The NetBSD Foundation
 * by Frank van der Linden and Eric Haszlakiewicz.
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
 * The Linux emulation: struct emul, its system call table and the
 * per-process hooks that keep struct linux_emuldata.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/proc.h>
#include <sys/lwp.h>
#include <sys/malloc.h>
#include <sys/exec.h>
#include <sys/exec_elf.h>
#include <sys/signalvar.h>
#include <sys/syscallargs.h>

#include <compat/linux/common/linux_types.h>
#include <compat/linux/common/linux_ipc.h>
#include <compat/linux/common/linux_exec.h>

static void linux_e_proc_exec(struct proc *, struct exec_package *);
static void linux_e_proc_fork(struct proc *, struct proc *, int);
static void linux_e_proc_exit(struct proc *);
static void linux_e_proc_init(struct proc *, struct proc *, int);

MALLOC_DEFINE(M_LINUX, "linux", "Linux emulation per-process data");

#if defined(i386) || defined(__i386__)
extern char linux_sigcode[], linux_esigcode[];
#define	LINUX_SYSCALL_INTERN	linux_syscall_intern
#else
#define	LINUX_SYSCALL_INTERN	NULL
#endif

/*
 * Linux errno values, indexed by the native errno.
 */
const int native_to_linux_errno[] = {
	0,
	-1,		/* EPERM */
	-2,		/* ENOENT */
	-3,		/* ESRCH */
	-4,		/* EINTR */
	-5,		/* EIO */
	-6,		/* ENXIO */
	-7,		/* E2BIG */
	-8,		/* ENOEXEC */
	-9,		/* EBADF */
	-10,		/* ECHILD */
	-35,		/* EDEADLK */
	-12,		/* ENOMEM */
	-13,		/* EACCES */
	-14,		/* EFAULT */
	-15,		/* ENOTBLK */
	-16,		/* EBUSY */
	-17,		/* EEXIST */
	-18,		/* EXDEV */
	-19,		/* ENODEV */
	-20,		/* ENOTDIR */
	-21,		/* EISDIR */
	-22,		/* EINVAL */
	-23,		/* ENFILE */
	-24,		/* EMFILE */
	-25,		/* ENOTTY */
	-26,		/* ETXTBSY */
	-27,		/* EFBIG */
	-28,		/* ENOSPC */
	-29,		/* ESPIPE */
	-30,		/* EROFS */
	-31,		/* EMLINK */
	-32,		/* EPIPE */
	-33,		/* EDOM */
	-34,		/* ERANGE */
	-11,		/* EAGAIN */
};

/*
 * The calls this file knows; every other slot stays zero, which the
 * system call path treats as nosys.
 */
#if defined(i386) || defined(__i386__)
struct sysent linux_sysent[LINUX_SYS_NSYSENT] = {
	[LINUX_SYS_exit] =	{ 1, sizeof(struct sys_exit_args), 0, sys_exit },
	[LINUX_SYS_read] =	{ 3, sizeof(struct sys_read_args), 0, sys_read },
	[LINUX_SYS_write] =	{ 3, sizeof(struct sys_write_args), 0, sys_write },
	[LINUX_SYS_close] =	{ 1, sizeof(struct sys_close_args), 0, sys_close },
	[LINUX_SYS_getpid] =	{ 0, 0, 0, sys_getpid },
	[LINUX_SYS_ipc] =	{ 5, sizeof(struct linux_sys_ipc_args), 0,
				    linux_sys_ipc },
};
#else
struct sysent linux_sysent[LINUX_SYS_NSYSENT] = {
	[LINUX_SYS_read] =	{ 3, sizeof(struct sys_read_args), 0, sys_read },
	[LINUX_SYS_write] =	{ 3, sizeof(struct sys_write_args), 0, sys_write },
	[LINUX_SYS_close] =	{ 1, sizeof(struct sys_close_args), 0, sys_close },
	[LINUX_SYS_getpid] =	{ 0, 0, 0, sys_getpid },
	[LINUX_SYS_exit] =	{ 1, sizeof(struct sys_exit_args), 0, sys_exit },
	[LINUX_SYS_msgget] =	{ 2, sizeof(struct linux_sys_msgget_args), 0,
				    linux_sys_msgget },
	[LINUX_SYS_msgsnd] =	{ 4, sizeof(struct linux_sys_msgsnd_args), 0,
				    linux_sys_msgsnd },
	[LINUX_SYS_msgrcv] =	{ 5, sizeof(struct linux_sys_msgrcv_args), 0,
				    linux_sys_msgrcv },
	[LINUX_SYS_msgctl] =	{ 3, sizeof(struct linux_sys_msgctl_args), 0,
				    linux_sys_msgctl },
};
#endif

const struct emul emul_linux = {
	.e_name =		"linux",
	.e_path =		"/emul/linux",
	.e_flags =		0,
	.e_errno =		native_to_linux_errno,
	.e_nosys =		0,
	.e_nsysent =		LINUX_SYS_NSYSENT,
	.e_sysent =		linux_sysent,
	.e_syscallnames =	NULL,
	.e_sendsig =		linux_sendsig,
	.e_trapsignal =		trapsignal,
	.e_tracesig =		NULL,
#if defined(i386) || defined(__i386__)
	.e_sigcode =		linux_sigcode,
	.e_esigcode =		linux_esigcode,
#else
	.e_sigcode =		NULL,
	.e_esigcode =		NULL,
#endif
	.e_sigobject =		NULL,
	.e_setregs =		linux_setregs,
	.e_proc_exec =		linux_e_proc_exec,
	.e_proc_fork =		linux_e_proc_fork,
	.e_proc_exit =		linux_e_proc_exit,
	.e_lwp_fork =		NULL,
	.e_lwp_exit =		NULL,
	.e_syscall_intern =	LINUX_SYSCALL_INTERN,
	.e_sysctlovly =		NULL,
	.e_fault =		NULL,
	.e_vm_default_addr =	NULL,
	.e_usertrap =		NULL,
	.e_ucsize =		0,
	.e_startlwp =		NULL,
};

static void
linux_e_proc_init(struct proc *p, struct proc *parent, int forkflags)
{
	struct linux_emuldata *e;

	if (p->p_emuldata == NULL) {
		/* allocate new Linux emuldata */
		p->p_emuldata = malloc(sizeof(struct linux_emuldata),
		    M_LINUX, M_WAITOK);
	}
	e = p->p_emuldata;
	memset(e, 0, sizeof(*e));

	if (parent != NULL) {
		struct linux_emuldata *ep = parent->p_emuldata;

		/* A child inherits the personality, nothing else. */
		if (ep != NULL)
			e->personality = ep->personality;
	}
}

static void
linux_e_proc_exec(struct proc *p, struct exec_package *epp)
{

	linux_e_proc_init(p, NULL, 0);
}

static void
linux_e_proc_fork(struct proc *p, struct proc *parent, int forkflags)
{

	/*
	 * The new process has a copy of the parent's p_emuldata
	 * pointer; it must get one of its own.
	 */
	p->p_emuldata = NULL;
	linux_e_proc_init(p, parent, forkflags);
}

static void
linux_e_proc_exit(struct proc *p)
{

	free(p->p_emuldata, M_LINUX);
	p->p_emuldata = NULL;
}

/*
 * Machine-dependent parts.  Only i386 has real signal trampolines; the
 * other ports deliver signals the native way until someone writes them.
 */
#if defined(i386) || defined(__i386__)
void
linux_setregs(struct lwp *l, struct exec_package *epp, u_long stack)
{

	setregs(l, epp, stack);
	l->l_md.md_regs->tf_eax = 0;
}

void
linux_sendsig(const struct ksiginfo *ksi, const sigset_t *mask)
{

	/* Linux/i386 frames differ from ours only in the trampoline. */
	sendsig(ksi, mask);
}
#else
void
linux_setregs(struct lwp *l, struct exec_package *epp, u_long stack)
{

	setregs(l, epp, stack);
}

void
linux_sendsig(const struct ksiginfo *ksi, const sigset_t *mask)
{

	sendsig(ksi, mask);
}
#endif /* i386 */

#if defined(i386) || defined(__i386__)
void
linux_syscall_intern(struct proc *p)
{

	/* Linux processes use the plain syscall path: no ktrace hooks. */
	p->p_md.md_syscall = syscall_plain;
}
#endif
