/*	Light-weight processes.	*/

#ifndef _SYS_LWP_H_
#define _SYS_LWP_H_

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/mutex.h>
#include <sys/condvar.h>

struct proc;
struct sysent;
struct cpu_info;
struct pcb;

struct lwp {
	LIST_ENTRY(lwp)	l_list;		/* Entry on list of all LWPs */
	LIST_ENTRY(lwp)	l_sibling;	/* Entry on process's list of LWPs */
	struct cpu_info	*volatile l_cpu;/* CPU we're on */
	struct proc	*l_proc;	/* Process with which we are associated */
	lwpid_t		l_lid;		/* LWP identifier; local to process */
	int		l_stat;		/* LWP status */
	int		l_flag;		/* misc flag values */
	u_int		l_priority;	/* current priority */
	void		*l_private;	/* svr4-style lwp-private data */
	void		*l_emuldata;	/* kernel lwp-private data */
	const struct sysent *l_sysent;	/* syscall in progress, for syscall_disestablish */
	kauth_cred_t	l_cred;		/* cached credentials */
	char		*l_name;	/* name, optional */
	struct pcb	*l_addr;	/* PCB */
};

#define	LSIDL		1	/* Process being created by fork. */
#define	LSRUN		2	/* Currently runnable. */
#define	LSSLEEP		3	/* Sleeping on an address. */
#define	LSSTOP		4	/* Process debugging or suspension. */
#define	LSZOMB		5	/* Awaiting collection by parent. */
#define	LSONPROC	7	/* Process is currently on a CPU. */

#ifdef _KERNEL
LIST_HEAD(lwplist, lwp);
extern struct lwplist alllwp;
extern struct lwp lwp0;
extern struct lwp *curlwp;	/* the LWP running a module's code */

void	lwp_exit(struct lwp *);
struct lwp *lwp_find(struct proc *, int);
#endif

#endif /* !_SYS_LWP_H_ */
