#include <machine/stdarg.h>
