/*	$NetBSD: syscallvar.h,v 1.5 2009/06/02 $	*/

/*
 * Entering system calls from modules: syscall_package tables for syscall_establish(9), and
 * sy_call(), which every caller uses to run a table entry.
 */

#ifndef _SYS_SYSCALLVAR_H_
#define _SYS_SYSCALLVAR_H_

#ifndef _KERNEL
#error nothing of interest to userspace here
#endif

#include <sys/systm.h>
#include <sys/proc.h>

struct emul;

extern struct emul emul_netbsd;

struct syscall_package {
	u_short		sp_code;	/* syscall number (SYS_xxx) */
	u_short		sp_flags;	/* unused */
	sy_call_t	*sp_call;	/* handler; NULL terminates the array */
};

void	syscall_init(void);
int	syscall_establish(const struct emul *, const struct syscall_package *);
int	syscall_disestablish(const struct emul *, const struct syscall_package *);

/*
 * Run a syscall table entry. The entry is recorded in the lwp while the handler runs, so
 * syscall_disestablish() can tell a call in progress.
 */
static inline int
sy_call(const struct sysent *sy, struct lwp *l, const void *uap,
    register_t *rval)
{
	int error;

	l->l_sysent = sy;
	error = (*sy->sy_call)(l, __UNCONST(uap), rval);
	l->l_sysent = NULL;

	return error;
}

#endif /* !_SYS_SYSCALLVAR_H_ */
