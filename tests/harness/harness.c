/* harness.c - see harness.h. POSIX: fork/exec, temp files, directories. */
#define _POSIX_C_SOURCE 200809L

#include "harness.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

char *str_printf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

bool str_ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Read everything from a stream that is open for reading at its start. */
static char *stream_read(FILE *f, size_t *len) {
    size_t cap = 4096, n = 0;
    char *data = malloc(cap);
    if (!data)
        return NULL;
    for (;;) {
        n += fread(data + n, 1, cap - n - 1, f);
        if (n < cap - 1)
            break;
        cap *= 2;
        char *bigger = realloc(data, cap);
        if (!bigger) {
            free(data);
            return NULL;
        }
        data = bigger;
    }
    data[n] = '\0';
    if (len)
        *len = n;
    return data;
}

char *file_read(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *data = stream_read(f, len);
    fclose(f);
    return data;
}

void file_write(const char *path, const char *data, size_t len) {
    FILE *f = fopen(path, "wb");
    if (!f)
        fail_msg("cannot write %s", path);
    size_t written = fwrite(data, 1, len, f);
    if (fclose(f) != 0 || written != len)
        fail_msg("cannot write %s", path);
}

bool file_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

/* The directories made and not yet removed: a test that fails jumps past its
 * temp_dir_remove, so the rest go when the program exits. */
static char *live_dirs[16];
static int nlive_dirs;

/* Removes dir and the files in it. */
static void dir_delete(const char *dir) {
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char *path = str_printf("%s/%s", dir, e->d_name);
            unlink(path);
            free(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

static void live_dirs_delete(void) {
    while (nlive_dirs > 0)
        temp_dir_remove(live_dirs[nlive_dirs - 1]);
}

char *temp_dir_make(void) {
    const char *base = getenv("TMPDIR");
    char *dir = str_printf("%s/asyncc-test-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(dir))
        fail_msg("cannot create a temporary directory in %s", base ? base : "/tmp");
    static bool registered;
    if (!registered)
        registered = atexit(live_dirs_delete) == 0;
    assert_true(nlive_dirs < (int)(sizeof live_dirs / sizeof *live_dirs));
    live_dirs[nlive_dirs++] = dir;
    return dir;
}

void temp_dir_remove(char *dir) {
    dir_delete(dir);
    for (int i = 0; i < nlive_dirs; i++)
        if (live_dirs[i] == dir)
            live_dirs[i] = live_dirs[--nlive_dirs];
    free(dir);
}

/* In the child: wire up stdin/stdout/stderr, arm the timeout, exec. Never returns. */
static void child_exec(const char *dir, char *const argv[], int out_fd, int err_fd) {
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
        _exit(127);
    if (dir && chdir(dir) != 0) {
        perror(dir);
        _exit(127);
    }
    alarm(HARNESS_TIMEOUT_S); /* survives exec: a hung program dies of SIGALRM */
    execvp(argv[0], argv);
    perror(argv[0]);
    _exit(127);
}

/* Exit status as a shell reports it. */
static int wait_status(pid_t pid) {
    int ws;
    while (waitpid(pid, &ws, 0) < 0) {
    }
    if (WIFEXITED(ws))
        return WEXITSTATUS(ws);
    if (WIFSIGNALED(ws))
        return 128 + WTERMSIG(ws);
    return -1;
}

Run run_program(const char *dir, char *const argv[]) {
    Run run = {.status = -1};
    FILE *out = tmpfile(), *err = tmpfile();
    assert_non_null(out);
    assert_non_null(err);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        child_exec(dir, argv, fileno(out), fileno(err));
    run.status = wait_status(pid);
    rewind(out);
    rewind(err);
    run.out = stream_read(out, &run.out_len);
    run.err = stream_read(err, &run.err_len);
    fclose(out);
    fclose(err);
    assert_non_null(run.out);
    assert_non_null(run.err);
    return run;
}

void run_free(Run *run) {
    free(run->out);
    free(run->err);
    run->out = run->err = NULL;
}

/* Print line `lineno` (from 1) of text, or a marker when text has fewer lines. */
static void print_line(const char *label, const char *text, size_t len, size_t lineno) {
    size_t at = 0;
    for (size_t l = 1; l < lineno && at < len; at++)
        if (text[at] == '\n')
            l++;
    if (at >= len) {
        print_error("  %s: <end of text>\n", label);
        return;
    }
    size_t end = at;
    while (end < len && text[end] != '\n')
        end++;
    print_error("  %s: %.*s\n", label, (int)(end - at), text + at);
}

void assert_text_equal(const char *what, const char *expected, size_t expected_len,
                       const char *actual, size_t actual_len) {
    if (expected_len == actual_len && memcmp(expected, actual, expected_len) == 0)
        return;
    size_t i = 0, line = 1;
    while (i < expected_len && i < actual_len && expected[i] == actual[i])
        line += expected[i++] == '\n';
    print_error("%s differs from the expected text at line %zu:\n", what, line);
    print_line("expected", expected, expected_len, line);
    print_line("actual  ", actual, actual_len, line);
    print_error("--- whole actual text ---\n%.*s--- end ---\n", (int)actual_len, actual);
    fail();
}

void assert_matches_file(const char *path, const char *actual, size_t actual_len) {
    const char *update = getenv("ASYNCC_UPDATE_GOLDEN");
    if (update && strcmp(update, "1") == 0) {
        file_write(path, actual, actual_len);
        print_message("updated %s\n", path);
        return;
    }
    size_t want_len;
    char *want = file_read(path, &want_len);
    if (!want) {
        fail_msg("no %s: create it with ASYNCC_UPDATE_GOLDEN=1, then check it", path);
        return; /* not reached: cmocka's fail_msg is not declared noreturn */
    }
    assert_text_equal(path, want, want_len, actual, actual_len);
    free(want);
}

void assert_exit_status(const char *what, const Run *run, int want) {
    if (run->status == want)
        return;
    print_error("%s exited with status %d, expected %d; its stderr:\n%s", what, run->status, want,
                run->err);
    fail();
}
