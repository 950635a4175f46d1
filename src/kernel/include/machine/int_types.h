/*	Fixed-width integer types for the simulated kernel's machines (ILP32 and LP64).	*/

#ifndef _MACHINE_INT_TYPES_H_
#define _MACHINE_INT_TYPES_H_

typedef	signed char		__int8_t;
typedef	unsigned char		__uint8_t;
typedef	short int		__int16_t;
typedef	unsigned short int	__uint16_t;
typedef	int			__int32_t;
typedef	unsigned int		__uint32_t;
#ifdef __LP64__
typedef	long int		__int64_t;
typedef	unsigned long int	__uint64_t;
typedef	long int		__intptr_t;
typedef	unsigned long int	__uintptr_t;
#else
typedef	long long int		__int64_t;
typedef	unsigned long long int	__uint64_t;
typedef	int			__intptr_t;
typedef	unsigned int		__uintptr_t;
#endif

#endif /* !_MACHINE_INT_TYPES_H_ */
