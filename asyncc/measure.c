/* measure.c - the generated C as the compiler sees it: libclang parses the text
 * emit.c wrote, with the flags the input was parsed with, and reports the layout
 * of each frame struct (offsets, sizes and alignments are the target's, not
 * guesses) and the line of every generated name the inspectors point at.
 *
 * The text is parsed as an unsaved file standing at the input's own path, so that
 * its quoted includes resolve as the input's do. Lines are the generated text's
 * own (libclang's file locations ignore #line).
 */
#define _POSIX_C_SOURCE 200809L

#include <clang-c/Index.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "inspect.h"
#include "out.h"

static char *take(CXString s) {
    char *copy = xstrdup(clang_getCString(s) ? clang_getCString(s) : "");
    clang_disposeString(s);
    return copy;
}

static unsigned cursor_line(CXCursor c) {
    unsigned line = 0;
    clang_getFileLocation(clang_getCursorLocation(c), NULL, &line, NULL, NULL);
    return line;
}

static bool named(CXCursor c, const char *name) {
    char *s = take(clang_getCursorSpelling(c));
    bool same = strcmp(s, name) == 0;
    free(s);
    return same;
}

/* ---- frame structs -------------------------------------------------------------------- */

typedef struct Fields {
    CXType top; /* the frame: the fields of its anonymous unions and structs are its
                   own, at their offsets in it; invalid inside a named member */
    int n;
    Member *items;
} Fields;

static Member member_of(CXCursor field, CXType top);

static enum CXChildVisitResult field_visit(CXCursor c, CXCursor parent, CXClientData data) {
    (void)parent;
    Fields *f = data;
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_FieldDecl &&
        !clang_Cursor_isAnonymousRecordDecl(clang_getTypeDeclaration(clang_getCursorType(c)))) {
        Member m = member_of(c, f->top);
        VEC_PUSH(&f->items, &f->n, m);
    } else if ((k == CXCursor_StructDecl || k == CXCursor_UnionDecl) &&
               clang_Cursor_isAnonymousRecordDecl(c) && f->top.kind != CXType_Invalid) {
        clang_visitChildren(c, field_visit, f); /* the frame's layout (abi.md, section 2) */
    }
    return CXChildVisit_Continue;
}

/* The fields of record declaration decl; top: see Fields. */
static Fields fields_of(CXCursor decl, CXType top) {
    Fields f = {top, 0, NULL};
    clang_visitChildren(decl, field_visit, &f);
    return f;
}

/* A field (its offset in top when that is valid, else in its record); a struct
 * declared in place (a form's branches) with its own fields, whose offsets are
 * within it. */
static Member member_of(CXCursor field, CXType top) {
    CXType t = clang_getCursorType(field);
    Member m = {take(clang_getCursorSpelling(field)),
                0,
                clang_Type_getSizeOf(t),
                clang_Type_getAlignOf(t),
                cursor_line(field),
                0,
                NULL};
    m.offset = top.kind != CXType_Invalid ? clang_Type_getOffsetOf(top, m.name) / 8
                                          : clang_Cursor_getOffsetOfField(field) / 8;
    CXCursor decl = clang_getTypeDeclaration(clang_getCanonicalType(t));
    CXCursor owner = clang_getCursorSemanticParent(decl);
    bool in_place = !clang_Cursor_isNull(decl) && !clang_Cursor_isNull(owner) &&
                    clang_equalCursors(owner, clang_getCursorSemanticParent(field));
    if (in_place) {
        Fields kids = fields_of(decl, (CXType){.kind = CXType_Invalid});
        m.nkids = kids.n;
        m.kids = kids.items;
    }
    return m;
}

const Member *member_find(const Measured *m, const char *name) {
    for (int i = 0; i < m->nmembers; i++)
        if (strcmp(m->members[i].name, name) == 0)
            return &m->members[i];
    return NULL;
}

/* ---- the walk --------------------------------------------------------------------------- */

typedef struct Walk {
    const Program *prog;
    Measured *ms;
    int nms;
} Walk;

static void frame_read(Measured *m, CXCursor c) {
    CXType t = clang_getCursorType(c);
    Fields f = fields_of(c, t);
    m->found = true;
    m->size = clang_Type_getSizeOf(t);
    m->align = clang_Type_getAlignOf(t);
    m->line = cursor_line(c);
    m->nmembers = f.n;
    m->members = f.items;
}

static enum CXChildVisitResult enum_visit(CXCursor c, CXCursor parent, CXClientData data) {
    (void)parent;
    Measured *m = data;
    const Func *f = m->func;
    for (int s = 0; s <= f->nawaits + 1; s++)
        if (clang_getCursorKind(c) == CXCursor_EnumConstantDecl && named(c, state_name(f, s)))
            m->state_line[s] = cursor_line(c);
    return CXChildVisit_Continue;
}

static enum CXChildVisitResult label_visit(CXCursor c, CXCursor parent, CXClientData data) {
    (void)parent;
    Measured *m = data;
    if (clang_getCursorKind(c) == CXCursor_LabelStmt)
        for (int i = 0; i < m->func->nawaits; i++)
            if (named(c, m->func->awaits[i]->label))
                m->label_line[i] = cursor_line(c);
    return CXChildVisit_Recurse;
}

/* One top-level declaration: is it a generated name of a function? */
static void decl_read(Measured *m, CXCursor c) {
    const char *n = m->func->name;
    enum CXCursorKind k = clang_getCursorKind(c);
    bool def = clang_isCursorDefinition(c);
    if (k == CXCursor_StructDecl && def && named(c, xprintf("%s_frame", n)))
        frame_read(m, c);
    else if (k == CXCursor_EnumDecl && def && named(c, xprintf("%s_state", n)))
        clang_visitChildren(c, enum_visit, m);
    else if (k == CXCursor_FunctionDecl && def && named(c, xprintf("%s_poll", n))) {
        m->poll_line = cursor_line(c);
        clang_visitChildren(c, label_visit, m);
    } else if (k == CXCursor_FunctionDecl && def && named(c, xprintf("%s_init", n)))
        m->init_line = cursor_line(c);
    else if (k == CXCursor_FunctionDecl && def && named(c, xprintf("%s_drop", n)))
        m->drop_line = cursor_line(c);
}

static enum CXChildVisitResult top_visit(CXCursor c, CXCursor parent, CXClientData data) {
    (void)parent;
    Walk *w = data;
    if (!clang_Location_isFromMainFile(clang_getCursorLocation(c)))
        return CXChildVisit_Continue;
    for (int i = 0; i < w->nms; i++)
        decl_read(&w->ms[i], c);
    return CXChildVisit_Continue;
}

/* ---- parsing ----------------------------------------------------------------------------- */

static CXTranslationUnit gen_parse(CXIndex index, const char *abs, const char *gen, size_t len,
                                   int nflags, const char *const *flags) {
    const char **argv = xmalloc(sizeof *argv * (size_t)(nflags + 3));
    int argc = 0;
    argv[argc++] = "-xc";
    for (int i = 0; i < nflags; i++)
        argv[argc++] = flags[i];
    argv[argc++] = "-w";
    struct CXUnsavedFile unsaved = {abs, gen, (unsigned long)len};
    CXTranslationUnit tu = NULL;
    enum CXErrorCode err = clang_parseTranslationUnit2(index, abs, argv, argc, &unsaved, 1,
                                                       CXTranslationUnit_None, &tu);
    free(argv);
    return err == CXError_Success ? tu : NULL;
}

bool measure_program(const Program *prog, const char *gen, size_t len, int nflags,
                     const char *const *flags, Measured **ms, int *nms) {
    Walk w = {prog, NULL, 0};
    for (int i = 0; i < prog->nfuncs; i++) {
        const Func *f = prog->funcs[i];
        if (!f->is_defined)
            continue;
        Measured m = {0};
        m.func = f;
        m.state_line = xmalloc(sizeof(unsigned) * ((size_t)f->nawaits + 2));
        m.label_line = xmalloc(sizeof(unsigned) * ((size_t)f->nawaits + 1));
        VEC_PUSH(&w.ms, &w.nms, m);
    }
    char *abs = path_absolute(prog->path);
    int cwd = open(".", O_RDONLY | O_DIRECTORY); /* -working-directory moves it */
    CXIndex index = clang_createIndex(0, 0);
    CXTranslationUnit tu = gen_parse(index, abs, gen, len, nflags, flags);
    if (tu) {
        clang_visitChildren(clang_getTranslationUnitCursor(tu), top_visit, &w);
        clang_disposeTranslationUnit(tu);
    } else {
        diag_raw(prog->path, 0, 0, "error", "libclang could not parse the generated code");
    }
    clang_disposeIndex(index);
    if (cwd >= 0 && (fchdir(cwd) != 0 || close(cwd) != 0))
        diag_raw("asyncc", 0, 0, "error", "cannot return to the working directory");
    free(abs);
    *ms = w.ms;
    *nms = w.nms;
    return tu != NULL;
}

/* ---- the line map ------------------------------------------------------------------------ */

/* The file name of a #line directive's string literal at s, unescaped. */
static char *directive_file(const char *s) {
    Buf b = {0};
    buf_put(&b, "");
    for (s++; *s && *s != '"' && *s != '\n'; s++) {
        if (*s == '\\' && s[1])
            s++;
        buf_putn(&b, s, 1);
    }
    return b.data;
}

/* Reads `#line N ["file"]` at line; false if it is not one. */
static bool directive_read(const char *line, unsigned *n, char **file) {
    if (strncmp(line, "#line ", 6) != 0)
        return false;
    char *end;
    *n = (unsigned)strtoul(line + 6, &end, 10);
    end += strspn(end, " \t");
    *file = *end == '"' ? directive_file(end) : NULL;
    return true;
}

/* Is generated line [s, s + n) worth a place in the map: code the compiler puts at
 * source line `line`, or that line copied as it is (a comment, a directive)? */
static bool line_maps(const Program *prog, const char *s, size_t n, unsigned line) {
    if (line_holds_code(s, n))
        return true;
    if (line == 0 || (int)line > prog->nlines)
        return false;
    unsigned from = prog->lines[line - 1];
    unsigned to = (int)line < prog->nlines ? prog->lines[line] - 1 : (unsigned)prog->file_len;
    while (to > from && prog->file_src[to - 1] == '\r')
        to--;
    return n > 0 && to - from == n && memcmp(prog->file_src + from, s, n) == 0;
}

int line_map(const Program *prog, const char *gen, LineRun **runs) {
    int n = 0;
    bool in_source = false; /* the presumed file is the input */
    unsigned presumed = 1, real = 1;
    for (const char *line = gen; *line; real++) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        unsigned to;
        char *file;
        if (directive_read(line, &to, &file)) {
            in_source = file ? strcmp(file, prog->path) == 0 : in_source;
            presumed = to;
        } else {
            LineRun *last = n > 0 ? &(*runs)[n - 1] : NULL;
            bool maps = in_source && line_maps(prog, line, len, presumed);
            if (maps && last && last->gen + last->count == real &&
                last->source + last->count == presumed) {
                last->count++;
            } else if (maps) {
                LineRun r = {real, presumed, 1};
                VEC_PUSH(runs, &n, r);
            }
            presumed++;
        }
        if (!nl)
            break;
        line = nl + 1;
    }
    return n;
}
