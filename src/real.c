/* real.c: the symbol that tells a float library from a double one (see
 * real.h: a program compiled for the other real type fails to link). */
#include "real.h"

const char REAL_LINK_CHECK = 1;
