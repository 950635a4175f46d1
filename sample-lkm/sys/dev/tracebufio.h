/*	$NetBSD: tracebufio.h,v 1.3 2006/09/24 03:53:09 jmcneill Exp $	*/

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

#ifndef _DEV_TRACEBUFIO_H_
#define _DEV_TRACEBUFIO_H_

#include <sys/ioctl.h>

/*
 * /dev/tracebuf: a ring of fixed-size records that kernel code appends to
 * with tracebuf_add() and a user process drains with read(2).
 */
#define	TRACEBUF_RECSIZE	64	/* bytes per record, including header */
#define	TRACEBUF_MINRECS	16
#define	TRACEBUF_MAXRECS	8192

struct tracebuf_rec {
	u_int32_t	tr_seq;		/* sequence number, wraps */
	u_int16_t	tr_len;		/* bytes used in tr_data */
	u_int16_t	tr_flags;
#define	TRF_TRUNC	0x0001		/* message did not fit */
	char		tr_data[TRACEBUF_RECSIZE - 8];
};

struct tracebuf_stat {
	u_int32_t	ts_nrecs;	/* ring size, in records */
	u_int32_t	ts_used;	/* records waiting to be read */
	u_int32_t	ts_dropped;	/* records overwritten before read */
	u_int32_t	ts_seq;		/* next sequence number */
};

#define	TBIOCGSTAT	_IOR('T', 1, struct tracebuf_stat)
#define	TBIOCFLUSH	_IO('T', 2)
#define	TBIOCSENABLE	_IOW('T', 3, int)

#ifdef _KERNEL
extern const struct cdevsw tracebuf_cdevsw;
extern int tracebuf_nrecs;

int	tracebuf_attach(int);
void	tracebuf_add(const char *, size_t);
#ifdef _LKM
int	tracebuf_detach(void);
#endif
#endif /* _KERNEL */

#endif /* !_DEV_TRACEBUFIO_H_ */
