#ifndef _MACHINE_LIMITS_H_
#define _MACHINE_LIMITS_H_

#define	CHAR_BIT	8
#define	SCHAR_MAX	0x7f
#define	SCHAR_MIN	(-0x7f-1)
#define	UCHAR_MAX	0xff
#define	CHAR_MAX	0x7f
#define	CHAR_MIN	(-0x7f-1)
#define	SHRT_MAX	0x7fff
#define	SHRT_MIN	(-0x7fff-1)
#define	USHRT_MAX	0xffff
#define	INT_MAX		0x7fffffff
#define	INT_MIN		(-0x7fffffff-1)
#define	UINT_MAX	0xffffffffU
#ifdef __LP64__
#define	LONG_MAX	0x7fffffffffffffffL
#define	LONG_MIN	(-0x7fffffffffffffffL-1)
#define	ULONG_MAX	0xffffffffffffffffUL
#else
#define	LONG_MAX	0x7fffffffL
#define	LONG_MIN	(-0x7fffffffL-1)
#define	ULONG_MAX	0xffffffffUL
#endif
#define	SSIZE_MAX	LONG_MAX
#define	SIZE_T_MAX	ULONG_MAX

#endif /* !_MACHINE_LIMITS_H_ */
