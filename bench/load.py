"""`closer-tone serve` under load, on loopback: python bench/load.py [--clients 16] [--requests 20000]

Starts `closer-tone serve --port <free port>` (the installed command beside this Python) on 127.0.0.1, waits
for GET /v1/health, then sends `--requests` requests from `--clients` concurrent clients (httpx, one pool with a
keep-alive connection per client). The requests are drawn with a fixed seed from data/statements.jsonl and
data/fresh.jsonl ("text"):

- analyze line    POST /v1/analyze with one closing line (most requests)            expect 200
- analyze close   POST /v1/analyze with a short close of 2-4 statements               expect 200
- scan            POST /v1/scan with 5-20 texts                                        expect 200
- malformed       bad JSON, not UTF-8, not a JSON object, a missing or extra field,
                  a non-string text, a non-string in texts, a body not sent as JSON    expect 422
- oversize        a body over 256 KB, with Content-Length or chunked                   expect 413
- health          GET /v1/health                                                       expect 200

It reports requests/s, latency p50/p99/max overall, per kind and for every /v1/analyze request, the count of
each (kind, status) with the expected ones marked, the server's resident memory (VmRSS from /proc/<pid>/status)
after warm-up (the first 500 answers, or a tenth of a smaller run) and at the end with its growth (target: at
most 10 %), and the machine. A 200 must also have the documented shape (a label per text, results in order).

Exit status 1 if any answer was unexpected (a status other than the one expected, a 200 of the wrong shape, a
connection error or timeout), if memory grew by more than 10 %, or if the server died; 0 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
COMMAND = str(Path(sys.executable).with_name("closer-tone"))
SEED = 20251126
MAX_BODY = 256 * 1024
WARM_UP = 500
GROWTH_LIMIT = 10.0  # per cent
EXPECTED = {"analyze line": 200, "analyze close": 200, "scan": 200, "malformed": 422, "oversize": 413, "health": 200}
MIX = [("analyze line", 0.70), ("analyze close", 0.12), ("scan", 0.08), ("malformed", 0.05), ("oversize", 0.03)]
MIX += [("health", 1.0 - sum(share for _, share in MIX))]


@dataclass
class Planned:
    kind: str
    method: str
    path: str
    body: bytes | None = None
    chunked: bool = False
    content_type: str = "application/json"
    texts: int = 0  # how many results a 200 must carry


@dataclass
class Outcome:
    kind: str
    path: str
    status: int | str  # the HTTP status, or the name of the client-side error
    seconds: float
    problem: str | None = None


@dataclass
class Run:
    outcomes: list[Outcome] = field(default_factory=list)
    rss_warm: int | None = None
    rss_peak: int = 0


def corpus() -> list[str]:
    texts = []
    for name in ("statements.jsonl", "fresh.jsonl"):
        with open(ROOT / "data" / name, encoding="utf-8") as lines:
            texts += [json.loads(line)["text"] for line in lines if line.strip()]
    return texts


def plan(count: int, rng: random.Random) -> list[Planned]:
    texts = corpus()
    oversize = json.dumps({"text": "I look forward to hearing from you. " * (MAX_BODY // 36 + 1000)}).encode()
    assert len(oversize) > MAX_BODY
    malformed: list[tuple[bytes, str, str]] = [
        (b'{"text": "Thanks for your time', "/v1/analyze", "application/json"),  # bad JSON
        (b'{"text": "caf\xe9 chat"}', "/v1/analyze", "application/json"),  # not UTF-8
        (b'["Thanks for your time."]', "/v1/analyze", "application/json"),  # not an object
        (b'{"txt": "Thanks for your time."}', "/v1/analyze", "application/json"),  # missing field
        (b'{"text": "Thanks.", "lang": "en"}', "/v1/analyze", "application/json"),  # extra field
        (b'{"text": 42}', "/v1/analyze", "application/json"),  # non-string text
        (b'{"text": null}', "/v1/analyze", "application/json"),
        (b'{"texts": ["Thanks.", 7]}', "/v1/scan", "application/json"),  # non-string in texts
        (b'{"texts": "Thanks."}', "/v1/scan", "application/json"),
        (b'{"text": "Thanks for your time."}', "/v1/analyze", "text/plain"),  # not sent as JSON
        (b"", "/v1/scan", "application/json"),
    ]
    kinds, weights = zip(*MIX, strict=True)
    planned = []
    for kind in rng.choices(kinds, weights, k=count):
        if kind == "analyze line":
            body = {"text": rng.choice(texts)}
            planned.append(Planned(kind, "POST", "/v1/analyze", json.dumps(body).encode(), texts=1))
        elif kind == "analyze close":
            body = {"text": " ".join(rng.sample(texts, rng.randint(2, 4)))}
            planned.append(Planned(kind, "POST", "/v1/analyze", json.dumps(body).encode(), texts=1))
        elif kind == "scan":
            batch = rng.sample(texts, rng.randint(5, 20))
            planned.append(Planned(kind, "POST", "/v1/scan", json.dumps({"texts": batch}).encode(), texts=len(batch)))
        elif kind == "malformed":
            body, path, content_type = rng.choice(malformed)
            planned.append(Planned(kind, "POST", path, body, content_type=content_type))
        elif kind == "oversize":
            path = rng.choice(["/v1/analyze", "/v1/scan"])
            planned.append(Planned(kind, "POST", path, oversize, chunked=rng.random() < 0.5))
        else:
            planned.append(Planned(kind, "GET", "/v1/health"))
    return planned


def shape_problem(item: Planned, response: httpx.Response) -> str | None:
    """Why a 200 is not the documented answer, or None."""
    try:
        answer = response.json()
    except ValueError:
        return "a 200 that is not JSON"
    if item.kind == "health":
        return None if answer.get("status") == "ok" else "health without status ok"
    results = answer["results"] if item.path == "/v1/scan" else [answer]
    if len(results) != item.texts:
        return f"{len(results)} results for {item.texts} texts"
    sent = json.loads(item.body or b"{}")
    texts = sent["texts"] if item.path == "/v1/scan" else [sent["text"]]
    if [result.get("text") for result in results] != texts:
        return "results not in the order sent"
    if any("label" not in result or "sentences" not in result for result in results):
        return "a result without label or sentences"
    return None


async def chunks(body: bytes, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


async def send(client: httpx.AsyncClient, item: Planned) -> Outcome:
    headers = {"content-type": item.content_type} if item.body is not None else {}
    content = chunks(item.body) if item.chunked and item.body is not None else item.body
    started = time.perf_counter()
    try:
        response = await client.request(item.method, item.path, content=content, headers=headers)
    except httpx.HTTPError as error:
        return Outcome(item.kind, item.path, type(error).__name__, time.perf_counter() - started, str(error))
    seconds = time.perf_counter() - started
    problem = shape_problem(item, response) if response.status_code == 200 else None
    return Outcome(item.kind, item.path, response.status_code, seconds, problem)


def rss(pid: int) -> int:
    """Resident set size in bytes, from /proc/<pid>/status."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


async def drive(base: str, pid: int, planned: list[Planned], clients: int, warm_up: int) -> Run:
    run = Run()
    queue = iter(planned)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    timeout = httpx.Timeout(120.0)

    async def worker(client: httpx.AsyncClient) -> None:
        for item in queue:  # one shared iterator: each item is taken once
            run.outcomes.append(await send(client, item))
            if len(run.outcomes) == warm_up and run.rss_warm is None:
                run.rss_warm = rss(pid)
            if len(run.outcomes) % 100 == 0:
                run.rss_peak = max(run.rss_peak, rss(pid))
            if len(run.outcomes) % 2000 == 0:
                print(f"  {len(run.outcomes)} / {len(planned)} answered", file=sys.stderr, flush=True)

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout) as client:
        await asyncio.gather(*(worker(client) for _ in range(clients)))
    return run


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_healthy(base: str, server: subprocess.Popen[bytes], seconds: float = 180.0) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        if server.poll() is not None:
            raise SystemExit(f"closer-tone serve exited with status {server.returncode} before it answered")
        try:
            if httpx.get(f"{base}/v1/health", timeout=2.0).status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"closer-tone serve did not answer /v1/health within {seconds:.0f} s")


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = " ".join(f"{figure:.2f}" for figure in os.getloadavg())
    return f"{model}, {cores} cores usable ({os.cpu_count()} online); Python {platform.python_version()}; load {load}"


def quantile(seconds: list[float], q: float) -> float:
    ordered = sorted(seconds)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def latency_line(name: str, seconds: list[float]) -> str:
    if not seconds:
        return f"  {name:<24} {0:>6}"
    p50, p99 = quantile(seconds, 0.50) * 1000, quantile(seconds, 0.99) * 1000
    return f"  {name:<24} {len(seconds):>6}  p50 {p50:8.1f} ms  p99 {p99:8.1f} ms  max {max(seconds) * 1000:8.1f} ms"


def report(run: Run, wall: float, rss_end: int, alive: bool, clients: int) -> int:
    outcomes = run.outcomes
    print(f"{len(outcomes)} requests from {clients} clients in {wall:.1f} s: {len(outcomes) / wall:.1f} requests/s")
    print("latency (client-side, queueing on the server included):")
    print(latency_line("all", [o.seconds for o in outcomes]))
    print(latency_line("POST /v1/analyze", [o.seconds for o in outcomes if o.path == "/v1/analyze"]))
    by_kind: dict[str, list[float]] = defaultdict(list)
    for outcome in outcomes:
        by_kind[outcome.kind].append(outcome.seconds)
    for kind in EXPECTED:
        print(latency_line(kind, by_kind[kind]))

    print("answers (kind, status):")
    errors = 0
    for (kind, status), count in sorted(Counter((o.kind, o.status) for o in outcomes).items(), key=str):
        expected = status == EXPECTED[kind]
        errors += 0 if expected else count
        print(f"  {kind:<16} {status!s:<22} {count:>6}  {'expected' if expected else 'UNEXPECTED'}")
    misshapen = [o for o in outcomes if o.problem and o.status == 200]
    for problem, count in Counter(o.problem for o in misshapen).items():
        print(f"  200 of the wrong shape: {problem}: {count}  UNEXPECTED")
    errors += len(misshapen)
    for outcome in [o for o in outcomes if isinstance(o.status, str)][:5]:
        print(f"  e.g. {outcome.kind} {outcome.path}: {outcome.status}: {outcome.problem}")
    print(f"unexpected answers: {errors}")

    mib = 1024 * 1024
    warm = run.rss_warm or rss_end
    growth = (rss_end - warm) / warm * 100
    verdict = "met" if growth <= GROWTH_LIMIT else "NOT MET"
    print(
        f"server resident memory: {warm / mib:.1f} MiB after warm-up, {rss_end / mib:.1f} MiB at the end "
        f"(peak seen {max(run.rss_peak, rss_end) / mib:.1f} MiB): growth {growth:+.1f} % "
        f"(target <= {GROWTH_LIMIT:.0f} %: {verdict})"
    )
    print(f"server still running at the end: {'yes' if alive else 'NO'}")
    return 1 if errors or growth > GROWTH_LIMIT or not alive else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--requests", type=int, default=20_000, help="requests in all (default 20,000)")
    parser.add_argument("--seed", type=int, default=SEED, help="seed for the requests drawn")
    args = parser.parse_args()
    if args.clients < 1 or args.requests < 1:
        parser.error("--clients and --requests must be positive")

    print(f"machine: {machine()}")
    planned = plan(args.requests, random.Random(args.seed))
    print(
        f"plan: {args.requests} requests, seed {args.seed}: "
        + ", ".join(f"{k} {v}" for k, v in sorted(Counter(item.kind for item in planned).items()))
    )
    warm_up = min(WARM_UP, max(1, args.requests // 10))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(
            [COMMAND, "serve", "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, stdout=log, stderr=log
        )
        try:
            print(f"closer-tone serve (pid {server.pid}) answered /v1/health after {wait_healthy(base, server):.1f} s")
            print(f"server resident memory before load: {rss(server.pid) / 1024 / 1024:.1f} MiB")
            started = time.perf_counter()
            run = asyncio.run(drive(base, server.pid, planned, args.clients, warm_up))
            wall = time.perf_counter() - started
            alive = server.poll() is None
            rss_end = rss(server.pid) if alive else 0
            status = report(run, wall, rss_end, alive, args.clients)
        finally:
            if server.poll() is None:
                server.send_signal(signal.SIGINT)
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
        log.seek(0)
        lines = log.read().decode("utf-8", "replace").splitlines()
        logged_errors = [line for line in lines if "ERROR" in line or "Traceback" in line]
        print(f"server log: {len(lines)} lines, {len(logged_errors)} with ERROR or a traceback")
        for line in logged_errors[:10]:
            print(f"  {line}")
        if logged_errors:
            status = 1
    print("result: " + ("PASS" if status == 0 else "FAIL"))
    return status


if __name__ == "__main__":
    sys.exit(main())
