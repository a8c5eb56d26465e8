/* An await in an ordinary function. */
#include <asyncc.h>

async int answer(void) {
    return 42;
}

int main(void) {
    int x = await(answer());
    return x;
}
