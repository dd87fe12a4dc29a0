#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Soak: ipcscope traces the whole system for DURATION seconds while processes are
created and destroyed continuously, each doing known IPC (tests/workloads/proc_churn:
a pipe, a signal, a message queue, a shared page, then exit). The tracer's RSS is
sampled every INTERVAL seconds; after the warm-up (the first WARMUP seconds, while
the tables fill up to --keep) it must stay flat: growth at most max(2 MiB, 5 %).
The report's totals are checked against what the churn did: SIGUSR1 raised and
handled, pipe bytes, messages. Prints a table and a verdict; exit 1 if not flat,
not exact, or the tracer died.

Usage: bench/soak.py [--build build] [--duration 600] [--keep 1000]
       make soak SOAK_SECONDS=600
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

CHURN_BATCH = 50   # children per proc_churn run ...
CHURN_GAP_MS = 20  # ... forked 10 at a time with this gap: about 300 processes/s here
CHURN_BYTES = 4096


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--duration", type=float, default=600)
    ap.add_argument("--interval", type=float, default=10)
    ap.add_argument("--warmup", type=float, default=120)
    ap.add_argument("--keep", type=int, default=1000)
    args = ap.parse_args()
    tool = os.path.join(args.build, "ipcscope")
    churn = os.path.join(args.build, "tests", "proc_churn")
    out = os.path.join(tempfile.mkdtemp(prefix="ipcscope-soak-"), "soak.jsonl")
    # -c: the machine's other processes stay out of the totals checked below.
    tracer = subprocess.Popen([tool, "-v", "--json", "-o", out, "--keep", str(args.keep),
                               "-c", "proc_churn"],
                              stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    for _ in range(20):
        if "programs attached" in tracer.stderr.readline():
            break
    else:
        tracer.kill()
        sys.exit("soak: ipcscope did not attach")
    start = time.monotonic()
    samples, runs, parents = [], 0, set()
    next_sample = start
    print("%8s %10s %8s" % ("seconds", "rss_kib", "churned"))
    while time.monotonic() - start < args.duration:
        # Bounded: each run forks CHURN_BATCH children and returns (its own deadline).
        # Its stdout is a file, not a pipe: only the children's pipes carry bytes.
        with tempfile.TemporaryFile(mode="w+") as stdout:
            res = subprocess.run([churn, str(CHURN_BATCH), "10", str(CHURN_GAP_MS),
                                  str(CHURN_BYTES), "0"], stdout=stdout,
                                 stderr=subprocess.PIPE, text=True, timeout=60)
            stdout.seek(0)
            printed = stdout.read()
        if res.returncode != 0:
            tracer.terminate()
            sys.exit("soak: proc_churn failed: %s" % res.stderr)
        parents.add(int(printed.split("parent=")[1].split()[0]))
        runs += 1
        if tracer.poll() is not None:
            sys.exit("soak: ipcscope died with status %d" % tracer.returncode)
        now = time.monotonic()
        if now >= next_sample:
            samples.append((now - start, rss_kib(tracer.pid)))
            print("%8.0f %10d %8d" % (samples[-1][0], samples[-1][1], runs * CHURN_BATCH),
                  flush=True)
            next_sample += args.interval
    samples.append((time.monotonic() - start, rss_kib(tracer.pid)))
    tracer.terminate()
    tracer.wait(timeout=60)
    children = runs * CHURN_BATCH
    procs, retired = [], {}
    with open(out) as f:
        for line in f:
            r = json.loads(line)
            if r["type"] == "process":
                procs.append(r)
            elif r["type"] == "retired":
                retired = r
            elif r["type"] in ("summary", "lost"):
                print(line.strip())
    # -c proc_churn: the runs and their children, kept by name or merged into "(retired)".
    mine = procs
    usr1 = sum(r["signals_sent"].get("SIGUSR1", 0) for r in mine)
    msgs = sum(r["msgs_sent"] for r in mine)
    pipe_bytes = sum(r["pipe_write_bytes"] for r in mine)
    after = [kib for t, kib in samples if t >= args.warmup]
    base = after[0] if after else samples[-1][1]
    peak = max(after) if after else samples[-1][1]
    growth = peak - base
    flat = growth <= max(2048, base * 0.05)
    exact = (usr1, msgs, pipe_bytes) == (children, children, children * CHURN_BYTES)
    print("\nprocesses churned: %d in %.0f s; retired: %s" % (children, samples[-1][0],
                                                              json.dumps(retired)))
    print("SIGUSR1 sent %d, messages %d, pipe bytes %d (expected %d, %d, %d): %s"
          % (usr1, msgs, pipe_bytes, children, children, children * CHURN_BYTES,
             "exact" if exact else "NOT EXACT"))
    print("RSS after %.0f s warm-up: %d KiB -> peak %d KiB (+%d KiB): %s"
          % (args.warmup, base, peak, growth, "flat" if flat else "GROWING"))
    os.unlink(out)
    sys.exit(0 if flat and exact and tracer.returncode == 0 else 1)


if __name__ == "__main__":
    main()
