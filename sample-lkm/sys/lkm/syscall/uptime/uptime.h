/*	$NetBSD: uptime.h,v 1.2 2006/02/18 10:21:37 jmmv Exp $	*/

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

#ifndef _LKM_UPTIME_H_
#define _LKM_UPTIME_H_

/*
 * Slot 210 is the first of the ten that syscalls.master keeps for
 * loadable system calls; libuptime and uptime(1) from pkgsrc have it
 * compiled in, so the module must not move.
 */
#define	UPTIME_SYSCALL	210

struct uptime_info {
	int64_t		ui_seconds;	/* whole seconds since boot */
	u_int32_t	ui_ticks;	/* hardclock ticks since boot */
	int32_t		ui_hz;		/* ticks per second */
	u_int32_t	ui_loads;	/* times this module has been loaded */
};

#define	UPTIME_SECONDS	0x01	/* just return the seconds in *retval */
#define	UPTIME_FLAGMASK	(UPTIME_SECONDS)

#ifdef _KERNEL
struct sys_uptime_args {
	syscallarg(struct uptime_info *) info;
	syscallarg(int) flags;
};

int	sys_uptime(struct lwp *, void *, register_t *);

extern u_int32_t uptime_loads;
#endif /* _KERNEL */

#endif /* !_LKM_UPTIME_H_ */
