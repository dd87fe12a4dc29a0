#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Where ipcscope's BPF programs spend a storm's time, by source line.
Runs ipcscope (pinned to the tracer's CPU) and one storm under `perf record`
on the storm's CPU, then maps each sample taken inside a BPF program to the
source line whose JITed code it hit (bench/jit_lines). Prints each
program's share of the storm's time and its costliest lines, in ns per
storm operation. A sampling profile: a line's cost lands partly on the
lines after it (skid; a program's first line also gathers what the call
into it costs), perf's own interrupts slow the storm (the ns are of the
profiled run's own time), and a program that runs with interrupts off
(signal_generate, under the target's siglock) is not seen at all: its
samples land where interrupts come back on (_raw_spin_unlock_irqrestore).
For finding where to look; the numbers to quote come from make bench and
bench/ab.py. `make profile STORM=epipe` builds what it needs and runs it.
Usage: python3 bench/line_profile.py STORM [--build build] [--seconds 3] [--lines 40]"""
import argparse
import bisect
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_bench import STORM_CPU, start_tracer, stop_tracer  # noqa: E402

PROGRAMS = ("sys_enter", "sys_exit", "handle_sig_generate", "handle_sig_deliver")


def program_ids(tracer_pid):
    """The ids of the programs the tracer with this pid loaded, by name; where
    bpftool cannot tell pids (built without), the newest of each name."""
    out = subprocess.run(["bpftool", "-j", "prog", "show"], capture_output=True, text=True,
                         check=True).stdout
    ids, newest = {}, {}
    for prog in sorted(json.loads(out), key=lambda p: p["id"]):
        if prog.get("name") not in PROGRAMS:
            continue
        newest[prog["name"]] = str(prog["id"])
        if any(p.get("pid") == tracer_pid for p in prog.get("pids", [])):
            ids[prog["name"]] = str(prog["id"])
    ids = ids or newest
    if not ids:
        sys.exit("line_profile: no programs of ipcscope (pid %d) found by bpftool" % tracer_pid)
    return ids


def line_marks(build, ids):
    """Sorted (address, program, 'file:line source') marks of every program."""
    marks = []
    for name, prog_id in ids.items():
        out = subprocess.run([os.path.join(build, "bench", "jit_lines"), prog_id],
                             capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            address, where = line.split(" ", 1)
            marks.append((int(address, 16), name, where.strip()))
    marks.sort()
    return marks


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("storm")
    ap.add_argument("--build", default="build")
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--lines", type=int, default=40)
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("line_profile: needs root (BPF, perf on a CPU): run it with sudo")
    if not shutil.which("perf") or not shutil.which("bpftool"):
        sys.exit("line_profile: needs perf and bpftool (apt-get install linux-perf bpftool)")
    tmp = tempfile.mkdtemp(prefix="ipcscope-profile-")
    data = os.path.join(tmp, "perf.data")
    tracer = start_tracer([os.path.join(a.build, "ipcscope"), "-o", os.devnull])
    try:
        ids = program_ids(tracer.pid)
        marks = line_marks(a.build, ids)
        storm = subprocess.run(
            ["perf", "record", "-q", "-C", str(STORM_CPU), "-e", "cpu-clock", "-F", "20000",
             "-o", data, "--", os.path.join(a.build, "bench", "storm"), a.storm,
             str(a.seconds), str(STORM_CPU)], capture_output=True, text=True, check=True)
        kv = dict(p.split("=") for p in storm.stdout.split())
        ns_per_op = float(kv["seconds"]) * 1e9 / int(kv["ops"])
        script = subprocess.run(["perf", "script", "-i", data, "-F", "ip,sym"],
                                capture_output=True, text=True, check=True).stdout
    finally:
        stop_tracer(tracer)
        shutil.rmtree(tmp, ignore_errors=True)
    addresses = [m[0] for m in marks]
    per_line, per_prog, total = collections.Counter(), collections.Counter(), 0
    for line in script.splitlines():
        words = line.split()
        if not words:
            continue
        total += 1
        if len(words) < 2 or not words[1].startswith("bpf_prog_"):
            continue
        i = bisect.bisect_right(addresses, int(words[0], 16)) - 1
        # The symbol (bpf_prog_TAG_NAME) must be the program the mark is
        # of: samples in other programs (ours at sched hooks, other tools')
        # land between our marks too.
        if i >= 0 and words[1].endswith("_" + marks[i][1]):
            per_line[marks[i][1:]] += 1
            per_prog[marks[i][1]] += 1
    if not total:
        sys.exit("line_profile: perf recorded no samples")
    scale = ns_per_op / total  # ns per op for one sample
    print("storm %s: %s ops in %s s under perf (%.0f ns per op), %d samples" % (
        a.storm, kv["ops"], kv["seconds"], ns_per_op, total))
    for name, n in per_prog.most_common():
        print("%-20s %5.1f%% %6.1f ns/op" % (name, 100.0 * n / total, n * scale))
    print()
    for (name, where), n in per_line.most_common(a.lines):
        print("%6.2f ns  %-12s %s" % (n * scale, name[:12], where[:110]))


if __name__ == "__main__":
    main()
