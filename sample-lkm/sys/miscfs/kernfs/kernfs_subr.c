/*	$NetBSD: kernfs_subr.c,v 1.13 2006/11/16 01:33:38 christos Exp $	*/

/*
 * Copyright (c) 1992, 1993, 1995
 *	The Regents of the University of California.  All rights reserved.
 *
 * This code is derived from software donated to Berkeley by
 * Jan-Simon Pendry.
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions
 * are met:
 * 1. Redistributions of source code must retain the above copyright
 *    notice, this list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright
 *    notice, this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the University nor the names of its contributors
 *    may be used to endorse or promote products derived from this software
 *    without specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE REGENTS AND CONTRIBUTORS ``AS IS'' AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
 * IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE
 * ARE DISCLAIMED.  IN NO EVENT SHALL THE REGENTS OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS
 * OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION)
 * HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT
 * LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY
 * OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF
 * SUCH DAMAGE.
 *
 *	@(#)kernfs_subr.c	8.6 (Berkeley) 5/14/95
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/proc.h>
#include <sys/vnode.h>
#include <sys/mount.h>
#include <sys/queue.h>

#include <miscfs/kernfs/kernfs.h>

/*
 * Small and fixed: a kernfs mount has a few dozen nodes at most, so a
 * power-of-two table with a mask beats hashinit()'s sizing logic.
 */
#define	KFS_NHASH	16
#define	KFS_HASH(type, fileno) \
	(&kfs_hashtbl[((type) + (fileno)) & (KFS_NHASH - 1)])

LIST_HEAD(kfs_hashhead, kernfs_node);

static struct kfs_hashhead *kfs_hashtbl;
static kmutex_t kfs_hashlock;
static int kfs_hashbusy;

static struct vnode *kernfs_hashget(kfstype, struct mount *,
    const struct kern_target *, u_int32_t);
static void kernfs_hashins(struct kernfs_node *);
static void kernfs_hashrem(struct kernfs_node *);

/*
 * Allocate a vnode for a kernfs node, or find the one already there.
 */
int
kernfs_allocvp(struct mount *mp, struct vnode **vpp, kfstype kfs_type,
    const struct kern_target *kt, u_int32_t value)
{
	struct kernfs_node *kfs = NULL, *kfsp;
	struct vnode *vp = NULL;
	int error;
	long *cookie;

	if ((*vpp = kernfs_hashget(kfs_type, mp, kt, value)) != NULL)
		return (0);

	if (kfs_type == KFSkern)
		cookie = &(VFSTOKERNFS(mp)->fileno_cookie);
	else
		cookie = NULL;

	kfs = malloc(sizeof(struct kernfs_node), M_TEMP, M_WAITOK|M_ZERO);

	error = getnewvnode(VT_KERNFS, mp, kernfs_vnodeop_p, &vp);
	if (error) {
		*vpp = NULL;
		free(kfs, M_TEMP);
		return (error);
	}

	vp->v_data = kfs;
	kfs->kfs_vnode = vp;
	kfs->kfs_type = kfs_type;
	kfs->kfs_kt = kt;
	kfs->kfs_mode = kt->kt_mode;
	vp->v_type = kt->kt_vtype;

	if (kfs_type == KFSkern)
		vp->v_vflag = VV_ROOT;

	if (cookie != NULL) {
		kfs->kfs_cookie = (*cookie)++;
		kfs->kfs_fileno = KERNFS_FILENO(kt, kt->kt_tag, kfs->kfs_cookie);
	} else
		kfs->kfs_fileno = KERNFS_FILENO(kt, kt->kt_tag, 0);

	TAILQ_FOREACH(kfsp, &VFSTOKERNFS(mp)->nodelist, kfs_list) {
		if (kfsp->kfs_cookie > kfs->kfs_cookie)
			break;
	}
	if (kfsp != NULL)
		TAILQ_INSERT_BEFORE(kfsp, kfs, kfs_list);
	else
		TAILQ_INSERT_TAIL(&VFSTOKERNFS(mp)->nodelist, kfs, kfs_list);

	kernfs_hashins(kfs);
	uvm_vnp_setsize(vp, 0);
	*vpp = vp;
	return (0);
}

int
kernfs_freevp(struct vnode *vp)
{
	struct kernfs_node *kfs = VTOKERN(vp);

	kernfs_hashrem(kfs);
	TAILQ_REMOVE(&VFSTOKERNFS(vp->v_mount)->nodelist, kfs, kfs_list);

	free(vp->v_data, M_TEMP);
	vp->v_data = NULL;
	return (0);
}

/*
 * Initialize kfs_node hash table.  Called through vfs_init when the
 * file system is attached.
 */
void
kernfs_hashinit()
{
	int i;

	kfs_hashtbl = malloc(KFS_NHASH * sizeof(*kfs_hashtbl), M_TEMP,
	    M_WAITOK);
	for (i = 0; i < KFS_NHASH; i++)
		LIST_INIT(&kfs_hashtbl[i]);
	mutex_init(&kfs_hashlock, MUTEX_DEFAULT, IPL_NONE);
	kfs_hashbusy = 0;
}

/*
 * Free kfs_node hash table.
 */
void
kernfs_hashdone()
{

	if (kfs_hashbusy != 0)
		panic("kernfs_hashdone: %d nodes still hashed", kfs_hashbusy);
	mutex_destroy(&kfs_hashlock);
	free(kfs_hashtbl, M_TEMP);
	kfs_hashtbl = NULL;
}

static struct vnode *
kernfs_hashget(kfstype type, struct mount *mp, const struct kern_target *kt,
    u_int32_t value)
{
	struct kfs_hashhead *ppp;
	struct kernfs_node *pp;
	struct vnode *vp;

loop:
	mutex_enter(&kfs_hashlock);
	ppp = KFS_HASH(type, value);
	LIST_FOREACH(pp, ppp, kfs_hash) {
		vp = KERNFSTOV(pp);
		if (pp->kfs_type == type && vp->v_mount == mp &&
		    pp->kfs_kt == kt) {
			mutex_exit(&kfs_hashlock);
			if (vget(vp, LK_EXCLUSIVE))
				goto loop;
			return (vp);
		}
	}
	mutex_exit(&kfs_hashlock);
	return (NULL);
}

static void
kernfs_hashins(struct kernfs_node *pp)
{
	struct kfs_hashhead *ppp;

	/* lock the kfsnode, then put it on the appropriate hash list */
	vn_lock(KERNFSTOV(pp), LK_EXCLUSIVE | LK_RETRY);

	mutex_enter(&kfs_hashlock);
	ppp = KFS_HASH(pp->kfs_type, pp->kfs_cookie);
	LIST_INSERT_HEAD(ppp, pp, kfs_hash);
	kfs_hashbusy++;
	mutex_exit(&kfs_hashlock);
}

static void
kernfs_hashrem(struct kernfs_node *pp)
{

	mutex_enter(&kfs_hashlock);
	LIST_REMOVE(pp, kfs_hash);
	kfs_hashbusy--;
	mutex_exit(&kfs_hashlock);
}
