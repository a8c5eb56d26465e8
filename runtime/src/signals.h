/* signals.h - what the loop calls in signal.c. Internal. */
#ifndef AC_RUNTIME_SIGNALS_H
#define AC_RUNTIME_SIGNALS_H

#include "internal.h"

#include "ac_signal.h" /* after internal.h: its runtime face */

/* The loop's signalfd is readable: deliver what it holds. */
ACI_HIDDEN void aci_signals_on_ready(void);

#endif
