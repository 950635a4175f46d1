/*	$NetBSD: procinfo.h,v 1.2 2004/11/05 21:40:52 jdolecek Exp $	*/

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

#ifndef _PROCINFO_H_
#define _PROCINFO_H_

/*
 * What procinfo(2) tells about one process: the handful of fields ps(1)
 * needs, without kvm(3) and without a sysctl round trip per field.
 */
struct procinfo {
	pid_t		pi_pid;
	pid_t		pi_ppid;
	int		pi_nlwps;
	int		pi_stat;
	int		pi_flag;
	char		pi_comm[MAXCOMLEN + 1];
};

#ifdef _KERNEL
struct sys_procinfo_args {
	syscallarg(pid_t) pid;
	syscallarg(struct procinfo *) info;
	syscallarg(size_t) len;
};

int	sys_procinfo(struct lwp *, void *, register_t *);
#endif

#endif /* !_PROCINFO_H_ */
