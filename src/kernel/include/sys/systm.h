/*	The simulated kernel's <sys/systm.h>: system calls, console output, kernel library.	*/

#ifndef _SYS_SYSTM_H_
#define _SYS_SYSTM_H_

#include <sys/types.h>
#include <machine/stdarg.h>
#include <lib/libkern/libkern.h>
#include <sys/syslog.h>		/* log(9) priorities, for log() below */

struct lwp;
struct malloc_type;
struct proc;
struct tty;
struct uio;
struct vnode;
struct vmspace;

extern int securelevel;		/* system security level */
extern const char *panicstr;	/* panic message */
extern int cold;		/* cold start flag initialized in locore */
extern int boothowto;		/* reboot flags, from console subsystem */
extern int physmem;		/* physical memory */
extern int nblkdev;		/* number of entries in bdevsw */
extern int nchrdev;		/* number of entries in cdevsw */
extern const char *rootspec;	/* how root device was specified */
extern int ncpu;		/* number of CPUs configured */

extern const char copyright[];	/* system copyright */
extern char machine[];		/* machine type */
extern char machine_arch[];	/* machine architecture */
extern const char osrelease[];	/* short system version */
extern const char ostype[];	/* system type */
extern const char version[];	/* system version */

/*
 * System call table entry. sy_call is reached through the table (sy_call() in
 * <sys/syscallvar.h> records the entry in the lwp while it runs).
 */
typedef int sy_call_t(struct lwp *, void *, register_t *);

extern struct sysent {		/* system call table */
	short	sy_narg;	/* number of args */
	short	sy_argsize;	/* total size of arguments */
	int	sy_flags;	/* flags. see below */
	sy_call_t *sy_call;	/* implementing function */
} sysent[];
extern int nsysent;

#if	BYTE_ORDER == BIG_ENDIAN
#define	SCARG(p,k)	((p)->k.be.datum)	/* get arg from args pointer */
#elif	BYTE_ORDER == LITTLE_ENDIAN
#define	SCARG(p,k)	((p)->k.le.datum)	/* get arg from args pointer */
#endif

#define	SYCALL_MPSAFE	0x0004	/* call is MP-safe */
#define	SYCALL_ARG_PTR	0x0008
#define	SYCALL_NARGS64_MASK	0x000f0000
#define	SYCALL_NARGS64_SHIFT	16
#define	SYCALL_RET_64	0x00100000

extern int boothowto;
extern void *syscallemu;

extern struct emul emul_netbsd;

/*
 * Placeholders in the syscall table: sys_nosys for unimplemented calls, sys_lkmnosys for the
 * slots an LKM may take, sys_nomodule for calls whose implementation lives in a module.
 */
int	sys_nosys(struct lwp *, void *, register_t *);
int	sys_lkmnosys(struct lwp *, void *, register_t *);
int	sys_nomodule(struct lwp *, void *, register_t *);

int	nullop(void *);
int	enodev(void);
int	enosys(void);
int	enoioctl(void);
int	enxio(void);
int	eopnotsupp(void);

/*
 * hashinit(9) as NetBSD 4 has it, with a malloc type and flags (5.0 took a bool waitok and
 * added HASH_SLIST); the simulated kernel's hashinit allocates from the malloc type given.
 */
enum hashtype {
	HASH_LIST,
	HASH_TAILQ
};

void	*hashinit(u_int, enum hashtype, struct malloc_type *, int, u_long *);
void	hashdone(void *, struct malloc_type *);
int	seltrue(dev_t, int, struct lwp *);

void	printf(const char *, ...) __printflike(1, 2);
void	printf_nolog(const char *, ...) __printflike(1, 2);
void	uprintf(const char *, ...) __printflike(1, 2);
int	snprintf(char *, size_t, const char *, ...) __printflike(3, 4);
int	sprintf(char *, const char *, ...) __printflike(2, 3);
void	vprintf(const char *, va_list) __printflike(1, 0);
int	vsnprintf(char *, size_t, const char *, va_list) __printflike(3, 0);
void	log(int, const char *, ...) __printflike(2, 3);
void	addlog(const char *, ...) __printflike(1, 2);
void	aprint_normal(const char *, ...) __printflike(1, 2);
void	aprint_error(const char *, ...) __printflike(1, 2);
void	aprint_naive(const char *, ...) __printflike(1, 2);
void	aprint_verbose(const char *, ...) __printflike(1, 2);
void	aprint_debug(const char *, ...) __printflike(1, 2);
void	panic(const char *, ...) __dead __printflike(1, 2);

void	tablefull(const char *, const char *);

int	copystr(const void *, void *, size_t, size_t *);
int	copyinstr(const void *, void *, size_t, size_t *);
int	copyoutstr(const void *, void *, size_t, size_t *);
int	copyin(const void *, void *, size_t);
int	copyout(const void *, void *, size_t);
int	copyin_proc(struct proc *, const void *, void *, size_t);
int	copyout_proc(struct proc *, const void *, void *, size_t);
int	kcopy(const void *, void *, size_t);

#define	bcopy(src, dst, len)	memcpy((dst), (src), (len))
#define	bzero(src, len)		memset((src), 0, (len))
#define	bcmp(a, b, len)		memcmp((a), (b), (len))

int	fubyte(const void *);
int	subyte(void *, int);
long	fuword(const void *);
int	suword(void *, long);

int	hzto(struct timeval *);
int	tvtohz(struct timeval *);
int	mstohz(int);

void	startprofclock(struct proc *);
void	stopprofclock(struct proc *);

int	tsleep(volatile const void *, int, const char *, int);
void	wakeup(volatile const void *);
void	wakeup_one(volatile const void *);
int	kpause(const char *, bool, int, void *);
void	yield(void);

int	splhigh(void);
int	splvm(void);
int	splbio(void);
int	splnet(void);
int	spltty(void);
int	splclock(void);
int	splsoftclock(void);
int	splsched(void);
int	spl0(void);
void	splx(int);

void	consinit(void);
void	cpu_startup(void);
void	cpu_configure(void);
void	cpu_rootconf(void);
void	cpu_dumpconf(void);

void	*shutdownhook_establish(void (*)(void *), void *);
void	shutdownhook_disestablish(void *);
void	*powerhook_establish(const char *, void (*)(int, void *), void *);
void	powerhook_disestablish(void *);
void	*exithook_establish(void (*)(struct proc *, void *), void *);
void	exithook_disestablish(void *);
void	*forkhook_establish(void (*)(struct proc *, struct proc *));
void	forkhook_disestablish(void *);

int	uiomove(void *, size_t, struct uio *);

#ifdef DDB
void	Debugger(void);
#endif

#endif /* !_SYS_SYSTM_H_ */
