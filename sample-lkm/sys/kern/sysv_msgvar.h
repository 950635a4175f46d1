/*	$NetBSD: sysv_msgvar.h,v 1.2 2007/02/15 15:40:53 ad Exp $	*/

/*
 * SVID compatible msg.h file
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

/*
 * Kernel side of System V message queues: the structures sysv_msg.c keeps
 * and the argument lists of the calls it implements, for the module glue
 * and for emulations that call the native implementation.
 */

#ifndef _KERN_SYSV_MSGVAR_H_
#define _KERN_SYSV_MSGVAR_H_

#include <sys/ipc.h>

typedef unsigned long	msgqnum_t;
typedef size_t		msglen_t;

struct __msg {
	struct __msg	*msg_next;	/* next msg in the chain */
	long		msg_type;	/* type of this message */
					/* >0 -> type of this message */
					/* 0 -> free header */
	u_short		msg_ts;		/* size of this message */
	char		*msg_data;	/* the message text, msg_ts bytes */
};

struct msqid_ds {
	struct ipc_perm	msg_perm;	/* operation permission structure */
	msgqnum_t	msg_qnum;	/* number of messages in the queue */
	msglen_t	msg_qbytes;	/* max # of bytes on the queue */
	pid_t		msg_lspid;	/* process ID of last msgsnd() */
	pid_t		msg_lrpid;	/* process ID of last msgrcv() */
	time_t		msg_stime;	/* time of last msgsnd() */
	time_t		msg_rtime;	/* time of last msgrcv() */
	time_t		msg_ctime;	/* time of last change */

	/* These fields are private to the implementation. */
	struct __msg	*_msg_first;	/* first message in the queue */
	struct __msg	*_msg_last;	/* last message in the queue */
	msglen_t	_msg_cbytes;	/* # of bytes currently in queue */
};

/*
 * Based on the configuration parameters described in an SVR2 (yes, two)
 * config(1m) man page.
 */
struct msginfo {
	int32_t	msgmax;		/* max chars in a message */
	int32_t	msgmni;		/* max message queue identifiers */
	int32_t	msgmnb;		/* max chars in a queue */
	int32_t	msgtql;		/* max messages in system */
};

#define	MSGMAX	2048		/* max chars in a message */
#define	MSGMNI	40		/* max message queue identifiers */
#define	MSGMNB	2048		/* max chars in a queue */
#define	MSGTQL	40		/* max messages in system */

/* Flag for msgrcv(2) */
#define	MSG_NOERROR	010000	/* don't complain about too long msgs */

#ifdef _KERNEL
/* Flags on msg_perm.mode of a queue in use, kept in the high bits */
#define	MSG_LOCKED	01000	/* Is this msqid_ds locked? */

struct sys___msgctl13_args {
	syscallarg(int) msqid;
	syscallarg(int) cmd;
	syscallarg(struct msqid_ds *) buf;
};

struct sys_msgget_args {
	syscallarg(key_t) key;
	syscallarg(int) msgflg;
};

struct sys_msgsnd_args {
	syscallarg(int) msqid;
	syscallarg(const void *) msgp;
	syscallarg(size_t) msgsz;
	syscallarg(int) msgflg;
};

struct sys_msgrcv_args {
	syscallarg(int) msqid;
	syscallarg(void *) msgp;
	syscallarg(size_t) msgsz;
	syscallarg(long) msgtyp;
	syscallarg(int) msgflg;
};

int	sys___msgctl13(struct lwp *, void *, register_t *);
int	sys_msgget(struct lwp *, void *, register_t *);
int	sys_msgsnd(struct lwp *, void *, register_t *);
int	sys_msgrcv(struct lwp *, void *, register_t *);

extern struct msginfo msginfo;

int	msginit(void);
int	msgfini(void);
int	msg_inuse(void);
#endif /* _KERNEL */

#endif /* !_KERN_SYSV_MSGVAR_H_ */
