"""Config that talks back: an unknown key in presskit.toml or theme.toml is one warning naming
the file, the line and the nearest known key; known keys, in every way the files are written,
say nothing."""

from __future__ import annotations

import shutil
import textwrap
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from presskit.brand import CONFIG_KEYS, load_config
from presskit.cli import cli
from presskit.scaffold import CONFIG as SCAFFOLD_CONFIG
from presskit.themes import builtin_root, load_theme
from presskit.tomlkeys import key_lines, unknown_keys

ROOT = Path(__file__).resolve().parent.parent


def config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "presskit.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            'lang = "en"\npagesize = "A5"\n',
            ':2: unknown key "pagesize", ignored; did you mean "page_size"?',
            id="top-level-typo",
        ),
        pytest.param(
            '[brand]\nname = "X"\n\nprimery = "#112233"\n',
            ':4: unknown key "primery" in [brand], ignored; did you mean "primary"?',
            id="brand-typo",
        ),
        pytest.param(
            '[brand.fonts]\nbody = ["A"]\nheading = ["B"]\n',
            ':3: unknown key "heading" in [brand.fonts], ignored; did you mean "headings"?',
            id="nested-table",
        ),
        pytest.param(
            '[[brand.contacts]]\nname = "A"\n[[brand.contacts]]\nname = "B"\nmail = "b@x"\n',
            ':5: unknown key "mail" in [brand.contacts], ignored; did you mean "email"?',
            id="second-array-entry",
        ),
        pytest.param(
            'brand.nmae = "X"\n',
            ':1: unknown key "nmae" in [brand], ignored; did you mean "name"?',
            id="dotted-key",
        ),
        pytest.param(
            '[brand]\nfonts = { body = ["A"], bdy = ["B"] }\n',
            ':2: unknown key "bdy" in [brand.fonts], ignored; did you mean "body"?',
            id="inline-table-at-its-key",
        ),
        pytest.param(
            '[brand]\nabout = """\n[x]\nzzz = 1\n"""\n[more]\ncolour_scheme = "dark"\n',
            ':6: unknown key "more", ignored',
            id="no-near-key-and-not-fooled-by-a-multiline-string",
        ),
    ],
)
def test_unknown_key_is_one_located_warning(tmp_path, text, expected):
    path = config(tmp_path, text)
    warnings = load_config(path).warnings
    assert [str(w) for w in warnings] == [f"{path}{expected}"]


def test_about_takes_any_language_key(tmp_path):
    path = config(tmp_path, '[brand.about]\nen = "A"\nzh-TW = "B"\n')
    assert load_config(path).warnings == ()


@pytest.mark.parametrize(
    "path", [ROOT / "examples" / "presskit.toml", *sorted(builtin_root().glob("*/theme.toml"))]
)
def test_shipped_files_have_no_unknown_keys(path):
    text = path.read_text(encoding="utf-8")
    if path.name == "presskit.toml":
        assert load_config(path).warnings == ()
    else:
        assert load_theme(path.parent.name).warnings == ()
    assert key_lines(text)  # the scan found the keys it vouches for


def test_scaffolded_config_with_every_commented_option_enabled_is_clean(tmp_path):
    """The config `presskit init` writes documents every setting: uncommented, all known."""
    lines = []
    for line in SCAFFOLD_CONFIG.splitlines():
        stripped = line.removeprefix("# ")
        option = stripped.startswith("[") or (stripped[:1].isalpha() and " = " in stripped)
        lines.append(stripped if option else line)
    text = "\n".join(lines)
    data = tomllib.loads(text)
    assert "margin" in data and "fonts" in data["brand"] and "font_files" in data["brand"]
    assert unknown_keys(text, data, CONFIG_KEYS, tmp_path / "presskit.toml") == []


def test_theme_toml_unknown_key(tmp_path):
    """A copy of the formal theme with a misspelt switch."""
    theme = tmp_path / "mytheme"
    shutil.copytree(builtin_root() / "formal", theme)
    settings = theme / "theme.toml"
    lines = settings.read_text(encoding="utf-8").splitlines()
    settings.write_text("\n".join([*lines, "serif_bodi = false"]) + "\n", encoding="utf-8")
    warnings = [str(w) for w in load_theme(str(theme)).warnings]
    assert warnings == [
        f'{settings}:{len(lines) + 1}: unknown key "serif_bodi", ignored; '
        'did you mean "serif_body"?'
    ]


def test_render_and_build_report_the_warning(tmp_path):
    """`presskit html` prints it with the post's warnings; `presskit build` once, not per post."""
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "b").mkdir()
    for folder in ("a", "b"):
        (site / folder / "index.md").write_text("---\ntitle: T\n---\n\nHello.\n", encoding="utf-8")
    path = config(site, 'lang = "en"\npage_sise = "A5"\n')
    message = f'{path}:2: unknown key "page_sise", ignored; did you mean "page_size"?'
    runner = CliRunner()
    shown = runner.invoke(cli, ["html", str(site / "a" / "index.md"), "-o", str(tmp_path / "a")])
    assert shown.exit_code == 0, shown.output
    assert f"warning: {message}" in shown.stderr
    built = runner.invoke(cli, ["build", str(site), "-o", str(tmp_path / "out"), "-j", "1"])
    assert built.exit_code == 0, built.output
    assert built.stderr.count(message) == 1
    manifest = (tmp_path / "out" / "manifest.json").read_text(encoding="utf-8")
    assert "page_sise" not in manifest  # not repeated in every post's row


def test_every_key_the_reader_reads_is_in_the_schema():
    """A setting added to `config_from_dict` without its schema entry would warn as unknown."""
    import re

    source = (ROOT / "presskit" / "brand.py").read_text(encoding="utf-8")
    body = source[source.index("def config_from_dict") :]
    read = set(re.findall(r'(?:data\.get\(|_str\(data, )"(\w+)"', body))
    assert read, "the pattern no longer matches how config_from_dict reads keys"
    assert read <= set(CONFIG_KEYS), read - set(CONFIG_KEYS)
