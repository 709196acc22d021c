"""`presskit init` and `presskit doctor` (with a machine whose CJK fonts are missing)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import EXAMPLE_CONFIG, pdftotext, run_presskit

from presskit.brand import Config
from presskit.doctor import check_fonts


def test_init_writes_a_kit_that_renders(tmp_path):
    done = run_presskit("init", str(tmp_path / "kit"))
    assert done.returncode == 0, done.stderr
    kit = tmp_path / "kit"
    config = (kit / "presskit.toml").read_text(encoding="utf-8")
    assert config.count("#") > 10  # commented
    assert (kit / "logo.svg").is_file()
    post = kit / "content/en/news/hello-press/index.md"
    out = tmp_path / "hello.pdf"
    done = run_presskit("render", str(post), "-o", str(out), "--as-of", "2024-04-30")
    assert done.returncode == 0, done.stderr
    text = pdftotext(out)
    assert "SAN FRANCISCO, May 1, 2024 —" in text
    assert "About Example Foundation" in text


def test_init_refuses_to_overwrite(tmp_path):
    (tmp_path / "presskit.toml").write_text("# mine\n", encoding="utf-8")
    done = run_presskit("init", str(tmp_path))
    assert done.returncode == 1
    assert done.stderr.startswith("error: ") and "presskit.toml" in done.stderr
    assert (tmp_path / "presskit.toml").read_text(encoding="utf-8") == "# mine\n"
    assert not (tmp_path / "logo.svg").exists()


def test_doctor_on_this_machine():
    done = run_presskit("doctor", "--config", str(EXAMPLE_CONFIG))
    assert done.returncode == 0, done.stdout + done.stderr
    for line in ("pandoc", "WeasyPrint", "Pango", "HarfBuzz subsetting", "font en", "font zh"):
        assert line in done.stdout
    assert "Noto Sans CJK SC" in done.stdout


@pytest.fixture
def no_cjk_fonts(tmp_path: Path) -> dict[str, str]:
    """A fontconfig that sees only DejaVu: what a machine without fonts-noto-cjk looks like."""
    dejavu = Path("/usr/share/fonts/truetype/dejavu")
    if not dejavu.is_dir():
        pytest.skip("fonts-dejavu-core is not installed")
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f"  <dir>{dejavu}</dir>\n  <cachedir>{tmp_path / 'cache'}</cachedir>\n</fontconfig>\n",
        encoding="utf-8",
    )
    return {"FONTCONFIG_FILE": str(conf)}


def test_doctor_with_cjk_font_missing_exits_1_with_a_hint(no_cjk_fonts, monkeypatch):
    for key, value in no_cjk_fonts.items():
        monkeypatch.setenv(key, value)
    done = run_presskit("doctor", "--config", str(EXAMPLE_CONFIG))
    assert done.returncode == 1
    zh = next(line for line in done.stdout.splitlines() if line.startswith("font zh"))
    assert "missing" in zh
    assert "font zh: apt-get install fonts-noto-cjk" in done.stdout


@pytest.mark.parametrize(
    ("installed", "covering", "status"),
    [
        ({"Noto Sans CJK SC", "Noto Sans"}, {"Noto Sans CJK SC"}, "ok"),
        ({"Noto Sans"}, {"Noto Sans CJK SC"}, "missing"),  # CJK face gone
        ({"Noto Sans", "Noto Sans CJK SC"}, set(), "missing"),  # present but no coverage
    ],
)
def test_font_check_per_language(installed, covering, status):
    check = check_fonts("zh", Config(), False, installed, covering)
    assert check.status == status, check
    assert check.failed == (status == "missing")


def test_doctor_warns_without_harfbuzz_subsetting(monkeypatch):
    """No libharfbuzz-subset0: WeasyPrint falls back to fontTools (~10× slower), so a warning
    with the package to install — never a failure, renders still work."""
    from weasyprint.text import ffi

    from presskit.doctor import check_weasyprint, table
    from presskit.weasy.engine import import_weasyprint

    import_weasyprint()  # tuned as in a render, before the library goes missing

    monkeypatch.setattr(ffi, "harfbuzz_subset", None)
    checks = {check.name: check for check in check_weasyprint()}
    subset = checks["HarfBuzz subsetting"]
    assert subset.status == "warn"
    assert not subset.failed
    assert "10× slower" in subset.detail
    assert not any(check.failed for check in checks.values())
    hint = "HarfBuzz subsetting: apt-get install libharfbuzz-subset0"
    assert hint in table(list(checks.values()))
