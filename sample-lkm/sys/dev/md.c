/*	$NetBSD: md.c,v 1.45 2006/11/16 01:32:45 christos Exp $	*/

/*
 * Copyright (c) 1995 Gordon W. Ross, Leo Weppelman.
 * All rights reserved.
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions
 * are met:
 * 1. Redistributions of source code must retain the above copyright
 *    notice, this list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright
 *    notice, this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 *
 * THIS SOFTWARE IS PROVIDED BY THE AUTHOR ``AS IS'' AND ANY EXPRESS OR
 * IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES
 * OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED.
 * IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR ANY DIRECT, INDIRECT,
 * INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT
 * NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE,
 * DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY
 * THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT
 * (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF
 * THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */

/*
 * This implements a general-purpose memory-disk.
 * See md.h for notes on the config types.
 *
 * Note that this driver provides the same functionality
 * as the MFS filesystem hack, but this is better because
 * you can use this for any filesystem type you'd like!
 *
 * Credit for most of the kmem ramdisk code goes to:
 *   Leo Weppelman (atari) and Phil Nelson (pc532)
 * Credit for the ideas behind the "user space RAM" code goes
 * to the authors of the MFS implementation.
 */

#include <sys/param.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/systm.h>
#include <sys/buf.h>
#include <sys/device.h>
#include <sys/disklabel.h>
#include <sys/proc.h>
#include <sys/conf.h>
#include <sys/errno.h>
#include <sys/uio.h>

#include <dev/md.h>

/*
 * The user-space functionality is included by default.
 * Use  `options MEMORY_RBFLAGS=0' to disable it.
 */

#define	MD_UNIT(dev)	minor(dev) / MAXPARTITIONS
#define	MD_PART(dev)	minor(dev) % MAXPARTITIONS

static struct md_softc *md_softc;	/* md_nunits of them */
static int md_nunits;

static int md_ioctl_kalloc(struct md_softc *, struct md_conf *,
    struct lwp *);
static void md_getdisklabel(struct md_softc *);

dev_type_open(mdopen);
dev_type_close(mdclose);
dev_type_read(mdread);
dev_type_write(mdwrite);
dev_type_ioctl(mdioctl);
dev_type_strategy(mdstrategy);
dev_type_size(mdsize);

const struct bdevsw md_bdevsw = {
	mdopen, mdclose, mdstrategy, mdioctl, nodump, mdsize, D_DISK
};

const struct cdevsw md_cdevsw = {
	mdopen, mdclose, mdread, mdwrite, mdioctl,
	nostop, notty, nopoll, nommap, nokqfilter, D_DISK
};

/*
 * Loadable md: make room for nunits units.  A configured kernel gets
 * its units from the mdattach() pseudo-device hook instead.
 */
int
md_lkm_attach(int nunits)
{
	int i;

	if (nunits < 1)
		return (EINVAL);
	md_softc = malloc(nunits * sizeof(struct md_softc), M_DEVBUF,
	    M_NOWAIT|M_ZERO);
	if (md_softc == NULL)
		return (ENOMEM);
	for (i = 0; i < nunits; i++) {
		md_softc[i].sc_unit = i;
		md_softc[i].sc_md.md_type = MD_UNCONFIGURED;
	}
	md_nunits = nunits;
	return (0);
}

/*
 * Refuse while any unit is open; free the memory of every unit that
 * was configured with MD_SETCONF.
 */
int
md_lkm_detach(void)
{
	struct md_softc *sc;
	int i;

	for (i = 0; i < md_nunits; i++)
		if (md_softc[i].sc_flags & MDF_OPEN)
			return (EBUSY);

	for (i = 0; i < md_nunits; i++) {
		sc = &md_softc[i];
		if (sc->sc_md.md_type == MD_KMEM_ALLOCATED)
			free(sc->sc_md.md_addr, M_DEVBUF);
	}
	free(md_softc, M_DEVBUF);
	md_softc = NULL;
	md_nunits = 0;
	return (0);
}

int
mdsize(dev_t dev)
{
	struct md_softc *sc;
	int unit;

	unit = MD_UNIT(dev);
	if (unit >= md_nunits)
		return 0;
	sc = &md_softc[unit];
	if (sc->sc_md.md_type == MD_UNCONFIGURED)
		return 0;

	return (sc->sc_md.md_size >> DEV_BSHIFT);
}

int
mdopen(dev_t dev, int flag, int fmt, struct lwp *l)
{
	int unit;
	struct md_softc *sc;

	unit = MD_UNIT(dev);
	if (unit >= md_nunits)
		return ENXIO;
	sc = &md_softc[unit];

	/*
	 * The raw partition is used for ioctl to configure.
	 */
	if (MD_PART(dev) == RAW_PART) {
		sc->sc_flags |= MDF_OPEN;
		return 0;
	}

	/* Unconfigured units have no label to read. */
	if (sc->sc_md.md_type == MD_UNCONFIGURED)
		return ENXIO;

	md_getdisklabel(sc);
	sc->sc_flags |= MDF_OPEN;
	return 0;
}

int
mdclose(dev_t dev, int flag, int fmt, struct lwp *l)
{
	struct md_softc *sc = &md_softc[MD_UNIT(dev)];

	sc->sc_flags &= ~MDF_OPEN;
	return 0;
}

int
mdread(dev_t dev, struct uio *uio, int flags)
{
	int unit;
	struct md_softc *sc;

	unit = MD_UNIT(dev);
	if (unit >= md_nunits)
		return ENXIO;
	sc = &md_softc[unit];

	if (sc->sc_md.md_type == MD_UNCONFIGURED)
		return ENXIO;

	return (physio(mdstrategy, NULL, dev, B_READ, minphys, uio));
}

int
mdwrite(dev_t dev, struct uio *uio, int flags)
{
	int unit;
	struct md_softc *sc;

	unit = MD_UNIT(dev);
	if (unit >= md_nunits)
		return ENXIO;
	sc = &md_softc[unit];

	if (sc->sc_md.md_type == MD_UNCONFIGURED)
		return ENXIO;

	return (physio(mdstrategy, NULL, dev, B_WRITE, minphys, uio));
}

/*
 * Handle I/O requests, either directly, or
 * by passing them to the server process.
 */
void
mdstrategy(struct buf *bp)
{
	int unit;
	struct md_softc	*sc;
	caddr_t	addr;
	size_t off, xfer;

	unit = MD_UNIT(bp->b_dev);
	sc = &md_softc[unit];

	switch (sc->sc_md.md_type) {
	case MD_KMEM_FIXED:
	case MD_KMEM_ALLOCATED:
		/* These are in kernel space.  Access directly. */
		bp->b_resid = bp->b_bcount;
		off = (bp->b_blkno << DEV_BSHIFT);
		if (off >= sc->sc_md.md_size) {
			if (bp->b_flags & B_READ)
				break;	/* EOF */
			goto set_eio;
		}
		xfer = bp->b_resid;
		if (xfer > (sc->sc_md.md_size - off))
			xfer = (sc->sc_md.md_size - off);
		addr = sc->sc_md.md_addr + off;
		if (bp->b_flags & B_READ)
			memcpy(bp->b_data, addr, xfer);
		else
			memcpy(addr, bp->b_data, xfer);
		bp->b_resid -= xfer;
		break;

	default:
		bp->b_resid = bp->b_bcount;
	set_eio:
		bp->b_error = EIO;
		bp->b_flags |= B_ERROR;
		break;
	}
	biodone(bp);
}

int
mdioctl(dev_t dev, u_long cmd, void *data, int flag, struct lwp *l)
{
	int unit;
	struct md_softc *sc;
	struct md_conf *umd;

	unit = MD_UNIT(dev);
	if (unit >= md_nunits)
		return ENXIO;
	sc = &md_softc[unit];

	/* If this is not the raw partition, punt! */
	if (MD_PART(dev) != RAW_PART)
		return ENOTTY;

	umd = (struct md_conf *)data;
	switch (cmd) {
	case MD_GETCONF:
		*umd = sc->sc_md;
		return 0;

	case MD_SETCONF:
		/* Can only set it once. */
		if (sc->sc_md.md_type != MD_UNCONFIGURED)
			break;
		switch (umd->md_type) {
		case MD_KMEM_ALLOCATED:
			return md_ioctl_kalloc(sc, umd, l);
		default:
			break;
		}
		break;
	}
	return EINVAL;
}

/*
 * Handle ioctl MD_SETCONF for (sc_type == MD_KMEM_ALLOCATED)
 * Just allocate some kernel memory and return.
 */
static int
md_ioctl_kalloc(struct md_softc *sc, struct md_conf *umd, struct lwp *l)
{
	caddr_t addr;
	size_t size;

	size = umd->md_size;
	if (size == 0 || size > MD_MAXSIZE || (size & (DEV_BSIZE - 1)) != 0)
		return EINVAL;

	addr = malloc(size, M_DEVBUF, M_WAITOK|M_ZERO);
	if (!addr)
		return ENOMEM;

	/* This unit is now configured. */
	sc->sc_md.md_addr = addr;
	sc->sc_md.md_size = size;
	sc->sc_md.md_type = MD_KMEM_ALLOCATED;
	return 0;
}

/*
 * A memory disk has one partition covering all of it; make the label
 * say so, so that newfs(8) works without disklabel(8).
 */
static void
md_getdisklabel(struct md_softc *sc)
{
	struct disklabel *lp = &sc->sc_label;
	struct partition *pp;

	memset(lp, 0, sizeof(*lp));
	lp->d_secsize = DEV_BSIZE;
	lp->d_secperunit = sc->sc_md.md_size >> DEV_BSHIFT;
	lp->d_nsectors = 32;
	lp->d_ntracks = 1;
	lp->d_ncylinders = (lp->d_secperunit + 31) / 32;
	lp->d_secpercyl = 32;
	strlcpy(lp->d_typename, "memory disk", sizeof(lp->d_typename));
	lp->d_type = DTYPE_VND;
	lp->d_npartitions = RAW_PART + 1;

	pp = &lp->d_partitions[0];
	pp->p_offset = 0;
	pp->p_size = lp->d_secperunit;
	pp->p_fstype = FS_BSDFFS;
	lp->d_partitions[RAW_PART] = *pp;
	lp->d_partitions[RAW_PART].p_fstype = FS_UNUSED;

	lp->d_magic = DISKMAGIC;
	lp->d_magic2 = DISKMAGIC;
	lp->d_checksum = dkcksum(lp);
}
