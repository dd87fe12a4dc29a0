#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Runs each libFuzzer target for a bounded time, starting from its committed
seeds (tests/fuzz/corpus/<target>/, never written to) and the corpus earlier
runs grew (<build>/corpus/<target>/). Any crash, sanitizer report, leak,
timeout or out-of-memory fails that target; the input that did it is kept as
<build>/artifacts/<target>-crash-... and named in the output.

Prints one line per target and a closing "N passed, N failed, N skipped".
"""
import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# The CLI prints help and usage errors for most inputs: close its stdout and
# stderr (libFuzzer keeps its own copy for reports). The others print only
# when their check fails, and that message is worth keeping.
CLOSE_FD_MASK = {"cli": 3}
# libFuzzer takes one dictionary: the CLI's spells its options, the others'
# are strings that attack a terminal or a JSON consumer.
DICTIONARY = {"cli": "cli.dict"}


def run_target(build, name, seconds):
    binary = os.path.join(build, "fuzz_" + name)
    seeds = os.path.join(HERE, "corpus", name)
    work = os.path.join(build, "corpus", name)
    artifacts = os.path.join(build, "artifacts")
    os.makedirs(work, exist_ok=True)
    os.makedirs(artifacts, exist_ok=True)
    cmd = [binary,
           "-max_total_time=%d" % seconds,
           "-timeout=10",            # one input taking 10 s is a hang
           "-rss_limit_mb=2048",
           "-close_fd_mask=%d" % CLOSE_FD_MASK.get(name, 1),
           "-print_final_stats=1",
           "-dict=" + os.path.join(HERE, DICTIONARY.get(name, "hostile.dict")),
           "-artifact_prefix=" + os.path.join(artifacts, name + "-"),
           work]
    if os.path.isdir(seeds):
        cmd.append(seeds)
    env = dict(os.environ)
    # Leaks count as bugs; a report stops the run at once.
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1:halt_on_error=1")
    env.setdefault("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1")
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace",
                              timeout=seconds + 120, env=env)
    except subprocess.TimeoutExpired:
        return False, "did not stop within %d s of -max_total_time" % 120
    out = proc.stderr
    runs = re.search(r"stat::number_of_executed_units:\s*(\d+)", out)
    cov = re.findall(r"cov: (\d+)", out)
    if proc.returncode != 0:
        crash = re.findall(r"Test unit written to (\S+)", out)
        report = [l for l in out.splitlines() if "ERROR:" in l or "runtime error" in l
                  or "SUMMARY:" in l]
        again = "\nreproduce: %s %s" % (binary, crash[-1]) if crash else ""
        return False, "exit status %d%s\n%s\n--- last output ---\n%s" % (
            proc.returncode, again, "\n".join(report[:5]), "\n".join(out.splitlines()[-40:]))
    return True, "%s inputs in %d s, coverage %s" % (
        runs.group(1) if runs else "?", seconds, cov[-1] if cov else "?")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True, help="directory with the fuzz_* binaries")
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("targets", nargs="+")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    if args.seconds < 1:
        print("--seconds must be at least 1 (FUZZ_SECONDS=N)", file=sys.stderr)
        return 2
    passed = failed = 0
    for name in args.targets:
        ok, detail = run_target(build, name, args.seconds)
        print("%s fuzz_%s: %s" % ("PASS" if ok else "FAIL", name, detail))
        sys.stdout.flush()
        if ok:
            passed += 1
        else:
            failed += 1
    print("%d passed, %d failed, 0 skipped" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
