/* main.c - asyncc's command line: reads the options, runs the stages
 * (parse -> lower -> frame -> emit) and writes the output.
 *
 *     asyncc [options] input.c [-o output.c] [-- compiler flags]
 *
 * Output files are written whole or not at all: the text goes to a temporary file
 * next to the output, renamed over it only when every stage succeeded.
 */
#define _POSIX_C_SOURCE 200809L

#include "diag.h"
#include "dump.h"
#include "inspect.h"
#include "ir.h"
#include "report.h"
#include "util.h"

#include <clang-c/CXCompilationDatabase.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

/* The stack of the thread that runs the stages (reserved, not committed). */
#define RUN_STACK_SIZE ((size_t)512 << 20)

typedef struct Options {
    const char *input;
    const char *output;    /* NULL or "-": standard output */
    const char *build_dir; /* -p: where compile_commands.json is */
    const char *depfile;
    bool dump_ir;
    const char *emit; /* --emit: "c" (the default), "dot", "json" or "html" */
    bool frame_report;
    int nflags; /* for libclang */
    const char **flags;
} Options;

static const char usage_text[] =
    "usage: asyncc [options] input.c [-o output.c] [-- compiler flags]\n"
    "\n"
    "Rewrites the async functions of input.c as state machines in plain C.\n"
    "\n"
    "options:\n"
    "  -o FILE              write the output to FILE (default, or '-': standard output)\n"
    "  -p DIR               use the compiler flags of DIR/compile_commands.json\n"
    "  -I DIR  -D NAME[=VALUE]  -U NAME  -std=STD\n"
    "                       compiler flags, like those after --\n"
    "  --depfile FILE, -MF FILE\n"
    "                       write a Make-style list of the files read (needs -o)\n"
    "  --dump-ir            print asyncc's intermediate representation instead of C\n"
    "  --emit=FORMAT        what to write: c (the default), dot (the state graphs, for\n"
    "                       graphviz), json (states, frames, line map: grammar/inspect.md)\n"
    "                       or html (one page showing all of it)\n"
    "  --frame-report       print one JSON line per async function defined (its frame's\n"
    "                       size and alignment, and the least size it could have)\n"
    "                       instead of C\n"
    "  --help               print this help and exit\n"
    "  --version            print the version and exit\n"
    "\n"
    "exit status: 0 done; 1 errors, each reported (file:line:col: error: ...);\n"
    "2 a bad command line; 70 asyncc or libclang crashed (reported as an error).\n";

static void usage_error(const char *fmt, const char *arg) {
    fputs("asyncc: error: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n", stderr);
    fputs(usage_text, stderr);
    exit(2);
}

static void flag_add(Options *o, const char *flag) {
    VEC_PUSH(&o->flags, &o->nflags, flag);
}

static bool starts_with(const char *s, const char *prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The value of option opt at argv[*i]: attached ("-Idir", "--depfile=f") when
 * attached is allowed, else the next argument. */
static const char *option_value(int argc, char **argv, int *i, const char *opt, bool attached) {
    const char *rest = argv[*i] + strlen(opt);
    if (attached && *rest)
        return rest + (rest[0] == '=' && opt[1] == '-');
    if (*rest)
        usage_error("unknown option '%s'", argv[*i]);
    if (*i + 1 >= argc)
        usage_error("option '%s' needs a value", opt);
    return argv[++*i];
}

/* Handles argv[*i] if it is one of asyncc's options or a compiler flag. */
static bool option_take(Options *o, int argc, char **argv, int *i) {
    const char *a = argv[*i];
    if (strcmp(a, "--help") == 0) {
        fputs(usage_text, stdout);
        exit(0);
    }
    if (strcmp(a, "--version") == 0) {
        puts("asyncc " ASYNCC_VERSION);
        exit(0);
    }
    if (strcmp(a, "--dump-ir") == 0)
        o->dump_ir = true;
    else if (starts_with(a, "--emit=") || strcmp(a, "--emit") == 0)
        o->emit = option_value(argc, argv, i, "--emit", true);
    else if (strcmp(a, "--frame-report") == 0)
        o->frame_report = true;
    else if (starts_with(a, "--depfile") && (a[9] == '\0' || a[9] == '='))
        o->depfile = option_value(argc, argv, i, "--depfile", true);
    else if (strcmp(a, "-MF") == 0)
        o->depfile = option_value(argc, argv, i, "-MF", false);
    else if (starts_with(a, "-o"))
        o->output = option_value(argc, argv, i, "-o", true);
    else if (strcmp(a, "-p") == 0)
        o->build_dir = option_value(argc, argv, i, "-p", false);
    else if (starts_with(a, "-I") || starts_with(a, "-D") || starts_with(a, "-U")) {
        char opt[3] = {a[0], a[1], '\0'};
        flag_add(o, xprintf("%s%s", opt, option_value(argc, argv, i, opt, true)));
    } else if (starts_with(a, "-std="))
        flag_add(o, a);
    else
        return false;
    return true;
}

static Options options_parse(int argc, char **argv) {
    Options o = {0};
    int i;
    for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (option_take(&o, argc, argv, &i))
            continue;
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            usage_error("unknown option '%s'", argv[i]);
        if (o.input)
            usage_error("more than one input file ('%s')", argv[i]);
        o.input = argv[i];
    }
    for (i++; i < argc; i++)
        if (argv[i][0] != '\0') /* build tools may pass empty lists as "" */
            flag_add(&o, argv[i]);
    if (!o.input)
        usage_error("no input file%s", "");
    if (!o.emit)
        o.emit = "c";
    static const char *const formats[] = {"c", "dot", "json", "html"};
    if (!str_in((char *const *)formats, 4, o.emit))
        usage_error("unknown format '%s' for --emit (c, dot, json, html)", o.emit);
    if (o.dump_ir && strcmp(o.emit, "c") != 0)
        usage_error("%s cannot be combined with --emit", "--dump-ir");
    if (o.depfile && (!o.output || strcmp(o.output, "-") == 0))
        usage_error("%s needs an output file (-o FILE)", "--depfile");
    return o;
}

static bool to_stdout(const char *path) {
    return !path || strcmp(path, "-") == 0;
}

/* ---- compile_commands.json ----------------------------------------------------------- */

static void fatal(const char *msg) {
    diag_raw("asyncc", 0, 0, "error", msg);
    exit(1);
}

static char *path_absolute_in(const char *dir, const char *path) {
    return path[0] == '/' ? xstrdup(path) : xprintf("%s/%s", dir, path);
}

static char *cwd_get(void) {
    char buf[4096];
    return xstrdup(getcwd(buf, sizeof buf) ? buf : ".");
}

static char *string_take(CXString s) {
    char *copy = xstrdup(clang_getCString(s) ? clang_getCString(s) : "");
    clang_disposeString(s);
    return copy;
}

/* Arguments of a compile command that are about compiling, not about parsing:
 * returns how many to drop at argv[i] (0: keep). */
static int compile_arg_drop(const char *arg, const char *dir, const char *file) {
    static const char *const alone[] = {"-c", "-M", "-MM", "-MD", "-MMD", "-MG", "-MP"};
    static const char *const with_value[] = {"-o", "-MF", "-MT", "-MQ", "-MJ"};
    for (size_t i = 0; i < sizeof alone / sizeof *alone; i++)
        if (strcmp(arg, alone[i]) == 0)
            return 1;
    for (size_t i = 0; i < sizeof with_value / sizeof *with_value; i++)
        if (starts_with(arg, with_value[i]))
            return strcmp(arg, with_value[i]) == 0 ? 2 : 1;
    char *abs = path_absolute_in(dir, arg);
    int drop = strcmp(abs, file) == 0;
    free(abs);
    return drop;
}

/* libclang makes up a command for a file the database does not list, from the
 * entry of a similar file; such a command has "--" before the file name. */
static bool command_guessed(CXCompileCommand cmd) {
    unsigned n = clang_CompileCommand_getNumArgs(cmd);
    for (unsigned i = 0; i < n; i++)
        if (strcmp(string_take(clang_CompileCommand_getArg(cmd, i)), "--") == 0)
            return true;
    return false;
}

/* The commands of the input, or else of the output (asyncc's input is often not
 * compiled itself, its output is); a guessed command only when neither is listed. */
static CXCompileCommands commands_find(CXCompilationDatabase db, const Options *o) {
    char *cwd = cwd_get();
    const char *paths[] = {o->input, o->output};
    CXCompileCommands guessed = NULL;
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        if (to_stdout(paths[i]))
            continue;
        char *abs = path_absolute_in(cwd, paths[i]);
        CXCompileCommands cmds = clang_CompilationDatabase_getCompileCommands(db, abs);
        free(abs);
        bool found = cmds && clang_CompileCommands_getSize(cmds) > 0;
        if (found && !command_guessed(clang_CompileCommands_getCommand(cmds, 0))) {
            clang_CompileCommands_dispose(guessed);
            return cmds;
        }
        if (found && !guessed)
            guessed = cmds;
        else
            clang_CompileCommands_dispose(cmds);
    }
    return guessed;
}

/* The flags of the input's entry (or, for a generated file, of the output's
 * entry) in the compilation database; they go before the command line's flags. */
static void database_flags_add(Options *o) {
    CXCompilationDatabase_Error err;
    CXCompilationDatabase db = clang_CompilationDatabase_fromDirectory(o->build_dir, &err);
    if (err != CXCompilationDatabase_NoError || !db)
        fatal(xprintf("cannot read %s/compile_commands.json", o->build_dir));
    CXCompileCommands cmds = commands_find(db, o);
    if (!cmds)
        fatal(xprintf("no entry for '%s' in %s/compile_commands.json", o->input, o->build_dir));
    CXCompileCommand cmd = clang_CompileCommands_getCommand(cmds, 0);
    char *dir = string_take(clang_CompileCommand_getDirectory(cmd));
    char *file = path_absolute_in(dir, string_take(clang_CompileCommand_getFilename(cmd)));
    Options from_db = {0};
    flag_add(&from_db, xprintf("-working-directory=%s", dir));
    unsigned n = clang_CompileCommand_getNumArgs(cmd);
    for (unsigned i = 1; i < n; i++) { /* argument 0 is the compiler */
        char *arg = string_take(clang_CompileCommand_getArg(cmd, i));
        if (strcmp(arg, "--") == 0)
            break; /* only file names follow */
        int drop = compile_arg_drop(arg, dir, file);
        if (drop == 0)
            flag_add(&from_db, arg);
        i += drop > 1;
    }
    for (int i = 0; i < o->nflags; i++)
        flag_add(&from_db, o->flags[i]);
    o->flags = from_db.flags;
    o->nflags = from_db.nflags;
    clang_CompileCommands_dispose(cmds);
    clang_CompilationDatabase_dispose(db);
}

/* ---- <asyncc.h> ------------------------------------------------------------------------ */

/* The directory of <asyncc.h>: ASYNCC_INCLUDE_RELATIVE from this executable's
 * directory, so that an installed asyncc finds the headers installed with it, and
 * one in a build tree the tree's (asyncc/CMakeLists.txt). NULL if unknown. */
static char *own_include_dir(void) {
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    return xprintf("%s/%s", exe, ASYNCC_INCLUDE_RELATIVE);
}

/* Last, so that the user's -I directories are searched first. */
static void own_include_add(Options *o) {
    char *dir = own_include_dir();
    if (dir)
        flag_add(o, xprintf("-I%s", dir));
    free(dir);
}

/* ---- output ---------------------------------------------------------------------------- */

static bool write_error(const char *path) {
    diag_raw(path, 0, 0, "error", xprintf("cannot write: %s", strerror(errno)));
    return false;
}

static bool fd_write_all(int fd, const char *data, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        len -= (size_t)n;
    }
    return true;
}

/* path gets exactly data, or stays as it was. */
/* Writes data to a path that is not a regular file (/dev/null, a FIFO, a terminal)
 * in place: renaming over it would replace the device or the pipe. */
static bool file_write_in_place(const char *path, const Buf *data) {
    int fd = open(path, O_WRONLY);
    if (fd < 0)
        return write_error(path);
    bool ok = fd_write_all(fd, data->data, data->len);
    ok = close(fd) == 0 && ok;
    return ok || write_error(path);
}

static bool file_replace(const char *path, const Buf *data) {
    if (to_stdout(path)) {
        if (fwrite(data->data ? data->data : "", 1, data->len, stdout) != data->len ||
            fflush(stdout) != 0)
            return write_error("<stdout>");
        return true;
    }
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return file_write_in_place(path, data);
    char *tmp = xprintf("%s.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return write_error(path);
    mode_t mask = umask(0);
    umask(mask);
    bool ok = fchmod(fd, 0666 & ~mask) == 0 && fd_write_all(fd, data->data, data->len);
    ok = close(fd) == 0 && ok;
    ok = ok && rename(tmp, path) == 0;
    if (!ok) {
        write_error(path);
        unlink(tmp);
    }
    free(tmp);
    return ok;
}

/* A path in a Make rule: spaces, '#' and '$' escaped. */
static void make_path_put(Buf *b, const char *path) {
    for (const char *c = path; *c; c++) {
        if (*c == ' ' || *c == '#')
            buf_put(b, "\\");
        buf_putn(b, *c == '$' ? "$$" : c, 1 + (*c == '$'));
    }
}

static bool depfile_write(const Options *o, const Program *prog) {
    Buf b = {0};
    make_path_put(&b, o->output);
    buf_put(&b, ": ");
    make_path_put(&b, o->input);
    for (int i = 0; i < prog->nincludes; i++) {
        buf_put(&b, " \\\n  ");
        make_path_put(&b, prog->includes[i]);
    }
    buf_put(&b, "\n");
    /* A rule without prerequisites for each header (gcc's -MP): when one is
     * deleted, make counts it as made instead of stopping. */
    for (int i = 0; i < prog->nincludes; i++) {
        buf_put(&b, "\n");
        make_path_put(&b, prog->includes[i]);
        buf_put(&b, ":\n");
    }
    return file_replace(o->depfile, &b);
}

/* The output in the format --emit asks for; the inspectors read the C too. */
static bool output_make(const Options *o, const Program *prog, Buf *out) {
    if (strcmp(o->emit, "dot") == 0) {
        emit_dot(prog, out);
        return true;
    }
    if (strcmp(o->emit, "c") == 0) {
        emit_program(prog, to_stdout(o->output) ? "<stdout>" : o->output, out);
        return true;
    }
    Buf gen = {0};
    emit_program(prog, "<generated>", &gen);
    if (strcmp(o->emit, "json") == 0)
        return emit_json(prog, gen.data, gen.len, o->nflags, o->flags, out);
    return emit_html(prog, gen.data, gen.len, o->nflags, o->flags, out);
}

/* Runs the stages and writes the output; returns the exit status. */
static int run(const Options *o) {
    Program prog = {0};
    Buf out = {0};
    bool parsed = parse_program(&prog, o->input, o->nflags, o->flags);
    if (parsed && o->dump_ir)
        dump_program(&prog, "after parse", &out);
    if (parsed)
        lower_program(&prog);
    bool ok = parsed && frame_program(&prog);
    if (ok && o->dump_ir)
        dump_program(&prog, "after lower and frame", &out);
    else if (ok && o->frame_report)
        report_frames(&prog, &out);
    else if (ok)
        ok = output_make(o, &prog, &out);
    ok = ok && diag_error_count() == 0;
    /* A failing later stage still shows what parse made, when that goes nowhere
     * a build could mistake for a result. */
    if (!ok && parsed && o->dump_ir && to_stdout(o->output))
        file_replace(o->output, &out);
    if (ok)
        ok = file_replace(o->output, &out) && (!o->depfile || depfile_write(o, &prog));
    return ok ? 0 : 1;
}

/* asyncc is a short-lived process that keeps its IR until exit by design (ir.h);
 * in a sanitizer build, LeakSanitizer must not call that a leak. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) {
    return "detect_leaks=0";
}

typedef struct Job {
    const Options *options;
    int status;
} Job;

static void *job_run(void *arg) {
    Job *job = arg;
    job->status = run(job->options);
    return NULL;
}

/* Runs the stages on a thread with a large stack: deeply nested code (a long
 * else-if chain) makes the front end recurse as deep. libclang parses on the
 * calling thread, not on one of its own whose stack is 8 MB, so that it has the
 * same room; and it does not try to survive its own crashes, which end this
 * process for run_guarded to report. */
static int run_deep(Options *o) {
    setenv("LIBCLANG_NOTHREADS", "1", 1);
    setenv("LIBCLANG_DISABLE_CRASH_RECOVERY", "1", 1);
    if (o->build_dir)
        database_flags_add(o);
    own_include_add(o);
    Job job = {o, 1};
    pthread_attr_t attr;
    pthread_t thread;
    if (pthread_attr_init(&attr) == 0 && pthread_attr_setstacksize(&attr, RUN_STACK_SIZE) == 0 &&
        pthread_create(&thread, &attr, job_run, &job) == 0)
        pthread_join(thread, NULL);
    else
        job_run(&job);
    return job.status;
}

/* asyncc never dies of a signal: the stages run in a child process, and if it
 * crashes (libclang on a file nested deeper than any stack, or a bug of ours)
 * the parent says so as an error, with exit status EX_SOFTWARE (70). */
static int run_guarded(Options *o) {
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return run_deep(o);
    if (pid == 0)
        exit(run_deep(o));
    int ws;
    while (waitpid(pid, &ws, 0) < 0)
        if (errno != EINTR)
            return EX_SOFTWARE;
    if (WIFEXITED(ws))
        return WEXITSTATUS(ws);
    int sig = WTERMSIG(ws);
    if (sig == SIGPIPE || sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGKILL) {
        signal(sig, SIG_DFL); /* stopped from outside: stop the same way */
        raise(sig);
    }
    char *msg =
        xprintf("asyncc crashed (%s) on this file; please report it with the file", strsignal(sig));
    diag_raw(o->input, 0, 0, "error", msg);
    free(msg);
    return EX_SOFTWARE;
}

int main(int argc, char **argv) {
    Options o = options_parse(argc, argv);
    return run_guarded(&o);
}
