#!/usr/bin/env python3
"""layout_check.py JSON GEN_C CC INCLUDE_DIR RUNTIME_LIB WORK_DIR

Checks asyncc --emit=json's frame layout against the C compiler: writes a program
that includes the generated file and prints sizeof, _Alignof and offsetof of every
frame and member the JSON lists (members of a form's struct relative to the
struct, as the JSON gives them; the frame's own fields at their offsets in the
frame, through its anonymous unions and structs), compiles it with CC, runs it and compares each
line with the JSON's numbers. Exit status 1 with the differences if any differ.
"""
import json
import os
import subprocess
import sys


def expectations(doc):
    """(C expression printing a line, the line the JSON says) pairs."""
    for f in doc["functions"]:
        frame = f.get("frame")
        if frame is None:
            continue
        t = frame["struct"]
        yield (f'"{t} %zu %zu\\n", sizeof({t}), _Alignof({t})',
               f'{t} {frame["size"]} {frame["align"]}')
        for m in frame["fields"]:
            path = m["name"]
            yield (f'"{t}.{path} %zu %zu\\n", offsetof({t}, {path}), sizeof((({t} *)0)->{path})',
                   f'{t}.{path} {m["offset"]} {m["size"]}')
            for k in m.get("members", []):
                inner = f'{path}.{k["name"]}'
                yield (f'"{t}.{inner} %zu %zu\\n", offsetof({t}, {inner}) - offsetof({t}, {path}), '
                       f'sizeof((({t} *)0)->{inner})',
                       f'{t}.{inner} {k["offset"]} {k["size"]}')


def main():
    path, gen, cc, include, lib, work = sys.argv[1:7]
    with open(path) as f:
        doc = json.load(f)
    pairs = list(expectations(doc))
    program = os.path.join(work, "layout_check.c")
    with open(program, "w") as out:
        out.write("#define main asyncc_program_main\n")
        out.write(f'#include "{gen}"\n#undef main\n#include <stddef.h>\n#include <stdio.h>\n')
        out.write("int main(void) {\n")
        for expr, _ in pairs:
            out.write(f"    printf({expr});\n")
        out.write("    return 0;\n}\n")
    exe = os.path.join(work, "layout_check")
    subprocess.run([cc, "-std=gnu11", "-w", "-I" + include, program, lib, "-o", exe, "-lpthread"],
                   check=True)
    got = subprocess.run([exe], check=True, capture_output=True, text=True).stdout.splitlines()
    want = [line for _, line in pairs]
    if got != want:
        for g, w in zip(got, want):
            if g != w:
                print(f"compiler: {g}\njson:     {w}")
        sys.exit(1)
    print(f"{len(want)} sizes and offsets agree with {os.path.basename(cc)}")


main()
