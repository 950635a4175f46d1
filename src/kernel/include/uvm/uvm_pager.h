/*	UVM pager interface: the flags of VOP_GETPAGES and VOP_PUTPAGES.	*/

#ifndef _UVM_UVM_PAGER_H_
#define _UVM_UVM_PAGER_H_

/* page we are not interested in getting */
#define	PGO_DONTCARE	((struct vm_page *) -1L)	/* [get only] */

/* flags */
#define	PGO_CLEANIT	0x001	/* write dirty pages to backing store */
#define	PGO_SYNCIO	0x002	/* use sync I/O */
#define	PGO_DEACTIVATE	0x004	/* deactivate flushed pages */
#define	PGO_FREE	0x008	/* free flushed pages */
/* if PGO_FREE is not set then the pages stay where they are. */

#define	PGO_ALLPAGES	0x010	/* flush whole object/get all pages */
#define	PGO_LOCKED	0x040	/* fault data structures are locked [get] */
#define	PGO_BUSYFAIL	0x080	/* fail if a page is busy [put] */
#define	PGO_OVERWRITE	0x200	/* pages will be overwritten before unlocked */
#define	PGO_PASTEOF	0x400	/* allow allocation of pages past EOF */
#define	PGO_NOBLOCKALLOC 0x800	/* backing block allocation is not needed */
#define	PGO_NOTIMESTAMP 0x1000	/* don't mark object accessed/modified */
#define	PGO_RECLAIM	0x2000	/* object is being reclaimed */

#endif /* !_UVM_UVM_PAGER_H_ */
