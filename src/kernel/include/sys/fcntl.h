#ifndef _SYS_FCNTL_H_
#define _SYS_FCNTL_H_

#define	O_RDONLY	0x00000000	/* open for reading only */
#define	O_WRONLY	0x00000001	/* open for writing only */
#define	O_RDWR		0x00000002	/* open for reading and writing */
#define	O_ACCMODE	0x00000003	/* mask for above modes */
#define	O_NONBLOCK	0x00000004	/* no delay */
#define	O_APPEND	0x00000008	/* set append mode */
#define	O_CREAT		0x00000200	/* create if nonexistent */
#define	O_TRUNC		0x00000400	/* truncate to zero length */
#define	O_EXCL		0x00000800	/* error if already exists */

#define	FREAD		0x00000001
#define	FWRITE		0x00000002
#define	FNONBLOCK	O_NONBLOCK
#define	FAPPEND		O_APPEND
#define	FMASK		(FREAD|FWRITE|FAPPEND|FNONBLOCK)

#define	F_DUPFD		0		/* duplicate file descriptor */
#define	F_GETFD		1		/* get file descriptor flags */
#define	F_SETFD		2		/* set file descriptor flags */
#define	F_GETFL		3		/* get file status flags */
#define	F_SETFL		4		/* set file status flags */

#endif /* !_SYS_FCNTL_H_ */
