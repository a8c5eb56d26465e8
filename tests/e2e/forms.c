/* forms.c - the remaining forms of C inside async functions, each next to awaits
 * (grammar/constructs.md cites this file for them): every operator class with an
 * await operand, increments, casts, sizeof and _Alignof, string literals, function
 * pointers; null and labeled statements, _Static_assert, typedef, local types,
 * block-scope function and extern declarations, a VLA between awaits, a statement
 * from a macro, a statement expression, inline assembly (an operand awaiting),
 * __builtin_expect, case ranges and _Generic. */
#include <stdalign.h>
#include <stdio.h>

#include <asyncc.h>

#include "pending.h"

int g_counter = 3;

/* A statement written by a macro: kept as it is, the locals in its argument renamed. */
#define TWICE(stmt)                                                                                \
    do {                                                                                           \
        stmt;                                                                                      \
        stmt;                                                                                      \
    } while (0)

/* v, after (v + k) % 3 suspensions. */
async int at(int v, int k) {
    return await(pending((v + k) % 3, v));
}

static int twice(int v) {
    return 2 * v;
}

static int negate(int v) {
    return -v;
}

typedef int (*unary_fn)(int);

async unary_fn pick_fn(int which) {
    await(pending(which % 2 + 1, 0));
    return which ? negate : twice;
}

async int *pointer_to(int *p) {
    await(pending(1, 0));
    return p;
}

struct cell {
    int value;
};

async struct cell *cell_at(struct cell *c) {
    await(pending(2, 0));
    return c;
}

/* Binary operators of every class, an await on either side. */
async unsigned operators(unsigned x) {
    unsigned r = 0;
    r += (x << await(at(2, 0))) + (await(at(64, 1)) >> x);
    r += (x & await(at(12, 2))) | (await(at(5, 0)) ^ x);
    r += (x < (unsigned)await(at(3, 1))) + (x <= (unsigned)await(at(3, 2))) * 2u;
    r += ((unsigned)await(at(4, 0)) > x) * 4u + ((unsigned)await(at(4, 1)) >= x) * 8u;
    r += (x == (unsigned)await(at(5, 2))) * 16u + (x != (unsigned)await(at(5, 0))) * 32u;
    r += (unsigned)await(at(100, 1)) / (x + 1) + (unsigned)await(at(100, 2)) % (x + 1);
    r -= x * (unsigned)await(at(2, 0)) - (unsigned)await(at(1, 0));
    r += !await(at(0, 1)) + (unsigned)+await(at(2, 1)) + (unsigned)-await(at(1, 2)) +
         (unsigned)~await(at(7, 0));
    unsigned y = x + 100;
    y *= (unsigned)await(at(3, 0));
    y /= (unsigned)await(at(2, 1));
    y %= (unsigned)await(at(50, 2));
    y <<= await(at(2, 0));
    y >>= await(at(1, 1));
    y &= (unsigned)await(at(0xfe, 2));
    y ^= (unsigned)await(at(0x11, 0));
    y |= (unsigned)await(at(0x100, 1));
    y -= (unsigned)await(at(3, 2));
    printf("operators(%u) r %u y %u\n", x, r, y);
    return r + y;
}

/* Increments, dereferences, members through pointers, casts, sizeof, _Alignof,
 * string literals, calls through pointers. */
async int unary_and_postfix(int n) {
    int arr[4] = {n, n + 1, n + 2, n + 3};
    arr[await(at(1, 0))]++;
    ++arr[await(at(2, 1))];
    arr[await(at(3, 2))]--;
    --arr[await(at(0, 0))];
    int target = 10;
    (*await(pointer_to(&target)))++;
    struct cell c = {7};
    await(cell_at(&c))->value *= 3;
    int sum = await(cell_at(&c))->value + *await(pointer_to(&arr[1]));
    int *second = &arr[await(at(1, 1))];
    sum += *second;
    double ratio = (double)await(at(n, 0)) / 4.0;
    char letter = "async"[await(at(3, 1))];
    size_t sizes = sizeof arr + sizeof(struct cell) + alignof(double) + sizeof target;
    int called = await(pick_fn(0))(await(at(5, 2))) + (await(pick_fn(1)))(3);
    unary_fn fn = twice;
    called += fn(await(at(4, 0)));
    printf("unary arr %d %d %d %d target %d cell %d sum %d ratio %.2f letter %c sizes %zu "
           "called %d\n",
           arr[0], arr[1], arr[2], arr[3], target, c.value, sum, ratio, letter, sizes, called);
    return sum + called + (int)sizes;
}

/* Declarations and statements that stay as they are between awaits. */
async int statements(int n) {
    int total = await(at(n, 0));
    ;
    _Static_assert(sizeof(int) >= 2, "int has 16 bits at least");
    typedef long wide;
    wide w = total;
    struct local {
        int a, b;
    } pair = {1, 2};
    enum shade { LIGHT = 1, DARK = 4 } shade = DARK;
    union either {
        int i;
        float f;
    } u = {.i = 5};
    int helper(int);
    extern int g_counter;
    total += pair.a + pair.b + shade + u.i + (int)w + helper(n) + g_counter;
    total += await(at(2, 1));
    TWICE(total += n);
    {
        int vla[n + 1];
        for (int i = 0; i <= n; i++) {
            vla[i] = i * i;
            total += vla[i] - vla[i / 2];
        }
    }
    int doubled = ({
        int t = total * 2;
        t + 1;
    });
    total += await(at(1, 2)) + doubled;
    int kept = total;
    __asm__ __volatile__("" : "+r"(kept) : "r"(await(at(1, 1))));
    await(at(0, 1));
    total += kept;
    if (__builtin_expect(await(at(n, 0)) > 2, 0))
        total += 10;
    switch (await(at(n, 2))) {
    case 0 ... 2:
        total += 100;
        break;
    default:
        total += _Generic(total, int : 1000, default : 0);
    }
empty:;
    if (total < 0)
        goto empty;
    printf("statements(%d) = %d\n", n, total);
    return total;
}

int helper(int v) {
    return v * 7;
}

async int run(void) {
    int r = 0;
    for (unsigned x = 0; x < 4; x++)
        r += (int)await(operators(x));
    r += await(unary_and_postfix(2));
    r += await(statements(1));
    r += await(statements(4));
    return r;
}

int main(void) {
    int r = ac_block_on(run());
    printf("result %d\n", r);
    return 0;
}
