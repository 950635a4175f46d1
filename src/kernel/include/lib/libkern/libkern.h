/*	Kernel library routines (NetBSD's lib/libkern/libkern.h, the part modules use).	*/

#ifndef _LIB_LIBKERN_LIBKERN_H_
#define _LIB_LIBKERN_LIBKERN_H_

#include <sys/types.h>

static __inline int imax(int a, int b) { return (a > b ? a : b); }
static __inline int imin(int a, int b) { return (a < b ? a : b); }
static __inline long lmax(long a, long b) { return (a > b ? a : b); }
static __inline long lmin(long a, long b) { return (a < b ? a : b); }
static __inline u_int max(u_int a, u_int b) { return (a > b ? a : b); }
static __inline u_int min(u_int a, u_int b) { return (a < b ? a : b); }
static __inline u_long ulmax(u_long a, u_long b) { return (a > b ? a : b); }
static __inline u_long ulmin(u_long a, u_long b) { return (a < b ? a : b); }
static __inline int abs(int j) { return (j < 0 ? -j : j); }

#ifdef NDEBUG
#define	assert(e)	((void)0)
#else
#define	assert(e)	(__predict_true((e)) ? (void)0 :		    \
			    __assert("", __FILE__, __LINE__, #e))
#endif

#ifdef DIAGNOSTIC
#define	KASSERT(e)	(__predict_true((e)) ? (void)0 :		    \
			    __assert("diagnostic ", __FILE__, __LINE__, #e))
#else
#define	KASSERT(e)	/* nothing */
#endif
#define	KDASSERT(e)	/* nothing */

void	 __assert(const char *, const char *, int, const char *) __dead;

void	*memcpy(void *, const void *, size_t);
int	 memcmp(const void *, const void *, size_t);
void	*memset(void *, int, size_t);
void	*memmove(void *, const void *, size_t);
char	*strcpy(char *, const char *);
char	*strcat(char *, const char *);
int	 strcmp(const char *, const char *);
int	 strncmp(const char *, const char *, size_t);
char	*strncpy(char *, const char *, size_t);
size_t	 strlen(const char *);
size_t	 strlcpy(char *, const char *, size_t);
size_t	 strlcat(char *, const char *, size_t);
char	*strchr(const char *, int);
char	*strrchr(const char *, int);
int	 ffs(int);
long	 strtol(const char *, char **, int);
unsigned long strtoul(const char *, char **, int);

#endif /* !_LIB_LIBKERN_LIBKERN_H_ */
