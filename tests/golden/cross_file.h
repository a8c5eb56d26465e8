/* cross_file.h - async functions defined in another file (not in this directory:
 * golden tests only transform and compile). */
#ifndef GOLDEN_CROSS_FILE_H
#define GOLDEN_CROSS_FILE_H

#include <asyncc.h>

async int fetch(int id);
async void store(int *slot, int value);

#endif
