/* A compound literal whose address is used in a function that awaits gets a frame
 * field, written where the literal is evaluated: `(*(self->literal = ..., &self->literal))`
 * is the literal itself, in the frame. An array is copied in with memcpy. */
#include <asyncc.h>

struct pt {
    int x, y;
};

async int sum(const int *v, int n) {
    await(ac_yield());
    int s = 0;
    for (int i = 0; i < n; i++)
        s += v[i];
    return s;
}

async int norm(const struct pt *p) {
    await(ac_yield());
    return p->x * p->x + p->y * p->y;
}

async int total(int k) {
    int *p = (int[]){await(sum((int[]){1, 2, 3}, 3)), k};
    int n = await(norm(&(struct pt){k, 2}));
    return p[0] + p[1] + n;
}

async int by_value(void) {
    struct pair {
        int a, b;
    };
    int x = ((struct pair){4, 5}).b; /* a value copy: stays as written */
    await(ac_yield());
    return x;
}
