"""`presskit init [DIR]`: a press kit to start from — commented config, sample post, logo.

Nothing is overwritten: when any of the files exists, nothing is written at all, so a second
`init` cannot clobber a brand that has since been edited.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from presskit.errors import PresskitError
from presskit.output.pdf import write_atomic

CONFIG = '''\
# presskit.toml — the brand and settings every post under this folder shares.
# `presskit render content/en/news/hello-press/index.md` finds this file by walking up.

lang = "en"                       # language of posts that say neither `lang` nor content/<lang>/
base_url = "https://example.org"  # site root: relative links and the canonical URL + QR code
page_size = "A4"                  # A4, Letter, A5 or Legal
# margin = "22mm 20mm"            # page margins of the body pages (CSS lengths)
theme = "default"                 # "default", "formal" (serif body) or a folder of your own
quotes_sheet = true               # every quote again, on a page of its own
link_notes = true                 # external links' URLs printed as footnotes
# languages = ["en", "zh"]        # what `presskit doctor` checks fonts for

[brand]
name = "Example Foundation"
logo = "logo.svg"                 # SVG stays vector; PNG works too. Drawn on the brand colour.
primary = "#1F3A5F"               # cover band, headings
accent = "#D9822B"                # rules, quote bars
# text = "#1D232B"
website = "example.org"
# A _brand.yml (Quarto/Shiny brand.yml) beside this file is read too; keys here win.

# After the end mark. One text, or a table of texts by language:
[brand.about]
en = """
Example Foundation is a neutral home for open source projects. Replace this paragraph with
your organisation's boilerplate.
"""

# [brand.fonts]                   # families by role; CJK fallbacks come after them
# body = ["Source Serif 4"]
# headings = ["Inter"]
# mono = ["JetBrains Mono"]

# [[brand.font_files]]            # a font file of the brand's, used without installing it
# family = "Source Serif 4"
# path = "fonts/SourceSerif4-Regular.otf"

[[brand.contacts]]                # media contacts: on the cover and after About
name = "Press office"
email = "press@example.org"
phone = "+1 555 0100"
'''

POST = """\
---
title: "Example Foundation announces its first press kit"
date: 2024-05-01
description: "A sample post: edit it, then run presskit render on it."
author: "Press office"
keywords: [presskit, example]
# Press-release conventions, all optional:
embargo: 2024-05-01T09:00:00-07:00   # banner until then; "For immediate release" after
dateline: "SAN FRANCISCO"            # opens the first paragraph with the date
# contacts:                          # replaces [[brand.contacts]] for this post
#   - {name: "Jane Doe", email: "jane@example.org"}
---

Example Foundation today announced its first press kit, built from the same Markdown posts as
its [blog](https://example.org/blog/).

{{< quote caption="Jane Doe, Executive Director, Example Foundation" >}}
A press release should be as easy to publish as a blog post.
{{< /quote >}}

## What is next

Every external link is printed as a footnote, and the cover carries the post's address as text
and as a QR code.
"""

LOGO = """\
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">
  <!-- Placeholder mark (white, drawn on the brand colour): replace with your logo. -->
  <rect x="8" y="8" width="48" height="48" rx="6" fill="none" stroke="#FFFFFF" stroke-width="3"/>
  <circle cx="32" cy="32" r="9" fill="#FFFFFF"/>
</svg>
"""

FILES = {
    Path("presskit.toml"): CONFIG,
    Path("logo.svg"): LOGO,
    Path("content/en/news/hello-press/index.md"): POST,
}


def init_kit(folder: Path) -> list[Path]:
    """Write the starter files into `folder`; refuse if any of them is already there.

    "Already there" counts links too, dangling or not, and no folder on the way to a file may
    be a link: `content` linked elsewhere would put the sample post there. Every check comes
    before the first write, and a write that still fails takes back what was written, so
    `init` leaves a whole kit or nothing.
    """
    targets = [folder / rel for rel in FILES]
    for rel in FILES:
        for depth in range(1, len(rel.parts)):
            step = folder.joinpath(*rel.parts[:depth])
            if step.is_symlink():
                raise PresskitError(
                    "is a symbolic link; presskit init writes only into real folders "
                    "(nothing written)",
                    step,
                )
            if os.path.lexists(step) and not step.is_dir():
                raise PresskitError("is not a folder (nothing written)", step)
        target = folder / rel
        if os.path.lexists(target):
            kind = "a symbolic link is" if target.is_symlink() else "already exists,"
            raise PresskitError(f"{kind} there, not overwriting (nothing written)", target)
    made: list[Path] = []
    written: list[Path] = []
    try:
        for rel, text in FILES.items():
            parent = (folder / rel).parent
            missing = [p for p in (parent, *parent.parents) if not os.path.lexists(p)]
            for step in reversed(missing):
                step.mkdir()
                made.append(step)
            write_atomic(folder / rel, text)
            written.append(folder / rel)
    except (PresskitError, OSError) as error:
        for path in reversed(written):
            path.unlink(missing_ok=True)
        for step in reversed(made):
            with contextlib.suppress(OSError):
                step.rmdir()
        if isinstance(error, PresskitError):
            raise PresskitError(f"{error.message} (nothing written)", error.path) from None
        raise PresskitError(f"cannot write: {error.strerror} (nothing written)", folder) from None
    return targets
