"""Nothing is embedded in the PDF unless the config says `attachments = true`, and even then
only files the fetcher may read."""

from __future__ import annotations

import subprocess
from pathlib import Path

from hostile_kit import SECRET, pdf_attachments

from presskit.output.pdf import FetchPolicy, render_pdf

PAGE = """<!DOCTYPE html><html><head>
<link rel="attachment" href="notes.txt"><link rel="attachment" href="{outside}">
</head><body><p>Hi <a rel="attachment" href="notes.txt">notes</a></p></body></html>"""


def render(tmp_path: Path, attachments: bool) -> tuple[Path, int]:
    bundle = tmp_path / "bundle"
    bundle.mkdir(exist_ok=True)
    (bundle / "notes.txt").write_text("notes", encoding="utf-8")
    outside = tmp_path / "secret.txt"
    outside.write_text(SECRET, encoding="utf-8")
    out = tmp_path / f"out-{attachments}.pdf"
    policy = FetchPolicy(roots=(bundle.resolve(),), offline=True, attachments=attachments)
    render_pdf(PAGE.format(outside=outside), out, base_url=bundle, policy=policy)
    return out, len(policy.refused)


def test_no_attachments_unless_configured(tmp_path):
    out, _ = render(tmp_path, attachments=False)
    assert pdf_attachments(out) == 0
    assert SECRET.encode() not in out.read_bytes()


def test_configured_attachments_still_stay_inside_the_roots(tmp_path):
    out, refused = render(tmp_path, attachments=True)
    listing = subprocess.run(
        ["pdfdetach", "-list", str(out)], capture_output=True, text=True, check=True
    ).stdout
    assert "notes.txt" in listing  # beside the post
    assert "secret" not in listing
    assert refused >= 1  # the secret, outside the roots
