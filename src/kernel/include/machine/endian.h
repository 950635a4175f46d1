/*	Byte order of the simulated machine, from the architecture's predefines.	*/

#ifndef _MACHINE_ENDIAN_H_
#define _MACHINE_ENDIAN_H_

#define	_LITTLE_ENDIAN	1234
#define	_BIG_ENDIAN	4321
#define	_PDP_ENDIAN	3412

#if defined(__sparc__) || defined(__powerpc__) || defined(__m68k__) || defined(__MIPSEB__)
#define	_BYTE_ORDER	_BIG_ENDIAN
#else
#define	_BYTE_ORDER	_LITTLE_ENDIAN
#endif

#define	LITTLE_ENDIAN	_LITTLE_ENDIAN
#define	BIG_ENDIAN	_BIG_ENDIAN
#define	BYTE_ORDER	_BYTE_ORDER

#endif /* !_MACHINE_ENDIAN_H_ */
