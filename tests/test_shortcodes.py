"""Pins the shortcode parser to Hugo's grammar and to the posts we actually convert.

Rows prefixed `hugo-` come from Hugo's own lexer table (parser/pageparser/
pageparser_shortcode_test.go); where Hugo stops the build on a malformed tag we keep the text and
warn instead, and the row says so with `-warns`.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from presskit.errors import Diagnostic, PresskitError
from presskit.source.lexer import Comment, Node, Shortcode, Tag, TagError, Text, parse, read_tag


def _norm(params: Any) -> Any:
    # bool is an int in Python: compare type names too, so `true` vs `1` cannot pass by accident.
    if isinstance(params, dict):
        return {k: (type(v).__name__, v) for k, v in params.items()}
    return [(type(v).__name__, v) for v in params]


def S(
    name: str,
    params: Any = None,
    children: list[Any] | None = None,
    *,
    md: bool = False,
    self_closing: bool = False,
) -> tuple[Any, ...]:
    return ("SC", name, _norm([] if params is None else params), md, self_closing, children)


def shape(nodes: list[Node]) -> list[Any]:
    out: list[Any] = []
    for node in nodes:
        if isinstance(node, Text):
            out.append(node.text)
        else:
            kids = None if node.children is None else shape(node.children)
            out.append(
                S(node.name, node.params, kids, md=node.markdown, self_closing=node.self_closing)
            )
    return out


def rebuild(nodes: list[Node], source: str) -> str:
    return "".join(n.text if isinstance(n, Text) else source[n.start : n.end] for n in nodes)


def check_inner(nodes: list[Node], source: str) -> None:
    for node in nodes:
        if isinstance(node, Shortcode) and node.children is not None:
            assert rebuild(node.children, source) == node.raw_inner(source)
            check_inner(node.children, source)


def has_comment(source: str) -> bool:
    return "{{</*" in source or "{{%/*" in source


ROWS = [
    # --- Hugo's lexer table -------------------------------------------------------------------
    pytest.param("", [], [], id="hugo-empty"),
    pytest.param(" \t\n", [" \t\n"], [], id="hugo-spaces"),
    pytest.param("to be or not", ["to be or not"], [], id="hugo-text"),
    pytest.param("{{< sc1 >}}", [S("sc1")], [], id="hugo-no-markup"),
    pytest.param("{{< sc1 \n >}}", [S("sc1")], [], id="hugo-tag-spans-eol"),
    pytest.param("{{< sc/sub >}}", [S("sc/sub")], [], id="hugo-slash-inside-name"),
    pytest.param("{{% sc1 %}}", [S("sc1", md=True)], [], id="hugo-markdown-delims"),
    pytest.param("{{<     sc1     >}}", [S("sc1")], [], id="hugo-extra-spaces"),
    pytest.param(
        "Hello\n    {{% sc1 %}}",
        ["Hello\n    ", S("sc1", md=True)],
        [],
        id="hugo-indented-new-line",
    ),
    pytest.param(
        "Hello\n\t{{% sc1 %}}", ["Hello\n\t", S("sc1", md=True)], [], id="hugo-indented-tab"
    ),
    pytest.param(
        "{{< sc1 %}}",
        ["{{< sc1 %}}"],
        ["unrecognized character in shortcode action: U+0025 '%'"],
        id="hugo-mismatched-right-delim-warns",
    ),
    pytest.param(
        "{{% sc1 %}} inner {{% /sc1 %}}",
        [S("sc1", children=[" inner "], md=True)],
        [],
        id="hugo-inner-markdown",
    ),
    pytest.param(
        "{{< /sc1 >}}",
        ["{{< /sc1 >}}"],
        ['unexpected closing tag "/sc1"'],
        id="hugo-close-without-open-warns",
    ),
    pytest.param(
        "{{< sc1 >}}{{< /another >}}",
        [S("sc1"), "{{< /another >}}"],
        ['unexpected closing tag "/another"'],
        id="hugo-close-wrong-name-warns",
    ),
    pytest.param(
        "{{< sc1 >}}{{< /sc1 >}}{{< /another >}}",
        [S("sc1", children=[]), "{{< /another >}}"],
        ['unexpected closing tag "/another"'],
        id="hugo-close-without-open-after-pair-warns",
    ),
    pytest.param(
        "{{< sc1 >}}{{< /sc1 keyword>}}",
        [S("sc1"), "{{< /sc1 keyword>}}"],
        ['unexpected text after "/sc1" in closing tag'],
        id="hugo-close-with-extra-keyword-warns",
    ),
    pytest.param("{{< sc1 3.14 >}}", [S("sc1", [3.14])], [], id="hugo-float-positional"),
    pytest.param(
        "{{< sc1 param1=3.14 >}}", [S("sc1", {"param1": 3.14})], [], id="hugo-float-named"
    ),
    pytest.param(
        "{{< sc1 param1=`Hello World` >}}",
        [S("sc1", {"param1": "Hello World"})],
        [],
        id="hugo-named-raw-string",
    ),
    pytest.param(
        "{{< sc1 param1= 3.14 >}}",
        [S("sc1", {"param1": 3.14})],
        [],
        id="hugo-named-space-after-equals",
    ),
    pytest.param(
        "{{< sc1 -ziL-Q_456igdO-4 >}}", [S("sc1", ["-ziL-Q_456igdO-4"])], [], id="hugo-youtube-id"
    ),
    pytest.param(
        '{{< sc1 "-ziL-.%QigdO-4" >}}',
        [S("sc1", ["-ziL-.%QigdO-4"])],
        [],
        id="hugo-non-alphanumeric-quoted",
    ),
    pytest.param(
        "{{< sc1`Hello World` >}}", [S("sc1", ["Hello World"])], [], id="hugo-raw-string-no-space"
    ),
    pytest.param(
        "{{< sc1`Hello \n\tWorld` >}}",
        [S("sc1", ["Hello \n\tWorld"])],
        [],
        id="hugo-raw-string-spans-lines",
    ),
    pytest.param(
        "{{< sc1`Hello \\b World` >}}",
        [S("sc1", ["Hello \\b World"])],
        [],
        id="hugo-raw-string-keeps-backslash",
    ),
    pytest.param(
        "{{< sc1 param1   param2 >}}", [S("sc1", ["param1", "param2"])], [], id="hugo-two-params"
    ),
    pytest.param("{{< sc1 />}}", [S("sc1", self_closing=True)], [], id="hugo-self-closing"),
    pytest.param(
        "{{< sc1 />}}{{< sc1 />}}",
        [S("sc1", self_closing=True), S("sc1", self_closing=True)],
        [],
        id="hugo-multiple-self-closing",
    ),
    pytest.param(
        "{{< sc1 param1 />}}{{< sc2 param1 />}}",
        [S("sc1", ["param1"], self_closing=True), S("sc2", ["param1"], self_closing=True)],
        [],
        id="hugo-self-closing-with-params",
    ),
    pytest.param(
        "{{< sc1 >}}{{< sc2 >}}{{< /sc1 >}}",
        [S("sc1", children=[S("sc2")])],
        [],
        id="hugo-nested-simple",
    ),
    pytest.param(
        "{{< sc1 >}}ab{{% sc2 param1 %}}cd{{< sc3 >}}ef{{< /sc3 >}}gh{{% /sc2 %}}ij{{< /sc1 >}}kl",
        [
            S(
                "sc1",
                children=[
                    "ab",
                    S("sc2", ["param1"], ["cd", S("sc3", children=["ef"]), "gh"], md=True),
                    "ij",
                ],
            ),
            "kl",
        ],
        [],
        id="hugo-nested-complex",
    ),
    pytest.param(
        '{{< sc1 "param nr. 1" "param nr. 2" >}}',
        [S("sc1", ["param nr. 1", "param nr. 2"])],
        [],
        id="hugo-two-quoted-params",
    ),
    pytest.param(
        '{{< sc1 param1="Hello World" param2="p2Val">}}',
        [S("sc1", {"param1": "Hello World", "param2": "p2Val"})],
        [],
        id="hugo-two-named-params",
    ),
    pytest.param(
        '{{< sc1 param1=\\"Hello World\\"  >}}',
        [S("sc1", {"param1": "Hello World"})],
        [],
        id="hugo-escaped-quotes-named",
    ),
    pytest.param(
        '{{< sc1 \\"param1\\"  >}}', [S("sc1", ["param1"])], [], id="hugo-escaped-quotes-positional"
    ),
    pytest.param(
        '{{< sc1 param1=\\"Hello \\"escaped\\" World\\"  >}}',
        ['{{< sc1 param1=\\"Hello \\"escaped\\" World\\"  >}}'],
        ["mixed named and positional params"],
        id="hugo-escaped-inside-escaped-warns",
    ),
    pytest.param(
        '{{< sc1 param1="Hello \\"escaped\\" World"  >}}',
        [S("sc1", {"param1": 'Hello "escaped" World'})],
        [],
        id="hugo-escaped-quotes-inside-quotes",
    ),
    pytest.param(
        '{{< sc1 "Hello \\"escaped\\" World"  >}}',
        [S("sc1", ['Hello "escaped" World'])],
        [],
        id="hugo-escaped-quotes-inside-positional",
    ),
    pytest.param(
        "{{< sc1 param1=\\`Hello World\\` >}}",
        ["{{< sc1 param1=\\`Hello World\\` >}}"],
        ["unrecognized escape character"],
        id="hugo-escaped-raw-named-warns",
    ),
    pytest.param(
        "{{< sc1 param1 \\`Hello World\\` >}}",
        ["{{< sc1 param1 \\`Hello World\\` >}}"],
        ["unrecognized escape character"],
        id="hugo-escaped-raw-positional-warns",
    ),
    pytest.param(
        "{{< sc1`Hello World``Second Param` >}}",
        [S("sc1", ["Hello World", "Second Param"])],
        [],
        id="hugo-two-raw-strings",
    ),
    pytest.param(
        '{{< sc1 param2="Hello World>}}',
        ['{{< sc1 param2="Hello World>}}'],
        ["unterminated quoted string"],
        id="hugo-unterminated-quote-warns",
    ),
    pytest.param(
        "{{< sc1`Hello World >}}",
        ["{{< sc1`Hello World >}}"],
        ["unterminated raw string"],
        id="hugo-unterminated-raw-warns",
    ),
    pytest.param(
        "{{< sc1`Hello World``Second Param >}}",
        ["{{< sc1`Hello World``Second Param >}}"],
        ["unterminated raw string"],
        id="hugo-unterminated-second-raw-warns",
    ),
    pytest.param(
        '{{< sc1 param1="Hello World" p2 >}}',
        ['{{< sc1 param1="Hello World" p2 >}}'],
        ["mixed named and positional params"],
        id="hugo-named-then-bare-warns",
    ),
    pytest.param(
        "{{< sc1 param1=`Hello World``Second Param` >}}",
        ["{{< sc1 param1=`Hello World``Second Param` >}}"],
        ["mixed named and positional params"],
        id="hugo-named-then-raw-positional-warns",
    ),
    pytest.param(
        '{{< sc1 param1="Hello World" "And Universe" >}}',
        ['{{< sc1 param1="Hello World" "And Universe" >}}'],
        ["mixed named and positional params"],
        id="hugo-named-then-quoted-warns",
    ),
    pytest.param(
        '{{< sc1 "param1" param2="And Universe" >}}',
        ['{{< sc1 "param1" param2="And Universe" >}}'],
        ["mixed named and positional params"],
        id="hugo-quoted-then-named-warns",
    ),
    pytest.param(
        '{{< sc1 param1 param2="Hello World">}}',
        ['{{< sc1 param1 param2="Hello World">}}'],
        ["mixed named and positional params"],
        id="hugo-bare-then-named-warns",
    ),
    pytest.param("{{</* sc1 */>}}", ["{{< sc1 >}}"], [], id="hugo-comment"),
    pytest.param(
        '{{</* sc1 "**/*.pdf" */>}}',
        ['{{< sc1 "**/*.pdf" >}}'],
        [],
        id="hugo-comment-asterisk-inside",
    ),
    pytest.param(
        "{{</* sc1 >}}", ["{{</* sc1 >}}"], ["comment must be closed"], id="hugo-comment-open-warns"
    ),
    pytest.param(
        "{{</* sc1 >}}*/",
        ["{{</* sc1 >}}*/"],
        ["comment must be closed"],
        id="hugo-comment-misplaced-close-warns",
    ),
    pytest.param(
        "{{< sc1.inline >}}Hello World{{< /sc1.inline >}}",
        [S("sc1.inline", children=["Hello World"])],
        [],
        id="hugo-inline",
    ),
    pytest.param(
        "{{< sc1.inline >}}Hello World{{< / sc1.inline >}}",
        [S("sc1.inline", children=["Hello World"])],
        [],
        id="hugo-inline-close-with-space",
    ),
    pytest.param(
        "{{< sc1.inline >}}Hello World{{< /sc1.inline >}}Hello World{{< sc1.inline />}}",
        [
            S("sc1.inline", children=["Hello World"]),
            "Hello World",
            S("sc1.inline", self_closing=True),
        ],
        [],
        id="hugo-inline-then-self-closing",
    ),
    pytest.param(
        "{{< sc1.inline >}}{{ .Get 0 }}{{ .Get 1 }}{{< /sc1.inline >}}",
        [S("sc1.inline", children=["{{ .Get 0 }}{{ .Get 1 }}"])],
        [],
        id="hugo-inline-template-syntax-is-text",
    ),
    pytest.param(
        "{{< sc1.Inline >}}Hello World{{< /sc1.Inline >}}",
        ["{{< sc1.Inline >}}Hello World{{< /sc1.Inline >}}"],
        ["period in shortcode name", "period in shortcode name"],
        id="hugo-inline-case-mismatch-warns",
    ),
    # --- grammar details ----------------------------------------------------------------------
    pytest.param("{{< >}}", ["{{< >}}"], ["shortcode has no name"], id="no-name-warns"),
    pytest.param(
        "a {{< sc1 b", ["a {{< sc1 b"], ["unclosed shortcode tag"], id="unclosed-tag-warns"
    ),
    pytest.param("{{%/* sc1 */%}}", ["{{% sc1 %}}"], [], id="comment-markdown-delims"),
    pytest.param(
        "{{< sc1 true false True 42 -7 -.5 1.2.3 >}}",
        [S("sc1", [True, False, "True", 42, -7, -0.5, "1.2.3"])],
        [],
        id="bare-values-typed",
    ),
    pytest.param(
        '{{< sc1 a="true" b="42" c=`3.5` >}}',
        [S("sc1", {"a": "true", "b": "42", "c": "3.5"})],
        [],
        id="quoted-values-stay-str",
    ),
    pytest.param(
        '{{< sc1 "C:\\dir" >}}', [S("sc1", ["C:\\dir"])], [], id="plain-backslash-kept-in-quotes"
    ),
    pytest.param(
        "{{% sc1 %}}x{{< /sc1 >}}",
        [S("sc1", children=["x"], md=True)],
        [],
        id="close-with-other-delimiter",
    ),
    pytest.param("{{< sc1 a=b>}}", [S("sc1", {"a": "b"})], [], id="bare-value-ends-at-delim"),
    pytest.param(
        "{{< sc1 +3 >}}",
        ["{{< sc1 +3 >}}"],
        ["unrecognized character in shortcode action: U+002B '+'"],
        id="bare-value-with-plus-warns",
    ),
    pytest.param(
        "{{< sc1 / >}}", [S("sc1", self_closing=True)], [], id="self-closing-slash-spaced"
    ),
    pytest.param(
        "{{< tab >}}{{< tab >}}a{{< /tab >}}{{< /tab >}}",
        [S("tab", children=[S("tab", children=["a"])])],
        [],
        id="same-name-nested",
    ),
    # --- real posts -------------------------------------------------------------------------
    pytest.param(
        "{{< text bash >}}\n$ ls\n{{< / text >}}\n",
        [S("text", ["bash"], ["\n$ ls\n"]), "\n"],
        [],
        id="close-with-space-after-slash",
    ),
    pytest.param(
        "Istio {{<istio_release_name>}} is out.",
        ["Istio ", S("istio_release_name"), " is out."],
        [],
        id="no-space-name",
    ),
    pytest.param(
        "{{<tip>}}x{{</tip>}}", [S("tip", children=["x"])], [], id="no-space-open-and-close"
    ),
    pytest.param(
        "[x]({{< github_tree >}}/foo)",
        ["[x](", S("github_tree"), "/foo)"],
        [],
        id="inside-link-target",
    ),
    pytest.param(
        "1. Run:\n\n    {{< text bash >}}\n    $ kubectl apply\n    {{< /text >}}\n",
        ["1. Run:\n\n    ", S("text", ["bash"], ["\n    $ kubectl apply\n    "]), "\n"],
        [],
        id="indented-in-list-item",
    ),
    pytest.param(
        '{{< image link="./a.png"\n    caption="The mesh"\n    >}}',
        [S("image", {"link": "./a.png", "caption": "The mesh"})],
        [],
        id="tag-over-several-lines",
    ),
    pytest.param(
        '{{< image width="75%" link="./架构.svg" '
        'caption="Istio 架构：数据平面（Envoy）与控制平面！" >}}',
        [
            S(
                "image",
                {
                    "width": "75%",
                    "link": "./架构.svg",
                    "caption": "Istio 架构：数据平面（Envoy）与控制平面！",
                },
            )
        ],
        [],
        id="chinese-caption-full-width-punctuation",
    ),
    pytest.param(
        "{{< tag 中文 标题=x >}}", ["{{< tag 中文 标题=x >}}"], ["mixed"], id="chinese-bare"
    ),
    pytest.param(
        "{{< text bash >}}\n# comment\n- x\n```\n{{< /text >}}\n",
        [S("text", ["bash"], ["\n# comment\n- x\n```\n"]), "\n"],
        [],
        id="text-body-with-stray-fence",
    ),
    pytest.param(
        "{{< text markdown >}}\n```go\n{{< x >}}\n```\n{{< /text >}}",
        [S("text", ["markdown"], ["\n```go\n{{< x >}}\n```\n"])],
        [],
        id="text-body-fence-protects-contents",
    ),
    pytest.param(
        '{{< tip >}}\nSee:\n\n{{< quote caption="a" >}}\n> q\n{{< /quote >}}\n{{< /tip >}}',
        [
            S(
                "tip",
                children=["\nSee:\n\n", S("quote", {"caption": "a"}, ["\n> q\n"]), "\n"],
            )
        ],
        [],
        id="nested-tip-quote",
    ),
    pytest.param(
        '{{< tabset category-name="platform" >}}\n\n'
        '{{< tab name="Kubernetes" category-value="k8s" >}}\nk\n{{< /tab >}}\n\n'
        '{{< tab name="VMs" category-value="vm" >}}\nv\n{{< /tab >}}\n\n'
        "{{< /tabset >}}",
        [
            S(
                "tabset",
                {"category-name": "platform"},
                [
                    "\n\n",
                    S("tab", {"name": "Kubernetes", "category-value": "k8s"}, ["\nk\n"]),
                    "\n\n",
                    S("tab", {"name": "VMs", "category-value": "vm"}, ["\nv\n"]),
                    "\n\n",
                ],
            )
        ],
        [],
        id="tabset-tab",
    ),
    pytest.param(
        "{{% tip %}}\n## Head\n\n- a\n- b\n\n1. c\n{{% /tip %}}",
        [S("tip", children=["\n## Head\n\n- a\n- b\n\n1. c\n"], md=True)],
        [],
        id="inner-blank-lines-lists-headings",
    ),
    pytest.param(
        "Text {{< b >}}bold{{< /b >}} and {{< icon name=x />}} more.",
        [
            "Text ",
            S("b", children=["bold"]),
            " and ",
            S("icon", {"name": "x"}, self_closing=True),
            " more.",
        ],
        [],
        id="inline-mid-paragraph",
    ),
    # --- code keeps shortcodes as text --------------------------------------------------------
    pytest.param("```\n{{< tip >}}\n```\n", ["```\n{{< tip >}}\n```\n"], [], id="fenced-code"),
    pytest.param(
        "~~~~md\n{{< tip >}}\n~~~\n~~~~\nafter {{< x >}}",
        ["~~~~md\n{{< tip >}}\n~~~\n~~~~\nafter ", S("x")],
        [],
        id="tilde-fence-longer-closer",
    ),
    pytest.param(
        "- step\n\n      ```bash\n      {{< x >}}\n      ```\n",
        ["- step\n\n      ```bash\n      {{< x >}}\n      ```\n"],
        [],
        id="fence-inside-list-item",
    ),
    pytest.param(
        "- ```\n  {{< x >}}\n  ```\n", ["- ```\n  {{< x >}}\n  ```\n"], [], id="fence-after-marker"
    ),
    pytest.param(
        "> ```\n> {{< x >}}\n> ```\n", ["> ```\n> {{< x >}}\n> ```\n"], [], id="fence-in-blockquote"
    ),
    pytest.param(
        "Para\n\n    code {{< x >}}\n\nafter {{< y >}}",
        ["Para\n\n    code {{< x >}}\n\nafter ", S("y")],
        [],
        id="indented-code",
    ),
    pytest.param(
        "- item\n\n    more {{< x >}}\n",
        ["- item\n\n    more ", S("x"), "\n"],
        [],
        id="indented-in-list-is-not-code",
    ),
    pytest.param(
        "Para\n    more {{< x >}}",
        ["Para\n    more ", S("x")],
        [],
        id="indented-continuation-not-code",
    ),
    pytest.param("Use `{{< this >}}` here", ["Use `{{< this >}}` here"], [], id="code-span"),
    pytest.param(
        "Use ``a ` {{< this >}}`` and {{< that >}}",
        ["Use ``a ` {{< this >}}`` and ", S("that")],
        [],
        id="multi-backtick-code-span",
    ),
    pytest.param("a ` b {{< x >}}", ["a ` b ", S("x")], [], id="lone-backtick-is-literal"),
    pytest.param(
        "\\`{{< x >}}\\`", ["\\`", S("x"), "\\`"], [], id="escaped-backticks-open-no-span"
    ),
    pytest.param(
        "a `b\n\n{{< x >}}` c", ["a `b\n\n", S("x"), "` c"], [], id="code-span-stops-at-blank-line"
    ),
    pytest.param(
        "```\n{{</* x */>}}\n```",
        ["```\n", "{{< x >}}", "\n```"],
        [],
        id="comment-in-fence-unwrapped",
    ),
    pytest.param(
        "```\n{{< /tip >}}\n```", ["```\n{{< /tip >}}\n```"], [], id="closing-tag-in-fence-is-text"
    ),
    pytest.param("```a`b\n{{< x >}}", ["```a`b\n", S("x")], [], id="backtick-info-is-not-a-fence"),
    pytest.param(
        "```\n{{< x >}}\n", ["```\n{{< x >}}\n"], ["unclosed code fence"], id="unclosed-fence-warns"
    ),
]


@pytest.mark.parametrize(("source", "expected", "warnings"), ROWS)
def test_parse(source: str, expected: list[Any], warnings: list[str]) -> None:
    seen: list[Diagnostic] = []
    nodes = parse(source, warn=seen.append)
    assert shape(nodes) == expected
    assert len(seen) == len(warnings), seen
    for diag, fragment in zip(seen, warnings, strict=True):
        assert fragment in diag.message
    if not has_comment(source):
        assert rebuild(nodes, source) == source
    check_inner(nodes, source)


def _quote_needs_inner(name: str) -> bool:
    return name == "quote"


ERROR_ROWS = [
    pytest.param(
        "{{< quote >}}text", _quote_needs_inner, 0, 'unclosed shortcode "quote"', 1, 1,
        id="unclosed-known-inner",
    ),
    pytest.param(
        "{{< tip >}}{{< quote >}}x{{< /tip >}}{{< /quote >}}", None, 0,
        'unclosed shortcode "quote"', 1, 12, id="crossed-tags",
    ),
    pytest.param(
        "{{< note >}}a{{< /note >}}\n\n{{< note >}}b", None, 0, 'unclosed shortcode "note"', 3, 1,
        id="closed-elsewhere-means-inner",
    ),
    pytest.param(
        "x\n  {{< quote >}}", _quote_needs_inner, 10, 'unclosed shortcode "quote"', 12, 3,
        id="line-offset-applies",
    ),
    pytest.param(
        "{{< tip >}}{{< q >}}{{< /q >}}{{< q >}}{{< /tip >}}", None, 0, 'unclosed shortcode "q"',
        1, 31, id="unclosed-inside-closed",
    ),
    pytest.param(
        "中文 {{< quote >}}", _quote_needs_inner, 0, 'unclosed shortcode "quote"', 1, 4,
        id="column-counts-characters",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("source", "known", "offset", "message", "line", "col"), ERROR_ROWS)
def test_errors(source: str, known: Any, offset: int, message: str, line: int, col: int) -> None:
    with pytest.raises(PresskitError) as info:
        parse(source, path="post.md", line_offset=offset, known_inner=known)
    err = info.value
    assert (err.message, err.path, err.line, err.col) == (message, "post.md", line, col)
    assert str(err) == f"post.md:{line}:{col}: {message}"


def test_known_inner_false_keeps_standalone() -> None:
    [node] = parse("{{< quote >}}", known_inner=lambda name: False)
    assert isinstance(node, Shortcode) and node.children is None


def test_self_closing_known_inner_needs_no_close() -> None:
    [node] = parse("{{< quote />}}", known_inner=_quote_needs_inner)
    assert isinstance(node, Shortcode) and node.self_closing and node.children is None


def test_warning_positions_use_path_and_line_offset() -> None:
    seen: list[Diagnostic] = []
    parse("a\n\n  x {{< /quote >}}", path="p.md", line_offset=5, warn=seen.append)
    assert seen == [Diagnostic('unexpected closing tag "/quote"', "p.md", 8, 5)]


def test_warnings_dropped_without_callback() -> None:
    assert parse("{{< /quote >}}") == [Text("{{< /quote >}}", 0)]


def test_positions_offsets_and_inner() -> None:
    src = '# T\n\nSee {{< quote caption="c" >}}\nbody\n{{< /quote >}} end\n'
    _, sc, _ = parse(src, line_offset=3)
    assert isinstance(sc, Shortcode)
    assert (sc.line, sc.col) == (6, 5)
    assert src[sc.start : sc.end].startswith("{{< quote") and src[: sc.end].endswith("/quote >}}")
    assert sc.raw_inner(src) == "\nbody\n"
    assert (sc.indent, sc.block) == ("", False)
    assert sc.param("caption") == "c" and sc.param(0) is None and sc.param("x", "d") == "d"


@pytest.mark.parametrize(
    ("source", "indent", "block"),
    [
        pytest.param("{{< tip >}}\nx\n{{< /tip >}}\n", "", True, id="alone-on-lines"),
        pytest.param("  {{< tip >}}\nx\n{{< /tip >}}  \r\n", "  ", True, id="indented-trailing-ws"),
        pytest.param("a {{< tip >}}x{{< /tip >}}", "", False, id="after-text"),
        pytest.param("{{< tip >}}x{{< /tip >}} b", "", False, id="text-after-close"),
        pytest.param("\t{{< img />}}\n", "\t", True, id="standalone-alone"),
        pytest.param("- {{< img >}}", "", False, id="after-list-marker"),
    ],
)
def test_indent_and_block(source: str, indent: str, block: bool) -> None:
    sc = next(n for n in parse(source) if isinstance(n, Shortcode))
    assert (sc.indent, sc.block) == (indent, block)


def test_positional_param_lookup() -> None:
    [sc] = parse("{{< text bash 3 >}}")
    assert isinstance(sc, Shortcode)
    assert (sc.param(0), sc.param(1), sc.param(2), sc.param("lang")) == ("bash", 3, None, None)
    assert sc.raw_inner("{{< text bash 3 >}}") == ""


# --- properties ---------------------------------------------------------------------------------

FRAGMENTS = [
    "{{<", ">}}", "{{%", "%}}", "/", "quote", "tip", '"', "`", "\n", "```", " ", "=", "x=",
    "/*", "*/", "\\", "    ", "~~~", "- ", "{{", "}}", "中文，", "\t", "3.5",
]  # fmt: skip
shortcodey = st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join)
fuzz = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _parse_or_none(source: str) -> list[Node] | None:
    try:
        return parse(source, warn=lambda d: None)
    except PresskitError:
        return None


@fuzz
@given(st.one_of(st.text(), shortcodey))
def test_only_presskit_errors_escape(source: str) -> None:
    _parse_or_none(source)


@fuzz
@given(st.text().filter(lambda s: "{{" not in s))
def test_plain_text_comes_back_whole(source: str) -> None:
    assert parse(source) == ([Text(source, 0)] if source else [])


@fuzz
@given(shortcodey.filter(lambda s: not has_comment(s)))
def test_nodes_rebuild_the_source(source: str) -> None:
    nodes = _parse_or_none(source)
    if nodes is not None:
        assert rebuild(nodes, source) == source
        check_inner(nodes, source)


# --- read_tag: one tag, for text rebuilt from pandoc's AST -------------------------------------


@pytest.mark.parametrize(
    ("text", "at", "name", "params", "closing", "end"),
    [
        pytest.param('x {{< quote caption="a b" >}} y', 2, "quote", {"caption": "a b"}, False, 29,
                     id="named"),
        pytest.param("{{< / text >}}", 0, "text", [], True, 14, id="closing-spaced"),
        pytest.param("{{<istio_release_name>}}", 0, "istio_release_name", [], False, 24,
                     id="no-spaces"),
    ],
)  # fmt: skip
def test_read_tag(text: str, at: int, name: str, params: Any, closing: bool, end: int) -> None:
    tag = read_tag(text, at)
    assert isinstance(tag, Tag)
    assert (tag.name, tag.params, tag.closing, tag.end) == (name, params, closing, end)


def test_read_tag_comment_and_errors() -> None:
    comment = read_tag("{{</* tip */>}}", 0)
    assert isinstance(comment, Comment) and comment.text == "{{< tip >}}"
    for bad in ("{{< x", '{{< x a="b >}}', "no tag"):
        with pytest.raises(TagError):
            read_tag(bad, 0)
