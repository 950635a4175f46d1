/*	$NetBSD: sysv_msg.c,v 1.47 2007/02/15 15:40:53 ad Exp $	*/

/*
 * Implementation of SVID messages
 *
 * Author:  Daniel Boulet
 *
 * Copyright 1993 Daniel Boulet and RTMX Inc.
 *
 * This system call was implemented by Daniel Boulet under contract from RTMX.
 *
 * Redistribution and use in source forms, with and without modification,
 * are permitted provided that this entire comment appears intact.
 *
 * Redistribution in binary form may occur without any restrictions.
 * Obviously, it would be nice if you gave credit where credit is due
 * but requiring it would be too onerous.
 *
 * This software is provided ``AS IS'' without any warranties of any kind.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/proc.h>
#include <sys/lwp.h>
#include <sys/malloc.h>
#include <sys/kauth.h>
#include <sys/ipc.h>
#include <sys/syscallargs.h>

#include "sysv_msgvar.h"

#define MSG_DEBUG
#undef MSG_DEBUG_OK

#ifdef MSG_DEBUG_OK
#define MSG_PRINTF(a)	printf a
#else
#define MSG_PRINTF(a)
#endif

MALLOC_DEFINE(M_MSG, "msg", "SVID compatible message queues");

struct msginfo msginfo = {
	MSGMAX,		/* max chars in a message */
	MSGMNI,		/* # of message queue identifiers */
	MSGMNB,		/* max chars in a queue */
	MSGTQL,		/* max messages in system */
};

static int nfree_msgs;		/* # of message headers still available */
static int msg_inited;
static struct msqid_ds *msqids;	/* MSGMNI msqid_ds structures */

static void msg_freehdr(struct __msg *);

/*
 * Set up the queues.  Called by the module glue on load, before any of
 * the calls can be reached through sysent[].
 */
int
msginit(void)
{
	int i;

	if (msginfo.msgmni < 1 || msginfo.msgmax > msginfo.msgmnb)
		return (EINVAL);

	msqids = malloc(msginfo.msgmni * sizeof(struct msqid_ds), M_MSG,
	    M_NOWAIT|M_ZERO);
	if (msqids == NULL)
		return (ENOMEM);

	for (i = 0; i < msginfo.msgmni; i++) {
		msqids[i].msg_qbytes = 0;	/* implies entry is available */
		msqids[i].msg_perm._seq = 0;	/* reset to a known value */
	}
	nfree_msgs = msginfo.msgtql;
	msg_inited = 1;
	return (0);
}

/*
 * Nonzero while any queue exists: the queues hold user data and the ids
 * are visible to processes, so the code must stay.
 */
int
msg_inuse(void)
{
	int i;

	for (i = 0; i < msginfo.msgmni; i++)
		if (msqids[i].msg_qbytes != 0)
			return (1);
	return (0);
}

int
msgfini(void)
{

	if (!msg_inited)
		return (0);
	if (msg_inuse())
		return (EBUSY);
	free(msqids, M_MSG);
	msqids = NULL;
	msg_inited = 0;
	return (0);
}

static void
msg_freehdr(struct __msg *msghdr)
{

	if (msghdr->msg_data != NULL)
		free(msghdr->msg_data, M_MSG);
	free(msghdr, M_MSG);
	nfree_msgs++;
}

static struct msqid_ds *
msq_lookup(int msqid, int *errorp)
{
	struct msqid_ds *msqptr;
	int ix;

	ix = IPCID_TO_IX(msqid);
	if (ix < 0 || ix >= msginfo.msgmni) {
		MSG_PRINTF(("msqid (%d) out of range (0<=msqid<%d)\n", ix,
		    msginfo.msgmni));
		*errorp = EINVAL;
		return (NULL);
	}
	msqptr = &msqids[ix];
	if (msqptr->msg_qbytes == 0) {
		MSG_PRINTF(("no such msqid\n"));
		*errorp = EINVAL;
		return (NULL);
	}
	if (msqptr->msg_perm._seq != IPCID_TO_SEQ(msqid)) {
		MSG_PRINTF(("wrong sequence number\n"));
		*errorp = EINVAL;
		return (NULL);
	}
	*errorp = 0;
	return (msqptr);
}

int
sys___msgctl13(struct lwp *l, void *v, register_t *retval)
{
	struct sys___msgctl13_args /* {
		syscallarg(int) msqid;
		syscallarg(int) cmd;
		syscallarg(struct msqid_ds *) buf;
	} */ *uap = v;
	kauth_cred_t cred = l->l_cred;
	struct msqid_ds *msqptr, msqbuf;
	struct __msg *msghdr;
	int cmd, error;

	cmd = SCARG(uap, cmd);
	if ((msqptr = msq_lookup(SCARG(uap, msqid), &error)) == NULL)
		return (error);

	switch (cmd) {
	case IPC_RMID:
		if ((error = ipcperm(cred, &msqptr->msg_perm, IPC_M)) != 0)
			return (error);
		/* Free the message headers */
		msghdr = msqptr->_msg_first;
		while (msghdr != NULL) {
			struct __msg *msghdr_tmp;

			msghdr_tmp = msghdr;
			msghdr = msghdr->msg_next;
			msg_freehdr(msghdr_tmp);
		}
		msqptr->_msg_first = msqptr->_msg_last = NULL;
		msqptr->_msg_cbytes = 0;
		msqptr->msg_qnum = 0;
		msqptr->msg_qbytes = 0;	/* Mark it as free */
		wakeup(msqptr);
		break;

	case IPC_SET:
		if ((error = ipcperm(cred, &msqptr->msg_perm, IPC_M)) != 0)
			return (error);
		if ((error = copyin(SCARG(uap, buf), &msqbuf,
		    sizeof(msqbuf))) != 0)
			return (error);
		if (msqbuf.msg_qbytes > msqptr->msg_qbytes &&
		    kauth_cred_geteuid(cred) != 0)
			return (EPERM);
		if (msqbuf.msg_qbytes > msginfo.msgmnb)
			msqbuf.msg_qbytes = msginfo.msgmnb;
		if (msqbuf.msg_qbytes == 0)
			return (EINVAL);	/* XXX non-standard errno! */
		msqptr->msg_perm.uid = msqbuf.msg_perm.uid;
		msqptr->msg_perm.gid = msqbuf.msg_perm.gid;
		msqptr->msg_perm.mode = (msqptr->msg_perm.mode & ~0777) |
		    (msqbuf.msg_perm.mode & 0777);
		msqptr->msg_qbytes = msqbuf.msg_qbytes;
		msqptr->msg_ctime = time_second;
		break;

	case IPC_STAT:
		if ((error = ipcperm(cred, &msqptr->msg_perm, IPC_R)) != 0)
			return (error);
		memcpy(&msqbuf, msqptr, sizeof(msqbuf));
		error = copyout(&msqbuf, SCARG(uap, buf), sizeof(msqbuf));
		break;

	default:
		return (EINVAL);
	}
	*retval = 0;
	return (error);
}

int
sys_msgget(struct lwp *l, void *v, register_t *retval)
{
	struct sys_msgget_args /* {
		syscallarg(key_t) key;
		syscallarg(int) msgflg;
	} */ *uap = v;
	kauth_cred_t cred = l->l_cred;
	struct msqid_ds *msqptr;
	key_t key = SCARG(uap, key);
	int msgflg = SCARG(uap, msgflg);
	int msqid, error;

	if (key != IPC_PRIVATE) {
		for (msqid = 0; msqid < msginfo.msgmni; msqid++) {
			msqptr = &msqids[msqid];
			if (msqptr->msg_qbytes != 0 &&
			    msqptr->msg_perm._key == key)
				break;
		}
		if (msqid < msginfo.msgmni) {
			if ((msgflg & IPC_CREAT) && (msgflg & IPC_EXCL))
				return (EEXIST);
			if ((error = ipcperm(cred, &msqptr->msg_perm,
			    msgflg & 0700)))
				return (error);
			goto found;
		}
	}

	if (key != IPC_PRIVATE && (msgflg & IPC_CREAT) == 0)
		return (ENOENT);

	for (msqid = 0; msqid < msginfo.msgmni; msqid++) {
		/*
		 * Look for an unallocated and unlocked msqid_ds.
		 * msqid_ds's can be locked by msgsnd or msgrcv while
		 * they are copying the message in/out.  We can't
		 * re-use the entry until they release it.
		 */
		msqptr = &msqids[msqid];
		if (msqptr->msg_qbytes == 0 &&
		    (msqptr->msg_perm.mode & MSG_LOCKED) == 0)
			break;
	}
	if (msqid == msginfo.msgmni)
		return (ENOSPC);

	msqptr->msg_perm._key = key;
	msqptr->msg_perm.cuid = kauth_cred_geteuid(cred);
	msqptr->msg_perm.uid = kauth_cred_geteuid(cred);
	msqptr->msg_perm.cgid = kauth_cred_getegid(cred);
	msqptr->msg_perm.gid = kauth_cred_getegid(cred);
	msqptr->msg_perm.mode = (msgflg & 0777);
	/* Make sure that the returned msqid is unique */
	msqptr->msg_perm._seq++;
	msqptr->_msg_first = NULL;
	msqptr->_msg_last = NULL;
	msqptr->_msg_cbytes = 0;
	msqptr->msg_qnum = 0;
	msqptr->msg_qbytes = msginfo.msgmnb;
	msqptr->msg_lspid = 0;
	msqptr->msg_lrpid = 0;
	msqptr->msg_stime = 0;
	msqptr->msg_rtime = 0;
	msqptr->msg_ctime = time_second;

found:
	/* Construct the unique msqid */
	*retval = IXSEQ_TO_IPCID(msqid, msqptr->msg_perm);
	return (0);
}

int
sys_msgsnd(struct lwp *l, void *v, register_t *retval)
{
	struct sys_msgsnd_args /* {
		syscallarg(int) msqid;
		syscallarg(const void *) msgp;
		syscallarg(size_t) msgsz;
		syscallarg(int) msgflg;
	} */ *uap = v;
	struct msqid_ds *msqptr;
	struct __msg *msghdr;
	const char *user_msgp = SCARG(uap, msgp);
	size_t msgsz = SCARG(uap, msgsz);
	int error;

	if ((msqptr = msq_lookup(SCARG(uap, msqid), &error)) == NULL)
		return (error);
	if ((error = ipcperm(l->l_cred, &msqptr->msg_perm, IPC_W)) != 0)
		return (error);
	if (msgsz > msginfo.msgmax)
		return (EINVAL);

	/* Wait for room on the queue, or give up if IPC_NOWAIT. */
	while (msgsz + msqptr->_msg_cbytes > msqptr->msg_qbytes ||
	    nfree_msgs <= 0) {
		if (SCARG(uap, msgflg) & IPC_NOWAIT)
			return (EAGAIN);
		msqptr->msg_perm.mode |= MSG_LOCKED;
		error = tsleep(msqptr, (PZERO - 4) | PCATCH, "msgwait", 0);
		msqptr->msg_perm.mode &= ~MSG_LOCKED;
		if (error != 0)
			return (EINTR);
		if (msqptr->msg_qbytes == 0)
			return (EIDRM);
	}

	msghdr = malloc(sizeof(*msghdr), M_MSG, M_WAITOK|M_ZERO);
	msghdr->msg_data = malloc(msgsz > 0 ? msgsz : 1, M_MSG, M_WAITOK);
	nfree_msgs--;

	/* The message type leads the user's buffer, as a long. */
	if ((error = copyin(user_msgp, &msghdr->msg_type,
	    sizeof(msghdr->msg_type))) != 0) {
		msg_freehdr(msghdr);
		return (error);
	}
	if (msghdr->msg_type < 1) {
		msg_freehdr(msghdr);
		return (EINVAL);
	}
	if ((error = copyin(user_msgp + sizeof(long), msghdr->msg_data,
	    msgsz)) != 0) {
		msg_freehdr(msghdr);
		return (error);
	}
	msghdr->msg_ts = msgsz;

	/* Put the message on the queue */
	if (msqptr->_msg_first == NULL) {
		msqptr->_msg_first = msghdr;
		msqptr->_msg_last = msghdr;
	} else {
		msqptr->_msg_last->msg_next = msghdr;
		msqptr->_msg_last = msghdr;
	}
	msqptr->_msg_cbytes += msghdr->msg_ts;
	msqptr->msg_qnum++;
	msqptr->msg_lspid = l->l_proc->p_pid;
	msqptr->msg_stime = time_second;

	wakeup(msqptr);
	*retval = 0;
	return (0);
}

int
sys_msgrcv(struct lwp *l, void *v, register_t *retval)
{
	struct sys_msgrcv_args /* {
		syscallarg(int) msqid;
		syscallarg(void *) msgp;
		syscallarg(size_t) msgsz;
		syscallarg(long) msgtyp;
		syscallarg(int) msgflg;
	} */ *uap = v;
	struct msqid_ds *msqptr;
	struct __msg *msghdr, *prev;
	char *user_msgp = SCARG(uap, msgp);
	size_t msgsz = SCARG(uap, msgsz);
	long msgtyp = SCARG(uap, msgtyp);
	int error;

	if ((msqptr = msq_lookup(SCARG(uap, msqid), &error)) == NULL)
		return (error);
	if ((error = ipcperm(l->l_cred, &msqptr->msg_perm, IPC_R)) != 0)
		return (error);

	for (;;) {
		prev = NULL;
		for (msghdr = msqptr->_msg_first; msghdr != NULL;
		    prev = msghdr, msghdr = msghdr->msg_next) {
			if (msgtyp == 0 || msgtyp == msghdr->msg_type ||
			    (msgtyp < 0 && msghdr->msg_type <= -msgtyp))
				break;
		}
		if (msghdr != NULL)
			break;
		if (SCARG(uap, msgflg) & IPC_NOWAIT)
			return (ENOMSG);
		error = tsleep(msqptr, (PZERO - 4) | PCATCH, "msgwait", 0);
		if (error != 0)
			return (EINTR);
		if (msqptr->msg_qbytes == 0)
			return (EIDRM);
	}

	if (msgsz < msghdr->msg_ts &&
	    (SCARG(uap, msgflg) & MSG_NOERROR) == 0)
		return (E2BIG);

	/* Dequeue before copying out: the copy may fault. */
	if (prev == NULL)
		msqptr->_msg_first = msghdr->msg_next;
	else
		prev->msg_next = msghdr->msg_next;
	if (msqptr->_msg_last == msghdr)
		msqptr->_msg_last = prev;
	msqptr->_msg_cbytes -= msghdr->msg_ts;
	msqptr->msg_qnum--;
	msqptr->msg_lrpid = l->l_proc->p_pid;
	msqptr->msg_rtime = time_second;

	if (msgsz > msghdr->msg_ts)
		msgsz = msghdr->msg_ts;
	error = copyout(&msghdr->msg_type, user_msgp, sizeof(long));
	if (error == 0)
		error = copyout(msghdr->msg_data, user_msgp + sizeof(long),
		    msgsz);
	msg_freehdr(msghdr);
	wakeup(msqptr);
	if (error != 0)
		return (error);

	*retval = msgsz;
	return (0);
}
