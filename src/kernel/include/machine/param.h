/*	Machine-dependent constants.	*/

#ifndef _MACHINE_PARAM_H_
#define _MACHINE_PARAM_H_

#if defined(__x86_64__)
#define	MACHINE		"amd64"
#define	MACHINE_ARCH	"x86_64"
#elif defined(__i386__)
#define	MACHINE		"i386"
#define	MACHINE_ARCH	"i386"
#elif defined(__sparc64__)
#define	MACHINE		"sparc64"
#define	MACHINE_ARCH	"sparc64"
#elif defined(__sparc__)
#define	MACHINE		"sparc"
#define	MACHINE_ARCH	"sparc"
#elif defined(__alpha__)
#define	MACHINE		"alpha"
#define	MACHINE_ARCH	"alpha"
#elif defined(__powerpc__)
#define	MACHINE		"macppc"
#define	MACHINE_ARCH	"powerpc"
#elif defined(__arm__)
#define	MACHINE		"evbarm"
#define	MACHINE_ARCH	"arm"
#elif defined(__mips__)
#define	MACHINE		"pmax"
#define	MACHINE_ARCH	"mipsel"
#else
#define	MACHINE		"unknown"
#define	MACHINE_ARCH	"unknown"
#endif

#define	ALIGNBYTES	__ALIGNBYTES
#define	ALIGN(p)	(((unsigned long)(p) + ALIGNBYTES) & ~ALIGNBYTES)

#define	PGSHIFT		12
#define	NBPG		(1 << PGSHIFT)
#define	PGOFSET		(NBPG - 1)
#define	PAGE_SIZE	NBPG
#define	PAGE_MASK	PGOFSET

#define	DEV_BSHIFT	9
#define	DEV_BSIZE	(1 << DEV_BSHIFT)

#define	MSGBUFSIZE	(4 * NBPG)

#endif /* !_MACHINE_PARAM_H_ */
