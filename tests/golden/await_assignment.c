/* await on the right of an assignment: to a local, to an array element, through a
 * pointer, and to a variable of another type. */
#include <asyncc.h>

struct box {
    int inside;
};

async int value(int v) {
    await(ac_yield());
    return v;
}

async long assign(struct box *b) {
    int x;
    int arr[2];
    long wide;
    x = await(value(1));
    arr[1] = await(value(x));
    b->inside = await(value(arr[1]));
    wide = await(value(3));
    return wide + x + arr[1];
}
