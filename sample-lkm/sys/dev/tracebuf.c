/*	$NetBSD: tracebuf.c,v 1.7 2006/11/16 01:32:45 christos Exp $	*/

/*-
 * Copyright (c) 2005, 2006 The NetBSD Foundation, Inc.
 * All rights reserved.
 *
 * This code is derived from software contributed to The NetBSD Foundation
 * by Christos Zoulas.
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
 * Kernel trace ring buffer.  Subsystems under development call
 * tracebuf_add() from any context that may take a spin mutex; the
 * records come out of /dev/tracebuf in order, oldest first.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/conf.h>
#include <sys/malloc.h>
#include <sys/proc.h>
#include <sys/uio.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/errno.h>

#include <dev/tracebufio.h>

dev_type_open(tracebufopen);
dev_type_close(tracebufclose);
dev_type_read(tracebufread);
dev_type_ioctl(tracebufioctl);

const struct cdevsw tracebuf_cdevsw = {
	tracebufopen, tracebufclose, tracebufread, nowrite, tracebufioctl,
	nostop, notty, nopoll, nommap, nokqfilter, D_OTHER,
};

int tracebuf_nrecs = 256;		/* patchable before attach */

static struct tracebuf_rec *tb_ring;	/* tb_nrecs records */
static u_int32_t tb_nrecs;
static u_int32_t tb_head;		/* next slot to write */
static u_int32_t tb_used;		/* records not yet read */
static u_int32_t tb_dropped;
static u_int32_t tb_seq;
static int tb_enabled;
static int tb_isopen;
static kmutex_t tb_lock;

int
tracebuf_attach(int nrecs)
{

	if (nrecs < TRACEBUF_MINRECS || nrecs > TRACEBUF_MAXRECS)
		return (EINVAL);

	tb_ring = malloc(nrecs * sizeof(struct tracebuf_rec), M_DEVBUF,
	    M_NOWAIT|M_ZERO);
	if (tb_ring == NULL)
		return (ENOMEM);

	mutex_init(&tb_lock, MUTEX_DEFAULT, IPL_HIGH);
	tb_nrecs = nrecs;
	tb_head = tb_used = tb_dropped = tb_seq = 0;
	tb_enabled = 1;
	tb_isopen = 0;
	return (0);
}

#ifdef _LKM
/*
 * Only a loadable tracebuf can go away; the built-in one lives as long
 * as the kernel does.
 */
int
tracebuf_detach(void)
{

	if (tb_isopen)
		return (EBUSY);
	tb_enabled = 0;
	mutex_destroy(&tb_lock);
	free(tb_ring, M_DEVBUF);
	tb_ring = NULL;
	tb_nrecs = 0;
	return (0);
}
#endif /* _LKM */

void
tracebuf_add(const char *msg, size_t len)
{
	struct tracebuf_rec *tr;

	if (!tb_enabled || tb_ring == NULL)
		return;

	mutex_enter(&tb_lock);
	tr = &tb_ring[tb_head];
	tr->tr_seq = tb_seq++;
	tr->tr_flags = 0;
	if (len > sizeof(tr->tr_data)) {
		len = sizeof(tr->tr_data);
		tr->tr_flags |= TRF_TRUNC;
	}
	memcpy(tr->tr_data, msg, len);
	tr->tr_len = len;

	tb_head = (tb_head + 1) % tb_nrecs;
	if (tb_used == tb_nrecs)
		tb_dropped++;
	else
		tb_used++;
	mutex_exit(&tb_lock);
}

int
tracebufopen(dev_t dev, int flag, int mode, struct lwp *l)
{

	if (minor(dev) != 0)
		return (ENXIO);
	if (tb_ring == NULL)
		return (ENXIO);
	/* One reader at a time: records are consumed by read(2). */
	if (tb_isopen)
		return (EBUSY);
	tb_isopen = 1;
	return (0);
}

int
tracebufclose(dev_t dev, int flag, int mode, struct lwp *l)
{

	tb_isopen = 0;
	return (0);
}

int
tracebufread(dev_t dev, struct uio *uio, int flag)
{
	struct tracebuf_rec rec;
	u_int32_t tail;
	int error = 0;

	while (uio->uio_resid >= sizeof(rec)) {
		mutex_enter(&tb_lock);
		if (tb_used == 0) {
			mutex_exit(&tb_lock);
			break;
		}
		tail = (tb_head + tb_nrecs - tb_used) % tb_nrecs;
		rec = tb_ring[tail];
		tb_used--;
		mutex_exit(&tb_lock);

		if ((error = uiomove(&rec, sizeof(rec), uio)) != 0)
			break;
	}
	return (error);
}

int
tracebufioctl(dev_t dev, u_long cmd, void *data, int flag, struct lwp *l)
{
	struct tracebuf_stat *ts;

	switch (cmd) {
	case TBIOCGSTAT:
		ts = (struct tracebuf_stat *)data;
		mutex_enter(&tb_lock);
		ts->ts_nrecs = tb_nrecs;
		ts->ts_used = tb_used;
		ts->ts_dropped = tb_dropped;
		ts->ts_seq = tb_seq;
		mutex_exit(&tb_lock);
		return (0);

	case TBIOCFLUSH:
		mutex_enter(&tb_lock);
		tb_used = 0;
		tb_dropped = 0;
		mutex_exit(&tb_lock);
		return (0);

	case TBIOCSENABLE:
		tb_enabled = *(int *)data != 0;
		return (0);

	default:
		return (ENOTTY);
	}
}
