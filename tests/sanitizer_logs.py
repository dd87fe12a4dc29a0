# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Sanitizer reports as test failures (make test-sanitize).

ASan, UBSan and LeakSanitizer write each report to a file in one directory
(log_path in ASAN_OPTIONS/UBSAN_OPTIONS, set by the Makefile) instead of
stderr, which many tests never read and some expect to be short. A test that
left a new file there fails, whatever its own assertions said, and its
failure message carries the report."""
import os

REPORT_LINES = 40  # enough for the error, its stack and the SUMMARY line


class SanitizerLogs:
    def __init__(self, directory):
        self.directory = directory
        self.seen = set(os.listdir(directory))

    def new_reports(self):
        """The text of every report written since the last call ('' if none)."""
        names = sorted(set(os.listdir(self.directory)) - self.seen)
        self.seen.update(names)
        texts = []
        for name in names:
            path = os.path.join(self.directory, name)
            with open(path, errors="replace") as f:
                lines = f.read().splitlines()
            texts.append("--- %s ---\n%s" % (path, "\n".join(lines[:REPORT_LINES])))
        return "\n".join(texts)

    def checked(self, fn):
        """fn(ctx), failing if it left a report; a failure of its own gets the report added."""
        def run(ctx):
            try:
                fn(ctx)
            except Exception as e:
                reports = self.new_reports()
                if reports:
                    raise AssertionError("%s\nsanitizer report(s):\n%s" % (e, reports))
                raise
            reports = self.new_reports()
            if reports:
                raise AssertionError("sanitizer report(s):\n" + reports)
        return run
