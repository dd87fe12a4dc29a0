# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The JSON contract, checked record by record.

Two sources of truth:
- docs/json-schema.md, read as a table: each `### `type`` section names its
  fields (`"name":` in its examples, or `"name"` quoted in backticks in its
  prose), their JSON type (`N` int, `R` number, `B`/`true`/`false` bool,
  `"..."` string, `{` object, `[` array, `| null` when null is allowed) and
  the values of enumerated strings (`"a"|"b"`; `"0x..."` is a prefix);
- CONTRACT below: the fields the issues (#2, #3, #4) promised scripts,
  which must be present in every record of their type.

check() returns the problems of a list of records: an undocumented type or
field, a type or value the docs do not allow, a promised field missing.
"""
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMA = os.path.join(ROOT, "docs", "json-schema.md")

# Objects whose keys are data (signal names, message types, priorities), not fields.
DATA_KEYS = {"signals_sent", "types", "priorities"}
# Their values are field objects keyed by data: signals_received's per-signal counters.
DATA_KEYED_OBJECTS = {"signals_received"}

PID_COMM = {"pid": int, "comm": str}
TASK = {"pid": int, "tid": int, "comm": str}

# Issue #2, #3, #4's "JSON contract": present in every record of the type.
CONTRACT = {
    "signal": {"ts_ns": int, "sig": int, "signal": str, "code": str, "result": str,
               "via": str, "sender": (TASK, None), "target": TASK, "group": bool,
               "blocked": bool},
    "signal_deliver": {"ts_ns": int, "sig": int, "signal": str, "pid": int, "tid": int,
                       "comm": str, "action": str, "default_action": str,
                       "pending_ns": (int, None)},
    "exit": {"ts_ns": int, "pid": int, "comm": str},
    "process": {"pid": int, "comm": str, "signals_sent": dict, "signals_received": dict,
                "pipe_write_bytes": int, "pipe_read_bytes": int, "epipe": int,
                "shm_bytes": int, "msgs_sent": int, "msgs_received": int, "sem_waits": int},
    "lost": {"count": int, "reason": str},
    "pipe": {"ino": int, "kind": str, "path": (str, None),
             "writers": [dict(PID_COMM, bytes=int, writes=int, blocked_ns=int, epipe=int)],
             "readers": [dict(PID_COMM, bytes=int, reads=int, blocked_ns=int, eof=int)]},
    "epipe": {"ts_ns": int, "pid": int, "comm": str, "fd": int,
              "object": {"kind": str, "ino": int}, "sigpipe_action": str},
    "shm": {"shmid": int, "key": (str, None), "size": (int, None), "creator": (PID_COMM, None),
            "attachers": [dict(PID_COMM, attaches=int, detaches=int, dropped_at_exit=int)],
            "removed": bool},
    "msgq": {"msqid": int, "key": (str, None), "senders": [dict(PID_COMM, msgs=int, bytes=int)],
             "receivers": [dict(PID_COMM, msgs=int, bytes=int, blocked_ns=int)]},
    "sem": {"semid": int, "key": (str, None), "nsems": (int, None),
            "users": [dict(PID_COMM, ops=int, waits=int, wait_ns=int)]},
    "mapping": {"pid": int, "comm": str, "kind": str, "path": (str, None), "ino": int,
                "bytes": int, "shared_with": [int]},
    "mq": {"name": (str, None), "senders": list, "receivers": list},
}
RECEIVED_CONTRACT = {"generated": int, "queued": int, "ignored": int, "already_pending": int,
                     "delivered": int, "accepted": int}

_TYPE_OF_TOKEN = [(re.compile(r'"'), "str"), (re.compile(r"\{"), "obj"),
                  (re.compile(r"\["), "list"), (re.compile(r"(N\b|-?\d)"), "int"),
                  (re.compile(r"R\b"), "num"), (re.compile(r"(B\b|true|false)"), "bool"),
                  (re.compile(r"null"), "null")]


def _value_type(text):
    for rx, name in _TYPE_OF_TOKEN:
        if rx.match(text):
            return name
    return None


def _value_end(text, i):
    """Index past the value starting at text[i]: a string, a bracketed value or a word."""
    if text[i] == '"':
        j = text.find('"', i + 1)
        return len(text) if j < 0 else j + 1
    if text[i] in "{[":
        depth = 0
        for j in range(i, len(text)):
            if text[j] in "{[":
                depth += 1
            elif text[j] in "}]":
                depth -= 1
                if depth == 0:
                    return j + 1
        return len(text)
    m = re.compile(r"[\w.+-]*").match(text, i)
    return m.end()


def _alternatives(text, i):
    """JSON types of the value at text[i] and of its `| alternative`s."""
    kinds = set()
    while i < len(text):
        k = _value_type(text[i:])
        if not k:
            break
        kinds.add(k)
        m = re.compile(r"\s*\|\s*").match(text, _value_end(text, i))
        if not m:
            break
        i = m.end()
    return kinds


class Doc:
    """docs/json-schema.md as per-type tables: fields, JSON types, enumerations."""

    def __init__(self, path=SCHEMA):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        self.fields = {}   # type -> {field names}
        self.types = {}    # type -> {field: {json types}}
        self.values = {}   # type -> {field: [allowed values; "x..." is a prefix]}
        parts = re.split(r"^(#{2,3} .*)$", text, flags=re.M)
        # Before the first section: fields every (live) record may carry.
        common_f, common_t, common_v = self._scan(parts[0])
        for heading, body in zip(parts[1::2], parts[2::2]):
            if not heading.startswith("### "):
                continue
            names = re.findall(r"`(\w+)`", heading.split("—")[0])
            f, t, v = self._scan(body)
            for name in names:
                self.fields.setdefault(name, set(common_f)).update(f)
                types = self.types.setdefault(name, {k: set(s) for k, s in common_t.items()})
                for k, s in t.items():
                    types.setdefault(k, set()).update(s)
                self.values.setdefault(name, dict(common_v)).update(v)

    @staticmethod
    def _scan(text):
        fields = set(re.findall(r'"(\w+)"\s*:', text))
        fields.update(re.findall(r'`"(\w+)"`', text))
        types = {}
        for m in re.finditer(r'"(\w+)"\s*:\s*', text):
            kinds = _alternatives(text, m.end())
            if kinds:
                types.setdefault(m.group(1), set()).update(kinds)
        values = {}
        for m in re.finditer(r'"(\w+)"\s*:\s*("[^"\n]*"(?:\s*\|\s*"[^"\n]*")+)', text):
            values[m.group(1)] = re.findall(r'"([^"\n]*)"', m.group(2))
        return fields, types, values


def _json_type(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "num"
    if isinstance(v, str):
        return "str"
    if isinstance(v, list):
        return "list"
    return "obj"


def _allowed(value, allowed):
    for a in allowed:
        if a.endswith("...") and value.startswith(a[:-3]):
            return True
        if value == a:
            return True
    return False


def _check_fields(doc, rtype, obj, where, out, nullable=False):
    """Every key of obj, at any depth, documented for rtype with an allowed type and value.
    nullable: a count may be null (features_off: "not measured is not zero")."""
    for key, value in obj.items():
        at = "%s.%s" % (where, key)
        if key not in doc.fields[rtype]:
            out.append("%s: field not in docs/json-schema.md's %s section" % (at, rtype))
            continue
        kinds = doc.types[rtype].get(key)
        jt = _json_type(value)
        if nullable and jt == "null":
            continue
        if kinds and jt not in kinds and not (jt == "int" and "num" in kinds):
            out.append("%s: %s %r where the docs say %s" % (at, jt, value, sorted(kinds)))
        allowed = doc.values[rtype].get(key)
        if allowed and isinstance(value, str) and not _allowed(value, allowed):
            out.append("%s: %r is not one of the documented %s" % (at, value, allowed))
        if key in DATA_KEYS:
            continue
        if isinstance(value, dict):
            if key in DATA_KEYED_OBJECTS:
                for data_key, inner in value.items():
                    _check_fields(doc, rtype, inner, "%s[%s]" % (at, data_key), out,
                                  nullable)
            else:
                _check_fields(doc, rtype, value, at, out)
        elif isinstance(value, list):
            for i, e in enumerate(value):
                if isinstance(e, dict):
                    _check_fields(doc, rtype, e, "%s[%d]" % (at, i), out)


def _check_contract(spec, value, where, out, nullable=False):
    """value has the shape spec gives: a type, a tuple of alternatives, a dict, [elem].
    nullable: a dict's fields may be null (a count of a feature that is off)."""
    if isinstance(spec, tuple):
        sub = []
        for alt in spec:
            sub = []
            _check_contract(alt, value, where, sub)
            if not sub:
                return
        out.extend(sub)
    elif spec is None:
        if value is not None:
            out.append("%s: %r, not null" % (where, value))
    elif isinstance(spec, dict):
        if not isinstance(value, dict):
            out.append("%s: %r is not an object" % (where, value))
            return
        for key, s in spec.items():
            if key not in value:
                out.append("%s: promised field %r missing" % (where, key))
            elif not (nullable and value[key] is None):
                _check_contract(s, value[key], "%s.%s" % (where, key), out)
    elif isinstance(spec, list):
        if not isinstance(value, list):
            out.append("%s: %r is not an array" % (where, value))
            return
        for i, e in enumerate(value):
            _check_contract(spec[0], e, "%s[%d]" % (where, i), out)
    elif spec is int:
        if not isinstance(value, int) or isinstance(value, bool):
            out.append("%s: %r is not an integer" % (where, value))
    elif not isinstance(value, spec):
        out.append("%s: %r is not %s" % (where, value, spec.__name__))


def check(records, doc=None):
    """Problems of these records against the docs and the issues' contract."""
    doc = doc or Doc()
    out = []
    # With a feature off, the process records' counts it would have made are null.
    features_off = any(r.get("type") == "features_off" for r in records)
    for n, r in enumerate(records, 1):
        where = "record %d (%s)" % (n, r.get("type"))
        rtype = r.get("type")
        if rtype not in doc.fields:
            out.append("%s: type %r has no section in docs/json-schema.md" % (where, rtype))
            continue
        nullable = features_off and rtype == "process"
        _check_fields(doc, rtype, r, where, out, nullable)
        if rtype in CONTRACT:
            _check_contract(CONTRACT[rtype], r, where, out, nullable)
        if rtype == "process":
            for sig, counts in (r.get("signals_received") or {}).items():
                _check_contract(RECEIVED_CONTRACT, counts,
                                "%s.signals_received.%s" % (where, sig), out, nullable)
        if rtype == "exit" and not ("code" in r or ("signal" in r and "core" in r)):
            out.append("%s: neither code nor signal and core: %r" % (where, r))
    return out


def emitted_types(src_dir=os.path.join(ROOT, "src")):
    """Record types the JSON sinks can write, read from their sources."""
    types = set()
    for name in os.listdir(src_dir):
        if not ((name.startswith("sink_json") or name == "diag.c") and name.endswith(".c")):
            continue
        with open(os.path.join(src_dir, name), encoding="utf-8") as f:
            text = f.read()
        types.update(re.findall(r'\\"type\\":\\"(\w+)\\"', text))
        types.update(re.findall(r'json_begin\(f,\s*"(\w+)"', text))
        for a, b in re.findall(r'json_begin\(f,[^;]*\?\s*"(\w+)"\s*:\s*"(\w+)"', text):
            types.update((a, b))
    return types
