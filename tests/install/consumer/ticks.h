/* ticks.h - shared by hello.c, fetch.c and ticks.c. A change here must transform
 * all three again. */
#ifndef TICKS_H
#define TICKS_H

#include <asyncc.h>

#define TICKS 3

async int tick_count(const char *name, int n);

#endif
