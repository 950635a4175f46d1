/*	$NetBSD: module.h,v 1.18 2009/11/18 $	*/

/*
 * Kernel modules, module(9): the interface that replaces the LKM interface.
 */

#ifndef _SYS_MODULE_H_
#define _SYS_MODULE_H_

#include <sys/types.h>
#include <sys/param.h>
#include <sys/queue.h>

/*
 * A module converted in a tree older than module(9) (NetBSD before 5) reads this header over
 * the tree's own sys/cdefs.h and sys/types.h, which have no link sets and no bool.
 */
#ifndef __link_set_add_rodata
#define	__module_link_set_entry(set, sym) \
	static __attribute__((__section__("link_set_" #set), __used__)) \
	    void const * const __link_set_##set##_sym_##sym = &sym
#define	__link_set_add_rodata(set, sym)	__module_link_set_entry(set, sym)
#endif

#define	MAXMODNAME	32
#define	MAXMODDEPS	10

/* Module classes, provided only for system boot and cosmetic purposes. */
typedef enum modclass {
	MODULE_CLASS_ANY,
	MODULE_CLASS_MISC,
	MODULE_CLASS_VFS,
	MODULE_CLASS_DRIVER,
	MODULE_CLASS_EXEC,
	MODULE_CLASS_SECMODEL
} modclass_t;

/* Module sources: where did it come from? */
typedef enum modsrc {
	MODULE_SOURCE_KERNEL,
	MODULE_SOURCE_BOOT,
	MODULE_SOURCE_FILESYS
} modsrc_t;

/* Commands passed to module control routine. */
typedef enum modcmd {
	MODULE_CMD_INIT,		/* mandatory */
	MODULE_CMD_FINI,		/* mandatory */
	MODULE_CMD_STAT,		/* optional */
	MODULE_CMD_AUTOUNLOAD		/* optional */
} modcmd_t;

typedef struct _prop_dictionary *prop_dictionary_t;

#ifdef _KERNEL

struct kobj;

/* Module header structure. */
typedef struct modinfo {
	u_int		mi_version;
	modclass_t	mi_class;
	int		(*mi_modcmd)(modcmd_t, void *);
	const char	*mi_name;
	const char	*mi_required;
} const modinfo_t;

/* Per module information, maintained by kern_module.c */
typedef struct module {
	u_int			mod_refcnt;
	const modinfo_t		*mod_info;
	struct kobj		*mod_kobj;
	TAILQ_ENTRY(module)	mod_chain;
	struct module		*mod_required[MAXMODDEPS];
	u_int			mod_nrequired;
	modsrc_t		mod_source;
	time_t			mod_autotime;
} module_t;

/*
 * MODULE(class, name, required): the module's modinfo record and its entry in the
 * link_set_modules section. The author supplies
 * `static int <name>_modcmd(modcmd_t cmd, void *arg)'.
 */
#define	MODULE(class, name, required)				\
static int __CONCAT(name,_modcmd)(modcmd_t, void *);		\
static const modinfo_t __CONCAT(name,_modinfo) = {		\
	.mi_version = __NetBSD_Version__,			\
	.mi_class = (class),					\
	.mi_modcmd = __CONCAT(name,_modcmd),			\
	.mi_name = __STRING(name),				\
	.mi_required = (required)				\
};								\
__link_set_add_rodata(modules, __CONCAT(name,_modinfo))

TAILQ_HEAD(modlist, module);

extern struct vm_map	*module_map;
extern u_int		module_count;
extern u_int		module_gen;
extern struct modlist	module_list;
extern _Bool		module_autoload_on;
extern struct kmutex	module_lock;

void	module_init(void);
void	module_init2(void);
void	module_init_md(void);
void	module_init_class(modclass_t);
int	module_prime(void *, size_t);
_Bool	module_compatible(int, int);
int	module_load(const char *, int, prop_dictionary_t, modclass_t);
int	module_autoload(const char *, modclass_t);
int	module_unload(const char *);
int	module_hold(const char *);
void	module_rele(const char *);
int	module_find_section(const char *, void **, size_t *);
void	module_thread_kick(void);
module_t *module_lookup(const char *);

#endif /* _KERNEL */

typedef enum modctl {
	MODCTL_LOAD,		/* modctl_load_t *ml */
	MODCTL_UNLOAD,		/* char *name */
	MODCTL_STAT		/* struct iovec *buffer */
} modctl_t;

/*
 * This structure intentionally has the same layout for 32 and 64 bit.
 */
typedef struct modstat {
	char		ms_name[MAXMODNAME];
	char		ms_required[MAXMODNAME * MAXMODDEPS];
	uint64_t	ms_addr;
	modsrc_t	ms_source;
	modclass_t	ms_class;
	u_int		ms_size;
	u_int		ms_refcnt;
	u_int		ms_reserved[4];
} modstat_t;

typedef struct modctl_load {
	const char *ml_filename;

#define	MODCTL_LOAD_FORCE 1
#define	MODCTL_NO_PROP 2
	int ml_flags;

	const char *ml_props;
	size_t ml_propslen;
} modctl_load_t;

#endif /* !_SYS_MODULE_H_ */
