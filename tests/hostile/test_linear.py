"""Issue 17, high: every lexer path is linear in the post.

Runs of shortcode comment openers (`{{</*`, `{{%/*`) with no closer, unclosed raw strings, named
bare values that never meet white space, backtick runs with no partner, tags on one long line,
stray closing tags: each made the lexer search to the end of the text again from every opener.

Nothing here is timed. The work is counted: the body is a `str` subclass that counts every
character its own searches (`find`, `startswith`), indexing and slicing touch, and the lexer's
compiled patterns are wrapped to count the characters each search, match or iteration spans.
Growing an input ×10 must grow the count about ×10 (a quadratic path gives ×100), and the count
stays within a fixed multiple of the input's length.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

import panflute as pf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from presskit.shortcodes import recover as recover_module
from presskit.shortcodes.expand import expand_source
from presskit.source import lexer


class Work:
    def __init__(self) -> None:
        self.count = 0


class CountingStr(str):
    """A post body that counts the characters its methods look at."""

    work: Work

    def find(self, sub: str, start: Any = None, end: Any = None) -> int:
        lo, hi = _bounds(len(self), start, end)
        found = str.find(self, sub, lo, hi)
        self.work.count += (found + len(sub) if found >= 0 else hi) - lo + 1
        return found

    def rfind(self, sub: str, start: Any = None, end: Any = None) -> int:
        lo, hi = _bounds(len(self), start, end)
        found = str.rfind(self, sub, lo, hi)
        self.work.count += hi - (found if found >= 0 else lo) + 1
        return found

    def startswith(self, prefix: Any, start: Any = None, end: Any = None) -> bool:
        longest = max(len(p) for p in prefix) if isinstance(prefix, tuple) else len(prefix)
        self.work.count += longest + 1
        return str.startswith(self, prefix, *(a for a in (start, end) if a is not None))

    def __getitem__(self, key: Any) -> str:
        got = str.__getitem__(self, key)
        self.work.count += len(got) + 1
        return got


def _bounds(n: int, start: int | None, end: int | None) -> tuple[int, int]:
    lo = 0 if start is None else (start if start >= 0 else max(0, n + start))
    hi = n if end is None else (end if end >= 0 else max(0, n + end))
    return min(lo, n), min(hi, n)


class CountingPattern:
    """A compiled pattern that adds the span of text each use covers to the work."""

    def __init__(self, pattern: re.Pattern[str], work: Work) -> None:
        self.pattern, self.work = pattern, work

    def __getattr__(self, name: str) -> Any:
        return getattr(self.pattern, name)

    def _span(self, string: str, pos: int, endpos: int, m: re.Match[str] | None) -> None:
        stop = min(endpos, len(string))
        self.work.count += (m.end() if m is not None else stop) - pos + 1

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Any:
        m = self.pattern.search(string, pos, endpos)
        self._span(string, pos, endpos, m)
        return m

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Any:
        m = self.pattern.match(string, pos, endpos)
        self.work.count += (m.end() - pos if m is not None else 0) + 1
        return m

    def fullmatch(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Any:
        m = self.pattern.fullmatch(string, pos, endpos)
        self.work.count += min(endpos, len(string)) - pos + 1
        return m

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[Any]:
        last = pos
        for m in self.pattern.finditer(string, pos, endpos):
            self.work.count += m.end() - last + 1
            last = m.end()
            yield m
        self.work.count += min(endpos, len(string)) - last

    def findall(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> list[Any]:
        self.work.count += min(endpos, len(string)) - pos + 1
        return self.pattern.findall(string, pos, endpos)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Callable[[Callable[[str], object], str], int]:
    """Runs `step(body)` and returns the work it did on the body."""
    work = Work()
    for module in (lexer, recover_module):
        for name, value in list(vars(module).items()):
            if isinstance(value, re.Pattern):
                monkeypatch.setattr(module, name, CountingPattern(value, work))
    closer = getattr(lexer, "_span_closer", None)
    if closer is not None:
        monkeypatch.setattr(lexer, "_span_closer", lambda n: CountingPattern(closer(n), work))

    def measure(step: Callable[[str], object], text: str) -> int:
        body = CountingStr(text)
        body.work = work
        work.count = 0
        try:
            step(body)
        except Exception as error:  # noqa: BLE001 - a located PresskitError is a fine outcome
            assert type(error).__name__ == "PresskitError", error
        return work.count

    # why the ignore below: a function attribute: mypy knows no attributes on functions
    measure.work = work  # type: ignore[attr-defined]
    return measure


def _parse(body: str) -> object:
    return lexer.parse(body, path="p.md", warn=lambda d: None)


def _expand(body: str) -> object:
    return expand_source(body, path="p.md", warn=lambda d: None)


# Each family: a piece that, repeated, used to cost a search to the end of the text per piece.
FAMILIES: dict[str, Callable[[int], str]] = {
    "comment-openers": lambda k: "{{</* " * k,
    "percent-comment-openers": lambda k: "{{%/* x " * k,
    "mixed-comment-closers": lambda k: "{{</* a */%}} " * k,
    "comment-openers-in-a-fence": lambda k: "```\n" + "{{</* x\n" * k,
    "comment-openers-in-many-fences": lambda k: "```\n{{</* x\n```\n\n" * k + "*/>}}",
    "comment-openers-in-indented-code": lambda k: "para\n\n    " + "{{%/* " * k,
    "comment-openers-in-a-code-span": lambda k: "`" + "{{</* " * k + "`",
    "unclosed-raw-strings": lambda k: "{{< x `" + "{{< y " * k,
    "named-values-without-white-space": lambda k: "{{<\u3000a\u3000b=" * k,
    "tags-on-one-long-line": lambda k: "{{< x >}}" * k,
    "stray-closing-tags": lambda k: "{{< /x >}} " * k,
    # one run of each length, none with a partner: a square-root many searches to the paragraph end
    "unpartnered-backtick-runs": lambda k: (
        "".join("`" * i + "a" for i in range(1, int((20 * k) ** 0.5))) + " {{< x >}}"
    ),
    "unclosed-tags": lambda k: "{{< a b c " * k,
}


@pytest.mark.parametrize("family", sorted(FAMILIES))
@pytest.mark.parametrize("step", [_parse, _expand], ids=["parse", "expand"])
def test_ten_times_the_input_is_about_ten_times_the_work(counted, family, step) -> None:
    make = FAMILIES[family]
    small, large = make(300), make(3000)
    work_small, work_large = counted(step, small), counted(step, large)
    assert work_large <= 13 * work_small, (family, work_small, work_large)
    assert work_large <= 60 * len(large), (family, work_large, len(large))


PIECES = [
    "{{</* ",
    "{{%/* ",
    "*/>}}",
    "*/%}}",
    "{{< x ",
    "{{< x >}}",
    "{{< /x >}}",
    "{{%/x%}}",
    "`",
    "``",
    "```\n",
    "\n\n",
    "\n    ",
    "\u3000a=",
    '"',
    "\\",
    "text ",
    "- ",
    "> ",
]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=6))
def test_any_repeated_mixture_stays_linear(counted, pieces: list[str]) -> None:
    """Property: whatever hostile pieces a post repeats, ×10 of them costs about ×10."""
    unit = "".join(pieces)
    small, large = unit * 200, unit * 2000
    work_small, work_large = counted(_parse, small), counted(_parse, large)
    assert work_large <= 14 * work_small + 2000, (unit, work_small, work_large)


def _recover(body: str) -> object:
    words = body.split(" ")
    inlines: list[pf.Inline] = []
    for word in words:
        if inlines:
            inlines.append(pf.Space())
        inlines.append(pf.Str(word))
    doc = pf.Doc(pf.Para(*inlines))
    recover_module.recover(doc, warn=lambda message: None)
    return doc


@pytest.mark.parametrize("unit", ["{{</* x", "{{%/* x", "{{< x `"])
def test_the_filter_side_reader_is_linear_too(counted, monkeypatch, unit) -> None:
    """Under plain pandoc, tags are read back from the AST with `read_tag`: same rule."""
    real = recover_module.read_tag
    seen: dict[int, CountingStr] = {}

    def read_tag(text: str, at: int, *args: Any, **kwargs: Any) -> Any:
        body = seen.get(id(text))
        if body is None or str(body) != text:
            body = seen[id(text)] = CountingStr(text)
            body.work = work
        return real(body, at, *args, **kwargs)

    monkeypatch.setattr(recover_module, "read_tag", read_tag)
    work = counted.work

    def step(text: str) -> object:
        seen.clear()
        return _recover(str(text))

    small, large = " ".join([unit] * 150), " ".join([unit] * 1500)
    work_small, work_large = counted(step, small), counted(step, large)
    assert work_large <= 13 * work_small, (work_small, work_large)


def test_many_unclosed_openers_under_plain_pandoc_keep_their_order() -> None:
    """Unclosed openers were joined back by copying the growing tail into each outer list
    (quadratic in their number); the pieces are now joined once, in the same order."""
    k = 2000
    paras = []
    for i in range(k):
        paras += [pf.Para(pf.Str("{{<"), pf.Space(), pf.Str("quote"), pf.Space(), pf.Str(">}}"))]
        paras += [pf.Para(pf.Str(f"p{i}"))]
    doc = pf.Doc(*paras)
    warnings: list[str] = []
    recover_module.recover(doc, warn=warnings.append)
    texts = [pf.stringify(block).strip() for block in doc.content]
    assert texts[1::2] == [f"p{i}" for i in range(k)]
    assert len(warnings) >= k
