/*	Pathname lookup, namei(9).	*/

#ifndef _SYS_NAMEI_H_
#define _SYS_NAMEI_H_

#include <sys/types.h>
#include <sys/uio.h>

struct vnode;
struct lwp;
struct kauth_cred;

/*
 * Encapsulation of namei parameters.
 */
struct componentname {
	u_long		cn_nameiop;	/* namei operation */
	u_long		cn_flags;	/* flags to namei */
	struct lwp	*cn_lwp;	/* lwp requesting lookup */
	struct kauth_cred *cn_cred;	/* credentials */
	char		*cn_pnbuf;	/* pathname buffer */
	const char	*cn_nameptr;	/* pointer to looked up name */
	long		cn_namelen;	/* length of looked up component */
	u_long		cn_hash;	/* hash value of looked up name */
	long		cn_consume;	/* chars to consume in lookup() */
};

struct nameidata {
	const char *ni_dirp;		/* pathname pointer */
	enum	uio_seg ni_segflg;	/* location of pathname */
	struct	vnode *ni_startdir;	/* starting directory */
	struct	vnode *ni_rootdir;	/* logical root directory */
	struct	vnode *ni_erootdir;	/* emulation root directory */
	struct	vnode *ni_vp;		/* vnode of result */
	struct	vnode *ni_dvp;		/* vnode of intermediate directory */
	size_t	ni_pathlen;		/* remaining chars in path */
	const char *ni_next;		/* next location in pathname */
	u_long	ni_loopcnt;		/* count of symlinks encountered */
	struct componentname ni_cnd;
};

/*
 * namei operations
 */
#define	LOOKUP		0	/* perform name lookup only */
#define	CREATE		1	/* setup for file creation */
#define	DELETE		2	/* setup for file deletion */
#define	RENAME		3	/* setup for file renaming */
#define	OPMASK		3	/* mask for operation */
/*
 * namei operational modifier flags, stored in ni_cnd.cn_flags
 */
#define	LOCKLEAF	0x0004	/* lock inode on return */
#define	LOCKPARENT	0x0008	/* want parent vnode returned locked */
#define	WANTPARENT	0x0010	/* want parent vnode returned unlocked */
#define	NOCACHE		0x0020	/* name must not be left in cache */
#define	FOLLOW		0x0040	/* follow symbolic links */
#define	NOFOLLOW	0x0000	/* do not follow symbolic links (pseudo) */
#define	MODMASK		0x00fc	/* mask of operational modifiers */

/*
 * namei parameter descriptors, stored in ni_cnd.cn_flags.  PDIRUNLOCK is NetBSD 4's: a
 * lookup routine set it when it had unlocked the parent directory.
 */
#define	NOCROSSMOUNT	0x0000100 /* do not cross mount points */
#define	RDONLY		0x0000200 /* lookup with read-only semantics */
#define	HASBUF		0x0000400 /* has allocated pathname buffer */
#define	SAVENAME	0x0000800 /* save pathname buffer */
#define	SAVESTART	0x0001000 /* save starting directory */
#define	ISDOTDOT	0x0002000 /* current component name is .. */
#define	MAKEENTRY	0x0004000 /* entry is to be added to name cache */
#define	ISLASTCN	0x0008000 /* this is last component of pathname */
#define	ISSYMLINK	0x0010000 /* symlink needs interpretation */
#define	ISWHITEOUT	0x0020000 /* found whiteout */
#define	DOWHITEOUT	0x0040000 /* do whiteouts */
#define	REQUIREDIR	0x0080000 /* must be a directory */
#define	PDIRUNLOCK	0x0100000 /* file system lookup() unlocked parent dir */
#define	CREATEDIR	0x0200000 /* trailing slashes are ok */
#define	PARAMASK	0x02fff00 /* mask of parameter descriptors */

#define	NDINIT(ndp, op, flags, segflg, namep) { \
	(ndp)->ni_cnd.cn_nameiop = op; \
	(ndp)->ni_cnd.cn_flags = flags; \
	(ndp)->ni_segflg = segflg; \
	(ndp)->ni_dirp = namep; \
}

#ifdef _KERNEL
int	namei(struct nameidata *);
int	lookup(struct nameidata *);
int	relookup(struct vnode *, struct vnode **, struct componentname *);
void	cache_purge(struct vnode *);
int	cache_lookup(struct vnode *, struct vnode **, struct componentname *);
void	cache_enter(struct vnode *, struct vnode *, struct componentname *);
#endif

#endif /* !_SYS_NAMEI_H_ */
