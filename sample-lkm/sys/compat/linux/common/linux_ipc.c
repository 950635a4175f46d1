/*	$NetBSD: linux_ipc.c,v 1.40 2006/07/23 22:06:09 ad Exp $	*/

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
 * Linux message queue calls, implemented on top of the native System V
 * IPC calls.  The native calls come from the kernel itself or from the
 * sysvmsg module; which one does not matter here.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/proc.h>
#include <sys/lwp.h>
#include <sys/ipc.h>
#include <sys/syscallargs.h>

#include <kern/sysv_msgvar.h>

#include <compat/common/compat_util.h>
#include <compat/linux/common/linux_types.h>
#include <compat/linux/common/linux_ipc.h>

static void linux_to_bsd_msqid_ds(struct linux_msqid_ds *, struct msqid_ds *);
static void bsd_to_linux_msqid_ds(struct msqid_ds *, struct linux_msqid_ds *);
static int linux_msgctl_native(struct lwp *, int, int, struct msqid_ds *,
    register_t *);

/*
 * Convert between Linux and NetBSD ipc_perm structures. Only the
 * order of the fields is different.
 */
void
linux_to_bsd_ipc_perm(struct linux_ipc_perm *lpp, struct ipc_perm *bpp)
{

	bpp->_key = lpp->l_key;
	bpp->uid = lpp->l_uid;
	bpp->gid = lpp->l_gid;
	bpp->cuid = lpp->l_cuid;
	bpp->cgid = lpp->l_cgid;
	bpp->mode = lpp->l_mode;
	bpp->_seq = lpp->l_seq;
}

void
bsd_to_linux_ipc_perm(struct ipc_perm *bpp, struct linux_ipc_perm *lpp)
{

	lpp->l_key = bpp->_key;
	lpp->l_uid = bpp->uid;
	lpp->l_gid = bpp->gid;
	lpp->l_cuid = bpp->cuid;
	lpp->l_cgid = bpp->cgid;
	lpp->l_mode = bpp->mode;
	lpp->l_seq = bpp->_seq;
}

static void
linux_to_bsd_msqid_ds(struct linux_msqid_ds *lmp, struct msqid_ds *bmp)
{

	memset(bmp, 0, sizeof(*bmp));
	linux_to_bsd_ipc_perm(&lmp->l_msg_perm, &bmp->msg_perm);
	bmp->msg_qbytes = lmp->l_msg_qbytes;
	bmp->msg_qnum = lmp->l_msg_qnum;
	bmp->msg_lspid = lmp->l_msg_lspid;
	bmp->msg_lrpid = lmp->l_msg_lrpid;
	bmp->msg_stime = lmp->l_msg_stime;
	bmp->msg_rtime = lmp->l_msg_rtime;
	bmp->msg_ctime = lmp->l_msg_ctime;
}

static void
bsd_to_linux_msqid_ds(struct msqid_ds *bmp, struct linux_msqid_ds *lmp)
{

	memset(lmp, 0, sizeof(*lmp));
	bsd_to_linux_ipc_perm(&bmp->msg_perm, &lmp->l_msg_perm);
	lmp->l_msg_cbytes = bmp->_msg_cbytes;
	lmp->l_msg_qbytes = bmp->msg_qbytes;
	lmp->l_msg_qnum = bmp->msg_qnum;
	lmp->l_msg_lspid = bmp->msg_lspid;
	lmp->l_msg_lrpid = bmp->msg_lrpid;
	lmp->l_msg_stime = bmp->msg_stime;
	lmp->l_msg_rtime = bmp->msg_rtime;
	lmp->l_msg_ctime = bmp->msg_ctime;
}

/*
 * msgctl through the native call.  The native call copies its
 * msqid_ds in and out of user space, so bufp must be a user address
 * (the stack gap) or NULL for IPC_RMID.
 */
static int
linux_msgctl_native(struct lwp *l, int msqid, int cmd, struct msqid_ds *bufp,
    register_t *retval)
{
	struct sys___msgctl13_args nua;

	SCARG(&nua, msqid) = msqid;
	SCARG(&nua, cmd) = cmd;
	SCARG(&nua, buf) = bufp;
	return sys___msgctl13(l, &nua, retval);
}

int
linux_sys_msgget(struct lwp *l, void *v, register_t *retval)
{
	struct linux_sys_msgget_args /* {
		syscallarg(linux_key_t) key;
		syscallarg(int) msgflg;
	} */ *uap = v;
	struct sys_msgget_args nua;

	SCARG(&nua, key) = (key_t)SCARG(uap, key);
	SCARG(&nua, msgflg) = SCARG(uap, msgflg);
	return sys_msgget(l, &nua, retval);
}

int
linux_sys_msgsnd(struct lwp *l, void *v, register_t *retval)
{
	struct linux_sys_msgsnd_args /* {
		syscallarg(int) msqid;
		syscallarg(void *) msgp;
		syscallarg(size_t) msgsz;
		syscallarg(int) msgflg;
	} */ *uap = v;
	struct sys_msgsnd_args bma;
	int error;

	SCARG(&bma, msqid) = SCARG(uap, msqid);
	SCARG(&bma, msgp) = SCARG(uap, msgp);
	SCARG(&bma, msgsz) = SCARG(uap, msgsz);
	SCARG(&bma, msgflg) = SCARG(uap, msgflg);

	if ((error = sys_msgsnd(l, &bma, retval)) != 0)
		return (error);
	/* Linux returns 0 on success, never a byte count. */
	retval[0] = 0;
	return (0);
}

int
linux_sys_msgrcv(struct lwp *l, void *v, register_t *retval)
{
	struct linux_sys_msgrcv_args /* {
		syscallarg(int) msqid;
		syscallarg(void *) msgp;
		syscallarg(size_t) msgsz;
		syscallarg(long) msgtyp;
		syscallarg(int) msgflg;
	} */ *uap = v;
	struct sys_msgrcv_args bma;

	SCARG(&bma, msqid) = SCARG(uap, msqid);
	SCARG(&bma, msgp) = SCARG(uap, msgp);
	SCARG(&bma, msgsz) = SCARG(uap, msgsz);
	SCARG(&bma, msgtyp) = SCARG(uap, msgtyp);
	SCARG(&bma, msgflg) = SCARG(uap, msgflg);

	return (sys_msgrcv(l, &bma, retval));
}

int
linux_sys_msgctl(struct lwp *l, void *v, register_t *retval)
{
	struct linux_sys_msgctl_args /* {
		syscallarg(int) msqid;
		syscallarg(int) cmd;
		syscallarg(struct linux_msqid_ds *) buf;
	} */ *uap = v;
	struct proc *p = l->l_proc;
	struct msqid_ds bm, *bmp;
	struct linux_msqid_ds lm;
	caddr_t sg;
	int error;

	switch (SCARG(uap, cmd) & ~LINUX_IPC_64) {
	case LINUX_IPC_RMID:
		return linux_msgctl_native(l, SCARG(uap, msqid), IPC_RMID,
		    NULL, retval);

	case LINUX_IPC_SET:
		if ((error = copyin(SCARG(uap, buf), &lm, sizeof(lm))) != 0)
			return (error);
		linux_to_bsd_msqid_ds(&lm, &bm);
		sg = stackgap_init(p, 0);
		bmp = stackgap_alloc(p, &sg, sizeof(bm));
		if ((error = copyout(&bm, bmp, sizeof(bm))) != 0)
			return (error);
		return linux_msgctl_native(l, SCARG(uap, msqid), IPC_SET,
		    bmp, retval);

	case LINUX_IPC_STAT:
		sg = stackgap_init(p, 0);
		bmp = stackgap_alloc(p, &sg, sizeof(bm));
		if ((error = linux_msgctl_native(l, SCARG(uap, msqid),
		    IPC_STAT, bmp, retval)) != 0)
			return (error);
		if ((error = copyin(bmp, &bm, sizeof(bm))) != 0)
			return (error);
		bsd_to_linux_msqid_ds(&bm, &lm);
		return copyout(&lm, SCARG(uap, buf), sizeof(lm));

	default:
		return (EINVAL);
	}
}

#if defined(i386) || defined(__i386__)
/*
 * Linux/i386 has one system call for all of System V IPC; take it
 * apart and call the per-operation function above.
 */
int
linux_sys_ipc(struct lwp *l, void *v, register_t *retval)
{
	struct linux_sys_ipc_args /* {
		syscallarg(int) what;
		syscallarg(int) a1;
		syscallarg(int) a2;
		syscallarg(int) a3;
		syscallarg(void *) ptr;
	} */ *uap = v;
	struct linux_sys_msgget_args mga;
	struct linux_sys_msgsnd_args msa;
	struct linux_sys_msgctl_args mca;
	struct sys_msgrcv_args mra;
	struct {
		void	*msgp;
		long	msgtyp;
	} kluge;
	int error;

	switch (SCARG(uap, what)) {
	case LINUX_MSGGET:
		SCARG(&mga, key) = SCARG(uap, a1);
		SCARG(&mga, msgflg) = SCARG(uap, a2);
		return linux_sys_msgget(l, &mga, retval);

	case LINUX_MSGSND:
		SCARG(&msa, msqid) = SCARG(uap, a1);
		SCARG(&msa, msgp) = SCARG(uap, ptr);
		SCARG(&msa, msgsz) = SCARG(uap, a2);
		SCARG(&msa, msgflg) = SCARG(uap, a3);
		return linux_sys_msgsnd(l, &msa, retval);

	case LINUX_MSGRCV:
		/* The old ABI passes msgp and msgtyp through a struct. */
		if ((error = copyin(SCARG(uap, ptr), &kluge,
		    sizeof(kluge))) != 0)
			return (error);
		SCARG(&mra, msqid) = SCARG(uap, a1);
		SCARG(&mra, msgp) = kluge.msgp;
		SCARG(&mra, msgsz) = SCARG(uap, a2);
		SCARG(&mra, msgtyp) = kluge.msgtyp;
		SCARG(&mra, msgflg) = SCARG(uap, a3);
		return sys_msgrcv(l, &mra, retval);

	case LINUX_MSGCTL:
		SCARG(&mca, msqid) = SCARG(uap, a1);
		SCARG(&mca, cmd) = SCARG(uap, a2);
		SCARG(&mca, buf) = SCARG(uap, ptr);
		return linux_sys_msgctl(l, &mca, retval);

	default:
		return (ENOSYS);
	}
}
#endif /* i386 */
