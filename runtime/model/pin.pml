/* pin.pml - the wake path of a pinned task (ac_spawn_local; mt.c, "Pinned tasks"),
 * checked by spin over every interleaving of its owner worker, a thread that wakes it
 * from elsewhere and another worker that steals what it can reach.
 *
 * What is modelled, one atomic step of mt.c for each step here:
 * - the task's `state` word (task.pml checks it for unpinned tasks): the wake's fetch_or
 *   (aci_mt_wake), the fetch_xor that starts a poll, the compare-and-swap that ends a
 *   pending one (clearing RUNNING, setting NOTIFIED for a yield) and the finish;
 * - schedule(): on the owner the wake pushes the task to the owner's pinned FIFO, on any
 *   other thread to the owner's inbox (under pin_lock, with the pin_inbox flag) and then
 *   kicks the owner (worker_kick: `kicked`, then `in_reactor` read to choose between the
 *   reactor's eventfd and the worker's own);
 * - the owner's loop (worker_next): its FIFO, its ring, the inbox moved to the FIFO at a
 *   look (pin_receive, which reads the flag without the lock) and when nothing else is
 *   queued, then worker_park: the flag looked at again, and sleeps (worker_sleep), each
 *   taking a kick made before it (`kicked` exchanged: no sleep then) or during it
 *   (exchanged after): in the reactor (reactor_park: `in_reactor` set, then `kicked`
 *   read, a kick seen there making the wait return at once) or on its own eventfd. An
 *   eventfd keeps its count until the sleeper reads it. A sleep that saw no kick may be
 *   followed by another (a watch goes on) unless the inbox flag is set. Sleeps may also
 *   end for another reason (a timer, another descriptor): SPURIOUS times in all;
 * - the other worker, which polls whatever reaches a queue it can take from (a ring,
 *   the LIFO slot or the global queue stand for one such queue here: `ring`), and which
 *   may sleep in the reactor when the owner is not there, reading its eventfd;
 * - the task's wakers: REMOTE_EVENTS events made by the other thread (a channel send on
 *   another worker, a timer or descriptor it fires), LOCAL_EVENTS by the owner between
 *   two polls (another task of its own), each event made available and its wake done
 *   under the source's lock, as waitlists, the reactor and the timers do; and up to
 *   YIELDS yields (a wake of the task from its own poll: w->self_woken).
 * The task is detached, so the finisher frees it (join.pml checks joins). Its spawn and
 * pin run on the owner before its handle leaves it: the model starts from their end, the
 * task in the owner's FIFO. Aborts, the task dump's pauses and shutdown are not
 * modelled. Memory is sequentially consistent in spin: the C11 orderings are argued in
 * mt.c (the kick's two sides are sequentially consistent atomics), not checked.
 *
 * Checked: the task is polled only by its owner, never by two at once and never after
 * it completed; it is queued at most once (FIFO, inbox or any other queue); its block is
 * freed once, while no queue holds it, and nothing touches it after; and no wake is
 * lost: when nothing can move any more (the `timeout` of the monitor), the task took
 * every event and completed, so every event (and yield) made after a poll started was
 * followed by another poll.
 *
 * Each MUTANT_* below is a plausible mistake that the check must catch (tests/model).
 */
#define NOTIFIED 1
#define RUNNING 2
#define COMPLETE 4
#define DETACHED 16
#define SPAWNED 32

#define OWNER 0
#define OTHER 1
#define REMOTE_EVENTS 2
#define LOCAL_EVENTS 1
#define YIELDS 1
#define SPURIOUS 1

byte state;
bit freed;
byte queued; /* entries of the task in all queues, or between two of them */
byte fifo;   /* in the owner's pinned FIFO (owner only) */
byte inbox;  /* in the owner's inbox (under pin_lock) */
chan ring = [2] of { bit }; /* a queue other workers take from: an entry, HELD or not */
bit pin_inbox;              /* the inbox is not empty */
bit pin_lock;
bit src_lock; /* the lock of the sources of events: a waitlist's, the reactor's, timers' */
byte remote_avail, remote_taken, local_avail, local_taken;
byte yields;
byte pollers;
byte poller = OWNER;     /* the worker in the task's last poll */
bit self_woken;          /* the owner's w->self_woken */
bit kicked, in_reactor;  /* the owner's */
byte efd, refd;          /* the counts of the owner's eventfd and of the reactor's */
byte reactor;            /* who sleeps in the reactor: 0 nobody, 1 the owner, 2 the other */
byte spurious;

inline touch() { assert(!freed) }

inline lock(l) { atomic { l == 0 -> l = 1 } }

inline unlock(l) { l = 0 }

inline enqueue() {
    queued++;
    assert(queued <= 1)
}

/* pin_push: only the owner runs it */
inline pin_push() {
    touch();
    enqueue();
    fifo++
}

/* worker_kick(owner) */
inline kick() {
    kicked = 1;
    if
    :: in_reactor == 1 -> refd++
    :: else -> efd++
    fi
}

/* pin_send: the wake of the task on a thread other than its owner */
inline pin_send() {
    touch(); /* t->next = NULL */
#ifdef MUTANT_FLAG_BEFORE_PUSH
    pin_inbox = 1; /* the flag set first, outside the lock */
    lock(pin_lock);
    enqueue();
    inbox++;
#else
    lock(pin_lock);
    enqueue();
    inbox++;
    pin_inbox = 1;
#endif
    unlock(pin_lock);
#ifndef MUTANT_SEND_NO_KICK
    kick()
#endif
}

/* aci_mt_wake by `here`, not from the task's own poll */
inline wake_from(here) {
    touch();
    atomic { prev = state; state = state | NOTIFIED | SPAWNED }
    if
    :: (prev & (NOTIFIED | RUNNING | COMPLETE)) == 0 ->
        if
        :: here == OWNER -> pin_push()
#ifdef MUTANT_SEND_TO_WAKER
        :: else -> enqueue(); ring!0 /* the waker's own queue, as for an unpinned task */
#else
        :: else -> pin_send()
#endif
        fi
    :: else -> skip
    fi
}

/* The task's poll function: takes every event available (one poll must see all those
 * made before it); ready when it has them all, unless it yields. */
inline task_poll() {
    atomic {
        src_lock == 0 ->
        remote_taken = remote_taken + remote_avail;
        remote_avail = 0;
        local_taken = local_taken + local_avail;
        local_avail = 0
    }
    if
    :: remote_taken == REMOTE_EVENTS && local_taken == LOCAL_EVENTS -> ready = 1
    :: yields < YIELDS -> yields++; self_woken = 1; ready = 0 /* w->current == t */
    :: remote_taken < REMOTE_EVENTS || local_taken < LOCAL_EVENTS -> ready = 0
    fi
}

/* mt_finish of a detached task */
inline finish() {
    atomic { prev = state; state = state ^ (RUNNING | COMPLETE) }
    assert((prev & DETACHED) != 0);
    assert(queued == 0);
    freed = 1
}

/* The end of a pending poll of a pinned task (worker_poll) */
inline poll_end() {
#ifdef MUTANT_YIELD_HELD
    if
    :: self_woken -> enqueue(); ring!1 /* the HELD shortcut of unpinned tasks */
    :: else ->
#endif
    atomic {
        prev = state;
        state = (state & ~RUNNING) | (self_woken -> NOTIFIED : 0)
    }
    if
    :: self_woken || (prev & NOTIFIED) != 0 -> pin_push()
    :: else -> skip
    fi
#ifdef MUTANT_YIELD_HELD
    fi
#endif
}

inline worker_poll(id, held) {
    touch();
    poller = id;
    assert(poller == OWNER);
    if
    :: !held -> atomic { state = state ^ (NOTIFIED | RUNNING) }
    :: else -> skip
    fi
    assert((state & (RUNNING | COMPLETE)) == RUNNING);
    pollers++;
    assert(pollers == 1);
    self_woken = 0;
    task_poll();
    pollers--;
    if
    :: ready -> finish()
    :: else -> poll_end()
    fi
}

/* pin_receive: the inbox to the end of the FIFO */
inline pin_receive() {
    if
    :: pin_inbox == 1 ->
        lock(pin_lock);
        moved = inbox;
        inbox = 0;
        pin_inbox = 0;
        unlock(pin_lock);
        fifo = fifo + moved
    :: else -> skip
    fi
}

/* A sleep that a kick or another reason ends */
inline sleep_on(count) {
    if
    :: count > 0 -> count = 0
    :: spurious < SPURIOUS -> spurious++
    fi
}

/* worker_park with nothing queued: worker_sleep's sleeps (sleep_once), each of which
 * takes a kick made before it (then does not sleep: the eventfd keeps its count) or
 * during it. After a sleep that was not kicked, a watch may sleep again, unless the
 * inbox flag is set (watch_ends). */
inline park() {
    do
    :: pin_inbox == 1 -> break /* looked at under rt->lock first, then by watch_ends */
    :: else ->
        atomic { k = kicked; kicked = 0 };
        if
        :: k -> break
        :: else -> skip
        fi;
        if
        :: atomic { reactor == 0 -> reactor = 1 } -> /* reactor_park */
#ifdef MUTANT_REACTOR_LOOK_FIRST
            k = kicked;
            in_reactor = 1;
#else
            in_reactor = 1;
            k = kicked;
#endif
            if
            :: k -> if :: refd > 0 -> refd = 0 :: skip fi /* a wait of 0 */
            :: else ->
end_reactor:    sleep_on(refd)
            fi;
            in_reactor = 0;
            reactor = 0
        :: true -> /* no descriptor registered, or another worker is in the reactor */
end_eventfd: sleep_on(efd)
        fi;
        atomic { k = kicked; kicked = 0 };
        if
        :: k -> break
        :: true -> break /* a sleep without a watch, or a watch that ends */
        :: true -> skip  /* a watch that goes on */
        fi
    od
}

proctype owner() {
    bit held, ready, k;
    byte prev, moved;
end_loop:
    do
    :: atomic { fifo > 0 -> fifo--; queued-- } -> worker_poll(OWNER, 0)
    :: atomic { ring?held -> queued-- } -> worker_poll(OWNER, held)
    :: pin_inbox == 1 -> pin_receive() /* a look, every event_interval polls */
    :: local_avail + local_taken < LOCAL_EVENTS -> /* another task of the owner wakes it */
        lock(src_lock);
        local_avail++;
        wake_from(OWNER);
        unlock(src_lock)
    :: else -> /* the ring and the LIFO slot are empty */
        pin_receive();
        if
        :: fifo > 0 -> skip
        :: else -> park()
        fi
    od
}

/* Another worker or a plain thread: the events it makes, each with its wake. */
proctype remote() {
    byte i, prev;
    for (i : 1 .. REMOTE_EVENTS) {
        lock(src_lock);
        remote_avail++;
        wake_from(OTHER);
        unlock(src_lock)
    }
}

/* Another worker: it polls what it can take (steals), and may sleep in the reactor. */
proctype thief() {
    bit held, ready, k;
    byte prev, moved;
end_thief:
    do
    :: atomic { ring?held -> queued-- } -> worker_poll(OTHER, held)
    :: atomic { reactor == 0 && refd > 0 -> reactor = 2 } -> refd = 0; reactor = 0
    od
}

/* When nothing can move any more: no lost wake, nothing leaked. */
active proctype monitor() {
    timeout ->
        assert(remote_taken == REMOTE_EVENTS && local_taken == LOCAL_EVENTS);
        assert((state & COMPLETE) != 0 && freed && queued == 0)
}

init {
    atomic {
        state = NOTIFIED | SPAWNED | DETACHED; /* spawned, pinned, its handle dropped */
        enqueue();
        fifo = 1;
        run owner();
        run remote();
        run thief()
    }
}
