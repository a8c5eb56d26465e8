#!/bin/bash
# check.sh - frames as small as liveness allows.
#
# For every async function defined in the goldens, the e2e programs and the
# examples, asyncc --frame-report gives the frame's size and its bound (the least
# size any layout could have: grammar/abi.md, section 2). The check holds each frame
# to at most 1.05 times its bound, except the functions listed in over_bound.txt
# with their exact sizes (why they exceed it is explained there): a listed function
# that grows, or that meets the bound, fails too, so the list stays true. And the
# sizes asyncc reports must be what the C compiler makes of the generated frames:
# _Static_asserts on sizeof and _Alignof, compiled with the given compiler.
#
# usage: check.sh ASYNCC CC SOURCE_DIR
# Prints one line per offender and a summary; exit status 0 when all is well.
set -u
asyncc=$1
cc=$2
root=$3
here=$root/tests/frames
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
inc=(-I"$root/tests/e2e" -I"$root/tests/e2e/multi" -I"$root/tests/golden"
     -I"$root/examples/fetch" -I"$root/examples/make")

# The value of a numeric or string field of a --frame-report line.
field() {
    sed -e "s/.*\"$2\":\"\{0,1\}\([^\",}]*\).*/\1/" <<<"$1"
}

# The line of over_bound.txt for function $2 of file $1, if any.
listed() {
    grep -v '^#' "$here/over_bound.txt" | awk -v f="$1" -v n="$2" '$1 == f && $2 == n'
}

fail=0 total=0 within=0 known=0
for src in "$root"/tests/golden/*.c "$root"/tests/e2e/*.c "$root"/tests/e2e/multi/*.c \
           "$root"/examples/*/*.c; do
    case $src in *.expected.c) continue ;; esac
    rel=${src#"$root"/}
    out=$tmp/$(tr / _ <<<"$rel")
    if ! "$asyncc" --frame-report "$src" -o "$out.jsonl" -- "${inc[@]}" 2>"$out.err" ||
       ! "$asyncc" "$src" -o "$out" -- "${inc[@]}" 2>>"$out.err"; then
        echo "FAIL $rel: asyncc failed:"
        cat "$out.err"
        fail=1
        continue
    fi
    cp "$out" "$out.check.c"
    while IFS= read -r line; do
        name=$(field "$line" function)
        size=$(field "$line" frame_size)
        align=$(field "$line" frame_align)
        bound=$(field "$line" frame_bound)
        total=$((total + 1))
        printf '_Static_assert(sizeof(%s_frame) == %s && _Alignof(%s_frame) == %s, "%s_frame: %s bytes aligned to %s, says asyncc --frame-report");\n' \
            "$name" "$size" "$name" "$align" "$name" "$size" "$align" >>"$out.check.c"
        entry=$(listed "$rel" "$name")
        if ((size * 100 <= bound * 105)); then
            within=$((within + 1))
            if [ -n "$entry" ]; then
                echo "FAIL $rel: $name: listed in over_bound.txt but now $size bytes, bound $bound: remove the line"
                fail=1
            fi
        elif [ "$entry" = "$rel $name $size $bound" ]; then
            known=$((known + 1))
        else
            echo "FAIL $rel: $name: frame $size bytes, bound $bound ($((size * 100 / bound))% of it, at most 105% allowed)${entry:+; over_bound.txt says: $entry}"
            fail=1
        fi
    done <"$out.jsonl"
    if ! "$cc" -std=c11 -fsyntax-only -I"$root/runtime/include" "${inc[@]}" "$out.check.c" \
         2>"$out.cc"; then
        echo "FAIL $rel: the sizes asyncc reports are not the compiler's:"
        grep -E 'error' "$out.cc" | head -5
        fail=1
    fi
done
echo "frames: $total functions: $within within 1.05 x their bound, $known over it as over_bound.txt explains"
[ "$total" -gt 0 ] || fail=1
exit $fail
