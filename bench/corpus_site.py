#!/usr/bin/env python3
"""The Istio corpus built as the Hugo site it comes from, held to the real `hugo` binary.

`python bench/corpus_site.py [--corpus DIR] [--jobs N] [--keep DIR]` copies the corpus under
`content/` beside `tests/fixtures/istio-site/` (istio.io's language setup, an excerpt of its
`data/args.yml`, its security boilerplate) and a presskit.toml turning Istio's shortcodes on,
asks `hugo list all` for every page's permalink, runs `presskit build` on the content, and
checks that:

- every post gets Hugo's permalink as its canonical URL (but the two posts Hugo 0.168 refuses:
  one fails with its line, as in Hugo; the other is built with presskit's reading);
- the two release announcements kept as `_index.md` branch bundles are built;
- page 1 of every PDF carries a QR code (`pdftoppm` + `zbarimg`) that reads as that URL;
- no post warns that site data or a boilerplate is missing.

Exits 1 on any mismatch. Needs the dev dependencies (`hugo`) and `zbarimg` (zbar-tools).
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
sys.path.insert(0, str(ROOT / "tests"))
from build_corpus import DEFAULT_CORPUS  # noqa: E402 - beside this script
from hugo_oracle import hugo_list, stub_shortcodes  # noqa: E402

SITE = ROOT / "tests" / "fixtures" / "istio-site"

# Hugo 0.168 refuses these posts' front matter, and with them the whole site.
HUGO_REFUSES = (
    "zh/news/security/istio-security-2022-003/index.md",
    "en/blog/2025/ambient-multicluster/index.md",
)
RELEASES = (
    "en/news/releases/1.18.x/announcing-1.18/_index.md",
    "zh/news/releases/1.18.x/announcing-1.18/_index.md",
)


def make_site(corpus: Path, root: Path) -> Path:
    shutil.copytree(SITE, root, ignore=shutil.ignore_patterns("README.md"))
    shutil.copytree(
        corpus,
        root / "content",
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns("*.txt", "README*"),
    )
    (root / "presskit.toml").write_text(
        'extensions = ["presskit.shortcodes.istio"]\n[brand]\nname = "Istio"\n', encoding="utf-8"
    )
    return root


def hugo_permalinks(root: Path) -> dict[str, str]:
    """`hugo list all` on a copy with stub templates, the refused posts taken out."""
    oracle = root.parent / "oracle"
    shutil.copytree(root, oracle)
    for rel in HUGO_REFUSES:
        (oracle / "content" / rel).unlink()
    stub_shortcodes(oracle)
    return {
        path.removeprefix("content/"): row["permalink"] for path, row in hugo_list(oracle).items()
    }


def qr_of_first_page(pdf: Path, work: Path) -> str | None:
    png = work / (pdf.stem + "-cover")
    subprocess.run(
        ["pdftoppm", "-r", "110", "-f", "1", "-l", "1", "-png", "-singlefile", str(pdf), str(png)],
        check=True,
    )
    done = subprocess.run(
        ["zbarimg", "-q", "--raw", str(png) + ".png"], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--keep", type=Path, default=None, help="keep the site and PDFs here")
    args = parser.parse_args()
    if shutil.which("zbarimg") is None:
        print("zbarimg not found: apt-get install zbar-tools", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="presskit-corpus-site-"))
    root = make_site(args.corpus, (args.keep or work) / "site")
    out = (args.keep or work) / "out"
    try:
        permalinks = hugo_permalinks(root)
        command = [sys.executable, "-m", "presskit", "build", str(root / "content"), "-o", str(out)]
        command += ["--quiet"] + (["--jobs", str(args.jobs)] if args.jobs else [])
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
        print(done.stderr.strip())
        manifest = json.loads((out / "manifest.json").read_text("utf-8"))
        problems: list[str] = []
        checked = qr = 0
        for doc in manifest["documents"]:
            source = doc["source"]
            if doc["status"] == "skipped":
                if "boilerplates/" not in source:
                    problems.append(f"{source}: skipped ({doc['reason']})")
                continue
            if source in HUGO_REFUSES:
                print(f"  {source}: {doc['status']} (Hugo refuses it) {doc.get('error') or ''}")
                continue
            if doc["status"] != "built":
                problems.append(f"{source}: {doc['status']} {doc.get('error')}")
                continue
            if doc["url"] != permalinks.get(source):
                problems.append(f"{source}: url {doc['url']} hugo {permalinks.get(source)}")
            checked += 1
            missing = [w for w in doc["warnings"] if "site data" in w or 'boilerplate "' in w]
            problems += [f"{source}: {w}" for w in missing]
            code = qr_of_first_page(out / doc["output"], work)
            if code != doc["url"]:
                problems.append(f"{source}: QR on page 1 reads {code!r}, not {doc['url']}")
            else:
                qr += 1
        for rel in RELEASES:
            row = next((d for d in manifest["documents"] if d["source"] == rel), None)
            if row is None or row["status"] != "built":
                problems.append(f"{rel}: the release announcement is not built")
        print(
            f"{checked} posts with Hugo's permalink, {qr} covers whose QR reads it; "
            f"build {seconds:.1f} s"
        )
        for problem in problems:
            print("  MISMATCH", problem)
        return 1 if problems else 0
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
