/*	Machine-dependent types: register and address sizes follow the data model (__LP64__).	*/

#ifndef _MACHINE_TYPES_H_
#define _MACHINE_TYPES_H_

#include <sys/cdefs.h>
#include <machine/int_types.h>

typedef	unsigned long	paddr_t;
typedef	unsigned long	psize_t;
typedef	unsigned long	vaddr_t;
typedef	unsigned long	vsize_t;

typedef	long		register_t;
typedef	int		register32_t;

typedef	unsigned char	__cpu_simple_lock_t;
#define	__SIMPLELOCK_LOCKED	1
#define	__SIMPLELOCK_UNLOCKED	0

#define	__HAVE_SYSCALL_INTERN

#endif /* !_MACHINE_TYPES_H_ */
