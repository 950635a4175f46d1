/*	Reader/writer locks, rwlock(9).	*/

#ifndef _SYS_RWLOCK_H_
#define _SYS_RWLOCK_H_

#include <sys/types.h>

typedef enum krw_t {
	RW_READER = 0,
	RW_WRITER = 1
} krw_t;

/*
 * NetBSD keeps the layout in <machine/rwlock.h>; every port's is the one owner word, so it
 * is spelt out here.
 */
typedef struct krwlock {
	volatile uintptr_t	rw_owner;
} krwlock_t;

#ifdef _KERNEL
void	rw_init(krwlock_t *);
void	rw_destroy(krwlock_t *);
int	rw_tryenter(krwlock_t *, const krw_t);
int	rw_tryupgrade(krwlock_t *);
void	rw_downgrade(krwlock_t *);
int	rw_read_held(krwlock_t *);
int	rw_write_held(krwlock_t *);
int	rw_lock_held(krwlock_t *);
void	rw_enter(krwlock_t *, const krw_t);
void	rw_exit(krwlock_t *);
#endif /* _KERNEL */

#endif /* !_SYS_RWLOCK_H_ */
