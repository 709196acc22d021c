"""The Hugo site reaches the shortcodes: `data/`, boilerplates, and the templates' pairing.

Istio's shortcodes read `.Site.Data.args` (the release the site documents); `boilerplate`
includes `content/<lang>/boilerplates/<name>.md`; the site's `layouts/shortcodes/` decide
which names take inner content, as Hugo decides it (held to the binary). All three are inputs
of the posts that use them: an edit rebuilds them, and they travel to Dask workers.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hugo_oracle import needs_hugo, run_hugo

from presskit import extensions
from presskit.batch.builder import build
from presskit.batch.inputs import Inputs, Settings, post_files
from presskit.errors import PresskitError
from presskit.pipeline import prepare
from presskit.source.data import site_data
from presskit.source.lexer import parse
from presskit.source.site import load_site
from presskit.source.templates import inner_from_template, shortcode_templates

FAKE = "build_hooks:fake_render"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def istio_site(tmp_path: Path) -> Path:
    """A small site configured as istio.io is, with its release numbers in data/."""
    root = tmp_path / "site"
    write(
        root / "hugo.toml",
        'baseURL = "https://istio.io/latest/"\ntheme = "base"\n'
        '[languages.en]\ncontentDir = "content/en"\nweight = 1\n'
        '[languages.zh]\ncontentDir = "content/zh"\nweight = 2\n',
    )
    write(root / "presskit.toml", 'extensions = ["presskit.shortcodes.istio"]\n')
    write(
        root / "data/args.yml",
        'version: "1.18"\nfull_version: "1.18.2"\nbranch_name: release-1.18\n',
    )
    write(root / "data/versions.yml", 'main: "1.19"\n')
    write(root / "data/releases/lts.toml", 'name = "1.16"\n')
    write(root / "data/supported.json", '["1.17", "1.18"]\n')
    write(root / "themes/base/data/args.yml", 'full_version: "0.0.1"\ncopyright_year: 2023\n')
    for lang in ("en", "zh"):  # a headless bundle: its files are resources, not pages
        write(root / f"content/{lang}/boilerplates/index.md", "---\nheadless: true\n---\n")
    write(
        root / "content/en/boilerplates/security-vulnerability.md",
        "---\ntest: n/a\n---\n\n## Reporting vulnerabilities\n\n"
        "Istio {{< istio_release_name >}} users: follow the "
        "[process](/about/security-vulnerabilities/).<script>alert(1)</script>\n",
    )
    write(
        root / "content/zh/boilerplates/security-vulnerability.md",
        "## 报告漏洞\n\n请遵循[漏洞报告流程](/zh/about/security-vulnerabilities/)。\n",
    )
    write(
        root / "content/en/news/releases/1.18.x/announcing-1.18.2/index.md",
        "---\ntitle: Announcing Istio 1.18.2\nrelease: 1.18.2\n---\n\n"
        "Istio {{< istio_release_name >}} is out; see [samples]({{< github_tree >}}/samples).\n\n"
        "{{< relnote >}}\n\n{{< boilerplate security-vulnerability >}}\n",
    )
    write(
        root / "content/zh/news/releases/1.18.x/announcing-1.18.2/index.md",
        "---\ntitle: Istio 1.18.2 发布\nrelease: 1.18.2\n---\n\n"
        "Istio {{< istio_release_name >}} 发布了。\n\n{{< boilerplate security-vulnerability >}}\n",
    )
    write(root / "content/en/blog/plain/index.md", "---\ntitle: Plain\n---\n\nNo data here.\n")
    return root


# --------------------------------------------------------------------------- data/


def test_data_folder_reads_as_hugo_site_data(istio_site: Path) -> None:
    data = site_data(load_site(istio_site))
    assert data["args"]["full_version"] == "1.18.2"  # the site's file over the theme's
    assert data["args"]["copyright_year"] == 2023  # keys only the theme has are kept
    assert data["releases"]["lts"] == {"name": "1.16"}  # folders are nested keys
    assert data["supported"] == ["1.17", "1.18"]  # any value, not only tables
    assert site_data(None) == {}


def test_a_broken_data_file_is_one_line_naming_it(istio_site: Path) -> None:
    write(istio_site / "data/args.yml", "version: [1.18\n")
    with pytest.raises(PresskitError, match=r"data/args\.yml:2: invalid YAML"):
        site_data(load_site(istio_site))


def test_istio_shortcodes_print_the_sites_data(istio_site: Path) -> None:
    extensions.load(["presskit.shortcodes.istio"])
    post = istio_site / "content/en/news/releases/1.18.x/announcing-1.18.2/index.md"
    prepared = prepare(post, None)
    html = prepared.html
    assert "Istio 1.18.2 is out" in html
    assert 'href="https://github.com/istio/istio/tree/release-1.18/samples"' in html
    # 1.18 is not `versions.main` (1.19): its docs are archived, as istio.io links them
    assert 'href="https://archive.istio.io/v1.18"' in html
    messages = [w.message for w in prepared.warnings]
    assert not [m for m in messages if "istio_release_name" in m or "github_tree" in m], messages


def test_boilerplate_is_the_sites_text_rendered_like_the_post(istio_site: Path) -> None:
    extensions.load(["presskit.shortcodes.istio"])
    en = prepare(istio_site / "content/en/news/releases/1.18.x/announcing-1.18.2/index.md", None)
    assert "Reporting vulnerabilities" in en.html
    assert "Istio 1.18.2 users" in en.html  # its shortcodes are expanded too
    assert 'href="https://istio.io/latest/about/security-vulnerabilities/"' in en.html
    # the same untrusted rules: its raw HTML is policed, and the warning names its file
    assert "<script>alert(1)" not in en.html
    assert any(
        "script" in w.message and str(w.path or "").endswith("security-vulnerability.md")
        for w in en.warnings
    ), en.warnings
    assert not [w for w in en.warnings if "boilerplate" in w.message]
    zh = prepare(istio_site / "content/zh/news/releases/1.18.x/announcing-1.18.2/index.md", None)
    assert "报告漏洞" in zh.html and "Reporting" not in zh.html  # the post's language's text


def test_a_missing_or_self_including_boilerplate(istio_site: Path) -> None:
    extensions.load(["presskit.shortcodes.istio"])
    post = write(
        istio_site / "content/en/blog/missing/index.md",
        "---\ntitle: M\n---\n\n{{< boilerplate no-such-text >}}\n",
    )
    prepared = prepare(post, None)
    assert "placeholder" in prepared.html
    assert any("no-such-text" in w.message for w in prepared.warnings)
    write(istio_site / "content/en/boilerplates/loop.md", "Again: {{< boilerplate loop >}}\n")
    loop = write(
        istio_site / "content/en/blog/loop/index.md",
        "---\ntitle: L\n---\n\n{{< boilerplate loop >}}\n",
    )
    with pytest.raises(PresskitError, match=r"includes itself.*boilerplates/loop\.md") as error:
        prepare(loop, None)
    # placed where the author can act: the post's line, not the boilerplate's own file
    assert (Path(str(error.value.path)).resolve(), error.value.line) == (loop.resolve(), 5)


# --------------------------------------------------------------------------- inputs


def test_data_templates_and_boilerplates_are_inputs(istio_site: Path, tmp_path: Path) -> None:
    content = istio_site / "content"
    out = tmp_path / "out"

    def built() -> set[str]:
        result = build([content], out, runner=FAKE, jobs=1)
        assert result.ok, [d.error for d in result.failed]
        return {d.source for d in result.documents if d.status == "built"}

    everything = built()
    assert len(everything) == 3  # the boilerplates are no posts
    assert built() == set()
    write(istio_site / "data/args.yml", 'version: "1.18"\nfull_version: "1.18.3"\n')
    assert built() == everything  # any post may print site data
    boilerplate = istio_site / "content/en/boilerplates/security-vulnerability.md"
    boilerplate.write_text(boilerplate.read_text("utf-8") + "\nMore.\n", "utf-8")
    assert built() == {"en/news/releases/1.18.x/announcing-1.18.2/index.md"}
    write(istio_site / "layouts/shortcodes/tip.html", "<div>{{ .Inner }}</div>")
    assert built() == everything

    inputs = Inputs(Settings(config=None, theme=None, offline=None, trees=(content,)))
    post = content / "en/news/releases/1.18.x/announcing-1.18.2/index.md"
    shipped = {
        p.relative_to(istio_site.resolve()).as_posix()
        for p in post_files(post, [], inputs).shared
        if p.is_relative_to(istio_site.resolve())
    }
    assert {
        "hugo.toml",
        "data/args.yml",
        "themes/base/data/args.yml",
        "layouts/shortcodes/tip.html",
        "content/en/boilerplates/security-vulnerability.md",
    } <= shipped


def test_site_data_reaches_dask_workers(istio_site: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    from conftest import pdftotext

    content = istio_site / "content"
    result = build(
        [content / "en/news/releases"],
        tmp_path / "out",
        jobs=1,
        offline=True,
        executor="dask-local",
    )
    assert result.ok, [d.error for d in result.failed]
    [doc] = result.documents
    assert doc.output is not None
    text = pdftotext(tmp_path / "out" / doc.output)
    assert "Istio 1.18.2 is out" in text and "Reporting vulnerabilities" in text
    assert doc.url == "https://istio.io/latest/news/releases/1.18.x/announcing-1.18.2/"
    # read on the worker from the shipped site, reported in the parent's paths
    assert not [w for w in doc.warnings if "istio_release_name" in w or 'boilerplate "' in w]
    assert any(
        str(istio_site / "content/en/boilerplates/security-vulnerability.md:7") in w
        for w in doc.warnings
    ), doc.warnings


# --------------------------------------------------------------------------- templates


TEMPLATES = {
    "plain": ("<b>{{ .Get 0 }}</b>", False),
    "inner": ("<div>{{ .Inner }}</div>", True),
    "deindent": ("{{ $.InnerDeindent | markdownify }}", True),
    "piped": ("{{ with .Inner }}<p>{{ . }}</p>{{ end }}", True),
    "commented": ("{{/* uses .Inner? no */}}<hr>", False),
    "trimmed_comment": ("{{- /* .Inner */ -}}<hr>", False),
    "in_text": ("<p>write .Inner here</p>", False),
    "in_string": ('{{ print ".Inner" }}', False),
    "in_raw_string": ("{{ print `{{ .Inner }}` }}", False),
    "params_only": ("{{ range .Params }}{{ . }}{{ end }}", False),
}


@pytest.mark.parametrize(("name", "case"), list(TEMPLATES.items()))
def test_inner_read_from_templates(name: str, case: tuple[str, bool]) -> None:
    text, inner = case
    assert inner_from_template(text) is inner, name


@needs_hugo
def test_template_pairing_agrees_with_hugo(tmp_path: Path) -> None:
    """Hugo builds `{{< name >}}x{{< /name >}}` only when the template takes inner content."""
    for name, (text, inner) in TEMPLATES.items():
        root = tmp_path / name
        write(
            root / "hugo.toml",
            'baseURL = "https://example.org/"\n'
            'disableKinds = ["RSS", "sitemap", "taxonomy", "term"]\n',
        )
        write(root / "layouts/_shortcodes" / f"{name}.html", text)
        write(root / "layouts/single.html", "{{ .Content }}")
        write(
            root / "content/p.md",
            f"---\ntitle: p\n---\n\n{{{{< {name} a >}}}}x{{{{< /{name} >}}}}\n",
        )
        try:
            run_hugo(root, "-d", str(root / "public"))
            hugo_inner = True
        except AssertionError as error:
            assert "closing tag" in str(error), str(error)
            hugo_inner = False
        site = load_site(root)
        ours = shortcode_templates(site)[name]
        assert ours is hugo_inner is inner, name


def test_templates_decide_pairing_before_the_guess(tmp_path: Path) -> None:
    root = tmp_path / "s"
    write(root / "hugo.toml", 'baseURL = "https://example.org/"\ntheme = ["mine"]\n')
    write(root / "layouts/shortcodes/note.html", "<aside>{{ .Inner }}</aside>")
    write(root / "themes/mine/layouts/_shortcodes/badge.html", "<span>{{ .Get 0 }}</span>")
    write(root / "themes/mine/layouts/_shortcodes/note.html", "<aside>plain</aside>")
    write(root / "layouts/shortcodes/nested/box.en.html", "{{ .Inner }}")
    templates = shortcode_templates(load_site(root))
    assert templates == {"note": True, "badge": False, "nested/box": True}
    # `note` never closed in the post: Hugo's template says it must be
    with pytest.raises(PresskitError, match='unclosed shortcode "note"'):
        parse("{{< note >}} text\n", path="p.md", site_inner=templates)
    # `badge` closed: the template has no .Inner, so Hugo fails, and so does presskit
    with pytest.raises(PresskitError, match=r'"badge" does not evaluate \.Inner'):
        parse("{{< badge x >}}y{{< /badge >}}\n", path="p.md", site_inner=templates)
    # an unknown name keeps today's guess (closed somewhere: it pairs)
    [node, _] = parse("{{< other >}}y{{< /other >}}\n", site_inner=templates)
    assert getattr(node, "children", None) is not None


def test_static_folders_come_from_the_sites_config(tmp_path: Path) -> None:
    """A site whose content folder is not called `content` still has its static folders;
    a symlink leaving the site is none of them."""
    from presskit.pipeline import site_folders

    root = tmp_path / "s"
    write(root / "hugo.toml", 'contentDir = "docs"\nstaticDir = ["static", "media"]\n')
    post = write(root / "docs/blog/x/index.md", "---\ntitle: x\n---\n")
    for name in ("static", "media", "assets"):
        (root / name).mkdir()
    (root / "outside").symlink_to(tmp_path)
    write(root / "hugo.toml", 'contentDir = "docs"\nstaticDir = ["static", "media", "outside"]\n')
    assert site_folders(post) == tuple(root.resolve() / n for n in ("static", "media", "assets"))


# --------------------------------------------------------------------------- a few real posts

ROOT = Path(__file__).resolve().parent.parent
ISTIO_SITE = ROOT / "tests" / "fixtures" / "istio-site"
POSTS = ROOT / "tests" / "fixtures" / "posts"
FEW = (
    "en/news/security/istio-security-2019-007/index.md",  # the security boilerplate
    "zh/blog/2023/istio-graduates-within-cncf/index.md",
)


@needs_hugo
def test_real_posts_built_as_the_istio_site(tmp_path: Path) -> None:
    """The corpus check of bench/corpus_site.py on three posts: Hugo's permalink as the
    canonical URL, the release `_index.md` built, and the QR code on each cover reading it."""
    import shutil
    import subprocess

    from hugo_oracle import hugo_list, stub_shortcodes

    root = tmp_path / "site"
    shutil.copytree(ISTIO_SITE, root, ignore=shutil.ignore_patterns("README.md", "pages"))
    shutil.copytree(ISTIO_SITE / "pages", root / "content", dirs_exist_ok=True)
    for rel in FEW:
        write(root / "content" / rel, (POSTS / rel).read_text("utf-8"))
    write(root / "presskit.toml", 'extensions = ["presskit.shortcodes.istio"]\n')
    oracle = tmp_path / "oracle"
    shutil.copytree(root, oracle)
    stub_shortcodes(oracle)
    permalinks = {k.removeprefix("content/"): r["permalink"] for k, r in hugo_list(oracle).items()}

    result = build([root / "content"], tmp_path / "out", jobs=2, offline=True)
    assert result.ok, [d.error for d in result.failed]
    built = {d.source: d for d in result.documents if d.status == "built"}
    release = "en/news/releases/1.18.x/announcing-1.18/_index.md"
    assert set(built) == {release, *FEW}
    for source, doc in built.items():
        assert doc.url == permalinks[source], source
        assert not [w for w in doc.warnings if "site data" in w or 'boilerplate "' in w], source
        if shutil.which("zbarimg") is None:
            continue
        png = tmp_path / source.replace("/", "_")
        pdf = tmp_path / "out" / (doc.output or "")
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "110",
                "-f",
                "1",
                "-l",
                "1",
                "-png",
                "-singlefile",
                str(pdf),
                str(png),
            ],
            check=True,
        )
        code = subprocess.run(
            ["zbarimg", "-q", "--raw", f"{png}.png"], capture_output=True, text=True, check=False
        )
        assert code.stdout.strip() == doc.url, source
