/*	Special files (device vnodes), specfs.	*/

#ifndef _MISCFS_SPECFS_SPECDEV_H_
#define _MISCFS_SPECFS_SPECDEV_H_

#include <sys/types.h>

struct vnode;
struct mount;
struct lockf;

/*
 * One per device vnode (v_specnode); every vnode of a device shares its specdev.
 */
typedef struct specnode {
	struct vnode	*sn_next;
	struct specdev	*sn_dev;
	u_int		sn_opencnt;
	dev_t		sn_rdev;
	bool		sn_gone;
} specnode_t;

typedef struct specdev {
	struct mount	*sd_mountpoint;
	struct lockf	*sd_lockf;
	struct vnode	*sd_bdevvp;
	u_int		sd_opencnt;
	u_int		sd_refcnt;
	dev_t		sd_rdev;
} specdev_t;

/*
 * Exported shorthand
 */
#define	v_specnext	v_specnode->sn_next
#define	v_rdev		v_specnode->sn_rdev
#define	v_speclockf	v_specnode->sn_dev->sd_lockf
#define	v_specmountpoint v_specnode->sn_dev->sd_mountpoint

#ifdef _KERNEL
void	spec_node_init(struct vnode *, dev_t);
void	spec_node_destroy(struct vnode *);
void	spec_node_revoke(struct vnode *);

/*
 * Prototypes for special file operations on vnodes.
 */
extern int (**spec_vnodeop_p)(void *);

int	spec_lookup(void *);
int	spec_open(void *);
int	spec_close(void *);
int	spec_read(void *);
int	spec_write(void *);
int	spec_ioctl(void *);
int	spec_poll(void *);
int	spec_kqfilter(void *);
int	spec_fsync(void *);
int	spec_inactive(void *);
int	spec_bmap(void *);
int	spec_strategy(void *);
int	spec_print(void *);
int	spec_pathconf(void *);
int	spec_advlock(void *);
#endif /* _KERNEL */

#endif /* !_MISCFS_SPECFS_SPECDEV_H_ */
