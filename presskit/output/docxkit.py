"""The press kit as one Word document: `presskit build --formats pdf,docx --kit NAME` writes
NAME.docx beside NAME.pdf, for the journalist or agency who wants to edit the kit.

One implementation of a post in Word: each post goes through `presskit.output.docx.prepare`,
as its own .docx does (the same conversion, head, embargo, dateline, body, About, contacts and
quotes sheet, its images fetched through its own policy and its SVGs policed), and the kit is
those pandoc documents one after the other behind a cover and a contents page, written once by
pandoc in its sandbox with the brand's reference document, its fonts embedded as a post's are.

What Word does not do by itself is said here: every post is a Word section of its own, which
opens a page and has the post's running head (the brand, and its embargo while it holds, as
its own .docx), a footer in the post's language ("第 3 页，共 12 页" in a Chinese post of an
English kit); its brand line is in the "Kit Post Start" style (an editor finds where each
post begins). Each post's ids are its own (`p3-…`), so two posts' headings of the same text
do not share a bookmark; each post's text carries its language (`w:lang`, from pandoc's
`lang` on a Div), so a spelling checker and the East Asian line breaking know a Chinese post
in an English kit. Notes are numbered through the kit (see `_RESTART`).

The contents are a plain list of titles linked to their posts, not a Word TOC field: a field
is empty until Word updates it (LibreOffice converting the file prints nothing for it), and the
titles are what a reader of an editable kit needs; the pages are Word's to number.

A kit of one language speaks it; a mixed kit labels each post in its own language and its
shared parts (cover, contents) in all of them, the site's language first, as the PDF kit does.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
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
from presskit.output.reference import (
    CONTENT_TYPE,
    FOOTER_REL,
    HEADER_REL,
    REL_TYPE,
    Look,
    footer_xml,
    header_xml,
    section_xml,
)
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
    look = look_of(kit_lang, cfg, made[0].theme)
    # a Word section per post: its running head (the brand, its embargo), its footer's
    # words ("第 3 页，共 12 页" in a Chinese post of an English kit), its notes from 1
    looks = [look]
    for n, (one, tag) in enumerate(zip(made, tags, strict=True), start=1):
        blocks.append(pf.RawBlock(section_break(look, n - 1), format="openxml"))
        blocks.append(post_blocks(one, tag, n))
        status = one.release.status if one.release.embargoed else ""
        looks.append(look_of(one.post.lang or one.cfg.lang, one.cfg, made[0].theme, status))
    doc = made[0].doc  # its pandoc API version; its content is in the kit's now
    doc.content = blocks
    doc.metadata = {}
    doc.metadata["lang"] = pf.MetaString(kit_lang)

    data = with_sections(write_docx(doc, look, source=str(job.out)), looks)
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


def _ids(section: int) -> tuple[str, str]:
    return f"rIdPkKitHeader{section}", f"rIdPkKitFooter{section}"


def section_break(look: Look, section: int) -> str:
    """The paragraph that ends section `section` (0: cover and contents; n: post n) and
    starts the next on a new page; its header and footer are added by `with_sections`."""
    header, footer = _ids(section)
    sect = section_xml(look).replace(HEADER_REL, header).replace(FOOTER_REL, footer)
    return f"<w:p><w:pPr>{sect.replace(_RESTART, '')}</w:pPr></w:p>"


# Notes numbered from 1 in each section: LibreOffice (7.4) opens a document of several such
# sections with every note numbered 0, so the kit numbers its notes through.
_RESTART = '<w:footnotePr><w:numRestart w:val="eachSect"/></w:footnotePr>'


def with_sections(data: bytes, looks: list[Look]) -> bytes:
    """The kit's .docx with a header and a footer per section (`looks[k]` for section k): the
    breaks name them; the last section is the body's own, which pandoc copied from the
    reference document, pointed at the last post's."""
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    rels, types = [], []
    last = len(looks) - 1
    for k, look in enumerate(looks):
        for kind, rel, xml in (
            ("header", _ids(k)[0], header_xml(look)),
            ("footer", _ids(k)[1], footer_xml(look)),
        ):
            name = f"presskit-kit-{kind}{k}.xml"
            parts[f"word/{name}"] = xml
            rels.append(f'<Relationship Id="{rel}" Type="{REL_TYPE}{kind}" Target="{name}"/>')
            types.append(
                f'<Override PartName="/word/{name}" ContentType="{CONTENT_TYPE}{kind}+xml"/>'
            )
    document = parts["word/document.xml"].decode("utf-8")
    head, found, tail = document.rpartition("<w:sectPr")
    if not found:
        raise PresskitError("pandoc wrote the kit's Word file without a section")
    header, footer = _ids(last)
    tail = tail.replace(f'"{HEADER_REL}"', f'"{header}"').replace(f'"{FOOTER_REL}"', f'"{footer}"')
    tail = re.sub(r"<w:footnotePr>.*?</w:footnotePr>\s*", "", tail, flags=re.S)  # pandoc's
    parts["word/document.xml"] = (head + found + tail).encode("utf-8")
    key = "word/_rels/document.xml.rels"
    parts[key] = parts[key].replace(
        b"</Relationships>", "".join(rels).encode() + b"</Relationships>"
    )
    key = "[Content_Types].xml"
    parts[key] = parts[key].replace(b"</Types>", "".join(types).encode() + b"</Types>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            target.writestr(name, content)
    return buffer.getvalue()


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
    # a post's date is a day or a moment (`2024-06-01`, `2024-06-01T10:00:00+08:00`)
    dates = sorted(
        (one.post.date for one in made if one.post.date is not None),
        key=lambda when: when.date() if isinstance(when, dt.datetime) else when,
    )
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
