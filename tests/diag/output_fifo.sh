#!/bin/sh
# cli.output_fifo: -o naming something that is not a regular file (a FIFO here, as
# /dev/null would be) is written in place, never replaced by a regular file.
#   output_fifo.sh ASYNCC INPUT.c INCLUDE_DIR
set -u
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkfifo "$dir/out"
cat "$dir/out" >"$dir/got" &
reader=$!
"$1" "$2" -o "$dir/out" -- -I"$3" -DASYNCC_SEQUENTIAL
status=$?
if [ ! -p "$dir/out" ]; then
    kill "$reader" 2>/dev/null
    echo "FAIL: asyncc replaced the FIFO with a regular file"
    exit 1
fi
wait "$reader"
if [ "$status" -ne 0 ] || ! grep -q '_poll(' "$dir/got"; then
    echo "FAIL: asyncc exited $status, and the generated C did not come through the FIFO"
    exit 1
fi
echo "PASS: written through the FIFO, which is still one"
