/*	The simulated kernel's <sys/wait.h>: decoding a wait(2) status.	*/

#ifndef _SYS_WAIT_H_
#define _SYS_WAIT_H_

#define	_W_INT(i)	(i)
#define	WCOREFLAG	0200

#define	_WSTATUS(x)	(_W_INT(x) & 0177)
#define	_WSTOPPED	0177		/* _WSTATUS if process is stopped */
#define	WIFSTOPPED(x)	(_WSTATUS(x) == _WSTOPPED)
#define	WSTOPSIG(x)	((int)(((unsigned int)_W_INT(x)) >> 8) & 0xff)
#define	WIFSIGNALED(x)	(_WSTATUS(x) != _WSTOPPED && _WSTATUS(x) != 0)
#define	WTERMSIG(x)	(_WSTATUS(x))
#define	WIFEXITED(x)	(_WSTATUS(x) == 0)
#define	WEXITSTATUS(x)	((int)(((unsigned int)_W_INT(x)) >> 8) & 0xff)
#define	WCOREDUMP(x)	(_W_INT(x) & WCOREFLAG)

#define	W_EXITCODE(ret, sig)	((ret) << 8 | (sig))
#define	W_STOPCODE(sig)		((sig) << 8 | _WSTOPPED)

#define	WNOHANG		0x00000001	/* don't hang in wait */
#define	WUNTRACED	0x00000002	/* tell about stopped, untraced children */

#endif /* !_SYS_WAIT_H_ */
