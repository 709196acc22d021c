"""Issue 17, medium: pandoc out of memory says what in the post is too big.

pandoc runs with a heap cap; reaching it, its runtime prints "Heap exhausted … Use `+RTS
-M<size>' to increase it", advice for pandoc's users that reached ours as the error. The CLI
runs here with a 64 MB cap (1 GB in use) so that a post of a few MB reaches it quickly; the
error must name the post, the line of its largest part and what that part is.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from hostile_kit import assert_well_behaved, make_site

SMALL_HEAP = """
import sys
import presskit.output.convert as convert
convert.PANDOC_HEAP = "-M64m"
sys.argv = ["presskit", *sys.argv[1:]]
from presskit.cli import main
main()
"""

BODIES = {
    "table": ("Intro.\n\n" + "| a | b |\n|---|---|\n" + "| x | y |\n" * 200_000, "a table", 7),
    "list": ("Intro.\n\n" + "- item\n" * 300_000, "a list", 7),
    "paragraph": ("Intro.\n\n" + "*a* [b](c) " * 300_000 + "\n", "a paragraph", 7),
}


@pytest.mark.parametrize("kind", sorted(BODIES))
def test_pandoc_out_of_memory_names_the_big_part(kind, tmp_path) -> None:
    body, said, line = BODIES[kind]
    site = make_site(tmp_path)
    site.post.write_text(f"---\ntitle: Big\n---\n\n{body}", "utf-8")
    site.out.write_bytes(b"%PDF-previous")
    done = subprocess.run(
        [sys.executable, "-c", SMALL_HEAP, "render", str(site.post), "-o", str(site.out)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert_well_behaved(done, site.post)
    assert done.returncode == 1
    assert "RTS" not in done.stderr and "Heap exhausted" not in done.stderr, done.stderr
    assert "too big for pandoc (64 MB of memory)" in done.stderr, done.stderr
    assert f"its largest part is {said} of " in done.stderr, done.stderr
    assert f"{site.post}:{line}:" in done.stderr, done.stderr
    assert site.out.read_bytes() == b"%PDF-previous"  # the previous output survives


def test_the_largest_part_is_found_among_many() -> None:
    from presskit.output.convert import largest_part

    body = "para\n\n```\ncode\n```\n\n" + "> quote line\n" * 50 + "\n| t |\n|---|\n"
    assert largest_part(body, 10) == ("a block quote of 50 lines (1 KB) at line 16", 16)
    assert largest_part("", 1)[1] == 1
