"""The same post and config give the same bytes: across runs, time zones and hash seeds.

Dates in the PDF come from the post, or from SOURCE_DATE_EPOCH when the post has none; never
from the clock.
"""

from __future__ import annotations

import os
import subprocess

import pypdf
from conftest import EXAMPLE_CONFIG, PRESSKIT, SAMPLE_ZH


def render(post, out, *, config=EXAMPLE_CONFIG, base=os.environ, **env: str) -> str:
    """Render in a fresh process with `base` plus `env` as its environment; its stderr."""
    options = ["--config", str(config)] if config else []
    args = [*PRESSKIT, "render", str(post), *options, "-o", str(out)]
    done = subprocess.run(
        args, capture_output=True, text=True, timeout=300, env={**base, **env}, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stderr


def test_two_renders_of_the_sample_are_byte_identical(tmp_path):
    first, again = tmp_path / "first.pdf", tmp_path / "again.pdf"
    render(SAMPLE_ZH, first, TZ="UTC", PYTHONHASHSEED="1")
    render(SAMPLE_ZH, again, TZ="Pacific/Kiritimati", PYTHONHASHSEED="12345")
    assert again.read_bytes() == first.read_bytes()


def test_undated_post_takes_source_date_epoch(tmp_path):
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: Undated\n---\n\nBody.\n", encoding="utf-8")
    first, second, plain = tmp_path / "a.pdf", tmp_path / "b.pdf", tmp_path / "c.pdf"
    render(post, first, SOURCE_DATE_EPOCH="1700000000", TZ="UTC", PYTHONHASHSEED="1")
    render(post, second, SOURCE_DATE_EPOCH="1700000000", TZ="Asia/Tokyo", PYTHONHASHSEED="2")
    assert first.read_bytes() == second.read_bytes()
    info = pypdf.PdfReader(first).metadata
    assert info is not None and str(info["/CreationDate"]).startswith("D:20231114221320")
    env = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    render(post, plain, base=env)
    assert "/CreationDate" not in (pypdf.PdfReader(plain).metadata or {})


def test_time_without_zone_is_read_as_utc_in_every_time_zone(tmp_path):
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: T\ndate: 2023-07-12T23:30:00\n---\n\nBody.\n", encoding="utf-8")
    outs = []
    for zone in ("UTC", "Pacific/Kiritimati"):
        out = tmp_path / f"{zone.replace('/', '-')}.pdf"
        stderr = render(post, out, config=None, TZ=zone)
        assert "warning" not in stderr, stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    info = pypdf.PdfReader(tmp_path / "UTC.pdf").metadata
    assert info is not None and str(info["/CreationDate"]).startswith("D:20230712233000")


def test_a_warm_process_prints_what_a_fresh_one_prints(tmp_path):
    """Workers share a font configuration between posts (see `engine.font_configuration`):
    what one post laid out before must not change another's bytes."""
    from conftest import SAMPLE_EN

    from presskit.pipeline import render as render_here

    fresh = tmp_path / "fresh.pdf"
    render(SAMPLE_EN, fresh)
    for name, post in (("en1", SAMPLE_EN), ("zh", SAMPLE_ZH), ("en2", SAMPLE_EN)):
        render_here(post, tmp_path / f"{name}.pdf", EXAMPLE_CONFIG)
    assert (tmp_path / "en1.pdf").read_bytes() == fresh.read_bytes()
    assert (tmp_path / "en2.pdf").read_bytes() == fresh.read_bytes()


def test_font_configurations_are_shared_only_for_the_same_font_faces():
    from presskit.weasy.engine import font_configuration

    plain = "<html><head><style>p { color: red }</style></head><body>@font-face {}</body>"
    branded = '<html><head><style>@font-face { font-family: "B"; src: url(b.otf) }</style>'
    assert font_configuration(plain) is font_configuration(plain.replace("red", "blue"))
    assert font_configuration(branded) is not font_configuration(plain)
    assert font_configuration(branded) is font_configuration(branded + "<p>other</p>")


def test_a_changed_font_file_gets_a_new_font_configuration(tmp_path):
    # Brand fonts are named by file URL: the rule stays the same when the file is replaced.
    from presskit.weasy.engine import font_configuration

    font = tmp_path / "Brand.otf"
    font.write_bytes(b"first version")
    rule = f'@font-face {{ font-family: "B"; src: url("{font.as_uri()}") }}'
    html = f"<html><head><style>{rule}</style></head><body></body></html>"
    first = font_configuration(html)
    assert font_configuration(html) is first
    font.write_bytes(b"second, longer version")
    assert font_configuration(html) is not first
