/* task.pml - the scheduling state of a task of the multi-thread runtime (mt.c, "Tasks"),
 * checked by spin over every interleaving of two workers and a thread that wakes.
 *
 * What is modelled: the atomic `state` word (NOTIFIED, RUNNING, COMPLETE, SPAWNED) and
 * each of its read-modify-writes as mt.c does them (aci_mt_wake, worker_poll, mt_finish),
 * the self-wake of a task that yields (requeued HELD, still RUNNING, to the ring or the
 * worker's overflow alike), and a resource the
 * task waits on: the waker makes an event available, then wakes the task; the task's
 * poll takes what is available and finishes after EVENTS events. Where a task is queued
 * (LIFO slot, ring or global queue) does not matter here: one queue stands for them all
 * (ring.pml checks the ring). Memory is sequentially consistent in spin: the orderings
 * of the C11 atomics are argued in mt.c, not checked here.
 *
 * Checked: a task is polled by one worker at a time, never after it completed, is queued
 * at most once, and no wake is lost: when nothing can move any more, the task has
 * completed (the assertion at the workers' timeout).
 *
 * Each MUTANT_* below is a plausible mistake that the check must catch (tests/model).
 */
#define NOTIFIED 1
#define RUNNING 2
#define COMPLETE 4
#define SPAWNED 32
#define EVENTS 2

byte state;
byte queued;    /* entries of the task in the run queue */
byte pollers;   /* workers inside the task's poll */
byte available; /* events made available, not yet taken */
byte taken;     /* events the task has taken */
chan runq = [2] of { bit }; /* an entry: HELD or not */
byte current = 255; /* the worker polling the task (its loop's mt_polling) */
bit self_woken;

inline push(held) {
    queued++;
    assert(queued <= 1);
    runq!held
}

/* aci_mt_wake from a thread that is not polling the task */
inline wake() {
    byte prev;
    atomic {
        prev = state;
        state = state | NOTIFIED | SPAWNED;
    }
#ifdef MUTANT_IGNORE_RUNNING
    if :: (prev & (NOTIFIED | COMPLETE)) == 0 -> push(0) :: else -> skip fi
#else
    if :: (prev & (NOTIFIED | RUNNING | COMPLETE)) == 0 -> push(0) :: else -> skip fi
#endif
}

/* The task's own poll function: take all that is available (wakes coalesce: one poll
 * must see every event made before it); ready after EVENTS. It may also yield (wake
 * itself). */
inline task_poll(ready) {
    atomic { taken = taken + available; available = 0 }
    if
    :: taken == EVENTS -> ready = 1
    :: else -> ready = 0;
        if :: self_woken = 1 :: skip fi /* a yield, or not */
    fi
}

inline worker_poll(id, held) {
    bit ready;
    byte prev;
    assert((state & COMPLETE) == 0);
    if :: !held -> atomic { state = state ^ (NOTIFIED | RUNNING) } :: else -> skip fi
    assert((state & RUNNING) != 0);
    pollers++;
    assert(pollers == 1);
    current = id;
    self_woken = 0;
    task_poll(ready);
    current = 255;
    pollers--;
    if
    :: ready -> atomic { state = state ^ (RUNNING | COMPLETE) }
    :: !ready && self_woken -> push(1)
    :: !ready && !self_woken ->
#ifdef MUTANT_DROP_RUNNING_FIRST
        atomic { state = state & ~RUNNING };
        prev = 0;
#else
        atomic { prev = state; state = state & ~RUNNING };
#endif
        if :: (prev & NOTIFIED) != 0 -> push(0) :: else -> skip fi
    fi
}

proctype worker(byte id) {
    bit held;
    do
    :: atomic { runq?held; queued-- } -> worker_poll(id, held)
    :: timeout -> assert((state & COMPLETE) != 0); break
    od
}

/* A descriptor, a channel or a timer: makes an event available, then wakes the task. */
proctype waker() {
    byte i;
    for (i : 1 .. EVENTS) {
        available++;
        wake()
    }
}

init {
    atomic {
        state = NOTIFIED | SPAWNED; /* ac_spawn of a task never woken: a plain store */
        push(0);
        run worker(0);
        run worker(1);
        run waker()
    }
}
