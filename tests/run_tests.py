#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""ipcscope's test suite: the C unit tests, then integration tests that load
the real BPF programs and run workloads whose truth is known (tests/workloads),
asserting exact counts filtered on the workloads' own pids.

Prints one line per test and a closing "N passed, N failed, N skipped".
Exit status: 0 only if nothing failed and at least one integration test ran
(a run where everything needing root/BPF skipped is a failure, not a pass).
"""
import argparse
import os
import re
import subprocess
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bpf_stack  # noqa: E402
import integration  # noqa: E402
import missing_tracepoints  # noqa: E402
import storms  # noqa: E402
from sanitizer_logs import SanitizerLogs  # noqa: E402


def run_unit_tests(build):
    """Runs the C unit test binary; its lines are 'ok - name' / 'not ok - name: why'."""
    binary = os.path.join(build, "tests", "unit_tests")
    proc = subprocess.run([binary], capture_output=True, text=True, timeout=120)
    passed = failed = 0
    for line in proc.stdout.splitlines():
        if line.startswith("ok "):
            passed += 1
            print("PASS unit: " + line[3:].lstrip("- "))
        elif line.startswith("not ok "):
            failed += 1
            print("FAIL unit: " + line[7:].lstrip("- "))
    if proc.returncode != 0 and failed == 0:
        failed += 1
        print("FAIL unit: unit_tests exited %d\n%s" % (proc.returncode, proc.stderr[-2000:]))
    return passed, failed


def check_sources():
    """Facts about the BPF sources no compiler checks: the syscalls sys_exit's
    filter (exit__work) sends to its dispatch (EXIT_FOLLOW, EXIT_IF_CUT_SHORT)
    must be exactly those the dispatch handles, or one of them would silently
    never be seen."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    text = open(os.path.join(root, "bpf", "syscalls.bpf.c"), encoding="utf-8").read()
    start = text.index("static __always_inline enum exit_work exit__work")
    listed = set(re.findall(r"case (NR_\w+):",
                            text[start:text.index("return EXIT_IF_CUT_SHORT;", start)]))
    handled = set(re.findall(r"case (NR_\w+):", text[text.index("int BPF_PROG(sys_exit"):]))
    name = "source: sys_exit's filter lists exactly the syscalls its dispatch handles"
    if listed == handled and listed:
        print("PASS " + name)
        return 1, 0
    print("FAIL %s: only filtered %s, only dispatched %s"
          % (name, sorted(listed - handled), sorted(handled - listed)))
    return 0, 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("-k", dest="pattern", help="only integration tests whose name has this")
    ap.add_argument("--sanitizer-logs", metavar="DIR",
                    help="a sanitizer report in DIR fails the test that wrote it")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    logs = SanitizerLogs(args.sanitizer_logs) if args.sanitizer_logs else None

    passed, failed = run_unit_tests(build)
    src_passed, src_failed = check_sources()
    passed, failed = passed + src_passed, failed + src_failed
    stack_passed, stack_failed = bpf_stack.check(os.path.join(build, "bpf", "ipcscope.bpf.o"))
    passed, failed = passed + stack_passed, failed + stack_failed
    reports = logs.new_reports() if logs else ""
    if reports:
        failed += 1
        print("FAIL unit: sanitizer report(s):\n" + reports)
    skipped = 0
    ran_integration = 0
    ctx = integration.Context(build)
    reason = ctx.cannot_run()
    for name, fn in integration.TESTS + missing_tracepoints.TESTS + storms.TESTS:
        if args.pattern and args.pattern not in name:
            continue
        if reason:
            skipped += 1
            print("SKIP %s: %s" % (name, reason))
            continue
        try:
            (logs.checked(fn) if logs else fn)(ctx)
        except integration.Skip as e:
            skipped += 1
            print("SKIP %s: %s" % (name, e))
            continue
        except AssertionError as e:
            failed += 1
            print("FAIL %s: %s" % (name, e))
            continue
        except Exception:
            failed += 1
            print("FAIL %s: unexpected error\n%s" % (name, traceback.format_exc()))
            continue
        passed += 1
        ran_integration += 1
        print("PASS %s" % name)
        sys.stdout.flush()
    if reason:
        print("WARNING: every integration test was skipped: %s" % reason)
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    if failed:
        return 1
    if ran_integration == 0 and not args.pattern:
        print("FAIL: no integration test ran (they need root and BPF): the suite proves nothing")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
