"""The press kit as one Word document: `presskit build --formats pdf,docx --kit NAME` writes
NAME.docx beside NAME.pdf, for the journalist or agency who wants to edit the kit.

One implementation of a post in Word: each post goes through `presskit.output.docx.prepare`,
as its own .docx does (the same conversion, head, embargo, dateline, body, About, contacts and
quotes sheet, its images fetched through its own policy and its SVGs policed), and the kit is
those pandoc documents one after the other behind a cover and a contents page, written once by
pandoc in its sandbox with the brand's reference document, its fonts embedded as a post's are.

What Word does not do by itself is said here: every post opens a page (its brand line in the
"Kit Post Start" style, which breaks the page before it, so no empty paragraph tops a page);
each post's ids are its own (`p3-…`), so two posts' headings of the same text do not share
a bookmark; each post's text carries its language (`w:lang`, from pandoc's `lang` on a Div), so
a spelling checker and the East Asian line breaking know a Chinese post in an English kit.
The contents are a plain list of titles linked to their posts, not a Word TOC field: a field
is empty until Word updates it (LibreOffice converting the file prints nothing for it), and the
titles are what a reader of an editable kit needs; the pages are Word's to number.

A kit of one language speaks it; a mixed kit labels each post in its own language and its
shared parts (cover, contents) in all of them, the site's language first, as the PDF kit does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import panflute as pf

from presskit import i18n
from presskit.batch.kit import KitJob, KitWriter, kit_label, kit_language, kit_title
from presskit.errors import PresskitError
from presskit.output import word, wordfonts
from presskit.output.docx import (
    Prepared,
    finish_parts,
    font_roots,
    look_of,
    prepare,
    write_docx,
)
from presskit.output.files import write_atomic
from presskit.output.page import Options, iso_date
from presskit.shortcodes.handlers import text_inlines

if TYPE_CHECKING:
    from presskit.brand import Config


class DocxKit(KitWriter):
    """The Word kit: laid out as one document (Word has no pages to join)."""

    section = ""

    def whole(self, job: KitJob) -> int | None:
        try:
            data = kit_docx(job)
        except PresskitError as error:
            job.result.kit_error = str(error)
            return None
        write_atomic(job.out, data)
        return None


def kit_docx(job: KitJob) -> bytes:
    """The kit's .docx bytes: cover, contents, then each post in kit order."""
    offline = job.inputs.settings.offline
    options = Options(now=job.now)
    made: list[Prepared] = []
    for i in job.order:
        path = job.posts[i].path
        theme = job.inputs.theme_argument(path)
        made.append(prepare(path, job.config_arg, theme, offline, options))
    cfg = job.config
    tags = [i18n.html_lang(one.post.lang or one.cfg.lang) for one in made]
    langs = list(dict.fromkeys(tags))
    kit_lang = i18n.html_lang(kit_language(langs, cfg.lang))
    langs.sort(key=lambda tag: tag != kit_lang)

    blocks: list[pf.Block] = [
        *cover_blocks(job.name, cfg, langs, kit_lang, made),
        *contents_blocks(langs, tags, made),
    ]
    for n, (one, tag) in enumerate(zip(made, tags, strict=True), start=1):
        blocks.append(post_blocks(one, tag, n))
    doc = made[0].doc  # its pandoc API version; its content is in the kit's now
    doc.content = blocks
    doc.metadata = {}
    doc.metadata["lang"] = pf.MetaString(kit_lang)

    look = look_of(kit_lang, cfg, made[0].theme)
    data = write_docx(doc, look, source=str(job.out))
    warnings: list[str] = []
    faces = wordfonts.faces(cfg.brand.font_files, look.families(), font_roots(cfg), warnings.append)
    for warning in dict.fromkeys(warnings):
        job.report.note(f"warning: kit {job.out.name}: {warning}")
    dates = [date for date in (iso_date(one.post) for one in made) if date]
    properties = {
        "dc:title": kit_title(job.name, cfg.brand.name, kit_label(kit_lang)),
        "dc:creator": cfg.brand.name,
        "dc:description": "",
        "cp:keywords": "",
    }
    return finish_parts(data, properties, max(dates) if dates else None, faces)


def _para(style: str, text: str) -> pf.Div:
    return word.styled(style, pf.Para(*text_inlines(text)))


def _shared(words: dict[str, str], langs: list[str]) -> str:
    """A shared part's words in each of the kit's languages, the kit's own first."""
    return " · ".join(dict.fromkeys(words[tag] for tag in langs))


def cover_blocks(
    name: str, cfg: Config, langs: list[str], kit_lang: str, made: list[Prepared]
) -> list[pf.Block]:
    """What the PDF kit's cover says: brand, kind, title, languages, dates, website, contacts."""
    brand = cfg.brand
    blocks: list[pf.Block] = [
        _para("Brand Line", brand.name),
        _para("Document Kind", _shared({tag: kit_label(tag) for tag in langs}, langs)),
        _para("Kit Title", kit_title(name, brand.name, kit_label(kit_lang))),
    ]
    names = _shared({tag: i18n.language_name(tag) for tag in langs}, langs)
    languages = i18n.label(kit_lang, "languages", names=names) if len(langs) > 1 else names
    blocks.append(_para("Kit Languages", languages))
    dates = sorted(one.post.date for one in made if one.post.date is not None)
    if dates:
        first = i18n.format_date(dates[0], kit_lang)
        last = i18n.format_date(dates[-1], kit_lang)
        span = first if first == last else f"{first} – {last}"
        colon = "：" if i18n.is_cjk(kit_lang) else ": "
        published = _shared({tag: i18n.label(tag, "published") for tag in langs}, langs)
        blocks.append(_para("Release Meta", f"{published}{colon}{span}"))
    if brand.website:
        site = brand.website
        blocks.append(word.styled("Release Meta", pf.Para(pf.Link(pf.Str(site), url=site))))
    for contact in brand.contacts:
        line = " · ".join(part for part in (contact.name, contact.email, contact.phone) if part)
        blocks.append(_para("Release Meta", line))
    return blocks


def contents_blocks(langs: list[str], tags: list[str], made: list[Prepared]) -> list[pf.Block]:
    """The contents: each post's title (a link to it) and date, under its language's name
    when the kit has several; in the post's own language, as the PDF kit's contents."""
    blocks: list[pf.Block] = [
        _para("Contents Title", _shared({tag: i18n.label(tag, "contents") for tag in langs}, langs))
    ]
    for lang in langs:
        if len(langs) > 1:
            blocks.append(_para("Contents Group", i18n.language_name(lang)))
        for n, (one, tag) in enumerate(zip(made, tags, strict=True), start=1):
            if tag != lang:
                continue
            inlines: list[pf.Inline] = [
                pf.Link(*text_inlines(one.post.title), url=f"#kit-post-{n}")
            ]
            date = i18n.format_date(one.post.date, tag)
            if date:
                inlines += [pf.Space(), pf.Str("·"), pf.Space(), *text_inlines(date)]
            entry = pf.Div(
                word.styled("Contents Entry", pf.Para(*inlines)), attributes={"lang": tag}
            )
            blocks.append(entry)
    return blocks


def post_blocks(one: Prepared, tag: str, n: int) -> pf.Div:
    """One post as its own .docx has it, on a new page, its ids its own, in its language."""
    prefix = f"p{n}-"

    def visit(elem: pf.Element, _doc: pf.Doc) -> None:
        identifier = getattr(elem, "identifier", "")
        if identifier:
            elem.identifier = prefix + identifier
        if isinstance(elem, pf.Link) and elem.url.startswith("#") and len(elem.url) > 1:
            elem.url = "#" + prefix + elem.url[1:]

    one.doc.walk(visit)
    content = list(one.doc.content)
    for block in content:
        style = block.attributes.get(word.STYLE) if isinstance(block, pf.Div) else None
        if style == "Brand Line" and content.index(block) == 0:
            block.attributes[word.STYLE] = "Kit Post Start"
        elif style == "Title":
            para = block.content[0]
            para.content = [pf.Span(*para.content, identifier=f"kit-post-{n}")]
            break
    return pf.Div(*content, attributes={"lang": tag})
