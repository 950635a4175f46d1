/*	The part of UVM the rest of the kernel sees (the vnode pager's side of it).	*/

#ifndef _UVM_UVM_EXTERN_H_
#define _UVM_UVM_EXTERN_H_

#include <sys/types.h>

/*
 * typedefs, necessary for standard UVM headers.
 */
typedef unsigned int uvm_flag_t;

typedef int vm_inherit_t;	/* XXX: inheritance codes */
typedef off_t voff_t;		/* XXX: offset within a uvm_object */
typedef voff_t pgoff_t;		/* XXX: number of pages within a uvm object */

struct vnode;

#ifdef _KERNEL
/* uvm_vnode.c */
void	uvm_vnp_setsize(struct vnode *, voff_t);
void	uvm_vnp_zerorange(struct vnode *, off_t, size_t);
#endif /* _KERNEL */

/*
 * Finally, bring in standard UVM headers (of which the pager's flags are bundled): sources
 * reach PGO_* through <sys/vnode.h>, which includes this file.
 */
#include <uvm/uvm_pager.h>

#endif /* !_UVM_UVM_EXTERN_H_ */
