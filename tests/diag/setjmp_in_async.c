/* setjmp saves the stack of the poll function, which every suspension ends: a
 * longjmp back to it after an await would jump into a stack frame that is gone. */
#include <setjmp.h>

#include <asyncc.h>

static jmp_buf on_error;

async int step(void) {
    return 1;
}

async int caller(void) {
    if (setjmp(on_error) != 0)
        return -1;
    return await(step()) + 1;
}

int main(void) {
    return ac_block_on(caller());
}
