/*	Buffers for block I/O.	*/

#ifndef _SYS_BUF_H_
#define _SYS_BUF_H_

#include <sys/types.h>
#include <sys/queue.h>

struct vnode;
struct uio;
struct kauth_cred;
struct uio;
struct kauth_cred;
struct lwp;

/*
 * The buffer header describes an I/O operation in the kernel.
 */
struct buf {
	TAILQ_ENTRY(buf) b_actq;	/* Device driver queue when active. */
	volatile int	b_flags;	/* B_* flags. */
	int	b_error;		/* Errno value. */
	int	b_prio;			/* Hint for buffer queue discipline. */
	size_t	b_bufsize;		/* Allocated buffer size. */
	size_t	b_bcount;		/* Valid bytes in buffer. */
	size_t	b_resid;		/* Remaining I/O. */
	dev_t	b_dev;			/* Device associated with buffer. */
	void	*b_data;		/* Data buffer */
	daddr_t	b_blkno;		/* Underlying physical block number
					   (partition relative) */
	daddr_t	b_rawblkno;		/* Raw underlying physical block
					   number (not partition relative) */
	struct lwp *b_proc;		/* Associated LWP. */
	struct vnode *b_vp;		/* File vnode. */
	void	(*b_iodone)(struct buf *);/* Function to call upon completion. */
	void	*b_private;		/* Private data for owner */
	off_t	b_dcookie;		/* Offset cookie if dir block */
};

/*
 * These flags are kept in b_flags.
 */
#define	B_AGE		0x00000001	/* Move to age queue when I/O done. */
#define	B_NEEDCOMMIT	0x00000002	/* Append-write in progress. */
#define	B_ASYNC		0x00000004	/* Start I/O, do not wait. */
#define	B_BAD		0x00000008	/* Bad block revectoring in progress. */
#define	B_BUSY		0x00000010	/* I/O in progress. */
#define	B_SCANNED	0x00000020	/* Block already pushed during sync */
#define	B_CALL		0x00000040	/* Call b_iodone from biodone. */
#define	B_DELWRI	0x00000080	/* Delay I/O until buffer reused. */
#define	B_DIRTY		0x00000100	/* Dirty page to be pushed out async. */
#define	B_DONE		0x00000200	/* I/O completed. */
#define	B_EINTR		0x00000400	/* I/O was interrupted */
#define	B_ERROR		0x00000800	/* I/O error occurred. */
#define	B_INVAL		0x00002000	/* Does not contain valid info. */
#define	B_LOCKED	0x00004000	/* Locked in core (not reusable). */
#define	B_NOCACHE	0x00008000	/* Do not cache block after use. */
#define	B_CACHE		0x00020000	/* Bread found us in the cache. */
#define	B_PHYS		0x00040000	/* I/O to user memory. */
#define	B_RAW		0x00080000	/* Set by physio for raw transfers. */
#define	B_READ		0x00100000	/* Read buffer. */
#define	B_TAPE		0x00200000	/* Magnetic tape I/O. */
#define	B_WANTED	0x00800000	/* Process wants this buffer. */
#define	B_WRITE		0x00000000	/* Write buffer (pseudo flag). */
#define	B_XXX		0x02000000	/* Debugging flag. */
#define	B_VFLUSH	0x04000000	/* Buffer is being synced. */

/*
 * This structure describes a clustered I/O.
 */
struct bufq_state;

#ifdef _KERNEL
void	biodone(struct buf *);
int	biowait(struct buf *);
int	bread(struct vnode *, daddr_t, int, struct kauth_cred *, struct buf **);
int	bwrite(struct buf *);
void	brelse(struct buf *, int);
struct buf *getblk(struct vnode *, daddr_t, int, int, int);
struct buf *getiobuf(struct vnode *, bool);
void	putiobuf(struct buf *);
void	minphys(struct buf *);
int	physio(void (*)(struct buf *), struct buf *, dev_t, int,
	    void (*)(struct buf *), struct uio *);
int	bufq_alloc(struct bufq_state **, const char *, int);
void	bufq_free(struct bufq_state *);
void	bufq_put(struct bufq_state *, struct buf *);
struct buf *bufq_get(struct bufq_state *);
#endif

#endif /* !_SYS_BUF_H_ */
