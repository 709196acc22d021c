"""The shortcode promise, checked on real posts: nothing leaks, code and captions survive.

For each post rendered the way the renderer does it (source pass, pandoc, filter in-process):

- no `{{<`, `{{%`, `>}}` or `%}}` in the visible text, except as many as the source itself keeps
  as text (code spans, fenced code, `{{</* */>}}` comments, `text` bodies);
- every `text` body, as Hugo prints it (indent of the tag removed), is the whole text of a
  code block;
- every quote caption is the text of a `figcaption`.

Runs on the posts copied into tests/fixtures/ (always) and on every post of
../shared/corpus/istio/ when that folder exists. As a script it prints the figures:
`python tests/test_corpus.py [FOLDER]`.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from presskit.errors import PresskitError
from presskit.output.convert import Conversion, convert
from presskit.shortcodes.declare import REGISTRY
from presskit.source.lexer import Node, Shortcode, Text, parse
from presskit.source.post import load_post

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_POSTS = ROOT / "tests" / "fixtures" / "posts"
CORPUS = ROOT.parent.parent / "shared" / "corpus" / "istio"
CORPUS = CORPUS if CORPUS.is_dir() else ROOT.parent / "shared" / "corpus" / "istio"
TOKENS = ("{{<", "{{%", ">}}", "%}}")


class _Reader(HTMLParser):
    """Visible text, the text of each `<code>` inside `<pre>`, and each figcaption's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.codes: list[str] = []
        self.captions: list[str] = []
        self._code: list[str] | None = None
        self._caption: list[str] | None = None
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "pre":
            self._pre += 1
        elif tag == "code" and self._pre:
            self._code = []
        elif tag == "figcaption":
            self._caption = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._pre -= 1
        elif tag == "code" and self._code is not None:
            self.codes.append("".join(self._code))
            self._code = None
        elif tag == "figcaption" and self._caption is not None:
            self.captions.append(" ".join("".join(self._caption).split()))
            self._caption = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        for sink in (self._code, self._caption):
            if sink is not None:
                sink.append(data)


@dataclass
class Report:
    path: Path
    leaks: dict[str, int] = field(default_factory=dict)
    texts: int = 0
    texts_missing: list[str] = field(default_factory=list)
    captions: int = 0
    captions_missing: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.leaks or self.texts_missing or self.captions_missing)


def _walk(nodes: list[Node]) -> tuple[list[str], list[Shortcode]]:
    """Text the source keeps as text (code, comments, `text` bodies), and every shortcode."""
    texts: list[str] = []
    shortcodes: list[Shortcode] = []
    for node in nodes:
        if isinstance(node, Text):
            texts.append(node.text)
        else:
            shortcodes.append(node)
            inner_texts, inner_codes = _walk(node.children or [])
            texts.extend(inner_texts)
            shortcodes.extend(inner_codes)
    return texts, shortcodes


def hugo_text_body(source: str, node: Shortcode) -> str:
    """A `text` body as Hugo prints it: first newline, last blank line and tag indent gone."""
    raw = node.raw_inner(source).removeprefix("\n")
    raw = re.sub(r"\n[ \t]*\Z", "", raw)
    return "\n".join(line.removeprefix(node.indent) for line in raw.split("\n"))


def check_post(path: Path) -> Report:
    post = load_post(path)
    html = convert(
        post, Conversion(lang=post.lang, base_url="https://istio.io", warn=lambda d: None)
    )
    reader = _Reader()
    reader.feed(html)
    shown = "".join(reader.text)
    kept_texts, shortcodes = _walk(parse(post.body, warn=None))
    kept = "".join(kept_texts)
    report = Report(path)
    for token in TOKENS:
        # The parser hands a comment form `{{</* x */>}}` back as the text `{{< x >}}` it prints.
        extra = shown.count(token) - kept.count(token)
        if extra > 0:
            report.leaks[token] = extra
    codes = set(reader.codes)
    for node in shortcodes:
        if node.children is not None and REGISTRY.is_verbatim(node.name):
            report.texts += 1
            body = hugo_text_body(post.body, node)
            if body not in codes:
                report.texts_missing.append(f"{node.line}: {body[:60]!r}")
        if node.name == "quote":
            caption = node.param("caption", node.param(0))
            if caption:
                report.captions += 1
                if " ".join(str(caption).split()) not in reader.captions:
                    report.captions_missing.append(f"{node.line}: {caption}")
    return report


def _posts(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.md") if p.name != "README.md")


FIXTURES = _posts(FIXTURE_POSTS)
CORPUS_POSTS = _posts(CORPUS) if CORPUS.is_dir() else []


def _id(path: Path) -> str:
    return "/".join(path.parts[-4:-1]) if path.name.startswith(("index", "_index")) else path.stem


def _assert_clean(report: Report) -> None:
    assert not report.leaks, f"shortcode text leaked: {report.leaks}"
    assert not report.texts_missing, f"text bodies not verbatim: {report.texts_missing}"
    assert not report.captions_missing, f"captions missing: {report.captions_missing}"


@pytest.mark.parametrize("path", FIXTURES, ids=[_id(p) for p in FIXTURES])
def test_fixture_posts(path: Path) -> None:
    _assert_clean(check_post(path))


def test_fixtures_exercise_the_shortcodes() -> None:
    """The copied posts must keep covering what the corpus uses, or the test above proves little."""
    names: set[str] = set()
    texts = captions = 0
    for path in FIXTURES:
        report = check_post(path)
        texts, captions = texts + report.texts, captions + report.captions
        names |= {n.name for n in _walk(parse(load_post(path).body, warn=None))[1]}
    expected = {"quote", "text", "image", "tip", "warning", "gloss", "boilerplate", "relnote"}
    expected |= {"security_bulletin", "centered_block", "istio_release_name", "github_tree"}
    assert expected <= names
    assert texts >= 20 and captions >= 6


def test_check_catches_leaks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the source pass, shortcodes leak and the check must say so."""
    monkeypatch.setattr("presskit.output.convert.expand_source", lambda body, **kw: body)
    path = FIXTURE_POSTS / "en/blog/2023/istio-graduates-within-cncf/index.md"
    report = check_post(path)
    assert report.leaks.get("{{<", 0) >= 6 and len(report.captions_missing) == 6


@pytest.mark.skipif(not CORPUS_POSTS, reason="../shared/corpus/istio is not here")
@pytest.mark.parametrize("path", CORPUS_POSTS, ids=[_id(p) for p in CORPUS_POSTS])
def test_corpus_posts(path: Path) -> None:
    try:
        report = check_post(path)
    except PresskitError as error:  # a post the loader refuses is another test's business
        pytest.skip(f"post not loadable: {error}")
    _assert_clean(report)


def main(folder: Path) -> int:
    posts = _posts(folder)
    reports = []
    for path in posts:
        try:
            reports.append(check_post(path))
        except PresskitError as error:
            print(f"not loadable: {error}")
    texts = sum(r.texts for r in reports)
    captions = sum(r.captions for r in reports)
    bad = [r for r in reports if not r.ok]
    posts = [r.path for r in reports]
    for report in bad:
        print(f"{report.path}: leaks={report.leaks} texts={report.texts_missing} "
              f"captions={report.captions_missing}")  # fmt: skip
    print(
        f"{len(posts)} posts: {len(posts) - len(bad)} clean; "
        f"{texts - sum(len(r.texts_missing) for r in reports)}/{texts} text bodies verbatim; "
        f"{captions - sum(len(r.captions_missing) for r in reports)}/{captions} quote captions "
        "in a figcaption"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS))
