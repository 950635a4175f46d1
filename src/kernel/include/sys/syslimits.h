#ifndef _SYS_SYSLIMITS_H_
#define _SYS_SYSLIMITS_H_

#define	ARG_MAX		(256 * 1024)
#define	CHILD_MAX	160
#define	LINK_MAX	32767
#define	MAX_CANON	255
#define	MAX_INPUT	255
#define	NAME_MAX	511
#define	NGROUPS_MAX	16
#define	OPEN_MAX	128
#define	PATH_MAX	1024
#define	PIPE_BUF	512
#define	IOV_MAX		1024

#endif /* !_SYS_SYSLIMITS_H_ */
