/* golden_test - asyncc's output for one input must be exactly the committed
 * expected file; it is the specification of the generated code.
 *
 *   golden_test <name> <asyncc> <golden-dir> <runtime-include> [compiler...]
 *
 * runs `asyncc <name>.c -o ...` in golden-dir and checks that
 *   - it succeeds silently and writes exactly <name>.expected.c,
 *   - a second run writes the same bytes again,
 *   - <name>.expected.c compiles with each compiler under -std=c11 -Wall -Wextra -Werror,
 *     at each optimization level from -O0 to -O3 (the optimizer finds some warnings,
 *     -Wmaybe-uninitialized above all, and loses others).
 * With ASYNCC_UPDATE_GOLDEN=1 in the environment the first check rewrites the expected
 * file instead (read the diff before committing it). */
#define _POSIX_C_SOURCE 200809L

#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *name, *asyncc, *golden_dir, *runtime_include;

/* text with every occurrence of from replaced by to (the output's own name, which
 * its #line directives spell, is a temporary path: the expected files say
 * <name>.gen.c). */
static char *replace_all(char *text, size_t *len, const char *from, const char *to) {
    size_t nf = strlen(from), nt = strlen(to), n = 0;
    char *out = malloc(*len * (nt > nf ? nt : 1) + 1);
    assert_non_null(out);
    for (size_t i = 0; i < *len;) {
        bool hit = i + nf <= *len && memcmp(text + i, from, nf) == 0;
        memcpy(out + n, hit ? to : text + i, hit ? nt : 1);
        n += hit ? nt : 1;
        i += hit ? nf : 1;
    }
    out[n] = '\0';
    free(text);
    *len = n;
    return out;
}

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
    char *gen_name = str_printf("%s.gen.c", name);
    text = replace_all(text, len, out_path, gen_name);
    free(gen_name);
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

/* One compilation of the expected file: a compiler and an optimization level. */
typedef struct Compile {
    const char *cc; /* command name or path */
    const char *level;
} Compile;

static const char *const levels[] = {"-O0", "-O1", "-O2", "-O3"};
enum { NLEVELS = sizeof levels / sizeof *levels };

/* state: a Compile. */
static void expected_compiles(void **state) {
    const Compile *c = *state;
    char *dir = temp_dir_make();
    char *obj = str_printf("%s/out.o", dir), *path = expected_path();
    char *inc_runtime = str_printf("-I%s", runtime_include),
         *inc_here = str_printf("-I%s", golden_dir);
    char *argv[] = {(char *)c->cc, "-std=c11", "-Wall", "-Wextra", "-Werror", (char *)c->level,
                    inc_runtime,   inc_here,   "-c",    path,      "-o",      obj,
                    NULL};
    if (!file_exists(path))
        fail_msg("no %s to compile", path);
    Run run = run_program(NULL, argv);
    assert_exit_status(c->cc, &run, 0);
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
    size_t ncompiles = (size_t)(argc - 5) * NLEVELS;
    struct CMUnitTest *tests = calloc(ncompiles + 2, sizeof *tests);
    Compile *compiles = calloc(ncompiles, sizeof *compiles);
    if (!tests || !compiles)
        return 1;
    tests[0] = (struct CMUnitTest)cmocka_unit_test(transforms_as_expected);
    tests[1] = (struct CMUnitTest)cmocka_unit_test(second_run_identical);
    for (size_t i = 0; i < ncompiles; i++) {
        compiles[i] = (Compile){argv[5 + i / NLEVELS], levels[i % NLEVELS]};
        tests[2 + i] =
            (struct CMUnitTest)cmocka_unit_test_prestate(expected_compiles, &compiles[i]);
        const char *slash = strrchr(compiles[i].cc, '/');
        tests[2 + i].name = str_printf("expected_compiles_with_%s_%s",
                                       slash ? slash + 1 : compiles[i].cc, compiles[i].level);
    }
    char *group = str_printf("golden.%s", name);
    int failed = _cmocka_run_group_tests(group, tests, ncompiles + 2, NULL, NULL);
    for (size_t i = 0; i < ncompiles; i++)
        free((char *)tests[2 + i].name);
    free(tests);
    free(compiles);
    free(group);
    return failed;
}
