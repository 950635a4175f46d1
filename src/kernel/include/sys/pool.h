/*	Memory pools, pool(9).	*/

#ifndef _SYS_POOL_H_
#define _SYS_POOL_H_

#include <sys/types.h>
#include <sys/mutex.h>

struct pool;

struct pool_allocator {
	void		*(*pa_alloc)(struct pool *, int);
	void		(*pa_free)(struct pool *, void *);
	unsigned int	pa_pagesz;
};

struct pool {
	const char	*pr_wchan;	/* tsleep(9) identifier */
	unsigned int	pr_size;	/* size of item */
	unsigned int	pr_align;	/* alignment */
	unsigned int	pr_nout;	/* # items currently allocated */
	int		pr_flags;
	int		pr_ipl;
	kmutex_t	pr_lock;
	struct pool_allocator *pr_alloc;
};

#define	PR_WAITOK	0x01
#define	PR_NOWAIT	0x00
#define	PR_LIMITFAIL	0x04
#define	PR_ZERO		0x100

void	pool_init(struct pool *, size_t, u_int, u_int, int, const char *,
	    struct pool_allocator *, int);
void	pool_destroy(struct pool *);
void	*pool_get(struct pool *, int);
void	pool_put(struct pool *, void *);
int	pool_prime(struct pool *, int);
void	pool_setlowat(struct pool *, int);
void	pool_sethiwat(struct pool *, int);

/* Backing allocators (before kmem(9), pools named the one they page from). */
extern struct pool_allocator pool_allocator_nointr;

#endif /* !_SYS_POOL_H_ */
