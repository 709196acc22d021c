"""A shortcode declared once, and extensions loaded the same way everywhere.

One file declares a shortcode; the source pass, the renderers per output kind, the page's CSS
and the words all come from it. Extensions load from presskit.toml (beside it, or installed),
from the `presskit.extensions` entry points, and (for the pandoc filter) from
PRESSKIT_EXTENSIONS: in the CLI, the filter and every batch worker, never from a post.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLE_CONFIG, FIXTURES, pdftotext, run_python

from presskit import extensions
from presskit.cli import cli
from presskit.errors import PresskitError
from presskit.output.convert import pandoc_path
from presskit.pipeline import prepare
from presskit.shortcodes.declare import REGISTRY

SHORTCODES = '''
"""A site's shortcodes, one declaration each."""
import panflute as pf

from presskit.shortcodes.declare import Param, shortcode
from presskit.shortcodes.handlers import text_inlines


@shortcode(
    "aside",
    params=[Param("title", 0)],
    labels={"en": {"aside": "Aside"}, "zh-CN": {"aside": "旁注"}},
    css=".aside { border-left: 2pt solid var(--accent); }",
)
def aside(call, ctx):
    title = call.label(ctx, "aside") + ": " + call.text_param("title")
    head = pf.Para(pf.Strong(*text_inlines(title)))
    return pf.BlockQuote(head, *call.blocks())


@aside.renderer("html")
def aside_html(call, ctx):
    title = call.label(ctx, "aside") + " · " + call.text_param("title")
    head = pf.Div(pf.Para(*text_inlines(title)))
    return pf.Div(head, *call.blocks(), classes=["aside"])


@shortcode("console", inner="verbatim")
def console(call, ctx):
    return None
'''

POST = """---
title: Extension test
lang: {lang}
---

Before.

{{{{< aside "Context" >}}}}
Some *words* in the aside.
{{{{< /aside >}}}}

{{{{< console >}}}}
# not a heading
$ echo *not emphasis*
{{{{< /console >}}}}
"""


@pytest.fixture
def clean_registry(monkeypatch):
    """Declarations and loaded extensions as they were: a test's shortcodes leave with it."""
    REGISTRY.declarations()  # the built-ins, loaded before the snapshot
    monkeypatch.setattr(REGISTRY, "_by_name", dict(REGISTRY._by_name))
    monkeypatch.setattr(extensions, "_loaded", dict(extensions._loaded))
    monkeypatch.setattr(sys, "path", list(sys.path))
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        if name.startswith(("site_shortcodes", "parent_declared", "noisy_ext")):
            del sys.modules[name]


def site(tmp_path: Path, lang: str = "en", extra: str = "") -> Path:
    (tmp_path / "site_shortcodes.py").write_text(SHORTCODES, encoding="utf-8")
    (tmp_path / "presskit.toml").write_text(
        f'extensions = ["site_shortcodes"]\n{extra}', encoding="utf-8"
    )
    post = tmp_path / "content" / "post" / "index.md"
    post.parent.mkdir(parents=True)
    post.write_text(POST.format(lang=lang), encoding="utf-8")
    return post


def test_one_file_declares_the_shortcode_for_every_pass(tmp_path, clean_registry):
    post = site(tmp_path)
    prepared = prepare(post)
    assert not [w for w in prepared.warnings if "shortcode" in w.message], prepared.warnings
    html = prepared.html
    # the HTML renderer, its words and its style (before the theme's)
    assert '<div class="aside">' in html and "Aside · Context" in html
    assert html.index(".aside { border-left") < html.index("presskit default theme")
    # verbatim inner content: code, byte for byte (no heading, the tag inside kept as text)
    assert "# not a heading" in html and 'id="not-a-heading"' not in html
    assert "$ echo *not emphasis*" in html


def test_its_words_follow_the_language(tmp_path, clean_registry):
    html = prepare(site(tmp_path, lang="zh")).html
    assert "旁注 · Context" in html


def test_generic_renderer_for_other_outputs(tmp_path, clean_registry):
    from presskit.output.convert import Conversion, convert
    from presskit.source.post import load_post

    post = site(tmp_path)
    extensions.load(["site_shortcodes"], source=tmp_path / "presskit.toml")
    markdown = convert(load_post(post), Conversion(lang="en", fmt="markdown"))
    assert "> **Aside: Context**" in markdown
    assert ".aside" not in markdown  # the HTML renderer's structure is for HTML only


def test_a_declared_shortcode_must_be_closed(tmp_path, clean_registry):
    post = site(tmp_path)
    post.write_text("---\ntitle: T\n---\n\n{{< aside >}}\nnever closed\n", encoding="utf-8")
    with pytest.raises(PresskitError, match='unclosed shortcode "aside"'):
        prepare(post)


def test_istio_shortcodes_are_an_extension_not_core(tmp_path):
    """In a fresh interpreter (extensions, once loaded, stay for the process)."""
    relnote = FIXTURES / "posts/en/news/releases/1.18.x/announcing-1.18.2/index.md"
    bare = tmp_path / "presskit.toml"
    bare.write_text('lang = "en"\n', encoding="utf-8")
    without = json.loads(
        run_python(
            "import json\n"
            "from presskit.pipeline import prepare\n"
            f"done = prepare({str(relnote)!r}, {str(bare)!r})\n"
            "print(json.dumps([done.html, [w.message for w in done.warnings]]))\n"
        )
    )
    assert any('unsupported shortcode "relnote"' in w for w in without[1])
    assert 'class="relnote"' not in without[0]
    with_istio = prepare(relnote, EXAMPLE_CONFIG)
    assert 'class="relnote"' in with_istio.html and ".relnote {" in with_istio.html
    assert not any("relnote" in w.message for w in with_istio.warnings)


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('extensions = ["no_such_module_here"]', "extension 'no_such_module_here' could not"),
        ('extensions = ["../evil"]', "`extensions` must be a list of Python module names"),
        ('extensions = "site_shortcodes"', "`extensions` must be a list of Python module names"),
    ],
)
def test_a_bad_extension_is_one_line(tmp_path, setting, message, clean_registry):
    post = site(tmp_path)
    (tmp_path / "presskit.toml").write_text(setting + "\n", encoding="utf-8")
    done = CliRunner().invoke(cli, ["html", str(post)])
    assert done.exit_code == 1
    assert done.stderr.startswith("error: ") and message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.output


def test_the_config_extension_reaches_every_batch_worker(tmp_path, clean_registry):
    site(tmp_path)
    out = tmp_path / "out"
    done = CliRunner().invoke(cli, ["build", str(tmp_path / "content"), "-o", str(out), "-j", "2"])
    assert done.exit_code == 0, done.output
    text = pdftotext(out / "post.pdf")
    assert "Aside · Context" in text
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert not any("shortcode" in w for d in manifest["documents"] for w in d["warnings"])


PARENT = """
import sys
sys.path.insert(0, {folder!r})
import parent_declared  # declares "shout" in this process only
import presskit
result = presskit.build([{content!r}], {out!r}, jobs=1, config={config!r})
print(result.summary())
"""

PARENT_DECLARED = """
import panflute as pf
from presskit.shortcodes.declare import shortcode
from presskit.shortcodes.handlers import text_inlines

@shortcode("shout")
def shout(call, ctx):
    return pf.Para(*text_inlines(pf.stringify(call.elem).upper()))
"""


def test_a_shortcode_declared_by_the_calling_script_reaches_the_workers(tmp_path):
    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / "parent_declared.py").write_text(PARENT_DECLARED, encoding="utf-8")
    content = tmp_path / "content" / "p"
    content.mkdir(parents=True)
    (content / "index.md").write_text(
        "---\ntitle: T\n---\n\n{{< shout >}}\nquiet words\n{{< /shout >}}\n", encoding="utf-8"
    )
    config = tmp_path / "presskit.toml"
    config.write_text('lang = "en"\n', encoding="utf-8")
    out = tmp_path / "out"
    code = PARENT.format(
        folder=str(folder), content=str(content.parent), out=str(out), config=str(config)
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "built 1" in done.stdout
    assert "QUIET WORDS" in pdftotext(out / "p.pdf")


def test_post_metadata_never_loads_an_extension(tmp_path):
    """Under plain pandoc a post's front matter is metadata: naming a module there does
    nothing; PRESSKIT_EXTENSIONS (the person running pandoc) does load one."""
    folder = tmp_path / "lib"
    folder.mkdir()
    marker = tmp_path / "imported"
    (folder / "noisy_ext.py").write_text(f"open({str(marker)!r}, 'w').close()\n", encoding="utf-8")
    post = tmp_path / "post.md"
    post.write_text(
        "---\ntitle: T\npresskit:\n  extensions: [noisy_ext]\nextensions: [noisy_ext]\n---\n\nHi\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(folder)}
    command = [pandoc_path(), str(post), "--filter", "presskit-filter", "-t", "html"]
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    done = subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert not marker.exists()
    env["PRESSKIT_EXTENSIONS"] = "noisy_ext"
    done = subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert marker.exists()


# --------------------------------------------------------------------------- third party


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment with presskit-shout (tests/fixtures/extension) installed by
    pip, offline, and presskit and its dependencies seen through the project's environment."""
    root = tmp_path_factory.mktemp("thirdparty")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    project = sysconfig.get_paths()["purelib"]
    # `import site` lines of a .pth run at start-up: the project's site-packages, with its own
    # .pth files (the editable presskit), after the new environment's own.
    Path(purelib, "project.pth").write_text(
        f"import site; site.addsitedir({project!r})\n", encoding="utf-8"
    )
    source = root / "presskit-shout"
    shutil.copytree(FIXTURES / "extension", source)
    done = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-index",
            "--no-build-isolation",
            "--quiet",
            str(source),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert Path(purelib, "presskit_shout.py").is_file()  # installed into the new environment
    return python


def shout_post(tmp_path: Path) -> Path:
    post = tmp_path / "content" / "shout" / "index.md"
    post.parent.mkdir(parents=True)
    post.write_text(
        '---\ntitle: Shout\n---\n\n{{< shout "Jane" >}}\nHello there.\n{{< /shout >}}\n',
        encoding="utf-8",
    )
    (tmp_path / "presskit.toml").write_text('lang = "en"\n', encoding="utf-8")
    return post


def presskit_in(python: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`presskit ARGS` run by the fresh environment's Python."""
    done = subprocess.run(
        [str(python), "-m", "presskit", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=cwd,
    )
    assert done.returncode == 0, done.stderr
    return done


def test_an_installed_extension_renders_through_the_cli(fresh_venv, tmp_path):
    post = shout_post(tmp_path)
    done = presskit_in(fresh_venv, "html", str(post), cwd=tmp_path)
    assert '<div class="shout">' in done.stdout and "Jane says:" in done.stdout
    assert ".shout { font-weight: 700;" in done.stdout
    assert "unsupported" not in done.stderr


def test_an_installed_extension_reaches_the_batch_workers(fresh_venv, tmp_path):
    shout_post(tmp_path)
    out = tmp_path / "out"
    presskit_in(fresh_venv, "build", "content", "-o", str(out), "-j", "1", cwd=tmp_path)
    assert "JANE SAYS:" in pdftotext(out / "shout.pdf")  # the theme-free CSS of the extension


def test_an_installed_extension_reaches_the_pandoc_filter(fresh_venv, tmp_path):
    post = shout_post(tmp_path)
    json_ast = subprocess.run(
        [pandoc_path(), str(post), "-t", "json"], capture_output=True, text=True, check=True
    ).stdout
    filtered = subprocess.run(
        [str(fresh_venv), "-m", "presskit.shortcodes.filter", "markdown"],
        input=json_ast,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert filtered.returncode == 0, filtered.stderr
    markdown = subprocess.run(
        [pandoc_path(), "-f", "json", "-t", "markdown"],
        input=filtered.stdout,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "*Jane says:*" in markdown and "Hello there." in markdown
    assert "{{<" not in markdown
