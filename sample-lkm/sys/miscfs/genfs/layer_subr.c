/*	$NetBSD: layer_subr.c,v 1.20 2006/10/12 01:32:26 christos Exp $	*/

/*
 * Copyright (c) 1999 National Aeronautics & Space Administration
 * All rights reserved.
 *
 * This software was written by William Studenmund of the
 * Numerical Aerospace Simulation Facility, NASA Ames Research Center.
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions
 * are met:
 * 1. Redistributions of source code must retain the above copyright
 *    notice, this list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright
 *    notice, this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the National Aeronautics & Space Administration
 *    nor the names of its contributors may be used to endorse or promote
 *    products derived from this software without specific prior written
 *    permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE NATIONAL AERONAUTICS & SPACE ADMINISTRATION
 * ``AS IS'' AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED
 * TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR
 * PURPOSE ARE DISCLAIMED.  IN NO EVENT SHALL THE ADMINISTRATION OR CONTRIB-
 * UTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY,
 * OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF
 * SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS
 * INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN
 * CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE)
 * ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE
 * POSSIBILITY OF SUCH DAMAGE.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>
#include <sys/time.h>
#include <sys/vnode.h>
#include <sys/mount.h>
#include <sys/namei.h>
#include <sys/malloc.h>

#include <miscfs/specfs/specdev.h>
#include <miscfs/genfs/layer.h>
#include <miscfs/genfs/layer_extern.h>

#define	NLAYERNODECACHE 16

/*
 * layer cache:
 * Each cache entry holds a reference to the lower vnode
 * along with a pointer to the alias vnode.  When an
 * entry is added the lower vnode is VREF'd.  When the
 * alias is removed the lower vnode is vrele'd.
 */

/*
 * Initialise cache headers.  Each mount has its own hash table (made
 * in the file system's mount routine), so there is nothing global.
 */
void
layerfs_init()
{
	/* Nothing here */
}

/*
 * Free global resources of layerfs.
 */
void
layerfs_done()
{
	/* Nothing here */
}

/*
 * Return a locked, VREF'ed alias for lower vnode if already exists, else NULL.
 * The layermp->layerm_hashlock must be held on entry, we will unlock it.
 */
struct vnode *
layer_node_find(struct mount *mp, struct vnode *lowervp)
{
	struct layer_mount *lmp = MOUNTTOLAYERMOUNT(mp);
	struct layer_node_hashhead *hd;
	struct layer_node *a;
	struct vnode *vp;
	int error;

	/*
	 * Find hash base, and then search the (two-way) linked
	 * list looking for a layer_node structure which is referencing
	 * the lower vnode.  If found, the increment the layer_node
	 * reference count (but NOT the lower vnode's VREF counter)
	 * and return the vnode locked.
	 */
	hd = &lmp->layerm_node_hashtbl[((u_long)lowervp >> 8) &
	    lmp->layerm_node_hash];

loop:
	LIST_FOREACH(a, hd, layer_hash) {
		if (a->layer_lowervp == lowervp && LAYERTOV(a)->v_mount == mp) {
			vp = LAYERTOV(a);
			mutex_exit(&lmp->layerm_hashlock);
			/*
			 * We must not let vget() try to lock the layer
			 * vp, since the lower vp is already locked and
			 * locking the layer vp will involve locking
			 * the lower vp.
			 */
			error = vget(vp, LK_EXCLUSIVE | LK_CANRECURSE);
			if (error) {
				mutex_enter(&lmp->layerm_hashlock);
				goto loop;
			}
			return (vp);
		}
	}

	mutex_exit(&lmp->layerm_hashlock);
	return NULL;
}

/*
 * Make a new layer_node node.
 * Vp is the alias vnode, lowervp is the lower vnode.
 * Maintain a reference to lowervp.
 */
int
layer_node_alloc(struct mount *mp, struct vnode *lowervp, struct vnode **vpp)
{
	struct layer_mount *lmp = MOUNTTOLAYERMOUNT(mp);
	struct layer_node_hashhead *hd;
	struct layer_node *xp;
	struct vnode *vp, *nvp;
	int error;

	if ((error = getnewvnode(lmp->layerm_tag, mp, lmp->layerm_vnodeop_p,
	    &vp)) != 0)
		return (error);
	vp->v_type = lowervp->v_type;
	vp->v_flag |= VLAYER;

	xp = malloc(lmp->layerm_size, M_TEMP, M_WAITOK);
	if (vp->v_type == VBLK || vp->v_type == VCHR) {
		/* Device nodes share the lower vnode's specinfo. */
		vp->v_rdev = lowervp->v_rdev;
	}

	vp->v_data = xp;
	xp->layer_vnode = vp;
	xp->layer_lowervp = lowervp;
	xp->layer_flags = 0;

	/*
	 * Before we insert our new node onto the hash chains,
	 * check to see if someone else has beaten us to it.
	 * (We could have slept in MALLOC.)
	 */
	mutex_enter(&lmp->layerm_hashlock);
	if ((nvp = layer_node_find(mp, lowervp)) != NULL) {
		*vpp = nvp;

		/* free the substructures we've allocated. */
		free(xp, M_TEMP);
		vp->v_data = NULL;	/* prevent any pending reclaims */
		ungetnewvnode(vp);
		return (0);
	}

	mutex_enter(&lmp->layerm_hashlock);

	/*
	 * Now lock the new node. We rely on the fact that we were passed
	 * a locked vnode. If the lower node is exporting a struct lock
	 * (v_vnlock != NULL) then we just set the upper v_vnlock to the
	 * lower one, and both are now locked. If the lower node is exporting
	 * NULL, then we copy that up and manually lock the upper node.
	 */
	vp->v_vnlock = lowervp->v_vnlock;
	if (vp->v_vnlock == NULL)
		vn_lock(vp, LK_EXCLUSIVE | LK_RETRY);

	/*
	 * Insert the new node into the hash.
	 * Add a reference to the lower node.
	 */
	*vpp = vp;
	VREF(lowervp);
	hd = &lmp->layerm_node_hashtbl[((u_long)lowervp >> 8) &
	    lmp->layerm_node_hash];
	LIST_INSERT_HEAD(hd, xp, layer_hash);
	uvm_vnp_setsize(vp, 0);
	mutex_exit(&lmp->layerm_hashlock);
	return (0);
}

/*
 * Try to find an existing layer_node vnode refering
 * to it, otherwise make a new layer_node vnode which
 * contains a reference to the lower vnode.
 *
 * >>> we assume that the lower node is already locked upon entry, so we
 * propagate the lock state to upper node <<
 */
int
layer_node_create(struct mount *mp, struct vnode *lowervp, struct vnode **newvpp)
{
	struct vnode *aliasvp;
	struct layer_mount *lmp = MOUNTTOLAYERMOUNT(mp);

	mutex_enter(&lmp->layerm_hashlock);
	aliasvp = layer_node_find(mp, lowervp);
	if (aliasvp != NULL) {
		/*
		 * layer_node_find has taken another reference
		 * to the alias vnode and moved the lock holding to
		 * aliasvp.
		 *
		 * Unlock lowervp and drop the reference, then use the
		 * alias.
		 */
		VOP_UNLOCK(lowervp, 0);
		vrele(lowervp);
	} else {
		int error;

		/*
		 * Get new vnode.
		 */
		error = (lmp->layerm_alloc)(mp, lowervp, &aliasvp);
		if (error)
			return error;
		/*
		 * aliasvp is already VREF'd by getnewvnode()
		 */
	}

	vrele(lowervp);

	*newvpp = aliasvp;
	return (0);
}
