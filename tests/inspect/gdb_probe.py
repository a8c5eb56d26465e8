"""gdb_probe.py - runs inside gdb (gdb -batch -x gdb_probe.py PROGRAM) for debug.py.

Environment: ASYNCC_MODE is "lines" or "walk"; ASYNCC_FILE the source file's name;
ASYNCC_OUT where the JSON result goes.
  lines: ASYNCC_LINES (comma-separated): a breakpoint on each of those lines; the
         result maps each line gdb accepted to its locations ([file, line]) and the
         lines of the stops it caused over the whole run.
  values: a breakpoint on each of ASYNCC_LINES; at each stop, [line, {name: value}].
         Without ASYNCC_NAMES: the locals and parameters in scope that are initialized
         there (declared on an earlier line), with `print NAME`. With ASYNCC_NAMES
         (comma-separated): `print $NAME` of each, as the asyncc gdb script sets them
         (or "<optimized out>" where `async locals` says so), and then the names
         `async locals` lists: [line, {name: value}, [name]].
  walk:  a breakpoint on ASYNCC_BREAK, then ASYNCC_COUNT times ASYNCC_COMMAND (step
         or next); the result is the [file, line] of each stop, the first included.
         ASYNCC_SKIP, if set, is a regular expression of functions step skips.
"""
import json
import os

import gdb


def here():
    sal = gdb.selected_frame().find_sal()
    return [os.path.basename(sal.symtab.filename) if sal.symtab else "?", sal.line]


def alive():
    return gdb.selected_inferior().pid != 0


def lines(src):
    breakpoints = {}
    for line in os.environ["ASYNCC_LINES"].split(","):
        try:
            bp = gdb.Breakpoint(f"{src}:{line}")
        except gdb.error:
            continue
        bp.silent = True
        breakpoints[line] = bp
    stops = {}

    def on_stop(event):
        if isinstance(event, gdb.BreakpointEvent):
            for bp in event.breakpoints:
                stops.setdefault(bp.number, []).append(here()[1])

    gdb.events.stop.connect(on_stop)
    gdb.execute("run", to_string=True)
    while alive():
        gdb.execute("continue", to_string=True)
    return {line: {"locations": [[os.path.basename(l.source[0]), l.source[1]]
                                 for l in bp.locations if l.source],
                   "stops": stops.get(bp.number, [])}
            for line, bp in breakpoints.items()}


def initialized_locals():
    """The names of the locals and parameters in scope, declared before this line."""
    frame = gdb.selected_frame()
    line, block, names = here()[1], frame.block(), []
    while block is not None:
        names += [sym.name for sym in block if (sym.is_argument or (sym.is_variable and sym.line < line))
                  and sym.name not in names]
        if block.function is not None:
            break
        block = block.superblock
    return names


def printed(expression):
    return gdb.execute("print " + expression, to_string=True).split(" = ", 1)[1].strip()


def script_value(name):
    """print $NAME; where that is void, what `async locals` says of NAME (<optimized
    out> where its storage holds another value)."""
    value = printed("$" + name)
    if value == "void":
        for line in gdb.execute("async locals", to_string=True).splitlines():
            if line.startswith(name + " = "):
                return line.split(" = ", 1)[1]
    return value


def values(src):
    for line in os.environ["ASYNCC_LINES"].split(","):
        try:
            gdb.Breakpoint(f"{src}:{line}").silent = True
        except gdb.error:
            continue
    wanted = os.environ.get("ASYNCC_NAMES")
    seen = []
    gdb.execute("run", to_string=True)
    while alive():
        if wanted:
            listed = [entry.split(" = ", 1)[0]
                      for entry in gdb.execute("async locals", to_string=True).splitlines()]
            seen.append([here()[1], {n: script_value(n) for n in wanted.split(",")}, listed])
        else:
            seen.append([here()[1], {n: printed(n) for n in initialized_locals()}])
        gdb.execute("continue", to_string=True)
    return seen


def walk(src):
    if os.environ.get("ASYNCC_SKIP"):
        gdb.execute("skip -rfunction " + os.environ["ASYNCC_SKIP"], to_string=True)
    gdb.Breakpoint(f"{src}:{os.environ['ASYNCC_BREAK']}")
    gdb.execute("run", to_string=True)
    seen = [here()]
    for _ in range(int(os.environ["ASYNCC_COUNT"])):
        if not alive():
            break
        gdb.execute(os.environ["ASYNCC_COMMAND"], to_string=True)
        if alive():
            seen.append(here())
    return seen


gdb.execute("set pagination off")
gdb.execute("set breakpoint pending off")
mode = os.environ["ASYNCC_MODE"]
result = {"lines": lines, "values": values, "walk": walk}[mode](os.environ["ASYNCC_FILE"])
with open(os.environ["ASYNCC_OUT"], "w") as out:
    json.dump(result, out)
if alive():
    gdb.execute("kill")
