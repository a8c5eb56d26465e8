#!/bin/sh
# frame_fields.sh ASYNCC FILE.c FUNCTION [compiler flags] - the variables of FUNCTION
# that asyncc keeps in its frame, one per line: exercise 3's answer, as --dump-ir says.
set -eu
asyncc=$1
file=$2
func=$3
shift 3
"$asyncc" --dump-ir "$file" -- "$@" |
    sed -n '/^== after lower/,$p' |
    awk -v f="$func" '
        /^func / { inside = $2 == f }
        inside && /frame field=/ { sub(/.*frame field=/, ""); print $1 }
    '
