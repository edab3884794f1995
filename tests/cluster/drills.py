#!/usr/bin/python3
"""Failure drills against a running `scripts/cluster` (issue 16, part 4).

Run by tests/cluster/run, which brings the cluster up with the environment
these drills need and takes it down however they end. Each drill prints a
short summary (counts by status, durations); the exit status is 0 only when
every drill passed.

    tests/cluster/drills.py [NAME ...]     (default: all, in the order below)

Every request has a timeout, every loop a bound; loopback only.
"""

import collections
import csv
import datetime
import io
import json
import os
import random
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clusterlib import (ROOT, Cluster, ConnError, Load, Service, by_status, fmt_counts, log,  # noqa: E402
                        new_idempotency_key, rand_name, request, sha256, summarize)

MIB = 1024 * 1024
JOB = "market"


class DrillFailed(Exception):
    pass


class Drill:
    """What one drill found: failed checks (all of them, not only the first)
    and the summary lines it prints."""

    def __init__(self, name):
        self.name = name
        self.failures = []
        self.lines = []

    def say(self, line):
        self.lines.append(line)
        log("  " + line)

    def expect(self, cond, msg):
        if not cond:
            self.failures.append(msg)
            log("  FAIL: " + msg)
        return cond


def parse_time(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def iso_ms(t):
    return time.strftime("%H:%M:%S", time.gmtime(t)) + ".%03d" % (int(t * 1000) % 1000)


def seconds_of(interval):
    """keel's interval syntax: 90s, 3m, 6h, 1d."""
    return float(interval[:-1]) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[interval[-1]]


def first_failures(records, n=8):
    bad = [r for r in records if not r.ok]
    return ["%s %s: %s" % (r.kind, r.status, r.detail[:300]) for r in bad[:n]]


# ------------------------------------------------------------------ shared state


class Context:
    """What the drills share: the cluster, keys, a dataset, bookings to read,
    an upload to take ranges of, and the job monitor."""

    def __init__(self):
        self.c = Cluster()
        keys = os.environ.get("KEEL_DATA_API_KEYS", "")
        if not keys:
            raise RuntimeError("KEEL_DATA_API_KEYS is not set (tests/cluster/run sets it)")
        self.data_key = keys.split(",")[0]
        # The market job's interval and run timeout (its lease), as `run` set them.
        self.every_s = seconds_of(os.environ.get("KEEL_JOB_MARKET_EVERY", "3m"))
        self.lease_s = seconds_of(os.environ.get("KEEL_JOB_MARKET_TIMEOUT", "30s"))
        self.monitor = None

    def data(self):
        return {"X-API-Key": self.data_key}

    def prepare(self):
        c = self.c
        log("prepare: the default dataset, bookings to read, a file to take ranges of")
        # The default dataset /fetch-data reads, as scripts/run makes it.
        csv_bytes = subprocess.run([os.path.join(ROOT, "scripts", "sample-csv"), "3000"], capture_output=True,
                                   check=True, timeout=60).stdout
        self.default_rows = list(csv.reader(io.StringIO(csv_bytes.decode(), newline="")))
        # Through one instance, one request after another: setting up is not
        # a drill (the drills go through nginx or name the instance).
        k1 = c.urls[c.names[0]]
        r = request(k1, "PUT", "/api/admin/datasets/default",
                    dict(c.admin(), **{"Content-Type": "text/csv"}), csv_bytes)
        if r.status not in (200, 201):
            raise RuntimeError("PUT default dataset: %r" % r)
        # Bookings the readers read.
        self.read_svc = Service(c, base=k1, label="read")
        self.readable = []
        for _ in range(20):
            r = request(k1, "POST", "/api/bookings", {}, self.read_svc.booking())
            if r.status != 201:
                raise RuntimeError("booking for the readers: %r" % r)
            b = r.json()
            self.readable.append((b["id"], b["manage_token"]))
        # A file the range readers read.
        self.range_bytes = os.urandom(3 * MIB + 12345)
        r = upload(c, k1, self.range_bytes, "range.bin")
        if r.status != 201:
            raise RuntimeError("upload for the range readers: %r" % r)
        self.range_id = r.json()["id"]


def upload(c, base, data, name):
    return request(base, "POST", "/api/uploads",
                   dict(c.admin(), **{"Content-Type": "application/octet-stream", "X-Filename": name}), data)


# ------------------------------------------------------------------ load operations


class Ops:
    """The operations of the load drills; each returns (status, ok, detail)
    and keeps what it needs to check afterwards."""

    def __init__(self, ctx, upload_sizes=(1 * MIB, 4 * MIB)):
        self.ctx = ctx
        self.c = ctx.c
        self.svc = Service(ctx.c, label="load")
        self.upload_sizes = upload_sizes
        self.lock = threading.Lock()
        self.uploads = []   # (id, sha256, size) answered 201
        self.created = []   # (id, token, starts_at) answered 201

    def read(self, base):
        bid, token = random.choice(self.ctx.readable)
        r = request(base, "GET", "/api/bookings/%d" % bid, {"Authorization": "Bearer " + token})
        ok = r.status == 200 and r.json().get("id") == bid
        return r.status, ok, "" if ok else r.text()

    def health(self, base):
        r = request(base, "GET", "/api/health")
        ok = r.status == 200 and r.json().get("status") == "ok"
        return r.status, ok, "" if ok else r.text()

    def create(self, base):
        body = self.svc.booking()
        r = request(base, "POST", "/api/bookings", {"Idempotency-Key": new_idempotency_key()}, body)
        ok = r.status == 201
        if ok:
            b = r.json()
            with self.lock:
                self.created.append((b["id"], b["manage_token"], body["starts_at"]))
        return r.status, ok, "" if ok else r.text()

    def upload(self, base):
        data = os.urandom(random.randint(*self.upload_sizes))
        digest = sha256(data)
        r = upload(self.c, base, data, "load-%s.bin" % rand_name())
        ok = r.status == 201
        if ok:
            j = r.json()
            with self.lock:
                self.uploads.append((j["id"], digest, len(data)))
            if j.get("sha256") != digest or j.get("size") != len(data):
                return r.status, False, "stored %s/%s, sent %s/%d" % (j.get("sha256"), j.get("size"), digest,
                                                                      len(data))
        return r.status, ok, "" if ok else r.text()

    def range(self, base):
        data = self.ctx.range_bytes
        a = random.randrange(0, len(data) - 1)
        b = min(len(data) - 1, a + random.randint(0, 512 * 1024))
        r = request(base, "GET", "/api/uploads/" + self.ctx.range_id, {"Range": "bytes=%d-%d" % (a, b)})
        ok = r.status == 206 and r.body == data[a:b + 1]
        detail = ""
        if not ok:
            detail = "%d, %d bytes for %d-%d%s" % (r.status, len(r.body), a, b,
                                                   "" if r.status != 206 else " (bytes differ)")
        return r.status, ok, detail

    def fetch(self, base):
        rows = self.ctx.default_rows
        off = random.randrange(0, len(rows) - 1 - 100)
        r = request(base, "GET", "/fetch-data?limit=100&offset=%d" % off, self.ctx.data())
        if r.status != 200:
            return r.status, False, r.text()
        j = r.json()
        header, want = rows[0], rows[1 + off:1 + off + 100]
        got = [[rec.get(h) for h in header] for rec in j.get("data", [])]
        ok = j.get("returned") == 100 and got == want
        return r.status, ok, "" if ok else "page at %d differs from the CSV" % off


def verify_uploads(d, ctx, uploads, base):
    """Every upload answered 201 downloads back whole and byte-identical."""
    bad = []
    for uid, digest, size in uploads:
        try:
            r = request(base, "GET", "/api/uploads/" + uid)
        except ConnError as e:
            bad.append("%s: %s" % (uid, e))
            continue
        if r.status != 200 or len(r.body) != size or sha256(r.body) != digest:
            bad.append("%s: %d, %d of %d bytes, sha %s" % (uid, r.status, len(r.body), size,
                                                           sha256(r.body) == digest))
    d.expect(not bad, "%d of %d uploads not downloaded whole: %s" % (len(bad), len(uploads), bad[:5]))
    return len(uploads) - len(bad)


def verify_store(d, ctx):
    """Nothing half-written in the shared data folder: no upload temp file
    left, every uploads row has its file with the row's size, every file a
    row."""
    dd = ctx.c.data_dir
    if not dd or not os.path.isdir(dd):
        d.expect(False, "no data_dir in the cluster status")
        return
    tmp = os.path.join(dd, "tmp")
    left = [f for f in os.listdir(tmp) if f.startswith("upload-")] if os.path.isdir(tmp) else []
    d.expect(not left, "upload temp files left in the data folder: %s" % left[:5])
    port = ctx.c.galera_port["g1"]
    p = subprocess.run(["mariadb", "--no-defaults", "--protocol=tcp", "-h", "127.0.0.1", "-P", str(port),
                        "-u", "keel", "-pkeel", "keel", "-N", "-B", "-e",
                        "SELECT id, size, storage_path FROM uploads"],
                       capture_output=True, text=True, timeout=30)
    if p.returncode != 0:
        d.expect(False, "cannot list the uploads table: " + p.stderr.strip())
        return
    rows = [line.split("\t") for line in p.stdout.splitlines() if line]
    missing = []
    for uid, size, path in rows:
        full = os.path.join(dd, path)
        try:
            if os.path.getsize(full) != int(size):
                missing.append("%s: %d bytes on disk, %s in the row" % (uid, os.path.getsize(full), size))
        except OSError:
            missing.append("%s: no file %s" % (uid, path))
    d.expect(not missing, "uploads rows without their whole file: %s" % missing[:5])
    ids = {r[0] for r in rows}
    files = []
    for sub, _, names in os.walk(os.path.join(dd, "uploads")):
        files += names
    orphans = [f for f in files if f not in ids]
    d.expect(not orphans, "files in uploads/ without a row: %s" % orphans[:5])
    d.say("store: %d upload rows, %d files, %d temp files left" % (len(rows), len(files), len(left)))


def verify_created(d, ops, base):
    """Every create answered 201 is there, at the slot it was made for."""
    bad = []
    for bid, token, starts in ops.created:
        try:
            r = request(base, "GET", "/api/bookings/%d" % bid, {"Authorization": "Bearer " + token})
            if r.status != 200 or parse_time(r.json()["starts_at"]) != parse_time(starts):
                bad.append("%d: %r" % (bid, r))
        except ConnError as e:
            bad.append("%d: %s" % (bid, e))
    d.expect(not bad, "%d of %d created bookings not read back: %s" % (len(bad), len(ops.created), bad[:5]))


# ------------------------------------------------------------------ job monitor


class SqlClient:
    """One long-lived `mariadb` client on a Galera node, fed one query at a
    time (a process per poll would cost the 2 cores more). Reopened when it
    stops answering."""

    def __init__(self, port):
        self.port = port
        self.p = None

    def _open(self):
        self.close()
        self.p = subprocess.Popen(["mariadb", "--no-defaults", "--protocol=tcp", "-h", "127.0.0.1", "-P",
                                   str(self.port), "-u", "keel", "-pkeel", "keel", "-N", "-B", "--unbuffered"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                  text=True)

    def one(self, sql, timeout=3):
        """The one-line answer of a query that returns one row, or None."""
        import select
        try:
            if self.p is None or self.p.poll() is not None:
                self._open()
            self.p.stdin.write(sql.rstrip(";") + ";\n")
            self.p.stdin.flush()
            ready, _, _ = select.select([self.p.stdout], [], [], timeout)
            if not ready:
                self.close()
                return None
            line = self.p.stdout.readline()
            return line.rstrip("\n") if line else None
        except (OSError, ValueError):
            self.close()
            return None

    def close(self):
        if self.p is not None:
            try:
                self.p.kill()
                self.p.wait(5)
            except (OSError, subprocess.TimeoutExpired):
                pass
            self.p = None


class JobMonitor:
    """Watches the job for the whole run, from both sides:
    - each instance's /api/admin/jobs: every run it starts (instances that are
      down or restarting are skipped; a restart resets an instance's
      counters, so runs are told apart by their start time);
    - the lease row in the database (through g1): every take sets next_due to
      the take's database time plus the lease interval and last_run_by to the
      taker, so each distinct row is one take, at next_due - interval.
    """

    def __init__(self, ctx, interval_s=0.3):
        self.ctx = ctx
        self.interval_s = interval_s
        self.runs = []          # (started_at epoch s, instance)
        self.takes = []         # (next_due epoch s, last_run_by), each distinct row once
        self.bad_outcomes = []  # (instance, outcome, error)
        self.last_run_by = {}   # instance -> what it reports
        self._seen = {}         # instance -> last_started_at string
        self._finished = {}     # instance -> last_finished_at string
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = []
        self.polls = collections.Counter()
        self.started = time.time()
        self.sql = SqlClient(ctx.c.galera_port["g1"])
        # The longest time between two answers about the lease: a take is
        # missed only if it is longer than the lease interval.
        self.last_lease_poll = None
        self.lease_poll_gap = 0.0

    def start(self):
        # One thread for the lease and one per instance: an instance that
        # does not answer (killed, restarting) holds up no other reading.
        self._threads = [threading.Thread(target=self._lease_loop, daemon=True, name="job-monitor-lease")]
        self._threads += [threading.Thread(target=self._instance_loop, args=(n,), daemon=True,
                                           name="job-monitor-" + n) for n in self.ctx.c.names]
        for t in self._threads:
            t.start()
        return self

    def stop(self):
        self._stop.set()
        for t in self._threads:
            t.join(10)
        self.sql.close()

    def _poll_lease(self):
        v = self.sql.one("SELECT COALESCE((SELECT CONCAT(UNIX_TIMESTAMP(next_due), ' ', IFNULL(last_run_by, '')) "
                         "FROM job_leases WHERE name = '%s'), '0 ')" % JOB)
        try:
            due, owner = v.split(" ", 1)
            due = float(due)
        except (AttributeError, ValueError):
            with self._lock:
                self.polls["lease: no answer"] += 1
            return
        now = time.time()
        with self._lock:
            self.polls["lease"] += 1
            if self.last_lease_poll:
                self.lease_poll_gap = max(self.lease_poll_gap, now - self.last_lease_poll)
            self.last_lease_poll = now
            if due and (not self.takes or self.takes[-1] != (due, owner)):
                self.takes.append((due, owner))

    def _lease_loop(self):
        while not self._stop.is_set():
            self._poll_lease()
            self._stop.wait(self.interval_s)

    def _instance_loop(self, name):
        c = self.ctx.c
        while not self._stop.is_set():
            self._poll_instance(c, name)
            self._stop.wait(self.interval_s)

    def _poll_instance(self, c, name):
        try:
            r = request(c.urls[name], "GET", "/api/admin/jobs", c.admin(), timeout=3)
        except ConnError:
            with self._lock:
                self.polls["no answer"] += 1
            return
        with self._lock:
            self.polls[r.status] += 1
        if r.status != 200:
            return
        job = next((j for j in r.json().get("jobs", []) if j.get("name") == JOB), None)
        if not job:
            return
        with self._lock:
            self.last_run_by[name] = job.get("last_run_by")
            s = job.get("last_started_at")
            if s and s != self._seen.get(name):
                self._seen[name] = s
                self.runs.append((parse_time(s), name))
            f = job.get("last_finished_at")
            if f and f != self._finished.get(name):
                self._finished[name] = f
                if job.get("last_outcome") not in ("ok", "skipped"):
                    self.bad_outcomes.append((name, job.get("last_outcome"), job.get("last_error")))

    def snapshot(self):
        with self._lock:
            return sorted(self.runs), list(self.takes), list(self.bad_outcomes), dict(self.last_run_by)


# ------------------------------------------------------------------ drills


def drill_upload_same_everywhere(ctx, d):
    """An upload through k1 is byte-identical, with the same ETag, from k2 and k3."""
    c = ctx.c
    data = os.urandom(5 * MIB + 777)
    r = upload(c, c.urls["k1"], data, "cross.bin")
    if not d.expect(r.status == 201, "upload through k1: %r" % r):
        return
    uid = r.json()["id"]
    etags = {}
    for n in c.names:
        g = request(c.urls[n], "GET", "/api/uploads/" + uid)
        d.expect(g.status == 200 and g.body == data, "%s: %d, %d bytes, identical %s" %
                 (n, g.status, len(g.body), g.body == data))
        etags[n] = g.header("ETag")
    d.expect(len(set(etags.values())) == 1 and None not in etags.values(), "ETags differ: %s" % etags)
    d.expect(etags.get("k1") == '"%s"' % sha256(data), "the ETag is not the SHA-256: %s" % etags.get("k1"))
    d.say("5 MiB upload through k1: identical on %s, ETag %s" % (", ".join(c.names), etags.get("k1")))


def drill_dataset_sync_visible(ctx, d):
    """A dataset synced (PUT) through k2 is served by k1 and k3 within 1 s:
    a new dataset (201), then a new generation of it (200)."""
    c = ctx.c
    name = "drill-" + rand_name()
    for round_, (rows, want_status) in enumerate([(500, 201), (800, 200)]):
        body = "sku,name,stock\n" + "".join("S-%d-%05d,\"Item %d, round %d\",%d\n" % (round_, i, i, round_, i)
                                            for i in range(rows))
        r = request(c.urls["k2"], "PUT", "/api/admin/datasets/" + name,
                    dict(c.admin(), **{"Content-Type": "text/csv"}), body)
        t0 = time.monotonic()
        if not d.expect(r.status == want_status, "PUT through k2: want %d, got %r" % (want_status, r)):
            return
        gen = r.json()["generation"]
        for n in ("k1", "k3"):
            seen, last = None, None
            while time.monotonic() - t0 < 3:
                a = request(c.urls[n], "GET", "/fetch-data?metadata_only=true&dataset=" + name, ctx.data(),
                            timeout=5)
                last = a
                if a.status == 200 and a.json().get("generation") == gen:
                    seen = time.monotonic() - t0
                    break
                time.sleep(0.02)
            if d.expect(seen is not None and seen <= 1.0, "%s: generation %s not served within 1 s (%s; last %r)" %
                        (n, gen, "%.2f s" % seen if seen is not None else "not within 3 s", last)):
                page = request(c.urls[n], "GET", "/fetch-data?dataset=%s&offset=%d&limit=3" % (name, rows - 3),
                               ctx.data())
                skus = [x["sku"] for x in page.json().get("data", [])] if page.status == 200 else page
                d.expect(skus == ["S-%d-%05d" % (round_, i) for i in range(rows - 3, rows)],
                         "%s: last page of round %d: %s" % (n, round_, skus))
            d.say("sync %d (%d rows, %d) through k2: served by %s after %s" %
                  (round_ + 1, rows, want_status, n, "%.3f s" % seen if seen is not None else "never"))


def drill_revoked_key_everywhere(ctx, d):
    """A data API key revoked through one instance fails on every instance within 5 s."""
    c = ctx.c
    r = request(c.urls["k1"], "POST", "/api/admin/api-keys", c.admin(), {"name": "drill-" + rand_name()})
    if not d.expect(r.status == 201, "make a key through k1: %r" % r):
        return
    kid, key = r.json()["id"], r.json()["key"]
    hdr = {"X-API-Key": key}
    path = "/fetch-data?metadata_only=true"
    for n in c.names:  # made on k1: served by every instance (within 5 s, as a revoke)
        t0, st = time.monotonic(), None
        while time.monotonic() - t0 < 6:
            st = request(c.urls[n], "GET", path, hdr).status
            if st == 200:
                break
            time.sleep(0.1)
        d.expect(st == 200, "%s: the new key gets %s" % (n, st))
    r = request(c.urls["k2"], "DELETE", "/api/admin/api-keys/%d" % kid, c.admin())
    t0 = time.monotonic()
    if not d.expect(r.status == 204, "revoke through k2: %r" % r):
        return
    took = {}
    pending = set(c.names)
    statuses = collections.Counter()
    while pending and time.monotonic() - t0 < 8:
        for n in sorted(pending):
            st = request(c.urls[n], "GET", path, hdr).status
            statuses[st] += 1
            if st == 403:
                took[n] = time.monotonic() - t0
                pending.discard(n)
        time.sleep(0.05)
    for n in c.names:
        d.expect(n in took and took[n] <= 5.0, "%s: the revoked key still works %s" %
                 (n, "after %.2f s" % took[n] if n in took else "8 s later"))
    d.say("revoked through k2: 403 on %s (answers while waiting: %s)" %
          (", ".join("%s after %.2f s" % (n, took[n]) for n in sorted(took)), fmt_counts(statuses)))


def drill_idempotent_replay_elsewhere(ctx, d):
    """A POST /api/bookings retried with the same Idempotency-Key through
    another instance replays the first answer."""
    c = ctx.c
    svc = Service(c, label="idem")
    body = svc.booking()
    key = new_idempotency_key()
    first = request(c.urls["k1"], "POST", "/api/bookings", {"Idempotency-Key": key}, body)
    if not d.expect(first.status == 201, "first create through k1: %r" % first):
        return
    d.expect(first.header("Idempotent-Replayed") is None, "the first answer says replayed")
    for n in ("k2", "k3"):
        again = request(c.urls[n], "POST", "/api/bookings", {"Idempotency-Key": key}, body)
        d.expect(again.status == 201 and again.header("Idempotent-Replayed") == "true" and again.body == first.body,
                 "%s: retry answered %d, Idempotent-Replayed %s, same body %s" %
                 (n, again.status, again.header("Idempotent-Replayed"), again.body == first.body))
    d.say("create through k1 (201), retried through k2 and k3: replayed, same body")


def drill_read_your_writes(ctx, d, rounds=100):
    """A booking created through k1 is readable at once through k2 and k3."""
    c = ctx.c
    svc = Service(c, label="ryw")
    statuses = collections.Counter()
    worst = 0.0
    t0 = time.monotonic()
    for _ in range(rounds):
        r = request(c.urls["k1"], "POST", "/api/bookings", {}, svc.booking())
        if not d.expect(r.status == 201, "create through k1: %r" % r):
            return
        b = r.json()
        for n in ("k2", "k3"):
            g = request(c.urls[n], "GET", "/api/bookings/%d" % b["id"], {"Authorization": "Bearer " + b["manage_token"]})
            statuses[(n, g.status)] += 1
            worst = max(worst, g.seconds)
            if g.status != 200:
                d.expect(False, "%s: booking %d created through k1 read at once: %r" % (n, b["id"], g))
    d.say("%d creates through k1, each read at once through k2 and k3: %s (slowest read %.0f ms, %.1f s)" %
          (rounds, fmt_counts(collections.Counter({"%s %s" % k: v for k, v in statuses.items()})),
           worst * 1000, time.monotonic() - t0))


def race(calls):
    """Runs the calls at once (a barrier), returns their answers (or ConnError)."""
    out = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(i):
        try:
            barrier.wait(30)
            out[i] = calls[i]()
        except ConnError as e:
            out[i] = e

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return out


def status_counts(answers):
    return collections.Counter(a.status if hasattr(a, "status") else "conn" for a in answers)


def slot_holders(ctx, d, svc, slot, winners):
    """Read back through every instance: one booking at the slot, the one
    whose request won."""
    c = ctx.c
    there = {}
    for name in c.names:
        g = request(c.urls[name], "GET", "/api/admin/bookings?service=%s&limit=500" % svc.slug, c.admin())
        if not d.expect(g.status == 200, "%s: admin list: %r" % (name, g)):
            continue
        there[name] = sorted(b["id"] for b in g.json()["items"]
                             if parse_time(b["starts_at"]) == parse_time(slot) and b["status"] != "cancelled")
        d.expect(len(there[name]) == 1 and there[name] == winners,
                 "%s lists %s at the slot; the winning answers were for %s" % (name, there[name], winners))
    return ", ".join("%s %s" % kv for kv in sorted(there.items()))


def drill_create_race(ctx, d, n=30):
    """30 concurrent creates for one slot spread over k1..k3: exactly one 201, the rest 409."""
    c = ctx.c
    svc = Service(c, label="race")
    slot = svc.slot()
    calls = [(lambda base=c.urls[c.names[i % 3]]: request(base, "POST", "/api/bookings", {}, svc.booking(slot)))
             for i in range(n)]
    t0 = time.monotonic()
    answers = race(calls)
    took = time.monotonic() - t0
    counts = status_counts(answers)
    d.expect(counts[201] == 1 and counts[409] == n - 1, "%d creates of one slot: %s (want one 201, %d 409)" %
             (n, fmt_counts(counts), n - 1))
    odd = [repr(a) for a in answers if not hasattr(a, "status") or a.status not in (201, 409)]
    d.expect(not odd, "other answers: %s" % odd[:5])
    winners = sorted(a.json()["id"] for a in answers if getattr(a, "status", None) == 201)
    there = slot_holders(ctx, d, svc, slot, winners)
    d.say("%d concurrent creates of one slot over k1..k3: %s in %.2f s; at the slot after: %s" %
          (n, fmt_counts(counts), took, there))


def drill_reschedule_race(ctx, d, n=20):
    """20 bookings, then 20 concurrent reschedules onto one slot through three
    instances: exactly one 200, the rest 409."""
    c = ctx.c
    svc = Service(c, label="resched")
    mine = []
    for _ in range(n):
        r = request(c.nginx, "POST", "/api/bookings", {}, svc.booking())
        if not d.expect(r.status == 201, "create: %r" % r):
            return
        mine.append((r.json()["id"], r.json()["manage_token"]))
    target = svc.slot()
    calls = [(lambda i=i: request(c.urls[c.names[i % 3]], "POST", "/api/bookings/%d/reschedule" % mine[i][0],
                                  {"Authorization": "Bearer " + mine[i][1]}, {"starts_at": target}))
             for i in range(n)]
    t0 = time.monotonic()
    answers = race(calls)
    took = time.monotonic() - t0
    counts = status_counts(answers)
    d.expect(counts[200] == 1 and counts[409] == n - 1, "%d reschedules onto one slot: %s (want one 200, %d 409)" %
             (n, fmt_counts(counts), n - 1))
    winners = sorted(mine[i][0] for i, a in enumerate(answers) if getattr(a, "status", None) == 200)
    there = slot_holders(ctx, d, svc, target, winners)
    d.say("%d concurrent reschedules onto one slot over k1..k3: %s in %.2f s; at the slot after: %s" %
          (n, fmt_counts(counts), took, there))
    d.expect(not [a for a in answers if getattr(a, "status", 0) >= 500],
             "5xx answers: %s" % [repr(a) for a in answers if getattr(a, "status", 0) >= 500][:3])


def run_load_drill(ctx, d, ops, kinds, script, max_seconds):
    """Starts the load (one thread per kind), runs script(load) and stops it."""
    # A health check is cheap: 20 a second, so it does not crowd out (or
    # dilute the counts of) the requests that reach the database.
    table = {"read": (ops.read, 0), "health": (ops.health, 0.05), "create": (ops.create, 0),
             "upload": (ops.upload, 0), "range": (ops.range, 0), "fetch": (ops.fetch, 0)}
    load = Load(ctx.c.nginx, [(k,) + table[k] for k in kinds], max_seconds=max_seconds).start()
    try:
        script(load)
    finally:
        load.stop()
    return load.snapshot()


def drill_rolling_restart(ctx, d):
    """Reads, creates, uploads, range downloads and /fetch-data pages through
    nginx while k1, k2, k3 are restarted in turn: no failed request, no
    partial upload."""
    c = ctx.c
    ops = Ops(ctx)
    steps = []

    def script(load):
        time.sleep(2)
        for n in c.names:
            secs = c.verb("restart", n)
            steps.append("%s %.1f s" % (n, secs))
            log("  restarted %s in %.1f s" % (n, secs))
        time.sleep(2)

    t0 = time.monotonic()
    records = run_load_drill(ctx, d, ops, ["read", "read", "health", "create", "upload", "range", "fetch"],
                             script, max_seconds=200)
    took = time.monotonic() - t0
    for line in summarize(records):
        d.say(line)
    d.say("restarts: %s; load %.1f s" % (", ".join(steps), took))
    bad = [r for r in records if not r.ok]
    d.expect(len(steps) == 3, "not every instance restarted")
    d.expect(not bad, "%d failed requests of %d: %s" % (len(bad), len(records), first_failures(records)))
    good = verify_uploads(d, ctx, ops.uploads, c.nginx)
    d.say("uploads answered 201: %d, downloaded back byte-identical: %d" % (len(ops.uploads), good))
    verify_created(d, ops, c.nginx)
    verify_store(d, ctx)


def log_size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def read_from(path, offset):
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def pool_hosts(ctx, instance):
    """{port: connections} of the instance's pool, from /api/health/memory's
    db_pool.hosts, or None when it does not say."""
    try:
        r = request(ctx.c.urls[instance], "GET", "/api/health/memory", timeout=5)
    except ConnError:
        return None
    if r.status != 200:
        return None
    hosts = r.json().get("db_pool", {}).get("hosts")
    if hosts is None:
        return None
    return {int(str(h.get("host", "")).rsplit(":", 1)[-1]): h.get("connections", 0) for h in hosts}


def pool_on(ctx, instance, port):
    """Connections the instance's pool has on the node with this port, or None."""
    hosts = pool_hosts(ctx, instance)
    return None if hosts is None else hosts.get(port, 0)


def drill_galera_kill(ctx, d):
    """SIGKILL of Galera node g2 under load through nginx, 10 s down, then
    started again: no 500; at most 1 % 503 in the 10 s after the kill, none
    outside them; g2 rejoins Synced and k2 uses it again within 30 s."""
    c = ctx.c
    ops = Ops(ctx, upload_sizes=(64 * 1024, 256 * 1024))
    port = c.galera_port["g2"]
    g2_log = os.path.join(c.status.get("dir") or "", "g2", "error.log")
    t = {}
    before = pool_on(ctx, "k2", port)
    d.say("k2's pool on g2 (port %d) before the kill: %s" % (port, before))
    d.expect(before is not None, "/api/health/memory of k2 lists no db_pool hosts")

    def script(load):
        time.sleep(3)
        t["log_from"] = log_size(g2_log)
        t["kill"] = time.monotonic()
        c.verb("kill", "g2")
        t["killed"] = time.monotonic()
        log("  g2 killed (%.1f s)" % (t["killed"] - t["kill"]))
        # Half way: k2 has failed over (its pool is on the other nodes).
        time.sleep(max(0.0, t["kill"] + 5 - time.monotonic()))
        t["during"] = pool_hosts(ctx, "k2")
        time.sleep(max(0.0, t["kill"] + 10 - time.monotonic()))
        t["start"] = time.monotonic()
        c.verb("start", "g2")
        t["back"] = time.monotonic()
        log("  g2 started again, Synced after %.1f s" % (t["back"] - t["start"]))
        # k2 (which prefers g2) uses it again.
        while time.monotonic() - t["back"] < 35:
            n = pool_on(ctx, "k2", port)
            if n:
                t["reused"] = time.monotonic()
                log("  k2 has %d connection(s) on g2 again" % n)
                break
            time.sleep(0.5)
        time.sleep(2)

    records = run_load_drill(ctx, d, ops, ["read", "read", "health", "create", "upload"], script, max_seconds=150)
    if "kill" not in t:
        d.expect(False, "the drill did not get to the kill")
        return
    w0, w1 = t["kill"], t["kill"] + 10
    inside = [r for r in records if r.end >= w0 and r.start <= w1]
    outside = [r for r in records if not (r.end >= w0 and r.start <= w1)]
    _, tin = by_status(inside)
    _, tout = by_status(outside)
    d.say("in the 10 s after the kill: %s" % fmt_counts(tin))
    d.say("outside them:              %s" % fmt_counts(tout))
    for line in summarize(records):
        d.say(line)
    n503 = tin[503]
    d.expect(all(r.status != 500 for r in records), "500 answers: %s" %
             ["%s: %s" % (r.kind, r.detail[:200]) for r in records if r.status == 500][:5])
    d.expect(n503 <= 0.01 * max(1, len(inside)), "%d of %d answers 503 in the 10 s after the kill (> 1 %%)" %
             (n503, len(inside)))
    bad_in = [r for r in inside if not r.ok and r.status != 503]
    d.expect(not bad_in, "failed requests in the window (other than 503): %s" % first_failures(bad_in))
    bad_out = [r for r in outside if not r.ok]
    d.expect(not bad_out, "failed requests outside the window: %s" % first_failures(bad_out))
    during = t.get("during")
    names = {p: n for n, p in c.galera_port.items()}
    d.say("k2's pool 5 s after the kill: %s" % (", ".join("%s %d" % (names.get(p, p), n)
                                                          for p, n in sorted(during.items()))
                                                if during else during))
    d.expect(during is not None and during.get(port, 0) == 0 and sum(during.values()) >= 1,
             "k2 has not failed over 5 s after the kill: %s" % during)
    st = Cluster.read_status()
    g2 = next(g for g in st["galera"] if g["name"] == "g2")
    d.expect(g2.get("state") == "up" and g2.get("wsrep") == "Synced", "g2 after start: %s" % g2)
    # By IST (the writesets it missed, from a donor's gcache), not a full SST:
    # mariabackup's SST script logs "Proceeding with SST" for a full copy.
    since_kill = read_from(g2_log, t.get("log_from", 0))
    ist = "IST received" in since_kill and "Proceeding with SST" not in since_kill
    d.expect(ist, "g2 did not rejoin by IST (its error.log since the kill: %s)" %
             ("; ".join(l for l in since_kill.splitlines() if "SST" in l or "IST" in l)[-600:] or "nothing"))
    d.say("g2 rejoined by %s" % ("IST" if ist else "something else"))
    if "back" in t:
        d.say("g2 down %.1f s, Synced %.1f s after its start; k2 on g2 again %s" %
              (t["start"] - t["kill"], t["back"] - t["start"],
               "%.1f s after it was back" % (t["reused"] - t["back"]) if "reused" in t else "not within 35 s"))
    d.expect("reused" in t and t["reused"] - t["back"] <= 30, "k2's pool is not back on g2 within 30 s (now: %s)" %
             pool_on(ctx, "k2", port))
    verify_uploads(d, ctx, ops.uploads, c.nginx)
    verify_created(d, ops, c.nginx)


def agreed_last_run_by(ctx, names, within_s=3):
    """What every named instance reports as the job's last_run_by, once they
    agree (a run may land between two reads), and what each said."""
    c = ctx.c
    seen = {}
    t0 = time.monotonic()
    while time.monotonic() - t0 < within_s:
        seen = {}
        for n in names:
            try:
                r = request(c.urls[n], "GET", "/api/admin/jobs", c.admin(), timeout=3)
                job = next(j for j in r.json()["jobs"] if j["name"] == JOB) if r.status == 200 else {}
                seen[n] = job.get("last_run_by", "(no field)")
            except (ConnError, ValueError, KeyError, StopIteration) as e:
                seen[n] = "(%s)" % type(e).__name__
        values = set(seen.values())
        if len(values) == 1 and None not in values:
            return values.pop(), seen
        time.sleep(0.2)
    return None, seen


def settled(mon):
    """The monitor's runs, with the takes read after them: a run the monitor
    has just seen may come from a take it has not read yet (the lease is read
    every few tenths of a second), so the takes are read a second later."""
    runs, _, bad, last_by = mon.snapshot()
    time.sleep(1.0 + 2 * mon.interval_s)
    takes = mon.snapshot()[1]
    return runs, takes, bad, last_by


def drill_job_once_per_tick(ctx, d):
    """The market job runs on exactly one instance per tick (over the whole
    run so far, restarts and the node kill included), and moves to another
    instance when the one that ran it last is killed."""
    c = ctx.c
    mon = ctx.monitor
    every = ctx.every_s
    # The lease's next_due is this much after a take: the interval less its
    # jitter (10 %, at most 60 s), so no tick of any instance comes earlier.
    lease_gap = every - min(0.1 * every, 60.0)
    t0 = time.monotonic()
    while len(mon.snapshot()[0]) < 8 and time.monotonic() - t0 < 30:
        time.sleep(0.5)

    def judge(runs, takes, since, label):
        """Runs the instances report since `since` against the takes of the
        lease the database shows: takes at least lease_gap apart, and each run
        the run of a take of its own by the same instance (a take precedes its
        run by the commit, which stalls for seconds while Galera evicts a dead
        node). A run without one is a run the lease did not grant: two runs in
        one tick."""
        runs = [r for r in runs if r[0] >= since]
        takes = [(t - lease_gap, who) for t, who in takes if t - lease_gap >= since - 15]
        gaps = [b[0] - a[0] for a, b in zip(takes, takes[1:])]
        close = ["%s %s, %s %s" % (iso_ms(a[0]), a[1], iso_ms(b[0]), b[1])
                 for a, b in zip(takes, takes[1:]) if b[0] - a[0] < lease_gap - 0.001]
        d.expect(not close, "%s: two takes of the lease within %.1f s: %s" % (label, lease_gap, close[:5]))
        used = set()
        unmatched = []
        for start, who in runs:
            cands = [i for i, (t, o) in enumerate(takes) if o == who and i not in used and t <= start + 0.05
                     and start - t <= 15]
            if cands:
                used.add(cands[-1])
            else:
                unmatched.append("%s %s" % (iso_ms(start), who))
        d.expect(not unmatched, "%s: runs without a take of the lease by their instance: %s (takes: %s; the lease "
                 "was read at least every %.1f s)" % (label, unmatched, ", ".join("%s %s" % (iso_ms(t), o)
                                                                                  for t, o in takes),
                                                       mon.lease_poll_gap))
        rgaps = [b[0] - a[0] for a, b in zip(runs, runs[1:])]
        d.say("%s: %d runs (%s), %d takes; gaps between takes min %s, between run starts min %s" %
              (label, len(runs), fmt_counts(collections.Counter(n for _, n in runs)),
               len([t for t in takes if t[0] >= since]),
               "%.2f s" % min(gaps) if gaps else "-", "%.2f s" % min(rgaps) if rgaps else "-"))
        return runs, takes

    runs, takes, bad, last_by = settled(mon)
    since = mon.started + 1
    d.expect(takes, "the lease row was never read (job_leases with last_run_by; polls: %s)" % fmt_counts(mon.polls))
    runs_in, takes_in = judge(runs, takes, since, "so far")
    span = time.time() - since
    d.expect(len(runs_in) >= span / every / 2, "only %d runs in %.0f s (every %gs)" % (len(runs_in), span, every))
    d.expect(not bad, "runs that did not end ok: %s" % bad[:5])
    # last_run_by: every instance names the one that ran it last.
    victim, seen = agreed_last_run_by(ctx, c.names)
    time.sleep(2 * mon.interval_s + 0.2)  # the monitor has seen that run too
    runs = mon.snapshot()[0]
    latest = runs[-1][1] if runs else None
    d.expect(victim in c.names and victim == latest, "last_run_by on the instances: %s (the last run seen: %s)" %
             (seen, latest))
    victim = victim if victim in c.names else latest
    if victim is None:
        return
    t_kill = time.time()
    c.verb("kill", victim)
    log("  killed %s, which ran the %s job last" % (victim, JOB))
    bound = ctx.lease_s + 2 * every + 2
    moved = None
    while time.time() - t_kill < bound + 5:
        after = [(s, n) for s, n in mon.snapshot()[0] if s > t_kill and n != victim]
        if after:
            moved = (after[0][0] - t_kill, after[0][1])
            break
        time.sleep(0.2)
    d.expect(moved is not None and moved[0] <= bound, "after killing %s no other instance ran the job within %.0f s"
             " (lease %gs + 2 ticks + 2 s): %s" % (victim, bound, ctx.lease_s, moved))
    if not moved:
        return
    time.sleep(2 * every)  # a few more ticks: still one run for each
    runs, takes, bad, last_by = settled(mon)
    later, _ = judge(runs, takes, t_kill, "after the kill")
    d.expect(all(n != victim for _, n in later), "the killed %s still runs it" % victim)
    d.expect(not bad, "runs that did not end ok: %s" % bad[:5])
    now_by, seen = agreed_last_run_by(ctx, [n for n in c.names if n != victim])
    last = mon.snapshot()[0][-1][1]
    d.expect(now_by == last and now_by != victim, "last_run_by after the move: %s (the last run: %s)" % (seen, last))
    d.say("killed %s (last_run_by): %s ran the job %.1f s later" % (victim, moved[1], moved[0]))


DRILLS = [
    ("upload-same-everywhere", drill_upload_same_everywhere),
    ("dataset-sync-visible", drill_dataset_sync_visible),
    ("revoked-key-everywhere", drill_revoked_key_everywhere),
    ("idempotent-replay-elsewhere", drill_idempotent_replay_elsewhere),
    ("read-your-writes", drill_read_your_writes),
    ("create-race", drill_create_race),
    ("reschedule-race", drill_reschedule_race),
    ("rolling-restart", drill_rolling_restart),
    ("galera-kill", drill_galera_kill),
    # Last: it kills an instance.
    ("job-once-per-tick", drill_job_once_per_tick),
]

def main(argv):
    want = argv[1:] or [n for n, _ in DRILLS]
    unknown = [w for w in want if w not in dict(DRILLS)]
    if unknown:
        print("unknown drills: %s (known: %s)" % (" ".join(unknown), " ".join(n for n, _ in DRILLS)))
        return 2
    t_all = time.monotonic()
    ctx = Context()
    ctx.prepare()
    ctx.monitor = JobMonitor(ctx).start()
    results = []
    for name, fn in DRILLS:
        if name not in want:
            continue
        log("drill %s: %s" % (name, " ".join(fn.__doc__.split())))
        d = Drill(name)
        t0 = time.monotonic()
        try:
            fn(ctx, d)
        except Exception as e:  # the drill could not finish: a failure, with what stopped it
            d.expect(False, "stopped by %s: %s" % (type(e).__name__, e))
        secs = time.monotonic() - t0
        results.append((name, not d.failures, secs, d))
        log("drill %s: %s in %.1f s" % (name, "passed" if not d.failures else "FAILED", secs))
    ctx.monitor.stop()
    print("\n== cluster drills: summary")
    for name, ok, secs, d in results:
        print("%-28s %-6s %6.1f s" % (name, "pass" if ok else "FAIL", secs))
        for line in d.lines:
            print("    " + line)
        for f in d.failures:
            print("    FAIL: " + f)
    failed = [n for n, ok, _, _ in results if not ok]
    print("drills: %d passed, %d failed%s; %.0f s (job monitor polls: %s)" %
          (len(results) - len(failed), len(failed), " (%s)" % " ".join(failed) if failed else "",
           time.monotonic() - t_all, fmt_counts(ctx.monitor.polls)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
