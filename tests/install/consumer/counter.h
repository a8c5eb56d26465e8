/* counter.h - what counter.c offers plain C: no async in sight. */
#ifndef COUNTER_H
#define COUNTER_H

int counter_sum(int n);

#endif
