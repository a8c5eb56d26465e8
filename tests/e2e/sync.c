/* sync.c - <ac_sync.h> through asyncc: a mutex held across an await, a semaphore
 * shared by tasks wanting 1 or 2 permits, a read-write lock, notify, a barrier of one
 * party, cancellation tokens, and the error values. Only what does not depend on how
 * tasks interleave is printed: in the plain build each spawned task runs to its end
 * at once, so every lock it takes is free. */
#include <stdio.h>

#include <asyncc.h>
/* after <asyncc.h>, which picks its face */
#include <ac_sync.h>

typedef struct account {
    ac_mutex lock;
    long balance;
} account;

/* A read-modify-write that yields in the middle: without the lock, deposits that
 * interleave would be lost. */
async int deposit(account *acc, int times) {
    for (int i = 0; i < times; i++) {
        await(ac_mutex_lock(&acc->lock));
        long before = acc->balance;
        await(ac_yield());
        acc->balance = before + 1;
        ac_mutex_unlock(&acc->lock);
    }
    return times;
}

typedef struct room {
    ac_semaphore seats;
    size_t inside, max_inside;
} room;

async int visit(room *r, size_t n) {
    int rc = await(ac_semaphore_acquire(&r->seats, n));
    if (rc != 0)
        return rc;
    r->inside += n;
    if (r->inside > r->max_inside)
        r->max_inside = r->inside;
    await(ac_yield());
    r->inside -= n;
    return ac_semaphore_release(&r->seats, n);
}

typedef struct shelf {
    ac_rwlock lock;
    int books;
    int reads;
} shelf;

async int reader(shelf *s) {
    await(ac_rwlock_read_lock(&s->lock));
    int seen = s->books;
    await(ac_yield());
    s->reads += seen == s->books; /* no writer came in between */
    return ac_rwlock_read_unlock(&s->lock);
}

async int writer(shelf *s) {
    await(ac_rwlock_write_lock(&s->lock));
    int books = s->books;
    await(ac_yield());
    s->books = books + 1;
    return ac_rwlock_write_unlock(&s->lock);
}

async int join_all(ac_task **tasks, int n) {
    int sum = 0;
    for (int i = 0; i < n; i++) {
        int r = 0;
        await(ac_join(tasks[i], &r));
        sum += r;
    }
    return sum;
}

async void locks(void) {
    account acc = {.balance = 0};
    ac_mutex_init(&acc.lock);
    ac_task *tasks[8];
    for (int i = 0; i < 8; i++)
        tasks[i] = ac_spawn(deposit(&acc, 25));
    int total = await(join_all(tasks, 8));
    printf("mutex: %d deposits, balance %ld\n", total, acc.balance);

    room r = {.inside = 0, .max_inside = 0};
    ac_semaphore_init(&r.seats, 3);
    for (int i = 0; i < 8; i++)
        tasks[i] = ac_spawn(visit(&r, 1 + (size_t)(i % 2)));
    int failed = await(join_all(tasks, 8));
    printf("semaphore: %d failed, at most 3 inside: %d, %zu free\n", failed, r.max_inside <= 3,
           ac_semaphore_available(&r.seats));

    shelf s = {.books = 0, .reads = 0};
    ac_rwlock_init(&s.lock);
    for (int i = 0; i < 8; i++)
        tasks[i] = i % 3 == 0 ? ac_spawn(writer(&s)) : ac_spawn(reader(&s));
    failed = await(join_all(tasks, 8));
    printf("rwlock: %d failed, %d books, %d steady reads\n", failed, s.books, s.reads);
}

async void events(void) {
    ac_notify n;
    ac_notify_init(&n);
    ac_notify_one(&n); /* stored: the wait below ends at once */
    printf("notify: %d\n", await(ac_notified(&n)));

    ac_barrier alone;
    ac_barrier_init(&alone, 1);
    printf("barrier of one: leader %d\n", await(ac_barrier_wait(&alone)) == AC_BARRIER_LEADER);

    ac_cancel_token root, child, grandchild;
    ac_cancel_token_init(&root);
    ac_cancel_token_init_child(&child, &root);
    ac_cancel_token_init_child(&grandchild, &child);
    ac_cancel_token_cancel(&child);
    printf("cancel child: root %d, child %d, grandchild %d\n", ac_cancel_token_is_cancelled(&root),
           ac_cancel_token_is_cancelled(&child), ac_cancel_token_is_cancelled(&grandchild));
    printf("cancelled: %d\n", await(ac_cancelled(&grandchild)));
    ac_cancel_token_destroy(&grandchild);
    ac_cancel_token_destroy(&child);
    ac_cancel_token_destroy(&root);
}

void errors(void) {
    ac_mutex m;
    ac_mutex_init(&m);
    printf("unlock unlocked: %d\n", ac_mutex_unlock(&m) == -EPERM);
    ac_mutex_try_lock(&m);
    printf("try_lock held: %d\n", ac_mutex_try_lock(&m) == -EBUSY);
    ac_semaphore sem;
    printf("too many permits: %d\n",
           ac_semaphore_init(&sem, AC_SEMAPHORE_MAX_PERMITS + 1) == -EINVAL);
    ac_semaphore_init(&sem, 1);
    printf("try 2 of 1: %d\n", ac_semaphore_try_acquire(&sem, 2) == -EAGAIN);
    ac_semaphore_close(&sem);
    printf("closed: %d\n", ac_semaphore_try_acquire(&sem, 1) == -ECANCELED);
    ac_barrier b;
    printf("barrier of none: %d\n", ac_barrier_init(&b, 0) == -EINVAL);
}

async int checks(void) {
    ac_semaphore sem;
    ac_semaphore_init(&sem, 1);
    return await(ac_semaphore_acquire(&sem, 0)) == -EINVAL;
}

int main(void) {
    ac_block_on(locks());
    ac_block_on(events());
    errors();
    printf("acquire 0: %d\n", ac_block_on(checks()));
    return 0;
}
