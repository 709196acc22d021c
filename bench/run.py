#!/usr/bin/env python3
"""presskit's benchmark: every path side by side, in the same run, on the same machine.

Absolute seconds vary from machine to machine; ratios measured side by side do not (much), so
every figure is also given against the naive pipeline (`pandoc --filter identity.py -s`, then
the `weasyprint` CLI), run in the same session. Usage: `make bench` or
`python bench/run.py [--sample POST] [--corpus DIR] [--repeat 5] [--quick]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
IDENTITY = ROOT / "bench" / "identity_filter.py"
RESULTS = ROOT / "bench" / "results"
DEFAULT_SAMPLE = ROOT / "examples/content/zh/blog/2023/istio-graduates-within-cncf/index.md"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "istio"
DEFAULT_CONFIG = ROOT / "examples" / "presskit.toml"


def pandoc_path() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{Path(pandoc_path()).parent}{os.pathsep}{env['PATH']}"
    return env


class PeakMemory:
    """Highest resident set size of every process below `root_pid`, polled from /proc."""

    def __init__(self, root_pid: int) -> None:
        self.root_pid = root_pid
        self.peaks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _children(self) -> dict[int, int]:
        parents: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        below = {self.root_pid}
        changed = True
        while changed:
            changed = False
            for pid, ppid in parents.items():
                if ppid in below and pid not in below:
                    below.add(pid)
                    changed = True
        return {pid: parents.get(pid, 0) for pid in below}

    def _poll(self) -> None:
        while not self._stop.wait(0.05):
            for pid in self._children():
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        kib = int(line.split()[1])
                        self.peaks[pid] = max(self.peaks.get(pid, 0), kib)

    def largest_mb(self) -> float:
        return max(self.peaks.values(), default=0) / 1024


@dataclass
class Measure:
    name: str
    group: str
    runs: list[float] = field(default_factory=list)
    note: str = ""
    pdf_bytes: int | None = None
    peak_mb: float | None = None
    failures: int = 0

    @property
    def median(self) -> float | None:
        return statistics.median(self.runs) if self.runs else None


def timed(
    command: list[str], *, env: dict[str, str], cwd: Path | None = None
) -> tuple[float, bool]:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, check=False)
    return time.perf_counter() - start, done.returncode == 0


def repeat(measure: Measure, times: int, once: Callable[[], tuple[float, bool]]) -> Measure:
    for _ in range(times):
        seconds, ok = once()
        measure.runs.append(seconds)
        measure.failures += 0 if ok else 1
    return measure


def corpus_posts(corpus: Path, quick: bool) -> list[Path]:
    posts = sorted(p for p in corpus.rglob("*.md") if p.name != "README.md")
    posts = [p for p in posts if p.name != "_index.md"]
    return posts[::6] if quick else posts


def sample_cases(sample: Path, work: Path, env: dict[str, str], n: int) -> list[Measure]:
    pandoc = pandoc_path()
    html, pdf = work / "naive.html", work / "naive.pdf"

    def naive() -> tuple[float, bool]:
        a, ok1 = timed(
            [pandoc, str(sample), "-s", "--filter", str(IDENTITY), "-o", str(html)], env=env
        )
        b, ok2 = timed([str(BIN / "weasyprint"), str(html), str(pdf)], env=env)
        return a + b, ok1 and ok2

    engine_pdf = work / "engine.pdf"
    own_pdf = work / "presskit.pdf"
    cases = [
        (Measure("naive: pandoc --filter identity -s, then weasyprint", "sample"), naive, pdf),
        (
            Measure("pandoc --pdf-engine=weasyprint", "sample"),
            lambda: timed(
                [pandoc, str(sample), "--pdf-engine=weasyprint", "-o", str(engine_pdf)], env=env
            ),
            engine_pdf,
        ),
        (
            Measure("presskit render (cold process)", "sample"),
            lambda: timed(
                [
                    str(BIN / "presskit"),
                    "render",
                    str(sample),
                    "--config",
                    str(DEFAULT_CONFIG),
                    "-o",
                    str(own_pdf),
                ],
                env=env,
            ),
            own_pdf,
        ),
    ]
    out = []
    for measure, once, target in cases:
        repeat(measure, n, once)
        measure.pdf_bytes = target.stat().st_size if target.exists() else None
        out.append(measure)
    return out


def filter_cases(sample: Path, env: dict[str, str], n: int) -> list[Measure]:
    pandoc = pandoc_path()
    base = [pandoc, str(sample), "-f", "commonmark_x", "-t", "html"]
    return [
        repeat(Measure("pandoc md→html alone", "filter"), n, lambda: timed(base, env=env)),
        repeat(
            Measure("pandoc + identity panflute filter", "filter"),
            n,
            lambda: timed([*base, "--filter", str(IDENTITY)], env=env),
        ),
        repeat(
            Measure("pandoc + presskit-filter", "filter"),
            n,
            lambda: timed([*base, "--filter", str(BIN / "presskit-filter")], env=env),
        ),
    ]


def corpus_cases(
    corpus: Path, work: Path, env: dict[str, str], quick: bool, jobs: int
) -> list[Measure]:
    posts = corpus_posts(corpus, quick)
    pandoc = pandoc_path()
    label = f"{len(posts)} posts"
    naive = Measure(f"naive per file ({label})", "corpus")
    total = 0.0
    for post in posts:
        html = work / "n.html"
        a, ok1 = timed(
            [pandoc, str(post), "-s", "--filter", str(IDENTITY), "-o", str(html)], env=env
        )
        b, ok2 = timed([str(BIN / "weasyprint"), str(html), str(work / "n.pdf")], env=env)
        total += a + b
        naive.failures += 0 if ok1 and ok2 else 1
    naive.runs.append(total)

    per_file = Measure(f"presskit render per file ({label})", "corpus")
    total = 0.0
    for post in posts:
        seconds, ok = timed(
            [str(BIN / "presskit"), "render", str(post), "--offline", "-o", str(work / "r.pdf")],
            env=env,
        )
        total += seconds
        per_file.failures += 0 if ok else 1
    per_file.runs.append(total)
    out = [naive, per_file]

    has_build = (
        subprocess.run(
            [str(BIN / "presskit"), "build", "--help"], env=env, capture_output=True, check=False
        ).returncode
        == 0
    )
    if not has_build:
        out.append(Measure("presskit build", "corpus", note="not available in this version"))
        return out
    source = work / "corpus"
    if not source.exists():
        source.mkdir()
        for post in posts:
            target = source / post.relative_to(corpus)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(post, target)
    for n_jobs in sorted({1, jobs}):
        measure = Measure(f"presskit build --jobs {n_jobs} ({label})", "corpus")
        outdir = work / f"out-{n_jobs}"
        command = [
            str(BIN / "presskit"),
            "build",
            str(source),
            "-o",
            str(outdir),
            "--offline",
            "--force",
            "--quiet",
            "--jobs",
            str(n_jobs),
        ]
        start = time.perf_counter()
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        with PeakMemory(process.pid) as memory:
            process.wait()
        measure.runs.append(time.perf_counter() - start)
        measure.peak_mb = round(memory.largest_mb(), 1)
        measure.note = f"exit {process.returncode}"
        out.append(measure)
        if n_jobs == jobs:
            again = Measure(f"presskit build, no-change rebuild ({label})", "corpus")
            seconds, _ok = timed([c for c in command if c != "--force"], env=env)
            again.runs.append(seconds)
            out.append(again)
    return out


def table(measures: list[Measure], baseline: dict[str, float]) -> str:
    lines = [
        "| group | path | median s | × naive | runs | peak MB/worker | PDF KiB | note |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for m in measures:
        base = baseline.get(m.group)
        ratio = f"{base / m.median:.2f}×" if base and m.median else ""
        pdf = f"{m.pdf_bytes / 1024:.0f}" if m.pdf_bytes else ""
        peak = f"{m.peak_mb:.0f}" if m.peak_mb else ""
        note = m.note + (f" ({m.failures} failed)" if m.failures else "")
        median = f"{m.median:.3f}" if m.median is not None else ""
        lines.append(
            f"| {m.group} | {m.name} | {median} | {ratio} | {len(m.runs)} | {peak} "
            f"| {pdf} | {note.strip()} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=Path, default=DEFAULT_SAMPLE)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--quick", action="store_true", help="every 6th corpus post, 3 repeats")
    parser.add_argument("--no-corpus", action="store_true")
    args = parser.parse_args()
    n = 3 if args.quick else args.repeat
    env = environment()
    with tempfile.TemporaryDirectory(prefix="presskit-bench-") as tmp:
        work = Path(tmp)
        measures = sample_cases(args.sample, work, env, n) + filter_cases(args.sample, env, n)
        if not args.no_corpus and args.corpus.is_dir():
            measures += corpus_cases(args.corpus, work, env, args.quick, args.jobs)
    baseline = {}
    for m in measures:
        if m.name.startswith("naive") and m.median:
            baseline[m.group] = m.median
    filter_base = next(
        (m.median for m in measures if m.group == "filter" and "identity" in m.name), None
    )
    if filter_base:
        baseline["filter"] = filter_base
    text = table(measures, baseline)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H%M%SZ")
    header = (
        f"presskit benchmark {stamp} — {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; ratios: naive ÷ path (higher is faster); "
        f"filter rows against the identity filter"
    )
    print(header)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    payload = {
        "when": stamp,
        "cores": os.cpu_count(),
        "quick": args.quick,
        "measures": [asdict(m) | {"median": m.median} for m in measures],
    }
    (RESULTS / "latest.json").write_text(
        json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (RESULTS / "latest.md").write_text(f"{header}\n\n{text}\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
