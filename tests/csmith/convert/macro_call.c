/* A call to convert that is written in a macro: refused. */
#define TWICE(x) ((x) + (x))
static int func_2(int p) { return p; }
static int func_1(void) { return TWICE(func_2(1)); }
int main(void) { return func_1(); }
