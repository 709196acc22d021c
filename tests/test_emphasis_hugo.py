"""Emphasis beside CJK punctuation, against the real Hugo (issue 12).

`**新功能：**您…` (zh/blog/2023/istioday-kubecon-na-cfp, three list items) prints its
asterisks: CommonMark's flanking rule does not let `**` close after a punctuation mark when a
letter follows. Hugo 0.168's goldmark does the same with its default config and with
`markup.goldmark.extensions.cjk` enabled (that extension handles line breaks and `\\ `, not
flanking; a "CJK-friendly emphasis" option is only proposed upstream, gohugoio/hugo#14114).
So the site shows the asterisks too, and presskit prints what the site prints: this test
holds the two together, case by case, so that a pass "closing" such emphasis is a deliberate
divergence from Hugo, not an accident.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hugo_oracle import needs_hugo, run_hugo

from presskit.output.convert import Conversion, convert
from presskit.source.post import load_post

CASES = [
    "**新功能：**您一直在从事的事情。",  # the corpus's case: asterisks in Hugo
    "**新功能：** 您一直在从事的事情。",  # a space after the mark: bold
    "这是**强调**文字。",
    "这是**“引号”**文字。",  # opening before a quote mark, after a letter: asterisks
    "*注意：*斜体。",
    "a **b:**c and 2**3**4 and 5 * 6 * 7.",
    "**Istio 秘诀：**如何使用。",
]
CONFIGS = {
    "default": "",
    "cjk": "[markup.goldmark.extensions.cjk]\nenable = true\n",
}
PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
INVISIBLE = re.compile(r"[\s\u2060\u200b]")  # presskit's break marks and joiners, spaces


def _shape(html: str) -> list[str]:
    """Each paragraph's text with only its <strong> and <em> tags (presskit's fragment also
    drops a typed space beside a full-width mark and ties a paragraph's last characters)."""
    return [
        INVISIBLE.sub("", re.sub(r"<(?!/?(?:strong|em)>)[^>]*>", "", p))
        for p in PARAGRAPH.findall(html)
    ]


def _post(folder: Path) -> Path:
    post = folder / "content/posts/emphasis.md"
    post.parent.mkdir(parents=True)
    body = "\n\n".join(CASES)
    post.write_text(f'---\ntitle: "强调"\n---\n\n{body}\n', encoding="utf-8")
    return post


@needs_hugo
@pytest.mark.parametrize("config", CONFIGS)
def test_emphasis_beside_cjk_punctuation_is_what_hugo_prints(tmp_path, config):
    post = _post(tmp_path)
    (tmp_path / "hugo.toml").write_text(
        'baseURL = "https://example.org/"\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404", "home",'
        ' "section"]\n' + CONFIGS[config],
        encoding="utf-8",
    )
    (tmp_path / "layouts/_default").mkdir(parents=True)
    (tmp_path / "layouts/_default/single.html").write_text("{{ .Content }}", encoding="utf-8")
    run_hugo(tmp_path, "--quiet", "--destination", "public")
    hugo = _shape((tmp_path / "public/posts/emphasis/index.html").read_text(encoding="utf-8"))
    ours = _shape(convert(load_post(post), Conversion(lang="zh")))
    assert len(hugo) == len(CASES)
    assert ours == hugo
    # what the case is about: the asterisks stay, where the site shows them
    assert hugo[0] == "**新功能：**您一直在从事的事情。"
    assert hugo[1] == "<strong>新功能：</strong>您一直在从事的事情。"
