/* control.c - awaits in every statement position: expression statement, declaration
 * initializer, right side of an assignment (to a local, an array element, a member,
 * through a pointer), return; inside blocks, if/else chains, while, for, do-while and
 * switch, nested several deep, with break and continue after a suspension. */
#include <stdio.h>

#include <asyncc.h>

#include "pending.h"

struct pair {
    int a, b;
};

async int classify(int v) {
    if (v < 0) {
        await(pending(1, 0));
        return -1;
    } else if (v == 0) {
        return await(pending(2, 0));
    } else {
        int r = await(pending(v % 3, 1));
        if (v > 100) {
            r = await(pending(0, 2));
        }
        return r;
    }
}

async int loops(int n) {
    int total = 0;
    int i = 0;
    while (i < n) {
        int v = await(pending(i % 2, i));
        total = total + v;
        i++;
    }
    for (int j = 0; j < n; j++) {
        if (j == 2)
            continue;
        int v = await(pending(j % 3, j));
        total = total * 3 + v;
        if (total > 100000)
            break;
    }
    do {
        int v = await(pending(1, 7));
        total = total - v;
    } while (total > 50 && total % 2 != 0);
    printf("loops(%d) = %d\n", n, total);
    return total;
}

/* Three loop levels deep, with an await at every level. */
async int nested(int rows, int cols) {
    int check = 0;
    for (int r = 0; r < rows; r++) {
        await(pending(r % 2, 0));
        int c = 0;
        while (c < cols) {
            int k = 0;
            do {
                {
                    int cell = await(pending((r + c + k) % 3, r * 100 + c * 10 + k));
                    check = check * 31 % 1000003 + cell;
                }
                k++;
            } while (k < 2);
            int step;
            step = await(pending(0, 1));
            c += step;
        }
        printf("row %d check %d\n", r, check);
    }
    return check;
}

async int places(void) {
    int arr[4] = {0, 0, 0, 0};
    struct pair p = {0, 0};
    int target = 0;
    int *where = &target;
    arr[2] = await(pending(1, 20));
    p.b = await(pending(2, 5));
    *where = await(pending(1, 9));
    arr[3] = await(pending(0, 30));
    printf("places: arr %d %d %d %d, p %d %d, target %d\n", arr[0], arr[1], arr[2], arr[3], p.a,
           p.b, target);
    return arr[2] + arr[3] + p.b + target;
}

async int choose(int op, int x) {
    int r = 0;
    switch (op) {
    case 0:
        r = await(pending(1, x + 1));
        break;
    case 1:
        await(pending(2, 0));
        /* fall through */
    case 2:
        r = await(pending(op, x * 2));
        break;
    default:
        for (int i = 0; i < op; i++) {
            int step = await(pending(i % 2, i));
            if (step == 3)
                break;
            r += step;
        }
    }
    return r;
}

async int run(void) {
    int sum = 0;
    int values[] = {-5, 0, 7, 101, 12};
    for (int i = 0; i < 5; i++) {
        int c = await(classify(values[i]));
        printf("classify(%d) = %d\n", values[i], c);
        sum = sum * 10 + c + 1;
    }
    int part = await(loops(6));
    sum += part;
    part = await(nested(3, 3));
    sum += part;
    part = await(places());
    sum += part;
    for (int op = 0; op < 5; op++) {
        int r = await(choose(op, 10 + op));
        printf("choose(%d) = %d\n", op, r);
        sum = sum + r;
    }
    return sum;
}

int main(void) {
    int sum = ac_block_on(run());
    printf("sum %d\n", sum);
    return 0;
}
