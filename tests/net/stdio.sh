#!/bin/sh
# stdio.sh UPCASE UPCASE_PLAIN - stdin and stdout as ac_fd: 1 MB through pipes with a
# slow reader on stdout (writes park), through regular files (never watched), and the
# plain build the same way; every output equals tr's. Then stdin's open file
# description, shared with this shell, is blocking again after the program exits.
set -eu
upcase=$1
plain=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
head -c 750000 /dev/urandom | base64 -w 76 >"$dir/in"
tr a-z A-Z <"$dir/in" >"$dir/want"

check() { # name file
    if ! cmp -s "$dir/want" "$2"; then
        echo "stdio: $1: output differs from tr's" >&2
        exit 1
    fi
}

for prog in "$upcase" "$plain"; do
    name=$(basename "$prog")
    cat "$dir/in" | "$prog" | { sleep 0.3; cat; } >"$dir/got_pipe"
    check "$name, pipes" "$dir/got_pipe"
    "$prog" <"$dir/in" >"$dir/got_file"
    check "$name, regular files" "$dir/got_file"
done

# O_NONBLOCK is 04000 in the octal flags of /proc's fdinfo.
nonblock() { awk '/^flags:/ { print (int(substr($2, length($2) - 3, 1)) >= 4) }' /proc/self/fdinfo/0; }
mkfifo "$dir/fifo"
{ sleep 0.2; echo hello; } >"$dir/fifo" &
exec 3<"$dir/fifo"
out=$("$upcase" <&3)
[ "$out" = HELLO ] || { echo "stdio: fifo: got '$out'" >&2; exit 1; }
if [ "$(nonblock <&3)" != 0 ]; then
    echo "stdio: stdin left non-blocking after the program exited" >&2
    exit 1
fi
echo "stdio: pipes, regular files and a fifo: all equal tr's output; stdin blocking again"
