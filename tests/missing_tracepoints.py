# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""A tracepoint missing on this kernel: ipcscope runs without it, says once
on stderr which feature is off, marks it in the report, and what remains
still counts exactly.

This kernel has every tracepoint, so tests/tools/btf_hide writes a copy of
/sys/kernel/btf/vmlinux in which the tracepoint's typedef btf_trace_NAME is
renamed: by that BTF the tracepoint is not there. Most tests pass it with
--btf (ipcscope checks the BTF the run uses; libbpf uses it for CO-RE only,
type ids unchanged, and attaches with the running kernel's). One bind-mounts
it over /sys/kernel/btf/vmlinux in a private mount namespace, so that libbpf
itself cannot find the attach target either, as on a kernel without it."""
import os
import subprocess

from integration import Skip, count, expect, expect_true

FEATURE_LINE = "ipcscope: %s is missing on this kernel: %s is off"


def hidden_btf(ctx, *tracepoints):
    """A copy of the kernel's BTF without the given tracepoints' typedefs."""
    path = os.path.join(ctx.tmp, "hide-%s.btf" % "-".join(tracepoints))
    proc = subprocess.run([ctx.workload("btf_hide"), "/sys/kernel/btf/vmlinux", path]
                          + list(tracepoints), capture_output=True, text=True, timeout=60)
    expect((proc.returncode, proc.stderr), (0, ""), "btf_hide %s" % " ".join(tracepoints))
    return path


def stderr_lines(run):
    """ipcscope's own lines on stderr (the workload writes none)."""
    return [l for l in run.stderr.splitlines() if l.startswith("ipcscope: ")]


def features_off(run):
    """The features_off records: one at the head of the stream, one with the report."""
    recs = run.of_type("features_off")
    expect(len(recs), 2, "features_off records (first and with the report)")
    expect(recs[0], recs[1], "the two features_off records")
    expect([r["type"] for r in run.records[:2]], ["start", "features_off"],
           "the stream's first records")
    return recs[1]


def off_names(rec):
    return [(f["name"], f["missing"]) for f in rec["features"]]


def test_missing_signal_deliver_leaves_the_rest_exact(ctx):
    n = 40
    btf = hidden_btf(ctx, "signal_deliver")
    run = ctx.trace(["sig_handshake", str(n)], extra=["--btf", btf])
    parent, child = run.pid("parent"), run.pid("child")
    expect(stderr_lines(run), [
        FEATURE_LINE % ("signal_deliver",
                        "signal delivery (deliver records, delivered and handled counts)"),
        FEATURE_LINE % ("signal_deliver", "pending time"),
        FEATURE_LINE % ("signal_deliver", "handler time"),
    ], "stderr: one line per feature off")
    rec = features_off(run)
    expect(rec["missing"], ["signal_deliver"], "features_off missing")
    expect(off_names(rec), [("signal_delivery", ["signal_deliver"]),
                            ("pending_time", ["signal_deliver"]),
                            ("handler_time", ["signal_deliver"])], "features_off features")
    # Generation still works exactly: N kill()s, parent -> child, all queued.
    sig = run.signals("SIGUSR1", sender=parent, target=child)
    expect(count(sig), n, "SIGUSR1 records parent -> child")
    expect({(r["via"], r["result"]) for r in sig}, {("kill", "queued")}, "(API, result)")
    expect(run.process(parent)["signals_sent"], {"SIGUSR1": n}, "parent signals_sent")
    rx = run.received(child, "SIGUSR1")
    expect((rx["generated"], rx["queued"], rx["already_pending"]), (n, n, 0),
           "child SIGUSR1 (generated, queued, already_pending)")
    # Nothing about delivery is invented: no records, null counts, no times.
    expect([r["type"] for r in run.records if r["type"] in (
        "signal_deliver", "signal_handler_return")], [], "delivery and handler records")
    expect((rx["delivered"], rx["handled"], rx["default"], rx["ignored_at_delivery"],
            rx["handler_returns"]), (None, None, None, None, None),
           "child SIGUSR1 delivery counts (null: not measured)")
    expect(("pending_ns" in rx, "handler_ns" in rx), (False, False),
           "pending and handler times in the report")
    # Syscalls and lifecycle are untouched: the child's ready byte and N acks.
    expect(run.process(child)["pipe_write_bytes"], n + 1, "child's pipe bytes written")
    expect(run.process(child)["exit"], {"code": 0}, "child's exit")
    expect(run.of_type("summary")[0]["lost"], 0, "losses (no handler frames piled up)")


def test_missing_sys_enter_turns_syscalls_off_not_signals(ctx):
    n = 25
    btf = hidden_btf(ctx, "sys_enter")
    run = ctx.trace(["sig_handshake", str(n)], extra=["--btf", btf])
    parent, child = run.pid("parent"), run.pid("child")
    syscalls = "syscalls (pipes, FIFOs, EPIPE, IPC, mappings, sigaction, masks, accepts)"
    expect(stderr_lines(run), [FEATURE_LINE % ("sys_enter", "handler time"),
                               FEATURE_LINE % ("sys_enter", syscalls)],
           "stderr: one line per feature off")
    expect(off_names(features_off(run)), [("handler_time", ["sys_enter"]),
                                          ("syscalls", ["sys_enter"])], "features_off features")
    rx = run.received(child, "SIGUSR1")
    expect((rx["generated"], rx["queued"], rx["delivered"], rx["handled"],
            rx["pending_ns"]["samples"]), (n, n, n, n, n),
           "child SIGUSR1 (generated, queued, delivered, handled, pending samples)")
    expect(count(run.delivers(child, "SIGUSR1")), n, "deliver records")
    expect((rx["accepted"], rx["handler_returns"], run.process(child)["pipe_write_bytes"]),
           (None, None, None), "child (accepted, handler_returns, pipe bytes): null")
    # sys_exit was left unloaded with it: no call it reports half.
    expect([r["type"] for r in run.records if r["type"] in (
        "sigaction", "sigprocmask", "pipe_create", "fifo_open", "epipe", "ipc", "map",
        "signal_handler_return")], [], "records of syscalls")
    expect(count(run.signals("SIGUSR1", sender=parent, target=child)), n, "SIGUSR1 records")


def test_missing_sched_prepare_exec_turns_only_exec_closes_off(ctx):
    # Before 6.10: an end closed on exec is not seen; every other way is.
    btf = hidden_btf(ctx, "sched_prepare_exec")
    for how, seen in (("exec", False), ("close", True)):
        run = ctx.trace(["pipe_drop", how, "3"], mode=["sigpipe"], extra=["--btf", btf])
        reader, writer = run.pid("reader"), run.pid("writer")
        expect(stderr_lines(run), [FEATURE_LINE % (
            "sched_prepare_exec", "pipe ends closed on exec (close-on-exec)")],
            "%s: stderr: the one feature off" % how)
        expect(off_names(features_off(run)), [("exec_closes", ["sched_prepare_exec"])],
               "%s: features_off features" % how)
        rep = [r for r in run.of_type("sigpipe_writer") if r["writer"]["pid"] == writer]
        gone = (rep[0]["last_reader_gone"] or {}) if rep else {}
        expect((len(rep), rep[0]["epipe"] if rep else None, gone.get("pid")),
               (1, 3, reader if seen else None),
               "%s: (rows, EPIPE, last reader gone pid)" % how)


def test_missing_tracepoint_in_the_kernel_btf(ctx):
    # As on a kernel without sched_process_exec: the BTF libbpf attaches by
    # lacks it too. Before, the whole load failed ("cannot load the BPF
    # programs: No such process").
    if subprocess.run(["unshare", "--mount", "true"], capture_output=True).returncode:
        raise Skip("unshare --mount (util-linux) cannot make a mount namespace here")
    btf = hidden_btf(ctx, "sched_process_exec")
    proc = subprocess.run(
        ["unshare", "--mount", "sh", "-c",
         'mount --bind "$0" /sys/kernel/btf/vmlinux && exec "$@"', btf,
         ctx.tool, "-v", "--", ctx.workload("sig_handshake"), "10"],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    expect(proc.returncode, 0, "exit status (stderr %r)" % proc.stderr)
    expect([l for l in proc.stderr.splitlines() if "missing on this kernel" in l],
           [FEATURE_LINE % ("sched_process_exec", "exec records and names after exec")],
           "stderr")
    lines = proc.stdout.splitlines()
    # -v shows fork and exec lines: forks still come, COMMAND's own exec does not.
    events = {l.split()[1] for l in lines[1:] if len(l.split()) > 2 and l[:1].isdigit()}
    expect(("fork" in events, "exec" in events), (True, False), "live fork and exec lines")
    child = int([l for l in lines if l.startswith("child=")][0].split("=")[1])
    start = lines.index("features off (their tracepoints are missing on this kernel):")
    expect(lines[start + 1:start + 3],
           ["  exec records and names after exec: sched_process_exec", ""],
           "text report: features off")
    report = lines[[i for i, l in enumerate(lines) if l.startswith("=== ")][0]:]
    expect_true(all(len(l) < 100 for l in report), "a report line is 100 columns or wider")
    row = [l.split() for l in lines if l.split()[:1] == [str(child)] and "USR1" in l.split()]
    # PID COMM SIGNAL SENT RECV QUEUE IGN MERGE DLVR HNDL ACPT ...
    expect([r[3:11] for r in row], [["0", "10", "10", "0", "0", "10", "10", "0"]],
           "child's USR1 report row")


def test_every_tracepoint_missing_is_a_one_line_error(ctx):
    btf = hidden_btf(ctx, "signal_generate", "signal_deliver", "sys_enter", "sys_exit",
                     "sched_process_fork", "sched_process_exec", "sched_process_exit",
                     "sched_prepare_exec")
    proc = subprocess.run([ctx.tool, "--btf", btf, "-d", "1"], capture_output=True, text=True,
                          timeout=30, stdin=subprocess.DEVNULL)
    expect(proc.returncode, 1, "exit status (stderr %r)" % proc.stderr)
    expect(len(proc.stderr.splitlines()), 1, "lines on stderr: %r" % proc.stderr)
    expect_true("lacks the tracepoints ipcscope uses" in proc.stderr and "--btf" in
                proc.stderr, "the error names the problem and the fix: %r" % proc.stderr)


TESTS = [(name, fn) for name, fn in sorted(globals().items())
         if name.startswith("test_") and callable(fn)]
