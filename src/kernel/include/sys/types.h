/*	The simulated kernel's <sys/types.h> (NetBSD spelling).	*/

#ifndef _SYS_TYPES_H_
#define _SYS_TYPES_H_

#include <sys/cdefs.h>
#include <machine/types.h>
#include <machine/endian.h>

typedef	__int8_t	int8_t;
typedef	__uint8_t	uint8_t;
typedef	__int16_t	int16_t;
typedef	__uint16_t	uint16_t;
typedef	__int32_t	int32_t;
typedef	__uint32_t	uint32_t;
typedef	__int64_t	int64_t;
typedef	__uint64_t	uint64_t;
typedef	__intptr_t	intptr_t;
typedef	__uintptr_t	uintptr_t;

typedef	__uint8_t	u_int8_t;
typedef	__uint16_t	u_int16_t;
typedef	__uint32_t	u_int32_t;
typedef	__uint64_t	u_int64_t;

typedef	unsigned char	u_char;
typedef	unsigned short	u_short;
typedef	unsigned int	u_int;
typedef	unsigned long	u_long;

typedef	unsigned char	unchar;
typedef	unsigned short	ushort;
typedef	unsigned int	uint;
typedef	unsigned long	ulong;

typedef	uint64_t	u_quad_t;
typedef	int64_t		quad_t;
typedef	quad_t *	qaddr_t;

typedef	int64_t		longlong_t;
typedef	uint64_t	u_longlong_t;

typedef	int64_t		blkcnt_t;
typedef	int32_t		blksize_t;
typedef	uint64_t	fsblkcnt_t;
typedef	uint64_t	fsfilcnt_t;

typedef	char *		caddr_t;
typedef	const char *	c_caddr_t;
typedef	int64_t		daddr_t;
typedef	uint32_t	dev_t;
typedef	uint32_t	fixpt_t;
typedef	uint32_t	gid_t;
typedef	uint32_t	id_t;
typedef	uint64_t	ino_t;
typedef	long		key_t;
typedef	uint32_t	mode_t;
typedef	uint32_t	nlink_t;
typedef	int64_t		off_t;
typedef	int32_t		pid_t;
typedef	int32_t		lwpid_t;
typedef	uint64_t	rlim_t;
typedef	int32_t		segsz_t;
typedef	int32_t		swblk_t;
typedef	uint32_t	uid_t;
typedef	int		mqd_t;
typedef	unsigned long	cpuid_t;
typedef	int		psetid_t;

typedef	unsigned long	size_t;
typedef	long		ssize_t;
typedef	long		time_t;
typedef	long		clock_t;
typedef	int		clockid_t;
typedef	int		timer_t;
typedef	uint32_t	useconds_t;
typedef	int32_t		suseconds_t;

typedef	int		boolean_t;
typedef	_Bool		bool;
#define	true	1
#define	false	0
#ifndef TRUE
#define	TRUE	1
#define	FALSE	0
#endif

typedef	volatile __cpu_simple_lock_t	__cpu_simple_lock_t_v;

typedef	struct device *	device_t;
typedef	struct cfdata *	cfdata_t;
typedef	struct kauth_cred *kauth_cred_t;

typedef	int32_t		__devmajor_t, __devminor_t;
typedef	__devmajor_t	devmajor_t;
typedef	__devminor_t	devminor_t;
#define	NODEVMAJOR	(-1)

#define	major(x)	((int32_t)((((x) & 0x000fff00) >>  8)))
#define	minor(x)	((int32_t)((((x) & 0xfff00000) >> 12) | \
				   (((x) & 0x000000ff) >>  0)))
#define	makedev(x,y)	((dev_t)((((x) <<  8) & 0x000fff00) | \
				 (((y) << 12) & 0xfff00000) | \
				 (((y) <<  0) & 0x000000ff)))
#define	NODEV		(dev_t)(-1)

#ifndef NULL
#define	NULL	((void *)0)
#endif

#define	NBBY	8

struct timeval {
	time_t		tv_sec;
	suseconds_t	tv_usec;
};

struct timespec {
	time_t	tv_sec;
	long	tv_nsec;
};

#endif /* !_SYS_TYPES_H_ */
