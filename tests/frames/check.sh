#!/bin/bash
# check.sh - frames as small as liveness allows.
#
# For every async function defined in the goldens, the e2e programs and the
# examples, asyncc --frame-report gives the frame's size, its bound (the least size
# any layout could have given the values needed at each suspension point) and its
# floor (the same, counting also the values in use together between suspension
# points: grammar/abi.md, section 2). The check holds each frame to at most 1.05
# times its bound, except the functions listed in over_bound.txt with their exact
# sizes and the reason they exceed it: a listed function that grows, or that meets
# the bound, fails too, so the list stays true, and one listed for reason `floor`
# must be within 1.05 times its floor. And the sizes asyncc reports must be what
# the C compiler makes of the generated frames: _Static_asserts on sizeof and
# _Alignof, compiled with the given compiler.
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
     -I"$root/examples/net")

# The value of a numeric or string field of a --frame-report line.
field() {
    sed -e "s/.*\"$2\":\"\{0,1\}\([^\",}]*\).*/\1/" <<<"$1"
}

# The line of over_bound.txt for function $2 of file $1 (without its reason), if any.
listed() {
    grep -v '^#' "$here/over_bound.txt" | awk -v f="$1" -v n="$2" '$1 == f && $2 == n {print $1, $2, $3, $4}'
}

# The reason over_bound.txt gives for function $2 of file $1.
reason() {
    grep -v '^#' "$here/over_bound.txt" | awk -v f="$1" -v n="$2" '$1 == f && $2 == n {print $5}'
}

# One program: its report, its C, and the compiler's word on the sizes reported
# (files in $tmp named after it; .bad holds what went wrong). Run two at a time.
build_one() {
    local src=$1 rel=${1#"$root"/}
    local out=$tmp/$(tr / _ <<<"$rel")
    local own=(-I"$(dirname "$src")")
    if ! "$asyncc" --frame-report "$src" -o "$out.jsonl" -- "${inc[@]}" "${own[@]}" 2>"$out.err" ||
       ! "$asyncc" "$src" -o "$out" -- "${inc[@]}" "${own[@]}" 2>>"$out.err"; then
        { echo "FAIL $rel: asyncc failed:"; cat "$out.err"; } >"$out.bad"
        return
    fi
    cp "$out" "$out.check.c"
    while IFS= read -r line; do
        local name size align
        name=$(field "$line" function) size=$(field "$line" frame_size)
        align=$(field "$line" frame_align)
        printf '_Static_assert(sizeof(%s_frame) == %s && _Alignof(%s_frame) == %s, "%s_frame: %s bytes aligned to %s, says asyncc --frame-report");\n' \
            "$name" "$size" "$name" "$align" "$name" "$size" "$align" >>"$out.check.c"
    done <"$out.jsonl"
    if ! "$cc" -std=c11 -fsyntax-only -I"$root/runtime/include" "${inc[@]}" "${own[@]}" "$out.check.c" \
         2>"$out.cc"; then
        { echo "FAIL $rel: the sizes asyncc reports are not the compiler's:"
          grep -E 'error' "$out.cc" | head -5; } >"$out.bad"
    fi
}
export -f build_one field
export asyncc cc root tmp
export inc_list="${inc[*]}"

sources=()
for src in "$root"/tests/golden/*.c "$root"/tests/e2e/*.c "$root"/tests/e2e/multi/*.c \
           "$root"/examples/*/*.c; do
    case $src in *.expected.c) continue ;; esac
    sources+=("$src")
done
printf '%s\0' "${sources[@]}" |
    xargs -0 -P 2 -I{} bash -c 'read -ra inc <<<"$inc_list"; build_one "$1"' _ {}

fail=0 total=0 within=0 known=0
for src in "${sources[@]}"; do
    rel=${src#"$root"/}
    out=$tmp/$(tr / _ <<<"$rel")
    if [ -e "$out.bad" ]; then
        cat "$out.bad"
        fail=1
        continue
    fi
    while IFS= read -r line; do
        name=$(field "$line" function)
        size=$(field "$line" frame_size)
        bound=$(field "$line" frame_bound)
        floor=$(field "$line" frame_floor)
        total=$((total + 1))
        entry=$(listed "$rel" "$name")
        if ((size * 100 <= bound * 105)); then
            within=$((within + 1))
            if [ -n "$entry" ]; then
                echo "FAIL $rel: $name: listed in over_bound.txt but now $size bytes, bound $bound: remove the line"
                fail=1
            fi
        elif [ "$entry" = "$rel $name $size $bound" ] && [ "$(reason "$rel" "$name")" = floor ] &&
             ((size * 100 > floor * 105)); then
            echo "FAIL $rel: $name: listed for reason floor, but $size bytes is over 1.05 x its floor $floor"
            fail=1
        elif [ "$entry" = "$rel $name $size $bound" ]; then
            known=$((known + 1))
        else
            echo "FAIL $rel: $name: frame $size bytes, bound $bound, floor $floor ($((size * 100 / bound))% of the bound, at most 105% allowed)${entry:+; over_bound.txt says: $entry}"
            fail=1
        fi
    done <"$out.jsonl"
done
echo "frames: $total functions: $within within 1.05 x their bound, $known over it as over_bound.txt explains"
[ "$total" -gt 0 ] || fail=1
exit $fail
