/* A frame laid out by offsets whose one union holds the state too (grammar/abi.md,
 * section 2): `which` fits in the 4 bytes after the state, and a callee's frame runs
 * on from there past the offset where the 8-byte values could start, so no union can
 * follow the state without leaving a gap. */
#include <asyncc.h>

async int nudge(int v) {
    await(ac_yield());
    return v * 2;
}

async long spread(int which) {
    long base = which * 100L;
    await(nudge(which));
    if (which == 1) {
        long b = base + 2;
        await(nudge(1));
        return b;
    }
    long extra = base + 1;
    return await(nudge(which + 20)) + extra + base;
}
