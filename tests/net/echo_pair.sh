#!/bin/sh
# echo_pair.sh SERVER CLIENT CONNECTIONS MESSAGES SIZE: the example echo_server on a free
# port, serving CONNECTIONS connections, and echo_client against it; both must print
# the totals expected of them and exit 0. Bounded: every wait has a timeout.
set -u
server=$1 client=$2 conns=$3 msgs=$4 size=$5
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
timeout 60 "$server" "$conns" 0 >"$out" &
pid=$!
port=
for _ in $(seq 100); do
    port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$out")
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { echo "echo_server did not start"; kill "$pid"; exit 1; }
bytes=$((conns * msgs * size))
got=$(timeout 60 "$client" "$conns" "$msgs" "$size" "$port")
rc=$?
wait "$pid"
src=$?
echo "client: $got (exit $rc)"
echo "server: $(tail -n 1 "$out") (exit $src)"
[ "$rc" = 0 ] && [ "$src" = 0 ] &&
    [ "$got" = "$conns connections: $bytes bytes echoed, 0 wrong, 0 errors" ] &&
    [ "$(tail -n 1 "$out")" = "served $conns connections, echoed $bytes bytes, 0 errors" ]
