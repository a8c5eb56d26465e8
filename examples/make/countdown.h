/* countdown.h - settings of the countdown example. A change here must regenerate
 * countdown.gen.c: asyncc's depfile lists this header, and the Makefile includes it. */
#ifndef COUNTDOWN_H
#define COUNTDOWN_H

#define COUNTDOWN_FROM 3
#define TICK_MS 1

#endif
