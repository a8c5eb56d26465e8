/* async marks functions only. */
#include <asyncc.h>

async int counter;

int main(void) {
    return counter;
}
