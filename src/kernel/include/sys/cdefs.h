/*	The simulated kernel's <sys/cdefs.h>: the compiler glue NetBSD's headers rely on.	*/

#ifndef _SYS_CDEFS_H_
#define _SYS_CDEFS_H_

#include <machine/cdefs.h>

#if defined(__cplusplus)
#define __BEGIN_DECLS	extern "C" {
#define __END_DECLS	}
#else
#define __BEGIN_DECLS
#define __END_DECLS
#endif

#define __P(protos)	protos		/* ANSI prototypes; K&R callers still compile */
#define __CONCAT(x,y)	x ## y
#define __STRING(x)	#x
#define ___STRING(x)	__STRING(x)
#define ___CONCAT(x,y)	__CONCAT(x,y)

#define __const		const
#define __signed	signed
#define __volatile	volatile
#define __inline	inline

#define __dead		__attribute__((__noreturn__))
#define __pure		__attribute__((__const__))
#define __unused	__attribute__((__unused__))
#define __used		__attribute__((__used__))
#define __packed	__attribute__((__packed__))
#define __aligned(x)	__attribute__((__aligned__(x)))
#define __section(x)	__attribute__((__section__(x)))
#define __printflike(fmtarg, firstvararg) \
	__attribute__((__format__ (__printf__, fmtarg, firstvararg)))
#define __predict_true(exp)	__builtin_expect((exp) != 0, 1)
#define __predict_false(exp)	__builtin_expect((exp) != 0, 0)

#define __UNCONST(a)	((void *)(unsigned long)(const void *)(a))
#define __arraycount(__x)	(sizeof(__x) / sizeof(__x[0]))

#define __KERNEL_RCSID(_n, _s)	/* RCS ids are not kept */
#define __RCSID(_s)
#define __COPYRIGHT(_s)
#define __IDSTRING(_n, _s)

/*
 * Link sets: a pointer to `sym' placed in the section "link_set_<set>". The kernel finds a
 * module's modinfo through the link_set_modules section.
 */
#define __link_set_make_entry(set, sym) \
	static __section("link_set_" #set) __used \
	    void const * const __link_set_##set##_sym_##sym = &sym
#define __link_set_add_text(set, sym)	__link_set_make_entry(set, sym)
#define __link_set_add_rodata(set, sym)	__link_set_make_entry(set, sym)
#define __link_set_add_data(set, sym)	__link_set_make_entry(set, sym)
#define __link_set_add_bss(set, sym)	__link_set_make_entry(set, sym)

#define __CTASSERT(x)	/* compile-time assertions are not checked */
#define CTASSERT(x)

#endif /* !_SYS_CDEFS_H_ */
