"""(d) Peak memory of the web process serving the N-member index (default 100k).

    python -m bench.memory [--n 100000] [--repeat 2] [--concurrency 4]

Starts the real site exactly as ``make run`` does (``flask --app wsgi serve``: waitress, 8
threads, background workers on) in a subprocess on a free port, with DATA_DIR pointing at the
bench data dir built by bench.generate (built first if missing). Then:

1. waits until ``GET /api/v1/members/search`` answers (the serve command warms the encoders and
   opens the index in the background; the time to the first answer is printed);
2. fires the query mix at the JSON API in every mode, ``--repeat`` times, from
   ``--concurrency`` client threads (anonymous callers, so public cards only);
3. samples the server's VmRSS every 0.2 s and reads its VmHWM (kernel-tracked peak RSS) at
   the end, then stops the server (SIGINT, then SIGTERM).

Printed: RSS after start-up (idle), peak RSS (target < 1.5 GB) and the HTTP latencies seen
by the clients (these include waitress and the network stack, and the client threads share
the 2 cores with the server).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench.common import MODEL_CACHE, MODES, OUT, QUERY_MIX, REPO, Timing, load, proc_rss_mb, record
from bench.generate import ensure_dataset

READY_TIMEOUT_S = 1200


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 60) -> tuple[int, dict[str, Any] | None]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - localhost
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, None


class Sampler(threading.Thread):
    """VmRSS of a process every ``every`` seconds; remembers the largest seen."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.max_rss = 0.0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            rss, _ = proc_rss_mb(self.pid)
            if rss == rss:  # not NaN
                self.max_rss = max(self.max_rss, rss)
            time.sleep(self.every)


def run(
    n: int = 100000, repeat: int = 2, concurrency: int = 4, build_threads: int | None = 1
) -> dict[str, Any]:
    data_dir = ensure_dataset(n, threads=build_threads)
    port = free_port()
    env = dict(
        os.environ,
        DATA_DIR=str(data_dir),
        MODEL_CACHE_DIR=str(MODEL_CACHE),
        DEMO_ON_FIRST_START="0",
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    )
    env.pop("SEARCH_BACKEND", None)
    env.pop("ELASTICSEARCH_URL", None)
    log_path = OUT / "logs" / f"memory-server-{n}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    base = f"http://127.0.0.1:{port}"
    cmd = [
        sys.executable,
        "-m",
        "flask",
        "--app",
        "wsgi",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--threads",
        "8",
    ]
    print(f"[memory] starting {' '.join(cmd[2:])} with DATA_DIR={data_dir} (load {load()}) ...", flush=True)
    started = time.perf_counter()
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, cwd=str(REPO), env=env, stdout=log, stderr=subprocess.STDOUT)
    sampler = Sampler(proc.pid)
    sampler.start()
    out: dict[str, Any] = {"members": n, "pid": proc.pid}
    try:
        ready_s = _wait_ready(proc, base, started)
        out["ready_s"] = round(ready_s, 1)
        time.sleep(1.0)
        rss, hwm = proc_rss_mb(proc.pid)
        out["rss_after_start_mb"] = round(rss, 1)
        out["peak_after_start_mb"] = round(hwm, 1)
        print(
            f"[memory] first search answered {ready_s:.1f} s after start; RSS {rss:.0f} MB"
            f" (peak so far {hwm:.0f} MB) · load {load()}",
            flush=True,
        )
        timings, errors = _fire(base, repeat, concurrency)
        rss, hwm = proc_rss_mb(proc.pid)
        out.update(
            {
                "rss_end_mb": round(rss, 1),
                "peak_rss_mb": round(max(hwm, sampler.max_rss), 1),
                "vm_hwm_mb": round(hwm, 1),
                "sampled_max_rss_mb": round(sampler.max_rss, 1),
                "http": {k: t.as_dict() for k, t in timings.items()},
                "errors": errors,
                "concurrency": concurrency,
                "load": load(),
            }
        )
    finally:
        sampler.stop.set()
        _stop(proc)
    print(
        f"[memory] {n:,} members: peak RSS {out['peak_rss_mb']:.0f} MB (target < 1536 MB); after start-up"
        f" {out['rss_after_start_mb']:.0f} MB, at the end {out['rss_end_mb']:.0f} MB · load {out['load']}"
    )
    for key, t in out["http"].items():
        print(
            f"    HTTP {key:8s} p50 {t['p50_ms']:7.1f} ms  p95 {t['p95_ms']:7.1f} ms  (n={t['n']},"
            f" {concurrency} clients)"
        )
    if errors:
        print(f"    {len(errors)} failed requests, e.g. {errors[:3]}")
    record("memory", str(n), out)
    return out


def _wait_ready(proc: subprocess.Popen, base: str, started: float) -> float:
    url = f"{base}/api/v1/members/search?q=fotograaf"
    while time.perf_counter() - started < READY_TIMEOUT_S:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}; see bench/out/logs/")
        try:
            status, body = _get(url, timeout=120)
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            time.sleep(0.5)
            continue
        if status == 200 and body is not None and not body.get("degraded"):
            return time.perf_counter() - started
        time.sleep(0.5)
    raise RuntimeError("the server did not answer a search in time")


def _fire(base: str, repeat: int, concurrency: int) -> tuple[dict[str, Timing], list[str]]:
    jobs = []
    for _ in range(repeat):
        for q in QUERY_MIX:
            for mode in MODES if q.kind != "browse" else ("hybrid",):
                jobs.append((q, mode))
    timings = {m: Timing() for m in MODES}
    timings["browse"] = Timing()
    errors: list[str] = []
    lock = threading.Lock()

    def one(job: tuple[Any, str]) -> None:
        q, mode = job
        url = f"{base}/api/v1/members/search?" + urllib.parse.urlencode({**q.params, "mode": mode})
        t = time.perf_counter()
        try:
            status, body = _get(url)
        except (urllib.error.URLError, OSError) as exc:
            status, body = -1, {"error": str(exc)}
        ms = (time.perf_counter() - t) * 1000
        with lock:
            if status != 200 or body is None or body.get("degraded"):
                errors.append(f"{status} {q.params} {mode}")
            else:
                timings["browse" if q.kind == "browse" else mode].add(ms)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, jobs))
    return timings, errors


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main(argv: list[str] | None = None) -> int:
    from bench.common import encoder_threads_arg

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=100000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument(
        "--build-threads",
        type=encoder_threads_arg,
        default=1,
        help="encoder threads for building a missing index (default 1)",
    )
    args = parser.parse_args(argv)
    run(args.n, args.repeat, args.concurrency, args.build_threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
