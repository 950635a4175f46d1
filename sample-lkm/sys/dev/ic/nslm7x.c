/*	$NetBSD: nslm7x.c,v 1.31 2006/11/16 01:32:52 christos Exp $	*/

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
 * National Semiconductor LM78/LM79/LM81 hardware monitors, the part
 * shared by every bus front end (lm_isa, lm_iic): chip identification,
 * sensor tables, periodic refresh and the hw.lmN sysctl subtree.
 * This file is not a module by itself; the front ends link it in.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/proc.h>
#include <sys/device.h>
#include <sys/malloc.h>
#include <sys/errno.h>
#include <sys/queue.h>
#include <sys/sysctl.h>
#include <sys/callout.h>

#include <machine/bus.h>

#include <dev/ic/nslm7xvar.h>

#if defined(LMDEBUG)
#define DPRINTF(x)		do { printf x; } while (0)
#else
#define DPRINTF(x)
#endif

/*
 * The LM78 family's seven voltage inputs, three fans and one
 * temperature, with the resistor dividers of the reference design.
 */
static const struct lm_sensor lm78_sensors[] = {
	{ "vcore_a",	LMS_VOLTS, 0x20, 0,   0 },
	{ "vcore_b",	LMS_VOLTS, 0x21, 0,   0 },
	{ "v3_3",	LMS_VOLTS, 0x22, 0,   0 },
	{ "v5",		LMS_VOLTS, 0x23, 68,  0 },
	{ "v12",	LMS_VOLTS, 0x24, 30,  0 },
	{ "vneg12",	LMS_VOLTS, 0x25, 240, 0 },
	{ "vneg5",	LMS_VOLTS, 0x26, 100, 0 },
	{ "temp",	LMS_TEMP,  0x27, 0,   0 },
	{ "fan0",	LMS_FAN,   0x28, 0,   0 },
	{ "fan1",	LMS_FAN,   0x29, 0,   0 },
	{ "fan2",	LMS_FAN,   0x2a, 0,   0 },
};

static int lm_sysctl_setup(struct lm_softc *);
static int lm_sysctl_sensor(SYSCTLFN_PROTO);

/*
 * bus independent probe
 */
int
lm_probe(bus_space_tag_t iot, bus_space_handle_t ioh)
{
	u_int8_t cr;
	int rv;

	/* Check for some power-on defaults */
	bus_space_write_1(iot, ioh, LMC_ADDR, LMD_CONFIG);

	/* Perform LM78 reset */
	bus_space_write_1(iot, ioh, LMC_DATA, 0x80);

	/* XXX - Why do I have to reselect the register? */
	bus_space_write_1(iot, ioh, LMC_ADDR, LMD_CONFIG);
	cr = bus_space_read_1(iot, ioh, LMC_DATA);

	/* XXX - spec says *only* 0x08! */
	if ((cr == 0x08) || (cr == 0x01) || (cr == 0x03))
		rv = 1;
	else
		rv = 0;

	DPRINTF(("lm: rv = %d, cr = %x\n", rv, cr));

	return (rv);
}

/*
 * pre:  lmsc contains valid busspace tag and handle
 */
void
lm_attach(struct lm_softc *lmsc)
{
	int i;

	lmsc->sc_chipid = (*lmsc->lm_readreg)(lmsc, LMD_CHIPID) & LM_ID_MASK;
	switch (lmsc->sc_chipid) {
	case LM_ID_LM78:
		lmsc->sc_chipname = "LM78";
		break;
	case LM_ID_LM78J:
		lmsc->sc_chipname = "LM78-J";
		break;
	case LM_ID_LM79:
		lmsc->sc_chipname = "LM79";
		break;
	case LM_ID_LM81:
		lmsc->sc_chipname = "LM81";
		break;
	default:
		lmsc->sc_chipname = "unknown LM7x";
		break;
	}
	printf(": National Semiconductor %s Hardware Monitor\n",
	    lmsc->sc_chipname);

	/* Start the monitoring loop */
	(*lmsc->lm_writereg)(lmsc, LMD_CONFIG, 0x01);

	lmsc->sc_nsensors = LM_NUM_SENSORS;
	for (i = 0; i < lmsc->sc_nsensors; i++)
		lmsc->sc_sensor[i] = lm78_sensors[i];

	callout_init(&lmsc->sc_callout, 0);

	if (lm_sysctl_setup(lmsc) != 0) {
		printf("%s: unable to create sysctl nodes\n",
		    lmsc->sc_dev.dv_xname);
		sysctl_teardown(&lmsc->sc_log);
	}
}

int
lm_detach(struct lm_softc *lmsc)
{

	callout_stop(&lmsc->sc_callout);
	sysctl_teardown(&lmsc->sc_log);
	return (0);
}

/*
 * Read every sensor.  Runs from the callout and, on demand, from the
 * sysctl handler; voltages in mV, temperature in mK, fans in rpm.
 */
void
lm_refresh(void *arg)
{
	struct lm_softc *sc = arg;
	struct lm_sensor *ls;
	int i, data, divisor;

	for (i = 0; i < sc->sc_nsensors; i++) {
		ls = &sc->sc_sensor[i];
		data = (*sc->lm_readreg)(sc, ls->ls_reg);
		switch (ls->ls_type) {
		case LMS_VOLTS:
			/* 16 mV per step; scale by the divider */
			ls->ls_value = data * 16;
			if (ls->ls_rfact != 0)
				ls->ls_value = ls->ls_value * ls->ls_rfact / 10;
			break;
		case LMS_TEMP:
			ls->ls_value = data * 1000 + 273150;
			break;
		case LMS_FAN:
			divisor = 2;
			if (data == 0xff || data == 0)
				ls->ls_value = 0;
			else
				ls->ls_value = 1350000 / (data * divisor);
			break;
		}
	}

	if (sc->sc_flags & 1)
		callout_reset(&sc->sc_callout, LM_REFRESH_TIMO, lm_refresh, sc);
}

static int
lm_sysctl_sensor(SYSCTLFN_ARGS)
{
	struct sysctlnode node;
	struct lm_sensor *ls;
	int val;

	node = *rnode;
	ls = node.sysctl_data;
	val = ls->ls_value;
	node.sysctl_data = &val;
	return (sysctl_lookup(SYSCTLFN_CALL(&node)));
}

/*
 * hw.lm0.vcore_a etc., one read-only integer per sensor.
 */
static int
lm_sysctl_setup(struct lm_softc *sc)
{
	const struct sysctlnode *node;
	int error, i;

	error = sysctl_createv(&sc->sc_log, 0, NULL, &node,
	    CTLFLAG_PERMANENT, CTLTYPE_NODE, sc->sc_dev.dv_xname,
	    SYSCTL_DESCR("Hardware monitor"),
	    NULL, 0, NULL, 0,
	    CTL_HW, CTL_CREATE, CTL_EOL);
	if (error)
		return (error);

	for (i = 0; i < sc->sc_nsensors; i++) {
		error = sysctl_createv(&sc->sc_log, 0, &node, NULL,
		    CTLFLAG_PERMANENT, CTLTYPE_INT, sc->sc_sensor[i].ls_desc,
		    NULL, lm_sysctl_sensor, 0, &sc->sc_sensor[i], 0,
		    CTL_CREATE, CTL_EOL);
		if (error)
			return (error);
	}
	return (0);
}
