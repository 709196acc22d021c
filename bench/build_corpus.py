#!/usr/bin/env python3
"""`presskit build` over a real corpus: first build, no-change rebuild, one edited post.

Checks the batch promises on real input and prints the figures:
`python bench/build_corpus.py [--corpus DIR] [--jobs N] [--keep OUTDIR]`.
The corpus is copied first (the edit step changes one post), so the original is never touched.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# beside the checkout (/work/main) or beside the worktrees' folder (/work/wt/issueN)
DEFAULT_CORPUS = (
    next(
        (p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.is_dir()),
        ROOT.parent / "shared",
    )
    / "corpus"
    / "istio"
)
PRESSKIT = [sys.executable, "-m", "presskit"]


def build(corpus: Path, out: Path, jobs: int | None) -> tuple[float, int, dict[str, int]]:
    args = [*PRESSKIT, "build", str(corpus), "-o", str(out), "--quiet"]
    if jobs:
        args += ["--jobs", str(jobs)]
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    print("   ", done.stderr.strip().replace("\n", "\n    "))
    documents = json.loads((out / "manifest.json").read_text("utf-8"))["documents"]
    counts: dict[str, int] = {}
    for doc in documents:
        counts[doc["status"]] = counts.get(doc["status"], 0) + 1
    return seconds, done.returncode, counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--keep", type=Path, default=None, help="write the PDFs here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="presskit-build-") as temp:
        corpus = Path(temp) / "corpus"
        shutil.copytree(args.corpus, corpus)
        out = args.keep or Path(temp) / "out"
        shutil.rmtree(out, ignore_errors=True)

        print("first build")
        first, code, counts = build(corpus, out, args.jobs)
        print(f"    {first:.2f} s, exit {code}, {counts}")

        print("no-change rebuild")
        second, code, counts = build(corpus, out, args.jobs)
        print(f"    {second:.2f} s, exit {code}, {counts}")
        print(f"    {100 * second / first:.1f}% of the first build")

        edited = next(p for p in sorted(corpus.rglob("index.md")) if "_index" not in p.name)
        with edited.open("a", encoding="utf-8") as stream:
            stream.write("\nOne more sentence.\n")
        print(f"after editing {edited.relative_to(corpus)}")
        third, code, counts = build(corpus, out, args.jobs)
        print(f"    {third:.2f} s, exit {code}, {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
