/* sleep.pml - how an idle worker sleeps and is woken (mt.c: worker_sleep, sleep_once,
 * reactor_park, worker_kick; loop.c: aci_loop_post, remote_drain), checked by spin over
 * every interleaving of the sleeping worker, a thread that posts wakes to its loop and
 * another worker that may sleep in the reactor.
 *
 * What is modelled, one atomic step of the code for each step here:
 * - a kick (worker_kick): `kicked` set, then `in_reactor` read to choose between the
 *   reactor's eventfd and the worker's own. A kick carries no flag of its own: what it
 *   announces is elsewhere, here the loop's queue of remote wakes (a blocking job's, a
 *   waiter woken from another thread), which is kicked only when it was empty;
 * - the worker's sleeps (worker_sleep): each sleep (sleep_once) takes a kick made before
 *   it (and then does not sleep) or during it; a sleep in the reactor sets `in_reactor`
 *   before it reads `kicked`, and a kick seen there makes the wait return at once; a
 *   sleep on its own eventfd ends on the eventfd's count, and the loop drains its queue
 *   (loop_wait_backend); after the reactor, and after any sleep that took a kick, the
 *   queue is drained too. A sleep that saw no kick may be followed by another (a watch
 *   that goes on, when no wake was delivered: watch_ends), or end. Sleeps may also end
 *   for another reason (a timer, another descriptor): SPURIOUS times in all;
 * - the other worker, which may sleep in the reactor when this one is not there, and
 *   then reads the reactor's eventfd.
 *
 * Checked: no wake is stranded: when nothing can move any more (the monitor's
 * `timeout`), every posted wake was delivered. Each MUTANT_* is a plausible mistake that
 * the check must catch (tests/model).
 */
#define POSTS 2
#define SPURIOUS 1

bit kicked, in_reactor; /* the worker's */
byte efd, refd;         /* the counts of the worker's eventfd and of the reactor's */
byte reactor;           /* who sleeps in the reactor: 0 nobody, 1 the worker, 2 the other */
byte queued, delivered; /* wakes in the loop's queue, and taken out of it */
bit qlock;
byte spurious;

inline lock(l) { atomic { l == 0 -> l = 1 } }

inline unlock(l) { l = 0 }

inline kick() {
    kicked = 1;
    if
    :: in_reactor == 1 -> refd++
    :: else -> efd++
    fi
}

/* remote_drain */
inline drain() {
    lock(qlock);
    delivered = delivered + queued;
    queued = 0;
    unlock(qlock)
}

inline sleep_on(count) {
    if
    :: count > 0 -> count = 0
    :: spurious < SPURIOUS -> spurious++
    fi
}

/* sleep_once: k says whether it took a kick */
inline sleep_once() {
#ifdef MUTANT_CLEAR_BEFORE_SLEEP
    kicked = 0; /* the eventfd counts: cleared first, not looked at after */
    k = 0;
#else
    atomic { k = kicked; kicked = 0 };
#endif
    if
    :: k -> skip
    :: else ->
        if
        :: atomic { reactor == 0 -> reactor = 1 } -> /* reactor_park */
            in_reactor = 1;
            if
            :: kicked -> if :: refd > 0 -> refd = 0 :: skip fi /* a wait of 0 */
            :: else ->
end_reactor:    sleep_on(refd)
            fi;
            in_reactor = 0;
            reactor = 0;
            drain() /* aci_loop_poll_remote */
        :: true -> /* another worker is in the reactor: the eventfd, in the loop's backend */
end_eventfd: sleep_on(efd);
            drain() /* the eventfd was ready, or not: a drain finds nothing then */
        fi;
#ifndef MUTANT_CLEAR_BEFORE_SLEEP
        atomic { k = kicked; kicked = 0 }
#endif
    fi;
#ifndef MUTANT_NO_DRAIN_ON_KICK
    if
    :: k -> drain()
    :: else -> skip
    fi
#endif
}

proctype worker() {
    bit k;
    byte seen;
end_loop:
    do
    :: seen = delivered; /* worker_sleep, after running what it was woken for */
        do
        :: sleep_once();
            if
            :: k || delivered != seen -> break /* kicked, or a task to run (watch_ends) */
            :: else ->
                if
                :: break /* a sleep without a watch, or a timer due */
                :: skip  /* a watch that goes on */
                fi
            fi
        od
    od
}

/* A thread posting wakes to the worker's loop (aci_loop_post, ac_remote_wake). */
proctype poster() {
    byte i;
    for (i : 1 .. POSTS) {
        lock(qlock);
        if
        :: queued == 0 -> kick()
        :: else -> skip
        fi;
        queued++;
        unlock(qlock)
    }
}

/* The other worker: it may sleep in the reactor when the worker is not there. */
proctype other() {
end_other:
    do
    :: atomic { reactor == 0 && refd > 0 -> reactor = 2 } -> refd = 0; reactor = 0
    od
}

/* When nothing can move any more: nothing stranded. */
active proctype monitor() {
    timeout -> assert(queued == 0 && delivered == POSTS)
}

init {
    atomic {
        run worker();
        run poster();
        run other()
    }
}
