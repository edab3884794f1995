"""Helpers of the cluster drills: HTTP over loopback with a timeout on every
request, the `scripts/cluster` verbs, bookable slots, and a load of worker
threads that records every answer it gets.

Python 3 standard library only.
"""

import collections
import hashlib
import http.client
import json
import os
import random
import string
import subprocess
import threading
import time
import urllib.parse
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLUSTER = os.path.join(ROOT, "scripts", "cluster")

REQUEST_TIMEOUT_S = 30


class Answer:
    """One HTTP answer: status, headers (lower-case names), body bytes."""

    def __init__(self, status, headers, body, seconds):
        self.status = status
        self.headers = headers
        self.body = body
        self.seconds = seconds

    def header(self, name):
        return self.headers.get(name.lower())

    def json(self):
        return json.loads(self.body)

    def text(self, limit=300):
        t = self.body[:limit].decode("utf-8", "replace")
        return t + ("..." if len(self.body) > limit else "")

    def __repr__(self):
        return "%d %s" % (self.status, self.text(200))


class ConnError(Exception):
    """No HTTP answer: refused, reset, timed out or cut short."""


def request(base, method, path, headers=None, body=None, timeout=REQUEST_TIMEOUT_S):
    """One request on a connection of its own (no reuse of a kept-alive
    connection the server may have closed meanwhile: every error counts).
    Loopback only."""
    u = urllib.parse.urlsplit(base)
    if u.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("the drills talk to loopback only, not " + base)
    h = {"Connection": "close"}
    if headers:
        h.update(headers)
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
        h.setdefault("Content-Type", "application/json")
    elif isinstance(body, str):
        body = body.encode()
    t0 = time.monotonic()
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        hdrs = {k.lower(): v for k, v in r.getheaders()}
        return Answer(r.status, hdrs, data, time.monotonic() - t0)
    except (OSError, http.client.HTTPException) as e:
        raise ConnError("%s %s%s: %s: %s" % (method, base, path, type(e).__name__, e)) from None
    finally:
        conn.close()


def sha256(b):
    return hashlib.sha256(b).hexdigest()


def rand_name(n=6):
    return "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(n))


# ------------------------------------------------------------------ cluster


class Cluster:
    """`scripts/cluster` and what its status says."""

    def __init__(self):
        self.status = self.read_status()
        if self.status.get("state") != "up":
            raise RuntimeError("the cluster is not up: " + json.dumps(self.status))
        self.nginx = self.status["nginx"]["url"]
        self.urls = {i["name"]: i["url"] for i in self.status["instances"]}
        self.names = sorted(self.urls)
        self.admin_key = self.status["admin_key"]
        self.data_dir = self.status.get("data_dir")
        self.galera_port = {g["name"]: g["port"] for g in self.status["galera"]}

    @staticmethod
    def read_status():
        out = subprocess.run([CLUSTER, "status"], capture_output=True, text=True, timeout=60)
        return json.loads(out.stdout)

    def verb(self, *args, timeout=240):
        """Runs `scripts/cluster VERB NAME`; returns its seconds. Its stderr
        goes to ours (prefixed), so the log shows each step."""
        t0 = time.monotonic()
        p = subprocess.run([CLUSTER, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=timeout)
        secs = time.monotonic() - t0
        for line in p.stderr.splitlines():
            log("    | " + line)
        if p.returncode != 0:
            # The last lines say why: they reach the summary, not only the log.
            tail = " / ".join(p.stderr.strip().splitlines()[-6:])
            raise RuntimeError("scripts/cluster %s: exit %d: %s" % (" ".join(args), p.returncode, tail[-1200:]))
        return secs

    def admin(self):
        return {"X-API-Key": self.admin_key}


_log_lock = threading.Lock()
_t_start = time.monotonic()


def log(msg):
    with _log_lock:
        print("[%6.1f s] %s" % (time.monotonic() - _t_start, msg), flush=True)


# ------------------------------------------------------------------ bookings


def day_start_utc(days_ahead):
    t = int(time.time())
    return (t // 86400 + days_ahead) * 86400


def iso(ts):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


class Service:
    """A service of its own for one drill: open all day every day (UTC), 5
    minutes long, a 5-minute grid, no buffers, so each slot is a distinct
    booking and the drills never collide with each other."""

    STEP_S = 300

    def __init__(self, cluster, base=None, label="drill"):
        self.slug = "%s-%s" % (label, rand_name(8))
        hours = {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
        body = {"slug": self.slug, "name": "Drill " + self.slug, "durations": [5], "slot_step_min": 5,
                "buffer_before_min": 0, "buffer_after_min": 0, "opening_hours": hours, "closed_dates": []}
        r = request(base or cluster.nginx, "POST", "/api/admin/services", cluster.admin(), body)
        if r.status != 201:
            raise RuntimeError("service not created: %r" % r)
        self._next = 0
        self._lock = threading.Lock()
        self._t0 = day_start_utc(2)  # from the day after tomorrow: never in the past

    def slot(self):
        with self._lock:
            i = self._next
            self._next += 1
        return iso(self._t0 + i * self.STEP_S)

    def booking(self, starts_at=None, name="Zoë Ångström"):
        return {"name": name, "email": "zoe@example.com", "service": self.slug,
                "starts_at": starts_at or self.slot(), "duration_minutes": 5}


def create_booking(cluster, base, svc, starts_at=None, headers=None):
    return request(base, "POST", "/api/bookings", headers or {}, svc.booking(starts_at))


# ------------------------------------------------------------------ load


class Record:
    __slots__ = ("kind", "start", "end", "status", "ok", "detail")

    def __init__(self, kind, start, end, status, ok, detail=""):
        self.kind, self.start, self.end, self.status, self.ok, self.detail = kind, start, end, status, ok, detail


class Load:
    """Worker threads sending requests through one URL (nginx) until stop()
    or max_seconds. Each operation returns (status, ok, detail); a request
    without an answer is status "conn"."""

    def __init__(self, base, ops, max_seconds):
        self.base = base
        self.ops = ops  # list of (kind, callable(base) -> (status, ok, detail), pause in s after each)
        self.max_seconds = max_seconds
        self.records = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = []

    def _worker(self, kind, fn, pause_s):
        deadline = time.monotonic() + self.max_seconds
        while not self._stop.is_set() and time.monotonic() < deadline:
            t0 = time.monotonic()
            try:
                status, ok, detail = fn(self.base)
            except ConnError as e:
                status, ok, detail = "conn", False, str(e)
            except Exception as e:  # a drill bug or a malformed answer: a failure, shown
                status, ok, detail = "error", False, "%s: %s" % (type(e).__name__, e)
            rec = Record(kind, t0, time.monotonic(), status, ok, detail)
            with self._lock:
                self.records.append(rec)
            if pause_s:
                self._stop.wait(pause_s)

    def start(self):
        for kind, fn, pause_s in self.ops:
            t = threading.Thread(target=self._worker, args=(kind, fn, pause_s), daemon=True, name="load-" + kind)
            t.start()
            self._threads.append(t)
        return self

    def stop(self):
        self._stop.set()
        for t in self._threads:
            t.join(REQUEST_TIMEOUT_S + 5)

    def snapshot(self):
        with self._lock:
            return list(self.records)


def by_status(records):
    """{kind: Counter(status)} and a total Counter."""
    per = collections.defaultdict(collections.Counter)
    total = collections.Counter()
    for r in records:
        per[r.kind][r.status] += 1
        total[r.status] += 1
    return per, total


def fmt_counts(counter):
    return ", ".join("%s: %d" % (k, v) for k, v in sorted(counter.items(), key=lambda kv: str(kv[0])))


def summarize(records):
    per, total = by_status(records)
    lines = ["%-8s %5d  (%s)" % (k, sum(c.values()), fmt_counts(c)) for k, c in sorted(per.items())]
    lines.append("%-8s %5d  (%s)" % ("all", sum(total.values()), fmt_counts(total)))
    return lines


def new_idempotency_key():
    return str(uuid.uuid4())
