#!/usr/bin/python3
"""PDF benchmarks: keel next to the FastAPI reference peer, in the same run.

1. The bookings report with N rows (default 10,000): keel's
   GET /api/admin/bookings/report.pdf (libharu, rows read from MariaDB in
   keyset batches) against the FastAPI peer's GET /api/pdf?pages=N/40
   (reportlab, 40 rows a page: the same number of table rows). Every run
   starts a fresh process of each server and measures wall time (curl),
   PDF size, pages, and the peak RSS growth of the server process: VmHWM
   from /proc/PID/status after the request minus VmHWM before it.
   Runs alternate keel / FastAPI so both see the same machine load.
2. The one-page confirmation under wrk: keel's
   GET /api/admin/bookings/{id}/pdf; next to it, for orientation only, the
   peer's one-page PDF (?pages=1: a 40-row table, not the same document).
   p50/p99 latency and requests/s, and keel's VmHWM growth over the load.

Results: bench/results/pdf-<date>.md and .csv (date, machine, commit), a
PNG of the report's first page (bench/results/pdf-report-page1.png).
Run through bench/pdf/run.sh, which prepares the database.
"""

import argparse
import csv
import datetime
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ADMIN_KEY = "bench-admin-key"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def vm_hwm_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def wait_http(url, timeout=30.0, proc=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        r = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", url],
                           capture_output=True, text=True)
        if r.stdout.strip() == "200":
            return
        time.sleep(0.1)
    raise RuntimeError(f"{url} not ready")


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def curl(url, out, headers=()):
    cmd = ["curl", "-s", "-o", out, "-w", "%{http_code} %{size_download} %{time_total}"]
    for h in headers:
        cmd += ["-H", h]
    r = subprocess.run(cmd + [url], capture_output=True, text=True, check=True)
    code, size, secs = r.stdout.split()
    if code != "200":
        raise RuntimeError(f"{url}: HTTP {code}")
    return int(size), float(secs)


def pdf_pages(path):
    r = subprocess.run(["qpdf", "--show-npages", path], capture_output=True, text=True)
    return int(r.stdout.strip()) if r.returncode == 0 else -1


class Keel:
    def __init__(self, binary, db_url, workdir, env_extra=None):
        self.port = free_port()
        self.data = tempfile.mkdtemp(prefix="keel-data-", dir=workdir)
        env = dict(os.environ)
        env.update({
            "KEEL_PORT": str(self.port), "KEEL_HOST": "127.0.0.1", "KEEL_DB_URL": db_url,
            "KEEL_DATA_DIR": self.data, "KEEL_STATIC_DIR": self.data, "KEEL_ADMIN_API_KEY": ADMIN_KEY,
            "KEEL_LOG_LEVEL": "warn", "KEEL_DOCS": "0",
        })
        env.update(env_extra or {})
        self.log = open(os.path.join(self.data, "keel.log"), "w")
        self.proc = subprocess.Popen([binary], env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.port}"
        wait_http(self.base + "/api/health", proc=self.proc)

    def close(self):
        stop(self.proc)
        self.log.close()
        shutil.rmtree(self.data, ignore_errors=True)


class FastApi:
    def __init__(self, workdir):
        self.port = free_port()
        self.tmp = tempfile.mkdtemp(prefix="fastapi-", dir=workdir)
        env = dict(os.environ)
        env.update({"PEER_STORAGE_DIR": os.path.join(self.tmp, "up"), "PEER_STATIC_DIR": os.path.join(self.tmp, "st"),
                    "TMPDIR": self.tmp})
        run = "/work/shared/peers/fastapi_ref/run.sh"
        # run.sh execs python: the pid is the server's (one worker, one process)
        self.proc = subprocess.Popen([run, str(self.port)], env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{self.port}"
        wait_http(self.base + "/api/health", proc=self.proc)

    def close(self):
        stop(self.proc)
        shutil.rmtree(self.tmp, ignore_errors=True)


def measure(server, url, out, headers=()):
    before = vm_hwm_kib(server.proc.pid)
    size, secs = curl(url, out, headers)
    after = vm_hwm_kib(server.proc.pid)
    return {"seconds": secs, "bytes": size, "pages": pdf_pages(out), "hwm_before_kib": before,
            "hwm_growth_kib": after - before}


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def parse_wrk(text):
    def lat(p):
        m = re.search(rf"^\s*{p}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
        return float(m.group(1)) * UNITS[m.group(2)] if m else float("nan")
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errors = re.search(r"Socket errors:.*", text)
    return {"p50_ms": lat(50), "p99_ms": lat(99), "rps": float(rps.group(1)) if rps else float("nan"),
            "non2xx": int(non2xx.group(1)) if non2xx else 0, "socket_errors": errors.group(0) if errors else ""}


def wrk(url, seconds, conns, headers=()):
    cmd = ["wrk", "-t1", f"-c{conns}", f"-d{seconds}s", "--latency"]
    for h in headers:
        cmd += ["-H", h]
    r = subprocess.run(cmd + [url], capture_output=True, text=True, check=True)
    return parse_wrk(r.stdout)


def med(rows, key):
    return statistics.median(r[key] for r in rows)


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain"], capture_output=True, text=True)
    c = commit.stdout.strip() if commit.returncode == 0 else "none (no commit yet)"
    if commit.returncode == 0 and dirty.stdout.strip():
        c += " (+ uncommitted changes)"
    return {"nproc": os.cpu_count(), "model": model, "commit": c, "load": os.getloadavg()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keel", required=True)
    ap.add_argument("--db-url", required=True)
    ap.add_argument("--rows", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--wrk-seconds", type=int, default=10)
    ap.add_argument("--wrk-runs", type=int, default=3)
    ap.add_argument("--wrk-conns", type=int, default=4)
    ap.add_argument("--confirmation-id", type=int, default=1)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results"))
    a = ap.parse_args()
    if a.rows % 40:
        sys.exit("--rows must be a multiple of 40 (the peer renders whole 40-row pages)")

    work = tempfile.mkdtemp(prefix="keel-bench-pdf-")
    info = machine()
    today = datetime.date.today().isoformat()
    os.makedirs(a.out, exist_ok=True)
    report_q = "/api/admin/bookings/report.pdf?service=bench"
    admin = (f"X-API-Key: {ADMIN_KEY}",)
    keel_report, peer_report = [], []
    keel_pdf = os.path.join(work, "keel-report.pdf")
    peer_pdf = os.path.join(work, "peer-report.pdf")
    print(f"machine: {info['nproc']} x {info['model']}, load {info['load']}, commit {info['commit']}", flush=True)

    # 1. The report, fresh processes, alternating.
    for run in range(a.runs):
        k = Keel(a.keel, a.db_url, work)
        try:
            keel_report.append(measure(k, k.base + report_q, keel_pdf, admin))
        finally:
            k.close()
        p = FastApi(work)
        try:
            peer_report.append(measure(p, p.base + f"/api/pdf?pages={a.rows // 40}", peer_pdf))
        finally:
            p.close()
        print(f"report run {run + 1}: keel {keel_report[-1]}  fastapi {peer_report[-1]}", flush=True)
    png_base = os.path.join(a.out, "pdf-report-page1")
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", keel_pdf, png_base],
                   check=True, stderr=subprocess.DEVNULL)  # poppler warns about libharu's ToUnicode CMap

    # 2. The confirmation under wrk: one fresh process of each for all runs.
    keel_wrk, peer_wrk = [], []
    k = Keel(a.keel, a.db_url, work)
    p = FastApi(work)
    try:
        conf_url = k.base + f"/api/admin/bookings/{a.confirmation_id}/pdf"
        conf_size, _ = curl(conf_url, os.path.join(work, "c.pdf"), admin)
        peer_size, _ = curl(p.base + "/api/pdf?pages=1", os.path.join(work, "p.pdf"))
        k_hwm0 = vm_hwm_kib(k.proc.pid)
        for run in range(a.wrk_runs):
            keel_wrk.append(wrk(conf_url, a.wrk_seconds, a.wrk_conns, admin))
            peer_wrk.append(wrk(p.base + "/api/pdf?pages=1", a.wrk_seconds, a.wrk_conns))
            print(f"wrk run {run + 1}: keel {keel_wrk[-1]}  fastapi {peer_wrk[-1]}", flush=True)
        k_wrk_growth = vm_hwm_kib(k.proc.pid) - k_hwm0
        k_tmp_left = os.listdir(os.path.join(k.data, "tmp"))
    finally:
        k.close()
        p.close()

    # 3. Write the results.
    stamp = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    kr = {key: med(keel_report, key) for key in ("seconds", "bytes", "pages", "hwm_before_kib", "hwm_growth_kib")}
    pr = {key: med(peer_report, key) for key in ("seconds", "bytes", "pages", "hwm_before_kib", "hwm_growth_kib")}
    kw = {key: med(keel_wrk, key) for key in ("p50_ms", "p99_ms", "rps")}
    pw = {key: med(peer_wrk, key) for key in ("p50_ms", "p99_ms", "rps")}
    csv_path = os.path.join(a.out, f"pdf-{today}.csv")
    with open(csv_path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["date", "nproc", "model", "commit", "benchmark", "server", "run", "seconds", "bytes", "pages",
                    "hwm_before_kib", "hwm_growth_kib", "p50_ms", "p99_ms", "rps", "non2xx"])
        for name, rows in (("keel", keel_report), ("fastapi", peer_report)):
            for i, r in enumerate(rows, 1):
                w.writerow([stamp, info["nproc"], info["model"], info["commit"], f"report_{a.rows}_rows", name, i,
                            f"{r['seconds']:.3f}", r["bytes"], r["pages"], r["hwm_before_kib"], r["hwm_growth_kib"],
                            "", "", "", ""])
        for name, rows in (("keel", keel_wrk), ("fastapi_pages1", peer_wrk)):
            for i, r in enumerate(rows, 1):
                w.writerow([stamp, info["nproc"], info["model"], info["commit"], "confirmation_wrk", name, i,
                            "", "", "", "", "", f"{r['p50_ms']:.2f}", f"{r['p99_ms']:.2f}", f"{r['rps']:.1f}",
                            r["non2xx"]])

    mib = lambda kib: kib / 1024.0  # noqa: E731
    md_path = os.path.join(a.out, f"pdf-{today}.md")
    with open(md_path, "w") as f:
        f.write(f"# PDF benchmarks — {stamp}\n\n")
        f.write(f"- machine: {info['nproc']} cores, {info['model']} (shared with other jobs; "
                f"load average at start {info['load'][0]:.2f})\n")
        f.write(f"- commit: {info['commit']}\n")
        f.write(f"- keel: {a.keel} (KEEL_PDF_CONCURRENCY=2, io threads = cores); "
                f"FastAPI peer: /work/shared/peers/fastapi_ref (1 uvicorn worker, reportlab)\n")
        f.write(f"- medians of {a.runs} runs (report: a fresh process of each server per run, runs alternating); "
                f"raw rows in {os.path.basename(csv_path)}\n\n")
        f.write(f"## Report of {a.rows:,} bookings\n\n")
        f.write("keel: `GET /api/admin/bookings/report.pdf` (rows from MariaDB in keyset batches of 500). "
                f"FastAPI: `GET /api/pdf?pages={a.rows // 40}` (40 rows a page: the same number of rows).\n\n")
        f.write("| | keel | FastAPI | ratio |\n|---|---|---|---|\n")
        f.write(f"| time (curl, total) | {kr['seconds']:.2f} s | {pr['seconds']:.2f} s | "
                f"FastAPI ÷ keel = {pr['seconds'] / kr['seconds']:.1f}× |\n")
        f.write(f"| size | {kr['bytes'] / 1048576:.2f} MiB | {pr['bytes'] / 1048576:.2f} MiB | "
                f"keel ÷ FastAPI = {kr['bytes'] / pr['bytes']:.2f}× |\n")
        f.write(f"| pages | {kr['pages']:.0f} | {pr['pages']:.0f} | |\n")
        f.write(f"| peak RSS growth (VmHWM after − before) | {mib(kr['hwm_growth_kib']):.1f} MiB | "
                f"{mib(pr['hwm_growth_kib']):.1f} MiB | FastAPI ÷ keel = {pr['hwm_growth_kib'] / max(kr['hwm_growth_kib'], 1):.1f}× |\n")
        f.write(f"| VmHWM before (fresh process) | {mib(kr['hwm_before_kib']):.1f} MiB | "
                f"{mib(pr['hwm_before_kib']):.1f} MiB | |\n\n")
        f.write("Per run (keel / FastAPI): " + "; ".join(
            f"{k_['seconds']:.2f} s {mib(k_['hwm_growth_kib']):.1f} MiB / {p_['seconds']:.2f} s "
            f"{mib(p_['hwm_growth_kib']):.1f} MiB" for k_, p_ in zip(keel_report, peer_report)) + "\n\n")
        f.write("keel's report page 1: `pdf-report-page1.png` (pdftoppm -r 60).\n\n")
        f.write(f"## Confirmation PDF under wrk (-t1 -c{a.wrk_conns} -d{a.wrk_seconds}s, {a.wrk_runs} runs)\n\n")
        f.write(f"keel: `GET /api/admin/bookings/{{id}}/pdf` (one page, {conf_size / 1024:.0f} KiB, fonts embedded). "
                f"For orientation only, FastAPI's one-page PDF `GET /api/pdf?pages=1` "
                f"({peer_size / 1024:.0f} KiB, a 40-row table, base-14 fonts): not the same document.\n\n")
        f.write("| | keel | FastAPI pages=1 |\n|---|---|---|\n")
        f.write(f"| p50 latency | {kw['p50_ms']:.1f} ms | {pw['p50_ms']:.1f} ms |\n")
        f.write(f"| p99 latency | {kw['p99_ms']:.1f} ms | {pw['p99_ms']:.1f} ms |\n")
        f.write(f"| requests/s | {kw['rps']:.0f} | {pw['rps']:.0f} |\n\n")
        f.write(f"keel's VmHWM growth over all wrk runs: {mib(k_wrk_growth):.1f} MiB; "
                f"non-2xx answers: {sum(r['non2xx'] for r in keel_wrk)}; "
                f"files left in KEEL_DATA_DIR/tmp afterwards: {len(k_tmp_left)}.\n")
    shutil.rmtree(work, ignore_errors=True)
    print(open(md_path).read())
    print(f"wrote {md_path}, {csv_path}, {png_base}.png")


if __name__ == "__main__":
    main()
