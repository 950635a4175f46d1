/*	Open files.	*/

#ifndef _SYS_FILE_H_
#define _SYS_FILE_H_

#include <sys/types.h>
#include <sys/fcntl.h>
#include <sys/unistd.h>
#include <sys/queue.h>
#include <sys/mutex.h>

struct proc;
struct lwp;
struct uio;
struct iovec;
struct stat;
struct knote;
struct socket;
struct vnode;
struct kauth_cred;

/*
 * Kernel descriptor table.
 * One entry for each open kernel vnode and socket.
 */
struct file {
	LIST_ENTRY(file) f_list;	/* list of active files */
	int		f_flag;		/* see fcntl.h */
	int		f_iflags;	/* internal flags */
#define	DTYPE_VNODE	1		/* file */
#define	DTYPE_SOCKET	2		/* communications endpoint */
#define	DTYPE_PIPE	3		/* pipe */
#define	DTYPE_KQUEUE	4		/* event queue */
#define	DTYPE_MISC	5		/* misc file descriptor type */
#define	DTYPE_CRYPTO	6		/* crypto */
#define	DTYPE_MQUEUE	7		/* message queue */
	int		f_type;		/* descriptor type */
	u_int		f_count;	/* reference count */
	u_int		f_msgcount;	/* references from message queue */
	int		f_usecount;	/* number active users */
	struct kauth_cred *f_cred;	/* creds associated with descriptor */
	const struct fileops {
		int	(*fo_read)	(struct file *, off_t *, struct uio *,
					    struct kauth_cred *, int);
		int	(*fo_write)	(struct file *, off_t *, struct uio *,
					    struct kauth_cred *, int);
		int	(*fo_ioctl)	(struct file *, u_long, void *,
					    struct lwp *);
		int	(*fo_fcntl)	(struct file *, u_int, void *,
					    struct lwp *);
		int	(*fo_poll)	(struct file *, int, struct lwp *);
		int	(*fo_stat)	(struct file *, struct stat *,
					    struct lwp *);
		int	(*fo_close)	(struct file *, struct lwp *);
		int	(*fo_kqfilter)	(struct file *, struct knote *);
	} *f_ops;
	off_t		f_offset;
	void		*f_data;	/* descriptor data, e.g. vnode/socket */
};

#define	FIF_WANTCLOSE		0x01	/* a close is waiting for usecount */
#define	FIF_LARVAL		0x02	/* not fully constructed; don't use */

#ifdef _KERNEL
extern u_int		maxfiles;	/* kernel limit on # of open files */
extern u_int		nfiles;		/* actual number of open files */

int	fdgetsock(struct proc *, int, struct socket **);
int	fgetvp(struct proc *, int, struct vnode **);
void	fdremove(void *, int);
int	badfo_fcntl(struct file *, u_int, void *, struct lwp *);
int	fnullop_fcntl(struct file *, u_int, void *, struct lwp *);
int	fnullop_poll(struct file *, int, struct lwp *);
int	fnullop_kqfilter(struct file *, struct knote *);
int	fbadop_stat(struct file *, struct stat *, struct lwp *);
#endif

#endif /* !_SYS_FILE_H_ */
