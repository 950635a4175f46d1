/*	Machine-dependent CPU definitions the simulated kernel exposes.	*/

#ifndef _MACHINE_CPU_H_
#define _MACHINE_CPU_H_

#include <sys/types.h>

struct lwp;

struct cpu_info {
	struct lwp	*ci_curlwp;
	u_int		ci_cpuid;
	int		ci_want_resched;
};

extern struct cpu_info cpu_info_primary;

#define	curcpu()	(&cpu_info_primary)
#define	cpu_number()	0
#define	DELAY(x)	delay(x)

void	delay(unsigned int);

#endif /* !_MACHINE_CPU_H_ */
