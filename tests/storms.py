# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Storm tests: a signal storm and an EPIPE storm at the highest rate the
machine reaches, for IPCSCOPE_STORM_SECONDS (default 30), under a system-wide
tracer writing JSON to a file.

What they hold the tracer to:
- it stays alive through the storm and exits 0 on SIGINT, with its summary;
- it does not fall behind without saying so: sampled during the storm, the
  newest record in its output is never more than LAG_MAX_S old, unless the
  stream already said it dropped events;
- the report's totals equal the workload's own counts exactly (BPF maps);
- the live stream accounts for every event, see stream_covers();
- folding works under the storm: per key, about what README promises
  (JSON: 1000 records per second, per CPU) and never near one record per
  event, see expect_folded().
A third test stops the tracer while a storm runs, so that the ring buffer
overflows for sure, and checks that every event it dropped was counted.
"""
import json
import os
import signal
import subprocess
import time

from integration import count, expect, expect_true, start_tracer

LAG_MAX_S = 5.0          # newest output record vs now, sampled during a storm
SAMPLE_EVERY_S = 0.5     # how often the tracer is checked during a storm
TAIL_BYTES = 256 * 1024  # read from the end of the output to find its newest record
JSON_BURST = 1000        # src/cli.c DEFAULT_JSON_BURST
WINDOW_S = 1.0           # src/cli.c DEFAULT_WINDOW_MS
LIVE_TYPES = ("signal", "signal_deliver", "signal_handler_return", "signal_accept",
              "epipe", "sigaction", "sigprocmask", "fork", "exec", "exit", "pipe_create",
              "pipe_close", "fifo_open", "fifo_create", "ipc", "map", "ipc_open")


def storm_seconds():
    """How long each storm lasts: IPCSCOPE_STORM_SECONDS, default 30 (the
    sanitizer suite sets a shorter one, see the Makefile)."""
    raw = os.environ.get("IPCSCOPE_STORM_SECONDS", "30")
    try:
        seconds = int(raw)
    except ValueError:
        raise AssertionError("IPCSCOPE_STORM_SECONDS=%r is not a whole number" % raw)
    expect_true(1 <= seconds <= 600, "IPCSCOPE_STORM_SECONDS=%d: 1 to 600" % seconds)
    return seconds


def possible_cpus():
    """CPUs the BPF per-CPU fold slots exist for (libbpf_num_possible_cpus)."""
    with open("/sys/devices/system/cpu/possible") as f:
        n = 0
        for part in f.read().strip().split(","):
            lo, _, hi = part.partition("-")
            n += int(hi or lo) - int(lo) + 1
    return n


def newest_ts_ns(path):
    """ts_ns of the newest live record among the last complete lines of path."""
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - TAIL_BYTES))
            tail = f.read()
    except OSError:
        return None
    lines = tail.split(b"\n")[1:-1]  # the first may be cut, the last unfinished
    newest = None
    for line in lines:
        try:
            ts = json.loads(line).get("ts_ns")
        except ValueError:
            continue
        if ts is not None and (newest is None or ts > newest):
            newest = ts
    return newest


def said_lost(path):
    """Whether the output so far has a `lost` record (they come live, as losses grow)."""
    with open(path, "rb") as f:
        for line in f:
            if line.startswith(b'{"type":"lost"'):
                return True
    return False


class Storm:
    """One storm under a system-wide tracer: the workload's own counts (kv),
    the tracer's records about the workload's pids and its end-of-run records."""

    def __init__(self, kv, records):
        self.kv = kv
        self.records = records

    def of_type(self, t):
        return [r for r in self.records if r["type"] == t]

    def process(self, pid):
        found = [r for r in self.of_type("process") if r["pid"] == pid]
        expect(len(found), 1, "process records for pid %d" % pid)
        return found[0]

    def lost_total(self, reason):
        """The total the last `lost` record of reason gives (they repeat at the end)."""
        totals = [r["total"] for r in self.of_type("lost") if r["reason"] == reason]
        return totals[-1] if totals else 0

    def summary(self):
        s = self.of_type("summary")
        expect(len(s), 1, "summary records")
        return s[0]


def _ours(record, pids):
    """Whether a record is about one of pids (the machine has other activity)."""
    if record.get("pid") in pids:
        return True
    for key in ("sender", "target", "writer"):
        who = record.get(key)
        if isinstance(who, dict) and who.get("pid") in pids:
            return True
    return False


def _read_output(path, pids):
    """The records about pids, and every record that is not a live event."""
    keep = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            try:
                r = json.loads(line)
            except ValueError as e:
                raise AssertionError("line %d of the JSON output is not JSON (%s): %r"
                                     % (n, e, line[:200]))
            if r["type"] not in LIVE_TYPES or _ours(r, pids):
                keep.append(r)
    return keep


def run_storm(ctx, workload, seconds, extra=(), stall=False, mode=()):
    """Starts ipcscope --json -o FILE system-wide, runs `workload seconds`,
    checks the tracer every SAMPLE_EVERY_S while it runs (alive; not behind
    without saying so), then ends it with SIGINT. With stall, the tracer is
    stopped (SIGSTOP) for the whole storm and continued after it, so that
    its ring buffer overflows. Returns a Storm."""
    out = os.path.join(ctx.tmp, "storm-%s.jsonl" % workload)
    if os.path.exists(out):
        os.unlink(out)
    tracer = start_tracer(ctx, ["--json", "-o", out] + list(extra), mode=mode)
    wl = None
    try:
        if stall:
            os.kill(tracer.pid, signal.SIGSTOP)
        wl = subprocess.Popen([ctx.workload(workload), str(seconds)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + seconds + 60
        while wl.poll() is None:
            expect_true(time.monotonic() < deadline,
                        "%s %d still running %d s later" % (workload, seconds, seconds + 60))
            time.sleep(SAMPLE_EVERY_S)
            expect(tracer.poll(), None, "ipcscope's exit status during the %s storm" % workload)
            if stall:
                continue
            newest = newest_ts_ns(out)
            if newest is None:
                continue
            lag = (time.monotonic_ns() - newest) / 1e9
            if lag > LAG_MAX_S and not said_lost(out):
                raise AssertionError("ipcscope fell %.1f s behind during the %s storm and did "
                                     "not say it dropped anything" % (lag, workload))
        wl_out, wl_err = wl.communicate(timeout=30)
        expect(wl.returncode, 0, "%s exit status (stderr %r)" % (workload, wl_err[-500:]))
        if stall:
            os.kill(tracer.pid, signal.SIGCONT)
        expect(tracer.poll(), None, "ipcscope's exit status right after the %s storm" % workload)
        os.kill(tracer.pid, signal.SIGINT)
        try:
            _, err = tracer.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            raise AssertionError("ipcscope still running 60 s after SIGINT (%s storm)" % workload)
    finally:
        for p in (wl, tracer):
            if p is not None and p.poll() is None:
                if p is tracer and stall:
                    os.kill(p.pid, signal.SIGCONT)
                p.kill()
                p.wait()
    expect((tracer.returncode, err), (0, ""),
           "ipcscope (exit status, stderr) after SIGINT ending the %s storm" % workload)
    kv = dict((k, int(v)) for k, _, v in (l.partition("=") for l in wl_out.split()))
    pids = {v for k, v in kv.items() if k in ("sender", "receiver", "writer")}
    storm = Storm(kv, _read_output(out, pids))
    os.unlink(out)  # it can be large
    expect_true(storm.records and storm.records[-1]["type"] == "summary",
                "the output does not end with its summary")
    return storm


def stream_covers(storm, records, total, what):
    """The live stream accounts for every event of the workload's.

    Each event is in exactly one live record's count (emitted alone, folded
    into a record that carries the repeats, or reported by a sweep), or was
    dropped because the ring buffer was full, and then counted in the
    ring_buffer_full loss total (by events: a dropped folded record adds its
    count). That total is system-wide (loss counters are per reason, not per
    process), so it bounds our drops from above, and it may over-count, never
    under-count (bpf/fold.bpf.h fold__flush). Hence, exactly:
        total - lost <= sum(count) <= total
    which is sum(count) == total when nothing was lost."""
    got = count(records)
    lost = storm.lost_total("ring_buffer_full")
    expect_true(got <= total, "%s: live records stand for %d events, more than the %d the "
                "workload counted" % (what, got, total))
    expect_true(got + lost >= total, "%s: live records stand for %d events and %d were "
                "reported lost, %d short of the workload's %d (dropped without being counted)"
                % (what, got, lost, total - got - lost, total))
    return got, lost


def expect_folded(storm, records, keyfn, what):
    """Folding works under the storm. Per fold key, a window lets at most
    burst records out, plus one carrying the rest, per CPU (bpf/fold.bpf.h),
    and starts at most once per WINDOW_S after the previous one while the key
    keeps its slot. A key can lose its slot on a CPU it left idle (other
    keys took the set over) and start a new window when it comes back, so a
    busy machine may pass that bound; but folding that works keeps a storming
    key's records far below its events (at most a quarter), and without
    folding there is about one record per event."""
    duration_s = storm.summary()["duration_ns"] / 1e9
    bound = possible_cpus() * (JSON_BURST + 1) * (int(duration_s / WINDOW_S) + 2)
    per_key = {}
    for r in records:
        n, events = per_key.get(keyfn(r), (0, 0))
        per_key[keyfn(r)] = (n + 1, events + r.get("count", 1))
    for key, (n, events) in per_key.items():
        expect_true(n <= bound or n <= events / 4,
                    "%s %s: %d records for %d events in %.1f s, more than folding allows (%d, "
                    "or a quarter of the events): repeats are not folded"
                    % (what, key, n, events, duration_s, bound))


# ---------------------------------------------------------------- the storms

def test_storm_signals_exact_and_accounted(ctx):
    seconds = storm_seconds()
    storm = run_storm(ctx, "sig_flood", seconds)
    sender, receiver = storm.kv["sender"], storm.kv["receiver"]
    sent, handled = storm.kv["sent"], storm.kv["handled"]
    expect_true(sent > handled > 0, "the storm merged nothing: sent %d, handled %d"
                % (sent, handled))
    # Totals: exact, from the BPF maps.
    expect(storm.process(sender)["signals_sent"].get("SIGUSR1"), sent,
           "sender's SIGUSR1 sent vs its successful kill() calls")
    rx = storm.process(receiver)["signals_received"]["SIGUSR1"]
    expect((rx["generated"], rx["queued"], rx["already_pending"], rx["ignored"],
            rx["overflow"], rx["lose_info"]), (sent, handled, sent - handled, 0, 0, 0),
           "receiver's SIGUSR1 (generated, queued, already_pending, ignored, overflow, "
           "lose_info) vs the workload's (sent, handled)")
    expect((rx["delivered"], rx["handled"], rx["default"], rx["handler_returns"]),
           (handled, handled, 0, handled),
           "receiver's SIGUSR1 (delivered, handled, default, handler_returns) vs its "
           "handler's runs")
    expect(rx["pending_ns"]["samples"], handled, "pending-time samples")
    # The live stream: every event in a record's count, or counted as lost.
    sig = [r for r in storm.of_type("signal") if r["signal"] == "SIGUSR1"
           and r["sender"] and r["sender"]["pid"] == sender and r["target"]["pid"] == receiver]
    stream_covers(storm, sig, sent, "SIGUSR1 generated, sender -> receiver")
    stream_covers(storm, [r for r in sig if r["result"] == "queued"], handled,
                  "SIGUSR1 queued")
    stream_covers(storm, [r for r in sig if r["result"] == "already_pending"], sent - handled,
                  "SIGUSR1 merged (already_pending)")
    dl = [r for r in storm.of_type("signal_deliver") if r["pid"] == receiver
          and r["signal"] == "SIGUSR1"]
    stream_covers(storm, dl, handled, "SIGUSR1 delivered")
    ret = [r for r in storm.of_type("signal_handler_return") if r["pid"] == receiver
           and r["signal"] == "SIGUSR1"]
    stream_covers(storm, ret, handled, "SIGUSR1 handler returns")
    expect_folded(storm, sig, lambda r: (r["result"], r["blocked"]),
                  "SIGUSR1 (result, blocked)")
    expect_folded(storm, dl, lambda r: r["action"], "SIGUSR1 deliveries")


def test_storm_epipe_exact_and_accounted(ctx):
    seconds = storm_seconds()
    storm = run_storm(ctx, "pipe_epipe_flood", seconds)
    writer, ino, epipe = storm.kv["writer"], storm.kv["ino"], storm.kv["epipe"]
    expect_true(epipe > 0, "the workload saw no EPIPE")
    # Totals: exact, from the BPF maps.
    expect(storm.process(writer)["epipe"], epipe, "writer's epipe vs its own count")
    pipe = [r for r in storm.of_type("pipe") if r["ino"] == ino]
    expect([[(w["pid"], w["writes"], w["bytes"], w["epipe"]) for w in r["writers"]]
            for r in pipe], [[(writer, epipe, 0, epipe)]],
           "the pipe's writers (pid, writes, bytes, epipe)")
    rx = storm.process(writer)["signals_received"]["SIGPIPE"]
    expect((rx["generated"], rx["ignored"], rx["queued"], rx["delivered"]),
           (epipe, epipe, 0, 0), "writer's SIGPIPE (generated, ignored, queued, delivered)")
    # The live stream: every event in a record's count, or counted as lost.
    ep = [r for r in storm.of_type("epipe") if r["pid"] == writer]
    expect({(r["object"]["kind"], r["object"]["ino"], r["sigpipe_action"]) for r in ep},
           {("pipe", ino, "ignore")}, "epipe records (object kind, ino, sigpipe_action)")
    stream_covers(storm, ep, epipe, "EPIPE")
    sig = [r for r in storm.of_type("signal") if r["signal"] == "SIGPIPE"
           and r["target"]["pid"] == writer]
    expect({(r["result"], r["object"]["ino"]) for r in sig}, {("ignored", ino)},
           "SIGPIPE records (result, object ino)")
    stream_covers(storm, sig, epipe, "SIGPIPE generated")
    expect_folded(storm, ep, lambda r: r["fd"], "EPIPE")
    expect_folded(storm, sig, lambda r: r["result"], "SIGPIPE")


def test_storm_against_a_stalled_tracer_counts_every_drop(ctx):
    # The tracer is stopped for the whole storm: its ring buffer (16 MiB)
    # fills and BPF drops records, folded ones included. 2000 records per
    # key per 10 ms window let most events out one by one (so the ring fills
    # within a fraction of a second) and fold the rest into records that
    # carry thousands of events each: a drop must count all of them.
    seconds = min(storm_seconds(), 3)
    storm = run_storm(ctx, "pipe_epipe_flood", seconds, stall=True,
                      extra=["--fold-burst", "2000", "--fold-window", "10"])
    writer, epipe = storm.kv["writer"], storm.kv["epipe"]
    expect(storm.process(writer)["epipe"], epipe, "writer's epipe vs its own count")
    expect(storm.process(writer)["signals_received"]["SIGPIPE"]["generated"], epipe,
           "writer's SIGPIPE generated")
    ep = [r for r in storm.of_type("epipe") if r["pid"] == writer]
    got, lost = stream_covers(storm, ep, epipe, "EPIPE with the tracer stopped")
    expect_true(lost > 0 and got < epipe, "nothing was dropped (%d of %d EPIPE in the "
                "stream): the test proved nothing" % (got, epipe))
    sig = [r for r in storm.of_type("signal") if r["signal"] == "SIGPIPE"
           and r["target"]["pid"] == writer]
    stream_covers(storm, sig, epipe, "SIGPIPE with the tracer stopped")
    expect(storm.summary()["lost"], sum(storm.lost_total(reason) for reason in
                                        {r["reason"] for r in storm.of_type("lost")}),
           "summary lost vs the loss totals")


def test_doctor_against_a_stalled_tracer_says_its_counts_are_lower_bounds(ctx):
    # Records dropped: the doctor's storms and SIGPIPE counts come from
    # records, so they are lower bounds and say so; its EPIPE total comes
    # from the BPF counters and stays exact.
    seconds = min(storm_seconds(), 3)
    storm = run_storm(ctx, "pipe_epipe_flood", seconds, stall=True, mode=["sigpipe"],
                      extra=["--fold-burst", "2000", "--fold-window", "10"])
    writer, epipe = storm.kv["writer"], storm.kv["epipe"]
    lost = storm.lost_total("ring_buffer_full")
    expect_true(lost > 0, "nothing was dropped: the test proved nothing")
    rows = [r for r in storm.of_type("sigpipe_writer") if r["writer"]["pid"] == writer]
    expect([(r["epipe"], r["exact"]) for r in rows], [(epipe, False)],
           "the writer's row (epipe, exact)")
    expect_true(rows[0]["sigpipes"] < epipe, "SIGPIPEs %d counted from records, of %d"
                % (rows[0]["sigpipes"], epipe))
    storms = [r for r in storm.of_type("sigpipe_storm") if r["writer"]["pid"] == writer]
    expect_true(storms, "no storm record for the writer")
    ends = [r["exact"] for r in storms if r["state"] != "start"]
    expect_true(ends and not any(ends), "the storms' end records: exact %r" % ends)
    expect_true(all(r["epipe"] <= epipe for r in storms), "a storm counted more than %d: %r"
                % (epipe, [r["epipe"] for r in storms]))


TESTS = [(name, fn) for name, fn in sorted(globals().items())
         if name.startswith("test_") and callable(fn)]
