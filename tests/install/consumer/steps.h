/* steps.h - the plain C interface of the steps library. */
#ifndef STEPS_H
#define STEPS_H

int steps_run(int n);

#endif
