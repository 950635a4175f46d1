#ifndef _SYS_TIME_H_
#define _SYS_TIME_H_

#include <sys/types.h>

struct timezone {
	int	tz_minuteswest;
	int	tz_dsttime;
};

struct itimerval {
	struct timeval	it_interval;
	struct timeval	it_value;
};

#define	TIMEVAL_TO_TIMESPEC(tv, ts) do {	\
	(ts)->tv_sec = (tv)->tv_sec;		\
	(ts)->tv_nsec = (tv)->tv_usec * 1000;	\
} while (/*CONSTCOND*/0)

#define	timerclear(tvp)		(tvp)->tv_sec = (tvp)->tv_usec = 0
#define	timerisset(tvp)		((tvp)->tv_sec || (tvp)->tv_usec)

#ifdef _KERNEL
void	getmicrotime(struct timeval *);
void	getnanotime(struct timespec *);
void	microtime(struct timeval *);
void	nanotime(struct timespec *);
int	itimerfix(struct timeval *);
#endif

#endif /* !_SYS_TIME_H_ */
