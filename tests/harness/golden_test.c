/* golden_test - asyncc's output for one input must be exactly the committed
 * expected file; it is the specification of the generated code.
 *
 *   golden_test <name> <asyncc> <golden-dir> <runtime-include> [compiler...]
 *
 * runs `asyncc <name>.c -o ...` in golden-dir and checks that
 *   - it succeeds silently and writes exactly <name>.expected.c,
 *   - a second run writes the same bytes again,
 *   - <name>.expected.c compiles with each compiler under -std=c11 -Wall -Wextra -Werror.
 * With ASYNCC_UPDATE_GOLDEN=1 in the environment the first check rewrites the expected
 * file instead (read the diff before committing it). */
#define _POSIX_C_SOURCE 200809L

#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *name, *asyncc, *golden_dir, *runtime_include;

/* Transform <name>.c into out_path; returns what asyncc wrote, its length in *len. */
static char *transform(const char *out_path, size_t *len) {
    char *input = str_printf("%s.c", name);
    char *argv[] = {(char *)asyncc, input, "-o", (char *)out_path, NULL};
    Run run = run_program(golden_dir, argv);
    assert_exit_status("asyncc", &run, 0);
    if (run.err_len != 0)
        fail_msg("asyncc printed diagnostics for a valid input:\n%s", run.err);
    char *text = file_read(out_path, len);
    if (!text)
        fail_msg("asyncc exited 0 but wrote no %s", out_path);
    run_free(&run);
    free(input);
    return text;
}

static char *expected_path(void) {
    return str_printf("%s/%s.expected.c", golden_dir, name);
}

static void transforms_as_expected(void **state) {
    (void)state;
    char *dir = temp_dir_make();
    char *out = str_printf("%s/%s.gen.c", dir, name);
    size_t got_len;
    char *got = transform(out, &got_len);
    char *path = expected_path();
    assert_matches_file(path, got, got_len);
    free(path);
    free(got);
    free(out);
    temp_dir_remove(dir);
}

static void second_run_identical(void **state) {
    (void)state;
    char *dir = temp_dir_make();
    char *first_path = str_printf("%s/first.c", dir), *second_path = str_printf("%s/second.c", dir);
    size_t first_len, second_len;
    char *first = transform(first_path, &first_len);
    char *second = transform(second_path, &second_len);
    assert_text_equal("second run's output", first, first_len, second, second_len);
    free(first);
    free(second);
    free(first_path);
    free(second_path);
    temp_dir_remove(dir);
}

/* state: the compiler's command name or path. */
static void expected_compiles(void **state) {
    const char *cc = *state;
    char *dir = temp_dir_make();
    char *obj = str_printf("%s/out.o", dir), *path = expected_path();
    char *inc_runtime = str_printf("-I%s", runtime_include),
         *inc_here = str_printf("-I%s", golden_dir);
    char *argv[] = {(char *)cc, "-std=c11", "-Wall", "-Wextra", "-Werror", inc_runtime,
                    inc_here,   "-c",       path,    "-o",      obj,       NULL};
    if (!file_exists(path))
        fail_msg("no %s to compile", path);
    Run run = run_program(NULL, argv);
    assert_exit_status(cc, &run, 0);
    run_free(&run);
    free(inc_runtime);
    free(inc_here);
    free(obj);
    free(path);
    temp_dir_remove(dir);
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fputs("usage: golden_test <name> <asyncc> <golden-dir> <runtime-include> [compiler...]\n",
              stderr);
        return 2;
    }
    name = argv[1];
    asyncc = argv[2];
    golden_dir = argv[3];
    runtime_include = argv[4];
    int ncc = argc - 5;
    struct CMUnitTest *tests = calloc((size_t)ncc + 2, sizeof *tests);
    if (!tests)
        return 1;
    tests[0] = (struct CMUnitTest)cmocka_unit_test(transforms_as_expected);
    tests[1] = (struct CMUnitTest)cmocka_unit_test(second_run_identical);
    for (int i = 0; i < ncc; i++) {
        tests[2 + i] = (struct CMUnitTest)cmocka_unit_test_prestate(expected_compiles, argv[5 + i]);
        const char *slash = strrchr(argv[5 + i], '/');
        tests[2 + i].name =
            str_printf("expected_compiles_with_%s", slash ? slash + 1 : argv[5 + i]);
    }
    char *group = str_printf("golden.%s", name);
    int failed = _cmocka_run_group_tests(group, tests, (size_t)ncc + 2, NULL, NULL);
    for (int i = 0; i < ncc; i++)
        free((char *)tests[2 + i].name);
    free(tests);
    free(group);
    return failed;
}
