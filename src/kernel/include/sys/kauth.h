/*	Kernel authorization, kauth(9) (the part modules use).	*/

#ifndef _SYS_KAUTH_H_
#define _SYS_KAUTH_H_

#include <sys/types.h>

struct proc;
struct lwp;

/* The credentials kernel-internal I/O passes: none, or the file system's own. */
#define	NOCRED	((kauth_cred_t)-1)
#define	FSCRED	((kauth_cred_t)-2)

typedef struct kauth_scope *kauth_scope_t;
typedef struct kauth_listener *kauth_listener_t;
typedef uint32_t kauth_action_t;
typedef int (*kauth_scope_callback_t)(kauth_cred_t, kauth_action_t,
    void *, void *, void *, void *, void *);

#define	KAUTH_RESULT_ALLOW	0
#define	KAUTH_RESULT_DENY	1
#define	KAUTH_RESULT_DEFER	2

#define	KAUTH_SCOPE_GENERIC	"org.netbsd.kauth.generic"
#define	KAUTH_SCOPE_SYSTEM	"org.netbsd.kauth.system"
#define	KAUTH_SCOPE_PROCESS	"org.netbsd.kauth.process"
#define	KAUTH_SCOPE_NETWORK	"org.netbsd.kauth.network"
#define	KAUTH_SCOPE_MACHDEP	"org.netbsd.kauth.machdep"
#define	KAUTH_SCOPE_DEVICE	"org.netbsd.kauth.device"

enum {
	KAUTH_GENERIC_ISSUSER = 1,
	KAUTH_GENERIC_CANSEE
};

enum kauth_system_req {
	KAUTH_SYSTEM_ACCOUNTING = 1,
	KAUTH_SYSTEM_CHROOT,
	KAUTH_SYSTEM_CPU,
	KAUTH_SYSTEM_DEBUG,
	KAUTH_SYSTEM_FILEHANDLE,
	KAUTH_SYSTEM_LKM,
	KAUTH_SYSTEM_MKNOD,
	KAUTH_SYSTEM_MODULE,
	KAUTH_SYSTEM_MOUNT,
	KAUTH_SYSTEM_REBOOT,
	KAUTH_SYSTEM_SETIDCORE,
	KAUTH_SYSTEM_SWAPCTL,
	KAUTH_SYSTEM_SYSCTL,
	KAUTH_SYSTEM_TIME
};

int	kauth_authorize_generic(kauth_cred_t, kauth_action_t, void *);
int	kauth_authorize_system(kauth_cred_t, kauth_action_t, enum kauth_system_req,
	    void *, void *, void *);
int	kauth_authorize_process(kauth_cred_t, kauth_action_t, struct proc *,
	    void *, void *, void *);
kauth_listener_t kauth_listen_scope(const char *, kauth_scope_callback_t, void *);
void	kauth_unlisten_scope(kauth_listener_t);

uid_t	kauth_cred_getuid(kauth_cred_t);
uid_t	kauth_cred_geteuid(kauth_cred_t);
gid_t	kauth_cred_getgid(kauth_cred_t);
gid_t	kauth_cred_getegid(kauth_cred_t);
int	kauth_cred_ismember_gid(kauth_cred_t, gid_t, int *);
u_int	kauth_cred_ngroups(kauth_cred_t);
gid_t	kauth_cred_group(kauth_cred_t, u_int);
kauth_cred_t kauth_cred_get(void);
void	kauth_cred_hold(kauth_cred_t);
void	kauth_cred_free(kauth_cred_t);

#endif /* !_SYS_KAUTH_H_ */
