/*	$NetBSD: sys_uptime.c,v 1.2 2006/02/18 10:21:37 jmmv Exp $	*/

/*
 * Copyright (c) 1998, 2006 Terrence R. Lambert
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
#include <sys/kernel.h>
#include <sys/proc.h>
#include <sys/lwp.h>
#include <sys/syscallargs.h>

#include "uptime.h"

u_int32_t uptime_loads;

/*
 * uptime(2): how long the machine has been up, without the round trip
 * through kern.boottime and gettimeofday(2) that races with settimeofday.
 */
int
sys_uptime(l, v, retval)
	struct lwp *l;
	void *v;
	register_t *retval;
{
	struct sys_uptime_args /* {
		syscallarg(struct uptime_info *) info;
		syscallarg(int) flags;
	} */ *uap = v;
	struct uptime_info ui;
	int flags;

	flags = SCARG(uap, flags);
	if (flags & ~UPTIME_FLAGMASK)
		return (EINVAL);

	memset(&ui, 0, sizeof(ui));
	ui.ui_ticks = (u_int32_t)hardclock_ticks;
	ui.ui_hz = hz;
	ui.ui_seconds = hardclock_ticks / hz;
	ui.ui_loads = uptime_loads;

	if (flags & UPTIME_SECONDS) {
		*retval = (register_t)ui.ui_seconds;
		return (0);
	}
	if (SCARG(uap, info) == NULL)
		return (EFAULT);
	return (copyout(&ui, SCARG(uap, info), sizeof(ui)));
}
