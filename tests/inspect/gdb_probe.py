"""gdb_probe.py - runs inside gdb (gdb -batch -x gdb_probe.py PROGRAM) for debug.py.

Environment: ASYNCC_MODE is "lines" or "walk"; ASYNCC_FILE the source file's name;
ASYNCC_OUT where the JSON result goes.
  lines: ASYNCC_LINES (comma-separated): a breakpoint on each of those lines; the
         result maps each line gdb accepted to its locations ([file, line]) and the
         lines of the stops it caused over the whole run.
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
result = (lines if mode == "lines" else walk)(os.environ["ASYNCC_FILE"])
with open(os.environ["ASYNCC_OUT"], "w") as out:
    json.dump(result, out)
if alive():
    gdb.execute("kill")
