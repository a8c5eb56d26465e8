/* convert.c - turns a csmith program into async C for asyncc.
 *
 *     csmith_convert input.c [-o output.c] [-- compiler flags]
 *
 * Every function defined in the file except main becomes async: "async " before
 * each of its declarations, "await(ac_yield());" first in its body (so that every
 * call really suspends), and each call of it is wrapped in await(...), or in
 * ac_block_on(...) within main. <asyncc.h> is included first. Nothing else
 * changes: the program keeps its meaning and its checksum.
 *
 * The file is parsed with libclang (flags after "--", e.g. -I for csmith.h) and
 * the output is the input with text inserted at the offsets libclang gives, so
 * csmith's layout is kept and line numbers in asyncc's errors are easy to follow.
 * Exit status: 0 converted; 1 the file does not parse, or a call to convert comes
 * from a macro (its text is not in the file); 2 a bad command line.
 */
#include <clang-c/Index.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One insertion into the input: text goes before the byte at offset. Insertions
 * at the same offset go in the order of rank. */
typedef struct Edit {
    unsigned offset;
    long rank;
    const char *text;
} Edit;

typedef struct Converter {
    const char *path;
    Edit *edits;
    size_t nedits, cap;
    long next_rank;
    bool failed;
} Converter;

/* Where the visitor is: calls within main block on their callee, others await. */
typedef struct Scope {
    Converter *conv;
    bool in_main;
} Scope;

static void *xrealloc(void *p, size_t size) {
    void *q = realloc(p, size);
    if (!q) {
        fputs("csmith_convert: out of memory\n", stderr);
        exit(1);
    }
    return q;
}

static void edit_add(Converter *conv, unsigned offset, long rank, const char *text) {
    if (conv->nedits == conv->cap) {
        conv->cap = conv->cap ? 2 * conv->cap : 256;
        conv->edits = xrealloc(conv->edits, conv->cap * sizeof *conv->edits);
    }
    conv->edits[conv->nedits++] = (Edit){offset, rank, text};
}

static int edit_compare(const void *a, const void *b) {
    const Edit *x = a, *y = b;
    if (x->offset != y->offset)
        return x->offset < y->offset ? -1 : 1;
    return (x->rank > y->rank) - (x->rank < y->rank);
}

/* Reports an error at the cursor's position, compiler style. */
static void cursor_error(Converter *conv, CXCursor c, const char *what) {
    unsigned line, column;
    clang_getExpansionLocation(clang_getCursorLocation(c), NULL, &line, &column, NULL);
    CXString name = clang_getCursorSpelling(c);
    fprintf(stderr, "%s:%u:%u: error: %s '%s'\n", conv->path, line, column, what,
            clang_getCString(name));
    clang_disposeString(name);
    conv->failed = true;
}

static bool name_is_main(CXCursor c) {
    CXString name = clang_getCursorSpelling(c);
    bool is_main = strcmp(clang_getCString(name), "main") == 0;
    clang_disposeString(name);
    return is_main;
}

/* Whether f (a function declaration) is one to make async: defined in the main
 * file, and not main. The functions of csmith.h stay as they are. */
static bool function_converts(CXCursor f) {
    CXCursor def = clang_getCursorDefinition(f);
    return !clang_Cursor_isNull(def) &&
           clang_Location_isFromMainFile(clang_getCursorLocation(def)) && !name_is_main(def);
}

/* The file offset of loc, or false when loc comes from a macro expansion (its
 * spelling is elsewhere, so text inserted at the expansion would not wrap it). */
static bool location_offset(CXSourceLocation loc, unsigned *offset) {
    CXFile spelling_file, expansion_file;
    unsigned spelling_offset;
    clang_getSpellingLocation(loc, &spelling_file, NULL, NULL, &spelling_offset);
    clang_getExpansionLocation(loc, &expansion_file, NULL, NULL, offset);
    return clang_File_isEqual(spelling_file, expansion_file) && spelling_offset == *offset;
}

static enum CXChildVisitResult body_find(CXCursor c, CXCursor parent, CXClientData data) {
    (void)parent;
    if (clang_getCursorKind(c) != CXCursor_CompoundStmt)
        return CXChildVisit_Continue;
    *(CXCursor *)data = c;
    return CXChildVisit_Break;
}

/* "async " before a declaration of a converted function, and the yield after the
 * opening brace of its definition. */
static void function_convert(Converter *conv, CXCursor f) {
    CXSourceRange extent = clang_getCursorExtent(f);
    unsigned start;
    if (!location_offset(clang_getRangeStart(extent), &start)) {
        cursor_error(conv, f, "cannot convert a function declared by a macro:");
        return;
    }
    edit_add(conv, start, conv->next_rank++, "async ");
    if (!clang_isCursorDefinition(f))
        return;
    CXCursor body = clang_getNullCursor();
    clang_visitChildren(f, body_find, &body);
    unsigned brace;
    if (clang_Cursor_isNull(body) ||
        !location_offset(clang_getRangeStart(clang_getCursorExtent(body)), &brace)) {
        cursor_error(conv, f, "cannot find the body of");
        return;
    }
    edit_add(conv, brace + 1, conv->next_rank++, " await(ac_yield());");
}

/* Wraps a call of a converted function. Calls nest, so two wrappers may meet at
 * one offset: openings go outermost first (the order of the visit), closings
 * innermost first (the reverse). */
static void call_convert(Scope *scope, CXCursor call) {
    CXCursor callee = clang_getCursorReferenced(call);
    if (clang_getCursorKind(callee) != CXCursor_FunctionDecl || !function_converts(callee))
        return;
    CXSourceRange extent = clang_getCursorExtent(call);
    unsigned start, end;
    if (!location_offset(clang_getRangeStart(extent), &start) ||
        !location_offset(clang_getRangeEnd(extent), &end)) {
        cursor_error(scope->conv, call, "cannot await a call written in a macro:");
        return;
    }
    long rank = scope->conv->next_rank++;
    edit_add(scope->conv, start, rank, scope->in_main ? "ac_block_on(" : "await(");
    edit_add(scope->conv, end, -rank, ")");
}

/* Inside a function: every call, those that macros expand to included (they are
 * refused, not left unconverted). */
static enum CXChildVisitResult body_visit(CXCursor c, CXCursor parent, CXClientData data) {
    (void)parent;
    if (clang_getCursorKind(c) == CXCursor_CallExpr)
        call_convert(data, c);
    return CXChildVisit_Recurse;
}

/* The declarations of the file (those of its headers are left alone). */
static enum CXChildVisitResult top_visit(CXCursor c, CXCursor parent, CXClientData data) {
    (void)parent;
    Converter *conv = data;
    if (clang_getCursorKind(c) != CXCursor_FunctionDecl ||
        !clang_Location_isFromMainFile(clang_getCursorLocation(c)))
        return CXChildVisit_Continue;
    if (function_converts(c))
        function_convert(conv, c);
    Scope scope = {conv, name_is_main(c)};
    clang_visitChildren(c, body_visit, &scope);
    return CXChildVisit_Continue;
}

/* Prints the errors libclang found; true when there were any. */
static bool diagnostics_report(CXTranslationUnit tu) {
    bool any = false;
    unsigned n = clang_getNumDiagnostics(tu);
    for (unsigned i = 0; i < n; i++) {
        CXDiagnostic d = clang_getDiagnostic(tu, i);
        if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
            CXString text = clang_formatDiagnostic(d, clang_defaultDiagnosticDisplayOptions());
            fprintf(stderr, "%s\n", clang_getCString(text));
            clang_disposeString(text);
            any = true;
        }
        clang_disposeDiagnostic(d);
    }
    return any;
}

/* The whole file at path, NUL-terminated; NULL (reported) when it cannot be read. */
static char *file_read(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return NULL;
    }
    char *text = NULL;
    size_t n = 0, cap = 0, got;
    do {
        cap = cap ? 2 * cap : 65536;
        text = xrealloc(text, cap + 1);
        got = fread(text + n, 1, cap - n, f);
        n += got;
    } while (n == cap);
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        perror(path);
        free(text);
        return NULL;
    }
    text[n] = '\0';
    *size = n;
    return text;
}

/* The input with the edits applied, written to out. */
static bool output_write(Converter *conv, const char *text, size_t size, FILE *out) {
    qsort(conv->edits, conv->nedits, sizeof *conv->edits, edit_compare);
    size_t done = 0;
    for (size_t i = 0; i < conv->nedits; i++) {
        const Edit *e = &conv->edits[i];
        if (e->offset > size)
            return false;
        fwrite(text + done, 1, e->offset - done, out);
        fputs(e->text, out);
        done = e->offset;
    }
    fwrite(text + done, 1, size - done, out);
    return !ferror(out);
}

/* Parses path with flags and collects the edits; false (reported) on errors. */
static bool program_convert(Converter *conv, int nflags, const char *const *flags) {
    CXIndex index = clang_createIndex(0, 0);
    CXTranslationUnit tu;
    enum CXErrorCode code = clang_parseTranslationUnit2(index, conv->path, flags, nflags, NULL, 0,
                                                        CXTranslationUnit_None, &tu);
    bool ok = code == CXError_Success;
    if (!ok) {
        fprintf(stderr, "%s: error: libclang cannot parse it (error %d)\n", conv->path, code);
    } else {
        ok = !diagnostics_report(tu);
        if (ok) {
            edit_add(conv, 0, LONG_MIN, "#include <asyncc.h>\n");
            clang_visitChildren(clang_getTranslationUnitCursor(tu), top_visit, conv);
            ok = !conv->failed;
        }
        clang_disposeTranslationUnit(tu);
    }
    clang_disposeIndex(index);
    return ok;
}

static int usage(void) {
    fputs("usage: csmith_convert input.c [-o output.c] [-- compiler flags]\n", stderr);
    return 2;
}

int main(int argc, char **argv) {
    const char *input = NULL, *output = NULL;
    int i = 1;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            output = argv[++i];
        else if (argv[i][0] != '-' && !input)
            input = argv[i];
        else
            return usage();
    }
    if (!input)
        return usage();
    int nflags = i < argc ? argc - i - 1 : 0;
    Converter conv = {.path = input};
    size_t size;
    char *text = file_read(input, &size);
    bool ok = text && program_convert(&conv, nflags, (const char *const *)argv + argc - nflags);
    if (ok) {
        FILE *out = output ? fopen(output, "wb") : stdout;
        ok = out && output_write(&conv, text, size, out);
        if (out && out != stdout)
            ok = fclose(out) == 0 && ok;
        if (!ok)
            fprintf(stderr, "csmith_convert: cannot write %s\n", output ? output : "the output");
    }
    free(text);
    free(conv.edits);
    return ok ? 0 : 1;
}
