# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Integration tests: the real ipcscope binary, the real BPF programs, and
workloads whose truth is known. Every assertion filters on the workload's own
pids (the machine has other activity) and says expected vs actual."""
import fcntl
import json
import re
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import json_contract


class Skip(Exception):
    pass


class Run:
    """One ipcscope run: its JSON records, exit code, stderr and the
    workload's key=value lines (its pids and its own view of the truth)."""

    def __init__(self, proc, records, text=""):
        self.rc = proc.returncode
        self.stderr = proc.stderr
        # The workload's lines, then ipcscope's text (written to a file with
        # -o: on one shared pipe a workload's print could land inside a line
        # of ipcscope's, as PYTHONUNBUFFERED's two writes per print() did).
        self.stdout = proc.stdout + ("\n" if proc.stdout and not proc.stdout.endswith("\n")
                                     else "") + text
        self.records = records
        self.kv = {}
        for line in proc.stdout.splitlines():
            if "=" in line and not line.startswith("{"):
                k, _, v = line.partition("=")
                self.kv[k.strip()] = v.strip()

    def pid(self, key):
        assert key in self.kv, "workload did not print %s= (stdout: %r, stderr: %r)" % (
            key, self.stdout[-500:], self.stderr[-500:])
        return int(self.kv[key])

    def of_type(self, t):
        return [r for r in self.records if r["type"] == t]

    def process(self, pid):
        found = [r for r in self.of_type("process") if r["pid"] == pid]
        assert found, "no process record for pid %d (have %s)" % (
            pid, sorted(r["pid"] for r in self.of_type("process")))
        # Two would mean one process's counts split between two identities.
        assert len(found) == 1, "%d process records for pid %d: %r" % (len(found), pid, found)
        return found[0]

    def received(self, pid, signame):
        rec = self.process(pid)["signals_received"]
        assert signame in rec, "pid %d has no %s in signals_received: %s" % (pid, signame, rec)
        return rec[signame]

    def signals(self, signame=None, sender=None, target=None):
        out = []
        for r in self.of_type("signal"):
            if signame and r["signal"] != signame:
                continue
            if target is not None and r["target"]["pid"] != target:
                continue
            if sender is not None and (r["sender"] is None or r["sender"]["pid"] != sender):
                continue
            out.append(r)
        return out

    def delivers(self, pid, signame):
        return [r for r in self.of_type("signal_deliver")
                if r["pid"] == pid and r["signal"] == signame]

    def exits(self, pid):
        return [r for r in self.of_type("exit") if r["pid"] == pid]


def count(records):
    """Events a list of records stands for: folded records carry "count"."""
    return sum(r.get("count", 1) for r in records)


def start_tracer(ctx, args, mode=()):
    """Starts ipcscope -v in the background; returns once its programs are attached."""
    proc = subprocess.Popen([ctx.tool] + list(mode) + ["-v"] + args, stderr=subprocess.PIPE,
                            text=True,
                            stdin=subprocess.DEVNULL)
    deadline = time.time() + 30
    while time.time() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        if "programs attached" in line:
            return proc
    proc.kill()
    raise AssertionError("ipcscope did not report being attached: %r" % proc.communicate()[1])


def wait_attached(stream, what):
    """Reads ipcscope -v's stderr up to "programs attached" (other -v lines, such as
    the capabilities kept, may come first); fails naming what was read instead."""
    seen = []
    for _ in range(20):
        line = stream.readline()
        if isinstance(line, bytes):
            line = line.decode(errors="replace")
        if not line:
            break
        if "programs attached" in line:
            return
        seen.append(line)
    raise AssertionError("%s did not attach: %r" % (what, "".join(seen)))


def expect(actual, expected, what):
    assert actual == expected, "%s: expected %r, got %r" % (what, expected, actual)


def expect_true(cond, what):
    assert cond, what


class Context:
    def __init__(self, build):
        self.build = build
        self.tool = os.path.join(build, "ipcscope")
        self.tmp = tempfile.mkdtemp(prefix="ipcscope-test-")
        # Under `sudo make test`, -- COMMAND would run as the sudo caller (run_as.c):
        # the workloads expect root. The privilege tests set SUDO_UID themselves.
        for var in ("SUDO_UID", "SUDO_GID", "SUDO_USER"):
            os.environ.pop(var, None)

    def cannot_run(self):
        if os.geteuid() != 0:
            return "integration tests load BPF programs: run them as root (sudo make test)"
        if not os.path.exists("/sys/kernel/btf/vmlinux"):
            return "kernel BTF /sys/kernel/btf/vmlinux is missing"
        if not os.access(self.tool, os.X_OK):
            return "%s is not built" % self.tool
        return None

    def workload(self, name):
        return os.path.join(self.build, "tests", name)

    def run(self, args, timeout=60, json_out=True, mode=(), env=None):
        """Runs ipcscope [mode] with args; its JSON or text goes to a file, stdout is the
        workload's."""
        out = os.path.join(self.tmp, "out.jsonl" if json_out else "out.txt")
        if os.path.exists(out):
            os.unlink(out)
        cmd = [self.tool] + list(mode) + (["--json"] if json_out else []) + ["-o", out] + args
        started = time.monotonic()
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL,
                              env=dict(os.environ, **env) if env else None)
        records = []
        if json_out and os.path.exists(out):
            with open(out, encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    try:
                        records.append(json.loads(line))
                    except ValueError as e:
                        raise AssertionError("line %d of the JSON output is not JSON (%s): %r"
                                             % (n, e, line[:200]))
        text = ""
        if not json_out and os.path.exists(out):
            with open(out, encoding="utf-8", errors="replace") as f:
                text = f.read()
        run = Run(proc, records, text)
        # An upper bound for any time measured in the run, not a timing test.
        run.wall_ns = int((time.monotonic() - started) * 1e9)
        return run

    def trace(self, workload_argv, extra=(), timeout=60, mode=(), raw_command=False, env=None):
        command = list(workload_argv) if raw_command else (
            [self.workload(workload_argv[0])] + list(workload_argv[1:]))
        run = self.run(list(extra) + ["--"] + command, timeout=timeout, mode=mode, env=env)
        assert run.rc == 0, "ipcscope -- %s exited %d: %s" % (
            " ".join(workload_argv), run.rc, run.stderr[-1000:])
        summary = run.of_type("summary")
        expect(len(summary), 1, "summary records")
        expect(summary[0]["lost"], 0, "events lost in a quiet run (%s)" % [
            (r.get("reason"), r.get("count")) for r in run.of_type("lost")])
        return run


# ---------------------------------------------------------------- signals

def test_handshake_usr1(ctx):
    n = 200
    run = ctx.trace(["sig_handshake", str(n)])
    parent, child = run.pid("parent"), run.pid("child")
    sig = run.signals("SIGUSR1", sender=parent, target=child)
    expect(count(sig), n, "SIGUSR1 records parent -> child")
    expect({r["via"] for r in sig}, {"kill"}, "API")
    expect({r["result"] for r in sig}, {"queued"}, "results")
    expect({r["sender"]["comm"] for r in sig}, {"sig_handshake"}, "sender comm")
    rx = run.received(child, "SIGUSR1")
    for k, v in (("generated", n), ("queued", n), ("already_pending", 0), ("delivered", n),
                 ("handled", n), ("handler_returns", n), ("accepted", 0),
                 ("pending_unknown", 0)):
        expect(rx[k], v, "child SIGUSR1 %s" % k)
    expect(run.process(parent)["signals_sent"].get("SIGUSR1"), n, "parent signals_sent")
    dl = run.delivers(child, "SIGUSR1")
    expect(count(dl), n, "deliver records")
    expect({r["action"] for r in dl}, {"handler"}, "delivery action")
    expect(count([r for r in run.of_type("signal_handler_return") if r["pid"] == child]), n,
           "handler return records")


def test_fold_keeps_every_event_counted(ctx):
    n = 300
    run = ctx.trace(["sig_handshake", str(n)], extra=["--fold-burst", "5",
                                                       "--fold-window", "10000"])
    parent, child = run.pid("parent"), run.pid("child")
    sig = run.signals("SIGUSR1", sender=parent, target=child)
    expect(count(sig), n, "events represented by SIGUSR1 records (folded included)")
    expect_true(len(sig) < n, "storm was not folded: %d records for %d events" % (len(sig), n))
    expect_true(any(r.get("folded") for r in sig), "no record says folded")
    expect(count(run.delivers(child, "SIGUSR1")), n, "deliveries (folded included)")
    rx = run.received(child, "SIGUSR1")
    # A 10 s window never ends in the run: the folded repeats are still in
    # their slot at exit and only user space's settling counts them.
    expect((rx["generated"], rx["queued"], rx["delivered"]), (n, n, n),
           "exact (generated, queued, delivered) with the burst left in its slot")
    expect(run.process(parent)["signals_sent"].get("SIGUSR1"), n, "parent signals_sent")


def test_fold_settles_bursts_exactly_across_windows(ctx):
    n = 20000
    # 10 ms windows: BPF adds most bursts to its counters when windows end,
    # user space adds the last one; each repeat must be counted exactly once.
    run = ctx.trace(["sig_handshake", str(n)], extra=["--fold-burst", "3",
                                                       "--fold-window", "10"])
    parent, child = run.pid("parent"), run.pid("child")
    sig = run.signals("SIGUSR1", sender=parent, target=child)
    expect_true(any(r.get("folded") for r in sig), "no record says folded")
    expect(count(sig), n, "events represented by SIGUSR1 records (folded included)")
    rx = run.received(child, "SIGUSR1")
    expect((rx["generated"], rx["queued"], rx["delivered"], rx["handler_returns"],
            rx["pending_ns"]["samples"]), (n, n, n, n, n),
           "child SIGUSR1 (generated, queued, delivered, handler_returns, pending samples)")
    dl = [r for r in run.delivers(child, "SIGUSR1") if r.get("pending_ns") is not None]
    expect_true(rx["pending_ns"]["max"] >= max(r["pending_ns"] for r in dl),
                "report pending max below a live record's")
    expect(run.process(parent)["signals_sent"].get("SIGUSR1"), n, "parent signals_sent")


def test_pending_signals_the_kernel_discards(ctx):
    # SIG_IGN while pending discards it (do_sigaction()); a stop signal
    # discards a pending SIGCONT and a SIGCONT a pending stop signal
    # (prepare_signal()): counted, not left as queued and never delivered.
    k = 3
    run = ctx.trace(["sig_discard", "ignore", str(k)])
    child = run.pid("child")
    rx = run.received(child, "SIGUSR1")
    expect((rx["queued"], rx["already_pending"], rx["delivered"], rx["discarded"]),
           (2, k - 1, 1, 1), "SIGUSR1 (queued, already_pending, delivered, discarded)")
    acts = [(r["handler"], r.get("discarded_pending", 0)) for r in run.of_type("sigaction")
            if r["pid"] == child and r["signal"] == "SIGUSR1"]
    expect([d for h, d in acts if h == "ignore"], [1], "SIG_IGN's discarded_pending")
    run = ctx.trace(["sig_discard", "rt", str(k)])
    rx = run.received(run.pid("child"), "SIGRTMIN")
    expect((rx["queued"], rx["delivered"], rx["discarded"]), (k + 1, 1, k),
           "SIGRTMIN (queued, delivered, discarded): each queued copy goes")
    dl = run.delivers(run.pid("child"), "SIGRTMIN")
    sent = [r["ts_ns"] for r in run.signals("SIGRTMIN", target=run.pid("child"))]
    expect_true(len(dl) == 1 and len(sent) == k + 1 and
                dl[0]["pending_ns"] <= dl[0]["ts_ns"] - sent[-1],
                "the delivery is timed from the last send, not a discarded one: %r, sent %r"
                % (dl, sent))
    run = ctx.trace(["sig_discard", "cont"])
    child = run.pid("child")
    got = {s: tuple(run.received(child, s)[f] for f in ("queued", "delivered", "discarded"))
           for s in ("SIGCONT", "SIGTSTP")}
    expect(got, {"SIGCONT": (2, 1, 1), "SIGTSTP": (1, 0, 1)},
           "(queued, delivered, discarded) by signal")
    # A SIGCONT that -s leaves out still flushes the stop signal it selects.
    run = ctx.trace(["sig_discard", "cont"], ["-s", "TSTP"])
    rx = run.received(run.pid("child"), "SIGTSTP")
    expect((rx["queued"], rx["delivered"], rx["discarded"]), (1, 0, 1),
           "SIGTSTP with -s TSTP (queued, delivered, discarded)")
    text = ctx.run(["--", ctx.workload("sig_discard"), "cont"], json_out=False)
    lines = text.stdout.splitlines()
    at = [i for i, l in enumerate(lines) if l.startswith("discarded while pending")]
    child = "sig_discard[%d]" % text.pid("child")
    listed = [l.split() for l in lines[at[0] + 1:at[0] + 4]] if at else []
    expect(sorted((w[0], w[1]) for w in listed if len(w) == 4 and w[3] == child),
           [("1", "SIGCONT"), ("1", "SIGTSTP")], "text report's discard notes")


def test_blocked_signal_merges(ctx):
    k, t_ms = 5, 300
    run = ctx.trace(["sig_blocked", str(k), str(t_ms)])
    parent, child = run.pid("parent"), run.pid("child")
    sig = run.signals("SIGINT", sender=parent, target=child)
    expect(count(sig), k, "SIGINT generated")
    expect([r["result"] for r in sig], ["queued"] + ["already_pending"] * (k - 1),
           "results in order")
    expect({r["blocked"] for r in sig}, {True}, "blocked at generation")
    rx = run.received(child, "SIGINT")
    expect((rx["queued"], rx["already_pending"], rx["delivered"], rx["blocked"]),
           (1, k - 1, 1, k), "child SIGINT (queued, already_pending, delivered, blocked)")
    dl = run.delivers(child, "SIGINT")
    expect(len(dl), 1, "deliveries")
    expect_true(dl[0]["pending_ns"] >= t_ms * 1e6,
                "pending_ns %r < %d ms" % (dl[0]["pending_ns"], t_ms))
    expect_true(rx["pending_ns"]["max"] >= t_ms * 1e6, "report pending max %r" % rx["pending_ns"])
    masks = [r for r in run.of_type("sigprocmask") if r["pid"] == child]
    expect_true(any("SIGINT" in r["blocked"] for r in masks), "no sigprocmask blocking SIGINT")
    expect_true(any("SIGINT" in r["unblocked"] for r in masks), "no sigprocmask unblocking SIGINT")


def test_realtime_signals_queue(ctx):
    k = 6
    run = ctx.trace(["sig_rt_queue", str(k)])
    parent, child, signo = run.pid("parent"), run.pid("child"), run.pid("sig")
    sig = [r for r in run.signals(sender=parent, target=child) if r["sig"] == signo]
    expect(count(sig), k, "real-time signals generated")
    expect({r["result"] for r in sig}, {"queued"}, "results")
    expect({r["via"] for r in sig}, {"rt_sigqueueinfo"}, "API")
    expect({r["code"] for r in sig}, {"SI_QUEUE"}, "si_code")
    # sigqueue()'s values 0..k-1, in order (a folded record would show its first only).
    expect([r["value"]["int"] for r in sig if not r.get("folded")],
           list(range(k)), "sigqueue values carried, in order")
    dl = [r for r in run.of_type("signal_deliver") if r["pid"] == child and r["sig"] == signo]
    expect(count(dl), k, "real-time signals delivered")
    name = sig[0]["signal"]
    rx = run.received(child, name)
    expect((rx["queued"], rx["delivered"]), (k, k), "child (queued, delivered)")


def test_handlers_left_by_exec_are_dropped(ctx):
    # Each image's handler execs the next: those handlers never return. They
    # must not stay on the tracer's 4-deep handler stack, or the last
    # image's handler would be past it (untimed, a loss counted).
    chain = 6
    run = ctx.trace(["sig_exec_handler", str(chain)])
    child = run.pid("child")
    rx = run.received(child, "SIGUSR1")
    expect((rx["delivered"], rx["handled"], rx["handler_returns"]), (chain + 1, chain + 1, 1),
           "child SIGUSR1 (delivered, handled, handler_returns)")


def test_handlers_left_by_longjmp_are_dropped(ctx):
    # 7 SIGSEGV handlers jump out with siglongjmp: their frames must go, or
    # past 4 no handler is timed again (and a loss is counted for nothing).
    # Then 4 SIGUSR2 returns, and 4 SIGUSR1 handlers with a SIGUSR2 nested
    # in each: every return paired with its own handler.
    n, m = 7, 4
    for mode in ([], ["altstack"], ["autodisarm"]):
        run = ctx.trace(["sig_longjmp", str(n), str(m)] + mode)
        pid = run.pid("pid")
        segv, usr1, usr2 = (run.received(pid, s) for s in ("SIGSEGV", "SIGUSR1", "SIGUSR2"))
        expect((segv["handled"], segv["handler_returns"]), (n, 0),
               "SIGSEGV (handled, handler_returns) %s" % mode)
        expect((usr1["handled"], usr1["handler_returns"], usr2["handled"],
                usr2["handler_returns"]), (m, m, 2 * m, 2 * m),
               "SIGUSR1 and SIGUSR2 (handled, handler_returns) %s" % mode)
        rets = [r for r in run.of_type("signal_handler_return") if r["pid"] == pid]
        expect(sorted({r["signal"] for r in rets}), ["SIGUSR1", "SIGUSR2"],
               "handler returns by signal %s" % mode)


def test_ignored_signal(ctx):
    n = 3
    run = ctx.trace(["sig_ignored", str(n)])
    parent, child = run.pid("parent"), run.pid("child")
    sig = run.signals("SIGUSR1", sender=parent, target=child)
    expect([r["result"] for r in sig], ["ignored"] * n, "results")
    rx = run.received(child, "SIGUSR1")
    expect((rx["ignored"], rx["delivered"]), (n, 0), "child (ignored, delivered)")
    acts = [r for r in run.of_type("sigaction") if r["pid"] == child and r["signal"] == "SIGUSR1"]
    expect([r["handler"] for r in acts], ["ignore"], "handler install seen")


def test_sigpipe_death_is_not_sigkill(ctx):
    run = ctx.run(["--", "sh", "-c", "yes | head -n1 >/dev/null"])
    expect(run.rc, 0, "exit status of the pipeline (head's)")
    yes = [r for r in run.of_type("exit") if r["comm"] == "yes"]
    expect(len(yes), 1, "exit records of yes")
    expect((yes[0].get("signal"), yes[0].get("core")), ("SIGPIPE", False), "yes's death")
    pid = yes[0]["pid"]
    sig = run.signals("SIGPIPE", target=pid)
    expect(len(sig), 1, "SIGPIPE records to yes")
    expect((sig[0]["via"], sig[0]["sender"], sig[0]["result"]), ("kernel", None, "queued"),
           "SIGPIPE (via, sender, result)")
    expect(sig[0].get("syscall"), "write", "syscall that raised it")
    dl = run.delivers(pid, "SIGPIPE")
    expect([(r["action"], r["default_action"]) for r in dl], [("default", "term")],
           "SIGPIPE delivery")
    expect(run.delivers(pid, "SIGKILL"), [], "SIGKILL deliveries reported for yes")
    expect(run.process(pid)["exit"], {"signal": "SIGPIPE", "core": False}, "report exit")


def _fault(ctx, kind, core, threads=False):
    args = ["sig_fault", kind] + (["core"] if core else []) + (["threads"] if threads else [])
    run = ctx.trace(args)
    child = run.pid("child")
    signame = {"segv": "SIGSEGV", "fpe": "SIGFPE"}[kind]
    truth_sig, truth_core = run.pid("signal"), bool(run.pid("core"))
    expect(truth_sig, {"segv": 11, "fpe": 8}[kind], "workload's own waitpid signal")
    ex = run.exits(child)
    expect([(e.get("signal"), e.get("core")) for e in ex], [(signame, truth_core)],
           "exit record vs waitpid")
    sig = run.signals(signame, target=child)
    expect([(r["via"], r["sender"]) for r in sig], [("kernel", None)], "fault is kernel-sent")
    expect(sig[0]["code"], {"segv": "SEGV_MAPERR", "fpe": "FPE_INTDIV"}[kind], "si_code")
    dl = run.delivers(child, signame)
    expect([(r["action"], r["default_action"]) for r in dl], [("default", "core")], "delivery")
    if "core_dir" in run.kv:
        subprocess.run(["rm", "-rf", run.kv["core_dir"]])
    return truth_core


def test_segv_core_dump(ctx):
    if not _fault(ctx, "segv", core=True):
        raise Skip("the kernel's core_pattern did not dump a core here; exit matched anyway")


def test_segv_core_dump_of_a_threaded_process(ctx):
    # The dump zaps the other threads; the last one out is not the dumper
    # and its own exit_code lacks the core bit wait() reports.
    if not _fault(ctx, "segv", core=True, threads=True):
        raise Skip("the kernel's core_pattern did not dump a core here; exit matched anyway")


def test_threads_leaving_together_end_their_process_once(ctx):
    # Two threads per child call exit(2) at the same instant on the two
    # CPUs; reading signal->live at sched_process_exit saw ~5% of them end
    # twice (and CI once got a threaded core dump's exit twice). The
    # tracepoint's group_dead is true for exactly one thread. The leader
    # leaves with 7, the other thread with 9: the record's code is what
    # waitpid() gave the workload (the last thread's, since 5.19).
    # (Needs two CPUs to race; this machine has them.)
    n = 200
    run = ctx.trace(["threads_exit_together", str(n), "2"])
    children = [tuple(int(x) for x in c.split(":")) for c in run.kv["children"].split(",")]
    expect(len(children), n, "children the workload reaped")
    exits = {}
    for r in run.of_type("exit"):
        exits.setdefault(r["pid"], []).append((r.get("code"), r.get("signal")))
    wrong = [(pid, code, exits.get(pid)) for pid, code in children
             if exits.get(pid) != [(code, None)]]
    expect(wrong, [], "children without exactly the one exit record waitpid() saw "
           "(pid, status, records)")


def test_group_signal_is_blocked_only_if_every_thread_blocks_it(ctx):
    # Main blocks SIGUSR2, a worker does not: kill() to the process is not
    # blocked (the worker takes it). Once the worker blocks it too, it is.
    n = 4
    run = ctx.trace(["sig_group_blocked", str(n)])
    pid, worker = run.pid("pid"), run.pid("worker")
    sig = run.signals("SIGUSR2", target=pid)
    expect([(r["group"], r["blocked"], r["result"]) for r in sig],
           [(True, False, "queued")] * n + [(True, True, "queued")],
           "SIGUSR2 generations (group, blocked, result)")
    expect([r["tid"] for r in run.delivers(pid, "SIGUSR2")], [worker] * n + [pid],
           "the thread each was delivered to")
    rcv = run.process(pid)["signals_received"]["SIGUSR2"]
    expect((rcv["generated"], rcv["blocked"], rcv["delivered"]), (n + 1, 1, n + 1),
           "report (generated, blocked, delivered)")


def test_fpe_divide_by_zero(ctx):
    _fault(ctx, "fpe", core=False)


def test_alarm_from_kernel(ctx):
    run = ctx.trace(["sig_alarm"])
    pid = run.pid("pid")
    sig = run.signals("SIGALRM", target=pid)
    expect([(r["via"], r["sender"], r["code"], r["result"]) for r in sig],
           [("kernel", None, "SI_KERNEL", "queued")], "SIGALRM generation")
    dl = run.delivers(pid, "SIGALRM")
    expect([r["action"] for r in dl], ["handler"], "SIGALRM delivery")
    # The calls that armed the timers: a new alarm replaces the old one and
    # returns the seconds left on it.
    timers = [r for r in run.of_type("timer") if r["pid"] == pid]
    expect([(r["op"], r["which"], r["signal"], r["value_ns"], r["interval_ns"],
             r.get("seconds_left")) for r in timers],
           [("alarm", "ITIMER_REAL", "SIGALRM", 5 * 10**9, 0, 0),
            ("alarm", "ITIMER_REAL", "SIGALRM", 10**9, 0, run.pid("left")),
            ("setitimer", "ITIMER_VIRTUAL", "SIGVTALRM", 10 * 10**9, 0, None),
            ("setitimer", "ITIMER_VIRTUAL", "SIGVTALRM", 0, 0, None)],
           "timer records (op, which, signal, value, interval, alarm's seconds left)")
    expect(run.pid("left"), 5, "alarm(1) returned the 5 s left on alarm(5)")
    expect((timers[2]["old_value_ns"], timers[2]["old_interval_ns"]), (0, 0),
           "the first setitimer replaced no timer")
    # A CPU-time itimer is kept a tick long (kernel/time/itimer.c
    # set_cpu_itimer() adds TICK_NSEC): up to 10 s and a tick are left.
    expect_true(0 < timers[3]["old_value_ns"] <= 10 * 10**9 + 10**8,
                "the disarming setitimer replaced the armed one: %r" % timers[3])


def test_posix_timer_overruns_are_shown_at_delivery(ctx):
    # A 5 ms POSIX timer whose signal is blocked for 60 ms: one signal is
    # queued, the other expiries become overruns the handler reads from
    # si_overrun. The deliver records carry the same numbers, in order.
    run = ctx.trace(["sig_timer_overrun", "5", "60"])
    pid, sig = run.pid("pid"), run.pid("sig")
    seen = [int(n) for n in run.kv["overruns"].split(",")]
    expect_true(seen[0] > 0, "the workload's timer overran while blocked: %r" % seen)
    name = "SIGRTMIN+%d" % (sig - 34)
    gen = run.signals(name, target=pid)
    expect([(r["code"], r["via"]) for r in gen][:1], [("SI_TIMER", "kernel")],
           "the first generation")
    expect([r.get("overrun") for r in run.delivers(pid, name)], seen,
           "deliver records' overrun vs the handler's si_overrun")


def test_timer_signals_inside_a_syscall_storm_stay_exact(ctx):
    # SIGALRM from the timer interrupt, every 50 us, on the CPU where the
    # same process runs an EPIPE storm: the signal programs run on top of
    # half-done syscall programs (they share the per-CPU fold slots).
    run = ctx.trace(["sig_timer_in_storm", "2000"])
    pid, alarms, epipes = run.pid("pid"), run.pid("alarms"), run.pid("epipes")
    rx = run.received(pid, "SIGALRM")
    # Each SIGALRM the handler ran was made pending once: queued, or, when
    # the interrupt's GFP_ATOMIC sigqueue allocation fails, made pending
    # without its siginfo (kernel/signal.c __send_signal_locked(): result
    # TRACE_SIGNAL_LOSE_INFO). Which one is the kernel's memory, not ours.
    seen = "(all received: %r; handler runs with a non-timer si_code: %d)" % (
        rx, run.pid("not_timer"))
    # Under load the kernel now and then runs ftrace's probe on
    # signal_generate but not the BPF programs for a timer interrupt's
    # SIGALRM (docs/design.md, "Deliveries with no pending time"). The
    # delivery then has no pending time and is counted as such: the
    # shortfall must be exactly that count, and stay rare.
    unseen = rx["pending_unknown"]
    expect((rx["queued"] + rx["lose_info"] + unseen, rx["delivered"], rx["handled"]),
           (alarms, alarms, alarms),
           "SIGALRM (queued + lose_info + pending_unknown, delivered, handled) against the "
           "handler's count " + seen)
    expect_true(unseen <= alarms // 100,
                "SIGALRM deliveries with no generation seen: %d of %d, expected at most 1%% %s"
                % (unseen, alarms, seen))
    expect(rx["generated"], rx["queued"] + rx["lose_info"] + rx["already_pending"],
           "generated = queued + lose_info + merged " + seen)
    sig = run.signals("SIGALRM", target=pid)
    expect({(r["via"], r["code"]) for r in sig}, {("kernel", "SI_KERNEL")}, "SIGALRM origin")
    expect(any(r.get("interrupt") for r in sig), True,
           "some SIGALRM records marked as raised in an interrupt")
    expect([r["context"] for r in sig if r.get("interrupt") and "context" in r], [],
           "contexts claimed for interrupt-raised SIGALRM")
    expect(run.process(pid)["epipe"], epipes, "EPIPE counted")


def check_timer_signals_inside_sigqueue(ctx, clock):
    """The workload queues SIGUSR1 to itself with rt_sigqueueinfo in a loop
    while a POSIX timer sends it SIGUSR2: only the SIGUSR1 are its own."""
    run = ctx.trace(["sig_timer_in_sigqueue", "200000", clock])
    pid, n, timer = run.pid("pid"), run.pid("sigqueued"), run.pid("timer_signals")
    usr1 = run.signals("SIGUSR1", sender=pid, target=pid)
    expect((count(usr1), {r["via"] for r in usr1}), (n, {"rt_sigqueueinfo"}),
           "SIGUSR1 queued to itself (records, API)")
    # SI_TIMER is a code rt_sigqueueinfo also takes from users, and the
    # timer may fire while the process is inside that syscall.
    expect(run.process(pid)["signals_sent"], {"SIGUSR1": n}, "signals the process sent")
    usr2 = run.signals("SIGUSR2", target=pid)
    expect({(r["via"], r["code"], r["sender"] is None) for r in usr2},
           {("kernel", "SI_TIMER", True)}, "SIGUSR2 (via, code, no sender)")
    rx = run.received(pid, "SIGUSR2")
    # One still pending when the workload disarms the timer is dropped by
    # the kernel (6.13+) instead of delivered: the workload says whether.
    expect((rx["queued"], rx["delivered"], rx["handled"]),
           (timer + run.pid("dropped"), timer, timer),
           "SIGUSR2 (queued, delivered, handled) against the handler's count (+ dropped)")
    expect(count(usr2), rx["generated"], "SIGUSR2 records against generated")
    return usr2


def test_timer_signal_inside_sigqueue_is_not_sent_by_the_caller(ctx):
    usr2 = check_timer_signals_inside_sigqueue(ctx, "monotonic")
    # A CLOCK_MONOTONIC timer fires from the hard interrupt.
    expect(any(r.get("interrupt") for r in usr2), True,
           "some SIGUSR2 records marked as raised in an interrupt")
    expect([r for r in usr2 if r.get("interrupt") and "context" in r], [],
           "interrupt-raised SIGUSR2 records with a context")


def test_cpu_timer_signal_inside_sigqueue_is_not_sent_by_the_caller(ctx):
    usr2 = check_timer_signals_inside_sigqueue(ctx, "cpu")
    # A CPU-time timer's signal is raised by task work on the process's own
    # stack, on its way out of whatever syscall the tick interrupted
    # (CONFIG_POSIX_CPU_TIMERS_TASK_WORK): task context, no interrupt to
    # tell it apart. The case is only exercised if some are.
    expect(any(not r.get("interrupt") for r in usr2), True,
           "some SIGUSR2 records raised in task context")


def test_seccomp_trap_inside_sigqueue_is_sent_by_the_kernel(ctx):
    k = 50
    run = ctx.trace(["sig_seccomp_trap", str(k)])
    pid = run.pid("pid")
    expect(run.pid("trapped"), k, "SIGSYS handled by the workload")
    sys_ = run.signals("SIGSYS", target=pid)
    # Forced at syscall entry on the caller's own stack, while its
    # registers still say rt_sigqueueinfo.
    expect({(r["via"], r["code"], r["sender"] is None) for r in sys_},
           {("kernel", "SYS_SECCOMP", True)}, "SIGSYS (via, code, no sender)")
    expect(count(sys_), k, "SIGSYS records")
    rx = run.received(pid, "SIGSYS")
    expect((rx["queued"], rx["delivered"], rx["handled"]), (k, k, k),
           "SIGSYS (queued, delivered, handled)")
    expect(run.process(pid).get("signals_sent", {}), {}, "signals the process sent")
    expect(run.signals("SIGUSR1", target=pid), [], "SIGUSR1 records (the call never ran)")


def test_ignored_signals_say_why(ctx):
    # "ignored" alone reads as "the target set SIG_IGN": a SIGTERM to an exiting
    # process or to a container's init without a handler said the same.
    run = ctx.trace(["sig_ignored_why"])
    parent, ign, zombie, init = (run.pid(k) for k in ("parent", "ign", "zombie", "init"))
    got = sorted((r["signal"], r["target"]["pid"], r["result"], r.get("ignored_because"))
                 for r in run.of_type("signal") if r["target"]["pid"] in (parent, ign, zombie, init))
    expect(got, sorted([("SIGUSR1", ign, "ignored", "sig_ign"),
                        ("SIGTERM", zombie, "ignored", "exiting"),
                        ("SIGTERM", init, "ignored", "init"),
                        ("SIGKILL", init, "queued", None)] +
                       [("SIGCHLD", parent, "ignored", "default")] * 3),
           "(signal, target, result, ignored_because)")
    expect(run.pid("init_signal"), 9, "the init died of the SIGKILL")
    text = ctx.run(["--", ctx.workload("sig_ignored_why")], json_out=False)
    # A default action to ignore (SIGCHLD here) goes without a note.
    notes = [(l.split()[2], re.search(r" ignored( \([^)]*\))?", l).group(1))
             for l in text.stdout.splitlines() if " signal " in l and " ignored" in l]
    expect(sorted(notes), sorted([("SIGUSR1", " (SIG_IGN)"), ("SIGTERM", " (target exiting)"),
                                  ("SIGTERM", " (init, no handler)")] +
                                 [("SIGCHLD", None)] * 3),
           "text notes after 'ignored' (signal, note)")


def test_parent_death_signal_names_the_parent_as_its_siginfo_does(ctx):
    # PR_SET_PDEATHSIG: the kernel sends it with SEND_SIG_NOINFO while the
    # dying parent is current, so the child's siginfo says SI_USER from the
    # parent's pid; the record says the same, from the kernel.
    run = ctx.trace(["sig_pdeathsig"])
    middle, child = run.pid("middle"), run.pid("child")
    expect((run.pid("si_code"), run.pid("si_pid")), (0, middle),
           "what the child's handler saw (si_code SI_USER, si_pid)")
    sig = run.signals("SIGUSR1", target=child)
    expect([(r["via"], r["sender"], r["code"], r.get("si_pid")) for r in sig],
           [("kernel", None, "SI_USER", middle)], "the SIGUSR1 record (via, sender, code, si_pid)")


def test_ptrace_stop_inside_sigqueue_is_not_sent_by_the_tracee(ctx):
    k = 20
    run = ctx.trace(["sig_ptrace_stop", str(k)])
    parent, child, stops = run.pid("parent"), run.pid("child"), run.pid("stops")
    # Its own: K SIGUSR1 through rt_sigqueueinfo and raise()'s SIGSTOP. The
    # SIGCHLD of each syscall stop is raised on its stack while its
    # registers say rt_sigqueueinfo, but is the kernel's.
    expect(run.process(child)["signals_sent"], {"SIGUSR1": k, "SIGSTOP": 1},
           "signals the tracee sent")
    chld = run.signals("SIGCHLD", target=parent)
    expect({(r["via"], r["sender"] is None) for r in chld}, {("kernel", True)},
           "SIGCHLD to the tracer (via, no sender)")
    # One per syscall stop, one for the SIGSTOP's signal-delivery stop, one
    # for the exit.
    expect(count(chld), stops + 2, "SIGCHLD records (syscall stops + SIGSTOP stop + exit)")


def test_compat_syscalls_are_not_read_as_x86_64_ones(ctx):
    k = 10
    run = ctx.run(["--", ctx.workload("sig_compat_int80"), str(k)])
    expect(run.rc, 0, "exit status (stderr: %s)" % run.stderr[-500:])
    if not run.pid("int80"):
        raise Skip("this kernel refuses int 0x80 (IA32 emulation off): no compat syscall to trace")
    parent, child = run.pid("parent"), run.pid("child")
    # int 0x80 kill is 37, x86-64's alarm: the sender is still the child.
    usr1 = run.signals("SIGUSR1", sender=child, target=child)
    expect((count(usr1), {r["via"] for r in usr1}), (k, {"kill"}), "SIGUSR1 (records, API)")
    expect(run.process(child)["signals_sent"], {"SIGUSR1": k}, "signals the child sent")
    # int 0x80 read is 3, x86-64's close: the pipe must not lose its reader.
    pipes = [r for r in run.of_type("pipe") if (r.get("creator") or {}).get("pid") == parent]
    expect(len(pipes), 1, "pipes the parent created")
    pipe = pipes[0]
    expect([(w["pid"], w["bytes"], w["writes"]) for w in pipe["writers"]], [(parent, 10, 1)],
           "writers (pid, bytes, writes)")
    expect([(r["pid"], r["bytes"], r["reads"]) for r in pipe["readers"]], [(child, 6, 1)],
           "readers (pid, bytes, reads): the compat read is not followed")
    gone = pipe.get("last_reader_gone") or {}
    expect((gone.get("pid"), gone.get("by")), (child, "exit"), "last reader gone (pid, by)")
    # ...and is counted as not followed, never silently missing.
    lost = {r["reason"]: r["total"] for r in run.of_type("lost")}
    expect(lost, {"compat_syscall": 1}, "losses by reason")


def test_each_sending_api_is_named(ctx):
    run = ctx.trace(["sig_apis"])
    parent, child = run.pid("parent"), run.pid("child")
    want = {10: ("kill", True), 12: ("tkill", False), 40: ("tgkill", False),
            41: ("rt_sigqueueinfo", True), 42: ("rt_tgsigqueueinfo", False),
            43: ("pidfd_send_signal", True)}
    sent = [r for r in run.signals(sender=parent, target=child)]
    expect(sorted((r["sig"], r["via"], r["group"], r.get("count", 1)) for r in sent),
           sorted((sig, via, group, 1) for sig, (via, group) in want.items()),
           "(signal, API, group, count) parent -> child")
    expect({r["result"] for r in sent}, {"queued"}, "results")
    expect(sum(run.process(parent)["signals_sent"].values()), len(want), "parent signals_sent")
    rx = run.process(child)["signals_received"]
    expect(sorted((k, v["queued"], v["accepted"], v["delivered"]) for k, v in rx.items()),
           sorted((name, 1, 1, 0) for name in
                  {r["signal"] for r in sent}), "child (queued, accepted, delivered)")


def test_failed_sends_are_shown_with_their_error(ctx):
    # Six calls that fail (nothing generated) and one kill(self, 0) that
    # succeeds: each failure is one signal_failed record with its API,
    # target and error, none is a signal record, and the senders count them.
    run = ctx.trace(["sig_send_failed"])
    main, gone, gone2, pidfd, nobody = (run.pid(k) for k in
                                        ("main", "gone", "gone2", "pidfd", "nobody"))
    got = sorted((r["sender"]["pid"], r["via"], r["sig"], r.get("signal"), r.get("kill_pid"),
                  r.get("target_pid"), r.get("target_tid"), r.get("pidfd"), r["error"])
                 for r in run.of_type("signal_failed"))
    want = sorted([
        (main, "kill", 15, "SIGTERM", gone, None, None, None, "ESRCH"),
        (main, "kill", 0, None, gone, None, None, None, "ESRCH"),
        (main, "kill", 70, None, main, None, None, None, "EINVAL"),
        (main, "tgkill", 12, "SIGUSR2", None, main, gone, None, "ESRCH"),
        (main, "pidfd_send_signal", 15, "SIGTERM", None, gone2, None, pidfd, "ESRCH"),
        (nobody, "kill", 10, "SIGUSR1", main, None, None, None, "EPERM")])
    expect(got, want, "signal_failed (sender, via, sig, signal, kill_pid, target_pid, "
           "target_tid, pidfd, error)")
    sent = [r for r in run.of_type("signal") if r["sig"] != 17]  # the children's SIGCHLDs
    expect(sent, [], "signal records other than SIGCHLD")
    expect((run.process(main)["send_failures"], run.process(nobody)["send_failures"]), (5, 1),
           "send_failures of main and of the child turned nobody")
    text = ctx.run(["--", ctx.workload("sig_send_failed")], json_out=False)
    pids = dict(re.findall(r"^(main|nobody)=(\d+)$", text.stdout, re.M))
    line = [l for l in text.stdout.splitlines() if " failed: EPERM" in l]
    expect_true(len(line) == 1 and "kill sig_send_failed[%s] -> sig_send_failed[%s] " % (
                pids.get("nobody"), pids.get("main")) in line[0] and "(not permitted: another user's process" in line[0],
                "the text line of the EPERM: %r" % line)
    expect_true("signal calls that failed, nothing sent" in text.stdout,
                "the report counts them: %r" % text.stdout[-800:])


def test_sigkill_and_sigstop_cannot_be_caught_or_blocked(ctx):
    run = ctx.trace(["sig_uncatchable"])
    child = run.pid("child")
    acts = [r for r in run.of_type("sigaction") if r["pid"] == child]
    expect([(r["signal"], r["handler"] if r["signal"] != "SIGUSR1" else "handler",
             r.get("error")) for r in acts],
           [("SIGKILL", acts[0]["handler"], "EINVAL"), ("SIGSTOP", "ignore", "EINVAL"),
            ("SIGUSR1", "handler", None)], "sigaction records (signal, handler, error)")
    expect_true(acts[0]["handler"] not in ("default", "ignore"),
                "the refused SIGKILL handler shows as the address asked for: %r" % acts[0])
    masks = [r for r in run.of_type("sigprocmask") if r["pid"] == child]
    expect(len(masks), 1, "sigprocmask records")
    expect(("SIGKILL" in masks[0]["mask"], "SIGSTOP" in masks[0]["mask"],
            "SIGUSR1" in masks[0]["mask"]), (False, False, True),
           "blocked set after blocking all (SIGKILL, SIGSTOP, SIGUSR1 in it)")
    expect([(e.get("signal"), e.get("core")) for e in run.exits(child)], [("SIGKILL", False)],
           "the child dies of its SIGKILL, blocked or not")


def test_kill_to_a_process_group_names_the_call(ctx):
    # kill(0, ...) and kill(-pgid, ...) reach each process of the group:
    # one record per process, each carrying the pid kill() was called with.
    run = ctx.trace(["sig_kill_group"])
    parent, pgid = run.pid("parent"), run.pid("pgid")
    group = sorted([parent, run.pid("child1"), run.pid("child2")])
    for name, arg in (("SIGUSR1", 0), ("SIGUSR2", -pgid)):
        sig = run.signals(name, sender=parent)
        expect(sorted((r["target"]["pid"], r["via"], r.get("kill_pid")) for r in sig),
               [(pid, "kill", arg) for pid in group], "%s records (target, via, kill_pid)" % name)
        expect(sorted((r["target"]["pid"], r["result"]) for r in sig),
               sorted((pid, "ignored" if pid == parent else "queued") for pid in group),
               "%s results (the parent ignores it)" % name)


def test_sigchld_and_job_control(ctx):
    run = ctx.trace(["sig_child"])
    parent, child = run.pid("parent"), run.pid("child")
    expect(run.pid("exit"), 3, "child's exit code seen by the workload")
    stop = run.signals("SIGSTOP", sender=parent, target=child)
    expect([(r["via"], r["result"]) for r in stop], [("kill", "queued")], "SIGSTOP generation")
    expect([(r["action"], r["default_action"]) for r in run.delivers(child, "SIGSTOP")],
           [("default", "stop")], "SIGSTOP delivery")
    cont = run.signals("SIGCONT", sender=parent, target=child)
    # SIGCONT's default action is "ignore", so the kernel's result is
    # ignored both times; only the first found the child stopped and
    # resumed it (the second came once it slept again).
    expect([(r["result"], r.get("continued", False)) for r in cont],
           [("ignored", True), ("ignored", False)], "SIGCONT (result, continued) in order")
    chld = run.signals("SIGCHLD", target=parent)
    expect([(r["via"], r["code"], r["context"]["pid"]) for r in chld],
           [("kernel", "CLD_EXITED", child)], "SIGCHLD to the parent (SA_NOCLDSTOP)")
    expect([r["action"] for r in run.delivers(parent, "SIGCHLD")], ["handler"],
           "SIGCHLD delivery")
    expect([e.get("code") for e in run.exits(child)], [3], "child exit record")


def test_pid_namespace_siginfo_pids_are_host_pids(ctx):
    # A container's processes: every pid shown is the host's (as ps on the
    # host shows it), the siginfo's own number in the namespace beside it.
    run = ctx.trace(["sig_pidns"])
    parent, init, child = run.pid("parent"), run.pid("init"), run.pid("child")
    expect((run.pid("ns_child"), run.pid("init_exit")), (2, 0), "(child's pid in its namespace, init's exit)")
    usr1 = run.signals("SIGUSR1", target=init)
    expect([(r["via"], r["sender"]["pid"], r.get("si_pid"), r.get("si_pid_ns")) for r in usr1],
           [("kill", child, child, 2)], "kill() inside the namespace (via, sender, si_pid, si_pid_ns)")
    usr2 = run.signals("SIGUSR2", target=init)
    expect([(r["via"], r["sender"]["pid"], r.get("si_pid"), r.get("si_pid_ns")) for r in usr2],
           [("rt_sigqueueinfo", child, None, 77)],
           "a claimed si_pid no host pid is known for (via, sender, si_pid, si_pid_ns)")
    hup = run.signals("SIGHUP", target=init)
    expect([(r["via"], r["sender"]["pid"], r.get("si_pid"), r.get("si_pid_ns")) for r in hup],
           [("kill", parent, parent, 0)],
           "kill() from outside, zeroed by the kernel (via, sender, si_pid, si_pid_ns)")
    chld = run.signals("SIGCHLD", target=init)
    expect([(r["code"], r.get("si_pid"), r.get("si_pid_ns"), r.get("context", {}).get("pid"),
             r.get("ignored_because")) for r in chld], [("CLD_EXITED", child, 2, child, "default")],
           "SIGCHLD to the namespace's init (code, si_pid, si_pid_ns, context, ignored_because:"
           " its default, not its being an init)")
    chld = run.signals("SIGCHLD", target=parent)
    expect([(r["code"], r.get("si_pid"), r.get("si_pid_ns"), r.get("context", {}).get("pid"))
            for r in chld], [("CLD_EXITED", init, None, init)],
           "SIGCHLD from the init to its parent outside (code, si_pid, si_pid_ns, context)")
    expect([e.get("code") for e in run.exits(child)], [3], "child's exit record")
    failed = [r for r in run.of_type("signal_failed") if r["sender"]["pid"] == child]
    expect([(r["via"], r.get("target_pid"), r.get("target_pid_ns"), r.get("target_tid"),
             r["error"]) for r in failed], [("tgkill", None, 1, 9, "ESRCH")],
           "a failed tgkill inside: its numbers are the namespace's, no host pid "
           "(via, target_pid, target_pid_ns, target_tid, error)")
    proc = ctx.run(["--", ctx.workload("sig_pidns")], json_out=False)
    lines = [l for l in proc.stdout.splitlines() if " signal " in l and "SIGCHLD" in l]
    kv = proc.kv
    expect(sorted(l.split(" CLD_EXITED ")[-1].strip() for l in lines),
           sorted(["child %s" % kv["child"], "child %s" % kv["init"]]),
           "text SIGCHLD lines name host pids: %s" % lines)


def test_handler_is_named_by_its_function(ctx):
    # The workload installs on_usr1 and waits on stdin: once ipcscope has
    # written the install (read while the process lives), the test lets it
    # raise SIGUSR1. Both records name the function and the program.
    out = os.path.join(ctx.tmp, "handler_named.jsonl")
    proc = subprocess.Popen([ctx.tool, "--json", "-o", out, "--",
                             ctx.workload("sig_handler_named")], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        pid = int(proc.stdout.readline().split("=")[1])
        handler = proc.stdout.readline().strip().split("=")[1]
        deadline = time.time() + 20
        installs = []
        while time.time() < deadline and not installs:
            time.sleep(0.02)
            if os.path.exists(out):
                with open(out, encoding="utf-8") as f:
                    installs = [json.loads(ln) for ln in f if '"sigaction"' in ln
                                and '"pid":%d,' % pid in ln and '"SIGUSR1"' in ln]
        expect_true(installs, "ipcscope wrote the SIGUSR1 install within 20 s")
        proc.stdin.write("x")
        proc.stdin.flush()
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    expect(proc.returncode, 0, "ipcscope -- sig_handler_named (%s)" % err[-300:])
    records = json_lines(out)
    named = [(r["type"], r["handler"], r.get("handler_symbol"), r.get("handler_object"))
             for r in records if r.get("pid") == pid and r.get("signal") == "SIGUSR1"
             and r["type"] in ("sigaction", "signal_deliver")]
    expect(named, [("sigaction", handler, "on_usr1", "sig_handler_named"),
                   ("signal_deliver", handler, "on_usr1", "sig_handler_named")],
           "handler records (type, address, symbol, object)")


def test_handler_says_whether_it_interrupted_a_syscall(ctx):
    # signal(7): read() fails with EINTR under a handler without SA_RESTART
    # and is restarted with it; pause() and nanosleep() fail with EINTR
    # whatever SA_RESTART says. The workload prints what each call did.
    run = ctx.trace(["sig_interrupt"])
    child = run.pid("child")
    seen = [run.kv["outcome%d" % i] for i in range(1, 5)]
    expect(seen, ["eintr", "restarted", "eintr", "eintr"], "the calls' own outcomes")
    dl = run.delivers(child, "SIGUSR1")
    got = [(r["interrupted"]["syscall"], r["interrupted"]["outcome"], r["interrupted"]["by"])
           if "interrupted" in r else None for r in dl]
    expect(got, [("read", "eintr", "sa_restart"), ("read", "restarted", "sa_restart"),
                 ("pause", "eintr", "call"), ("nanosleep", "eintr", "call")],
           "deliveries' interrupted (syscall, outcome, decided by)")
    # The pipe's side: three read calls as the kernel saw them (the one
    # that failed with EINTR, the one restarted, its restart that got the
    # byte), two of them cut short, each one a live pipe_io record.
    rd = [e for r in run.of_type("pipe") for e in r["readers"] if e["pid"] == child]
    expect([(e["reads"], e["interrupted"], e["bytes"], e["eof"]) for e in rd], [(3, 2, 1, 0)],
           "the child's reads of its pipe (reads, interrupted, bytes, eof)")
    cut = [(r["syscall"], r["side"]) for r in run.of_type("pipe_io")
           if r["pid"] == child and r["what"] == "interrupted" for _ in range(r.get("count", 1))]
    expect(cut, [("read", "read")] * 2, "pipe_io records of the child's interrupted reads")
    parent = [r["ppid"] for r in run.of_type("fork") if r["pid"] == child]
    acks = [r for r in run.of_type("pipe") if any(e["pid"] in parent for e in r["readers"])]
    wr = [e for r in acks for e in r["writers"] if e["pid"] == child]
    expect([(e["writes"], e["bytes"], e["interrupted"]) for e in wr], [(4, 4, 0)],
           "the handler's writes of its byte to the parent (writes, bytes, interrupted)")
    # Delivered on the way out of the sigprocmask() that unblocked it, a
    # call that completed: nothing was interrupted.
    run = ctx.trace(["sig_blocked", "2", "20"])
    dl = run.delivers(run.pid("child"), "SIGINT")
    expect([(r["action"], r.get("interrupted")) for r in dl], [("handler", None)],
           "SIGINT delivered at its unblock (action, interrupted)")


def test_waits_with_a_temporary_mask_are_shown(ctx):
    # sigsuspend, ppoll, pselect and epoll_pwait each unblock a pending
    # SIGUSR1 (and block SIGUSR2) for their wait: the handler runs inside
    # it. Without the temporary mask a delivery of a signal that is
    # blocked before and after reads as impossible. No record for the
    # waits that let nothing in: a ppoll with the mask in force, one
    # refused (bad sigsetsize), one with a new mask that times out, and
    # one given no mask that a SIGALRM cuts short (the kernel's
    # saved_sigmask is then an earlier call's).
    run = ctx.trace(["sig_wait_mask"])
    pid = run.pid("pid")
    expect((run.pid("handled"), run.pid("alarms")), (4, 1),
           "the workload's handler counts (SIGUSR1, SIGALRM)")
    waits = [r for r in run.of_type("sigmask_wait") if r["pid"] == pid]
    expect([(r["call"], r["unblocked"], r["blocked"], r["mask"], r["mask_after"]) for r in waits],
           [(call, ["SIGUSR1"], ["SIGUSR2"], ["SIGUSR2"], ["SIGUSR1"])
            for call in ("rt_sigsuspend", "ppoll", "pselect6", "epoll_pwait")],
           "waits with a temporary mask (call, unblocked, blocked, mask, mask after)")
    expect([(r["result"], r["blocked"]) for r in run.signals("SIGUSR1", target=pid)],
           [("queued", True)] * 4, "SIGUSR1 generations (result, blocked)")
    dl = run.delivers(pid, "SIGUSR1")
    expect([r["action"] for r in dl], ["handler"] * 4, "SIGUSR1 deliveries")
    # each delivery comes inside its wait: after the wait's record, before the next
    order = [(r["ts_ns"], r["type"]) for r in waits + dl]
    expect([t for _, t in sorted(order)], ["sigmask_wait", "signal_deliver"] * 4,
           "records in time order")


def test_sigwaitinfo_and_signalfd_accept(ctx):
    run = ctx.trace(["sig_accept"])
    child = run.pid("child")
    acc = [r for r in run.of_type("signal_accept") if r["pid"] == child]
    expect(sorted((r["signal"], r["via"]) for r in acc),
           [("SIGUSR1", "sigtimedwait"), ("SIGUSR2", "signalfd")], "accept records")
    # Both were blocked by the child's sigprocmask; sigtimedwait lifts its
    # set from the live mask while it waits, but the kernel still treats it
    # as blocked (real_blocked) and so must the record.
    expect(sorted((r["signal"], r["blocked"]) for r in run.signals(target=child)
                  if r["signal"] in ("SIGUSR1", "SIGUSR2")),
           [("SIGUSR1", True), ("SIGUSR2", True)], "blocked at generation")
    for name in ("SIGUSR1", "SIGUSR2"):
        rx = run.received(child, name)
        expect((rx["queued"], rx["accepted"], rx["delivered"]), (1, 1, 0),
               "%s (queued, accepted, delivered)" % name)


def test_inherited_signalfd_accepts(ctx):
    # The child never called signalfd(): its reads of the fd it inherited
    # are still acceptances, K of them, in reads of up to 8 records.
    k = 13
    run = ctx.trace(["sig_accept", "inherited", str(k)])
    child = run.pid("child")
    acc = [r for r in run.of_type("signal_accept") if r["pid"] == child]
    expect((count(acc), {(r["signal"], r["via"]) for r in acc}),
           (k, {("SIGRTMIN+1", "signalfd")}), "accept records (count, {(signal, via)})")
    rx = run.received(child, "SIGRTMIN+1")
    expect((rx["queued"], rx["accepted"], rx["delivered"]), (k, k, 0),
           "SIGRTMIN+1 (queued, accepted, delivered)")


# ---------------------------------------------------------------- scope, modes

def test_command_scope_excludes_other_processes(ctx):
    outsider = subprocess.Popen([ctx.workload("sig_handshake"), "400"],
                                stdout=subprocess.PIPE, text=True)
    try:
        outsider_pids = {outsider.pid}
        first = outsider.stdout.readline() + outsider.stdout.readline()
        for line in first.splitlines():
            outsider_pids.add(int(line.split("=")[1]))
        run = ctx.trace(["sig_handshake", "50"])
    finally:
        outsider.wait(timeout=30)
    mine = {run.pid("parent"), run.pid("child")}
    seen = set()
    for r in run.records:
        for key in ("sender", "target"):
            if isinstance(r.get(key), dict):
                seen.add(r[key]["pid"])
        if "pid" in r and r["type"] != "summary":
            seen.add(r["pid"])
    expect(seen & outsider_pids, set(), "outsider pids in a -- COMMAND trace")
    expect_true(mine <= seen, "own pids %s not all seen in %s" % (mine, seen))
    expect(count(run.signals("SIGUSR1", sender=run.pid("parent"))), 50, "own signals")


def test_command_exit_status_passes_through(ctx):
    run = ctx.run(["--", "sh", "-c", "exit 7"])
    expect(run.rc, 7, "exit status of 'sh -c exit 7'")
    run = ctx.run(["--", "sh", "-c", "kill -TERM $$"])
    expect(run.rc, 128 + 15, "exit status of a command killed by SIGTERM")
    exits = [r for r in run.of_type("exit") if r.get("signal") == "SIGTERM"]
    expect(len(exits), 1, "SIGTERM death recorded")


def test_duration_ending_before_the_command_says_so(ctx):
    # -d 0.5 ends the run while COMMAND sleeps: the exit status 0 is ipcscope's,
    # not COMMAND's (which would be 7), and that used to go unsaid.
    proc = subprocess.run([ctx.tool, "-d", "0.5", "--", "sh", "-c", "echo pid=$$; sleep 3; exit 7"],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    pid = int(re.search(r"pid=(\d+)", proc.stdout).group(1))
    want = "stopped after -d 0.5 s; sh (pid %d) is still running" % pid
    expect((proc.returncode, want in proc.stderr), (0, True),
           "exit status and %r in stderr %r" % (want, proc.stderr))
    # It was left running; it ends by itself (no signal from here).
    deadline = time.monotonic() + 10
    while os.path.exists("/proc/%d" % pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    # A command that ends first gives its own status and no such line.
    proc = subprocess.run([ctx.tool, "-d", "30", "--", "sh", "-c", "exit 7"],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    expect((proc.returncode, "still running" in proc.stderr), (7, False),
           "exit status and stderr of a command that ends within -d (%r)" % proc.stderr)


def test_command_traced_from_its_exec(ctx):
    """ipcscope's set-up of the command's process (closing its own pipe ends,
    SIGPIPE back to default, the mask reset, the go byte read from a pipe) is
    not the command's IPC: `-- true`, with nothing of ours inherited, shows
    its exec, exit and report row and nothing else (a failed exec, only the
    error record saying so)."""
    out = os.path.join(ctx.tmp, "fromexec.jsonl")
    err = os.path.join(ctx.tmp, "fromexec.err")
    for argv, rc, want in ((["true"], 0, ["exec", "exit", "process"]),
                           (["/nonexistent-command"], 127, ["error"])):
        if os.path.exists(out):
            os.unlink(out)
        # No pipe of ours on the command's fds: it would rightly show at its exit.
        with open(err, "w+", encoding="utf-8") as errf:
            proc = subprocess.run([ctx.tool, "--json", "-o", out, "--"] + argv, timeout=60,
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=errf)
            errf.seek(0)
            expect(proc.returncode, rc, "exit status of -- %s (stderr %r)" % (argv[0],
                                                                            errf.read()))
        recs = []
        if os.path.exists(out):
            with open(out, encoding="utf-8") as f:
                recs = [json.loads(line) for line in f]
        kinds = [r["type"] for r in recs if r["type"] not in ("start", "summary", "lost")]
        expect(kinds, want, "records of -- %s: %s" % (argv[0], recs))


def test_pid_filter_system_wide(ctx):
    target = subprocess.Popen(["sleep", "30"])
    other = subprocess.Popen(["sleep", "30"])
    out = os.path.join(ctx.tmp, "pidfilter.jsonl")
    try:
        tracer = start_tracer(ctx, ["--json", "-o", out, "-p", str(target.pid), "-d", "3"])
        os.kill(other.pid, signal.SIGUSR2)
        os.kill(target.pid, signal.SIGUSR2)
        _, err = tracer.communicate(timeout=30)
        expect(tracer.returncode, 0, "ipcscope -p exit status (stderr: %s)" % err)
    finally:
        for p in (target, other):
            if p.poll() is None:
                p.kill()
            p.wait()
    with open(out, encoding="utf-8") as f:
        recs = [json.loads(line) for line in f]
    sig = [r for r in recs if r["type"] == "signal" and r["signal"] == "SIGUSR2"]
    expect([(r["target"]["pid"], r["sender"]["pid"], r["via"]) for r in sig],
           [(target.pid, os.getpid(), "kill")], "SIGUSR2 records under -p")
    ex = [r for r in recs if r["type"] == "exit"]
    expect([(r["pid"], r.get("signal")) for r in ex], [(target.pid, "SIGUSR2")], "exits under -p")


def finish_attached_run(wl, tracer, what):
    """For a workload that waits for a byte on stdin until the tracer is attached:
    sends it, reads the workload's output until it exits, then stops the tracer
    (after a few of its 10 ms reads of the ring buffer); returns that output."""
    wl.stdin.write("x")
    wl.stdin.flush()
    truth = wl.stdout.read()
    wl.wait(timeout=30)
    time.sleep(0.3)
    tracer.send_signal(signal.SIGINT)
    _, err = tracer.communicate(timeout=30)
    expect(tracer.returncode, 0, "%s exit status (stderr: %s)" % (what, err))
    return truth


def test_pid_filter_given_a_thread_id_follows_its_process(ctx):
    # -p TID (gettid(), top -H): the thread's process is followed, and said so;
    # it used to be taken for a process and trace nothing at all.
    wl = subprocess.Popen([ctx.workload("sig_threads")], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True)
    out = os.path.join(ctx.tmp, "tidfilter.jsonl")
    try:
        pid = int(wl.stdout.readline().split("=")[1])
        tid = int(wl.stdout.readline().split("=")[1])
        tracer = subprocess.Popen([ctx.tool, "-v", "--json", "-o", out, "-p", str(tid)],
                                  stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
        notice = tracer.stderr.readline()
        wait_attached(tracer.stderr, "ipcscope -p TID")
        truth = finish_attached_run(wl, tracer, "ipcscope -p TID")
    finally:
        if wl.poll() is None:
            wl.kill()
        wl.wait()
    expect(notice.strip(), "ipcscope: -p %d is a thread of process %d: following process %d"
           % (tid, pid, pid), "notice")
    expect(truth.split(), ["usr1=3", "usr2=2"], "the workload's own counts")
    with open(out, encoding="utf-8") as f:
        recs = [json.loads(line) for line in f]
    sig = [r for r in recs if r["type"] == "signal" and r["target"]["pid"] == pid]
    expect(sorted((r["signal"], r["via"], r["sender"]["pid"], r["target"]["tid"], r.get("count", 1))
                  for r in sig),
           sorted([("SIGUSR1", "kill", pid, pid, 1)] * 3 + [("SIGUSR2", "tgkill", pid, tid, 1)] * 2),
           "signals under -p TID (signal, via, sender, target tid, count)")
    dl = [(r["signal"], r["tid"]) for r in recs if r["type"] == "signal_deliver" and r["pid"] == pid]
    expect(sorted(dl), sorted([("SIGUSR1", pid)] * 3 + [("SIGUSR2", tid)] * 2),
           "deliveries (signal, thread)")
    expect([(r["pid"], r.get("code")) for r in recs if r["type"] == "exit"], [(pid, 0)],
           "exits under -p TID")


def test_signal_pending_before_tracing_is_delivered_untimed(ctx):
    # A SIGUSR1 raised while blocked before ipcscope -p started: delivered
    # under tracing with no generation seen. It must be counted as such,
    # not leave DLVR above QUEUE unexplained; the SIGUSR2 raised after is
    # timed as usual.
    wl = subprocess.Popen([ctx.workload("sig_pending_before")], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True)
    out = os.path.join(ctx.tmp, "pendingbefore.jsonl")
    try:
        pid = int(wl.stdout.readline().split("=")[1])
        tracer = start_tracer(ctx, ["--json", "-o", out, "-p", str(pid)])
        truth = finish_attached_run(wl, tracer, "ipcscope -p")
    finally:
        if wl.poll() is None:
            wl.kill()
        wl.wait()
    expect(truth.split(), ["usr1=1", "usr2=1"], "the workload's own counts")
    recs = json_lines(out)
    rx = [r for r in recs if r["type"] == "process" and r["pid"] == pid][0]["signals_received"]
    got = {name: (v["generated"], v["delivered"], v["pending_unknown"],
                  v.get("pending_ns", {}).get("samples", 0)) for name, v in rx.items()}
    expect(got, {"SIGUSR1": (0, 1, 1, 0), "SIGUSR2": (1, 1, 0, 1)},
           "received (generated, delivered, pending_unknown, pending samples)")
    dl = {r["signal"]: r["pending_ns"] for r in recs
          if r["type"] == "signal_deliver" and r["pid"] == pid}
    expect((set(dl), dl.get("SIGUSR1")), ({"SIGUSR1", "SIGUSR2"}, None),
           "deliveries, and SIGUSR1's pending_ns")


def test_signal_pending_for_thread_and_process_is_timed_twice(ctx):
    # kill() and tgkill() of one blocked standard signal: pending in the
    # process's set and the thread's at once, delivered twice. Each set's
    # generation is timed on its own (signal_state.bpf.h struct std_pending):
    # both deliveries have a pending time, none is left untimed.
    run = ctx.trace(["sig_pending_twice"])
    pid = run.pid("pid")
    expect(run.pid("handled"), 2, "handler runs (the workload's own count)")
    rx = run.received(pid, "SIGUSR1")
    expect((rx["generated"], rx["queued"], rx["delivered"], rx["pending_unknown"],
            rx.get("pending_ns", {}).get("samples", 0)), (2, 2, 2, 0, 2),
           "SIGUSR1 (generated, queued, delivered, pending_unknown, timed)")
    dl = run.delivers(pid, "SIGUSR1")
    expect((count(dl), [r["pending_ns"] is not None for r in dl]), (2, [True] * len(dl)),
           "deliveries, each with its pending time")
    expect(sorted(r["via"] for r in run.signals("SIGUSR1", target=pid)), ["kill", "tgkill"],
           "the two generations")


def test_pid_filter_still_sees_the_reader_go(ctx):
    # ipcscope -p WRITER on `writer | reader`: the reader is out of scope,
    # but its close or exit is how the writer's reader went away, and must
    # be named. head closes its input; bash's read then exit 3 leaves it
    # to the exit. "early": the writer wrote before tracing and sits idle
    # when the reader goes, so only the fds it held at the start tie the
    # pipe to the scope (tracer__watch_fds).
    b, e = 300, 4
    readers = [("exec head -c %d >/dev/null" % b, ("head", "close", None), ""),
               ("read -r -N %d _; exit 3" % b, ("bash", "exit", {"code": 3}), ""),
               ('read -r -N %d _; until [ -e "$1" ]; do sleep 0.02; done; exit 3' % b,
                ("bash", "exit", {"code": 3}), "early")]
    for i, (reader, want, early) in enumerate(readers):
        go = os.path.join(ctx.tmp, "writer%d.go" % i)
        out = os.path.join(ctx.tmp, "pidreader%d.jsonl" % i)
        line = subprocess.Popen(
            ["bash", "-c", '"$0" "$1" %d %d %s | (echo reader=$BASHPID >&2; %s);'
             ' exit ${PIPESTATUS[0]}' % (b, e, early, reader),
             ctx.workload("pipe_writer_go"), go], stderr=subprocess.PIPE, text=True)
        try:
            seen = {}
            while len(seen) < 3:
                k, _, v = line.stderr.readline().strip().partition("=")
                expect_true(k in ("writer", "ino", "reader"), "workload line %r" % k)
                seen[k] = int(v)
            tracer = start_tracer(ctx, ["--json", "-o", out, "-p", str(seen["writer"]),
                                        "-d", "4"])
            open(go, "w").close()
            expect(line.wait(timeout=30), 0, "the pipeline's status (the writer's EPIPEs)")
            _, err = tracer.communicate(timeout=30)
            expect(tracer.returncode, 0, "ipcscope -p exit status (stderr: %s)" % err)
        finally:
            if line.poll() is None:
                line.kill()
                line.wait()
        with open(out, encoding="utf-8") as f:
            recs = [json.loads(l) for l in f]
        pipe = [r for r in recs if r["type"] == "pipe" and r["ino"] == seen["ino"]]
        expect(len(pipe), 1, "pipe records for the writer's pipe")
        gone = pipe[0].get("last_reader_gone") or {}
        expect((gone.get("pid"), gone.get("comm"), gone.get("by"), gone.get("exit")),
               (seen["reader"],) + want, "last reader gone (pid, comm, by, exit)")
        expect([(w["pid"], w["bytes"], w["epipe"]) for w in pipe[0]["writers"]],
               [(seen["writer"], 0 if early else b, e)],
               "%s writers (pid, bytes while traced, epipe)" % early)
        expect({r["pid"] for r in recs if r["type"] == "exit"}, {seen["writer"]},
               "exit lines under -p: the writer's only")


def test_comm_filter_system_wide(ctx):
    out = os.path.join(ctx.tmp, "commfilter.jsonl")
    tracer = start_tracer(ctx, ["--json", "-o", out, "-c", "sig_ignored", "-d", "3"])
    noise = subprocess.run([ctx.workload("sig_handshake"), "20"], capture_output=True, text=True)
    wl = subprocess.run([ctx.workload("sig_ignored"), "4"], capture_output=True, text=True)
    _, err = tracer.communicate(timeout=30)
    expect(tracer.returncode, 0, "ipcscope -c exit status (stderr: %s)" % err)
    expect((noise.returncode, wl.returncode), (0, 0), "workload exit statuses")
    kv = dict(l.split("=") for l in wl.stdout.split())
    with open(out, encoding="utf-8") as f:
        recs = [json.loads(line) for line in f]
    sig = [r for r in recs if r["type"] == "signal"]
    expect(sorted({r["target"]["comm"] for r in sig}), ["sig_ignored"], "targets under -c")
    # Another run of sig_ignored on the machine matches -c too: count ours.
    usr1 = [r for r in sig if r["signal"] == "SIGUSR1"]
    expect(count([r for r in usr1 if r["target"]["pid"] == int(kv["child"])]), 4,
           "SIGUSR1 to the sig_ignored child")
    procs = {r["comm"] for r in recs if r["type"] == "process"}
    expect(procs, {"sig_ignored"}, "report rows under -c")


def _pids_in(value, keys=("pid", "ppid")):
    """Every pid a record names, at any depth (sender, writers, attachers...)."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k in keys and isinstance(v, int):
                yield v
            else:
                yield from _pids_in(v, keys)
    elif isinstance(value, list):
        for v in value:
            yield from _pids_in(v, keys)


def test_tracer_leaves_itself_out(ctx):
    """System-wide, JSON to a pipe: ipcscope's own output writes, ring-buffer
    mapping, helper processes and signals to it must not show up as traced
    activity; a workload run meanwhile must."""
    tracer = subprocess.Popen([ctx.tool, "-v", "--json", "-d", "3"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    wait_attached(tracer.stderr, "ipcscope -v --json -d 3")
    wl = subprocess.run([ctx.workload("sig_handshake"), "20"], capture_output=True, text=True,
                        timeout=30)
    out, err = tracer.communicate(timeout=60)
    expect(tracer.returncode, 0, "exit status (stderr: %s)" % err[-500:])
    expect(wl.returncode, 0, "workload exit status")
    kv = dict(l.split("=") for l in wl.stdout.split())
    recs = [json.loads(line) for line in out.decode().splitlines()]
    usr1 = [r for r in recs if r["type"] == "signal" and r["signal"] == "SIGUSR1"
            and r["target"]["pid"] == int(kv["child"])]
    expect(sum(r.get("count", 1) for r in usr1), 20, "SIGUSR1 to the workload's child")
    mine = [r for r in recs if tracer.pid in set(_pids_in(r))]
    expect(mine, [], "records naming ipcscope's own pid %d" % tracer.pid)


def test_signal_filter(ctx):
    run = ctx.trace(["sig_accept"], extra=["-s", "USR2"])
    names = {r["signal"] for r in run.records if r["type"].startswith("signal")}
    expect(names, {"SIGUSR2"}, "signals with -s USR2")


def test_signal_filter_hides_what_is_not_about_its_signals(ctx):
    """-s INT over workloads that mask, queue and die of other signals and use
    pipes: only SIGINT's records stay, mask changes that touch SIGINT, no exit
    but deaths by SIGINT, no pipe or IPC record, live or in the report."""
    script = "%s 3 10; %s 3; %s segv; true" % (
        ctx.workload("sig_blocked"), ctx.workload("sig_rt_queue"), ctx.workload("sig_fault"))
    run = ctx.trace(["sh", "-c", script], extra=["-s", "INT"], raw_command=True)
    # sig_blocked's child: the first child= line (each workload prints one).
    child = int([l for l in run.stdout.splitlines() if l.startswith("child=")][0][6:])
    kinds = {r["type"] for r in run.records}
    expect(kinds - {"signal", "signal_deliver", "signal_handler_return", "sigaction",
                    "sigprocmask", "process", "start", "summary"}, set(),
           "record types under -s INT")
    names = {r["signal"] for r in run.records if r["type"].startswith("signal")
             or r["type"] == "sigaction"}
    expect(names, {"SIGINT"}, "signals under -s INT")
    masks = run.of_type("sigprocmask")
    expect([r for r in masks if "SIGINT" not in r["blocked"] + r["unblocked"]], [],
           "mask changes not touching SIGINT")
    # sh blocks everything around its forks: those touch SIGINT too.
    expect([(r["blocked"], r["unblocked"]) for r in masks if r["pid"] == child],
           [(["SIGINT"], []), ([], ["SIGINT"])], "sig_blocked child's mask records")
    expect(count(run.signals("SIGINT", target=child)), 3, "SIGINT records to sig_blocked's child")
    for r in run.of_type("process"):
        expect(set(r["signals_sent"]) | set(r["signals_received"]) <= {"SIGINT"}, True,
               "signals in the report row of %d: %s" % (r["pid"], r))
    # The death by SIGSEGV stays in the report's process rows, not as a live record.
    segv = [r for r in run.of_type("process") if r.get("exit", {}).get("signal") == "SIGSEGV"]
    expect(len(segv), 1, "report rows of the process SIGSEGV killed")


def test_signal_filter_keeps_epipe_for_sigpipe(ctx):
    e = 7
    run = ctx.trace(["pipe_epipe", "ignore", str(e)], extra=["-s", "PIPE"])
    writer = run.pid("writer")
    expect(count([r for r in run.of_type("epipe") if r["pid"] == writer]), e,
           "epipe records under -s PIPE")
    expect(count(run.signals("SIGPIPE", target=writer)), e, "SIGPIPE records under -s PIPE")
    expect([r["type"] for r in run.records if r["type"] in
            ("pipe_create", "fifo_open", "pipe_close", "ipc", "map", "ipc_open")], [],
           "pipe lifecycle records under -s PIPE")
    pipes = run.of_type("pipe")
    expect([sum(w["epipe"] for w in p["writers"]) > 0 for p in pipes], [True],
           "report pipes under -s PIPE: only the one with EPIPE")


def test_signal_filter_takes_the_names_it_prints(ctx):
    run = ctx.trace(["sig_handshake", "3"], extra=["-s", "SIG32,SIG33,RTMIN+1,USR1"])
    child = run.pid("child")
    expect(count(run.signals("SIGUSR1", target=child)), 3, "SIGUSR1 with -s SIG32,...")
    for name in ("SIG32", "sig33", "32"):
        r = subprocess.run([ctx.tool, "-s", name, "--help"], capture_output=True, text=True)
        expect((r.returncode, r.stderr), (0, ""), "ipcscope -s %s --help" % name)


def _waiter(ctx):
    """A process with a SIGUSR1 handler that waits up to 30 s; returns once it is ready."""
    w = subprocess.Popen([sys.executable, "-c",
                          "import signal, sys, time\n"
                          "signal.signal(signal.SIGUSR1, lambda *a: None)\n"
                          "print('ready', flush=True)\n"
                          "for _ in range(300):\n    time.sleep(0.1)\n"],
                         stdout=subprocess.PIPE, text=True)
    expect(w.stdout.readline().strip(), "ready", "waiter started")
    return w


def _match_run(ctx, match, n):
    """-p WAITER --match MATCH while this test sends the waiter n SIGUSR1."""
    w = _waiter(ctx)
    out = os.path.join(ctx.tmp, "match-%s.jsonl" % match)
    try:
        tracer = start_tracer(ctx, ["--json", "-o", out, "-p", str(w.pid), "--match", match,
                                    "-d", "2"])
        for _ in range(n):
            os.kill(w.pid, signal.SIGUSR1)
            time.sleep(0.02)  # one at a time: none merge
        _, err = tracer.communicate(timeout=30)
        expect(tracer.returncode, 0, "ipcscope --match %s exit status (stderr: %s)" % (match, err))
    finally:
        w.kill()
        w.wait()
    with open(out, encoding="utf-8") as f:
        return w.pid, [json.loads(line) for line in f]


def test_match_sender_leaves_out_what_the_target_receives(ctx):
    n = 5
    pid, recs = _match_run(ctx, "sender", n)
    about = [r for r in recs if r["type"].startswith("signal") and r.get("signal") == "SIGUSR1"]
    expect(about, [], "SIGUSR1 records of a -p process that only received, --match sender")
    row = [r for r in recs if r["type"] == "process" and r["pid"] == pid]
    expect([r["signals_received"] for r in row], [{}] * len(row),
           "signals_received of the waiter under --match sender")
    pid, recs = _match_run(ctx, "target", n)
    dl = [r for r in recs if r["type"] == "signal_deliver" and r["pid"] == pid]
    expect((count(dl), {r["action"] for r in dl}), (n, {"handler"}),
           "deliveries to the waiter under --match target")
    row = [r for r in recs if r["type"] == "process" and r["pid"] == pid]
    expect([(r["signals_received"]["SIGUSR1"]["generated"],
             r["signals_received"]["SIGUSR1"]["delivered"]) for r in row], [(n, n)],
           "waiter's SIGUSR1 (generated, delivered) under --match target")


def test_renamed_process_found_by_its_new_name(ctx):
    k, name = 3, "ipcs_first"
    out = os.path.join(ctx.tmp, "rename.jsonl")
    tracer = start_tracer(ctx, ["--json", "-o", out, "-c", name, "-d", "3"])
    wl = subprocess.run([ctx.workload("sig_rename"), str(k), name], capture_output=True,
                        text=True, timeout=30)
    _, err = tracer.communicate(timeout=30)
    expect((tracer.returncode, wl.returncode), (0, 0), "exit statuses (stderr: %s)" % err)
    child = int(dict(l.split("=") for l in wl.stdout.split())["child"])
    with open(out, encoding="utf-8") as f:
        recs = [json.loads(line) for line in f]
    sig = [r for r in recs if r["type"] == "signal" and r["target"]["pid"] == child]
    expect((count(sig), {r["target"]["comm"] for r in sig}), (k, {name}),
           "SIGUSR1 records to the renamed child (count, target comm)")
    expect([(r["comm"], r.get("code")) for r in recs if r["type"] == "exit"
            and r["pid"] == child], [(name, 3)], "the child's exit record (comm, code)")
    row = [r for r in recs if r["type"] == "process" and r["pid"] == child]
    expect([(r["comm"], r["signals_received"]["SIGUSR1"]["handled"]) for r in row], [(name, k)],
           "the child's report row (comm, SIGUSR1 handled)")


def test_text_overflow_column_adds_up(ctx):
    n = 50
    # The workload's child lowers its own RLIMIT_SIGPENDING to 10 (ulimit -i 10).
    proc = ctx.run(["--", ctx.workload("sig_rt_overflow"), str(n), "10"], json_out=False)
    expect(proc.rc, 0, "text run exit status (stderr: %s)" % proc.stderr)
    lines = proc.stdout.splitlines()
    kv = proc.kv
    child, queued, overflow = kv["child"], int(kv["queued"]), int(kv["overflow"])
    expect(queued + overflow, n, "the workload's own queued + overflow")
    expect_true(overflow > 0, "no sigqueue failed with EAGAIN: %r" % kv)
    head = [l.split() for l in lines if l.split()[:3] == ["PID", "COMM", "SIGNAL"]]
    expect(len(head), 1, "report headers")
    row = [l.split() for l in lines if l.split()[:1] == [child] and "RTMIN" in l.split()]
    expect(len(row), 1, "child's RTMIN report rows: %s" % lines[-12:])
    got = dict(zip(head[0], row[0]))
    print("expected RECV %d = QUEUE %d + OVFL %d; row %s" % (n, queued, overflow, row[0]))
    expect((got["RECV"], got["QUEUE"], got["IGN"], got["MERGE"], got["OVFL"], got["DLVR"]),
           (str(n), str(queued), "0", "0", str(overflow), str(queued)),
           "child RTMIN (RECV, QUEUE, IGN, MERGE, OVFL, DLVR)")
    expect_true("LOSE" not in head[0], "a LOSE column without lose_info: %s" % head[0])
    # A sigqueue's EAGAIN is the overflow the kernel traced, not a failed send too.
    expect([l for l in lines if "failed: EAGAIN" in l or "signal calls that failed" in l], [],
           "failed-send lines for the overflows")


def test_text_realtime_names_keep_columns_aligned(ctx):
    proc = ctx.run(["--", ctx.workload("sig_rt_queue"), "2"], json_out=False)
    expect(proc.rc, 0, "text run exit status (stderr: %s)" % proc.stderr)
    lines = proc.stdout.splitlines()
    col = [l for l in lines if l.startswith("TIME")][0].index("DETAIL")
    rt = [l for l in lines if "SIGRTMIN+1 " in l and l[13:20].strip() in ("signal", "deliver")]
    expect_true(rt, "no SIGRTMIN+1 live lines: %s" % lines[:20])
    for l in rt:
        expect((l[col - 1], l[col] != " "), (" ", True), "DETAIL at column %d in %r" % (col, l))


def test_text_fault_names_no_sender(ctx):
    proc = ctx.run(["--", ctx.workload("sig_fault"), "segv"], json_out=False)
    lines = proc.stdout.splitlines()
    segv = [l for l in lines if " signal " in l and "SIGSEGV" in l]
    expect(len(segv), 1, "SIGSEGV live lines: %s" % lines[:20])
    expect_true(segv[0].rstrip().endswith("queued SEGV_MAPERR"),
                "a fault's line names no sender: %r" % segv[0])
    chld = [l for l in lines if " signal " in l and "SIGCHLD" in l and "CLD_" in l]
    expect_true(chld and all(" child " in l and " from " not in l for l in chld),
                "SIGCHLD lines name the child: %s" % chld)


def test_verbose_text_shows_forks_and_execs(ctx):
    # -v: the command's exec, then per /bin/true a fork from the shell and its exec.
    proc = ctx.run(["-v", "--", "sh", "-c", "/bin/true; /bin/true"], json_out=False)
    expect(proc.rc, 0, "exit status (stderr: %s)" % proc.stderr[-300:])
    lines = [l.split()[1:] for l in proc.stdout.splitlines() if l.split()[1:2] in (["fork"], ["exec"])]
    shell = [w[2] for w in lines if w[0] == "exec" and w[2].startswith("sh[")]
    expect(len(shell), 1, "exec lines of the shell: %s" % lines)
    forks = [w for w in lines if w[0] == "fork"]
    expect([(w[3], w[4]) for w in forks], [("from", shell[0])] * 2, "fork lines (from whom)")
    execs = [w[2].split("[")[0] for w in lines if w[0] == "exec" and w[2] != shell[0]]
    expect(execs, ["true", "true"], "exec lines of the children")


def test_programs_stay_within_the_verifier_budget(ctx):
    # The verifier refuses a program once it has checked 1M instructions
    # (BPF_COMPLEXITY_LIMIT_INSNS), and the count grows with every branch
    # on a hot path: sys_exit once took 682k, and two more tests of a
    # pipe call's result took it past the limit. -vv prints each count;
    # a change that takes one past 60% of the limit fails here, while
    # there is room left to find the cause.
    proc = subprocess.run([ctx.tool, "-vv", "-d", "0.1", "-o", os.devnull],
                          capture_output=True, text=True, timeout=120)
    expect(proc.returncode, 0, "exit status (stderr: %s)" % proc.stderr[-300:])
    counts = {}
    for line in proc.stderr.splitlines():
        words = line.split()
        if words[-2:] == ["instructions", "verified"] and words[1] == "program":
            counts[words[2].rstrip(":")] = int(words[3])
    expect(sorted(n for n in ("sys_enter", "sys_exit", "handle_sig_generate",
                              "handle_sig_deliver") if n not in counts), [],
           "programs with no count in -vv's output")
    over = {name: n for name, n in counts.items() if n > 600000}
    expect(over, {}, "programs past 600000 verified instructions (all: %s)" % counts)


def test_text_output_and_report(ctx):
    proc = subprocess.run([ctx.tool, "--", ctx.workload("sig_blocked"), "3", "50"],
                          capture_output=True, text=True, timeout=60)
    expect(proc.returncode, 0, "text run exit status (stderr: %s)" % proc.stderr)
    lines = proc.stdout.splitlines()
    # Text to stdout, the default: the workload shares it, its key=value
    # lines come among ours (its few lines are one write, flushed after its
    # fork, and this run's text fits in one stdio buffer written at our
    # exit: neither cuts the other's lines).
    headers = [l for l in lines if l.split()[:4] == ["TIME", "EVENT", "SIGNAL", "DETAIL"]]
    expect(len(headers), 1, "live header lines")
    child = [l for l in lines if l.startswith("child=")][0].split("=")[1]
    gen = [l for l in lines if " signal " in l and "SIGINT" in l and "[%s]" % child in l]
    expect(len(gen), 3, "live SIGINT lines")
    expect_true(gen[1].rstrip().endswith("merged (blocked)"), "merge shown: %r" % gen[1])
    masks = [l.split("]", 1)[1].strip() for l in lines
             if l.split()[1:2] == ["mask"] and "[%s]" % child in l]
    expect(masks, ["blocked SIGINT, mask now SIGINT", "unblocked SIGINT, mask now empty"],
           "mask lines: the change and the mask it leaves")
    row = [l.split() for l in lines if l.split()[:1] == [child] and "INT" in l.split()]
    expect_true(row, "report row for the child: %s" % lines[-12:])
    # PID COMM SIGNAL SENT RECV QUEUE IGN MERGE DLVR HNDL ACPT
    expect(row[0][3:11], ["0", "3", "1", "0", "2", "1", "1", "0"], "report counters")
    expect_true(all(len(l) < 100 for l in lines), "a line is 100 columns or wider")
    expect_true(any(l.startswith("lost: nothing") for l in lines), "loss line")


def test_works_with_tracefs_unmounted(ctx):
    mounted = subprocess.run(["mountpoint", "-q", "/sys/kernel/tracing"]).returncode == 0
    if mounted and subprocess.run(["umount", "/sys/kernel/tracing"]).returncode != 0:
        raise Skip("tracefs is busy and cannot be unmounted here")
    run = ctx.trace(["sig_ignored", "2"])
    expect(run.received(run.pid("child"), "SIGUSR1")["ignored"], 2, "ignored count")


# ---------------------------------------------------------------- JSON contract

# Workloads that between them write every live and end-of-run record type (the
# doctor's aside), run as one COMMAND so that one stream holds them all.
MIXED_WORKLOADS = [
    "sig_handshake 5", "sig_blocked 2 50", "sig_rt_queue 3", "sig_ignored 2", "sig_alarm",
    "sig_child", "sig_accept", "sig_apis", "sig_fault segv", "sig_wait_mask", "sig_interrupt",
    "sig_timer_overrun 5 30", "sig_pending_at_exit 2 shared", "pipe_transfer 1000 10",
    "fifo_pair {tmp} 1000", "pipe_epipe ignore 20", "pipe_epipe default",
    "pipe_epipe blocked 5", "sock_epipe 5", "tcp_epipe 5", "sendfile_epipe 5 {tmp}",
    "pipe_splice 100", "pipe_psgrep", "ipc_shm_pair {tmp}", "ipc_shm_rmid 50", "ipc_msgq {tmp} 2 2",
    "ipc_sem 50", "ipc_posix 3", "ipc_map_anon", "ipc_map_file {tmp}", "ipc_wait_fail 50",
]
MIXED_TYPES = {"signal", "signal_deliver", "signal_handler_return", "signal_accept",
               "sigaction", "sigprocmask", "sigmask_wait", "exit", "fork", "exec", "pipe_create",
               "fifo_create", "fifo_open", "pipe_close", "epipe", "pipe_io", "pipe_dup", "ipc",
               "map",
               "ipc_open",
               "process", "pipe", "shm", "msgq", "sem", "mq", "mapping", "summary"}


def _mixed_script(ctx, names):
    return "set -e; " + "; ".join(
        ctx.workload(w.split()[0]) + " " + " ".join(w.split()[1:]).format(tmp=ctx.tmp)
        for w in names)


def _expect_contract(run, what, must_have):
    problems = json_contract.check(run.records)
    expect_true(not problems, "%s: %d records break docs/json-schema.md or the issues' "
                "contract, e.g.\n  %s" % (what, len(problems), "\n  ".join(problems[:15])))
    missing = must_have - {r["type"] for r in run.records}
    expect(sorted(missing), [], "%s: record types the workloads should have produced" % what)


def test_json_schema_documents_every_record_type(ctx):
    doc = json_contract.Doc()
    undocumented = json_contract.emitted_types() - set(doc.fields)
    expect(sorted(undocumented), [], "record types src/sink_json*.c writes that "
           "docs/json-schema.md has no section for")
    # The checker is no rubber stamp: each of these breaks the contract.
    good = {"type": "epipe", "ts_ns": 1, "pid": 2, "tid": 2, "comm": "x", "fd": 3,
            "object": {"kind": "pipe", "ino": 4, "dev": 5}, "syscall": "write",
            "sigpipe_action": "ignore"}
    expect(json_contract.check([good], doc), [], "problems of a well-formed epipe record")
    for bad in (dict(good, sigpipe_action="sometimes"), dict(good, fd="3"),
                dict(good, undocumented_field=1), {k: v for k, v in good.items() if k != "fd"},
                dict(good, object={"kind": "pipe"}), dict(good, type="no_such_type")):
        expect_true(json_contract.check([bad], doc), "the checker let %r through" % bad)


def test_json_records_match_the_schema_and_contract(ctx):
    script = _mixed_script(ctx, MIXED_WORKLOADS) + "; yes | head -1 >/dev/null"
    # fork and exec records come with or without -v (it is for text).
    for extra in (["-v"], ["--no-fold"]):
        run = ctx.trace(["sh", "-c", script], extra=extra, raw_command=True, timeout=120)
        what = "ipcscope --json %s" % " ".join(extra)
        _expect_contract(run, what, MIXED_TYPES)
        # Sum "count" (default 1) to count events: the live EPIPEs are the report's.
        live = count(run.of_type("epipe"))
        expect(live, sum(p["epipe"] for p in run.of_type("process")),
               "%s: EPIPEs in epipe records vs the process records' epipe" % what)
        expect_true(live >= 50, "%s: %d EPIPEs, the workloads make more" % (what, live))
        if "--no-fold" in extra:
            folded = [r for r in run.records
                      if r["type"] != "lost" and ("count" in r or "folded" in r)]
            expect(folded[:3], [], "%s: records with count or folded" % what)
    # A kernel without some tracepoints (tests/tools/btf_hide): a features_off
    # record, and null for the process records' counts that were not measured.
    btf = os.path.join(ctx.tmp, "contract-hidden.btf")
    hide = ["signal_deliver", "sys_enter", "sys_exit", "sched_process_fork"]
    proc = subprocess.run([ctx.workload("btf_hide"), "/sys/kernel/btf/vmlinux", btf] + hide,
                          capture_output=True, text=True, timeout=60)
    expect((proc.returncode, proc.stderr), (0, ""), "btf_hide %s" % " ".join(hide))
    run = ctx.trace(["sig_handshake", "3"], extra=["--btf", btf])
    _expect_contract(run, "ipcscope --json --btf (tracepoints hidden)",
                     {"features_off", "signal", "exit", "process", "summary"})
    expect_true(any(p["epipe"] is None for p in run.of_type("process")),
                "counts of a feature that is off are null in process records")
    # The doctor: its own records beside the usual ones. 2000 EPIPE/s for 1.2 s is
    # 20 times the default threshold.
    script = _mixed_script(ctx, ["sigpipe_storm 4096 2000 1200 0 3", "tcp_epipe 5",
                                 "sock_epipe 5"])
    run = ctx.trace(["sh", "-c", script], raw_command=True, mode=["sigpipe"], timeout=120)
    _expect_contract(run, "ipcscope sigpipe --json",
                     {"sigpipe_storm", "sigpipe_writer", "epipe", "process", "summary"})


# ---------------------------------------------------------------- bad input

def test_bad_input_messages_and_codes(ctx):
    script = os.path.join(ctx.tmp, "not-executable.sh")
    with open(script, "w") as f:
        f.write("#!/bin/sh\nexit 0\n")
    os.chmod(script, 0o644)
    cases = [
        (["--", script], 126, "Permission denied: make it executable (chmod +x)"),
        (["-s", "FOO"], 2, "unknown signal 'FOO'"),
        (["-s", "65"], 2, "unknown signal '65'"),
        (["--bogus"], 2, "unknown option '--bogus'"),
        (["-p", "abc"], 2, "a pid must be a whole number"),
        (["-p", "2147483646"], 2, "no process with pid 2147483646"),
        (["-d", "-1"], 2, "-d takes seconds"),
        (["--match", "both"], 2, "--match takes sender, target or either"),
        (["-o", "/nonexistent-dir/x.jsonl", "-d", "1"], 1, "cannot open /nonexistent-dir/x.jsonl"),
        (["--btf", "/nonexistent.btf", "-d", "1"], 1, "cannot read BTF file /nonexistent.btf"),
        (["--", "/nonexistent-command"], 127, "cannot run /nonexistent-command"),
    ]
    for args, rc, msg in cases:
        proc = subprocess.run([ctx.tool] + args, capture_output=True, text=True, timeout=30,
                              stdin=subprocess.DEVNULL)
        expect(proc.returncode, rc, "exit status of ipcscope %s" % " ".join(args))
        expect_true(msg in proc.stderr, "ipcscope %s: %r not in stderr %r"
                    % (" ".join(args), msg, proc.stderr))
        expect_true(len(proc.stderr.strip().splitlines()) <= 2,
                    "ipcscope %s: more than a short message: %r" % (" ".join(args), proc.stderr))
        # Nothing but the error: not even the live stream's header.
        expect(proc.stdout, "", "ipcscope %s: standard output" % " ".join(args))


def test_errors_under_json_are_records_too(ctx):
    # STYLE.md: --json reports errors as JSON (bpftool's p_err). A script reading only
    # the JSON stream must learn why the run ended: the stderr line, as a record, on
    # standard output (usage errors, wherever --json stands) or in the -o file once open.
    bad_btf = os.path.join(ctx.tmp, "not-btf")
    with open(bad_btf, "w") as f:
        f.write("no BTF here\n")
    cases = [
        (["--json", "-s", "NOPE"], 2, "unknown signal 'NOPE'"),
        (["-s", "NOPE", "-j"], 2, "unknown signal 'NOPE'"),
        (["--bogus", "--json"], 2, "unknown option '--bogus'"),
        (["-jd", "1", "--match", "sender"], 2, "--match says which side"),
        (["--json", "-p", "4194304"], 2, "no process with pid 4194304"),
        (["--json", "-o", os.path.join(ctx.tmp, "no", "such", "dir"), "-d", "1"], 1,
         "cannot open "),
        (["--json", "--btf", bad_btf, "-d", "1"], 1, "is not a BTF file"),
    ]
    for args, rc, msg in cases:
        proc = subprocess.run([ctx.tool] + args, capture_output=True, text=True, timeout=30,
                              stdin=subprocess.DEVNULL)
        what = "ipcscope %s" % " ".join(args)
        expect(proc.returncode, rc, "exit status of " + what)
        lines = proc.stderr.splitlines()
        expect_true(len(lines) == 1 and msg in lines[0],
                    "%s: one stderr line with %r, got %r" % (what, msg, proc.stderr))
        records = [json.loads(line) for line in proc.stdout.splitlines()]
        want = [{"type": "error", "message": lines[0][len("ipcscope: "):] if lines else ""}]
        expect(records, want, "%s: the JSON stream" % what)
    # Once -o is open, the record goes there; standard output stays empty.
    out = os.path.join(ctx.tmp, "error.jsonl")
    proc = subprocess.run([ctx.tool, "-o", out, "-j", "--btf", bad_btf, "-d", "1"],
                          capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    expect((proc.returncode, proc.stdout), (1, ""), "exit status and stdout with -o (%r)"
           % proc.stderr)
    with open(out, encoding="utf-8") as f:
        records = [json.loads(line) for line in f]
    expect_true(records and records[-1]["type"] == "error"
                and "is not a BTF file" in records[-1]["message"],
                "the -o file ends with the error record: %r" % records)
    # Text mode, and a COMMAND's own -j: nothing but the stderr line.
    for args in (["-s", "NOPE"], ["-d", "1", "--", "/nonexistent/cmd", "-j"]):
        proc = subprocess.run([ctx.tool] + args, capture_output=True, text=True, timeout=30,
                              stdin=subprocess.DEVNULL)
        expect_true("{" not in proc.stdout, "ipcscope %s wrote JSON: %r"
                    % (" ".join(args), proc.stdout))


def test_bad_input_is_one_line_naming_the_fix(ctx):
    # Each once answered with something else: a system-wide run for a `--` with no
    # COMMAND, libbpf's own line and "Unknown error 4001" for a file that is not
    # BTF, an I/O error for a directory, "cannot read BTF file :" for an empty path.
    cases = [
        (["--"], 2, "-- needs a COMMAND after it"),
        (["-d", "1", "--"], 2, "-- needs a COMMAND after it"),
        (["--btf", "", "-d", "1"], 2, "--btf needs the path of a BTF file"),
        (["-c", "systemd-journald"], 2, "give -c 'systemd-journal', not 'systemd-journald'"),
        (["--btf", "/etc/passwd", "-d", "1"], 1,
         "/etc/passwd is not a BTF file (neither raw BTF nor ELF)"),
        (["--btf", "/bin/sh", "-d", "1"], 1,
         "/bin/sh is not a BTF file (an ELF file without a .BTF section)"),
        (["--btf", ctx.tmp, "-d", "1"], 1, "--btf %s is a directory" % ctx.tmp),
        # Once the last silently won: -o a -o b wrote only b.
        (["-d", "1", "-d", "2"], 2, "-d/--duration given twice (the second is '2'): give it once"),
        (["--no-fold", "--fold-burst", "3"], 2,
         "--no-fold leaves nothing to fold: drop --fold-burst"),
        # What the user gave is quoted escaped: once a newline split the line
        # and an escape sequence reached the terminal.
        (["-s", "\x1b[31mEVIL\n2nd"], 2, "unknown signal '\\x1b[31mEVIL\\x0a2nd'"),
        # A bare word once ran as a command: `ipcscope sigpip` said "cannot run".
        (["sigpip"], 2, "unexpected 'sigpip': a COMMAND to trace goes after --"),
        (["-d", "99999999"], 2, "at most a year (31536000"),
        (["-d", "1", "echo", "hi"], 2, "unexpected 'echo': a COMMAND to trace goes after --"),
    ]
    for args, rc, msg in cases:
        proc = subprocess.run([ctx.tool] + args, capture_output=True, text=True, timeout=30,
                              stdin=subprocess.DEVNULL)
        what = "ipcscope %s" % " ".join(args)
        expect((proc.returncode, proc.stdout), (rc, ""), "exit status and output of " + what)
        expect_true(msg in proc.stderr, "%s: %r not in stderr %r" % (what, msg, proc.stderr))
        expect(len(proc.stderr.splitlines()), 1, "%s: lines on stderr %r" % (what, proc.stderr))
    # `-o --` names a file called "--": not a `--` without a COMMAND.
    out = os.path.join(ctx.tmp, "dashes")
    os.makedirs(out, exist_ok=True)
    proc = subprocess.run([ctx.tool, "-d", "0.2", "-o", "--"], capture_output=True, text=True,
                          timeout=30, cwd=out, stdin=subprocess.DEVNULL)
    expect(proc.returncode, 0, "exit status of ipcscope -d 0.2 -o -- (%r)" % proc.stderr)
    expect_true(os.path.exists(os.path.join(out, "--")), "-o -- should write the file '--'")


def _examples(ctx):
    """(source, argv after ipcscope) of --help's EXAMPLES and the man page's."""
    out = []
    help_text = subprocess.run([ctx.tool, "--help"], capture_output=True, text=True,
                               timeout=10).stdout
    block = help_text.split("EXAMPLES:\n", 1)[1].split("\n\n", 1)[0]
    for line in block.splitlines():
        # argp reflows long lines: a wrapped comment would start a line of its own.
        expect_true(re.match(r"  (sudo )?ipcscope\b", line),
                    "--help EXAMPLES line is not an example (wrapped?): %r" % line)
        out.append(("--help", line.split("#")[0].split()))
    man = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs",
                            "ipcscope.8"), encoding="utf-8").read()
    block = man.split(".SH EXAMPLES\n.nf\n", 1)[1].split(".fi", 1)[0]
    for line in block.splitlines():
        out.append(("ipcscope.8", line.replace("\\-", "-").split()))
    return out


def test_help_and_man_examples_parse(ctx):
    # Each example parses: --usage ends parsing with status 0 once the words
    # before it were taken, before any pid, user or BTF is looked up.
    examples = _examples(ctx)
    expect_true(len(examples) >= 10, "examples found: %r" % examples)
    for source, words in examples:
        if words[0] == "sudo":
            words = words[1:]
        expect(words[0], "ipcscope", "%s example %r starts with ipcscope" % (source, words))
        args = words[1:]
        at = args.index("--") if "--" in args else len(args)
        argv = [ctx.tool] + args[:at] + ["--usage"] + args[at:]
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=10,
                              stdin=subprocess.DEVNULL)
        expect((proc.returncode, proc.stderr), (0, ""),
               "%s example %s (status, stderr)" % (source, " ".join(words)))
def test_refuses_a_child_pid_namespace(ctx):
    # In a container without the host's pids, ipcscope's own pid, -p, -- COMMAND
    # and /proc would not match the host pids BPF sees (-- COMMAND traced
    # nothing): it says so and where to run instead, before loading anything.
    if not shutil.which("unshare"):
        raise Skip("unshare (util-linux) is not installed")
    for args in (["-d", "1"], ["-p", "1", "-d", "1"], ["--", "true"]):
        proc = subprocess.run(["unshare", "--pid", "--fork", "--mount-proc", ctx.tool] + args,
                              capture_output=True, text=True, timeout=30,
                              stdin=subprocess.DEVNULL)
        expect(proc.returncode, 1, "exit status of ipcscope %s in a child PID namespace (%r)"
               % (" ".join(args), proc.stderr))
        expect_true("runs in a child PID namespace" in proc.stderr and "--pid=host" in proc.stderr
                    and len(proc.stderr.strip().splitlines()) == 1,
                    "ipcscope %s: one line naming the fix: %r" % (" ".join(args), proc.stderr))
        expect(proc.stdout, "", "nothing traced")


def test_unwritable_output_fails_cleanly(ctx):
    proc = subprocess.run([ctx.tool, "-o", "/dev/full", "--", ctx.workload("sig_handshake"), "5"],
                          capture_output=True, text=True, timeout=60)
    expect(proc.returncode, 1, "exit status with -o /dev/full")
    expect_true("cannot write to /dev/full" in proc.stderr, "message: %r" % proc.stderr)


def test_unprivileged_user_gets_clear_error(ctx):
    setpriv = subprocess.run(["which", "setpriv"], capture_output=True).returncode == 0
    if not setpriv:
        raise Skip("setpriv (util-linux) is not installed")
    proc = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                           "--inh-caps=-all", "--bounding-set=-all", ctx.tool, "-d", "1"],
                          capture_output=True, text=True, timeout=30)
    expect(proc.returncode, 1, "exit status without privileges")
    expect_true("CAP_BPF" in proc.stderr and "CAP_PERFMON" in proc.stderr and "sudo" in proc.stderr,
                "message names CAP_BPF, CAP_PERFMON and sudo: %r" % proc.stderr)
    expect(len(proc.stderr.strip().splitlines()), 1, "lines of the message %r" % proc.stderr)


# ---------------------------------------------------------------- pipes

def pipe_record(run, ino):
    recs = [r for r in run.of_type("pipe") if r["ino"] == ino]
    expect(len(recs), 1, "pipe records for ino %d" % ino)
    return recs[0]


def ends(rec, side, pid):
    return [e for e in rec[side] if e["pid"] == pid]


def test_pipe_bytes_and_writes_exact(ctx):
    b, w = 60000, 12
    run = ctx.trace(["pipe_transfer", str(b), str(w)])
    parent, child, ino = run.pid("parent"), run.pid("child"), run.pid("ino")
    rec = pipe_record(run, ino)
    expect((rec["kind"], rec["path"]), ("pipe", None), "kind and path")
    expect(rec["creator"]["pid"], parent, "creator")
    wr, rd = ends(rec, "writers", parent), ends(rec, "readers", child)
    expect(len(wr), 1, "writer entries for the parent")
    expect((wr[0]["bytes"], wr[0]["writes"], wr[0]["epipe"]), (b, w, 0),
           "parent (bytes, writes, epipe)")
    expect(len(rd), 1, "reader entries for the child")
    expect((rd[0]["bytes"], rd[0]["eof"]), (b, 1), "child (bytes read, EOF reads)")
    eofs = [(r["pid"], r["object"]["ino"], r["syscall"]) for r in run.of_type("pipe_io")
            if r["what"] == "eof"]
    expect(eofs, [(child, ino, "read")], "pipe_io EOF records (pid, pipe, call)")
    # Waits shorter than 10 ms (the reader waiting on each write) are not records.
    short = [r for r in run.of_type("pipe_io") if r["waited_ns"] < 10**7 and r["what"] == "waited"]
    expect(short, [], "pipe_io records of waits under 10 ms")
    expect(ends(rec, "writers", child), [], "the child wrote nothing")
    expect(run.process(parent)["pipe_write_bytes"] >= b, True, "process pipe_write_bytes")
    expect(run.process(child)["pipe_read_bytes"] >= b, True, "process pipe_read_bytes")
    creates = [r for r in run.of_type("pipe_create") if r["ino"] == ino]
    expect([(r["pid"], r["fd_read"], r["fd_write"]) for r in creates], [(parent, 3, 4)],
           "pipe_create (pid, fds)")
    gone = rec.get("last_reader_gone") or {}
    expect((gone.get("pid"), gone.get("by")), (child, "exit"), "last reader went away")


def test_pipe_chain_edges(ctx):
    b = 30000
    run = ctx.trace(["pipe_chain", str(b)])
    writer, relay, reader = run.pid("writer"), run.pid("relay"), run.pid("reader")
    first, second = pipe_record(run, run.pid("ino1")), pipe_record(run, run.pid("ino2"))
    expect([(e["pid"], e["bytes"], e["writes"]) for e in first["writers"]], [(writer, b, b // 1000)],
           "writer -> pipe 1")
    expect([(e["pid"], e["bytes"]) for e in first["readers"]], [(relay, b)], "pipe 1 -> relay")
    expect([(e["pid"], e["bytes"]) for e in second["writers"]], [(relay, b)], "relay -> pipe 2")
    expect([(e["pid"], e["bytes"]) for e in second["readers"]], [(reader, b)], "pipe 2 -> reader")


def test_ps_grep_built_with_execlp(ctx):
    run = ctx.trace(["pipe_psgrep"])
    ps, grep = run.pid("ps"), run.pid("grep")
    rec = pipe_record(run, run.pid("ino"))
    wr, rd = rec["writers"], rec["readers"]
    expect([(e["pid"], e["comm"]) for e in wr], [(ps, "ps")], "writer named after exec")
    expect([(e["pid"], e["comm"]) for e in rd], [(grep, "grep")], "reader named after exec")
    expect_true(wr[0]["bytes"] > 0, "ps wrote nothing?")
    expect(rd[0]["bytes"], wr[0]["bytes"], "bytes grep read vs bytes ps wrote")
    expect((rec["creator"]["pid"], rec["creator"]["comm"]), (run.pid("parent"), "pipe_psgrep"),
           "creator")
    # How the pipe became their stdout and stdin: the dup2 before each execlp.
    dups = sorted((r["pid"], r["syscall"], r["fd"], r["side"]) for r in run.of_type("pipe_dup")
                  if r["object"]["ino"] == run.pid("ino"))
    expect(dups, sorted([(ps, "dup2", 1, "write"), (grep, "dup2", 0, "read")]),
           "pipe_dup records (pid, call, new fd, side)")


def test_ps_grep_creator_keeps_its_name_after_exec(ctx):
    # The pipe's creator execs ps itself: the pipe was made by pipe_psgrep,
    # not by ps, and the report says so (and what it is now).
    run = ctx.trace(["pipe_psgrep", "self"])
    ps, grep = run.pid("ps"), run.pid("grep")
    rec = pipe_record(run, run.pid("ino"))
    expect((rec["creator"]["pid"], rec["creator"]["comm"]), (ps, "pipe_psgrep"),
           "creator named as it was when it called pipe()")
    expect([(e["pid"], e["comm"]) for e in rec["writers"]], [(ps, "ps")], "writer named after exec")
    expect([(e["pid"], e["comm"]) for e in rec["readers"]], [(grep, "grep")], "reader")
    expect(rec["readers"][0]["bytes"], rec["writers"][0]["bytes"], "bytes read vs written")
    text = ctx.run(["--", ctx.workload("pipe_psgrep"), "self"], json_out=False)
    line = "pipe:[%d] created by pipe_psgrep[%d] (now ps[%d])\n" % (
        text.pid("ino"), text.pid("ps"), text.pid("ps"))
    expect_true(line in text.stdout, "no %r in the text report: %r" % (line, text.stdout[-1500:]))


def test_writes_of_children_reusing_a_dead_siblings_stack_are_theirs(ctx):
    # Each child likely runs on the kernel stack (same syscall frame) of the
    # sibling reaped just before it: child K's K bytes must be its own. (A
    # cache of the current task keyed by the frame, tried in session 19,
    # failed exactly this when it did not check the task's stack.)
    n = 40
    run = ctx.trace(["pipe_children_seq", str(n)])
    rec = pipe_record(run, run.pid("ino"))
    want = sorted((run.pid("child_%d" % k), k, 1) for k in range(1, n + 1))
    expect(sorted((w["pid"], w["bytes"], w["writes"]) for w in rec["writers"]), want,
           "(writer pid, bytes, writes): child K wrote K bytes once")
    expect([(r["pid"], r["bytes"]) for r in rec["readers"]],
           [(run.pid("parent"), n * (n + 1) // 2)], "reader")


def test_fifo_between_unrelated_processes(ctx):
    b = 5000
    run = ctx.trace(["fifo_pair", ctx.tmp, str(b)])
    writer, reader = run.pid("writer"), run.pid("reader")
    rec = pipe_record(run, run.pid("ino"))
    expect((rec["kind"], rec["path"]), ("fifo", run.kv["path"]), "kind and path")
    expect(rec["dev"], os.stat(ctx.tmp).st_dev, "dev vs stat(2)'s st_dev of the FIFO's filesystem")
    expect([(e["pid"], e["bytes"], e["writes"]) for e in rec["writers"]],
           [(writer, b, b // 100)], "writer")
    expect([(e["pid"], e["bytes"]) for e in rec["readers"]], [(reader, b)], "reader")
    creates = [r for r in run.of_type("fifo_create") if r["pid"] == writer]
    umask = os.umask(0)
    os.umask(umask)  # what the workload inherits through ipcscope
    expect([(r["path"], r["mode"], r["umask"]) for r in creates],
           [(run.kv["path"], "0600", "%04o" % umask)], "fifo_create (path, mode, umask)")
    opens = sorted((r["pid"], r["side"]) for r in run.of_type("fifo_open")
                   if r["ino"] == run.pid("ino"))
    expect(opens, sorted([(writer, "write"), (reader, "read")]), "fifo_open (pid, side)")


def test_fifo_open_wait_for_the_other_side(ctx):
    # The reader sleeps in open() until the writer opens, which the writer
    # does delay_ms after it saw the reader asleep there: the reader's
    # fifo_open says it waited at least that long (and no longer than the
    # run), the writer's that it did not wait, and so does its last open,
    # O_NONBLOCK (not marked at sys_enter, known not to wait: 0, not null).
    delay_ms = 300
    run = ctx.trace(["fifo_pair", ctx.tmp, "1000", str(delay_ms)])
    writer, reader, ino = run.pid("writer"), run.pid("reader"), run.pid("ino")
    opens = {(r["pid"], r["side"]): r for r in run.of_type("fifo_open") if r["ino"] == ino}
    expect(sorted(opens), sorted([(writer, "write"), (reader, "read"), (writer, "read")]),
           "fifo_open (pid, side)")
    waited = opens[(reader, "read")]["wait_ns"]
    expect_true(waited is not None and 0.9 * delay_ms * 10**6 <= waited <= run.wall_ns,
                "reader's open wait %r ns, expected >= 0.9 x %d ms and <= the run's %d ns"
                % (waited, delay_ms, run.wall_ns))
    expect([opens[k]["restarted"] for k in sorted(opens)], [False] * 3, "restarted")
    expect(opens[(writer, "write")]["wait_ns"], 0, "writer's open wait (a reader was there)")
    expect(opens[(writer, "read")]["wait_ns"], 0, "O_NONBLOCK open's wait")
    text = ctx.run(["--", ctx.workload("fifo_pair"), ctx.tmp, "1000", str(delay_ms)],
                   json_out=False)
    line = [l for l in text.stdout.splitlines()
            if "[%d] opened " % text.pid("reader") in l]
    expect(len(line), 1, "reader's fifo open lines in %r" % text.stdout[-1500:])
    expect_true(re.search(r"for read as fd \d+, waited [0-9.]+m?s for a writer$", line[0]),
                "reader's open line says how long it waited: %r" % line[0])


def test_fifo_open_restarted_by_a_stop_says_so(ctx):
    # The reader, asleep in open(), is stopped and continued (Ctrl-Z, fg):
    # its open returns -ERESTARTSYS and the kernel enters it again. Its
    # fifo_open says the wait it gives is the part since that restart.
    delay_ms = 200
    run = ctx.trace(["fifo_pair", ctx.tmp, "1000", str(delay_ms), "stop"])
    reader, ino = run.pid("reader"), run.pid("ino")
    opens = [r for r in run.of_type("fifo_open") if r["ino"] == ino and r["pid"] == reader]
    expect(len(opens), 1, "reader's fifo_open records")
    expect(opens[0]["restarted"], True, "restarted")
    waited = opens[0]["wait_ns"]
    expect_true(waited is not None and 0.9 * delay_ms * 10**6 <= waited <= run.wall_ns,
                "reader's wait since the restart %r ns, expected >= 0.9 x %d ms"
                % (waited, delay_ms))
    expect([r["signal"] for r in run.of_type("signal") if r["target"]["pid"] == reader],
           ["SIGSTOP", "SIGCONT"], "signals to the reader")


def test_epipe_with_sigpipe_ignored_counted_exactly(ctx):
    e = 37
    run = ctx.trace(["pipe_epipe", "ignore", str(e)])
    writer, reader, ino = run.pid("writer"), run.pid("reader"), run.pid("ino")
    rec = pipe_record(run, ino)
    expect([(w["pid"], w["epipe"]) for w in rec["writers"] if w["epipe"]], [(writer, e)],
           "EPIPE counted on the pipe")
    expect(run.process(writer)["epipe"], e, "process epipe")
    ep = [r for r in run.of_type("epipe") if r["pid"] == writer]
    expect(count(ep), e, "epipe records (folded included)")
    expect({(r["object"]["kind"], r["object"]["ino"], r["sigpipe_action"]) for r in ep},
           {("pipe", ino, "ignore")}, "epipe (object, sigpipe_action)")
    # pipefs's anonymous dev, as fstat(2) on the pipe reports it.
    expect(({r["object"]["dev"] for r in ep}, rec["dev"]), ({run.pid("dev")}, run.pid("dev")),
           "(epipe object dev, pipe record dev) vs the workload's st_dev")
    sig = run.signals("SIGPIPE", target=writer)
    expect(count(sig), e, "SIGPIPE generated")
    expect({(r["result"], r["object"]["kind"], r["object"]["ino"]) for r in sig},
           {("ignored", "pipe", ino)}, "SIGPIPE (result, object)")
    gone = rec.get("last_reader_gone") or {}
    expect((gone.get("pid"), gone.get("by")), (reader, "exit"), "the reader that went away")


def _trace_preopened(ctx, b, e, fifo_dir=None, as_user=()):
    """fifo_preopened DIR b e (run through as_user, a setpriv prefix), its FIFOs
    opened before two tracers (JSON and text, -p WRITER) start; stopped with SIGINT
    once the writer is done and while it still holds both FIFOs. Returns
    (workload kv, JSON records, text)."""
    wl = subprocess.Popen(list(as_user) + [ctx.workload("fifo_preopened"), fifo_dir or ctx.tmp,
                                           str(b), str(e)],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    json_out, text_out = (os.path.join(ctx.tmp, "preopened." + x) for x in ("jsonl", "txt"))
    kv, tracers = {}, []

    def read_until(key):
        while key not in kv:
            line = wl.stdout.readline()
            expect_true(line, "fifo_preopened ended before printing %s= (%r)" % (key, kv))
            k, _, v = line.strip().partition("=")
            kv[k] = v

    try:
        read_until("ready")
        for args in (["--json", "-o", json_out], ["-o", text_out]):
            tracers.append(start_tracer(ctx, args + ["-p", kv["writer"]]))
        wl.stdin.write("g")
        wl.stdin.flush()
        read_until("done")
        time.sleep(0.3)  # the tracers drain their ring buffers every 10 ms
        for t in tracers:
            t.send_signal(signal.SIGINT)
        for t in tracers:
            _, err = t.communicate(timeout=30)
            expect(t.returncode, 0, "ipcscope -p exit status (stderr %r)" % err[-500:])
        wl.stdin.close()
        expect(wl.wait(timeout=30), 0, "fifo_preopened exit status (its own counts %r)" % kv)
    finally:
        for p in tracers + [wl]:
            if p.poll() is None:
                p.kill()
                p.wait()
    return kv, json_lines(json_out), "\n".join(read_lines(text_out))


def test_fifo_opened_before_tracing_is_named(ctx):
    # -p WRITER starts after the writer opened its FIFOs: no fifo_open record, so
    # the EPIPE's fd (a) and the traffic rows (b) name them from /proc/PID/fd. Every
    # record and line about them shows the path; dev is stat(2)'s st_dev.
    b, e = 5000, 7
    kv, recs, text = _trace_preopened(ctx, b, e)
    writer = int(kv["writer"])
    a = ("fifo", int(kv["ino_a"]), kv["path_a"], int(kv["dev_a"]))
    pipes = {r["ino"]: r for r in recs if r["type"] == "pipe"}
    expect_true(a[1] in pipes and int(kv["ino_b"]) in pipes,
                "pipe records for both FIFOs: have %s" % sorted(pipes))
    rec_a, rec_b = pipes[a[1]], pipes[int(kv["ino_b"])]
    expect((rec_a["kind"], rec_a["ino"], rec_a["path"], rec_a["dev"]), a,
           "FIFO a pipe record (kind, ino, path, dev)")
    expect([(w["pid"], w["bytes"], w["writes"], w["epipe"]) for w in rec_a["writers"]],
           [(writer, b, b // 100 + e, e)], "FIFO a writers (pid, bytes, writes, epipe)")
    ep = [r for r in recs if r["type"] == "epipe" and r["pid"] == writer]
    expect(count(ep), e, "epipe records (folded included)")
    expect({(r["object"]["kind"], r["object"]["ino"], r["object"].get("path"),
             r["object"]["dev"]) for r in ep}, {a}, "epipe objects (kind, ino, path, dev)")
    sig = [r for r in recs if r["type"] == "signal" and r["signal"] == "SIGPIPE"
           and r["target"]["pid"] == writer]
    expect(count(sig), e, "SIGPIPE records (folded included)")
    expect({(r["result"], r["object"]["kind"], r["object"]["ino"], r["object"].get("path"),
             r["object"]["dev"]) for r in sig}, {("ignored",) + a},
           "SIGPIPE (result, object kind, ino, path, dev)")
    expect((rec_b["kind"], rec_b["path"], rec_b["dev"]),
           ("fifo", kv["path_b"], int(kv["dev_b"])), "FIFO b pipe record (kind, path, dev)")
    expect([(w["pid"], w["bytes"], w["writes"], w["partial"], w["eagain"])
            for w in rec_b["writers"]],
           [(writer, int(kv["b_bytes"]), 2, 1, 1)],
           "FIFO b writers (pid, bytes, writes, partial, eagain)")
    # The text run: the same names on the signal line, the EPIPE line and the graph.
    fifo_a, fifo_b = "fifo:" + kv["path_a"], "fifo:" + kv["path_b"]
    lines = text.splitlines()
    sig_lines = [l for l in lines if " signal  SIGPIPE " in l and "[%d]" % writer in l]
    expect_true(sig_lines, "no SIGPIPE line for the writer in: %r" % text[-3000:])
    expect([l for l in sig_lines if "writing to %s " % fifo_a not in l], [],
           "SIGPIPE lines not naming %s" % fifo_a)
    ep_lines = [l for l in lines if " EPIPE   SIGPIPE " in l]
    expect_true(ep_lines, "no EPIPE line in: %r" % text[-3000:])
    expect([l for l in ep_lines if " to %s: EPIPE" % fifo_a not in l], [],
           "EPIPE lines not naming %s" % fifo_a)
    expect([l for l in lines if "fifo:[" in l], [], "lines naming a FIFO by inode")
    for fifo in (fifo_a, fifo_b):
        expect_true(fifo in lines, "the report's pipe graph has no %r: %r" % (fifo, text[-3000:]))
    graph_b = lines[lines.index(fifo_b) + 1]
    expect_true(graph_b.endswith(", 1 partial, 1 EAGAIN"),
                "FIFO b's writer line shows its partial write and EAGAIN: %r" % graph_b)


def test_fifo_of_another_user_opened_before_tracing_is_named(ctx):
    # Its fd table is another user's: named with the CAP_DAC_READ_SEARCH and
    # CAP_SYS_PTRACE the tracer keeps after dropping the rest.
    if subprocess.run(["which", "setpriv"], capture_output=True).returncode != 0:
        raise Skip("setpriv (util-linux) is not installed")
    kv, recs, _ = _trace_preopened(ctx, 1000, 2, nobody_dir(ctx), as_user=[
        "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"])
    pipes = {r["ino"]: (r["path"], r["dev"]) for r in recs if r["type"] == "pipe"}
    expect([pipes.get(int(kv[k])) for k in ("ino_a", "ino_b")],
           [(kv["path_a"], int(kv["dev_a"])), (kv["path_b"], int(kv["dev_b"]))],
           "nobody's FIFOs (path, dev)")


def test_epipe_with_sigpipe_blocked_merges_exactly(ctx):
    # SIGPIPE blocked with a handler: the first write's SIGPIPE is queued, the
    # other e - 1 merge into it (already_pending, counted at their writes'
    # return with the EPIPE), and the handler runs once when it is unblocked.
    e = 23
    run = ctx.trace(["pipe_epipe", "blocked", str(e)])
    writer, ino = run.pid("writer"), run.pid("ino")
    rec = pipe_record(run, ino)
    expect([(w["pid"], w["epipe"]) for w in rec["writers"] if w["epipe"]], [(writer, e)],
           "EPIPE counted on the pipe")
    ep = [r for r in run.of_type("epipe") if r["pid"] == writer]
    expect(count(ep), e, "epipe records (folded included)")
    expect({r["sigpipe_action"] for r in ep}, {"blocked"}, "epipe sigpipe_action")
    sig = run.signals("SIGPIPE", target=writer)
    expect(sorted((r["result"], r["blocked"], r["object"]["ino"], count([r])) for r in sig
                  if r["result"] == "queued"), [("queued", True, ino, 1)], "the queued SIGPIPE")
    expect(sum(count([r]) for r in sig if r["result"] == "already_pending"), e - 1,
           "SIGPIPE records merged into the pending one")
    expect({(r["blocked"], r["object"]["kind"], r["object"]["ino"]) for r in sig},
           {(True, "pipe", ino)}, "SIGPIPE (blocked, object)")
    rx = run.process(writer)["signals_received"]["SIGPIPE"]
    expect((rx["generated"], rx["queued"], rx["already_pending"], rx["blocked"],
            rx["delivered"], rx["handled"]), (e, 1, e - 1, e, 1, 1),
           "writer's SIGPIPE (generated, queued, already_pending, blocked, delivered, handled)")


def test_sigpipe_death_names_the_pipe(ctx):
    run = ctx.trace(["pipe_epipe", "default"])
    writer, ino = run.pid("writer"), run.pid("ino")
    sig = run.signals("SIGPIPE", target=writer)
    expect([(r["result"], r["object"]["kind"], r["object"]["ino"]) for r in sig],
           [("queued", "pipe", ino)], "SIGPIPE (result, object)")
    expect(run.process(writer)["exit"], {"signal": "SIGPIPE", "core": False}, "death")
    ep = [r for r in run.of_type("epipe") if r["pid"] == writer]
    expect([r["sigpipe_action"] for r in ep], ["default"], "epipe sigpipe_action")


def test_sigpipe_action_change_gets_its_own_epipe_record(ctx):
    # E EPIPEs with SIGPIPE ignored, then one with the default: the writer
    # dies of it, and the folded records say so instead of "ignore" for all.
    e = 40
    run = ctx.trace(["pipe_epipe", "switch", str(e)])
    writer, ino = run.pid("writer"), run.pid("ino")
    ep = [r for r in run.of_type("epipe") if r["pid"] == writer]
    by_action = {}
    for r in ep:
        by_action[r["sigpipe_action"]] = by_action.get(r["sigpipe_action"], 0) + count([r])
    expect(by_action, {"ignore": e, "default": 1}, "epipe records by sigpipe_action")
    expect(run.process(writer)["exit"], {"signal": "SIGPIPE", "core": False}, "death")
    rec = pipe_record(run, ino)
    expect([(w["pid"], w["epipe"]) for w in rec["writers"] if w["epipe"]], [(writer, e + 1)],
           "EPIPE counted on the pipe")


def test_sendfile_epipe_and_msg_nosignal(ctx):
    # sendfile into a pipe and a unix socket with no reader (SIGPIPE
    # ignored), then send(MSG_NOSIGNAL) on the socket with the default
    # action: every EPIPE named, no SIGPIPE for the last E.
    e = 7
    run = ctx.trace(["sendfile_epipe", str(e), ctx.tmp])
    pid, pipe_ino, sock_ino = run.pid("pid"), run.pid("pipe"), run.pid("sock")
    got = {}
    for r in run.of_type("epipe"):
        if r["pid"] == pid:
            k = (r["syscall"], r["object"]["kind"], r["object"]["ino"], r["sigpipe_action"])
            got[k] = got.get(k, 0) + count([r])
    expect(got, {("sendfile", "pipe", pipe_ino, "ignore"): e,
                 ("sendfile", "unix", sock_ino, "ignore"): e,
                 ("sendto", "unix", sock_ino, "nosignal"): e},
           "epipe records (syscall, kind, ino, sigpipe_action): count")
    sig = run.signals("SIGPIPE", target=pid)
    sigs = {}
    for r in sig:
        k = (r["object"]["kind"], r["object"]["ino"], r["result"])
        sigs[k] = sigs.get(k, 0) + count([r])
    expect(sigs, {("pipe", pipe_ino, "ignored"): e, ("unix", sock_ino, "ignored"): e},
           "SIGPIPE (object kind, ino, result): count; none for MSG_NOSIGNAL")
    expect(run.process(pid)["epipe"], 3 * e, "process epipe")
    rec = pipe_record(run, pipe_ino)
    expect([(w["pid"], w["epipe"], w["writes"]) for w in rec["writers"]], [(pid, e, e)],
           "pipe writers (pid, epipe, writes)")


def test_socket_epipe_is_not_a_pipe(ctx):
    e = 9
    run = ctx.trace(["sock_epipe", str(e)])
    parent, ino = run.pid("parent"), run.pid("ino")
    ep = [r for r in run.of_type("epipe") if r["pid"] == parent]
    expect(count(ep), e, "epipe records")
    expect({r["object"]["kind"] for r in ep}, {"unix"}, "object kind")
    sig = run.signals("SIGPIPE", target=parent)
    expect(count(sig), e, "SIGPIPE generated")
    expect({r["object"]["kind"] for r in sig}, {"unix"}, "SIGPIPE object kind")
    expect([r for r in run.of_type("pipe") if r["ino"] == ino], [], "no pipe record for a socket")
    expect(run.process(parent)["epipe"], e, "process epipe")


def test_blocked_writer_and_eagain(ctx):
    t_ms = 300
    check_blocked_writer_and_eagain(ctx.trace(["pipe_blocked", str(t_ms)]), t_ms)


def check_blocked_writer_and_eagain(run, t_ms):
    parent = run.pid("parent")
    rec = pipe_record(run, run.pid("ino"))
    wr = ends(rec, "writers", parent)
    expect([(w["bytes"], w["writes"]) for w in wr], [(131072, 2)], "writer (bytes, writes)")
    expect_true(t_ms * 0.8e6 <= wr[0]["blocked_ns"] <= run.wall_ns,
                "writer blocked %d ns: reader slept %d ms, the run took %d ns" % (
                    wr[0]["blocked_ns"], t_ms, run.wall_ns))
    empty = pipe_record(run, run.pid("ino_empty"))
    expect([(r["pid"], r["eagain"], r["bytes"]) for r in empty["readers"]], [(parent, 1, 0)],
           "non-blocking read of an empty pipe")
    # The same, live: the writer's long wait (the write that filled the pipe
    # waited on nothing), the EAGAIN, and the reader's EOF once it drained it.
    # (A reader's wait for the writer's next chunk depends on scheduling: left out.)
    child = run.pid("child")
    live = [(r["pid"], r["object"]["ino"], r["side"], r["what"], r["count"] if "count" in r else 1)
            for r in run.of_type("pipe_io") if not (r["pid"] == child and r["what"] == "waited")]
    expect(sorted(live), sorted([(parent, run.pid("ino"), "write", "waited", 1),
                                 (parent, run.pid("ino_empty"), "read", "eagain", 1),
                                 (child, run.pid("ino"), "read", "eof", 1)]),
           "pipe_io records (pid, pipe, side, what, count)")
    waited = [r for r in run.of_type("pipe_io") if r["what"] == "waited" and r["pid"] == parent]
    expect([r["waited_ns"] for r in waited], [wr[0]["blocked_ns"]],
           "the live wait is the writer's blocked time")




# ---------------------------------------------------------------- sigpipe doctor

def storm_alerts(run, writer):
    return [(r["state"], r) for r in run.of_type("sigpipe_storm") if r["writer"]["pid"] == writer]


def test_doctor_alerts_on_a_storm_and_names_who(ctx):
    # 5000 EPIPE/s for 1.5 s against a threshold of 1000/s, then 3.5 s quiet:
    # the end comes from the rate falling (2 s window), before the writer exits.
    run = ctx.trace(["sigpipe_storm", "4096", "5000", "1500", "3500", "3"],
                    extra=["--threshold", "1000", "--fold-window", "200"], mode=["sigpipe"])
    writer, reader, ino = run.pid("writer"), run.pid("reader"), run.pid("ino")
    epipe = run.pid("epipe")
    alerts = storm_alerts(run, writer)
    expect([state for state, _ in alerts], ["start", "end"], "alerts for the writer")
    start, end = alerts[0][1], alerts[1][1]
    for a in (start, end):
        expect((a["object"]["kind"], a["object"]["ino"]), ("pipe", ino), "alert object")
        expect(a["sigpipe_action"], "ignore", "writer's SIGPIPE action")
        expect(a["bytes_before_first_epipe"], 4096, "bytes before the first EPIPE")
        gone = a["last_reader_gone"]
        expect((gone["pid"], gone["by"], gone.get("exit")), (reader, "exit", {"code": 3}),
               "reader that went away (pid, by, exit)")
    expect((end["epipe"], end["ended_by"], "count" in end), (epipe, "rate", False),
           "storm end (EPIPEs in the storm vs the workload's count, ended by, no 'count')")
    wexit = run.exits(writer)
    expect_true(wexit and end["ts_ns"] < wexit[0]["ts_ns"],
                "the storm should end while the writer sits quiet, before it exits")
    rep = [r for r in run.of_type("sigpipe_writer") if r["writer"]["pid"] == writer]
    expect(len(rep), 1, "sigpipe_writer records for the writer")
    rep = rep[0]
    expect((rep["epipe"], rep["writer_sigpipes"], rep["storms"]), (epipe, epipe, 1),
           "report (epipe, SIGPIPEs, storms)")
    expect(rep["bytes_before_first_epipe"], 4096, "report bytes before")
    expect([(r["pid"], r["bytes"]) for r in rep["readers"]], [(reader, 4096)], "readers")
    # The workload fails writes for 1.5 s by its own clock: last - first spans
    # that (folded records carry how long their repeats ran, not only the first).
    span = rep["last_ts_ns"] - rep["first_ts_ns"]
    expect_true(1.4e9 <= span < 5e9, "first to last seen: %d ns for a 1.5 s storm" % span)
    expect_true(rep["rate"] > 1000, "report rate %s" % rep["rate"])


def test_doctor_stays_quiet_below_the_threshold(ctx):
    run = ctx.trace(["sigpipe_storm", "100", "20", "1000", "0", "0"],
                    extra=["--threshold", "1000"], mode=["sigpipe"])
    writer, epipe = run.pid("writer"), run.pid("epipe")
    expect(storm_alerts(run, writer), [], "alerts for a 20/s trickle")
    rep = [r for r in run.of_type("sigpipe_writer") if r["writer"]["pid"] == writer]
    expect([(r["epipe"], r["storms"], r["bytes_before_first_epipe"]) for r in rep],
           [(epipe, 0, 100)], "report (epipe, storms, bytes before)")


def test_doctor_lets_quiet_closed_rows_go_past_keep(ctx):
    # Four writers in turn, each with its own pipe whose reader left: E EPIPEs
    # each, 1.5 s apart so that retire passes (every second, 1 s grace) see
    # the earlier ones closed and quiet. With --keep 1 the report lists the
    # rows it kept and owes the rest to one sigpipe_retired record; the
    # EPIPE total is the same either way.
    e, runs = 7, 4
    script = "; ".join(["%s ignore %d; sleep 1.5" % (ctx.workload("pipe_epipe"), e)] * runs)
    run = ctx.trace(["sh", "-c", script], raw_command=True, extra=["--keep", "1"],
                    mode=["sigpipe"])
    rows = run.of_type("sigpipe_writer")
    retired = run.of_type("sigpipe_retired")
    expect_true(retired, "no sigpipe_retired record; rows: %s" % [
        (r["writer"]["pid"], r["epipe"]) for r in rows])
    expect((len(rows) + retired[0]["writers"], sum(r["epipe"] for r in rows)
            + retired[0]["epipe"], retired[0]["storms"]), (runs, runs * e, 0),
           "(rows listed + retired, EPIPE listed + retired, storms retired)")
    expect_true(len(rows) < runs, "%d rows listed with --keep 1" % len(rows))


def test_doctor_text_alert_lines(ctx):
    run = ctx.run(["--threshold", "1000", "--fold-window", "200", "--",
                   ctx.workload("sigpipe_storm"), "64", "5000", "1000", "3000", "5"],
                  json_out=False, mode=["sigpipe"])
    expect(run.rc, 0, "exit status")
    writer, reader, ino = run.pid("writer"), run.pid("reader"), run.pid("ino")
    lines = run.stdout.splitlines()
    alert = [l for l in lines if " ALERT " in l]
    expect(len(alert), 2, "ALERT lines (start, end): %r" % alert)
    expect_true("[%d] -> pipe:[%d]" % (writer, ino) in alert[0] and "storm:" in alert[0],
                "start alert names writer and pipe: %r" % alert[0])
    detail = lines[lines.index(alert[0]) + 1]
    expect_true("64 B written before the first EPIPE" in detail and
                "[%d] exited 5" % reader in detail, "start alert detail: %r" % detail)
    expect_true("storm over:" in alert[1], "end alert: %r" % alert[1])
    epipe_lines = [l for l in lines if l.split()[1:2] == ["EPIPE"] and "[%d]" % writer in l]
    expect(len(epipe_lines), 1, "live EPIPE lines in doctor mode (the first only)")


def test_doctor_steady_storm_near_the_threshold_alerts_once(ctx):
    # 130 EPIPE/s for 6 s against 100/s, folded (5 records a window, the rest
    # counted): one start and one end, the storm counts every EPIPE, and its
    # rates are the workload's pace, not a fold window's worth more or less.
    rate = 130
    run = ctx.trace(["sigpipe_storm", "64", str(rate), "6000", "3000", "0"],
                    extra=["--threshold", "100", "--fold-burst", "5"], mode=["sigpipe"])
    writer, epipe = run.pid("writer"), run.pid("epipe")
    alerts = storm_alerts(run, writer)
    expect([state for state, _ in alerts], ["start", "end"], "alerts for a steady 130/s")
    end = alerts[1][1]
    expect((end["epipe"], end["ended_by"]), (epipe, "rate"), "storm end (epipe, ended by)")
    # Loose bounds: the writer catches up after a stall on a busy machine.
    expect_true(rate * 0.8 <= end["rate"] <= rate * 1.2, "storm rate %s for %d/s" % (
        end["rate"], rate))
    expect_true(end["peak_rate"] <= rate * 1.5, "peak %s for a steady %d/s" % (
        end["peak_rate"], rate))
    expect_true(5.0e9 <= end["duration_ns"] <= 7e9, "storm duration %d ns for 6 s" %
                end["duration_ns"])


def test_doctor_storm_still_going_when_tracing_stops(ctx):
    # The storm outlives the trace (-d 2): the last alert says it is still
    # going, in JSON and in text, never "over".
    wl = subprocess.Popen([ctx.workload("sigpipe_storm"), "64", "2000", "14000", "0", "0"],
                          stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        pid = str(wl.pid)
        run = ctx.run(["--threshold", "100", "-d", "2", "-p", pid], mode=["sigpipe"])
        text = ctx.run(["--threshold", "100", "-d", "2", "-p", pid], json_out=False,
                       mode=["sigpipe"])
        still_running = wl.poll() is None
    finally:
        wl.kill()  # our own child
        wl.wait(timeout=10)
    expect_true(still_running, "the workload should outlive both traces")
    expect((run.rc, text.rc), (0, 0), "exit status (json, text)")
    states = [(r["state"], r.get("ended_by")) for r in run.of_type("sigpipe_storm")
              if r["writer"]["pid"] == wl.pid]
    expect(states, [("start", None), ("ongoing", "trace_end")], "storm alerts (state, by)")
    alert = [l for l in text.stdout.splitlines() if " ALERT " in l]
    expect_true(len(alert) == 2 and "storm still going when tracing stopped" in alert[1]
                and "storm over" not in text.stdout, "text alerts: %r" % alert)


def test_doctor_shows_only_the_epipe_story(ctx):
    # Pipes used and closed without EPIPE, exits of uninvolved processes: not
    # shown. The reader that left before the EPIPE is, just before it.
    script = "for i in 1 2 3 4 5 6; do %s 4096 4; done; %s ignore 3; sleep 0.3" % (
        ctx.workload("pipe_transfer"), ctx.workload("pipe_epipe"))
    run = ctx.run(["--", "sh", "-c", script], json_out=False, mode=["sigpipe"])
    expect(run.rc, 0, "exit status")
    reader, writer, ino = run.pid("reader"), run.pid("writer"), run.pid("ino")
    lines = run.stdout.splitlines()
    noise = [l for l in lines if "pipe_transfer" in l or " sh[" in l]
    expect(noise, [], "lines about processes and pipes with no EPIPE")
    where = {}
    for n, l in enumerate(lines):
        if "[%d] exit fd" % reader in l and "pipe:[%d]: last reader" % ino in l:
            where.setdefault("close", n)
        if l.split()[1:2] == ["EPIPE"] and "[%d]" % writer in l:
            where.setdefault("epipe", n)
    expect_true("close" in where and "epipe" in where and where["close"] < where["epipe"],
                "the last reader's close shown before the first EPIPE: %r" % lines[:20])


def test_doctor_names_a_write_cut_short(ctx):
    # `cat big | head`: the last reader leaves while the writer sleeps in one
    # big write; fs/pipe.c returns what it wrote and raises SIGPIPE, with no
    # EPIPE. The doctor still names the writer, the pipe and who left.
    for how, action in (("default", "default"), ("ignore", "ignore")):
        run = ctx.trace(["pipe_cut", how], mode=["sigpipe"])
        reader, writer, ino = run.pid("reader"), run.pid("writer"), run.pid("ino")
        rep = [r for r in run.of_type("sigpipe_writer") if r["writer"]["pid"] == writer]
        expect(len(rep), 1, "%s: sigpipe_writer records for the writer" % how)
        rep = rep[0]
        expect((rep["object"]["kind"], rep["object"]["ino"], rep["epipe"], rep["sigpipes"],
                rep["sigpipe_action"], rep["bytes_before_first_epipe"]),
               ("pipe", ino, 0, 1, action, None),
               "%s: (object, ino, epipe, sigpipes, sigpipe_action, bytes before)" % how)
        # 64 KiB filled the pipe, then the page the reader emptied (pipe_cut.c).
        wrote = run.pid("wrote") if how == "ignore" else 65536 + 4096
        expect(rep["write_bytes"], wrote, "%s: bytes the cut write got through" % how)
        gone = rep["last_reader_gone"] or {}
        expect((gone.get("pid"), gone.get("by")), (reader, "close"),
               "%s: the last reader that left (pid, by)" % how)
        expect_true(gone.get("ts_ns", 0) <= rep["first_ts_ns"],
                    "%s: the reader left (%s) before the SIGPIPE (%s)"
                    % (how, gone.get("ts_ns"), rep["first_ts_ns"]))
        expect([(r["pid"], r["bytes"]) for r in rep["readers"]], [(reader, 4096)],
               "%s: readers (pid, bytes)" % how)
        death = {"signal": "SIGPIPE", "core": False} if how == "default" else {"code": 0}
        expect(run.process(writer)["exit"], death, "%s: the writer's end" % how)
    text = ctx.run(["--", ctx.workload("pipe_cut"), "default"], json_out=False,
                   mode=["sigpipe"])
    writer = text.pid("writer")
    row = [l for l in text.stdout.splitlines() if l.startswith("pipe_cut[%d]" % writer)]
    expect_true(row and row[0].split()[1:3] == ["0", "-"] and "default: dies" in row[0],
                "text row: 0 EPIPE, no rate, dies: %r" % row)
    expect_true("no EPIPE: 1 SIGPIPE from a write cut short" in text.stdout,
                "the row says why it has no EPIPE: %r" % text.stdout[-1500:])
    live = text.stdout.splitlines()
    sig = [n for n, l in enumerate(live) if " signal " in l and "pipe_cut[%d]" % writer in l]
    gone = [n for n, l in enumerate(live) if ": last reader" in l]
    dead = [n for n, l in enumerate(live) if "pipe_cut[%d] killed by SIGPIPE" % writer in l]
    expect_true(len(sig) == 1 and gone and dead and gone[0] < sig[0] < dead[0],
                "live: the reader's close, the SIGPIPE, the death, in order: %r" % live[:10])


def test_reader_dropping_its_end_is_named_whatever_its_fd(ctx):
    # The reader drops its end by close(), dup2() over the fd, close_range(),
    # an exec with the fd close-on-exec (after an exec that fails, which
    # drops nothing) or its exit: each is how the writer's reader went away.
    # The scans (close_range, exec, exit) find an end far up a large fd
    # table too: at the highest fd RLIMIT_NOFILE's hard limit allows (19999
    # here: the table grew to 32768 fds, 512 bitmap words).
    top = str(min(resource.getrlimit(resource.RLIMIT_NOFILE)[1], 1 << 20) - 1)
    for how, at in (("close", ""), ("dup2", ""), ("close_range", ""), ("exec", ""),
                    ("exit", ""), ("close_range", top), ("exec", top), ("exit", top)):
        run = ctx.trace(["pipe_drop", how, "3"] + ([at] if at else []), mode=["sigpipe"])
        reader, writer, ino, fd = (run.pid(k) for k in ("reader", "writer", "ino", "fd"))
        what = "%s at fd %d" % (how, fd)
        closes = [r for r in run.of_type("pipe_close")
                  if r["pid"] == reader and r["object"]["ino"] == ino and r["last_reader"]]
        expect([(r["by"], r["fd"], r["side"]) for r in closes], [(how, fd, "read")],
               "%s: the reader's last-reader record (by, fd, side)" % what)
        rep = [r for r in run.of_type("sigpipe_writer") if r["writer"]["pid"] == writer]
        expect(len(rep), 1, "%s: sigpipe_writer records" % what)
        gone = rep[0]["last_reader_gone"] or {}
        expect((rep[0]["epipe"], gone.get("pid"), gone.get("by"), rep[0]["exact"],
                rep[0]["failing_at_start"]), (3, reader, how, True, False),
               "%s: (EPIPE, last reader gone pid, by, exact, failing_at_start)" % what)


def test_doctor_shows_the_reader_gone_before_a_churn_of_exits(ctx):
    # The reader leaves, 600 short processes come and go, then the writer
    # gets EPIPE: the held exits of the churn must not push out the
    # reader's close, shown just before the first EPIPE.
    go = os.path.join(ctx.tmp, "churn.go")
    open(go, "w").close()
    script = ('"$0" "$1" 300 3 late 3000 | head -c 300 >/dev/null & '
              'sleep 0.5; for i in $(seq 600); do /bin/true; done; wait')
    run = ctx.run(["--", "bash", "-c", script, ctx.workload("pipe_writer_go"), go],
                  json_out=False, mode=["sigpipe"])
    expect(run.rc, 0, "exit status (stderr %r)" % run.stderr[-500:])
    lines = run.stdout.splitlines()
    epipe = [n for n, l in enumerate(lines) if l.split()[1:2] == ["EPIPE"]]
    close = [n for n, l in enumerate(lines) if "head[" in l and ": last reader" in l]
    expect_true(epipe and close and close[0] < epipe[0],
                "head's last-reader close before the first EPIPE: %r" % lines[:12])
    # Its SIGPIPEs came with EPIPEs: the EPIPE line says them, no signal line.
    expect([l for l in lines if " signal " in l], [], "signal lines")


def test_doctor_text_report_counts_are_exact(ctx):
    # 150000 EPIPE: "150k" is what the report used to print.
    run = ctx.run(["--threshold", "1000", "--", ctx.workload("sigpipe_storm"), "64",
                   "100000", "1500", "3000", "0"], json_out=False, mode=["sigpipe"])
    expect(run.rc, 0, "exit status")
    writer, epipe = run.pid("writer"), run.pid("epipe")
    lines = run.stdout.splitlines()
    row = [l for l in lines if l.startswith("sigpipe_storm[%d]" % writer)]
    expect_true(row and row[0].split()[1] == str(epipe),
                "report row with the exact count %d: %r" % (epipe, row))
    rounded = [l for l in lines if re.search(r"\b\d+(\.\d)?[kMG]\b", l)]
    expect(rounded, [], "rounded counts")


def test_doctor_marks_a_storm_already_running_when_tracing_starts(ctx):
    # The reader leaves and the writer storms at 500/s; only then does the
    # doctor start, on the writer alone: its first EPIPE is the attach, not
    # when the storm began, and the reader left before tracing.
    wl = subprocess.Popen([ctx.workload("sigpipe_storm"), "4096", "500", "9000", "0", "0"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out = os.path.join(ctx.tmp, "at-start.jsonl")
    try:
        time.sleep(1)
        tracer = start_tracer(ctx, ["--json", "-o", out, "-p", str(wl.pid), "-d", "3"],
                              mode=["sigpipe"])
        _, err = tracer.communicate(timeout=60)
        expect(tracer.returncode, 0, "ipcscope sigpipe -p exit status (stderr: %s)" % err)
        truth, _ = wl.communicate(timeout=30)
    finally:
        if wl.poll() is None:
            wl.kill()
            wl.wait()
    expect(wl.returncode, 0, "sigpipe_storm exit status")
    kv = dict(l.split("=", 1) for l in truth.split())
    with open(out, encoding="utf-8") as f:
        recs = [json.loads(line) for line in f]
    start = [r for r in recs if r["type"] == "start"][0]
    rows = [r for r in recs if r["type"] == "sigpipe_writer"]
    expect([(r["writer"]["pid"], r["object"]["ino"], r["failing_at_start"], r["last_reader_gone"],
             r["bytes_before_first_epipe"]) for r in rows],
           [(wl.pid, int(kv["ino"]), True, None, None)],
           "rows (writer, ino, failing_at_start, last_reader_gone, bytes before)")
    expect_true(rows[0]["first_ts_ns"] - start["ts_ns"] < 100 * 10**6,
                "first EPIPE %d ns after the start record: the storm was already on"
                % (rows[0]["first_ts_ns"] - start["ts_ns"]))
    storms = [r for r in recs if r["type"] == "sigpipe_storm"]
    expect_true(storms and all(r["failing_at_start"] for r in storms),
                "storm records say failing_at_start: %r" % storms)


KILLED_READER = r"""
import os, signal, sys, time
r, w = os.pipe()
child = os.fork()
if child == 0:
    os.close(w)
    os.read(r, 1)
    time.sleep(30)
    os._exit(0)
os.close(r)
signal.signal(signal.SIGPIPE, signal.SIG_IGN)
os.write(w, b"x")
time.sleep(0.2)
os.kill(child, signal.SIGKILL)
os.waitpid(child, 0)
try:
    os.write(w, b"y")
except BrokenPipeError:
    pass
print("writer=%d\nreader=%d" % (os.getpid(), child))
"""


def test_doctor_names_who_killed_the_reader(ctx):
    # The reader dies of a SIGKILL its writer sends: the doctor (which
    # shows only SIGPIPE) says who sent it, in JSON and text.
    run = ctx.run(["--", sys.executable, "-c", KILLED_READER], mode=["sigpipe"])
    expect(run.rc, 0, "exit status (stderr %r)" % run.stderr[-500:])
    writer, reader = run.pid("writer"), run.pid("reader")
    rows = [r for r in run.of_type("sigpipe_writer") if r["writer"]["pid"] == writer]
    gone = (rows[0]["last_reader_gone"] or {}) if rows else {}
    expect((gone.get("pid"), gone.get("exit"), (gone.get("killed_by") or {}).get("pid")),
           (reader, {"signal": "SIGKILL", "core": False}, writer),
           "last reader gone (pid, exit, killed_by pid)")
    expect([r for r in run.of_type("signal") if r["signal"] != "SIGPIPE"], [],
           "signal records other than SIGPIPE in the doctor's stream")
    text = ctx.run(["--", sys.executable, "-c", KILLED_READER], json_out=False,
                   mode=["sigpipe"])
    comm = rows[0]["writer"]["comm"]  # the interpreter's name, as the kernel has it
    writer, reader = text.pid("writer"), text.pid("reader")
    want = "last reader: %s[%d] killed by SIGKILL (sent by %s[%d])" % (comm, reader, comm, writer)
    expect_true(any(l.strip().startswith(want) for l in text.stdout.splitlines()),
                "%r in the report: %r" % (want, text.stdout[-1200:]))


def test_deaths_name_the_sender_of_the_signal(ctx):
    # A shell kills its sleep with SIGTERM; a writer dies of the SIGPIPE the
    # kernel raises: killed_by names the shell, and is null for the kernel.
    run = ctx.run(["--", "bash", "-c", 'sleep 30 & p=$!; sleep 0.2; kill -TERM $p; wait $p; '
                   'echo shell=$$; "$0" default', ctx.workload("pipe_epipe")])
    shell, writer = run.pid("shell"), run.pid("writer")
    sleeps = [r for r in run.of_type("exit") if r["comm"] == "sleep" and r.get("signal")]
    expect([(r["signal"], r.get("killed_by")) for r in sleeps],
           [("SIGTERM", {"pid": shell, "comm": "bash"})], "sleep's exit (signal, killed_by)")
    deaths = [r for r in run.of_type("exit") if r["pid"] == writer]
    expect([(r.get("signal"), "killed_by" in r, r.get("killed_by")) for r in deaths],
           [("SIGPIPE", True, None)], "the writer's exit (signal, has killed_by, killed_by)")
    expect(run.process(writer).get("killed_by", "absent"), None,
           "the writer's process record: killed_by")


def test_doctor_report_puts_the_biggest_storm_first(ctx):
    # 22 writers on 22 pipes, writer i gets exactly i EPIPEs: the rows come
    # by count, 20 of them, the other 2 (1 + 2 EPIPE) summed on one line;
    # -v lists all 22.
    script = 'for i in $(seq 22); do "$0" ignore $i >/dev/null & done; wait'
    for extra, rows in (([], 20), (["-v"], 22)):
        run = ctx.run(extra + ["--", "bash", "-c", script, ctx.workload("pipe_epipe")],
                      json_out=False, mode=["sigpipe"])
        expect(run.rc, 0, "exit status (stderr %r)" % run.stderr[-500:])
        report = run.stdout[run.stdout.index("SIGPIPE doctor:"):].splitlines()
        counts = [int(l.split()[1]) for l in report if re.match(r"pipe_epipe\[\d+\] +\d+ ", l)]
        expect(counts, list(range(22, 22 - rows, -1)), "%s: EPIPE per row, in order" % extra)
        rest = [l for l in report if "not listed (-v lists them)" in l]
        expect(rest, ["2 more writer/object pairs not listed (-v lists them): 3 EPIPE"]
               if rows == 20 else [], "%s: the line for the rows not listed" % extra)


def test_doctor_usage_errors(ctx):
    for args, needle in ((["--threshold", "10"], "ipcscope sigpipe --threshold"),
                         (["-d", "1", "sigpipe"], "ipcscope sigpipe [OPTION...]"),
                         (["-s", "PIPE,"], "empty name"),
                         (["sigpipe", "-s", "USR1"], "SIGPIPE only"),
                         (["sigpipe", "--threshold", "0"], "--threshold must be"),
                         (["sigpipe", "--fold-window", "5000"], "--fold-window at most")):
        proc = subprocess.run([ctx.tool] + args, capture_output=True, text=True, timeout=10)
        expect(proc.returncode, 2, "exit status of ipcscope %s" % " ".join(args))
        expect_true(needle in proc.stderr and proc.stderr.count("\n") == 1,
                    "one-line error naming the fix for %s: %r" % (args, proc.stderr))


def test_splice_tee_vmsplice_traffic(ctx):
    b = 1000
    run = ctx.trace(["pipe_splice", str(b)])
    pid = run.pid("pid")
    want = {"ino_a": ((b, 1), (2 * b, 2)),   # vmsplice in; tee (copy) and read out
            "ino_b": ((b, 1), (b, 1)),       # tee in; splice out
            "ino_c": ((b, 1), (b, 1))}       # splice in; read out
    for key, (wrote, read) in sorted(want.items()):
        rec = pipe_record(run, run.pid(key))
        wr = [(w["bytes"], w["writes"]) for w in ends(rec, "writers", pid)]
        rd = [(r["bytes"], r["reads"]) for r in ends(rec, "readers", pid)]
        expect((wr, rd), ([wrote], [read]), "%s (writer (bytes, calls), reader)" % key)


def test_tcp_epipe_names_addresses(ctx):
    # After the client's own shutdown, and after a reset by the server,
    # which zeroes the socket's bound port: the local end is still named.
    e = 4
    for mode in ([], ["reset"]):
        run = ctx.trace(["tcp_epipe", str(e)] + mode)
        pid, ino = run.pid("pid"), run.pid("ino")
        ep = [r for r in run.of_type("epipe") if r["pid"] == pid]
        expect(count(ep), e, "epipe records %s" % mode)
        want = ("tcp", ino, "127.0.0.1:%d" % run.pid("lport"), "127.0.0.1:%d" % run.pid("rport"))
        expect({(r["object"]["kind"], r["object"]["ino"], r["object"].get("local"),
                 r["object"].get("remote")) for r in ep}, {want},
               "EPIPE object (kind, ino, ends) %s" % mode)
        expect(run.process(pid)["epipe"], e, "process epipe %s" % mode)
        # Each write's SIGPIPE comes before its EPIPE: the socket's ends are
        # known from the second one on, never wrong.
        sig = [(r["object"]["kind"], r["object"]["ino"], r["object"].get("local"),
                r["object"].get("remote")) for r in run.signals("SIGPIPE", target=pid)]
        expect((len(sig), sig[1:]), (e, [want] * (e - 1)),
               "SIGPIPE records and their objects after the first %s" % mode)


def test_doctor_on_a_tcp_socket(ctx):
    e = 6
    run = ctx.trace(["tcp_epipe", str(e)], mode=["sigpipe"])
    pid = run.pid("pid")
    rep = [r for r in run.of_type("sigpipe_writer") if r["writer"]["pid"] == pid]
    expect(len(rep), 1, "sigpipe_writer records")
    obj = rep[0]["object"]
    expect((obj["kind"], obj["ino"], obj.get("local"), obj.get("remote")),
           ("tcp", run.pid("ino"), "127.0.0.1:%d" % run.pid("lport"),
            "127.0.0.1:%d" % run.pid("rport")), "object (kind, ino, ends)")
    expect((rep[0]["epipe"], rep[0]["bytes_before_first_epipe"], rep[0]["last_reader_gone"]),
           (e, None, None), "report (epipe, bytes before: not counted for sockets, reader)")


# ------------------------------------------- System V, POSIX IPC and mappings

def one(records, what):
    expect(len(records), 1, what)
    return records[0]


def users(entries, *fields):
    return sorted(tuple(e[f] for f in ("pid",) + fields) for e in entries)


def mappings(run, pid):
    return [r for r in run.of_type("mapping") if r["pid"] == pid]


def test_sysv_shm_by_key_between_unrelated_processes(ctx):
    run = ctx.trace(["ipc_shm_pair", ctx.tmp])
    writer, reader, shmid = run.pid("writer"), run.pid("reader"), run.pid("shmid")
    shm = one([r for r in run.of_type("shm") if r["shmid"] == shmid], "shm records")
    expect((shm["key"], shm["size"], (shm["creator"] or {}).get("pid")),
           (run.kv["key"], 4096, writer), "shm (key, size, creator)")
    expect(users(shm["attachers"], "attaches", "detaches"),
           sorted([(writer, 1, 1), (reader, 1, 1)]), "attachers (pid, attaches, detaches)")
    expect((shm["removed"], shm["removed_by"]["pid"]), (True, writer), "IPC_RMID by the writer")
    gets = [(r["pid"], r["key"]) for r in run.of_type("ipc")
            if r["op"] == "shmget" and r["pid"] in (writer, reader)]
    expect(sorted(gets), sorted([(writer, run.kv["key"]), (reader, run.kv["key"])]),
           "both found it by the ftok key")
    ro = {r["pid"]: r["readonly"] for r in run.of_type("ipc")
          if r["op"] == "shmat" and r["id"] == shmid}
    expect(ro, {writer: False, reader: True}, "shmat read-only flag")
    for pid, other in ((writer, reader), (reader, writer)):
        m = one([r for r in mappings(run, pid) if r["kind"] == "sysv"], "sysv mapping of %d" % pid)
        expect((m["ino"], m["bytes"], m["shared_with"]), (shmid, 4096, [other]),
               "mapping of %d (shmid, bytes, shared_with)" % pid)
        expect(run.process(pid)["shm_bytes"], 4096, "process shm_bytes of %d" % pid)


def test_sysv_shm_removed_while_attached(ctx):
    # "spawn": a posix_spawn child (CLONE_VM) of the attached parent shares
    # its mm and inherits no attach: it is no attacher.
    run = ctx.trace(["ipc_shm_rmid", "150", "spawn"])
    parent, child, shmid = run.pid("parent"), run.pid("child"), run.pid("shmid")
    shm = one([r for r in run.of_type("shm") if r["shmid"] == shmid], "shm records")
    expect((shm["removed"], shm["attached_at_removal"], shm.get("destroyed_at_last_detach"),
            (shm.get("last_detacher") or {}).get("pid")),
           (True, 2, True, child), "(removed, attached at removal, destroyed at last detach, by)")
    expect(shm["destroyed_ns"] - shm["removed_ns"] >= 100 * 1000000, True,
           "destroyed >= 100 ms after IPC_RMID (the child detached 150 ms later): %d ns"
           % (shm["destroyed_ns"] - shm["removed_ns"]))
    expect_true(run.pid("spawned") > 0, "the workload spawned /bin/true")
    expect(users(shm["attachers"], "attaches", "detaches", "dropped_at_exit"),
           sorted([(parent, 1, 1, 0), (child, 0, 1, 0)]),
           "attachers (the child's attach is inherited, the spawned one none)")
    m = one(mappings(run, child), "child's mappings")
    expect((m["kind"], m["inherited"], m["shared_with"]), ("sysv", True, [parent]),
           "child's mapping (kind, inherited, shared_with)")
    # The child exits still attached: its exit is the last detach, and it is
    # listed though it made no shmat or shmdt call.
    run = ctx.trace(["ipc_shm_rmid", "50", "exit"])
    parent, child, shmid = run.pid("parent"), run.pid("child"), run.pid("shmid")
    shm = one([r for r in run.of_type("shm") if r["shmid"] == shmid], "shm records (exit)")
    expect(((shm.get("last_detacher") or {}).get("pid"),
            users(shm["attachers"], "attaches", "detaches", "dropped_at_exit")),
           (child, sorted([(parent, 1, 1, 0), (child, 0, 0, 1)])),
           "exit: (last detacher, attachers (pid, attaches, detaches, dropped at exit))")


def test_sysv_msgq_types_and_receive_order(ctx):
    k, l = 7, 4
    run = ctx.trace(["ipc_msgq", ctx.tmp, str(k), str(l)])
    sender, receiver, msqid = run.pid("sender"), run.pid("receiver"), run.pid("msqid")
    q = one([r for r in run.of_type("msgq") if r["msqid"] == msqid], "msgq records")
    expect((q["key"], q["creator"]["pid"], q["removed"]), (run.kv["key"], sender, True),
           "msgq (key, creator, removed)")
    total = 32 * k + 48 * l
    expect([(s["pid"], s["msgs"], s["bytes"], s["types"]) for s in q["senders"]],
           [(sender, k + l, total, {"1": k, "2": l})], "senders (pid, msgs, bytes, types)")
    expect([(r["pid"], r["msgs"], r["bytes"], r["types"], r["enomsg"]) for r in q["receivers"]],
           [(receiver, k + l, total, {"1": k, "2": l}, 1)],
           "receivers (pid, msgs, bytes, types, ENOMSG)")
    rcv = [r for r in run.of_type("ipc") if r["op"] == "msgrcv" and r["pid"] == receiver
           and "error" not in r]
    expect([(r["mtype"], count([r])) for r in rcv][:1], [(2, min(l, rcv[0].get("count", 1)))],
           "the first message received is of type 2")
    expect(sum(count([r]) for r in rcv if r["mtype"] == 2), l, "type-2 receives")
    fails = [r for r in run.of_type("ipc") if r["op"] == "msgrcv" and r["pid"] == receiver
             and r.get("error")]
    expect([r["error"] for r in fails], ["ENOMSG"], "the IPC_NOWAIT receive fails")
    expect((run.process(sender)["msgs_sent"], run.process(receiver)["msgs_received"]),
           (k + l, k + l), "process msgs_sent / msgs_received")


def test_sysv_msgq_more_types_than_slots_stay_exact(ctx):
    # 600 types x 2 rounds: more (process, queue, type) rows than the 256
    # per-CPU slots, so rows move to the hash while traffic goes on.
    types, rounds = 600, 2
    check_msgq_types(ctx.trace(["ipc_msg_types", str(types), str(rounds)]), types, rounds)


def check_msgq_types(run, types, rounds):
    parent, child, msqid = run.pid("parent"), run.pid("child"), run.pid("msqid")
    q = one([r for r in run.of_type("msgq") if r["msqid"] == msqid], "msgq records")
    want_types = {str(t): rounds for t in range(1, types + 1)}
    total = rounds * sum(t % 64 + 1 for t in range(1, types + 1))
    got = [(s["pid"], s["msgs"], s["bytes"]) for s in q["senders"]]
    expect(got, [(parent, types * rounds, total)], "senders (pid, msgs, bytes)")
    expect(q["senders"][0]["types"] == want_types, True,
           "every type sent %d times (differences: %s)" % (rounds, sorted(
               set(q["senders"][0]["types"].items()) ^ set(want_types.items()))[:6]))
    got = [(r["pid"], r["msgs"], r["bytes"]) for r in q["receivers"]]
    expect(got, [(child, types * rounds, total)], "receivers (pid, msgs, bytes)")
    expect(q["receivers"][0]["types"] == want_types, True,
           "every type received %d times, by number and as any (differences: %s)" % (
               rounds, sorted(set(q["receivers"][0]["types"].items())
                              ^ set(want_types.items()))[:6]))
    expect((run.process(parent)["msgs_sent"], run.process(child)["msgs_received"]),
           (types * rounds, types * rounds), "process msgs_sent / msgs_received")


def test_semaphore_wait_is_timed(ctx):
    wait_ms = 250
    check_semaphore_wait(ctx.trace(["ipc_sem", str(wait_ms)]), wait_ms)


def test_semop_ops_and_msgrcv_asked_types_are_shown(ctx):
    # The lab's P/V and msgrcv-by-type: each semop record names its
    # operations (a P never folds with a V), each msgrcv the type it asked
    # for beside the one it got (ipc_pv_types.c).
    rounds = 4
    run = ctx.trace(["ipc_pv_types", str(rounds)])
    parent, child = run.pid("parent"), run.pid("child")
    semid, msqid = run.pid("semid"), run.pid("msqid")
    for pid in (parent, child):
        ops = [r for r in run.of_type("ipc") if r["op"] == "semop" and r["pid"] == pid
               and r["id"] == semid and r["nsops"] == 1 and not r.get("error")]
        p = count([r for r in ops if r["ops"] == [{"num": 0, "op": -1}]])
        v = count([r for r in ops if r["ops"] == [{"num": 0, "op": 1}]])
        expect((p, v, count(ops)), (rounds, rounds, 2 * rounds),
               "pid %d semop records (P, V, all one-op successes)" % pid)
        expect({r["undo"] for r in ops}, {True}, "pid %d P/V SEM_UNDO" % pid)
    five = [r for r in run.of_type("ipc") if r["op"] == "semop" and r["pid"] == parent
            and r["nsops"] == 5]
    expect([(r["ops"], r.get("error")) for r in five],
           [([{"num": 1, "op": 1}, {"num": 1, "op": 1}, {"num": 1, "op": -1},
              {"num": 1, "op": -1}], None)], "the 5-operation semop (first 4 shown)")
    nowait = [r for r in run.of_type("ipc") if r["op"] == "semop" and r["pid"] == parent
              and r.get("error")]
    expect([(r["ops"], r["nowait"], r["error"]) for r in nowait],
           [([{"num": 1, "op": -1}], True, "EAGAIN")], "the IPC_NOWAIT P")
    sem = one([r for r in run.of_type("sem") if r["semid"] == semid], "sem records")
    by = {u["pid"]: u for u in sem["users"]}
    expect((by[child]["ops"], by[child]["calls"], by[child]["undo"]),
           (2 * rounds, 2 * rounds, 2 * rounds), "child (ops, calls, SEM_UNDO)")
    expect((by[parent]["ops"], by[parent]["calls"], by[parent]["undo"], by[parent]["eagain"]),
           (2 * rounds + 5, 2 * rounds + 1, 2 * rounds, 1),
           "parent (ops, calls, SEM_UNDO, EAGAIN)")
    rcv = [r for r in run.of_type("ipc") if r["op"] == "msgrcv" and r["pid"] == parent
           and r["id"] == msqid]
    expect([(r["asked_mtype"], r["except"], r["mtype"] if not r.get("error") else None,
             r.get("error")) for r in rcv],
           [(3, False, 3, None), (-2, False, 1, None), (0, False, 2, None), (2, True, 3, None),
            (5, False, None, "ENOMSG")], "msgrcv (asked, MSG_EXCEPT, received, error) in order")


def test_semaphore_wait_is_timed_for_realtime_threads(ctx):
    # SCHED_FIFO threads are timed by the clock, not by the fair class's
    # runtime bookkeeping (bpf/offcpu.bpf.h): the same truth must come out.
    wait_ms = 250
    check_semaphore_wait(ctx.trace(["chrt", "-f", "1", ctx.workload("ipc_sem"), str(wait_ms)],
                                   raw_command=True), wait_ms)


def test_threads_sharing_a_thread_slot_stay_exact(ctx):
    # One slot for every thread (bpf/thread_slots.bpf.h): the first thread
    # in a call holds it, the others go through task storage. Both paths
    # must give the same truths as a slot each.
    one_slot = {"IPCSCOPE_THREAD_SLOTS": "1"}
    check_semaphore_wait(ctx.trace(["ipc_sem", "250"], env=one_slot), 250)
    check_blocked_writer_and_eagain(ctx.trace(["pipe_blocked", "300"], env=one_slot), 300)
    check_msgq_types(ctx.trace(["ipc_msg_types", "600", "2"], env=one_slot), 600, 2)


def check_signals_timed_beside_a_slot_holder(run, hold_ms):
    parent, holder, child, n = (run.pid(k) for k in ("parent", "holder", "child", "n"))
    rx = run.received(child, "SIGUSR1")
    got = tuple(rx[k] for k in ("generated", "queued", "delivered", "handled", "handler_returns"))
    expect(got, (n,) * 5, "child SIGUSR1 (generated, queued, delivered, handled, handler_returns)")
    expect(rx.get("pending_ns", {}).get("samples"), n, "child SIGUSR1 pending times measured")
    expect(run.process(parent)["signals_sent"].get("SIGUSR1"), n, "parent signals_sent")
    held = run.received(holder, "SIGINT")
    expect((held["queued"], held["delivered"]), (1, 1), "holder SIGINT (queued, delivered)")
    expect_true(held["pending_ns"]["max"] >= hold_ms * 1e6,
                "holder SIGINT pending %r < %d ms" % (held["pending_ns"], hold_ms))
    hup = run.received(holder, "SIGHUP")
    expect((hup["delivered"], hup["handler_returns"]), (1, 1),
           "holder SIGHUP (delivered, handler_returns)")
    expect_true(hup["handler_ns"]["max"] >= hold_ms * 1e6,
                "holder SIGHUP handler %r < %d ms" % (hup["handler_ns"], hold_ms))


def test_signals_timed_exactly_when_a_process_holds_the_signal_slots(ctx):
    # Pending and handler times live in slots indexed by tgid and tid
    # (bpf/signal_slots.bpf.h). With one slot of each, held by a process
    # with a signal pending and a handler running, every other signal is
    # timed in task storage: the same truths must come out, and as many
    # with a slot each.
    n, hold_ms = 300, 300
    for env in ({"IPCSCOPE_THREAD_SLOTS": "1"}, None):
        check_signals_timed_beside_a_slot_holder(
            ctx.trace(["sig_slot_holder", str(n), str(hold_ms)], env=env), hold_ms)


def test_pending_time_of_a_signal_in_a_thread_set_and_the_process_set(ctx):
    # One standard signal pending in a thread's own set and the process's
    # (kernel/signal.c keeps both), taken the ways that once left one
    # delivery untimed or timed from the wrong generation (docs/design.md,
    # "Deliveries with no pending time"). t_ms only bounds times from below.
    t_ms = 100
    run = ctx.trace(["sig_thread_sets", "mixed", str(t_ms)])
    pid, a, b = run.pid("pid"), run.pid("a"), run.pid("b")
    rx = run.received(pid, "SIGUSR1")
    expect((rx["generated"], rx["accepted"], rx["pending_unknown"]), (2, 2, 0),
           "mixed: SIGUSR1 (generated, accepted, pending_unknown)")
    took = {r["tid"]: r["pending_ns"] for r in run.of_type("signal_accept") if r["pid"] == pid}
    expect(sorted(took), sorted([a, b]), "mixed: the threads that took one")
    # B took the process's (sent t_ms before), A its own (sent 3 t_ms before).
    expect_true(t_ms * 1e6 <= took[b] < 3 * t_ms * 1e6 <= took[a],
                "mixed: pending times, B (process set) %r and A (own set) %r" % (took[b], took[a]))
    for mode, sig, action in (("exec", "SIGUSR1", "handler"), ("fatal", "SIGTERM", "default")):
        # exec: the thread holding it now runs under the process's pid (de_thread());
        # fatal: the death may be reported on another thread (complete_signal()).
        run = ctx.run(["--", ctx.workload("sig_thread_sets"), mode, str(t_ms)])
        expect(run.rc, 0 if mode == "exec" else 128 + signal.SIGTERM,
               "%s: exit status (stderr %r)" % (mode, run.stderr[-300:]))
        pid = run.pid("pid")
        rx = run.received(pid, sig)
        expect((rx["generated"], rx["delivered"], rx["pending_unknown"]), (1, 1, 0),
               "%s: %s (generated, delivered, pending_unknown)" % (mode, sig))
        dl = run.delivers(pid, sig)
        expect([(r["action"], r["pending_ns"] is not None) for r in dl], [(action, True)],
               "%s: the delivery (action, timed)" % mode)


def test_pending_slot_let_go_when_a_thread_dies_with_its_own_signal(ctx):
    # A signal pending in one thread's own set dies with the thread
    # (kernel/exit.c __exit_signal()); its time must go with it, or the
    # process's pending slot stays held until the whole process dies.
    out = os.path.join(ctx.tmp, "thread_pending_exit.jsonl")
    tracer = start_tracer(ctx, ["--json", "-o", out])
    wl = subprocess.Popen([ctx.workload("sig_thread_pending_exit")], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True)
    try:
        slots = [m for m in (bpftool_json(["map", "show", "id", str(i)])
                             for i in bpf_ids_of(tracer.pid)["map"])
                 if m.get("name") == "pending_slots"]
        expect(len(slots), 1, "ipcscope's pending_slots maps")
        pid = int(wl.stdout.readline().split("=")[1])
        tid = int(wl.stdout.readline().split("=")[1])
        time.sleep(0.2)  # the exit tracepoint ran before the join returned; margin only
        index = pid & (slots[0]["max_entries"] - 1)
        value = bpftool_json(["map", "lookup", "id", str(slots[0]["id"]), "key"]
                             + [str(b) for b in index.to_bytes(4, "little")])["value"]
        owner = int.from_bytes(bytes(int(b, 16) for b in value[:4]), "little")
        expect_true(owner != pid, "pending slot %d still held by process %d after its "
                    "thread %d died" % (index, pid, tid))
        wl.stdin.write("x")
        wl.stdin.flush()
        expect(wl.wait(timeout=30), 0, "workload exit status")
    finally:
        if wl.poll() is None:
            wl.kill()
            wl.wait()
        tracer.send_signal(signal.SIGINT)
        tracer.communicate(timeout=30)
    records = json_lines(out)
    sig = [r for r in records if r.get("type") == "signal" and r["target"]["pid"] == pid]
    expect([(r["signal"], r["via"], r["target"]["tid"], r["result"], r["blocked"]) for r in sig],
           [("SIGUSR1", "tgkill", tid, "queued", True)],
           "signals to the workload (signal, via, thread, result, blocked)")
    expect([r for r in records if r.get("type") == "signal_deliver" and r["pid"] == pid], [],
           "deliveries (the thread died with it pending)")
    proc = [r for r in records if r.get("type") == "process" and r["pid"] == pid]
    expect([r["signals_received"]["SIGUSR1"]["discarded"] for r in proc], [1],
           "SIGUSR1 discarded with its thread, in the process record")
    expect([r.get("discarded_pending") for r in records
            if r.get("type") == "exit" and r["pid"] == pid], [None],
           "the process's own exit leaves nothing pending (the thread's went with it)")


def test_signals_pending_at_exit_are_discarded(ctx):
    # Blocked and pending when the process exits: SIGUSR2 in the thread's
    # own set (raise) and in the process's (kill), SIGRTMIN+1 queued three
    # times. None is ever delivered (kernel/exit.c __exit_signal() flushes
    # both sets): the exit says so and the report counts them discarded,
    # so QUEUE = DLVR + ACPT + discarded.
    rt_copies = 3
    run = ctx.trace(["sig_pending_at_exit", str(rt_copies), "shared"])
    pid, rt = run.pid("pid"), run.pid("rt")
    rtname = "SIGRTMIN+%d" % (rt - 34)
    expect([(r.get("code"), r.get("discarded_pending"), r.get("discarded_signals"))
            for r in run.exits(pid)], [(0, 2 + rt_copies, ["SIGUSR2", rtname])],
           "exit record (code, discarded_pending, discarded_signals)")
    for name, n in (("SIGUSR2", 2), (rtname, rt_copies)):
        rcv = run.received(pid, name)
        expect((rcv["queued"], rcv["delivered"], rcv["accepted"], rcv["discarded"]),
               (n, 0, 0, n), "%s received (queued, delivered, accepted, discarded)" % name)
    # -s keeps only the selected signal's discards, in the exit line too.
    run = ctx.trace(["sig_pending_at_exit", str(rt_copies), "shared"], extra=["-s", "SIGUSR2"])
    pid = run.pid("pid")
    expect([(r.get("discarded_pending"), r.get("discarded_signals")) for r in run.exits(pid)],
           [(2, ["SIGUSR2"])], "exit record under -s SIGUSR2")
    expect(sorted(run.process(pid)["signals_received"]), ["SIGUSR2"],
           "signals in the report under -s SIGUSR2")
    # The text line a student reads.
    text = ctx.run(["--", ctx.workload("sig_pending_at_exit"), "1"], json_out=False)
    pid = int(text.stdout.split("pid=")[1].split()[0])
    lines = [ln for ln in text.stdout.splitlines() if " exit " in ln and "[%d]" % pid in ln]
    expect(len(lines), 1, "text exit lines of the workload")
    expect_true(lines[0].endswith("exited 0; left 2 pending signals never delivered: "
                                  "SIGUSR2,%s" % rtname), "text exit line: %r" % lines[0])


def test_pending_slot_let_go_when_its_process_dies(ctx):
    # A process that dies with a signal pending never has it delivered, so
    # only its death can free the pending slot that timed it; held by a dead
    # process, the slot would send every other tgid at its index to task
    # storage until the pid came back (bpf/signal_slots.bpf.h).
    out = os.path.join(ctx.tmp, "pending_at_exit.jsonl")
    tracer = start_tracer(ctx, ["--json", "-o", out])
    try:
        maps = {}
        for map_id in bpf_ids_of(tracer.pid)["map"]:
            info = bpftool_json(["map", "show", "id", str(map_id)])
            maps[info.get("name")] = info
        slots = maps.get("pending_slots")
        expect_true(slots, "ipcscope has a pending_slots map (maps: %s)" % sorted(maps))
        wl = subprocess.run([ctx.workload("sig_pending_at_exit")], capture_output=True,
                            text=True, timeout=30)
        expect(wl.returncode, 0, "workload exit status")
        pid = int(wl.stdout.split("pid=")[1].split()[0])
        index = pid & (slots["max_entries"] - 1)
        value = bpftool_json(["map", "lookup", "id", str(slots["id"]), "key"]
                             + [str(b) for b in index.to_bytes(4, "little")])["value"]
        owner = int.from_bytes(bytes(int(b, 16) for b in value[:4]), "little")
        expect_true(owner != pid, "pending slot %d still held by dead process %d" % (index, pid))
    finally:
        tracer.send_signal(signal.SIGINT)
        tracer.communicate(timeout=30)
    records = json_lines(out)
    sig = [r for r in records if r.get("type") == "signal" and r["target"]["pid"] == pid]
    expect([(r["signal"], r["result"], r["blocked"]) for r in sig], [("SIGUSR2", "queued", True)],
           "signals to the workload (signal, result, blocked)")
    expect([r for r in records if r.get("type") == "signal_deliver" and r["pid"] == pid], [],
           "deliveries to the workload")
    expect([(r.get("discarded_pending"), r.get("discarded_signals")) for r in records
            if r.get("type") == "exit" and r["pid"] == pid], [(1, ["SIGUSR2"])],
           "exit record (discarded_pending, discarded_signals)")


def bpftool_json(args):
    out = subprocess.run(["bpftool", "-j"] + args, capture_output=True, text=True, timeout=30)
    expect(out.returncode, 0, "bpftool %s (%s)" % (" ".join(args), out.stderr.strip()))
    return json.loads(out.stdout)


def test_bad_thread_slot_count_is_refused(ctx):
    run = ctx.run(["-d", "1"], json_out=False, env={"IPCSCOPE_THREAD_SLOTS": "3"})
    expect(run.rc, 1, "exit code")
    expect_true("IPCSCOPE_THREAD_SLOTS must be a power of two" in run.stderr,
                "message: %r" % run.stderr)


def check_semaphore_wait(run, wait_ms):
    parent, child, semid = run.pid("parent"), run.pid("child"), run.pid("semid")
    sem = one([r for r in run.of_type("sem") if r["semid"] == semid], "sem records")
    expect((sem["nsems"], sem["creator"]["pid"], sem["removed"]), (1, parent, True),
           "sem (nsems, creator, removed)")
    by = {u["pid"]: u for u in sem["users"]}
    expect(sorted(by), sorted([parent, child]), "sem users")
    expect((by[child]["ops"], by[child]["waits"], by[child]["undo"]), (1, 1, 1),
           "child (ops, waits, SEM_UNDO)")
    expect(wait_ms * 1000000 * 0.9 <= by[child]["wait_ns"] <= run.wall_ns, True,
           "child waited >= %d ms and <= the run's %d ns (got %d ns)" % (
               wait_ms, run.wall_ns, by[child]["wait_ns"]))
    expect((by[parent]["ops"], by[parent]["waits"]), (1, 0), "parent (ops, waits)")
    expect(run.process(child)["sem_waits"], 1, "process sem_waits")
    setval = [r for r in run.of_type("ipc") if r["op"] == "semctl" and r["pid"] == parent]
    expect([r["cmd"] for r in setval], ["SETVAL", "IPC_RMID"], "semctl commands seen")


def test_refused_shared_mmap_says_why(ctx):
    run = ctx.trace(["ipc_map_refused", ctx.tmp])
    pid, ino = run.pid("pid"), run.pid("ino")
    maps = [r for r in run.of_type("map") if r["pid"] == pid and r["op"] == "mmap"]
    expect([(r.get("error"), r.get("offset"), r["prot"], r["ino"]) for r in maps],
           [("EACCES", 0, 3, 0), ("EINVAL", 100, 1, 0), (None, None, 1, ino)],
           "mmap records (error, offset, prot, ino)")
    m = one(mappings(run, pid), "mappings of %d (the refused ones mapped nothing)" % pid)
    expect((m["ino"], m["maps"], m["bytes"]), (ino, 1, 4096), "mapping (ino, maps, bytes)")
    text = ctx.run(["--", ctx.workload("ipc_map_refused"), ctx.tmp], json_out=False)
    for want in ("4096 B offset 0 PROT_READ|PROT_WRITE: EACCES (prot asks for more than the fd "
                 "was opened for)\n",
                 "4096 B offset 100 PROT_READ: EINVAL (offset not a multiple of the page size"):
        expect_true(want in text.stdout, "text has %r: %r" % (want, text.stdout[-1500:]))


def test_file_mapped_shared_by_unrelated_processes(ctx):
    run = ctx.trace(["ipc_map_file", ctx.tmp])
    writer, reader, ino = run.pid("writer"), run.pid("reader"), run.pid("ino")
    for pid, other in ((writer, reader), (reader, writer)):
        m = one([r for r in mappings(run, pid) if r["ino"] == ino], "mappings of %d" % pid)
        expect((m["kind"], m["bytes"], m["inherited"], m["shared_with"]),
               ("file", 8192, False, [other]), "mapping of %d" % pid)
        expect(os.path.basename(m["path"]), os.path.basename(run.kv["path"]), "mapped path")
    unmaps = [r for r in run.of_type("map") if r["op"] == "munmap" and r["pid"] == reader]
    expect([r["len"] for r in unmaps], [8192], "the reader's munmap")


def test_shared_anonymous_mapping_before_fork(ctx):
    run = ctx.trace(["ipc_map_anon"])
    parent, child, b = run.pid("parent"), run.pid("child"), run.pid("bytes")
    pm = one(mappings(run, parent), "parent's mappings")
    cm = one(mappings(run, child), "child's mappings")
    expect((pm["kind"], pm["bytes"], pm["inherited"], pm["shared_with"]),
           ("anon", b, False, [child]), "parent's mapping")
    expect((cm["kind"], cm["bytes"], cm["inherited"], cm["shared_with"], cm["ino"]),
           ("anon", b, True, [parent], pm["ino"]), "child's mapping (same shmem inode)")


def test_posix_mq_shm_open_and_memfd(ctx):
    n = 9
    run = ctx.trace(["ipc_posix", str(n)])
    parent, child = run.pid("parent"), run.pid("child")
    mq = one([r for r in run.of_type("mq") if r["name"] == run.kv["mq"]], "mq records")
    per_prio = {str(p): sum(1 for i in range(n) if i % 3 == p) for p in range(3)}
    expect([(s["pid"], s["msgs"], s["bytes"], s["priorities"]) for s in mq["senders"]],
           [(parent, n, 20 * n, per_prio)], "mq senders")
    expect([(r["pid"], r["msgs"], r["bytes"]) for r in mq["receivers"]], [(child, n, 20 * n)],
           "mq receivers")
    expect((mq["creator"]["pid"], mq["removed"]), (parent, True), "mq (creator, unlinked)")
    opens = sorted((r["pid"], r["op"]) for r in run.of_type("ipc_open")
                   if r["pid"] in (parent, child) and "unlink" not in r["op"])
    expect(opens, sorted([(parent, "mq_open"), (parent, "shm_open"), (parent, "memfd_create"),
                          (child, "mq_open"), (child, "shm_open")]), "opens")
    shm_path = "/dev/shm" + run.kv["shm"]
    unlinks = [(r["pid"], r["op"], r["name"], "error" in r) for r in run.of_type("ipc_open")
               if r["pid"] in (parent, child) and "unlink" in r["op"]]
    expect(unlinks, [(parent, "mq_unlink", run.kv["mq"], False),
                     (parent, "shm_unlink", shm_path, False)], "unlinks (pid, op, name, failed)")
    for pid, other in ((parent, child), (child, parent)):
        kinds = {(m["kind"], m["path"]): m for m in mappings(run, pid)}
        expect(sorted(kinds), sorted([("posix_shm", shm_path), ("memfd", "memfd:ipcscope-memfd")]),
               "mappings of %d (kind, path)" % pid)
        expect({m["shared_with"][0] for m in kinds.values()}, {other}, "shared with")
        expect(kinds[("posix_shm", shm_path)]["unlinked"], True, "the segment's name unlinked")


def test_ipc_text_report(ctx):
    out = os.path.join(ctx.tmp, "ipc.txt")
    proc = subprocess.run([ctx.tool, "-o", out, "--", ctx.workload("ipc_msgq"), ctx.tmp, "2", "1"],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    expect(proc.returncode, 0, "exit status (stderr: %s)" % proc.stderr[-300:])
    with open(out, encoding="utf-8") as f:
        text = f.read()
    kv = dict(l.split("=", 1) for l in proc.stdout.split())
    msqid = kv["msqid"]
    for want in ("msgsnd msqid %s type 2" % msqid, "System V IPC and POSIX message queues:",
                 "msgq msqid %s key" % msqid, "sent 3 msgs, 112 B (type:count 1:2 2:1)",
                 "1 ENOMSG",
                 "msgget key %s IPC_CREAT|IPC_EXCL mode 0600 -> id %s\n" % (kv["key"], msqid),
                 "msgrcv msqid %s asked type 2: got type 2, 48 B\n" % msqid,
                 "msgrcv msqid %s asked type 0 (any) IPC_NOWAIT: ENOMSG\n" % msqid):
        expect_true(want in text, "text output has %r" % want)
    # A POSIX queue's messages are counted by priority (JSON "priorities"), not type.
    proc = subprocess.run([ctx.tool, "-o", out, "--", ctx.workload("ipc_posix"), "4"],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    expect(proc.returncode, 0, "exit status (stderr: %s)" % proc.stderr[-300:])
    with open(out, encoding="utf-8") as f:
        text = f.read()
    mq = dict(l.split("=", 1) for l in proc.stdout.split())["mq"]
    for want in ("mq %s" % mq, "sent 4 msgs, 80 B (priority:count ",
                 "received 4 msgs, 80 B (priority:count "):
        expect_true(want in text, "text output has %r" % want)
    counts = re.findall(r"\(priority:count ([^)]*)\)", text)
    expect([sorted(c.split()) for c in counts], [["0:2", "1:1", "2:1"]] * 2,
           "messages by priority, sent and received")
def test_ipc_private_objects_have_their_creator(ctx):
    # IPC_PRIVATE makes a new object with or without IPC_CREAT (ipc/util.c ipcget()).
    run = ctx.trace(["ipc_private"])
    pid = run.pid("pid")
    for kind, field in (("shm", "shmid"), ("msgq", "msqid"), ("sem", "semid")):
        obj = one([r for r in run.of_type(kind) if r[field] == run.pid(field)], kind + " records")
        expect(((obj["creator"] or {}).get("pid"), obj["key"], obj["removed"]),
               (pid, "0x00000000", True), "%s (creator, key, removed)" % kind)


def test_message_calls_that_slept_then_failed_are_blocked_time(ctx):
    # A msgrcv and a msgsnd asleep until IPC_RMID (EIDRM), a mq_timedreceive
    # that timed out (ETIMEDOUT): blocked all the same.
    delay_ms = 200
    run = ctx.trace(["ipc_wait_fail", str(delay_ms)])
    receiver, sender, mq_receiver = (run.pid(k) for k in ("receiver", "sender", "mq_receiver"))
    low, high = delay_ms * 1000000 * 0.9, run.wall_ns

    def in_range(ns, who):
        expect_true(low <= ns <= high, "%s blocked_ns: expected %d..%d, got %d"
                    % (who, low, high, ns))

    q = one([r for r in run.of_type("msgq") if r["msqid"] == run.pid("rcv_msqid")],
            "receive queue records")
    rx = one([r for r in q["receivers"] if r["pid"] == receiver], "the receiver's row")
    expect((rx["msgs"], rx["eidrm"]), (0, 1), "receiver (msgs, EIDRM)")
    in_range(rx["blocked_ns"], "msgrcv woken by IPC_RMID")
    q = one([r for r in run.of_type("msgq") if r["msqid"] == run.pid("snd_msqid")],
            "send queue records")
    tx = one([r for r in q["senders"] if r["pid"] == sender], "the blocked sender's row")
    expect(tx["msgs"], 0, "blocked sender's messages sent")
    in_range(tx["blocked_ns"], "msgsnd woken by IPC_RMID")
    mq = one([r for r in run.of_type("mq") if r["name"] == run.kv["mq"]], "mq records")
    rx = one([r for r in mq["receivers"] if r["pid"] == mq_receiver], "the mq receiver's row")
    expect((rx["msgs"], rx["errors"]), (0, 1), "mq receiver (msgs, errors: ETIMEDOUT)")
    in_range(rx["blocked_ns"], "mq_timedreceive that timed out")
    # The text report says the same: each failure on its caller's line, the
    # live line names the queue and, for a receive that failed, no message.
    text = ctx.run(["--", ctx.workload("ipc_wait_fail"), str(delay_ms)], json_out=False)
    pids = {k: text.pid(k) for k in ("receiver", "sender", "mq_receiver")}
    lines = text.stdout.splitlines()
    for who, want in (("receiver", "failed: 1 EIDRM"), ("sender", "failed: 1 EIDRM"),
                      ("mq_receiver", "failed: 1 other (ETIMEDOUT")):
        got = [l for l in lines if l.startswith("  ipc_wait_fail[%d]" % pids[who]) and
               "failed:" in l]
        expect_true(len(got) == 1 and want in got[0],
                    "%s's failure line %r: %r" % (who, want, got))
    live = [l for l in lines if "[%d] mq_receive" % pids["mq_receiver"] in l]
    expect_true(len(live) == 1 and "mq %s (ino" % text.kv["mq"] in live[0] and
                "prio" not in live[0] and live[0].endswith("ETIMEDOUT"),
                "live mq_receive line: the queue's name, no message: %r" % live)


def traced_midway(ctx, argv, comm, json_out=True):
    """Starts a workload, lets it set up untraced until it prints ready=1, then
    starts ipcscope -c COMM and sends the workload a byte on stdin to go on.
    Returns the workload's key=value lines and ipcscope's JSON records (its
    text output with json_out=False)."""
    out = os.path.join(ctx.tmp, comm + (".jsonl" if json_out else ".txt"))
    wl = subprocess.Popen([ctx.workload(argv[0])] + list(argv[1:]), stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    kv, tracer, err = {}, None, ""
    try:
        for line in iter(wl.stdout.readline, ""):
            k, _, v = line.strip().partition("=")
            kv[k] = v
            if k == "ready":
                break
        expect(kv.get("ready"), "1", "%s set up before tracing (stdout %r)" % (argv[0], kv))
        tracer = start_tracer(ctx, (["--json"] if json_out else []) + ["-o", out, "-c", comm])
        rest, err = wl.communicate("g", timeout=30)
        kv.update(l.split("=", 1) for l in rest.split() if "=" in l)
        expect(wl.returncode, 0, "%s exit status (stderr: %s)" % (argv[0], err))
    finally:
        if wl.poll() is None:
            wl.kill()
            wl.wait()
        if tracer:
            tracer.send_signal(signal.SIGINT)
            _, err = tracer.communicate(timeout=30)
    expect(tracer.returncode, 0, "ipcscope -c %s exit status (stderr: %s)" % (comm, err))
    if not json_out:
        with open(out, encoding="utf-8") as f:
            return kv, f.read()
    return kv, json_lines(out)


def test_sysv_shm_attached_before_tracing_destroyed_at_its_detach(ctx):
    # The holder attached before tracing; the other attaches, detaches and
    # removes it while traced: the kernel still counts the holder's attach,
    # so the segment lives until the holder's shmdt.
    delay_ms = 150
    kv, recs = traced_midway(ctx, ["ipc_shm_before", ctx.tmp, str(delay_ms)], "ipc_shm_before")
    holder, other, shmid = int(kv["holder"]), int(kv["other"]), int(kv["shmid"])
    shm = one([r for r in recs if r["type"] == "shm" and r["shmid"] == shmid], "shm records")
    expect((shm["key"], (shm["creator"] or {}).get("pid"), shm["removed"],
            shm["removed_by"]["pid"]), (kv["key"], holder, True, other),
           "shm (key, creator from /proc/sysvipc, removed, removed by)")
    expect((shm["attached_at_removal"], shm.get("destroyed_at_last_detach"),
            (shm.get("last_detacher") or {}).get("pid")), (1, True, holder),
           "(attached at removal, destroyed at last detach, last detacher)")
    expect_true(shm["destroyed_ns"] - shm["removed_ns"] >= delay_ms * 1000000 * 0.9,
                "destroyed at the holder's shmdt %d ms after IPC_RMID: %d ns later"
                % (delay_ms, shm["destroyed_ns"] - shm["removed_ns"]))
    expect(users(shm["attachers"], "attaches", "detaches"),
           sorted([(other, 1, 1), (holder, 0, 1)]), "attachers (pid, attaches, detaches)")
    m = one([r for r in recs if r["type"] == "mapping" and r["pid"] == holder],
            "the holder's mappings")
    expect((m["kind"], m["ino"], m["path"], m["bytes"], m["maps"], m["before_tracing"]),
           ("sysv", shmid, "SYSV" + kv["key"][2:], 4096, 0, True),
           "the holder's mapping (kind, shmid, path, bytes, maps, before_tracing)")


def test_sysv_objects_from_before_tracing_keep_their_key_when_gone(ctx):
    # A queue and a segment made before tracing are touched without a get
    # (msgsnd; shmdt) and removed at once: the records are read after they
    # left /proc/sysvipc, so key and size come from the list made when
    # tracing began, and both say they existed before tracing.
    kv, recs = traced_midway(ctx, ["ipc_touch_before", ctx.tmp], "ipc_touch_befor")
    shmid, msqid, pid = int(kv["shmid"]), int(kv["msqid"]), int(kv["pid"])
    shm = one([r for r in recs if r["type"] == "shm" and r["shmid"] == shmid], "shm records")
    expect((shm["key"], shm["size"], shm["before_tracing"], shm["removed"],
            (shm.get("last_detacher") or {}).get("pid")),
           (kv["shm_key"], 8192, True, True, pid),
           "shm (key, size, before_tracing, removed, last detacher)")
    q = one([r for r in recs if r["type"] == "msgq" and r["msqid"] == msqid], "msgq records")
    expect((q["key"], q["before_tracing"], [(s["pid"], s["msgs"]) for s in q["senders"]]),
           (kv["msg_key"], True, [(pid, 1)]), "msgq (key, before_tracing, senders)")


def test_sysv_get_finding_an_object_from_before_tracing_did_not_create_it(ctx):
    # msgget/semget with IPC_CREAT find a queue and a set made before
    # tracing: they are not their creators; a later msgget that makes a
    # new queue under the same key is.
    kv, recs = traced_midway(ctx, ["ipc_get_existing", ctx.tmp], "ipc_get_existin")
    pid, old, sem, new = (int(kv[k]) for k in ("pid", "msqid_old", "semid", "msqid_new"))
    qs = {r["msqid"]: r for r in recs if r["type"] == "msgq" and r["msqid"] in (old, new)}
    got = [(q, (qs[q]["creator"] or {}).get("pid"), qs[q]["before_tracing"])
           for q in sorted(qs)]
    expect(got, sorted([(old, None, True), (new, pid, False)]),
           "msgq (msqid, creator pid, before_tracing)")
    s = one([r for r in recs if r["type"] == "sem" and r["semid"] == sem], "sem records")
    expect((s["creator"], s["before_tracing"]), (None, True), "sem (creator, before_tracing)")


def test_sysv_get_live_line_says_created_or_existing(ctx):
    # The same in text: "(existing)" for a get that found the object,
    # "(created)" for the one that made it.
    kv, text = traced_midway(ctx, ["ipc_get_existing", ctx.tmp], "ipc_get_existin",
                             json_out=False)
    gets = [l.split("-> id ")[1] for l in text.splitlines() if "get key 0x" in l and "-> id" in l]
    expect(gets, ["%s (existing)" % kv["msqid_old"], "%s (existing)" % kv["semid"],
                  "%s (created)" % kv["msqid_new"]], "get lines' ends")


def test_shared_file_mapped_before_tracing_named_when_unmapped(ctx):
    # Mapped before tracing, unmapped a page at a time while traced: each
    # munmap names the file, and the report lists the mapping.
    kv, recs = traced_midway(ctx, ["ipc_map_before", ctx.tmp], "ipc_map_before")
    pid, ino, name = int(kv["pid"]), int(kv["ino"]), os.path.basename(kv["path"])
    unmaps = [r for r in recs if r["type"] == "map" and r["pid"] == pid]
    expect([(r["op"], r.get("kind"), r.get("ino"), r.get("name"), r["len"]) for r in unmaps],
           [("munmap", "file", ino, name, 4096)] * 2, "munmap records (op, kind, ino, name, len)")
    m = one([r for r in recs if r["type"] == "mapping" and r["pid"] == pid], "mappings")
    expect((m["kind"], m["ino"], os.path.basename(m["path"] or ""), m["bytes"], m["maps"],
            m["before_tracing"], m["shared_with"]), ("file", ino, name, 8192, 0, True, []),
           "mapping (kind, ino, path, bytes, maps, before_tracing, shared_with)")


# ---------------------------------------------------------------- lifecycle: signals, output faults

def bpf_ids_of(pid):
    """The BPF programs, maps and links process pid holds, from /proc/PID/fdinfo."""
    ids = {"prog": set(), "map": set(), "link": set()}
    fdinfo = "/proc/%d/fdinfo" % pid
    for fd in os.listdir(fdinfo):
        try:
            with open(os.path.join(fdinfo, fd)) as f:
                text = f.read()
        except OSError:
            continue  # closed meanwhile
        fields = dict(l.split(":", 1) for l in text.splitlines() if ":" in l)
        if "link_id" in fields:
            ids["link"].add(int(fields["link_id"]))
        elif "prog_id" in fields:
            ids["prog"].add(int(fields["prog_id"]))
        elif "map_id" in fields:
            ids["map"].add(int(fields["map_id"]))
    return ids


def attached_ids(pid):
    """bpf_ids_of(pid), asserting there is something to check afterwards."""
    ids = bpf_ids_of(pid)
    expect_true(ids["prog"] and ids["link"] and ids["map"],
                "running ipcscope holds no BPF programs, links or maps? %s" % ids)
    return ids


def live_bpf_ids():
    ids = {}
    for kind in ("prog", "map", "link"):
        # bpftool fails when an object it listed is freed before it opens it
        # (another tracer exiting meanwhile): ask again.
        for _ in range(5):
            out = subprocess.run(["bpftool", "-j", kind, "show"], capture_output=True,
                                 text=True, timeout=30)
            if out.returncode == 0:
                break
            time.sleep(0.2)
        expect(out.returncode, 0, "bpftool %s show exit status (%s %s)"
               % (kind, out.stderr, out.stdout[-300:]))
        ids[kind] = {o["id"] for o in json.loads(out.stdout or "[]")}
    return ids


def expect_gone(ids, what):
    """The kernel frees programs, maps and links once their last fd is closed;
    the freeing may be deferred (RCU), so look for up to 10 s."""
    deadline = time.time() + 10
    while True:
        live = live_bpf_ids()
        left = {k: sorted(ids[k] & live[k]) for k in ids if ids[k] & live[k]}
        if not left or time.time() > deadline:
            break
        time.sleep(0.1)
    expect(left, {}, "BPF objects of %s still loaded after it exited (kind: ids)" % what)


def read_lines(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read().splitlines()


def json_lines(path):
    recs = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            try:
                recs.append(json.loads(line))
            except ValueError as e:
                raise AssertionError("line %d of %s is not JSON (%s): %r" % (n, path, e, line[-200:]))
    return recs


def _stop_by_signal(ctx, signo, json_out, scope, dest):
    """One run: trace a sleep that gets 3 SIGWINCH (ignored by default), stop
    ipcscope with signo, check the report and that its programs are gone."""
    n = 3
    target = subprocess.Popen(["sleep", "60"])
    path = os.path.join(ctx.tmp, "stop-%d.out" % signo)
    args = (["--json"] if json_out else []) + (["-p", str(target.pid)] if scope == "pid" else [])
    args += ["-o", path] if dest == "file" else []
    what = "ipcscope %s (%s)" % (" ".join(args), signal.Signals(signo).name)
    try:
        with open(os.path.join(ctx.tmp, "stop-stdout"), "w") as stdout:
            proc = subprocess.Popen([ctx.tool, "-v"] + args, stdout=stdout if dest == "stdout"
                                    else subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                    stdin=subprocess.DEVNULL)
        try:
            wait_attached(proc.stderr, what)
            ids = attached_ids(proc.pid)
            for _ in range(n):
                os.kill(target.pid, signal.SIGWINCH)
            os.kill(proc.pid, signo)
            _, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    finally:
        target.kill()
        target.wait()
    if dest == "stdout":
        path = os.path.join(ctx.tmp, "stop-stdout")
    expect((proc.returncode, err), (0, ""), "%s (exit status, stderr)" % what)
    if json_out:
        recs = json_lines(path)
        rows = [r for r in recs if r["type"] == "process" and r["pid"] == target.pid]
        expect([r["signals_received"].get("SIGWINCH", {}).get("generated") for r in rows], [n],
               "%s: SIGWINCH generated in the target's process record" % what)
        expect([r["type"] for r in recs[-1:]], ["summary"], "%s: last record" % what)
    else:
        lines = read_lines(path)
        row = [l.split() for l in lines if l.split()[:1] == [str(target.pid)] and
               "WINCH" in l.split()]
        # PID COMM SIGNAL SENT RECV QUEUE IGN
        expect([r[3:7] for r in row], [["0", str(n), "0", str(n)]],
               "%s: report row (SENT RECV QUEUE IGN) of the target" % what)
        expect_true(lines and lines[-1].startswith("lost:"),
                    "%s: the report's closing 'lost:' line is missing: %r" % (what, lines[-3:]))
    expect_gone(ids, what)


def test_stop_signals_flush_the_report_and_detach(ctx):
    # Each signal with each format, scope and destination at least once.
    for signo, json_out, scope, dest in (
            (signal.SIGINT, False, "system", "file"), (signal.SIGTERM, True, "pid", "file"),
            (signal.SIGHUP, True, "system", "stdout"), (signal.SIGINT, True, "pid", "stdout"),
            (signal.SIGTERM, False, "system", "stdout"), (signal.SIGHUP, False, "pid", "file")):
        _stop_by_signal(ctx, signo, json_out, scope, dest)


def test_stop_signal_with_the_command_still_running_says_so(ctx):
    # SIGTERM to ipcscope reaches COMMAND, which ignores it: after the grace
    # ipcscope ends with 128 + 15, saying the status is not COMMAND's. A
    # second SIGTERM ends ipcscope at once, by its default action.
    for signals in (1, 2):
        proc = subprocess.Popen([ctx.tool, "-v", "-o", os.devnull, "--", "sh", "-c",
                                 'trap "" TERM; echo pid=$$; sleep 4'], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
        try:
            wait_attached(proc.stderr, "ipcscope -- sh")
            pid = int(proc.stdout.readline().split("=")[1])
            proc.send_signal(signal.SIGTERM)
            if signals == 2:
                _signal_taken(proc.pid, signal.SIGTERM, "two SIGTERM")
                proc.send_signal(signal.SIGTERM)
            t0 = time.monotonic()
            proc.wait(timeout=60)
            took = time.monotonic() - t0
            _, err = proc.communicate(timeout=60)  # sh holds the pipes until it ends
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        if signals == 1:
            want = ("stopped by SIGTERM; sh (pid %d) is still running, untraced: exit status "
                    "143 is not its own" % pid)
            expect((proc.returncode, want in err), (143, True),
                   "exit status and %r in stderr %r" % (want, err))
        else:
            expect_true(proc.returncode == -signal.SIGTERM and took < 1.5,
                        "a second SIGTERM: exit status %d after %.1f s" % (proc.returncode, took))
        deadline = time.monotonic() + 10  # sh ends by itself
        while os.path.exists("/proc/%d" % pid) and time.monotonic() < deadline:
            time.sleep(0.1)


def test_stop_signal_not_from_the_terminal_is_passed_on(ctx):
    # kill -INT to ipcscope alone (not Ctrl-C, which reaches the whole group)
    # is passed on: COMMAND's trap runs and its status is ipcscope's.
    # Python, not a shell: a shell cannot trap a signal ignored when it
    # started (POSIX), as SIGINT is for a test run from a background job.
    script = ("import signal, sys, time\n"
              "signal.signal(signal.SIGINT, lambda *a: sys.exit(5))\n"
              "print('ready', flush=True)\n"
              "time.sleep(30)\n")
    proc = subprocess.Popen([ctx.tool, "-v", "-o", os.devnull, "--", sys.executable, "-c",
                             script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL)
    try:
        wait_attached(proc.stderr, "ipcscope -- python")
        expect(proc.stdout.readline().strip(), "ready", "the command's first line")
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    expect(proc.returncode, 5, "exit status: COMMAND's, from its INT trap")


def test_stop_signal_while_loading_does_not_run_the_command(ctx):
    # SIGINT while the programs load, before COMMAND's exec: it is not run
    # (nothing would pass the signal on), and the status is 128 + 2.
    marker = os.path.join(ctx.tmp, "ran")
    proc = subprocess.Popen([ctx.tool, "-o", os.devnull, "--", "sh", "-c", 'touch "$0"', marker],
                            stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    expect((proc.returncode, os.path.exists(marker)), (130, False),
           "exit status and whether COMMAND ran (stderr %r)" % err)
    expect_true("stopped by SIGINT while loading: sh was not run" in err, "stderr %r" % err)


def _signal_taken(pid, signo, what):
    """Waits (bounded) until signo is no longer pending for pid: a second one
    sent before would merge into it (a standard signal does not queue)."""
    bit = 1 << (signo - 1)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with open("/proc/%d/status" % pid) as f:
                pending = [int(l.split()[1], 16) for l in f
                           if l.startswith(("SigPnd:", "ShdPnd:"))]
        except OSError:
            return  # gone: it took the signal
        if not any(p & bit for p in pending):
            return
        time.sleep(0.01)
    raise AssertionError("%s: signal %d still pending after 10 s" % (what, signo))


def _blocked_on_its_output(pid, what):
    """Waits (bounded) until ipcscope sleeps writing to its output pipe."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with open("/proc/%d/wchan" % pid) as f:
            if "pipe_write" in f.read():
                return
        time.sleep(0.05)
    raise AssertionError("%s: ipcscope never blocked on its output" % what)


F_SETPIPE_SZ = 1031  # include/uapi/linux/fcntl.h (F_LINUX_SPECIFIC_BASE + 7)


def test_stop_signals_end_ipcscope_stuck_on_its_output(ctx):
    # Its reader stopped reading (`| less` left open). While the run goes
    # on, a first Ctrl-C cannot be handled by the stuck loop: a second one
    # ends ipcscope. Once the report is being written, one does.
    churn = "for i in $(seq 3000); do /bin/true; done"
    for phase in ("run", "report"):
        r, w = os.pipe()
        # A one-page pipe: the report (~100 KB) cannot fit in what is left of it.
        fcntl.fcntl(w, F_SETPIPE_SZ, 4096)
        args = ["-v", "--", "bash", "-c", churn] if phase == "run" else ["--", "bash", "-c", churn]
        proc = subprocess.Popen([ctx.tool] + args, stdout=w, stderr=subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL)
        os.close(w)
        reader = None
        try:
            if phase == "report":
                # Read everything up to the report's heading, then stop reading.
                def read_until_report():
                    seen = b""
                    while b"=== ipcscope report" not in seen:
                        chunk = os.read(r, 4096)
                        if not chunk:
                            return
                        seen = seen[-100:] + chunk
                reader = threading.Thread(target=read_until_report, daemon=True)
                reader.start()
                reader.join(60)
            _blocked_on_its_output(proc.pid, phase)
            for _ in range(2 if phase == "run" else 1):
                proc.send_signal(signal.SIGINT)
                _signal_taken(proc.pid, signal.SIGINT, phase)
            proc.wait(timeout=5)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            os.close(r)
        expect(proc.returncode, -signal.SIGINT, "%s: exit status of ipcscope stuck on its output"
               % phase)


def test_output_to_a_fifo_without_reader_is_an_error(ctx):
    fifo = os.path.join(ctx.tmp, "nobody-reads")
    os.mkfifo(fifo)
    proc = subprocess.run([ctx.tool, "-d", "1", "-o", fifo], capture_output=True, text=True,
                          timeout=30, stdin=subprocess.DEVNULL)
    expect((proc.returncode, proc.stderr.count("\n"), "start its reader first" in proc.stderr),
           (1, 1, True), "exit status and one line naming the fix: %r" % proc.stderr)


def test_descendants_left_running_after_the_command_are_said(ctx):
    # COMMAND leaves a daemon behind: its status is COMMAND's, and stderr
    # says that one process it started still runs, untraced from then on.
    proc = subprocess.run([ctx.tool, "-o", os.devnull, "--", "sh", "-c",
                           'setsid sleep 2 & echo pid=$!; exit 3'], capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)
    pid = int(re.search(r"pid=(\d+)", proc.stdout).group(1))
    expect((proc.returncode, "1 process started by sh still runs" in proc.stderr,
            "[%d]" % pid in proc.stderr), (3, True, True),
           "exit status and the line naming the process left running: %r" % proc.stderr)
    deadline = time.monotonic() + 10  # it ends by itself
    while os.path.exists("/proc/%d" % pid) and time.monotonic() < deadline:
        time.sleep(0.1)


def test_stop_signal_while_loading_still_reports(ctx):
    # SIGTERM once the first BPF object exists, while the programs load:
    # it must wait for tracing to start and end it with the report.
    target = subprocess.Popen(["sleep", "60"])
    out = os.path.join(ctx.tmp, "loading.jsonl")
    proc = subprocess.Popen([ctx.tool, "--json", "-o", out, "-p", str(target.pid)],
                            stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    try:
        fds = "/proc/%d/fd" % proc.pid
        deadline, early = time.time() + 30, None
        while early is None and time.time() < deadline and proc.poll() is None:
            links = []
            for fd in os.listdir(fds):
                try:
                    links.append(os.readlink(os.path.join(fds, fd)))
                except OSError:
                    pass
            if any("bpf-map" in l or "bpf-prog" in l for l in links):
                early = not any("bpf-link" in l for l in links)
            else:
                time.sleep(0.001)
        expect_true(early is not None, "ipcscope never opened a BPF object")
        os.kill(proc.pid, signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        target.kill()
        target.wait()
    expect((proc.returncode, err), (0, ""), "(exit status, stderr) after SIGTERM while loading")
    expect([r["type"] for r in json_lines(out)[-1:]], ["summary"], "last record")
    if not early:
        raise Skip("the programs were attached before the signal went out; it proved less")


def _reader_goes_away(ctx, args, nlines, workload=None):
    """ipcscope args | (read nlines, then close the pipe): like `| head -n N`."""
    proc = subprocess.Popen([ctx.tool, "-v"] + args, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    what = "ipcscope %s | head -n %d" % (" ".join(args), nlines)
    try:
        wait_attached(proc.stderr, what)
        ids = attached_ids(proc.pid)
        if workload:
            subprocess.run(workload, stdout=subprocess.DEVNULL, timeout=30)
        for _ in range(nlines):
            expect_true(proc.stdout.readline(), "%s: output ended early" % what)
        proc.stdout.close()
        gone_at = time.time()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            raise AssertionError("%s: still running 10 s after its reader left" % what)
        took = time.time() - gone_at
        err = proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    expect((proc.returncode, err), (0, b""), "%s: (exit status, stderr)" % what)
    expect_true(took < 5, "%s: took %.1f s to notice its reader left" % (what, took))
    expect_gone(ids, what)


def test_reader_going_away_ends_quietly(ctx):
    quiet = subprocess.Popen(["sleep", "60"])
    try:
        # Nothing more to write after the header: it must notice anyway.
        _reader_goes_away(ctx, ["-p", str(quiet.pid)], 1)
    finally:
        quiet.kill()
        quiet.wait()
    busy = [ctx.workload("sig_handshake"), "200"]
    _reader_goes_away(ctx, ["-c", "sig_handshake"], 3, workload=busy)
    _reader_goes_away(ctx, ["--json", "-c", "sig_handshake"], 1, workload=busy)
    # The real thing, through a shell: quick, silent, status 0.
    sleeper = subprocess.Popen(["sleep", "60"])
    try:
        proc = subprocess.run(["bash", "-c", '"$0" -p %d | head -n 1 >/dev/null; '
                               'echo "status=${PIPESTATUS[0]}"' % sleeper.pid, ctx.tool],
                              capture_output=True, text=True, timeout=30)
    finally:
        sleeper.kill()
        sleeper.wait()
    expect((proc.stdout, proc.stderr), ("status=0\n", ""), "ipcscope -p PID | head -n 1")


def test_reader_going_away_keeps_the_command_status(ctx):
    # The output is gone but COMMAND runs on: ipcscope detaches at once and
    # still ends with COMMAND's status.
    proc = subprocess.run(["bash", "-c", '"$0" -- sh -c "sleep 1; exit 5" | head -n 1 >/dev/null;'
                           ' echo "status=${PIPESTATUS[0]}"', ctx.tool],
                          capture_output=True, text=True, timeout=30)
    expect((proc.stdout, proc.stderr), ("status=5\n", ""), "ipcscope -- COMMAND | head -n 1")


def _tracefs_state():
    """What of tracefs a tracer could leave behind: enabled events, probes."""
    state = {}
    for name in ("set_event", "kprobe_events", "uprobe_events"):
        try:
            with open(os.path.join("/sys/kernel/tracing", name)) as f:
                state[name] = f.read()
        except OSError:
            state[name] = None
    return state


def test_kill9_leaves_nothing_behind(ctx):
    pinned = set(os.listdir("/sys/fs/bpf")) if os.path.isdir("/sys/fs/bpf") else set()
    proc = start_tracer(ctx, ["--json", "-o", os.path.join(ctx.tmp, "kill9.jsonl")])
    try:
        ids = attached_ids(proc.pid)
        tracefs = _tracefs_state()  # tracefs is mounted by now (preflight)
    finally:
        proc.kill()
        proc.wait()
    expect(proc.returncode, -signal.SIGKILL, "ipcscope's end")
    expect_gone(ids, "ipcscope killed with SIGKILL")
    now = set(os.listdir("/sys/fs/bpf")) if os.path.isdir("/sys/fs/bpf") else set()
    expect(now - pinned, set(), "new entries under /sys/fs/bpf")
    expect(_tracefs_state(), tracefs, "tracefs state after SIGKILL")


def test_two_tracers_at_once_both_exact(ctx):
    n = 300
    out = os.path.join(ctx.tmp, "first-of-two.jsonl")
    first = start_tracer(ctx, ["--json", "-o", out, "-c", "sig_handshake"])
    try:
        run = ctx.trace(["sig_handshake", str(n)])
        os.kill(first.pid, signal.SIGINT)
        _, err = first.communicate(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    expect((first.returncode, err), (0, ""), "first tracer (exit status, stderr)")
    parent, child = run.pid("parent"), run.pid("child")
    mine = [r for r in json_lines(out) if r["type"] == "process" and r["pid"] == child]
    for who, rows in (("system-wide -c tracer", mine),
                      ("-- COMMAND tracer", [run.process(child)])):
        expect([(r["signals_received"]["SIGUSR1"]["generated"],
                 r["signals_received"]["SIGUSR1"]["delivered"]) for r in rows], [(n, n)],
               "%s: child's SIGUSR1 (generated, delivered)" % who)
    sent = [r for r in json_lines(out) if r["type"] == "signal" and r["signal"] == "SIGUSR1"
            and r["sender"] and r["sender"]["pid"] == parent]
    expect(count(sent), n, "system-wide -c tracer: live SIGUSR1 records from the parent")


def _one_line_error(proc, rc, needle, what):
    expect(proc.returncode, rc, "%s: exit status (stderr %r)" % (what, proc.stderr))
    expect_true(needle in proc.stderr and proc.stderr.count("\n") == 1,
                "%s: want one line with %r, got %r" % (what, needle, proc.stderr))


def test_output_faults_one_line_whole_records(ctx):
    wl = ["--", ctx.workload("sig_handshake"), "2000"]
    for fmt in ([], ["--json"]):
        what = " ".join(["ipcscope"] + fmt)
        proc = subprocess.run([ctx.tool] + fmt + ["-o", "/dev/full"] + wl, capture_output=True,
                              text=True, timeout=60)
        _one_line_error(proc, 1, "cannot write to /dev/full", what + " -o /dev/full")
        # Closed, and read-only, standard output.
        for redirect in (">&-", "1</dev/null"):
            proc = subprocess.run(["sh", "-c", 'exec "$0" "$@" %s' % redirect, ctx.tool] + fmt
                                  + wl, capture_output=True, text=True, timeout=60)
            _one_line_error(proc, 1, "standard output is closed or read-only",
                            "%s %s" % (what, redirect))
        # A full disk behind standard output names it, not -o (not given).
        proc = subprocess.run(["sh", "-c", 'exec "$0" "$@" >/dev/full', ctx.tool] + fmt + wl,
                              capture_output=True, text=True, timeout=60)
        _one_line_error(proc, 1, "cannot write to standard output: No space left on device: "
                        "check where it goes", what + " >/dev/full")
    mnt = tempfile.mkdtemp(dir=ctx.tmp)
    for opts, needle in (("ro,size=1m", "Read-only file system"),
                         ("size=64k", "No space left on device")):
        for fmt in ([], ["--json"]):
            what = "ipcscope %s -o FILE on tmpfs %s" % (" ".join(fmt), opts)
            expect(subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", mnt]).returncode,
                   0, "mount a tmpfs for the test")
            try:
                path = os.path.join(mnt, "out")
                proc = subprocess.run([ctx.tool, "--no-fold", "-o", path] + fmt + wl,
                                      capture_output=True, text=True, timeout=60)
                _one_line_error(proc, 1, needle, what)
                if opts.startswith("size"):
                    # The disk filled mid-run: whatever is there is whole lines.
                    with open(path, "rb") as f:
                        data = f.read()
                    expect_true(len(data) > 32 * 1024, "%s: only %d bytes written" % (what, len(data)))
                    expect(data[-1:], b"\n", "%s: last byte of the file" % what)
                    if fmt:
                        json_lines(path)
            finally:
                subprocess.run(["umount", mnt])
# ---------------------------------------------------------------- privileges

CAP_KILL, CAP_DAC_READ_SEARCH, CAP_SYS_PTRACE, CAP_BPF = 5, 2, 19, 39
# What the tracer keeps after attaching (src/privileges.c); CAP_KILL with -- COMMAND.
KEPT_CAPS = {CAP_DAC_READ_SEARCH, CAP_SYS_PTRACE}


def proc_status(text):
    """The fields of a /proc/PID/status text, as strings."""
    return {k.strip(): v.strip() for k, _, v in
            (line.partition(":") for line in text.splitlines()) if v}


def cap_bits(hexmask):
    n = int(hexmask, 16)
    return {b for b in range(64) if n >> b & 1}


def expect_tracer_caps(pid, kept, what):
    with open("/proc/%d/status" % pid) as f:
        st = proc_status(f.read())
    # Before Linux 5.19 bpf() map calls may need CAP_BPF: the tracer keeps it there.
    major, minor = (int(x) for x in os.uname().release.split(".")[:2])
    allowed = [kept, kept | {CAP_BPF}] if (major, minor) < (5, 19) else [kept]
    for field in ("CapEff", "CapPrm", "CapBnd"):
        expect_true(cap_bits(st[field]) in allowed, "%s: tracer %s: expected caps %s, got %s"
                    % (what, field, sorted(kept), sorted(cap_bits(st[field]))))
    for field in ("CapInh", "CapAmb"):
        expect(cap_bits(st[field]), set(), "%s: tracer %s" % (what, field))
    expect(st["NoNewPrivs"], "1", "%s: tracer NoNewPrivs" % what)


def test_tracer_drops_capabilities_and_still_traces(ctx):
    out = os.path.join(ctx.tmp, "privdrop.jsonl")
    tracer = start_tracer(ctx, ["--json", "-o", out, "-c", "sig_handshake", "-d", "60"])
    try:
        expect_tracer_caps(tracer.pid, KEPT_CAPS, "system-wide run")
        # Created after the drop: its counts are exact and its processes get their names.
        wl = subprocess.run([ctx.workload("sig_handshake"), "200"], capture_output=True,
                            text=True, timeout=60)
        expect(wl.returncode, 0, "workload exit status (stderr %r)" % wl.stderr)
    finally:
        if tracer.poll() is None:
            tracer.send_signal(signal.SIGINT)
        _, err = tracer.communicate(timeout=30)
    expect(tracer.returncode, 0, "ipcscope exit status after the drop (stderr: %s)" % err)
    kv = dict(l.split("=") for l in wl.stdout.split())
    parent, child = int(kv["parent"]), int(kv["child"])
    with open(out, encoding="utf-8") as f:
        recs = [json.loads(line) for line in f]
    usr1 = [r for r in recs if r["type"] == "signal" and r["signal"] == "SIGUSR1"
            and r["target"]["pid"] == child]
    expect(count(usr1), 200, "SIGUSR1 parent -> child after the drop")
    procs = {r["pid"]: r for r in recs if r["type"] == "process"}
    expect_true(child in procs, "no report row for the child %d: %s" % (child, sorted(procs)))
    expect(procs[child]["signals_received"]["SIGUSR1"]["delivered"], 200, "delivered")
    expect((procs[parent]["comm"], procs[child]["comm"]), ("sig_handshake", "sig_handshake"),
           "names of processes created after the drop")
    summary = [r for r in recs if r["type"] == "summary"]
    expect([r["lost"] for r in summary], [0], "events lost")


def nobody_dir(ctx):
    """A directory nobody may create FIFOs in."""
    d = tempfile.mkdtemp(prefix="ipcscope-nobody-", dir="/tmp")
    os.chmod(d, 0o1777)
    return d


def test_fifo_of_another_user_is_named_after_the_drop(ctx):
    # A relative FIFO path is made absolute from /proc/PID/cwd: the reason the tracer keeps
    # CAP_SYS_PTRACE once it runs without the rest of root's capabilities. Both ends stay
    # open for a second, so the path is looked up while the openers live.
    d = nobody_dir(ctx)
    run = ctx.run(["--user", "nobody", "--", "sh", "-c",
                   "cd %s && mkfifo f && { sleep 1 >f & cat f; wait; }" % d])
    expect(run.rc, 0, "ipcscope --user nobody -- sh exit status (stderr %r)" % run.stderr)
    fifo = os.path.join(d, "f")
    rec = pipe_record(run, os.stat(fifo).st_ino)
    expect((rec["kind"], rec["path"]), ("fifo", fifo), "nobody's FIFO opened as 'f'")


def run_reporting_creds(ctx, args, env_extra=None):
    """ipcscope ARGS -- cat /proc/self/status: the command's own credentials."""
    env = dict(os.environ)
    env.update(env_extra or {})
    proc = subprocess.run([ctx.tool, "-o", os.path.join(ctx.tmp, "creds.txt")] + args
                          + ["--", "cat", "/proc/self/status"], capture_output=True,
                          text=True, timeout=60, env=env, stdin=subprocess.DEVNULL)
    expect(proc.returncode, 0, "ipcscope %s -- cat exit status (stderr %r)"
           % (" ".join(args), proc.stderr))
    return proc_status(proc.stdout)


def expect_unprivileged(st, uid, what):
    expect((st["Uid"].split(), st["Gid"].split()), ([str(uid)] * 4, [str(uid)] * 4),
           "%s: uids and gids" % what)
    for field in ("CapEff", "CapPrm", "CapAmb", "CapInh"):
        expect(cap_bits(st[field]), set(), "%s: %s" % (what, field))
    # What the user has without ipcscope: the tracer's no_new_privs is not passed on.
    expect(st["NoNewPrivs"], "0", "%s: NoNewPrivs" % what)


def test_command_runs_as_the_chosen_user(ctx):
    expect_unprivileged(run_reporting_creds(ctx, ["--user", "nobody"]), 65534, "--user nobody")
    expect_unprivileged(run_reporting_creds(ctx, ["--user", "65534"]), 65534, "--user 65534")
    sudo = {"SUDO_UID": "65534", "SUDO_GID": "65534"}
    expect_unprivileged(run_reporting_creds(ctx, [], sudo), 65534, "under sudo by uid 65534")
    # Root without sudo, or --user root under sudo: the caller's own credentials.
    with open("/proc/self/status") as f:
        mine = proc_status(f.read())
    for args, env, what in (([], None, "root without sudo"),
                            (["--user", "root"], sudo, "--user root under sudo")):
        st = run_reporting_creds(ctx, args, env)
        for field in ("Uid", "CapEff", "CapPrm", "CapBnd", "NoNewPrivs"):
            expect(st[field], mine[field], "%s: %s (the caller's)" % (what, field))


def test_unknown_user_is_a_usage_error(ctx):
    cases = [
        (["--user", "no-such-user", "--", "true"], "unknown user 'no-such-user'"),
        (["--user", "4294967294", "--", "true"], "unknown user '4294967294'"),
        (["--user", "nobody", "-d", "1"], "--user says who runs COMMAND"),
    ]
    for args, msg in cases:
        proc = subprocess.run([ctx.tool] + args, capture_output=True, text=True, timeout=30,
                              stdin=subprocess.DEVNULL)
        expect(proc.returncode, 2, "exit status of ipcscope %s" % " ".join(args))
        expect_true(msg in proc.stderr, "ipcscope %s: %r not in stderr %r"
                    % (" ".join(args), msg, proc.stderr))
        expect(len(proc.stderr.strip().splitlines()), 1, "lines in %r" % proc.stderr)


def test_sigterm_reaches_a_command_of_another_user(ctx):
    # Passing SIGTERM on to nobody's command is why CAP_KILL stays with -- COMMAND.
    tracer = start_tracer(ctx, ["-o", os.path.join(ctx.tmp, "term.txt"), "--user", "nobody",
                                "--", "sleep", "30"])
    try:
        expect_tracer_caps(tracer.pid, KEPT_CAPS | {CAP_KILL}, "-- COMMAND run")
        tracer.send_signal(signal.SIGTERM)
        _, err = tracer.communicate(timeout=30)
    finally:
        if tracer.poll() is None:
            tracer.kill()
            tracer.wait()
    expect(tracer.returncode, 128 + signal.SIGTERM,
           "exit status: the command's death by SIGTERM (stderr %r)" % err)


def test_user_switch_without_the_right_fails_clearly(ctx):
    # Root's uid but only the capabilities loading needs: no CAP_SETUID/SETGID to give away.
    if subprocess.run(["which", "setpriv"], capture_output=True).returncode != 0:
        raise Skip("setpriv (util-linux) is not installed")
    proc = subprocess.run(["setpriv", "--inh-caps=-all", "--bounding-set=-all,+bpf,+perfmon,"
                           "+sys_admin", ctx.tool, "-o", os.devnull, "--user", "nobody", "--",
                           "true"], capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)
    expect(proc.returncode, 1, "exit status (stderr %r)" % proc.stderr)
    msg = "cannot run true as nobody (setgroups): Operation not permitted"
    expect_true(msg in proc.stderr, "%r not in stderr %r" % (msg, proc.stderr))
    expect(len(proc.stderr.strip().splitlines()), 1, "lines in %r" % proc.stderr)


# ---------------------------------------------------------------- long runs: retiring

CHURN_KEEP = 20


def _churn(ctx, n, nbytes, json_out=True):
    """proc_churn: n children each doing known IPC, then 3.5 s idle so that every
    child over for the 1 s grace period is harvested and retired (src/retire.h)."""
    args = ["--keep", str(CHURN_KEEP)]
    argv = ["proc_churn", str(n), "30", "100", str(nbytes), "3500"]
    if json_out:
        return ctx.trace(argv, extra=args)
    return ctx.run(args + ["--", ctx.workload(argv[0])] + argv[1:], json_out=False)


def test_long_run_retires_what_is_over_and_keeps_totals_exact(ctx):
    n, nbytes = 300, 5000
    run = _churn(ctx, n, nbytes)
    parent = run.pid("parent")
    expect(run.pid("children"), n, "children the workload reaped")
    retired = one(run.of_type("retired"), "retired records")
    merged = one([r for r in run.of_type("process") if r.get("retired")], "(retired) records")
    expect((merged["pid"], merged["comm"]), (0, "(retired)"), "the merged record's name")
    kept = [r for r in run.of_type("process") if r["ppid"] == parent and r["pid"] != parent]
    # Every child is either still named or merged into "(retired)", never both or neither.
    expect(len(kept) + retired["shown"], n, "children kept by name + retired")
    expect_true(CHURN_KEEP <= len(kept) <= CHURN_KEEP + 10,
                "children kept by name: %d, expected --keep %d (a few more if a BPF slot "
                "still held their counters)" % (len(kept), CHURN_KEEP))
    expect((retired["exits"], retired["killed"]), (retired["shown"], 0),
           "retired (exits, killed)")
    # Others in the table (seeded from /proc, outside the command) may retire unshown.
    expect_true(retired["processes"] >= retired["shown"],
                "retired processes %d >= shown %d" % (retired["processes"], retired["shown"]))
    for r in kept:
        expect(r["exit"], {"code": 3}, "exit of kept child %d" % r["pid"])
    both = kept + [merged]
    usr1 = [r["signals_received"].get("SIGUSR1", {}) for r in both]
    expect(sum(r["signals_sent"].get("SIGUSR1", 0) for r in both), n, "SIGUSR1 sent")
    expect(sum(u.get("handled", 0) for u in usr1), n, "SIGUSR1 handled")
    expect(sum(r["pipe_write_bytes"] for r in both), n * nbytes, "pipe bytes written")
    expect(sum(r["pipe_read_bytes"] for r in both), n * nbytes, "pipe bytes read")
    expect((sum(r["msgs_sent"] for r in both), sum(r["msgs_received"] for r in both)),
           (n, n), "messages (sent, received)")
    kept_pids = {r["pid"] for r in kept}
    kept_pipes = [p for p in run.of_type("pipe")
                  if {e["pid"] for e in p["writers"]} & kept_pids]
    expect(len(kept_pipes) + retired["pipes"], n, "children's pipes kept + retired")
    expect(retired["pipe_bytes"], retired["pipes"] * nbytes, "bytes of the retired pipes")
    queues = [q for q in run.of_type("msgq") if {u["pid"] for u in q["senders"]} & kept_pids]
    expect(len(queues) + retired["ipc_objects"], n, "children's queues kept + retired")
    maps = [m for m in run.of_type("mapping") if m["pid"] in kept_pids]
    expect(len(maps) + retired["mapped_objects"], n, "children's mappings kept + retired")
    expect_true(retired["rows"] >= retired["shown"],
                "BPF rows harvested (%d) cover the retired processes (%d)"
                % (retired["rows"], retired["shown"]))


def test_full_counter_maps_count_every_event_they_could_not_hold(ctx):
    """--max-procs 64 sizes the counter maps for 64 (process, signal) and
    (process, queue) rows and 256 (process, pipe) rows; 600 children within
    a second (256, 256, 88), each row held until 1 s after its exit, need
    far more (queue rows reach the map only when per-CPU slots collide, so
    fewer children would leave that map's overflow to chance). What the rows
    could not hold must come out as map losses counting events, exactly:
    what the records show plus what the losses say was dropped is the
    workload's truth, never more, never less."""
    n, nbytes = 600, 5000  # one write and one read of nbytes per child
    argv = ["proc_churn", str(n), "256", "100", str(nbytes), "1500"]
    run = ctx.run(["--max-procs", "64", "--", ctx.workload(argv[0])] + argv[1:])
    expect(run.rc, 0, "exit status (stderr %r)" % run.stderr[-500:])
    parent = run.pid("parent")
    expect(run.pid("children"), n, "children the workload reaped")
    lost = {r["reason"]: r["total"] for r in run.of_type("lost")}
    children = [r for r in run.of_type("process") if r["ppid"] == parent and r["pid"] != parent]
    expect(len(children), n, "children's process records")
    for r in children:
        expect(r["exit"], {"code": 3}, "exit of child %d" % r["pid"])
    usr1 = [r["signals_received"].get("SIGUSR1", {}) for r in children]
    # A raise() reaches one row twice (sender and target), then delivery and
    # the handler's return: four counts per child, each lost on its own.
    shown = (sum(u.get("generated", 0) for u in usr1)
             + sum(r["signals_sent"].get("SIGUSR1", 0) for r in children)
             + sum(u.get("delivered", 0) for u in usr1)
             + sum(u.get("handled", 0) for u in usr1))
    sigchld = run.process(parent)["signals_received"].get("SIGCHLD", {}).get("generated", 0)
    expect_true(lost.get("stats_map_full", 0) > 0,
                "%d children overflow 64 signal rows: losses %s" % (n, lost))
    expect(shown + sigchld + lost.get("stats_map_full", 0), 4 * n + n,
           "signal counts shown + stats_map_full (losses %s)" % lost)
    piped = (sum(r["pipe_write_bytes"] for r in children)
             + sum(r["pipe_read_bytes"] for r in children))
    expect_true(lost.get("io_stats_map_full", 0) > 0,
                "%d children overflow 256 pipe rows: losses %s" % (n, lost))
    expect(piped + lost.get("io_stats_map_full", 0) * nbytes, 2 * n * nbytes,
           "pipe bytes shown + io_stats_map_full calls x %d bytes (losses %s)" % (nbytes, lost))
    msgs = sum(r["msgs_sent"] + r["msgs_received"] for r in children)
    expect_true(lost.get("ipc_stats_map_full", 0) > 0,
                "%d children overflow 64 queue rows: losses %s" % (n, lost))
    expect(msgs + lost.get("ipc_stats_map_full", 0), 2 * n,
           "messages shown + ipc_stats_map_full (losses %s)" % lost)
    expect(set(lost) - {"stats_map_full", "io_stats_map_full", "ipc_stats_map_full"}, set(),
           "other losses")


def test_long_run_text_report_names_what_was_retired(ctx):
    run = _churn(ctx, 60, 100, json_out=False)
    expect(run.rc, 0, "exit status (stderr %r)" % run.stderr[-500:])
    text = run.stdout
    lines = [l for l in text.splitlines() if l.startswith("-") and "(retired)" in l]
    expect_true(any(" USR1 " in l for l in lines),
                "a \"(retired)\" SIGUSR1 row in the report: %r" % text[-3000:])
    expect_true("retired to bound memory (--keep): " in text,
                "the retired line in the report: %r" % text[-3000:])


TESTS = [(name, fn) for name, fn in sorted(globals().items())
         if name.startswith("test_") and callable(fn)]
