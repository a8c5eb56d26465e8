/* A variably modified parameter: its type depends on another parameter. */
#include <asyncc.h>

async int corner(int n, int grid[n][n]) {
    await(ac_yield());
    return grid[n - 1][n - 1];
}

int main(void) {
    int grid[2][2] = {{1, 2}, {3, 4}};
    return ac_block_on(corner(2, grid));
}
