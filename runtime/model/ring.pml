/* ring.pml - a worker's local run queue (mt.c, "the local ring"): the owner pushing at
 * the tail, popping batches at the head, and sending half of a full ring to the global
 * queue, against a thief stealing half of it, over every interleaving, checked by spin.
 *
 * What is modelled: ring_push, ring_overflow, ring_pop (batches of BATCH) and ring_steal
 * as mt.c writes them, one load or store or compare-and-swap per step, with a ring of CAP
 * slots (mt.c has 256; the algorithm does not depend on the size). head and tail do not
 * wrap here (mt.c's 32-bit counters wrap after 4 billion pushes; ABA on head would need
 * a thief stalled for that long). Memory is sequentially consistent in spin.
 *
 * Checked: every task pushed is taken exactly once (by a pop, a steal or the global
 * queue), and nobody takes a slot that holds no task.
 */
#define CAP 4
#define MASK 3
#define BATCH 2
#define TASKS 6

byte head, tail;
byte ring[CAP];
byte taken[TASKS + 1];
byte owner_done;

inline take(x) {
    assert(x >= 1 && x <= TASKS);
    taken[x]++;
    assert(taken[x] == 1)
}

/* The owner's steps. Their locals are the owner's (Promela's inlines are pasted in):
 * t, h, n, i, batch, won, moved. */

/* ring_overflow: the older half and e go to the global queue, if head is still h. */
inline overflow(h, e, moved) {
    atomic {
        if
        :: head == h -> head = h + CAP / 2; moved = 1
        :: else -> moved = 0
        fi
    }
    if
    :: moved ->
        for (i : 0 .. CAP / 2 - 1) { take(ring[(h + i) & MASK]) }
        take(e)
    :: else -> skip
    fi
}

inline push(e) {
    do
    :: t = tail;
        h = head;
#ifdef MUTANT_PUSH_OVER_CAP
        if :: t - h <= CAP -> ring[t & MASK] = e; tail = t + 1; break :: else -> skip fi;
#else
        if :: t - h < CAP -> ring[t & MASK] = e; tail = t + 1; break :: else -> skip fi;
#endif
        overflow(h, e, moved);
        if :: moved -> break :: else -> skip fi
    od
}

/* ring_pop; n is 0 when the ring was empty. */
inline pop(n) {
    h = head;
    do
    :: n = tail - h;
        if :: n == 0 -> break :: else -> skip fi;
        if :: n > BATCH -> n = BATCH :: else -> skip fi;
        for (i : 0 .. n - 1) { batch[i] = ring[(h + i) & MASK] }
        atomic { if :: head == h -> head = h + n; won = 1 :: else -> h = head; won = 0 fi }
        if
        :: won -> for (i : 0 .. n - 1) { take(batch[i]) }; break
        :: else -> skip
        fi
    od
}

proctype owner() {
    byte next = 1, t, h, n, i;
    byte batch[BATCH];
    bit won, moved;
    do
    :: next <= TASKS -> push(next); next++
    :: next <= TASKS -> pop(n)
    :: next > TASKS -> break
    od;
    do /* drain */
    :: pop(n); if :: n == 0 -> break :: else -> skip fi
    od;
    owner_done = 1
}

/* ring_steal into the thief's own (empty) ring: copy half, then claim it. */
proctype thief() {
    byte h, n, i, attempts;
    byte mine[CAP];
    bit won;
    for (attempts : 1 .. 2) {
        h = head;
        do
        :: n = tail - h;
            if :: n == 0 -> break :: else -> skip fi;
            if :: n > CAP -> h = head :: else ->
                n = n - n / 2;
#ifdef MUTANT_STEAL_COPY_AFTER_CLAIM
                atomic { if :: head == h -> head = h + n; won = 1 :: else -> h = head; won = 0 fi };
                for (i : 0 .. n - 1) { mine[i] = ring[(h + i) & MASK] }
#else
                for (i : 0 .. n - 1) { mine[i] = ring[(h + i) & MASK] }
                atomic { if :: head == h -> head = h + n; won = 1 :: else -> h = head; won = 0 fi };
#endif
                if
                :: won -> for (i : 0 .. n - 1) { take(mine[i]) }; break
                :: else -> skip
                fi
            fi
        od
    }
}

/* When everyone is done, the owner has drained what is left: every task taken once. */
proctype end_check() {
    byte i;
    timeout -> assert(owner_done);
    for (i : 1 .. TASKS) { assert(taken[i] == 1) }
}

init {
    atomic { run owner(); run thief(); run end_check() }
}
