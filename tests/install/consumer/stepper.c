/* stepper.c - plain C using the shared library steps. */
#include <stdio.h>

#include "steps.h"

int main(void) {
    printf("steps: %d\n", steps_run(3));
    return 0;
}
