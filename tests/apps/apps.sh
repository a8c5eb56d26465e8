#!/bin/bash
# apps.sh - the networked examples driven by real clients, one check per ctest:
#
#   apps.sh CHECK HTTP_DIR RESP_DIR
#
#   http_curl       curl against http_server: the page, keep-alive (a second request
#                   on the same connection), the JSON counts, a chunked body, HEAD,
#                   404, 405 and 501
#   http_client     http_client against http_server: the same bodies as curl, with
#                   Content-Length and chunked framing, and a 404
#   resp_cli        redis-cli against resp_server: exact replies of every command,
#                   errors for a wrong arity and an unknown command
#   resp_benchmark  redis-benchmark -t ping,set,get,incr -n 20000 against resp_server:
#                   every test finishes, no error, the SETs are stored and no INCR lost
#
# Each server listens on a free port of 127.0.0.1 (it is started with port 0 and
# prints the one it got) and is killed when the check ends. Every client call has a
# timeout. Needs curl and redis-tools (scripts/setup.sh installs them).
set -u
check=$1 http_dir=$2 resp_dir=$3
failures=0
tmp=$(mktemp -d)
server_pid=
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# expect WHAT ACTUAL EXPECTED
expect() {
    if [ "$2" == "$3" ]; then
        echo "ok: $1"
    else
        fail "$1: got '$2', want '$3'"
    fi
}

need() {
    command -v "$1" >/dev/null || { echo "FAIL: $1 is not installed (scripts/setup.sh installs it)"; exit 1; }
}

# start_server BINARY: run it on port 0 and set PORT to the port it printed.
start_server() {
    "$1" 0 >"$tmp/server.out" 2>"$tmp/server.err" &
    server_pid=$!
    for _ in $(seq 100); do
        PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$tmp/server.out")
        [ -n "$PORT" ] && return 0
        sleep 0.1
    done
    echo "FAIL: $1 did not start: $(cat "$tmp/server.err")"
    exit 1
}

check_http_curl() {
    need curl
    start_server "$http_dir/http_server"
    local url=http://127.0.0.1:$PORT c="curl -sS --max-time 10"
    $c -D "$tmp/head" -o "$tmp/page" "$url/"
    expect "GET / status" "$(head -1 "$tmp/head" | tr -d '\r')" "HTTP/1.1 200 OK"
    expect "GET / Content-Length is the body's" \
        "$(sed -n 's/^Content-Length: \([0-9]*\)\r$/\1/p' "$tmp/head")" "$(wc -c <"$tmp/page")"
    expect "GET / body" "$(grep -c '<h1>Hello from asyncc</h1>' "$tmp/page")" 1
    # Two URLs in one curl: the second goes over the same connection.
    $c -v "$url/" "$url/api/stats" -o /dev/null -o "$tmp/stats" 2>"$tmp/verbose"
    expect "keep-alive: connection reused" "$(grep -ci 're-using existing connection' "$tmp/verbose")" 1
    expect "GET /api/stats" "$(cat "$tmp/stats")" '{"connections":2,"requests":3}'
    expect "GET /chunked, decoded by curl" "$($c "$url/chunked" | tr '\n' '|')" \
        "one|two two|three three three|"
    expect "GET /chunked framing" "$($c --raw "$url/chunked" | head -1 | tr -d '\r')" 4
    expect "HEAD /" "$($c -I "$url/" | tr -d '\r' | grep -c '^Content-Length: ')" 1
    expect "404" "$($c -o /dev/null -w '%{http_code}' "$url/nope")" 404
    expect "405" "$($c -o /dev/null -w '%{http_code}' -X DELETE "$url/")" 405
    expect "501 for a body" "$($c -o /dev/null -w '%{http_code}' -d x=1 "$url/")" 501
    expect "server still up" "$($c "$url/api/stats")" '{"connections":9,"requests":10}'
}

# client PATH: run http_client, its body in $tmp/body and its summary in SUMMARY.
client() {
    timeout 10 "$http_dir/http_client" "$1" "$PORT" >"$tmp/body" 2>"$tmp/summary"
    STATUS=$?
    SUMMARY=$(cat "$tmp/summary")
}

check_http_client() {
    need curl
    start_server "$http_dir/http_server"
    local url=http://127.0.0.1:$PORT
    client /
    expect "/ exit status" "$STATUS" 0
    expect "/ summary" "$SUMMARY" "http_client: 200, $(wc -c <"$tmp/body") bytes (Content-Length)"
    expect "/ body as curl's" "$(cat "$tmp/body")" "$(curl -sS --max-time 10 "$url/")"
    client /chunked
    expect "/chunked summary" "$SUMMARY" "http_client: 200, 30 bytes (chunked)"
    expect "/chunked body" "$(tr '\n' '|' <"$tmp/body")" "one|two two|three three three|"
    client /nope
    expect "/nope exit status" "$STATUS" 1
    expect "/nope summary" "$SUMMARY" "http_client: 404, 10 bytes (Content-Length)"
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null
    server_pid=
    client /
    expect "no server" "$STATUS:$SUMMARY" "1:http_client: Connection refused"
}

check_resp_cli() {
    need redis-cli
    start_server "$resp_dir/resp_server"
    r() { timeout 10 redis-cli -h 127.0.0.1 -p "$PORT" "$@" 2>&1; }
    expect PING "$(r PING)" PONG
    expect "PING msg" "$(r PING hello)" hello
    expect SET "$(r SET greeting 'hello world')" OK
    expect GET "$(r GET greeting)" "hello world"
    expect "GET missing" "$(r GET missing)" ""
    expect "SET counter" "$(r SET counter 41)" OK
    expect INCR "$(r INCR counter)" 42
    expect "INCR new" "$(r INCR fresh)" 1
    expect "INCR not a number" "$(r INCR greeting)" "ERR value is not an integer or out of range"
    expect EXISTS "$(r EXISTS greeting counter missing)" 2
    expect DEL "$(r DEL greeting missing)" 1
    expect "EXISTS after DEL" "$(r EXISTS greeting)" 0
    expect ECHO "$(r ECHO 'a b c')" "a b c"
    expect "wrong arity" "$(r GET)" "ERR wrong number of arguments for 'get' command"
    expect "wrong arity SET" "$(r SET k)" "ERR wrong number of arguments for 'set' command"
    expect "unknown command" "$(r HELLOWORLD x)" "ERR unknown command 'HELLOWORLD'"
    # Pipelining: many commands in one write, their replies in order.
    printf 'SET p 1\r\nINCR p\r\nINCR p\r\nGET p\r\nPING\r\n' >"$tmp/pipe"
    expect "pipelined" "$(r --pipe <"$tmp/pipe" | tail -1)" "errors: 0, replies: 5"
    expect "pipelined result" "$(r GET p)" 3
    # QUIT answers OK and the server closes the connection (redis-cli would not send it).
    exec 3<>"/dev/tcp/127.0.0.1/$PORT"
    printf 'PING\r\nQUIT\r\nPING\r\n' >&3
    expect QUIT "$(timeout 10 cat <&3 | tr '\r\n' '  ')" "+PONG  +OK  "
    exec 3<&-
}

check_resp_benchmark() {
    need redis-benchmark
    start_server "$resp_dir/resp_server"
    timeout 100 redis-benchmark -h 127.0.0.1 -p "$PORT" -t ping,set,get,incr -n 20000 -q \
        >"$tmp/bench" 2>&1
    expect "redis-benchmark exit status" "$?" 0
    tr '\r' '\n' <"$tmp/bench" | grep 'requests per second' >"$tmp/results"
    expect "tests finished" "$(cut -d: -f1 "$tmp/results" | tr -d ' ' | tr '\n' ' ')" \
        "PING_INLINE PING_MBULK SET GET INCR "
    expect "no error" "$(grep -ci 'error' "$tmp/bench")" 0
    # redis-benchmark SETs key:__rand_int__ to a 3-byte value.
    local value
    value=$(timeout 10 redis-cli -h 127.0.0.1 -p "$PORT" GET key:__rand_int__)
    expect "SET stored 3 bytes" "${#value}" 3
    # Its 50 connections INCR one counter: none lost, on workers too (the table's lock).
    expect "INCRs counted" "$(timeout 10 redis-cli -h 127.0.0.1 -p "$PORT" GET counter:__rand_int__)" 20000
    cat "$tmp/results"
}

"check_$check"
kill -0 "$server_pid" 2>/dev/null || [ -z "$server_pid" ] || fail "the server died: $(cat "$tmp/server.err")"
[ "$failures" -eq 0 ] && echo "$check: all checks passed"
exit $((failures > 0))
