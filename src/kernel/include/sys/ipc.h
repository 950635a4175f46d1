/*	System V interprocess communication: common definitions.	*/

#ifndef _SYS_IPC_H_
#define _SYS_IPC_H_

#include <sys/types.h>

struct ipc_perm {
	uid_t		uid;	/* user id */
	gid_t		gid;	/* group id */
	uid_t		cuid;	/* creator user id */
	gid_t		cgid;	/* creator group id */
	mode_t		mode;	/* r/w permission */

	/*
	 * These members are private and used only in the internal
	 * implementation of this interface.
	 */
	unsigned short	_seq;	/* sequence # (to generate unique msg/sem/shm id) */
	key_t		_key;	/* user specified msg/sem/shm key */
};

/* X/Open required constants (same values as system 5) */
#define	IPC_CREAT	001000	/* create entry if key does not exist */
#define	IPC_EXCL	002000	/* fail if key exists */
#define	IPC_NOWAIT	004000	/* error if request must wait */

#define	IPC_PRIVATE	(key_t)0 /* private key */

#define	IPC_RMID	0	/* remove identifier */
#define	IPC_SET		1	/* set options */
#define	IPC_STAT	2	/* get options */

#define	IPC_R		000400	/* read permission, same value as S_IRUSR */
#define	IPC_W		000200	/* write permission, same value as S_IWUSR */
#define	IPC_M		010000	/* permission to change control info */

#ifdef _KERNEL
/* Macros to convert between ipc ids and array indices or sequence ids */
#define	IPCID_TO_IX(id)		((id) & 0xffff)
#define	IPCID_TO_SEQ(id)	(((id) >> 16) & 0xffff)
#define	IXSEQ_TO_IPCID(ix,perm)	(((perm._seq) << 16) | (ix & 0xffff))

struct kauth_cred;
int	ipcperm(struct kauth_cred *, struct ipc_perm *, int);
#endif /* _KERNEL */

#endif /* !_SYS_IPC_H_ */
