/* machines.c - the hand-written async functions of machines.h. */
#define _POSIX_C_SOURCE 200809L

#include "machines.h"

#include "waitlist.h"

#include "ac_mt.h" /* after ac_runtime.h: the runtime face */

#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* ---- trace ------------------------------------------------------------------------------- */

static char trace_buf[8192];
static size_t trace_len;

void trace_reset(void) {
    trace_len = 0;
    trace_buf[0] = '\0';
}

void trace_add(const char *fmt, ...) {
    size_t room = sizeof trace_buf - trace_len;
    if (trace_len > 0 && room > 1) {
        trace_buf[trace_len++] = ' ';
        trace_buf[trace_len] = '\0';
        room--;
    }
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(trace_buf + trace_len, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        trace_len += (size_t)n < room ? (size_t)n : room - 1;
}

const char *trace_get(void) {
    return trace_buf;
}

uint64_t test_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- gate ------------------------------------------------------------------------------ */

void gate_open(gate *g) {
    g->open = 1;
    ac_task *waiter = g->waiter;
    g->waiter = NULL;
    if (waiter)
        ac_wake(waiter);
}

void gate_wait_init(gate_wait_frame *f, gate *g) {
    f->g = g;
}

ac_poll gate_wait_poll(gate_wait_frame *f, ac_cx *cx, void *out) {
    (void)out;
    f->g->polls++;
    if (f->g->open)
        return AC_READY;
    f->g->waiter = cx->task;
    return AC_PENDING;
}

void gate_wait_drop(gate_wait_frame *f) {
    if (f->g->open)
        return;
    f->g->waiter = NULL;
    f->g->dropped++;
}

/* ---- tokens: a counter that tasks on any thread take from, parking while it is 0 -------- */

void tokens_init(tokens *t) {
    pthread_mutex_init(&t->lock, NULL);
    t->count = 0;
    t->waiting = (ac_waitlist){NULL, NULL};
}

void tokens_give(tokens *t) {
    pthread_mutex_lock(&t->lock);
    t->count++;
    if (t->waiting.head)
        aci_waiter_wake(t->waiting.head, 0);
    pthread_mutex_unlock(&t->lock);
}

void take_init(take_frame *f, tokens *t) {
    f->t = t;
    aci_waiter_init(&f->waiter);
}

ac_poll take_poll(take_frame *f, ac_cx *cx, void *out) {
    (void)out;
    ac_poll r = AC_PENDING;
    pthread_mutex_lock(&f->t->lock);
    if (!aci_waiter_parked(&f->waiter)) {
        if (f->t->count > 0) {
            f->t->count--;
            r = AC_READY;
        } else {
            aci_waitlist_push(&f->t->waiting, &f->waiter, cx->task);
        }
    }
    pthread_mutex_unlock(&f->t->lock);
    return r;
}

void take_drop(take_frame *f) {
    pthread_mutex_lock(&f->t->lock);
    aci_waiter_cancel(&f->waiter);
    pthread_mutex_unlock(&f->t->lock);
}

/* ---- script ------------------------------------------------------------------------------ */

typedef struct script_frame {
    const step *steps;
    task_stats *stats;
    size_t pc;    /* the step running */
    int awaiting; /* steps[pc] is an await that returned AC_PENDING */
    int done;
    union {
        ac_yield_frame yield;
        ac_sleep_ms_frame sleep;
        ac_join_frame join;
        gate_wait_frame gate;
        ac_fd_read_frame read;
        ac_fd_write_frame write;
        ac_fd_wait_frame ready;
        max_align_t leaf[(LEAF_FRAME_BYTES + sizeof(max_align_t) - 1) / sizeof(max_align_t)];
        ac_mpsc_send_frame send;
        ac_mpsc_recv_frame recv;
        ac_oneshot_recv_frame oneshot;
        ac_broadcast_recv_frame bcast;
        ac_watch_changed_frame changed;
    } await;
} script_frame;

static void script_init(script_frame *self, const step *steps, task_stats *stats) {
    self->steps = steps;
    self->stats = stats;
    self->pc = 0;
    self->awaiting = 0;
    self->done = 0;
}

static void await_init(script_frame *self, const step *s) {
    switch (s->kind) {
    case STEP_YIELD:
        ac_yield_init(&self->await.yield);
        break;
    case STEP_SLEEP:
        ac_sleep_ms_init(&self->await.sleep, s->ms);
        break;
    case STEP_JOIN:
        ac_join_init(&self->await.join, *s->handle, s->out);
        break;
    case STEP_GATE:
        gate_wait_init(&self->await.gate, s->g);
        break;
    case STEP_READ:
        ac_fd_read_init(&self->await.read, s->fd, s->buf, s->n);
        break;
    case STEP_WRITE:
        ac_fd_write_init(&self->await.write, s->fd, s->buf, s->n);
        break;
    case STEP_READABLE:
        ac_fd_readable_init(&self->await.ready, s->fd);
        break;
    case STEP_WRITABLE:
        ac_fd_writable_init(&self->await.ready, s->fd);
        break;
    case STEP_LEAF:
        s->leaf->init(self->await.leaf, s->arg);
        break;
    case STEP_SEND:
        ac_mpsc_send_init(&self->await.send, s->chan, s->buf);
        break;
    case STEP_RECV:
        ac_mpsc_recv_init(&self->await.recv, s->chan, s->buf);
        break;
    case STEP_ONESHOT:
        ac_oneshot_recv_init(&self->await.oneshot, s->chan, s->buf);
        break;
    case STEP_BCAST:
        ac_broadcast_recv_init(&self->await.bcast, s->chan, s->buf);
        break;
    case STEP_CHANGED:
        ac_watch_changed_init(&self->await.changed, s->chan);
        break;
    case STEP_END:
    case STEP_CALL:
        break;
    }
}

/* ac_fd_readable or ac_fd_writable, whose int result goes to *s->result. */
static ac_poll ready_poll(script_frame *self, const step *s, ac_cx *cx) {
    int r = 0;
    ac_poll p = s->kind == STEP_READABLE ? ac_fd_readable_poll(&self->await.ready, cx, &r)
                                         : ac_fd_writable_poll(&self->await.ready, cx, &r);
    *s->result = r;
    return p;
}

/* A channel leaf, whose int result goes to *s->result. */
static ac_poll chan_poll(script_frame *self, const step *s, ac_cx *cx) {
    int r = 0;
    ac_poll p = AC_READY;
    switch (s->kind) {
    case STEP_SEND:
        p = ac_mpsc_send_poll(&self->await.send, cx, &r);
        break;
    case STEP_RECV:
        p = ac_mpsc_recv_poll(&self->await.recv, cx, &r);
        break;
    case STEP_ONESHOT:
        p = ac_oneshot_recv_poll(&self->await.oneshot, cx, &r);
        break;
    case STEP_BCAST:
        p = ac_broadcast_recv_poll(&self->await.bcast, cx, &r);
        break;
    default:
        p = ac_watch_changed_poll(&self->await.changed, cx, &r);
        break;
    }
    if (p == AC_READY)
        *s->result = r;
    return p;
}

static ac_poll await_poll(script_frame *self, const step *s, ac_cx *cx) {
    switch (s->kind) {
    case STEP_YIELD:
        return ac_yield_poll(&self->await.yield, cx, NULL);
    case STEP_SLEEP:
        return ac_sleep_ms_poll(&self->await.sleep, cx, NULL);
    case STEP_JOIN:
        return ac_join_poll(&self->await.join, cx, NULL);
    case STEP_GATE:
        return gate_wait_poll(&self->await.gate, cx, NULL);
    case STEP_READ:
        return ac_fd_read_poll(&self->await.read, cx, s->result);
    case STEP_WRITE:
        return ac_fd_write_poll(&self->await.write, cx, s->result);
    case STEP_READABLE:
    case STEP_WRITABLE:
        return ready_poll(self, s, cx);
    case STEP_LEAF:
        return s->leaf->poll(self->await.leaf, cx, s->out);
    case STEP_SEND:
    case STEP_RECV:
    case STEP_ONESHOT:
    case STEP_BCAST:
    case STEP_CHANGED:
        return chan_poll(self, s, cx);
    case STEP_END:
    case STEP_CALL:
        break;
    }
    return AC_READY;
}

static void await_drop(script_frame *self, const step *s) {
    switch (s->kind) {
    case STEP_YIELD:
        ac_yield_drop(&self->await.yield);
        break;
    case STEP_SLEEP:
        ac_sleep_ms_drop(&self->await.sleep);
        break;
    case STEP_JOIN:
        ac_join_drop(&self->await.join);
        break;
    case STEP_GATE:
        gate_wait_drop(&self->await.gate);
        break;
    case STEP_READ:
        ac_fd_read_drop(&self->await.read);
        break;
    case STEP_WRITE:
        ac_fd_write_drop(&self->await.write);
        break;
    case STEP_READABLE:
        ac_fd_readable_drop(&self->await.ready);
        break;
    case STEP_WRITABLE:
        ac_fd_writable_drop(&self->await.ready);
        break;
    case STEP_LEAF:
        s->leaf->drop(self->await.leaf);
        break;
    case STEP_SEND:
        ac_mpsc_send_drop(&self->await.send);
        break;
    case STEP_RECV:
        ac_mpsc_recv_drop(&self->await.recv);
        break;
    case STEP_ONESHOT:
        ac_oneshot_recv_drop(&self->await.oneshot);
        break;
    case STEP_BCAST:
        ac_broadcast_recv_drop(&self->await.bcast);
        break;
    case STEP_CHANGED:
        ac_watch_changed_drop(&self->await.changed);
        break;
    case STEP_END:
    case STEP_CALL:
        break;
    }
}

/* Run steps until one suspends (AC_PENDING) or STEP_END is reached (AC_READY, with the
 * end step's value in *value). */
static ac_poll script_run(script_frame *self, ac_cx *cx, int *value) {
    if (self->stats)
        self->stats->polls++;
    if (self->done)
        return AC_READY;
    for (;; self->pc++) {
        const step *s = &self->steps[self->pc];
        if (s->kind == STEP_END) {
            self->done = 1;
            *value = s->value;
            return AC_READY;
        }
        if (s->kind == STEP_CALL) {
            s->call(s->arg, cx->task);
            continue;
        }
        if (!self->awaiting)
            await_init(self, s);
        if (await_poll(self, s, cx) == AC_PENDING) {
            self->awaiting = 1;
            return AC_PENDING;
        }
        self->awaiting = 0;
    }
}

static ac_poll script_poll(script_frame *self, ac_cx *cx, int *out) {
    return script_run(self, cx, out);
}

static ac_poll script_void_poll(script_frame *self, ac_cx *cx, void *out) {
    (void)out; /* a void function never touches out */
    int discarded;
    return script_run(self, cx, &discarded);
}

static void script_drop(script_frame *self) {
    if (self->done)
        return;
    if (self->awaiting)
        await_drop(self, &self->steps[self->pc]);
    if (self->stats)
        self->stats->drops++;
}

static void script_void_drop(script_frame *self) {
    script_drop(self);
}

typedef script_frame script_void_frame;
DEFINE_VTABLE(script, sizeof(int));
DEFINE_VTABLE(script_void, 0);

/* The same script with unused room after the frame: a frame's size is what its vtable
 * says, and a bigger one only costs memory. */
static const ac_vtable script_large_vtable = {script_poll_erased, script_drop_erased,
                                              sizeof(script_frame) + SCRIPT_LARGE_BYTES,
                                              sizeof(int), NULL};

static ac_task *script_task(const ac_vtable *vt, const step *steps, task_stats *stats) {
    ac_task *t = ac_task_new(vt);
    if (t)
        script_init(ac_task_frame(t), steps, stats);
    return t;
}

ac_task *script_new(const step *steps, task_stats *stats) {
    return script_task(&script_vtable, steps, stats);
}

ac_task *script_new_void(const step *steps, task_stats *stats) {
    return script_task(&script_void_vtable, steps, stats);
}

ac_task *script_new_large(const step *steps, task_stats *stats) {
    return script_task(&script_large_vtable, steps, stats);
}

ac_task *script_spawn(const step *steps, task_stats *stats) {
    return ac_task_spawn(script_new(steps, stats));
}

int script_block_on_root(const step *steps, task_stats *stats, const char *name, int *out) {
    script_frame frame;
    ac_root root;
    if (ac_root_enter(&root, name) != 0)
        return -1;
    script_init(&frame, steps, stats);
    int rc = 0;
    while (script_poll(&frame, &root.cx, out) == AC_PENDING) {
        if (ac_root_wait(&root) != 0) {
            script_drop(&frame);
            rc = -1;
            break;
        }
    }
    ac_root_leave(&root);
    return rc;
}

void call_trace(void *text, ac_task *self) {
    (void)self;
    trace_add("%s", (const char *)text);
}

void call_wake(void *handle_slot, ac_task *self) {
    (void)self;
    ac_wake(*(ac_task **)handle_slot);
}

void call_wake_self(void *unused, ac_task *self) {
    (void)unused;
    ac_wake(self);
}

void call_open(void *g, ac_task *self) {
    (void)self;
    gate_open(g);
}

/* ---- yielder: the shape asyncc generates for a loop around an await ---------------------- */

enum yielder_state { yielder_START, yielder_AWAIT_ac_yield, yielder_DONE };

typedef struct yielder_frame {
    enum yielder_state state;
    const char *name;
    int n;
    int i;
    union {
        ac_yield_frame ac_yield;
    } await;
} yielder_frame;

static void yielder_init(yielder_frame *self, const char *name, int n) {
    self->state = yielder_START;
    self->name = name;
    self->n = n;
}

static ac_poll yielder_poll(yielder_frame *self, ac_cx *cx, int *out) {
    switch (self->state) {
    case yielder_START:
        break;
    case yielder_AWAIT_ac_yield:
        goto resume_ac_yield;
    default:
        return AC_READY;
    }
    for (self->i = 0; self->i < self->n; self->i++) {
        trace_add("%s%d", self->name, self->i);
        ac_yield_init(&self->await.ac_yield);
        self->state = yielder_AWAIT_ac_yield;
    resume_ac_yield:
        if (ac_yield_poll(&self->await.ac_yield, cx, NULL) == AC_PENDING)
            return AC_PENDING;
    }
    trace_add("%s.", self->name);
    *out = self->n;
    self->state = yielder_DONE;
    return AC_READY;
}

static void yielder_drop(yielder_frame *self) {
    if (self->state == yielder_AWAIT_ac_yield)
        ac_yield_drop(&self->await.ac_yield);
}

DEFINE_VTABLE(yielder, sizeof(int));

ac_task *yielder_spawn(const char *name, int n) {
    ac_task *t = ac_task_new(&yielder_vtable);
    if (!t)
        return NULL;
    yielder_init(ac_task_frame(t), name, n);
    return ac_task_spawn(t);
}

/* ---- sleeper ------------------------------------------------------------------------------ */

enum sleeper_state { sleeper_START, sleeper_AWAIT_ac_sleep_ms, sleeper_DONE };

typedef struct sleeper_frame {
    enum sleeper_state state;
    const char *name;
    uint64_t ms;
    uint64_t start_ns;
    union {
        ac_sleep_ms_frame ac_sleep_ms;
    } await;
} sleeper_frame;

static void sleeper_init(sleeper_frame *self, const char *name, uint64_t ms) {
    self->state = sleeper_START;
    self->name = name;
    self->ms = ms;
}

static ac_poll sleeper_poll(sleeper_frame *self, ac_cx *cx, uint64_t *out) {
    switch (self->state) {
    case sleeper_START:
        break;
    case sleeper_AWAIT_ac_sleep_ms:
        goto resume_ac_sleep_ms;
    default:
        return AC_READY;
    }
    self->start_ns = test_now_ns();
    ac_sleep_ms_init(&self->await.ac_sleep_ms, self->ms);
    self->state = sleeper_AWAIT_ac_sleep_ms;
resume_ac_sleep_ms:
    if (ac_sleep_ms_poll(&self->await.ac_sleep_ms, cx, NULL) == AC_PENDING)
        return AC_PENDING;
    trace_add("%s", self->name);
    *out = test_now_ns() - self->start_ns;
    self->state = sleeper_DONE;
    return AC_READY;
}

static void sleeper_drop(sleeper_frame *self) {
    if (self->state == sleeper_AWAIT_ac_sleep_ms)
        ac_sleep_ms_drop(&self->await.ac_sleep_ms);
}

DEFINE_VTABLE(sleeper, sizeof(uint64_t));

ac_task *sleeper_spawn(const char *name, uint64_t ms) {
    ac_task *t = ac_task_new(&sleeper_vtable);
    if (!t)
        return NULL;
    sleeper_init(ac_task_frame(t), name, ms);
    return ac_task_spawn(t);
}

/* ---- spinner ------------------------------------------------------------------------------ */

enum spinner_state { spinner_START, spinner_AWAIT_ac_yield, spinner_DONE };

typedef struct spinner_frame {
    enum spinner_state state;
    const int *flag;
    int limit;
    int count;
    union {
        ac_yield_frame ac_yield;
    } await;
} spinner_frame;

static void spinner_init(spinner_frame *self, const int *flag, int limit) {
    self->state = spinner_START;
    self->flag = flag;
    self->limit = limit;
}

static ac_poll spinner_poll(spinner_frame *self, ac_cx *cx, int *out) {
    switch (self->state) {
    case spinner_START:
        break;
    case spinner_AWAIT_ac_yield:
        goto resume_ac_yield;
    default:
        return AC_READY;
    }
    for (self->count = 0; !*self->flag && self->count < self->limit; self->count++) {
        ac_yield_init(&self->await.ac_yield);
        self->state = spinner_AWAIT_ac_yield;
    resume_ac_yield:
        if (ac_yield_poll(&self->await.ac_yield, cx, NULL) == AC_PENDING)
            return AC_PENDING;
    }
    *out = self->count;
    self->state = spinner_DONE;
    return AC_READY;
}

static void spinner_drop(spinner_frame *self) {
    if (self->state == spinner_AWAIT_ac_yield)
        ac_yield_drop(&self->await.ac_yield);
}

DEFINE_VTABLE(spinner, sizeof(int));

ac_task *spinner_spawn(const int *flag, int limit) {
    ac_task *t = ac_task_new(&spinner_vtable);
    if (!t)
        return NULL;
    spinner_init(ac_task_frame(t), flag, limit);
    return ac_task_spawn(t);
}

/* ---- record: a struct result ---------------------------------------------------------------- */

static int record_misaligned;

record record_expected(int id) {
    record r;
    memset(&r, 0, sizeof r);
    r.id = id;
    r.x = id * 1.5;
    r.wide = (long double)id / 3;
    snprintf(r.name, sizeof r.name, "record-%d", id);
    return r;
}

int record_out_aligned(void) {
    return !record_misaligned;
}

enum record_state { record_START, record_AWAIT_ac_yield, record_DONE };

typedef struct record_frame {
    enum record_state state;
    int id;
    int yields;
    int i;
    union {
        ac_yield_frame ac_yield;
    } await;
} record_frame;

static void record_init(record_frame *self, int id, int yields) {
    self->state = record_START;
    self->id = id;
    self->yields = yields;
}

static ac_poll record_poll(record_frame *self, ac_cx *cx, record *out) {
    switch (self->state) {
    case record_START:
        break;
    case record_AWAIT_ac_yield:
        goto resume_ac_yield;
    default:
        return AC_READY;
    }
    for (self->i = 0; self->i < self->yields; self->i++) {
        ac_yield_init(&self->await.ac_yield);
        self->state = record_AWAIT_ac_yield;
    resume_ac_yield:
        if (ac_yield_poll(&self->await.ac_yield, cx, NULL) == AC_PENDING)
            return AC_PENDING;
    }
    if ((uintptr_t)out % alignof(record) != 0)
        record_misaligned = 1;
    *out = record_expected(self->id);
    self->state = record_DONE;
    return AC_READY;
}

static void record_drop(record_frame *self) {
    if (self->state == record_AWAIT_ac_yield)
        ac_yield_drop(&self->await.ac_yield);
}

DEFINE_VTABLE(record, sizeof(record));

ac_task *record_spawn(int id, int yields) {
    ac_task *t = ac_task_new(&record_vtable);
    if (!t)
        return NULL;
    record_init(ac_task_frame(t), id, yields);
    return ac_task_spawn(t);
}

/* ---- section: rounds of a critical section around awaits -------------------------------- */

enum section_state { section_START, section_AWAIT_acquire, section_AWAIT_ac_yield, section_DONE };

typedef struct section_frame {
    enum section_state state;
    const section *s;
    int round, y, rc;
    union {
        max_align_t acquire[(LEAF_FRAME_BYTES + sizeof(max_align_t) - 1) / sizeof(max_align_t)];
        ac_yield_frame ac_yield;
    } await;
} section_frame;

static ac_poll section_poll(section_frame *self, ac_cx *cx, int *out) {
    switch (self->state) {
    case section_START:
        break;
    case section_AWAIT_acquire:
        goto resume_acquire;
    case section_AWAIT_ac_yield:
        goto resume_ac_yield;
    default:
        return AC_READY;
    }
    for (self->round = 0; self->round < self->s->rounds; self->round++) {
        self->s->acquire->init(self->await.acquire, self->s->arg);
        self->state = section_AWAIT_acquire;
    resume_acquire:
        if (self->s->acquire->poll(self->await.acquire, cx, &self->rc) == AC_PENDING)
            return AC_PENDING;
        if (self->rc < 0)
            break;
        self->s->enter(self->s->ctx, self->rc);
        for (self->y = 0; self->y < self->s->yields; self->y++) {
            ac_yield_init(&self->await.ac_yield);
            self->state = section_AWAIT_ac_yield;
        resume_ac_yield:
            if (ac_yield_poll(&self->await.ac_yield, cx, NULL) == AC_PENDING)
                return AC_PENDING;
        }
        self->s->leave(self->s->ctx);
    }
    *out = self->rc < 0 ? self->rc : 0;
    self->state = section_DONE;
    return AC_READY;
}

static void section_drop(section_frame *self) {
    if (self->state == section_AWAIT_acquire)
        self->s->acquire->drop(self->await.acquire);
    else if (self->state == section_AWAIT_ac_yield)
        ac_yield_drop(&self->await.ac_yield);
}

DEFINE_VTABLE(section, sizeof(int));

ac_task *section_spawn(const section *s) {
    ac_task *t = ac_task_new(&section_vtable);
    if (!t)
        return NULL;
    section_frame *f = ac_task_frame(t);
    f->state = section_START;
    f->s = s;
    f->rc = 0;
    return ac_task_spawn(t);
}

/* ---- mpsc producer and consumer ------------------------------------------------------------- */

typedef struct producer_frame {
    ac_mpsc_tx tx;
    uint32_t id, i, n;
    int parked;
    uint64_t value;
    ac_mpsc_send_frame send;
} producer_frame;

static ac_poll producer_poll(producer_frame *self, ac_cx *cx, int *out) {
    for (; self->i < self->n; self->i++) {
        if (!self->parked) {
            self->value = MSG(self->id, self->i);
            ac_mpsc_send_init(&self->send, &self->tx, &self->value);
        }
        int r;
        self->parked = ac_mpsc_send_poll(&self->send, cx, &r) == AC_PENDING;
        if (self->parked)
            return AC_PENDING;
        if (r != AC_CHAN_OK) {
            ac_mpsc_tx_drop(&self->tx);
            *out = r;
            return AC_READY;
        }
    }
    ac_mpsc_tx_drop(&self->tx);
    *out = 0;
    return AC_READY;
}

static void producer_drop(producer_frame *self) {
    if (self->parked)
        ac_mpsc_send_drop(&self->send);
    ac_mpsc_tx_drop(&self->tx);
}

DEFINE_VTABLE(producer, sizeof(int));

ac_task *producer_new(ac_mpsc_tx tx, uint32_t id, uint32_t n) {
    ac_task *t = ac_task_new(&producer_vtable);
    if (t)
        *(producer_frame *)ac_task_frame(t) = (producer_frame){tx, id, 0, n, 0, 0, {0}};
    return t;
}

typedef struct consumer_frame {
    ac_mpsc_rx rx;
    consumed *c;
    int parked;
    uint64_t value;
    ac_mpsc_recv_frame recv;
} consumer_frame;

void consumed_add(consumed *c, uint64_t v) {
    uint32_t id = (uint32_t)(v >> 32), seq = (uint32_t)v;
    c->count++;
    c->sum += v;
    if (id >= CONSUMED_MAX_PRODUCERS || c->next[id] != seq)
        c->out_of_order++;
    else
        c->next[id]++;
}

static ac_poll consumer_poll(consumer_frame *self, ac_cx *cx, void *out) {
    (void)out;
    for (;;) {
        if (!self->parked)
            ac_mpsc_recv_init(&self->recv, &self->rx, &self->value);
        int r;
        self->parked = ac_mpsc_recv_poll(&self->recv, cx, &r) == AC_PENDING;
        if (self->parked)
            return AC_PENDING;
        if (r != AC_CHAN_OK) {
            self->c->end = r;
            ac_mpsc_rx_drop(&self->rx);
            return AC_READY;
        }
        consumed_add(self->c, self->value);
    }
}

static void consumer_drop(consumer_frame *self) {
    if (self->parked)
        ac_mpsc_recv_drop(&self->recv);
    ac_mpsc_rx_drop(&self->rx);
}

DEFINE_VTABLE(consumer, 0);

ac_task *consumer_new(ac_mpsc_rx rx, consumed *c) {
    ac_task *t = ac_task_new(&consumer_vtable);
    if (t)
        *(consumer_frame *)ac_task_frame(t) = (consumer_frame){rx, c, 0, 0, {0}};
    return t;
}

uint64_t messages_sum(uint32_t producers, uint32_t n) {
    uint64_t sum = 0;
    for (uint32_t id = 0; id < producers; id++)
        sum += (uint64_t)id * n * (UINT64_C(1) << 32) + (uint64_t)n * (n - 1) / 2;
    return sum;
}

/* ---- helpers of the multi-thread runtime's tests ------------------------------------------ */

ac_runtime *runtime_of_workers(unsigned n) {
    ac_runtime_builder b;
    ac_runtime_builder_init(&b);
    b.worker_threads = n;
    ac_runtime *rt = NULL;
    int rc = ac_runtime_new(&b, &rt);
    if (rc != 0)
        fprintf(stderr, "ac_runtime_new(%u workers): %d\n", n, rc);
    return rc == 0 ? rt : NULL;
}

void yields_init(yields *ys, int n) {
    *ys = (yields){n, 0, {0}};
}

ac_poll yields_poll(yields *ys, ac_cx *cx, void (*each)(void *arg), void *arg) {
    for (; ys->left > 0; ys->left--) {
        if (!ys->awaiting) {
            if (each)
                each(arg);
            ac_yield_init(&ys->y);
        }
        ys->awaiting = 1;
        if (ac_yield_poll(&ys->y, cx, NULL) == AC_PENDING)
            return AC_PENDING;
        ys->awaiting = 0;
    }
    return AC_READY;
}
