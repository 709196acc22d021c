"""`presskit.toml` brand keys, `_brand.yml` (brand.yml) reading, and themes."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, PRESSKIT, pdffonts, run_presskit

from presskit.brand import load_config
from presskit.errors import PresskitError
from presskit.output.pdf import MAX_RESOURCE_BYTES
from presskit.pipeline import prepare, render
from presskit.themes import builtin_themes, load_theme

BRAND_YML = """\
meta:
  name:
    short: Acme
    full: Acme Foundation
  link:
    home: https://acme.example
logo:
  images:
    mark: brand/mark.svg
  medium: mark
color:
  palette:
    navy: "#102A43"
    orange: "#F0803C"
  primary: navy
  secondary: orange
  foreground: "#222222"
  background: "#FFFDF8"
typography:
  fonts:
    - family: Noto Serif
      source: system
  base: Noto Serif
  headings:
    family: Noto Sans
  monospace: DejaVu Sans Mono
"""


def write_kit(folder: Path, toml: str, brand_yml: str | None = BRAND_YML) -> Path:
    (folder / "brand").mkdir(parents=True, exist_ok=True)
    (folder / "brand/mark.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4">'
        '<rect width="4" height="4"/></svg>',
        encoding="utf-8",
    )
    if brand_yml is not None:
        (folder / "_brand.yml").write_text(brand_yml, encoding="utf-8")
    (folder / "presskit.toml").write_text(toml, encoding="utf-8")
    return folder / "presskit.toml"


def test_brand_yml_alone_gives_the_brand(tmp_path):
    config = load_config(write_kit(tmp_path, 'lang = "en"\n'))
    brand = config.brand
    assert brand.name == "Acme Foundation"
    assert brand.website == "https://acme.example"
    assert brand.logo == (tmp_path / "brand/mark.svg").resolve()
    assert (brand.primary, brand.accent) == ("#102A43", "#F0803C")
    assert (brand.text, brand.background) == ("#222222", "#FFFDF8")
    assert brand.body_fonts == ("Noto Serif",)
    assert brand.heading_fonts == ("Noto Sans",)
    assert brand.mono_fonts == ("DejaVu Sans Mono",)
    assert config.brand_file == tmp_path / "_brand.yml"


def test_presskit_toml_wins_over_brand_yml(tmp_path):
    toml = (
        '[brand]\nname = "Acme Press"\nprimary = "#000080"\n[brand.fonts]\nbody = ["Noto Sans"]\n'
    )
    brand = load_config(write_kit(tmp_path, toml)).brand
    assert brand.name == "Acme Press"
    assert brand.primary == "#000080"
    assert brand.accent == "#F0803C"  # not in presskit.toml: from _brand.yml
    assert brand.body_fonts == ("Noto Sans",)
    assert brand.heading_fonts == ("Noto Sans",)


def test_brand_file_key_names_another_file(tmp_path):
    write_kit(tmp_path, "", brand_yml=None)
    (tmp_path / "site-brand.yml").write_text("meta:\n  name: Elsewhere\n", encoding="utf-8")
    path = tmp_path / "presskit.toml"
    path.write_text('brand_file = "site-brand.yml"\n', encoding="utf-8")
    assert load_config(path).brand.name == "Elsewhere"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("meta: [unclosed\n", "invalid YAML"),
        ("- a list\n", "must be a mapping"),
    ],
)
def test_bad_brand_yml_names_the_file(tmp_path, text, message):
    path = write_kit(tmp_path, "", brand_yml=text)
    with pytest.raises(PresskitError) as caught:
        load_config(path)
    assert message in str(caught.value)
    assert "_brand.yml" in str(caught.value)


def test_brand_yml_fonts_reach_the_pdf(tmp_path):
    path = write_kit(tmp_path, 'lang = "en"\n')
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: Serif from brand.yml\n---\nBody text.\n", encoding="utf-8")
    done = run_presskit("render", str(post), "-o", str(tmp_path / "out.pdf"), "--config", str(path))
    assert done.returncode == 0, done.stderr
    names = " ".join(row[0] for row in pdffonts(tmp_path / "out.pdf"))
    assert "NotoSerif" in names.replace("-", ""), names


def test_about_per_language_and_fallback(tmp_path):
    toml = '[brand.about]\nen = "In English."\nzh = "中文。"\n'
    brand = load_config(write_kit(tmp_path, toml, brand_yml=None)).brand
    assert brand.about_for("zh-CN") == "中文。"
    assert brand.about_for("en") == "In English."
    assert brand.about_for("de") == "In English."


def test_built_in_themes_and_formal_extends_default():
    assert {"default", "formal"} <= set(builtin_themes())
    default, formal = load_theme("default"), load_theme("formal")
    assert formal.serif_body and not default.serif_body
    assert formal.css.startswith(default.css)
    assert formal.template_dirs[-1] == default.path


def test_user_theme_folder(tmp_path):
    folder = tmp_path / "mytheme"
    folder.mkdir()
    (folder / "theme.toml").write_text('extends = "formal"\n', encoding="utf-8")
    (folder / "press.css").write_text(".cover-band { background: #123456; }\n", encoding="utf-8")
    theme = load_theme(str(folder))
    assert theme.serif_body
    assert theme.css.endswith(".cover-band { background: #123456; }\n")
    post = FIXTURES / "release/content/en/news/launch/index.md"
    done = run_presskit("html", str(post), "--theme", str(folder))
    assert done.returncode == 0, done.stderr
    assert "#123456" in done.stdout and "Noto Serif" in done.stdout


def test_theme_folder_on_the_command_line_is_relative_to_the_working_directory(tmp_path):
    folder = tmp_path / "mytheme"
    folder.mkdir()
    (folder / "theme.toml").write_text('extends = "default"\n', encoding="utf-8")
    (folder / "press.css").write_text(".cover-band { background: #654321; }\n", encoding="utf-8")
    post = FIXTURES / "release/content/en/news/launch/index.md"
    done = run_presskit("html", str(post), "--theme", "mytheme", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "#654321" in done.stdout


def test_theme_without_press_css_is_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(PresskitError, match="theme folder has no"):
        load_theme(str(tmp_path / "empty"))


def brand_font_kit(tmp_path: Path, *, padding: int = 0) -> tuple[Path, Path]:
    """A config whose brand ships DejaVu Serif (plus `padding` bytes) as "Brand Serif", and a
    post: (config, post)."""
    dejavu = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
    if not dejavu.is_file():
        pytest.skip("fonts-dejavu-core is not installed")
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts/BrandSerif.ttf").write_bytes(dejavu.read_bytes() + bytes(padding))
    config = write_kit(
        tmp_path,
        '[brand.fonts]\nbody = ["Brand Serif"]\n'
        '[[brand.font_files]]\nfamily = "Brand Serif"\npath = "fonts/BrandSerif.ttf"\n',
        brand_yml=None,
    )
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: Font files\n---\nBody text.\n", encoding="utf-8")
    return config, post


def test_brand_font_files_are_embedded(tmp_path):
    config, post = brand_font_kit(tmp_path)
    out = tmp_path / "out.pdf"
    done = run_presskit("render", str(post), "-o", str(out), "--config", str(config))
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("\n") <= 1, done.stderr  # "wrote …" only, nothing at exit
    assert any(row[0].endswith("+Brand-Serif") for row in pdffonts(out))
    # Named by file URL, not inlined: the HTML stays small (a font is ~1 MB of base64).
    html = prepare(post, config).html
    assert (tmp_path / "fonts/BrandSerif.ttf").resolve().as_uri() in html
    assert len(html) < 100_000
    # Warm workers keep the brand's font configuration until they exit, and exit quietly.
    done = run_presskit("build", str(post), "-o", str(tmp_path / "built"), "--config", str(config))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr
    assert any(row[0].endswith("+Brand-Serif") for row in pdffonts(tmp_path / "built/post.pdf"))


def test_a_render_leaves_no_font_folder_behind(tmp_path):
    """`presskit render` ends without freeing its heap (presskit.quickexit), so WeasyPrint's
    font configuration is never deleted: the temp folder its @font-face files were copied to
    must go at exit all the same."""
    config, post = brand_font_kit(tmp_path)
    temp = tmp_path / "temp"
    temp.mkdir()
    done = subprocess.run(
        [*PRESSKIT, "render", str(post), "-o", str(tmp_path / "out.pdf"), "--config", str(config)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={**os.environ, "TMPDIR": str(temp)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("wrote "), done.stdout  # flushed before the process ended
    assert not list(temp.glob("weasyprint-*"))
    assert any(row[0].endswith("+Brand-Serif") for row in pdffonts(tmp_path / "out.pdf"))


def test_a_brand_font_larger_than_the_resource_cap_is_embedded(tmp_path):
    # Brand fonts are read by file URL; a CJK font is often over the cap on a post's images.
    # The padding goes after the tables: fonts are read by offsets.
    config, post = brand_font_kit(tmp_path, padding=MAX_RESOURCE_BYTES)
    result = render(post, tmp_path / "out.pdf", config)
    assert not [w for w in result.warnings if "Brand" in w.message], result.warnings
    assert any(row[0].endswith("+Brand-Serif") for row in pdffonts(result.output))


def test_brand_yml_font_files(tmp_path):
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts/Brand-Bold.otf").write_bytes(b"not checked until rendering")
    brand_yml = (
        "typography:\n  fonts:\n    - family: Brand Sans\n      source: file\n"
        "      files:\n        - path: fonts/Brand-Bold.otf\n          weight: 700\n"
        "  base: Brand Sans\n"
    )
    brand = load_config(write_kit(tmp_path, "", brand_yml=brand_yml)).brand
    assert brand.body_fonts == ("Brand Sans",)
    [face] = brand.font_files
    assert (face.family, face.weight) == ("Brand Sans", "700")
    assert face.path == (tmp_path / "fonts/Brand-Bold.otf").resolve()


def test_missing_font_file_names_the_config(tmp_path):
    config = write_kit(
        tmp_path, '[[brand.font_files]]\nfamily = "X"\npath = "nope.otf"\n', brand_yml=None
    )
    with pytest.raises(PresskitError, match="font file not found"):
        load_config(config)


def test_formal_theme_sets_chinese_in_serif_without_fake_italics(tmp_path):
    post = FIXTURES / "release/content/zh/news/launch/index.md"
    out = tmp_path / "formal.pdf"
    done = run_presskit("render", str(post), "-o", str(out), "--theme", "formal")
    assert done.returncode == 0, done.stderr
    names = [row[0] for row in pdffonts(out)]
    assert any("Noto-Serif-CJK-SC" in name for name in names), names
    assert not any("Oblique" in name or "Italic" in name for name in names), names
