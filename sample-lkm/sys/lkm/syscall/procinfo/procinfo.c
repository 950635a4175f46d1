/*	$NetBSD: procinfo.c,v 1.2 2004/11/05 21:40:52 jdolecek Exp $	*/

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
#include <sys/errno.h>
#include <sys/syscallargs.h>

#include "procinfo.h"

/*
 * procinfo(2): fill in a struct procinfo for process `pid' (0 means the
 * caller).  The user passes the size of the structure it was compiled
 * with, so that the structure can grow without breaking old binaries.
 */
int
sys_procinfo(struct lwp *l, void *v, register_t *retval)
{
	struct sys_procinfo_args /* {
		syscallarg(pid_t) pid;
		syscallarg(struct procinfo *) info;
		syscallarg(size_t) len;
	} */ *uap = v;
	struct procinfo pi;
	struct proc *p;
	size_t len;

	len = SCARG(uap, len);
	if (len > sizeof(pi))
		len = sizeof(pi);

	if (SCARG(uap, pid) == 0)
		p = l->l_proc;
	else if ((p = pfind(SCARG(uap, pid))) == NULL)
		return (ESRCH);

	memset(&pi, 0, sizeof(pi));
	pi.pi_pid = p->p_pid;
	pi.pi_ppid = p->p_pptr != NULL ? p->p_pptr->p_pid : 0;
	pi.pi_nlwps = p->p_nlwps;
	pi.pi_stat = p->p_stat;
	pi.pi_flag = p->p_flag;
	strlcpy(pi.pi_comm, p->p_comm, sizeof(pi.pi_comm));

	*retval = len;
	return (copyout(&pi, SCARG(uap, info), len));
}
