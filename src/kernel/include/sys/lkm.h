/*	$NetBSD: lkm.h,v 1.42.10.1 2008/01/02 $	*/

/*
 * Header file used by loadable kernel modules and loadable kernel module
 * utilities (the LKM interface of NetBSD <= 4, still present in 5).
 */

#ifndef _SYS_LKM_H_
#define _SYS_LKM_H_

#include <sys/types.h>
#include <sys/queue.h>

/*
 * Supported module types
 */
typedef enum loadmod {
	LM_SYSCALL,
	LM_VFS,
	LM_DEV,
	LM_STRMOD,
	LM_EXEC,
	LM_COMPAT,
	LM_MISC,
	LM_DRV
} MODTYPE;

#define	MODTYPE_NAMES { \
	"SYSCALL", "VFS", "DEV", "STRMOD", "EXEC", "COMPAT", "MISC", "DRV" \
}

/* Device switch of the historic four-argument MOD_DEV */
typedef enum devtype {
	LM_DT_BLOCK,
	LM_DT_CHAR
} DEVTYPE;

#define	LKM_VERSION	2		/* version of module loader */
#define	MAXLKMNAME	32

#ifdef _KERNEL

#include <sys/systm.h>		/* struct sysent, saved whole in lkm_syscall */

#if defined(DEBUG)
#define	_LKM_ENV_VERSION_DEBUG		",DEBUG"
#else
#define	_LKM_ENV_VERSION_DEBUG		""
#endif
#if defined(MALLOCLOG)
#define	_LKM_ENV_VERSION_MALLOCLOG	",MALLOCLOG"
#else
#define	_LKM_ENV_VERSION_MALLOCLOG	""
#endif
#define	_LKM_ENV_VERSION	_LKM_ENV_VERSION_DEBUG _LKM_ENV_VERSION_MALLOCLOG

struct sysent;
struct vfsops;
struct bdevsw;
struct cdevsw;
struct execsw;
struct emul;
struct cfdriver;
struct cfattachlkminit;
struct cfdata;

/*
 * Common module information. Every descriptor begins with these members, spelt out, so code
 * reads `_module.lkm_offset' directly and the kernel reads any descriptor as a struct lkm_any.
 */
struct lkm_any {
	MODTYPE	lkm_type;
	const char *lkm_name;
	u_long	lkm_offset;		/* slot/major; -1: kernel picks (rewritten on load) */
	u_int	lkm_modver;		/* LKM_VERSION at compile time */
	u_int	lkm_sysver;		/* __NetBSD_Version__ at compile time */
	const char *lkm_envver;		/* _LKM_ENV_VERSION */
};

/*
 * Loadable system call
 */
struct lkm_syscall {
	MODTYPE	lkm_type;
	const char *lkm_name;
	u_long	lkm_offset;
	u_int	lkm_modver;
	u_int	lkm_sysver;
	const char *lkm_envver;
	struct sysent	*lkm_sysent;
	struct sysent	lkm_oldent;	/* save area for unload */
};

/*
 * Loadable file system
 */
struct lkm_vfs {
	MODTYPE	lkm_type;
	const char *lkm_name;
	u_long	lkm_offset;
	u_int	lkm_modver;
	u_int	lkm_sysver;
	const char *lkm_envver;
	struct vfsops	*lkm_vfsops;
};

/*
 * Loadable device driver (one descriptor for both switches)
 */
struct lkm_dev {
	MODTYPE	lkm_type;
	const char *lkm_name;
	u_long	lkm_offset;
	u_int	lkm_modver;
	u_int	lkm_sysver;
	const char *lkm_envver;
	const char	*lkm_devname;
	const struct bdevsw *lkm_bdev;
	int		lkm_bdevmaj;
	const struct cdevsw *lkm_cdev;
	int		lkm_cdevmaj;
};

/*
 * The device descriptor of the historic four-argument MOD_DEV (NetBSD <= 1.5 called it
 * struct lkm_dev): one switch, whose entry the kernel copies into the static bdevsw[] or
 * cdevsw[] array, saving the previous entry in lkm_olddev.
 */
struct lkm_dev_old {
	MODTYPE	lkm_type;
	const char *lkm_name;
	u_long	lkm_offset;
	u_int	lkm_modver;
	u_int	lkm_sysver;
	const char *lkm_envver;
	DEVTYPE	lkm_devtype;
	union {
		void	*anon;
		struct bdevsw	*bdev;
		struct cdevsw	*cdev;
	} lkm_dev;
	union {
		struct bdevsw	*bdev;
		struct cdevsw	*cdev;
	} lkm_olddev;
};

#ifdef STREAMS
/*
 * Loadable Streams module
 */
struct lkm_strmod {
	MODTYPE	lkm_type;
	const char *lkm_name;
	u_long	lkm_offset;
	u_int	lkm_modver;
	u_int	lkm_sysver;
	const char *lkm_envver;
	/* removed: future release */
};
#endif

/*
 * Exec loader
 */
struct lkm_exec {
	MODTYPE	lkm_type;
	const char *lkm_name;
	u_long	lkm_offset;
	u_int	lkm_modver;
	u_int	lkm_sysver;
	const char *lkm_envver;
	struct execsw	*lkm_execsw;
	const char	*lkm_emul;	/* emulation name, looked up at load */
};

/*
 * Emulation
 */
struct lkm_compat {
	MODTYPE	lkm_type;
	const char *lkm_name;
	u_long	lkm_offset;
	u_int	lkm_modver;
	u_int	lkm_sysver;
	const char *lkm_envver;
	const struct emul *lkm_compat;
};

/*
 * Miscellaneous module (the module wires itself in its handler)
 */
struct lkm_misc {
	MODTYPE	lkm_type;
	const char *lkm_name;
	u_long	lkm_offset;
	u_int	lkm_modver;
	u_int	lkm_sysver;
	const char *lkm_envver;
};

/*
 * Autoconfiguration driver
 */
struct lkm_drv {
	MODTYPE	lkm_type;
	const char *lkm_name;
	u_long	lkm_offset;
	u_int	lkm_modver;
	u_int	lkm_sysver;
	const char *lkm_envver;
	struct cfdriver **lkm_cd;
	const struct cfattachlkminit *lkm_cai;
	struct cfdata *lkm_cf;
};

/*
 * Generic reference ala XEvent to allow single entry point in the xxxinit() routine.
 */
union lkm_generic {
	struct lkm_any		*lkm_any;
	struct lkm_syscall	*lkm_syscall;
	struct lkm_vfs		*lkm_vfs;
	struct lkm_dev		*lkm_dev;
#ifdef STREAMS
	struct lkm_strmod	*lkm_strmod;
#endif
	struct lkm_exec		*lkm_exec;
	struct lkm_compat	*lkm_compat;
	struct lkm_misc		*lkm_misc;
	struct lkm_drv		*lkm_drv;
};

/*
 * Per module information structure
 */
struct lkm_table {
	char	refcnt;			/* 0 while loading; 1 once LMREADY succeeded */
	char	forced;			/* set by LMFORCE: skip version checks */
	int	(*entry)(struct lkm_table *, int, int);	/* entry function */
	union lkm_generic private;	/* module private data */

	u_long	size;
	u_long	offset;
	u_long	area;

	u_long	syms;
	u_long	sym_size;
	u_long	sym_offset;
	u_long	sym_symsize;

	int	id;			/* identifier */
	TAILQ_ENTRY(lkm_table) link;
};

#define	LKM_E_LOAD	1
#define	LKM_E_UNLOAD	2
#define	LKM_E_STAT	3

#define	_LKM_DESCRIPTOR(type, name, offset) \
	type, name, offset, LKM_VERSION, __NetBSD_Version__, _LKM_ENV_VERSION

#define	MOD_SYSCALL(name,callslot,sysentp)				\
	static struct lkm_syscall _module = {				\
		_LKM_DESCRIPTOR(LM_SYSCALL, name, callslot),		\
		sysentp							\
	};

#define	MOD_VFS(name,vfsslot,vfsopsp)					\
	static struct lkm_vfs _module = {				\
		_LKM_DESCRIPTOR(LM_VFS, name, vfsslot),			\
		vfsopsp							\
	};

/*
 * MOD_DEV takes six arguments (name, devname, bdevsw, bmajor, cdevsw, cmajor) since the
 * 2002 devsw rework, four (name, LM_DT_BLOCK or LM_DT_CHAR, slot, devsw) before it. Both
 * generations are accepted: the argument count picks the descriptor.
 */
#define	_MOD_DEV6(name,devname,bdev,bmajor,cdev,cmajor)			\
	static struct lkm_dev _module = {				\
		_LKM_DESCRIPTOR(LM_DEV, name, -1),			\
		devname, bdev, bmajor, cdev, cmajor			\
	};
#define	_MOD_DEV4(name,devtype,devslot,devp)				\
	static struct lkm_dev_old _module = {				\
		_LKM_DESCRIPTOR(LM_DEV, name, devslot),			\
		devtype, { (void *)(devp) }, { NULL }			\
	};
#define	_MOD_DEV_PICK(_1,_2,_3,_4,_5,_6,macro,...)	macro
#define	MOD_DEV(...)							\
	_MOD_DEV_PICK(__VA_ARGS__, _MOD_DEV6, _MOD_DEV_BAD, _MOD_DEV4,	\
	    _MOD_DEV_BAD, _MOD_DEV_BAD, _MOD_DEV_BAD)(__VA_ARGS__)

#define	MOD_EXEC(name,execslot,execsw,emul)				\
	static struct lkm_exec _module = {				\
		_LKM_DESCRIPTOR(LM_EXEC, name, execslot),		\
		execsw,							\
		emul							\
	};

#define	MOD_COMPAT(name,compatslot,emulp)				\
	static struct lkm_compat _module = {				\
		_LKM_DESCRIPTOR(LM_COMPAT, name, compatslot),		\
		emulp							\
	};

#define	MOD_MISC(name)							\
	static struct lkm_misc _module = {				\
		_LKM_DESCRIPTOR(LM_MISC, name, -1)			\
	};

#define	MOD_DRV(name,drvs,atts,cfdata)					\
	static struct lkm_drv _module = {				\
		_LKM_DESCRIPTOR(LM_DRV, name, -1),			\
		drvs, atts, cfdata					\
	};

/*
 * LKM_DISPATCH is the body of an entry function. On load the kernel wires the module in
 * first (lkmdispatch), then the module's load handler runs, and the wiring is undone if it
 * fails; on unload the module's handler runs first, then the kernel unwires it. `envdep'
 * is accepted for source compatibility and not used. The expansion ends in a block, so a
 * trailing semicolon is optional, as it always was.
 */
#define	LKM_DISPATCH(lkmtp,cmd,envdep,load,unload,stat)			\
	switch (cmd) {							\
	int	lkm_error;						\
	case LKM_E_LOAD:						\
		(lkmtp)->private.lkm_any = (struct lkm_any *)&_module;	\
		if ((lkm_error = lkmdispatch(lkmtp, cmd)) != 0)		\
			return lkm_error;				\
		if ((lkm_error = load(lkmtp, cmd)) != 0)		\
			(void)lkmdispatch(lkmtp, LKM_E_UNLOAD);		\
		return lkm_error;					\
	case LKM_E_UNLOAD:						\
		if ((lkm_error = unload(lkmtp, cmd)) != 0)		\
			return lkm_error;				\
		return lkmdispatch(lkmtp, cmd);				\
	case LKM_E_STAT:						\
		if ((lkm_error = stat(lkmtp, cmd)) != 0)		\
			return lkm_error;				\
		return lkmdispatch(lkmtp, cmd);				\
	default:							\
		return 0;						\
	}

/* Backward compatibility: the version argument is ignored. */
#define	DISPATCH(lkmtp,cmd,ver,load,unload,stat)			\
	LKM_DISPATCH(lkmtp,cmd,NULL,load,unload,stat)

int	lkm_nofunc(struct lkm_table *, int);
int	lkmexists(struct lkm_table *);
int	lkmdispatch(struct lkm_table *, int);

#endif /* _KERNEL */

/*
 * IOCTL's recognized by /dev/lkm
 */
#define	LMRESERV	_IOWR('K', 0, struct lmc_resrv)
#define	LMLOADBUF	_IOW('K', 1, struct lmc_loadbuf)
#define	LMUNRESRV	_IO('K', 2)
#define	LMREADY		_IOW('K', 3, u_long)
#define	LMRESERV_O	_IOWR('K', 4, struct lmc_resrv)
#define	LMLOAD		_IOW('K', 9, struct lmc_load)
#define	LMUNLOAD	_IOWR('K', 10, struct lmc_unload)
#define	LMSTAT		_IOWR('K', 11, struct lmc_stat)
#define	LMLOADSYMS	_IOW('K', 12, struct lmc_loadbuf)
#define	LMFORCE		_IOW('K', 13, u_long)

#define	MODIOBUF	512		/* # of bytes at a time to loadbuf */

struct lmc_resrv {
	u_long	size;
	char	*name;
	int	slot;
	u_long	addr;
	u_long	xxx_unused1;
	u_long	sym_size;
	u_long	xxx_unused2;
	u_long	sym_symsize;
	u_long	sym_addr;
};

struct lmc_loadbuf {
	int	cnt;
	char	*data;
};

struct lmc_load {
	void	*address;
	int	status;
	int	id;
};

struct lmc_unload {
	int	id;
	char	*name;
	int	status;
};

struct lmc_stat {
	int	id;
	char	name[MAXLKMNAME];
	u_long	offset;
	MODTYPE	type;
	u_long	area;
	u_long	size;
	u_long	private;
	int	ver;
};

#define	LKM_MAKEMAJOR(b, c)	((((b) & 0xffff) << 16) | ((c) & 0xffff))
#define	LKM_BLOCK_MAJOR(v)	(int)((int16_t)(((v) >> 16) & 0xffff))
#define	LKM_CHAR_MAJOR(v)	(int)((int16_t)((v) & 0xffff))

#endif /* !_SYS_LKM_H_ */
