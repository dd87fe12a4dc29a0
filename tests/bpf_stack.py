# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The BPF stack budget, checked on the object file rather than by a load.

The verifier adds up the stack of every frame on a call chain (a program,
the subprograms it calls, the callbacks it hands to bpf_loop or
bpf_find_vma) and refuses more than 512 bytes (kernel/bpf/verifier.c
check_max_stack_depth_subprog(), MAX_BPF_STACK). Each frame is rounded up
to 32 bytes, at least 32, as kernels before 6.10 do under the JIT too (newer
ones round to 16): the strictest rule. Kernels whose JIT gives large frames
a private stack (6.13+, when it can) skip the sum, so a chain too deep for
the others still loads there: this check fails on any machine.

A frame's size is the deepest stack slot its instructions reach, `r10 - N`
or a register set from r10 then moved down; calls are `call` instructions
(relocated against a section or a function, or pc-relative inside one) and
callback addresses loaded with ld_imm64.
"""
import re
import subprocess

MAX_BPF_STACK = 512
FRAME_ROUND = 32

FUNC_RE = re.compile(r"^\s*\d+:\s+([0-9a-f]+)\s+(\d+)\s+FUNC\s+\S+\s+\S+\s+(\d+)\s+(\S+)")
SECTION_RE = re.compile(r"^Disassembly of section (\S+):")
BYTES = r"(?:[0-9a-f]{2} ){7}[0-9a-f]{2}"  # one 8-byte slot; ld_imm64 takes two
INSN_RE = re.compile(r"^\s*(\d+):\s+(%s)(?: %s)?\s+(.*)$" % (BYTES, BYTES))
RELOC_RE = re.compile(r"^\s+[0-9a-f]+:\s+(R_BPF_64_\d+)\s+(\S+)")
STACK_RE = re.compile(r"r10 - (0x[0-9a-f]+|\d+)")
FROM_R10_RE = re.compile(r"^(r\d) = r10$")
MOVE_DOWN_RE = re.compile(r"^(r\d) \+= -(0x[0-9a-f]+|\d+)$")
WRITES_RE = re.compile(r"^[rw](\d) (?:[-+*/|&^%]|<<|>>|s>>)?= ")


def round_up(n, to):
    return (n + to - 1) // to * to


def functions(obj):
    """{(section index, start insn): name} and {name: (section index, start, end)}."""
    out = subprocess.run(["llvm-readelf", "-sS", obj], capture_output=True, text=True,
                         check=True).stdout
    sections = dict(re.findall(r"^\s*\[\s*(\d+)\]\s+(\S+)", out, re.M))
    funcs = {}
    for line in out.splitlines():
        m = FUNC_RE.match(line)
        if m:
            start, size, shndx, name = int(m.group(1), 16) // 8, int(m.group(2)) // 8, \
                m.group(3), m.group(4)
            funcs[name] = (sections.get(shndx, "?"), start, start + size)
    return funcs


def disassemble(obj):
    """Per section: [(insn index, raw bytes, text, relocation or None)]."""
    out = subprocess.run(["llvm-objdump", "-dr", obj], capture_output=True, text=True,
                         check=True).stdout
    sections, insns = {}, None
    for line in out.splitlines():
        m = SECTION_RE.match(line)
        if m:
            insns = sections.setdefault(m.group(1), [])
            continue
        m = INSN_RE.match(line)
        if m and insns is not None:
            insns.append([int(m.group(1)), m.group(2).split(), m.group(3), None])
            continue
        m = RELOC_RE.match(line)
        if m and insns:
            insns[-1][3] = (m.group(1), m.group(2))
    return sections


def imm32(raw):
    v = int("".join(reversed(raw[4:8])), 16)
    return v - (1 << 32) if v & 0x80000000 else v


def frames_and_calls(obj):
    funcs = functions(obj)
    sections = disassemble(obj)
    by_start = {(sec, start): name for name, (sec, start, _) in funcs.items()}
    frame = {name: 0 for name in funcs}
    calls = {name: set() for name in funcs}

    def owner(sec, idx):
        for name, (s, start, end) in funcs.items():
            if s == sec and start <= idx < end:
                return name
        return None

    def target(reloc, addend):
        """(section, insn) a relocation plus addend (in insns) points at."""
        sym = reloc[1]
        if sym in funcs:
            sec, start, _ = funcs[sym]
            return sec, start + addend
        return (sym, addend) if sym.startswith(".") else None

    for sec, insns in sections.items():
        from_r10 = set()  # registers pointing into this frame
        for idx, raw, text, reloc in insns:
            name = owner(sec, idx)
            if not name:
                continue
            for v in STACK_RE.findall(text):
                frame[name] = max(frame[name], int(v, 0))
            m = MOVE_DOWN_RE.match(text)
            if m and m.group(1) in from_r10:
                frame[name] = max(frame[name], int(m.group(2), 0))
            elif FROM_R10_RE.match(text):
                from_r10.add(FROM_R10_RE.match(text).group(1))
            elif WRITES_RE.match(text):
                from_r10.discard("r" + WRITES_RE.match(text).group(1))
            opcode = raw[0]
            if opcode == "85" and raw[1] == "10":  # call to a BPF function (src_reg 1)
                where = target(reloc, imm32(raw) + 1) if reloc else (sec, idx + imm32(raw) + 1)
                callee = by_start.get(where)
                if callee:
                    calls[name].add(callee)
            if opcode == "85":
                from_r10 -= {"r0", "r1", "r2", "r3", "r4", "r5"}  # clobbered by any call
            elif opcode == "18" and reloc and reloc[0] == "R_BPF_64_64":
                callee = by_start.get(target(reloc, imm32(raw) // 8))  # a callback's address
                if callee:
                    calls[name].add(callee)
    return funcs, frame, calls


def deepest_chain(name, frame, calls, seen=()):
    """(bytes, [names]) of the deepest chain from name."""
    if name in seen:
        return 0, [name + " (recursion)"]
    best, best_path = 0, []
    for callee in calls.get(name, ()):
        depth, path = deepest_chain(callee, frame, calls, seen + (name,))
        if depth > best:
            best, best_path = depth, path
    return round_up(max(frame[name], 1), FRAME_ROUND) + best, [name] + best_path


def check(bpf_object):
    """(passed, failed) for one line per BPF program."""
    funcs, frame, calls = frames_and_calls(bpf_object)
    passed = failed = 0
    programs = sorted(n for n, (sec, _, _) in funcs.items() if sec not in (".text",))
    for prog in programs:
        depth, path = deepest_chain(prog, frame, calls)
        chain = " -> ".join("%s %d" % (n, frame.get(n, 0)) for n in path)
        name = "bpf stack: %s's deepest call chain fits %d bytes" % (prog, MAX_BPF_STACK)
        if depth <= MAX_BPF_STACK:
            passed += 1
            print("PASS %s (%d: %s)" % (name, depth, chain))
        else:
            failed += 1
            print("FAIL %s: %d bytes: %s (move locals to a per-CPU scratch map or split "
                  "the frame with __noinline)" % (name, depth, chain))
    if not programs:
        failed += 1
        print("FAIL bpf stack: no BPF program found in %s" % bpf_object)
    return passed, failed
