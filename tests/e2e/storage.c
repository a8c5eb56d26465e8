/* storage.c - locals around awaits that stand inside expressions: shadowed names
 * (also in the initializer that awaits), a local whose address is taken before an
 * await and used after it (frames never move), arrays, structs and unions, every form
 * of initializer, for-init declarations, static locals, const and register. */
#include <stdio.h>
#include <string.h>

#include <asyncc.h>

#include "pending.h"

/* v, after (v + k) % 3 suspensions. */
async int at(int v, int k) {
    return await(pending((v + k) % 3, v));
}

/* Adds v to *p after suspending: writes into the caller's frame. */
async int bump(int *p, int v) {
    await(pending(v % 2 + 1, 0));
    *p += v;
    return *p;
}

struct point {
    int x, y;
};

struct shape {
    char name[8];
    struct point corners[2];
    int sides;
};

union number {
    int i;
    unsigned char bytes[sizeof(int)];
};

async int shadowing(int x) {
    int v = x + await(at(1, 0));
    int trace = v, outer = v;
    {
        int v = await(at(outer, 1)) * 10;
        trace = trace * 100 + v + await(at(2, 2));
        for (int v = 0; v < 2; v += await(at(1, v))) {
            int x = v + await(at(3, v));
            trace = trace * 10 + x;
        }
        trace += v;
    }
    trace = trace * 10 + v + x;
    printf("shadowing(%d) = %d\n", x, trace);
    return trace;
}

async int addresses(void) {
    int counter = 5;
    int *p = &counter;
    struct point pt = {1, 2};
    int *py = &pt.y;
    int arr[3] = {10, 20, 30};
    int *mid = arr + 1;
    await(at(0, 2));
    *p += await(at(4, 0));
    *py = await(bump(&counter, 3)) + *py;
    *mid += await(bump(&arr[2], counter)) * 2;
    *mid -= await(bump(p, 1));
    printf("addresses counter %d pt %d %d arr %d %d %d\n", counter, pt.x, pt.y, arr[0], arr[1],
           arr[2]);
    return counter + pt.y + arr[1];
}

async int initializers(int n) {
    int scalar = n * 2;
    int braced = {n + await(at(1, 1))};
    int list[4] = {1, await(at(2, 0)), 3};
    int sized[] = {n, n + 1, await(at(n, 1))};
    int designated[6] = {[4] = await(at(4, 0)), [1] = n, 7};
    struct point pt = {.y = await(at(3, 1)), .x = n};
    struct point copy = pt;
    struct shape sh = {"tri", {{n, await(at(1, 2))}, [1] = {.y = 9}}, 3};
    char text[] = "hello";
    char padded[10] = "ab";
    union number num = {.i = 0x01020304 + await(at(0, 0))};
    struct point zero = {0};
    int array2d[2][2] = {{1, await(at(2, 2))}, {3, 4}};
    await(at(5, 1));
    copy.x += await(at(1, 0));
    text[0] = (char)('H' + await(at(0, 1)));
    int bytes = 0;
    for (size_t i = 0; i < sizeof num.bytes; i++)
        bytes += num.bytes[i];
    printf("init %d %d list %d %d %d %d sized %d %d %d\n", scalar, braced, list[0], list[1],
           list[2], list[3], sized[0], sized[1], sized[2]);
    printf("init designated %d %d %d %d %d %d\n", designated[0], designated[1], designated[2],
           designated[3], designated[4], designated[5]);
    printf("init pt %d %d copy %d %d shape %s %d %d %d %d %d\n", pt.x, pt.y, copy.x, copy.y,
           sh.name, sh.corners[0].x, sh.corners[0].y, sh.corners[1].x, sh.corners[1].y, sh.sides);
    printf("init text %s padded %s %d bytes %d zero %d %d 2d %d %d %d %d\n", text, padded,
           (int)strlen(padded), bytes, zero.x, zero.y, array2d[0][0], array2d[0][1], array2d[1][0],
           array2d[1][1]);
    return scalar + list[1] + sized[2] + designated[4] + pt.y + copy.x + bytes;
}

async int loops_and_statics(int n) {
    static int calls = 0;
    static int history[4];
    calls++;
    int sum = 0;
    for (int i = 0, j = await(at(n, 0)); i < j; i++, j--) {
        sum += i * 10 + j + await(at(i, j));
    }
    for (int i = await(at(1, 1)), *p = &sum; i < 3; i += await(at(1, i)))
        *p += i;
    history[calls % 4] = sum;
    printf("statics calls %d sum %d history %d %d %d %d\n", calls, sum, history[0], history[1],
           history[2], history[3]);
    return sum;
}

async int qualifiers(int n) {
    const int k = await(at(n, 0)) + 1;
    register int r = n * 3;
    const struct point origin = {await(at(1, 1)), 2};
    const char *const label = "q";
    volatile int seen = 0;
    seen += await(at(2, 0));
    r += await(at(k, 1));
    int out = k * 1000 + r * 10 + origin.x + origin.y + seen;
    printf("qualifiers(%d) %s k %d r %d origin %d %d seen %d\n", n, label, k, r, origin.x, origin.y,
           seen);
    return out;
}

async int run(void) {
    int r = 0;
    r += await(shadowing(1));
    r += await(shadowing(4));
    r += await(addresses());
    r += await(initializers(3));
    r += await(initializers(8));
    for (int n = 0; n < 3; n++)
        r += await(loops_and_statics(n + 2));
    r += await(qualifiers(2));
    return r;
}

int main(void) {
    int r = ac_block_on(run());
    printf("result %d\n", r);
    return 0;
}
