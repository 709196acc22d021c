"""Issue 17 (review 17): configuration comes from one place per render, and code from a
trusted one.

A loose post (in no content tree) had its `presskit.toml` searched from its own folder, and
that config's `extensions` imported: whoever could write beside the post ran code when its
owner rendered it. The preview judged the embargo (and chose what to watch) by searching a
config per post, which could differ from the one its build used. And a Hugo `hugo.toml`
inside the content tree set the site (its baseURL: where the cover's QR code points).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import pdftotext
from hostile_kit import run

FM = "---\ntitle: Loose\n---\n\n"


def loose_post(tmp_path: Path, where: str) -> tuple[Path, Path, Path]:
    """A loose post with a config and an extension `where` ("beside" it or "above" it)."""
    folder = tmp_path / "drafts" / "week1"
    folder.mkdir(parents=True)
    post = folder / "loose.md"
    post.write_text(FM + "Body.\n", "utf-8")
    home = folder if where == "beside" else folder.parent
    marker = tmp_path / "PWNED"
    (home / "evilext.py").write_text(f"open({str(marker)!r}, 'w').write('x')\n", "utf-8")
    config = home / "presskit.toml"
    config.write_text('extensions = ["evilext"]\n[brand]\nname = "FOUND-BRAND"\n', "utf-8")
    return post, config, marker


@pytest.mark.parametrize("where", ["beside", "above"])
@pytest.mark.parametrize("how", ["render", "html", "api", "build"])
def test_a_loose_posts_found_config_runs_no_code(where, how, tmp_path) -> None:
    post, config, marker = loose_post(tmp_path, where)
    out = tmp_path / ("out.html" if how == "html" else "out.pdf")
    if how == "api":
        script = "import sys, presskit; presskit.render(sys.argv[1], sys.argv[2], offline=True)"
        done = subprocess.run(
            [sys.executable, "-c", script, str(post), str(out)],
            capture_output=True,
            text=True,
            check=False,
            timeout=240,
        )
        assert done.returncode == 0, done.stderr
    elif how == "build":
        done = run("build", str(post), "-o", str(tmp_path / "built"), "--offline")
        assert done.returncode == 0, done.stderr
        [out] = (tmp_path / "built").rglob("*.pdf")
    else:
        args = ["--offline"] if how == "render" else []
        done = run(how, str(post), "-o", str(out), *args)
        assert done.returncode == 0, done.stderr
        assert f"warning: {config}: extensions evilext not loaded" in done.stderr
    assert not marker.exists(), "an extension named by a config found beside the post ran"
    if how != "html":
        assert "FOUND-BRAND" in pdftotext(out)  # the rest of the config is still read


@pytest.mark.parametrize("where", ["beside", "above"])
@pytest.mark.parametrize("kit", [False, True], ids=["posts", "kit"])
def test_building_the_folder_of_loose_posts_runs_no_code(where, kit, tmp_path) -> None:
    """`presskit build FOLDER` where FOLDER holds the loose posts and the config (review
    17b): the config is the PATH's own, but it sits beside (or above) loose posts, where
    whoever writes them could have put it, as for `presskit render` of each."""
    _post, config, marker = loose_post(tmp_path, where)
    out = tmp_path / "built"
    args = ["build", str(config.parent), "-o", str(out), "--offline"]
    done = run(*args, *(["--kit", "kit"] if kit else []))
    assert done.returncode == 0, done.stderr
    assert not marker.exists(), "an extension named by the config beside loose posts ran"
    pdfs = list(out.rglob("*.pdf"))
    assert len(pdfs) == (2 if kit else 1)
    assert all("FOUND-BRAND" in pdftotext(pdf) for pdf in pdfs)  # the rest is still read


def test_a_format_name_imports_no_code_from_a_loose_posts_config(tmp_path) -> None:
    """A format that is not built in makes the batch import its configs' extensions (one may
    register it): not those of a config found for a loose post."""
    post, _config, marker = loose_post(tmp_path, "beside")
    done = run("build", str(post), "-o", str(tmp_path / "built"), "--formats", "pdf,txt")
    assert done.returncode != 0, done.stderr
    assert "unknown output format 'txt'" in done.stderr
    assert not marker.exists(), "naming a format imported a loose post's extension"


def test_a_named_config_still_loads_its_extensions(tmp_path) -> None:
    post, config, marker = loose_post(tmp_path, "beside")
    done = run("render", str(post), "-o", str(tmp_path / "o.pdf"), "--config", str(config))
    assert done.returncode == 0, done.stderr
    assert marker.exists()
    assert "not loaded" not in done.stderr


def test_a_site_posts_config_above_the_content_tree_still_loads_them(tmp_path) -> None:
    site = tmp_path / "site"
    bundle = site / "content" / "en" / "news" / "x"
    bundle.mkdir(parents=True)
    (bundle / "index.md").write_text(FM + "Body.\n", "utf-8")
    marker = tmp_path / "LOADED"
    (site / "ownext.py").write_text(f"open({str(marker)!r}, 'w').write('x')\n", "utf-8")
    (site / "presskit.toml").write_text('extensions = ["ownext"]\n', "utf-8")
    done = run("render", str(bundle / "index.md"), "-o", str(tmp_path / "o.pdf"), "--offline")
    assert done.returncode == 0, done.stderr
    assert marker.exists()


# --------------------------------------------------------------------------- the preview


def _plain_tree(tmp_path: Path) -> tuple[Path, Path, Path]:
    """site/posts/en/hello.md, embargoed; the owner's config at site/, a contributor's beside
    the post (below the PATH given to the preview, so the build refuses it)."""
    root = tmp_path / "site"
    section = root / "posts" / "en"
    section.mkdir(parents=True)
    (root / "presskit.toml").write_text('embargo_zones = ["Asia/Tokyo"]\n', "utf-8")
    (section / "presskit.toml").write_text(
        'lang = "de"\nembargo_zones = ["Pacific/Kiritimati"]\n', "utf-8"
    )
    post = section / "hello.md"
    post.write_text(
        "---\ntitle: Hello\nembargo: 2999-07-12T09:00:00+00:00\n---\n\nBody.\n", "utf-8"
    )
    return root, section, post


def test_the_preview_judges_the_embargo_with_the_builds_config(tmp_path) -> None:
    from presskit.brand import load_config
    from presskit.output.release import release_for
    from presskit.preview.session import PostState, Session
    from presskit.source.post import load_post

    root, section, post = _plain_tree(tmp_path)
    owner, contributor = load_config(root / "presskit.toml"), load_config(section / "presskit.toml")
    session = Session([root / "posts"])
    try:
        status, embargoed, _ = session._embargo(PostState("en/hello", "en/hello.md", post, "x"))
        now = session._moment
    finally:
        session.close()
    assert embargoed
    expected = release_for(load_post(post, default_lang=owner.lang), owner, now=now).status
    refused = release_for(load_post(post, default_lang=contributor.lang), contributor, now=now)
    assert status == expected and status != refused.status, (status, expected, refused.status)


def test_the_preview_watches_the_config_the_build_reads(tmp_path) -> None:
    from presskit.preview.watch import watch_roots

    root, section, _post = _plain_tree(tmp_path)
    roots = watch_roots([root / "posts"])
    assert (root / "presskit.toml").resolve() in roots.files
    assert (section / "presskit.toml").resolve() not in roots.files


# --------------------------------------------------------------------------- Hugo site root


@pytest.mark.parametrize(
    "where",
    ["bundle-hugo.toml", "content-hugo.toml", "bundle-config-dir", "section-bundle-hugo.yaml"],
)
@pytest.mark.parametrize("owner", [True, False], ids=["owner-site", "no-site"])
def test_a_hugo_config_inside_the_content_tree_is_not_the_site(where, owner, tmp_path) -> None:
    site = tmp_path / "site"
    bundle = site / "content" / "en" / "news" / "x"
    bundle.mkdir(parents=True)
    post = bundle / "index.md"
    post.write_text(FM + "Body.\n", "utf-8")
    if owner:
        (site / "hugo.toml").write_text('baseURL = "https://owner.example/"\n', "utf-8")
    evil = 'baseURL = "https://evil.example/"\ncontentDir = "."\n'
    if where == "bundle-hugo.toml":
        (bundle / "hugo.toml").write_text(evil, "utf-8")
    elif where == "content-hugo.toml":
        (site / "content" / "hugo.toml").write_text(evil, "utf-8")
    elif where == "bundle-config-dir":
        (bundle / "config" / "_default").mkdir(parents=True)
        (bundle / "config" / "_default" / "hugo.toml").write_text(evil, "utf-8")
    else:
        section = site / "content" / "en" / "news"
        (section / "_index.md").write_text("---\ntitle: News\n---\n", "utf-8")
        (section / "hugo.yaml").write_text(
            "baseURL: https://evil.example/\ncontentDir: .\n", "utf-8"
        )
    out = tmp_path / "o.pdf"
    done = run("render", str(post), "-o", str(out), "--offline")
    assert done.returncode == 0, done.stderr
    text = pdftotext(out)
    assert "evil.example" not in text
    assert ("owner.example" in text) == owner, text


@pytest.mark.parametrize("evil_dir", [".", "content"])
def test_a_hugo_config_among_posts_of_a_custom_content_dir_is_not_the_site(
    evil_dir, tmp_path
) -> None:
    """The owner's site keeps its posts in `posts/` (no folder named `content`): a contributor's
    plain folder among them, with its own `hugo.toml`, must not become the site."""
    site = tmp_path / "site"
    (site / "posts" / "en").mkdir(parents=True)
    (site / "hugo.toml").write_text(
        'baseURL = "https://owner.example/"\ncontentDir = "posts"\n', "utf-8"
    )
    evil = site / "posts" / "en" / "evil"
    post = evil / ("x.md" if evil_dir == "." else "content/x.md")
    post.parent.mkdir(parents=True)
    post.write_text(FM + "Body.\n", "utf-8")
    (evil / "hugo.toml").write_text(
        f'baseURL = "https://evil.example/"\ncontentDir = "{evil_dir}"\n', "utf-8"
    )
    out = tmp_path / "o.pdf"
    done = run("render", str(post), "-o", str(out), "--offline")
    assert done.returncode == 0, done.stderr
    text = pdftotext(out)
    assert "evil.example" not in text
    assert "owner.example" in text, text


# --------------------------------------------------------------------------- the sandbox


@pytest.mark.parametrize(
    ("source", "printed"),
    [
        ('{{ "%s-%s" % (a, 2) }}', "x-2"),
        ('{{ "%s-%s"|format(a, 2) }}', "x-2"),
        ("{{ a.upper() }}{{ d.items()|list|length }}{{ day.strftime('%Y') }}", "X12024"),
        ("{{ now.astimezone(now.tzinfo).year }}", "2024"),
        ("{% for k, v in d|dictsort %}{{ loop.cycle('o', 'e') }}{{ k }}{% endfor %}", "ok"),
        ("{% set ns = namespace(n=1) %}{{ ns.n }}{{ range(3)|list|length }}", "13"),
    ],
)
def test_what_the_readme_says_templates_may_do(source: str, printed: str) -> None:
    import datetime as dt

    from presskit.output.page import Sandbox

    values = {
        "a": "x",
        "d": {"k": 1},
        "day": dt.date(2024, 5, 1),
        "now": dt.datetime(2024, 5, 1, tzinfo=dt.UTC),
    }
    assert Sandbox().from_string(source).render(values) == printed


@pytest.mark.parametrize(
    "source",
    [
        '{{ "{}".format(a) }}',
        '{{ "{x}".format_map(d) }}',
        "{{ d.update({'k': 2}) }}",
        "{{ l.append(1) }}",
        "{{ s.add(1) }}",
        "{{ p.read_text() }}",
        "{{ f() }}",
        "{{ a.__class__ }}",
    ],
)
def test_what_the_readme_says_templates_may_not_do(source: str, tmp_path: Path) -> None:
    import jinja2

    from presskit.output.page import Sandbox

    values = {
        "a": "x",
        "d": {"k": 1},
        "l": [],
        "s": set(),
        "p": tmp_path / "secret.txt",
        "f": print,
    }
    (tmp_path / "secret.txt").write_text("SECRET", "utf-8")
    try:
        printed = Sandbox(undefined=jinja2.StrictUndefined).from_string(source).render(values)
    except (jinja2.exceptions.SecurityError, jinja2.exceptions.UndefinedError):
        return
    assert "SECRET" not in printed and "class" not in printed, printed
    pytest.fail(f"{source} rendered: {printed!r}")
