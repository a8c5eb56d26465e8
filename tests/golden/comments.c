/* Comments inside an async function are copied where they stand: on lines of
 * their own before the code they precede, or at the end of the line of the code
 * they trail when that code became one line. */
#include <asyncc.h>

async int step(int x) {
    return x + 1;
}

async int total(int n) {
    // Leading: goes before the statement's code.
    int sum = 0; /* trailing a one-line statement: stays on its line */
    for (int i = 0; i < n; i++) {
        /*
         * A block comment keeps the indentation
         *   of its later lines.
         */
        sum += await(step(i)); // trails what the await's statement became
    }
    int first = await(step(sum)); // trails an await that spans several lines
    switch (first % 3) {
    case 0: // on the label's line
        sum++;
        /* the source's fall-through comment gives way to asyncc's */
    case 1:
        sum += 2; // on a case's statement
        break;
    default:
        // after a label, on a line of its own
        break;
    }
#if 0
    // under #if 0: left out, like the code around it
#endif
#if 1
    sum += 1; // kept: #if took this branch
#else
    /* left out */
    sum -= 1;
#endif
    const char *text = "// a string, not a comment"; /* a comment */
    (void)text;
again:; // on a label's statement
    if (sum < 10) {
        sum *= 2;
        goto again;
    }
    return sum + first; // after a return
    // the block's last comment
}
