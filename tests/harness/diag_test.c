/* diag_test - how asyncc fails: its diagnostics, its behaviour on bad input, and its
 * command line.
 *
 *   diag_test diag <name> <asyncc> <diag-dir>
 *       runs `asyncc <name>.c -o OUT --depfile OUT.d` in diag-dir: it must exit 1,
 *       print exactly <name>.stderr (after removing "<diag-dir>/" from header
 *       paths), and create neither OUT nor OUT.d. With
 *       ASYNCC_UPDATE_GOLDEN=1 the .stderr file is rewritten instead of compared.
 *   diag_test robust <asyncc> <diag-dir>
 *       binary, empty, missing and syntactically broken inputs, an unwritable output,
 *       a crash of libclang, a 10,000-branch else-if chain.
 *   diag_test cli <asyncc> <version>
 *       --help, --version and an unknown option.
 */
#define _POSIX_C_SOURCE 200809L

#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *asyncc, *dir_arg, *name_arg, *version_arg;

/* One asyncc run on an input, with the paths it was told to write. */
typedef struct Attempt {
    char *tmp; /* scratch directory holding the outputs */
    char *out, *depfile;
    Run run;
} Attempt;

/* Run asyncc on input (relative to cwd, or absolute) in directory cwd. */
static Attempt attempt(const char *cwd, const char *input) {
    Attempt a;
    a.tmp = temp_dir_make();
    a.out = str_printf("%s/out.c", a.tmp);
    a.depfile = str_printf("%s/out.c.d", a.tmp);
    char *argv[] = {(char *)asyncc, (char *)input, "-o", a.out, "--depfile", a.depfile, NULL};
    a.run = run_program(cwd, argv);
    return a;
}

static void attempt_free(Attempt *a) {
    run_free(&a->run);
    free(a->out);
    free(a->depfile);
    temp_dir_remove(a->tmp);
}

/* A failure as a compiler fails: exit status 1, an error message, no crash. */
static void assert_clean_failure(const Attempt *a) {
    assert_exit_status("asyncc", &a->run, 1);
    if (!strstr(a->run.err, "error"))
        fail_msg("asyncc failed without an error message; its stderr:\n%s", a->run.err);
}

static void assert_no_output(const Attempt *a) {
    if (file_exists(a->out))
        fail_msg("asyncc failed but wrote %s", a->out);
    if (file_exists(a->depfile))
        fail_msg("asyncc failed but wrote %s", a->depfile);
}

/* ---- diag: one diagnostic ----------------------------------------------------------- */

/* text with every "<dir>/" removed, so that paths of headers (which asyncc names as
 * libclang found them, absolute) read the same in every checkout. */
static char *strip_dir(const char *text, const char *dir, size_t *len) {
    char *prefix = str_printf("%s/", dir);
    size_t n = strlen(prefix);
    char *stripped = str_printf("%s", text), *w = stripped;
    for (const char *r = text; *r;) {
        if (strncmp(r, prefix, n) == 0)
            r += n;
        else
            *w++ = *r++;
    }
    *w = '\0';
    *len = (size_t)(w - stripped);
    free(prefix);
    return stripped;
}

static void exact_diagnostic(void **state) {
    (void)state;
    char *input = str_printf("%s.c", name_arg);
    char *expected_path = str_printf("%s/%s.stderr", dir_arg, name_arg);
    Attempt a = attempt(dir_arg, input);
    assert_exit_status("asyncc", &a.run, 1);
    size_t got_len;
    char *got = strip_dir(a.run.err, dir_arg, &got_len);
    assert_matches_file(expected_path, got, got_len);
    free(got);
    assert_no_output(&a);
    attempt_free(&a);
    free(input);
    free(expected_path);
}

/* ---- robust: bad input ---------------------------------------------------------------- */

static void binary_input(void **state) {
    (void)state;
    char *tmp = temp_dir_make();
    char *path = str_printf("%s/binary.c", tmp);
    unsigned char bytes[1024];
    uint32_t x = 12345; /* a fixed pseudo-random sequence: the test is repeatable */
    for (size_t i = 0; i < sizeof bytes; i++) {
        x = x * 1103515245u + 12345u;
        bytes[i] = (unsigned char)(x >> 16);
    }
    memcpy(bytes + 100, "async int f(void) { await(", 26);
    file_write(path, (const char *)bytes, sizeof bytes);
    Attempt a = attempt(NULL, path);
    assert_clean_failure(&a);
    assert_no_output(&a);
    attempt_free(&a);
    free(path);
    temp_dir_remove(tmp);
}

static void empty_input(void **state) {
    (void)state;
    char *tmp = temp_dir_make();
    char *path = str_printf("%s/empty.c", tmp);
    file_write(path, "", 0);
    Attempt a = attempt(NULL, path);
    assert_exit_status("asyncc on an empty file", &a.run, 0);
    if (!file_exists(a.out))
        fail_msg("asyncc accepted an empty file but wrote no %s", a.out);
    attempt_free(&a);
    free(path);
    temp_dir_remove(tmp);
}

static void missing_input(void **state) {
    (void)state;
    Attempt a = attempt(dir_arg, "no-such-file.c");
    assert_clean_failure(&a);
    if (!strstr(a.run.err, "no-such-file.c"))
        fail_msg("the message does not name the missing file:\n%s", a.run.err);
    assert_no_output(&a);
    attempt_free(&a);
}

static void syntax_errors(void **state) {
    (void)state;
    Attempt a = attempt(dir_arg, "robust/syntax_errors.c");
    assert_clean_failure(&a);
    if (!strstr(a.run.err, "robust/syntax_errors.c:"))
        fail_msg("the messages do not point into the file:\n%s", a.run.err);
    assert_no_output(&a);
    attempt_free(&a);
}

static void unwritable_output(void **state) {
    (void)state;
    char *argv[] = {(char *)asyncc, "robust/valid.c", "-o", "/nonexistent-dir/out.c", NULL};
    Run run = run_program(dir_arg, argv);
    assert_exit_status("asyncc writing into a missing directory", &run, 1);
    if (!strstr(run.err, "/nonexistent-dir/out.c"))
        fail_msg("the message does not name the output file:\n%s", run.err);
    run_free(&run);
}

/* A crash in the front end is an error with exit status 70, not a death by signal. */
static void front_end_crash(void **state) {
    (void)state;
    Attempt a = attempt(dir_arg, "robust/front_end_crash.c");
    assert_exit_status("asyncc on a file that crashes libclang", &a.run, 70);
    if (!strstr(a.run.err, "robust/front_end_crash.c: error: asyncc crashed ("))
        fail_msg("no error names the file and the crash; stderr:\n%s", a.run.err);
    assert_no_output(&a);
    attempt_free(&a);
}

/* libclang recurses once per `else if`: a chain this long overflowed its 8 MB
 * parsing thread (asyncc died of SIGSEGV) until it parsed on asyncc's own stack. */
static void long_else_if_chain(void **state) {
    (void)state;
    enum { BRANCHES = 10000 };
    char *tmp = temp_dir_make();
    char *path = str_printf("%s/chain.c", tmp);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("#include <asyncc.h>\nasync int f(int n) {\n    if (n == 0)\n        n = 1;\n", f);
    for (int i = 1; i < BRANCHES; i++)
        fprintf(f, "    else if (n == %d)\n        n = %d;\n", i, i + 1);
    fputs("    await(ac_yield());\n    return n;\n}\n", f);
    assert_int_equal(fclose(f), 0);
    Attempt a = attempt(NULL, path);
    assert_exit_status("asyncc on a 10,000-branch else-if chain", &a.run, 0);
    char *out = file_read(a.out, NULL);
    if (!out || !strstr(out, "} else if (self->n == 9999) {"))
        fail_msg("the output does not end the chain with its last branch");
    free(out);
    attempt_free(&a);
    free(path);
    temp_dir_remove(tmp);
}

/* ---- cli: the command line --------------------------------------------------------- */

static Run run_asyncc_with(const char *option) {
    char *argv[] = {(char *)asyncc, (char *)option, NULL};
    return run_program(NULL, argv);
}

static void help(void **state) {
    (void)state;
    Run run = run_asyncc_with("--help");
    assert_exit_status("asyncc --help", &run, 0);
    const char *needles[] = {"sage", "-o", "--depfile", "--help", "--version"};
    for (size_t i = 0; i < sizeof needles / sizeof *needles; i++)
        if (!strstr(run.out, needles[i]))
            fail_msg("asyncc --help does not mention \"%s\":\n%s", needles[i], run.out);
    run_free(&run);
}

static void version(void **state) {
    (void)state;
    Run run = run_asyncc_with("--version");
    assert_exit_status("asyncc --version", &run, 0);
    char *want = str_printf("asyncc %s\n", version_arg);
    if (!strstr(run.out, want))
        fail_msg("asyncc --version printed \"%s\", not \"%s\"", run.out, want);
    free(want);
    run_free(&run);
}

static void unknown_option(void **state) {
    (void)state;
    Run run = run_asyncc_with("--no-such-option");
    if (run.status < 1 || run.status > 125)
        fail_msg("asyncc --no-such-option exited with %d, expected an error status", run.status);
    if (!strstr(run.err, "--no-such-option"))
        fail_msg("the message does not name the unknown option:\n%s", run.err);
    run_free(&run);
}

static int usage(void) {
    fputs("usage: diag_test diag <name> <asyncc> <diag-dir>\n"
          "       diag_test robust <asyncc> <diag-dir>\n"
          "       diag_test cli <asyncc> <version>\n",
          stderr);
    return 2;
}

int main(int argc, char **argv) {
    if (argc == 5 && strcmp(argv[1], "diag") == 0) {
        name_arg = argv[2];
        asyncc = argv[3];
        dir_arg = argv[4];
        const struct CMUnitTest tests[] = {cmocka_unit_test(exact_diagnostic)};
        char *group = str_printf("diag.%s", name_arg);
        int failed = cmocka_run_group_tests_name(group, tests, NULL, NULL);
        free(group);
        return failed;
    }
    if (argc == 4 && strcmp(argv[1], "robust") == 0) {
        asyncc = argv[2];
        dir_arg = argv[3];
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(binary_input),       cmocka_unit_test(empty_input),
            cmocka_unit_test(missing_input),      cmocka_unit_test(syntax_errors),
            cmocka_unit_test(unwritable_output),  cmocka_unit_test(front_end_crash),
            cmocka_unit_test(long_else_if_chain),
        };
        return cmocka_run_group_tests_name("diag.robust", tests, NULL, NULL);
    }
    if (argc == 4 && strcmp(argv[1], "cli") == 0) {
        asyncc = argv[2];
        version_arg = argv[3];
        const struct CMUnitTest tests[] = {cmocka_unit_test(help), cmocka_unit_test(version),
                                           cmocka_unit_test(unknown_option)};
        return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
    }
    return usage();
}
