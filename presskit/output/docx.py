"""Word (.docx) output: the press release as an editable document for journalists and agencies.

The post goes through the same conversion as the PDF (the shortcode filter, the sanitizer),
rendered for Word (`fmt="docx"`: a quote is a block quote with its attribution, not an HTML
figure), then the paper conventions the PDF applies to its HTML are applied to the AST:
the dateline opens the first paragraph, each external link's URL becomes a real Word
footnote (the post's own `[^1]` notes are footnotes already, in the same sequence), the
release status, title block, end mark, About and media contacts frame the body. Shortcodes get
their Word styles in `presskit.output.word`; fonts, colours, page, header and footer come from
the reference document `presskit.output.reference` writes for the brand.

Untrusted posts: pandoc runs with `--sandbox`, so it reads no file and makes no request of its
own. Every image is fetched by presskit's `fetch_resource`, the gate the PDF's WeasyPrint
fetcher goes through (post folder, theme, brand, site static folders; the network only when
not offline; the size and pixel caps), and handed to pandoc inline as a `data:` URL. An image
the policy refuses prints its description instead, with the same warning the PDF gives.
"""

from __future__ import annotations

import base64
import io
import json
import re
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urljoin
from xml.sax.saxutils import escape

import panflute as pf

from presskit import i18n
from presskit.brand import Config, Contact
from presskit.errors import Diagnostic, PresskitError
from presskit.output import word, wordfonts
from presskit.output.backends import BUILTIN, Job, OutputBackend, RenderResult
from presskit.output.convert import Conversion, convert_doc, pandoc_bytes
from presskit.output.fonts import describe_missing, missing_glyphs
from presskit.output.page import Options, brand_stacks, iso_date, typographic_front_matter
from presskit.output.pdf import FetchPolicy, Refused, fetch_resource, write_atomic
from presskit.output.reference import Fonts, Look, reference_docx
from presskit.output.release import Release, release_for
from presskit.pipeline import config_warnings, post_policy, resolve_config
from presskit.shortcodes.handlers import text_inlines
from presskit.source.post import Post, load_post
from presskit.themes import Theme, load_theme

EAST_ASIAN_LANG = {"SC": "zh-CN", "TC": "zh-TW", "HK": "zh-HK", "JP": "ja-JP", "KR": "ko-KR"}


class DocxBackend(OutputBackend):
    name = "docx"
    suffix = ".docx"
    description = "Word document styled by a reference document in the brand's fonts and colours"
    kit = BUILTIN["docx"][2]  # presskit.output.docxkit

    def render(self, job: Job) -> RenderResult:
        if job.pdf_variant:
            raise PresskitError("--pdf-variant applies to PDF output only", job.post_path)
        made = prepare(
            job.post_path, job.config, job.theme, job.offline, job.options, job.strict_fonts
        )
        post, cfg, warnings = made.post, made.cfg, made.warnings
        look = look_for(post, cfg, made.theme, made.release)
        data = write_docx(made.doc, look, source=str(post.path))
        faces = wordfonts.faces(
            cfg.brand.font_files,
            look.families(),
            font_roots(cfg),
            lambda message: warnings.append(Diagnostic(message, str(job.post_path))),
        )
        data = finish(data, post, faces)
        write_atomic(job.out, data, durable=job.durable)
        return RenderResult(
            output=job.out,
            post=post,
            pages=None,
            size=len(data),
            warnings=tuple(dict.fromkeys([*warnings, *made.policy.refused])),
            files=tuple(dict.fromkeys(made.policy.read)),
        )


@dataclass
class Prepared:
    """One post as its Word file holds it, before pandoc writes it: the single .docx and the
    Word kit (`presskit.output.docxkit`) are made from this one preparation."""

    post: Post
    cfg: Config
    theme: Theme
    release: Release
    doc: pf.Doc
    policy: FetchPolicy
    warnings: list[Diagnostic]


def prepare(
    path: Path,
    config: Config | str | Path | None,
    theme_name: str | None,
    offline: bool | None,
    options: Options | None = None,
    strict_fonts: bool | None = None,
) -> Prepared:
    """The post read, converted and framed (head, body, About, contacts, quotes), its images
    fetched through its own policy (`post_policy`: its folder, the theme, the brand, the
    network only when allowed)."""
    cfg = resolve_config(path, config)
    if strict_fonts is not None:
        cfg = replace(cfg, strict_fonts=strict_fonts)
    theme = load_theme(theme_name or cfg.theme, cfg.root)
    warnings = config_warnings(path, cfg)
    post = load_post(path, default_lang=cfg.lang)
    warnings.extend(post.warnings)
    if not i18n.is_known(post.lang):
        warnings.append(Diagnostic(i18n.unknown_language_warning(post.lang), str(post.path)))
    policy = post_policy(path, cfg, theme, offline)
    policy.body, policy.body_line = post.body, post.body_line  # refusals name their line
    options = options or Options()
    release = release_for(post, cfg, now=options.now, ignore_embargo=options.ignore_embargo)
    doc = build_doc(post, cfg, options, release, policy, warnings.append)
    missing = missing_glyphs(pf.stringify(doc))
    if missing:
        if cfg.strict_fonts:
            raise PresskitError(describe_missing(missing), path)
        warnings.append(Diagnostic(describe_missing(missing), str(path)))
    return Prepared(post, cfg, theme, release, doc, policy, warnings)


# --------------------------------------------------------------------------- the document


def build_doc(
    post: Post,
    cfg: Config,
    options: Options,
    release: Release,
    policy: FetchPolicy,
    warn: Callable[[Diagnostic], None],
) -> pf.Doc:
    """The whole press release as one pandoc AST, ready for the docx writer."""
    lang = post.lang or cfg.lang
    conversion = Conversion.of(cfg, lang=lang, warn=warn, fmt="docx")
    doc = convert_doc(post, conversion)
    policy.read.extend(conversion.absent)  # asked for, not there: adding one rebuilds the post
    quotes_sheet = cfg.quotes_sheet if options.quotes_sheet is None else options.quotes_sheet
    link_notes = cfg.link_notes if options.link_notes is None else options.link_notes
    word.restyle(doc)
    quotes = quote_copies(doc) if quotes_sheet else []
    add_dateline(doc, release.dateline, "" if i18n.is_cjk(lang) else " ")
    if link_notes:
        footnote_links(doc)
    embed_images(doc, post, policy)
    labels = i18n.labels(lang)
    post = typographic_front_matter(post)  # `Istio’s` in the title, as the PDF prints it
    doc.content = [
        *front_blocks(post, cfg, release, labels),
        *doc.content,
        *back_blocks(post, cfg, release, labels, quotes),
    ]
    if i18n.is_cjk(lang):
        cjk_emphasis(doc)
    doc.metadata["lang"] = pf.MetaString(i18n.html_lang(lang))
    return doc


def cjk_emphasis(doc: pf.Doc) -> None:
    """Emphasis in a Chinese, Japanese or Korean release in the "CJK Emphasis" character
    style (bold, as the PDF prints it), not pandoc's italic: a CJK face has no italic, and
    Word would slant the ideographs by machine."""

    def visit(elem: pf.Element, _doc: pf.Doc) -> pf.Span | None:
        if isinstance(elem, pf.Emph):
            return pf.Span(*elem.content, attributes={word.STYLE: "CJK Emphasis"})
        return None

    doc.walk(visit)


def _para(style: str, *inlines: pf.Inline) -> pf.Div:
    return word.styled(style, pf.Para(*inlines))


def front_blocks(post: Post, cfg: Config, release: Release, labels: dict[str, str]) -> list:
    """What the PDF's cover says, as the head of the first page: brand, status, kind, title,
    subtitle, summary, date and authors, where to read it online."""
    brand = cfg.brand
    status_style = "Release Status Embargoed" if release.embargoed else "Release Status"
    blocks: list[pf.Block] = [
        _para("Brand Line", *text_inlines(brand.name)),
        _para(status_style, *status_inlines(release)),
        _para("Document Kind", *text_inlines(labels["press_release"])),
        _para("Title", *text_inlines(post.title)),
    ]
    if post.subtitle:
        blocks.append(_para("Subtitle", *text_inlines(post.subtitle)))
    colon = "：" if i18n.is_cjk(release.lang) else ": "
    meta: list[pf.Inline] = []
    date_text = i18n.format_date(post.date, release.lang)
    if date_text:
        meta += text_inlines(f"{labels['published']}{colon}{date_text}")
    if post.authors:
        if meta:
            meta += [pf.Space(), pf.Str("·"), pf.Space()]
        meta += text_inlines(f"{labels['by']} {', '.join(post.authors)}")
    if meta:
        blocks.append(_para("Release Meta", *meta))
    if release.canonical_url:
        url = release.canonical_url
        link = pf.Link(pf.Str(url), url=url)
        read = text_inlines(f"{labels['read_online']}{colon}".strip())
        blocks.append(_para("Release Meta", *read, *([] if "：" in colon else [pf.Space()]), link))
    if post.description:
        blocks.append(_para("Abstract", *text_inlines(post.description)))
    # The thin rule between the head and the body: an empty paragraph of its own style (pandoc
    # drops an empty Para, so it is written as Word XML).
    blocks.append(pf.RawBlock(FRONT_RULE, format="openxml"))
    return blocks


FRONT_RULE = '<w:p><w:pPr><w:pStyle w:val="FrontRule"/></w:pPr></w:p>'


def status_inlines(release: Release) -> list[pf.Inline]:
    """The release status; an embargo given in two zones breaks after the first, so each
    moment stays whole on its own line (a narrow line cut `UTC−07:00` apart)."""
    if not release.embargoed:
        return text_inlines(release.status)
    _, separator, _ = i18n.label(release.lang, "zones", first="\x00", second="\x00").split("\x00")
    first, found, second = release.status.partition(separator)
    if not found or not second:
        return text_inlines(release.status)
    return [*text_inlines(first + separator.rstrip()), pf.LineBreak(), *text_inlines(second)]


def back_blocks(
    post: Post,
    cfg: Config,
    release: Release,
    labels: dict[str, str],
    quotes: list[pf.Element],
) -> list:
    """After the body: the end mark, About the brand, the media contacts, the quotes sheet."""
    lang = release.lang
    blocks: list[pf.Block] = [_para("End Mark", *text_inlines(release.end_mark))]
    about = cfg.brand.about_for(lang)
    if about:
        title = i18n.label(lang, "about", brand=cfg.brand.name)
        blocks.append(pf.Header(*text_inlines(title), level=2, identifier="pk-about"))
        blocks += [pf.Para(*text_inlines(part)) for part in about.split("\n\n") if part.strip()]
    if release.contacts:
        blocks.append(
            pf.Header(*text_inlines(labels["media_contacts"]), level=2, identifier="pk-contacts")
        )
        blocks += [word.styled("Contact", contact_para(c)) for c in release.contacts]
    if quotes:
        source = text_inlines(post.title)
        if release.canonical_url:
            source += [pf.Space(), pf.Str("·"), pf.Space(), pf.Str(release.canonical_url)]
        blocks += [
            _para("Quotes Sheet Title", *text_inlines(labels["quotes_sheet"])),  # a new page
            _para("Release Meta", *source),
            *quotes,
        ]
    return blocks


def contact_para(contact: Contact) -> pf.Para:
    inlines: list[pf.Inline] = [pf.Strong(*text_inlines(contact.name))]
    if contact.role:
        inlines += [pf.Str(","), pf.Space(), *text_inlines(contact.role)]
    if contact.email:
        inlines += [pf.LineBreak(), pf.Link(pf.Str(contact.email), url=f"mailto:{contact.email}")]
    if contact.phone:
        inlines += [pf.LineBreak(), *text_inlines(contact.phone)]
    return pf.Para(*inlines)


# --------------------------------------------------------------------------- paper passes


def quote_copies(doc: pf.Doc) -> list[pf.Element]:
    """Every quote (its "Pull Quote" and "Quote Caption" blocks) for the supporting-quotes
    sheet, copied before any footnote is added to the body."""
    copies: list[pf.Element] = []

    def visit(elem: pf.Element, _doc: pf.Doc) -> None:
        if isinstance(elem, pf.Div) and elem.attributes.get(word.STYLE) in (
            "Pull Quote",
            "Quote Caption",
        ):
            copies.append(_copy(elem))

    doc.walk(visit)
    return copies


def _copy(elem: pf.Element) -> pf.Element:
    """A deep copy through pandoc's JSON (panflute elements keep parent links)."""
    return json.loads(json.dumps(elem.to_json()), object_hook=pf.elements.from_json)


def add_dateline(doc: pf.Doc, dateline: str, separator: str) -> None:
    """The dateline opens the first paragraph, in the Dateline character style."""
    if not dateline:
        return
    span = pf.Span(*text_inlines(dateline), attributes={word.STYLE: "Dateline"})
    lead: list[pf.Inline] = [span, pf.Space()] if separator else [span]
    found: list[pf.Para] = []

    def visit(elem: pf.Element, _doc: pf.Doc) -> None:
        if not found and isinstance(elem, pf.Para) and not _in_styled(elem):
            found.append(elem)

    doc.walk(visit)
    if found:
        found[0].content[0:0] = lead
    else:
        doc.content.insert(0, pf.Para(*lead))


def _in_styled(elem: pf.Element) -> bool:
    """Inside a quote or a callout: not the release's own first paragraph."""
    parent = elem.parent
    while parent is not None and not isinstance(parent, pf.Doc):
        if isinstance(parent, pf.Div) and word.STYLE in parent.attributes:
            return True
        parent = parent.parent
    return False


def _bare(url: str) -> str:
    return re.sub(r"^https?://(www\.)?", "", url).rstrip("/")


def footnote_links(doc: pf.Doc) -> None:
    """An external link's URL as a Word footnote after its words, unless the words are the
    URL; inside a footnote (which cannot hold another) the URL follows in parentheses."""

    def visit(elem: pf.Element, _doc: pf.Doc) -> list[pf.Inline] | None:
        if not isinstance(elem, pf.Link) or not re.match(r"https?://", elem.url):
            return None
        if _bare(elem.url) == _bare(pf.stringify(elem)):
            return None
        if _in_note(elem):
            return [elem, pf.Space(), pf.Str(f"({elem.url})")]
        note = pf.Note(pf.Para(pf.Link(pf.Str(elem.url), url=elem.url)))
        return [elem, note]

    doc.walk(visit)


def _in_note(elem: pf.Element) -> bool:
    parent = elem.parent
    while parent is not None:
        if isinstance(parent, pf.Note):
            return True
        parent = parent.parent
    return False


def embed_images(doc: pf.Doc, post: Post, policy: FetchPolicy) -> None:
    """Each image read through the fetch policy and inlined as a `data:` URL; pandoc, in its
    sandbox, reads nothing. A refused image prints its description (the policy says why)."""
    base = post.path.resolve().parent.as_uri() + "/"

    def visit(elem: pf.Element, _doc: pf.Doc) -> pf.Element | None:
        if not isinstance(elem, pf.Image):
            return None
        try:
            _final, data, headers = fetch_resource(urljoin(base, elem.url), policy)
        except Refused:
            return pf.Emph(*(elem.content or text_inlines(elem.url)))
        kind = headers.get("Content-Type", "").split(";")[0].strip() or "image/png"
        if "svg" in kind or data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
            data = _DOCTYPE.sub(b"", data, count=1)  # an editor's `<!DOCTYPE svg PUBLIC …>`
            reason = svg_reaches_out(data)
            if reason is not None:
                name = "from a data: URL" if elem.url.startswith("data:") else elem.url[:200]
                policy.refuse(f"image {name} not shown in the Word file: {reason}")
                return pf.Emph(*(elem.content or text_inlines(elem.url)))
        elem.url = f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"
        return None

    doc.walk(visit)


# what an SVG may name inside itself: its own elements, and pictures carried in it
_SVG_INSIDE = re.compile(r"\s*(#|data:image/(png|jpeg|gif|webp)[;,])", re.IGNORECASE)
_DOCTYPE = re.compile(rb"<!DOCTYPE[^>\[]*>", re.IGNORECASE)  # no internal subset: no entities
_CSS_OUT = re.compile(r"url\s*\(\s*['\"]?(?!\s*#)|@import|image-set|\\", re.IGNORECASE)


def svg_reaches_out(data: bytes) -> str | None:
    """Why an SVG cannot go into the Word file as it is, or None. The PDF's SVGs are drawn
    by WeasyPrint, which asks the fetch policy for every file or address one names; the Word
    file carries the SVG's bytes to whoever opens it, whose office suite would resolve a
    reference (a tracking address, a UNC path, a local file) with no policy at all. So an SVG
    that names anything outside itself, or cannot be read to be sure, is not embedded."""
    import xml.etree.ElementTree as ET  # entities are refused before parsing

    if data[:2] == b"\x1f\x8b":
        return "a compressed SVG (svgz)"
    if re.search(rb"<!(DOCTYPE|ENTITY)|<\?xml-stylesheet", data, re.IGNORECASE):  # after _DOCTYPE
        return "an SVG with a DOCTYPE, entities or a stylesheet link"
    try:
        root = ET.fromstring(data)  # no DOCTYPE left: no entity to expand
    except ET.ParseError:
        return "an SVG that does not parse"
    for elem in root.iter():
        tag = elem.tag.rsplit("}", 1)[-1] if isinstance(elem.tag, str) else ""
        for name, value in elem.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local in ("href", "src") and not _SVG_INSIDE.match(value):
                return f"it refers to {value[:80]!r}"
            if ("url" in value.lower() or local == "style") and _CSS_OUT.search(value):
                return "its style refers to another file or address"
        if tag == "style" and _CSS_OUT.search("".join(elem.itertext())):
            return "its style refers to another file or address"
        if tag in ("foreignObject", "script"):
            return f"an SVG with <{tag}>"
    return None


# --------------------------------------------------------------------------- pandoc and the zip


def look_for(post: Post, cfg: Config, theme: Theme, release: Release) -> Look:
    status = release.status if release.embargoed else ""
    return look_of(post.lang or cfg.lang, cfg, theme, status)


def look_of(lang: str, cfg: Config, theme: Theme, status: str = "") -> Look:
    """The reference document's look for a document in `lang` (a post, or a kit's language)."""
    stacks = brand_stacks(lang, cfg, theme)
    region = i18n.cjk_font_suffix(lang)
    sans_cjk = f"Noto Sans CJK {region}"
    body_cjk = f"Noto Serif CJK {region}" if theme.serif_body else sans_cjk
    tag = i18n.html_lang(lang)
    return Look(
        body=Fonts(stacks.latin_body[0], body_cjk),
        heading=Fonts(stacks.latin_heading[0], sans_cjk),
        mono=Fonts(stacks.mono[0], f"Noto Sans Mono CJK {region}"),
        primary=cfg.brand.primary,
        accent=cfg.brand.accent,
        text=cfg.brand.text,
        lang=tag,
        east_asian_lang=tag if i18n.is_cjk(lang) else EAST_ASIAN_LANG.get(region, "zh-CN"),
        cjk=i18n.is_cjk(lang),
        page_size=cfg.page_size,
        brand_name=cfg.brand.name,
        status=status,
        page_label=i18n.page_label(lang),
    )


def write_docx(doc: pf.Doc, look: Look, *, source: str) -> bytes:
    """The AST as a .docx by pandoc in its sandbox, styled by the brand's reference document."""
    buffer = io.StringIO()
    pf.dump(doc, buffer)
    with tempfile.TemporaryDirectory(prefix="presskit-docx-") as folder:
        reference = Path(folder) / "reference.docx"
        reference.write_bytes(reference_docx(look))
        return pandoc_bytes(
            [
                "--from",
                "json",
                "--to",
                "docx",
                "--sandbox",
                f"--reference-doc={reference}",
                "--output",
                "-",
            ],
            buffer.getvalue(),
            source=source,
        )


_DATA_DESCRIPTION = re.compile(rb'(<pic:cNvPr\b[^>]*?\bdescr=")data:[^"]*(")')
_CORE_FIELD = "<{tag}>{value}</{tag}>"


def font_roots(cfg: Config) -> tuple[Path, ...]:
    """Where the brand's font files may be: the config's folder, and the brand file's."""
    roots = [cfg.root, cfg.brand_file.parent if cfg.brand_file else None]
    return tuple(root for root in roots if root is not None)


def finish(data: bytes, post: Post, faces: Sequence[wordfonts.Face] = ()) -> bytes:
    """pandoc's docx made reproducible and lean: fixed zip dates, the document properties
    (title, authors, date) filled in, no copy of each image's bytes in its description
    (pandoc writes the image's source there, which for us is the whole `data:` URL), and the
    brand's fonts embedded (`wordfonts`)."""
    properties = {
        "dc:title": post.title,
        "dc:creator": ", ".join(post.authors),
        "dc:description": post.description or "",
        "cp:keywords": ", ".join(post.keywords),
    }
    return finish_parts(data, properties, iso_date(post), faces)


def finish_parts(
    data: bytes, properties: dict[str, str], date: str | None, faces: Sequence[wordfonts.Face]
) -> bytes:
    """`finish` for any document (a post, a kit): `properties` by their core.xml tag."""
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    stamp = date or "1980-01-01T00:00:00Z"
    if len(stamp) == 10:
        stamp += "T00:00:00Z"
    if "word/document.xml" in parts:
        parts["word/document.xml"] = _DATA_DESCRIPTION.sub(rb"\1\2", parts["word/document.xml"])
    if "docProps/core.xml" in parts:
        core = parts["docProps/core.xml"].decode("utf-8")
        parts["docProps/core.xml"] = _core(core, properties, stamp).encode("utf-8")
    wordfonts.embed(parts, faces)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            fixed = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, content)
    return buffer.getvalue()


def _core(xml: str, values: dict[str, str], stamp: str) -> str:
    for tag, value in values.items():
        field = _CORE_FIELD.format(tag=tag, value=escape(value))
        pattern = re.compile(rf"<{tag}>.*?</{tag}>|<{tag}\s*/>", re.S)
        if pattern.search(xml):
            xml = pattern.sub(field.replace("\\", "\\\\"), xml, count=1)
        elif value:
            xml = xml.replace("</cp:coreProperties>", field + "</cp:coreProperties>")
    for tag in ("dcterms:created", "dcterms:modified"):
        xml = re.sub(
            rf"(<{tag}\b[^>]*>).*?(</{tag}>)",
            lambda m: m.group(1) + stamp + m.group(2),
            xml,
            flags=re.S,
        )
    return xml
