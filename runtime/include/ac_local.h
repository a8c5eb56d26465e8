/* ac_local.h - task-local values: a value bound over a scope, which any code running
 * inside that scope reads, across awaits and, on the multi-thread runtime, across
 * workers (tokio's task_local! and LocalKey::scope).
 *
 *     static AC_LOCAL_KEY(request_id);                 // a key: its address is its identity
 *
 *     async int serve(struct request *req) {
 *         int id = req->id;
 *         ac_local_scope(&request_id, &id);            // bound until this block ends
 *         await(handle(req));                          // handle and what it awaits see &id
 *         return 0;
 *     }
 *
 *     static void log_line(const char *msg) {          // any function, async or not
 *         int *id = ac_local_get(&request_id);         // NULL: not set here
 *         printf("[%d] %s\n", id ? *id : -1, msg);
 *     }
 *
 * ac_local_scope(&key, value) is a declaration: the binding holds from there to the end
 * of the enclosing block, and ends there, at a break, continue, goto or return that
 * leaves the block, and when the frame holding it is dropped inside it (a select's
 * loser, an aborted task, a shutdown). A declaration rather than a `scope(...) { }`
 * statement, so that a break or continue inside means what it means without it (a
 * statement form built on `for` would take them for itself). An inner binding of the
 * same key shadows the outer one until its block ends. The value is a pointer, kept as
 * it is: what it points to must outlive the block (a local of the same block does).
 *
 * What sees a binding: the code of its block, and every call made from there, however
 * deep - awaited calls, the branches of a select, a future awaited there
 * (ac_future_await) - on whatever thread each poll runs. What does not: a task spawned
 * there (ac_spawn, ac_future_spawn, a join set's tasks) starts with no bindings, as in
 * tokio, where spawned tasks do not inherit task-locals; neither does a task run from
 * outside a runtime's workers (ac_runtime_spawn, ac_runtime_block_on, ac_task_block_on,
 * ac_future_block_on). ac_block_on(f(x)) runs f inside the bindings of its caller, as
 * the plain call does. Two select branches bound in their own blocks each see their own.
 *
 * How (grammar/abi.md, section 11): each thread has a stack of the bindings in force,
 * innermost first. A binding is a node in the frame of the function that declares it
 * (`__attribute__((cleanup(ac_local_exit)))`), linked onto the stack where it is
 * declared and unlinked where its scope ends. Where the function suspends inside the
 * scope, the code asyncc writes unlinks it (ac_local_suspend) before returning
 * AC_PENDING, and links it again (ac_local_resume) when the next poll resumes there, on
 * whichever thread that is; the executors poll each task with an empty stack. So the
 * stack always holds exactly the scopes the running code is inside, and reading a key
 * walks it: a few pointer loads per binding in force, no lock, no allocation.
 *
 * Faces: one, plain C in all three. In the sequential meaning (ASYNCC_SEQUENTIAL) the
 * same thread stack serves, and ac_spawn hides the caller's bindings while its call
 * runs, so that a spawned call sees none there either.
 */
#ifndef AC_LOCAL_H
#define AC_LOCAL_H

/* A key. Declare one per task-local, at file scope: `static AC_LOCAL_KEY(request_id);`
 * (its name is for debuggers only; two keys are two task-locals). */
typedef struct ac_local_key {
    const char *name;
} ac_local_key;
#define AC_LOCAL_KEY(var) const ac_local_key var = {#var}

/* A binding: what ac_local_scope declares. The fields are the runtime's. */
typedef struct ac_local_binding {
    const ac_local_key *key;
    void *value;
    struct ac_local_binding *outer; /* the binding below it on the stack while linked */
    int linked;                     /* on this thread's stack */
} ac_local_binding;

/* Bind value to key from here to the end of the enclosing block (see above). At most one
 * per line. */
#define ac_local_scope(key, value)                                                                 \
    ac_local_binding AC_LOCAL_NAME_(__LINE__) __attribute__((cleanup(ac_local_exit))) =            \
        ac_local_bind(&AC_LOCAL_NAME_(__LINE__), (key), (value))
#define AC_LOCAL_NAME_(line) AC_LOCAL_CAT_(ac_local_binding_, line)
#define AC_LOCAL_CAT_(a, b) AC_LOCAL_CAT2_(a, b)
#define AC_LOCAL_CAT2_(a, b) a##b

/* The value bound to key by the innermost binding in force, or NULL when none is. */
void *ac_local_get(const ac_local_key *key);

/* ac_local_scope's initializer: links self (being initialized) onto this thread's
 * stack and returns what self then holds. */
ac_local_binding ac_local_bind(ac_local_binding *self, const ac_local_key *key, void *value);
/* Its cleanup: unlinks b when it is linked. A dropped frame's binding is not (its
 * function suspended, which unlinked it): then nothing to do. */
void ac_local_exit(ac_local_binding *b);

/* What asyncc writes around a suspension inside a binding's scope: unlink b before
 * returning AC_PENDING, link it again when poll resumes there. */
void ac_local_suspend(ac_local_binding *b);
void ac_local_resume(ac_local_binding *b);

/* Set this thread's stack aside (it is empty until ac_local_restore), and put it back:
 * around a spawned call in the sequential meaning, and around the executor's run of
 * other tasks inside a block_on. */
ac_local_binding *ac_local_hide(void);
void ac_local_restore(ac_local_binding *saved);

#endif
