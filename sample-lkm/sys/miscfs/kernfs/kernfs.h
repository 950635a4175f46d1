/*	$NetBSD: kernfs.h,v 1.29 2006/11/16 01:33:38 christos Exp $	*/

/*
 * Copyright (c) 1992, 1993
 *	The Regents of the University of California.  All rights reserved.
 *
 * This code is derived from software donated to Berkeley by
 * Jan-Simon Pendry.
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions
 * are met:
 * 1. Redistributions of source code must retain the above copyright
 *    notice, this list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright
 *    notice, this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the University nor the names of its contributors
 *    may be used to endorse or promote products derived from this software
 *    without specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE REGENTS AND CONTRIBUTORS ``AS IS'' AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
 * IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE
 * ARE DISCLAIMED.  IN NO EVENT SHALL THE REGENTS OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS
 * OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION)
 * HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT
 * LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY
 * OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF
 * SUCH DAMAGE.
 *
 *	@(#)kernfs.h	8.6 (Berkeley) 3/29/95
 */

#ifndef _MISCFS_KERNFS_KERNFS_H_
#define	_MISCFS_KERNFS_KERNFS_H_

#define	_PATH_KERNFS	"/kern"		/* Default mountpoint */
#define	MOUNT_KERNFS	"kernfs"

/* sysctl(3) identifier of vfs.kernfs, as in <sys/mount.h>'s numbering */
#define	KERNFS_VFS_NUM	11

#ifdef _KERNEL

/*
 * The different types of node in a kernfs filesystem
 */
typedef enum {
	KFSkern,		/* the filesystem itself (.) */
	KFSroot,		/* the filesystem root (..) */
	KFSnull,		/* none aplicable */
	KFSstring,		/* char * */
	KFSint,			/* int */
	KFShostname,		/* hostname */
	KFSmsgbuf,		/* msgbuf */
	KFSmax
} kfstype;

/*
 * One entry of the table kernfs builds its root directory from.
 */
struct kern_target {
	u_char		kt_type;
	u_char		kt_namlen;
	const char	*kt_name;
	void		*kt_data;
	kfstype		kt_tag;
	u_char		kt_vtype;
	mode_t		kt_mode;
};

/*
 * Per-vnode data.
 */
struct kernfs_node {
	LIST_ENTRY(kernfs_node) kfs_hash;	/* hash chain */
	TAILQ_ENTRY(kernfs_node) kfs_list;	/* flat list */
	struct vnode	*kfs_vnode;		/* vnode associated with this node */
	kfstype		kfs_type;		/* type of kernfs node */
	mode_t		kfs_mode;		/* mode bits for stat() */
	long		kfs_fileno;		/* unique file id */
	const struct kern_target *kfs_kt;
	int		kfs_cookie;		/* readdir cookie */
};

struct kernfs_mount {
	TAILQ_HEAD(, kernfs_node) nodelist;
	long		fileno_cookie;
};

#define	UIO_MX	32

#define	KERNFS_FILENO(kt, typ, cookie) \
	((kt >= &kern_targets[0] && kt < &kern_targets[static_nkern_targets]) \
	    ? 2 + ((kt) - &kern_targets[0]) \
	    : (((cookie + 1) << 6) | (typ)))

#define	VFSTOKERNFS(mp)	((struct kernfs_mount *)((mp)->mnt_data))
#define	VTOKERN(vp)	((struct kernfs_node *)(vp)->v_data)
#define	KERNFSTOV(kfs)	((kfs)->kfs_vnode)

extern const struct kern_target kern_targets[];
extern int nkern_targets;
extern const int static_nkern_targets;

extern int (**kernfs_vnodeop_p)(void *);
extern const struct vnodeopv_desc kernfs_vnodeop_opv_desc;
extern struct vfsops kernfs_vfsops;
extern dev_t rrootdev;

/* kernfs_subr.c */
void	kernfs_hashinit(void);
void	kernfs_hashdone(void);
int	kernfs_freevp(struct vnode *);
int	kernfs_allocvp(struct mount *, struct vnode **, kfstype,
	    const struct kern_target *, u_int32_t);

/* kernfs_vfsops.c */
#ifdef _LKM
struct sysctllog;
void	sysctl_vfs_kernfs_setup(struct sysctllog **);
#endif

#endif /* _KERNEL */
#endif /* _MISCFS_KERNFS_KERNFS_H_ */
