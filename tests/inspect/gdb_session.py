#!/usr/bin/env python3
"""gdb_session.py check|update DOC PROGRAM - a gdb session quoted in DOC, kept true.

DOC quotes the session in a fenced block between `<!-- gdb session -->` and
`<!-- end gdb session -->`: its first line is `$ gdb -q NAME`, then each line that
starts with the prompt `(gdb) ` is a command, followed by what gdb and the program
printed. This script runs `gdb -q NAME` on PROGRAM in a pseudo-terminal, from
PROGRAM's directory, with a ~/.gdbinit of the two lines README asks for, types the
block's commands one by one, and compares what appears with the block: `check` (the
tests) fails on any difference but the hexadecimal numbers, the program's
directory and process id, which
depend on the machine; `update` rewrites the block from the run.
"""
import difflib
import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import tempfile
import termios

START, END = "<!-- gdb session -->\n```text\n", "```\n<!-- end gdb session -->"
PROMPT = "(gdb) "


def gdbinit(directory):
    """What README tells the user to put in ~/.gdbinit."""
    return f"add-auto-load-safe-path {directory}\nset filename-display basename\n"


def read_until_prompt(fd, timeout=60):
    out = b""
    while not out.endswith(PROMPT.encode()):
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            sys.exit(f"FAIL: gdb printed no prompt within {timeout} s after:\n{out.decode()}")
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # gdb exited
            break
        if not chunk:
            break
        out += chunk
    return out.decode().replace("\r\n", "\n")


def run_session(program, commands):
    """The transcript of `gdb -q NAME` typing commands, the final prompt left out."""
    directory, name = os.path.split(os.path.abspath(program))
    with tempfile.TemporaryDirectory() as home:
        with open(os.path.join(home, ".gdbinit"), "w") as f:
            f.write(gdbinit(directory))
        main, sub = pty.openpty()
        # Wide and tall enough that gdb neither wraps nor pages.
        fcntl.ioctl(sub, termios.TIOCSWINSZ, struct.pack("HHHH", 1000, 250, 0, 0))
        env = dict(os.environ, HOME=home, TERM="dumb", LC_ALL="C")
        gdb = subprocess.Popen(["gdb", "-q", name], cwd=directory, env=env, stdin=sub,
                               stdout=sub, stderr=sub, close_fds=True, start_new_session=True)
        os.close(sub)
        transcript = f"$ gdb -q {name}\n" + read_until_prompt(main)
        for command in commands:
            os.write(main, (command + "\n").encode())
            transcript += read_until_prompt(main)
        os.write(main, b"kill\ny\nquit\n")
        gdb.wait(timeout=60)
        os.close(main)
    return transcript[: -len(PROMPT)]


def normalize(text):
    text = re.sub(r"0x[0-9a-f]+", "0x…", text)
    text = re.sub(r"^Starting program: /\S*/", "Starting program: DIR/", text, flags=re.M)
    return re.sub(r"\(process [0-9]+\)", "(process …)", text)


def main():
    mode, doc, program = sys.argv[1:4]
    with open(doc) as f:
        text = f.read()
    start, end = text.index(START) + len(START), text.index(END)
    quoted = text[start:end]
    commands = [line[len(PROMPT):] for line in quoted.splitlines() if line.startswith(PROMPT)]
    if not commands:
        sys.exit(f"FAIL: no `{PROMPT}` command in the session of {doc}")
    got = run_session(program, commands)
    if mode == "update":
        with open(doc, "w") as f:
            f.write(text[:start] + got + text[end:])
        return
    want_lines, got_lines = normalize(quoted).splitlines(), normalize(got).splitlines()
    if want_lines != got_lines:
        sys.stdout.writelines(difflib.unified_diff([l + "\n" for l in want_lines],
                                                   [l + "\n" for l in got_lines], doc, "gdb"))
        sys.exit(f"FAIL: {doc} quotes a gdb session that no longer goes so: run\n"
                 f"  {sys.argv[0]} update {doc} {program}")
    print(f"session: {len(commands)} commands of the gdb session in {os.path.basename(doc)} "
          f"print what it quotes")


main()
