/*	Timed callouts, callout(9).	*/

#ifndef _SYS_CALLOUT_H_
#define _SYS_CALLOUT_H_

#include <sys/types.h>

typedef struct callout {
	void	*_c_cc;
	void	(*c_func)(void *);
	void	*c_arg;
	u_int	c_flags;
} callout_t;

#define	CALLOUT_MPSAFE		0x0100

#define	CALLOUT_INITIALIZER	{ NULL, NULL, NULL, 0 }

void	callout_init(callout_t *, u_int);
void	callout_destroy(callout_t *);
void	callout_setfunc(callout_t *, void (*)(void *), void *);
void	callout_reset(callout_t *, int, void (*)(void *), void *);
void	callout_schedule(callout_t *, int);
bool	callout_stop(callout_t *);
bool	callout_halt(callout_t *, void *);
bool	callout_pending(callout_t *);
bool	callout_active(callout_t *);

#endif /* !_SYS_CALLOUT_H_ */
