"""Light paths stay light: `--help`, `--version` and the pandoc filter never load the renderer.

Each check runs in a fresh interpreter and reads `sys.modules` when it exits, so it states
what was imported, not how long it took (speed is measured in bench/, never in tests).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_python

# babel (CLDR dates and names) is loaded by the first date formatted, never by the CLI's help
# or the filter, which import presskit.i18n for its words
RENDERER = ("weasyprint", "pydyf", "fontTools", "cffi", "jinja2", "pypandoc", "babel")

REPORT = (
    "import atexit, json, sys\n"
    "atexit.register(lambda: sys.stderr.write('\\nMODULES ' + json.dumps(sorted(sys.modules))))\n"
)


def modules_after(code: str, *, stdin: str = "", whole: bool = False) -> set[str]:
    """The top-level packages imported by `code` (every module's full name with `whole`)."""
    done = subprocess.run(
        [sys.executable, "-c", REPORT + code],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    marker = done.stderr.rpartition("MODULES ")[2]
    assert marker.startswith("["), done.stderr
    return {name if whole else name.split(".")[0] for name in json.loads(marker)}


def last_line(code: str) -> str:
    return run_python(code).strip().splitlines()[-1]


@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_cli_help_and_version_load_no_renderer(flag):
    loaded = modules_after(
        f"sys.argv = ['presskit', {flag!r}]\nfrom presskit.cli import main\nmain()\n"
    )
    assert "presskit" in loaded
    assert not loaded & {*RENDERER, "panflute", "yaml"}


def test_filter_loads_panflute_but_no_renderer():
    empty_doc = json.dumps(
        {"pandoc-api-version": [1, 23, 1], "meta": {}, "blocks": [{"t": "Para", "c": []}]}
    )
    loaded = modules_after(
        "sys.argv = ['presskit-filter', 'html']\n"
        "from presskit.shortcodes.filter import main\nmain()\n",
        stdin=empty_doc,
    )
    assert "panflute" in loaded
    assert not loaded & set(RENDERER)


def test_filter_reads_no_package_metadata_and_no_page_code():
    """The filter finds installed extensions without `importlib.metadata` (and the `email` and
    `zipfile` it imports) when no installed package declares one, and leaves the page's HTML
    rewriting (`presskit.output.paper`, markupsafe) to the renderer."""
    loaded = modules_after(
        "sys.argv = ['presskit-filter', 'html']\n"
        "from presskit.shortcodes.filter import main\nmain()\n",
        stdin=json.dumps({"pandoc-api-version": [1, 23, 1], "meta": {}, "blocks": []}),
        whole=True,
    )
    assert "presskit.extensions" in loaded
    assert not loaded & {"importlib.metadata", "email", "zipfile", "presskit.output.paper"}
    assert "html.parser" not in loaded  # a lone raw <img> is rare: parsed when there is one
    assert "markupsafe" not in loaded


def test_import_presskit_is_cheap():
    loaded = modules_after("import presskit\n")
    assert not loaded & {*RENDERER, "panflute", "click"}


def test_pandoc_is_found_without_importing_pypandoc():
    loaded = modules_after(
        "from presskit.output.convert import pandoc_path\n"
        "import subprocess\n"
        "out = subprocess.run([pandoc_path(), '--version'], capture_output=True, text=True)\n"
        "assert out.stdout.startswith('pandoc 3'), out.stdout\n"
    )
    assert "pypandoc" not in loaded


def test_pandoc_path_is_pypandocs_choice():
    import pypandoc

    from presskit.output.convert import pandoc_path

    assert pandoc_path() == pypandoc.get_pandoc_path()


def test_svg_logo_does_not_make_pillow_probe_every_format(tmp_path):
    # The pixel cap reads image headers; an SVG logo is markup, so Pillow must not be asked to
    # identify it (that loads every Pillow plugin, WebP's decoder included).
    plugins = set(
        json.loads(
            last_line(
                "import json, sys, presskit\n"
                "from conftest import EXAMPLE_CONFIG, SAMPLE_EN\n"
                f"presskit.render(SAMPLE_EN, {str(tmp_path / 'en.pdf')!r}, EXAMPLE_CONFIG)\n"
                "print(json.dumps([m for m in sys.modules if m.startswith('PIL.')]))\n"
            )
        )
    )
    assert "PIL.WebPImagePlugin" not in plugins, plugins


def test_a_render_leaves_fonttools_subsetting_and_variable_fonts_unimported(tmp_path):
    code = (
        "import json, sys, presskit\n"
        "from presskit.weasy.engine import _Deferred\n"
        "from conftest import EXAMPLE_CONFIG, SAMPLE_ZH\n"
        f"presskit.render(SAMPLE_ZH, {str(tmp_path / 'zh.pdf')!r}, EXAMPLE_CONFIG)\n"
        "print(json.dumps(sorted(m for m, module in sys.modules.items()\n"
        "    if m.startswith('fontTools.') and not isinstance(module, _Deferred))))\n"
    )
    loaded = set(json.loads(last_line(code)))
    assert "fontTools.ttLib" in loaded  # WeasyPrint's font reading: imported as before
    assert not loaded & {"fontTools.subset", "fontTools.varLib", "fontTools.varLib.instancer"}


def test_deferred_fonttools_modules_load_on_first_use():
    code = (
        "import sys, json\n"
        "from presskit.weasy.engine import import_weasyprint, _Deferred\n"
        "import_weasyprint()\n"
        "from weasyprint.pdf import fonts\n"
        "assert isinstance(sys.modules['fontTools.subset'], _Deferred)\n"
        "options = fonts.subset.Options()\n"  # WeasyPrint's fallback without HarfBuzz
        "try:\n"
        "    fonts.instantiateVariableFont(None, {})\n"
        "except Exception as error:\n"
        "    import traceback\n"
        "    kind = traceback.extract_tb(error.__traceback__)[-1].filename\n"
        "import fontTools.varLib.instancer as real\n"
        "print(json.dumps([type(options).__module__, kind,\n"
        "    isinstance(sys.modules['fontTools.subset'], _Deferred),\n"
        "    isinstance(real, _Deferred), callable(real.instantiateVariableFont)]))\n"
    )
    line = last_line(code)
    module, kind, subset_deferred, instancer_deferred, callable_ = json.loads(line)
    assert module == "fontTools.subset"
    assert "/fontTools/" in kind  # the real function ran (and found no font in None)
    assert (subset_deferred, instancer_deferred, callable_) == (False, False, True)


def test_a_warm_worker_keeps_what_it_imported_out_of_the_collectors_walks():
    code = (
        "import gc, json\n"
        "from presskit.batch.workers import warm_up\n"
        "from presskit.weasy.engine import font_configuration\n"
        "warm_up()\n"
        "print(json.dumps([gc.get_freeze_count(), gc.isenabled(),\n"
        "    font_configuration('<p>x</p>') is font_configuration('<p>warm</p>')]))\n"
    )
    line = last_line(code)
    frozen, enabled, shared = json.loads(line)
    assert frozen > 20_000  # modules, WeasyPrint's tables: not walked by each collection
    assert enabled  # the posts' own garbage is still collected
    assert shared  # the warm-up warmed the font configuration posts without @font-face use


def test_submodules_of_a_deferred_package_import_by_name():
    # fontTools' own tables do this (an `avar` table: `from fontTools.varLib.models import …`);
    # a stand-in without `__path__` made it "No module named …; not a package".
    code = (
        "from presskit.weasy.engine import import_weasyprint\n"
        "import_weasyprint()\n"
        "from fontTools.varLib.models import normalizeLocation\n"
        "from fontTools.varLib.instancer import instantiateVariableFont\n"
        "print(normalizeLocation({'wght': 500}, {'wght': (100, 400, 900)}))\n"
    )
    line = last_line(code)
    assert line == "{'wght': 0.2}"


def test_a_warm_worker_s_first_posts_import_and_load_nothing_more(tmp_path):
    # The fork server warms up once for every worker forked from it: what a worker's first
    # post would load on its own (modules, English hyphenation, CLDR data) each worker paid
    # for again (0.15–0.3 s of CPU apiece; see bench/). An English post with images and a
    # Chinese one, rendered after the warm-up, must find all of it loaded.
    fixtures = Path(__file__).parent / "fixtures" / "posts"
    posts = [str(p) for p in sorted(fixtures.glob("*/blog/2023/*/index.md"))]
    assert len(posts) == 2
    code = (
        "import json, sys, pyphen\n"
        "from presskit.batch.workers import warm_up, render_post\n"
        "warm_up()\n"
        "before, dictionaries = set(sys.modules), set(pyphen.hdcache)\n"
        f"for i, post in enumerate({posts!r}):\n"
        f"    assert render_post(post, {str(tmp_path)!r} + f'/{{i}}.pdf', None, None, True)['ok']\n"
        "new = sorted(m for m in set(sys.modules) - before if not m.startswith('encodings.'))\n"
        "print(json.dumps([new, sorted(map(str, set(pyphen.hdcache) - dictionaries))]))\n"
    )
    modules, dictionaries = json.loads(last_line(code))
    assert (modules, dictionaries) == ([], [])
