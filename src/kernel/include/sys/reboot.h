/*	The simulated kernel's <sys/reboot.h>: reboot(2) and cpu_reboot(9) flags.	*/

#ifndef _SYS_REBOOT_H_
#define _SYS_REBOOT_H_

#define	RB_AUTOBOOT	0	/* flags for system auto-booting itself */
#define	RB_ASKNAME	0x00000001	/* ask for file name to reboot from */
#define	RB_SINGLE	0x00000002	/* reboot to single user only */
#define	RB_NOSYNC	0x00000004	/* dont sync before reboot */
#define	RB_HALT		0x00000008	/* don't reboot, just halt */
#define	RB_INITNAME	0x00000010	/* name given for /etc/init (unused) */
#define	RB_DUMP		0x00000100	/* dump kernel memory before reboot */
#define	RB_POWERDOWN	(RB_HALT|0x800)	/* turn power off (or at least halt) */

#ifdef _KERNEL
void	cpu_reboot(int, char *);
#endif

#endif /* !_SYS_REBOOT_H_ */
