/* spinlock.h - the lock of channels and sync primitives: a test-and-test-and-set
 * spinlock in an int (an int, so that public structs such as ac_sync.h's can hold one).
 * The sections it guards copy a value and link a waiter, never call out. Internal. */
#ifndef AC_RUNTIME_SPINLOCK_H
#define AC_RUNTIME_SPINLOCK_H

#include <sched.h>

static inline void aci_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* Spins, then yields now and then: on a loaded machine the holder may have been
 * preempted in its few instructions, and spinning would only keep it waiting. */
#define ACI_SPINS_BEFORE_YIELD 64

static inline void aci_spin_lock(int *l) {
    unsigned spins = 0;
    while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(l, __ATOMIC_RELAXED))
            if (++spins % ACI_SPINS_BEFORE_YIELD == 0)
                sched_yield();
            else
                aci_spin_pause();
}

static inline void aci_spin_unlock(int *l) {
    __atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

#endif
