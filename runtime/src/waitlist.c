/* waitlist.c - intrusive lists of parked tasks, shared by every event source (ac_fd
 * now; channels and locks later). A waiter lives in the parked frame, so parking costs
 * no allocation, and a waiter knows its list, so a frame's drop can unlink it without
 * knowing what it waited for. */
#include "waitlist.h"

void aci_waitlist_push(ac_waitlist *l, ac_waiter *w, ac_task *task) {
    w->task = task;
    w->list = l;
    w->next = NULL;
    w->prev = l->tail;
    if (l->tail)
        l->tail->next = w;
    else
        l->head = w;
    l->tail = w;
}

void aci_waitlist_remove(ac_waiter *w) {
    ac_waitlist *l = w->list;
    if (!l)
        return;
    if (w->prev)
        w->prev->next = w->next;
    else
        l->head = w->next;
    if (w->next)
        w->next->prev = w->prev;
    else
        l->tail = w->prev;
    w->list = NULL;
    w->prev = w->next = NULL;
}

size_t aci_waitlist_wake_all(ac_waitlist *l, int reason) {
    size_t n = 0;
    while (l->head) {
        ac_waiter *w = l->head;
        aci_waitlist_remove(w);
        w->reason = reason;
        ac_wake(w->task);
        n++;
    }
    return n;
}
