/*	Machine-dependent compiler glue: nothing beyond what sys/cdefs.h provides.	*/

#ifndef _MACHINE_CDEFS_H_
#define _MACHINE_CDEFS_H_

#ifdef __LP64__
#define __ALIGNBYTES	(sizeof(long) - 1)
#else
#define __ALIGNBYTES	(sizeof(int) - 1)
#endif

#endif /* !_MACHINE_CDEFS_H_ */
