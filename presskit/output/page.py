"""Fragment + brand + post metadata → the full HTML document handed to WeasyPrint.

Jinja2 runs with autoescape on, over the theme's template only: post text reaches it as data
(already-converted HTML is marked safe by us, never by the post), so nothing a post says can
run as a template. The theme itself runs sandboxed (see `Sandbox`): a theme may come with a
site someone else wrote, and a template must not be a way to run Python or read files.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import jinja2
import jinja2.sandbox
from jinja2.runtime import BlockReference, LoopContext, Macro
from jinja2.utils import Cycler, Joiner, Namespace, generate_lorem_ipsum
from markupsafe import Markup

from presskit import i18n
from presskit.brand import Config
from presskit.errors import PresskitError
from presskit.output import paper
from presskit.output.fonts import FontStacks, stacks_for
from presskit.output.release import QRTooLong, Release, qr_svg_uri, release_for
from presskit.shortcodes.declare import REGISTRY
from presskit.shortcodes.typography import typographic_quotes
from presskit.source.post import Post
from presskit.themes import Theme, data_uri

GENERATOR = "presskit"
PAGE_HEIGHTS = {"A4": "297mm", "A5": "210mm", "letter": "11in", "legal": "14in"}


def css_string(value: str) -> Markup:
    """A CSS string literal; the text cannot close the string or the `<style>` element."""
    escaped = "".join(
        ch
        if ch.isalnum() or ch in " .,:;!?()[]{}@#%+-_=/|~'&*^$" or ord(ch) > 127
        else f"\\{ord(ch):x} "
        for ch in str(value)
    )
    return Markup(f'"{escaped}"')


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept between runs, in Jinja's per-user temp folder (mode 0700, owner
    checked); a template whose source changed is compiled again. Compiling `page.html.j2`
    took 17 ms of every cold render, loading it takes 1 ms. The cache is an optimisation
    only: where it cannot be written, templates are compiled each time, as without it."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        # Sandboxed code is compiled differently: never load what an unsandboxed
        # environment (an older presskit, another program) compiled from the same source.
        return super().get_cache_key(f"presskit-sandbox|{name}", filename)


def page_css(theme_css: str) -> str:
    """The page's style sheet: the shortcodes' own rules (`declare.shortcode(css=…)`) first,
    so the theme's, after them, win at equal specificity."""
    return REGISTRY.css() + theme_css


def _compiled_templates() -> jinja2.BytecodeCache | None:
    try:
        return _CompiledTemplates()
    except (OSError, RuntimeError):  # no temp folder of ours, or one another user owns
        return None


# Values a template may call methods of: plain data. Not `Path` (read_text, unlink, open),
# not presskit's own objects, not modules or functions that happen to be in the context.
_DATA = (str, int, float, bool, list, tuple, dict, set, frozenset, dt.date, dt.time, dt.timedelta)
_JINJA = (Macro, LoopContext, BlockReference, Cycler, Joiner, Namespace)


class Sandbox(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """Jinja's sandbox (no `_private` or internal attributes, no changing lists or dicts, a
    bounded `range`), narrowed further: a template may call only Jinja's own helpers (macros,
    `loop.cycle`, `super()`, `namespace`, `cycler`, `joiner`) and the methods of plain data
    (`labels.items()`, `name.upper()`, `date.strftime(…)`), so no object in its context becomes
    a way to the file system. `str.format` is refused too: Jinja hands it over wrapped in a
    function of its own, which is not a method of plain data (`%` and `|format` do the job);
    the README's "Templates run sandboxed" lists exactly this."""

    def is_safe_callable(self, obj: object) -> bool:
        if not super().is_safe_callable(obj):
            return False
        if isinstance(obj, _JINJA) or obj in (Namespace, Cycler, Joiner, generate_lorem_ipsum):
            return True
        if obj is jinja2.sandbox.safe_range:
            return True
        owner = getattr(obj, "__self__", None)
        return owner is not None and isinstance(owner, (*_DATA, *_JINJA))


@cache
def environment(template_dirs: tuple[Path, ...]) -> jinja2.Environment:
    """A theme's own templates first, then those of the theme it extends."""
    env = Sandbox(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs]),
        bytecode_cache=_compiled_templates(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["css_string"] = css_string
    return env


def render_template(template: jinja2.Template, context: dict[str, object]) -> str:
    """The document a template makes, every printed text given break opportunities (see
    `paper.break_long_words`); a theme's mistake, or a sandbox refusal, as one line naming
    the template."""
    try:
        return paper.break_long_words(template.render(context))
    except jinja2.TemplateError as error:
        where = Path(template.filename) if template.filename else None
        raise PresskitError(f"theme template error: {error}", where) from None


@dataclass(frozen=True)
class PageParts:
    """What the template needs besides the post; derived once per render."""

    lang: str
    html_lang: str
    labels: dict[str, str]
    date_text: str
    fonts: FontStacks


def page_parts(post: Post, config: Config, theme: Theme) -> PageParts:
    lang = post.lang or config.lang
    return PageParts(
        lang=lang,
        html_lang=i18n.html_lang(lang),
        labels=i18n.labels(lang),
        date_text=i18n.format_date(post.date, lang),
        fonts=brand_stacks(lang, config, theme),
    )


def brand_stacks(lang: str, config: Config, theme: Theme) -> FontStacks:
    """The font stacks for `lang`: the brand's families first, the theme's serif or sans."""
    brand = config.brand
    return stacks_for(
        lang,
        serif=theme.serif_body,
        body=brand.body_fonts,
        heading=brand.heading_fonts,
        mono=brand.mono_fonts,
    )


def iso_date(post: Post) -> str:
    """The PDF's creation date: the post's own, else SOURCE_DATE_EPOCH (reproducible builds),
    never the clock, so two builds of one post are byte-identical."""
    if isinstance(post.date, dt.datetime):
        # W3C dates need a zone when they have a time; Hugo reads a bare time as UTC.
        stamp = post.date.replace(microsecond=0)
        return stamp.isoformat() + ("Z" if stamp.tzinfo is None else "")
    if post.date is not None:
        return post.date.isoformat()
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        with contextlib.suppress(OverflowError, ValueError, OSError):
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC).isoformat()
    return ""


@dataclass(frozen=True)
class Options:
    """Per-render switches (CLI flags); None means "as presskit.toml says"."""

    now: dt.datetime | None = None
    ignore_embargo: bool = False
    quotes_sheet: bool | None = None
    link_notes: bool | None = None


def typographic_front_matter(post: Post) -> Post:
    """The post with typographic quotes in what the page prints from its front matter (title,
    subtitle, summary, authors): the body has them from pandoc, the cover had `Istio's`."""
    smart = typographic_quotes
    return replace(
        post,
        title=smart(post.title),
        subtitle=smart(post.subtitle) if post.subtitle else post.subtitle,
        description=smart(post.description) if post.description else post.description,
        authors=[smart(author) for author in post.authors],
    )


def paper_body(
    body_html: str, release: Release, *, link_notes: bool, note_ids: str = "link-note"
) -> str:
    """The converted body as it is printed: dateline, link URLs as footnotes, the post's notes
    at the foot of their page, lead-ins kept with what they introduce. One place for the
    post's own PDF and its kit section, so the kit cannot print less than the PDF.
    `note_ids` prefixes the link notes' ids (a kit gives each post its own)."""
    cjk_run_on = i18n.html_lang(release.lang).split("-")[0] in ("zh", "ja")
    body_html = paper.add_dateline(body_html, release.dateline, "" if cjk_run_on else " ")
    body_html = paper.breakable_paths(body_html, cjk=cjk_run_on)
    if link_notes:
        body_html = paper.footnote_links(body_html, id_prefix=note_ids)
    return paper.code_lines(paper.keep_lead_ins(paper.notes_on_page(body_html)))


COVER_MARKER = 'data-presskit-cover="placeholder"'


@dataclass(frozen=True)
class Page:
    """A post made ready for its theme's template, which can then be rendered whole (for
    `presskit html`) or as the body and the cover apart (see `pdf.render_pdf`)."""

    template: jinja2.Template
    context: dict[str, object]
    warnings: tuple[str, ...] = ()  # a dateline presskit cannot place, a quote left off

    def html(self, cover_mode: str = "full", toc_pages: dict[str, int] | None = None) -> str:
        return render_template(
            self.template, {**self.context, "cover_mode": cover_mode, "toc_pages": toc_pages}
        )

    def split(self) -> tuple[str, Callable[[dict[str, int]], str]] | None:
        """The body document (an empty first page where the cover goes) and a function giving
        the cover once the body's page numbers are known; None when the theme cannot."""
        body = self.html("placeholder")
        if COVER_MARKER not in body:
            return None
        return body, lambda pages: self.html("only", pages)


def build_page(
    post: Post, body_html: str, config: Config, theme: Theme, options: Options | None = None
) -> Page:
    options = options or Options()
    post = typographic_front_matter(post)
    parts = page_parts(post, config, theme)
    brand = config.brand
    release: Release = release_for(
        post, config, now=options.now, ignore_embargo=options.ignore_embargo
    )
    quotes_sheet = config.quotes_sheet if options.quotes_sheet is None else options.quotes_sheet
    link_notes = config.link_notes if options.link_notes is None else options.link_notes
    quotes = paper.quote_figures(body_html) if quotes_sheet else []
    unattributed = paper.unattributed_quotes(body_html) if quotes_sheet else 0
    qr = ""
    qr_warnings: tuple[str, ...] = ()
    if release.canonical_url:
        try:
            qr = qr_svg_uri(release.canonical_url, brand.primary)
        except QRTooLong as error:
            qr_warnings = (f"canonical URL on the cover: {error}",)
    warnings = (
        *release.warnings,
        *([paper.unattributed_warning(unattributed)] * bool(unattributed)),
        *qr_warnings,
    )
    body_html = paper_body(body_html, release, link_notes=link_notes)
    try:
        template = environment(theme.template_dirs).get_template("page.html.j2")
    except jinja2.TemplateError as error:
        raise PresskitError(f"theme template error: {error}", theme.path / "page.html.j2") from None
    return Page(
        template,
        dict(
            post=post,
            title=post.title,
            # the cover and quotes-sheet title, markup: `Istio’s` in a CJK document (see textflow)
            cover_title=(
                paper.latin_apostrophes_html(post.title) if i18n.is_cjk(parts.lang) else post.title
            ),
            date_iso=iso_date(post),
            parts=parts,
            labels=parts.labels,
            brand=brand,
            about_title=i18n.label(parts.lang, "about", brand=brand.name),
            about=brand.about_for(parts.lang),
            release=release,
            quotes=[Markup(q) for q in quotes],
            qr=qr,
            margin=config.margin,
            # By file URL, not inline like the logo: a font is ~1 MB of base64 that the
            # template's escaping, the HTML parser and the CSS tokenizer each walked, for both
            # documents of every post (2.6x the render time of a post without brand fonts).
            # The renderer's fetcher allows exactly these files (see `pipeline._render`).
            font_faces=[
                (face.family, face.path.resolve().as_uri(), face.weight, face.style)
                for face in brand.font_files
            ],
            logo=data_uri(brand.logo) if brand.logo else (theme.default_logo_uri or ""),
            css=Markup(page_css(theme.css)),
            body=Markup(body_html),
            page_size=config.page_size,
            page_height=PAGE_HEIGHTS.get(config.page_size, "297mm"),
            page_footer=i18n.page_label(parts.lang),
            fonts={
                "body": Markup(FontStacks.css(parts.fonts.body)),
                "heading": Markup(FontStacks.css(parts.fonts.heading)),
                "mono": Markup(FontStacks.css(parts.fonts.mono)),
                "latin_body": Markup(FontStacks.css(parts.fonts.latin_body)),
                "latin_heading": Markup(FontStacks.css(parts.fonts.latin_heading)),
            },
            generator=GENERATOR,
        ),
        warnings,
    )
