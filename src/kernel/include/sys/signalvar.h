/*	Kernel signal definitions.	*/

#ifndef _SYS_SIGNALVAR_H_
#define _SYS_SIGNALVAR_H_

#include <sys/signal.h>

struct proc;
struct lwp;
struct pgrp;

typedef struct ksiginfo {
	int	ksi_signo;
	int	ksi_code;
	int	ksi_errno;
	pid_t	ksi_pid;
	uid_t	ksi_uid;
	void	*ksi_addr;
	int	ksi_trap;
} ksiginfo_t;

#define	KSI_INIT(ksi)	memset((ksi), 0, sizeof(*(ksi)))
#define	KSI_INIT_TRAP(ksi)	KSI_INIT(ksi)

#define	sigemptyset(set)	memset((set), 0, sizeof(sigset_t))
#define	sigmask(n)		(1 << (((n) - 1) & 31))

#ifdef _KERNEL
void	psignal(struct proc *, int);
void	kpsignal(struct proc *, struct ksiginfo *, void *);
void	pgsignal(struct pgrp *, int, int);
void	gsignal(int, int);
void	trapsignal(struct lwp *, struct ksiginfo *);
void	sigexit(struct lwp *, int) __dead;
void	killproc(struct proc *, const char *);
void	siginit(struct proc *);
void	sendsig(const struct ksiginfo *, const sigset_t *);
int	sigismasked(struct lwp *, int);
#endif

#endif /* !_SYS_SIGNALVAR_H_ */
