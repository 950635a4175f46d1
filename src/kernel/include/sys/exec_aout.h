/*	The simulated kernel's <sys/exec_aout.h>: the a.out header and its loaders.	*/

#ifndef _SYS_EXEC_AOUT_H_
#define _SYS_EXEC_AOUT_H_

#include <sys/types.h>

/* The a.out header, in the byte order of the machine the binary is for. */
struct exec {
	u_long	a_midmag;	/* htonl(flags<<26 | mid<<16 | magic) */
	u_long	a_text;		/* text segment size */
	u_long	a_data;		/* initialized data size */
	u_long	a_bss;		/* uninitialized data size */
	u_long	a_syms;		/* symbol table size */
	u_long	a_entry;	/* entry point */
	u_long	a_trsize;	/* text relocation size */
	u_long	a_drsize;	/* data relocation size */
};

/* a_magic */
#define	OMAGIC		0407	/* old impure format */
#define	NMAGIC		0410	/* read-only text */
#define	ZMAGIC		0413	/* demand load format */
#define	QMAGIC		0314	/* "compact" demand load format; deprecated */

/* a_mid: the machine id */
#define	MID_ZERO	0	/* unknown - implementation dependent */
#define	MID_SUN010	1	/* sun 68010/68020 binary */
#define	MID_SUN020	2	/* sun 68020-only binary */
#define	MID_I386	134	/* i386 BSD binary */

#define	AOUT_LDPGSZ	4096

#ifdef _KERNEL
struct lwp;
struct exec_package;

int	exec_aout_makecmds(struct lwp *, struct exec_package *);
int	exec_aout_prep_zmagic(struct lwp *, struct exec_package *);
int	exec_aout_prep_nmagic(struct lwp *, struct exec_package *);
int	exec_aout_prep_omagic(struct lwp *, struct exec_package *);

/* Binaries from before the machine id was in the header (COMPAT_NOMID). */
int	exec_aout_prep_oldzmagic(struct lwp *, struct exec_package *);
int	exec_aout_prep_oldnmagic(struct lwp *, struct exec_package *);
int	exec_aout_prep_oldomagic(struct lwp *, struct exec_package *);

int	cpu_exec_aout_makecmds(struct lwp *, struct exec_package *);
#endif /* _KERNEL */

#endif /* !_SYS_EXEC_AOUT_H_ */
