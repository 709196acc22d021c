"""The press kit: every post of a batch in one PDF, plus a zip of the PDFs and the brand.

The kit is one HTML document (cover, contents with page numbers from CSS `target-counter`,
one section per language, each post starting on a new page), rendered by WeasyPrint in one go.
It is built from each post's converted body (`post_section`, run in the workers in parallel)
rather than by gluing PDFs together, so page numbers, bookmarks and fonts are the kit's own.
It is rebuilt only when a post in it, the brand or the theme changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import re
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from presskit import __version__, extensions
from presskit.batch.inputs import KIT_TEMPLATE, Inputs
from presskit.batch.manifest import (
    MANIFEST,
    BuildResult,
    Document,
    Reporter,
    date_text,
    kit_record,
    manifest_bytes,
    write_manifest,
)
from presskit.brand import Config
from presskit.errors import PresskitError
from presskit.output.pdf import write_atomic
from presskit.source.post import Post

_SRC = re.compile(r'(<(?:img|source|video|audio)\b[^>]*?\bsrc=")([^"]*)(")')
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def kit_order(documents: list[Document], posts: dict[int, Post]) -> list[int]:
    """Grouped by language (alphabetical tag), newest first inside a group, undated last."""
    chosen = [
        i for i, doc in enumerate(documents) if doc.status in ("built", "unchanged") and i in posts
    ]

    def key(i: int) -> tuple[str, int, str, str]:
        doc = documents[i]
        date = doc.date or ""
        # newest first: negate the date by sorting on its complement
        newest = "".join(chr(0x10FFFF - ord(c)) for c in date[:10]) if date else "\U0010ffff"
        return (doc.lang or "", 0 if date else 1, newest, doc.title or doc.source)

    return sorted(chosen, key=key)


def make_kit(
    result: BuildResult,
    name: str,
    pool: Any,
    posts: dict[int, Post],
    inputs: Inputs,
    timeout: float,
    report: Reporter,
    previous: dict[str, Any],
    now: dt.datetime | None = None,
) -> None:
    """Write OUTDIR/NAME.pdf and OUTDIR/NAME.zip, or record why not in `result.kit_error`.
    `now`: the embargo clock the posts' sections are judged by (`build --as-of`)."""
    from presskit.batch.builder import clock_arg
    from presskit.batch.executors import Result, Task
    from presskit.batch.workers import EXTENSIONS_ARG

    order = kit_order(result.documents, posts)
    if not order:
        result.kit_error = "no post was built, so there is no kit"
        return
    out = result.outdir
    pdf, archive = out / f"{name}.pdf", out / f"{name}.zip"
    first = posts[order[0]].path
    config_path = inputs.config_path(first)
    digest = hashlib.sha256(f"kit {name} {__version__}\n".encode())
    digest.update(inputs.shared_digest(config_path).encode() + b"\n")
    digest.update(inputs.theme_digest(inputs.theme_path(config_path), kit=True).encode())
    for i in order:
        doc = result.documents[i]
        digest.update(f"{doc.output} {doc.inputs} {doc.sha256}\n".encode())
    key = digest.hexdigest()
    result.kit_pdf, result.kit_zip = pdf, archive
    same = previous.get("name") == name and previous.get("inputs") == key
    # The files as recorded, not merely present: a build stopped (kill -9) after writing a
    # new PDF, or before its zip, leaves files that the record does not describe.
    recorded = previous.get("pdf_sha256"), previous.get("zip_sha256")
    if same and None not in recorded and recorded == (_sha256(pdf), _sha256(archive)):
        result.kit_inputs, result.kit_pages = key, previous.get("pages")
        result.kit_pdf_sha256, result.kit_zip_sha256 = recorded
        report.note(f"kit {pdf.name} unchanged")
        return

    report.note(f"kit {pdf.name}: preparing {len(order)} post{'' if len(order) == 1 else 's'}")
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

    settings = inputs.settings
    config_arg = inputs.config_arg(first)  # what the workers use, without searching again
    pool.run(
        [
            Task(
                id=i,
                func="presskit.batch.kit:post_section",
                args={
                    "path": str(posts[i].path),
                    "config": config_arg,
                    "theme": settings.theme,
                    **clock_arg(now),
                    EXTENSIONS_ARG: extensions.declared_modules(),
                },
                timeout=timeout,
            )
            for i in order
        ],
        collected,
    )
    if errors:
        result.kit_pdf = result.kit_zip = None
        result.kit_error = errors[0]
        return
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
    report.note(f"kit {pdf.name}: rendering")
    pool.run(
        [
            Task(
                id=0,
                func="presskit.batch.kit:render_kit",
                args={
                    "entries": entries,
                    "name": name,
                    "out": str(pdf),
                    "config": config_arg,
                    "theme": settings.theme,
                    "offline": settings.offline,
                    EXTENSIONS_ARG: extensions.declared_modules(),
                },
                timeout=timeout * (1 + len(entries) / 4),
            )
        ],
        lambda _task, outcome: rendered.append(outcome),
    )
    outcome = rendered[0]
    if not outcome.ok:
        result.kit_pdf = result.kit_zip = None
        result.kit_error = outcome.error or "kit failed"
        return
    result.kit_pages = outcome.pages
    result.kit_inputs = key
    result.kit_pdf_sha256 = _sha256(pdf)
    # The zip first, the manifest's record of it last: killed in between, the next build
    # finds the old record and makes the kit again.
    zipped = manifest_bytes(result.documents, kit_record(result, name))
    write_zip(archive, out, result.documents, inputs.config(first), config_path, zipped)
    result.kit_zip_sha256 = _sha256(archive)
    write_manifest(out, result.documents, kit_record(result, name))
    report.note(f"kit {pdf.name}: {outcome.pages} pages, {archive.name}")


def _sha256(path: Path) -> str | None:
    try:
        with path.open("rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError:
        return None


def write_zip(
    archive: Path, out: Path, documents: list[Document], config: Any, path: Any, manifest: bytes
) -> None:
    """The PDFs as laid out in OUTDIR, the manifest, and the brand (config and logo)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for doc in documents:
            if doc.status in ("built", "unchanged") and doc.output:
                bundle.write(out / doc.output, doc.output)
        bundle.writestr(MANIFEST, manifest)
        if path is not None:
            bundle.write(path, f"brand/{Path(path).name}")
        if config.brand.logo is not None:
            bundle.write(config.brand.logo, f"brand/{config.brand.logo.name}")
    write_atomic(archive, buffer.getvalue())


# --------------------------------------------------------------------------- worker side


def absolute_sources(fragment: str, folder: Path, policy: Any) -> tuple[str, list[str]]:
    """Local image paths as the post's own render would read them, checked by the post's own
    policy (see `pipeline.post_policy`): the file's URL when allowed, else no image. The kit's
    fetcher then reads exactly the files named here (see `render_kit`), so no post reads in the
    kit what its own PDF may not — another post's folder, or the site root beside the logo."""
    from presskit.output.pdf import Refused, local_path

    files: list[str] = []

    def fix(match: re.Match[str]) -> str:
        url = html.unescape(match.group(2))
        scheme = _SCHEME.match(url)
        if not url or url.startswith("#") or (scheme and not url.lower().startswith("file:")):
            return match.group(0)
        asked = Path(unquote(urlsplit(url).path))
        try:
            found = local_path(asked if asked.is_absolute() else folder / asked, policy)
        except Refused:
            return match.group(1) + match.group(3)
        files.append(str(found))
        return match.group(1) + html.escape(found.as_uri()) + match.group(3)

    return _SRC.sub(fix, fragment), files


def post_section(
    path: str, config: str | Config | None, theme: str | None = None, as_of: str | None = None
) -> dict[str, Any]:
    """One post's part of the kit: its metadata and its body as an HTML fragment; its embargo
    judged as of `as_of` (ISO 8601, from `build --as-of`) or now."""
    from presskit.brand import site_lang
    from presskit.errors import Diagnostic
    from presskit.output.page import paper_body, typographic_front_matter
    from presskit.output.paper import quote_figures, unattributed_quotes, unattributed_warning
    from presskit.output.release import release_for
    from presskit.pipeline import config_warnings, convert_body, post_policy, resolve_config
    from presskit.source.post import load_post
    from presskit.themes import load_theme

    source = Path(path)
    folder = source.resolve().parent
    cfg = resolve_config(source, config)
    # the language Hugo gives the page (content folder, file name) before the folder guess,
    # as the post's own PDF reads it
    post = load_post(source, default_lang=cfg.lang, site_lang=site_lang(cfg, source))
    warnings: list[Diagnostic] = config_warnings(source, cfg) + list(post.warnings)
    body = convert_body(post, cfg, warnings.append)
    post = typographic_front_matter(post)
    release = release_for(post, cfg, now=dt.datetime.fromisoformat(as_of) if as_of else None)
    warnings += [Diagnostic(warning, path) for warning in release.warnings]
    # the quotes as written, before their links get note calls the sheet would print again
    quotes = quote_figures(body) if cfg.quotes_sheet else []
    unattributed = unattributed_quotes(body) if cfg.quotes_sheet else 0
    if unattributed:
        warnings.append(Diagnostic(unattributed_warning(unattributed), path))
    # what the post's own PDF prints: dateline, link URLs and `[^1]` notes at the foot of
    # their page (and no `fn1` ids repeated by every post of the kit)
    # (a URL cited again points at its note by id: ids of their own for each post, from its
    # text, so that the kit is the same wherever the site is checked out)
    text_key = f"{source.parent.name}/{source.name}\0{post.body}".encode()
    note_ids = "link-note-" + hashlib.sha1(text_key).hexdigest()[:10]
    body = paper_body(body, release, link_notes=cfg.link_notes, note_ids=note_ids)
    policy = post_policy(source, cfg, load_theme(theme or cfg.theme, cfg.root), offline=True)
    policy.body, policy.body_line = post.body, post.body_line
    body, files = absolute_sources(body, folder, policy)
    quotes = [absolute_sources(quote, folder, policy)[0] for quote in quotes]
    warnings.extend(dict.fromkeys(policy.refused))
    return {
        "ok": True,
        "path": path,
        "folder": str(folder),
        "files": files,
        "title": post.title,
        "subtitle": post.subtitle,
        "description": post.description,
        "authors": post.authors,
        "lang": post.lang,
        "date": date_text(post),
        "html": body,
        "quotes": quotes,
        "status": release.status if release.embargoed else "",
        "warnings": [str(w) for w in warnings],
    }


def kit_html(entries: list[dict[str, Any]], name: str, cfg: Any, theme: Any) -> str:
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
    for number, entry in enumerate(entries, 1):
        lang = entry["lang"] or cfg.lang
        if not groups or groups[-1]["lang"] != lang:
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
        date = _parse_date(entry["date"])
        if date is not None:
            dates.append(date)
        groups[-1]["posts"].append(
            {
                **entry,
                "anchor": f"post-{number}",
                "date_text": i18n.format_date(date, lang),
                "body": Markup(entry["html"]),
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
    kit_lang = site if site in langs else langs[0]
    langs.sort(key=lambda tag: tag != kit_lang)

    def shared(words: dict[str, str]) -> str:
        return " · ".join(dict.fromkeys(words[tag] for tag in langs))

    labels = {
        key: shared({tag: i18n.label(tag, key) for tag in langs})
        for key in ("contents", "quotes_sheet", "published")
    }
    kind = kit_label(kit_lang)
    template = env.get_template(KIT_TEMPLATE)
    return render_template(
        template,
        dict(
            name=name,
            title=kit_title(name, brand.name, kind),
            brand=brand,
            logo=data_uri(brand.logo) if brand.logo else (theme.default_logo_uri or ""),
            css=Markup(page_css(theme.css)),
            groups=groups,
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
            page_footer=i18n.page_label(kit_lang),
            generator="presskit",
        ),
    )


def render_kit(
    entries: list[dict[str, Any]],
    name: str,
    out: str,
    config: str | None,
    theme: str | None,
    offline: bool | None,
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
        result = render_pdf(document, Path(out), base_url=Path(out).parent, policy=policy)
    except PresskitError as error:
        return {"ok": False, "error": f"{out}: {error.message}"}
    return {"ok": True, "pages": result.pages, "bytes": result.size}


# The cover's kind line; kept here rather than in i18n.LABELS, which single posts never need.
KIT_LABELS = {
    "en": "Press kit",
    "zh-CN": "新闻资料包",
    "zh-TW": "新聞資料包",
    "ja": "プレスキット",
    "ko": "보도 자료집",
    "de": "Pressemappe",
    "fr": "Dossier de presse",
    "es": "Dosier de prensa",
}


def kit_title(name: str, brand_name: str, kind: str) -> str:
    """The cover's title from the kit's file name: `--kit press-kit` is "Istio press kit", not
    the slug; `--kit "Istio 2025"` prints as typed; `--kit media-day` is "Media day"."""
    words = " ".join(name.replace("_", " ").replace("-", " ").split()) or kind
    if words.casefold() in {kind.casefold(), "press kit", "presskit", "kit"}:
        return f"{brand_name} {kind[:1].lower()}{kind[1:]}" if brand_name else kind
    if words != name or words == words.lower():
        return words[:1].upper() + words[1:]
    return name


def kit_label(lang: str) -> str:
    from presskit import i18n

    tag = i18n.html_lang(lang)
    return KIT_LABELS.get(tag) or KIT_LABELS.get(tag.split("-")[0]) or KIT_LABELS["en"]


def _parse_date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None
