"""`presskit build`: discovery, naming, incremental decisions, failure isolation, the manifest.

Most tests swap the renderer for `build_hooks.fake_render` (a few bytes per post), so the
batch machinery is tested in seconds; the real renderer runs in test_kit.py and in
`test_real_render_records_warnings_not_failures`.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path, PurePosixPath

import pytest
from conftest import ROOT, run_presskit

import presskit
from presskit.batch.builder import build
from presskit.batch.discover import output_name, translation_key

FAKE = "build_hooks:fake_render"
TESTS = Path(__file__).resolve().parent


def post(root: Path, rel: str, title: str = "A post", extra: str = "", body: str = "Text.\n"):
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: {title}\ndate: 2024-05-01\n{extra}---\n\n{body}", "utf-8")
    return path


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A small content tree with every kind of file discovery must tell apart."""
    root = tmp_path / "content"
    post(root, "en/blog/2024/launch/index.md", "Launch")
    (root / "en/blog/2024/launch/diagram.png").write_bytes(b"png")
    post(root, "zh/blog/2024/launch/index.md", "发布")
    post(root, "en/blog/2024/link-post.md", "Link post")
    post(root, "en/blog/_index.md", "Blog section", body="\n  \n")
    post(root, "en/blog/2024/wip/index.md", "Not yet", extra="draft: true\n")
    post(root, "en/.hidden/secret.md", "Hidden")
    (root / "README.md").write_text("# About this folder\n", "utf-8")
    return root


def run(paths, out, **options):
    options.setdefault("runner", FAKE)
    options.setdefault("jobs", 2)
    return build([paths] if not isinstance(paths, list) else paths, out, **options)


def by_source(result):
    return {doc.source: doc for doc in result.documents}


@pytest.fixture
def render_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fake renderer appends each post it renders here (workers inherit the variable)."""
    log = tmp_path / "renders.log"
    monkeypatch.setenv("BUILD_HOOKS_LOG", str(log))
    return log


def rendered(log: Path) -> list[str]:
    text = log.read_text("utf-8") if log.exists() else ""
    log.unlink(missing_ok=True)
    return sorted(Path(line.split("\t")[0]).parent.name for line in text.splitlines())


# --------------------------------------------------------------------------- naming


@pytest.mark.parametrize(
    ("rel", "folder", "expected"),
    [
        pytest.param("zh/blog/2023/slug/index.md", "content", "zh/blog/2023/slug.pdf", id="bundle"),
        pytest.param("blog/2024/link-post.md", "content", "blog/2024/link-post.pdf", id="plain"),
        pytest.param(
            "news/1.18.x/announcing-1.18/index.md",
            "c",
            "news/1.18.x/announcing-1.18.pdf",
            id="dots-in-folder-kept",
        ),
        pytest.param("blog/_index.md", "content", "blog.pdf", id="section"),
        pytest.param("blog/slug/index.zh.md", "content", "blog/slug.zh.pdf", id="lang-suffix"),
        pytest.param("index.md", "slug", "slug.pdf", id="path-is-the-bundle"),
        pytest.param("announcing-1.1.1.md", "x", "announcing-1.1.1.pdf", id="dotted-file"),
    ],
)
def test_output_name(rel, folder, expected):
    assert output_name(PurePosixPath(rel), folder).as_posix() == expected


@pytest.mark.parametrize(
    ("output", "lang", "key"),
    [
        ("zh/blog/2023/slug.pdf", "zh-CN", "blog/2023/slug.pdf"),
        ("en/blog/2023/slug.pdf", "en", "blog/2023/slug.pdf"),
        ("blog/slug.zh.pdf", "zh", "blog/slug.pdf"),
        ("api/blog/slug.pdf", "en", "api/blog/slug.pdf"),  # `api` is no language folder here
    ],
)
def test_translation_key(output, lang, key):
    assert translation_key(PurePosixPath(output), lang) == key


# --------------------------------------------------------------------------- discovery


def test_discovery_rules(site, tmp_path):
    post(site, "en/news/1.18.x/announcing-1.18/_index.md", "Istio 1.18", body="We ship.\n")
    result = run(site, tmp_path / "out")
    docs = by_source(result)
    assert docs["en/blog/2024/launch/index.md"].status == "built"
    assert docs["en/blog/2024/launch/index.md"].output == "en/blog/2024/launch.pdf"
    assert docs["en/blog/2024/link-post.md"].output == "en/blog/2024/link-post.pdf"
    # a section page with a body is a page (a release announcement); an empty one is a list
    release = docs["en/news/1.18.x/announcing-1.18/_index.md"]
    assert (release.status, release.output) == ("built", "en/news/1.18.x/announcing-1.18.pdf")
    assert docs["en/blog/_index.md"].status == "skipped"
    assert "empty list page" in docs["en/blog/_index.md"].reason
    assert docs["en/blog/2024/wip/index.md"].status == "skipped"
    assert "draft" in docs["en/blog/2024/wip/index.md"].reason
    assert docs["README.md"].status == "skipped"
    assert not any(".hidden" in source for source in docs)
    assert (tmp_path / "out/zh/blog/2024/launch.pdf").is_file()
    assert not (tmp_path / "out/en/blog/2024/wip.pdf").exists()
    assert result.ok


def test_drafts_when_asked(site, tmp_path):
    docs = by_source(run(site, tmp_path / "out", drafts=True))
    assert docs["en/blog/2024/wip/index.md"].status == "built"
    assert docs["en/blog/2024/wip/index.md"].hugo == "draft"
    assert "asked for" in docs["en/blog/2024/wip/index.md"].reason
    assert docs["en/blog/_index.md"].status == "skipped"


def test_a_file_named_on_the_command_line_is_always_built(site, tmp_path):
    draft = site / "en/blog/2024/wip/index.md"
    result = run(draft, tmp_path / "out")
    [doc] = result.documents
    assert (doc.status, doc.output) == ("built", "wip.pdf")


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        pytest.param({"langs": ["zh"]}, {"launch"}, id="lang-primary-subtag"),
        pytest.param({"langs": ["en"]}, {"launch", "link-post"}, id="lang-en"),
        pytest.param({"include": ["en/*"]}, {"launch", "link-post"}, id="include"),
        pytest.param({"exclude": ["*/launch/*"]}, {"link-post"}, id="exclude"),
        pytest.param({"include": ["en/*"], "exclude": ["*link*"]}, {"launch"}, id="both"),
    ],
)
def test_filters(site, tmp_path, options, expected):
    result = run(site, tmp_path / "out", **options)
    built = {Path(doc.output).stem for doc in result.documents if doc.status == "built"}
    assert built == expected


def test_translations_are_listed_together(site, tmp_path):
    docs = by_source(run(site, tmp_path / "out"))
    en, zh = docs["en/blog/2024/launch/index.md"], docs["zh/blog/2024/launch/index.md"]
    assert en.translations == [{"lang": zh.lang, "output": "zh/blog/2024/launch.pdf"}]
    assert zh.translations == [{"lang": "en", "output": "en/blog/2024/launch.pdf"}]
    assert docs["en/blog/2024/link-post.md"].translations == []


def test_two_sources_for_one_pdf_fail_clearly(tmp_path):
    root = tmp_path / "c"
    post(root, "blog/slug/index.md")
    post(root, "blog/slug.md")
    result = run(root, tmp_path / "out")
    failed = result.failed
    assert len(failed) == 1 and "writes the same file" in failed[0].error


# --------------------------------------------------------------------------- incremental


def test_incremental_decisions(site, tmp_path, render_log):
    out = tmp_path / "out"
    run(site, out)
    assert rendered(render_log) == ["2024", "launch", "launch"]  # link-post.md sits in 2024/

    again = run(site, out)
    assert {d.status for d in again.documents} == {"unchanged", "skipped"}
    assert rendered(render_log) == []

    post(site, "zh/blog/2024/launch/index.md", "发布（更新）")
    assert rendered(render_log) == [] and run(site, out).count("built") == 1
    assert rendered(render_log) == ["launch"]

    (site / "en/blog/2024/launch/new-image.png").write_bytes(b"new")  # a file in the bundle
    run(site, out)
    assert rendered(render_log) == ["launch"]

    (out / "en/blog/2024/link-post.pdf").unlink()  # a deleted PDF is rebuilt
    run(site, out)
    assert rendered(render_log) == ["2024"]

    assert run(site, out, force=True).count("built") == 3
    rendered(render_log)
    assert run(site, out, offline=True).count("built") == 3  # an option that changes output


def test_config_and_theme_changes_rebuild_everything(site, tmp_path, render_log):
    out = tmp_path / "out"
    config = site.parent / "presskit.toml"  # the site root, above content/
    config.write_text('[brand]\nname = "One"\n', "utf-8")
    run(site, out)
    rendered(render_log)
    config.write_text('[brand]\nname = "Two"\n', "utf-8")
    assert run(site, out).count("built") == 3

    theme = tmp_path / "theme"
    theme.mkdir()
    for name in ("page.html.j2", "press.css"):
        (theme / name).write_text(
            (ROOT / "presskit/themes/default" / name).read_text("utf-8"), "utf-8"
        )
    assert run(site, out, theme=str(theme)).count("built") == 3
    assert run(site, out, theme=str(theme)).count("built") == 0
    with (theme / "press.css").open("a", encoding="utf-8") as css:
        css.write("h1 { color: red; }\n")
    assert run(site, out, theme=str(theme)).count("built") == 3


def test_a_changed_brand_font_file_rebuilds_everything(site, tmp_path, render_log):
    out = tmp_path / "out"
    font = site.parent / "fonts" / "Brand.ttf"
    font.parent.mkdir()
    font.write_bytes(b"font, first version")
    (site.parent / "presskit.toml").write_text(
        '[[brand.font_files]]\nfamily = "Brand"\npath = "fonts/Brand.ttf"\n', "utf-8"
    )
    run(site, out)
    rendered(render_log)
    assert run(site, out).count("built") == 0
    font.write_bytes(b"font, second version")
    assert run(site, out).count("built") == 3


def test_failed_posts_are_retried(tmp_path):
    root = tmp_path / "c"
    broken = root / "blog/broken.md"
    broken.parent.mkdir(parents=True)
    broken.write_text("---\ntitle: [unclosed\n---\nText\n", "utf-8")
    out = tmp_path / "out"
    first = run(root, out)
    assert first.failed and first.failed[0].error.startswith(str(broken))
    post(root, "blog/broken.md", "Fixed")
    assert run(root, out).count("built") == 1


def test_an_embargo_that_lifts_rebuilds_its_post(tmp_path, render_log):
    """The PDF prints the embargo state: built while it held, it is stale once it lifts, though
    no file changed. A post without an embargo does not care what time it is."""
    import datetime as dt

    root = tmp_path / "c"
    post(root, "en/held/index.md", "Held", extra="embargo: 2030-01-01T09:00:00+08:00\n")
    post(root, "en/plain/index.md", "Plain")
    out = tmp_path / "out"
    before = dt.datetime(2030, 1, 1, 0, 59, tzinfo=dt.UTC)
    after = dt.datetime(2030, 1, 1, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai
    assert run(root, out, now=before).count("built") == 2
    assert rendered(render_log) == ["held", "plain"]
    assert run(root, out, now=before + dt.timedelta(seconds=59)).count("unchanged") == 2
    result = run(root, out, now=after)
    assert by_source(result)["en/held/index.md"].status == "built"
    assert by_source(result)["en/plain/index.md"].status == "unchanged"
    assert rendered(render_log) == ["held"]
    assert run(root, out, now=after + dt.timedelta(days=400)).count("unchanged") == 2
    # the clock's own moment: 2030 is still to come, so the lifted PDF is stale again
    assert by_source(run(root, out))["en/held/index.md"].status == "built"
    assert by_source(run(root, out))["en/held/index.md"].status == "unchanged"


# --------------------------------------------------------------------------- failures


def test_a_crashing_or_hanging_post_fails_alone(tmp_path):
    root = tmp_path / "c"
    for name in ("alpha", "crash-me", "beta", "hang-forever", "exit-early", "gamma"):
        post(root, f"blog/{name}/index.md", name)
    (root / "blog/broken").mkdir()
    (root / "blog/broken/index.md").write_text("---\ntitle: x\ndate: 2024-13-45\n---\n", "utf-8")
    result = run(root, tmp_path / "out", timeout=3)
    docs = {Path(doc.source).parent.name: doc for doc in result.documents}
    assert {n for n, d in docs.items() if d.status == "built"} == {"alpha", "beta", "gamma"}
    assert "worker crashed (SIGSEGV)" in docs["crash-me"].error
    assert "timed out after 3 s" in docs["hang-forever"].error
    assert "exited unexpectedly (status 3)" in docs["exit-early"].error
    assert docs["broken"].error.startswith(str(root / "blog/broken/index.md") + ":3")
    for name in ("crash-me", "hang-forever", "exit-early"):
        assert docs[name].error.startswith(str(root / f"blog/{name}/index.md") + ": ")
    assert not result.ok


def test_cli_exit_codes_and_summary(tmp_path):
    root = tmp_path / "c"
    post(root, "blog/good/index.md", "Good")
    (root / "blog/bad.md").write_text("---\ntitle: [\n---\n", "utf-8")
    done = run_presskit("build", str(root), "-o", str(tmp_path / "out"), "--jobs", "1")
    assert done.returncode == 1, done.stderr
    assert "built 1, unchanged 0, failed 1 in " in done.stderr
    assert f"  {root / 'blog/bad.md'}:3: invalid YAML front matter" in done.stderr
    assert "Traceback" not in done.stderr
    (root / "blog/bad.md").unlink()
    done = run_presskit("build", str(root), "-o", str(tmp_path / "out"), "-q")
    assert done.returncode == 0 and "built 0, unchanged 1, failed 0" in done.stderr


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["build"], id="no-path"),
        pytest.param(["build", "tests"], id="no-output"),
        pytest.param(["build", "does-not-exist", "-o", "x"], id="missing-path"),
        pytest.param(["build", "tests", "-o", "x", "--jobs", "0"], id="bad-jobs"),
        pytest.param(["build", "tests", "-o", "x", "--kit", "../evil"], id="kit-with-folder"),
    ],
)
def test_usage_errors_exit_2(args, tmp_path):
    done = run_presskit(*args, cwd=tmp_path if "tests" not in args else ROOT)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr


# --------------------------------------------------------------------------- manifest


def test_manifest_schema(site, tmp_path):
    out = tmp_path / "out"
    run(site, out)
    data = json.loads((out / "manifest.json").read_text("utf-8"))
    assert data["presskit"] == presskit.__version__
    fields = {
        "source",
        "output",
        "status",
        "title",
        "lang",
        "date",
        "pages",
        "bytes",
        "sha256",
        "warnings",
        "error",
        "translations",
    }
    for doc in data["documents"]:
        assert fields <= set(doc)
        assert doc["status"] in ("built", "unchanged", "failed", "skipped")
        assert isinstance(doc["warnings"], list)
        if doc["status"] == "built":
            pdf = out / doc["output"]
            assert pdf.stat().st_size == doc["bytes"]
            assert doc["date"] == "2024-05-01" and doc["pages"] == 1
        else:
            assert doc["output"] is None


def test_python_api_is_presskit_build(site, tmp_path):
    # The modules behind the API have other names: importing them (as the CLI does) must not
    # rebind `presskit.build` / `presskit.render` from the functions to modules.
    import presskit.batch.builder
    import presskit.cli
    import presskit.pipeline

    assert callable(presskit.build) and callable(presskit.render)
    assert not isinstance(presskit.build, type(presskit.batch.builder))
    assert not isinstance(presskit.render, type(presskit.batch.builder))
    result = presskit.build([site], tmp_path / "out", runner=FAKE, jobs=1)
    assert result.count("built") == 3


def test_a_one_post_rebuild_writes_the_manifest_once(site, tmp_path, monkeypatch):
    """Before rendering, after the post and at the end the build records its state; only the
    record that says something new reaches the disk (each write is synced: a preview pays
    for every one at every save)."""
    import presskit.batch.manifest as manifest_module

    out = tmp_path / "out"
    run(site, out, jobs=1)
    run(site, out, jobs=1)  # "built" becomes "unchanged"
    writes: list[bytes] = []
    write_atomic = manifest_module.write_atomic

    def counting(path, data, **kwargs):
        writes.append(data)
        write_atomic(path, data, **kwargs)

    monkeypatch.setattr(manifest_module, "write_atomic", counting)
    run(site, out, jobs=1)
    assert writes == []  # nothing changed: nothing written
    post(site, "en/blog/2024/launch/index.md", "Launch, corrected")
    result = run(site, out, jobs=1)
    assert result.count("built") == 1
    assert len(writes) == 1
    assert (
        json.loads(writes[0])["documents"]
        == json.loads((out / "manifest.json").read_text())["documents"]
    )
    assert {d["title"] for d in json.loads(writes[0])["documents"]} >= {"Launch, corrected"}


def test_a_narrowed_build_keeps_the_other_posts_on_record(site, tmp_path):
    """`--include`/`--exclude`/`--lang` narrow what a build renders, not what the output
    folder holds: the rows of the posts left out stay in the manifest, so the next full
    build finds them unchanged instead of rendering them all again."""
    out = tmp_path / "out"
    first = run(site, out, jobs=1)

    def outputs() -> set[str]:
        rows = json.loads((out / "manifest.json").read_text())["documents"]
        return {row["output"] for row in rows if row.get("output")}

    everything = outputs()
    assert first.count("built") == len(everything) >= 3
    post(site, "en/blog/2024/launch/index.md", "Launch, corrected")
    for narrowed in ({"include": ["en/blog/2024/launch/*"]}, {"exclude": ["*launch*"]}):
        run(site, out, jobs=1, **narrowed)
        assert outputs() == everything
    again = run(site, out, jobs=1)
    assert again.count("built") == 0, [d.source for d in again.documents if d.status == "built"]


KILLER = textwrap.dedent(
    """
    import sys
    from presskit.batch.builder import build
    build([sys.argv[1]], sys.argv[2], jobs=1, runner="build_hooks:fake_render")
    """
)


def test_sigkill_midway_leaves_valid_manifest_and_rerun_picks_up(tmp_path):
    root = tmp_path / "c"
    for number in range(8):
        post(root, f"blog/slow-{number}/index.md", f"Post {number}")
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(ROOT)])}
    process = subprocess.Popen(
        [sys.executable, "-c", KILLER, str(root), str(out)], env=env, start_new_session=True
    )
    manifest = out / "manifest.json"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            built = json.loads(manifest.read_text())["documents"]
        except (OSError, ValueError):
            built = []
        if len(built) >= 2:
            break
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)  # the build and its worker, mid-render
    process.wait()
    data = json.loads(manifest.read_text("utf-8"))  # valid JSON
    done_before = {d["output"] for d in data["documents"] if d["status"] == "built"}
    assert 2 <= len(done_before) < 8
    for pdf in out.rglob("*.pdf"):
        assert pdf.read_bytes().startswith(b"%PDF-1.7 fake ")  # never half a file
    result = run(root, out)
    assert {d.output for d in result.documents if d.status == "unchanged"} >= done_before
    assert result.count("built") == 8 - len(done_before)
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


# --------------------------------------------------------------------------- real render


def test_real_render_records_warnings_not_failures(tmp_path):
    root = tmp_path / "c"
    post(root, "en/blog/pic/index.md", "Picture", body="![A chart](chart.png)\n\nText.\n")
    result = build([root], tmp_path / "out", jobs=1)
    [doc] = result.documents
    assert doc.status == "built", doc.error
    assert (doc.pages or 0) >= 1 and doc.sha256
    assert any("chart.png" in w for w in doc.warnings), doc.warnings
    assert doc.depends == ["chart.png"]  # a missing image is a dependency: adding it rebuilds
    (root / "en/blog/pic/chart.png").write_bytes(b"now it exists")
    assert build([root], tmp_path / "out", jobs=1, runner=FAKE).count("built") == 1


def test_a_missing_image_beside_a_loose_post_counts_when_the_folder_is_relative(
    tmp_path, monkeypatch
):
    """`presskit build content -o out`, as the README writes it: the conversion named the
    absent image by a relative path, which the batch (comparing with the post's resolved
    folder) dropped. A loose post has no bundle listing to notice the image either, so it
    stayed 'unchanged', placeholder and all, once the image was added; and a Dask build
    (which resolves every path) recorded another manifest than the local one (audit14)."""
    monkeypatch.chdir(tmp_path)
    post(tmp_path / "c", "en/news/pic.md", "Picture", body="![A chart](chart.png)\n\nText.\n")
    result = build(["c"], "out", jobs=1)
    [doc] = result.documents
    assert doc.status == "built", doc.error
    assert doc.depends == ["chart.png"]
    (tmp_path / "c/en/news/chart.png").write_bytes(b"now it exists")
    assert build(["c"], "out", jobs=1, runner=FAKE).count("built") == 1


def test_a_missing_image_is_a_dependency_of_the_word_file_too(tmp_path):
    """The conversion reports the files it named that were not there (Conversion.absent), for
    the Word backend as for the PDF one: adding the image rebuilt the PDF but left the .docx
    'unchanged', placeholder and all."""
    root = tmp_path / "c"
    post(root, "en/blog/pic/index.md", "Picture", body="![A chart](chart.png)\n\nText.\n")
    result = build([root], tmp_path / "out", jobs=1, formats="docx")
    [doc] = result.documents
    assert doc.status == "built" and str(doc.output).endswith(".docx"), doc.error
    assert any("chart.png" in w for w in doc.warnings), doc.warnings
    assert doc.depends == ["chart.png"]
    assert build([root], tmp_path / "out", jobs=1, formats="docx").count("unchanged") == 1
    (root / "en/blog/pic/chart.png").write_bytes(b"now it exists")
    again = build([root], tmp_path / "out", jobs=1, formats="docx", runner=FAKE)
    assert again.count("built") == 1


# --------------------------------------------------------------------------- progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_and_lines_elsewhere(site, tmp_path):
    from presskit.batch.progress import BarReporter, LineReporter, reporter_for

    terminal, log = Terminal(), io.StringIO()
    assert isinstance(reporter_for(terminal, quiet=False), BarReporter)
    assert isinstance(reporter_for(terminal, quiet=True), LineReporter)
    run(site, tmp_path / "a", reporter=reporter_for(terminal, quiet=False))
    assert "\r[" in terminal.getvalue() and "] 6/6" in terminal.getvalue()
    assert "built 3, unchanged 0, failed 0, skipped 3 in " in terminal.getvalue()
    run(site, tmp_path / "b", reporter=reporter_for(log, quiet=False))
    lines = log.getvalue().splitlines()
    assert lines[0] == "6 posts, 3 to render"
    assert "built     en/blog/2024/launch.pdf (1 page)" in lines
    assert lines[-1].startswith("built 3, unchanged 0, failed 0, skipped 3 in ")
    assert "\r" not in log.getvalue()


def test_a_bad_config_fails_only_the_posts_it_covers(tmp_path):
    root = tmp_path / "c"
    post(root, "en/good/index.md", "Good")
    post(root, "fr/a/index.md", "Theme missing")
    post(root, "de/b/index.md", "Config broken")
    (root / "fr/presskit.toml").write_text('theme = "no-such-theme"\n', "utf-8")
    (root / "de/presskit.toml").write_text("lang = \n", "utf-8")
    # each its own PATH: below a PATH is content, where no presskit.toml is read
    result = run([root / "en", root / "fr", root / "de"], tmp_path / "out")
    docs = {Path(doc.source).parent.name: doc for doc in result.documents}
    assert docs["good"].status == "built"
    assert "unknown theme 'no-such-theme'" in docs["a"].error
    assert docs["b"].error.startswith(str(root / "de/presskit.toml") + ":1: invalid TOML")


def test_workers_stay_warm_across_posts(site, tmp_path, render_log):
    run(site, tmp_path / "out", jobs=1)
    pids = {line.split("\t")[1] for line in render_log.read_text("utf-8").splitlines()}
    assert len(pids) == 1 and str(os.getpid()) not in pids  # one worker rendered all three


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only")
def test_workers_are_forked_from_one_server_that_stops_with_the_pool(site, tmp_path, render_log):
    # The fork server imports and warms up once; each worker is forked from it, so the
    # workers share a parent that is not this process. It stops when the pool closes.
    # "slow" posts (0.6 s each in the fake renderer): a worker that is ready first would
    # otherwise render all four before the second one says it is ready
    for name in ("slow-one", "slow-two", "slow-three", "slow-four"):
        post(site, f"en/more/{name}/index.md", name.title())
    run(site, tmp_path / "out", jobs=2)
    lines = [line.split("\t") for line in render_log.read_text("utf-8").splitlines()]
    workers = {pid for _, pid, _, _ in lines}
    servers = {int(ppid) for _, _, _, ppid in lines}
    assert len(workers) == 2 and str(os.getpid()) not in workers
    assert len(servers) == 1 and os.getpid() not in servers
    with pytest.raises(ProcessLookupError):
        os.kill(servers.pop(), 0)


def test_a_tmpdir_too_long_for_the_fork_servers_socket_spawns_the_workers(tmp_path):
    # The fork server listens on a Unix socket under TMPDIR; past 107 bytes of path it cannot
    # start (`AF_UNIX path too long`: the preview failed so under pytest's long tmp paths)
    root = tmp_path / "content"
    for name in ("one", "two"):
        post(root, f"en/news/{name}/index.md", name.title())
    long = tmp_path / ("t" * 60) / ("u" * 60)
    long.mkdir(parents=True)
    script = (
        "import sys; from presskit.batch.builder import build; "
        "r = build([sys.argv[1]], sys.argv[2], runner=sys.argv[3], jobs=2); "
        "print(r.count('built'), r.ok)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(root), str(tmp_path / "out"), FAKE],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={**os.environ, "TMPDIR": str(long), "PYTHONPATH": str(ROOT / "tests")},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2", "True"]


PRELOAD_INTERRUPTED = textwrap.dedent(
    """
    import importlib.abc, os, signal, sys

    class Interrupt(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name == "presskit.batch.workers":  # in the middle of the server's imports
                os.kill(os.getpid(), signal.SIGINT)
            return None

    sys.meta_path.insert(0, Interrupt())
    import presskit.batch.preload
    print("warm", presskit.batch.workers._warm, signal.getsignal(signal.SIGINT).__name__)
    """
)


def test_ctrl_c_during_the_fork_servers_imports_is_the_parents_to_handle():
    # Ctrl-C reaches the whole process group: the server, still importing, printed its own
    # KeyboardInterrupt traceback under the parent's one-line error. It now lets the parent
    # stop it, and hands the usual handler on to the workers forked from it.
    done = subprocess.run(
        [sys.executable, "-c", PRELOAD_INTERRUPTED],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["warm", "True", "default_int_handler"]
    assert "Traceback" not in done.stderr


def test_a_forked_worker_has_the_environment_of_its_start(site, tmp_path, monkeypatch):
    # The fork server keeps the environment it started with: a worker forked from it later
    # takes the parent's, as a spawned worker does.
    from presskit.batch.workers import Pool

    log = tmp_path / "late.log"
    with Pool(1) as pool:
        pool.warm(1)  # the server starts before the variable exists
        monkeypatch.setenv("BUILD_HOOKS_LOG", str(log))
        run(site, tmp_path / "out", jobs=1, pool=pool)
    assert len(log.read_text("utf-8").splitlines()) == 3


NO_CHANGE = textwrap.dedent(
    """
    import sys
    from presskit.batch.builder import build
    result = build([sys.argv[1]], sys.argv[2])
    assert result.count("built") == 0, result.summary()
    # the render's stack; the PDF stage (sockets, TLS); package metadata and the worker pool,
    # which a build that renders nothing has no use for; time zones (no post or site names
    # one) and the MIME table (the theme's logo is an SVG); PyYAML (the front matter is
    # remembered from the first build)
    heavy = [
        m
        for m in (
            "weasyprint",
            "panflute",
            "presskit.pipeline",
            "babel",
            "jinja2",
            "pypandoc",
            "presskit.output.pdf",
            "importlib.metadata",
            "multiprocessing",
            "presskit.batch.workers",
            "zoneinfo",
            "mimetypes",
            "yaml",
        )
        if m in sys.modules
    ]
    print("heavy:", heavy)
    """
)


def test_the_no_change_check_loads_no_renderer(site, tmp_path):
    out = tmp_path / "out"
    run(site, out)
    done = subprocess.run(
        [sys.executable, "-c", NO_CHANGE, str(site), str(out)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "heavy: []" in done.stdout


AHEAD = textwrap.dedent(
    """
    import sys
    from presskit.batch import workers
    real = workers.hold_fork_server
    def hold(*args, **kwargs):
        print("hold, batch imported:", "presskit.batch.builder" in sys.modules, flush=True)
        return real(*args, **kwargs)
    workers.hold_fork_server = hold
    sys.argv = ["presskit", *sys.argv[1:]]
    from presskit.cli import main
    main()
    """
)


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only")
def test_the_command_starts_the_fork_server_ahead_when_every_post_renders(tmp_path):
    # No manifest yet, or --force: every post renders, so the renderer's warm-up starts
    # before the batch is imported and examined; a no-change build starts none at all.
    root = tmp_path / "content"
    post(root, "en/news/one/index.md", "One")

    def holds(*options: str) -> list[str]:
        command = ["build", str(root), "-o", str(tmp_path / "out"), "--jobs", "1", *options]
        done = subprocess.run(
            [sys.executable, "-c", AHEAD, *command],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()

    first = holds()
    assert first[0] == "hold, batch imported: False" and (tmp_path / "out/en/news/one.pdf").exists()
    assert holds() == []  # nothing changed
    assert holds("--force")[0] == "hold, batch imported: False"


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only")
def test_a_dask_local_build_starts_its_fork_server_ahead(tmp_path):
    # The LocalCluster's workers are forked from the same server, which also imports
    # `distributed` for them: started ahead, as the local pool's is (it was started only once
    # the batch had been imported and the cluster's start began).
    pytest.importorskip("distributed")
    root = tmp_path / "content"
    post(root, "en/news/one/index.md", "One")
    script = AHEAD.replace('print("hold, batch imported:"', 'print("hold", args, "batch imported:"')
    command = ["build", str(root), "-o", str(tmp_path / "out"), "--jobs", "1"]
    done = subprocess.run(
        [sys.executable, "-c", script, *command, "--executor", "dask-local"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out/en/news/one.pdf").exists()
    holds = done.stdout.splitlines()
    assert holds[0] == "hold (('distributed', 'presskit.batch.remote'),) batch imported: False"


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only")
def test_a_batch_that_fails_ends_the_fork_server_started_ahead(tmp_path):
    (tmp_path / "empty").mkdir()
    script = AHEAD.replace(
        "return real(*args, **kwargs)",
        "held = real(*args, **kwargs)\n"
        "    from multiprocessing import forkserver\n"
        "    print('server', forkserver._forkserver._forkserver_pid, flush=True)\n"
        "    return held",
    )
    command = ["build", str(tmp_path / "empty"), "-o", str(tmp_path / "out"), "--force"]
    done = subprocess.run(
        [sys.executable, "-c", script, *command],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 1 and done.stderr.endswith("empty: no Markdown files found\n")
    assert len(done.stderr.splitlines()) == 1
    server = int(done.stdout.splitlines()[1].split()[1])
    with pytest.raises(ProcessLookupError):
        os.kill(server, 0)


def test_build_help():
    done = run_presskit("build", "--help")
    assert done.returncode == 0 and "--kit NAME" in done.stdout and "--timeout" in done.stdout


def test_one_post_is_singular(tmp_path):
    post = tmp_path / "only.md"
    post.write_text("---\ntitle: Only\n---\n\nText.\n", encoding="utf-8")
    done = run_presskit("build", str(post), "-o", str(tmp_path / "out"), "--jobs", "1")
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[0] == "1 post, 1 to render"


def test_longest_posts_are_rendered_first(tmp_path, render_log):
    """So the batch does not end with one worker on a long post while the other waits."""
    root = tmp_path / "c"
    for name, words in (("short", 5), ("longest", 900), ("medium", 200), ("long", 500)):
        post(root, f"blog/{name}/index.md", name, body="word " * words + "\n")
    run(root, tmp_path / "out", jobs=1)
    order = [line.split("\t")[0] for line in render_log.read_text("utf-8").splitlines()]
    assert [Path(p).parent.name for p in order] == ["longest", "long", "medium", "short"]


# --------------------------------------------------------------------------- formats


def test_formats_give_one_row_and_one_key_per_output(site, tmp_path, render_log):
    out = tmp_path / "out"
    result = run(site, out, formats="pdf,docx")
    built = sorted((d.output, d.format) for d in result.documents if d.status == "built")
    assert built == [
        ("en/blog/2024/launch.docx", "docx"),
        ("en/blog/2024/launch.pdf", "pdf"),
        ("en/blog/2024/link-post.docx", "docx"),
        ("en/blog/2024/link-post.pdf", "pdf"),
        ("zh/blog/2024/launch.docx", "docx"),
        ("zh/blog/2024/launch.pdf", "pdf"),
    ]
    assert (out / "en/blog/2024/launch.docx").read_bytes().startswith(b"docx fake ")
    assert (out / "en/blog/2024/launch.pdf").read_bytes().startswith(b"%PDF-1.7 fake ")
    # one task per post: both formats rendered by the same worker process
    lines = [line.split("\t") for line in render_log.read_text("utf-8").splitlines()]
    by_post: dict[str, set[str]] = {}
    for path, pid, *_fields in lines:
        by_post.setdefault(path, set()).add(pid)
    assert len(lines) == 6 and all(len(pids) == 1 for pids in by_post.values())
    rows = json.loads((out / "manifest.json").read_text("utf-8"))["documents"]
    docx_rows = [row for row in rows if row["format"] == "docx"]
    assert len(docx_rows) == 3 and all(row["pages"] is None for row in docx_rows)
    keys = {row["output"]: row["inputs"] for row in rows if row["inputs"]}
    assert keys["en/blog/2024/launch.pdf"] != keys["en/blog/2024/launch.docx"]
    # translations pair outputs of the same format
    assert {d.output: d.translations for d in result.documents}["zh/blog/2024/launch.docx"] == [
        {"lang": "en", "output": "en/blog/2024/launch.docx"}
    ]
    rendered(render_log)

    again = run(site, out, formats="pdf,docx")
    assert again.count("built") == 0 and rendered(render_log) == []
    (out / "en/blog/2024/link-post.docx").unlink()  # only the missing format is rebuilt
    assert run(site, out, formats=["pdf", "docx"]).count("built") == 1
    assert render_log.read_text("utf-8").split("\t")[2].strip() == "docx"
    rendered(render_log)
    # an edit rebuilds both formats of that post, and only that post
    post(site, "en/blog/2024/link-post.md", "Link post", body="Edited.\n")
    assert run(site, out, formats="pdf,docx").count("built") == 2
    assert rendered(render_log) == ["2024", "2024"]
    # PDF only again: the PDF rows are still valid, nothing renders
    assert run(site, out).count("built") == 0


def test_a_failed_word_file_fails_alone_and_keeps_the_one_before(tmp_path, monkeypatch):
    root = tmp_path / "content"
    post(root, "later/index.md", "Later")
    out = tmp_path / "out"
    assert run(root, out, formats="pdf,docx").ok
    earlier = (out / "later.docx").read_bytes()
    post(root, "later/index.md", "Later", body="Changed.\n")
    monkeypatch.setenv("BUILD_HOOKS_NO_DOCX", "1")  # the workers inherit it
    result = run(root, out, formats="pdf,docx")
    docs = {d.format: d for d in result.documents}
    assert docs["pdf"].status == "built", docs["pdf"].error
    assert docs["docx"].status == "failed" and "no Word file" in (docs["docx"].error or "")
    assert (out / "later.docx").read_bytes() == earlier  # the older file is still there
    assert not result.ok
    assert "built 1 (1 pdf, 0 docx)" in result.summary()
    assert "failed 1 (0 pdf, 1 docx)" in result.summary()
    # fixed: the Word file is rendered again, the PDF is not
    monkeypatch.delenv("BUILD_HOOKS_NO_DOCX")
    again = run(root, out, formats="pdf,docx")
    assert [(d.format, d.status) for d in again.documents] == [
        ("pdf", "unchanged"),
        ("docx", "built"),
    ]


def test_build_formats_on_the_command_line(site, tmp_path):
    out = tmp_path / "out"
    done = run_presskit(
        "build", str(site), "-o", str(out), "--formats", "pdf,docx", "--kit", "press"
    )
    err = done.stderr
    assert "6 posts as pdf + docx, 6 files to render" in err
    assert "built     en/blog/2024/launch.pdf (" in err
    assert "built     en/blog/2024/launch.docx (" in err and " KiB)" in err
    assert "built 6 (3 pdf, 3 docx), unchanged 0, failed 0" in err, err
    assert (out / "press.pdf").is_file()  # the kit is laid out from the PDFs
    assert (out / "press.docx").is_file()  # and in Word from the Word files' documents
    assert f"kit: {out / 'press.docx'}" in err


def test_a_word_file_added_to_a_kit_build_reaches_its_zip(tmp_path):
    """The zip carries every format written. A build that adds `docx` to an unchanged kit
    must write a new zip: its key covered only the PDFs, so the old zip was 'unchanged'."""
    root = tmp_path / "c"
    post(root, "en/blog/one/index.md", "One")
    out = tmp_path / "out"

    def zipped() -> list[str]:
        with zipfile.ZipFile(out / "press.zip") as archive:
            return archive.namelist()

    first = build([root], out, jobs=1, kit="press", offline=True)
    assert first.ok and first.kit_error is None, first.kit_error
    assert not [name for name in zipped() if name.endswith(".docx")]
    second = build([root], out, jobs=1, kit="press", formats="pdf,docx", offline=True)
    assert second.ok and second.kit_error is None, second.kit_error
    assert [name for name in zipped() if name.endswith(".docx")] == ["en/blog/one.docx"]


def test_a_word_only_build_makes_a_word_kit(site, tmp_path):
    result = run(site, tmp_path / "out", formats="docx", kit="press")
    assert result.count("built") == 3
    assert result.kit_error is None, result.kit_error
    assert result.kit_pdf == tmp_path / "out/press.docx" and result.kit_format == "docx"
    assert (tmp_path / "out/press.zip").is_file() and not (tmp_path / "out/press.pdf").exists()


def test_the_kit_is_made_by_the_first_format_whose_backend_makes_one():
    from presskit.batch.kit import kit_for
    from presskit.output import backends
    from presskit.output.backends import kit_format, no_kit_format
    from presskit.output.docxkit import DocxKit
    from presskit.output.pdfkit import PdfKit

    assert kit_format(("pdf", "docx")) == "pdf" and kit_format(("docx", "pdf")) == "pdf"
    assert kit_format(("docx",)) == "docx"
    assert isinstance(kit_for("docx"), DocxKit)
    assert isinstance(kit_for("pdf"), PdfKit)
    assert no_kit_format(("txt",)) == (
        "no format of --formats txt makes a kit: add pdf to --formats (for example pdf,txt)"
    )

    class Text(backends.OutputBackend):
        name, suffix = "txt", ".txt"

        def render(self, job: backends.Job) -> backends.RenderResult:
            raise AssertionError("not rendered here")

    text = backends.register(Text())
    try:
        assert kit_format(("txt",)) is None
        text.kit = "presskit.output.pdfkit:PdfKit"  # a backend names its kit writer
        assert kit_format(("txt", "docx")) == "txt"
        assert kit_format(("txt", "pdf")) == "pdf"  # the PDF kit keeps the manifest's key
        assert isinstance(kit_for("txt"), PdfKit)
    finally:
        backends._loaded.pop("txt")


def test_an_unknown_format_fails_the_batch_in_one_line(tmp_path):
    post(tmp_path, "en/a.md")
    done = run_presskit("build", str(tmp_path), "-o", str(tmp_path / "o"), "--formats", "pdf,odt")
    assert done.returncode == 1
    assert done.stderr.strip() == "error: unknown output format 'odt' (known: pdf, docx)"


PLAIN_BACKEND = """
from presskit.output.backends import Job, OutputBackend, RenderResult, register
from presskit.output.pdf import write_atomic
from presskit.source.post import load_post


class Plain(OutputBackend):
    name, suffix = "txt", ".txt"

    def render(self, job: Job) -> RenderResult:
        post = load_post(job.post_path)
        text = post.title + "\\n"
        write_atomic(job.out, text)
        return RenderResult(job.out, post, None, len(text.encode()), ())


register(Plain())
"""


def test_a_backend_an_extension_registers_is_a_format(tmp_path):
    """`extensions = ["plain_backend"]` in presskit.toml: the batch, its workers and `render`
    know `txt` as they know pdf and docx."""
    (tmp_path / "plain_backend.py").write_text(PLAIN_BACKEND, "utf-8")
    (tmp_path / "presskit.toml").write_text('extensions = ["plain_backend"]\n', "utf-8")
    post(tmp_path / "content", "en/news/launch/index.md", "Launch day")
    out = tmp_path / "out"
    result = build([tmp_path / "content"], out, formats="txt", jobs=1)
    assert [(d.output, d.status) for d in result.documents] == [("en/news/launch.txt", "built")]
    assert (out / "en/news/launch.txt").read_text("utf-8") == "Launch day\n"
    done = run_presskit(
        "render", str(tmp_path / "content/en/news/launch/index.md"), "-o", str(tmp_path / "a.txt")
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "a.txt").read_text("utf-8") == "Launch day\n"


LISTING_BACKEND = """
from presskit.batch.kit import KitJob, KitWriter
from presskit.output.backends import Job, OutputBackend, RenderResult, register
from presskit.output.pdf import write_atomic
from presskit.source.post import load_post


class Listing(OutputBackend):
    name, suffix, kit = "lst", ".lst", "listing_backend:ListingKit"

    def render(self, job: Job) -> RenderResult:
        post = load_post(job.post_path)
        write_atomic(job.out, post.title)
        return RenderResult(job.out, post, None, len(post.title.encode()), ())


class ListingKit(KitWriter):
    def whole(self, job: KitJob) -> int | None:
        titles = [job.posts[i].title for i in job.order]
        write_atomic(job.out, "\\n".join(titles) + "\\n")
        return None


register(Listing())
"""


def test_a_backend_of_an_extension_makes_the_kit_through_its_kit_writer(tmp_path):
    """The kit module asks the format for its `KitWriter` (here one without sections, so the
    kit is one document); posts, order, key, zip and manifest stay the kit module's."""
    (tmp_path / "listing_backend.py").write_text(LISTING_BACKEND, "utf-8")
    (tmp_path / "presskit.toml").write_text('extensions = ["listing_backend"]\n', "utf-8")
    content = tmp_path / "content"
    post(content, "en/news/a/index.md", "Older")  # one date: by title inside a language
    post(content, "en/news/b/index.md", "Newer")
    post(content, "zh/news/b/index.md", "较新")
    out = tmp_path / "out"
    notes: list[str] = []

    from presskit.batch.manifest import Reporter

    class Listen(Reporter):
        def note(self, text: str) -> None:
            notes.append(text)

    first = build([content], out, formats="lst", kit="titles", jobs=1, reporter=Listen())
    assert first.ok and first.kit_error is None, first.kit_error
    assert (out / "titles.lst").read_text("utf-8") == "Newer\nOlder\n较新\n"
    assert first.kit_pdf == out / "titles.lst" and first.kit_pages is None
    with zipfile.ZipFile(out / "titles.zip") as bundle:
        assert {"en/news/a.lst", "en/news/b.lst", "zh/news/b.lst"} <= set(bundle.namelist())
    assert not [note for note in notes if "laid out as one document" in note]
    again = build([content], out, formats="lst", kit="titles", jobs=1, reporter=Listen())
    assert again.kit_error is None and "kit titles.lst unchanged" in notes


def test_editing_an_extension_beside_the_config_rebuilds(tmp_path):
    """An extension module beside presskit.toml decides what its shortcodes print: it is an
    input of every post under that config, like the config itself (review 17b)."""
    module = tmp_path / "r17b_inc.py"
    module.write_text("X = 1\n", "utf-8")
    (tmp_path / "presskit.toml").write_text('extensions = ["r17b_inc"]\n', "utf-8")
    post(tmp_path / "content", "en/news/launch/index.md", "Launch day")
    out = tmp_path / "out"
    first = build([tmp_path / "content"], out, jobs=1, offline=True)
    assert [d.status for d in first.documents] == ["built"]
    again = build([tmp_path / "content"], out, jobs=1, offline=True)
    assert [d.status for d in again.documents] == ["unchanged"]
    module.write_text("X = 2\n", "utf-8")
    edited = build([tmp_path / "content"], out, jobs=1, offline=True)
    assert [d.status for d in edited.documents] == ["built"]
