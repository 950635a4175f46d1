/*	The simulated kernel's <sys/param.h>.	*/

#ifndef _SYS_PARAM_H_
#define _SYS_PARAM_H_

/*
 * __NetBSD_Version__ is MMmmrrpp00 (major, minor, release, patch): 5.0 release.
 * LKMs record it in lkm_sysver, modules in mi_version; the kernel compares it with its own.
 */
#undef __NetBSD_Version__
#define	__NetBSD_Version__	500000000

#define	__NetBSD_Prereq__(M,m,p) (((((M) * 100000000) + \
    (m) * 1000000) + (p) * 100) <= __NetBSD_Version__)

#define	NetBSD	200810		/* system version (year & month) */
#define	BSD	199506
#define	BSD4_3	1
#define	BSD4_4	1

#ifndef NULL
#define	NULL	((void *)0)
#endif

#include <sys/types.h>
#include <sys/syslimits.h>
#include <sys/errno.h>
#include <sys/time.h>
#include <sys/resource.h>
#include <sys/signal.h>
#include <machine/param.h>
#include <machine/limits.h>

#define	MAXCOMLEN	16
#define	MAXINTERP	PATH_MAX
#define	MAXLOGNAME	16
#define	MAXUPRC		CHILD_MAX
#define	NCARGS		ARG_MAX
#define	NGROUPS		NGROUPS_MAX
#define	NOFILE		OPEN_MAX
#define	MAXHOSTNAMELEN	256
#define	MAXDOMNAMELEN	256
#define	MAXPATHLEN	PATH_MAX
#define	MAXSYMLINKS	32
#define	MAXBSIZE	65536
#define	MAXFRAG		8
#define	MAXPHYS		(64 * 1024)
#define	MAXSYSCALLARGS	8

#define	PSWP	0
#define	PVM	4
#define	PINOD	8
#define	PRIBIO	16
#define	PVFS	20
#define	PZERO	22
#define	PSOCK	24
#define	PWAIT	32
#define	PLOCK	36
#define	PPAUSE	40
#define	PUSER	50
#define	MAXPRI	127
#define	PRIMASK	0x0ff
#define	PCATCH	0x100
#define	PNORELOCK 0x200

#define	CMASK	022

#define	setbit(a,i)	((a)[(i)/NBBY] |= 1<<((i)%NBBY))
#define	clrbit(a,i)	((a)[(i)/NBBY] &= ~(1<<((i)%NBBY)))
#define	isset(a,i)	((a)[(i)/NBBY] & (1<<((i)%NBBY)))
#define	isclr(a,i)	(((a)[(i)/NBBY] & (1<<((i)%NBBY))) == 0)

#define	howmany(x, y)	(((x)+((y)-1))/(y))
#define	roundup(x, y)	((((x)+((y)-1))/(y))*(y))
#define	rounddown(x,y)	(((x)/(y))*(y))
#define	powerof2(x)	((((x)-1)&(x))==0)

#define	MIN(a,b)	((/*CONSTCOND*/(a)<(b))?(a):(b))
#define	MAX(a,b)	((/*CONSTCOND*/(a)>(b))?(a):(b))

#define	btodb(bytes)	((bytes) >> DEV_BSHIFT)
#define	dbtob(db)	((db) << DEV_BSHIFT)

#endif /* !_SYS_PARAM_H_ */
