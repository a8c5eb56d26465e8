# gdb.py - gdb support for programs built from asyncc's output. gdb.c embeds it in
# every such program; gdb runs it on loading the program when auto-load allows it
# (README, "Debugging"). It adds:
#
#   $NAME          for every local NAME of the async function being debugged, whether
#                  asyncc kept it in the frame (self->NAME) or in poll: refreshed at
#                  every stop and prompt, a snapshot (assign through self->NAME);
#   async locals   the locals of the selected async function by their source names,
#                  like `info locals`;
#   async tasks    the live tasks of every thread and the roots of its ac_block_on
#                  calls, each with its async function and the line it is suspended at
#                  (or running at), then the awaits it is inside, innermost last;
#   skips          so that `step` follows the source: the generated NAME_init and
#                  NAME_drop and the runtime's functions (ac_*, aci_*) are stepped over.
#
# Generated code is recognised by its names (grammar/abi.md): NAME_poll's first
# parameter points to a NAME_frame whose first field is `state` (or the first member of
# the anonymous union the frame starts with: abi.md, section 2), an enum of NAME_START,
# NAME_AWAIT_CALLEE..., NAME_DONE; the await of NAME_AWAIT_X resumes at label resume_X,
# whose line is the await's. Each generated file registers in gdb.asyncc_frames what the
# debug information does not say (asyncc's emit_gdb.c): the member holding the callee's
# frame in each state, the lines at which a variable whose member shares storage
# with other values holds its value (elsewhere it is shown as <optimized out>), and
# the pads that put members at their offsets, which are not shown.
import re

import gdb

POLL_PARAMS = ("self", "cx", "out", "self_", "cx_", "out_")


def frame_type_of(name):
    """NAME_frame when it is a generated frame (its first field `state`, or the first
    field of the anonymous union it starts with), else None."""
    try:
        t = gdb.lookup_type(name + "_frame").strip_typedefs()
    except gdb.error:
        return None
    fields = t.fields() if t.code == gdb.TYPE_CODE_STRUCT else []
    if fields and fields[0].name is None:
        inner = fields[0].type.strip_typedefs()
        first = inner.fields() if inner.code == gdb.TYPE_CODE_UNION else []
        return t if first and first[0].name == "state" else None
    return t if fields and fields[0].name == "state" else None


def poll_self(frame):
    """(NAME, pointer to the frame) when frame runs a generated NAME_poll, else None."""
    fn = frame.function()
    if fn is None or not fn.name.endswith("_poll"):
        return None
    name = fn.name[: -len("_poll")]
    ftype = frame_type_of(name)
    if ftype is None:
        return None
    block = frame.block()
    while block.function is None:
        block = block.superblock
    for sym in block:
        if sym.is_argument and sym.type.code == gdb.TYPE_CODE_PTR \
                and sym.type.target().strip_typedefs() == ftype:
            return name, sym.value(frame)
    return None


def layout_of(name):
    """({state: member}, {member: lines}, {pad}) that the generated file registered for
    the async function name, or empty ones."""
    return getattr(gdb, "asyncc_frames", {}).get(name, ({}, {}, set()))


def held_at(ranges, line):
    """Is line in ranges ("11-14 20")?"""
    for item in ranges.split():
        low, _, high = item.partition("-")
        if int(low) <= line <= int(high or low):
            return True
    return False


def frame_members(value):
    """(name, value) of each named member of a frame, through its anonymous unions and
    structs (where the layout puts values that share storage)."""
    for field in value.type.strip_typedefs().fields():
        if field.name:
            yield field.name, value[field.name]
        else:
            yield from frame_members(value[field])


def source_locals(frame):
    """{name: value} of the locals of the async function polled at frame, by their
    source names (the poll's own locals in scope first, then the frame's fields; None
    for a field that does not hold its variable's value at this line), or None when
    frame polls no generated frame."""
    found = poll_self(frame)
    if found is None:
        return None
    values = {}
    block = frame.block()
    while block is not None:
        for sym in block:
            if (sym.is_variable or sym.is_argument) and sym.name not in POLL_PARAMS:
                values.setdefault(sym.name, sym.value(frame))
        if block.function is not None:
            break
        block = block.superblock
    members, held, pads = layout_of(found[0])
    hidden, line = set(members.values()) | set(pads) | {"state"}, frame.find_sal().line
    for name, value in frame_members(found[1].dereference()):
        if name not in hidden and name not in values:
            values[name] = value if name not in held or held_at(held[name], line) else None
    return values


class Convenience:
    """Keeps $NAME set for the locals of the selected frame's async function."""

    def __init__(self):
        self.names = set()

    def refresh(self, *_):
        try:
            values = source_locals(gdb.selected_frame()) or {}
        except gdb.error:
            values = {}
        for name in self.names - set(values):
            gdb.set_convenience_variable(name, None)
        for name, value in values.items():
            gdb.set_convenience_variable(name, value)
        self.names = set(values)


class AsyncPrefix(gdb.Command):
    """Commands for async functions transformed by asyncc: async locals, async tasks."""

    def __init__(self):
        super().__init__("async", gdb.COMMAND_STACK, prefix=True)


class AsyncLocals(gdb.Command):
    """Print the locals of the selected async function by their source names.
Each is also $NAME (a snapshot: assign through self->NAME), void where the local is
<optimized out>: its storage holds another value at this line."""

    def __init__(self):
        super().__init__("async locals", gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        values = source_locals(gdb.selected_frame())
        if values is None:
            raise gdb.GdbError("the selected frame is not in an async function's poll")
        for name in sorted(values):
            value = values[name]
            gdb.write(f"{name} = {'<optimized out>' if value is None else value.format_string()}\n")


def line_of(spec):
    """'file:line' of a linespec's first location, or '?'. The line is that of the
    location's address: for FUNCTION:LABEL, decode_line's own is the next line's."""
    try:
        sals = gdb.decode_line(spec)[1] or []
    except gdb.error:
        return "?"
    for sal in sals:
        sal = gdb.find_pc_line(sal.pc)
        if sal.symtab is not None:
            return f"{sal.symtab.filename.rsplit('/', 1)[-1]}:{sal.line}"
    return "?"


def here(frame):
    sal = frame.find_sal()
    return f"{sal.symtab.filename.rsplit('/', 1)[-1]}:{sal.line}" if sal.symtab else "?"


def awaits(name, ptr, polling):
    """Lines describing where the async function `name`, whose frame ptr points to, is:
    its own line, then those of the callee it awaits, recursively. polling maps frame
    addresses to the gdb frames running their poll."""
    frame = ptr.dereference()
    state = str(frame["state"])
    running = polling.get(int(ptr))
    if state == name + "_DONE":
        return [f"{name} finished"]
    if not state.startswith(name + "_AWAIT_"):
        where = f"at {here(running)}, running" if running else f"not started, at {line_of(name + '_poll')}"
        return [f"{name} {where}"]
    callee = state[len(name + "_AWAIT_"):]
    if running:
        lines = [f"{name} at {here(running)}, running"]
    else:
        where = line_of(f"{name}_poll:resume_{callee}")
        lines = [f"{name} at {where}, awaiting {re.sub(r'_[0-9]+$', '', callee)}"]
    member = layout_of(name)[0].get(state)
    try:
        child = frame[member] if member else None
    except gdb.error:
        child = None
    if child is not None and child.type.strip_typedefs().code == gdb.TYPE_CODE_PTR:
        child = child.dereference() if int(child) != 0 else None
    if child is None:
        return lines
    inner = (child.type.strip_typedefs().tag or "").removesuffix("_frame")
    # A running poll's state names its last await, which is over unless the callee is
    # being polled too.
    nested = running is None or int(child.address) in polling
    if nested and frame_type_of(inner) is not None:
        lines += awaits(inner, child.address, polling)
    return lines


def polling_frames():
    """{frame address: gdb frame} for each generated poll on the selected thread's stack."""
    found = {}
    frame = gdb.newest_frame()
    while frame is not None:
        polled = poll_self(frame)
        if polled is not None:
            found.setdefault(int(polled[1]), frame)
        frame = frame.older()
    return found


def roots():
    """(NAME, frame pointer) of each NAME_block_on on the selected thread's stack."""
    found = []
    frame = gdb.newest_frame()
    while frame is not None:
        fn = frame.function()
        if fn is not None and fn.name.endswith("_block_on"):
            name = fn.name[: -len("_block_on")]
            for local in ("frame", "frame_"):
                try:
                    value = frame.read_var(local)
                except ValueError:
                    continue
                if frame_type_of(name) is not None:
                    found.append((name, value.address))
                break
        frame = frame.older()
    return found


def pool_tasks():
    """(task address, NAME, frame pointer) of each live task in this thread's pool; the
    frame pointer is None for a finished task, whose frame may hold its result now."""
    info = gdb.parse_and_eval("ac_gdb_info")
    header, step = int(info["task_header_size"]), int(info["pool_class_step"])
    finished = int(info["task_finished"])
    pool = gdb.parse_and_eval("aci_loop_this")["pool"]
    task_ptr = gdb.lookup_type("ac_task").pointer()
    blocks = []
    for i in range(int(info["pool_classes"])):
        chunk = pool["classes"][i]["chunks"]
        while int(chunk) != 0:
            data = int(chunk["data"].address)
            for off in range(0, int(chunk["used"]), (i + 1) * step):
                blocks.append(gdb.Value(data + off).cast(task_ptr))
            chunk = chunk["next"]
    link = pool["large"]
    while int(link) != 0:
        blocks.append(link["task"].address.cast(task_ptr))
        link = link["next"]
    tasks = []
    for task in blocks:
        vt = task["vt"]
        if int(vt) == 0:
            continue
        poll = gdb.block_for_pc(int(vt["poll"]))
        fn = poll.function.name if poll is not None and poll.function else "?"
        name = re.sub(r"_poll_(erased|boxed)$", "", fn)
        ftype = frame_type_of(name)
        frame = gdb.Value(int(task) + header).cast(ftype.pointer()) if ftype else None
        tasks.append((int(task), name, None if int(task["flags"]) & finished else frame))
    return tasks


class AsyncTasks(gdb.Command):
    """List the live tasks and the roots of ac_block_on, thread by thread: each one's
async function and the line it is suspended or running at, then the awaits it is
inside, innermost last."""

    def __init__(self):
        super().__init__("async tasks", gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        inferior = gdb.selected_inferior()
        if inferior.pid == 0:
            raise gdb.GdbError("The program is not being run.")
        thread, frame = gdb.selected_thread(), gdb.selected_frame()
        try:
            for t in sorted(inferior.threads(), key=lambda t: t.num):
                t.switch()
                self.list_thread(t)
        finally:
            thread.switch()
            frame.select()

    @staticmethod
    def list_thread(thread):
        polling = polling_frames()
        entries = [(f"root {name}_block_on", name, ptr, False) for name, ptr in roots()]
        entries += [(f"task {addr:#x}", name, ptr, ptr is None and frame_type_of(name) is not None)
                    for addr, name, ptr in pool_tasks()]
        if not entries:
            return
        gdb.write(f"thread {thread.num}:\n")
        for label, name, ptr, done in entries:
            if done:
                lines = [f"{name} finished"]
            elif ptr is not None:
                lines = awaits(name, ptr, polling)
            else:
                lines = [f"{name} (not generated code)"]
            gdb.write(f"  {label}: {lines[0]}\n")
            for depth, line in enumerate(lines[1:], 1):
                gdb.write(f"  {'  ' * depth}in {line}\n")


def skip_generated():
    """Step over NAME_init and NAME_drop of every generated function, and the runtime."""
    listing = gdb.execute("info functions -q -n _poll$", to_string=True)
    names = sorted({poll for poll, frame in re.findall(r"\b(\w+)_poll\((\w+)_frame \*", listing)
                    if poll == frame and frame_type_of(poll) is not None})
    gdb.execute("skip -rfunction ^aci?_", to_string=True)
    if names:
        gdb.execute(f"skip -rfunction ^({'|'.join(names)})_(init|drop)$", to_string=True)


if not getattr(gdb, "asyncc_loaded", False):
    gdb.asyncc_loaded = True
    convenience = Convenience()
    gdb.events.stop.connect(convenience.refresh)
    gdb.events.before_prompt.connect(convenience.refresh)
    AsyncPrefix()
    AsyncLocals()
    AsyncTasks()
    skip_generated()
