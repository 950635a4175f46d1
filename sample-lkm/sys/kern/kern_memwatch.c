/*	$NetBSD: kern_memwatch.c,v 1.4 2007/01/29 01:52:45 hubertf Exp $	*/

/*-
 * Copyright (c) 2006 The NetBSD Foundation, Inc.
 * All rights reserved.
 *
 * This code is derived from software contributed to The NetBSD Foundation
 * by Andrew Doran.
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
 * memwatch: sample the kernel's open file and process counts at a fixed
 * interval and keep the last few samples, so that a leak of file or
 * process structures shows up as a trend in sysctl debug.memwatch long
 * before the machine hits maxfiles or maxproc.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/file.h>
#include <sys/proc.h>
#include <sys/sysctl.h>
#include <sys/callout.h>
#include <sys/pool.h>
#include <sys/queue.h>
#include <sys/errno.h>

struct mw_sample {
	SIMPLEQ_ENTRY(mw_sample) ms_link;
	int		ms_ticks;	/* hardclock_ticks when taken */
	int		ms_nfiles;	/* open files */
	int		ms_nprocs;	/* processes */
};

#define	MEMWATCH_MAXSAMPLES	64

static struct pool memwatch_pool;
static struct callout memwatch_ch;
static kmutex_t memwatch_lock;
static struct sysctllog *memwatch_log;
static SIMPLEQ_HEAD(, mw_sample) memwatch_samples =
    SIMPLEQ_HEAD_INITIALIZER(memwatch_samples);

static int memwatch_nsamples;
static int memwatch_interval = 10;	/* seconds */
static int memwatch_enabled;

int	memwatch_init(void);
int	memwatch_fini(void);

static void	memwatch_tick(void *);
static int	memwatch_sysctl_enable(SYSCTLFN_PROTO);
static int	memwatch_sysctl_setup(void);

static void
memwatch_tick(void *arg)
{
	struct mw_sample *ms, *old;

	ms = pool_get(&memwatch_pool, PR_NOWAIT);
	if (ms != NULL) {
		ms->ms_ticks = hardclock_ticks;
		ms->ms_nfiles = nfiles;
		ms->ms_nprocs = nprocs;

		mutex_enter(&memwatch_lock);
		SIMPLEQ_INSERT_TAIL(&memwatch_samples, ms, ms_link);
		if (++memwatch_nsamples > MEMWATCH_MAXSAMPLES) {
			old = SIMPLEQ_FIRST(&memwatch_samples);
			SIMPLEQ_REMOVE_HEAD(&memwatch_samples, ms_link);
			memwatch_nsamples--;
		} else
			old = NULL;
		mutex_exit(&memwatch_lock);
		if (old != NULL)
			pool_put(&memwatch_pool, old);
	}

	if (memwatch_enabled)
		callout_reset(&memwatch_ch, memwatch_interval * hz,
		    memwatch_tick, NULL);
}

/*
 * debug.memwatch.enabled: starting the sampler is the only way the
 * callout gets scheduled, so loading the module costs nothing until
 * someone asks for it.
 */
static int
memwatch_sysctl_enable(SYSCTLFN_ARGS)
{
	struct sysctlnode node;
	int error, val;

	val = memwatch_enabled;
	node = *rnode;
	node.sysctl_data = &val;
	error = sysctl_lookup(SYSCTLFN_CALL(&node));
	if (error || newp == NULL)
		return (error);

	if (val && !memwatch_enabled) {
		memwatch_enabled = 1;
		callout_reset(&memwatch_ch, memwatch_interval * hz,
		    memwatch_tick, NULL);
	} else if (!val && memwatch_enabled) {
		memwatch_enabled = 0;
		callout_stop(&memwatch_ch);
	}
	return (0);
}

static int
memwatch_sysctl_setup(void)
{
	const struct sysctlnode *rnode;
	int error;

	error = sysctl_createv(&memwatch_log, 0, NULL, &rnode,
	    CTLFLAG_PERMANENT, CTLTYPE_NODE, "memwatch",
	    SYSCTL_DESCR("Kernel memory usage sampler"),
	    NULL, 0, NULL, 0,
	    CTL_DEBUG, CTL_CREATE, CTL_EOL);
	if (error)
		return (error);

	error = sysctl_createv(&memwatch_log, 0, &rnode, NULL,
	    CTLFLAG_PERMANENT|CTLFLAG_READWRITE, CTLTYPE_INT, "enabled",
	    SYSCTL_DESCR("Take samples"),
	    memwatch_sysctl_enable, 0, NULL, 0,
	    CTL_CREATE, CTL_EOL);
	if (error)
		return (error);

	error = sysctl_createv(&memwatch_log, 0, &rnode, NULL,
	    CTLFLAG_PERMANENT|CTLFLAG_READWRITE, CTLTYPE_INT, "interval",
	    SYSCTL_DESCR("Seconds between samples"),
	    NULL, 0, &memwatch_interval, 0,
	    CTL_CREATE, CTL_EOL);
	if (error)
		return (error);

	return (sysctl_createv(&memwatch_log, 0, &rnode, NULL,
	    CTLFLAG_PERMANENT, CTLTYPE_INT, "nsamples",
	    SYSCTL_DESCR("Samples currently held"),
	    NULL, 0, &memwatch_nsamples, 0,
	    CTL_CREATE, CTL_EOL));
}

int
memwatch_init(void)
{
	int error;

	pool_init(&memwatch_pool, sizeof(struct mw_sample), 0, 0, 0,
	    "mwsample", NULL, IPL_NONE);
	mutex_init(&memwatch_lock, MUTEX_DEFAULT, IPL_NONE);
	callout_init(&memwatch_ch, 0);

	if ((error = memwatch_sysctl_setup()) != 0) {
		printf("memwatch: sysctl setup failed, error %d\n", error);
		sysctl_teardown(&memwatch_log);
		mutex_destroy(&memwatch_lock);
		pool_destroy(&memwatch_pool);
		return (error);
	}
	memwatch_nsamples = 0;
	memwatch_enabled = 0;
	return (0);
}

int
memwatch_fini(void)
{
	struct mw_sample *ms;

	memwatch_enabled = 0;
	callout_stop(&memwatch_ch);
	sysctl_teardown(&memwatch_log);

	while ((ms = SIMPLEQ_FIRST(&memwatch_samples)) != NULL) {
		SIMPLEQ_REMOVE_HEAD(&memwatch_samples, ms_link);
		pool_put(&memwatch_pool, ms);
	}
	memwatch_nsamples = 0;

	mutex_destroy(&memwatch_lock);
	pool_destroy(&memwatch_pool);
	return (0);
}
