"""Issue 17, medium: what a post makes presskit print stays small and inert.

A post's text reached the terminal raw: ESC (escape sequences recolour, retitle, clear), BEL,
C1 controls and bidi overrides, in warnings, file names and `built …` lines; a 2 MB data: URL
was echoed whole; 50,000 shortcodes gave 50,000 warning lines and a manifest of megabytes
rewritten after every post. And bidi overrides reorder the printed page against the source
("Trojan Source" on paper): each is warned about, naming its line.
"""

from __future__ import annotations

import json
import unicodedata

import pytest
from hostile_kit import make_site, run

from presskit.errors import MAX_WARNINGS, Diagnostic, More, capped, printable

# What must never reach a terminal raw.
CONTROLS = (
    "\x1b\x07\x00\x08\x7f\x85\x9b"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)


def assert_inert(text: str) -> None:
    for c in CONTROLS:
        assert c not in text, (unicodedata.name(c, hex(ord(c))), text[:2000])


@pytest.mark.parametrize("c", list(CONTROLS))
def test_printable_escapes_each_control(c: str) -> None:
    shown = printable(f"a{c}b")
    assert c not in shown
    assert shown in (f"a\\x{ord(c):02x}b", f"a\\u{ord(c):04x}b")


def test_printable_keeps_text_and_layout() -> None:
    text = "新闻 العربية עברית café\tx\n"
    assert printable(text) == text
    assert printable("a\nb\rc", newlines=False) == "a\\x0ab\\x0dc"


BIG = "A" * 2_000_000


def test_a_render_prints_nothing_a_terminal_obeys(tmp_path) -> None:
    site = make_site(tmp_path)
    site.post.write_text(
        '---\ntitle: "Hi \u2066there\u2069"\n---\n\n'
        "Text with \u202eevil\u202c order.\n\n"
        "![a](missing\x1b]0;pwned\x07\x9b31m\u202e.png)\n\n"
        f"![b](data:image/png;base64,{BIG})\n\n"
        f"[c](data:text/html;base64,{BIG})\n",
        "utf-8",
    )
    done = run("render", str(site.post), "-o", str(site.out), "--offline")
    assert done.returncode == 0, done.stderr[:3000]
    assert "Traceback" not in done.stderr
    assert_inert(done.stdout + done.stderr)
    assert "missing\\x1b]0;pwned\\x07\\x9b31m\\u202e.png" in done.stderr
    assert len(done.stderr) < 4000, len(done.stderr)  # the data: URLs are cut to their head
    assert "(2,000,000 characters)" in done.stderr
    # Trojan Source: each line that reorders is named, the title's and the body's
    assert f"{site.post}:2: bidi control U+2066, U+2069" in done.stderr
    assert f"{site.post}:5:11: bidi control U+202C, U+202E" in done.stderr


def test_a_build_escapes_file_names_and_caps_warnings(tmp_path) -> None:
    site = make_site(tmp_path)
    blog = site.bundle.parent
    (blog / "odd\x1b[31m\u202eevil.md").write_text(
        "---\ntitle: Odd\n---\n\nBody ![x](nope\x1b[2J\x9b1m.png).\n", "utf-8"
    )
    flood = 3000
    site.post.write_text(
        "---\ntitle: Flood\n---\n\n" + "{{< nosuch >}}\n\n" * flood + "End.\n", "utf-8"
    )
    out = tmp_path / "built"
    done = run("build", str(site.site / "content"), "-o", str(out), "--offline")
    assert done.returncode == 0, done.stderr[:3000]
    assert "Traceback" not in done.stderr
    assert_inert(done.stdout + done.stderr)
    assert "odd\\x1b[31m\\u202eevil" in done.stderr  # the `built …` line, escaped
    assert f"{flood} warnings)" in done.stderr  # counted, not stored
    manifest = out / "manifest.json"
    assert manifest.stat().st_size < 40_000, manifest.stat().st_size
    rows = json.loads(manifest.read_text("utf-8"))["documents"]
    flooded = next(row for row in rows if row["source"].endswith("case/index.md"))
    assert len(flooded["warnings"]) == MAX_WARNINGS + 1
    # warnings are kept as printed: `jq -r '.documents[].warnings[]'` prints nothing live
    odd = next(row for row in rows if "evil" in row["source"])
    assert any("nope\\x1b[2J\\x9b1m.png" in w for w in odd["warnings"]), odd["warnings"]
    assert_inert("\n".join(w for row in rows for w in row["warnings"]))
    assert f"and {flood - MAX_WARNINGS:,} more warnings" in flooded["warnings"][-1]


def test_a_render_caps_its_warnings(tmp_path) -> None:
    site = make_site(tmp_path)
    site.post.write_text("---\ntitle: Flood\n---\n\n" + "{{< nosuch >}}\n\n" * 500, "utf-8")
    done = run("render", str(site.post), "-o", str(site.out), "--offline")
    assert done.returncode == 0, done.stderr[:3000]
    lines = done.stderr.splitlines()
    assert len(lines) == MAX_WARNINGS + 1, len(lines)
    assert lines[-1] == f"warning: {site.post}: … and {500 - MAX_WARNINGS} more warnings"


def test_capping_twice_keeps_the_count() -> None:
    first = capped(Diagnostic(f"w{i}", "p.md", i) for i in range(120))
    assert isinstance(first[-1], More) and first[-1].count == 70
    again = capped([*first, Diagnostic("late", "p.md")])
    assert len(again) == MAX_WARNINGS + 1
    assert again[-1].message == "… and 71 more warnings"
