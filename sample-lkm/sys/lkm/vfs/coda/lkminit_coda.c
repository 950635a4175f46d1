/*	$NetBSD: lkminit_coda.c,v 1.8 2006/03/20 04:03:14 christos Exp $	*/

/*-
 * Copyright (c) 2001 The NetBSD Foundation, Inc.
 * All rights reserved.
 *
 * This code is derived from software contributed to The NetBSD Foundation
 * by Jaromir Dolecek.
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions
 * are met:
 * 1. Redistributions of source code must retain the above copyright
 *    notice, this list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright
 *    notice, this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. All advertising materials mentioning features or use of this software
 *    must display the following acknowledgement:
 *        This product includes software developed by the NetBSD
 *        Foundation, Inc. and its contributors.
 * 4. Neither the name of The NetBSD Foundation nor the names of its
 *    contributors may be used to endorse or promote products derived
 *    from this software without specific prior written permission.
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

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/conf.h>
#include <sys/lkm.h>
#include <sys/errno.h>
#include <sys/mount.h>
#include <sys/vnode.h>
#include <sys/sysctl.h>

#include <fs/coda/coda.h>

int coda_lkmentry(struct lkm_table *, int, int);
static int coda_load(struct lkm_table *, int);
static int coda_unload(struct lkm_table *, int);

/*
 * Coda needs two things registered: the vcoda device venus talks
 * through, and the file system.  MOD_* declares one _module per file, so
 * both descriptors are built here by hand and dispatched one after the
 * other.
 */
static struct lkm_dev coda_lkm_dev = {
	LM_DEV, "vcoda", -1, LKM_VERSION, __NetBSD_Version__,
	_LKM_ENV_VERSION,
	"vcoda", NULL, -1, &vcoda_cdevsw, -1
};

static struct lkm_vfs coda_lkm_vfs = {
	LM_VFS, "coda", -1, LKM_VERSION, __NetBSD_Version__,
	_LKM_ENV_VERSION,
	&coda_vfsops
};

static struct sysctllog *coda_sysctl_log;

int
coda_load(struct lkm_table *lkmtp, int cmd)
{
	int error;

	if ((error = coda_sysctl_setup(&coda_sysctl_log)) != 0)
		sysctl_teardown(&coda_sysctl_log);
	return (error);
}

int
coda_unload(struct lkm_table *lkmtp, int cmd)
{
	int error;

	/* Venus still attached: its mounts would lose their cache manager. */
	if ((error = vcoda_detach()) != 0)
		return (error);
	sysctl_teardown(&coda_sysctl_log);
	return (0);
}

/*
 * Device first on load, so that the file system never exists without
 * its channel; the reverse on unload.
 */
int
coda_lkmentry(struct lkm_table *lkmtp, int cmd, int ver)
{
	int error = 0;

	if (ver != LKM_VERSION)
		return (EINVAL);

	switch (cmd) {
	case LKM_E_LOAD:
		lkmtp->private.lkm_any = (struct lkm_any *)&coda_lkm_dev;
		if (lkmexists(lkmtp))
			return (EEXIST);
		if ((error = lkmdispatch(lkmtp, cmd)) != 0)
			break;

		vfs_opv_init_explicit(&coda_vnodeop_opv_desc);
		vfs_opv_init_default(&coda_vnodeop_opv_desc);

		lkmtp->private.lkm_any = (struct lkm_any *)&coda_lkm_vfs;
		if ((error = lkmdispatch(lkmtp, cmd)) != 0) {
			lkmtp->private.lkm_any =
			    (struct lkm_any *)&coda_lkm_dev;
			(void)lkmdispatch(lkmtp, LKM_E_UNLOAD);
			break;
		}

		if ((error = coda_load(lkmtp, cmd)) != 0) {
			(void)lkmdispatch(lkmtp, LKM_E_UNLOAD);
			lkmtp->private.lkm_any =
			    (struct lkm_any *)&coda_lkm_dev;
			(void)lkmdispatch(lkmtp, LKM_E_UNLOAD);
		}
		break;

	case LKM_E_UNLOAD:
		if ((error = coda_unload(lkmtp, cmd)) != 0)
			break;

		lkmtp->private.lkm_any = (struct lkm_any *)&coda_lkm_vfs;
		if ((error = lkmdispatch(lkmtp, cmd)) != 0)
			break;

		lkmtp->private.lkm_any = (struct lkm_any *)&coda_lkm_dev;
		error = lkmdispatch(lkmtp, cmd);
		break;

	case LKM_E_STAT:
		/* modstat shows the device, whose majors are worth seeing. */
		lkmtp->private.lkm_any = (struct lkm_any *)&coda_lkm_dev;
		error = lkmdispatch(lkmtp, cmd);
		break;

	default:
		error = EINVAL;
		break;
	}

	return (error);
}
