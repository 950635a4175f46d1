/*	Kernel memory allocator, malloc(9) of NetBSD 4/5.	*/

#ifndef _SYS_MALLOC_H_
#define _SYS_MALLOC_H_

#include <sys/types.h>

/* flags to malloc */
#define	M_WAITOK	0x0000	/* can wait for resources */
#define	M_NOWAIT	0x0001	/* do not wait for resources */
#define	M_ZERO		0x0002	/* zero the allocation */
#define	M_CANFAIL	0x0004	/* can fail if requested memory can't ever be allocated */

struct malloc_type {
	struct malloc_type *ks_next;	/* next in list */
	u_long	ks_magic;	 /* indicates valid structure */
	const char *ks_shortdesc;/* short description */
	u_long	ks_inuse;	/* # of packets of this type currently in use */
	u_long	ks_calls;	/* total packets of this type ever allocated */
	u_long	ks_memuse;	/* total memory held in bytes */
	u_long	ks_maxused;	/* maximum number ever used */
	u_long	ks_limit;	/* most that are allowed to exist */
};

#define	M_MAGIC		877983977

#define	MALLOC_DECLARE(t)	extern struct malloc_type t[1]
#define	MALLOC_DEFINE(t, sd, ld)					\
	struct malloc_type t[1] = {					\
		{ NULL, M_MAGIC, sd, 0, 0, 0, 0, 0 }			\
	}
#define	MALLOC_JUSTDEFINE(t, sd, ld)	MALLOC_DEFINE(t, sd, ld)

MALLOC_DECLARE(M_DEVBUF);
MALLOC_DECLARE(M_DMAMAP);
MALLOC_DECLARE(M_FREE);
MALLOC_DECLARE(M_PCB);
MALLOC_DECLARE(M_SOFTINTR);
MALLOC_DECLARE(M_TEMP);
MALLOC_DECLARE(M_IOCTLOPS);
MALLOC_DECLARE(M_MOUNT);
MALLOC_DECLARE(M_NFSREQ);
MALLOC_DECLARE(M_VNODE);
MALLOC_DECLARE(M_CACHE);
MALLOC_DECLARE(M_DQUOT);
MALLOC_DECLARE(M_UFSMNT);
MALLOC_DECLARE(M_SHM);
MALLOC_DECLARE(M_VMMAP);
MALLOC_DECLARE(M_SEM);
MALLOC_DECLARE(M_MSG);
MALLOC_DECLARE(M_MISCFSMNT);
MALLOC_DECLARE(M_IPC);
MALLOC_DECLARE(M_TTYS);
MALLOC_DECLARE(M_EXEC);
MALLOC_DECLARE(M_MRTABLE);
MALLOC_DECLARE(M_KEVENT);
MALLOC_DECLARE(M_EMULDATA);
MALLOC_DECLARE(M_SYSCTLNODE);
MALLOC_DECLARE(M_SYSCTLDATA);
MALLOC_DECLARE(M_LKM);

#ifdef _KERNEL
void	*malloc(unsigned long, struct malloc_type *, int);
void	free(void *, struct malloc_type *);
void	*realloc(void *, unsigned long, struct malloc_type *, int);
void	malloc_type_attach(struct malloc_type *);
void	malloc_type_detach(struct malloc_type *);

#define	MALLOC(space, cast, size, type, flags) \
	(space) = (cast)malloc((u_long)(size), (type), (flags))
#define	FREE(addr, type)	free((void *)(addr), (type))
#endif /* _KERNEL */

#endif /* !_SYS_MALLOC_H_ */
