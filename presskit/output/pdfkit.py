"""The press kit as a PDF: the PDF backend's `KitWriter`.

`presskit.batch.kit` chooses the posts, orders and groups them, caches each post's section by
its inputs and writes the zip and the manifest; this module makes the PDF. A section is one
post laid out alone by WeasyPrint (`render_section`, in the worker that renders the post's
PDF when it can); the kit's own pages (cover, contents with page numbers taken from the
sections' page counts, language dividers, quotes sheet) are one small document
(`render_chrome`); the `Page N of M` footers are stamped on the joined pages from a specimen
of each label shape, or laid out one page per kit page when stamping would not draw the same
(`render_footer` both ways); `presskit.output.pdfjoin` joins them with pikepdf. What cannot
be joined yet (`whole_reason`) is laid out as one document (`render_kit`), as the kit used to
be.

Every part is the kit's HTML (`kit_html`, from the theme's kit.html.j2) with `kit_part` set.
Each part's PDF starts with a blank page (`.pk-lead`) that joining drops: the part's first
real page is then not `@page :first` (the cover's page).

Imported by the batch's parent, which runs none of the layout: WeasyPrint and pikepdf are
imported where they are used.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from presskit import extensions, i18n
from presskit.batch.executors import clock_arg
from presskit.batch.inputs import KIT_TEMPLATE, Inputs
from presskit.batch.kit import (
    KitJob,
    KitWriter,
    count_of,
    inline_sources,
    kit_label,
    kit_language,
    kit_title,
    post_section,
)
from presskit.brand import Config
from presskit.errors import PresskitError
from presskit.output.files import atomic_stream
from presskit.output.pdf import write_atomic

if TYPE_CHECKING:
    from presskit.output.pdfjoin import Overlay, Stamped

FOOTER_CHUNK = 96  # footer pages per task: footers of a large kit lay out on every worker
SECTION_ANCHOR = "pk-post"  # a section's own anchor for its post; the kit's is "post-N"
# a theme's `@page body` (with its pseudo-classes) rule, which body-swap pages share
_PAGE_BODY = re.compile(r"@page\s+body((?::[\w-]+(?:\([^)]*\))?)*)(?=\s*[{,])")


class PdfKit(KitWriter):
    """Sections laid out by WeasyPrint, joined by pikepdf; one WeasyPrint document when
    joining cannot give what is asked."""

    section = "presskit.output.pdfkit:render_section"

    def whole_reason(self, inputs: Inputs, config: Config) -> str | None:
        variant = inputs.settings.pdf_variant
        if variant:
            # A joined PDF would need one structure tree (PDF/UA) and one conformance claim
            # over parts that each made their own (PDF/A): not done yet.
            return f"--pdf-variant {variant}"
        from presskit.themes import load_theme

        theme = load_theme(inputs.settings.theme or config.theme, config.root)
        for folder in theme.template_dirs:
            template = Path(folder) / KIT_TEMPLATE
            if template.is_file():
                if "kit_part" not in template.read_text("utf-8", errors="replace"):
                    return f"the theme's {KIT_TEMPLATE} knows no parts (kit_part)"
                break
        return None

    def join(self, job: KitJob) -> int | None:
        """The chrome (its contents' page numbers from the sections' page counts), the
        footers, then one PDF (`presskit.output.pdfjoin`)."""
        from presskit.batch.executors import Task
        from presskit.batch.workers import EXTENSIONS_ARG
        from presskit.output.pdfjoin import Part, assemble

        result, order, sections, cfg = job.result, job.order, job.sections, job.config
        store = job.store
        langs, lang_of, cache = store.langs, job.lang_of, store.folder
        settings = job.inputs.settings
        declared = extensions.declared_modules()
        part_key, cached = store.key, store.get
        shared_files = job.shared_files()

        # 1. the chrome: contents page numbers from the sections' page counts
        dividers = len(langs) > 1
        kit_lang = kit_language(langs, cfg.lang)
        layout_file = cache / "layout.json"
        try:
            contents = int(json.loads(layout_file.read_text("utf-8"))["contents"])
        except (OSError, ValueError, KeyError, TypeError):
            contents = 1
        chrome: dict[str, Any] = {}
        chrome_key = ""
        footer_langs = list(dict.fromkeys([kit_lang, *langs]))  # the footers' order (step 2)
        for _attempt in range(4):
            page = 1 + contents  # cover, contents
            starts: dict[int, int] = {}
            for lang in langs:
                page += 1 if dividers else 0
                for i in order:
                    if lang_of[i] == lang:
                        starts[i] = page + 1
                        page += int(sections[i]["pages"])
            quotes = any(sections[i].get("quotes") for i in order) and cfg.quotes_sheet
            entries = [
                {
                    "title": sections[i]["title"],
                    "date": sections[i]["date"],
                    "lang": lang_of[i],
                    "quotes": sections[i].get("quotes", []),
                    "translations": [t["lang"] for t in result.documents[i].translations],
                    "page": starts[i],
                    "status": sections[i].get("status", ""),
                }
                for i in order
            ]
            what = {
                "entries": entries,
                "name": job.name,
                "quotes_page": page + 1 if quotes else None,
                "langs": langs,
            }
            chrome_key = part_key("chrome", what)
            record = cached(chrome_key)
            if record is None:
                task = Task(
                    id=0,
                    func="presskit.output.pdfkit:render_chrome",
                    args={
                        "entries": entries,
                        "name": job.name,
                        "out": str(store.pdf(chrome_key)),
                        "config": job.config_arg,
                        "theme": settings.theme,
                        "offline": settings.offline,
                        "langs": langs,
                        "quotes_page": what["quotes_page"],
                        EXTENSIONS_ARG: declared,
                    },
                    timeout=job.timeout * (1 + len(entries) / 50),
                    files=shared_files,
                )
                # the footers' specimen beside it, for the page count the sections make
                # (laid out again after if the quotes sheet adds a digit to it)
                width = len(str(page))
                _, beside = self._footer_tasks(job, [_specimen(footer_langs, width)[0]], 1)
                record = job.run([(chrome_key, task), *beside]).get(chrome_key)
                if record is None:
                    result.kit_error = job.errors[0] if job.errors else "kit contents failed"
                    return None
            chrome = record
            parts = chrome["parts"]
            after = [p for k, p in parts.items() if k != "pk-contents"] + [chrome["pages"]]
            laid = min(after) - 1  # the cover is page 0; contents run up to the next part
            if laid == contents:
                break
            contents = laid
        else:
            result.kit_error = f"{job.out}: the contents do not settle on a page count"
            return None
        write_atomic(layout_file, json.dumps({"contents": contents}), durable=False)

        # 2. the parts in kit order, and each page's footer text
        chrome_pdf = store.pdf(chrome_key)
        marks = chrome["bookmarks"]
        quotes_at = chrome["parts"].get("kit-quotes")
        joined: list[Part] = [
            Part(chrome_pdf, 0, 1, marks=marks, footers=False),
            Part(chrome_pdf, 1, contents, marks=marks),
        ]
        texts: list[tuple[str, int]] = [("", 1), (kit_lang, contents)]
        for n, lang in enumerate(langs, 1):
            if dividers:
                at = chrome["parts"][f"pk-divider-{n}"]
                joined.append(Part(chrome_pdf, at, 1, marks=marks))
                texts.append((lang, 1))
            for number, i in enumerate(order, 1):
                if lang_of[i] != lang:
                    continue
                count = int(sections[i]["pages"])
                joined.append(
                    Part(
                        store.pdf(job.section_keys[i]),
                        1,  # after the lead page
                        count,
                        prefix=f"post-{number}/",
                        rename={SECTION_ANCHOR: f"post-{number}"},
                        marks=sections[i]["bookmarks"],
                    )
                )
                texts.append((lang, count))
        if quotes_at is not None:
            count = chrome["pages"] - quotes_at
            joined.append(Part(chrome_pdf, quotes_at, count, marks=marks))
            texts.append((kit_lang, count))
        total = sum(count for _, count in texts)

        # 3. the footers: stamped from one specimen page per label shape, else laid out
        drawn = self._footers(job, texts, total)
        if drawn is None:
            result.kit_error = job.errors[0] if job.errors else "kit footers failed"
            return None
        footers, footer_keys = drawn

        # 4. one PDF
        job.report.note(
            f"kit {job.out.name}: joining {total} pages ({count_of(len(order), 'section')}: "
            f"{result.kit_sections_rendered} new, {result.kit_sections_reused} unchanged)"
        )
        title = kit_title(job.name, cfg.brand.name, kit_label(kit_lang))
        with atomic_stream(job.out) as stream:
            assemble(
                joined,
                footers,
                stream,
                title=title,
                lang=i18n.html_lang(kit_lang),
                info_from=chrome_pdf,
            )
        job.keep(chrome_key, *footer_keys)
        return total

    def _footers(
        self, job: KitJob, texts: list[tuple[str, int]], total: int
    ) -> tuple[list[Overlay | Stamped | None], list[str]] | None:
        """What to draw over each kit page as its footer (None: nothing), from `texts`: each
        run of pages' language ("" for none) and length; and the cache keys of the parts
        drawn. Stamped from a specimen of each label shape (language, digits in the page
        number) when its pages prove that only the digits' glyphs change; else each footer
        laid out on a page of its own, in chunks side by side, cached by their texts. None,
        with `job.errors` set, when a layout failed."""
        from presskit.output.pdfjoin import Overlay, Stamped, read_stamps

        langs = [lang for lang in dict.fromkeys(lang for lang, _ in texts) if lang]
        width = len(str(total))
        specimen, shapes = _specimen(langs, width)
        keys = self._footer_parts(job, [specimen])
        if keys is None:
            return None
        stamps = read_stamps(job.store.pdf(keys[0]), shapes) if shapes else {}
        if stamps is not None:
            stamped: list[Overlay | Stamped | None] = []
            for lang, count in texts:
                for _ in range(count):
                    number = str(len(stamped) + 1)
                    if not lang:
                        stamped.append(None)
                        continue
                    order = _digit_order(lang, len(number), width)
                    stamp = stamps[(lang, len(number))]
                    stamped.append(Stamped(stamp, _fill(order, number, str(total))))
            return stamped, keys
        langs_of = [lang for lang, count in texts for _ in range(count)]
        footers = [
            _footer_text(lang, str(number), str(total)) if lang else None
            for number, lang in enumerate(langs_of, 1)
        ]
        chunks = [footers[start : start + FOOTER_CHUNK] for start in range(0, total, FOOTER_CHUNK)]
        keys = self._footer_parts(job, chunks)
        if keys is None:
            return None
        laid: list[Overlay | Stamped | None] = []
        for key, chunk in zip(keys, chunks, strict=True):
            laid += [Overlay(job.store.pdf(key), 1 + n) for n in range(len(chunk))]
        return laid, keys

    def _footer_parts(self, job: KitJob, parts: list[list[str | None]]) -> list[str] | None:
        """The cache keys of footer pages for each list of texts, laid out side by side when
        not cached (see `render_footer`); None when one failed (`job.errors` says why)."""
        keys, todo = self._footer_tasks(job, parts)
        job.run(todo)
        return None if job.errors else keys

    def _footer_tasks(
        self, job: KitJob, parts: list[list[str | None]], first_id: int = 0
    ) -> tuple[list[str], list[tuple[str, Any]]]:
        """The cache keys of footer pages for each list of texts, and the tasks that lay out
        those not cached (numbered from `first_id`: ids are unique in one `job.run`)."""
        from presskit.batch.executors import Task
        from presskit.batch.workers import EXTENSIONS_ARG

        keys = [job.store.key("footer", [job.store.langs, footers]) for footers in parts]
        todo: list[tuple[str, Task]] = []
        for n, (key, footers) in enumerate(zip(keys, parts, strict=True)):
            if job.store.get(key) is not None or any(key == k for k, _ in todo):
                continue
            task = Task(
                id=first_id + n,
                func="presskit.output.pdfkit:render_footer",
                args={
                    "out": str(job.store.pdf(key)),
                    "config": job.config_arg,
                    "theme": job.inputs.settings.theme,
                    "langs": job.store.langs,
                    "footers": footers,
                    EXTENSIONS_ARG: extensions.declared_modules(),
                },
                timeout=job.timeout,
                files=job.shared_files(),
            )
            todo.append((key, task))
        return keys, todo

    def whole(self, job: KitJob) -> int | None:
        """The kit as one WeasyPrint document (`render_kit`) from every post's `post_section`."""
        from presskit.batch.executors import Result, Task
        from presskit.batch.workers import EXTENSIONS_ARG

        result, order, posts, pool = job.result, job.order, job.posts, job.pool
        job.report.note(f"kit {job.out.name}: preparing {count_of(len(order), 'post')}")
        sections: dict[int, dict[str, Any]] = {}
        errors: list[str] = []

        def collected(task: Task, outcome: Result) -> None:
            if outcome.ok:
                sections[task.id] = {
                    **outcome.data,
                    "warnings": list(outcome.warnings),
                    "files": list(outcome.files),  # what the kit may read for this post
                }
            else:
                errors.append(outcome.error or "failed")

        settings = job.inputs.settings
        pool.run(
            [
                Task(
                    id=i,
                    func="presskit.batch.kit:post_section",
                    args={
                        "path": str(posts[i].path),
                        "config": job.config_arg,
                        "theme": settings.theme,
                        **clock_arg(job.now),
                        EXTENSIONS_ARG: extensions.declared_modules(),
                    },
                    timeout=job.timeout,
                )
                for i in order
            ],
            collected,
        )
        if errors:
            result.kit_error = errors[0]
            return None
        entries = []
        for i in order:
            doc = result.documents[i]
            entries.append(
                {
                    **sections[i],
                    "output": doc.output,
                    "translations": [t["lang"] for t in doc.translations],
                }
            )
        rendered: list[Result] = []
        job.report.note(f"kit {job.out.name}: rendering")
        pool.run(
            [
                Task(
                    id=0,
                    func="presskit.output.pdfkit:render_kit",
                    args={
                        "entries": entries,
                        "name": job.name,
                        "out": str(job.out),
                        "config": job.config_arg,
                        "theme": settings.theme,
                        "offline": settings.offline,
                        "variant": settings.pdf_variant,
                        EXTENSIONS_ARG: extensions.declared_modules(),
                    },
                    timeout=job.timeout * (1 + len(entries) / 4),
                )
            ],
            lambda _task, outcome: rendered.append(outcome),
        )
        outcome = rendered[0]
        if not outcome.ok:
            result.kit_error = outcome.error or "kit failed"
            return None
        return outcome.pages


_MIXED = "1234567890"  # the digits of a shape's last specimen page: each beside another


def _specimen(
    langs: list[str], width: int
) -> tuple[list[str | None], dict[tuple[str, int], tuple[int, str]]]:
    """The footer texts that show each label shape of a kit whose page count has `width`
    digits, and for each shape (language, digits of the page number) where its pages start
    and the digits its last page shows, in text order (`read_stamps`)."""
    specimen: list[str | None] = []
    shapes: dict[tuple[str, int], tuple[int, str]] = {}
    for lang in langs:
        for digits in range(1, width + 1):
            order = _digit_order(lang, digits, width)
            mixed = (_MIXED * 4)[: digits + width]
            page, pages = mixed[:digits], mixed[digits:]
            shapes[(lang, digits)] = (1 + len(specimen), _fill(order, page, pages))
            specimen += [_footer_text(lang, str(d) * digits, str(d) * width) for d in range(10)]
            specimen.append(_footer_text(lang, page, pages))
    return specimen, shapes


def _footer_text(lang: str, page: str, pages: str) -> str:
    return i18n.label(lang, "page", page=page, pages=pages)


def _digit_order(lang: str, digits: int, width: int) -> str:
    """Which number each digit of a footer's text belongs to, in text order: "p" for the
    page's, "n" for the total's ("ppnnn": "Page 12 of 345")."""
    text = _footer_text(lang, "\x01" * digits, "\x02" * width)
    return "".join("p" if c == "\x01" else "n" for c in text if c in "\x01\x02")


def _fill(order: str, page: str, pages: str) -> str:
    """The digits of a footer in text order (see `_digit_order`)."""
    own, total = iter(page), iter(pages)
    return "".join(next(own) if c == "p" else next(total) for c in order)


# --------------------------------------------------------------------------- worker side


def kit_html(
    entries: list[dict[str, Any]],
    name: str,
    cfg: Any,
    theme: Any,
    *,
    part: str = "all",
    langs: list[str] | None = None,
    footers: list[str | None] | None = None,
    quotes_page: int | None = None,
    kit_lang: str | None = None,
) -> str:
    """The kit's HTML, or one `part` of it (see kit.html.j2). A part other than "all" is given
    the whole kit's `langs` (each group's language, in order), so that a section laid out
    alone gets the kit's language, its running heads' fonts and its group's class."""
    from markupsafe import Markup

    from presskit import i18n
    from presskit.output.fonts import FontStacks
    from presskit.output.page import (
        PAGE_HEIGHTS,
        brand_stacks,
        environment,
        page_css,
        render_template,
    )
    from presskit.themes import builtin_root, data_uri

    brand = cfg.brand
    # the theme's templates (its own, then its parent's), then the built-in kit template;
    # page.py's environment is cached per folder list, so a batch builds it once
    default = (builtin_root() / "default").resolve()
    env = environment(tuple(dict.fromkeys((*theme.template_dirs, default))))
    groups: list[dict[str, Any]] = []
    dates: list[dt.date] = []
    wanted = langs if langs is not None else kit_groups(entries, cfg.lang)
    for lang in wanted:
        stacks = brand_stacks(lang, cfg, theme)
        groups.append(
            {
                "lang": lang,
                "html_lang": i18n.html_lang(lang),
                "name": i18n.language_name(lang),
                "labels": i18n.labels(lang),
                "page_footer": i18n.page_label(lang),
                "css_class": f"lang-{len(groups) + 1}",
                "fonts": {
                    "body": Markup(FontStacks.css(stacks.body)),
                    "heading": Markup(FontStacks.css(stacks.heading)),
                    "mono": Markup(FontStacks.css(stacks.mono)),
                    "latin_body": Markup(FontStacks.css(stacks.latin_body)),
                    "latin_heading": Markup(FontStacks.css(stacks.latin_heading)),
                },
                "posts": [],
            }
        )
    by_lang = {group["lang"]: group for group in groups}
    for number, entry in enumerate(entries, 1):
        date = _parse_date(entry["date"])
        if date is not None:
            dates.append(date)
        lang = entry["lang"] or cfg.lang
        by_lang[lang]["posts"].append(
            {
                **entry,
                "anchor": entry.get("anchor") or f"post-{number}",
                "page": entry.get("page"),
                "date_text": i18n.format_date(date, lang),
                "body": Markup(entry.get("html", "")),
                "translations": [i18n.language_name(t) for t in entry["translations"]],
                # The kit's quotes sheet: every post's quotes, under the post they come from.
                "quotes": [Markup(q) for q in entry["quotes"]] if cfg.quotes_sheet else [],
            }
        )
    # A kit of one language speaks it, whatever presskit.toml's `lang`; a mixed kit labels
    # each language's part in its language, and its shared parts (cover, contents, quotes
    # sheet) in all of them, the site's language first.
    langs = list(dict.fromkeys(group["html_lang"] for group in groups))
    site = i18n.html_lang(cfg.lang)
    kit_lang = kit_lang or (site if site in langs else langs[0])
    langs.sort(key=lambda tag: tag != kit_lang)

    def shared(words: dict[str, str]) -> str:
        return " · ".join(dict.fromkeys(words[tag] for tag in langs))

    labels = {
        key: shared({tag: i18n.label(tag, key) for tag in langs})
        for key in ("contents", "quotes_sheet", "published")
    }
    # An embargo is the first thing an editor must see, on the kit's cover as on a release's:
    # in the release's own words when the kit holds one embargo, else a line that sends the
    # reader to each release (the contents and each release's pages say which, and until when).
    embargoes = {
        post["status"]: group["html_lang"]
        for group in groups
        for post in group["posts"]
        if post.get("status")
    }
    embargo = None
    if len(embargoes) == 1:
        [(text, lang)] = embargoes.items()
        embargo = {"text": text, "lang": lang}
    elif embargoes:
        several = shared({tag: i18n.label(tag, "embargoed_several") for tag in langs})
        embargo = {"text": several, "lang": kit_lang}
    kind = kit_label(kit_lang)
    template = env.get_template(KIT_TEMPLATE)
    # Page footers that say the total first (Korean) are on pages of their own name in the kit
    # laid out as one document (the parts' footers are text, `render_footer`)
    footer = i18n.page_label(kit_lang)
    swapped = part == "all" and any(
        label.first == "pages" for label in (footer, *(g["page_footer"] for g in groups))
    )
    css = page_css(theme.css)
    if swapped:
        css = _PAGE_BODY.sub(lambda m: f"{m.group(0)}, body-swap{m.group(1)}", css)
    return render_template(
        template,
        dict(
            name=name,
            title=kit_title(name, brand.name, kind),
            brand=brand,
            logo=data_uri(brand.logo) if brand.logo else (theme.default_logo_uri or ""),
            css=Markup(css),
            groups=groups,
            embargo=embargo,
            has_quotes=any(post["quotes"] for group in groups for post in group["posts"]),
            count=len(entries),
            first=i18n.format_date(min(dates), kit_lang) if dates else "",
            last=i18n.format_date(max(dates), kit_lang) if dates else "",
            labels={**i18n.labels(kit_lang), **labels},
            kind=shared({tag: kit_label(tag) for tag in langs}),
            languages=i18n.label(
                kit_lang, "languages", names=shared({tag: i18n.language_name(tag) for tag in langs})
            )
            if len(langs) > 1
            else "",
            html_lang=kit_lang,
            page_size=cfg.page_size,
            page_height=PAGE_HEIGHTS.get(cfg.page_size, "297mm"),
            page_footer=footer,
            swapped=swapped,
            generator="presskit",
            kit_part=part,
            dividers=len(groups) > 1,
            footers=footers or [],
            quotes_page=quotes_page,
        ),
    )


def kit_groups(entries: list[dict[str, Any]], default: str) -> list[str]:
    """Each language part's language, in the kit's order (entries come grouped by language)."""
    return list(dict.fromkeys(entry["lang"] or default for entry in entries))


def render_kit(
    entries: list[dict[str, Any]],
    name: str,
    out: str,
    config: str | None,
    theme: str | None,
    offline: bool | None,
    variant: str | None = None,
) -> dict[str, Any]:
    from presskit.brand import Config
    from presskit.output.pdf import FetchPolicy, allowed_roots, render_pdf
    from presskit.pipeline import resolve_config
    from presskit.themes import load_theme

    cfg = resolve_config(Path(out), config) if config else Config()  # no presskit.toml found
    theme_obj = load_theme(theme or cfg.theme, cfg.root)
    fonts = allowed_roots(face.path for face in cfg.brand.font_files)
    # Each post's approved files (see `absolute_sources`), never a folder: the kit reads what
    # each post's own render reads, and the theme and brand that every post's render reads.
    files = [Path(name) for entry in entries for name in entry.get("files", [])]
    readable = [*theme_obj.template_dirs, theme_obj.path, cfg.brand.logo, *fonts, *files]
    policy = FetchPolicy(
        roots=allowed_roots(readable),
        uncapped=frozenset(fonts),
        offline=cfg.offline if offline is None else offline,
        source=out,
    )
    try:
        document = kit_html(entries, name, cfg, theme_obj)
        result = render_pdf(
            document, Path(out), base_url=Path(out).parent, policy=policy, variant=variant
        )
    except PresskitError as error:
        return {"ok": False, "error": f"{out}: {error.message}"}
    return {"ok": True, "pages": result.pages, "bytes": result.size}


def _part_setup(
    out: str, config: str | Config | None, theme: str | None, offline: bool | None, files: list[str]
) -> tuple[Config, Any, Any]:
    """The config, theme and fetch policy a part renders with: what `render_kit` reads."""
    from presskit.brand import Config
    from presskit.output.pdf import FetchPolicy, allowed_roots
    from presskit.pipeline import resolve_config
    from presskit.themes import load_theme

    cfg = resolve_config(Path(out), config) if config else Config()  # no presskit.toml found
    theme_obj = load_theme(theme or cfg.theme, cfg.root)
    fonts = allowed_roots(face.path for face in cfg.brand.font_files)
    readable = [*theme_obj.template_dirs, theme_obj.path, cfg.brand.logo, *fonts]
    policy = FetchPolicy(
        roots=allowed_roots([*readable, *(Path(name) for name in files)]),
        uncapped=frozenset(fonts),
        offline=cfg.offline if offline is None else offline,
        source=out,
    )
    return cfg, theme_obj, policy


def _laid_out(
    html_text: str, out: str, policy: Any, *, lead: bool = True
) -> tuple[Any, dict[str, Any]]:
    """Render a part to `out`: how many pages it has (after its blank lead page), their
    bookmarks (in PDF points, where WeasyPrint's own outline puts them) and the page of each
    anchor; pages are numbered as in the file, from 0."""
    from presskit.output.pdf import render_pdf

    seen: dict[str, Any] = {}

    def inspect(document: Any) -> None:
        marks: list[list[Any]] = []
        anchors: dict[str, int] = {}
        for number, page in enumerate(document.pages):
            for level, label, (x, y), state in page.bookmarks:
                top = (page.height - y) * 0.75
                marks.append([level, label, number, x * 0.75, top, state != "closed"])
            for anchor in page.anchors:
                anchors.setdefault(anchor, number)
        seen.update(pages=len(document.pages) - lead, bookmarks=marks, anchors=anchors)

    result = render_pdf(
        html_text,
        Path(out),
        base_url=Path(out).parent,
        policy=policy,
        durable=False,
        inspect=inspect,
    )
    return result, seen


def _written(out: str, seen: dict[str, Any]) -> dict[str, Any]:
    """A part's record as every part task returns it: its pages, and its file's size and hash
    (the cache finds the file again by them)."""
    data = Path(out).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    return {"ok": True, "pages": seen["pages"], "bytes": len(data), "sha256": digest}


def render_section(
    path: str,
    out: str,
    config: str | Config | None,
    theme: str | None,
    offline: bool | None,
    langs: list[str],
    as_of: str | None = None,
    kit_lang: str | None = None,
) -> dict[str, Any]:
    """One post's section of an assembled kit, laid out alone: everything the kit prints on
    its pages but the page numbers. `langs` (the kit's first language part, then the post's)
    and `kit_lang` are all it knows of the other posts; its embargo is judged as of `as_of`
    (`build --as-of`) or now."""
    entry = post_section(path, config, theme, as_of)
    cfg, theme_obj, policy = _part_setup(out, config, theme, offline, entry["files"])
    html_text = kit_html(
        [{**entry, "translations": [], "anchor": SECTION_ANCHOR}],
        "",
        cfg,
        theme_obj,
        part="post",
        langs=langs,
        kit_lang=kit_lang,
    )
    try:
        result, seen = _laid_out(html_text, out, policy)
    except PresskitError as error:
        return {"ok": False, "error": f"{path}: {error.message}"}
    meta = {k: entry[k] for k in ("title", "lang", "date", "status")}
    return {
        **meta,
        **_written(out, seen),
        "bookmarks": seen["bookmarks"],
        # the quotes sheet is laid out elsewhere, perhaps on another machine: its images
        # travel inside the quotes
        "quotes": [inline_sources(quote) for quote in entry["quotes"]],
        "warnings": entry["warnings"] + [str(w) for w in result.warnings],
        # asked for, found or not (an executor without this disk sends them on demand)
        "files": list(dict.fromkeys(entry["files"] + entry["asked"])),
    }


def render_chrome(
    entries: list[dict[str, Any]],
    name: str,
    out: str,
    config: str | Config | None,
    theme: str | None,
    offline: bool | None,
    langs: list[str],
    quotes_page: int | None,
) -> dict[str, Any]:
    """The kit's own pages: cover, contents (each entry's `page` printed as text), the
    language dividers and the quotes sheet, in one document that assembly cuts apart."""
    cfg, theme_obj, policy = _part_setup(out, config, theme, offline, [])
    html_text = kit_html(
        entries, name, cfg, theme_obj, part="chrome", langs=langs, quotes_page=quotes_page
    )
    try:
        result, seen = _laid_out(html_text, out, policy, lead=False)  # the cover is `:first`
    except PresskitError as error:
        return {"ok": False, "error": f"{out}: {error.message}"}
    wanted = ("pk-contents", "kit-quotes", *(f"pk-divider-{n}" for n in range(1, len(langs) + 1)))
    return {
        **_written(out, seen),
        "bookmarks": seen["bookmarks"],
        "parts": {
            anchor: seen["anchors"][anchor] for anchor in wanted if anchor in seen["anchors"]
        },
        "warnings": [str(w) for w in result.warnings],
    }


def render_footer(
    out: str,
    config: str | Config | None,
    theme: str | None,
    langs: list[str],
    footers: list[str | None],
) -> dict[str, Any]:
    """Pages that carry only the kit's page footer ("Page 7 of 212"), one per text (None: a
    page without one), laid out with the kit's CSS and fonts: stamped onto the joined pages,
    so that no section is laid out again because an earlier one grew."""
    cfg, theme_obj, policy = _part_setup(out, config, theme, True, [])
    html_text = kit_html([], "", cfg, theme_obj, part="footer", langs=langs, footers=footers)
    try:
        _, seen = _laid_out(html_text, out, policy)
    except PresskitError as error:
        return {"ok": False, "error": f"{out}: {error.message}"}
    if seen["pages"] != len(footers):
        return {"ok": False, "error": f"{out}: {seen['pages']} footer pages for {len(footers)}"}
    return _written(out, seen)


def _parse_date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None
