#!/usr/bin/env python3
"""The press kit at scale: the issue's kit targets on copies of the corpus.

    python bench/kit.py                  # 3 copies of the corpus (what `make bench` runs)
    python bench/kit.py --scaling        # also 1 and 10 copies: the kit stage's growth
    python bench/kit.py --copies 1 --jobs 2

Each copy of the corpus goes under its languages (`en/copy-2/…`), so a copy is more posts of
the same languages. Per size, in order and in one output folder:

1. posts only (`presskit build`, no kit): the posts' render time;
2. the same build with `--kit` on a fresh folder: the whole build, and its kit stage (timed
   inside the build process around `make_kit`: sections it lacks, contents, footers, joining,
   zip);
3. one post edited, then the build with `--kit` again: the whole rebuild (the issue's
   "one post edited → whole rebuild").

Peak memory is the largest resident set of any one process of a run (the build or a worker),
from `wait4`; beside it the build process's own (where the kit is joined), from `getrusage`.
The targets are ratios or bounds measured here, in the same session; the figures depend on
the machine's load, which is printed beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_CORPUS = next(
    (p / "corpus" / "istio" for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared")),
    ROOT.parent / "shared" / "corpus" / "istio",
)
if not DEFAULT_CORPUS.is_dir():
    DEFAULT_CORPUS = ROOT.parent.parent / "shared" / "corpus" / "istio"

# The targets (issue 14).
KIT_SHARE = 0.15  # kit stage / posts' render time, 3 copies
EDIT_SECONDS = 5.0  # one post edited → whole rebuild, 3 copies
PEAK_MB = 400.0  # peak RSS, 3 copies
SCALING = 12.0  # kit stage at 10 copies / at 1 copy

# Runs in a child process: the build, with its kit stage timed where it happens.
DRIVER = r"""
import json, resource, sys, time
from pathlib import Path
from presskit.batch import builder, kit
spent = []
make_kit = kit.make_kit
def timed(*args, **kwargs):
    started = time.perf_counter()
    try:
        return make_kit(*args, **kwargs)
    finally:
        spent.append(time.perf_counter() - started)
kit.make_kit = timed
content, out, name, jobs = sys.argv[1:5]
started = time.perf_counter()
result = builder.build([Path(content)], Path(out), kit=name or None, jobs=int(jobs))
print(json.dumps({
    "seconds": time.perf_counter() - started,
    "kit_seconds": sum(spent),
    "built": result.count("built"),
    "unchanged": result.count("unchanged"),
    "failed": result.count("failed"),
    "kit_pages": result.kit_pages,
    "kit_error": result.kit_error,
    "sections_rendered": result.kit_sections_rendered,
    "sections_reused": result.kit_sections_reused,
    "parent_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def run_build(content: Path, out: Path, kit: str, jobs: int) -> dict[str, float]:
    """One build in a child process: its figures, and the peak RSS of it and its workers."""
    process = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(content), str(out), kit, str(jobs)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _pid, _status, usage = os.wait4(process.pid, 0)
    figures = json.loads(output.decode().strip().splitlines()[-1])
    figures["peak_mb"] = usage.ru_maxrss / 1024
    return figures


def make_copies(corpus: Path, copies: int, target: Path) -> Path:
    content = target / "content"
    for lang in sorted(p for p in corpus.iterdir() if p.is_dir()):
        for n in range(1, copies + 1):
            shutil.copytree(lang, content / lang.name / f"copy-{n}")
    return content


def edit_one(content: Path) -> Path:
    """Append a paragraph to the first English post (what an author's fix looks like)."""
    post = sorted(content.glob("en/copy-1/**/index.md"))[0]
    with post.open("a", encoding="utf-8") as stream:
        stream.write("\n\nA sentence added for the benchmark's one-post edit.\n")
    return post


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def measure(corpus: Path, copies: int, jobs: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="presskit-kit-bench-") as temp:
        work = Path(temp)
        content = make_copies(corpus, copies, work)
        print(f"  {copies} cop{'y' if copies == 1 else 'ies'}: posts only …", flush=True)
        posts = run_build(content, work / "posts-only", "", jobs)
        print(f"  {copies}: with --kit …", flush=True)
        first = run_build(content, work / "out", "kit", jobs)
        edited = edit_one(content)
        print(f"  {copies}: {edited.relative_to(content)} edited, rebuild …", flush=True)
        again = run_build(content, work / "out", "kit", jobs)
    return {
        "copies": copies,
        "posts": posts["built"],
        "kit_pages": first["kit_pages"],
        "posts_seconds": posts["seconds"],
        "build_seconds": first["seconds"],
        "kit_seconds": first["kit_seconds"],
        "kit_share": first["kit_seconds"] / posts["seconds"],
        "posts_stage_share": (first["seconds"] - first["kit_seconds"]) / posts["seconds"],
        "peak_mb": max(posts["peak_mb"], first["peak_mb"], again["peak_mb"]),
        # the build process alone (where the kit is joined), without its workers
        "parent_peak_mb": max(first["parent_mb"], again["parent_mb"]),
        "edit_seconds": again["seconds"],
        "edit_kit_seconds": again["kit_seconds"],
        "edit_posts_built": again["built"],  # 1 when the incremental check holds
        "edit_sections_rendered": again["sections_rendered"],
        "kit_error": first["kit_error"] or again["kit_error"],
        "load": load(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--copies", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--scaling", action="store_true", help="also 1 and 10 copies")
    args = parser.parse_args(argv)
    sizes = sorted({args.copies, *((1, 10) if args.scaling else ())})
    print(f"kit bench: {args.corpus}, {args.jobs} jobs, load {load()}")
    rows = {n: measure(args.corpus, n, args.jobs) for n in sizes}
    lines = [
        "| copies | posts | kit pages | posts only | build with kit | kit stage | "
        "kit / posts | edit → rebuild | peak RSS | build process | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows.values():
        lines.append(
            f"| {row['copies']}× | {row['posts']} | {row['kit_pages']} | "
            f"{row['posts_seconds']:.1f} s | {row['build_seconds']:.1f} s | "
            f"{row['kit_seconds']:.1f} s | {row['kit_share']:.0%} | {row['edit_seconds']:.1f} s | "
            f"{row['peak_mb']:.0f} MB | {row['parent_peak_mb']:.0f} MB | {row['load']} |"
        )
    main_row = rows[args.copies]
    checks = [
        (
            f"kit stage ≤ {KIT_SHARE:.0%} of the posts' render time ({args.copies}×)",
            f"{main_row['kit_share']:.1%}",
            main_row["kit_share"] <= KIT_SHARE,
        ),
        (
            f"one post edited → whole rebuild ≤ {EDIT_SECONDS:g} s ({args.copies}×)",
            f"{main_row['edit_seconds']:.1f} s",
            main_row["edit_seconds"] <= EDIT_SECONDS,
        ),
        (
            f"peak RSS ≤ {PEAK_MB:.0f} MB ({args.copies}×)",
            f"{main_row['peak_mb']:.0f} MB",
            main_row["peak_mb"] <= PEAK_MB,
        ),
    ]
    if 1 in rows and 10 in rows:
        growth = rows[10]["kit_seconds"] / rows[1]["kit_seconds"]
        checks.append(
            (
                f"kit stage at 10× ≤ {SCALING:g}× the kit stage at 1×",
                f"{growth:.1f}×",
                growth <= SCALING,
            )
        )
    lines += ["", "| target | measured | status |", "|---|---|---|"]
    lines += [f"| {t} | {m} | {'met' if ok else 'MISSED'} |" for t, m, ok in checks]
    lines.append(
        f"\n(posts' stage with the kit's sections laid out beside the posts: "
        f"{main_row['posts_stage_share']:.2f}× the posts-only build; the edit rebuilt "
        f"{main_row['edit_posts_built']} post(s) and laid out {main_row['edit_sections_rendered']} "
        f"section(s), its kit stage {main_row['edit_kit_seconds']:.1f} s)"
    )
    text = "\n".join(lines)
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "kit.json").write_text(
        json.dumps({"when": time.strftime("%Y-%m-%d %H:%M"), "rows": list(rows.values())}, indent=2)
        + "\n",
        "utf-8",
    )
    (RESULTS / "kit.md").write_text(text + "\n", "utf-8")
    return 0 if all(ok for _, _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
