/* ac_actor.h - actors: state, a mailbox and a handler, with request/response through a
 * oneshot reply, and supervision that restarts a failed actor with fresh state.
 *
 * An actor is an async function of yours - its handler - that loops receiving requests
 * from its mailbox and replying to them; its state is its locals. Clients hold a ref
 * (any number of them, on any thread) and ask (send a request, wait for the reply) or
 * tell (send, expect nothing). The typed layer declares the calls for one request and
 * one reply type, with no casts or sizeof:
 *
 *     typedef struct op { int kind; long amount; } op;
 *     AC_ACTOR_TYPED(counter, op, long);   // counter_ref, counter_new, counter_ask...
 *
 *     async int count(ac_actor_inbox *inbox, long start) {    // the handler
 *         long total = start;                                 // the state
 *         op req;
 *         while (await(counter_recv(inbox, &req)) == AC_ACTOR_OK) {
 *             total += req.amount;
 *             counter_reply(inbox, total);
 *         }
 *         return 0;                  // every ref is gone: stopped, not failed
 *     }
 *     static ac_future start_count(ac_actor_inbox *inbox, void *arg) {
 *         (void)arg;
 *         return ac_future_of(count(inbox, 0));       // one incarnation of the actor
 *     }
 *     ...
 *     counter_ref ref;
 *     ac_actor_inbox inbox;
 *     counter_new(&ref, &inbox, 16);                  // a mailbox of 16 requests
 *     ac_supervisor sup = {0};                        // no restarts
 *     ac_task *keeper = ac_spawn(ac_actor_supervise(inbox, start_count, &sup));
 *     long now;
 *     if (await(counter_ask(&ref, (op){0, 5}, &now)) == AC_ACTOR_OK) ...
 *     counter_ref_drop(&ref);                         // the last ref: the actor stops
 *     await(ac_join(keeper, NULL));
 *
 * Results are values (enum ac_actor_status): every call returns AC_ACTOR_OK (0) or a
 * negative status, never hangs on a dead actor and never aborts.
 *
 * ---- the calls ------------------------------------------------------------------------
 *
 * AC_ACTOR_TYPED(name, Request, Reply) declares, at file scope:
 *   name_ref                       a client's handle (distinct per name)
 *   int  name_new(&ref, &inbox, capacity)   a mailbox of capacity requests
 *              (AC_MPSC_UNBOUNDED: no limit): 0, AC_ACTOR_NOMEM
 *   int  name_ref_clone(&ref, &copy)  another ref: 0, AC_ACTOR_INVALID
 *   void name_ref_drop(&ref)          once every ref is gone, the handler's receive
 *              returns AC_ACTOR_STOPPED after the requests still queued
 *   async int name_ask(&ref, request, &reply)   send, waiting while the mailbox is full,
 *              then wait for the reply: AC_ACTOR_OK with it in reply; AC_ACTOR_STOPPED
 *              (the actor is stopped: nothing sent); AC_ACTOR_NO_REPLY (sent, but the
 *              actor failed or stopped before replying); AC_ACTOR_NOMEM; AC_ACTOR_INVALID
 *   async int name_tell(&ref, request)   send, waiting while the mailbox is full; no
 *              reply: AC_ACTOR_OK, AC_ACTOR_STOPPED, AC_ACTOR_NOMEM (unbounded)
 *   int  name_try_tell(&ref, request)    the same without waiting: AC_ACTOR_FULL too
 * On the actor's side, with the inbox name_new made:
 *   async int name_recv(inbox, &request)   the next request, waiting while there is
 *              none: AC_ACTOR_OK, or AC_ACTOR_STOPPED once every ref is gone and
 *              nothing is queued. A request received before and not replied to gets
 *              AC_ACTOR_NO_REPLY now.
 *   int  name_reply(inbox, reply)    answer the request received last: AC_ACTOR_OK, or
 *              AC_ACTOR_NO_ASKER (a tell, replied already, or its asker is gone: the
 *              value is discarded)
 *   void ac_actor_inbox_drop(inbox)  close the mailbox: the request being handled and
 *              every queued one get AC_ACTOR_NO_REPLY, later asks and tells
 *              AC_ACTOR_STOPPED. A handler run by a supervisor does not drop it.
 * The inbox is not typed (ac_actor_inbox, so that one supervisor serves every actor):
 * name_recv and name_reply check the sizes it was made with and return
 * AC_ACTOR_INVALID for another actor's inbox.
 *
 * ---- supervision --------------------------------------------------------------------------
 *
 *   async int ac_actor_supervise(ac_actor_inbox inbox, ac_actor_start start,
 *                                ac_supervisor *sup)
 * runs the actor - consuming inbox - in incarnations: each is the future
 * start(&inbox, sup->arg) returns, made with ac_future_of(handler(inbox, ...)) in your
 * file, so that every incarnation starts from fresh state; the handler must return int.
 * An incarnation that returns nonzero has failed: the request it was handling gets
 * AC_ACTOR_NO_REPLY, the failure is counted in sup->failures, its status kept in
 * sup->status, sup->on_failure (unless NULL) is called, and while failures do not
 * exceed sup->max_restarts a new incarnation starts on the same mailbox: the requests
 * queued meanwhile are served by it. Then the supervisor gives up. It returns (and
 * keeps in sup->outcome, AC_SUPERVISOR_RUNNING until then):
 *   AC_ACTOR_OK         an incarnation returned 0 (stopped: typically every ref gone)
 *   AC_ACTOR_GAVE_UP    max_restarts + 1 failures
 *   AC_ACTOR_NOMEM      start returned an empty future (memory exhausted)
 *   AC_ACTOR_INVALID    start or sup NULL, inbox empty, or the future's result is not int
 * (sup->outcome is AC_ACTOR_STOPPED when the supervisor is dropped before its end.)
 * In every case the mailbox is closed then: queued requests get AC_ACTOR_NO_REPLY,
 * later asks AC_ACTOR_STOPPED. The report is both a callback and a record: on_failure
 * runs in the supervisor's task at each failure, before the restart (a restart follows
 * when sup->failures <= sup->max_restarts); failures, status and outcome may be read by
 * the supervisor's owner at any time on its thread, and from another thread once the
 * supervisor has finished. *sup must outlive the supervisor.
 *
 * ---- costs, cancellation, threads ---------------------------------------------------------
 *
 * An ask allocates one block, its reply's oneshot channel (ac_chan.h); a tell and a
 * receive allocate nothing; the leaves' frames are embedded in the caller's. A
 * supervisor allocates one frame per incarnation (its future). Dropping an asker at any
 * point loses nothing and breaks nothing: a request not yet sent is not sent, one sent
 * stays in the mailbox and the actor's reply to it is discarded (name_reply returns
 * AC_ACTOR_NO_ASKER). Dropping a supervisor drops its incarnation and closes the
 * mailbox as above. The mailbox is an mpsc channel: refs and the actor may be on
 * different threads, each running its own ac_block_on; a reply wakes its asker on the
 * asker's own thread.
 *
 * ---- the sequential meaning (ASYNCC_SEQUENTIAL) -------------------------------------------
 *
 * In plain C an actor cannot run beside its clients, and its handler's locals cannot
 * wait between two requests on one stack. So a supervised actor runs on a thread of its
 * own that takes turns with the program: only one of them ever runs. Like a channel's
 * send, an ask or tell never waits for room (the mailbox grows); then the actor runs
 * until it has served every queued request and waits in name_recv again, and the ask
 * takes its reply - so a plain ask is a call. ac_actor_supervise starts the actor (it
 * runs until its first receive) and returns AC_ACTOR_OK at once: its outcome is read
 * from sup->outcome, which is final once the last ref is dropped (the actor then runs
 * to its end) or it gave up. Without a supervisor (a handler called directly) a
 * receive returns what try_recv would, AC_ACTOR_EMPTY when nothing is queued, and an
 * ask that finds no reply returns AC_ACTOR_NO_REPLY, leaving the request queued.
 * Clients spawned one after another (in plain C ac_spawn runs each to its end) thus
 * see what they see when transformed whenever the replies do not depend on how the
 * clients interleave.
 *
 * Three faces, as <asyncc.h>: under ASYNCC_PARSE the awaitable calls are declared async
 * with complete frames, so asyncc embeds them; the ABI face (ASYNCC_LOWERED, or the
 * runtime's own sources) declares their init/poll/drop; ASYNCC_SEQUENTIAL is the plain
 * meaning above. The untyped calls under the typed layer take envelopes: an
 * ac_actor_envelope followed by the request, the element of the mailbox.
 */
#ifndef AC_ACTOR_H
#define AC_ACTOR_H

/* The annotations first, whatever order the program includes headers in (the
 * runtime's own sources have the ABI already). */
#ifndef AC_RUNTIME_H
#include "asyncc.h"
#endif

#include "ac_chan.h"

#include <stddef.h>
#include <stdint.h>

/* What every actor call returns; the values shared with ac_chan.h mean the same. */
enum ac_actor_status {
    AC_ACTOR_OK = 0,
    AC_ACTOR_STOPPED = -1,  /* ask, tell: the actor is stopped, nothing was sent; receive:
                               every ref is gone and no request is left */
    AC_ACTOR_EMPTY = -2,    /* a plain-C receive without a supervisor: nothing queued */
    AC_ACTOR_FULL = -3,     /* try_tell: the mailbox is full */
    AC_ACTOR_NOMEM = -4,    /* memory exhausted: nothing made or sent */
    AC_ACTOR_INVALID = -5,  /* a dropped or never-made handle, a NULL pointer, another
                               actor's inbox, bad sizes */
    AC_ACTOR_NO_REPLY = -6, /* ask: sent, but the actor failed or stopped before replying */
    AC_ACTOR_GAVE_UP = -7,  /* supervise: more failures than max_restarts */
    AC_ACTOR_NO_ASKER = -8, /* reply: nobody waits for it; the value is discarded */
};

/* The typed layer's functions: static, and unused ones are fine (clang warns about
 * unused static functions that a macro expands in the main file). */
#define AC_ACTOR_TYPED_FN_ static inline __attribute__((unused))

/* sup->outcome while the supervisor runs. */
#define AC_SUPERVISOR_RUNNING 1

/* The plain meaning's turn-taking (runtime/src/actor.c); NULL in the runtime's face. */
struct ac_actor_stage_;

/* A client's handle. Copy it to move it; ac_actor_ref_clone for another. */
typedef struct ac_actor_ref {
    ac_mpsc_tx tx;
    struct ac_actor_stage_ *stage;
    uint32_t envelope_size, reply_size;
} ac_actor_ref;

/* The actor's end: the mailbox and the reply handle of the request being handled. */
typedef struct ac_actor_inbox {
    ac_mpsc_rx rx;
    ac_oneshot_tx reply; /* empty for a tell, once replied, or before the first request */
    struct ac_actor_stage_ *stage;
    uint32_t envelope_size, reply_size;
} ac_actor_inbox;

/* The head of every request in the mailbox; the request follows it. */
typedef struct ac_actor_envelope {
    ac_oneshot_tx reply; /* empty for a tell */
} ac_actor_envelope;

/* Makes one incarnation: return ac_future_of(handler(inbox, ...)) (int handler). */
typedef ac_future (*ac_actor_start)(ac_actor_inbox *inbox, void *arg);

/* A supervisor's settings (the owner's) and record (the supervisor's). */
typedef struct ac_supervisor ac_supervisor;
struct ac_supervisor {
    void *arg;                                          /* start's, and on_failure's */
    unsigned max_restarts;                              /* restarts allowed after failures */
    void (*on_failure)(ac_supervisor *sup, int status); /* NULL: none */
    unsigned failures;                                  /* incarnations that returned nonzero */
    int status;  /* what the last incarnation that ended returned */
    int outcome; /* AC_SUPERVISOR_RUNNING, then what ac_actor_supervise returned */
};

/* The untyped calls every face has (runtime/src/actor.c). */
int ac_actor_ref_clone(const ac_actor_ref *ref, ac_actor_ref *copy);
void ac_actor_ref_drop(ac_actor_ref *ref);
void ac_actor_inbox_drop(ac_actor_inbox *inbox);
/* Send *env (its reply emptied) without waiting. */
int ac_actor_try_tell(ac_actor_ref *ref, ac_actor_envelope *env);
/* Reply with inbox->reply_size bytes at value. */
int ac_actor_reply(ac_actor_inbox *inbox, const void *value);

/* The plain meaning's calls, for the ASYNCC_SEQUENTIAL face below. An incarnation is
 * run to its end by `run`, a function of that face: the start function's future (plain
 * C's) runs the handler when it is made. */
typedef int ac_actor_incarnation_fn_(void (*start)(void), ac_actor_inbox *inbox, void *arg,
                                     int *status);
int ac_actor_new_sequential_(ac_actor_ref *ref, ac_actor_inbox *inbox, size_t envelope_size,
                             size_t reply_size, size_t capacity);
int ac_actor_ask_sequential_(ac_actor_ref *ref, ac_actor_envelope *env, void *reply);
int ac_actor_tell_sequential_(ac_actor_ref *ref, ac_actor_envelope *env);
int ac_actor_recv_sequential_(ac_actor_inbox *inbox, ac_actor_envelope *env, size_t envelope_size);
int ac_actor_supervise_sequential_(ac_actor_inbox *inbox, void (*start)(void), ac_supervisor *sup,
                                   ac_actor_incarnation_fn_ *run);

#if defined(ASYNCC_PARSE) || defined(ASYNCC_LOWERED) || defined(AC_RUNTIME_H)
/* ---- the runtime's face ----------------------------------------------------------------- */

#include "ac_runtime.h"

/* A mailbox for envelopes of envelope_size bytes (ac_actor_envelope first) and replies
 * of reply_size bytes: 0, AC_ACTOR_INVALID or AC_ACTOR_NOMEM (then nothing is made). */
int ac_actor_new(ac_actor_ref *ref, ac_actor_inbox *inbox, size_t envelope_size, size_t reply_size,
                 size_t capacity);

/* The ask: make the reply channel, send (mpsc), wait for the reply (oneshot). */
typedef struct ac_actor_ask_frame {
    ac_actor_ref *ref;
    ac_actor_envelope *env; /* the request, in the caller's frame */
    void *reply;
    ac_oneshot_rx rx;
    int state; /* ASK_* (actor.c) */
    union {
        ac_mpsc_send_frame send;
        ac_oneshot_recv_frame recv;
    } await;
} ac_actor_ask_frame;

/* A tell is a send of the envelope: the statuses coincide. */
typedef ac_mpsc_send_frame ac_actor_tell_frame;

typedef struct ac_actor_recv_frame {
    ac_actor_inbox *inbox; /* NULL: bad input */
    ac_actor_envelope *env;
    ac_mpsc_recv_frame recv;
} ac_actor_recv_frame;

typedef struct ac_actor_supervise_frame {
    ac_actor_inbox inbox;
    ac_actor_start start; /* NULL once finished */
    ac_supervisor *sup;
    ac_future incarnation; /* frame NULL between incarnations */
    int running;           /* polled once: *sup is being kept */
} ac_actor_supervise_frame;

#if defined(ASYNCC_PARSE)
async int ac_actor_ask(ac_actor_ref *ref, ac_actor_envelope *env, void *reply);
async int ac_actor_tell(ac_actor_ref *ref, ac_actor_envelope *env);
async int ac_actor_recv(ac_actor_inbox *inbox, ac_actor_envelope *env, size_t envelope_size);
async int ac_actor_supervise(ac_actor_inbox inbox, ac_actor_start start, ac_supervisor *sup);
#else
static inline void ac_actor_ask_init(ac_actor_ask_frame *f, ac_actor_ref *ref,
                                     ac_actor_envelope *env, void *reply) {
    f->ref = ref;
    f->env = env;
    f->reply = reply;
    f->rx.ch = NULL;
    f->state = 0;
}
ac_poll ac_actor_ask_poll(ac_actor_ask_frame *f, ac_cx *cx, int *out);
void ac_actor_ask_drop(ac_actor_ask_frame *f);

static inline void ac_actor_tell_init(ac_actor_tell_frame *f, ac_actor_ref *ref,
                                      ac_actor_envelope *env) {
    env->reply.ch = NULL;
    ac_mpsc_send_init(f, &ref->tx, env);
}
static inline ac_poll ac_actor_tell_poll(ac_actor_tell_frame *f, ac_cx *cx, int *out) {
    return ac_mpsc_send_poll(f, cx, out);
}
static inline void ac_actor_tell_drop(ac_actor_tell_frame *f) {
    ac_mpsc_send_drop(f);
}

static inline void ac_actor_recv_init(ac_actor_recv_frame *f, ac_actor_inbox *inbox,
                                      ac_actor_envelope *env, size_t envelope_size) {
    f->inbox = inbox && inbox->envelope_size == envelope_size ? inbox : NULL;
    f->env = env;
    f->recv.ch = NULL; /* a drop of a frame with bad input does nothing */
    if (f->inbox)
        ac_mpsc_recv_init(&f->recv, &inbox->rx, env);
}
ac_poll ac_actor_recv_poll(ac_actor_recv_frame *f, ac_cx *cx, int *out);
static inline void ac_actor_recv_drop(ac_actor_recv_frame *f) {
    ac_mpsc_recv_drop(&f->recv);
}

static inline void ac_actor_supervise_init(ac_actor_supervise_frame *f, ac_actor_inbox inbox,
                                           ac_actor_start start, ac_supervisor *sup) {
    f->inbox = inbox;
    f->start = start;
    f->sup = sup;
    f->incarnation.frame = NULL;
    f->running = 0;
}
ac_poll ac_actor_supervise_poll(ac_actor_supervise_frame *f, ac_cx *cx, int *out);
void ac_actor_supervise_drop(ac_actor_supervise_frame *f);
#endif

/* The typed leaves (AC_ACTOR_TYPED) in this face: frames holding the envelope, and for
 * the ABI their init/poll/drop forwarding to the untyped leaf's. */
#define AC_ACTOR_FRAMES_(name, Req)                                                                \
    typedef struct name##_ask_frame {                                                              \
        ac_actor_ask_frame base;                                                                   \
        name##_envelope_ env;                                                                      \
    } name##_ask_frame;                                                                            \
    typedef struct name##_tell_frame {                                                             \
        ac_actor_tell_frame base;                                                                  \
        name##_envelope_ env;                                                                      \
    } name##_tell_frame;                                                                           \
    typedef struct name##_recv_frame {                                                             \
        ac_actor_recv_frame base;                                                                  \
        name##_envelope_ env;                                                                      \
        Req *out;                                                                                  \
    } name##_recv_frame;

#if defined(ASYNCC_PARSE)
#define AC_ACTOR_LEAVES_(name, Req, Rep)                                                           \
    AC_ACTOR_FRAMES_(name, Req)                                                                    \
    async int name##_ask(name##_ref *ref, Req request, Rep *reply);                                \
    async int name##_tell(name##_ref *ref, Req request);                                           \
    async int name##_recv(ac_actor_inbox *inbox, Req *request);
#else
#define AC_ACTOR_LEAVES_(name, Req, Rep)                                                           \
    AC_ACTOR_FRAMES_(name, Req)                                                                    \
    AC_ACTOR_TYPED_FN_ void name##_ask_init(name##_ask_frame *f, name##_ref *ref, Req request,     \
                                            Rep *reply) {                                          \
        f->env.request = request;                                                                  \
        ac_actor_ask_init(&f->base, &ref->raw, &f->env.head, reply);                               \
    }                                                                                              \
    AC_ACTOR_TYPED_FN_ ac_poll name##_ask_poll(name##_ask_frame *f, ac_cx *cx, int *out) {         \
        return ac_actor_ask_poll(&f->base, cx, out);                                               \
    }                                                                                              \
    AC_ACTOR_TYPED_FN_ void name##_ask_drop(name##_ask_frame *f) {                                 \
        ac_actor_ask_drop(&f->base);                                                               \
    }                                                                                              \
    AC_ACTOR_TYPED_FN_ void name##_tell_init(name##_tell_frame *f, name##_ref *ref, Req request) { \
        f->env.request = request;                                                                  \
        ac_actor_tell_init(&f->base, &ref->raw, &f->env.head);                                     \
    }                                                                                              \
    AC_ACTOR_TYPED_FN_ ac_poll name##_tell_poll(name##_tell_frame *f, ac_cx *cx, int *out) {       \
        return ac_actor_tell_poll(&f->base, cx, out);                                              \
    }                                                                                              \
    AC_ACTOR_TYPED_FN_ void name##_tell_drop(name##_tell_frame *f) {                               \
        ac_actor_tell_drop(&f->base);                                                              \
    }                                                                                              \
    AC_ACTOR_TYPED_FN_ void name##_recv_init(name##_recv_frame *f, ac_actor_inbox *inbox,          \
                                             Req *request) {                                       \
        f->out = request;                                                                          \
        ac_actor_recv_init(&f->base, inbox, &f->env.head, sizeof f->env);                          \
    }                                                                                              \
    AC_ACTOR_TYPED_FN_ ac_poll name##_recv_poll(name##_recv_frame *f, ac_cx *cx, int *out) {       \
        if (ac_actor_recv_poll(&f->base, cx, out) == AC_PENDING)                                   \
            return AC_PENDING;                                                                     \
        if (*out == AC_ACTOR_OK)                                                                   \
            *f->out = f->env.request;                                                              \
        return AC_READY;                                                                           \
    }                                                                                              \
    AC_ACTOR_TYPED_FN_ void name##_recv_drop(name##_recv_frame *f) {                               \
        ac_actor_recv_drop(&f->base);                                                              \
    }
#endif

#elif defined(ASYNCC_SEQUENTIAL)
/* ---- plain C: the sequential meaning (see the top of the file) ------------------------- */

static inline int ac_actor_new(ac_actor_ref *ref, ac_actor_inbox *inbox, size_t envelope_size,
                               size_t reply_size, size_t capacity) {
    return ac_actor_new_sequential_(ref, inbox, envelope_size, reply_size, capacity);
}
static inline int ac_actor_ask(ac_actor_ref *ref, ac_actor_envelope *env, void *reply) {
    return ac_actor_ask_sequential_(ref, env, reply);
}
static inline int ac_actor_tell(ac_actor_ref *ref, ac_actor_envelope *env) {
    return ac_actor_tell_sequential_(ref, env);
}
static inline int ac_actor_recv(ac_actor_inbox *inbox, ac_actor_envelope *env,
                                size_t envelope_size) {
    return ac_actor_recv_sequential_(inbox, env, envelope_size);
}

static inline int ac_actor_incarnation_(void (*start)(void), ac_actor_inbox *inbox, void *arg,
                                        int *status) {
    ac_future fu = ((ac_actor_start)start)(inbox, arg);
    if (!ac_future_valid(fu))
        return AC_ACTOR_NOMEM;
    if (fu.done->size != sizeof(int)) {
        ac_future_drop(fu);
        return AC_ACTOR_INVALID;
    }
    ac_future_block_on(fu, status);
    return AC_ACTOR_OK;
}
static inline int ac_actor_supervise(ac_actor_inbox inbox, ac_actor_start start,
                                     ac_supervisor *sup) {
    return ac_actor_supervise_sequential_(&inbox, (void (*)(void))start, sup,
                                          ac_actor_incarnation_);
}

#define AC_ACTOR_LEAVES_(name, Req, Rep)                                                           \
    AC_ACTOR_TYPED_FN_ int name##_ask(name##_ref *ref, Req request, Rep *reply) {                  \
        name##_envelope_ env = {.request = request};                                               \
        return ac_actor_ask(&ref->raw, &env.head, reply);                                          \
    }                                                                                              \
    AC_ACTOR_TYPED_FN_ int name##_tell(name##_ref *ref, Req request) {                             \
        name##_envelope_ env = {.request = request};                                               \
        return ac_actor_tell(&ref->raw, &env.head);                                                \
    }                                                                                              \
    AC_ACTOR_TYPED_FN_ int name##_recv(ac_actor_inbox *inbox, Req *request) {                      \
        name##_envelope_ env;                                                                      \
        int r = ac_actor_recv(inbox, &env.head, sizeof env);                                       \
        if (r == AC_ACTOR_OK)                                                                      \
            *request = env.request;                                                                \
        return r;                                                                                  \
    }

#else
/* clang-format off */
#error "this file uses async/await: compile the C that asyncc writes from it (asyncc file.c -o file.gen.c), or define ASYNCC_SEQUENTIAL for its sequential meaning"
/* clang-format on */
#endif

/* ---- the typed layer ------------------------------------------------------------------------ */

/* AC_ACTOR_TYPED(name, Request, Reply): see the top of the file. */
#define AC_ACTOR_TYPED(name, Req, Rep)                                                             \
    typedef struct name##_ref {                                                                    \
        ac_actor_ref raw;                                                                          \
    } name##_ref;                                                                                  \
    typedef struct name##_envelope_ {                                                              \
        ac_actor_envelope head;                                                                    \
        Req request;                                                                               \
    } name##_envelope_;                                                                            \
    AC_ACTOR_TYPED_FN_ int name##_new(name##_ref *ref, ac_actor_inbox *inbox, size_t capacity) {   \
        return ac_actor_new(&ref->raw, inbox, sizeof(name##_envelope_), sizeof(Rep), capacity);    \
    }                                                                                              \
    AC_ACTOR_TYPED_FN_ int name##_ref_clone(const name##_ref *ref, name##_ref *copy) {             \
        return ac_actor_ref_clone(&ref->raw, &copy->raw);                                          \
    }                                                                                              \
    AC_ACTOR_TYPED_FN_ void name##_ref_drop(name##_ref *ref) {                                     \
        ac_actor_ref_drop(&ref->raw);                                                              \
    }                                                                                              \
    AC_ACTOR_TYPED_FN_ int name##_try_tell(name##_ref *ref, Req request) {                         \
        name##_envelope_ env = {.request = request};                                               \
        return ac_actor_try_tell(&ref->raw, &env.head);                                            \
    }                                                                                              \
    AC_ACTOR_TYPED_FN_ int name##_reply(ac_actor_inbox *inbox, Rep value) {                        \
        if (!inbox || inbox->reply_size != sizeof value)                                           \
            return AC_ACTOR_INVALID;                                                               \
        return ac_actor_reply(inbox, &value);                                                      \
    }                                                                                              \
    AC_ACTOR_LEAVES_(name, Req, Rep)                                                               \
    typedef int name##_typed_

#endif
