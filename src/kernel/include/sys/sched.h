#ifndef _SYS_SCHED_H_
#define _SYS_SCHED_H_

#include <sys/types.h>

struct sched_param {
	int	sched_priority;
};

#define	SCHED_NONE	-1
#define	SCHED_OTHER	0
#define	SCHED_FIFO	1
#define	SCHED_RR	2

#ifdef _KERNEL
void	preempt(void);
int	sched_setparam(pid_t, const struct sched_param *);
#endif

#endif /* !_SYS_SCHED_H_ */
