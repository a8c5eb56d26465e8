/* blocking.c - the pool of threads behind ac_spawn_blocking and the ready-made blocking
 * leaves (ac_blocking.h has the API).
 *
 * A job is one allocation the pool owns: the function, its data (the caller's bytes,
 * copied in), the ac_remote that wakes the parked task, and two references - the
 * awaiting frame's and the pool thread's - counted under the job's mutex. The thread
 * runs the function, then, under the mutex, marks the job done and wakes the remote;
 * the frame's poll, under the same mutex, sees it done, copies the data out and lets
 * go. A frame dropped first disarms the remote (the thread's wake then does nothing)
 * and lets go too: whoever lets go last frees the job, calling its release hook first
 * when the caller never took the result (getaddrinfo's list). So the thread only ever
 * writes into the job, and the job outlives both.
 *
 * The pool is process-wide: a FIFO of jobs under one mutex, threads started on demand
 * up to max_threads while none is idle, idle threads leaving after keep_alive. At exit
 * (atexit) the idle threads are told to leave and joined, so that a program checked by
 * valgrind does not see their stacks as leaks: each leaving thread joins the one that
 * left before it, and the exit handler joins the last (threads still running a job's
 * function at exit are left to the process's end; one that has returned from it is not
 * busy any more, even before its result is handed over).
 */
#define _GNU_SOURCE 1

#include "internal.h"

#include "ac_blocking.h" /* after internal.h: its runtime face */
#include "blocking_calls.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_MAX_THREADS 16
#define DEFAULT_KEEP_ALIVE_MS 10000

typedef void job_release_fn(void *data);

struct aci_job {
    aci_job *next; /* in the pool's queue */
    pthread_mutex_t lock;
    int refs;  /* the frame's and the thread's, under lock */
    int done;  /* fn has returned, under lock */
    int taken; /* the frame copied the result out: release must not run */
    ac_remote remote;
    ac_blocking_fn *fn;
    job_release_fn *release; /* NULL, or frees what fn left in data */
    alignas(max_align_t) unsigned char data[];
};

/* ---- the pool --------------------------------------------------------------------------- */

static struct {
    pthread_mutex_t lock;
    pthread_cond_t work; /* a job was queued, or exit: for idle threads */
    pthread_cond_t left; /* a thread left, for the exit handler */
    aci_job *head, *tail;
    unsigned threads, idle, busy; /* busy: running a job's function */
    unsigned queued;              /* jobs in the FIFO */
    unsigned max_threads, keep_alive_ms;
    int exiting, at_exit_set;
    pthread_t last_left; /* the last thread that left, not joined yet */
    int has_last_left;
} pool = {.lock = PTHREAD_MUTEX_INITIALIZER,
          .work = PTHREAD_COND_INITIALIZER,
          .left = PTHREAD_COND_INITIALIZER,
          .max_threads = DEFAULT_MAX_THREADS,
          .keep_alive_ms = DEFAULT_KEEP_ALIVE_MS};

int ac_blocking_configure(unsigned max_threads, unsigned keep_alive_ms) {
    if (max_threads == 0)
        return -EINVAL;
    pthread_mutex_lock(&pool.lock);
    pool.max_threads = max_threads;
    pool.keep_alive_ms = keep_alive_ms;
    pthread_mutex_unlock(&pool.lock);
    return 0;
}

void ac_blocking_metrics_get(ac_blocking_metrics *m) {
    pthread_mutex_lock(&pool.lock);
    *m = (ac_blocking_metrics){pool.threads, pool.busy, pool.idle, pool.queued};
    pthread_mutex_unlock(&pool.lock);
}

static void job_unref(aci_job *job) {
    pthread_mutex_lock(&job->lock);
    int last = --job->refs == 0;
    pthread_mutex_unlock(&job->lock);
    if (!last)
        return;
    if (job->release && job->done && !job->taken)
        job->release(job->data);
    pthread_mutex_destroy(&job->lock);
    free(job);
}

/* The job's function has returned: mark it done and wake the frame. */
static void job_complete(aci_job *job) {
    pthread_mutex_lock(&job->lock);
    job->done = 1;
    /* Under lock: the frame cannot free the job meanwhile. Only while the frame holds
     * its reference: once it let go, its loop may be gone (a multi-thread runtime's
     * worker that exited), and the remote is disarmed anyway. */
    if (job->refs == 2)
        ac_remote_wake(&job->remote);
    pthread_mutex_unlock(&job->lock);
    job_unref(job);
}

/* The next job, waiting for one at most keep_alive; NULL when the thread should leave.
 * Called and returns with pool.lock held. */
static aci_job *pool_next(void) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    uint64_t ns = (uint64_t)until.tv_nsec + (uint64_t)pool.keep_alive_ms * 1000000u;
    until.tv_sec += (time_t)(ns / 1000000000u);
    until.tv_nsec = (long)(ns % 1000000000u);
    int rc = 0;
    pool.idle++;
    while (!pool.head && rc != ETIMEDOUT && !pool.exiting)
        rc = pthread_cond_timedwait(&pool.work, &pool.lock, &until);
    pool.idle--;
    aci_job *job = pool.head;
    if (job) {
        pool.queued--;
        pool.head = job->next;
        if (!pool.head)
            pool.tail = NULL;
    }
    return job;
}

/* This thread leaves the pool (pool.lock held; released here): it joins the thread that
 * left before it and becomes the one to join. */
static void pool_leave(void) {
    pthread_t previous = pool.last_left;
    int join_previous = pool.has_last_left;
    pool.last_left = pthread_self();
    pool.has_last_left = 1;
    pool.threads--;
    pthread_cond_broadcast(&pool.left);
    pthread_mutex_unlock(&pool.lock);
    if (join_previous)
        pthread_join(previous, NULL);
}

/* At exit: every thread not running a job leaves, and the last one to leave is joined. */
static void pool_at_exit(void) {
    pthread_mutex_lock(&pool.lock);
    pool.exiting = 1;
    pthread_cond_broadcast(&pool.work);
    while (pool.threads > pool.busy)
        pthread_cond_wait(&pool.left, &pool.lock);
    int join_last = pool.has_last_left;
    pool.has_last_left = 0;
    pthread_mutex_unlock(&pool.lock);
    if (join_last)
        pthread_join(pool.last_left, NULL);
}

static void *pool_thread(void *unused) {
    (void)unused;
    pthread_mutex_lock(&pool.lock);
    aci_job *job;
    while ((job = pool_next()) != NULL) {
        pool.busy++;
        pthread_mutex_unlock(&pool.lock);
        job->fn(job->data);
        /* No longer busy before the job is seen done: a program that returns from main
         * as soon as it has the result must find this thread one the exit joins. */
        pthread_mutex_lock(&pool.lock);
        pool.busy--;
        pthread_mutex_unlock(&pool.lock);
        job_complete(job);
        pthread_mutex_lock(&pool.lock);
    }
    pool_leave();
    return NULL;
}

/* Start a thread with every signal blocked (it inherits the mask). Called with
 * pool.lock held; 0 or a negative errno. */
static int pool_start_thread(void) {
    if (!pool.at_exit_set)
        pool.at_exit_set = atexit(pool_at_exit) == 0;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_t id;
    int rc = pthread_create(&id, NULL, pool_thread, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0)
        return -rc;
    pool.threads++;
    return 0;
}

/* Queue job; 0, or -EAGAIN when no thread runs and none could be started. */
static int pool_submit(aci_job *job) {
    pthread_mutex_lock(&pool.lock);
    int rc = 0;
    if (pool.idle == 0 && pool.threads < pool.max_threads)
        rc = pool_start_thread();
    if (rc != 0 && pool.threads > 0)
        rc = 0; /* a running thread will get to it */
    if (rc == 0) {
        pool.queued++;
        job->next = NULL;
        if (pool.tail)
            pool.tail->next = job;
        else
            pool.head = job;
        pool.tail = job;
        pthread_cond_signal(&pool.work);
    }
    pthread_mutex_unlock(&pool.lock);
    return rc == 0 ? 0 : -EAGAIN;
}

/* ---- jobs, as the leaves see them --------------------------------------------------------- */

static aci_job *job_new(ac_blocking_fn *fn, size_t size, job_release_fn *release) {
    aci_job *job = malloc(sizeof *job + size);
    if (!job)
        return NULL;
    job->next = NULL;
    pthread_mutex_init(&job->lock, NULL);
    job->refs = 2;
    job->done = 0;
    job->taken = 0;
    job->fn = fn;
    job->release = release;
    return job;
}

/* Arm the job's remote for the task and queue it; 0, or a negative errno (job freed). */
static int job_start(ac_spawn_blocking_frame *core, aci_job *job, ac_cx *cx) {
    ac_remote_init(&job->remote);
    int rc = ac_remote_arm(&job->remote, cx);
    if (rc == 0 && (rc = pool_submit(job)) != 0)
        ac_remote_disarm(&job->remote);
    if (rc != 0) {
        pthread_mutex_destroy(&job->lock);
        free(job);
        return rc;
    }
    core->job = job;
    return 0;
}

/* The job's data once it is done (the caller copies its result out, then calls
 * job_finish), or NULL while it runs. */
static void *job_result(ac_spawn_blocking_frame *core) {
    aci_job *job = core->job;
    pthread_mutex_lock(&job->lock);
    int done = job->done;
    pthread_mutex_unlock(&job->lock);
    return done ? job->data : NULL;
}

/* The frame lets go of its job: finished (result taken) or dropped. */
static void job_finish(ac_spawn_blocking_frame *core, int taken) {
    aci_job *job = core->job;
    if (!job)
        return;
    core->job = NULL;
    ac_remote_disarm(&job->remote);
    job->taken = taken;
    job_unref(job);
}

/* The poll every blocking leaf shares. The first poll makes a job of size bytes, has
 * fill write them and starts it; the poll that finds it done has take read them and
 * write the leaf's result to out. A job that cannot start is AC_READY with a negative
 * errno in *err (else *err is 0), for the leaf to return. */
typedef void job_fill_fn(ac_spawn_blocking_frame *core, void *data);
typedef void job_take_fn(ac_spawn_blocking_frame *core, void *data, void *out);

typedef struct job_kind {
    ac_blocking_fn *fn;
    job_release_fn *release;
    job_fill_fn *fill;
    job_take_fn *take;
} job_kind;

static ac_poll job_poll(ac_spawn_blocking_frame *core, ac_cx *cx, const job_kind *kind, size_t size,
                        void *out, int *err) {
    *err = 0;
    if (!core->job) {
        aci_job *job = job_new(kind->fn, size, kind->release);
        if (!job) {
            *err = -ENOMEM;
            return AC_READY;
        }
        kind->fill(core, job->data);
        *err = job_start(core, job, cx);
        return *err != 0 ? AC_READY : AC_PENDING;
    }
    void *data = job_result(core);
    if (!data)
        return AC_PENDING; /* a spurious poll */
    kind->take(core, data, out);
    job_finish(core, 1);
    return AC_READY;
}

/* The leaves return their result, or the error of a job that did not start. */
static ac_poll int_poll(ac_spawn_blocking_frame *core, ac_cx *cx, const job_kind *kind, size_t size,
                        int *out) {
    int err;
    ac_poll p = job_poll(core, cx, kind, size, out, &err);
    if (p == AC_READY && err != 0)
        *out = err;
    return p;
}

static ac_poll ssize_poll(ac_spawn_blocking_frame *core, ac_cx *cx, const job_kind *kind,
                          size_t size, ssize_t *out) {
    int err;
    ac_poll p = job_poll(core, cx, kind, size, out, &err);
    if (p == AC_READY && err != 0)
        *out = err;
    return p;
}

/* ---- leaf: ac_spawn_blocking -------------------------------------------------------------- */

void ac_spawn_blocking_init(ac_spawn_blocking_frame *f, ac_blocking_fn *fn, void *data,
                            size_t size) {
    *f = (ac_spawn_blocking_frame){fn, data, size, NULL};
}

static void copy_in(ac_spawn_blocking_frame *core, void *data) {
    memcpy(data, core->data, core->size);
}

static void copy_out(ac_spawn_blocking_frame *core, void *data, void *out) {
    memcpy(core->data, data, core->size);
    *(int *)out = 0;
}

ac_poll ac_spawn_blocking_poll(ac_spawn_blocking_frame *f, ac_cx *cx, int *out) {
    job_kind kind = {f->fn, NULL, copy_in, copy_out};
    return int_poll(f, cx, &kind, f->size, out);
}

void ac_spawn_blocking_drop(ac_spawn_blocking_frame *f) {
    job_finish(f, 0);
}

static void core_init(ac_spawn_blocking_frame *core) {
    ac_spawn_blocking_init(core, NULL, NULL, 0);
}

/* ---- regular files ---------------------------------------------------------------------- */

int aci_call_open(const char *path, int flags, mode_t mode) {
    int fd;
    while ((fd = open(path, flags | O_CLOEXEC, mode)) < 0 && errno == EINTR) {
    }
    return fd < 0 ? -errno : fd;
}

int aci_call_close(int fd) {
    return close(fd) < 0 && errno != EINTR ? -errno : 0;
}

ssize_t aci_call_pread(int fd, void *buf, size_t n, off_t off) {
    ssize_t r;
    while ((r = pread(fd, buf, n, off)) < 0 && errno == EINTR) {
    }
    return r < 0 ? -errno : r;
}

ssize_t aci_call_pwrite(int fd, const void *buf, size_t n, off_t off) {
    ssize_t r;
    while ((r = pwrite(fd, buf, n, off)) < 0 && errno == EINTR) {
    }
    return r < 0 ? -errno : r;
}

/* open: the path is copied after the struct. */
typedef struct open_job {
    int flags;
    mode_t mode;
    int result;
    char path[];
} open_job;

static void open_run(void *data) {
    open_job *j = data;
    j->result = aci_call_open(j->path, j->flags, j->mode);
}

static void open_release(void *data) {
    open_job *j = data; /* opened for a frame that is gone: nobody else would close it */
    if (j->result >= 0)
        close(j->result);
}

static void open_fill(ac_spawn_blocking_frame *core, void *data) {
    const ac_file_open_frame *f = (const ac_file_open_frame *)core;
    open_job *j = data;
    j->flags = f->flags;
    j->mode = f->mode;
    strcpy(j->path, f->path);
}

static void open_take(ac_spawn_blocking_frame *core, void *data, void *out) {
    (void)core;
    *(int *)out = ((open_job *)data)->result;
}

static const job_kind open_kind = {open_run, open_release, open_fill, open_take};

void ac_file_open_init(ac_file_open_frame *f, const char *path, int flags, mode_t mode) {
    core_init(&f->core);
    f->path = path;
    f->flags = flags;
    f->mode = mode;
}

ac_poll ac_file_open_poll(ac_file_open_frame *f, ac_cx *cx, int *out) {
    size_t size = f->core.job ? 0 : sizeof(open_job) + strlen(f->path) + 1;
    return int_poll(&f->core, cx, &open_kind, size, out);
}

void ac_file_open_drop(ac_file_open_frame *f) {
    job_finish(&f->core, 0);
}

/* close */
typedef struct close_job {
    int fd;
    int result;
} close_job;

static void close_run(void *data) {
    close_job *j = data;
    j->result = aci_call_close(j->fd);
}

static void close_fill(ac_spawn_blocking_frame *core, void *data) {
    ((close_job *)data)->fd = ((const ac_file_close_frame *)core)->fd;
}

static void close_take(ac_spawn_blocking_frame *core, void *data, void *out) {
    (void)core;
    *(int *)out = ((close_job *)data)->result;
}

static const job_kind close_kind = {close_run, NULL, close_fill, close_take};

void ac_file_close_init(ac_file_close_frame *f, int fd) {
    core_init(&f->core);
    f->fd = fd;
}

ac_poll ac_file_close_poll(ac_file_close_frame *f, ac_cx *cx, int *out) {
    return int_poll(&f->core, cx, &close_kind, sizeof(close_job), out);
}

void ac_file_close_drop(ac_file_close_frame *f) {
    job_finish(&f->core, 0);
}

/* pread and pwrite: the bytes go through a buffer after the struct. */
typedef struct rw_job {
    int fd;
    size_t n;
    off_t off;
    ssize_t result;
    unsigned char bytes[];
} rw_job;

static void pread_run(void *data) {
    rw_job *j = data;
    j->result = aci_call_pread(j->fd, j->bytes, j->n, j->off);
}

static void pwrite_run(void *data) {
    rw_job *j = data;
    j->result = aci_call_pwrite(j->fd, j->bytes, j->n, j->off);
}

static void pread_fill(ac_spawn_blocking_frame *core, void *data) {
    const ac_file_rw_frame *f = (const ac_file_rw_frame *)core;
    rw_job *j = data;
    j->fd = f->fd;
    j->n = f->n;
    j->off = f->off;
    j->result = 0;
}

static void pwrite_fill(ac_spawn_blocking_frame *core, void *data) {
    pread_fill(core, data);
    memcpy(((rw_job *)data)->bytes, ((const ac_file_rw_frame *)core)->buf, ((rw_job *)data)->n);
}

static void pread_take(ac_spawn_blocking_frame *core, void *data, void *out) {
    const rw_job *j = data;
    if (j->result > 0)
        memcpy(((ac_file_pread_frame *)core)->buf, j->bytes, (size_t)j->result);
    *(ssize_t *)out = j->result;
}

static void pwrite_take(ac_spawn_blocking_frame *core, void *data, void *out) {
    (void)core;
    *(ssize_t *)out = ((rw_job *)data)->result;
}

static const job_kind pread_kind = {pread_run, NULL, pread_fill, pread_take};
static const job_kind pwrite_kind = {pwrite_run, NULL, pwrite_fill, pwrite_take};

static void rw_init(ac_file_rw_frame *f, int fd, void *buf, size_t n, off_t off) {
    core_init(&f->core);
    f->fd = fd;
    f->buf = buf;
    f->n = n;
    f->off = off;
}

void ac_file_pread_init(ac_file_pread_frame *f, int fd, void *buf, size_t n, off_t off) {
    rw_init(f, fd, buf, n, off);
}

ac_poll ac_file_pread_poll(ac_file_pread_frame *f, ac_cx *cx, ssize_t *out) {
    return ssize_poll(&f->core, cx, &pread_kind, sizeof(rw_job) + f->n, out);
}

void ac_file_pread_drop(ac_file_pread_frame *f) {
    job_finish(&f->core, 0);
}

void ac_file_pwrite_init(ac_file_pwrite_frame *f, int fd, const void *buf, size_t n, off_t off) {
    rw_init(f, fd, (void *)(uintptr_t)buf, n, off); /* only read */
}

ac_poll ac_file_pwrite_poll(ac_file_pwrite_frame *f, ac_cx *cx, ssize_t *out) {
    return ssize_poll(&f->core, cx, &pwrite_kind, sizeof(rw_job) + f->n, out);
}

void ac_file_pwrite_drop(ac_file_pwrite_frame *f) {
    job_finish(&f->core, 0);
}

/* ---- name resolution ---------------------------------------------------------------------- */

/* The host and service strings follow the struct, at offsets (-1 for NULL). */
typedef struct gai_job {
    struct addrinfo hints; /* the four fields getaddrinfo reads; pointers NULL */
    int has_hints;
    ptrdiff_t host, service;
    int result;
    struct addrinfo *res;
    char strings[];
} gai_job;

static const char *gai_string(const gai_job *j, ptrdiff_t at) {
    return at < 0 ? NULL : j->strings + at;
}

static void gai_run(void *data) {
    gai_job *j = data;
    j->res = NULL;
    j->result = getaddrinfo(gai_string(j, j->host), gai_string(j, j->service),
                            j->has_hints ? &j->hints : NULL, &j->res);
}

static void gai_release(void *data) {
    gai_job *j = data;
    if (j->result == 0 && j->res)
        freeaddrinfo(j->res);
}

static size_t gai_strings_size(const ac_getaddrinfo_frame *f) {
    return (f->host ? strlen(f->host) + 1 : 0) + (f->service ? strlen(f->service) + 1 : 0);
}

/* Copy s into the strings at *at; its offset, or -1 for NULL. */
static ptrdiff_t gai_put(gai_job *j, size_t *at, const char *s) {
    if (!s)
        return -1;
    ptrdiff_t here = (ptrdiff_t)*at;
    strcpy(j->strings + *at, s);
    *at += strlen(s) + 1;
    return here;
}

static void gai_fill(ac_spawn_blocking_frame *core, void *data) {
    const ac_getaddrinfo_frame *f = (const ac_getaddrinfo_frame *)core;
    gai_job *j = data;
    memset(j, 0, sizeof *j);
    if (f->hints) {
        j->hints.ai_flags = f->hints->ai_flags;
        j->hints.ai_family = f->hints->ai_family;
        j->hints.ai_socktype = f->hints->ai_socktype;
        j->hints.ai_protocol = f->hints->ai_protocol;
        j->has_hints = 1;
    }
    size_t at = 0;
    j->host = gai_put(j, &at, f->host);
    j->service = gai_put(j, &at, f->service);
}

static void gai_take(ac_spawn_blocking_frame *core, void *data, void *out) {
    const gai_job *j = data;
    *((ac_getaddrinfo_frame *)core)->res = j->result == 0 ? j->res : NULL;
    *(int *)out = j->result;
}

static const job_kind gai_kind = {gai_run, gai_release, gai_fill, gai_take};

void ac_getaddrinfo_init(ac_getaddrinfo_frame *f, const char *host, const char *service,
                         const struct addrinfo *hints, struct addrinfo **res) {
    core_init(&f->core);
    f->host = host;
    f->service = service;
    f->hints = hints;
    f->res = res;
}

ac_poll ac_getaddrinfo_poll(ac_getaddrinfo_frame *f, ac_cx *cx, int *out) {
    size_t size = f->core.job ? 0 : sizeof(gai_job) + gai_strings_size(f);
    return int_poll(&f->core, cx, &gai_kind, size, out);
}

void ac_getaddrinfo_drop(ac_getaddrinfo_frame *f) {
    job_finish(&f->core, 0);
}
