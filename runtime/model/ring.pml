/* ring.pml - a worker's local run queue (mt.c, "the local ring"): the owner pushing at
 * the tail (or, once the ring is full, to its overflow), popping batches at the head,
 * and refilling the empty ring from the overflow, against a thief stealing half of the
 * ring, over every interleaving, checked by spin.
 *
 * What is modelled: ring_push, overflow_push, ring_pop (batches of BATCH),
 * overflow_refill and ring_steal as mt.c writes them, one load or store or
 * compare-and-swap per step (the overflow is the owner's alone), with a ring of CAP
 * slots (mt.c has 256; the algorithm does not depend on the size). head and tail do not
 * wrap here (mt.c's 32-bit counters wrap after 4 billion pushes; ABA on head would need
 * a thief stalled for that long). Memory is sequentially consistent in spin.
 *
 * Checked: every task pushed is taken exactly once (by a pop, a steal or a refill),
 * and nobody takes a slot that holds no task.
 */
#define CAP 4
#define MASK 3
#define BATCH 2
#define TASKS 6

byte head, tail;
byte ring[CAP];
byte ovf[TASKS], ovf_head, ovf_tail; /* the overflow, a FIFO of the owner's */
byte taken[TASKS + 1];
byte owner_done;

inline take(x) {
    assert(x >= 1 && x <= TASKS);
    taken[x]++;
    assert(taken[x] == 1)
}

/* The owner's steps. Their locals are the owner's (Promela's inlines are pasted in):
 * t, h, n, i, batch, won. */

/* ring_push: to the ring while it has room and the overflow is empty, else behind
 * the overflow's tasks. */
inline push(e) {
    t = tail;
    h = head;
#ifdef MUTANT_PUSH_OVER_CAP
    if :: t - h <= CAP && ovf_head == ovf_tail -> ring[t & MASK] = e; tail = t + 1
#else
    if :: t - h < CAP && ovf_head == ovf_tail -> ring[t & MASK] = e; tail = t + 1
#endif
    :: else -> ovf[ovf_tail] = e; ovf_tail++
    fi
}

/* overflow_refill, when a pop found the ring empty: the overflow's first task runs, the
 * next ones (up to CAP - 1) go to the ring's slots, then tail publishes them. */
inline refill(n) {
    take(ovf[ovf_head]);
    ovf_head++;
    t = tail;
    n = 1;
#ifdef MUTANT_REFILL_TAIL_FIRST
    tail = t + (ovf_tail - ovf_head < CAP - 1 -> ovf_tail - ovf_head : CAP - 1);
#endif
    do
    :: ovf_head < ovf_tail && n < CAP -> ring[t & MASK] = ovf[ovf_head]; ovf_head++; t++; n++
    :: else -> break
    od;
    tail = t
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
    bit won;
    do
    :: next <= TASKS -> push(next); next++
    :: next <= TASKS -> pop(n); if :: n == 0 && ovf_head != ovf_tail -> refill(n) :: else -> skip fi
    :: next > TASKS -> break
    od;
    do /* drain */
    :: pop(n);
        if
        :: n == 0 && ovf_head != ovf_tail -> refill(n)
        :: n == 0 && ovf_head == ovf_tail -> break
        :: else -> skip
        fi
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
