/* parse.c - the front end: libclang's syntax tree of the main file -> asyncc's IR.
 *
 * libclang parses the file with ASYNCC_PARSE defined, so `async` is an annotate
 * attribute and await/ac_spawn/ac_block_on/ac_future_of are `(marker, (call))`
 * comma expressions. This file walks the tree of every async function body and
 * builds statements whose expressions are templates: the file's own bytes, with
 * holes where asyncc must rewrite something (locals, awaits, spawns, block_ons,
 * futures and the sequencing operators above an await). Ordinary functions are only
 * searched for ac_spawn / ac_block_on / ac_future_of sites and for misuse of async
 * functions. Which frame types are complete is noted too: an await embeds the frame
 * of a function defined here or of a leaf whose header defines it, and boxes the
 * frame of a function defined in another file.
 *
 * Locations: libclang maps every token to the file with clang_getFileLocation,
 * which gives the spelling of a macro argument and the invocation of a macro
 * body token. The start of a node is therefore reliable; its end is not when its
 * last token comes from a macro expanded inside another macro's argument, so
 * ends are computed from the source text where it matters (range_of) and every
 * template is checked against the text (balanced brackets, holes in order)
 * before it is accepted: asyncc reports what it cannot map, never guesses.
 * What it cannot map inside a macro invocation it expands and parses again (see
 * "macro expansion").
 */
#define _POSIX_C_SOURCE 200809L

#include "ctext.h"
#include "diag.h"
#include "ir.h"
#include "util.h"

#include <clang-c/Index.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Markers of the ASYNCC_PARSE face of <asyncc.h>. */
#define AWAIT_MARKER "asyncc_await_marker_"
#define SPAWN_MARKER "asyncc_spawn_marker_"
#define BLOCK_ON_MARKER "asyncc_block_on_marker_"
#define FUTURE_MARKER "asyncc_future_marker_"
#define ON_MARKER "asyncc_on_marker_"
#define ASYNC_ANNOTATION "asyncc_async"

/* Files larger than this are refused: offsets are 32-bit. */
#define MAX_SOURCE_SIZE ((size_t)1 << 30)

typedef struct Range {
    unsigned start, end;
    bool ok; /* both ends are in the main file */
} Range;

typedef struct Hole {
    Range range;
    Expr *expr;
} Hole;

typedef struct Holes {
    int n;
    Hole *items;
} Holes;

typedef struct Cursors {
    int n;
    CXCursor *items;
} Cursors;

/* A local used inside a macro body: an error only if the local may move to the
 * frame, which is known once the whole function has been read. */
typedef struct MacroUse {
    Pos pos;
    Var *var;
    char *macro;
    bool stringified; /* spelled in an argument that the macro stringifies or pastes */
} MacroUse;

/* A macro invocation of the main file (the detailed preprocessing record's). */
typedef struct Expansion {
    Range range; /* the name to the ')' of its arguments */
    CXCursor cursor;
    bool is_marker; /* await(...) and the like: asyncc's own */
} Expansion;

/* An invocation to replace by its expansion before the next round. */
typedef struct Request {
    Range range;
    char *text;
} Request;

/* A type declared in the async function being read (a struct, union or enum tag,
 * named or not, or a typedef name), or an enumerator of one: see "local types". */
typedef struct LocalName {
    CXCursor decl;           /* its canonical declaration */
    const char *keyword;     /* "struct", "union", "enum"; NULL: a typedef name or enumerator */
    char *name;              /* as written; NULL: an anonymous tag */
    int unit;                /* the TypeUnit that defines it; -1: a tag only declared */
    struct LocalName *alias; /* an anonymous tag that a typedef names: spelled by it */
    Unhoisted *why;          /* why it stays in the function, NULL: it moves (while the body
                                is read, only a reason of its own: reasons_settle) */
    char *hoisted;           /* its name at file scope (NULL for an alias's tag) */
} LocalName;

/* Text that moves to file scope as one declaration: a declaration of types only,
 * ';' included, or the definition of a tag in a declaration of variables or in an
 * expression (its trailing attributes included). */
typedef struct TypeUnit {
    Range range;
    bool whole;       /* a declaration of types only: it moves whole */
    bool only_tag;    /* whole, and its only declaration is of an anonymous enum */
    LocalName **uses; /* the local names its text mentions */
    int nuses;
    Unhoisted *why; /* why it stays; NULL: it moves */
} TypeUnit;

typedef enum MentionKind {
    MENTION_NAME,       /* the name of a local type or enumerator, declared or used */
    MENTION_KEYWORD,    /* the keyword of an anonymous tag's definition */
    MENTION_DEFINITION, /* a tag's definition, which moves alone: in the body, the
                           reference to its new name stands for it */
} MentionKind;

/* A place in the function's text that names a local type: renamed in every text
 * parse copies when the type moves (text_renamed). */
typedef struct Mention {
    unsigned start, end;
    MentionKind kind;
    LocalName *name;
} Mention;
/* A leaf's frame type, complete in this unit. */
typedef struct FrameType {
    char *name;
    long size, align;
} FrameType;

typedef struct Parser {
    Program *prog;
    CXTranslationUnit tu;
    CXFile main_file;
    /* The async function being read; NULL in ordinary code. */
    Func *fn;
    CXCursor *var_decls; /* declaration of fn->vars[i] */
    int nvar_decls;
    unsigned *addr_uses; /* offsets of local uses whose address is taken */
    int naddr_uses;
    MacroUse *macro_uses;
    int nmacro_uses;
    unsigned *literal_addrs; /* offsets of compound literals whose address is used */
    int nliteral_addrs;
    int awaits_made;    /* every await built so far, in any function */
    int fn_awaits;      /* the awaits built in fn (lower.c makes the list) */
    unsigned *reported; /* offsets already diagnosed (macros expand text twice) */
    int nreported;
    Range *await_texts; /* where the text of a suspending form's name is, in order */
    int nawait_texts;
    FrameType *frame_types; /* typedefs named *_frame whose type is complete in this unit */
    int nframe_types;
    Range *skipped; /* the main file's text that #if and the like leave out */
    int nskipped;
    Expansion *expansions; /* in order */
    int nexpansions;
    bool may_expand;   /* not the last round: unmappable invocations become requests */
    CXCursor ordinary; /* the ordinary function being scanned (ordinary_scan) */
    Request *requests;
    int nrequests;
    /* The types declared in fn (see "local types"). */
    LocalName **lnames;
    int nlnames;
    TypeUnit *units;
    int nunits;
    Mention *mentions; /* by start, definitions first */
    int nmentions;
    /* Names hoisted types take or must avoid: every identifier of the main file and
     * every file-scope name (file_names, read when first needed), and the names the
     * functions read so far took, tags and ordinary identifiers apart. */
    char **file_names;
    int nfile_names;
    bool file_names_read;
    char **tags_taken, **names_taken;
    int ntags_taken, nnames_taken;
    CXCursor unit_cursor; /* the translation unit's */
} Parser;

/* ---- the source text --------------------------------------------------------------- */

static bool text_balanced(const Program *prog, Range r) {
    return skip_blank(prog, r.start) >= r.end ||
           brackets_walk(prog, r.start, r.end, false) == r.end;
}

static bool ident_is(const Program *prog, unsigned off, const char *name) {
    Tok t = tok_at(prog, off);
    return t.kind == TOK_IDENT && tok_is(prog, t, name);
}

/* The identifier at off (a macro name, in diagnostics), or "?" */
static char *ident_at(const Program *prog, unsigned off) {
    Tok t = tok_at(prog, off);
    if (t.kind != TOK_IDENT)
        return xstrdup("?");
    return xstrndup(prog->src + t.start, t.end - t.start);
}

/* End of the macro invocation whose name is at off: the name and, when a
 * parenthesis follows, its argument list. */
static unsigned invocation_end(const Program *prog, unsigned off) {
    Tok name = tok_at(prog, off);
    Tok next = tok_next(prog, name.end);
    if (tok_is(prog, next, "(")) {
        unsigned end = tok_group_end(prog, next.start);
        if (end)
            return end;
    }
    return name.end;
}

/* ---- locations ------------------------------------------------------------------- */

/* The names of the forms that suspend: await, and the select, join and timeout forms
 * (ac_timeout_at starts with ac_timeout). */
static const char *const suspending_names[] = {"await", "ac_select", "ac_join_all", "ac_try_join",
                                               "ac_timeout"};

/* Where the text of a suspending form's name is. */
static void text_index(Parser *p) {
    const Program *prog = p->prog;
    for (unsigned i = 0; i < prog->len; i++) {
        for (size_t k = 0; prog->src[i] == 'a' && k < sizeof suspending_names / sizeof(char *);
             k++) {
            size_t n = strlen(suspending_names[k]);
            if (strncmp(prog->src + i, suspending_names[k], n) == 0) {
                Range r = {i, i + (unsigned)n, true};
                VEC_PUSH(&p->await_texts, &p->nawait_texts, r);
                break;
            }
        }
    }
}

static Pos pos_at(const Parser *p, unsigned off) {
    return program_pos(p->prog, off);
}

/* The main-file offset of loc (see the top of the file for macro tokens). */
static bool offset_of(const Parser *p, CXSourceLocation loc, unsigned *off) {
    CXFile file;
    unsigned line, col;
    clang_getFileLocation(loc, &file, &line, &col, off);
    return file && clang_File_isEqual(file, p->main_file) && *off <= p->prog->len;
}

static bool cursor_offset(const Parser *p, CXCursor c, unsigned *off) {
    return offset_of(p, clang_getCursorLocation(c), off);
}

/* The extent as libclang reports it (see range_of for a better end). */
static Range extent_of(const Parser *p, CXCursor c) {
    CXSourceRange r = clang_getCursorExtent(c);
    Range range;
    range.ok = offset_of(p, clang_getRangeStart(r), &range.start) &&
               offset_of(p, clang_getRangeEnd(r), &range.end) && range.start <= range.end;
    return range;
}

static char *string_take(CXString s) {
    char *copy = xstrdup(clang_getCString(s) ? clang_getCString(s) : "");
    clang_disposeString(s);
    return copy;
}

static char *cursor_name(CXCursor c) {
    return string_take(clang_getCursorSpelling(c));
}

static bool name_is(CXCursor c, const char *name) {
    CXString s = clang_getCursorSpelling(c);
    bool same = strcmp(clang_getCString(s) ? clang_getCString(s) : "", name) == 0;
    clang_disposeString(s);
    return same;
}

/* ---- cursors ---------------------------------------------------------------------- */

static enum CXChildVisitResult child_collect(CXCursor c, CXCursor parent, CXClientData data) {
    (void)parent;
    Cursors *kids = data;
    VEC_PUSH(&kids->items, &kids->n, c);
    return CXChildVisit_Continue;
}

static Cursors children_of(CXCursor c) {
    Cursors kids = {0, NULL};
    clang_visitChildren(c, child_collect, &kids);
    return kids;
}

static Cursors expr_children_of(CXCursor c) {
    Cursors all = children_of(c), exprs = {0, NULL};
    for (int i = 0; i < all.n; i++)
        if (clang_isExpression(clang_getCursorKind(all.items[i])))
            VEC_PUSH(&exprs.items, &exprs.n, all.items[i]);
    free(all.items);
    return exprs;
}

static enum CXCursorKind kind_of(CXCursor c) {
    return clang_getCursorKind(c);
}

/* An implicit conversion: libclang shows it as an UnexposedExpr with a single
 * child covering the same source. */
static bool is_implicit(CXCursor c, CXCursor *inner) {
    if (kind_of(c) != CXCursor_UnexposedExpr)
        return false;
    Cursors kids = expr_children_of(c);
    bool implicit = kids.n == 1 && clang_equalRanges(clang_getCursorExtent(c),
                                                     clang_getCursorExtent(kids.items[0]));
    if (implicit)
        *inner = kids.items[0];
    free(kids.items);
    return implicit;
}

static CXCursor strip_implicit(CXCursor c) {
    CXCursor inner;
    while (is_implicit(c, &inner))
        c = inner;
    return c;
}

static CXCursor strip_parens(CXCursor c) {
    for (c = strip_implicit(c); kind_of(c) == CXCursor_ParenExpr;) {
        Cursors kids = expr_children_of(c);
        if (kids.n != 1) {
            free(kids.items);
            break;
        }
        c = strip_implicit(kids.items[0]);
        free(kids.items);
    }
    return c;
}

static bool has_annotation(CXCursor decl) {
    Cursors kids = children_of(decl);
    bool found = false;
    for (int i = 0; i < kids.n && !found; i++)
        found = kind_of(kids.items[i]) == CXCursor_AnnotateAttr &&
                name_is(kids.items[i], ASYNC_ANNOTATION);
    free(kids.items);
    return found;
}

/* A function is async when any of its declarations that libclang can reach
 * carries the annotation. */
static bool is_async_decl(CXCursor decl) {
    if (kind_of(decl) != CXCursor_FunctionDecl)
        return false;
    CXCursor def = clang_getCursorDefinition(decl);
    return has_annotation(decl) || has_annotation(clang_getCanonicalCursor(decl)) ||
           (!clang_Cursor_isNull(def) && has_annotation(def));
}

/* The declaration a DeclRefExpr names, if it is an async function. */
static bool refers_to_async(CXCursor ref, CXCursor *decl) {
    if (kind_of(ref) != CXCursor_DeclRefExpr)
        return false;
    *decl = clang_getCursorReferenced(ref);
    return !clang_Cursor_isNull(*decl) && is_async_decl(*decl);
}

static bool inside_function(CXCursor decl) {
    for (CXCursor c = clang_getCursorSemanticParent(decl);
         !clang_Cursor_isNull(c) && !clang_isTranslationUnit(kind_of(c));
         c = clang_getCursorSemanticParent(c))
        if (kind_of(c) == CXCursor_FunctionDecl)
            return true;
    return false;
}

/* ---- types ------------------------------------------------------------------------ */

/* Sugar that has no declarator syntax of its own. */
static CXType type_resolve(CXType t) {
    for (;;) {
        if (t.kind == CXType_Attributed)
            t = clang_Type_getModifiedType(t);
        else if (t.kind == CXType_Unexposed || t.kind == CXType_Auto)
            t = clang_getCanonicalType(t);
        else
            return t;
        if (t.kind == CXType_Unexposed) /* canonical and still unexposed */
            return t;
    }
}

static bool type_is_array(CXType t) {
    return t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray ||
           t.kind == CXType_VariableArray || t.kind == CXType_DependentSizedArray;
}

static bool type_is_function(CXType t) {
    return t.kind == CXType_FunctionProto || t.kind == CXType_FunctionNoProto;
}

/* Qualifiers a spelling leaves out at the top level of a type (and on the element
 * type of a top-level array). A value's type drops them all: a temporary or poll's
 * out is assigned and has no qualified value. A variable's drops only const: its
 * frame field is assigned, and volatile (each access kept) and restrict (the
 * aliasing promise) still hold for it. */
enum { DROP_CONST = 1, DROP_VOLATILE = 2, DROP_RESTRICT = 4 };
#define DROP_VALUE (DROP_CONST | DROP_VOLATILE | DROP_RESTRICT)
#define DROP_VARIABLE DROP_CONST

static char *quals_of(CXType t, int drop) {
    bool c = clang_isConstQualifiedType(t) && !(drop & DROP_CONST);
    bool v = clang_isVolatileQualifiedType(t) && !(drop & DROP_VOLATILE);
    bool r = clang_isRestrictQualifiedType(t) && !(drop & DROP_RESTRICT);
    return xprintf("%s%s%s", c ? "const " : "", v ? "volatile " : "", r ? "restrict " : "");
}

/* The spelling of a type without the qualifiers libclang puts in front. */
static char *unqualified_spelling(CXType t) {
    static const char *const words[] = {"const ", "volatile ", "restrict "};
    char *s = string_take(clang_getTypeSpelling(t));
    const char *rest = s;
    for (bool again = true; again;) {
        again = false;
        for (size_t i = 0; i < sizeof words / sizeof *words; i++)
            if (strncmp(rest, words[i], strlen(words[i])) == 0) {
                rest += strlen(words[i]);
                again = true;
            }
    }
    return xstrdup(rest);
}

/* The declaration behind a named type (typedef, struct, union, enum), if any. */
static bool type_decl(CXType t, CXCursor *decl) {
    if (t.kind == CXType_Elaborated)
        t = clang_Type_getNamedType(t);
    if (t.kind != CXType_Typedef && t.kind != CXType_Record && t.kind != CXType_Enum)
        return false;
    *decl = clang_getTypeDeclaration(t);
    return !clang_Cursor_isNull(*decl);
}

/* The local name declared by decl (by any of its declarations), if the function
 * being read declares it. */
static LocalName *lname_find(const Parser *p, CXCursor decl) {
    CXCursor canon = clang_getCanonicalCursor(decl);
    for (int i = 0; i < p->nlnames; i++)
        if (clang_equalCursors(p->lnames[i]->decl, canon))
            return p->lnames[i];
    return NULL;
}

/* How code names a local type that moves (`struct caller_local`, `caller_pt`); NULL
 * for an anonymous enum that nothing can name. */
static char *lname_type(const LocalName *ln) {
    if (ln->alias)
        return lname_type(ln->alias);
    if (!ln->hoisted)
        return NULL;
    return ln->keyword ? xprintf("%s %s", ln->keyword, ln->hoisted) : xstrdup(ln->hoisted);
}

static void declarator_spell(const Parser *p, CXType t, int drop, char **left, char **right);
static void pointer_spell(const Parser *p, CXType pointee, const char *quals, char **left,
                          char **right);

/* "T" of a type in a parameter list: the declarator with no name. */
static char *type_name_spell(const Parser *p, CXType t) {
    char *left = xstrdup(""), *right = xstrdup("");
    declarator_spell(p, t, DROP_VALUE, &left, &right);
    char *name = xprintf("%s%s", left, right);
    size_t len = strlen(name);
    while (len > 0 && name[len - 1] == ' ')
        name[--len] = '\0';
    return name;
}

static char *params_spell(const Parser *p, CXType fn) {
    if (fn.kind == CXType_FunctionNoProto)
        return xstrdup("");
    int n = clang_getNumArgTypes(fn);
    Buf b = {0};
    for (int i = 0; i < n; i++)
        buf_printf(&b, "%s%s", i ? ", " : "",
                   type_name_spell(p, clang_getArgType(fn, (unsigned)i)));
    if (clang_isFunctionTypeVariadic(fn))
        buf_put(&b, n ? ", ..." : "...");
    else if (n == 0)
        buf_put(&b, "void");
    return b.data;
}

/* A pointer (with qualifiers quals) to pointee around the declarator. */
static void pointer_spell(const Parser *p, CXType pointee, const char *quals, char **left,
                          char **right) {
    pointee = type_resolve(pointee);
    bool paren = type_is_array(pointee) || type_is_function(pointee);
    *left = xprintf("%s*%s%s", paren ? "(" : "", quals, *left);
    if (paren)
        *right = xprintf("%s)", *right);
    declarator_spell(p, pointee, 0, left, right);
}

/* Does a typedef hide a qualifier to drop (`typedef const int cint;`, through
 * arrays too)? Its name cannot be spelled without the qualifier. */
static bool typedef_hides(CXType t, int drop) {
    if (t.kind == CXType_Elaborated)
        t = clang_Type_getNamedType(t);
    if (t.kind != CXType_Typedef)
        return false;
    CXType c = clang_getCanonicalType(t);
    while (quals_of(c, DROP_VALUE & ~drop)[0] == '\0' && type_is_array(c))
        c = clang_getArrayElementType(c);
    return quals_of(c, DROP_VALUE & ~drop)[0] != '\0';
}

/* A type that has no declarator around it: a local one that moves by its new name. */
static char *leaf_spelling(const Parser *p, CXType t) {
    CXCursor decl;
    LocalName *ln = type_decl(t, &decl) ? lname_find(p, decl) : NULL;
    char *moved = ln && !ln->why ? lname_type(ln) : NULL;
    return moved ? moved : unqualified_spelling(t);
}

/* Builds left + NAME + right for type t around the declarator (*left, *right).
 * drop: the qualifiers left out at this level (nonzero at the top level, and on
 * the element of a top-level array). A typedef that hides a qualifier to drop
 * is spelled as the type it names. */
static void declarator_spell(const Parser *p, CXType t, int drop, char **left, char **right) {
    if (drop && typedef_hides(t, drop))
        t = clang_getCanonicalType(t);
    t = type_resolve(t);
    if (t.kind == CXType_Pointer) {
        pointer_spell(p, clang_getPointeeType(t), quals_of(t, drop), left, right);
    } else if (type_is_array(t)) {
        if (t.kind == CXType_ConstantArray)
            *right = xprintf("%s[%lld]", *right, clang_getArraySize(t));
        else
            *right = xprintf("%s[%s]", *right, t.kind == CXType_IncompleteArray ? "" : "*");
        declarator_spell(p, clang_getArrayElementType(t), drop, left, right);
    } else if (type_is_function(t)) {
        *right = xprintf("%s(%s)", *right, params_spell(p, t));
        declarator_spell(p, clang_getResultType(t), 0, left, right);
    } else {
        *left = xprintf("%s%s %s", quals_of(t, drop), leaf_spelling(p, t), *left);
    }
}

/* A type the frame cannot name (see type_local). */
static const Unhoisted *type_unnamed(CXType t) {
    Unhoisted *u = xmalloc(sizeof *u);
    u->type = unqualified_spelling(t);
    u->why = xstrdup("has no name a frame can use");
    return u;
}

/* Why the frame cannot name type t, or NULL: t names a type declared inside the
 * function that must stay there, or an anonymous one (of the file, or of a function
 * asyncc does not read). */
static const Unhoisted *type_local(const Parser *p, CXType t) {
    t = type_resolve(t);
    CXCursor decl;
    if (type_decl(t, &decl)) {
        LocalName *ln = lname_find(p, decl);
        if (ln)
            return ln->why;
        bool unnamed =
            inside_function(decl) || (t.kind != CXType_Typedef && clang_Cursor_isAnonymous(decl));
        return unnamed ? type_unnamed(t) : NULL;
    }
    if (t.kind == CXType_Pointer)
        return type_local(p, clang_getPointeeType(t));
    if (type_is_array(t))
        return type_local(p, clang_getArrayElementType(t));
    if (type_is_function(t)) {
        for (int i = 0; i < clang_getNumArgTypes(t); i++) {
            const Unhoisted *u = type_local(p, clang_getArgType(t, (unsigned)i));
            if (u)
                return u;
        }
        return type_local(p, clang_getResultType(t));
    }
    return NULL;
}

static bool type_is_vla(CXType t) {
    t = clang_getCanonicalType(t);
    if (t.kind == CXType_VariableArray)
        return true;
    if (t.kind == CXType_Pointer)
        return type_is_vla(clang_getPointeeType(t));
    if (type_is_array(t))
        return type_is_vla(clang_getArrayElementType(t));
    if (type_is_function(t))
        return type_is_vla(clang_getResultType(t));
    return false;
}

/* Size and alignment as the compiler will lay the type out (0 when it has none). */
static void type_measure(CType *ct, CXType t) {
    long long size = clang_Type_getSizeOf(t), align = clang_Type_getAlignOf(t);
    ct->size = size > 0 ? (long)size : 0;
    ct->align = align > 0 ? (long)align : 1;
}

static bool type_has_const_member(CXType t);

/* A const field, or one of a type with a const member. */
static enum CXVisitorResult const_member_visit(CXCursor field, CXClientData data) {
    CXType t = clang_getCanonicalType(clang_getCursorType(field));
    while (type_is_array(t))
        t = clang_getArrayElementType(t);
    if (!clang_isConstQualifiedType(t) && !type_has_const_member(t))
        return CXVisit_Continue;
    *(bool *)data = true;
    return CXVisit_Break;
}

/* A struct or union with a const member, however deep (or an array of one): an
 * object of it cannot be assigned, only initialized or copied byte by byte. */
static bool type_has_const_member(CXType t) {
    t = clang_getCanonicalType(t);
    while (type_is_array(t))
        t = clang_getArrayElementType(t);
    bool found = false;
    if (t.kind == CXType_Record)
        clang_Type_visitFields(t, const_member_visit, &found);
    return found;
}

/* The type t spelled with the qualifiers `drop` leaves out (DROP_VALUE or
 * DROP_VARIABLE). */
static CType ctype_from(const Parser *p, CXType t, int drop) {
    CType ct = {0};
    ct.pre = xstrdup("");
    ct.post = xstrdup("");
    declarator_spell(p, t, drop, &ct.pre, &ct.post);
    CXType canon = clang_getCanonicalType(t);
    ct.is_qualified = quals_of(canon, drop)[0] != '\0';
    ct.is_readonly = type_has_const_member(t);
    ct.canon = type_name_spell(p, canon);
    ct.is_void = canon.kind == CXType_Void;
    ct.is_array = type_is_array(canon);
    ct.is_vla = type_is_vla(t);
    ct.local = type_local(p, t);
    type_measure(&ct, t);
    return ct;
}

/* The type of a parameter declared with type t: an array or a function is
 * adjusted to a pointer (libclang 14 reports the type as written). */
static CType ctype_param(const Parser *p, CXType t) {
    CXType canon = clang_getCanonicalType(t), spelled = type_resolve(t);
    if (!type_is_array(canon) && !type_is_function(canon))
        return ctype_from(p, t, DROP_VARIABLE);
    CXType target = type_is_array(canon)
                        ? clang_getArrayElementType(type_is_array(spelled) ? spelled : canon)
                        : (type_is_function(spelled) ? spelled : canon);
    CXType target_canon = type_is_array(canon) ? clang_getArrayElementType(canon) : canon;
    CType ct = {0};
    ct.pre = xstrdup("");
    ct.post = xstrdup("");
    pointer_spell(p, target, "", &ct.pre, &ct.post);
    char *left = xstrdup(""), *right = xstrdup("");
    pointer_spell(p, target_canon, "", &left, &right);
    ct.canon = xprintf("%s%s", left, right);
    ct.is_vla = type_is_vla(target);
    ct.local = type_local(p, target);
    ct.size = ct.align = p->prog->pointer_size;
    return ct;
}

/* ---- macro expansion ------------------------------------------------------------------ */

static int args_split(const Program *prog, unsigned open, Range **args);

/* What asyncc cannot map to the text of a macro invocation (an await or a local in
 * its definition, an operator of it above an await, a stringified local...) it
 * lowers from the expansion instead: the invocation is replaced by its expansion,
 * one level deep, and the file is parsed again (parse_program). Invocations in the
 * expansion are left to the compiler, or expanded the same way in the next round.
 * The definition's own tokens and the invocation's arguments make the text; a
 * splice (ir.h) keeps every position in it at the invocation, for #line. */

/* A macro's definition: its tokens (the name first) and its parameters. */
typedef struct MacroDef {
    CXToken *toks;
    unsigned ntoks;
    unsigned body; /* index of the first token of the replacement list */
    int nparams;   /* -1: object-like */
    char **params; /* names; a variadic list's last is __VA_ARGS__ or its GNU name */
    bool variadic;
    bool va_opt; /* uses C23's __VA_OPT__, which asyncc does not expand */
} MacroDef;

static bool is_marker_name(const char *name) {
    static const char *const markers[] = {"await",         "ac_spawn",    "ac_block_on",
                                          "ac_future_of",  "ac_select",   "ac_select_biased",
                                          "ac_join_all",   "ac_try_join", "ac_timeout",
                                          "ac_timeout_at", "ac_on",       "ac_on_if",
                                          "ac_on_done"};
    for (size_t i = 0; i < sizeof markers / sizeof *markers; i++)
        if (strcmp(name, markers[i]) == 0)
            return true;
    return false;
}

static char *token_text(const Parser *p, CXToken t) {
    return string_take(clang_getTokenSpelling(p->tu, t));
}

static bool token_is(const Parser *p, CXToken t, const char *text) {
    char *s = token_text(p, t);
    bool same = strcmp(s, text) == 0;
    free(s);
    return same;
}

/* Whether whitespace stood between tokens a and b of a definition. */
static bool tokens_apart(const Parser *p, CXToken a, CXToken b) {
    unsigned end, start;
    clang_getFileLocation(clang_getRangeEnd(clang_getTokenExtent(p->tu, a)), NULL, NULL, NULL,
                          &end);
    clang_getFileLocation(clang_getRangeStart(clang_getTokenExtent(p->tu, b)), NULL, NULL, NULL,
                          &start);
    return start != end;
}

/* The parameters of a function-like definition; false if they cannot be read. */
static bool macro_params(const Parser *p, MacroDef *m) {
    m->nparams = 0;
    unsigned i = 2; /* after the name and '(' */
    for (; i < m->ntoks && !token_is(p, m->toks[i], ")"); i++) {
        char *t = token_text(p, m->toks[i]);
        if (strcmp(t, ",") == 0) {
            free(t);
        } else if (strcmp(t, "...") == 0) {
            free(t);
            if (token_is(p, m->toks[i - 1], ",") || token_is(p, m->toks[i - 1], "("))
                VEC_PUSH(&m->params, &m->nparams, xstrdup("__VA_ARGS__"));
            m->variadic = true; /* else GNU's named `args...`: args is the list */
        } else if (clang_getTokenKind(m->toks[i]) == CXToken_Identifier ||
                   clang_getTokenKind(m->toks[i]) == CXToken_Keyword) {
            VEC_PUSH(&m->params, &m->nparams, t);
        } else {
            free(t);
            return false;
        }
    }
    m->body = i + 1;
    return i < m->ntoks;
}

/* The definition an expansion uses; false for a builtin or one whose parameters
 * asyncc cannot read. */
static bool macro_def(const Parser *p, CXCursor expansion, MacroDef *m) {
    CXCursor def = clang_getCursorReferenced(expansion);
    *m = (MacroDef){0};
    if (clang_Cursor_isNull(def) || kind_of(def) != CXCursor_MacroDefinition ||
        clang_Cursor_isMacroBuiltin(def))
        return false;
    clang_tokenize(p->tu, clang_getCursorExtent(def), &m->toks, &m->ntoks);
    m->nparams = -1;
    m->body = 1;
    if (clang_Cursor_isMacroFunctionLike(def) && !macro_params(p, m)) {
        clang_disposeTokens(p->tu, m->toks, m->ntoks);
        return false;
    }
    for (unsigned i = m->body; i < m->ntoks; i++)
        m->va_opt |= token_is(p, m->toks[i], "__VA_OPT__");
    return m->ntoks > 0;
}

static int param_index(const Parser *p, const MacroDef *m, CXToken t) {
    if (clang_getTokenKind(t) != CXToken_Identifier && clang_getTokenKind(t) != CXToken_Keyword)
        return -1;
    char *s = token_text(p, t);
    int found = -1;
    for (int i = 0; i < m->nparams && found < 0; i++)
        if (strcmp(m->params[i], s) == 0)
            found = i;
    free(s);
    return found;
}

/* The tokens of [r) of the text, one space where blanks (or comments) were. */
static char *text_tokens(const Program *prog, Range r) {
    Buf b = {0};
    buf_put(&b, "");
    for (unsigned off = r.start; r.ok && off < r.end;) {
        Tok t = tok_at(prog, off);
        buf_putn(&b, prog->src + t.start, t.end - t.start);
        off = skip_blank(prog, t.end);
        if (off > t.end && off < r.end)
            buf_put(&b, " ");
    }
    return b.data;
}

/* #arg: the argument's tokens as a string literal (C11 6.10.3.2): '"' and, inside
 * literals, '\\' get a backslash. */
static char *stringify(const char *arg) {
    Buf b = {0};
    buf_put(&b, "\"");
    char quote = 0;
    for (const char *s = arg; *s; s++) {
        if (*s == '"' || (quote && *s == '\\'))
            buf_put(&b, "\\");
        buf_putn(&b, s, 1);
        if (quote && *s == '\\' && s[1]) {
            s++;
            if (*s == '"' || *s == '\\')
                buf_put(&b, "\\");
            buf_putn(&b, s, 1);
        } else if (!quote && (*s == '"' || *s == '\'')) {
            quote = *s;
        } else if (quote && *s == quote) {
            quote = 0;
        }
    }
    buf_put(&b, "\"");
    return b.data;
}

/* Whether two pieces written side by side would lex as other tokens than apart. */
static bool pieces_merge(char a, char b) {
    bool word_a = isalnum((unsigned char)a) || a == '_' || a == '$' || a == '.';
    bool word_b = isalnum((unsigned char)b) || b == '_' || b == '$' || b == '.';
    if (word_a && word_b)
        return true;
    if (word_a && (b == '+' || b == '-' || b == '\'' || b == '"'))
        return true; /* 1e+1, L'x' */
    return !word_a && !word_b && strchr("+-*/%<>=!&|^#:.", a) && strchr("+-*/%<>=!&|^#:.", b);
}

/* Appends piece to b: glued (##), or spaced when the definition spaced it or the
 * two would run together. */
static void piece_put(Buf *b, const char *piece, bool glue, bool apart) {
    if (!*piece)
        return;
    if (b->len && !glue && (apart || pieces_merge(b->data[b->len - 1], piece[0])))
        buf_put(b, " ");
    buf_put(b, piece);
}

/* The arguments of the invocation whose name is at off, one per parameter (the
 * variadic one spans the rest); false if they do not fit the parameters. */
static bool macro_args(const Parser *p, const MacroDef *m, unsigned off, char ***args) {
    Tok open = tok_next(p->prog, tok_at(p->prog, off).end);
    Range *ranges = NULL;
    int n = tok_is(p->prog, open, "(") ? args_split(p->prog, open.start, &ranges) : -1;
    if (n == 0 && m->nparams == 1) { /* F(): one empty argument */
        Range empty = {0, 0, false};
        VEC_PUSH(&ranges, &n, empty);
    }
    int fixed = m->variadic ? m->nparams - 1 : m->nparams;
    if (n < 0 || n < fixed || (!m->variadic && n > fixed))
        return false;
    *args = xmalloc(sizeof **args * (size_t)(m->nparams + 1));
    for (int i = 0; i < fixed; i++)
        (*args)[i] = text_tokens(p->prog, ranges[i]);
    if (m->variadic) {
        Range rest = {n > fixed ? ranges[fixed].start : 0, ranges[n - 1].end, n > fixed};
        (*args)[fixed] = text_tokens(p->prog, rest);
    }
    return true;
}

/* `__LINE__` (a token of the replacement list, or an argument standing alone) is
 * line when it is no operand of ## or #: the preprocessor expands it before any paste
 * it reaches through another macro's parameter, so that `CAT(name_, __LINE__)` pastes
 * the number (ac_local_scope, <ac_local.h>). */
static const char *line_expanded(const char *text, unsigned line, bool pasted) {
    return !pasted && strcmp(text, "__LINE__") == 0 ? xprintf("%u", line) : text;
}

/* The replacement list of m, invoked at line, with args substituted, one level deep. */
static char *macro_substitute(const Parser *p, const MacroDef *m, char **args, unsigned line) {
    Buf b = {0};
    buf_put(&b, "");
    bool glue = false;
    for (unsigned i = m->body; i < m->ntoks; i++) {
        bool apart = i > m->body && tokens_apart(p, m->toks[i - 1], m->toks[i]);
        char *t = token_text(p, m->toks[i]);
        int param = param_index(p, m, m->toks[i]);
        int next = i + 1 < m->ntoks ? param_index(p, m, m->toks[i + 1]) : -1;
        bool pasted = glue || (i + 1 < m->ntoks && token_is(p, m->toks[i + 1], "##"));
        if (strcmp(t, "##") == 0) {
            glue = true;
            free(t);
            continue;
        }
        if (m->nparams >= 0 && strcmp(t, "#") == 0 && next >= 0) {
            piece_put(&b, stringify(args[next]), glue, apart);
            i++;
        } else if (param >= 0 && glue && m->variadic && param == m->nparams - 1 && b.len &&
                   b.data[b.len - 1] == ',') {
            /* GNU's , ## __VA_ARGS__: no paste; the comma goes if the arguments are empty */
            if (!*args[param])
                b.data[--b.len] = '\0';
            piece_put(&b, args[param], false, true);
        } else {
            piece_put(&b, line_expanded(param >= 0 ? args[param] : t, line, pasted), glue, apart);
        }
        glue = false;
        free(t);
    }
    return b.data;
}

/* The text that replaces the invocation x, or NULL if asyncc cannot expand it. */
static char *macro_expand(const Parser *p, const Expansion *x) {
    MacroDef m;
    char **args = NULL;
    char *text = NULL;
    if (macro_def(p, x->cursor, &m) && !m.va_opt &&
        (m.nparams < 0 || macro_args(p, &m, x->range.start, &args)))
        text = macro_substitute(p, &m, args, pos_at(p, x->range.start).line);
    if (m.toks)
        clang_disposeTokens(p->tu, m.toks, m.ntoks);
    return text;
}

/* The splice that holds byte off of the text, if any. */
static const Splice *splice_at(const Program *prog, unsigned off) {
    for (int i = 0; i < prog->nsplices; i++)
        if (prog->splices[i].start <= off && off < prog->splices[i].end)
            return &prog->splices[i];
    return NULL;
}

/* Whether m's replacement list has a # or ## operator. */
static bool macro_stringifies(const Parser *p, const MacroDef *m) {
    for (unsigned i = m->body; i < m->ntoks; i++) {
        if (token_is(p, m->toks[i], "##") || (m->nparams >= 0 && token_is(p, m->toks[i], "#")))
            return true;
    }
    return false;
}

/* The invocation whose arguments hold off, if its macro stringifies or pastes
 * (a local spelled there cannot be renamed: the string would change). */
static const Expansion *stringifying_invocation(const Parser *p, unsigned off) {
    for (int i = 0; i < p->nexpansions; i++) {
        const Expansion *x = &p->expansions[i];
        MacroDef m;
        if (x->range.start >= off || off >= x->range.end || x->is_marker ||
            !macro_def(p, x->cursor, &m))
            continue;
        bool stringifies = macro_stringifies(p, &m);
        clang_disposeTokens(p->tu, m.toks, m.ntoks);
        if (stringifies)
            return x;
    }
    return NULL;
}

/* An invocation may be replaced when it lies inside one splice or clear of all. */
static bool splice_fits(const Program *prog, Range r) {
    for (int i = 0; i < prog->nsplices; i++) {
        const Splice *s = &prog->splices[i];
        if (r.start < s->end && s->start < r.end)
            return s->start <= r.start && r.end <= s->end;
    }
    return true;
}

static unsigned newlines_in(const char *s, size_t n) {
    unsigned count = 0;
    for (size_t i = 0; i < n; i++)
        count += s[i] == '\n';
    return count;
}

/* Something at off cannot be mapped to the text of the macro invocation around it:
 * asks for the outermost such invocation to be expanded in the next round, and
 * returns true; false (the caller reports the error) when there is none, or it
 * cannot be expanded, or this round is the last. */
static bool expansion_request(Parser *p, unsigned off) {
    const Expansion *outer = NULL;
    for (int i = 0; p->may_expand && p->fn && i < p->nexpansions; i++) {
        const Expansion *x = &p->expansions[i];
        if (x->range.start <= off && off < x->range.end && !x->is_marker &&
            (!outer || x->range.start < outer->range.start || x->range.end > outer->range.end))
            outer = x;
    }
    if (!outer)
        return false;
    for (int i = 0; i < p->nrequests; i++)
        if (p->requests[i].range.start == outer->range.start)
            return true;
    const Range r = outer->range;
    char *text = splice_fits(p->prog, r) ? macro_expand(p, outer) : NULL;
    if (!text ||
        newlines_in(text, strlen(text)) > newlines_in(p->prog->src + r.start, r.end - r.start))
        return false;
    Request rq = {r, text};
    VEC_PUSH(&p->requests, &p->nrequests, rq);
    return true;
}

static int request_cmp(const void *a, const void *b) {
    unsigned x = ((const Request *)a)->range.start, y = ((const Request *)b)->range.start;
    return x < y ? -1 : x > y;
}

static int splice_cmp(const void *a, const void *b) {
    unsigned x = ((const Splice *)a)->start, y = ((const Splice *)b)->start;
    return x < y ? -1 : x > y;
}

/* Where offset q of the current text (not inside a request) moves to when the
 * requests are applied. */
static unsigned offset_moved(const Request *rq, int n, unsigned q) {
    long at = q;
    for (int i = 0; i < n && rq[i].range.end <= q; i++)
        at += (long)strlen(rq[i].text) - (long)(rq[i].range.end - rq[i].range.start);
    return (unsigned)at;
}

/* Replaces each requested invocation by its expansion, padded with the newlines
 * it replaces, and maps the splices to the new text. */
static void requests_apply(Program *prog, Request *rq, int n) {
    qsort(rq, (size_t)n, sizeof *rq, request_cmp);
    for (int i = 0; i < n; i++) {
        Range r = rq[i].range;
        unsigned pad = newlines_in(prog->src + r.start, r.end - r.start) -
                       newlines_in(rq[i].text, strlen(rq[i].text));
        for (unsigned k = 0; k < pad; k++)
            rq[i].text = xprintf("%s\n", rq[i].text);
    }
    Buf text = {0};
    unsigned at = 0;
    for (int i = 0; i < n; i++) {
        buf_putn(&text, prog->src + at, rq[i].range.start - at);
        buf_put(&text, rq[i].text);
        at = rq[i].range.end;
    }
    buf_putn(&text, prog->src + at, prog->len - at);
    Splice *splices = NULL;
    int nsplices = 0;
    for (int i = 0; i < prog->nsplices; i++) {
        Splice s = prog->splices[i];
        s.start = offset_moved(rq, n, s.start);
        s.end = offset_moved(rq, n, s.end);
        VEC_PUSH(&splices, &nsplices, s);
    }
    for (int i = 0; i < n; i++) {
        Range r = rq[i].range;
        if (!splice_at(prog, r.start)) {
            unsigned start = offset_moved(rq, n, r.start);
            Splice s = {start, start + (unsigned)strlen(rq[i].text), file_offset(prog, r.start),
                        file_offset(prog, r.end)};
            VEC_PUSH(&splices, &nsplices, s);
        }
    }
    qsort(splices, (size_t)nsplices, sizeof *splices, splice_cmp);
    prog->src = text.data;
    prog->len = text.len;
    prog->splices = splices;
    prog->nsplices = nsplices;
}

/* ---- diagnostics helpers ----------------------------------------------------------- */

/* A macro used twice expands the same source twice: report each place once. */
static bool report_once(Parser *p, unsigned off) {
    for (int i = 0; i < p->nreported; i++)
        if (p->reported[i] == off)
            return false;
    VEC_PUSH(&p->reported, &p->nreported, off);
    return true;
}

static Pos cursor_pos(const Parser *p, CXCursor c) {
    unsigned off = 0;
    cursor_offset(p, c, &off);
    return pos_at(p, off);
}

/* Where c's extent ends (its start if libclang's end is not in the main file):
 * with cursor_pos, the range a diagnostic underlines. */
static Pos cursor_end(const Parser *p, CXCursor c) {
    Range r = extent_of(p, c);
    return r.ok ? pos_at(p, r.end) : cursor_pos(p, c);
}

/* An error about c, which may be in another file (an #include inside a body). */
static void error_at_cursor(const Parser *p, CXCursor c, const char *what) {
    unsigned off;
    CXFile file;
    unsigned line, col;
    if (cursor_offset(p, c, &off)) {
        error_at(pos_at(p, off), "cannot map this %s to the source text", what);
        return;
    }
    clang_getFileLocation(clang_getCursorLocation(c), &file, &line, &col, NULL);
    char *msg = xprintf("this %s is not in %s; asyncc cannot rewrite it", what, p->prog->path);
    diag_raw(file ? string_take(clang_getFileName(file)) : p->prog->path, line, col, "error", msg);
    free(msg);
}

/* ---- local types --------------------------------------------------------------------- */

/* Every type declared in an async function (a struct, union or enum, named or not, or
 * a typedef) moves to file scope under a name unique in the file, NAME_tag for async
 * function NAME, so that a frame can hold values of it (Func.types). A declaration of
 * types only moves whole (`typedef struct {...} pt;`); a tag defined in a declaration
 * of variables or in an expression moves alone, and the body names it where its
 * definition was (`struct local {...} x;` becomes `struct caller_local x;`).
 * Definitions move as written, their names renamed; enumerators are renamed too, and
 * every mention of each name in the function, found through libclang's references
 * (so shadowing and same names in two blocks need no care). What cannot move stays
 * where it is, named as written, and is an error only when a frame needs it: a type
 * whose definition uses a local variable (`char c[sizeof n]`), one that a macro asyncc
 * cannot expand declares or names, and one that depends on such a type. */

static bool name_is_generated(const char *name, const char *func);
static Cursors named_cursors(const Cursors *all);
static Expr *expr_new(const Parser *p, ExprKind kind, unsigned off);

static bool is_tag_kind(enum CXCursorKind k) {
    return k == CXCursor_StructDecl || k == CXCursor_UnionDecl || k == CXCursor_EnumDecl;
}

static bool is_local_name_kind(enum CXCursorKind k) {
    return is_tag_kind(k) || k == CXCursor_TypedefDecl || k == CXCursor_EnumConstantDecl;
}

/* The local name that decl declares, made on first sight. */
static LocalName *lname_get(Parser *p, CXCursor decl) {
    LocalName *ln = lname_find(p, decl);
    if (ln)
        return ln;
    enum CXCursorKind k = kind_of(decl);
    ln = xmalloc(sizeof *ln);
    ln->decl = clang_getCanonicalCursor(decl);
    ln->keyword = k == CXCursor_StructDecl  ? "struct"
                  : k == CXCursor_UnionDecl ? "union"
                  : k == CXCursor_EnumDecl  ? "enum"
                                            : NULL;
    char *name = cursor_name(decl);
    bool anonymous = ln->keyword && (!*name || clang_Cursor_isAnonymous(decl));
    ln->name = anonymous ? NULL : name;
    ln->unit = -1;
    VEC_PUSH(&p->lnames, &p->nlnames, ln);
    return ln;
}

/* How the source names a local type, for diagnostics: "struct local", "pt". */
static char *lname_source(const LocalName *ln) {
    if (ln->alias)
        return lname_source(ln->alias);
    if (!ln->keyword)
        return xstrdup(ln->name);
    return xprintf("%s %s", ln->keyword, ln->name ? ln->name : "(anonymous)");
}

/* Why a name must stay: "its definition uses the local 'n'" and a note. */
static Unhoisted *reason(const Parser *p, unsigned off, char *why, char *note) {
    Unhoisted *u = xmalloc(sizeof *u);
    u->why = why;
    u->note = note;
    u->pos = pos_at(p, off);
    return u;
}

static void lname_keep(LocalName *ln, Unhoisted *why) {
    if (!ln->why)
        ln->why = why;
}

/* A tag's definition, with the attributes that follow its '}' (`struct s {...}
 * __attribute__((packed)) x;`), which are the type's. */
static Range definition_range(const Parser *p, CXCursor c) {
    Range r = extent_of(p, c);
    for (Tok t = tok_next(p->prog, r.end); r.ok && tok_is(p->prog, t, "__attribute__");
         t = tok_next(p->prog, r.end)) {
        Tok open = tok_next(p->prog, t.end);
        unsigned end = tok_is(p->prog, open, "(") ? tok_group_end(p->prog, open.start) : 0;
        if (!end)
            break;
        r.end = end;
    }
    return r;
}

static void mention_add(Parser *p, unsigned start, unsigned end, MentionKind kind, LocalName *ln) {
    for (int i = 0; i < p->nmentions; i++)
        if (p->mentions[i].start == start && p->mentions[i].kind == kind)
            return; /* libclang shows a definition under each of its variables */
    Mention m = {start, end, kind, ln};
    VEC_PUSH(&p->mentions, &p->nmentions, m);
}

/* The unit of the declaration or definition c over r, made on first sight. */
static int unit_get(Parser *p, CXCursor c, Range r, bool whole) {
    for (int i = 0; i < p->nunits; i++)
        if (p->units[i].range.start == r.start && p->units[i].whole == whole)
            return i;
    TypeUnit u = {.range = r, .whole = whole};
    if (!r.ok || !text_balanced(p->prog, r))
        u.why = reason(p, cursor_pos(p, c).offset, xstrdup("its text is not all in this file"),
                       xstrdup("it is declared here"));
    Cursors kids = children_of(c);
    u.only_tag = whole && kids.n == 1 && kind_of(kids.items[0]) == CXCursor_EnumDecl;
    free(kids.items);
    VEC_PUSH(&p->units, &p->nunits, u);
    if (!whole)
        mention_add(p, r.start, r.end, MENTION_DEFINITION, lname_get(p, c));
    return p->nunits - 1;
}

/* A mention of ln at off that asyncc can rename: the text there spells it, and no
 * macro stringifies or pastes it. Otherwise the macro around it is expanded in the
 * next round, or ln stays where it is. */
static bool mention_check(Parser *p, unsigned off, const char *spelled, LocalName *ln,
                          const char *verb) {
    if (!tok_is(p->prog, tok_at(p->prog, off), spelled)) {
        char *macro = ident_at(p->prog, off);
        if (!expansion_request(p, off))
            lname_keep(ln, reason(p, off,
                                  xprintf("macro '%s' %s it, and asyncc cannot expand that macro",
                                          macro, verb),
                                  xprintf("'%s' %s it here", macro, verb)));
        return false;
    }
    const Expansion *x = stringifying_invocation(p, off);
    if (x && !expansion_request(p, off)) {
        char *macro = ident_at(p->prog, x->range.start);
        lname_keep(ln, reason(p, off,
                              xprintf("macro '%s' stringifies or pastes its name, and asyncc "
                                      "cannot expand that macro",
                                      macro),
                              xprintf("'%s' is used here", macro)));
    }
    return !x;
}

/* A declaration of a local tag, typedef name or enumerator, in unit (-1: none). A name
 * belongs to the unit of its definition, or of a declaration of types only. */
static void declaration_note(Parser *p, CXCursor c, int unit) {
    bool tag = is_tag_kind(kind_of(c));
    if (tag && clang_Cursor_isAnonymousRecordDecl(c))
        return; /* an anonymous member: part of its parent's text, and nothing names it */
    LocalName *ln = lname_get(p, c);
    if (unit >= 0 &&
        (!tag || clang_isCursorDefinition(c) || (ln->unit < 0 && p->units[unit].whole)))
        ln->unit = unit;
    unsigned off;
    const char *spelled = ln->name ? ln->name : ln->keyword;
    if (!cursor_offset(p, c, &off))
        lname_keep(ln, reason(p, 0, xstrdup("it is declared in another file"), NULL));
    else if (mention_check(p, off, spelled, ln, "declares"))
        mention_add(p, off, off + (unsigned)strlen(spelled),
                    ln->name ? MENTION_NAME : MENTION_KEYWORD, ln);
}

/* A use (TypeRef or DeclRefExpr) in unit (-1: none) of a declaration of the
 * function: a local name, or (which keeps the unit in place) a variable. */
static void reference_note(Parser *p, CXCursor c, int unit) {
    CXCursor decl = clang_getCursorReferenced(c);
    unsigned off;
    if (clang_Cursor_isNull(decl) || !inside_function(decl) || !cursor_offset(p, c, &off))
        return;
    if (!is_local_name_kind(kind_of(decl))) {
        char *name = cursor_name(decl);
        if (unit >= 0 && !p->units[unit].why)
            p->units[unit].why = reason(p, off, xprintf("its definition uses the local '%s'", name),
                                        xprintf("'%s' is used here", name));
        return;
    }
    LocalName *ln = lname_get(p, decl);
    if (unit >= 0)
        VEC_PUSH(&p->units[unit].uses, &p->units[unit].nuses, ln);
    if (ln->name && mention_check(p, off, ln->name, ln, "names"))
        mention_add(p, off, off + (unsigned)strlen(ln->name), MENTION_NAME, ln);
}

/* Does declaration statement c declare types only (tags, typedefs)? */
static bool declares_types_only(CXCursor c) {
    Cursors kids = children_of(c);
    bool only = kids.n > 0;
    for (int i = 0; i < kids.n; i++) {
        enum CXCursorKind k = kind_of(kids.items[i]);
        only = only && (is_tag_kind(k) || k == CXCursor_TypedefDecl);
    }
    free(kids.items);
    return only;
}

/* Notes every local name declared or used below c, in unit (-1: none yet), and the
 * units: declarations of types only, and tag definitions outside them. */
static void locals_walk(Parser *p, CXCursor c, int unit) {
    Cursors kids = children_of(c);
    for (int i = 0; i < kids.n; i++) {
        CXCursor k = kids.items[i];
        enum CXCursorKind kind = kind_of(k);
        int in = unit;
        if (unit < 0 && kind == CXCursor_DeclStmt && declares_types_only(k))
            in = unit_get(p, k, extent_of(p, k), true);
        else if (unit < 0 && is_tag_kind(kind) && clang_isCursorDefinition(k) &&
                 !clang_Cursor_isAnonymousRecordDecl(k))
            in = unit_get(p, k, definition_range(p, k), false);
        if (is_local_name_kind(kind))
            declaration_note(p, k, in);
        else if (kind == CXCursor_TypeRef || kind == CXCursor_DeclRefExpr)
            reference_note(p, k, in);
        locals_walk(p, k, in);
    }
    free(kids.items);
}

/* A macro invoked in a unit's text must mean at file scope what it means in the
 * function: an invocation of one defined inside the function is expanded (or the
 * unit stays). */
static void units_macros_check(Parser *p, const Func *f) {
    for (int i = 0; i < p->nexpansions; i++) {
        const Expansion *x = &p->expansions[i];
        unsigned at;
        if (x->is_marker || !cursor_offset(p, clang_getCursorReferenced(x->cursor), &at) ||
            at < f->start || at >= f->end)
            continue;
        for (int u = 0; u < p->nunits; u++) {
            TypeUnit *unit = &p->units[u];
            Range r = unit->range;
            if (unit->why || x->range.start < r.start || x->range.start >= r.end ||
                expansion_request(p, x->range.start))
                continue;
            char *macro = ident_at(p->prog, x->range.start);
            unit->why = reason(p, x->range.start,
                               xprintf("its definition uses macro '%s', which is defined inside "
                                       "the function, and asyncc cannot expand that macro",
                                       macro),
                               xprintf("'%s' is used here", macro));
        }
    }
}

/* Why ln stays where it is (its own reason, or its unit's), or NULL. */
static Unhoisted *lname_reason(const Parser *p, const LocalName *ln) {
    return ln->why ? ln->why : ln->unit >= 0 ? p->units[ln->unit].why : NULL;
}

/* A unit stays when a name it declares or uses stays; to a fixpoint. */
static void units_settle(Parser *p) {
    for (bool changed = true; changed;) {
        changed = false;
        for (int i = 0; i < p->nlnames; i++) {
            LocalName *ln = p->lnames[i];
            if (ln->why && ln->unit >= 0 && !p->units[ln->unit].why) {
                p->units[ln->unit].why = ln->why;
                changed = true;
            }
        }
        for (int u = 0; u < p->nunits; u++) {
            TypeUnit *unit = &p->units[u];
            for (int j = 0; !unit->why && j < unit->nuses; j++) {
                const Unhoisted *dep = lname_reason(p, unit->uses[j]);
                if (!dep || unit->uses[j]->unit == u)
                    continue;
                unit->why = reason(p, 0,
                                   xprintf("its definition uses '%s', which must stay there too",
                                           lname_source(unit->uses[j])),
                                   dep->note);
                unit->why->pos = dep->pos;
                changed = true;
            }
        }
    }
}

/* Each name's final reason, worded for frame.c: "'struct local' must stay ...". */
static void reasons_settle(Parser *p) {
    Unhoisted **final = xmalloc(sizeof *final * ((size_t)p->nlnames + 1));
    for (int i = 0; i < p->nlnames; i++) {
        const Unhoisted *r = lname_reason(p, p->lnames[i]);
        if (!r)
            continue;
        final[i] = xmalloc(sizeof **final);
        *final[i] = *r;
        final[i]->type = lname_source(p->lnames[i]);
        final[i]->why = xprintf("must stay inside the function, as %s", r->why);
    }
    for (int i = 0; i < p->nlnames; i++)
        p->lnames[i]->why = final[i];
    free(final);
}

/* An anonymous tag that a typedef of its declaration names (`typedef struct {...}
 * pt;`) is spelled by that typedef, as clang does. */
static void aliases_find(Parser *p) {
    for (int i = 0; i < p->nlnames; i++) {
        CXCursor tag;
        LocalName *td = p->lnames[i], *ln;
        if (kind_of(td->decl) != CXCursor_TypedefDecl ||
            !type_decl(clang_getTypedefDeclUnderlyingType(td->decl), &tag) ||
            !(ln = lname_find(p, tag)))
            continue;
        if (!ln->name && !ln->alias && !clang_Cursor_isAnonymous(ln->decl))
            ln->alias = td;
    }
}

/* Every name the file spells or declares at file scope, which hoisted names avoid. */
static void file_names_read(Parser *p) {
    const Program *prog = p->prog;
    if (p->file_names_read)
        return;
    p->file_names_read = true;
    for (unsigned off = skip_blank(prog, 0); off < prog->len; off = skip_blank(prog, off)) {
        Tok t = tok_at(prog, off);
        off = t.end > off ? t.end : off + 1;
        if (t.kind == TOK_IDENT)
            VEC_PUSH(&p->file_names, &p->nfile_names,
                     xstrndup(prog->src + t.start, t.end - t.start));
    }
    Cursors all = children_of(p->unit_cursor), named = named_cursors(&all);
    for (int i = 0; i < named.n; i++)
        VEC_PUSH(&p->file_names, &p->nfile_names, cursor_name(named.items[i]));
    free(named.items);
    free(all.items);
}

/* Is name free at file scope, for a tag or an ordinary identifier? */
static bool name_free(Parser *p, const char *name, bool tag) {
    if (str_in(tag ? p->tags_taken : p->names_taken, tag ? p->ntags_taken : p->nnames_taken,
               name) ||
        str_in(p->file_names, p->nfile_names, name))
        return false;
    for (int i = 0; i < p->prog->nfuncs; i++)
        if (name_is_generated(name, p->prog->funcs[i]->name))
            return false;
    return true;
}

/* base, or base_2, base_3...: the first that is free. Takes it. */
static char *name_take(Parser *p, const char *base, bool tag) {
    file_names_read(p);
    char *name = xstrdup(base);
    for (int k = 2; !name_free(p, name, tag); k++)
        name = xprintf("%s_%d", base, k);
    if (tag)
        VEC_PUSH(&p->tags_taken, &p->ntags_taken, name);
    else
        VEC_PUSH(&p->names_taken, &p->nnames_taken, name);
    return name;
}

/* New names for the names that move: NAME_local, NAME_RED; an anonymous tag gets one
 * (NAME_struct) unless a typedef names it or nothing can (`enum { N = 4 };`). */
static void lnames_name(Parser *p, Func *f) {
    for (int i = 0; i < p->nlnames; i++) {
        LocalName *ln = p->lnames[i];
        bool nameless = !ln->name && (ln->alias || (ln->unit >= 0 && p->units[ln->unit].only_tag));
        if (ln->why || nameless)
            continue;
        ln->hoisted =
            name_take(p, xprintf("%s_%s", f->name, ln->name ? ln->name : ln->keyword), ln->keyword);
        VEC_PUSH(&f->idents, &f->nidents, ln->hoisted);
    }
}

static int mention_cmp(const void *a, const void *b) {
    const Mention *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->end < y->end) - (x->end > y->end); /* a definition before its keyword */
}

/* What replaces a mention, or NULL when its name stays. */
static const char *mention_text(const Mention *m) {
    const LocalName *ln = m->name;
    if (ln->why)
        return NULL;
    if (m->kind == MENTION_NAME)
        return ln->hoisted;
    if (m->kind == MENTION_KEYWORD)
        return ln->hoisted ? lname_type(ln) : NULL;
    return lname_type(ln);
}

/* The text [start, end) with every local name that moves renamed. definitions: the
 * body's text, where a definition that moved alone gives way to its name (the text
 * of a unit itself keeps it). */
static char *text_renamed(const Parser *p, unsigned start, unsigned end, bool definitions) {
    Buf b = {0};
    buf_put(&b, "");
    unsigned at = start;
    for (int i = 0; i < p->nmentions && p->mentions[i].start < end; i++) {
        const Mention *m = &p->mentions[i];
        const char *text = mention_text(m);
        if (m->start < at || m->end > end || !text ||
            (!definitions && m->kind == MENTION_DEFINITION))
            continue;
        buf_putn(&b, p->prog->src + at, m->start - at);
        buf_put(&b, text);
        at = m->end;
    }
    buf_putn(&b, p->prog->src + at, end - at);
    return b.data;
}

/* text, which starts on a line indented by `indent` blanks, with as many blanks taken
 * from the start of each later line: at file scope it starts in column 1. Its lines
 * end in '\n', like the rest of the output. */
static char *text_dedent(const char *text, unsigned indent) {
    Buf b = {0};
    buf_put(&b, "");
    for (const char *t = text; *t;) {
        const char *nl = strchr(t, '\n');
        size_t n = nl ? (size_t)(nl - t) : strlen(t);
        buf_putn(&b, t, n - (nl && n > 0 && t[n - 1] == '\r'));
        buf_put(&b, nl ? "\n" : "");
        t += n + (nl != NULL);
        for (unsigned col = 0; nl && col < indent && (*t == ' ' || *t == '\t'); col++)
            t++;
    }
    return b.data;
}

/* A declaration of Func.types from the text at off. */
static void type_add(Parser *p, Func *f, unsigned off, const char *text) {
    unsigned line = off, indent = 0;
    while (line > 0 && p->prog->src[line - 1] != '\n')
        line--;
    while (p->prog->src[line + indent] == ' ' || p->prog->src[line + indent] == '\t')
        indent++;
    Expr *e = expr_new(p, EXPR_TEMPLATE, off);
    e->text = xmalloc(sizeof *e->text);
    e->text[0] = text_dedent(text, indent);
    VEC_PUSH(&f->types, &f->ntypes, e);
}

static int unit_cmp(const void *a, const void *b) {
    unsigned x = (*(TypeUnit *const *)a)->range.start, y = (*(TypeUnit *const *)b)->range.start;
    return (x > y) - (x < y);
}

/* Func.types: forward declarations of the tags only declared, then the units that
 * move, in the order of the text. */
static void types_collect(Parser *p, Func *f) {
    for (int i = 0; i < p->nlnames; i++) {
        const LocalName *ln = p->lnames[i];
        if (ln->unit < 0 && ln->hoisted && ln->keyword)
            type_add(p, f, cursor_pos(p, ln->decl).offset, xprintf("%s;", lname_type(ln)));
    }
    TypeUnit **order = xmalloc(sizeof *order * ((size_t)p->nunits + 1));
    for (int i = 0; i < p->nunits; i++)
        order[i] = &p->units[i];
    qsort(order, (size_t)p->nunits, sizeof *order, unit_cmp);
    for (int i = 0; i < p->nunits; i++) {
        const TypeUnit *u = order[i];
        if (!u->why)
            type_add(p, f, u->range.start,
                     xprintf("%s%s", text_renamed(p, u->range.start, u->range.end, false),
                             u->whole ? "" : ";"));
    }
    free(order);
}

/* Reads the types declared in f's body, decides which move and names them. */
static void locals_read(Parser *p, Func *f, CXCursor body) {
    p->nlnames = p->nunits = p->nmentions = 0;
    locals_walk(p, body, -1);
    if (p->nlnames == 0)
        return;
    units_macros_check(p, f);
    aliases_find(p);
    units_settle(p);
    reasons_settle(p);
    lnames_name(p, f);
    qsort(p->mentions, (size_t)p->nmentions, sizeof *p->mentions, mention_cmp);
    types_collect(p, f);
}

/* A declaration of types only that moved to file scope: the body keeps nothing. */
static bool moves_whole(const Parser *p, Range whole) {
    for (int i = 0; i < p->nunits; i++)
        if (p->units[i].whole && p->units[i].range.start == whole.start)
            return !p->units[i].why;
    return false;
}

/* A tag declared in a declaration of variables that moved to file scope: the
 * variables' types name it there. */
static bool tag_moves(const Parser *p, CXCursor c) {
    const LocalName *ln = is_tag_kind(kind_of(c)) ? lname_find(p, c) : NULL;
    return ln && !ln->why;
}

/* ---- expressions: construction ------------------------------------------------------ */

typedef enum Marker { MARK_NONE, MARK_AWAIT, MARK_SPAWN, MARK_BLOCK_ON, MARK_FUTURE } Marker;

static const char *marker_macro(Marker m) {
    switch (m) {
    case MARK_AWAIT:
        return "await";
    case MARK_SPAWN:
        return "ac_spawn";
    case MARK_BLOCK_ON:
        return "ac_block_on";
    default:
        return "ac_future_of";
    }
}

static ExprKind marker_expr_kind(Marker m) {
    switch (m) {
    case MARK_AWAIT:
        return EXPR_AWAIT;
    case MARK_SPAWN:
        return EXPR_SPAWN;
    case MARK_BLOCK_ON:
        return EXPR_BLOCK_ON;
    default:
        return EXPR_FUTURE;
    }
}

/* The macro that made a marker expression (EXPR_AWAIT ... EXPR_FUTURE). */
static const char *expr_macro(const Expr *e) {
    return marker_macro(e->kind == EXPR_AWAIT      ? MARK_AWAIT
                        : e->kind == EXPR_SPAWN    ? MARK_SPAWN
                        : e->kind == EXPR_BLOCK_ON ? MARK_BLOCK_ON
                                                   : MARK_FUTURE);
}

static bool is_marker_ref(CXCursor c, const char *marker) {
    c = strip_implicit(c);
    return kind_of(c) == CXCursor_DeclRefExpr && name_is(c, marker);
}

/* Recognises the expansions (marker, (call)), (marker, (call), (ac_task *)0) and
 * (marker, (call), (ac_future){0, 0}); sets *call to the parenthesized call. */
static Marker marker_of(CXCursor c, CXCursor *call) {
    if (kind_of(c) != CXCursor_ParenExpr)
        return MARK_NONE;
    Marker m = MARK_NONE;
    Cursors inner = expr_children_of(c);
    Cursors ops = {0, NULL};
    if (inner.n == 1 && kind_of(inner.items[0]) == CXCursor_BinaryOperator)
        ops = expr_children_of(inner.items[0]);
    if (ops.n == 2 && is_marker_ref(ops.items[0], AWAIT_MARKER))
        m = MARK_AWAIT;
    else if (ops.n == 2 && is_marker_ref(ops.items[0], BLOCK_ON_MARKER))
        m = MARK_BLOCK_ON;
    if (m != MARK_NONE)
        *call = ops.items[1];
    if (ops.n == 2 && kind_of(ops.items[0]) == CXCursor_BinaryOperator) {
        Cursors three = expr_children_of(ops.items[0]);
        if (three.n == 2 && is_marker_ref(three.items[0], SPAWN_MARKER))
            m = MARK_SPAWN;
        else if (three.n == 2 && is_marker_ref(three.items[0], FUTURE_MARKER))
            m = MARK_FUTURE;
        if (m != MARK_NONE)
            *call = three.items[1];
        free(three.items);
    }
    free(ops.items);
    free(inner.items);
    return m;
}

static enum CXChildVisitResult await_find(CXCursor c, CXCursor parent, CXClientData found) {
    (void)parent;
    if (kind_of(c) == CXCursor_DeclRefExpr && name_is(c, AWAIT_MARKER)) {
        *(bool *)found = true;
        return CXChildVisit_Break;
    }
    return CXChildVisit_Recurse;
}

static bool has_await_below(CXCursor c) {
    bool found = false;
    clang_visitChildren(c, await_find, &found);
    return found;
}

static Expr *expr_new(const Parser *p, ExprKind kind, unsigned off) {
    Expr *e = xmalloc(sizeof *e);
    e->kind = kind;
    e->pos = pos_at(p, off);
    return e;
}

static void expr_add(Expr *e, Expr *kid) {
    VEC_PUSH(&e->kids, &e->nkids, kid);
}

/* An expression kept as plain text: the fallback after an error. */
static Expr *text_expr(const Parser *p, Range r) {
    Expr *e = expr_new(p, EXPR_TEMPLATE, r.ok ? r.start : 0);
    e->text = xmalloc(sizeof *e->text);
    e->text[0] = r.ok ? xstrndup(p->prog->src + r.start, r.end - r.start) : xstrdup("");
    return e;
}

/* ---- expressions: where they are in the text ------------------------------------- */

static Range range_of(Parser *p, CXCursor c);

/* The await(...) invocation: its name, then its parenthesized argument. */
static Range marker_range(const Parser *p, CXCursor c) {
    Range r = extent_of(p, c);
    if (!r.ok)
        return r;
    Tok open = tok_next(p->prog, tok_at(p->prog, r.start).end);
    r.end = tok_is(p->prog, open, "(") ? tok_group_end(p->prog, open.start) : 0;
    r.ok = r.end != 0;
    return r;
}

/* A one-token leaf ends with its token, or with the macro invocation it came
 * from (libclang's end is wrong for a macro expanded in a macro argument). */
static Range leaf_range(const Parser *p, CXCursor c, Range r) {
    TokKind want;
    switch (kind_of(c)) {
    case CXCursor_DeclRefExpr:
        want = TOK_IDENT;
        break;
    case CXCursor_CharacterLiteral:
        want = TOK_CHAR;
        break;
    default:
        want = TOK_NUMBER;
        break;
    }
    char *name = cursor_name(c);
    Tok t = tok_at(p->prog, r.start);
    if (t.kind == want && (want != TOK_IDENT || tok_is(p->prog, t, name)))
        r.end = t.end;
    else if (t.kind == TOK_IDENT)
        r.end = invocation_end(p->prog, r.start);
    free(name);
    return r;
}

/* Operators, casts and implicit conversions whose last token is the last token
 * of their last operand (except postfix ++ and --). */
static Range tail_range(Parser *p, CXCursor c, Range r) {
    Cursors kids = expr_children_of(c);
    if (kids.n > 0) {
        Range last = range_of(p, kids.items[kids.n - 1]);
        bool postfix = kind_of(c) == CXCursor_UnaryOperator && last.start == r.start;
        bool wraps = kind_of(c) != CXCursor_UnexposedExpr || (kids.n == 1 && last.start == r.start);
        if (last.ok && !postfix && wraps && last.end >= r.start)
            r.end = last.end;
    }
    free(kids.items);
    return r;
}

/* A call through an expression (handlers[i](x), s->fn(x)) is written in the text
 * when that expression is, followed by the argument list that ends the call. */
static bool indirect_call_in_text(const Parser *p, CXCursor callee, Range r) {
    Range cr = extent_of(p, callee);
    if (!cr.ok || cr.start != r.start)
        return false;
    Tok open = tok_next(p->prog, cr.end);
    return tok_is(p->prog, open, "(") && tok_group_end(p->prog, open.start) == r.end;
}

/* A parenthesis or call whose first token comes from a macro starts at the
 * macro's name and ends with its invocation (libclang's end is wrong when that
 * invocation is itself in a macro argument). */
static Range macro_start_range(const Parser *p, CXCursor c, Range r) {
    Tok t = tok_at(p->prog, r.start);
    bool from_macro = t.kind == TOK_IDENT;
    if (from_macro && kind_of(c) == CXCursor_CallExpr) {
        Cursors kids = expr_children_of(c);
        CXCursor callee = kids.n ? strip_parens(kids.items[0]) : c;
        char *name = cursor_name(callee);
        from_macro = kind_of(callee) == CXCursor_DeclRefExpr ? !tok_is(p->prog, t, name)
                                                             : !indirect_call_in_text(p, callee, r);
        free(name);
        free(kids.items);
    }
    unsigned end = from_macro ? invocation_end(p->prog, r.start) : r.end;
    if (end <= r.end)
        r.end = end;
    return r;
}

static Range range_of(Parser *p, CXCursor c) {
    CXCursor call;
    if (marker_of(c, &call) != MARK_NONE)
        return marker_range(p, c);
    Range r = extent_of(p, c);
    if (!r.ok)
        return r;
    switch (kind_of(c)) {
    case CXCursor_DeclRefExpr:
    case CXCursor_IntegerLiteral:
    case CXCursor_FloatingLiteral:
    case CXCursor_ImaginaryLiteral:
    case CXCursor_CharacterLiteral:
        return leaf_range(p, c, r);
    case CXCursor_BinaryOperator:
    case CXCursor_CompoundAssignOperator:
    case CXCursor_ConditionalOperator:
    case CXCursor_CStyleCastExpr:
    case CXCursor_UnaryOperator:
    case CXCursor_UnexposedExpr:
        return tail_range(p, c, r);
    case CXCursor_ParenExpr:
    case CXCursor_CallExpr:
        return macro_start_range(p, c, r);
    default:
        return r;
    }
}

/* ---- expressions: addresses of locals ----------------------------------------------- */

static CXType canonical_type_of(CXCursor c) {
    return clang_getCanonicalType(clang_getCursorType(c));
}

static bool is_address_of(CXCursor c, CXCursor *operand) {
    if (kind_of(c) != CXCursor_UnaryOperator)
        return false;
    Cursors kids = expr_children_of(c);
    bool addr = false;
    if (kids.n == 1) {
        CXType result = canonical_type_of(c);
        addr = result.kind == CXType_Pointer &&
               clang_equalTypes(clang_getCanonicalType(clang_getPointeeType(result)),
                                canonical_type_of(kids.items[0]));
        *operand = kids.items[0];
    }
    free(kids.items);
    return addr;
}

/* An array converted to a pointer to its first element. (A parameter declared as
 * an array is a pointer already, though libclang reports the declared type.) */
static bool is_decay(CXCursor c, CXCursor *array) {
    if (!is_implicit(c, array) || canonical_type_of(c).kind != CXType_Pointer ||
        !type_is_array(canonical_type_of(*array)))
        return false;
    CXCursor ref = strip_parens(*array);
    return kind_of(ref) != CXCursor_DeclRefExpr ||
           kind_of(clang_getCursorReferenced(ref)) != CXCursor_ParmDecl;
}

/* Records the local whose storage the lvalue c designates (x, x.m, x[i] of an
 * array x, in parentheses): its address escapes. */
static void address_mark(Parser *p, CXCursor c) {
    for (;;) {
        c = strip_parens(c);
        if (kind_of(c) == CXCursor_CompoundLiteralExpr) {
            VEC_PUSH(&p->literal_addrs, &p->nliteral_addrs, cursor_pos(p, c).offset);
            return;
        }
        if (kind_of(c) == CXCursor_DeclRefExpr) {
            unsigned off;
            if (cursor_offset(p, c, &off))
                VEC_PUSH(&p->addr_uses, &p->naddr_uses, off);
            return;
        }
        Cursors kids = expr_children_of(c);
        CXCursor base, array;
        bool down = false;
        if (kids.n > 0 && kind_of(c) == CXCursor_MemberRefExpr) {
            base = kids.items[0];
            down = canonical_type_of(base).kind != CXType_Pointer; /* '.', not '->' */
        } else if (kids.n == 2 && kind_of(c) == CXCursor_ArraySubscriptExpr) {
            down = is_decay(kids.items[0], &array);
            base = array;
        }
        free(kids.items);
        if (!down)
            return;
        c = base;
    }
}

static bool address_taken_at(const Parser *p, unsigned off) {
    for (int i = 0; i < p->naddr_uses; i++)
        if (p->addr_uses[i] == off)
            return true;
    return false;
}

/* ---- expressions: holes ------------------------------------------------------------ */

static Expr *expr_from(Parser *p, CXCursor c, Range r);
static void holes_collect(Parser *p, CXCursor c, Holes *holes);
static void unmappable_error(Parser *p, unsigned off);

static Var *var_lookup(const Parser *p, CXCursor decl) {
    for (int i = 0; i < p->nvar_decls; i++)
        if (clang_equalCursors(p->var_decls[i], decl))
            return p->fn->vars[i];
    return NULL;
}

static Func *func_new(Parser *p, CXCursor decl, bool in_main_file);

/* Is NAME_frame a complete type in this unit (a leaf's header defines it)? Then f
 * knows its frame's size. */
static bool frame_visible(const Parser *p, Func *f) {
    char *type = xprintf("%s_frame", f->name);
    const FrameType *found = NULL;
    for (int i = 0; i < p->nframe_types && !found; i++)
        if (strcmp(p->frame_types[i].name, type) == 0)
            found = &p->frame_types[i];
    free(type);
    if (found) {
        f->frame_size = found->size;
        f->frame_align = found->align;
    }
    return found != NULL;
}

/* The Func an await/spawn/block_on/ac_future_of of decl calls: the definition in
 * this file, else its prototype here or its declaration in a header: a leaf written
 * by hand (like ac_yield, whose frame type is visible) or a function defined in
 * another file (whose frame is boxed). */
static Func *callee_resolve(Parser *p, CXCursor decl, Pos use, const char *what) {
    char *name = cursor_name(decl);
    Program *prog = p->prog;
    Func *declared = NULL, *header = NULL;
    for (int i = 0; i < prog->nfuncs; i++) {
        Func *f = prog->funcs[i];
        if (strcmp(f->name, name) != 0)
            continue;
        if (f->in_main_file && f->is_defined)
            return f;
        if (f->in_main_file)
            declared = f;
        else
            header = f;
    }
    if (!declared && !header) {
        header = func_new(p, decl, false);
        header->frame_known = frame_visible(p, header);
        VEC_PUSH(&prog->funcs, &prog->nfuncs, header);
    }
    Func *g = declared ? declared : header;
    if (g->is_static && !g->frame_known)
        error_at(use,
                 "%s of '%s', which is static but neither defined in this file nor a leaf "
                 "whose frame type '%s_frame' is visible here",
                 what, name, name);
    return g;
}

/* The async function that the call of `what` (await, ac_on...) calls directly, or NULL
 * after an error. */
static Func *marker_callee(Parser *p, const char *what, CXCursor call, CXCursor callee) {
    Pos pos = cursor_pos(p, callee);
    CXCursor decl = clang_getCursorReferenced(callee);
    if (kind_of(callee) != CXCursor_DeclRefExpr || kind_of(decl) != CXCursor_FunctionDecl) {
        error_range(cursor_pos(p, call), cursor_end(p, call),
                    "%s of a call through a pointer; %s needs a direct call of an async function",
                    what, what);
        return NULL;
    }
    char *name = cursor_name(decl);
    unsigned off = pos.offset;
    if (!is_async_decl(decl))
        error_range(pos, cursor_end(p, callee), "%s of '%s', which is not an async function", what,
                    name);
    else if (!ident_is(p->prog, off, name)) {
        if (!expansion_request(p, off))
            error_at(
                pos,
                "the call in this %s comes from macro '%s'; asyncc cannot map it to the source",
                what, ident_at(p->prog, off));
    } else {
        return callee_resolve(p, decl, pos, what);
    }
    return NULL;
}

/* Splits the argument list whose '(' is at open into the ranges of the arguments. */
static int args_split(const Program *prog, unsigned open, Range **args) {
    unsigned close_end = tok_group_end(prog, open);
    if (!close_end)
        return -1;
    int n = 0, depth = 0;
    Range cur = {0, 0, false};
    for (unsigned off = skip_blank(prog, open + 1); off < close_end - 1;
         off = skip_blank(prog, off)) {
        Tok t = tok_at(prog, off);
        char c = prog->src[t.start];
        off = t.end;
        if (t.kind == TOK_PUNCT && c == ',' && depth == 0) {
            VEC_PUSH(args, &n, cur);
            cur.ok = false;
            continue;
        }
        if (t.kind == TOK_PUNCT && is_open(c))
            depth++;
        else if (t.kind == TOK_PUNCT && is_close(c))
            depth--;
        if (!cur.ok)
            cur.start = t.start;
        cur.ok = true;
        cur.end = t.end;
    }
    if (cur.ok || n > 0)
        VEC_PUSH(args, &n, cur);
    return n;
}

/* The arguments of the marker's call, each from its own text. */
static bool marker_args(Parser *p, Expr *e, CXCursor call, CXCursor callee_expr) {
    Range callee = range_of(p, callee_expr);
    Tok open = tok_next(p->prog, callee.end);
    Range *args = NULL;
    int n = callee.ok && tok_is(p->prog, open, "(") ? args_split(p->prog, open.start, &args) : -1;
    bool ok = n == clang_Cursor_getNumArguments(call);
    if (!ok && !expansion_request(p, cursor_pos(p, call).offset))
        error_range(cursor_pos(p, call), cursor_end(p, call),
                    "cannot map the arguments of this call to the source (a macro expands them)");
    for (int i = 0; ok && i < n; i++)
        expr_add(e, expr_from(p, clang_Cursor_getArgument(call, (unsigned)i), args[i]));
    free(args);
    return ok;
}

/* Like rustc's E0728: the error, then a note on the function that is not async
 * with the two ways out. */
static void await_outside_error(Parser *p, Range r, CXCursor call_paren) {
    error_range(pos_at(p, r.start), pos_at(p, r.end), "await outside an async function");
    if (clang_Cursor_isNull(p->ordinary) || !extent_of(p, p->ordinary).ok)
        return;
    CXCursor call = strip_parens(call_paren);
    Cursors kids = expr_children_of(call);
    char *callee = kids.n ? cursor_name(strip_implicit(kids.items[0])) : xstrdup("...");
    free(kids.items);
    Pos start = pos_at(p, extent_of(p, p->ordinary).start);
    note_fixit(start, start, "async ",
               "'%s' is not async: make it async to await here, or run the call to completion "
               "with ac_block_on(%s(...))",
               cursor_name(p->ordinary), callee);
}

/* The name of the macro invocation of a marker expression, checked against names (a
 * NULL-terminated list of at most two): NULL, after an error, when the text does not
 * spell one of them (a macro wrote the form). *r is the invocation. */
static const char *invocation_check(Parser *p, CXCursor c, const char *const *names, int nnames,
                                    Range *r) {
    *r = marker_range(p, c);
    for (int i = 0; r->ok && i < nnames && names[i]; i++)
        if (ident_is(p->prog, r->start, names[i]))
            return names[i];
    unsigned off = 0;
    cursor_offset(p, c, &off);
    if (!expansion_request(p, off) && report_once(p, off))
        error_at(pos_at(p, off),
                 "%s inside macro '%s' cannot be mapped to the source; write %s(...) directly "
                 "in the code",
                 names[0], ident_at(p->prog, off), names[0]);
    return NULL;
}

/* The direct call of an async function that `what` (await, ac_on...) takes: an Expr
 * of kind at off with the callee and its arguments, or NULL after an error. */
static Expr *marker_call(Parser *p, const char *what, ExprKind kind, unsigned off,
                         CXCursor call_paren) {
    CXCursor call = strip_parens(call_paren);
    if (kind_of(call) != CXCursor_CallExpr) {
        error_range(
            cursor_pos(p, call), cursor_end(p, call),
            "%s of something that is not a call; %s needs a direct call of an async function", what,
            what);
        return NULL;
    }
    Cursors kids = expr_children_of(call);
    CXCursor callee_expr = kids.n ? kids.items[0] : call;
    free(kids.items);
    Func *callee = marker_callee(p, what, call, strip_parens(callee_expr));
    if (!callee)
        return NULL;
    Expr *e = expr_new(p, kind, off);
    e->callee = callee;
    e->type = callee->ret;
    return marker_args(p, e, call, callee_expr) ? e : NULL;
}

/* await(call), ac_spawn(call) or ac_block_on(call): a hole covering the whole
 * invocation. hole->expr stays NULL after an error. */
static void marker_hole(Parser *p, CXCursor c, Marker m, CXCursor call_paren, Hole *hole) {
    const char *names[] = {marker_macro(m)};
    hole->expr = NULL;
    if (!invocation_check(p, c, names, 1, &hole->range))
        return;
    unsigned start = hole->range.start;
    Pos pos = pos_at(p, start);
    if (m == MARK_AWAIT && !p->fn)
        await_outside_error(p, hole->range, call_paren);
    if (m == MARK_BLOCK_ON && p->fn) {
        error_range(pos, pos_at(p, hole->range.end),
                    "ac_block_on inside an async function would block the executor; use await");
        note_fixit(pos, pos_at(p, tok_at(p->prog, start).end), "await",
                   "await the call: the task is suspended, not the thread");
    }
    Expr *e = marker_call(p, marker_macro(m), marker_expr_kind(m), start, call_paren);
    if (!e)
        return;
    bool handle = m == MARK_SPAWN || m == MARK_FUTURE; /* ac_task * or ac_future */
    if (handle)
        e->type = ctype_from(p, clang_getCursorType(c), DROP_VALUE);
    e->callee->uses_spawn |= m == MARK_SPAWN;
    e->callee->uses_block_on |= m == MARK_BLOCK_ON;
    e->callee->uses_future |= m == MARK_FUTURE;
    if (m == MARK_AWAIT && p->fn)
        p->fn_awaits++;
    if (m == MARK_AWAIT)
        p->awaits_made++;
    hole->expr = e;
}

/* ---- select, join and timeout --------------------------------------------------------- */

/* The forms of <asyncc.h> that await several calls at once: each expands to
 * (await marker, its own marker, branches..., value), and a branch to
 * (ON_MARKER, *(dest) = (call), cond) or (ON_MARKER, (call), 1). */
typedef struct FormMacro {
    const char *marker;
    Form form;
    const char *names[2]; /* the macros that expand to it */
    const char *base;     /* the name of its state and union member */
} FormMacro;

static const FormMacro form_macros[] = {
    {"asyncc_select_marker_", FORM_SELECT, {"ac_select", NULL}, "select"},
    {"asyncc_select_biased_marker_", FORM_SELECT_BIASED, {"ac_select_biased", NULL}, "select"},
    {"asyncc_join_all_marker_", FORM_JOIN_ALL, {"ac_join_all", NULL}, "join"},
    {"asyncc_try_join_marker_", FORM_TRY_JOIN, {"ac_try_join", NULL}, "try_join"},
    {"asyncc_timeout_marker_", FORM_TIMEOUT, {"ac_timeout", "ac_timeout_at"}, "timeout"},
};

/* The operands of the comma expression in parentheses c, (a, b, c) -> a b c: the
 * left spine of its comma operators (the markers' expansions never put another
 * binary operator there). */
static Cursors comma_operands(CXCursor c) {
    Cursors ops = {0, NULL};
    Cursors inner = kind_of(c) == CXCursor_ParenExpr ? expr_children_of(c) : ops;
    CXCursor at = inner.n == 1 ? inner.items[0] : clang_getNullCursor();
    free(inner.items);
    while (kind_of(at) == CXCursor_BinaryOperator) {
        Cursors kids = expr_children_of(at);
        if (kids.n != 2) {
            free(kids.items);
            break;
        }
        VEC_PUSH(&ops.items, &ops.n, kids.items[1]);
        at = kids.items[0];
        free(kids.items);
    }
    if (!clang_Cursor_isNull(at))
        VEC_PUSH(&ops.items, &ops.n, at);
    for (int i = 0; i < ops.n / 2; i++) {
        CXCursor t = ops.items[i];
        ops.items[i] = ops.items[ops.n - 1 - i];
        ops.items[ops.n - 1 - i] = t;
    }
    return ops;
}

/* The form c expands, with its operands after the markers in *ops; NULL if none. */
static const FormMacro *form_of(CXCursor c, Cursors *ops) {
    if (kind_of(c) != CXCursor_ParenExpr)
        return NULL;
    Cursors all = comma_operands(c);
    const FormMacro *found = NULL;
    for (size_t i = 0; all.n > 3 && i < sizeof form_macros / sizeof *form_macros; i++)
        if (is_marker_ref(all.items[0], AWAIT_MARKER) &&
            is_marker_ref(all.items[1], form_macros[i].marker))
            found = &form_macros[i];
    *ops = (Cursors){0, NULL};
    if (!found) {
        free(all.items);
        return NULL;
    }
    memmove(all.items, all.items + 2, sizeof *all.items * (size_t)(all.n - 2));
    *ops = (Cursors){all.n - 2, all.items};
    return found;
}

/* Is c a branch (ac_on, ac_on_if, ac_on_done)? Its operands after the marker in *ops. */
static bool branch_of(CXCursor c, Cursors *ops) {
    Cursors all = kind_of(c) == CXCursor_ParenExpr ? comma_operands(c) : (Cursors){0, NULL};
    *ops = (Cursors){0, NULL};
    if (all.n != 3 || !is_marker_ref(all.items[0], ON_MARKER)) {
        free(all.items);
        return false;
    }
    memmove(all.items, all.items + 1, sizeof *all.items * 2);
    *ops = (Cursors){2, all.items};
    return true;
}

/* The arguments of the invocation r, split from its text; NULL after an error, when
 * they are not n (a macro spreads them). */
static Range *form_args(Parser *p, Range r, int n) {
    Range *args = NULL;
    Tok open = tok_next(p->prog, tok_at(p->prog, r.start).end);
    if (args_split(p->prog, open.start, &args) == n)
        return args;
    unmappable_error(p, r.start);
    free(args);
    return NULL;
}

/* The destination of ac_on(dest, call): it must point to the call's result type, as
 * the result is polled straight into it. */
static bool branch_dest(Parser *p, Expr *e, CXCursor store, Range text) {
    Cursors sides = expr_children_of(store);
    Cursors deref = sides.n == 2 ? expr_children_of(sides.items[0]) : (Cursors){0, NULL};
    bool ok = deref.n == 1;
    if (ok) {
        CType to = ctype_from(p, clang_getCursorType(sides.items[0]), DROP_VALUE);
        e->dest = expr_from(p, strip_parens(deref.items[0]), text);
        ok = strcmp(to.canon, e->callee->ret.canon) == 0;
        if (!ok)
            error_range(pos_at(p, text.start), pos_at(p, text.end),
                        "the destination points to '%s', but '%s' returns '%s'; the result is "
                        "stored through it, so the types must be the same",
                        to.canon, e->callee->name, e->callee->ret.canon);
    }
    free(deref.items);
    free(sides.items);
    return ok;
}

/* One branch c of the form `form`: ac_on(dest, call), ac_on_if(dest, call, cond) or
 * ac_on_done(call). An EXPR_BRANCH, or NULL after an error. */
static Expr *branch_from(Parser *p, CXCursor c, const char *form) {
    static const char *const names[] = {"ac_on", "ac_on_if", "ac_on_done"};
    Cursors ops;
    if (!branch_of(c, &ops)) {
        error_range(cursor_pos(p, c), cursor_end(p, c),
                    "each argument of %s is a branch: ac_on(&v, f(...)), ac_on_if(&v, f(...), "
                    "condition) or ac_on_done(f(...))",
                    form);
        return NULL;
    }
    Range r;
    const char *name = invocation_check(p, c, names, 3, &r);
    bool done = name && strcmp(name, "ac_on_done") == 0,
         cond = name && strcmp(name, "ac_on_if") == 0;
    Range *args = name ? form_args(p, r, done ? 1 : cond ? 3 : 2) : NULL;
    Expr *e = NULL;
    if (args && done) {
        e = marker_call(p, name, EXPR_BRANCH, r.start, ops.items[0]);
    } else if (args) {
        Cursors sides = expr_children_of(ops.items[0]);
        e = sides.n == 2 ? marker_call(p, name, EXPR_BRANCH, r.start, sides.items[1]) : NULL;
        if (e && !branch_dest(p, e, ops.items[0], args[0]))
            e = NULL;
        free(sides.items);
    }
    if (e && cond && has_await_below(ops.items[1])) {
        error_range(pos_at(p, args[2].start), pos_at(p, args[2].end),
                    "the condition of ac_on_if cannot await: it is read inside %s, when its "
                    "branch has finished",
                    form);
        e = NULL;
    } else if (e && cond) {
        e->cond = expr_from(p, ops.items[1], args[2]);
    }
    free(args);
    free(ops.items);
    return e;
}

/* The function-like callee of a form's await: the form itself (ir.h, Func.form). */
static Func *form_func(const FormMacro *fm, const char *macro) {
    Func *g = xmalloc(sizeof *g);
    g->name = xstrdup(fm->base);
    g->form = fm->form;
    g->macro = macro;
    g->frame_known = true;
    g->ret = fm->form == FORM_JOIN_ALL
                 ? (CType){.pre = "void ", .post = "", .canon = "void", .is_void = true}
                 : (CType){.pre = "int ", .post = "", .canon = "int"};
    return g;
}

/* ac_timeout(ms, branch): the branch, then a branch sleeping ms (or until the deadline
 * of ac_timeout_at), which the expansion spells as a call. */
static bool timeout_branches(Parser *p, Expr *e, Range r, const Cursors *ops) {
    Range *args = form_args(p, r, 2);
    Expr *b = args ? branch_from(p, ops->items[0], e->callee->macro) : NULL;
    CXCursor sleep = strip_parens(ops->items[1]);
    Cursors kids = expr_children_of(sleep);
    /* the sleep is the macro's own text: no call in the source to check */
    Func *callee = b && kids.n == 2
                       ? callee_resolve(p, clang_getCursorReferenced(strip_parens(kids.items[0])),
                                        e->pos, e->callee->macro)
                       : NULL;
    if (callee) {
        Expr *timer = expr_new(p, EXPR_BRANCH, args[0].start);
        timer->callee = callee;
        timer->type = callee->ret;
        expr_add(timer, expr_from(p, clang_Cursor_getArgument(sleep, 0), args[0]));
        expr_add(e, b);
        expr_add(e, timer);
    }
    free(kids.items);
    free(args);
    return callee != NULL;
}

/* The branches of a select or join, each an argument. */
static bool form_branches(Parser *p, Expr *e, const Cursors *ops) {
    const char *macro = e->callee->macro;
    int n = ops->n - 1; /* the last operand is the form's value */
    if (n > 16) {
        error_at(e->pos, "%s with %d branches; at most 16 (AC_SELECT_MAX) are supported", macro, n);
        return false;
    }
    bool ok = true;
    for (int i = 0; i < n; i++) {
        Expr *b = branch_from(p, ops->items[i], macro);
        if (b && b->cond && e->callee->form == FORM_JOIN_ALL) {
            error_at(b->pos,
                     "ac_join_all waits for every branch whatever its condition; use ac_try_join "
                     "to stop at the first branch that is not ok, or ac_on");
            b = NULL;
        }
        ok = ok && b;
        if (b)
            expr_add(e, b);
    }
    return ok;
}

/* A branch that is no argument of a form. */
static void stray_branch_error(Parser *p, CXCursor c, Hole *hole) {
    unsigned off = cursor_pos(p, c).offset;
    hole->expr = NULL;
    if (report_once(p, off))
        error_range(pos_at(p, off), cursor_end(p, c),
                    "%s outside ac_select, ac_select_biased, ac_join_all, ac_try_join or "
                    "ac_timeout: a branch only runs as an argument of one of them",
                    ident_at(p->prog, off));
}

/* A select, join or timeout: an await (ir.h, Func.form) whose kids are its branches.
 * hole->expr stays NULL after an error. */
static void form_hole(Parser *p, CXCursor c, const FormMacro *fm, const Cursors *ops, Hole *hole) {
    hole->expr = NULL;
    const char *macro = invocation_check(p, c, fm->names, 2, &hole->range);
    if (!macro)
        return;
    if (!p->fn) {
        error_range(pos_at(p, hole->range.start), pos_at(p, hole->range.end),
                    "%s outside an async function; it awaits, like await", macro);
        return;
    }
    Expr *e = expr_new(p, EXPR_AWAIT, hole->range.start);
    e->callee = form_func(fm, macro);
    e->type = e->callee->ret;
    bool ok = fm->form == FORM_TIMEOUT ? timeout_branches(p, e, hole->range, ops)
                                       : form_branches(p, e, ops);
    if (!ok)
        return;
    p->fn_awaits += p->fn != NULL;
    p->awaits_made++;
    hole->expr = e;
}

/* A use of a local or parameter of the async function being read. Returns false
 * when c is no such use. */
static bool var_hole(Parser *p, CXCursor c, Hole *hole) {
    CXCursor decl;
    hole->expr = NULL;
    if (refers_to_async(c, &decl)) {
        error_range(cursor_pos(p, c), cursor_end(p, c),
                    "async function '%s' used as a value; call it with await, ac_spawn or "
                    "ac_block_on",
                    cursor_name(decl));
        return true;
    }
    Var *var = p->fn ? var_lookup(p, clang_getCursorReferenced(c)) : NULL;
    unsigned off;
    if (!var || !cursor_offset(p, c, &off))
        return false;
    if (!ident_is(p->prog, off, var->name)) {
        MacroUse use = {pos_at(p, off), var, ident_at(p->prog, off), false};
        VEC_PUSH(&p->macro_uses, &p->nmacro_uses, use);
        return true;
    }
    const Expansion *x = stringifying_invocation(p, off);
    if (x) {
        MacroUse use = {pos_at(p, off), var, ident_at(p->prog, x->range.start), true};
        VEC_PUSH(&p->macro_uses, &p->nmacro_uses, use);
    }
    Expr *e = expr_new(p, EXPR_VAR, off);
    e->var = var;
    e->type = var->type;
    e->addr_of = address_taken_at(p, off);
    var->addr_taken |= e->addr_of;
    hole->range = (Range){off, off + (unsigned)strlen(var->name), true};
    hole->expr = e;
    return true;
}

/* The operator token filling the gap between two operands, if it is in the text. */
static char *operator_between(const Parser *p, Range l, Range r) {
    if (!l.ok || !r.ok)
        return NULL;
    Tok t = tok_next(p->prog, l.end);
    if (t.kind != TOK_PUNCT || skip_blank(p->prog, t.end) != r.start)
        return NULL;
    return xstrndup(p->prog->src + t.start, t.end - t.start);
}

static bool sequencing_kind(const char *op, ExprKind *kind) {
    static const struct {
        const char *op;
        ExprKind kind;
    } ops[] = {{"&&", EXPR_AND}, {"||", EXPR_OR}, {",", EXPR_COMMA}, {"=", EXPR_ASSIGN}};
    for (size_t i = 0; op && i < sizeof ops / sizeof *ops; i++)
        if (strcmp(op, ops[i].op) == 0) {
            *kind = ops[i].kind;
            return true;
        }
    return false;
}

/* An operator written inside a macro's definition is invisible in the text, and
 * libclang 14 cannot say which operator it is: an await that it may evaluate
 * second (or not at all) cannot be lifted out safely. */
static void macro_order_error(Parser *p, CXCursor c, const char *what) {
    Range r = extent_of(p, c);
    if (r.ok && !expansion_request(p, r.start) && report_once(p, r.start))
        error_at(pos_at(p, r.start),
                 "await in %s that comes from macro '%s'; asyncc cannot keep its evaluation "
                 "order",
                 what, ident_at(p->prog, r.start));
}

static Hole seq_make(Parser *p, CXCursor c, ExprKind kind, CXCursor *ops, Range *ranges, int n) {
    Expr *e = expr_new(p, kind, ranges[0].start);
    e->type = ctype_from(p, clang_getCursorType(c), DROP_VALUE);
    for (int i = 0; i < n; i++)
        expr_add(e, expr_from(p, ops[i], ranges[i]));
    Hole hole = {{ranges[0].start, ranges[n - 1].end, true}, e};
    return hole;
}

/* lhs && rhs, lhs || rhs, lhs, rhs or lhs = rhs with an await below. */
static bool binary_hole(Parser *p, CXCursor c, CXCursor *ops, Hole *hole) {
    Range ranges[2] = {range_of(p, ops[0]), range_of(p, ops[1])};
    char *op = operator_between(p, ranges[0], ranges[1]);
    ExprKind kind;
    if (!op && has_await_below(ops[1])) {
        macro_order_error(p, c, "the right operand of an operator");
        hole->expr = NULL;
        return true;
    }
    if (!op || !sequencing_kind(op, &kind))
        return false;
    *hole = seq_make(p, c, kind, ops, ranges, 2);
    return true;
}

static bool cond_hole(Parser *p, CXCursor c, CXCursor *ops, Hole *hole) {
    Range ranges[3] = {range_of(p, ops[0]), range_of(p, ops[1]), range_of(p, ops[2])};
    char *question = operator_between(p, ranges[0], ranges[1]);
    char *colon = operator_between(p, ranges[1], ranges[2]);
    if (question && colon && strcmp(question, "?") == 0 && strcmp(colon, ":") == 0) {
        *hole = seq_make(p, c, EXPR_COND, ops, ranges, 3);
        return true;
    }
    if (!has_await_below(ops[1]) && !has_await_below(ops[2]))
        return false;
    macro_order_error(p, c, "a branch of a '?:'");
    hole->expr = NULL;
    return true;
}

/* Whether the text of c spells "await" (or the name of another suspending form): a
 * quick test before searching the tree
 * (an await from a macro's definition is reported where it is found). The range
 * is range_of's, not the extent: inside an await's argument, libclang ends the
 * extent of `c ? a : await(g())` where the inner await's name starts. */
static bool text_mentions_await(Parser *p, CXCursor c) {
    Range r = range_of(p, c);
    int lo = 0, hi = p->nawait_texts;
    while (lo < hi) { /* the first "await" at or after r.start */
        int mid = (lo + hi) / 2;
        if (p->await_texts[mid].start < r.start)
            lo = mid + 1;
        else
            hi = mid;
    }
    return r.ok && lo < p->nawait_texts && p->await_texts[lo].end <= r.end;
}

static bool sequencing_hole(Parser *p, CXCursor c, Hole *hole) {
    enum CXCursorKind kind = kind_of(c);
    if (!p->fn || (kind != CXCursor_BinaryOperator && kind != CXCursor_ConditionalOperator) ||
        !text_mentions_await(p, c) || !has_await_below(c))
        return false;
    Cursors ops = expr_children_of(c);
    bool made = false;
    if (kind == CXCursor_ConditionalOperator && ops.n == 3)
        made = cond_hole(p, c, ops.items, hole);
    else if (kind == CXCursor_BinaryOperator && ops.n == 2)
        made = binary_hole(p, c, ops.items, hole);
    free(ops.items);
    return made;
}

static Var *var_add(Parser *p, CXCursor decl, CType type);
static Expr *template_build(Parser *p, CXCursor c, Range r, Holes *holes);

/* A compound literal whose address is used gets storage of its own: a variable of
 * the function, which the frame holds when the function awaits, since a pointer to
 * the literal stays valid until its block ends (C11 6.5.2.5), across any await. */
static bool literal_hole(Parser *p, CXCursor c, Hole *hole) {
    Range r = range_of(p, c);
    unsigned off = cursor_pos(p, c).offset;
    bool used = false;
    for (int i = 0; i < p->nliteral_addrs; i++)
        used = used || p->literal_addrs[i] == off;
    if (!p->fn || !used)
        return false;
    hole->expr = NULL;
    if (!r.ok) {
        error_at_cursor(p, c, "compound literal");
        return true;
    }
    Var *v = var_add(p, c, ctype_from(p, clang_getCursorType(c), DROP_VARIABLE));
    v->name = xstrdup("literal");
    v->is_literal = true;
    v->addr_taken = true;
    Expr *e = expr_new(p, EXPR_LITERAL, r.start);
    e->var = v;
    e->type = ctype_from(p, clang_getCursorType(c), DROP_VALUE);
    Holes inner = {0, NULL};
    holes_collect(p, c, &inner);
    expr_add(e, template_build(p, c, r, &inner));
    free(inner.items);
    hole->range = r;
    hole->expr = e;
    return true;
}

/* Is c a hole? Returns true when c is consumed (hole->expr is NULL after an
 * error: the caller must not look inside c). */
static bool hole_try(Parser *p, CXCursor c, Hole *hole) {
    CXCursor call;
    Cursors ops;
    const FormMacro *fm = form_of(c, &ops);
    if (fm)
        form_hole(p, c, fm, &ops, hole);
    else if (branch_of(c, &ops))
        stray_branch_error(p, c, hole);
    bool consumed = fm || ops.n > 0;
    free(ops.items);
    if (consumed)
        return true;
    Marker m = marker_of(c, &call);
    if (m != MARK_NONE) {
        marker_hole(p, c, m, call, hole);
        return true;
    }
    if (kind_of(c) == CXCursor_DeclRefExpr)
        return var_hole(p, c, hole);
    if (kind_of(c) == CXCursor_CompoundLiteralExpr)
        return literal_hole(p, c, hole);
    return sequencing_hole(p, c, hole);
}

/* What asyncc would have to rewrite inside a construct it keeps as text (a
 * statement written by a macro, a statement expression): a return or an await. */
typedef struct RewriteScan {
    const char *found;
} RewriteScan;

static enum CXChildVisitResult rewrite_visit(CXCursor c, CXCursor parent, CXClientData data) {
    (void)parent;
    RewriteScan *scan = data;
    if (kind_of(c) == CXCursor_ReturnStmt)
        scan->found = "a return";
    else if (kind_of(c) == CXCursor_DeclRefExpr && name_is(c, AWAIT_MARKER))
        scan->found = "an await";
    return scan->found ? CXChildVisit_Break : CXChildVisit_Recurse;
}

/* "a return", "an await" or NULL. */
static const char *rewrite_needed(CXCursor c) {
    RewriteScan scan = {kind_of(c) == CXCursor_ReturnStmt ? "a return" : NULL};
    if (!scan.found)
        clang_visitChildren(c, rewrite_visit, &scan);
    return scan.found;
}

/* Checks made on every node below an async function's statements (and on ordinary
 * code for misuse of async functions). Returns false if c must not be entered. */
static bool node_check(Parser *p, CXCursor c) {
    CXCursor inner;
    enum CXCursorKind kind = kind_of(c);
    if (!p->fn)
        return true;
    const char *inside = kind == CXCursor_StmtExpr ? rewrite_needed(c) : NULL;
    if (inside) {
        error_range(cursor_pos(p, c), cursor_end(p, c),
                    "statement expression ({ ... }) with %s inside; asyncc cannot rewrite it",
                    inside);
        return false;
    }
    if (kind == CXCursor_AddrLabelExpr) {
        error_range(cursor_pos(p, c), cursor_end(p, c),
                    "label addresses (&&label) are not supported in async "
                    "functions");
        return false;
    }
    if (is_address_of(c, &inner) || is_decay(c, &inner))
        address_mark(p, inner);
    return true;
}

/* A designated initializer (`.x = v`, `[2] = v`), which libclang does not expose:
 * only its value is evaluated, like any element of the list. */
static bool is_designation(const Parser *p, CXCursor c) {
    Range r = extent_of(p, c);
    Tok t = tok_at(p->prog, r.start);
    return r.ok && (tok_is(p->prog, t, ".") || tok_is(p->prog, t, "["));
}

/* An await was built somewhere below c, which is not a hole: can it be lifted out
 * of c and evaluated first without changing what the program does? */
static void await_position_check(Parser *p, CXCursor c) {
    CXCursor inner;
    const char *what = NULL;
    if (!p->fn)
        return;
    if (kind_of(c) == CXCursor_UnaryExpr)
        what = "sizeof or _Alignof (never evaluated)";
    else if (kind_of(c) == CXCursor_GenericSelectionExpr)
        what = "_Generic";
    else if (kind_of(c) == CXCursor_UnexposedExpr && !is_implicit(c, &inner) &&
             !is_designation(p, c))
        what = "an expression libclang does not expose (such as 'a ?: b' or a builtin)";
    if (what)
        error_range(cursor_pos(p, c), cursor_end(p, c), "await inside %s is not supported", what);
}

/* A note rewriting the call of name, written on one line of this file, as
 * before + call + after. Nothing when the call's text is not plainly there (a macro). */
static void call_fixit(Parser *p, CXCursor call, const char *name, const char *before,
                       const char *after, const char *why) {
    Range r = extent_of(p, call);
    if (!r.ok || !ident_is(p->prog, r.start, name) || !text_balanced(p->prog, r) ||
        memchr(p->prog->src + r.start, '\n', r.end - r.start))
        return;
    char *text = xprintf("%s%.*s%s", before, (int)(r.end - r.start), p->prog->src + r.start, after);
    note_fixit(pos_at(p, r.start), pos_at(p, r.end), text, "%s", why);
    free(text);
}

/* A call of an async function that is not the call of a marker. */
static bool async_call_check(Parser *p, CXCursor call, CXCursor callee) {
    CXCursor decl;
    if (kind_of(call) != CXCursor_CallExpr || !refers_to_async(strip_parens(callee), &decl))
        return false;
    if (!report_once(p, cursor_pos(p, callee).offset))
        return true;
    char *name = cursor_name(decl);
    error_range(cursor_pos(p, callee), cursor_end(p, callee),
                "call of async function '%s' without await, ac_spawn or ac_block_on", name);
    call_fixit(p, call, name, "await(", ")", "await the call to run it here");
    free(name);
    return true;
}

static void holes_collect(Parser *p, CXCursor c, Holes *holes) {
    Cursors kids = children_of(c);
    for (int i = 0; i < kids.n; i++) {
        CXCursor k = kids.items[i];
        Hole hole;
        if ((i == 0 && async_call_check(p, c, k)) || !node_check(p, k))
            continue;
        if (hole_try(p, k, &hole)) {
            if (hole.expr)
                VEC_PUSH(&holes->items, &holes->n, hole);
            continue;
        }
        int before = p->awaits_made;
        holes_collect(p, k, holes);
        if (p->awaits_made > before)
            await_position_check(p, k);
    }
    free(kids.items);
}

static bool is_marker_expr(const Expr *e) {
    return e->kind == EXPR_AWAIT || e->kind == EXPR_SPAWN || e->kind == EXPR_BLOCK_ON ||
           e->kind == EXPR_FUTURE;
}

static void holes_sort(Holes *holes) {
    for (int i = 1; i < holes->n; i++)
        for (int j = i; j > 0 && holes->items[j - 1].range.start > holes->items[j].range.start;
             j--) {
            Hole tmp = holes->items[j];
            holes->items[j] = holes->items[j - 1];
            holes->items[j - 1] = tmp;
        }
}

/* A macro that expands its argument twice yields two uses of one local at the
 * same place: they are one hole. */
static void holes_merge(Holes *holes) {
    int n = 0;
    for (int i = 0; i < holes->n; i++) {
        Hole *h = &holes->items[i], *prev = n ? &holes->items[n - 1] : NULL;
        if (prev && prev->expr->kind == EXPR_VAR && h->expr->kind == EXPR_VAR &&
            prev->expr->var == h->expr->var && prev->range.start == h->range.start) {
            prev->expr->addr_of |= h->expr->addr_of;
            continue;
        }
        holes->items[n++] = *h;
    }
    holes->n = n;
}

static void unmappable_error(Parser *p, unsigned off) {
    if (!expansion_request(p, off) && report_once(p, off))
        error_at(pos_at(p, off), "cannot map this expression to the source text (a macro "
                                 "expansion spreads it over its own tokens)");
}

/* Holes in order, none overlapping, all inside r. */
static bool holes_fit(Parser *p, Range r, const Holes *holes) {
    unsigned at = r.start;
    for (int i = 0; i < holes->n; i++) {
        const Hole *h = &holes->items[i];
        if (h->range.ok && h->range.start >= at && h->range.end <= r.end) {
            at = h->range.end;
            continue;
        }
        if (i > 0 && is_marker_expr(h->expr) && h->range.start == holes->items[i - 1].range.start) {
            if (!expansion_request(p, h->range.start))
                error_at(
                    h->expr->pos,
                    "a macro expands this %s more than once; asyncc cannot map it to the source",
                    expr_macro(h->expr));
        } else {
            unmappable_error(p, h->range.ok && h->range.start >= r.start && h->range.start <= r.end
                                    ? h->range.start
                                    : r.start);
        }
        return false;
    }
    return true;
}

/* The template of c over r, the holes in source order. */
static Expr *template_build(Parser *p, CXCursor c, Range r, Holes *holes) {
    holes_sort(holes);
    holes_merge(holes);
    if (!holes_fit(p, r, holes))
        return text_expr(p, r);
    if (holes->n == 1 && holes->items[0].range.start == r.start &&
        holes->items[0].range.end == r.end)
        return holes->items[0].expr;
    Expr *e = expr_new(p, EXPR_TEMPLATE, r.start);
    e->type = ctype_from(p, clang_getCursorType(c), DROP_VALUE);
    e->text = xmalloc(sizeof *e->text * (size_t)(holes->n + 1));
    unsigned at = r.start;
    for (int i = 0; i < holes->n; i++) {
        e->text[i] = text_renamed(p, at, holes->items[i].range.start, true);
        expr_add(e, holes->items[i].expr);
        at = holes->items[i].range.end;
    }
    e->text[holes->n] = text_renamed(p, at, r.end, true);
    return e;
}

/* The expression c, whose text is r. */
static Expr *expr_from(Parser *p, CXCursor c, Range r) {
    if (!r.ok || !text_balanced(p->prog, r)) {
        unmappable_error(p, r.ok ? r.start : cursor_pos(p, c).offset);
        return text_expr(p, r);
    }
    if (!node_check(p, c))
        return text_expr(p, r);
    Holes holes = {0, NULL};
    Hole hole;
    int before = p->awaits_made;
    if (hole_try(p, c, &hole)) {
        if (!hole.expr)
            return text_expr(p, r);
        VEC_PUSH(&holes.items, &holes.n, hole);
    } else {
        holes_collect(p, c, &holes);
        if (p->awaits_made > before)
            await_position_check(p, c);
    }
    Expr *e = template_build(p, c, r, &holes);
    free(holes.items);
    return e;
}

static Expr *expr_of(Parser *p, CXCursor c) {
    return expr_from(p, c, range_of(p, c));
}

/* ---- statements -------------------------------------------------------------------- */

static Stmt *stmt_from(Parser *p, CXCursor c);

static Stmt *stmt_begin(Parser *p, StmtKind kind, unsigned off) {
    Stmt *s = xmalloc(sizeof *s);
    s->kind = kind;
    s->pos = pos_at(p, off);
    return s;
}

static void block_add(Stmt *block, Stmt *s) {
    VEC_PUSH(&block->kids, &block->nkids, s);
}

/* The alignment specifiers of a variable as written, each followed by a space
 * ("_Alignas(16) "), or NULL; a GNU aligned attribute becomes
 * __attribute__((aligned(N))). */
static char *align_of(const Parser *p, CXCursor var) {
    const Program *prog = p->prog;
    Cursors kids = children_of(var);
    Buf b = {0};
    for (int i = 0; i < kids.n; i++) {
        Range r = extent_of(p, kids.items[i]);
        if (kind_of(kids.items[i]) != CXCursor_AlignedAttr || !r.ok)
            continue;
        const char *at = prog->src + r.start;
        if (ident_is(prog, r.start, "_Alignas") || ident_is(prog, r.start, "alignas"))
            buf_printf(&b, "%.*s ", (int)(invocation_end(prog, r.start) - r.start), at);
        else
            buf_printf(&b, "__attribute__((%.*s)) ", (int)(r.end - r.start), at);
    }
    free(kids.items);
    return b.data;
}

static bool is_cleanup_name(const Parser *p, CXToken t) {
    return token_is(p, t, "cleanup") || token_is(p, t, "__cleanup__");
}

/* An attribute at off written by a macro whose definition names the cleanup
 * attribute: the invocation is expanded, and the next round reads the attribute
 * (true); an error when it cannot be. */
static bool cleanup_macro(Parser *p, unsigned off, const char *var) {
    const Expansion *x = NULL;
    for (int i = 0; i < p->nexpansions && !x; i++)
        x = p->expansions[i].range.start == off ? &p->expansions[i] : NULL;
    MacroDef m;
    if (!x || !macro_def(p, x->cursor, &m))
        return false;
    bool names = false;
    for (unsigned i = m.body; i < m.ntoks && !names; i++)
        names = is_cleanup_name(p, m.toks[i]);
    clang_disposeTokens(p->tu, m.toks, m.ntoks);
    if (names && !expansion_request(p, off) && report_once(p, off))
        error_at(pos_at(p, off),
                 "the cleanup attribute of '%s' comes from macro '%s', which asyncc cannot "
                 "expand; write __attribute__((cleanup(...))) in the code",
                 var, ident_at(p->prog, off));
    return names;
}

/* The function of a `cleanup(fn)` (or `__cleanup__(fn)`) attribute of var, or NULL.
 * libclang does not expose the attribute: its text says it, or the expansion of the
 * macro that writes it (in the next round). */
static char *cleanup_of(Parser *p, CXCursor var) {
    const Program *prog = p->prog;
    Cursors kids = children_of(var);
    char *fn = NULL;
    for (int i = 0; i < kids.n && !fn; i++) {
        Range r = extent_of(p, kids.items[i]);
        if (kind_of(kids.items[i]) != CXCursor_UnexposedAttr || !r.ok)
            continue;
        if (!ident_is(prog, r.start, "cleanup") && !ident_is(prog, r.start, "__cleanup__")) {
            char *name = cursor_name(var);
            if (cleanup_macro(p, r.start, name))
                i = kids.n; /* read again after the expansion */
            free(name);
            continue;
        }
        Tok open = tok_next(prog, tok_at(prog, r.start).end);
        Tok name = tok_next(prog, open.end);
        if (tok_is(prog, open, "(") && name.kind == TOK_IDENT)
            fn = xstrndup(prog->src + name.start, name.end - name.start);
    }
    free(kids.items);
    return fn;
}

/* The largest alignment in specifiers spelled as integer constants, or 0. The
 * layout's sizes then match the compiler's (a spelled type or name is not read). */
static long align_bytes_of(const char *spec) {
    long best = 0;
    for (const char *s = spec ? strchr(spec, '(') : NULL; s; s = strchr(s + 1, '(')) {
        char *end;
        long n = strtol(s + 1, &end, 0);
        if (end != s + 1 && *end == ')' && n > best)
            best = n;
    }
    return best;
}

static Var *var_add(Parser *p, CXCursor decl, CType type) {
    Func *f = p->fn;
    Var *v = xmalloc(sizeof *v);
    v->name = cursor_name(decl);
    v->type = type;
    v->align = align_of(p, decl);
    v->cleanup = cleanup_of(p, decl);
    v->addr_taken = v->cleanup != NULL; /* the cleanup gets &v, at the end of its scope */
    v->align_bytes = align_bytes_of(v->align);
    v->pos = cursor_pos(p, decl);
    v->id = f->nvars;
    VEC_PUSH(&f->vars, &f->nvars, v);
    VEC_PUSH(&p->var_decls, &p->nvar_decls, decl);
    return v;
}

static bool is_static_storage(CXCursor var) {
    enum CX_StorageClass sc = clang_Cursor_getStorageClass(var);
    return sc == CX_SC_Static || sc == CX_SC_Extern;
}

static bool is_list_init(CXCursor init, const Var *var) {
    enum CXCursorKind kind = kind_of(strip_implicit(init));
    return kind == CXCursor_InitListExpr ||
           (var->type.is_array && kind_of(strip_parens(init)) == CXCursor_StringLiteral);
}

/* One variable of a declaration that is split into STMT_DECLs. */
static Stmt *decl_stmt(Parser *p, CXCursor var_decl, CXCursor decl_stmt, Range whole) {
    Range r = extent_of(p, var_decl);
    Stmt *s = stmt_begin(p, STMT_DECL, r.ok ? r.start : whole.start);
    Var *var = var_add(p, var_decl, ctype_from(p, clang_getCursorType(var_decl), DROP_VARIABLE));
    var->decl = s;
    var->is_static = is_static_storage(var_decl);
    s->var = var;
    CXCursor init = clang_Cursor_getVarDeclInitializer(var_decl);
    if (var->is_static) {
        s->expr = expr_from(p, decl_stmt, whole);
    } else if (!clang_Cursor_isNull(init)) {
        Range ir = range_of(p, init);
        if (ir.ok && ir.start < var->pos.offset + strlen(var->name))
            ir.ok = false; /* the initializer comes from a macro around the declarator */
        s->expr = expr_from(p, init, ir);
        var->init_is_list = is_list_init(init, var);
    }
    return s;
}

/* A declaration kept as text: functions declared in it, or types that stay in the
 * function (see "local types"), a variably modified type (its size expressions are
 * in the text), or several static variables. Its variables are still Vars. */
static Stmt *decl_text(Parser *p, CXCursor decl_stmt, Range whole, const Cursors *kids) {
    Stmt *s = stmt_begin(p, STMT_TEXT, whole.start);
    for (int i = 0; i < kids->n; i++)
        if (kind_of(kids->items[i]) == CXCursor_VarDecl) {
            Var *var = var_add(p, kids->items[i],
                               ctype_from(p, clang_getCursorType(kids->items[i]), DROP_VARIABLE));
            var->decl = s;
            var->is_static = is_static_storage(kids->items[i]);
        }
    s->expr = expr_from(p, decl_stmt, whole);
    return s;
}

/* The variables of a declaration must be named in the text: asyncc moves them. */
static bool decl_names_check(Parser *p, const Cursors *kids) {
    for (int i = 0; i < kids->n; i++) {
        CXCursor var = kids->items[i];
        unsigned off;
        if (kind_of(var) != CXCursor_VarDecl || !cursor_offset(p, var, &off))
            continue;
        char *name = cursor_name(var);
        bool named = ident_is(p->prog, off, name);
        if (!named && !expansion_request(p, off))
            error_at(pos_at(p, off),
                     "declaration of '%s' comes from macro '%s'; asyncc cannot rewrite it in an "
                     "async function",
                     name, ident_at(p->prog, off));
        free(name);
        if (!named)
            return false;
    }
    return true;
}

/* Why a declaration that declares a type with its variables is kept as written:
 * the type must stay inside the function. */
static void stays_note(const Parser *p, const Cursors *kids) {
    for (int i = 0; i < kids->n; i++) {
        const LocalName *ln =
            is_tag_kind(kind_of(kids->items[i])) ? lname_find(p, kids->items[i]) : NULL;
        if (ln && ln->why) {
            note_at(ln->why->pos, "'%s' %s", ln->why->type, ln->why->why);
            return;
        }
    }
}

/* Appends the statements of a declaration to block: one STMT_DECL per variable,
 * or one STMT_TEXT (see decl_text). in_for: the init of a for statement, which
 * must split into STMT_DECLs. */
static void decls_add(Parser *p, Stmt *block, CXCursor c, bool in_for) {
    Range whole = extent_of(p, c);
    Cursors kids = children_of(c);
    int nvars = 0, nstatic = 0;
    bool verbatim = false;
    for (int i = 0; i < kids.n; i++) {
        CXCursor k = kids.items[i];
        if (kind_of(k) != CXCursor_VarDecl) {
            verbatim |= !tag_moves(p, k);
            continue;
        }
        nvars++;
        nstatic += is_static_storage(k);
        verbatim |= type_is_vla(clang_getCursorType(k));
    }
    verbatim |= nstatic > 0 && nvars > 1;
    if (whole.ok && moves_whole(p, whole)) {
        /* its types are at file scope now */
    } else if (!whole.ok || !decl_names_check(p, &kids)) {
        if (!whole.ok)
            error_at_cursor(p, c, "declaration");
    } else if (verbatim && in_for) {
        error_at(pos_at(p, whole.start),
                 "asyncc cannot split this declaration of a for statement into variables");
        stays_note(p, &kids);
    } else if (verbatim) {
        block_add(block, decl_text(p, c, whole, &kids));
    } else {
        for (int i = 0; i < kids.n; i++)
            if (kind_of(kids.items[i]) == CXCursor_VarDecl)
                block_add(block, decl_stmt(p, kids.items[i], c, whole));
    }
    free(kids.items);
}

/* ---- comments ---------------------------------------------------------------------- */

/* Whether only blanks come before off on its line. */
static bool line_blank_before(const Parser *p, unsigned off) {
    while (off > 0 && p->prog->src[off - 1] != '\n')
        if (!isspace((unsigned char)p->prog->src[--off]))
            return false;
    return true;
}

/* The end of the preprocessor directive at off: its line, with splices, and the
 * comments that start on it. */
static unsigned directive_end(const Program *prog, unsigned off) {
    const char *s = prog->src;
    while (off < prog->len && s[off] != '\n') {
        if (is_comment_start(prog, off))
            off = comment_end(prog, off);
        else if (s[off] == '"' || s[off] == '\'')
            off = quoted_end(prog, off);
        else
            off += s[off] == '\\' && off + 1 < prog->len ? 2 : 1;
    }
    return off;
}

/* A comment, or a directive kept in place (STMT_DIRECTIVE), over [start, end). */
static Stmt *inert_stmt(const Parser *p, StmtKind kind, unsigned start, unsigned end) {
    if (p->prog->src[end - 1] == '\r') /* a line ending of a CRLF file */
        end--;
    Stmt *s = xmalloc(sizeof *s);
    s->kind = kind;
    s->pos = pos_at(p, start);
    s->text = xstrndup(p->prog->src + start, end - start);
    s->trails = !line_blank_before(p, start);
    return s;
}

/* The directives that change what the code after them means, and mean the same
 * inside poll: the macro definitions. (Conditionals are already resolved; the
 * text they leave out is skipped.) */
static bool directive_kept(const Program *prog, unsigned hash) {
    Tok name = tok_next(prog, hash + 1);
    if (name.start >= directive_end(prog, hash)) /* the null directive '#' */
        return false;
    if (tok_is(prog, name, "define") || tok_is(prog, name, "undef"))
        return true;
    if (!tok_is(prog, name, "pragma"))
        return false;
    Tok what = tok_next(prog, name.end);
    return tok_is(prog, what, "push_macro") || tok_is(prog, what, "pop_macro");
}

/* If off is in text the preprocessor skipped (under #if 0, say), where that text
 * ends; otherwise 0. */
static unsigned skipped_end(const Parser *p, unsigned off) {
    for (int i = 0; i < p->nskipped; i++)
        if (p->skipped[i].start <= off && off < p->skipped[i].end)
            return p->skipped[i].end;
    return 0;
}

static void skipped_collect(Parser *p) {
    CXSourceRangeList *list = clang_getSkippedRanges(p->tu, p->main_file);
    for (unsigned i = 0; list && i < list->count; i++) {
        Range r;
        if (offset_of(p, clang_getRangeStart(list->ranges[i]), &r.start) &&
            offset_of(p, clang_getRangeEnd(list->ranges[i]), &r.end))
            VEC_PUSH(&p->skipped, &p->nskipped, r);
    }
    clang_disposeSourceRangeList(list);
}

/* Scans [from, to) - the text between two statements of a block, or between a
 * label and its statement - for comments and directives, skipping ';', labels,
 * other directives and the text they leave out.
 * With a list, appends the comments to its kids as STMT_COMMENTs and the kept
 * directives (directive_kept) as STMT_DIRECTIVEs; returns the
 * offset after the last other code there (from if none). */
static unsigned gap_scan(const Parser *p, Stmt *list, unsigned from, unsigned to) {
    const Program *prog = p->prog;
    unsigned code_end = from;
    for (unsigned off = from; off < to && off < prog->len;) {
        char c = prog->src[off];
        unsigned next = off + 1, skip = skipped_end(p, off);
        if (skip) {
            next = skip; /* neither code nor comments */
        } else if (is_comment_start(prog, off)) {
            next = comment_end(prog, off);
            if (list)
                block_add(list, inert_stmt(p, STMT_COMMENT, off, next));
        } else if (c == '#' && line_blank_before(p, off)) {
            next = directive_end(prog, off);
            if (list && directive_kept(prog, off))
                block_add(list, inert_stmt(p, STMT_DIRECTIVE, off, next));
        } else if (c == '"' || c == '\'') {
            code_end = next = quoted_end(prog, off);
        } else if (!isspace((unsigned char)c) && c != ';') {
            code_end = next;
        }
        off = next;
    }
    return code_end;
}

/* The comments of the text between statements (see gap_scan) as list's kids. Code
 * there means libclang ended the statement before it did (inside a macro): the
 * comments before that code are the statement's and stay in its text. */
static void comments_add(const Parser *p, Stmt *list, unsigned from, unsigned to) {
    gap_scan(p, list, gap_scan(p, NULL, from, to), to);
}

/* The statement that follows a label (case, default or name) at from, with the
 * comments between them kept in the label's kids. */
static Stmt *labeled_body(Parser *p, Stmt *label, CXCursor body, unsigned from) {
    Range r = extent_of(p, body);
    if (r.ok && r.start >= from)
        comments_add(p, label, from, r.start);
    return stmt_from(p, body);
}

static Stmt *block_from(Parser *p, CXCursor c, Range r) {
    Stmt *s = stmt_begin(p, STMT_BLOCK, r.start);
    Cursors kids = children_of(c);
    unsigned gap = r.start + 1; /* after the '{' */
    for (int i = 0; i < kids.n; i++) {
        Range k = extent_of(p, kids.items[i]);
        if (k.ok && k.start >= gap)
            comments_add(p, s, gap, k.start);
        if (kind_of(kids.items[i]) == CXCursor_DeclStmt)
            decls_add(p, s, kids.items[i], false);
        else
            block_add(s, stmt_from(p, kids.items[i]));
        if (k.ok && k.end > gap)
            gap = k.end;
    }
    if (r.end > gap && p->prog->src[r.end - 1] == '}')
        comments_add(p, s, gap, r.end - 1);
    free(kids.items);
    return s;
}

/* The offsets of the two ';' and of the ')' of a for header. */
static bool for_header(const Program *prog, unsigned for_start, unsigned *semi, unsigned *close) {
    Tok open = tok_next(prog, tok_at(prog, for_start).end);
    unsigned end = tok_is(prog, open, "(") ? tok_group_end(prog, open.start) : 0;
    int nsemi = 0, depth = 0;
    for (unsigned off = skip_blank(prog, open.end); end && off < end - 1;
         off = skip_blank(prog, off)) {
        Tok t = tok_at(prog, off);
        char c = prog->src[t.start];
        off = t.end;
        if (t.kind != TOK_PUNCT)
            continue;
        depth += is_open(c) ? 1 : is_close(c) ? -1 : 0;
        if (c == ';' && depth == 0 && nsemi < 2)
            semi[nsemi] = t.start;
        nsemi += c == ';' && depth == 0;
    }
    *close = end ? end - 1 : 0;
    return end && nsemi == 2;
}

static Stmt *for_from(Parser *p, CXCursor c, Range r) {
    Stmt *s = stmt_begin(p, STMT_FOR, r.start);
    unsigned semi[2], close;
    Cursors kids = children_of(c);
    if (!for_header(p->prog, r.start, semi, &close) || kids.n == 0) {
        error_at(s->pos, "cannot find the three parts of this for statement in the text");
        free(kids.items);
        return s;
    }
    for (int i = 0; i < kids.n - 1; i++) {
        CXCursor k = kids.items[i];
        Range kr = extent_of(p, k);
        unsigned at = kr.ok ? kr.start : 0;
        if (at < semi[0] && kind_of(k) == CXCursor_DeclStmt) {
            s->init = stmt_begin(p, STMT_BLOCK, at);
            decls_add(p, s->init, k, true);
        } else if (at < semi[0]) {
            s->init = stmt_begin(p, STMT_EXPR, at);
            s->init->expr = expr_of(p, k);
        } else {
            *(at < semi[1] ? &s->expr : &s->step) = expr_of(p, k);
        }
    }
    s->body = stmt_from(p, kids.items[kids.n - 1]);
    free(kids.items);
    return s;
}

/* case expr: body - text is the expression (or GNU range "lo ... hi"), verbatim. */
static Stmt *case_from(Parser *p, CXCursor c, Range r) {
    Stmt *s = stmt_begin(p, STMT_CASE, r.start);
    Cursors kids = children_of(c);
    if (kids.n >= 2) {
        Range first = range_of(p, kids.items[0]), last = range_of(p, kids.items[kids.n - 2]);
        if (first.ok && last.ok && first.start <= last.end)
            s->text = text_renamed(p, first.start, last.end, true);
        else
            error_at(s->pos, "cannot map this case label to the source text");
        s->body = last.ok ? labeled_body(p, s, kids.items[kids.n - 1], last.end)
                          : stmt_from(p, kids.items[kids.n - 1]);
    }
    free(kids.items);
    return s;
}

/* Extends r over the ';' that follows it. */
static Range with_semicolon(const Parser *p, Range r) {
    Tok t = tok_next(p->prog, r.end);
    if (tok_is(p->prog, t, ";"))
        r.end = t.end;
    return r;
}

static Stmt *asm_from(Parser *p, CXCursor c, Range r) {
    Stmt *s = stmt_begin(p, STMT_ASM, r.start);
    r = with_semicolon(p, r);
    s->text = text_renamed(p, r.start, r.end, true);
    s->expr = expr_from(p, c, r);
    return s;
}

/* A statement whose keyword is not in the text (a macro expanding to a statement,
 * like do { ... } while (0)): kept verbatim, with its uses of locals as holes. */
static Stmt *macro_stmt(Parser *p, CXCursor c, Range r) {
    const char *inside = rewrite_needed(c);
    Stmt *s = stmt_begin(p, STMT_TEXT, r.start);
    if (inside) {
        if (!expansion_request(p, r.start))
            error_at(s->pos,
                     "statement from macro '%s' contains %s; asyncc cannot rewrite it in an async "
                     "function",
                     ident_at(p->prog, r.start), inside);
        return s;
    }
    s->expr = expr_from(p, c, with_semicolon(p, r));
    return s;
}

/* The token a statement of this kind starts with, if it has one. */
static const char *stmt_keyword(enum CXCursorKind kind) {
    switch (kind) {
    case CXCursor_CompoundStmt:
        return "{";
    case CXCursor_IfStmt:
        return "if";
    case CXCursor_WhileStmt:
        return "while";
    case CXCursor_DoStmt:
        return "do";
    case CXCursor_ForStmt:
        return "for";
    case CXCursor_SwitchStmt:
        return "switch";
    case CXCursor_CaseStmt:
        return "case";
    case CXCursor_DefaultStmt:
        return "default";
    case CXCursor_GotoStmt:
        return "goto";
    case CXCursor_BreakStmt:
        return "break";
    case CXCursor_ContinueStmt:
        return "continue";
    case CXCursor_ReturnStmt:
        return "return";
    case CXCursor_NullStmt:
        return ";";
    default:
        return NULL;
    }
}

static bool stmt_in_text(const Parser *p, CXCursor c, Range r) {
    const char *keyword = stmt_keyword(kind_of(c));
    if (kind_of(c) == CXCursor_LabelStmt) {
        char *name = cursor_name(c);
        bool named = ident_is(p->prog, r.start, name);
        free(name);
        return named;
    }
    return !keyword || tok_is(p->prog, tok_at(p->prog, r.start), keyword);
}

static void stmt_unsupported(Parser *p, CXCursor c, Range r) {
    enum CXCursorKind kind = kind_of(c);
    Pos pos = pos_at(p, r.start);
    if (kind == CXCursor_IndirectGotoStmt)
        error_at(pos, "computed goto (goto *) is not supported in async functions");
    else if (kind == CXCursor_UnexposedStmt)
        error_at(pos, "this statement is not supported in async functions (libclang does not "
                      "expose it)");
    else
        error_at(pos, "%s statements are not supported in async functions",
                 string_take(clang_getCursorKindSpelling(kind)));
}

/* Statements with a condition: if (expr) then [else], while, do, switch. */
static Stmt *cond_stmt_from(Parser *p, StmtKind kind, const Cursors *kids, Range r) {
    Stmt *s = stmt_begin(p, kind, r.start);
    int cond = kind == STMT_DO ? 1 : 0, body = kind == STMT_DO ? 0 : 1;
    if (kids->n < 2 || (kids->n > 2 && kind != STMT_IF) || kids->n > 3) {
        error_at(s->pos, "unexpected shape of this statement");
        return s;
    }
    if (kind == STMT_DO)
        s->body = stmt_from(p, kids->items[body]);
    s->expr = expr_of(p, kids->items[cond]);
    if (kind != STMT_DO)
        s->body = stmt_from(p, kids->items[body]);
    if (kids->n == 3)
        s->els = stmt_from(p, kids->items[2]);
    return s;
}

static Stmt *stmt_build(Parser *p, CXCursor c, Range r) {
    Cursors kids = children_of(c);
    enum CXCursorKind kind = kind_of(c);
    Stmt *s = NULL;
    switch (kind) {
    case CXCursor_CompoundStmt:
        s = block_from(p, c, r);
        break;
    case CXCursor_DeclStmt:
        s = stmt_begin(p, STMT_BLOCK, r.start);
        decls_add(p, s, c, false);
        if (s->nkids == 1)
            s = s->kids[0];
        break;
    case CXCursor_IfStmt:
    case CXCursor_WhileStmt:
    case CXCursor_DoStmt:
    case CXCursor_SwitchStmt:
        s = cond_stmt_from(p,
                           kind == CXCursor_IfStmt      ? STMT_IF
                           : kind == CXCursor_WhileStmt ? STMT_WHILE
                           : kind == CXCursor_DoStmt    ? STMT_DO
                                                        : STMT_SWITCH,
                           &kids, r);
        break;
    case CXCursor_ForStmt:
        s = for_from(p, c, r);
        break;
    case CXCursor_CaseStmt:
        s = case_from(p, c, r);
        break;
    case CXCursor_DefaultStmt:
    case CXCursor_LabelStmt:
        s = stmt_begin(p, kind == CXCursor_LabelStmt ? STMT_LABEL : STMT_DEFAULT, r.start);
        if (kind == CXCursor_LabelStmt)
            s->text = cursor_name(c);
        if (kids.n > 0)
            s->body = labeled_body(p, s, kids.items[kids.n - 1], r.start);
        break;
    case CXCursor_GotoStmt:
        s = stmt_begin(p, STMT_GOTO, r.start);
        s->text = kids.n > 0 ? cursor_name(kids.items[0]) : xstrdup("");
        break;
    case CXCursor_BreakStmt:
    case CXCursor_ContinueStmt:
        s = stmt_begin(p, kind == CXCursor_BreakStmt ? STMT_BREAK : STMT_CONTINUE, r.start);
        break;
    case CXCursor_ReturnStmt:
        s = stmt_begin(p, STMT_RETURN, r.start);
        if (kids.n > 0)
            s->expr = expr_of(p, kids.items[0]);
        break;
    case CXCursor_NullStmt:
        s = stmt_begin(p, STMT_EXPR, r.start);
        break;
    case CXCursor_GCCAsmStmt:
        s = asm_from(p, c, r);
        break;
    default:
        s = stmt_begin(p, STMT_EXPR, r.start);
        if (clang_isExpression(kind))
            s->expr = expr_of(p, c);
        else
            stmt_unsupported(p, c, r);
        break;
    }
    free(kids.items);
    return s;
}

static Stmt *stmt_from(Parser *p, CXCursor c) {
    Range r = extent_of(p, c);
    Stmt *s;
    if (!r.ok) {
        s = stmt_begin(p, STMT_EXPR, 0);
        error_at_cursor(p, c, "statement");
    } else if (!stmt_in_text(p, c, r)) {
        s = macro_stmt(p, c, r);
    } else {
        s = stmt_build(p, c, r);
    }
    return s;
}

/* ---- functions ------------------------------------------------------------------- */

/* The declaration that spells f's parameters: decl itself, or for an old-style
 * declaration `f()` the definition, when the file has one. */
static CXCursor params_decl(CXCursor decl) {
    CXCursor def = clang_getCursorDefinition(decl);
    if (clang_getCursorType(decl).kind != CXType_FunctionNoProto || clang_Cursor_isNull(def))
        return decl;
    return def;
}

static Func *func_new(Parser *p, CXCursor decl, bool in_main_file) {
    Func *f = xmalloc(sizeof *f);
    decl = params_decl(decl);
    CXType type = clang_getCursorType(decl);
    f->name = cursor_name(decl);
    f->ret = ctype_from(p, clang_getResultType(type), DROP_VALUE);
    f->is_static = clang_getCursorLinkage(decl) == CXLinkage_Internal;
    f->in_main_file = in_main_file;
    int n = clang_Cursor_getNumArguments(decl);
    for (int i = 0; i < n; i++) {
        CXCursor parm = clang_Cursor_getArgument(decl, (unsigned)i);
        Var *v = xmalloc(sizeof *v);
        v->name = cursor_name(parm);
        v->type = ctype_param(p, clang_getCursorType(parm));
        if (in_main_file)
            v->pos = cursor_pos(p, parm);
        v->id = f->nvars;
        v->is_param = true;
        VEC_PUSH(&f->params, &f->nparams, v);
        VEC_PUSH(&f->vars, &f->nvars, v);
    }
    return f;
}

/* The ';' that ends a prototype, after its declarator and any attributes. */
static unsigned prototype_end(const Program *prog, unsigned off) {
    for (off = skip_blank(prog, off); off < prog->len; off = skip_blank(prog, off)) {
        Tok t = tok_at(prog, off);
        if (tok_is(prog, t, ";"))
            return t.end;
        if (tok_is(prog, t, "{") || tok_is(prog, t, "}"))
            return 0;
        off = tok_is(prog, t, "(") ? tok_group_end(prog, t.start) : t.end;
        if (!off)
            return 0;
    }
    return 0;
}

/* An async function declared or defined at file scope in the main file. */
static Func *func_declare(Parser *p, CXCursor c) {
    Func *f = func_new(p, c, true);
    CXType type = clang_getCursorType(c);
    Range r = extent_of(p, c);
    unsigned name;
    f->is_defined = clang_isCursorDefinition(c);
    if (!r.ok || !cursor_offset(p, c, &name)) {
        error_range(cursor_pos(p, c), cursor_end(p, c),
                    "cannot map the declaration of '%s' to the source text", f->name);
        return f;
    }
    f->pos = pos_at(p, name);
    f->start = r.start;
    f->end = f->is_defined ? r.end : prototype_end(p->prog, r.end);
    if (!ident_is(p->prog, name, f->name))
        error_at(f->pos,
                 "declaration of async function '%s' comes from macro '%s'; asyncc cannot "
                 "rewrite it",
                 f->name, ident_at(p->prog, name));
    else if (!f->end)
        error_at(f->pos, "cannot find the ';' that ends the declaration of '%s'", f->name);
    if (type.kind == CXType_FunctionProto && clang_isFunctionTypeVariadic(type))
        error_at(f->pos, "async function '%s' cannot be variadic", f->name);
    if (type.kind == CXType_FunctionNoProto && clang_Cursor_isNull(clang_getCursorDefinition(c)))
        error_at(f->pos,
                 "async function '%s' is declared without parameter types and not defined in "
                 "this file; asyncc needs them to declare '%s_init': write a prototype",
                 f->name, f->name);
    return f;
}

static void idents_collect(const Program *prog, Func *f) {
    for (unsigned off = skip_blank(prog, f->start); off < f->end; off = skip_blank(prog, off)) {
        Tok t = tok_at(prog, off);
        off = t.end > off ? t.end : off + 1;
        if (t.kind != TOK_IDENT)
            continue;
        char *name = xstrndup(prog->src + t.start, t.end - t.start);
        if (str_in(f->idents, f->nidents, name))
            free(name);
        else
            VEC_PUSH(&f->idents, &f->nidents, name);
    }
}

/* Locals used inside a macro's definition cannot be renamed: an error when the
 * local may live in the frame (parameters always do; locals only if the function
 * suspends at all). */
static void macro_uses_report(Parser *p) {
    for (int i = 0; i < p->nmacro_uses; i++) {
        const MacroUse *use = &p->macro_uses[i];
        if ((use->var->is_param || p->fn_awaits > 0) && !expansion_request(p, use->pos.offset))
            error_at(use->pos,
                     use->stringified
                         ? "local '%s' is stringified or pasted by macro '%s'; asyncc cannot "
                           "rename it there"
                         : "local '%s' is used inside macro '%s'; asyncc cannot rewrite it",
                     use->var->name, use->macro);
    }
}

/* ---- join types ---------------------------------------------------------------------- */

/* ac_join(h, &x) where every value h gets in the function is an ac_spawn of one async
 * function f: x must have f's return type (the runtime checks only the size, and only
 * when the join runs). A handle whose address is taken, that is assigned anything else
 * or spawned from two functions is not checked. */
typedef struct HandleVar {
    CXCursor var;
    CXCursor spawned; /* f's declaration; null when unknown */
    Pos spawn_pos;
    bool unknown;
} HandleVar;

typedef struct JoinUse {
    CXCursor var, out;
} JoinUse;

typedef struct JoinCheck {
    Parser *p;
    HandleVar *vars;
    int nvars;
    JoinUse *joins;
    int njoins;
} JoinCheck;

static HandleVar *handle_var(JoinCheck *jc, CXCursor var) {
    for (int i = 0; i < jc->nvars; i++)
        if (clang_equalCursors(jc->vars[i].var, var))
            return &jc->vars[i];
    HandleVar v = {var, clang_getNullCursor(), {0}, false};
    VEC_PUSH(&jc->vars, &jc->nvars, v);
    return &jc->vars[jc->nvars - 1];
}

/* The local variable that c (a DeclRefExpr, maybe in parentheses) names, or null. */
static CXCursor local_var_of(CXCursor c) {
    c = strip_parens(c);
    CXCursor decl =
        kind_of(c) == CXCursor_DeclRefExpr ? clang_getCursorReferenced(c) : clang_getNullCursor();
    return kind_of(decl) == CXCursor_VarDecl ? decl : clang_getNullCursor();
}

/* The async function that value (an ac_spawn(f(...)), maybe converted) spawns, or null. */
static CXCursor spawned_of(CXCursor value) {
    CXCursor call_paren;
    if (marker_of(strip_implicit(value), &call_paren) != MARK_SPAWN)
        return clang_getNullCursor();
    CXCursor call = strip_parens(call_paren);
    Cursors kids = kind_of(call) == CXCursor_CallExpr ? expr_children_of(call) : (Cursors){0, NULL};
    CXCursor decl =
        kids.n ? clang_getCursorReferenced(strip_parens(kids.items[0])) : clang_getNullCursor();
    free(kids.items);
    return kind_of(decl) == CXCursor_FunctionDecl && is_async_decl(decl) ? decl
                                                                         : clang_getNullCursor();
}

/* var gets value: a spawn of one function keeps it checkable, anything else does not. */
static void handle_assigned(JoinCheck *jc, CXCursor var, CXCursor value) {
    HandleVar *v = handle_var(jc, var);
    CXCursor f = spawned_of(value);
    if (clang_Cursor_isNull(f) ||
        (!clang_Cursor_isNull(v->spawned) && !clang_equalCursors(v->spawned, f))) {
        v->unknown = true;
        return;
    }
    if (clang_Cursor_isNull(v->spawned))
        v->spawn_pos = cursor_pos(jc->p, value);
    v->spawned = f;
}

/* h = value is an assignment, h == value and h != value are not; an operator asyncc
 * cannot see (from a macro) may be either. */
static void join_check_binary(JoinCheck *jc, CXCursor c) {
    Cursors ops = expr_children_of(c);
    CXCursor var = ops.n == 2 ? local_var_of(ops.items[0]) : clang_getNullCursor();
    char *op = clang_Cursor_isNull(var) ? NULL
                                        : operator_between(jc->p, extent_of(jc->p, ops.items[0]),
                                                           extent_of(jc->p, ops.items[1]));
    bool compares = op && (strcmp(op, "==") == 0 || strcmp(op, "!=") == 0);
    if (!clang_Cursor_isNull(var) && !compares)
        handle_assigned(jc, var, ops.items[1]);
    free(op);
    free(ops.items);
}

/* &h lets anyone change h. */
static void join_check_unary(JoinCheck *jc, CXCursor c) {
    Range r = extent_of(jc->p, c);
    Cursors ops = expr_children_of(c);
    CXCursor var = ops.n == 1 ? local_var_of(ops.items[0]) : clang_getNullCursor();
    if (!clang_Cursor_isNull(var) && r.ok && tok_is(jc->p->prog, tok_at(jc->p->prog, r.start), "&"))
        handle_var(jc, var)->unknown = true;
    free(ops.items);
}

static void join_check_call(JoinCheck *jc, CXCursor c) {
    if (!name_is(c, "ac_join") || clang_Cursor_getNumArguments(c) != 2)
        return;
    CXCursor var = local_var_of(clang_Cursor_getArgument(c, 0));
    if (!clang_Cursor_isNull(var)) {
        JoinUse use = {var, strip_implicit(clang_Cursor_getArgument(c, 1))};
        VEC_PUSH(&jc->joins, &jc->njoins, use);
    }
}

static enum CXChildVisitResult join_check_visit(CXCursor c, CXCursor parent, CXClientData data) {
    (void)parent;
    JoinCheck *jc = data;
    Cursors kids;
    switch (kind_of(c)) {
    case CXCursor_VarDecl:
        kids = expr_children_of(c);
        if (kids.n > 0 && clang_getCursorType(c).kind == CXType_Pointer)
            handle_assigned(jc, c, kids.items[kids.n - 1]);
        free(kids.items);
        break;
    case CXCursor_BinaryOperator:
    case CXCursor_CompoundAssignOperator:
        join_check_binary(jc, c);
        break;
    case CXCursor_UnaryOperator:
        join_check_unary(jc, c);
        break;
    case CXCursor_CallExpr:
        join_check_call(jc, c);
        break;
    default:
        break;
    }
    return CXChildVisit_Recurse;
}

static char *type_name(CXType t) {
    return string_take(clang_getTypeSpelling(t));
}

/* One join: the type out points to against the spawned function's. */
static void join_check_use(JoinCheck *jc, const JoinUse *use) {
    HandleVar *v = handle_var(jc, use->var);
    if (v->unknown || clang_Cursor_isNull(v->spawned))
        return;
    CXType ret = clang_getResultType(clang_getCursorType(v->spawned));
    CXType out = clang_getCursorType(use->out);
    CXType target = clang_getPointeeType(out);
    if (ret.kind == CXType_Void || out.kind != CXType_Pointer || target.kind == CXType_Void ||
        clang_equalTypes(clang_getCanonicalType(ret), clang_getCanonicalType(target)))
        return;
    char *fname = cursor_name(v->spawned), *rname = type_name(ret), *oname = type_name(out);
    error_range(cursor_pos(jc->p, use->out), cursor_end(jc->p, use->out),
                "ac_join of a task of '%s', which returns '%s', into '%s'; pass a pointer to "
                "'%s', or NULL to discard the result",
                fname, rname, oname, rname);
    note_at(v->spawn_pos, "the handle comes from this ac_spawn of '%s'", fname);
    free(fname), free(rname), free(oname);
}

static void join_types_check(Parser *p, CXCursor body) {
    JoinCheck jc = {p, NULL, 0, NULL, 0};
    clang_visitChildren(body, join_check_visit, &jc);
    for (int i = 0; i < jc.njoins; i++)
        join_check_use(&jc, &jc.joins[i]);
    free(jc.vars);
    free(jc.joins);
}

static void func_body(Parser *p, Func *f, CXCursor def) {
    p->fn = f;
    p->nvar_decls = p->naddr_uses = p->nmacro_uses = p->nliteral_addrs = p->fn_awaits = 0;
    for (int i = 0; i < f->nparams; i++)
        VEC_PUSH(&p->var_decls, &p->nvar_decls, clang_Cursor_getArgument(def, (unsigned)i));
    Cursors kids = children_of(def);
    idents_collect(p->prog, f);
    for (int i = 0; i < kids.n; i++)
        if (kind_of(kids.items[i]) == CXCursor_CompoundStmt) {
            locals_read(p, f, kids.items[i]);
            f->body = stmt_from(p, kids.items[i]);
            join_types_check(p, kids.items[i]);
        }
    free(kids.items);
    macro_uses_report(p);
    p->fn = NULL;
    p->nlnames = p->nunits = p->nmentions = 0;
}

/* ---- ordinary code ------------------------------------------------------------------- */

/* Spawns and block_ons in an ordinary function become sites; everything else is
 * only checked (awaits, calls of async functions without a marker). */
static void ordinary_scan(Parser *p, CXCursor fd) {
    Range r = extent_of(p, fd);
    Holes holes = {0, NULL};
    p->ordinary = fd;
    holes_collect(p, fd, &holes);
    p->ordinary = clang_getNullCursor();
    for (int i = 0; i < holes.n; i++) {
        Hole *h = &holes.items[i];
        if (!is_marker_expr(h->expr) || h->expr->kind == EXPR_AWAIT)
            continue;
        Site *site = xmalloc(sizeof *site);
        site->expr = h->expr;
        site->start = h->range.start;
        site->end = h->range.end;
        site->func_start = r.start;
        VEC_PUSH(&p->prog->sites, &p->prog->nsites, site);
    }
    free(holes.items);
}

/* File-scope variables: no marker can be evaluated there. */
static void global_scan(Parser *p, CXCursor var) {
    Holes holes = {0, NULL};
    if (has_annotation(var))
        error_range(cursor_pos(p, var), cursor_end(p, var), "only functions can be async");
    holes_collect(p, var, &holes);
    for (int i = 0; i < holes.n; i++)
        if (holes.items[i].expr->kind != EXPR_AWAIT) /* awaits are reported already */
            error_at(holes.items[i].expr->pos, "%s outside a function",
                     expr_macro(holes.items[i].expr));
    free(holes.items);
}

/* ---- the translation unit ------------------------------------------------------------ */

static void header_check(const Parser *p, CXCursor c) {
    (void)p;
    if (kind_of(c) != CXCursor_FunctionDecl || !clang_isCursorDefinition(c) || !is_async_decl(c))
        return;
    CXFile file;
    unsigned line, col;
    clang_getFileLocation(clang_getCursorLocation(c), &file, &line, &col, NULL);
    char *name = cursor_name(c);
    char *msg = xprintf("async function '%s' is defined in a header; asyncc only transforms the "
                        "main file",
                        name);
    diag_raw(string_take(clang_getFileName(file)), line, col, "error", msg);
    free(msg);
    free(name);
}

/* `async int f(void), g(void);` declares two functions with one set of
 * specifiers; asyncc replaces declarations whole, so each needs its own. */
static void declarator_groups_check(Parser *p, const Cursors *tops) {
    for (int i = 0; i < tops->n;) {
        Range first = extent_of(p, tops->items[i]);
        int j = i + 1;
        bool async = is_async_decl(tops->items[i]);
        for (; j < tops->n; j++) {
            Range r = extent_of(p, tops->items[j]);
            if (!first.ok || !r.ok || r.start != first.start)
                break;
            async |= is_async_decl(tops->items[j]);
        }
        if (j - i > 1 && async)
            error_at(pos_at(p, first.start), "more than one declarator in one async declaration");
        i = j;
    }
}

/* A file-scope typedef named *_frame of a complete type: the frame of a leaf whose
 * header defines it, which awaits can embed by value. And ac_select, the
 * bookkeeping of a select, join or timeout in its struct (the layout's sizes). */
static void frame_type_note(Parser *p, CXCursor c) {
    static const char suffix[] = "_frame";
    if (kind_of(c) != CXCursor_TypedefDecl || clang_Type_getSizeOf(clang_getCursorType(c)) < 0)
        return;
    char *name = cursor_name(c);
    size_t len = strlen(name);
    CXType t = clang_getCursorType(c);
    FrameType ft = {name, clang_Type_getSizeOf(t), clang_Type_getAlignOf(t)};
    if (strcmp(name, "ac_select") == 0) {
        p->prog->select_size = ft.size;
        p->prog->select_align = ft.align;
    }
    if (len >= sizeof suffix && strcmp(name + len - (sizeof suffix - 1), suffix) == 0)
        VEC_PUSH(&p->frame_types, &p->nframe_types, ft);
    else
        free(name);
}

/* A prototype's frame is known when the function is defined in this file too, or
 * when a header defines its frame type (a leaf declared again here). */
static void frames_resolve(Parser *p) {
    Program *prog = p->prog;
    for (int i = 0; i < prog->nfuncs; i++) {
        Func *f = prog->funcs[i];
        f->frame_known = f->is_defined || frame_visible(p, f);
        for (int j = 0; j < prog->nfuncs && !f->frame_known; j++)
            f->frame_known =
                prog->funcs[j]->is_defined && strcmp(prog->funcs[j]->name, f->name) == 0;
    }
}

static void expansion_note(Parser *p, CXCursor c) {
    Expansion x = {extent_of(p, c), c, false};
    if (kind_of(c) != CXCursor_MacroExpansion || !x.range.ok)
        return;
    char *name = cursor_name(c);
    x.is_marker = is_marker_name(name);
    free(name);
    VEC_PUSH(&p->expansions, &p->nexpansions, x);
}

/* ---- names asyncc generates --------------------------------------------------------- */

/* What asyncc names after an async function NAME at file scope (grammar/abi.md,
 * section 2): NAME_ and one of these, or NAME_AWAIT_... (a state). */
static const char *const generated_suffixes[] = {
    "frame",         "frame_size",  "state",       "START",      "DONE",      "init",
    "poll",          "drop",        "spawn",       "block_on",   "future",    "vtable",
    "future_vtable", "poll_erased", "drop_erased", "poll_boxed", "drop_boxed"};

static bool name_is_generated(const char *name, const char *func) {
    size_t n = strlen(func);
    if (strncmp(name, func, n) != 0 || name[n] != '_')
        return false;
    const char *rest = name + n + 1;
    if (strncmp(rest, "AWAIT_", 6) == 0)
        return true;
    for (size_t i = 0; i < sizeof generated_suffixes / sizeof *generated_suffixes; i++)
        if (strcmp(rest, generated_suffixes[i]) == 0)
            return true;
    return false;
}

/* A file-scope name of the user's that asyncc also writes for an async function
 * defined here: reported where the user declares it, with a note at the function. */
static void name_clash_check(Parser *p, CXCursor decl) {
    char *name = cursor_name(decl);
    const Program *prog = p->prog;
    for (int i = 0; i < prog->nfuncs; i++) {
        const Func *f = prog->funcs[i];
        if (!f->is_defined || !name_is_generated(name, f->name))
            continue;
        char *msg = xprintf("'%s' is also a name asyncc generates for async function '%s'; "
                            "rename one of them",
                            name, f->name);
        unsigned off, line, col;
        CXFile file;
        if (cursor_offset(p, decl, &off)) {
            error_at(pos_at(p, off), "%s", msg);
        } else {
            clang_getFileLocation(clang_getCursorLocation(decl), &file, &line, &col, NULL);
            diag_raw(file ? string_take(clang_getFileName(file)) : prog->path, line, col, "error",
                     msg);
        }
        note_at(f->pos, "async function '%s' is defined here", f->name);
        free(msg);
        break;
    }
    free(name);
}

/* Where c is: the headers' declarations before the main file's, each by offset. */
static unsigned long cursor_order(CXCursor c) {
    CXSourceLocation loc = clang_getCursorLocation(c);
    unsigned off = 0;
    clang_getFileLocation(loc, NULL, NULL, NULL, &off);
    return ((unsigned long)clang_Location_isFromMainFile(loc) << 32) | off;
}

static int cursor_cmp(const void *a, const void *b) {
    unsigned long x = cursor_order(*(const CXCursor *)a);
    unsigned long y = cursor_order(*(const CXCursor *)b);
    return (x > y) - (x < y);
}

/* The cursors of every name declared at file scope, in any file: functions,
 * variables, typedefs, tags, enumerators and macros. */
static Cursors named_cursors(const Cursors *all) {
    Cursors named = {0, NULL};
    for (int i = 0; i < all->n; i++) {
        CXCursor c = all->items[i];
        enum CXCursorKind k = kind_of(c);
        if (k == CXCursor_MacroExpansion || k == CXCursor_InclusionDirective)
            continue;
        if (!clang_Cursor_isAnonymous(c))
            VEC_PUSH(&named.items, &named.n, c);
        if (k != CXCursor_EnumDecl)
            continue;
        Cursors kids = children_of(c);
        for (int j = 0; j < kids.n; j++)
            VEC_PUSH(&named.items, &named.n, kids.items[j]);
        free(kids.items);
    }
    return named;
}

/* Every name declared at file scope, reported in the order of the text. */
static void generated_names_check(Parser *p, const Cursors *all) {
    Cursors named = named_cursors(all);
    if (named.n > 0)
        qsort(named.items, (size_t)named.n, sizeof *named.items, cursor_cmp);
    for (int i = 0; i < named.n; i++)
        name_clash_check(p, named.items[i]);
    free(named.items);
}

static void program_read(Parser *p, CXCursor unit) {
    Cursors all = children_of(unit), tops = {0, NULL};
    p->unit_cursor = unit;
    for (int i = 0; i < all.n; i++) {
        if (clang_isPreprocessing(kind_of(all.items[i]))) {
            expansion_note(p, all.items[i]); /* the detailed record's */
            continue;
        }
        frame_type_note(p, all.items[i]);
        if (clang_Location_isFromMainFile(clang_getCursorLocation(all.items[i])))
            VEC_PUSH(&tops.items, &tops.n, all.items[i]);
        else
            header_check(p, all.items[i]);
    }
    declarator_groups_check(p, &tops);
    Func **funcs = xmalloc(sizeof *funcs * (size_t)(tops.n + 1));
    for (int i = 0; i < tops.n; i++)
        if (is_async_decl(tops.items[i])) {
            funcs[i] = func_declare(p, tops.items[i]);
            VEC_PUSH(&p->prog->funcs, &p->prog->nfuncs, funcs[i]);
        }
    frames_resolve(p);
    generated_names_check(p, &all);
    for (int i = 0; i < tops.n; i++) {
        CXCursor c = tops.items[i];
        if (funcs[i] && funcs[i]->is_defined)
            func_body(p, funcs[i], c);
        else if (kind_of(c) == CXCursor_FunctionDecl && clang_isCursorDefinition(c))
            ordinary_scan(p, c);
        else if (kind_of(c) == CXCursor_VarDecl)
            global_scan(p, c);
    }
    free(funcs);
    free(tops.items);
    free(all.items);
}

/* ---- reading and parsing the file ---------------------------------------------------- */

static bool file_error(const char *path, const char *what) {
    diag_raw(path, 0, 0, "error", what);
    return false;
}

static bool source_read(Program *prog) {
    FILE *f = fopen(prog->path, "rb");
    struct stat st;
    if (!f)
        return file_error(prog->path, xprintf("cannot open: %s", strerror(errno)));
    bool ok = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode);
    if (!ok)
        file_error(prog->path, S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file");
    Buf b = {0};
    char chunk[65536];
    size_t n;
    while (ok && (n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        buf_putn(&b, chunk, n);
        if (b.len > MAX_SOURCE_SIZE)
            ok = file_error(prog->path, "file too large");
    }
    if (ok && ferror(f))
        ok = file_error(prog->path, xprintf("cannot read: %s", strerror(errno)));
    fclose(f);
    prog->file_src = prog->src = b.data ? b.data : xstrdup("");
    prog->file_len = prog->len = b.len;
    return ok;
}

static bool nul_check(const Program *prog) {
    const char *nul = memchr(prog->src, '\0', prog->len);
    if (!nul)
        return true;
    Pos pos = program_pos(prog, (unsigned)(nul - prog->src));
    diag_raw(prog->path, pos.line, pos.col, "error",
             "file contains a NUL byte; asyncc reads C source text");
    return false;
}

static CXTranslationUnit unit_parse(CXIndex index, const char *abs, const Program *prog, int nargs,
                                    const char *const *args) {
    const char **argv = xmalloc(sizeof *argv * (size_t)(nargs + 6));
    int argc = 0;
    argv[argc++] = "-xc";
    for (int i = 0; i < nargs; i++)
        argv[argc++] = args[i];
    /* After the user's flags (and main's -I for <asyncc.h>): their -I directories
     * come first, and warnings (the markers make some) never become errors. */
    argv[argc++] = "-DASYNCC_PARSE=1";
    argv[argc++] = "-w";
    argv[argc++] = "-ferror-limit=20";
    struct CXUnsavedFile unsaved = {abs, prog->src, (unsigned long)prog->len};
    /* The detailed record keeps the ranges that #if skips: comments there are not
     * copied (skipped_collect). */
    unsigned options = CXTranslationUnit_DetailedPreprocessingRecord;
    CXTranslationUnit tu = NULL;
    enum CXErrorCode err =
        clang_parseTranslationUnit2(index, abs, argv, argc, &unsaved, 1, options, &tu);
    free(argv);
    return err == CXError_Success ? tu : NULL;
}

/* libclang's errors, in compiler style; warnings are not printed. */
static void clang_errors_report(const Parser *p) {
    unsigned n = clang_getNumDiagnostics(p->tu);
    for (unsigned i = 0; i < n; i++) {
        CXDiagnostic d = clang_getDiagnostic(p->tu, i);
        if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
            CXSourceLocation loc = clang_getDiagnosticLocation(d);
            char *msg = string_take(clang_getDiagnosticSpelling(d));
            CXFile file;
            unsigned line, col, off;
            clang_getFileLocation(loc, &file, &line, &col, &off);
            if (offset_of(p, loc, &off))
                error_at(pos_at(p, off), "%s", msg);
            else if (file)
                diag_raw(string_take(clang_getFileName(file)), line, col, "error", msg);
            else
                diag_raw("asyncc", 0, 0, "error", msg);
            free(msg);
        }
        clang_disposeDiagnostic(d);
    }
}

static void inclusion_visit(CXFile file, CXSourceLocation *stack, unsigned depth,
                            CXClientData data) {
    (void)stack;
    Program *prog = data;
    if (depth == 0)
        return; /* the main file */
    char *name = string_take(clang_getFileName(file));
    if (str_in(prog->includes, prog->nincludes, name))
        free(name);
    else
        VEC_PUSH(&prog->includes, &prog->nincludes, name);
}

/* Rounds of parsing: each expands the macro invocations the one before could not
 * map (expansion_request), up to this many levels deep. */
#define MAX_EXPANSION_ROUNDS 8

/* One parse of prog->src into prog; returns the invocations to expand, if any. */
static int parse_round(Program *prog, const char *abs, int nargs, const char *const *args,
                       bool may_expand, Request **requests) {
    int errors = diag_error_count();
    Parser p = {0};
    p.prog = prog;
    p.may_expand = may_expand;
    p.ordinary = clang_getNullCursor();
    prog->nfuncs = prog->nsites = prog->nincludes = 0;
    text_index(&p);
    CXIndex index = clang_createIndex(0, 0);
    p.tu = unit_parse(index, abs, prog, nargs, args);
    if (!p.tu) {
        diag_raw(prog->path, 0, 0, "error", "libclang could not parse the file (check the flags)");
    } else {
        p.main_file = clang_getFile(p.tu, abs);
        CXTargetInfo target = clang_getTranslationUnitTargetInfo(p.tu);
        prog->pointer_size = clang_TargetInfo_getPointerWidth(target) / 8;
        clang_TargetInfo_dispose(target);
        skipped_collect(&p);
        clang_errors_report(&p);
        clang_getInclusions(p.tu, inclusion_visit, prog);
        if (diag_error_count() == errors)
            program_read(&p, clang_getTranslationUnitCursor(p.tu));
        clang_disposeTranslationUnit(p.tu);
    }
    clang_disposeIndex(index);
    *requests = p.requests;
    return p.nrequests;
}

bool parse_program(Program *prog, const char *path, int nargs, const char *const *args) {
    int errors = diag_error_count();
    prog->path = path;
    if (!source_read(prog))
        return false;
    diag_set_source(path, prog->file_src, prog->file_len);
    lines_index(prog);
    if (!nul_check(prog))
        return false;
    char *abs = path_absolute(path);
    /* libclang changes the process's directory for -working-directory. */
    int cwd = open(".", O_RDONLY | O_DIRECTORY);
    for (int round = 1;; round++) {
        Request *requests;
        diag_hold();
        int n = parse_round(prog, abs, nargs, args, round < MAX_EXPANSION_ROUNDS, &requests);
        diag_release(n == 0);
        if (n == 0)
            break;
        requests_apply(prog, requests, n);
    }
    if (cwd >= 0 && (fchdir(cwd) != 0 || close(cwd) != 0))
        diag_raw("asyncc", 0, 0, "error", "cannot return to the working directory");
    free(abs);
    return diag_error_count() == errors;
}
