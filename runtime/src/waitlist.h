/* waitlist.h - lists of parked tasks (the types are public: ac_waiter and ac_waitlist in
 * ac_runtime.h, as leaf frames embed them). Internal. */
#ifndef AC_RUNTIME_WAITLIST_H
#define AC_RUNTIME_WAITLIST_H

#include "internal.h"

/* Park task on l through w, at the tail (waiters are woken in parking order). w must
 * not be parked already. */
ACI_HIDDEN void aci_waitlist_push(ac_waitlist *l, ac_waiter *w, ac_task *task);
/* Unlink w from its list; nothing if it is not parked. For drops. */
ACI_HIDDEN void aci_waitlist_remove(ac_waiter *w);
/* Unlink and wake every waiter of l, setting its reason; returns how many there were. */
ACI_HIDDEN size_t aci_waitlist_wake_all(ac_waitlist *l, int reason);

static inline int aci_waiter_parked(const ac_waiter *w) {
    return w->list != NULL;
}

#endif
