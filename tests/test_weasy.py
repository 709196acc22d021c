"""The WeasyPrint adapter: one tested range, one table of patches, and both paths proven.

In the range every patch is applied; outside it (forced here by making the installed version
read 71.0 in a fresh interpreter) WeasyPrint's own code runs, the command says so in one
line, and the PDF has the same pages and text, only larger (CJK fonts embed whole glyph-id
ranges without `compact_cid_fonts`).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib

import pytest
from conftest import EXAMPLE_CONFIG, ROOT, SAMPLE_ARGS, SAMPLE_ZH, pdftotext, run_python

from presskit import weasy


def test_the_tested_range_is_the_pinned_range():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pinned = [d for d in data["project"]["dependencies"] if d.startswith("weasyprint")]
    assert pinned == [f"weasyprint{weasy.TESTED_RANGE}"]
    assert weasy.in_tested_range(weasy.installed_version())


def test_installed_version_is_what_the_package_metadata_says():
    """Read from the `.dist-info` folder's name, without importlib.metadata: the same answer."""
    import importlib.metadata

    assert weasy.installed_version() == importlib.metadata.version("weasyprint")


@pytest.mark.parametrize(
    ("version", "tested"),
    [("70.0", True), ("70.2", True), ("71.0", False), ("69.1", False), ("", False), (None, False)],
)
def test_in_tested_range(version, tested):
    assert weasy.in_tested_range(version) is tested


def test_every_patch_in_the_table_is_applied_here_and_nothing_else():
    """This machine has the tested WeasyPrint and HarfBuzz >= 6: every row is active."""
    out = run_python(
        "import json\n"
        "from presskit.weasy.engine import ACTIVE, import_weasyprint\n"
        "import_weasyprint()\n"
        "print(json.dumps(ACTIVE))\n"
    )
    active = json.loads(out)
    assert set(active) == {patch.name for patch in weasy.PATCHES}
    assert all(active.values()), active


def test_readme_shows_every_patch():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for patch in weasy.PATCHES:
        assert f"`{patch.name}`" in readme, patch.name


UNTESTED = """
import atexit, json, sys
import presskit.weasy
presskit.weasy.installed_version = lambda: "71.0"
sys.argv = ["presskit", *sys.argv[1:]]
from presskit.cli import main

def report():  # at exit: `presskit render` ends the process itself (presskit.quickexit)
    from presskit.weasy.engine import ACTIVE
    from weasyprint.pdf import fonts
    from weasyprint.css import CSS
    print(json.dumps({
        "active": ACTIVE,
        "own_subset": not hasattr(fonts.Font._harfbuzz_subset, "original"),
        "own_css": not hasattr(CSS, "original"),
    }))

atexit.register(report)
main()
"""


def test_an_untested_weasyprint_runs_its_own_code_with_one_warning(tmp_path, sample_pdf):
    out = tmp_path / "untested.pdf"
    args = ["render", str(SAMPLE_ZH), "--config", str(EXAMPLE_CONFIG), "-o", str(out)]
    done = subprocess.run(
        [sys.executable, "-c", UNTESTED, *args, *SAMPLE_ARGS],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if "outside the range" in line]
    assert warnings == [
        "warning: WeasyPrint 71.0 is outside the range presskit is tested with (>=70,<71): its "
        "patches are off and WeasyPrint's own code runs (slower; CJK fonts embed larger)"
    ]
    state = json.loads(done.stdout.splitlines()[-1])
    assert not any(state["active"].values()), state
    assert state["own_subset"] and state["own_css"]
    # The same document: same pages and words; only the font programs differ. (A leader's
    # dots are one run with `leader_one_run`, a text object each without: pdftotext sees a
    # word break before the first dot only in the second.)
    assert leaders_spaced(pdftotext(out)) == leaders_spaced(pdftotext(sample_pdf))
    assert out.stat().st_size > sample_pdf.stat().st_size


def leaders_spaced(text: str) -> str:
    return re.sub(r" ?(\.{4,})", r" \1", text)


def test_doctor_lists_the_patches():
    done = subprocess.run(
        [sys.executable, "-m", "presskit", "doctor", "--config", str(EXAMPLE_CONFIG)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    rows = {
        line.split()[1]: line.split()[2]
        for line in done.stdout.splitlines()
        if line.startswith("patch ")
    }
    assert rows == {patch.name: "ok" for patch in weasy.PATCHES}
