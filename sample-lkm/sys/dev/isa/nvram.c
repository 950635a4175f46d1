/*	$Id: nvram.c,v 1.6 2001/03/18 21:04:11 cw Exp $	*/

/*
 * Copyright (c) 1998 Charles Warner <cw@mrwriter.example.org>
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
 * /dev/nvram: read and write the battery-backed CMOS RAM of a PC
 * (the MC146818 clock chip's 114 bytes of user storage).  Written as an
 * LKM for NetBSD 1.3 and still loaded that way.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/conf.h>
#include <sys/errno.h>
#include <sys/uio.h>
#include <sys/ioctl.h>
#include <sys/file.h>
#include <sys/proc.h>

#if defined(i386) || defined(__i386__)
#include <machine/pio.h>
#endif

#define	NVRAM_FIRST	14	/* the clock's own registers come first */
#define	NVRAM_SIZE	(128 - NVRAM_FIRST)

#define	IO_RTC		0x070	/* RTC index/data ports */
#define	RTC_ADDR	(IO_RTC + 0)
#define	RTC_DATA	(IO_RTC + 1)

#define	NVRAM_CKSUM_HI	0x2e	/* checksum over 0x10-0x2d */
#define	NVRAM_CKSUM_LO	0x2f

#define	NVRAMIOCCKSUM	_IO('N', 1)	/* recompute the BIOS checksum */

int	nvramopen(dev_t, int, int, struct lwp *);
int	nvramclose(dev_t, int, int, struct lwp *);
int	nvramread(dev_t, struct uio *, int);
int	nvramwrite(dev_t, struct uio *, int);
int	nvramioctl(dev_t, u_long, void *, int, struct lwp *);

static int nvram_isopen;

static u_char nvram_get(int);
static void nvram_put(int, u_char);
static void nvram_cksum(void);

#if defined(i386) || defined(__i386__)
static u_char
nvram_get(reg)
	int reg;
{
	u_char val;
	int s;

	s = splclock();
	outb(RTC_ADDR, reg);
	val = inb(RTC_DATA);
	splx(s);
	return (val);
}

static void
nvram_put(reg, val)
	int reg;
	u_char val;
{
	int s;

	s = splclock();
	outb(RTC_ADDR, reg);
	outb(RTC_DATA, val);
	splx(s);
}
#else
/*
 * No CMOS RAM we know how to reach on this port; nvramopen() refuses,
 * so these are never called.
 */
static u_char
nvram_get(reg)
	int reg;
{

	return (0xff);
}

static void
nvram_put(reg, val)
	int reg;
	u_char val;
{
}
#endif

/*
 * The BIOS refuses CMOS contents whose checksum does not match, and
 * falls back to defaults; keep it right after every write.
 */
static void
nvram_cksum()
{
	u_int sum;
	int reg;

	sum = 0;
	for (reg = 0x10; reg < NVRAM_CKSUM_HI; reg++)
		sum += nvram_get(reg);
	nvram_put(NVRAM_CKSUM_HI, (sum >> 8) & 0xff);
	nvram_put(NVRAM_CKSUM_LO, sum & 0xff);
}

int
nvramopen(dev, flag, mode, l)
	dev_t dev;
	int flag, mode;
	struct lwp *l;
{

#if defined(i386) || defined(__i386__)
	if (minor(dev) != 0)
		return (ENXIO);
	if (nvram_isopen)
		return (EBUSY);
	nvram_isopen = 1;
	return (0);
#else
	return (ENXIO);
#endif
}

int
nvramclose(dev, flag, mode, l)
	dev_t dev;
	int flag, mode;
	struct lwp *l;
{

	nvram_isopen = 0;
	return (0);
}

int
nvramread(dev, uio, flags)
	dev_t dev;
	struct uio *uio;
	int flags;
{
	u_char buf[NVRAM_SIZE];
	int off, n, i;

	off = uio->uio_offset;
	if (off < 0 || off >= NVRAM_SIZE)
		return (0);
	n = MIN(NVRAM_SIZE - off, uio->uio_resid);
	for (i = 0; i < n; i++)
		buf[i] = nvram_get(NVRAM_FIRST + off + i);
	return (uiomove(buf, n, uio));
}

int
nvramwrite(dev, uio, flags)
	dev_t dev;
	struct uio *uio;
	int flags;
{
	u_char buf[NVRAM_SIZE];
	int off, n, i, error;

	off = uio->uio_offset;
	if (off < 0 || off >= NVRAM_SIZE)
		return (ENOSPC);
	n = MIN(NVRAM_SIZE - off, uio->uio_resid);
	if ((error = uiomove(buf, n, uio)) != 0)
		return (error);
	for (i = 0; i < n; i++)
		nvram_put(NVRAM_FIRST + off + i, buf[i]);
	return (0);
}

int
nvramioctl(dev, cmd, data, flag, l)
	dev_t dev;
	u_long cmd;
	void *data;
	int flag;
	struct lwp *l;
{

	switch (cmd) {
	case NVRAMIOCCKSUM:
		if ((flag & FWRITE) == 0)
			return (EBADF);
		nvram_cksum();
		return (0);
	default:
		return (ENOTTY);
	}
}
