/*	$NetBSD: lm_isa.c,v 1.15 2006/11/16 01:33:00 christos Exp $	*/

/*-
 * Copyright (c) 2000 The NetBSD Foundation, Inc.
 * All rights reserved.
 *
 * This code is derived from software contributed to The NetBSD Foundation
 * by Bill Squier.
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

/*
 * ISA front end of the LM78 family driver: find the chip at its I/O
 * port and hand register access to the common code in dev/ic/nslm7x.c.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/device.h>
#include <sys/conf.h>
#include <sys/errno.h>
#include <sys/callout.h>

#include <machine/bus.h>

#include <dev/isa/isavar.h>
#include <dev/ic/nslm7xvar.h>

#define	LM_ISA_IOSIZE	8

int	lm_isa_match(struct device *, struct cfdata *, void *);
void	lm_isa_attach(struct device *, struct device *, void *);
int	lm_isa_detach(struct device *, int);

static u_int8_t	lm_isa_readreg(struct lm_softc *, int);
static void	lm_isa_writereg(struct lm_softc *, int, int);

CFATTACH_DECL(lm_isa, sizeof(struct lm_softc),
    lm_isa_match, lm_isa_attach, lm_isa_detach, NULL);

int
lm_isa_match(struct device *parent, struct cfdata *match, void *aux)
{
	bus_space_handle_t ioh;
	struct isa_attach_args *ia = aux;
	int rv;

	/* Must supply an address */
	if (ia->ia_nio < 1)
		return (0);

	if (ia->ia_io[0].ir_addr == ISA_UNKNOWN_PORT)
		return (0);

	if (bus_space_map(ia->ia_iot, ia->ia_io[0].ir_addr, LM_ISA_IOSIZE,
	    0, &ioh))
		return (0);

	/* Bus independent probe */
	rv = lm_probe(ia->ia_iot, ioh);

	bus_space_unmap(ia->ia_iot, ioh, LM_ISA_IOSIZE);

	if (rv) {
		ia->ia_nio = 1;
		ia->ia_io[0].ir_size = LM_ISA_IOSIZE;

		ia->ia_niomem = 0;
		ia->ia_nirq = 0;
	}

	return (rv);
}

void
lm_isa_attach(struct device *parent, struct device *self, void *aux)
{
	struct lm_softc *lmsc = (void *)self;
	struct isa_attach_args *ia = aux;

	lmsc->lm_iot = ia->ia_iot;

	if (bus_space_map(ia->ia_iot, ia->ia_io[0].ir_addr, LM_ISA_IOSIZE,
	    0, &lmsc->lm_ioh)) {
		printf(": can't map i/o space\n");
		return;
	}
	lmsc->lm_iobase = ia->ia_io[0].ir_addr;

	/* Bus-independent attachment */
	lmsc->lm_writereg = lm_isa_writereg;
	lmsc->lm_readreg = lm_isa_readreg;

	lm_attach(lmsc);
}

/*
 * Only needed when loaded: a built-in lm never detaches.
 */
int
lm_isa_detach(struct device *self, int flags)
{
	struct lm_softc *lmsc = (void *)self;
	int error;

	if ((error = lm_detach(lmsc)) != 0)
		return (error);
	bus_space_unmap(lmsc->lm_iot, lmsc->lm_ioh, LM_ISA_IOSIZE);
	return (0);
}

static u_int8_t
lm_isa_readreg(struct lm_softc *sc, int reg)
{

	bus_space_write_1(sc->lm_iot, sc->lm_ioh, LMC_ADDR, reg);
	return (bus_space_read_1(sc->lm_iot, sc->lm_ioh, LMC_DATA));
}

static void
lm_isa_writereg(struct lm_softc *sc, int reg, int val)
{

	bus_space_write_1(sc->lm_iot, sc->lm_ioh, LMC_ADDR, reg);
	bus_space_write_1(sc->lm_iot, sc->lm_ioh, LMC_DATA, val);
}
