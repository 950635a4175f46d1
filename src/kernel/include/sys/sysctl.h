/*	The simulated kernel's <sys/sysctl.h>: the sysctl tree, sysctl(9).	*/

#ifndef _SYS_SYSCTL_H_
#define _SYS_SYSCTL_H_

#include <sys/param.h>
#include <sys/types.h>

#define	CTL_MAXNAME	12	/* largest number of components supported */
#define	SYSCTL_NAMELEN	32	/* longest name allowed for a node */

/*
 * Meta-identifiers
 */
#define	CTL_EOL		(-1)		/* end of createv/destroyv list */
#define	CTL_QUERY	(-2)		/* enumerates children of a node */
#define	CTL_CREATE	(-3)		/* node create request */
#define	CTL_CREATESYM	(-4)		/* node create request with symbol */
#define	CTL_DESTROY	(-5)		/* node destroy request */
#define	CTL_MMAP	(-6)		/* mmap request */
#define	CTL_DESCRIBE	(-7)		/* get node descriptions */

/*
 * Top-level identifiers
 */
#define	CTL_UNSPEC	0		/* unused */
#define	CTL_KERN	1		/* "high kernel": proc, limits */
#define	CTL_VM		2		/* virtual memory */
#define	CTL_VFS		3		/* file system, mount type is next */
#define	CTL_NET		4		/* network, see socket.h */
#define	CTL_DEBUG	5		/* debugging parameters */
#define	CTL_HW		6		/* generic CPU/io */
#define	CTL_MACHDEP	7		/* machine dependent */
#define	CTL_USER	8		/* user-level */
#define	CTL_DDB		9		/* in-kernel debugger */
#define	CTL_PROC	10		/* per-proc attr */
#define	CTL_VENDOR	11		/* vendor-specific data */
#define	CTL_EMUL	12		/* emulation-specific data */
#define	CTL_SECURITY	13		/* security */
#define	CTL_MAXID	14		/* number of valid top-level ids */

/*
 * Node types and flags
 */
#define	CTLTYPE_NODE	1	/* name is a node */
#define	CTLTYPE_INT	2	/* name describes an integer */
#define	CTLTYPE_STRING	3	/* name describes a string */
#define	CTLTYPE_QUAD	4	/* name describes a 64-bit number */
#define	CTLTYPE_STRUCT	5	/* name describes a structure */
#define	CTLTYPE_BOOL	6	/* name describes a bool */

#define	CTLFLAG_READONLY	0x00000000
#define	CTLFLAG_READWRITE	0x00000070
#define	CTLFLAG_ANYWRITE	0x00000080
#define	CTLFLAG_PRIVATE		0x00000100
#define	CTLFLAG_PERMANENT	0x00000200
#define	CTLFLAG_OWNDATA		0x00000400
#define	CTLFLAG_IMMEDIATE	0x00000800
#define	CTLFLAG_HEX		0x00001000
#define	CTLFLAG_ROOT		0x00002000
#define	CTLFLAG_ANYNUMBER	0x00004000
#define	CTLFLAG_HIDDEN		0x00008000
#define	CTLFLAG_ALIAS		0x00010000
#define	CTLFLAG_MMAP		0x00020000
#define	CTLFLAG_OWNDESC		0x00040000
#define	CTLFLAG_UNSIGNED	0x00080000

/*
 * vfs.generic and per-file-system ids
 */
#define	VFS_GENERIC	0	/* generic filesystem information */
#define	VFS_MAXTYPENUM	1	/* int: highest defined filesystem type */
#define	VFS_CONF	2	/* struct: vfsconf for filesystem given
				   as next argument */
#define	VFS_USERMOUNT	3	/* enable/disable fs mnt by non-root */
#define	VFS_MAGICLINKS  4	/* expand 'magic' symlinks */
#define	VFSGEN_MAXID	5	/* number of valid vfs.generic ids */

struct sysctlnode;
struct lwp;

/* Node descriptions are kept (the kernel is built with them). */
#define	SYSCTL_DESCR(s)	s

/*
 * A sysctl handler: SYSCTLFN_PROTO / SYSCTLFN_ARGS, as NetBSD spells them.
 */
#define	SYSCTLFN_PROTO const int *, u_int, void *, \
	size_t *, const void *, size_t, \
	const int *, struct lwp *, const struct sysctlnode *
#define	SYSCTLFN_ARGS const int *name, u_int namelen, \
	void *oldp, size_t *oldlenp, \
	const void *newp, size_t newlen, \
	const int *oname, struct lwp *l, \
	const struct sysctlnode *rnode
#define	SYSCTLFN_CALL(node) name, namelen, oldp, \
	oldlenp, newp, newlen, \
	oname, l, node

typedef int (*sysctlfn)(SYSCTLFN_PROTO);

struct sysctlnode {
	uint32_t sysctl_flags;		/* flags and type */
	int32_t sysctl_num;		/* mib number */
	char sysctl_name[SYSCTL_NAMELEN]; /* node name */
	uint32_t sysctl_ver;		/* node's version vs. rest of tree */
	uint32_t __rsvd;
	union {
		struct {
			uint32_t suc_csize;	/* size of child node array */
			uint32_t suc_clen;	/* number of valid children */
			struct sysctlnode* suc_child; /* array of child nodes */
		} scu_child;
		struct {
			void *sud_data;		/* pointer to external data */
			size_t sud_offset;	/* offset to data */
		} scu_data;
		int32_t scu_alias;		/* node this node refers to */
		int32_t scu_idata;		/* immediate "int" data */
		u_quad_t scu_qdata;		/* immediate "u_quad_t" data */
		bool scu_bdata;			/* immediate bool data */
	} sysctl_un;
	size_t _sysctl_size;		/* size of instrumented data */
	sysctlfn _sysctl_func;		/* access helper function */
	struct sysctlnode *sysctl_parent; /* parent of this node */
	const char *sysctl_desc;	/* description of node */
};

#define	sysctl_data	sysctl_un.scu_data.sud_data
#define	sysctl_idata	sysctl_un.scu_idata
#define	sysctl_size	_sysctl_size
#define	sysctl_func	_sysctl_func

/*
 * The log of nodes a subsystem created, so they can be torn down together.
 */
struct sysctllog;

#ifdef _KERNEL
int	sysctl_createv(struct sysctllog **, int,
	    const struct sysctlnode **, const struct sysctlnode **,
	    int, int, const char *, const char *,
	    sysctlfn, u_quad_t, void *, size_t, ...);
int	sysctl_destroyv(struct sysctlnode *, ...);
void	sysctl_teardown(struct sysctllog **);
void	sysctl_free(struct sysctlnode *);

int	sysctl_lookup(SYSCTLFN_PROTO);
int	sysctl_query(SYSCTLFN_PROTO);
int	sysctl_create(SYSCTLFN_PROTO);
int	sysctl_destroy(SYSCTLFN_PROTO);
int	sysctl_describe(SYSCTLFN_PROTO);
int	sysctl_notavail(SYSCTLFN_PROTO);
int	sysctl_null(SYSCTLFN_PROTO);

#define	SYSCTL_SETUP_PROTO(name)				\
	void name(struct sysctllog **)
#define	SYSCTL_SETUP(name, desc)				\
	SYSCTL_SETUP_PROTO(name);				\
	void name(struct sysctllog **clog)
#endif /* _KERNEL */

#endif /* !_SYS_SYSCTL_H_ */
