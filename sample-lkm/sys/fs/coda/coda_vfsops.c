/*	$NetBSD: coda_vfsops.c,v 1.53 2006/11/16 01:32:42 christos Exp $	*/

/*
 *
 *             Coda: an Experimental Distributed File System
 *                              Release 3.1
 *
 *           Copyright (c) 1987-1998 Carnegie Mellon University
 *                          All Rights Reserved
 *
 * Permission  to  use, copy, modify and distribute this software and its
 * documentation is hereby granted,  provided  that  both  the  copyright
 * notice  and  this  permission  notice  appear  in  all  copies  of the
 * software, derivative  works or  modified  versions,  and  any  portions
 * thereof, and that both notices appear in supporting documentation, and
 * that credit is given to Carnegie Mellon University  in  all  documents
 * and publicity pertaining to direct or indirect use of this code or its
 * derivatives.
 *
 * CODA IS AN EXPERIMENTAL SOFTWARE SYSTEM AND IS  KNOWN  TO  HAVE  BUGS,
 * SOME  OF  WHICH MAY HAVE SERIOUS CONSEQUENCES.  CARNEGIE MELLON ALLOWS
 * FREE USE OF THIS SOFTWARE IN ITS "AS IS" CONDITION.   CARNEGIE  MELLON
 * DISCLAIMS  ANY  LIABILITY  OF  ANY  KIND  FOR  ANY  DAMAGES WHATSOEVER
 * RESULTING DIRECTLY OR INDIRECTLY FROM THE USE OF THIS SOFTWARE  OR  OF
 * ANY DERIVATIVE WORK.
 *
 * Carnegie  Mellon  encourages  users  of  this  software  to return any
 * improvements or extensions that  they  make,  and  to  grant  Carnegie
 * Mellon the rights to redistribute these changes without encumbrance.
 */

/*
 * Mount and unmount of a Coda file system, and its vnode operations
 * vector.  Everything a mount does goes through venus over the
 * /dev/cfsN channel opened before mount(2).
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/sysctl.h>
#include <sys/malloc.h>
#include <sys/conf.h>
#include <sys/dirent.h>
#include <sys/namei.h>
#include <sys/mount.h>
#include <sys/proc.h>
#include <sys/vnode.h>

#include <miscfs/genfs/genfs.h>
#include <miscfs/specfs/specdev.h>
#include <fs/coda/coda.h>

int coda_vnop_print_entry = 0;
static int coda_vfsop_print_entry = 0;

int	coda_mount(struct mount *, const char *, void *, struct nameidata *,
	    struct lwp *);
int	coda_start(struct mount *, int, struct lwp *);
int	coda_unmount(struct mount *, int, struct lwp *);
int	coda_root(struct mount *, struct vnode **);
int	coda_quotactl(struct mount *, int, uid_t, void *, struct lwp *);
int	coda_nb_statvfs(struct mount *, struct statvfs *, struct lwp *);
int	coda_sync(struct mount *, int, kauth_cred_t, struct lwp *);
int	coda_vget(struct mount *, ino_t, struct vnode **);
void	coda_init(void);
void	coda_done(void);

int	coda_lookup(void *);
int	coda_getattr(void *);
int	coda_inactive(void *);
int	coda_reclaim(void *);

#define	ENTRY	if (coda_vfsop_print_entry) printf("Entered %s\n", __func__)

/*
 * Whole table, so that an op nobody wrote fails loudly rather than
 * calling through a NULL pointer.
 */
int (**coda_vnodeop_p)(void *);
const struct vnodeopv_entry_desc coda_vnodeop_entries[] = {
	{ &vop_default_desc, vn_default_error },
	{ &vop_lookup_desc, coda_lookup },		/* lookup */
	{ &vop_getattr_desc, coda_getattr },		/* getattr */
	{ &vop_inactive_desc, coda_inactive },		/* inactive */
	{ &vop_reclaim_desc, coda_reclaim },		/* reclaim */
	{ &vop_lock_desc, genfs_lock },			/* lock */
	{ &vop_unlock_desc, genfs_unlock },		/* unlock */
	{ &vop_islocked_desc, genfs_islocked },		/* islocked */
	{ &vop_fsync_desc, genfs_nullop },		/* fsync */
	{ &vop_putpages_desc, genfs_putpages },		/* putpages */
	{ NULL, NULL }
};
const struct vnodeopv_desc coda_vnodeop_opv_desc =
	{ &coda_vnodeop_p, coda_vnodeop_entries };

const struct vnodeopv_desc * const coda_vnodeopv_descs[] = {
	&coda_vnodeop_opv_desc,
	NULL,
};

struct vfsops coda_vfsops = {
	MOUNT_CODA,
	coda_mount,
	coda_start,
	coda_unmount,
	coda_root,
	coda_quotactl,
	coda_nb_statvfs,
	coda_sync,
	coda_vget,
	NULL,			/* vfs_fhtovp */
	NULL,			/* vfs_vptofh */
	coda_init,
	NULL,
	coda_done,
	NULL,			/* vfs_mountroot */
	NULL,			/* vfs_snapshot */
	NULL,			/* vfs_extattrctl */
	NULL,			/* vfs_suspendctl */
	coda_vnodeopv_descs,
	0,
	{ NULL, NULL },
};

static int coda_clusterread = 1;

/*
 * vfs.coda: the knobs venus's administrators turn.  Called from the LKM
 * glue after both registrations are in place.
 */
int
coda_sysctl_setup(struct sysctllog **clog)
{
	const struct sysctlnode *node;
	int error;

	error = sysctl_createv(clog, 0, NULL, NULL,
		       CTLFLAG_PERMANENT,
		       CTLTYPE_NODE, "vfs", NULL,
		       NULL, 0, NULL, 0,
		       CTL_VFS, CTL_EOL);
	if (error)
		return (error);
	error = sysctl_createv(clog, 0, NULL, &node,
		       CTLFLAG_PERMANENT,
		       CTLTYPE_NODE, "coda",
		       SYSCTL_DESCR("code vfs options"),
		       NULL, 0, NULL, 0,
		       CTL_VFS, CODA_VFS_NUM, CTL_EOL);
	if (error)
		return (error);
	error = sysctl_createv(clog, 0, &node, NULL,
		       CTLFLAG_PERMANENT|CTLFLAG_READWRITE,
		       CTLTYPE_INT, "clusterread",
		       SYSCTL_DESCR("Cluster reads of cached files"),
		       NULL, 0, &coda_clusterread, 0,
		       CTL_CREATE, CTL_EOL);
	return (error);
}

void
coda_init(void)
{
	ENTRY;
}

void
coda_done(void)
{
	ENTRY;
}

/*
 * The device whose minor number names the venus channel is the mount's
 * "special file"; the file system is usable once venus answers.
 */
int
coda_mount(struct mount *vfsp, const char *path, void *data,
    struct nameidata *ndp, struct lwp *l)
{
	struct vnode *dvp;
	struct coda_mntinfo *mi;
	dev_t dev;
	int error;

	ENTRY;

	if (vfsp->mnt_flag & MNT_GETARGS)
		return EINVAL;

	/* Validate mount device.  Similar to getmdev(). */
	NDINIT(ndp, LOOKUP, FOLLOW, UIO_USERSPACE, data);
	error = namei(ndp);
	dvp = ndp->ni_vp;

	if (error)
		return (error);
	if (dvp->v_type != VCHR) {
		vrele(dvp);
		return(ENXIO);
	}
	dev = dvp->v_rdev;
	vrele(dvp);

	if (cdevsw_lookup(dev) != &vcoda_cdevsw)
		return(ENXIO);
	if (minor(dev) >= NVCODA || minor(dev) < 0)
		return(ENXIO);

	mi = &coda_mnttbl[minor(dev)];
	if (!mi->mi_vcomm.vc_nb_open)
		return(ENODEV);		/* venus is not running */
	if (mi->mi_vfsp != NULL)
		return(EBUSY);

	mi->mi_vfsp = vfsp;
	vfsp->mnt_data = mi;
	vfs_getnewfsid(vfsp);
	vfsp->mnt_stat.f_namemax = MAXNAMLEN;

	return set_statvfs_info("/coda", UIO_SYSSPACE, "CODA", UIO_SYSSPACE,
	    vfsp, l);
}

int
coda_start(struct mount *vfsp, int flags, struct lwp *l)
{
	ENTRY;
	return (0);
}

int
coda_unmount(struct mount *vfsp, int mntflags, struct lwp *l)
{
	struct coda_mntinfo *mi = vfsp->mnt_data;
	int error;

	ENTRY;

	if (mi == NULL)
		return (EINVAL);
	if ((error = vflush(vfsp, NULLVP, FORCECLOSE)) != 0)
		return (error);
	mi->mi_vfsp = NULL;
	mi->mi_rootvp = NULL;
	vfsp->mnt_data = NULL;
	return (0);
}

int
coda_root(struct mount *vfsp, struct vnode **vpp)
{
	struct coda_mntinfo *mi = vfsp->mnt_data;

	ENTRY;
	if (mi == NULL || mi->mi_rootvp == NULL)
		return (ENODEV);
	*vpp = mi->mi_rootvp;
	vref(*vpp);
	vn_lock(*vpp, LK_EXCLUSIVE | LK_RETRY);
	return (0);
}

int
coda_quotactl(struct mount *vfsp, int cmd, uid_t uid, void *arg,
    struct lwp *l)
{
	ENTRY;
	return (EOPNOTSUPP);
}

int
coda_nb_statvfs(struct mount *vfsp, struct statvfs *sbp, struct lwp *l)
{
	ENTRY;

	memset(sbp, 0, sizeof(*sbp));
	/* Venus does not report space; pretend there is plenty. */
	sbp->f_bsize = 8192;
	sbp->f_frsize = 8192;
	sbp->f_iosize = 8192;
	sbp->f_blocks = -1;
	sbp->f_bfree = -1;
	sbp->f_bavail = -1;
	sbp->f_files = -1;
	sbp->f_ffree = -1;
	copy_statvfs_info(sbp, vfsp);
	return (0);
}

int
coda_sync(struct mount *vfsp, int waitfor, kauth_cred_t cred, struct lwp *l)
{
	ENTRY;
	return (0);
}

int
coda_vget(struct mount *vfsp, ino_t ino, struct vnode **vpp)
{
	ENTRY;
	return (EOPNOTSUPP);
}

int
coda_lookup(void *v)
{
	return (EOPNOTSUPP);	/* upcall to venus not shown */
}

int
coda_getattr(void *v)
{
	return (EOPNOTSUPP);	/* upcall to venus not shown */
}

int
coda_inactive(void *v)
{
	struct vop_inactive_args *ap = v;

	VOP_UNLOCK(ap->a_vp, 0);
	return (0);
}

int
coda_reclaim(void *v)
{
	struct vop_reclaim_args *ap = v;

	ap->a_vp->v_data = NULL;
	return (0);
}
