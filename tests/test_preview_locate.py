"""Placing a warning's source line on the page that prints it (`presskit.preview.locate`), on
page texts as poppler gives them: hyphenated, justified, in capitals, Chinese broken anywhere."""

from __future__ import annotations

from pathlib import Path

from presskit.preview.locate import lines_to_pages, warning_line

SOURCE = """---
title: 发布
---

Istio 今天宣布从 CNCF 毕业，这标志着项目的成熟度
达到了新的水平。

{{< unknown >}}

![图表](chart.png)

第二段：服务网格的采用在过去一年里持续增长，

{{< between >}}

越来越多的企业在生产环境中运行 Istio。

A well-known [link](https://example.com/a "t") and *emphasis* in English text.
""".splitlines()

PAGES = [
    "ISTIO\n发布\n",  # the cover repeats nothing of the body
    "ISTIO\nIstio 今天宣布从 CNCF 毕业，这标志着项目的成熟\n度达到了新的水平。\n图表\n"
    "第二段：服务网格的采用在过去一年里持续增长，\n",
    "ISTIO\n越来越多的企业在生产环境中运行 Istio。\n"
    "A WELL‐\nKNOWN LINK1 AND EMPHASIS IN ENGLISH TEXT.\n",
]


def test_lines_are_placed_by_their_printed_text() -> None:
    placed = lines_to_pages(SOURCE, 4, PAGES, range(1, len(SOURCE) + 1))
    assert placed[5] == placed[6] == 2  # a Chinese paragraph, broken elsewhere by the PDF
    assert placed[8] == 2  # a shortcode that prints nothing, between two blocks on page 2
    assert placed[10] == 2  # an image, by its alt text
    assert placed[12] == 2 and placed[16] == 3
    assert 14 not in placed  # between page 2 and page 3: not placed (it stays at the top)
    assert placed[18] == 3  # capitals, hyphenation, a footnote number, a link's target
    assert 2 not in placed  # the front matter is not the body


def test_warning_lines_name_the_post_only(tmp_path: Path) -> None:
    post = tmp_path / "index.md"
    post.write_text("x")
    assert warning_line(f"{post}:12:3: unsupported shortcode", post) == 12
    assert warning_line(f"{post}:7: image a.png: file not found", post) == 7
    assert warning_line(f"{tmp_path / 'other.md'}:7: image", post) is None
    assert warning_line("dateline: no time zone", post) is None
