/*	The simulated kernel's <sys/vnode.h>: vnodes and vnode operation vectors.	*/

/*
 * LKMs were written against NetBSD 4 and 5, and struct vnode changed between them: 5.0 split
 * v_flag into v_iflag/v_vflag/v_uflag (VI_*, VV_*, VU_*) and made v_lock a struct vnlock. The
 * names do not collide, so both generations are here and either kind of source compiles.
 */

#ifndef _SYS_VNODE_H_
#define _SYS_VNODE_H_

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/time.h>
#include <sys/mutex.h>
#include <sys/rwlock.h>
#include <sys/uio.h>
#include <uvm/uvm_extern.h>

struct namecache;
struct mount;
struct buf;
struct uio;
struct lwp;
struct componentname;
struct nameidata;
struct kauth_cred;
struct vm_page;
struct knote;
struct flock;
struct file;

/*
 * Vnode types.  VNON means no type.
 */
enum vtype	{ VNON, VREG, VDIR, VBLK, VCHR, VLNK, VSOCK, VFIFO, VBAD };

#define	VNODE_TYPES \
    "VNON", "VREG", "VDIR", "VBLK", "VCHR", "VLNK", "VSOCK", "VFIFO", "VBAD"

/*
 * Vnode tag types.
 */
enum vtagtype	{
	VT_NON, VT_UFS, VT_NFS, VT_MFS, VT_MSDOSFS, VT_LFS, VT_LOFS,
	VT_FDESC, VT_PORTAL, VT_NULL, VT_UMAP, VT_KERNFS, VT_PROCFS,
	VT_AFS, VT_ISOFS, VT_UNION, VT_ADOSFS, VT_EXT2FS, VT_CODA,
	VT_FILECORE, VT_NTFS, VT_VFS, VT_OVERLAY, VT_SMBFS, VT_PTYFS,
	VT_TMPFS, VT_UDF, VT_SYSVBFS, VT_PUFFS, VT_HFS, VT_EFS
};

/*
 * Vnode locking (5.0): an rwlock wrapped to cope with recursion. A layered file system
 * shares its lower vnode's lock through v_vnlock.
 */
struct vnlock {
	krwlock_t	vl_lock;
	u_int		vl_canrecurse;
	u_int		vl_recursecnt;
};

struct vnode {
	struct mount	*v_mount;		/* ptr to vfs we are in */
	int		(**v_op)(void *);	/* vnode operations vector */
	TAILQ_ENTRY(vnode) v_freelist;		/* vnode freelist */
	TAILQ_ENTRY(vnode) v_mntvnodes;		/* vnodes for mount point */
	int		v_usecount;		/* reference count of users */
	int		v_writecount;		/* reference count of writers */
	int		v_holdcnt;		/* page & buffer references */
	u_int		v_flag;			/* V* flags (NetBSD 4) */
	int		v_iflag;		/* VI_* flags (5.0) */
	int		v_vflag;		/* VV_* flags (5.0) */
	int		v_uflag;		/* VU_* flags (5.0) */
	int		v_numoutput;		/* number of pending writes */
	voff_t		v_size;			/* size of file */
	enum vtype	v_type;			/* vnode type */
	enum vtagtype	v_tag;			/* type of underlying data */
	kmutex_t	v_interlock;		/* lock on usecount and flag */
	union {
		struct mount	*vu_mountedhere;/* ptr to vfs (VDIR) */
		struct socket	*vu_socket;	/* unix ipc (VSOCK) */
		struct specnode	*vu_specnode;	/* device (VCHR, VBLK) */
		struct fifoinfo	*vu_fifoinfo;	/* fifo (VFIFO) */
	} v_un;
	struct vnlock	v_lock;			/* lock for this vnode */
	struct vnlock	*v_vnlock;		/* pointer to lock */
	void		*v_data;		/* private data for fs */
};
#define	v_mountedhere	v_un.vu_mountedhere
#define	v_socket	v_un.vu_socket
#define	v_specnode	v_un.vu_specnode
#define	v_fifoinfo	v_un.vu_fifoinfo

/*
 * Vnode flags.
 */
#define	VROOT		0x0001	/* root of its file system */
#define	VTEXT		0x0002	/* vnode is a pure text prototype */
#define	VSYSTEM		0x0004	/* vnode being used by kernel */
#define	VISTTY		0x0008	/* vnode represents a tty */
#define	VXLOCK		0x0100	/* vnode is locked to change underlying type */
#define	VXWANT		0x0200	/* process is waiting for vnode */
#define	VBWAIT		0x0400	/* waiting for output to complete */
#define	VALIASED	0x0800	/* vnode has an alias */
#define	VDIROP		0x1000	/* LFS: vnode is involved in a directory op */
#define	VLAYER		0x2000	/* vnode is on a layer filesystem */
#define	VONWORKLST	0x4000	/* On syncer work-list */

/*
 * The flags of 5.0.  VV_* are locked by the vnode lock, VI_* by v_interlock, VU_* by the
 * file system.
 */
#define	VV_ROOT		0x00000001	/* root of its file system */
#define	VV_SYSTEM	0x00000002	/* vnode being used by kernel */
#define	VV_ISTTY	0x00000004	/* vnode represents a tty */
#define	VV_MAPPED	0x00000008	/* vnode might have user mappings */
#define	VV_MPSAFE	0x00000010	/* file system code is MP safe */
#define	VV_LOCKSWORK	0x00000020	/* FS supports locking discipline */

#define	VI_TEXT		0x00000100	/* vnode is a pure text prototype */
#define	VI_EXECMAP	0x00000200	/* might have PROT_EXEC mappings */
#define	VI_WRMAP	0x00000400	/* might have PROT_WRITE u. mappings */
#define	VI_WRMAPDIRTY	0x00000800	/* might have dirty pages */
#define	VI_XLOCK	0x00001000	/* vnode is locked to change type */
#define	VI_ONWORKLST	0x00004000	/* On syncer work-list */
#define	VI_MARKER	0x00008000	/* Dummy marker vnode */
#define	VI_LAYER	0x00020000	/* vnode is on a layer filesystem */
#define	VI_CLEAN	0x00080000	/* has been reclaimed */
#define	VI_INACTPEND	0x00100000	/* inactivation is pending */
#define	VI_INACTREDO	0x00200000	/* need to redo VOP_INACTIVE() */
#define	VI_FREEING	0x00400000	/* vnode is being freed */

#define	VU_DIROP	0x01000000	/* LFS: involved in a directory op */

#define	NULLVP	((struct vnode *)NULL)

/*
 * Vnode attributes.  A field value of VNOVAL represents a field whose value
 * is unavailable (getattr) or which is not to be changed (setattr).
 */
struct vattr {
	enum vtype	va_type;	/* vnode type (for create) */
	mode_t		va_mode;	/* files access mode and type */
	nlink_t		va_nlink;	/* number of references to file */
	uid_t		va_uid;		/* owner user id */
	gid_t		va_gid;		/* owner group id */
	long		va_fsid;	/* file system id (dev for now) */
	ino_t		va_fileid;	/* file id */
	u_quad_t	va_size;	/* file size in bytes */
	long		va_blocksize;	/* blocksize preferred for i/o */
	struct timespec	va_atime;	/* time of last access */
	struct timespec	va_mtime;	/* time of last modification */
	struct timespec	va_ctime;	/* time file changed */
	struct timespec va_birthtime;	/* time file created */
	u_long		va_gen;		/* generation number of file */
	u_long		va_flags;	/* flags defined for file */
	dev_t		va_rdev;	/* device the special file represents */
	u_quad_t	va_bytes;	/* bytes of disk space held by file */
	u_quad_t	va_filerev;	/* file modification number */
	u_int		va_vaflags;	/* operations flags, see below */
	long		va_spare;	/* remain quad aligned */
};

#define	VNOVAL	(-1)

/*
 * Flags for ioflag.
 */
#define	IO_UNIT		0x00010		/* do I/O as atomic unit */
#define	IO_APPEND	0x00020		/* append write to end */
#define	IO_SYNC		0x00040		/* sync I/O file integrity completion */
#define	IO_NODELOCKED	0x00080		/* underlying node already locked */
#define	IO_NDELAY	0x00100		/* FNDELAY flag set in file table */

/*
 * Modes.
 */
#define	VREAD	00004		/* read, write, execute permissions */
#define	VWRITE	00002
#define	VEXEC	00001

/*
 * Flags to various vnode functions.
 */
#define	SKIPSYSTEM	0x0001		/* vflush: skip vnodes marked VSYSTEM */
#define	FORCECLOSE	0x0002		/* vflush: force file closeure */
#define	WRITECLOSE	0x0004		/* vflush: only close writable files */
#define	DOCLOSE		0x0008		/* vclean: close active files */
#define	V_SAVE		0x0001		/* vinvalbuf: sync file first */

/*
 * Flags for vinvalbuf / fsync.
 */
#define	FSYNC_WAIT	0x0001		/* fsync: wait for completion */
#define	FSYNC_DATAONLY	0x0002		/* fsync: hint: sync file data only */
#define	FSYNC_RECLAIM	0x0004		/* fsync: hint: vnode is being reclaimed */
#define	FSYNC_LAZY	0x0008		/* fsync: lazy sync (trickle) */
#define	FSYNC_CACHE	0x0100		/* fsync: flush disk caches too */

/* lock manager flags, vn_lock(9) */
#define	LK_SHARED	0x00000001	/* shared lock */
#define	LK_EXCLUSIVE	0x00000002	/* exclusive lock */
#define	LK_RELEASE	0x00000006	/* release any type of lock */
#define	LK_TYPE_MASK	0x0000000f
#define	LK_NOWAIT	0x00000010	/* do not sleep to await lock */
#define	LK_INTERLOCK	0x00010000	/* unlock passed simple lock after getting lk_interlock */
#define	LK_RETRY	0x00020000	/* vn_lock: retry until locked */
#define	LK_CANRECURSE	0x00000040	/* allow recursive exclusive lock */

#define	VREF(vp)	vref(vp)
#define	VATTR_NULL(vap)	vattr_null(vap)

/*
 * This structure describes the vnode operation taking place.
 */
struct vnodeop_desc {
	int	vdesc_offset;		/* offset in vector--first for speed */
	const char *vdesc_name;		/* a readable name for debugging */
	int	vdesc_flags;		/* VDESC_* flags */
	const int *vdesc_vp_offsets;	/* list ended by VDESC_NO_OFFSET */
	int	vdesc_vpp_offset;	/* return vpp location */
	int	vdesc_cred_offset;	/* cred location, if any */
	int	vdesc_lwp_offset;	/* lwp location, if any */
	int	vdesc_componentname_offset; /* if any */
	const void * const *vdesc_transports;
};

/*
 * Flags and limits of vnodeop_desc.  A bypass routine shifts vdesc_flags right once per vnode
 * argument and tests the VP0 bits: vp i's WILLRELE flag is bit i, its WILLUNLOCK flag bit 8+i.
 */
#define	VDESC_MAX_VPS		16
#define	VDESC_VP0_WILLRELE	0x00000001
#define	VDESC_VP1_WILLRELE	0x00000002
#define	VDESC_VP2_WILLRELE	0x00000004
#define	VDESC_VP3_WILLRELE	0x00000008
#define	VDESC_VP0_WILLUNLOCK	0x00000100
#define	VDESC_VP1_WILLUNLOCK	0x00000200
#define	VDESC_VP2_WILLUNLOCK	0x00000400
#define	VDESC_VP3_WILLUNLOCK	0x00000800
#define	VDESC_VP0_WILLPUT	0x00000101
#define	VDESC_VP1_WILLPUT	0x00000202
#define	VDESC_VP2_WILLPUT	0x00000404
#define	VDESC_VP3_WILLPUT	0x00000808
#define	VDESC_NOMAP_VPP		0x00010000
#define	VDESC_VPP_WILLRELE	0x00020000
#define	VDESC_NO_OFFSET		-1

#define	VOPARG_OFFSETOF(s_type, field) \
	((int)(unsigned long)&(((s_type *)0)->field))
#define	VOPARG_OFFSETTO(s_type, s_offset, struct_p) \
	((s_type)(((char *)(struct_p)) + (s_offset)))

/*
 * This structure is used to configure the new vnodeops vector.
 */
struct vnodeopv_entry_desc {
	const struct vnodeop_desc *opve_op;	/* which operation this is */
	int (*opve_impl)(void *);	/* code implementing this operation */
};

struct vnodeopv_desc {
			/* ptr to the ptr to the vector where op should go */
	int (***opv_desc_vector_p)(void *);
	const struct vnodeopv_entry_desc *opv_desc_ops; /* null terminated list */
};

/*
 * A default routine which just returns an error.
 */
int vn_default_error(void *);

/*
 * A generic structure.
 * This can be used by bypass routines to identify generic arguments.
 */
struct vop_generic_args {
	struct vnodeop_desc *a_desc;
	/* other random data follows, presumably */
};

#define	VOCALL(OPSV,OFF,AP) (( *((OPSV)[(OFF)])) (AP))
#define	VCALL(VP,OFF,AP) VOCALL((VP)->v_op,(OFF),(AP))
#define	VDESC(OP) (& __CONCAT(OP,_desc))
#define	VOFFSET(OP) (VDESC(OP)->vdesc_offset)

#include <sys/vnode_if.h>

/*
 * Public vnode manipulation functions.
 */
int	bdevvp(dev_t, struct vnode **);
int	cdevvp(dev_t, struct vnode **);
int	getnewvnode(enum vtagtype, struct mount *, int (**)(void *),
	    struct vnode **);
void	ungetnewvnode(struct vnode *);
int	vaccess(enum vtype, mode_t, uid_t, gid_t, mode_t, struct kauth_cred *);
void	vattr_null(struct vattr *);
int	vcount(struct vnode *);
int	vget(struct vnode *, int);
void	vgone(struct vnode *);
int	vinvalbuf(struct vnode *, int, struct kauth_cred *, struct lwp *,
	    bool, int);
void	vprint(const char *, struct vnode *);
void	vput(struct vnode *);
int	vrecycle(struct vnode *, kmutex_t *, struct lwp *);
void	vref(struct vnode *);
void	vrele(struct vnode *);
int	vtruncbuf(struct vnode *, daddr_t, bool, int);
void	vwakeup(struct buf *);
void	vholdl(struct vnode *);
void	holdrelel(struct vnode *);
int	vn_lock(struct vnode *, int);
int	vn_close(struct vnode *, int, struct kauth_cred *, struct lwp *);
int	vn_open(struct nameidata *, int, int);
int	vn_rdwr(enum uio_rw, struct vnode *, void *, int, off_t, enum uio_seg,
	    int, struct kauth_cred *, size_t *, struct lwp *);
int	vn_stat(struct vnode *, void *, struct lwp *);
int	vn_isunder(struct vnode *, struct vnode *, struct lwp *);

#endif /* !_SYS_VNODE_H_ */
