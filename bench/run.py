#!/usr/bin/env python3
"""presskit's benchmark: every path side by side, in the same run, on the same machine.

Absolute seconds vary from machine to machine (and with whatever else the machine runs);
ratios measured side by side, interleaved run by run, vary much less. So every row is also
given against the naive pipeline — `pandoc --filter identity.py -s`, then the `weasyprint`
CLI — measured in the same session on the same posts, and the issue's targets are checked
against those ratios.

    make bench                                   # sample + 16 corpus posts
    python bench/run.py --readme                 # also update README.md's results
    python bench/run.py --full                   # the whole corpus (minutes: the naive
                                                 #   pipeline costs ~1.5 s a post)
    python bench/run.py --quick                  # 3 repeats, 6 corpus posts
    python bench/run.py --corpus PATH --limit 30 --jobs 2

Peak memory is the largest resident set of any process of a run (the process and everything
it waited for: workers, pandoc), read from `wait4`, so polling costs the run nothing.
Rows for `presskit build` are skipped, with a note, while `presskit build --help` fails.
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
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
IDENTITY = ROOT / "bench" / "identity_filter.py"
RESULTS = ROOT / "bench" / "results"
DEFAULT_SAMPLE = ROOT / "examples/content/zh/blog/2023/istio-graduates-within-cncf/index.md"
DEFAULT_CONFIG = ROOT / "examples" / "presskit.toml"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "istio"
if not DEFAULT_CORPUS.is_dir():  # a worktree sits one level deeper than the main checkout
    DEFAULT_CORPUS = ROOT.parent.parent / "shared" / "corpus" / "istio"


@dataclass
class Targets:
    """The issue's targets, in one place: the bench prints whether each one holds."""

    build_speedup: float = 6.0  # presskit build, 2 jobs, vs naive per file, same posts
    render_vs_naive: float = 1.0  # presskit render cold: at least as fast as naive
    rebuild_fraction: float = 0.05  # no-change rebuild / first build
    filter_vs_identity: float = 1.25  # presskit-filter / identity panflute filter
    worker_mb: float = 400.0
    dask_vs_local: float = 0.85  # build --executor dask-local, 2 workers, vs the local pool's 2
    sample_pdf_bytes: int = 300_000


@dataclass
class Run:
    seconds: float
    ok: bool
    peak_mb: float
    cpu: float = 0.0  # user + system seconds of the process and what it waited for


@dataclass
class Row:
    group: str
    name: str
    posts: int = 1
    runs: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    peak_mb: float | None = None
    pdf_bytes: list[int] = field(default_factory=list)
    failures: int = 0
    note: str = ""
    baseline: bool = False

    @property
    def median(self) -> float | None:
        return statistics.median(self.runs) if self.runs else None

    @property
    def median_cpu(self) -> float | None:
        return statistics.median(self.cpu) if self.cpu else None

    @property
    def pdf_kib(self) -> float | None:
        return statistics.mean(self.pdf_bytes) / 1024 if self.pdf_bytes else None

    def add(self, run: Run) -> None:
        self.runs.append(run.seconds)
        self.cpu.append(run.cpu)
        self.failures += 0 if run.ok else 1
        self.peak_mb = max(self.peak_mb or 0.0, run.peak_mb)


@cache
def pandoc_path() -> str:
    """pypandoc's pandoc; its search runs `pandoc --version` per candidate, so once a run."""
    import pypandoc

    return pypandoc.get_pandoc_path()


def precompile() -> None:
    """Bytecode for presskit's own modules, as `pip install` of the wheel leaves it.

    An editable checkout has none, and with PYTHONDONTWRITEBYTECODE set (as on CI machines)
    every presskit process would compile its sources again: 20-30 ms that an installed
    presskit never pays, while the dependencies it is compared with come precompiled.
    """
    import compileall

    for folder in (ROOT / "presskit",):
        compileall.compile_dir(folder, quiet=1)


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{Path(pandoc_path()).parent}{os.pathsep}{env['PATH']}"
    return env


ENV: dict[str, str] = {}


def run(command: Sequence[str | Path], *, stdin: Path | None = None) -> Run:
    """One process, timed wall-clock; peak RSS of it and its descendants from wait4."""
    with open(stdin or os.devnull, "rb") as source:
        start = time.perf_counter()
        process = subprocess.Popen(
            [str(c) for c in command],
            env=ENV,
            stdin=source,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, process.returncode == 0, usage.ru_maxrss / 1024, cpu)


def chain(*steps: Callable[[], Run]) -> Run:
    return total([step() for step in steps])


def size_of(path: Path) -> int | None:
    return path.stat().st_size if path.is_file() else None


# -- the paths being compared ------------------------------------------------------------------


def naive(post: Path, work: Path) -> Run:
    html, pdf = work / "naive.html", work / "naive.pdf"
    return chain(
        lambda: run([pandoc_path(), post, "-s", "--filter", IDENTITY, "-o", html]),
        lambda: run([BIN / "weasyprint", html, pdf]),
    )


def pdf_engine(post: Path, work: Path) -> Run:
    return run([pandoc_path(), post, "--pdf-engine=weasyprint", "-o", work / "engine.pdf"])


def presskit_render(post: Path, work: Path, config: Path | None) -> Run:
    options = ["--config", config] if config else []
    return run([BIN / "presskit", "render", post, *options, "--offline", "-o", work / "pk.pdf"])


def has_build() -> bool:
    done = subprocess.run(
        [BIN / "presskit", "build", "--help"], env=ENV, capture_output=True, check=False
    )
    return done.returncode == 0


# -- groups ------------------------------------------------------------------------------------


def interleaved(rows: list[tuple[Row, Callable[[], Run], Path | None]], times: int) -> None:
    """Run every path once per round, so a slow minute on the machine hits them all alike."""
    for _ in range(times):
        for row, once, output in rows:
            row.add(once())
            size = size_of(output) if output else None
            if size:
                row.pdf_bytes = [size]


def sample_group(sample: Path, config: Path | None, work: Path, times: int) -> list[Row]:
    rows = [
        (
            Row("sample", "naive: pandoc --filter identity -s, then weasyprint", baseline=True),
            lambda: naive(sample, work),
            work / "naive.pdf",
        ),
        (
            Row("sample", "pandoc --pdf-engine=weasyprint"),
            lambda: pdf_engine(sample, work),
            work / "engine.pdf",
        ),
        (
            Row("sample", "presskit render (cold process)"),
            lambda: presskit_render(sample, work, config),
            work / "pk.pdf",
        ),
    ]
    interleaved(rows, times)
    return [row for row, _, _ in rows]


def filter_group(sample: Path, work: Path, times: int) -> list[Row]:
    """The filter alone: markdown → HTML through pandoc, with each filter (or none)."""
    body = work / "body.md"
    body.write_text(strip_front_matter(sample.read_text(encoding="utf-8")), encoding="utf-8")
    base = [pandoc_path(), body, "-f", "commonmark_x", "-t", "html"]
    rows = [
        (Row("filter", "pandoc md→html alone"), lambda: run(base), None),
        (
            Row("filter", "pandoc + identity panflute filter", baseline=True),
            lambda: run([*base, "--filter", IDENTITY]),
            None,
        ),
        (
            Row("filter", "pandoc + presskit-filter"),
            lambda: run([*base, "--filter", BIN / "presskit-filter"]),
            None,
        ),
    ]
    interleaved(rows, times)
    return [row for row, _, _ in rows]


def strip_front_matter(text: str) -> str:
    for fence in ("---", "+++"):
        if text.startswith(fence + "\n"):
            end = text.find("\n" + fence, len(fence))
            if end != -1:
                return text[end + len(fence) + 1 :].lstrip("\n")
    return text


def corpus_posts(corpus: Path, limit: int | None) -> list[Path]:
    """Posts spread evenly over the sorted corpus (both languages, all years)."""
    posts = sorted(p for p in corpus.rglob("*.md") if p.name not in ("README.md", "_index.md"))
    if limit is None or limit >= len(posts):
        return posts
    step = len(posts) / limit
    return [posts[int(i * step)] for i in range(limit)]


def total(results: list[Run]) -> Run:
    return Run(
        sum(r.seconds for r in results),
        all(r.ok for r in results),
        max((r.peak_mb for r in results), default=0.0),
        sum(r.cpu for r in results),
    )


def copy_posts(posts: list[Path], corpus: Path, target: Path) -> list[Path]:
    """The chosen posts (with their bundle's resources) in a tree of their own.

    Every path then works on the same files, and `presskit build` gets one folder that
    mirrors the corpus (zh/… and en/… posts share bundle names).
    """
    copies = []
    for post in posts:
        copy = target / post.relative_to(corpus)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(post, copy)
        if post.name == "index.md":  # a page bundle: its images and data go along
            for resource in post.parent.iterdir():
                if resource.is_file() and resource.suffix != ".md":
                    shutil.copy2(resource, copy.parent / resource.name)
        copies.append(copy)
    return copies


def forced_builds(label: str, command: list, outdir: Path, n: int, times: int) -> Row:
    """`times` full builds (`--force`) of the corpus rows, with the PDFs they wrote."""
    return paired_builds([(label, command, outdir)], n, times, at_least=1)[0]


def counted(row: Row, outdir: Path, n: int) -> Row:
    pdfs = sorted(outdir.rglob("*.pdf"))
    row.pdf_bytes = [p.stat().st_size for p in pdfs]
    if len(pdfs) != n:
        row.note = f"{len(pdfs)} PDFs for {n} posts"
    return row


PAIRED = 3  # at least this many runs of each of two builds whose ratio is a target


def paired_builds(
    builds: list[tuple[str, list, Path]], n: int, times: int, *, at_least: int = PAIRED
) -> list[Row]:
    """Full builds (`--force`) run in turn (a, b, a, b …), `times` times each and at least
    `at_least`: the ratio of two executors' builds is a target, and one run each put it on
    either side of the line as the machine's load drifted between them."""
    rows = [Row("corpus", label, posts=n) for label, _, _ in builds]
    for _ in range(max(times, at_least)):
        for row, (_, command, _) in zip(rows, builds, strict=True):
            row.add(run([*command, "--force"]))
    return [counted(row, outdir, n) for row, (_, _, outdir) in zip(rows, builds, strict=True)]


def corpus_group(
    source: Path, posts: list[Path], work: Path, times: int, jobs: int, config: Path | None
) -> list[Row]:
    n = len(posts)
    paths: list[tuple[Row, Callable[[Path], Run], Path]] = [
        (
            Row("corpus", "naive per file", posts=n, baseline=True),
            lambda p: naive(p, work),
            work / "naive.pdf",
        ),
        (
            Row("corpus", "pandoc --pdf-engine=weasyprint per file", posts=n),
            lambda p: pdf_engine(p, work),
            work / "engine.pdf",
        ),
        (
            Row("corpus", "presskit render per file (cold processes)", posts=n),
            lambda p: presskit_render(p, work, config),
            work / "pk.pdf",
        ),
    ]
    for _ in range(times):
        results: dict[int, list[Run]] = {id(row): [] for row, _, _ in paths}
        for post in posts:  # post by post, every path in turn: load drift hits all alike
            for row, once, pdf in paths:
                result = once(post)
                results[id(row)].append(result)
                row.failures += 0 if result.ok else 1
                if result.ok and (size := size_of(pdf)):
                    row.pdf_bytes.append(size)
        for row, _, _ in paths:
            summed = total(results[id(row)])
            row.runs.append(summed.seconds)
            row.cpu.append(summed.cpu)
            row.peak_mb = max(row.peak_mb or 0.0, summed.peak_mb)
    rows = [row for row, _, _ in paths]

    job_counts = sorted({1, 2, jobs})
    if not has_build():
        note = "skipped: `presskit build --help` fails in this version"
        rows += [
            Row("corpus", f"presskit build --jobs {j}", posts=n, note=note) for j in job_counts
        ]
        rows.append(Row("corpus", "presskit build, no-change rebuild", posts=n, note=note))
        return rows
    options = ["--config", config] if config else []
    dask: tuple[str, list, Path] | None = None
    dask_row: Row | None = None
    if has_dask():
        # The same posts through a Dask LocalCluster of 2 workers (its start-up included, as
        # the local pool's is): what shipping posts and PDFs as bytes costs. Run in turn with
        # the local pool's 2-job build: their ratio is the target.
        outdir = work / "build-dask"
        command = [BIN / "presskit", "build", source, "-o", outdir, *options]
        command += ["--offline", "--quiet", "--jobs", "2", "--executor", "dask-local"]
        dask = ("presskit build --jobs 2 --executor dask-local", command, outdir)
    for j in job_counts:
        outdir = work / f"build-{j}"
        command = [BIN / "presskit", "build", source, "-o", outdir, *options]
        command += ["--offline", "--quiet", "--jobs", str(j)]
        label = f"presskit build --jobs {j}"
        if j == 2 and dask is not None:
            local_row, dask_row = paired_builds([(label, command, outdir), dask], n, times)
            rows.append(local_row)
        else:
            rows.append(forced_builds(label, command, outdir, n, times))
        if j == jobs:
            again = Row("corpus", f"presskit build --jobs {j}, no-change rebuild", posts=n)
            for _ in range(times):
                again.add(run(command))
            rows.append(again)
    if dask_row is not None:
        rows.append(dask_row)
    return rows


def has_dask() -> bool:
    done = subprocess.run(
        [sys.executable, "-c", "import distributed"], capture_output=True, check=False
    )
    return done.returncode == 0


# -- report ------------------------------------------------------------------------------------


def ratios(rows: list[Row]) -> dict[int, float]:
    """Baseline time ÷ row time, within each group (higher is faster)."""
    base = {r.group: r.median for r in rows if r.baseline and r.median}
    return {id(r): base[r.group] / r.median for r in rows if r.median and base.get(r.group)}


def failed(row: Row) -> str:
    """Failures in one run (a per-file row counts failed posts, a build row failed builds),
    not summed over the row's runs: the same broken post fails in each."""
    if not row.failures:
        return ""
    return f" ({row.failures / max(len(row.runs), 1):g} failed a run)"


def table(rows: list[Row]) -> str:
    ratio = ratios(rows)
    lines = [
        "| group | path | posts | median s | s/post | × baseline | CPU s | peak MB | PDF KiB "
        "| note |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        median = r.median
        cells = [
            r.group,
            r.name + (" *(baseline)*" if r.baseline else ""),
            str(r.posts),
            f"{median:.3f}" if median is not None else "—",
            f"{median / r.posts:.3f}" if median is not None else "—",
            f"{ratio[id(r)]:.2f}×" if id(r) in ratio else "—",
            f"{r.median_cpu:.2f}" if r.median_cpu is not None else "—",
            f"{r.peak_mb:.0f}" if r.peak_mb else "—",
            f"{r.pdf_kib:.0f}" if r.pdf_kib else "—",
            (r.note + failed(r)).strip(),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


@dataclass
class Check:
    target: str
    measured: str
    held: bool | None  # None: not measured in this run


def find(rows: list[Row], group: str, prefix: str) -> Row | None:
    return next((r for r in rows if r.group == group and r.name.startswith(prefix)), None)


def cpu_ratio(a: Row | None, b: Row | None) -> str:
    if a and b and a.median_cpu and b.median_cpu:
        return f" (CPU {a.median_cpu / b.median_cpu:.2f}×)"
    return ""


def check_targets(rows: list[Row], jobs: int, goal: Targets) -> list[Check]:
    ratio = ratios(rows)
    checks = []

    build = find(rows, "corpus", "presskit build --jobs 2")
    if build and id(build) in ratio:
        speedup = ratio[id(build)]
        measured = f"{speedup:.2f}× naive ({build.posts} posts)"
        checks.append(
            Check(
                f"build, 2 jobs ≥ {goal.build_speedup:g}× naive",
                measured,
                speedup >= goal.build_speedup,
            )
        )
    else:
        why = "not measured (no `presskit build`)" if build else f"not measured (--jobs {jobs})"
        checks.append(Check(f"build, 2 jobs ≥ {goal.build_speedup:g}× naive", why, None))

    render = find(rows, "sample", "presskit render")
    if render and id(render) in ratio:
        checks.append(
            Check(
                "render cold no slower than naive (sample)",
                f"{ratio[id(render)]:.2f}× naive{cpu_ratio(find(rows, 'sample', 'naive'), render)}",
                ratio[id(render)] >= goal.render_vs_naive,
            )
        )

    first = find(rows, "corpus", f"presskit build --jobs {jobs}")
    again = next((r for r in rows if r.name.endswith("no-change rebuild")), None)
    target = f"no-change rebuild < {goal.rebuild_fraction:.0%} of first build"
    if first and again and first.median and again.median:
        fraction = again.median / first.median
        checks.append(Check(target, f"{fraction:.1%}", fraction < goal.rebuild_fraction))
    else:
        checks.append(Check(target, "not measured", None))

    identity = find(rows, "filter", "pandoc + identity")
    ours = find(rows, "filter", "pandoc + presskit-filter")
    if identity and ours and identity.median and ours.median:
        factor = ours.median / identity.median
        checks.append(
            Check(
                f"presskit-filter ≤ {goal.filter_vs_identity:g}× identity filter",
                f"{factor:.2f}×{cpu_ratio(ours, identity)}",
                factor <= goal.filter_vs_identity,
            )
        )

    local = find(rows, "corpus", "presskit build --jobs 2")
    dask = find(rows, "corpus", "presskit build --jobs 2 --executor dask-local")
    target = f"dask-local, 2 workers ≥ {goal.dask_vs_local:g}× the local pool's throughput"
    if local and dask and local.median and dask.median:
        factor = local.median / dask.median
        overhead = (dask.median - local.median) / dask.posts * 1000
        checks.append(
            Check(
                target,
                f"{factor:.2f}× ({overhead:+.0f} ms a post){cpu_ratio(local, dask)}",
                factor >= goal.dask_vs_local,
            )
        )
    else:
        checks.append(Check(target, "not measured", None))

    # a LocalCluster's scheduler lives in the build's own process: not a worker
    workers = [
        r
        for r in rows
        if r.group == "corpus" and r.name.startswith("presskit") and "dask" not in r.name
    ]
    peaks = [r.peak_mb for r in workers if r.peak_mb]
    target = f"peak memory per worker < {goal.worker_mb:.0f} MB (corpus)"
    if peaks:
        checks.append(Check(target, f"{max(peaks):.0f} MB", max(peaks) < goal.worker_mb))
    else:
        checks.append(Check(target, "not measured", None))

    if render and render.pdf_bytes:
        size = render.pdf_bytes[0]
        checks.append(
            Check(
                f"sample PDF < {goal.sample_pdf_bytes // 1000} KB",
                f"{size / 1000:.0f} KB",
                size < goal.sample_pdf_bytes,
            )
        )
    return checks


def targets_text(checks: list[Check]) -> str:
    mark = {True: "held", False: "NOT held", None: "not measured"}
    lines = ["| target | measured | status |", "|---|---|---|"]
    lines += [f"| {c.target} | {c.measured} | {mark[c.held]} |" for c in checks]
    return "\n".join(lines)


def versions() -> dict[str, str]:
    def first_line(command: list[str | Path]) -> str:
        done = subprocess.run(
            [str(c) for c in command], env=ENV, capture_output=True, text=True, check=False
        )
        lines = (done.stdout or done.stderr).strip().splitlines()
        return lines[0] if lines else "?"

    commit = subprocess.run(
        ["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "commit": commit or "?",
        "pandoc": first_line([pandoc_path(), "--version"]),
        "weasyprint": first_line([BIN / "weasyprint", "--version"]),
        "presskit": first_line([BIN / "presskit", "--version"]),
        "python": platform.python_version(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=Path, default=DEFAULT_SAMPLE)
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="for presskit rows")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=16, help="corpus posts (evenly spread)")
    parser.add_argument("--full", action="store_true", help="every post of the corpus")
    parser.add_argument("--repeat", type=int, default=5, help="runs per sample/filter path")
    parser.add_argument("--corpus-repeat", type=int, default=1, help="runs per corpus path")
    parser.add_argument("--jobs", type=int, default=max(2, os.cpu_count() or 2))
    parser.add_argument("--quick", action="store_true", help="3 repeats, 6 corpus posts")
    parser.add_argument("--no-corpus", action="store_true")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument(
        "--readme", action="store_true", help="also put the results in README.md's Performance"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.repeat, args.limit = 3, min(args.limit, 6)
    precompile()
    ENV.update(environment())
    goal = Targets()
    started = dt.datetime.now(dt.UTC)
    load_before = os.getloadavg()

    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="presskit-bench-") as tmp:
        work = Path(tmp)
        print(f"sample: {args.sample} ({args.repeat} interleaved runs per path)", flush=True)
        rows += sample_group(args.sample, args.config, work, args.repeat)
        rows += filter_group(args.sample, work, max(20, args.repeat * 3))  # cheap: more runs
        if not args.no_corpus and args.corpus.is_dir():
            posts = corpus_posts(args.corpus, None if args.full else args.limit)
            print(f"corpus: {len(posts)} posts of {args.corpus}", flush=True)
            # Corpus posts use their own presskit.toml (or none), as `presskit build` would.
            source = work / "corpus"
            copies = copy_posts(posts, args.corpus, source)
            rows += corpus_group(source, copies, work, args.corpus_repeat, args.jobs, None)
        elif not args.no_corpus:
            print(f"corpus: {args.corpus} not found, skipped", flush=True)
    load_after = os.getloadavg()

    stamp = started.strftime("%Y-%m-%dT%H%M%SZ")
    info = versions()
    header = (
        f"presskit benchmark {stamp} — {platform.machine()}, {os.cpu_count()} cores, "
        f"load {load_before[0]:.1f} → {load_after[0]:.1f}; {info['presskit']} "
        f"(commit {info['commit']}), "
        f"{info['weasyprint']}, {info['pandoc']}, Python {info['python']}.\n"
        "Medians; × baseline = baseline time ÷ path time within the group (higher is "
        "faster): the naive pipeline for sample and corpus, the identity filter for filter "
        "rows. Corpus rows: one run = all posts. CPU s: user + system time of the run's "
        "processes (steadier than wall time on a busy machine). Peak MB: largest process of a run."
    )
    checks = check_targets(rows, args.jobs, goal)
    text = f"{header}\n\n{table(rows)}\n\nTargets (issue 6):\n\n{targets_text(checks)}\n"
    print()
    print(text)
    args.results.mkdir(parents=True, exist_ok=True)
    payload = {
        "when": stamp,
        "machine": platform.machine(),
        "cores": os.cpu_count(),
        "load": [load_before[0], load_after[0]],
        "versions": info,
        "arguments": {k: str(v) for k, v in vars(args).items()},
        "rows": [asdict(r) | {"median": r.median, "ratio": ratios(rows).get(id(r))} for r in rows],
        "targets": [asdict(c) for c in checks],
    }
    (args.results / "latest.json").write_text(
        json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (args.results / "latest.md").write_text(text, encoding="utf-8")
    print(f"wrote {args.results / 'latest.md'} and latest.json")
    if args.readme:
        publish(ROOT / "README.md", text)
        print("updated README.md")
    return 0


START, END = "<!-- bench:results -->", "<!-- /bench:results -->"


def publish(readme: Path, text: str) -> None:
    """Replace what README.md holds between the two markers with this run's results."""
    current = readme.read_text(encoding="utf-8")
    before, found, rest = current.partition(START)
    _, found_end, after = rest.partition(END)
    if not (found and found_end):
        raise SystemExit(f"error: {readme}: no {START} … {END} section to update")
    readme.write_text(f"{before}{START}\n{text}{END}{after}", encoding="utf-8")


if __name__ == "__main__":
    if shutil.which("weasyprint", path=str(BIN)) is None:
        sys.exit(f"error: no weasyprint in {BIN}: run `make setup` first")
    sys.exit(main())
