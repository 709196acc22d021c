"""Pages as Hugo sees them: its verdict (published, future, expired, draft, headless, not
rendered), section pages, translations, held to the real `hugo` binary on generated sites.

The oracle is Hugo itself: `hugo list drafts|future|expired`, and two real builds of each site
with a template that writes the source file's name into every page it renders, one plain (what
the website publishes) and one with `--buildDrafts --buildFuture --buildExpired`.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from pathlib import Path

import pytest
from hugo_oracle import hugo_list, needs_hugo, run_hugo

from presskit.batch.builder import build
from presskit.source.post import load_post
from presskit.source.site import load_site
from presskit.source.verdict import _build_options, effective_front_matter, hugo_verdict

FAKE = "build_hooks:fake_render"
MARK = re.compile(r"PK\[(.+?)\]PK")
TEMPLATE = "{{ with .File }}PK[{{ .Filename }}]PK{{ end }}"
PAST, FUTURE = "2001-02-03", "2099-02-03"
EXPIRY = ("expirydate", "unpublishdate")


def _meta(rng: random.Random, index: int) -> dict[str, object]:
    meta: dict[str, object] = {"title": f"Page {index}"}
    roll = rng.random()
    if roll < 0.15:
        meta["draft"] = True
    elif roll < 0.25:
        meta["headless"] = True
    elif roll < 0.4:
        meta["build"] = {
            "render": rng.choice(["never", "link", "always"]),
            "list": rng.choice(["always", "never", "local"]),
        }
    if rng.random() < 0.5:
        meta["date"] = rng.choice([PAST, FUTURE])
    if rng.random() < 0.3:
        meta["publishDate"] = rng.choice([PAST, FUTURE, FUTURE + "T10:00:00+08:00"])
    if rng.random() < 0.25:
        meta[rng.choice(["expiryDate", "unpublishdate"])] = rng.choice([PAST, FUTURE])
    if rng.random() < 0.1:
        meta["Draft"] = meta.pop("draft", False)  # keys are case-insensitive
    return meta


def make_site(root: Path, seed: int) -> None:
    rng = random.Random(seed)
    layout = ["mono", "suffix", "contentdir"][seed % 3]
    config: dict[str, object] = {
        "baseURL": "https://example.org/",
        "disableKinds": ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"],
        "permalinks": {"page": {"posts": rng.choice(["/:year/:slug/", "/:sections/:filename/"])}},
    }
    codes = ["en"]
    if layout != "mono":
        codes = ["en", "zh"]
        config["languages"] = {
            code: {
                "weight": w,
                **({"contentDir": f"content/{code}"} if layout == "contentdir" else {}),
            }
            for w, code in enumerate(codes, 1)
        }
        config["defaultContentLanguageInSubdir"] = rng.random() < 0.5
    if seed % 3 == 1:  # the site config's own cascade, last in line, sometimes targeted
        site_cascade = {k: v for k, v in _meta(rng, 99).items() if k != "title"}
        if rng.random() < 0.5:
            site_cascade["target"] = {
                "path": rng.choice(["/posts/**", "/blog/**", "{/news,/news/**}"])
            }
        config["cascade"] = [site_cascade]
    (root / "hugo.json").write_text(json.dumps(config), encoding="utf-8")
    (root / "layouts").mkdir()
    for name in ("single.html", "list.html", "home.html"):
        (root / "layouts" / name).write_text(TEMPLATE, encoding="utf-8")
    sections: list[str] = []
    for index in range(20):
        code = rng.choice(codes)
        base = root / "content" / code if layout == "contentdir" else root / "content"
        suffix = f".{code}" if layout == "suffix" else ""
        section = rng.choice(["posts", "news/releases", "blog"])
        kind = rng.choice(["leaf", "bundle", "bundle", "section"])
        if sections and kind != "section" and rng.random() < 0.5:
            section = rng.choice(sections)  # below a section page: its cascade reaches here
        name = f"p{index}"
        if kind == "leaf":
            file = base / section / f"{name}{suffix}.md"
        elif kind == "bundle":
            file = base / section / name / f"index{suffix}.md"
        else:
            file = base / section / name / f"_index{suffix}.md"
            sections.append(f"{section}/{name}")
        file.parent.mkdir(parents=True, exist_ok=True)
        body = "" if kind == "section" and rng.random() < 0.4 else "Body.\n"
        meta = _meta(rng, index)
        if kind == "section" and rng.random() < 0.6:  # what it gives itself and those below
            cascade = {k: v for k, v in _meta(rng, index).items() if k != "title"}
            meta["cascade"] = [cascade] if rng.random() < 0.5 else cascade
        file.write_text(json.dumps(meta) + "\n" + body, encoding="utf-8")


def rendered(root: Path, *flags: str) -> set[str]:
    out = root / ("public" + "".join(flags).replace("-", ""))
    run_hugo(root, "--quiet", "--destination", str(out), *flags)
    found = set()
    for page in out.rglob("*.html"):
        found.update(MARK.findall(page.read_text(encoding="utf-8")))
    return {str(Path(name).resolve()) for name in found}


SEEDS = range(12)


@needs_hugo
def test_verdicts_match_hugo_on_generated_sites(tmp_path: Path) -> None:
    checked = {state: 0 for state in ("published", "future", "expired", "draft", "headless")}
    failures = []
    for seed in SEEDS:
        root = tmp_path / f"site{seed}"
        root.mkdir()
        make_site(root, seed)
        lists = {which: hugo_list(root, which) for which in ("drafts", "future", "expired")}
        published = rendered(root)
        everything = rendered(root, "--buildDrafts", "--buildFuture", "--buildExpired")
        site = load_site(root)
        for file in sorted((root / "content").rglob("*.md")):
            rel = file.relative_to(root).as_posix()
            meta = effective_front_matter(site, file, load_post(file).meta)
            verdict = hugo_verdict(meta, timezone=site.timezone)
            name = str(file.resolve())
            state = verdict.state
            checked[state if state != "not-rendered" else "headless"] += 1
            problems = []
            if (state == "published") != (name in published):
                problems.append(f"published by plain hugo: {name in published}")
            listed = {which for which, rows in lists.items() if rel in rows}
            # `hugo list` leaves out `build.list: never|local` pages: only their render counts
            listable = _build_options({k.lower(): v for k, v in meta.items()})[1] == "always"
            if listable and state == "draft" and "drafts" not in listed:
                problems.append("not in `hugo list drafts`")
            if listable and state == "future" and "future" not in listed:
                problems.append("not in `hugo list future`")
            # expired and future at once: Hugo lists it in neither and never publishes it;
            # presskit calls it expired (a kit must not carry it)
            if listable and state == "expired" and "expired" not in listed:
                unexpiring = {k: v for k, v in meta.items() if k.lower() not in EXPIRY}
                if hugo_verdict(unexpiring, timezone=site.timezone).state != "future":
                    problems.append("not in `hugo list expired`")
            if state in ("headless", "not-rendered") and name in everything:
                problems.append("rendered by hugo with every --build flag")
            if state in ("draft", "future", "expired") and name not in everything:
                problems.append("not rendered by hugo even with every --build flag")
            if (
                name in everything
                and name not in published
                and state
                not in (
                    "draft",
                    "future",
                    "expired",
                )
            ):
                problems.append("rendered only with the --build flags")
            if problems:
                failures.append(
                    f"seed {seed} {rel}: presskit {state} ({verdict.detail}); "
                    + ", ".join(problems)
                )
    assert not failures, "\n".join(failures)
    assert all(count >= 5 for count in checked.values()), checked


def test_verdict_rules_in_brief() -> None:
    now = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    assert hugo_verdict({"title": "x"}, now=now).state == "published"
    assert hugo_verdict({"DRAFT": "true"}, now=now).state == "draft"
    assert hugo_verdict({"_build": {"render": False}}, now=now).state == "not-rendered"
    future = hugo_verdict({"date": "2020-01-01", "publishDate": "2031-01-01"}, now=now)
    assert (future.state, future.detail.split()[0]) == ("future", "publishdate")
    # a zone-less date is in the site's time zone
    edge = {"publishdate": "2030-01-01T06:00:00"}
    assert hugo_verdict(edge, now=now).state == "future"
    assert hugo_verdict(edge, now=now, timezone="Asia/Shanghai").state == "published"
    assert hugo_verdict({"expirydate": "2029-12-31"}, now=now).state == "expired"


# --------------------------------------------------------------------------- the batch


def _write(path: Path, meta: dict[str, object], body: str = "Body.\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(meta) + "\n" + body, encoding="utf-8")
    return path


@pytest.fixture
def hugo_site(tmp_path: Path) -> Path:
    """Two languages by content folder, every verdict, a release kept as a branch bundle,
    and translations paired by `translationKey` across different paths."""
    root = tmp_path / "site"
    (root / "hugo.toml").parent.mkdir(parents=True)
    (root / "hugo.toml").write_text(
        'baseURL = "https://example.org/"\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]\n'
        '[languages.en]\ncontentDir = "content/en"\nweight = 1\n'
        '[languages.zh]\ncontentDir = "content/zh"\nweight = 2\n',
        encoding="utf-8",
    )
    en, zh = root / "content" / "en", root / "content" / "zh"
    _write(en / "news/_index.md", {"title": "News"}, "")
    _write(en / "news/1.18.x/announcing-1.18/_index.md", {"title": "Istio 1.18"}, "We ship.\n")
    _write(zh / "news/1.18.x/announcing-1.18/_index.md", {"title": "Istio 1.18 发布"}, "发布。\n")
    _write(en / "news/launch/index.md", {"title": "Launch", "publishDate": FUTURE})
    _write(en / "news/old/index.md", {"title": "Old", "expiryDate": PAST})
    _write(en / "news/wip/index.md", {"title": "WIP", "draft": True})
    _write(en / "boilerplates/index.md", {"title": "Parts", "headless": True})
    _write(en / "news/hidden/index.md", {"title": "Hidden", "build": {"render": "never"}})
    _write(en / "blog/hello/index.md", {"title": "Hello", "translationKey": "hello"})
    _write(zh / "blog/ni-hao/index.md", {"title": "你好", "translationKey": "hello"})
    _write(en / "blog/same/index.md", {"title": "Same", "translationKey": "same-en"})
    _write(zh / "blog/same/index.md", {"title": "同"})
    return root


def test_the_batch_records_hugos_verdict_and_acts_on_it(hugo_site: Path, tmp_path: Path) -> None:
    result = build([hugo_site / "content"], tmp_path / "out", runner=FAKE, jobs=1)
    docs = {doc.source: doc for doc in result.documents}
    release = docs["en/news/1.18.x/announcing-1.18/_index.md"]
    assert (release.status, release.hugo) == ("built", "published")
    assert release.url == "https://example.org/news/1.18.x/announcing-1.18/"
    zh_release = docs["zh/news/1.18.x/announcing-1.18/_index.md"]
    assert zh_release.url == "https://example.org/zh/news/1.18.x/announcing-1.18/"
    assert "empty list page" in (docs["en/news/_index.md"].reason or "")
    launch = docs["en/news/launch/index.md"]
    assert (launch.status, launch.hugo) == ("built", "future")
    assert "embargo" in (launch.reason or "") and "2099-02-03" in (launch.reason or "")
    assert "embargo" in result.summary()
    for source, verdict in [
        ("en/news/old/index.md", "expired"),
        ("en/news/wip/index.md", "draft"),
        ("en/boilerplates/index.md", "headless"),
        ("en/news/hidden/index.md", "not-rendered"),
    ]:
        assert (docs[source].status, docs[source].hugo) == ("skipped", verdict), source
    assert "--expired" in (docs["en/news/old/index.md"].reason or "")
    # Hugo gives a headless or never-rendered page no permalink
    assert docs["en/boilerplates/index.md"].url is None
    assert docs["en/news/hidden/index.md"].url is None
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))
    row = next(d for d in manifest["documents"] if d["source"] == "en/news/launch/index.md")
    assert row["hugo"] == "future" and row["url"] == "https://example.org/news/launch/"

    again = build([hugo_site / "content"], tmp_path / "out", runner=FAKE, jobs=1, expired=True)
    old = next(d for d in again.documents if d.source == "en/news/old/index.md")
    assert (old.status, old.hugo) == ("built", "expired")
    # a file named on the command line is built whatever Hugo would do with it
    [named] = build(
        [hugo_site / "content/en/news/hidden/index.md"], tmp_path / "o2", runner=FAKE, jobs=1
    ).documents
    assert (named.status, named.hugo) == ("built", "not-rendered")


TRANSLATIONS = "{{ range .Translations }}{{ with .File }}T[{{ .Filename }}]T{{ end }}{{ end }}"


@needs_hugo
def test_translations_pair_as_hugo_pairs_them(hugo_site: Path, tmp_path: Path) -> None:
    (hugo_site / "layouts").mkdir()
    for name in ("single.html", "list.html", "home.html"):
        (hugo_site / "layouts" / name).write_text(TEMPLATE + TRANSLATIONS, encoding="utf-8")
    out = hugo_site / "public"
    run_hugo(hugo_site, "--quiet", "--destination", str(out))
    content = hugo_site / "content"
    hugo_pairs = set()
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for own in MARK.findall(text):
            for other in re.findall(r"T\[(.+?)\]T", text):
                hugo_pairs.add(
                    (
                        Path(own).relative_to(content).as_posix(),
                        Path(other).relative_to(content).as_posix(),
                    )
                )
    result = build([content], tmp_path / "out", runner=FAKE, jobs=1)
    by_output = {doc.output: doc.source for doc in result.documents if doc.output}
    ours = {
        (doc.source, by_output[str(t["output"])])
        for doc in result.documents
        for t in doc.translations
    }
    assert ("en/blog/hello/index.md", "zh/blog/ni-hao/index.md") in hugo_pairs
    # a key on one side only: the page without a key pairs by path, the other does not
    assert ("zh/blog/same/index.md", "en/blog/same/index.md") in hugo_pairs
    assert not any(a == "en/blog/same/index.md" for a, _ in hugo_pairs)
    assert ours == hugo_pairs


@needs_hugo
def test_a_leaf_bundles_markdown_files_are_its_resources_not_posts(tmp_path: Path) -> None:
    """Hugo renders a leaf bundle (`index.md`) as one page: the other Markdown beside it or
    below it is a resource. A branch bundle (`_index.md`) has pages of its own."""
    from presskit.batch.discover import discover

    outside = tmp_path / "outside.md"
    outside.write_text("secret\n", encoding="utf-8")
    root = tmp_path / "site"
    (root / "layouts").mkdir(parents=True)
    (root / "hugo.toml").write_text('baseURL = "https://example.org/"\n', encoding="utf-8")
    for name in ("single.html", "list.html", "home.html"):
        (root / "layouts" / name).write_text(TEMPLATE, encoding="utf-8")
    files = {
        "news/_index.md": "Section.",
        "news/plain.md": "A page.",
        "news/a/index.md": "A bundle.",
        "news/a/notes.md": "A resource.",
        "news/a/sub/deeper.md": "Also a resource.",
        "news/a/sub/index.md": "Below a leaf: still a resource.",
        "boilerplates/index.md": None,  # headless
        "boilerplates/about.md": "About us.",
    }
    for rel, body in files.items():
        file = root / "content" / rel
        file.parent.mkdir(parents=True, exist_ok=True)
        meta = {"title": rel} if body is not None else {"title": rel, "headless": True}
        file.write_text(json.dumps(meta) + "\n" + (body or ""), encoding="utf-8")
    (root / "content/boilerplates/linked.md").symlink_to(outside)  # a contributor's symlink

    listed = {path for path in hugo_list(root, "all") if path.startswith("content/news")}
    everything = rendered(root, "--buildDrafts", "--buildFuture", "--buildExpired")
    found = {source.path for source in discover([root / "content"])}
    assert {f"content/{s.rel}" for s in discover([root / "content"]) if "news" in s.rel.parts} == (
        listed
    )
    assert {str(path.resolve()) for path in found} >= everything
    assert found == {
        root / "content" / rel for rel in ("news/_index.md", "news/plain.md", "news/a/index.md")
    } | {root / "content/boilerplates/index.md"}
