"""Issue 17, critical: what a post's neighbours may make presskit do.

Configuration found inside the content tree is not read; every template runs sandboxed; files
a config names stay inside the config's folder; the kit reads exactly what each post's own
render reads; symlinks do not carry a post, or a static folder, out of its site.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import ROOT, pdftotext
from hostile_kit import (
    SECRET,
    Site,
    assert_nothing_leaked,
    assert_well_behaved,
    make_site,
    pdf_images,
    png,
    run,
)

from presskit.batch.manifest import MANIFEST
from presskit.brand import load_config
from presskit.errors import PresskitError

FM = "---\ntitle: Hostile\n---\n\n"
EVIL = 'theme = "{theme}"\n[brand]\nname = "EVIL-BRAND"\nlogo = "{logo}"\n'


# --------------------------------------------------------------------------- config location


def _evil_config(folder: Path, site) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "presskit.toml"
    config.write_text(EVIL.format(theme="default", logo=site.secret_png), "utf-8")
    return config


# Where a post author can drop a file: the bundle, a section, `content/` itself, and a
# `content/` faked inside the bundle (the post one level further down).
PLACES = ["bundle", "section", "content", "fake-site-in-bundle"]


@pytest.mark.parametrize("place", PLACES)
def test_a_config_inside_the_content_tree_is_ignored(place, tmp_path) -> None:
    site = make_site(tmp_path)
    post = site.post
    if place == "bundle":
        folder = site.bundle
    elif place == "section":
        folder = site.bundle.parent
    elif place == "content":
        folder = site.site / "content"
    else:
        folder = site.bundle
        post = site.bundle / "content" / "x" / "index.md"
        post.parent.mkdir(parents=True)
    post.write_text(FM + "Body.\n", "utf-8")
    evil = _evil_config(folder, site)
    from presskit.brand import find_config, ignored_configs

    assert find_config(post) == site.config
    assert evil in ignored_configs(post)
    done = run("render", str(post), "-o", str(site.out))
    assert done.returncode == 0, done.stderr
    assert f"warning: {evil}: ignored: configuration inside the content tree" in done.stderr
    text = assert_nothing_leaked(site.out)
    assert "EVIL-BRAND" not in text


def test_build_ignores_a_bundles_config_too(tmp_path) -> None:
    site = make_site(tmp_path)
    site.post.write_text(FM + "Body.\n", "utf-8")
    evil = _evil_config(site.bundle, site)
    out = tmp_path / "built"
    done = run("build", str(site.site / "content"), "-o", str(out), "--kit", "kit")
    assert done.returncode == 0, done.stderr
    assert "1 warning" in done.stderr
    assert f"{evil}: ignored" in (out / MANIFEST).read_text("utf-8")
    for pdf in out.rglob("*.pdf"):
        assert "EVIL-BRAND" not in pdftotext(pdf)
        assert (7, 5) not in pdf_images(pdf)


# --------------------------------------------------------------------------- sandbox

PAYLOADS = {
    "globals-os": "{{ cycler.__init__.__globals__.os.system('touch {marker}') }}",
    "subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "lipsum-globals": "{{ lipsum.__globals__['os'].system('touch {marker}') }}",
    "path-read": "{{ post.path.parent.joinpath('{secret}').read_text() }}",
    "logo-read": "{{ brand.logo.read_bytes() }}",
    "path-write": "{{ post.path.parent.joinpath('{marker}').write_text('x') }}",
    "mutate": "{% set l = [] %}{{ l.append(1) }}",
    "format-escape": "{{ '{0.__class__.__mro__}'.format(post) }}",
}


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_a_theme_template_cannot_run_python_or_read_files(name, tmp_path) -> None:
    site = make_site(tmp_path)
    marker = tmp_path / "PWNED"
    theme = site.site / "theme"
    theme.mkdir()
    (theme / "press.css").write_text("body { color: black; }", "utf-8")
    payload = PAYLOADS[name].replace("{marker}", str(marker))
    payload = payload.replace("{secret}", str(site.secret_txt))
    page = (ROOT / "presskit/themes/default/page.html.j2").read_text("utf-8")
    (theme / "page.html.j2").write_text(page.replace("<body", payload + "<body", 1), "utf-8")
    logo = site.site / "logo.png"
    logo.write_bytes(png(3, 3))
    site.config.write_text('theme = "theme"\n[brand]\nlogo = "logo.png"\n', "utf-8")
    site.post.write_text(FM + "Body.\n", "utf-8")
    html = tmp_path / "out.html"
    done = run("html", str(site.post), "-o", str(html))
    assert not marker.exists()
    assert "Traceback" not in done.stderr
    assert SECRET not in done.stdout + done.stderr
    assert done.returncode == 1, done.stderr
    assert "theme template error" in done.stderr and "page.html.j2" in done.stderr
    assert not html.exists() or SECRET not in html.read_text("utf-8")


def test_the_sandbox_still_runs_ordinary_templates(tmp_path) -> None:
    from presskit.output import page

    theme = tmp_path / "t"
    theme.mkdir()
    (theme / "page.html.j2").write_text(
        "{% macro m(x) %}<i>{{ x | upper }}</i>{% endmacro %}"
        "{% set ns = namespace(n=0) %}"
        "{% for k, v in labels.items() %}{% set ns.n = ns.n + 1 %}"
        "{{ loop.cycle('a', 'b') }}{{ k.replace('_', '-') }}={{ m(v) }};{% endfor %}"
        "{{ ns.n }} {{ when.strftime('%Y') }} {{ '%s!' | format(name) }} {{ range(3) | list }}",
        "utf-8",
    )
    import datetime as dt

    template = page.environment((theme,)).get_template("page.html.j2")
    out = template.render(labels={"x_y": "v<"}, when=dt.date(2024, 5, 1), name="n")
    assert out == "ax-y=<i>V&lt;</i>;1 2024 n! [0, 1, 2]"


# --------------------------------------------------------------------------- confined names


def _outside_theme(site) -> str:
    theme = site.outside / "theme"
    theme.mkdir()
    (theme / "press.css").write_text("body { color: black; }", "utf-8")
    (theme / "page.html.j2").write_text("{{ 7 * 7 }}", "utf-8")
    return str(theme)


CONFINED = {
    "logo-relative": lambda s: f'[brand]\nlogo = "{os.path.relpath(s.secret_png, s.site)}"\n',
    "logo-absolute": lambda s: f'[brand]\nlogo = "{s.secret_png}"\n',
    "logo-symlink": lambda s: (
        (s.site / "logo.png").symlink_to(s.secret_png),
        '[brand]\nlogo = "logo.png"\n',
    )[1],
    "brand-file": lambda s: (
        (s.outside / "_brand.yml").write_text(f"logo: {s.secret_png}\n", "utf-8"),
        f'brand_file = "{s.outside / "_brand.yml"}"\n',
    )[1],
    "brand-yml-symlink": lambda s: (
        (s.outside / "b.yml").write_text(f"logo: {s.secret_png}\n", "utf-8"),
        (s.site / "_brand.yml").symlink_to(s.outside / "b.yml"),
        "",
    )[2],
    "font-file": lambda s: (
        (s.outside / "f.ttf").write_bytes(b"\x00\x01\x00\x00" + b"\x00" * 64),
        f'[[brand.font_files]]\nfamily = "X"\npath = "{s.outside / "f.ttf"}"\n',
    )[1],
    "theme-folder": lambda s: f'theme = "{_outside_theme(s)}"\n',
}


@pytest.mark.parametrize("name", sorted(CONFINED))
def test_files_a_config_names_stay_in_its_folder(name, tmp_path) -> None:
    site = make_site(tmp_path)
    site.config.write_text('lang = "en"\n' + CONFINED[name](site), "utf-8")
    cfg = load_config(site.config)
    assert cfg.brand.logo is None and cfg.brand.font_files == () and cfg.theme == "default"
    assert cfg.warnings and all(
        "refused: outside the config's folder" in w.message for w in cfg.warnings
    )
    site.post.write_text(FM + "Body.\n", "utf-8")
    done = run("render", str(site.post), "-o", str(site.out))
    assert done.returncode == 0, done.stderr
    assert f"warning: {site.config}: " in done.stderr and "refused" in done.stderr
    assert "49" not in pdftotext(site.out)  # the outside theme's `{{ 7 * 7 }}`
    assert_nothing_leaked(site.out)


def test_a_missing_named_file_is_still_an_error(tmp_path) -> None:
    site = make_site(tmp_path)
    site.config.write_text('[brand]\nlogo = "nope.png"\n', "utf-8")
    with pytest.raises(PresskitError, match="brand logo not found"):
        load_config(site.config)


# --------------------------------------------------------------------------- kit reads


def reach_out_for_pictures(site: Site) -> None:
    """The post asks for a picture beside the logo (the site root), one in another post's
    folder, a file: URL, its own, and the site's static one."""
    (site.site / "private.png").write_bytes(png(7, 5))
    other = site.bundle.parent / "other"
    other.mkdir()
    (other / "index.md").write_text(FM + "Other.\n", "utf-8")
    (other / "draft.png").write_bytes(png(7, 5))
    (site.bundle / "own.png").write_bytes(png(13, 2))
    site.post.write_text(
        FM
        + "![a](../../../../private.png)\n\n![b](../other/draft.png)\n\n"
        + f"![c](file://{site.site / 'private.png'})\n\n![d](own.png)\n\n![e](/img/ok.png)\n",
        "utf-8",
    )


def test_the_kit_reads_only_what_each_post_may(tmp_path) -> None:
    site = make_site(tmp_path)
    logo = site.site / "logo.png"
    logo.write_bytes(png(3, 3))
    site.config.write_text('[brand]\nlogo = "logo.png"\n', "utf-8")
    # beside the logo (the site root), in another post's folder, in the post's own folder
    reach_out_for_pictures(site)
    out = tmp_path / "built"
    done = run("build", str(site.site / "content"), "-o", str(out), "--kit", "kit", "-q")
    assert "Traceback" not in done.stderr
    single = out / "en/blog/case.pdf"
    single = single if single.exists() else next(out.rglob("case*.pdf"))
    kit = out / "kit.pdf"
    assert kit.is_file(), done.stderr
    allowed = {(13, 2), (11, 3)}
    assert set(pdf_images(single)) - {(3, 3)} == allowed
    assert set(pdf_images(kit)) - {(3, 3)} == allowed


def _docx_images(path: Path) -> list[tuple[int, int]]:
    """The (width, height) of every PNG in a Word file's media."""
    import struct
    import zipfile

    with zipfile.ZipFile(path) as archive:
        media = [archive.read(n) for n in archive.namelist() if n.startswith("word/media/")]
    return [struct.unpack(">II", data[16:24]) for data in media if data[:4] == b"\x89PNG"]


def test_the_word_kit_reads_only_what_each_post_may(tmp_path) -> None:
    """The Word kit (`--formats pdf,docx --kit`) holds the pictures the post's own .docx
    holds: not the file beside the logo, not another post's, not a file: URL."""
    site = make_site(tmp_path)
    reach_out_for_pictures(site)
    out = tmp_path / "built"
    done = run(
        "build", str(site.site / "content"), "-o", str(out), "--formats", "pdf,docx",
        "--kit", "kit", "-q",
    )  # fmt: skip
    assert "Traceback" not in done.stderr
    single = next(out.rglob("case*.docx"))
    kit = out / "kit.docx"
    assert kit.is_file(), done.stderr
    allowed = {(13, 2), (11, 3)}
    assert set(_docx_images(single)) == allowed
    assert set(_docx_images(kit)) == allowed


# --------------------------------------------------------------------------- symlinks


def _link_post(site, how: str) -> Path:
    target = site.outside / "bundle"
    target.mkdir()
    (target / "index.md").write_text(FM + SECRET + "\n", "utf-8")
    (target / "photo.png").write_bytes(png(7, 5))
    if how == "file":
        site.post.symlink_to(target / "index.md")
        return site.post
    if how == "bundle":
        site.bundle.rmdir()
        site.bundle.symlink_to(target)
        return site.post
    link = site.bundle / "index.en.md"  # a translation that is a link
    site.post.write_text(FM + "Fine.\n", "utf-8")
    link.symlink_to(target / "index.md")
    return link


@pytest.mark.parametrize("how", ["file", "bundle", "translation"])
def test_a_post_that_links_outside_the_site_is_refused(how, tmp_path) -> None:
    site = make_site(tmp_path)
    link = _link_post(site, how)
    fine = site.bundle.parent / "fine"
    fine.mkdir()
    (fine / "index.md").write_text(FM + "Fine.\n", "utf-8")
    done = run("render", str(link), "-o", str(site.out))
    assert_well_behaved(done, link)
    assert done.returncode == 1
    assert "refused: a symlink to" in done.stderr and "outside the site" in done.stderr
    assert SECRET not in done.stderr and not site.out.exists()
    out = tmp_path / "built"
    done = run("build", str(site.site / "content"), "-o", str(out), "-q")
    assert "Traceback" not in done.stderr
    assert how == "bundle" or str(link) in done.stderr  # a linked folder is not walked
    for pdf in out.rglob("*.pdf"):
        assert SECRET not in pdftotext(pdf)
        assert (7, 5) not in pdf_images(pdf)


def test_a_link_inside_the_site_is_fine(tmp_path) -> None:
    site = make_site(tmp_path)
    real = site.bundle.parent / "real"
    real.mkdir()
    (real / "index.md").write_text(FM + "Linked body.\n", "utf-8")
    site.post.symlink_to(real / "index.md")
    done = run("render", str(site.post), "-o", str(site.out))
    assert done.returncode == 0, done.stderr
    assert "Linked body." in pdftotext(site.out)


@pytest.mark.parametrize("folder", ["static", "assets"])
@pytest.mark.parametrize("how", ["folder", "parent"])
def test_a_static_folder_linked_outside_is_not_readable(folder, how, tmp_path) -> None:
    site = make_site(tmp_path)
    static = site.site / folder
    if static.exists():
        (static / "img" / "ok.png").unlink()
        (static / "img").rmdir()
        static.rmdir()
    if how == "folder":
        static.symlink_to(site.outside)
        name = "/secret.png"
    else:  # the site's static folder holds a link to the folder above the site
        static.mkdir()
        (static / "up").symlink_to(tmp_path)
        name = "/up/outside/secret.png"
    site.post.write_text(FM + f"![x]({name})\n", "utf-8")
    done = run("render", str(site.post), "-o", str(site.out))
    assert done.returncode == 0, done.stderr
    assert_nothing_leaked(site.out)


# --------------------------------------------------------------------------- below a build's PATH


@pytest.mark.parametrize("owner_config", [True, False], ids=["site-config", "no-config"])
@pytest.mark.parametrize("kit", [False, True], ids=["posts", "kit"])
def test_build_reads_no_config_below_the_folder_it_was_given(owner_config, kit, tmp_path) -> None:
    """Posts need not sit in a folder named `content` or in bundles (a plain folder of
    Markdown, a Hugo site with another `contentDir`): whatever `presskit build PATH` renders
    is content, so a contributor's section folder cannot configure the batch — here with an
    extension beside it that would run as the batch imports it."""
    root = tmp_path / "site"
    section = root / "posts" / "en"
    section.mkdir(parents=True)
    if owner_config:
        (root / "presskit.toml").write_text('[brand]\nname = "OWNER-BRAND"\n', "utf-8")
    marker = tmp_path / "PWNED"
    (section / "evilext.py").write_text(f"open({str(marker)!r}, 'w').write('x')\n", "utf-8")
    evil = section / "presskit.toml"
    evil.write_text('extensions = ["evilext"]\n[brand]\nname = "EVIL-BRAND"\n', "utf-8")
    (section / "hello.md").write_text(FM + "Body.\n", "utf-8")
    out = tmp_path / "built"
    args = ["build", str(root / "posts"), "-o", str(out), "--offline"]
    done = run(*args, *(["--kit", "kit"] if kit else []))
    assert done.returncode == 0, done.stderr
    assert not marker.exists(), "an extension beside a config inside the batch was imported"
    assert f"{evil}: ignored: configuration inside the content tree" in done.stderr
    pdfs = list(out.rglob("*.pdf"))
    assert len(pdfs) == (2 if kit else 1)
    for pdf in pdfs:
        text = pdftotext(pdf)
        assert "EVIL-BRAND" not in text
        assert ("OWNER-BRAND" in text) == owner_config
