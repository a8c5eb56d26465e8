/* Types declared inside async functions, used across awaits: asyncc moves them to
 * file scope under names of their own (grammar/constructs.md, "Types declared in
 * async functions"), so that frames can hold locals, compound literals and
 * temporaries of them. Named and anonymous structs, unions and enums, typedefs of
 * typedefs, enumerators after an await (in case labels and array sizes), the same
 * tag in two blocks, local types that shadow file-scope ones, nested types, pointers
 * to local structs in the frame, types in macros, and a cleanup on a local of one. */
#include <stdio.h>

#include "pending.h"

/* File-scope names that the local types below shadow or would clash with once
 * moved: asyncc renames the moved ones out of their way. */
struct point {
    double x, y;
};
enum level { LOW = 100, HIGH = 200 };
typedef long count;
struct blocks_cell {
    int taken; /* the name blocks' first `struct cell` would get */
};

#define SHOW_SIZE(T) printf("sizeof(%s) %zu\n", #T, sizeof(T))
#define NEW_PAIR(a, b) ((struct pair){(a), (b)})
#define DECLARE_BOX(name, type)                                                                    \
    struct name {                                                                                  \
        type value;                                                                                \
        int tag;                                                                                   \
    }

/* Named and anonymous struct, union and enum locals across awaits. */
async int shapes(int n) {
    printf("file scope first: %d %d %g\n", LOW, HIGH, (struct point){0.5, 0}.x);
    struct point {
        int x, y;
    } p = {n, n + 1};
    struct {
        int w, h;
    } size = {3, 4};
    union number {
        int i;
        unsigned char bytes[sizeof(int)];
    } num = {.i = 0x01020304};
    union {
        short s;
        char c;
    } small = {.s = 7};
    enum level { LOW, MEDIUM, HIGH } lvl = MEDIUM;
    enum { RED = 3, GREEN = RED * 2 } color = GREEN;
    int tally = await(pending(n % 3, 1));
    p.x += await(pending(1, 10));
    size.h *= await(pending(2, 2));
    num.bytes[0] = (unsigned char)await(pending(1, 9));
    small.s += (short)await(pending(0, 1));
    printf("shapes p %d %d size %d %d num %d small %d lvl %d color %d tally %d\n", p.x, p.y,
           size.w, size.h, num.i != 0x01020304, small.s, lvl, color, tally);
    return p.x + size.h + lvl + color;
}

/* Typedefs: of a struct (anonymous), of a typedef, of a pointer, of an array, with
 * a qualifier, and a file-scope typedef shadowed. */
async int typedefs(int n) {
    typedef struct {
        int a, b;
    } pair_t;
    typedef pair_t twin_t, *pair_ptr;
    typedef int row_t[3];
    typedef const struct {
        int id;
    } frozen_t;
    typedef double count;
    pair_t one = {n, 2};
    twin_t two = {3, 4};
    pair_ptr pp = &two;
    row_t row = {1, 2, 3};
    frozen_t ice = {42};
    count c = 1.5;
    await(pending(2, 0));
    pp->a += await(pending(1, 5));
    row[2] += await(pending(0, 7));
    c *= await(pending(1, 2));
    printf("typedefs one %d %d two %d %d row %d %d %d ice %d count %.1f\n", one.a, one.b, two.a,
           two.b, row[0], row[1], row[2], ice.id, c);
    return one.a + two.a + row[2] + ice.id + (int)c;
}

/* Enumerators used after awaits: in a switch, as an array size, in arithmetic. */
async int enumerators(int n) {
    enum step { START, RUN, STOP, NSTEPS };
    int seen[NSTEPS] = {0};
    enum step s = START;
    int total = 0;
    while (s != STOP) {
        int v = await(pending(s, (int)s));
        switch (s) {
        case START:
            s = RUN;
            break;
        case RUN:
            s = n > 0 ? STOP : RUN;
            break;
        default:
            s = STOP;
            break;
        }
        seen[v]++;
        total += v + NSTEPS;
    }
    printf("enumerators seen %d %d %d total %d\n", seen[START], seen[RUN], seen[STOP], total);
    return total;
}

/* The same tag in two blocks, one shadowing the other, and a local that shadows
 * the file-scope `struct point` while the file-scope one is still used. */
async int blocks(int n) {
    struct point far = {1.25, 2.5};
    int sum = 0;
    {
        struct cell {
            int v;
        } c = {n};
        await(pending(1, 0));
        sum += c.v;
    }
    {
        struct cell {
            double v;
            int w;
        } c = {0.5, n * 2};
        await(pending(2, 0));
        sum += (int)(c.v * 4) + c.w;
        {
            struct cell {
                char name[8];
            } inner = {"inner"};
            await(pending(1, 0));
            sum += inner.name[0];
        }
        sum += c.w;
    }
    struct blocks_cell taken = {1};
    printf("blocks sum %d far %.2f taken %d\n", sum, far.x + far.y, taken.taken);
    return sum;
}

/* A nested definition, a pointer to a local struct and to a compound literal of
 * one in the frame, an array of them, a forward declaration completed later, and
 * a function pointer taking one. */
static int weigh(const void *p, int scale) {
    return *(const int *)p * scale;
}

async int nested(int n) {
    struct node;
    struct list {
        struct node *head;
        struct meta {
            int count;
        } meta;
    } list = {NULL, {0}};
    struct node {
        int value;
        struct node *next;
    } a = {n, NULL}, b = {n + 1, &a};
    list.head = &b;
    list.meta.count = 2;
    struct meta copy = list.meta;
    struct node *third = &(struct node){n + 2, list.head};
    struct node nodes[2] = {{10, NULL}, {20, NULL}};
    int (*weight)(const void *, int) = weigh;
    await(pending(1, 0));
    list.head = third;
    list.meta.count += await(pending(2, 1));
    int total = 0;
    for (struct node *it = list.head; it; it = it->next) {
        total += it->value;
        await(pending(it->value % 2, 0));
    }
    total += nodes[1].value + weight(&nodes[0].value, 2) + copy.count;
    printf("nested total %d count %d\n", total, list.meta.count);
    return total;
}

/* A temporary holding a value of a local type across an await of its statement,
 * compound literals of local types kept in the frame (one of an anonymous struct),
 * a for loop declaring an anonymous struct, a static local of a local type, and
 * definitions inside sizeof and a compound literal. */
async int values(int c) {
    struct local {
        int a;
    } x = {1};
    int r = (c ? x : (struct local){await(pending(1, 2))}).a + await(pending(1, 3));
    struct local *lp = &(struct local){await(pending(2, 4))};
    int *ap = &(struct {
                   int first, second;
               }){5, 6}
                   .second;
    int total = 0;
    for (struct {
             int i, limit;
         } it = {0, 3};
         it.i < it.limit; it.i++)
        total += await(pending(it.i, it.i));
    static struct counter {
        int calls;
    } counter;
    counter.calls++;
    size_t sz = sizeof(struct sized { char bytes[5]; });
    await(pending(1, 0));
    struct sized s = {"abcd"};
    printf("values r %d lp %d ap %d total %d calls %d sz %zu s %s\n", r, lp->a, *ap, total,
           counter.calls, sz, s.bytes);
    return r + lp->a + *ap + total;
}

/* Types that macros declare and name, one stringified, one defined inside the
 * function, and a packed struct (its attribute after the brace is the type's). */
async int macros(int n) {
    struct pair {
        int a, b;
    } pr = NEW_PAIR(n, n * 3);
    DECLARE_BOX(box, double) bx = {2.5, 1};
#define WIDTH 4
    struct row {
        int cells[WIDTH];
    } row = {{1, 2, 3, 4}};
#undef WIDTH
    struct wire {
        char kind;
        int length;
    } __attribute__((packed)) w = {'x', 300};
    await(pending(1, 0));
    SHOW_SIZE(struct pair);
    SHOW_SIZE(struct wire);
    pr = NEW_PAIR(pr.b, await(pending(1, 8)));
    bx.value *= await(pending(2, 2));
    printf("macros pair %d %d box %.1f %d row %d wire %c %d\n", pr.a, pr.b, bx.value, bx.tag,
           row.cells[3], w.kind, w.length);
    return pr.a + pr.b + row.cells[3] + w.length;
}

/* Local names that, once prefixed, would be names asyncc generates for this
 * function (clashes), and an async function without awaits. */
async int clashes(int n) {
    struct state {
        int s;
    } st = {n};
    struct frame {
        int f;
    } fr = {2};
    enum { START = 5, DONE = 6 } e = DONE;
    await(pending(1, 0));
    printf("clashes %d %d %d %d\n", st.s, fr.f, e, START);
    return st.s + fr.f + e;
}

/* A cleanup on a local of a local type: called where its scope ends. */
static void counter_report(void *p) {
    printf("cleanup counter %d\n", *(const int *)p);
}

async int cleanups(int n) {
    struct counter {
        int count;
    };
    {
        struct counter c __attribute__((cleanup(counter_report))) = {n};
        c.count += await(pending(1, 2));
    }
    return n;
}

async int no_await(int n) {
    struct only {
        int v;
    } o = {n};
    return o.v * 2;
}

async int all(void) {
    int r = await(shapes(2));
    r += await(typedefs(3));
    r += await(enumerators(1));
    r += await(blocks(4));
    r += await(nested(5));
    r += await(values(1)) + await(values(0));
    r += await(macros(6));
    r += await(clashes(7)) + await(no_await(8)) + await(cleanups(9));
    return r;
}

int main(void) {
    printf("all %d\n", ac_block_on(all()));
    return 0;
}
