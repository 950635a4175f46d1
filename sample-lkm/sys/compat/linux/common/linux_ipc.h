/*	$NetBSD: linux_ipc.h,v 1.10 2005/12/11 12:20:19 christos Exp $	*/

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

#ifndef _LINUX_IPC_H
#define _LINUX_IPC_H

#include <sys/ipc.h>
#include <compat/linux/common/linux_types.h>

/*
 * Structs and values to handle the SYSV ipc/shm/msg calls implemented
 * in Linux. Most values match the NetBSD values (as they are both derived
 * from SysV values). Values that are the same may not be defined here.
 */

typedef int linux_key_t;

/*
 * The only thing different about the Linux ipc_perm structure is the
 * order of the fields.
 */
struct linux_ipc_perm {
	linux_key_t	l_key;
	u_short		l_uid;
	u_short		l_gid;
	u_short		l_cuid;
	u_short		l_cgid;
	u_short		l_mode;
	u_short		l_seq;
};

#define	LINUX_IPC_RMID	0
#define	LINUX_IPC_SET	1
#define	LINUX_IPC_STAT	2
#define	LINUX_IPC_INFO	3

#define	LINUX_IPC_64	0x100	/* new version (support 32-bit UIDs, bigger
				   message sizes, etc. */

/* Message queue, as seen by Linux binaries (struct msqid_ds in <linux/msg.h>) */
struct linux_msqid_ds {
	struct linux_ipc_perm	l_msg_perm;
	void			*l_msg_first;
	void			*l_msg_last;
	linux_time_t		l_msg_stime;
	linux_time_t		l_msg_rtime;
	linux_time_t		l_msg_ctime;
	void			*l_wwait;	/* Linux internal */
	void			*l_rwait;	/* Linux internal */
	u_short			l_msg_cbytes;
	u_short			l_msg_qnum;
	u_short			l_msg_qbytes;
	u_short			l_msg_lspid;
	u_short			l_msg_lrpid;
};

#ifdef _KERNEL
struct linux_sys_msgget_args {
	syscallarg(linux_key_t) key;
	syscallarg(int) msgflg;
};

struct linux_sys_msgsnd_args {
	syscallarg(int) msqid;
	syscallarg(void *) msgp;
	syscallarg(size_t) msgsz;
	syscallarg(int) msgflg;
};

struct linux_sys_msgrcv_args {
	syscallarg(int) msqid;
	syscallarg(void *) msgp;
	syscallarg(size_t) msgsz;
	syscallarg(long) msgtyp;
	syscallarg(int) msgflg;
};

struct linux_sys_msgctl_args {
	syscallarg(int) msqid;
	syscallarg(int) cmd;
	syscallarg(struct linux_msqid_ds *) buf;
};

#if defined(i386) || defined(__i386__)
/* i386 multiplexes all of System V IPC through one call */
struct linux_sys_ipc_args {
	syscallarg(int) what;
	syscallarg(int) a1;
	syscallarg(int) a2;
	syscallarg(int) a3;
	syscallarg(void *) ptr;
};

#define	LINUX_MSGSND	11
#define	LINUX_MSGRCV	12
#define	LINUX_MSGGET	13
#define	LINUX_MSGCTL	14

int	linux_sys_ipc(struct lwp *, void *, register_t *);
#endif

int	linux_sys_msgget(struct lwp *, void *, register_t *);
int	linux_sys_msgsnd(struct lwp *, void *, register_t *);
int	linux_sys_msgrcv(struct lwp *, void *, register_t *);
int	linux_sys_msgctl(struct lwp *, void *, register_t *);

void	linux_to_bsd_ipc_perm(struct linux_ipc_perm *, struct ipc_perm *);
void	bsd_to_linux_ipc_perm(struct ipc_perm *, struct linux_ipc_perm *);
#endif /* _KERNEL */

#endif /* _LINUX_IPC_H */
