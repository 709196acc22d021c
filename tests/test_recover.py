"""Recovery of shortcodes from pandoc's own reading of a raw Hugo post (plain pandoc path)."""

from __future__ import annotations

import io

import panflute as pf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from presskit import extensions
from presskit.output.convert import doc_to, pandoc
from presskit.shortcodes import filter as shortcode_filter


def plain(markdown: str, fmt: str = "html5", *meta: str) -> tuple[str, list[str]]:
    """What `pandoc post.md --filter presskit-filter` gives, without spawning the filter."""
    args = ["--from", "markdown", "--to", "json"]
    for item in meta:
        args += ["-M", item]
    doc = pf.load(io.StringIO(pandoc(args, markdown)))
    doc.format = fmt
    shortcode_filter.main(doc)
    warnings = [w.message for w in doc.presskit.warnings]
    return doc_to(doc, fmt), warnings


def test_no_spaces_tags_pandoc_read_as_raw_html() -> None:
    html, warnings = plain("{{<tip>}}\nTip body\n{{</tip>}}\n")
    assert '<div class="callout tip">' in html and "Tip body" in html and "{{" not in html
    assert not warnings


def test_nested_tip_with_quote() -> None:
    src = '{{< tip >}}\nSee:\n\n{{< quote caption="Ann" >}}\nWords.\n{{< /quote >}}\n{{< /tip >}}\n'
    html, _ = plain(src)
    assert html.index('class="callout tip"') < html.index('<figure class="quote">')
    assert "<figcaption>Ann</figcaption>" in html and "Words." in html


def test_code_span_and_comment_form_stay_text() -> None:
    html, warnings = plain("Write `{{< tip >}}` or {{</* tip */>}} to get a tip.\n")
    assert "<code>{{&lt; tip &gt;}}</code>" in html
    assert "or {{&lt; tip &gt;}} to get" in html and not warnings


def test_text_body_is_code_with_language() -> None:
    src = '{{< text bash >}}\n$ helm install --set a="b" ...\n# comment\n{{< /text >}}\n'
    html, _ = plain(src, "native")
    code = '"$ helm install --set a=\\"b\\" ...\\n# comment"'
    assert 'CodeBlock\n    ( "" , [ "bash" ] , [] )\n    ' + code in html


def test_text_body_keeps_inner_tags_as_text() -> None:
    src = "{{< text markdown >}}\nUse {{< tip >}} like this.\n{{< /text >}}\n"
    html, _ = plain(src, "native")
    assert '"Use {{< tip >}} like this."' in html


def test_text_in_list_item() -> None:
    src = "1.  Apply:\n\n    {{< text yaml >}}\n    kind: Service\n    {{< /text >}}\n\n2.  Done.\n"
    html, _ = plain(src)
    assert html.count("<li>") == 2 and 'class="sourceCode yaml"' in html


def test_unclosed_keeps_words_and_warns() -> None:
    html, warnings = plain("{{< quote >}}\nWords.\n\n{{< tip >}}x{{< /tip >}} and {{< /quote\n")
    assert "Words." in html
    assert any("unterminated" in w or "unclosed" in w for w in warnings)


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        pytest.param('{{< image link="./a.png"\n    caption="Multi line"\n    >}}\n',
                     ">Multi line</figcaption>", id="image-over-lines"),
        pytest.param("Istio ({{<istio_release_name>}}) is out.\n", "Istio (1.24) is out.",
                     id="value-no-spaces"),
        pytest.param("[x]({{< github_raw >}}/blob/README.md)\n",
                     'href="https://github.com/istio/istio/blob/README.md"', id="value-in-link"),
        pytest.param("{{% tip %}}\n**Bold** tip\n{{% /tip %}}\n", "<strong>Bold</strong> tip",
                     id="markdown-delimiters"),
        pytest.param("{{< text bash >}}\n$ ls\n{{< / text >}}\n", "sourceCode bash",
                     id="close-with-space"),
    ],
)  # fmt: skip
def test_variants(src: str, expected: str) -> None:
    # `github_raw` is Istio's, an extension: loaded here, not left to an earlier test
    extensions.load(["presskit.shortcodes.istio"])
    html, _ = plain(src, "html5", "presskit.values.istio_release_name=1.24")
    assert expected in html and "{{" not in html


FRAGMENTS = [
    "{{<", ">}}", "{{%", "%}}", "/", "quote", "text", "tip", '"', "`", "\n", "\n\n", " ",
    "caption=", "/*", "*/", "- ", "1. ", "    ", "```", "<b>", "*", "中文", "{{", "}}", "x",
]  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join))
def test_recovery_never_crashes(source: str) -> None:
    """Any mix of tag pieces gives warnings at most, never an exception."""
    html, warnings = plain(source)
    assert isinstance(html, str) and all(isinstance(w, str) for w in warnings)
