#!/usr/bin/env python3
"""debug.py CHECK ASYNCC SOURCE_DIR WORK_DIR ARGS... - the generated code under gdb
and the compilers, against the plain program (the same source built with
ASYNCC_SEQUENTIAL) as the oracle.

  lines PLAIN TRANSFORMED: a breakpoint on every line of steps.c. Where the plain
      program has one location at the line itself and stops there, the transformed
      one must have exactly one location, at that line, and stop there as often
      (the lines of an async function's head and closing brace excepted: they are
      poll's entry and exit, passed at every poll). Where the plain program has no
      code at a line, no code of the transformed one may be there either.
  walk PLAIN TRANSFORMED: from line 15 of steps.c, `step` and `next` go through the
      same lines in both (step into an await also stops once at the callee's head,
      as a breakpoint on poll would). Step skips the generated NAME_init functions,
      whose lines are the generated file's.
  locals PLAIN TRANSFORMED: a breakpoint on every line of the async functions of
      steps.c; at each stop, with the gdb script the transformed program carries
      auto-loaded, `print $NAME` gives what `print NAME` gives in the plain program,
      for each local and parameter in scope there and initialized (declared on an
      earlier line), except where the script says <optimized out> (the frame member
      holds another value there: at most a quarter as many as compared).
  skip PLAIN TRANSFORMED: walk, with the script's skips instead of the test's own.
  diagnostics CC...: each compiler warns about warnings.c, compiled from asyncc's
      output, at the same lines, with the same flags, as about the plain program.
"""
import json
import os
import re
import subprocess
import sys

PROBE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gdb_probe.py")


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def probe(program, work, script=False, **env):
    """Runs gdb_probe.py on program; with script, gdb auto-loads the asyncc gdb script
    the program carries, allowed as README says (safe-path: the program's directory)."""
    out = os.path.join(work, "probe.json")
    env = dict(os.environ, ASYNCC_FILE="steps.c", ASYNCC_OUT=out,
               **{"ASYNCC_" + k.upper(): str(v) for k, v in env.items()})
    allow = ["-iex", "add-auto-load-safe-path " + os.path.dirname(os.path.abspath(program))]
    run = subprocess.run(["gdb", "-q", "-nx", "-batch", *(allow if script else []), "-x", PROBE,
                          program], env=env, capture_output=True, text=True, timeout=300)
    if not os.path.exists(out):
        fail(f"gdb on {program} wrote nothing:\n{run.stdout}{run.stderr}")
    with open(out) as f:
        result = json.load(f)
    os.remove(out)
    return result


def function_bounds(asyncc, src):
    """The head and closing-brace lines of each async function of steps.c."""
    doc = json.loads(subprocess.run([asyncc, "--emit=json", "steps.c"], cwd=src, check=True,
                                    capture_output=True, text=True).stdout)
    return {f["line"]: f["name"] for f in doc["functions"]}, \
        {f["end_line"] for f in doc["functions"]}


def check_lines(asyncc, src, work, plain, transformed):
    heads, ends = function_bounds(asyncc, src)
    with open(os.path.join(src, "steps.c")) as f:
        count = len(f.readlines())
    wanted = ",".join(str(n) for n in range(1, count + 1))
    want = probe(plain, work, mode="lines", lines=wanted)
    got = probe(transformed, work, mode="lines", lines=wanted)
    checked = 0
    for line, p in want.items():
        n = int(line)
        t = got.get(line, {"locations": [], "stops": []})
        if n in heads or n in ends:
            continue
        if p["locations"] == [["steps.c", n]] and p["stops"]:
            if t["locations"] != [["steps.c", n]]:
                fail(f"line {n}: breakpoint at {t['locations']}, plain at {p['locations']}")
            if t["stops"] != p["stops"]:
                fail(f"line {n}: stops {t['stops']}, plain {p['stops']}")
            checked += 1
        elif ["steps.c", n] not in p["locations"] and ["steps.c", n] in t["locations"]:
            fail(f"line {n} has no code in the plain program but has some transformed")
    if checked < 15:
        fail(f"only {checked} lines checked")
    print(f"lines: {checked} lines of steps.c: one location each, stopped at as often as plain")


def check_locals(asyncc, src, work, plain, transformed):
    doc = json.loads(subprocess.run([asyncc, "--emit=json", "steps.c"], cwd=src, check=True,
                                    capture_output=True, text=True).stdout)
    body = ",".join(str(n) for f in doc["functions"] for n in range(f["line"] + 1, f["end_line"]))
    want = probe(plain, work, mode="values", lines=body)
    names = sorted({n for _, values in want for n in values})
    got = probe(transformed, work, script=True, mode="values", lines=body, names=",".join(names))
    if [w[0] for w in want] != [g[0] for g in got]:
        fail(f"stops at lines {[g[0] for g in got]}, plain {[w[0] for w in want]}")
    compared, hidden = 0, 0
    for (line, values), (_, printed, listed) in zip(want, got):
        pads = [name for name in listed if name.startswith("pad_")]
        if pads:
            fail(f"line {line}: async locals lists the pads {', '.join(pads)}")
        for name, value in values.items():
            if printed[name] == "<optimized out>":
                hidden += 1
            elif printed[name] != value:
                fail(f"line {line}: print ${name} gives {printed[name]}, plain print {name} {value}")
            else:
                compared += 1
    if compared < 20 or hidden > compared // 4:
        fail(f"{compared} values compared, {hidden} optimized out")
    print(f"locals: at {len(want)} stops in the async functions of steps.c, print $NAME gives what "
          f"print NAME gives in the plain program, for {compared} values of {', '.join(names)}; "
          f"{hidden} optimized out (their storage holds another value there)")


def check_walk(asyncc, src, work, plain, transformed, script=False):
    heads, _ = function_bounds(asyncc, src)
    skip = {} if script else {"skip": "_init$"}
    for command, count in (("step", 12), ("next", 6)):
        want = probe(plain, work, mode="walk", command=command, count=count, **{"break": 15})
        got = probe(transformed, work, script=script, mode="walk", command=command,
                    count=count + 4, **skip, **{"break": 15})
        extra = [g for g in got if g[0] == "steps.c" and g[1] in heads]
        got = [g for g in got if g not in extra][:len(want)]
        if got != want:
            fail(f"{command} from line 15: {got}, plain {want}")
        print(f"{'skip' if script else 'walk'}: {command} from line 15 goes through {' '.join(f'{w[0]}:{w[1]}' for w in want)} as plain"
              + (f" (and stops at the callee's head, line {extra[0][1]})" if extra else ""))


def check_skip(asyncc, src, work, plain, transformed):
    check_walk(asyncc, src, work, plain, transformed, script=True)


def warnings_of(cc, path, include, *flags):
    run = subprocess.run([cc, "-std=c11", "-Wall", "-Wextra", "-fsyntax-only", "-I" + include,
                          *flags, path], capture_output=True, text=True)
    found = re.findall(r"^([^:\s]+):(\d+):\d+: warning: .*\[(-W[\w-]+)\]$", run.stderr, re.M)
    return sorted((os.path.basename(f), int(line), flag) for f, line, flag in found)


def check_diagnostics(asyncc, src, work, include, *compilers):
    gen = os.path.join(work, "warnings.gen.c")
    subprocess.run([asyncc, "warnings.c", "-o", gen], cwd=src, check=True)
    for cc in compilers:
        want = warnings_of(cc, os.path.join(src, "warnings.c"), include, "-DASYNCC_SEQUENTIAL")
        got = warnings_of(cc, gen, include)
        if len(want) < 5 or got != want:
            fail(f"{cc}: warnings at {got}, plain at {want}")
        print(f"diagnostics: {os.path.basename(cc)} warns at lines {[w[1] for w in want]} "
              "of warnings.c both ways")


def main():
    check, asyncc, src, work = sys.argv[1:5]
    os.makedirs(work, exist_ok=True)
    {"lines": check_lines, "locals": check_locals, "walk": check_walk,
     "skip": check_skip,
     "diagnostics": check_diagnostics}[check](asyncc, src, work, *sys.argv[5:])


main()
