/*	$NetBSD: isavar.h,v 1.46 2006/03/28 17:38:33 thorpej Exp $	*/

/*-
 * Copyright (c) 1997, 2001 The NetBSD Foundation, Inc.
 * All rights reserved.
 *
 * This code is derived from software contributed to The NetBSD Foundation
 * by Jason R. Thorpe of the Numerical Aerospace Simulation Facility,
 * NASA Ames Research Center.
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
 * THIS SOFTWARE IS PROVIDED BY THE NETBSD FOUNDATION, INC. AND CONTRIBUTORS
 * ``AS IS'' AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED
 * TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR
 * PURPOSE ARE DISCLAIMED.  IN NO EVENT SHALL THE FOUNDATION OR CONTRIBUTORS
 * BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR
 * CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF
 * SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS
 * INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN
 * CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE)
 * ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE
 * POSSIBILITY OF SUCH DAMAGE.
 */

#ifndef _DEV_ISA_ISAVAR_H_
#define	_DEV_ISA_ISAVAR_H_

/*
 * Definitions for ISA autoconfiguration: what the isa bus hands to a
 * child's match and attach functions.
 */

#include <sys/queue.h>
#include <sys/device.h>
#include <machine/bus.h>

/*
 * ISA locators, in the order config(1) puts them in cf_loc.
 */
#define	ISACF_PORT		0
#define	ISACF_SIZE		1
#define	ISACF_IOMEM		2
#define	ISACF_IOSIZ		3
#define	ISACF_IRQ		4
#define	ISACF_DRQ		5
#define	ISACF_DRQ2		6
#define	ISACF_NLOCS		7

#define	ISA_UNKNOWN_PORT	(-1)
#define	ISA_UNKNOWN_IOMEM	(-1)
#define	ISA_UNKNOWN_IOSIZ	(-1)
#define	ISA_UNKNOWN_IRQ		(-1)
#define	ISA_UNKNOWN_DRQ		(-1)

struct isa_io {
	int ir_addr;
	int ir_size;
};

struct isa_iomem {
	int ir_addr;
	int ir_size;
};

struct isa_irq {
	int ir_irq;
};

struct isa_attach_args {
	bus_space_tag_t ia_iot;		/* isa i/o space tag */
	bus_space_tag_t ia_memt;	/* isa mem space tag */

	struct isa_io	*ia_io;		/* I/O resources */
	int		ia_nio;

	struct isa_iomem *ia_iomem;	/* memory resources */
	int		ia_niomem;

	struct isa_irq	*ia_irq;	/* IRQ resources */
	int		ia_nirq;

	void		*ia_aux;	/* driver specific */
};

#endif /* ! _DEV_ISA_ISAVAR_H_ */
