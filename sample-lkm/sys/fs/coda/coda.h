/*	$NetBSD: coda.h,v 1.12 2006/03/20 04:03:14 christos Exp $	*/

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
 * Kernel side of Coda: the pseudo-device venus talks through and the
 * file system it serves.  (A trimmed-down coda_psdev/coda_vfsops pair.)
 */

#ifndef _CODA_HEADER_
#define _CODA_HEADER_

#define	MOUNT_CODA	"coda"
#define	NVCODA		4	/* venus instances, one per mount */
#define	CODA_VFS_NUM	18	/* vfs.coda in sysctl, from <sys/mount.h> */

#define	VC_MAXMSGSIZE	4096	/* largest upcall or reply */

/* Per-venus channel state */
struct vcomm {
	int		vc_nb_open;	/* venus has /dev/cfsN open */
	int		vc_seq;		/* next upcall sequence number */
	TAILQ_HEAD(, vmsg) vc_requests;	/* upcalls venus has not read */
	TAILQ_HEAD(, vmsg) vc_replies;	/* upcalls waiting for replies */
};

struct vmsg {
	TAILQ_ENTRY(vmsg) vm_chain;
	caddr_t		vm_data;
	u_short		vm_flags;
#define	VM_READ		0x01
#define	VM_WRITE	0x02
#define	VM_INTR		0x04
	u_short		vm_inSize;	/* Size is at most 5000 bytes */
	u_short		vm_outSize;
	u_short		vm_opcode;	/* copied from data to save ptr lookup */
	int		vm_unique;
};

struct coda_mntinfo {
	struct vnode	*mi_rootvp;
	struct mount	*mi_vfsp;
	struct vcomm	mi_vcomm;
};

#ifdef _KERNEL
extern struct coda_mntinfo coda_mnttbl[];	/* indexed by minor device number */
extern int coda_nc_initialized;
extern int coda_vnop_print_entry;

extern const struct cdevsw vcoda_cdevsw;
extern struct vfsops coda_vfsops;
extern int (**coda_vnodeop_p)(void *);
extern const struct vnodeopv_desc coda_vnodeop_opv_desc;

void	vcodaattach(int);
int	vcoda_detach(void);
struct sysctllog;
int	coda_sysctl_setup(struct sysctllog **);
#endif

#endif /* !_CODA_HEADER_ */
