/* join.pml - joining a task of the multi-thread runtime (mt.c, "Join"): the worker that
 * finishes task T against the task J that joins it, polls it again, or drops the join
 * (a detach), over every interleaving, checked by spin.
 *
 * What is modelled: T's `state` word (RUNNING, COMPLETE, JOIN_WAKER, DETACHED) and each
 * read-modify-write of mt_finish, aci_mt_join_poll and aci_mt_detach as mt.c does them;
 * J's own scheduling is a `notified` bit (task.pml checks that a wake is never lost
 * there); J may be polled once without a wake (in a select, another branch woke it).
 * Memory is sequentially consistent in spin.
 *
 * MUTANT_PENDING_WHILE_WAKING is what mt.c did first: a join poll that saw COMPLETE with
 * JOIN_WAKER still set returned AC_PENDING, though that poll could be the wake itself,
 * leaving J parked for good. It never showed in a run only because the finisher's wake
 * puts J in the finisher's own LIFO slot, polled after mt_finish returns.
 *
 * Checked: T's block is freed exactly once and never touched after; nobody wakes J
 * after J is done with the join (its frame may be gone); and when nothing can move any
 * more, J has T's result or dropped the join, and T is freed (no lost wake, no leak).
 */
#define RUNNING 2
#define COMPLETE 4
#define JOIN_WAKER 8
#define DETACHED 16

byte state = RUNNING; /* T is being polled, to its end */
byte freed;           /* T's block */
bit notified;         /* J was woken */
bit j_gone;           /* J is done with the join: a wake now would touch a freed frame */
bit joined;           /* J has the result */

inline touch() { assert(freed == 0) }
inline free_t() { freed++; assert(freed == 1) }

/* mt_finish */
proctype finisher() {
    byte prev;
    atomic { touch(); prev = state; state = state ^ (RUNNING | COMPLETE) }
    if
    :: (prev & JOIN_WAKER) != 0 ->
        touch(); /* reads t->waiter */
        assert(!j_gone);
        notified = 1;
        atomic { touch(); state = state & ~JOIN_WAKER }
    :: (prev & JOIN_WAKER) == 0 && (prev & DETACHED) != 0 -> free_t()
    :: else -> skip
    fi
}

/* aci_mt_join_poll: ready is 1 with the result taken (and T freed). */
inline join_poll(ready) {
    byte s;
    ready = 0;
    atomic { touch(); s = state }
    if
    :: (s & COMPLETE) != 0 && (s & JOIN_WAKER) != 0 ->
#ifndef MUTANT_PENDING_WHILE_WAKING
        /* the finisher is waking J: wait until it is done with the header */
        (state & JOIN_WAKER) == 0;
        ready = 1
#endif
    :: (s & COMPLETE) != 0 && (s & JOIN_WAKER) == 0 -> ready = 1
    :: (s & COMPLETE) == 0 && (s & JOIN_WAKER) != 0 -> skip /* registered before */
    :: (s & (COMPLETE | JOIN_WAKER)) == 0 ->
        atomic { touch(); s = state; state = state | JOIN_WAKER } /* after t->waiter = J */
        if
        :: (s & COMPLETE) != 0 -> atomic { touch(); state = state & ~JOIN_WAKER }; ready = 1
        :: else -> skip
        fi
    fi;
    if :: ready -> touch(); joined = 1; free_t(); j_gone = 1 :: else -> skip fi
}

/* aci_mt_detach */
inline detach() {
    byte s, next;
    bit done;
    atomic { touch(); s = state }
    do
    :: done -> break
    :: !done && (s & COMPLETE) != 0 ->
        (state & JOIN_WAKER) == 0; /* wait_join_waker */
        j_gone = 1;
        free_t();
        done = 1
    :: !done && (s & COMPLETE) == 0 ->
        next = (s | DETACHED) & ~JOIN_WAKER;
        atomic {
            touch();
            if
            :: state == s -> state = next; j_gone = 1; done = 1
            :: else -> s = state
            fi
        }
    od
}

/* J polls the join until it has the result. Chosen at the start: whether J is polled
 * once without a wake, and whether J drops the join at some point instead of waiting;
 * a J that waits for a wake that never comes is then a state where nothing can move. */
proctype joiner() {
    bit ready, spurious_left, drop_left;
    if :: spurious_left = 1 :: skip fi;
    if :: drop_left = 1 :: skip fi;
    do
    :: drop_left -> detach(); break
    :: join_poll(ready);
        if
        :: ready -> break
        :: !ready ->
            if
            :: atomic { notified == 1 -> notified = 0 }
            :: spurious_left -> spurious_left = 0 /* polled without a wake */
            :: drop_left -> detach(); break
            fi
        fi
    od
}

proctype end_check() {
    timeout -> assert(joined || j_gone); assert(freed == 1)
}

init {
    atomic { run finisher(); run joiner(); run end_check() }
}
