#!/bin/sh
# check.sh CONVERT NAME - runs csmith_convert on NAME.c (in this directory) and
# compares: with NAME.expected.c, exit status 0 and that output byte for byte; with
# NAME.stderr, exit status 1 and those errors.
convert=$1 name=$2
cd "$(dirname "$0")" || exit 2
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
"$convert" "$name.c" >"$out" 2>"$err"
status=$?
if [ -e "$name.expected.c" ]; then
    [ "$status" -eq 0 ] || { echo "exit status $status, expected 0" && cat "$err" && exit 1; }
    diff -u "$name.expected.c" "$out"
else
    [ "$status" -eq 1 ] || { echo "exit status $status, expected 1" && exit 1; }
    diff -u "$name.stderr" "$err"
fi
