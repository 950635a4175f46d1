/*	The simulated kernel's <sys/proc.h>: processes and emulations.	*/

#ifndef _SYS_PROC_H_
#define _SYS_PROC_H_

#include <sys/types.h>
#include <sys/param.h>
#include <sys/queue.h>
#include <sys/mutex.h>
#include <sys/condvar.h>
#include <sys/lwp.h>
#include <sys/signal.h>

struct exec_package;
struct ps_strings;
struct ksiginfo;
struct sysent;
struct sysctlnode;
struct uvm_object;
struct execsw;
struct vmspace;
struct pgrp;
struct session;
struct kauth_cred;

/*
 * An emulation: the system call table, signal code and hooks a process runs with.
 */
struct emul {
	const char	*e_name;	/* Symbolic name */
	const char	*e_path;	/* Extra emulation path (NULL if none)*/
	int		e_flags;	/* Miscellaneous flags, see above */
	const int	*e_errno;	/* Errno array */
	int		e_nosys;	/* Offset of the nosys() syscall */
	int		e_nsysent;	/* Number of system call entries */
	struct sysent	*e_sysent;	/* System call array */
	const char * const *e_syscallnames; /* System call name array */
					/* Signal sending function */
	void		(*e_sendsig)(const struct ksiginfo *, const sigset_t *);
	void		(*e_trapsignal)(struct lwp *, struct ksiginfo *);
	int		(*e_tracesig)(struct proc *, int);
	char		*e_sigcode;	/* Start of sigcode */
	char		*e_esigcode;	/* End of sigcode */
	struct uvm_object **e_sigobject;/* shared sigcode object */
					/* Set registers before execution */
	void		(*e_setregs)(struct lwp *, struct exec_package *, u_long);
					/* Per-process hooks */
	void		(*e_proc_exec)(struct proc *, struct exec_package *);
	void		(*e_proc_fork)(struct proc *, struct proc *, int);
	void		(*e_proc_exit)(struct proc *);
	void		(*e_lwp_fork)(struct lwp *, struct lwp *);
	void		(*e_lwp_exit)(struct lwp *);
	void		(*e_syscall_intern)(struct proc *);
					/* Emulation specific sysctl data */
	struct sysctlnode *e_sysctlovly;
	int		(*e_fault)(struct proc *, vaddr_t, int);
	vaddr_t		(*e_vm_default_addr)(struct proc *, vaddr_t, vsize_t);
	int		(*e_usertrap)(struct lwp *, vaddr_t, void *);
	size_t		e_ucsize;	/* context size */
	void		(*e_startlwp)(void *);
};

#define	EMUL_HAS_SYS___syscall	0x001	/* Has SYS___syscall */

/*
 * Description of a process.
 */
struct proc {
	LIST_ENTRY(proc) p_list;	/* List of all processes */
	kmutex_t	p_lock;		/* per-process lock */
	struct kauth_cred *p_cred;	/* Credentials */
	struct vmspace	*p_vmspace;	/* Address space */
	struct pgrp	*p_pgrp;	/* Pointer to process group */
	struct proc	*p_pptr;	/* Pointer to parent process */
	LIST_HEAD(, lwp) p_lwps;	/* List of LWPs */
	int		p_nlwps;	/* Number of LWPs */
	int		p_flag;		/* P_* flags */
	char		p_stat;		/* S* process status */
	pid_t		p_pid;		/* Process identifier */
	int		p_exitsig;	/* signal to send to parent on exit */
	u_short		p_xstat;	/* Exit status for wait; also stop signal */
	const struct emul *p_emul;	/* Emulation information */
	void		*p_emuldata;	/* Per-process emulation data */
	const struct execsw *p_execsw;	/* Exec package information */
	void		*p_aio;		/* Asynchronous I/O state */
	char		p_comm[MAXCOMLEN+1]; /* basename of last exec file */
};

#define	SIDL		1	/* Process being created by fork. */
#define	SACTIVE		2	/* Process is not stopped. */
#define	SSTOP		4	/* Process debugging or suspension. */
#define	SZOMB		5	/* Awaiting collection by parent. */

#define	P_SYSTEM	0x00000200	/* System process */

#ifdef _KERNEL
LIST_HEAD(proclist, proc);
extern struct proclist allproc;
extern struct proc proc0;
extern int nprocs, maxproc;		/* Current and max number of procs */
extern struct emul emul_netbsd;

#define	curproc	(curlwp->l_proc)

struct proc *pfind(pid_t);
int	inferior(struct proc *, struct proc *);

#if defined(LKM) || defined(_LKM)
/* The emulation registry of the LKM era. */
int	emul_register(const struct emul *, int);
int	emul_unregister(const char *);
const struct emul *emul_search(const char *);
#endif

#endif /* _KERNEL */

#endif /* !_SYS_PROC_H_ */
