/*	$NetBSD: linux_exec.h,v 1.37 2006/08/23 19:49:09 manu Exp $	*/

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

#ifndef _LINUX_EXEC_H
#define _LINUX_EXEC_H

#define	LINUX_ELF_AUX_ENTRIES	14	/* Linux's own aux vector, incl. AT_NULL */
#define	LINUX_ELF_AUX_ARGSIZ	(LINUX_ELF_AUX_ENTRIES * sizeof(Aux32Info) \
				    / sizeof(char *))

#define	LINUX_ELF_NOTE_NAME	"GNU"
#define	LINUX_GCC_SIGNATURE	"gcc2_compiled."
#define	LINUX_ATEXIT_SIGNATURE	"__libc_atexit"

/*
 * Per-process state of a Linux process, hung off p_emuldata by
 * the e_proc_exec hook and freed by e_proc_exit.
 */
struct linux_emuldata {
	caddr_t	p_break;	/* Processes' idea of break */
	int	debugreg[8];	/* GDB information for ptrace - for use, see ptrace_machdep.c */
	void	*child_set_tid;	/* for set_tid_address */
	void	*child_clear_tid; /* for clear_tid_address */
	int	personality;	/* PER_LINUX, PER_SVR4 ... */
};

typedef struct {
	u_int32_t	a_type;
	u_int32_t	a_v;
} Aux32Info;

#ifdef _KERNEL
extern const struct emul emul_linux;
extern struct sysent linux_sysent[];
extern const int native_to_linux_errno[];

/* linux_sysctl.c */
#ifdef _LKM
int	linux_sysctl_init(void);
void	linux_sysctl_fini(void);
#endif

/* linux_exec_elf32.c */
int	linux_elf32_probe(struct lwp *, struct exec_package *, void *, char *,
	    vaddr_t *);
int	linux_elf32_copyargs(struct lwp *, struct exec_package *,
	    struct ps_strings *, char **, void *);

/* kern/exec_elf32.c */
int	exec_elf32_makecmds(struct lwp *, struct exec_package *);
int	coredump_elf32(struct lwp *, void *);

/* linux_emul.c */
void	linux_setregs(struct lwp *, struct exec_package *, u_long);
void	linux_sendsig(const struct ksiginfo *, const sigset_t *);
#if defined(i386) || defined(__i386__)
void	linux_syscall_intern(struct proc *);
#endif
#endif /* _KERNEL */

#endif /* !_LINUX_EXEC_H */
