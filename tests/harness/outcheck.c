/* outcheck - checks what programs print, as one cmocka group per ctest.
 *
 *   outcheck same <name> <reference> <program> [args...]
 *       runs both; their exit status and stdout must be equal. The end-to-end tests
 *       pass the plain-C build of a program (the sequential meaning of its source)
 *       as the reference and its transformed build as the program, maybe under
 *       valgrind.
 *   outcheck expect <name> <expected-stdout-file> <program> [args...]
 *       runs the program; it must exit 0 and print exactly the file's contents.
 */
#define _POSIX_C_SOURCE 200809L

#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The command line, for the tests to read. */
static char **args;

/* A program that the run must not be: killed by a signal or unable to start. */
static void assert_ran(const char *what, const Run *run) {
    if (run->status >= 0 && run->status < 126)
        return;
    print_error("%s did not run to an exit: status %d; its stderr:\n%s", what, run->status,
                run->err);
    fail();
}

static void same_output(void **state) {
    (void)state;
    char *reference[] = {args[3], NULL};
    Run want = run_program(NULL, reference);
    Run got = run_program(NULL, args + 4);
    assert_ran(args[3], &want);
    assert_ran(args[4], &got);
    assert_text_equal("stdout", want.out, want.out_len, got.out, got.out_len);
    if (got.status != want.status)
        fail_msg("%s exited with %d but %s with %d; its stderr:\n%s", args[4], got.status, args[3],
                 want.status, got.err);
    run_free(&got);
    run_free(&want);
}

static void expected_output(void **state) {
    (void)state;
    size_t want_len;
    char *want = file_read(args[3], &want_len);
    if (!want)
        fail_msg("cannot read the expected output %s", args[3]);
    Run got = run_program(NULL, args + 4);
    assert_exit_status(args[4], &got, 0);
    assert_text_equal("stdout", want, want_len, got.out, got.out_len);
    free(want);
    run_free(&got);
}

static int usage(void) {
    fputs("usage: outcheck same <name> <reference> <program> [args...]\n"
          "       outcheck expect <name> <expected-stdout-file> <program> [args...]\n",
          stderr);
    return 2;
}

int main(int argc, char **argv) {
    args = argv;
    if (argc >= 5 && strcmp(argv[1], "same") == 0) {
        const struct CMUnitTest tests[] = {cmocka_unit_test(same_output)};
        return cmocka_run_group_tests_name(argv[2], tests, NULL, NULL);
    }
    if (argc >= 5 && strcmp(argv[1], "expect") == 0) {
        const struct CMUnitTest tests[] = {cmocka_unit_test(expected_output)};
        return cmocka_run_group_tests_name(argv[2], tests, NULL, NULL);
    }
    return usage();
}
