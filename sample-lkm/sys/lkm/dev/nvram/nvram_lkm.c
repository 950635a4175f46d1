/*	$Id: nvram_lkm.c,v 1.4 2001/03/18 21:04:11 cw Exp $	*/

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

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/conf.h>
#include <sys/errno.h>
#include <sys/lkm.h>

extern int	nvramopen(dev_t, int, int, struct lwp *);
extern int	nvramclose(dev_t, int, int, struct lwp *);
extern int	nvramread(dev_t, struct uio *, int);
extern int	nvramwrite(dev_t, struct uio *, int);
extern int	nvramioctl(dev_t, u_long, void *, int, struct lwp *);

int	nvram_lkmentry(struct lkm_table *, int, int);

/*
 * This predates the switch to devsw_attach(): the whole entry is copied
 * into the kernel's cdevsw[] at the first free slot.
 */
static struct cdevsw nvram_cdevsw = {
	nvramopen, nvramclose, nvramread, nvramwrite, nvramioctl,
	(dev_type_stop((*))) enodev, 0, seltrue,
	(dev_type_mmap((*))) enodev, 0, D_OTHER
};

MOD_DEV("nvram", LM_DT_CHAR, -1, &nvram_cdevsw);

int
nvram_lkmentry(lkmtp, cmd, ver)
	struct lkm_table *lkmtp;
	int cmd;
	int ver;
{

	if (ver != LKM_VERSION)
		return (EINVAL);

	DISPATCH(lkmtp, cmd, ver, lkm_nofunc, lkm_nofunc, lkm_nofunc)
}
