/* harness.h - what the test drivers share: running a program and capturing what it
 * prints, reading and writing files, and comparing texts with a readable report.
 * Includes cmocka; the assertions here fail the running cmocka test. */
#ifndef ASYNCC_TEST_HARNESS_H
#define ASYNCC_TEST_HARNESS_H

/* cmocka.h needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdbool.h>

/* Seconds a program run by the harness may take before it is killed (SIGALRM). */
#define HARNESS_TIMEOUT_S 60

/* How a program ended and what it printed. */
typedef struct Run {
    int status; /* exit status; 128 + n when killed by signal n; -1 if it never ran */
    char *out;  /* stdout, NUL-terminated */
    size_t out_len;
    char *err; /* stderr, NUL-terminated */
    size_t err_len;
} Run;

/* Run argv[0] (searched in PATH) with argv, in directory dir (NULL: the current
 * one), stdin from /dev/null. Never fails the test itself: check run.status. */
Run run_program(const char *dir, char *const argv[]);
void run_free(Run *run);

/* The whole file, NUL-terminated (len may be NULL); NULL if it cannot be read. */
char *file_read(const char *path, size_t *len);
/* Write len bytes to path, replacing it; fails the test on error. */
void file_write(const char *path, const char *data, size_t len);
bool file_exists(const char *path);

/* A fresh directory for one test's files; removed (with the files the test made in
 * it) by temp_dir_remove, or at exit if a failure skipped that. */
char *temp_dir_make(void);
void temp_dir_remove(char *dir);

/* malloc'd printf; never NULL. */
char *str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool str_ends_with(const char *s, const char *suffix);

/* Fail unless actual equals expected byte for byte; the report names what is
 * compared and shows the first line that differs. */
void assert_text_equal(const char *what, const char *expected, size_t expected_len,
                       const char *actual, size_t actual_len);
/* Fail unless actual equals the contents of the file at path. With
 * ASYNCC_UPDATE_GOLDEN=1 in the environment, rewrite the file with actual instead. */
void assert_matches_file(const char *path, const char *actual, size_t actual_len);
/* Fail unless the program exited with status `want`; shows its stderr if not. */
void assert_exit_status(const char *what, const Run *run, int want);

#endif
