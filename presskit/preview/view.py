"""The preview's pages: the post list, a post's pages, the kit. Every text from a post (title,
warnings, errors) is escaped here, and the server's Content-Security-Policy allows no inline
script, so a post cannot script the preview (`presskit.preview.server`)."""

from __future__ import annotations

import re
import time
from html import escape
from urllib.parse import quote

from presskit.errors import warning_count
from presskit.preview.session import KitState, PostState, Rendered, Session

_LINE_PREFIX = re.compile(r"^.+?:(\d+)(?::\d+)?: ")
LINE = r"line \1: "
WIDE = ' class="warned"'
STATUS = {
    "built": "rendered",
    "unchanged": "rendered",
    "failed": "failed",
    "skipped": "skipped",
    "pending": "waiting",
}

CSS = """
:root { color-scheme: light; --ink: #1d2430; --mute: #5d6776; --line: #d9dde3;
  --ok: #1d7a46; --bad: #b3261e; --warn: #8a5a00; --paper: #eef0f3; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, "Noto Sans", "Noto Sans CJK SC", sans-serif;
  color: var(--ink); background: var(--paper); }
header { position: sticky; top: 0; z-index: 1; display: flex; gap: 1em; align-items: baseline;
  padding: .6em 1.2em; background: #fff; border-bottom: 1px solid var(--line); }
header a.home { color: var(--mute); text-decoration: none; }
header .state { margin-left: auto; color: var(--mute); font-size: 90%; }
body.busy header .state::before { content: "rendering… "; color: var(--warn); }
main { max-width: 920px; margin: 0 auto; padding: 1em 1.2em 4em; }
h1 { font-size: 1.35em; margin: .2em 0 .3em; }
.meta { color: var(--mute); margin: 0 0 .8em; }
.badge { display: inline-block; padding: 0 .5em; border-radius: 3px; font-size: 85%;
  font-weight: 600; color: #fff; background: var(--ok); }
.badge.failed, .badge.stale { background: var(--bad); }
.badge.skipped, .badge.waiting { background: var(--mute); }
.badge.embargoed { background: var(--warn); }
.error { background: #fde8e6; border-left: 4px solid var(--bad); padding: .6em .9em;
  margin: .8em 0; white-space: pre-wrap; font-family: ui-monospace, monospace; font-size: 90%; }
.warnings { background: #fff7e0; border-left: 4px solid var(--warn); padding: .4em .9em;
  margin: .8em 0; }
.warnings li { font-family: ui-monospace, monospace; font-size: 88%; overflow-wrap: anywhere; }
.warnings ul { padding-left: 1.2em; margin: .3em 0; }
.downloads a { margin-right: 1em; }
.pages { display: flex; flex-direction: column; align-items: center; gap: 1.2em;
  margin-top: 1em; }
main.warned { max-width: 1160px; }
.page { display: flex; gap: 1em; align-items: flex-start; }
.page figure { flex: 0 1 auto; min-width: 0; }
.page aside.warnings { flex: 0 0 15em; margin: 0; position: sticky; top: 3.5em; }
@media (max-width: 1000px) { .page { flex-direction: column-reverse; align-items: stretch; }
  .page aside.warnings { position: static; flex-basis: auto; } }
figure { margin: 0; }
figure img { display: block; max-width: 100%; height: auto; background: #fff;
  box-shadow: 0 1px 4px rgba(0,0,0,.25); }
figure figcaption { text-align: center; color: var(--mute); font-size: 85%; }
.stale figure img { opacity: .45; filter: grayscale(1); }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: .45em .6em; border-bottom: 1px solid var(--line);
  vertical-align: top; }
td.source { color: var(--mute); font-size: 88%; }
td .error { margin: .3em 0 0; }
"""

SCRIPT = """
"use strict";
// Server-sent events say the state changed; the page fetches its new <main>, waits until
// the new page images are decoded, and swaps it in: no reload, no flash of missing images.
(() => {
  let chain = Promise.resolve();
  async function refresh(version) {
    const current = document.getElementById("main");
    if (current && current.dataset.version === version) return;
    const response = await fetch(location.pathname + "?part=main", { cache: "no-store" });
    if (!response.ok) return;
    const box = document.createElement("div");
    box.innerHTML = await response.text();
    const next = box.querySelector("main");
    if (!next) return;
    await Promise.all([...next.querySelectorAll("img")].map(
      (img) => img.decode().catch(() => null)));
    document.getElementById("main").replaceWith(next);
    document.body.classList.toggle("busy", next.dataset.busy === "1");
    if (next.dataset.title) document.title = next.dataset.title;
    window.presskitUpdated = {
      version: next.dataset.version, busy: next.dataset.busy === "1", at: Date.now() };
  }
  const events = new EventSource("/events");
  events.onmessage = (event) => { chain = chain.then(() => refresh(event.data)); };
})();
"""


def document(session: Session, title: str, main: str) -> str:
    busy = " busy" if session.busy else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="stylesheet" href="/static/preview.css"></head>'
        f'<body class="{busy.strip()}"><header><a class="home" href="/">presskit preview</a>'
        f'<span class="state">{escape(_when(session))}</span></header>\n{main}\n'
        '<script src="/static/preview.js"></script></body></html>\n'
    )


def _when(session: Session) -> str:
    at = session.timing.published
    return f"updated {time.strftime('%H:%M:%S', time.localtime(at))}" if at else ""


def _main(session: Session, title: str, body: str, *, wide: bool = False) -> str:
    return (
        f'<main id="main"{WIDE if wide else ""} data-version="{session.version}" '
        f'data-busy="{int(session.busy)}" '
        f'data-title="{escape(title)}">\n{body}\n</main>'
    )


def batch_error(session: Session) -> str:
    if session.batch_error is None:
        return ""
    return f'<div class="error">{escape(session.batch_error)}</div>'


def index(session: Session) -> tuple[str, str]:
    """The posts with their status; the kit first when there is one."""
    rows = []
    for key in session.order:
        post = session.posts[key]
        label = "stale" if post.stale else STATUS.get(post.status, post.status)
        detail = ""
        if post.error:
            detail = f'<div class="error">{escape(post.error)}</div>'
        elif post.reason:
            detail = f'<div class="meta">{escape(post.reason)}</div>'
        count = warning_count(post.warnings)
        warned = f"{count} warning{'s' if count != 1 else ''}" if count else ""
        pages = f"{post.pages} p." if post.pages else ""
        rows.append(
            f'<tr><td><span class="badge {label}">{escape(label)}</span></td>'
            f'<td><a href="{_post_href(key)}">{escape(post.title or key)}</a>{detail}</td>'
            f"<td>{escape(post.lang or '')}</td><td>{pages}</td><td>{warned}</td>"
            f'<td class="source">{escape(post.source)}</td></tr>'
        )
    kit = ""
    if session.kit is not None:
        state = "failed" if session.kit.error else "rendered" if session.kit.good else "waiting"
        kit = (
            f'<p><span class="badge {state}">{state}</span> '
            f'<a href="/kit">press kit {escape(session.kit.name)}</a></p>'
        )
    title = f"{len(session.order)} posts — presskit preview"
    waiting = "" if rows or session.batch_error else '<p class="meta">rendering…</p>'
    body = (
        f"<h1>{len(session.order)} posts</h1>{batch_error(session)}{kit}{waiting}"
        "<table><thead><tr><th>status</th><th>title</th><th>lang</th><th>pages</th>"
        f"<th>warnings</th><th>source</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    return title, _main(session, title, body)


def post(session: Session, state: PostState) -> tuple[str, str]:
    title = state.title or state.key
    label = "stale" if state.stale else STATUS.get(state.status, state.status)
    parts = [f'<h1>{escape(title)} <span class="badge {label}">{escape(label)}</span></h1>']
    meta = [escape(state.source)]
    if state.lang:
        meta.append(escape(state.lang))
    if state.pages:
        meta.append(f"{state.pages} page{'s' if state.pages != 1 else ''}")
    parts.append(f'<p class="meta">{" · ".join(meta)}</p>')
    if state.embargo:
        kind = "embargoed" if state.embargoed else "rendered"
        parts.append(f'<p><span class="badge {kind}">{escape(state.embargo)}</span></p>')
    parts.append(batch_error(session))
    if state.error:
        parts.append(f'<div class="error">{escape(state.error)}</div>')
        if state.good is not None:
            when = time.strftime("%H:%M:%S", time.localtime(state.good.at))
            parts.append(
                f'<p class="meta">The pages below are from the last render that worked '
                f"({when}).</p>"
            )
    if state.reason:
        parts.append(f'<p class="meta">{escape(state.reason)}</p>')
    good = state.good
    urls = session.images(good) if good is not None else []
    # beside their page when the line they name was found there; the rest (and all of a
    # failed render's, which the stale pages do not print) at the top
    placed = {} if state.stale or good is None else good.by_page
    shown = {n: placed[n] for n in range(1, len(urls) + 1) if placed.get(n)}
    top = [w for w in state.warnings if not any(w in ws for ws in shown.values())]
    parts.append(_warnings(top, located=bool(shown)))
    parts.append(
        _rendered(session, good, stale=state.stale, extra=_kit_links(session), beside=shown)
    )
    return title, _main(session, title, "\n".join(p for p in parts if p), wide=bool(shown))


def kit(session: Session, state: KitState) -> tuple[str, str]:
    title = f"press kit {state.name}"
    parts = [f"<h1>{escape(title)}</h1>", batch_error(session)]
    if state.error:
        parts.append(f'<div class="error">{escape(state.error)}</div>')
    links = ""
    if state.zip is not None:
        links = f' <a href="{session.url(state.zip)}" download>{escape(state.zip.name)}</a>'
    parts.append(_rendered(session, state.good, stale=bool(state.error), extra=links))
    return title, _main(session, title, "\n".join(p for p in parts if p))


def _kit_links(session: Session) -> str:
    """On a post's page, the kit it is part of (`--kit`), as the kit's page offers it."""
    kit = session.kit
    if kit is None or kit.good is None:
        return ""
    links = [f'<a href="{session.url(kit.good.pdf)}" download>{escape(kit.good.pdf.name)}</a>']
    if kit.zip is not None:
        links.append(f'<a href="{session.url(kit.zip)}" download>{escape(kit.zip.name)}</a>')
    return ' <span class="kit">press kit: ' + " ".join(links) + "</span>"


def _warnings(warnings: list[str], *, located: bool = False) -> str:
    if not warnings:
        return ""
    items = "".join(f"<li>{escape(w)}</li>" for w in warnings)
    heading = "other warnings" if located else "warnings"
    return f'<div class="warnings"><strong>{heading}</strong><ul>{items}</ul></div>'


def _beside(number: int, warnings: list[str]) -> str:
    """Beside its page a warning names its line only: the file is the post's."""
    items = "".join(f"<li>{escape(_LINE_PREFIX.sub(LINE, w, 1))}</li>" for w in warnings)
    return (
        f'<aside class="warnings" id="warnings-page-{number}">'
        f"<strong>page {number}</strong><ul>{items}</ul></aside>"
    )


def _rendered(
    session: Session,
    good: Rendered | None,
    *,
    stale: bool,
    extra: str = "",
    beside: dict[int, list[str]] | None = None,
) -> str:
    if good is None:
        return '<p class="meta">no pages yet</p>' if not session.busy else ""
    pdf = session.url(good.pdf)
    others = "".join(
        f' <a href="{url}" download>{escape(url.rsplit("/", 1)[-1])}</a>' for url in good.offers
    )
    links = (
        f'<p class="downloads">download: <a href="{pdf}" download>{escape(good.pdf.name)}</a>'
        f"{others}{extra}</p>"
    )
    beside = beside or {}
    figures = "".join(
        f'<div class="page{" warned" if n in beside else ""}">'
        f'<figure><img src="{url}" alt="page {n}"><figcaption>{n}</figcaption></figure>'
        f"{_beside(n, beside[n]) if n in beside else ''}</div>"
        for n, url in enumerate(session.images(good), start=1)
    )
    return f'{links}<section class="pages{" stale" if stale else ""}">{figures}</section>'


def _post_href(key: str) -> str:
    return "/post/" + quote(key)
