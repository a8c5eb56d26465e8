#!/bin/bash
# inspect.sh CHECK ASYNCC SOURCE_DIR WORK_DIR [CC RUNTIME_INCLUDE RUNTIME_LIB]
# - one check of asyncc's inspectors.
#
#   dot   --emit=dot of states.c is states.expected.dot byte for byte, and graphviz
#         renders it (and the fetch example's graph) to SVG without a word on stderr;
#         an unknown format is a usage error (exit 2) that lists the formats
#   json  --emit=json of states.c is states.expected.json byte for byte; it and the
#         fetch example's are valid JSON (python3 -m json.tool, jq); every frame size,
#         alignment, member offset and size they give is what CC says
#         (layout_check.py); the line map sends fetch.c's printf line to the one
#         generated line that holds it
#   html  --emit=html of the fetch example fetches nothing; headless chromium loads it
#         with #await=fetch.N (the page clicks that await), and html_check.py finds
#         exactly the await's state, enumerator, resume label, callee slot and the
#         fields saved across it highlighted, for each await; a screenshot is taken
#         (fetch.png in the work directory) and must be a PNG of the window's size
#
# Regenerate an expected file with ASYNCC_UPDATE_GOLDEN=1.
set -u
check=$1 asyncc=$2 src=$3 work=$4 cc=${5:-cc} include=${6:-} runtime=${7:-}
rm -rf "$work" && mkdir -p "$work" || exit 1
examples=$src/../../examples

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

need() {
    command -v "$1" >/dev/null || fail "$1 is not installed (Debian package $2; scripts/setup.sh installs it)"
}

# asyncc's output for $src/$1 with --emit=$2 must be $src/$3 (run in $src: the
# output names the input as given).
golden() {
    local input=$1 format=$2 expected=$3
    (cd "$src" && "$asyncc" --emit="$format" "$input" -o "$work/$expected") ||
        fail "asyncc --emit=$format $input exited $?"
    if [ -n "${ASYNCC_UPDATE_GOLDEN:-}" ]; then
        cp "$work/$expected" "$src/$expected"
    fi
    diff -u "$src/$expected" "$work/$expected" || fail "--emit=$format $input differs from $expected"
}

check_dot() {
    need dot graphviz
    golden states.c dot states.expected.dot
    (cd "$examples/fetch" && "$asyncc" --emit=dot fetch.c -o "$work/fetch.dot") || fail "fetch.c"
    for graph in "$work/states.expected.dot" "$work/fetch.dot"; do
        dot -Tsvg "$graph" -o "$graph.svg" 2>"$graph.err" || fail "dot -Tsvg $graph failed"
        [ ! -s "$graph.err" ] || fail "dot -Tsvg $graph: $(cat "$graph.err")"
        grep -q '<svg' "$graph.svg" || fail "dot -Tsvg $graph wrote no SVG"
    done
    # Every state of fetch is a node of the drawing, every edge of the graph is drawn.
    for state in fetch_START fetch_AWAIT_request fetch_AWAIT_read_body fetch_DONE; do
        grep -q "<title>$state</title>" "$work/fetch.dot.svg" || fail "no node $state in the SVG"
    done
    local edges
    edges=$(grep -c -- '->' "$work/fetch.dot")
    [ "$(grep -c 'class="edge"' "$work/fetch.dot.svg")" = "$edges" ] || fail "the SVG has not $edges edges"
    local err
    err=$("$asyncc" --emit=svg "$src/states.c" 2>&1 >/dev/null)
    [ $? = 2 ] || fail "--emit=svg did not exit 2"
    case $err in
    *"unknown format 'svg' for --emit (c, dot"*) ;;
    *) fail "--emit=svg said: $err" ;;
    esac
    echo "dot: states.c as expected; states.c and fetch.c render ($edges edges in fetch.c)"
}

check_json() {
    need jq jq
    golden states.c json states.expected.json
    (cd "$src" && "$asyncc" states.c -o "$work/states.gen.c") || fail "states.c to C"
    (cd "$examples/fetch" && "$asyncc" --emit=json fetch.c -o "$work/fetch.json" &&
        "$asyncc" fetch.c -o "$work/fetch.gen.c") || fail "fetch.c"
    for doc in states.expected fetch; do
        python3 -m json.tool "$work/$doc.json" >/dev/null || fail "$doc.json is not JSON (python)"
        jq -e '.format == "asyncc-inspect" and .version == 1' "$work/$doc.json" >/dev/null ||
            fail "$doc.json is not JSON (jq) or not asyncc-inspect version 1"
    done
    python3 "$src/layout_check.py" "$work/states.expected.json" "$work/states.gen.c" "$cc" \
        "$include" "$runtime" "$work" || fail "states.c: the JSON's layout is not the compiler's"
    python3 "$src/layout_check.py" "$work/fetch.json" "$work/fetch.gen.c" "$cc" "$include" \
        "$runtime" "$work" || fail "fetch.c: the JSON's layout is not the compiler's"
    # fetch.c line 50 is the printf of fetch: the map gives one generated line for it,
    # which holds it.
    local gen
    gen=$(jq '.line_map[] | select(.source <= 50 and 50 < .source + .count) |
              .generated + 50 - .source' "$work/fetch.json")
    [ -n "$gen" ] && [ "$(echo "$gen" | wc -l)" = 1 ] || fail "line 50 of fetch.c maps to: $gen"
    sed -n "${gen}p" "$work/fetch.gen.c" | grep -q 'printf("fetch %d: %zu bytes: %s\\n"' ||
        fail "generated line $gen is not fetch.c's line 50: $(sed -n "${gen}p" "$work/fetch.gen.c")"
    echo "json: states.c as expected; both documents valid; line 50 of fetch.c is generated line $gen"
}

# Headless chromium on a page: the DOM after its script ran, or a screenshot.
chromium_run() {
    timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --user-data-dir="$work/profile" --window-size=1400,1800 --virtual-time-budget=5000 "$@" \
        2>>"$work/chromium.log"
}

check_html() {
    need chromium chromium
    (cd "$examples/fetch" && "$asyncc" --emit=html fetch.c -o "$work/fetch.html" &&
        "$asyncc" --emit=json fetch.c -o "$work/fetch.json") || fail "fetch.c"
    local index
    for index in 1 2; do
        chromium_run --dump-dom "file://$work/fetch.html#await=fetch.$index" >"$work/dom$index.html" ||
            fail "chromium --dump-dom exited $? (see $work/chromium.log)"
        python3 "$src/html_check.py" "$work/fetch.html" "$work/dom$index.html" "$work/fetch.json" \
            fetch "$index" || fail "the page with #await=fetch.$index"
    done
    rm -f "$work/fetch.png"
    chromium_run --screenshot="$work/fetch.png" "file://$work/fetch.html#await=fetch.2" ||
        fail "chromium --screenshot exited $?"
    python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
assert struct.unpack(">II", d[16:24]) == (1400, 1800), "not 1400x1800"
assert len(d) > 50000, "too small to show the page"
' "$work/fetch.png" || fail "the screenshot $work/fetch.png"
    echo "html: both awaits of fetch highlight as the JSON says; screenshot $work/fetch.png"
}

case $check in
dot) check_dot ;;
json) check_json ;;
html) check_html ;;
*) fail "unknown check $check" ;;
esac
