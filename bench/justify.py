#!/usr/bin/env python3
"""What justification costs a warm render: the same posts, set justified and ragged, in turn.

"Justified" is presskit as shipped: `text-align: justify; hyphens: auto` on body text and the
CJK patches of `presskit.weasy.cjk` (inter-character justification, punctuation compression,
also across inline elements, the line-end allowance).
"Ragged" is the theme with body text left-aligned and WeasyPrint's own line functions. Both
run in one warm process (WeasyPrint imported, fonts and styles cached by the first round),
interleaved post by post, so machine load falls on both alike; the cost is the ratio of the
medians of the two totals.

    .venv/bin/python bench/justify.py                # the sample + 12 zh corpus posts, 5 rounds
    .venv/bin/python bench/justify.py --rounds 9 --limit 20
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from run import DEFAULT_CONFIG, DEFAULT_CORPUS, DEFAULT_SAMPLE  # noqa: E402

RAGGED_CSS = ".body, article.post { text-align: start; hyphens: manual; }\n"


def ragged_theme(folder: Path) -> Path:
    """A theme that is the default one with body text left-aligned (as before issue 12)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "theme.toml").write_text('extends = "default"\n', encoding="utf-8")
    (folder / "press.css").write_text(RAGGED_CSS, encoding="utf-8")
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--limit", type=int, default=12)
    args = parser.parse_args(argv)

    from weasyprint.layout import inline
    from weasyprint.text import line_break

    from presskit.pipeline import render
    from presskit.weasy.engine import import_weasyprint

    import_weasyprint()
    # every function presskit.weasy.cjk replaces (each keeps WeasyPrint's as `.original`)
    places = [
        (inline, "justify_line"),
        (inline, "text_align"),
        (inline, "split_text_box"),
        (inline, "get_next_linebox"),
        (line_break.Layout, "set_text"),
    ]
    patched = tuple(getattr(owner, name) for owner, name in places)
    if not all(hasattr(function, "original") for function in patched):
        print("the CJK patches are not installed on this WeasyPrint: nothing to compare")
        return 1
    originals = tuple(function.original for function in patched)

    def install(functions: tuple) -> None:  # type: ignore[type-arg]
        for (owner, name), function in zip(places, functions, strict=True):
            setattr(owner, name, function)

    posts = [DEFAULT_SAMPLE]
    posts += sorted(p for p in (DEFAULT_CORPUS / "zh").rglob("index.md"))[: args.limit]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        theme = str(ragged_theme(work / "ragged"))
        times: dict[str, list[float]] = {"justified": [], "ragged": []}
        for round_ in range(args.rounds + 1):  # the first round warms both
            totals = {"justified": 0.0, "ragged": 0.0}
            for post in posts:
                for name in ("justified", "ragged") if round_ % 2 else ("ragged", "justified"):
                    install(patched if name == "justified" else originals)
                    start = time.perf_counter()
                    try:
                        render(
                            post,
                            work / f"{name}.pdf",
                            DEFAULT_CONFIG,
                            theme=None if name == "justified" else theme,
                            offline=True,
                            durable=False,
                        )
                    except Exception as error:  # noqa: BLE001 — a post the corpus cannot render
                        print(f"skipped {post}: {error}")
                        continue
                    totals[name] += time.perf_counter() - start
            if round_:
                for name, total in totals.items():
                    times[name].append(total)
        install(patched)
    justified, ragged = (statistics.median(times[n]) for n in ("justified", "ragged"))
    load = os.getloadavg()[0]
    print(f"{len(posts)} posts, {args.rounds} rounds, load average {load:.1f}")
    print(f"ragged    {ragged:6.2f} s  (median of the rounds' totals)")
    print(f"justified {justified:6.2f} s")
    print(f"justification costs {100 * (justified / ragged - 1):+.1f} % of a warm render")
    return 0


if __name__ == "__main__":
    sys.exit(main())
