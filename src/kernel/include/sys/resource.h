#ifndef _SYS_RESOURCE_H_
#define _SYS_RESOURCE_H_

#include <sys/time.h>

#define	RLIMIT_CPU	0
#define	RLIMIT_FSIZE	1
#define	RLIMIT_DATA	2
#define	RLIMIT_STACK	3
#define	RLIMIT_CORE	4
#define	RLIMIT_RSS	5
#define	RLIMIT_MEMLOCK	6
#define	RLIMIT_NPROC	7
#define	RLIMIT_NOFILE	8
#define	RLIMIT_SBSIZE	9
#define	RLIM_NLIMITS	10
#define	RLIM_INFINITY	(~((u_quad_t)1 << 63))

struct rlimit {
	rlim_t	rlim_cur;
	rlim_t	rlim_max;
};

#endif /* !_SYS_RESOURCE_H_ */
