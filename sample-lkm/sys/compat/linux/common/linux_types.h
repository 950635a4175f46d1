/*	$NetBSD: linux_types.h,v 1.21 2006/09/19 22:06:11 christos Exp $	*/

/*-
 * Copyright (c) 1995, 1998 The NetBSD Foundation, Inc.
 * All rights reserved.
 *
 * This code is derived from software contributed to The NetBSD Foundation
 * by Frank van der Linden and Eric Haszlakiewicz.
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

#ifndef _LINUX_TYPES_H
#define _LINUX_TYPES_H

typedef long		linux_time_t;
typedef long		linux_clock_t;
typedef int		linux_pid_t;
typedef unsigned short	linux_uid16_t;
typedef unsigned short	linux_gid16_t;

/*
 * Syscall numbers this emulation routes to System V IPC.  i386 goes
 * through the ipc(2) multiplexer; the other ports have one call each.
 */
#if defined(i386) || defined(__i386__)
#define	LINUX_SYS_exit		1
#define	LINUX_SYS_read		3
#define	LINUX_SYS_write		4
#define	LINUX_SYS_close		6
#define	LINUX_SYS_getpid	20
#define	LINUX_SYS_ipc		117
#define	LINUX_SYS_NSYSENT	320
#else	/* amd64 numbering */
#define	LINUX_SYS_read		0
#define	LINUX_SYS_write		1
#define	LINUX_SYS_close		3
#define	LINUX_SYS_getpid	39
#define	LINUX_SYS_exit		60
#define	LINUX_SYS_msgget	68
#define	LINUX_SYS_msgsnd	69
#define	LINUX_SYS_msgrcv	70
#define	LINUX_SYS_msgctl	71
#define	LINUX_SYS_NSYSENT	280
#endif

#endif /* !_LINUX_TYPES_H */
