"""Pins how a Hugo post file becomes a `Post`: formats, encodings, safety limits and field rules.

Error cases compare the whole one-line message, because that line is what the user sees.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from presskit.errors import PresskitError
from presskit.source.post import (
    MAX_FRONT_MATTER_BYTES,
    MAX_NESTING,
    MAX_YAML_VALUES,
    Post,
    detect_lang_from_path,
    load_post,
    parse_post,
)

FIXTURES = Path(__file__).parent / "fixtures" / "posts"
CNCF = Path("blog/2023/istio-graduates-within-cncf/index.md")


def parse(source: str | bytes, path: str = "post.md", **kwargs: str) -> Post:
    return parse_post(source, path, **kwargs)


def error_of(source: str | bytes, path: str = "post.md") -> str:
    with pytest.raises(PresskitError) as caught:
        parse_post(source, path)
    return str(caught.value)


# --------------------------------------------------------------------------- splitting


@pytest.mark.parametrize(
    ("source", "fmt", "title", "body", "body_line"),
    [
        pytest.param("---\ntitle: Y\n---\nBody\n", "yaml", "Y", "Body\n", 4, id="yaml"),
        pytest.param(
            "---  \ntitle: Y\n---\t\nB", "yaml", "Y", "B", 4, id="yaml-delims-trailing-space"
        ),
        pytest.param('+++\ntitle = "T"\n+++\nBody\n', "toml", "T", "Body\n", 4, id="toml"),
        pytest.param('{\n  "title": "J"\n}\nBody\n', "json", "J", "Body\n", 4, id="json"),
        pytest.param('{"title": "J"}\n\nBody', "json", "J", "\nBody", 2, id="json-one-line"),
        pytest.param('{"title": "J"} Body', "json", "J", " Body", 1, id="json-body-same-line"),
        pytest.param('{"title": "J", "x": "}"}\nB', "json", "J", "B", 2, id="json-brace-in-string"),
        pytest.param("\n\n---\ntitle: Y\n---\nB", "yaml", "Y", "B", 6, id="blank-lines-before"),
        pytest.param("---\ntitle: Y\n---", "yaml", "Y", "", 4, id="ends-at-closing-delim"),
        pytest.param("---\n---\n# Hi\n", "yaml", "", "# Hi\n", 3, id="empty-yaml"),
        pytest.param("# Hi\n\ntext\n", None, "", "# Hi\n\ntext\n", 1, id="none-title-not-from-h1"),
        pytest.param("", None, "", "", 1, id="empty-file"),
        pytest.param("----\nx\n", None, "", "----\nx\n", 1, id="four-dashes-not-fm"),
        pytest.param(
            "{{< note >}}\nx\n", None, "", "{{< note >}}\nx\n", 1, id="shortcode-not-json"
        ),
    ],
)
def test_front_matter_split(
    source: str, fmt: str | None, title: str, body: str, body_line: int
) -> None:
    post = parse(source)
    assert (post.front_matter_format, post.title, post.body, post.body_line) == (
        fmt,
        title,
        body,
        body_line,
    )


def test_yaml_body_is_the_file_text_after_the_closing_delimiter() -> None:
    body = "Intro {{< x >}}\n\n---\n\n  indented\ttabs   \n\n"
    post = parse("---\ntitle: T\n---\n" + body)
    assert post.body == body
    assert post.meta == {"title": "T"}


@pytest.mark.parametrize(
    ("source", "messages"),
    [
        pytest.param("no front matter\n", ["post.md:1: no title"], id="no-fm"),
        pytest.param('---\ntitle: ""\n---\n', ["post.md:2: no title"], id="empty-title"),
        pytest.param("---\ntitle: ~\n---\n", ["post.md:2: no title"], id="null-title"),
        pytest.param(
            "---\ntitle: A\ntitle: B\n---\n",
            ["post.md:3: duplicate key `title`; the last one wins"],
            id="yaml-duplicate",
        ),
        pytest.param(
            '{"title": "A",\n "title": "B"}',
            ["post.md:1: duplicate key `title`; the last one wins"],
            id="json-duplicate",
        ),
        pytest.param(
            "---\ntitle: T\npublishdate: 08-04-2025\n---\n",
            [
                "post.md:3: ignoring `publishdate: 08-04-2025`: "
                "expected a date like 2023-07-12 or 2023-07-12T09:00:00+08:00"
            ],
            id="date-not-a-date-shape",
        ),
        pytest.param(
            "---\ntitle: T\ndate: 2023\n---\n",
            [
                "post.md:3: ignoring `date: 2023`: "
                "expected a date like 2023-07-12 or 2023-07-12T09:00:00+08:00"
            ],
            id="date-number",
        ),
        pytest.param(
            "---\ntitle: T\nlang: chinese\n---\n",
            ["post.md:3: ignoring `lang: chinese`: not a BCP 47 language tag"],
            id="bad-lang",
        ),
    ],
)
def test_warnings(source: str, messages: list[str]) -> None:
    assert [str(w) for w in parse(source).warnings] == messages


def test_duplicate_key_last_wins() -> None:
    assert parse("---\ntitle: A\ntitle: B\n---\n").title == "B"


# --------------------------------------------------------------------------- encodings

DOC = "---\ntitle: Café 咖啡\n---\nLine 1\nLine 2\n"


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(DOC.encode(), id="utf8"),
        pytest.param(b"\xef\xbb\xbf" + DOC.encode(), id="utf8-bom"),
        pytest.param("\ufeff" + DOC, id="str-with-bom"),
        pytest.param(DOC.replace("\n", "\r\n").encode(), id="crlf"),
        pytest.param(DOC.replace("\n", "\r").encode(), id="lone-cr"),
        pytest.param(b"\xff\xfe" + DOC.replace("\n", "\r\n").encode("utf-16-le"), id="utf16le-bom"),
        pytest.param(b"\xfe\xff" + DOC.encode("utf-16-be"), id="utf16be-bom"),
    ],
)
def test_encodings_and_line_endings(source: str | bytes) -> None:
    post = parse(source)
    assert (post.title, post.body, post.body_line) == ("Café 咖啡", "Line 1\nLine 2\n", 4)


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("source", "message"),
    [
        pytest.param(
            b"---\ntitle: x\n---\nok\nbad \xff\n",
            "post.md:5: not valid UTF-8 at line 5",
            id="bad-utf8",
        ),
        pytest.param(
            b"a\r\nb\r\n\xc3(\n", "post.md:3: not valid UTF-8 at line 3", id="bad-utf8-crlf"
        ),
        pytest.param(
            b"\xef\xbb\xbfa\n\xed\xa0\x80\n",
            "post.md:2: not valid UTF-8 at line 2",
            id="utf8-surrogate",
        ),
        pytest.param(b"a\nb\nc\x00d", "post.md:3: binary file (NUL byte at line 3)", id="nul"),
        pytest.param(
            b"\x89PNG\r\n\x1a\n\x00\x00", "post.md:3: binary file (NUL byte at line 3)", id="png"
        ),
        pytest.param(
            b"\xff\xfe" + "a\nb\x00".encode("utf-16-le"),
            "post.md:2: binary file (NUL byte at line 2)",
            id="utf16-nul",
        ),
        pytest.param(
            b"\xff\xfe" + "a\nb".encode("utf-16-le") + b"\x00\xd8",
            "post.md:2: not valid UTF-16 at line 2",
            id="utf16-lone-surrogate",
        ),
        pytest.param(
            "a\n\ud800",
            "post.md:2: not valid Unicode at line 2 (lone surrogate)",
            id="str-surrogate",
        ),
        pytest.param(
            "---\ntitle: x\n", "post.md:1: unterminated front matter", id="unterminated-yaml"
        ),
        pytest.param("---", "post.md:1: unterminated front matter", id="only-opening-delim"),
        pytest.param(
            '+++\ntitle = "x"\n---\n',
            "post.md:1: unterminated front matter",
            id="unterminated-toml",
        ),
        pytest.param(
            '{"title": "x",\n"a": 1\n',
            "post.md:1: unterminated front matter",
            id="unterminated-json",
        ),
        pytest.param(
            "---\ntitle: x\nsummary: y\n  bad: : z\n---\n",
            "post.md:4: invalid YAML front matter: mapping values are not allowed here",
            id="bad-yaml-line",
        ),
        pytest.param(
            "\n---\ntitle: [a, b\n---\n",
            "post.md:4: invalid YAML front matter: expected ',' or ']', but got '<stream end>'",
            id="bad-yaml-unclosed-flow",
        ),
        pytest.param(
            "---\ntitle: \x07\n---\n",
            "post.md:2: invalid YAML front matter: unacceptable character #x0007: "
            "special characters are not allowed",
            id="bad-yaml-control-char",
        ),
        pytest.param(
            "---\nx: !!python/object/apply:os.system ['true']\n---\n",
            "post.md:2: invalid YAML front matter: could not determine a constructor for the tag "
            "'tag:yaml.org,2002:python/object/apply:os.system'",
            id="yaml-python-tag-refused",
        ),
        pytest.param(
            '+++\ntitle = "x"\ndate = \n+++\n',
            "post.md:3: invalid TOML front matter: Invalid value",
            id="bad-toml-line",
        ),
        pytest.param(
            '+++\ntitle = "x"\ntitle = "y"\n+++\n',
            "post.md:3: invalid TOML front matter: Cannot overwrite a value",
            id="toml-duplicate-key",
        ),
        pytest.param(
            '{\n"title": "x",\n"date": \n}\n',
            "post.md:4: invalid JSON front matter: Expecting value",
            id="bad-json-line",
        ),
        pytest.param(
            '\n\n{"title": "x"\n "a": 1}',
            "post.md:4: invalid JSON front matter: Expecting ',' delimiter",
            id="bad-json-line-after-blank-lines",
        ),
        pytest.param(
            '---\ntitle: x\nv: ["1.11.0" 之前，"1.12.0"]\n---\n',
            "post.md:3: invalid YAML front matter: expected ',' or ']', but got '<scalar>'",
            id="bad-yaml-fullwidth-comma",
        ),
        pytest.param(
            "---\n- a\n- b\n---\n",
            "post.md:2: front matter must be a mapping of keys to values, got a list",
            id="yaml-list",
        ),
        pytest.param(
            "---\njust text\n---\n",
            "post.md:2: front matter must be a mapping of keys to values, got a single value",
            id="yaml-scalar",
        ),
        pytest.param(
            "---\n? [a]\n: 1\n---\n",
            "post.md:2: front matter keys must be strings, got a list",
            id="yaml-list-key",
        ),
        pytest.param(
            "---\ntitle: x\ndate: 2024-02-30\n---\n",
            "post.md:3: invalid date '2024-02-30' for `date`: day is out of range for month",
            id="invalid-date",
        ),
        pytest.param(
            "---\npublishDate: '2024-13-01'\n---\n",
            "post.md:2: invalid date '2024-13-01' for `publishDate`: month must be in 1..12",
            id="invalid-quoted-date",
        ),
        pytest.param(
            "---\ndate: 2023-07-12T25:00:00Z\n---\n",
            "post.md:2: invalid date '2023-07-12T25:00:00Z' for `date`: hour must be in 0..23",
            id="invalid-hour",
        ),
        pytest.param(
            '{"title": "x",\n "date": "2023-02-29"}',
            "post.md:2: invalid date '2023-02-29' for `date`: day is out of range for month",
            id="invalid-json-date",
        ),
        pytest.param(
            "---\ndate: [2023-07-12]\n---\n",
            "post.md:2: `date` must be a date, got a list",
            id="date-list",
        ),
        pytest.param(
            "---\ntitle: x\ntitle2: y\ntitle:\n  - a\n---\n",
            "post.md:2: `title` must be a string, got a list",
            id="title-list",
        ),
        pytest.param(
            "+++\n[title]\nx = 1\n+++\n",
            "post.md:2: `title` must be a string, got a mapping",
            id="toml-title-table",
        ),
        pytest.param(
            '{"title": "t",\n "subtitle": {"a": 1}}',
            "post.md:2: `subtitle` must be a string, got a mapping",
            id="json-subtitle-object",
        ),
        pytest.param(
            "---\ndescription: {a: 1}\n---\n",
            "post.md:2: `description` must be a string, got a mapping",
            id="description-mapping",
        ),
        pytest.param(
            "---\nkeywords: {a: 1}\n---\n",
            "post.md:2: `keywords` must be a string or a list of strings, got a mapping",
            id="keywords-mapping",
        ),
        pytest.param(
            "---\ntags: [a, [b]]\n---\n",
            "post.md:2: `tags` must be a list of strings, found a list in it",
            id="tags-nested-list",
        ),
        pytest.param(
            "---\nauthor:\n  name: A\n---\n",
            "post.md:2: `author` must be a string or a list of strings, got a mapping",
            id="author-mapping",
        ),
        pytest.param(
            "---\nattribution: [A, B]\n---\n",
            "post.md:2: `attribution` must be a string, got a list",
            id="attribution-list",
        ),
        pytest.param(
            "---\nlang: [zh]\n---\n",
            "post.md:2: `lang` must be a string, got a list",
            id="lang-list",
        ),
        pytest.param(
            "---\ndraft: yes\n---\n",
            "post.md:2: `draft` must be true or false, got 'yes'",
            id="draft-yes-not-bool",
        ),
        pytest.param(
            "+++\ndraft = 1\n+++\n",
            "post.md:2: `draft` must be true or false, got a number",
            id="draft-number",
        ),
    ],
)
def test_errors_name_the_file_line(source: str | bytes, message: str) -> None:
    assert error_of(source) == message


def test_error_carries_path_and_line() -> None:
    with pytest.raises(PresskitError) as caught:
        parse_post("---\ndate: 2024-02-30\n---\n", Path("a/b.md"))
    assert (caught.value.path, caught.value.line, caught.value.col) == (Path("a/b.md"), 2, None)


def test_missing_file_is_a_presskit_error(tmp_path: Path) -> None:
    with pytest.raises(PresskitError, match="cannot read post"):
        load_post(tmp_path / "nope.md")


# --------------------------------------------------------------------------- safety limits

ALIAS_BOMB = (
    "---\n"
    "a: &a ['lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol']\n"
    + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)
    )
    + "title: boom\n---\n"
)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        pytest.param(ALIAS_BOMB, "post.md:2: YAML aliases are not allowed", id="alias-bomb"),
        pytest.param(
            "---\na: &x 1\n---\n", "post.md:2: YAML aliases are not allowed", id="anchor-alone"
        ),
        pytest.param(
            "---\na: 1\nb: *x\n---\n", "post.md:3: YAML aliases are not allowed", id="alias-alone"
        ),
    ],
)
def test_yaml_aliases_refused(source: str, message: str) -> None:
    # Refused at the first anchor, before any expansion: a bomb never grows.
    assert error_of(source) == message


def nested(depth: int, fmt: str) -> str:
    """A front matter whose top-level mapping holds `depth - 1` nested lists."""
    inner = "[" * (depth - 1) + "]" * (depth - 1)
    return {
        "yaml": f"---\nx: {inner}\n---\n",
        "toml": f"+++\nx = {inner}\n+++\n",
        "json": f'{{"x": {inner}}}\n',
    }[fmt]


@pytest.mark.parametrize("fmt", ["yaml", "toml", "json"])
def test_nesting_at_limit_is_accepted(fmt: str) -> None:
    assert parse(nested(MAX_NESTING, fmt)).front_matter_format == fmt


@pytest.mark.parametrize(
    ("fmt", "depth", "line"),
    [
        pytest.param("yaml", MAX_NESTING + 1, 2, id="yaml-over-limit"),
        pytest.param("toml", MAX_NESTING + 1, 1, id="toml-over-limit"),
        pytest.param("json", MAX_NESTING + 1, 1, id="json-over-limit"),
        pytest.param("yaml", 50_000, 2, id="yaml-deep-no-recursion-error"),
        pytest.param("toml", 50_000, 1, id="toml-deep-no-recursion-error"),
        pytest.param("json", 50_000, 1, id="json-deep-no-recursion-error"),
    ],
)
def test_nesting_over_limit_refused(fmt: str, depth: int, line: int) -> None:
    message = f"post.md:{line}: front matter is nested deeper than {MAX_NESTING} levels"
    assert error_of(nested(depth, fmt)) == message


BIG = "x" * (MAX_FRONT_MATTER_BYTES + 1)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(f"---\ntitle: {BIG}\n---\n", id="yaml"),
        pytest.param(f'+++\ntitle = "{BIG}"\n+++\n', id="toml"),
        pytest.param(f'{{"title": "{BIG}"}}\n', id="json"),
        pytest.param(f'{{"title": [{"1," * MAX_FRONT_MATTER_BYTES}]}}\n', id="json-long-list"),
    ],
)
def test_front_matter_too_large(source: str) -> None:
    assert error_of(source) == "post.md:1: front matter is larger than the 256 KiB limit"


def test_yaml_value_count_limit() -> None:
    # Key nodes count too: the top-level mapping holds one key and one list.
    at_limit = "---\nx: [" + ",".join(["1"] * (MAX_YAML_VALUES - 3)) + "]\n---\n"
    assert len(parse(at_limit).meta["x"]) == MAX_YAML_VALUES - 3
    over = "---\nx: [" + ",".join(["1"] * (MAX_YAML_VALUES - 2)) + "]\n---\n"
    assert error_of(over) == f"post.md:2: front matter has more than {MAX_YAML_VALUES} values"


def test_huge_unterminated_json_is_unterminated() -> None:
    source = f'{{"title": [{"1," * MAX_FRONT_MATTER_BYTES}\n'
    assert error_of(source) == "post.md:1: unterminated front matter"


def test_front_matter_just_under_limit_is_accepted() -> None:
    title = "x" * (MAX_FRONT_MATTER_BYTES - len("title: \n"))
    post = parse(f"---\ntitle: {title}\n---\n")
    assert post.meta["title"] == title
    assert post.title == "x" * 299 + "…"  # printed shortened (see PRINTED_LIMITS)
    assert "printed shortened to 300" in post.warnings[0].message


# --------------------------------------------------------------------------- scalars


@pytest.mark.parametrize(
    ("source", "title", "meta"),
    [
        pytest.param("---\ntitle: no\n---\n", "no", {"title": "no"}, id="yaml11-no-stays-string"),
        pytest.param(
            "---\ntitle: on\nx: yes\ny: off\n---\n",
            "on",
            {"title": "on", "x": "yes", "y": "off"},
            id="yaml11-bools-stay-strings",
        ),
        pytest.param(
            "---\ntitle: true\nx: false\n---\n",
            "true",
            {"title": True, "x": False},
            id="only-true-false-are-bools",
        ),
        pytest.param(
            "---\ntitle: 1.10\n---\n", "1.10", {"title": 1.1}, id="number-title-keeps-source-text"
        ),
        pytest.param(
            "---\ntitle: 010\nx: 0o10\ny: 0x1F\n---\n",
            "010",
            {"title": 10, "x": 8, "y": 31},
            id="yaml12-ints",
        ),
        pytest.param(
            "---\ntitle: '  padded  '\n---\n",
            "padded",
            {"title": "  padded  "},
            id="title-stripped",
        ),
        pytest.param(
            "---\ntitle: 2024-02-30\n---\n",
            "2024-02-30",
            {"title": "2024-02-30"},
            id="bad-date-in-title-is-text",
        ),
        pytest.param(
            "---\ntitle: 2023-07-12\n---\n",
            "2023-07-12",
            {"title": dt.date(2023, 7, 12)},
            id="date-title-keeps-source-text",
        ),
        pytest.param("+++\ntitle = 1.10\n+++\n", "1.1", {"title": 1.1}, id="toml-number-title"),
        pytest.param('{"title": 2}', "2", {"title": 2}, id="json-number-title"),
        pytest.param(
            "---\nTitle: Hugo keys ignore case\n---\n",
            "Hugo keys ignore case",
            {"Title": "Hugo keys ignore case"},
            id="key-case-insensitive",
        ),
    ],
)
def test_scalars(source: str, title: str, meta: dict[str, object]) -> None:
    post = parse(source)
    assert (post.title, post.meta) == (title, meta)


def test_subtitle_and_description() -> None:
    post = parse("---\ntitle: T\nsubtitle: S\nsummary: Sum\n---\n")
    assert (post.subtitle, post.description) == ("S", "Sum")
    post = parse("---\ntitle: T\ndescription: D\nsummary: Sum\n---\n")
    assert (post.subtitle, post.description) == (None, "D")


# --------------------------------------------------------------------------- dates

UTC_MINUS_7 = dt.timezone(-dt.timedelta(hours=7))


@pytest.mark.parametrize(
    ("source", "date"),
    [
        pytest.param("---\ndate: 2023-07-12\n---\n", dt.date(2023, 7, 12), id="yaml-date"),
        pytest.param("---\ndate: '2023-07-12'\n---\n", dt.date(2023, 7, 12), id="yaml-quoted-date"),
        pytest.param(
            "---\ndate: 2023-07-12T09:00:00-07:00\n---\n",
            dt.datetime(2023, 7, 12, 9, tzinfo=UTC_MINUS_7),
            id="yaml-datetime-offset",
        ),
        pytest.param(
            '---\ndate: "2023-07-12T09:00:00Z"\n---\n',
            dt.datetime(2023, 7, 12, 9, tzinfo=dt.UTC),
            id="quoted-datetime-z",
        ),
        pytest.param(
            "---\ndate: 2023-07-12 09:30\n---\n",
            dt.datetime(2023, 7, 12, 9, 30),
            id="datetime-no-seconds",
        ),
        pytest.param(
            "---\ndate: 2023-07-12T09:00:00.5+0530\n---\n",
            dt.datetime(
                2023, 7, 12, 9, 0, 0, 500000, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))
            ),
            id="fraction-basic-offset",
        ),
        pytest.param("---\npublishdate: 2023-07-12\n---\n", dt.date(2023, 7, 12), id="publishdate"),
        pytest.param(
            "---\npublishDate: 2023-07-12\n---\n", dt.date(2023, 7, 12), id="publishDate-camel"
        ),
        pytest.param(
            "---\npublishdate: 2020-01-01\ndate: 2023-07-12\n---\n",
            dt.date(2023, 7, 12),
            id="date-beats-publishdate",
        ),
        pytest.param(
            "---\ndate:\npublishdate: 2020-01-01\n---\n",
            dt.date(2020, 1, 1),
            id="empty-date-falls-back",
        ),
        pytest.param(
            "---\ndate: ''\npublishdate: 2020-01-01\n---\n",
            dt.date(2020, 1, 1),
            id="blank-date-falls-back",
        ),
        pytest.param(
            "+++\ndate = 2023-07-12T09:00:00-07:00\n+++\n",
            dt.datetime(2023, 7, 12, 9, tzinfo=UTC_MINUS_7),
            id="toml-datetime",
        ),
        pytest.param("+++\ndate = 2023-07-12\n+++\n", dt.date(2023, 7, 12), id="toml-date"),
        pytest.param('{"publishdate": "2023-07-12"}', dt.date(2023, 7, 12), id="json-string"),
        pytest.param(
            "---\ndate: July 12\npublishdate: 2020-01-01\n---\n",
            dt.date(2020, 1, 1),
            id="unreadable-date-falls-back",
        ),
        pytest.param("---\ndate: 08-04-2025\n---\n", None, id="unreadable-date-is-none"),
        pytest.param("---\ntitle: x\n---\n", None, id="no-date"),
    ],
)
def test_dates(source: str, date: dt.date | None) -> None:
    post = parse(source)
    assert post.date == date
    assert type(post.date) is type(date)


# --------------------------------------------------------------------------- people and keywords


@pytest.mark.parametrize(
    ("source", "authors"),
    [
        pytest.param(
            "---\nattribution: Craig Box, for the Committee\n---\n",
            ["Craig Box, for the Committee"],
            id="attribution-not-split",
        ),
        pytest.param(
            "---\nattribution: A\nauthor: B\nauthors: [C]\n---\n", ["A"], id="attribution-first"
        ),
        pytest.param("---\nauthor: B\nauthors: [C]\n---\n", ["B"], id="author-before-authors"),
        pytest.param("---\nauthor: [B, C]\n---\n", ["B", "C"], id="author-list"),
        pytest.param("---\nauthors: [C, D, C]\n---\n", ["C", "D"], id="authors-list-deduped"),
        pytest.param("---\nauthors: C\n---\n", ["C"], id="authors-string"),
        pytest.param("---\nauthors: [007, ~, '']\n---\n", ["007"], id="authors-non-strings"),
        pytest.param('+++\nauthors = ["A", 2]\n+++\n', ["A", "2"], id="toml-authors"),
        pytest.param('{"author": "J"}', ["J"], id="json-author"),
        pytest.param("---\ntitle: x\n---\n", [], id="none"),
    ],
)
def test_authors(source: str, authors: list[str]) -> None:
    assert parse(source).authors == authors


@pytest.mark.parametrize(
    ("source", "keywords"),
    [
        pytest.param(
            "---\nkeywords: [Istio,CNCF]\n---\n", ["Istio", "CNCF"], id="keywords-flow-list"
        ),
        pytest.param("---\nkeywords: [a]\ntags: [b]\n---\n", ["a"], id="keywords-before-tags"),
        pytest.param("---\ntags:\n  - b\n  - c\n---\n", ["b", "c"], id="tags"),
        pytest.param("---\nkeywords: []\ntags: [b]\n---\n", ["b"], id="empty-keywords-fall-back"),
        pytest.param("---\nkeywords: solo\n---\n", ["solo"], id="single-string"),
        pytest.param(
            "---\ntags: [1.10, 2023, no, true]\n---\n",
            ["1.10", "2023", "no", "true"],
            id="non-strings-as-written",
        ),
        pytest.param("+++\ntags = [1, true]\n+++\n", ["1", "true"], id="toml-non-strings"),
        pytest.param('{"tags": ["a", 1.5]}', ["a", "1.5"], id="json-non-strings"),
        pytest.param("---\ntitle: x\n---\n", [], id="none"),
    ],
)
def test_keywords(source: str, keywords: list[str]) -> None:
    assert parse(source).keywords == keywords


# --------------------------------------------------------------------------- draft


@pytest.mark.parametrize(
    ("source", "draft"),
    [
        pytest.param("---\ndraft: true\n---\n", True, id="yaml-true"),
        pytest.param("---\ndraft: false\n---\n", False, id="yaml-false"),
        pytest.param("---\ndraft: 'true'\n---\n", True, id="string-true"),
        pytest.param("---\ndraft: 'False'\n---\n", False, id="string-false"),
        pytest.param("+++\ndraft = true\n+++\n", True, id="toml"),
        pytest.param('{"draft": true}', True, id="json"),
        pytest.param("---\ndraft:\n---\n", False, id="empty"),
        pytest.param("no front matter", False, id="missing"),
    ],
)
def test_draft(source: str, draft: bool) -> None:
    assert parse(source).draft is draft


# --------------------------------------------------------------------------- language


@pytest.mark.parametrize(
    ("source", "path", "default", "lang"),
    [
        pytest.param(
            "---\nlang: ja\n---\n", "content/zh/blog/x/index.md", "en", "ja", id="front-matter-wins"
        ),
        pytest.param(
            "---\nlang: zh-hans-cn\n---\n", "p.md", "en", "zh-Hans-CN", id="front-matter-normalised"
        ),
        pytest.param(
            "---\nlang: no\n---\n", "p.md", "en", "no", id="front-matter-norwegian-not-bool"
        ),
        pytest.param(
            "---\nlang: chinese\n---\n",
            "content/zh/p.md",
            "en",
            "zh",
            id="bad-front-matter-falls-back",
        ),
        pytest.param("x", "content/zh/blog/x/index.md", "en", "zh", id="content-dir"),
        pytest.param("x", "istio/zh/blog/2023/x/index.md", "en", "zh", id="corpus-layout"),
        pytest.param("x", "content/en/blog/x/index.ja.md", "en", "ja", id="filename-suffix"),
        pytest.param("x", "blog/x/index.md", "fr", "fr", id="default"),
        pytest.param("x", "blog/x/index.md", "pt_br", "pt-BR", id="default-normalised"),
    ],
)
def test_lang(source: str, path: str, default: str, lang: str) -> None:
    assert parse(source, path, default_lang=default).lang == lang


@pytest.mark.parametrize(
    ("path", "lang"),
    [
        pytest.param("content/zh/blog/x/index.md", "zh", id="content-zh"),
        pytest.param("site/content/zh-cn/posts/x.md", "zh-CN", id="content-region-normalised"),
        pytest.param("content/pt-br/_index.md", "pt-BR", id="content-directly-in-lang"),
        pytest.param("content/fil/blog/x.md", "fil", id="content-three-letters"),
        pytest.param("/w/corpus/istio/zh/blog/2023/x/index.md", "zh", id="corpus-blog"),
        pytest.param("/w/corpus/istio/en/news/releases/1.18.x/x/index.md", "en", id="corpus-news"),
        pytest.param("content/en/blog/ja/index.md", "en", id="bundle-named-like-lang-ignored"),
        pytest.param("blog/x/index.zh.md", "zh", id="suffix"),
        pytest.param("blog/x/post.ZH-tw.md", "zh-TW", id="suffix-region"),
        pytest.param("content/en/blog/x/index.ja.md", "ja", id="suffix-beats-folder"),
        pytest.param("blog/announcing-1.18.md", None, id="version-not-suffix"),
        pytest.param("src/api/docs/x.md", None, id="three-letter-dir-not-lang"),
        pytest.param("zh/x.md", None, id="bare-lang-dir-no-evidence"),
        pytest.param("index.md", None, id="no-dirs"),
    ],
)
def test_detect_lang_from_path(path: str, lang: str | None) -> None:
    assert detect_lang_from_path(Path(path)) == lang


# --------------------------------------------------------------------------- real posts


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        pytest.param("zh", "Istio 正式从 CNCF 毕业的公告", id="zh"),
        pytest.param("en", "Announcing Istio's graduation within the CNCF", id="en"),
    ],
)
def test_real_istio_post(lang: str, title: str) -> None:
    path = FIXTURES / lang / CNCF
    post = load_post(path)
    assert post.path == path
    assert post.title == title
    assert post.date == dt.date(2023, 7, 12)
    assert post.lang == lang
    assert post.authors == ["Craig Box, for the Istio Steering Committee"]
    assert post.keywords == ["Istio", "CNCF"]
    assert (post.draft, post.subtitle, post.front_matter_format) == (False, None, "yaml")
    assert post.warnings == []
    text = path.read_text(encoding="utf-8")
    assert post.body_line == 7
    assert post.body == text.split("\n---\n", 1)[1]
    assert text.splitlines()[post.body_line - 1] == post.body.splitlines()[0]


def test_load_post_relative_path_uses_location_for_lang(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES / "zh" / CNCF.parent)
    post = load_post("index.md")
    assert (post.path, post.lang) == (Path("index.md"), "zh")


# --------------------------------------------------------------------------- the batch's memo

MEMORABLE = {
    "yaml": (
        "---\ntitle: 1.10\ndate: 2023-07-12T09:00:00-07:00\npublishdate: 2023-07-12\n"
        "draft: false\nweight: 3\nratio: 0.5\nnothing: ~\ntags: [a, 1, 2024-01-02]\n"
        "params:\n  nested: {k: [x, {deep: yes}]}\ntitle: again\n---\n\nText.\n"
    ),
    "toml": (
        '+++\ntitle = "T"\ndate = 2023-07-12T09:00:00+08:00\nday = 2023-07-12\n'
        "[params]\nlist = [1, 2.5, true]\n+++\n\nText.\n"
    ),
    "json": (
        '{\n  "title": "J",\n  "date": "2023-07-12",\n  "params": {"a": [null, 1]}\n}\n\nText.\n'
    ),
}


@pytest.mark.parametrize("fmt", sorted(MEMORABLE))
def test_remembered_front_matter_reads_back_as_parsed(fmt, tmp_path, monkeypatch):
    # What the batch's memo hands back is the parser's own result, types, lines, plain texts
    # and warnings (the duplicate `title`) included, and the parser is not called for it.
    import presskit.source.post as post_module
    from presskit.source.post import FrontMatterMemo, remembering

    path = tmp_path / "post.md"
    path.write_text(MEMORABLE[fmt], encoding="utf-8")
    first = FrontMatterMemo()
    with remembering(first):
        parsed = load_post(path)
    assert len(first.used) == 1
    first.save(tmp_path)

    def no_parse(split, path):  # the memo must answer
        raise AssertionError(f"{fmt} parsed again")

    monkeypatch.setitem(post_module._PARSERS, fmt, no_parse)
    again = FrontMatterMemo.load(tmp_path)
    with remembering(again):
        remembered = load_post(path)
    assert remembered == parsed and repr(remembered.meta) == repr(parsed.meta)
    assert again.used == first.used


def test_an_edited_front_matter_is_parsed_again_whatever_its_size_and_time(tmp_path):
    from presskit.source.post import FrontMatterMemo, remembering

    path = tmp_path / "post.md"
    path.write_text("---\ntitle: Launch\n---\n\nText.\n", encoding="utf-8")
    before = path.stat()
    memo = FrontMatterMemo()
    with remembering(memo):
        assert load_post(path).title == "Launch"
    path.write_text("---\ntitle: Rocket\n---\n\nText.\n", encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    later = FrontMatterMemo(memo.used)
    with remembering(later):
        assert load_post(path).title == "Rocket"


def test_a_memo_that_is_not_ours_is_ignored(tmp_path):
    from presskit.source.post import FrontMatterMemo, remembering

    path = tmp_path / "post.md"
    path.write_text("---\ntitle: Kept\n---\n\nText.\n", encoding="utf-8")
    memo = FrontMatterMemo()
    with remembering(memo):
        load_post(path)
    (key,) = memo.used
    for broken in (
        "{not json",
        '{"version": "0.0.0 1", "entries": {}}',
        json.dumps({"version": memo_version(), "entries": {key: {"meta": {"x": 1}}}}),
        json.dumps(
            {
                "version": memo_version(),
                "entries": {key: {"meta": 3, "lines": {}, "plain": {"m": {}}, "warnings": []}},
            }
        ),
        '{"version": "' + memo_version() + '", "entries": ' + "[" * 100_000 + "]" * 100_000 + "}",
        json.dumps(
            {
                "version": memo_version(),
                "entries": {
                    key: {"meta": {"q": 1}, "lines": {}, "plain": {"m": {}}, "warnings": []}
                },
            }
        ),
    ):
        (tmp_path / FrontMatterMemo.FILE).write_text(broken, encoding="utf-8")
        with remembering(FrontMatterMemo.load(tmp_path)):
            assert load_post(path).title == "Kept"


def test_a_lone_surrogate_is_remembered_and_still_replaced(tmp_path):
    # `"\ud800"` in YAML is a lone surrogate: the memo (UTF-8 on disk) must hold it, and the
    # post read back from it is the one parsed (the surrogate shown as U+FFFD, with a warning)
    from presskit.source.post import FrontMatterMemo, remembering

    path = tmp_path / "post.md"
    path.write_text('---\ntitle: "A \\ud800 B"\n---\n\nText.\n', encoding="utf-8")
    memo = FrontMatterMemo()
    with remembering(memo):
        parsed = load_post(path)
    memo.save(tmp_path)
    with remembering(FrontMatterMemo.load(tmp_path)):
        remembered = load_post(path)
    assert remembered == parsed and remembered.title == "A \ufffd B"
    assert any("surrogate" in w.message for w in remembered.warnings)


def test_broken_front_matter_is_not_remembered(tmp_path):
    from presskit.source.post import FrontMatterMemo, remembering

    path = tmp_path / "post.md"
    path.write_text("---\ntitle: [oops\n---\n\nText.\n", encoding="utf-8")
    memo = FrontMatterMemo()
    for _ in range(2):
        with remembering(memo), pytest.raises(PresskitError, match=r"post\.md:3: invalid YAML"):
            load_post(path)
    assert memo.used == {}


def memo_version() -> str:
    from presskit.source.post import _MEMO_VERSION

    return _MEMO_VERSION
