/* libclang crashes here on purpose (a debugging pragma of clang's): asyncc must say
 * so as an error, exit 70 and write nothing, not die of the signal. */
#pragma clang __debug crash
int x;
