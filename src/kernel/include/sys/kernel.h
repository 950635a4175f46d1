/*	Global variables for the kernel.	*/

#ifndef _SYS_KERNEL_H_
#define _SYS_KERNEL_H_

#include <sys/types.h>

extern long hostid;
extern char hostname[];
extern int hostnamelen;
extern char domainname[];
extern int domainnamelen;

extern struct timeval boottime;
extern volatile time_t time_second;
extern volatile time_t time_uptime;

extern int rtc_offset;		/* offset of rtc from UTC in minutes */

extern int cold;		/* still working on startup */
extern int tick;		/* usec per tick (1000000 / hz) */
extern int tickfix;		/* periodic tick adj. tick not integral */
extern int tickfixinterval;	/* interval at which to apply adjustment */
extern int tickadj;		/* "standard" clock skew, us./tick */
extern int hz;			/* system clock's frequency */
extern int stathz;		/* statistics clock's frequency */
extern int profhz;		/* profiling clock's frequency */

extern int profsrc;		/* profiling source */

extern int hardclock_ticks;	/* # of hardclock ticks */

#endif /* !_SYS_KERNEL_H_ */
