"""What each shortcode becomes, through the renderer's path (source pass + filter in-process)."""

from __future__ import annotations

from pathlib import Path

import pytest

from presskit import extensions
from presskit.errors import Diagnostic, PresskitError
from presskit.output.convert import Conversion, convert
from presskit.shortcodes.handlers import Context, site_path
from presskit.source.post import load_post


def render(
    tmp_path: Path,
    body: str,
    *,
    lang: str = "en",
    fmt: str = "html5",
    front: str = "title: T",
    files: tuple[str, ...] = (),
) -> tuple[str, list[Diagnostic]]:
    folder = tmp_path / "content" / lang / "blog" / "2024" / "post"
    folder.mkdir(parents=True, exist_ok=True)
    for name in files:
        (folder / name).write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    path = folder / "index.md"
    path.write_text(f"---\n{front}\n---\n{body}", encoding="utf-8")
    post = load_post(path)
    warnings: list[Diagnostic] = []
    out = convert(
        post,
        Conversion(lang=lang, base_url="https://istio.io", warn=warnings.append, fmt=fmt),
    )
    return out, warnings


def test_quote_caption_is_text(tmp_path: Path) -> None:
    body = '{{< quote caption="A <b>&amp; *x* \\"q\\"" >}}\nSaid **this**.\n{{< /quote >}}\n'
    html, _ = render(tmp_path, body)
    assert '<figure class="quote">' in html
    # text, never markup; its straight quotes made typographic, as the body's are
    assert "<figcaption>A &lt;b&gt;&amp;amp; *x* “q”</figcaption>" in html
    assert "<strong>this</strong>" in html


def test_quote_positional_caption_and_other_formats(tmp_path: Path) -> None:
    body = '{{< quote "Jane & Co" >}}\nWords.\n{{< /quote >}}\n'
    html, _ = render(tmp_path, body)
    assert "<figcaption>Jane &amp; Co</figcaption>" in html
    latex, _ = render(tmp_path, body, fmt="latex")
    assert "\\begin{quote}" in latex and "--- Jane \\& Co" in latex.replace("—", "---")


@pytest.mark.parametrize(
    ("lang", "name", "label"),
    [
        ("en", "tip", "Tip"),
        ("zh", "warning", "警告"),
        ("zh", "idea", "建议"),
        ("ja", "tip", "ヒント"),
    ],
)
def test_callouts_are_labelled_boxes(tmp_path: Path, lang: str, name: str, label: str) -> None:
    html, _ = render(
        tmp_path, f"{{{{< {name} >}}}}\nBody *here*.\n{{{{< /{name} >}}}}\n", lang=lang
    )
    assert f'<div class="callout {name}">' in html
    assert f"<strong>{label}</strong>" in html and "<em>here</em>" in html


def test_callout_in_latex_is_a_titled_quote(tmp_path: Path) -> None:
    latex, _ = render(tmp_path, "{{< warning >}}\nCareful.\n{{< /warning >}}\n", fmt="latex")
    assert "\\begin{quote}" in latex and "\\textbf{Warning}" in latex and "Careful." in latex


def test_text_body_verbatim_with_language(tmp_path: Path) -> None:
    code = '$ kubectl apply -f - <<EOF\n# not a heading\n- not: a list\n  "quoted" -- dash\nEOF'
    html, _ = render(tmp_path, f"{{{{< text bash >}}}}\n{code}\n{{{{< /text >}}}}\n")
    assert 'class="sourceCode bash"' in html and "hugo-text" not in html
    assert "<h1" not in html and "<li>" not in html
    native, _ = render(
        tmp_path, f"{{{{< text bash >}}}}\n{code}\n{{{{< /text >}}}}\n", fmt="native"
    )
    assert '"$ kubectl apply -f - <<EOF\\n# not a heading' in native


def test_image_figure_with_width_alt_and_caption(tmp_path: Path) -> None:
    body = '{{< image width="60%" link="./arch.svg" alt="Diagram" caption="The mesh & more" >}}\n'
    html, warnings = render(tmp_path, body, files=("arch.svg",))
    assert '<figure class="image">' in html and 'src="./arch.svg"' in html
    assert 'alt="Diagram"' in html and "width:60" in html
    assert "<figcaption>The mesh &amp; more</figcaption>" in html
    assert not warnings


@pytest.mark.parametrize(
    ("link", "why"),
    [
        ("./gone.png", "file not found"),
        ("../../../../../../etc/passwd", "outside the post's folder"),
    ],
)
def test_missing_image_is_a_placeholder(tmp_path: Path, link: str, why: str) -> None:
    html, warnings = render(tmp_path, f'{{{{< image link="{link}" caption="Lost" >}}}}\n')
    assert '<figure class="image missing">' in html and "image-placeholder" in html
    assert "Image not available:" in html and "<figcaption>Lost</figcaption>" in html
    assert "<img" not in html
    [warning] = warnings
    assert why in warning.message and warning.line == 4 and warning.col == 1


def test_missing_image_placeholder_says_what_the_image_showed(tmp_path: Path) -> None:
    body = '{{< image link="./gone.png" alt="Sidecars beside each pod" caption="Lost" >}}\n'
    html, _ = render(tmp_path, body)
    box = html[html.index("image-placeholder") : html.index("<figcaption>")]
    assert "Image not available: gone.png" in box
    assert '<div class="image-alt">' in box and "Sidecars beside each pod" in box
    # the caption alone (alt falls back to it) is not printed twice
    html, _ = render(tmp_path, '{{< image link="./gone.png" caption="Lost" >}}\n')
    assert "image-alt" not in html


def test_gloss_tabset_boilerplate(tmp_path: Path) -> None:
    body = (
        'Uses {{< gloss "namespace sameness" >}}sameness{{< /gloss >}} here.\n\n'
        '{{< tabset category-name="p" >}}\n\n'
        '{{< tab name="Kubernetes" >}}\nK body\n{{< /tab >}}\n\n'
        '{{< tab name="VMs" >}}\nV body\n{{< /tab >}}\n\n'
        "{{< /tabset >}}\n\n"
        '{{< boilerplate "security-vulnerability" >}}\n'
    )
    html, warnings = render(tmp_path, body)
    assert '<span class="gloss">sameness</span>' in html
    assert (
        html.index("Kubernetes") < html.index("K body") < html.index("VMs") < html.index("V body")
    )
    assert html.count('<div class="tab">') == 2 and '<div class="tabset">' in html
    assert "security-vulnerability" in html and "placeholder boilerplate" in html
    assert [w.message.split()[0] for w in warnings] == ["boilerplate"]


def test_unknown_keeps_content_and_names_it(tmp_path: Path) -> None:
    html, warnings = render(tmp_path, "{{< fancy x=1 >}}\nInner **words**.\n{{< /fancy >}}\n")
    assert "Inner <strong>words</strong>." in html and "{{" not in html
    [warning] = warnings
    assert '"fancy"' in warning.message and (warning.line, warning.col) == (4, 1)


def test_site_values_and_links(tmp_path: Path) -> None:
    extensions.load(["presskit.shortcodes.istio"])  # Istio's shortcodes are an extension
    body = (
        "See [sleep]({{< github_tree >}}/samples/sleep), [news](/news/x/),"
        " [other](../other-post/) and [top](#top); latest is {{<istio_release_name>}}.\n"
    )
    html, warnings = render(tmp_path, body)
    assert 'href="https://github.com/istio/istio/tree/master/samples/sleep"' in html
    assert 'href="https://istio.io/news/x/"' in html
    assert 'href="https://istio.io/blog/2024/other-post/"' in html and 'href="#top"' in html
    assert "latest is the latest release." in html
    assert ["istio_release_name" in w.message for w in warnings] == [True]


def test_zh_relative_links_keep_language(tmp_path: Path) -> None:
    html, _ = render(tmp_path, "[other](../other-post/)\n", lang="zh")
    assert 'href="https://istio.io/zh/blog/2024/other-post/"' in html


def test_relnote_and_security_bulletin_from_front_matter(tmp_path: Path) -> None:
    extensions.load(["presskit.shortcodes.istio"])  # Istio's shortcodes are an extension
    front = (
        "title: T\nrelease: 1.18.2\ncves: [CVE-2023-1, CVE-2023-2]\ncvss: '7.5'\n"
        "vector: 'AV:N'\nreleases: ['1.0 to 1.1']"
    )
    body = '{{< relnote linktonote="true" >}}\n\n{{< security_bulletin >}}\n'
    html, warnings = render(tmp_path, body, front=front)
    assert "https://github.com/istio/istio/releases/tag/1.18.2" in html
    assert "https://github.com/istio/istio/compare/1.18.1...1.18.2" in html
    assert "https://istio.io/about/notes/1.18.2/" in html
    assert "Disclosure details" in html and "CVE-2023-2" in html and "1.0 to 1.1" in html
    assert not warnings


def test_centered_block_and_comment_form(tmp_path: Path) -> None:
    body = "{{< centered_block >}}\nMiddle.\n{{< /centered_block >}}\n\nWrite `{{</* tip */>}}`.\n"
    html, _ = render(tmp_path, body)
    assert '<div class="centered-block">' in html
    assert "<code>{{&lt; tip &gt;}}</code>" in html


@pytest.mark.parametrize(
    ("post", "url"),
    [
        ("site/content/zh/blog/2023/x/index.md", "/zh/blog/2023/x/"),
        ("site/content/en/blog/2023/x/index.md", "/blog/2023/x/"),
        ("content/en/news/1.18.x/a/_index.md", "/news/1.18.x/a/"),
        ("content/en/blog/2024/link-post.md", "/blog/2024/link-post/"),
        ("posts/x/index.md", None),
    ],
)  # fmt: skip
def test_site_path(post: str, url: str | None) -> None:
    assert site_path(Path(post)) == url


def test_unknown_policy_error_names_position(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    path = folder / "index.md"
    path.write_text("---\ntitle: T\n---\nText\n\n{{< mystery >}}\n", encoding="utf-8")
    from presskit.output import convert as convert_module
    from presskit.shortcodes import filter as shortcode_filter

    doc = convert_module.markdown_to_doc(convert_module.expand_source(path.read_text()))
    doc.format = "html"
    doc.presskit = Context(unknown="error", source=str(path), in_process=True)
    with pytest.raises(PresskitError) as info:
        shortcode_filter.main(doc)
    assert 'unsupported shortcode "mystery"' in str(info.value)


def test_forgotten_closing_tag_is_a_located_error(tmp_path: Path) -> None:
    with pytest.raises(PresskitError) as info:
        render(tmp_path, "Intro.\n\n{{< quote >}}\nWords that belong in it.\n")
    assert str(info.value).endswith('index.md:6:1: unclosed shortcode "quote"')


def test_text_used_inside_a_line_is_inline_code(tmp_path: Path) -> None:
    html, _ = render(
        tmp_path,
        "Run {{< text bash >}}$ ls{{< /text >}} or {{< text plain >}}a `b`{{< /text >}}.\n",
    )
    assert '<p>Run <code class="sourceCode bash">' in html and "ls</code> or" in html
    assert '<code class="plain">a `b`</code>.</p>' in html
