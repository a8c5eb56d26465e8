/* io.h - what the loop calls in io.c. Internal. */
#ifndef AC_RUNTIME_IO_H
#define AC_RUNTIME_IO_H

#include "internal.h"

#include "ac_io.h" /* after internal.h: its runtime face */

/* The backend saw readiness (ACI_READABLE, ACI_WRITABLE bits) on the ac_fd h. */
ACI_HIDDEN void aci_fd_on_ready(void *h, unsigned readiness);

#endif
