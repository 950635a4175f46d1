/*	$NetBSD: md.h,v 1.10 2005/12/11 12:20:53 christos Exp $	*/

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

#ifndef _SYS_DEV_MD_H_
#define _SYS_DEV_MD_H_

#include <sys/ioctl.h>

/*
 * Memory-disk ioctl functions:
 */

struct md_conf {
	caddr_t md_addr;
	size_t  md_size;
	int     md_type;
};

#define MD_GETCONF	_IOR('r', 0, struct md_conf)	/* get unit config */
#define MD_SETCONF	_IOW('r', 1, struct md_conf)	/* set unit config */

/*
 * There are three configurations supported for each unit,
 * reflected in the value of the md_type field:
 */
#define MD_UNCONFIGURED 0
/*
 *     Not yet configured.  Open returns ENXIO.
 */
#define MD_KMEM_FIXED	1
/*
 *     Disk image resident in kernel (patched in or loaded).
 *     Requires that the function: md_set_kmem() is called to
 *     setup the addr/size.
 */
#define MD_KMEM_ALLOCATED 2
/*
 *     Small, wired-down chunk of kernel memory obtained from
 *     malloc.  Allocated by ioctl MD_SETCONF.
 */
#define MD_UMEM_SERVER 3
/*
 *     Indirect access to user-space of a user-level server.
 *     (Like the MFS hack, but better! 8^)  Read/write requests
 *     are done by a user-level server, which is passed the
 *     I/O request, and does the requested I/O.
 */

#ifdef	_KERNEL

#define	MD_NUNITS	4		/* units the module pre-allocates */
#define	MD_MAXSIZE	(32 * 1024 * 1024)

struct md_softc {
	int		sc_unit;
	int		sc_flags;
#define	MDF_OPEN	0x01
	struct md_conf	sc_md;
	struct bufq_state *sc_buflist;
	struct disklabel sc_label;
};

extern const struct bdevsw md_bdevsw;
extern const struct cdevsw md_cdevsw;

int	md_lkm_attach(int);
int	md_lkm_detach(void);

#endif	/* _KERNEL */
#endif /* _SYS_DEV_MD_H_ */
