"""The Hugo site around a post: configuration, languages, and permalinks held to real Hugo.

Each generated site is built once by the `hugo` binary (`hugo list all`), and presskit must
give every page the permalink Hugo prints, for many shapes of site: languages by file name or
by content folder, in subfolders or not, `permalinks` patterns for pages and sections, `slug`
and `url`, bundles and leaf files, `uglyURLs`, a base URL with a path.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hugo_oracle import hugo_list, needs_hugo, run_hugo, site_from_language_trees, stub_shortcodes

from presskit.brand import Config, site_lang, with_site
from presskit.errors import PresskitError
from presskit.output.release import canonical_url
from presskit.source.post import load_post
from presskit.source.site import find_site, load_site

# --------------------------------------------------------------------------- generated sites

TITLES = [
    "Hello World",
    "Istio 1.18: Ambient!",
    "C++ & Rust (together)",
    "Ünïcode Café",
    "服务网格 发布",
    "  spaced   out  ",
    "a/b slash",
    "Mixed-Case Title_With_Underscores",
    "#hash tag",
    "v1.2.3",
]
SLUGS = ["", "", "", "custom-slug", "Slug With Spaces", "发布", "UPPER"]
URLS = ["", "", "", "", "", "", "/fixed/path/", "relative/url", "/page.html", "/Mixed/Case"]
DATES = [
    "",
    "2023-07-12",
    "2024-02-29T23:30:00+08:00",
    "2019-12-31T23:59:59Z",
    "2021-01-05T10:00:00",
]
SECTIONS = ["posts", "blog", "news/releases", "docs/guide/deep", "Upper Case"]
PATTERNS = [
    "/:year/:month/:slug/",
    "/:sections/:filename/",
    "/:section/:year/:contentbasename/",
    "/:title/",
    "/:sections[1:]/:slugorfilename/",
    "/:year/:month/:day/:slugorcontentbasename/",
    "/archive/:sections[last]/:filename",
    "/:yearday-:weekday/:slug",
]


def _front(rng: random.Random, meta: dict[str, object]) -> str:
    style = rng.choice(["yaml", "toml", "json"])
    if style == "json":
        return json.dumps(meta, ensure_ascii=False) + "\n"
    if style == "toml":
        lines = [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in meta.items()]
        return "+++\n" + "\n".join(lines) + "\n+++\n"
    lines = [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n"


def _page_meta(rng: random.Random) -> dict[str, object]:
    meta: dict[str, object] = {"title": rng.choice(TITLES)}
    if slug := rng.choice(SLUGS):
        meta["slug"] = slug
    if url := rng.choice(URLS):
        meta["url"] = url
    if date := rng.choice(DATES):
        meta["date"] = date
    return meta


def make_site(root: Path, seed: int) -> dict[str, object]:
    """A random but reproducible site; returns its config (also written as hugo.toml/json)."""
    rng = random.Random(seed)
    languages: dict[str, dict[str, object]] = {}
    layout = rng.choice(["mono", "suffix", "contentdir"])
    default = rng.choice(["en", "zh"]) if layout != "mono" else "en"
    if layout != "mono":
        for weight, code in enumerate(["en", "zh", "fr"][: rng.choice([2, 3])], start=1):
            lang: dict[str, object] = {"weight": weight, "label": code.upper()}
            if layout == "contentdir":
                lang["contentDir"] = f"content/{code}"
            languages[code] = lang
    config: dict[str, object] = {
        "baseURL": rng.choice(["https://example.org/", "https://example.org/latest/"]),
        "title": "Generated",
        "defaultContentLanguage": default,
        "disableKinds": ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"],
    }
    if languages:
        config["languages"] = languages
        config["defaultContentLanguageInSubdir"] = rng.random() < 0.4
    if rng.random() < 0.25:
        config["uglyURLs"] = True
    sections = rng.sample(SECTIONS, 3)
    if rng.random() < 0.8:
        page_rules = {s.split("/")[0].lower(): rng.choice(PATTERNS) for s in sections[:2]}
        if rng.random() < 0.5:
            permalinks: dict[str, object] = {"page": page_rules}
            if rng.random() < 0.5:
                permalinks["section"] = {sections[0].split("/")[0].lower(): "/s/:title/"}
        else:
            permalinks = dict[str, object](page_rules)
        config["permalinks"] = permalinks
    (root / "hugo.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
    codes = list(languages) or ["en"]
    for _ in range(14):
        code = rng.choice(codes)
        if layout == "contentdir":
            base, suffix = root / "content" / code, ""
        else:
            base, suffix = root / "content", (f".{code}" if layout == "suffix" else "")
        section = rng.choice(sections)
        folder = base / section
        if rng.random() < 0.3:
            folder = folder / str(rng.choice([2019, 2023, 2024]))
        kind = rng.choice(["leaf", "bundle", "bundle", "section"])
        name = rng.choice(["launch", "Big News", "q&a", "release-1.18", "café"])
        if kind == "leaf":
            file = folder / f"{name}{suffix}.md"
        elif kind == "bundle":
            file = folder / name / f"index{suffix}.md"
        else:
            file = folder / f"_index{suffix}.md"
        file.parent.mkdir(parents=True, exist_ok=True)
        meta = _page_meta(rng)
        if kind == "section":
            meta.pop("slug", None)
        file.write_text(_front(rng, meta) + "Body.\n", encoding="utf-8")
    return config


SEEDS = range(60)


@needs_hugo
def test_permalinks_match_hugo_on_generated_sites(tmp_path: Path) -> None:
    compared = 0
    failures = []
    for seed in SEEDS:
        root = tmp_path / f"site{seed}"
        root.mkdir()
        make_site(root, seed)
        listed = hugo_list(root)
        site = load_site(root)
        for rel, row in listed.items():
            if row["kind"] not in ("page", "section") or not row["permalink"]:
                continue
            file = root / rel
            page = site.locate(file)
            assert page is not None, (seed, rel)
            post = load_post(file)
            ours = site.permalink(page, post.meta)
            compared += 1
            if ours != row["permalink"]:
                failures.append(f"seed {seed} {rel}: hugo {row['permalink']} presskit {ours}")
    assert not failures, "\n".join(failures)
    print(f"{compared} pages of {len(SEEDS)} sites compared")
    assert compared > 400


# --------------------------------------------------------------------------- the Istio site

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
ISTIO_CONFIG = FIXTURES / "istio-site" / "hugo.toml"
CORPUS = ROOT.parent.parent / "shared" / "corpus" / "istio"
CORPUS = CORPUS if CORPUS.is_dir() else ROOT.parent / "shared" / "corpus" / "istio"
# Hugo 0.168 refuses these corpus posts' front matter, and with them the whole site.
HUGO_REFUSES = {
    "zh/news/security/istio-security-2022-003/index.md": "',' or ']' must be specified",
    "en/blog/2025/ambient-multicluster/index.md": "publishdate 08-04-2025 is not a date",
}


def check_istio_site(trees: Path, tmp_path: Path) -> int:
    """Every post of the language trees, made a site with Istio's config, gets Hugo's URL."""
    site = site_from_language_trees(trees, tmp_path / "site", ISTIO_CONFIG)
    stub_shortcodes(site)
    content = site / "content"
    refused = {}
    for rel in HUGO_REFUSES:
        if (content / rel).is_file():
            refused[rel] = (content / rel).read_bytes()
            (content / rel).unlink()
    listed = hugo_list(site)
    for rel, data in refused.items():
        (content / rel).write_bytes(data)
    compared = 0
    for file in sorted(content.rglob("*.md")):
        rel = file.relative_to(content).as_posix()
        config = with_site(Config(), file)
        assert config.site is not None and config.base_url == "https://istio.io/latest/"
        if rel.startswith("zh/news/security/istio-security-2022-003"):
            with pytest.raises(PresskitError, match=":8: invalid YAML"):  # as Hugo does
                load_post(file)
            continue
        post = load_post(file, default_lang=config.lang, site_lang=site_lang(config, file))
        assert site_lang(config, file) == rel.split("/")[0]  # Hugo's language for the page
        url = canonical_url(post, config)
        if rel in refused:
            assert url is not None and url.startswith("https://istio.io/latest/"), rel
            continue
        assert url == listed[f"content/{rel}"]["permalink"], rel
        compared += 1
    return compared


@needs_hugo
def test_fixture_posts_as_an_istio_site_match_hugo(tmp_path: Path) -> None:
    assert check_istio_site(FIXTURES / "posts", tmp_path) >= 10


@needs_hugo
@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared Istio corpus is not on this machine")
def test_corpus_as_an_istio_site_matches_hugo(tmp_path: Path) -> None:
    assert check_istio_site(CORPUS, tmp_path) == 68  # 70 posts, 2 that Hugo refuses


# --------------------------------------------------------------------------- configuration


def _config_dir_site(root: Path) -> None:
    (root / "config" / "_default").mkdir(parents=True)
    (root / "config" / "staging").mkdir()
    (root / "content" / "zh" / "news").mkdir(parents=True)
    (root / "hugo.toml").write_text(
        'baseURL = "https://root.example/"\ntitle = "Root"\n[params]\na = 1\nb = "root"\n'
    )
    default = root / "config" / "_default"
    (default / "hugo.toml").write_text('title = "Default"\ndefaultContentLanguage = "zh"\n')
    (default / "params.toml").write_text('b = "default"\nc = [1, 2]\n')
    (default / "languages.yaml").write_text(
        "zh:\n  weight: 1\n  contentDir: content/zh\n  label: 中文\n"
        "en:\n  weight: 2\n  title: English title\n",
        encoding="utf-8",
    )
    (default / "params.zh.toml").write_text('zhonly = "yes"\n')
    (root / "config" / "staging" / "hugo.json").write_text(
        '{"baseURL": "https://staging.example/sub/", "params": {"b": "staging"}}'
    )


@needs_hugo
@pytest.mark.parametrize("environment", ["production", "staging"])
def test_config_files_merge_as_hugo_merges_them(tmp_path: Path, environment: str) -> None:
    _config_dir_site(tmp_path)
    hugo = json.loads(run_hugo(tmp_path, "config", "--format", "json", "-e", environment))
    site = load_site(tmp_path, environment)
    assert site.base_url == hugo["baseurl"]
    assert site.title == hugo["title"]
    assert site.default_lang == hugo["defaultcontentlanguage"] == "zh"
    zh = site.language("zh")
    assert zh is not None and dict(zh.params) == hugo["params"]
    assert [lang.code for lang in site.languages] == ["zh", "en"]
    assert zh.name == "中文" and zh.content_dir == (tmp_path / "content" / "zh").resolve()
    # why the ignore below: a None site fails the test (AttributeError) as an assert would
    assert site.language("en").title == "English title"  # type: ignore[union-attr]


def test_environment_comes_from_hugo_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _config_dir_site(tmp_path)
    monkeypatch.setenv("HUGO_ENVIRONMENT", "staging")
    assert load_site(tmp_path).base_url == "https://staging.example/sub/"
    monkeypatch.delenv("HUGO_ENVIRONMENT")
    assert load_site(tmp_path).base_url == "https://root.example/"


def test_find_site_needs_the_post_in_its_content(tmp_path: Path) -> None:
    _config_dir_site(tmp_path)
    post = tmp_path / "content" / "zh" / "news" / "a.md"
    post.write_text("---\ntitle: A\n---\n")
    site = find_site(post)
    assert site is not None and site.root == tmp_path.resolve()
    # why the ignore below: a None site fails the test (AttributeError) as an assert would
    assert site.locate(post).lang == "zh"  # type: ignore[union-attr]
    stray = tmp_path / "notes" / "b.md"  # beside the site, not in its content
    stray.parent.mkdir()
    stray.write_text("---\ntitle: B\n---\n")
    assert find_site(stray) is None


def test_legacy_config_and_its_edits_are_seen(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    post = tmp_path / "content" / "p.md"
    post.write_text("---\ntitle: P\n---\n")
    (tmp_path / "config.yaml").write_text("baseURL: https://a.example/\nuglyURLs: true\n")
    site = find_site(post)
    # why the ignore below: locate() is None only for a post outside the site: this one is inside
    assert site is not None and site.permalink(site.locate(post), {}) == "https://a.example/p.html"  # type: ignore[arg-type]
    (tmp_path / "config.yaml").write_text("baseURL: https://b.example/\n")
    site = find_site(post)
    # why the ignore below: locate() is None only for a post outside the site: this one is inside
    assert site is not None and site.permalink(site.locate(post), {}) == "https://b.example/p/"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("hugo.toml", 'baseURL = "x"\ntitle = \n', "hugo.toml:2: invalid TOML"),
        ("hugo.yaml", "title: [a\n", "hugo.yaml:2: invalid YAML"),
        ("hugo.json", '{"title": }', "hugo.json:1: invalid JSON"),
        ("hugo.yaml", "- a\n- b\n", "must be a mapping"),
        ("hugo.toml", "permalinks = 3\n", "`permalinks` must be a table"),
    ],
)
def test_a_broken_site_config_is_one_line_naming_it(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    (tmp_path / name).write_text(text)
    with pytest.raises(PresskitError, match=message):
        load_site(tmp_path)


def test_presskit_toml_keys_win_over_the_site(tmp_path: Path) -> None:
    (tmp_path / "content" / "blog").mkdir(parents=True)
    post = tmp_path / "content" / "blog" / "p.md"
    post.write_text("---\ntitle: P\n---\n")
    (tmp_path / "hugo.toml").write_text(
        'baseURL = "https://site.example/"\n[markup.goldmark.renderer]\nunsafe = true\n'
    )
    plain = with_site(Config(), post)
    assert plain.base_url == "https://site.example/" and plain.unsafe_html
    ours = with_site(
        Config(base_url="https://press.example/", explicit=frozenset({"base_url"})), post
    )
    assert ours.base_url == "https://press.example/"
    loaded = load_post(post)
    assert canonical_url(loaded, ours) == "https://press.example/blog/p/"
    assert canonical_url(loaded, plain) == "https://site.example/blog/p/"
