#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Paired A/B of two ipcscope builds on one storm: each round runs the storm
untraced, under build A and under build B, in rotating order, and takes
each traced rate against that round's untraced one; the per-round B/A
ratios cancel the host's slow drifts that separate runs of run_bench.py
cannot. For choosing between two versions of a hot path, not for the
overhead table (make bench).
Usage: python3 bench/ab.py STORM BUILD_A BUILD_B [--rounds N] [--seconds S] [--json]"""
import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_bench import start_tracer, stop_tracer, storm  # noqa: E402


def rate(storm_build, build, kind, seconds, json_out):
    if build is None:
        return storm(storm_build, kind, seconds)[0]
    proc = start_tracer([os.path.join(build, "ipcscope"), "-o", os.devnull]
                        + (["--json"] if json_out else []))
    try:
        return storm(storm_build, kind, seconds)[0]
    finally:
        stop_tracer(proc)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("storm")
    ap.add_argument("build_a")
    ap.add_argument("build_b")
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=1.5)
    ap.add_argument("--json", action="store_true", help="trace with --json (default: text)")
    a = ap.parse_args()
    modes = [None, a.build_a, a.build_b]
    rates = {m: [] for m in modes}
    for r in range(a.rounds):
        order = modes[r % 3:] + modes[:r % 3]
        for m in order if r % 2 == 0 else order[::-1]:
            rates[m].append(rate(a.build_a, m, a.storm, a.seconds, a.json))
    for m in modes:
        ratios = [x / u for x, u in zip(rates[m], rates[None])]
        print("%-24s ops/s %9.0f  ratio median %.3f mean %.3f sd %.3f" % (
            m or "untraced", statistics.median(rates[m]), statistics.median(ratios),
            statistics.mean(ratios), statistics.stdev(ratios)))
    per_round = [b / x for x, b in zip(rates[a.build_a], rates[a.build_b])]
    print("B/A per round: median %.3f mean %.3f sd %.3f" % (
        statistics.median(per_round), statistics.mean(per_round), statistics.stdev(per_round)))


if __name__ == "__main__":
    main()
