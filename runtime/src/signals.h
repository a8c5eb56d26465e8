/* signals.h - what the loop and the multi-thread runtime's reactor call in signal.c.
 * Internal. */
#ifndef AC_RUNTIME_SIGNALS_H
#define AC_RUNTIME_SIGNALS_H

#include "internal.h"

#include "ac_signal.h" /* after internal.h: its runtime face */

/* Signal state with its signalfd (reading no signal yet), not yet in any backend;
 * shared: used by several threads (a runtime's workers), its lists under a lock. NULL
 * with *err set. */
ACI_HIDDEN aci_signals *aci_signals_new(int shared, int *err);
ACI_HIDDEN int aci_signals_fd(const aci_signals *s);
ACI_HIDDEN void aci_signals_free(aci_signals *s);
/* s's signalfd is readable: deliver what it holds. */
ACI_HIDDEN void aci_signals_on_ready(aci_signals *s);

#endif
