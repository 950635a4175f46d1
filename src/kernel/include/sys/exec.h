/*	The simulated kernel's <sys/exec.h>: the exec switch.	*/

#ifndef _SYS_EXEC_H_
#define _SYS_EXEC_H_

#include <sys/param.h>
#include <sys/types.h>
#include <sys/uio.h>

struct lwp;
struct proc;
struct vnode;
struct vattr;
struct emul;
struct ps_strings;
struct exec_package;
struct coredump_iostate;

typedef int (*exec_makecmds_fcn)(struct lwp *, struct exec_package *);

struct execsw {
	u_int	es_hdrsz;		/* size of header for this format */
	exec_makecmds_fcn es_makecmds;	/* function to setup vmcmds */
	union {				/* probe function */
		int (*elf_probe_func)(struct lwp *,
			struct exec_package *, void *, char *, vaddr_t *);
		int (*ecoff_probe_func)(struct lwp *, struct exec_package *);
		int (*mach_probe_func)(const char **);
	} u;
	const struct emul *es_emul;	/* os emulation */
	int	es_prio;		/* entry priority */
	int	es_arglen;		/* Extra argument size in words */
					/* Copy arguments on the new stack */
	int	(*es_copyargs)(struct lwp *, struct exec_package *,
			struct ps_strings *, char **, void *);
					/* Set registers before execution */
	void	(*es_setregs)(struct lwp *, struct exec_package *, u_long);
					/* Dump core */
	int	(*es_coredump)(struct lwp *, void *);
	int	(*es_setup_stack)(struct lwp *, struct exec_package *);
};

#define	EXECSW_PRIO_ANY		0x000	/* default, no preference */
#define	EXECSW_PRIO_FIRST	0x001	/* this should be among first */
#define	EXECSW_PRIO_LAST	0x002	/* this should be among last */

/* exec vmspace-creation command set; see below */
struct exec_vmcmd_set {
	u_int	evs_cnt;
	u_int	evs_used;
	struct	exec_vmcmd *evs_cmds;
};

struct exec_package {
	const char *ep_name;		/* file's name */
	void	*ep_hdr;		/* file's exec header */
	u_int	ep_hdrlen;		/* length of ep_hdr */
	u_int	ep_hdrvalid;		/* bytes of ep_hdr that are valid */
	struct nameidata *ep_ndp;	/* namei data pointer for lookups */
	struct	exec_vmcmd_set ep_vmcmds;  /* vmcmds used to build vmspace */
	struct	vnode *ep_vp;		/* executable's vnode */
	struct	vattr *ep_vap;		/* executable's attributes */
	u_long	ep_taddr;		/* process's text address */
	u_long	ep_tsize;		/* size of process's text */
	u_long	ep_daddr;		/* process's data(+bss) address */
	u_long	ep_dsize;		/* size of process's data(+bss) */
	u_long	ep_maxsaddr;		/* proc's max stack addr ("top") */
	u_long	ep_minsaddr;		/* proc's min stack addr ("bottom") */
	u_long	ep_ssize;		/* size of process's stack */
	u_long	ep_entry;		/* process's entry point */
	vaddr_t	ep_vm_minaddr;		/* bottom of process address space */
	vaddr_t	ep_vm_maxaddr;		/* top of process address space */
	u_int	ep_flags;		/* flags; see below. */
	char	**ep_fa;		/* a fake args vector for scripts */
	int	ep_fd;			/* a file descriptor we're holding */
	void	*ep_emul_arg;		/* emulation argument */
	const struct	execsw *ep_esch;/* execsw entry */
	struct vnode *ep_emul_root;	/* base of emulation filesystem */
	struct vnode *ep_interp;	/* vnode of (elf) interpeter */
	uint32_t ep_pax_flags;		/* pax flags */
};
#define	EXEC_INDIR	0x0001		/* script handling already done */
#define	EXEC_HASFD	0x0002		/* holding a shell script */
#define	EXEC_HASARGL	0x0004		/* has fake args vector */
#define	EXEC_SKIPARG	0x0008		/* don't copy user-supplied argv[0] */
#define	EXEC_DESTR	0x0010		/* destructive ops performed */
#define	EXEC_32		0x0020		/* 32-bit binary emulation */

#ifdef _KERNEL
extern int	exec_maxhdrsz;

int	copyargs(struct lwp *, struct exec_package *, struct ps_strings *,
	    char **, void *);
void	setregs(struct lwp *, struct exec_package *, u_long);
int	check_veriexec(struct lwp *, struct vnode *, struct exec_package *, int);
int	check_exec(struct lwp *, struct exec_package *);
int	exec_init(int);
int	exec_read_from(struct lwp *, struct vnode *, u_long off, void *, size_t);
int	exec_setup_stack(struct lwp *, struct exec_package *);
int	coredump_netbsd(struct lwp *, void *);
void	kill_vmcmds(struct exec_vmcmd_set *);

#if defined(LKM) || defined(_LKM)
/*
 * The LKM-era interface: the emulation is named and looked up when the entry is added.
 */
int	exec_add(struct execsw *, const char *);
int	exec_remove(const struct execsw *);
#else
/*
 * The module-era interface: `count' entries, es_emul set by the caller.
 */
int	exec_add(struct execsw *, int);
int	exec_remove(struct execsw *, int);
#endif

#endif /* _KERNEL */

#endif /* !_SYS_EXEC_H_ */
