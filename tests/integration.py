# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Integration tests: the real ipcscope binary, the real BPF programs, and
workloads whose truth is known. Every assertion filters on the workload's own
pids (the machine has other activity) and says expected vs actual."""
import json
import os
import signal
import subprocess
import tempfile
import time


class Skip(Exception):
    pass


class Run:
    """One ipcscope run: its JSON records, exit code, stderr and the
    workload's key=value lines (its pids and its own view of the truth)."""

    def __init__(self, proc, records):
        self.rc = proc.returncode
        self.stderr = proc.stderr
        self.stdout = proc.stdout
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


def start_tracer(ctx, args):
    """Starts ipcscope -v in the background; returns once its programs are attached."""
    proc = subprocess.Popen([ctx.tool, "-v"] + args, stderr=subprocess.PIPE, text=True,
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

    def run(self, args, timeout=60, json_out=True, mode=()):
        """Runs ipcscope [mode] with args; JSON goes to a file, stdout is the workload's."""
        out = os.path.join(self.tmp, "out.jsonl")
        if os.path.exists(out):
            os.unlink(out)
        cmd = [self.tool] + list(mode) + (["--json", "-o", out] if json_out else []) + args
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
        records = []
        if json_out and os.path.exists(out):
            with open(out, encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    try:
                        records.append(json.loads(line))
                    except ValueError as e:
                        raise AssertionError("line %d of the JSON output is not JSON (%s): %r"
                                             % (n, e, line[:200]))
        run = Run(proc, records)
        return run

    def trace(self, workload_argv, extra=(), timeout=60, mode=()):
        run = self.run(list(extra) + ["--", self.workload(workload_argv[0])]
                       + list(workload_argv[1:]), timeout=timeout, mode=mode)
        assert run.rc == 0, "ipcscope -- %s exited %d: %s" % (
            " ".join(workload_argv), run.rc, run.stderr[-1000:])
        summary = run.of_type("summary")
        expect(len(summary), 1, "summary records")
        expect(summary[0]["lost"], 0, "events lost in a quiet run")
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
                 ("handled", n), ("handler_returns", n), ("accepted", 0)):
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
    dl = [r for r in run.of_type("signal_deliver") if r["pid"] == child and r["sig"] == signo]
    expect(count(dl), k, "real-time signals delivered")
    name = sig[0]["signal"]
    rx = run.received(child, name)
    expect((rx["queued"], rx["delivered"]), (k, k), "child (queued, delivered)")


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


def _fault(ctx, kind, core):
    args = ["sig_fault", kind] + (["core"] if core else [])
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


def test_sigchld_and_job_control(ctx):
    run = ctx.trace(["sig_child"])
    parent, child = run.pid("parent"), run.pid("child")
    expect(run.pid("exit"), 3, "child's exit code seen by the workload")
    stop = run.signals("SIGSTOP", sender=parent, target=child)
    expect([(r["via"], r["result"]) for r in stop], [("kill", "queued")], "SIGSTOP generation")
    expect([(r["action"], r["default_action"]) for r in run.delivers(child, "SIGSTOP")],
           [("default", "stop")], "SIGSTOP delivery")
    cont = run.signals("SIGCONT", sender=parent, target=child)
    expect(len(cont), 1, "SIGCONT records")
    chld = run.signals("SIGCHLD", target=parent)
    expect([(r["via"], r["code"], r["context"]["pid"]) for r in chld],
           [("kernel", "CLD_EXITED", child)], "SIGCHLD to the parent (SA_NOCLDSTOP)")
    expect([r["action"] for r in run.delivers(parent, "SIGCHLD")], ["handler"],
           "SIGCHLD delivery")
    expect([e.get("code") for e in run.exits(child)], [3], "child exit record")


def test_sigwaitinfo_and_signalfd_accept(ctx):
    run = ctx.trace(["sig_accept"])
    child = run.pid("child")
    acc = [r for r in run.of_type("signal_accept") if r["pid"] == child]
    expect(sorted((r["signal"], r["via"]) for r in acc),
           [("SIGUSR1", "sigtimedwait"), ("SIGUSR2", "signalfd")], "accept records")
    for name in ("SIGUSR1", "SIGUSR2"):
        rx = run.received(child, name)
        expect((rx["queued"], rx["accepted"], rx["delivered"]), (1, 1, 0),
               "%s (queued, accepted, delivered)" % name)


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
    # Other test runs on the machine may have their own sig_ignored: count ours by pid.
    usr1 = [r for r in sig if r["signal"] == "SIGUSR1"
            and r["target"]["pid"] == int(kv["child"])]
    expect(count(usr1), 4, "SIGUSR1 to the sig_ignored child")
    procs = {r["comm"] for r in recs if r["type"] == "process"}
    expect(procs, {"sig_ignored"}, "report rows under -c")


def test_signal_filter(ctx):
    run = ctx.trace(["sig_accept"], extra=["-s", "USR2"])
    names = {r["signal"] for r in run.records if r["type"].startswith("signal")}
    expect(names, {"SIGUSR2"}, "signals with -s USR2")


def test_text_output_and_report(ctx):
    proc = subprocess.run([ctx.tool, "--", ctx.workload("sig_blocked"), "3", "50"],
                          capture_output=True, text=True, timeout=60)
    expect(proc.returncode, 0, "text run exit status (stderr: %s)" % proc.stderr)
    lines = proc.stdout.splitlines()
    # The workload shares our stdout, so its key=value lines interleave.
    headers = [l for l in lines if l.split()[:4] == ["TIME", "EVENT", "SIGNAL", "DETAIL"]]
    expect(len(headers), 1, "live header lines")
    child = [l for l in lines if l.startswith("child=")][0].split("=")[1]
    gen = [l for l in lines if " signal " in l and "SIGINT" in l and "[%s]" % child in l]
    expect(len(gen), 3, "live SIGINT lines")
    expect_true(gen[1].rstrip().endswith("merged (blocked)"), "merge shown: %r" % gen[1])
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


# ---------------------------------------------------------------- bad input

def test_bad_input_messages_and_codes(ctx):
    cases = [
        (["-s", "FOO"], 2, "unknown signal 'FOO'"),
        (["-s", "65"], 2, "unknown signal '65'"),
        (["--bogus"], 2, "unrecognized option"),
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


def test_fifo_between_unrelated_processes(ctx):
    b = 5000
    run = ctx.trace(["fifo_pair", ctx.tmp, str(b)])
    writer, reader = run.pid("writer"), run.pid("reader")
    rec = pipe_record(run, run.pid("ino"))
    expect((rec["kind"], rec["path"]), ("fifo", run.kv["path"]), "kind and path")
    expect([(e["pid"], e["bytes"], e["writes"]) for e in rec["writers"]],
           [(writer, b, b // 100)], "writer")
    expect([(e["pid"], e["bytes"]) for e in rec["readers"]], [(reader, b)], "reader")
    creates = [r for r in run.of_type("fifo_create") if r["pid"] == writer]
    expect([r["path"] for r in creates], [run.kv["path"]], "fifo_create path")
    opens = sorted((r["pid"], r["side"]) for r in run.of_type("fifo_open")
                   if r["ino"] == run.pid("ino"))
    expect(opens, sorted([(writer, "write"), (reader, "read")]), "fifo_open (pid, side)")


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
    sig = run.signals("SIGPIPE", target=writer)
    expect(count(sig), e, "SIGPIPE generated")
    expect({(r["result"], r["object"]["kind"], r["object"]["ino"]) for r in sig},
           {("ignored", "pipe", ino)}, "SIGPIPE (result, object)")
    gone = rec.get("last_reader_gone") or {}
    expect((gone.get("pid"), gone.get("by")), (reader, "exit"), "the reader that went away")


def test_sigpipe_death_names_the_pipe(ctx):
    run = ctx.trace(["pipe_epipe", "default"])
    writer, ino = run.pid("writer"), run.pid("ino")
    sig = run.signals("SIGPIPE", target=writer)
    expect([(r["result"], r["object"]["kind"], r["object"]["ino"]) for r in sig],
           [("queued", "pipe", ino)], "SIGPIPE (result, object)")
    expect(run.process(writer)["exit"], {"signal": "SIGPIPE", "core": False}, "death")
    ep = [r for r in run.of_type("epipe") if r["pid"] == writer]
    expect([r["sigpipe_action"] for r in ep], ["default"], "epipe sigpipe_action")


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
    run = ctx.trace(["pipe_blocked", str(t_ms)])
    parent = run.pid("parent")
    rec = pipe_record(run, run.pid("ino"))
    wr = ends(rec, "writers", parent)
    expect([(w["bytes"], w["writes"]) for w in wr], [(131072, 2)], "writer (bytes, writes)")
    expect_true(wr[0]["blocked_ns"] >= t_ms * 0.8e6,
                "writer blocked %d ns, reader slept %d ms" % (wr[0]["blocked_ns"], t_ms))
    empty = pipe_record(run, run.pid("ino_empty"))
    expect([(r["pid"], r["eagain"], r["bytes"]) for r in empty["readers"]], [(parent, 1, 0)],
           "non-blocking read of an empty pipe")




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
    expect(end["count"], epipe, "EPIPEs in the storm vs the workload's count")
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


def test_doctor_usage_errors(ctx):
    for args, needle in ((["--threshold", "10"], "ipcscope sigpipe --threshold"),
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
    e = 4
    run = ctx.trace(["tcp_epipe", str(e)])
    pid, ino = run.pid("pid"), run.pid("ino")
    ep = [r for r in run.of_type("epipe") if r["pid"] == pid]
    expect(count(ep), e, "epipe records")
    want = ("tcp", ino, "127.0.0.1:%d" % run.pid("lport"), "127.0.0.1:%d" % run.pid("rport"))
    expect({(r["object"]["kind"], r["object"]["ino"], r["object"].get("local"),
             r["object"].get("remote")) for r in ep}, {want}, "EPIPE object (kind, ino, ends)")
    expect(run.process(pid)["epipe"], e, "process epipe")


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


TESTS = [(name, fn) for name, fn in sorted(globals().items())
         if name.startswith("test_") and callable(fn)]
