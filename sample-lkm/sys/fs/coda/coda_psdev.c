/*	$NetBSD: coda_psdev.c,v 1.36 2006/11/16 01:32:42 christos Exp $	*/

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
 * Mach Operating System
 * Copyright (c) 1989 Carnegie-Mellon University
 * All rights reserved.  The CMU software License Agreement specifies
 * the terms and conditions for use and redistribution.
 */

/*
 * This code was written for the Coda file system at Carnegie Mellon
 * University.  Contributers include David Steere, James Kistler, and
 * M. Satyanarayanan.  */

/* These routines define the pseudo device for communication between
 * Coda's Venus and Minicache in Mach 2.6. They used to be in cfs_subr.c,
 * but I moved them to make it easier to port the Minicache without
 * porting coda. -- DCS 10/12/94
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/proc.h>
#include <sys/mount.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/poll.h>
#include <sys/conf.h>
#include <sys/uio.h>
#include <sys/queue.h>

#include <fs/coda/coda.h>

struct coda_mntinfo coda_mnttbl[NVCODA];

dev_type_open(vc_nb_open);
dev_type_close(vc_nb_close);
dev_type_read(vc_nb_read);
dev_type_write(vc_nb_write);
dev_type_ioctl(vc_nb_ioctl);
dev_type_poll(vc_nb_poll);

const struct cdevsw vcoda_cdevsw = {
	vc_nb_open, vc_nb_close, vc_nb_read, vc_nb_write, vc_nb_ioctl,
	nostop, notty, vc_nb_poll, nommap, nokqfilter, D_OTHER,
};

#define	VC_OPEN(vcp)	((vcp)->vc_nb_open != 0)

/* vcodaattach: do nothing */
void
vcodaattach(int n)
{
}

/*
 * Only a loadable Coda can go: refuse while any venus has its channel
 * open, since its mount would be left without a cache manager.
 */
int
vcoda_detach(void)
{
	int i;

	for (i = 0; i < NVCODA; i++)
		if (VC_OPEN(&coda_mnttbl[i].mi_vcomm))
			return (EBUSY);
	return (0);
}

int
vc_nb_open(dev_t dev, int flag, int mode, struct lwp *l)
{
	struct vcomm *vcp;

	if (minor(dev) >= NVCODA || minor(dev) < 0)
		return(ENXIO);

	vcp = &coda_mnttbl[minor(dev)].mi_vcomm;
	if (VC_OPEN(vcp))
		return(EBUSY);

	TAILQ_INIT(&vcp->vc_requests);
	TAILQ_INIT(&vcp->vc_replies);
	vcp->vc_nb_open = 1;
	vcp->vc_seq = 0;

	coda_mnttbl[minor(dev)].mi_vfsp = NULL;
	coda_mnttbl[minor(dev)].mi_rootvp = NULL;

	return(0);
}

int
vc_nb_close(dev_t dev, int flag, int mode, struct lwp *l)
{
	struct vcomm *vcp;
	struct vmsg *vmp;

	if (minor(dev) >= NVCODA || minor(dev) < 0)
		return(ENXIO);

	vcp = &coda_mnttbl[minor(dev)].mi_vcomm;
	if (!VC_OPEN(vcp))
		panic("vcclose: not open");

	/*
	 * Venus is gone: wake every process waiting for an answer, it
	 * will get an error.
	 */
	while ((vmp = TAILQ_FIRST(&vcp->vc_requests)) != NULL) {
		TAILQ_REMOVE(&vcp->vc_requests, vmp, vm_chain);
		vmp->vm_flags |= VM_INTR;
		wakeup(&vmp->vm_flags);
	}
	while ((vmp = TAILQ_FIRST(&vcp->vc_replies)) != NULL) {
		TAILQ_REMOVE(&vcp->vc_replies, vmp, vm_chain);
		vmp->vm_flags |= VM_INTR;
		wakeup(&vmp->vm_flags);
	}

	vcp->vc_nb_open = 0;
	return (0);
}

int
vc_nb_read(dev_t dev, struct uio *uiop, int flag)
{
	struct vcomm *vcp;
	struct vmsg *vmp;
	int error = 0;

	if (minor(dev) >= NVCODA || minor(dev) < 0)
		return(ENXIO);

	vcp = &coda_mnttbl[minor(dev)].mi_vcomm;
	/* Get message at head of request queue. */
	if ((vmp = TAILQ_FIRST(&vcp->vc_requests)) == NULL)
		return(0);	/* Nothing to read */

	/* Move the input args into userspace */
	uiop->uio_rw = UIO_READ;
	error = uiomove(vmp->vm_data, vmp->vm_inSize, uiop);
	if (error)
		printf("vcread: error (%d) on uiomove\n", error);

	TAILQ_REMOVE(&vcp->vc_requests, vmp, vm_chain);
	vmp->vm_flags |= VM_READ;
	TAILQ_INSERT_TAIL(&vcp->vc_replies, vmp, vm_chain);
	return(error);
}

int
vc_nb_write(dev_t dev, struct uio *uiop, int flag)
{
	struct vcomm *vcp;
	struct vmsg *vmp;
	int error = 0;
	int unique;

	if (minor(dev) >= NVCODA || minor(dev) < 0)
		return(ENXIO);

	vcp = &coda_mnttbl[minor(dev)].mi_vcomm;

	/* Peek at the unique field of the reply to find the upcall. */
	uiop->uio_rw = UIO_WRITE;
	if ((error = uiomove(&unique, sizeof(unique), uiop)) != 0)
		return (error);

	TAILQ_FOREACH(vmp, &vcp->vc_replies, vm_chain) {
		if (vmp->vm_unique == unique)
			break;
	}
	if (vmp == NULL)
		return (ESRCH);

	TAILQ_REMOVE(&vcp->vc_replies, vmp, vm_chain);
	if (uiop->uio_resid > vmp->vm_outSize)
		return (EINVAL);
	error = uiomove(vmp->vm_data + sizeof(unique),
	    uiop->uio_resid, uiop);
	vmp->vm_flags |= VM_WRITE;
	wakeup(&vmp->vm_flags);
	return (error);
}

int
vc_nb_ioctl(dev_t dev, u_long cmd, void *addr, int flag, struct lwp *l)
{

	return (EINVAL);
}

int
vc_nb_poll(dev_t dev, int events, struct lwp *l)
{
	struct vcomm *vcp;
	int event_msk = 0;

	if (minor(dev) >= NVCODA || minor(dev) < 0)
		return(ENXIO);

	vcp = &coda_mnttbl[minor(dev)].mi_vcomm;

	event_msk = events & (POLLIN|POLLRDNORM);
	if (!event_msk)
		return(0);

	if (!TAILQ_EMPTY(&vcp->vc_requests))
		return(events & (POLLIN|POLLRDNORM));

	return(0);
}
