#!/bin/sh
# blocks.sh ASYNCC RUNTIME_LIB check|update - the tool's output quoted in
# docs/walkthrough.md, kept
# true. Each quoted block sits between `<!-- output: NAME -->` and `<!-- end output -->`:
#   source   average.c itself
#   parse    asyncc --dump-ir average.c, the IR after parse
#   lower    the same, after lower and frame
#   c        asyncc average.c, the generated C
#   run      what the transformed program printed
# `update` rewrites the blocks from a fresh run; `check` (the test docs.walkthrough) fails
# when the document quotes anything else.
set -eu
asyncc=$1
lib=$2
mode=$3
here=$(cd "$(dirname "$0")" && pwd)
doc=$here/../walkthrough.md
inc=$here/../../runtime/include
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# In a scratch directory, so that the names asyncc prints (#line "average.gen.c") are
# the same on every machine.
cp "$here/average.c" "$tmp/source"
cp "$here/average.c" "$tmp/average.c"
cd "$tmp"
"$asyncc" --dump-ir average.c -- -I"$inc" >"$tmp/ir"
sed -n '/^== after parse/,/^== after lower/p' "$tmp/ir" | sed '$d' >"$tmp/parse"
sed -n '/^== after lower/,$p' "$tmp/ir" >"$tmp/lower"
"$asyncc" average.c -o average.gen.c -- -I"$inc"
cp average.gen.c "$tmp/c"
${CC:-cc} -std=c11 -Wall -Wextra -Werror -I"$inc" average.gen.c "$lib" -lpthread \
    -o "$tmp/average" 2>"$tmp/cc" || {
    cat "$tmp/cc" >&2
    exit 1
}
"$tmp/average" >"$tmp/run"

awk -v dir="$tmp" '
    /^<!-- output: [a-z]+ -->$/ {
        print
        name = $3
        lang = name == "source" || name == "c" ? "c" : "text"
        print "```" lang
        while ((getline line < (dir "/" name)) > 0)
            print line
        close(dir "/" name)
        print "```"
        skipping = 1
        next
    }
    /^<!-- end output -->$/ { skipping = 0 }
    !skipping { print }
' "$doc" >"$tmp/doc"

if [ "$mode" = update ]; then
    cp "$tmp/doc" "$doc"
elif ! diff -u "$doc" "$tmp/doc" >&2; then
    echo "docs/walkthrough.md quotes output asyncc no longer gives: run" \
        "docs/walkthrough/blocks.sh <asyncc> <runtime library> update" >&2
    exit 1
fi
