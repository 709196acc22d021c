"""The Istio site's shortcodes, as a bundled extension: `relnote`, `security_bulletin`,
`istio_release_name` and the `github_*` link values.

None of them is Hugo's or presskit's: they are istio.io's own templates, so they are not in
the core. A site that writes them turns them on in its presskit.toml:

    extensions = ["presskit.shortcodes.istio"]

(the example kit does). Each is one declaration, with its words in every language presskit
has, and its style for the PDF.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import panflute as pf

from presskit import i18n
from presskit.shortcodes.declare import Param, Value, shortcode
from presskit.shortcodes.handlers import Call, Context, plain_or_para, site_value, text_inlines


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool) and bool(str(value))


def _data(data: Mapping[str, Any], dotted: str) -> str | None:
    node: Any = data
    for key in dotted.split("."):
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return str(node).strip() if _scalar(node) else None


def _tree(data: Mapping[str, Any]) -> str:
    """istio.io's `github_tree`: the tree of `.Site.Data.args.branch_name` (master without)."""
    return "https://github.com/istio/istio/tree/" + (_data(data, "args.branch_name") or "master")


def _release_name(data: Mapping[str, Any]) -> str | None:
    """istio.io's `istio_release_name`: `strings.TrimSuffix ".0" .Site.Data.args.full_version`."""
    release = _data(data, "args.full_version")
    return release.removesuffix(".0") if release else None


# Site data the `github_*` and release shortcodes print (often inside a link target), read
# from the site's `data/args.yml` as istio.io's templates read it;
# `-M presskit.values.github_tree=…` overrides them.
GITHUB: dict[str, Value] = {"github_raw": "https://github.com/istio/istio", "github_tree": _tree}

github = shortcode(*GITHUB, inner="none", values=GITHUB)(site_value)


@shortcode(
    "istio_release_name",
    inner="none",
    values={"istio_release_name": _release_name},
    labels={
        "en": {"latest_release": "the latest release"},
        "zh-CN": {"latest_release": "最新版本"},
        "zh-TW": {"latest_release": "最新版本"},
        "ja": {"latest_release": "最新リリース"},
        "ko": {"latest_release": "최신 릴리스"},
        "es": {"latest_release": "la última versión"},
        "fr": {"latest_release": "la dernière version"},
        "de": {"latest_release": "die neueste Version"},
    },
)
def istio_release_name(call: Call, ctx: Context) -> pf.Element | list[pf.Element]:
    """The release the site documents (`data/args.yml`), as istio.io's template prints it."""
    value = ctx.value(call.name)
    if value is None:
        ctx.warn(
            'shortcode "istio_release_name": the release is site data (data/args.yml '
            '`full_version`) and there is none; printed as "the latest release"',
            call.line,
            call.col,
        )
        value = call.label(ctx, "latest_release")
    return plain_or_para(call, text_inlines(value))


def _link(text: str, url: str) -> pf.Link:
    return pf.Link(*text_inlines(text), url=url)


RELNOTE_LABELS = {
    "en": {
        "relnote_download": "Download Istio {version}",
        "relnote_docs": "Istio {version} documentation",
        "relnote_changes": "Istio {version} changes",
        "relnote_notes": "Istio {version} release notes",
    },
    "zh-CN": {
        "relnote_download": "下载 Istio {version}",
        "relnote_docs": "Istio {version} 文档",
        "relnote_changes": "Istio {version} 变更",
        "relnote_notes": "Istio {version} 发布说明",
    },
    "zh-TW": {
        "relnote_download": "下載 Istio {version}",
        "relnote_docs": "Istio {version} 文件",
        "relnote_changes": "Istio {version} 變更",
        "relnote_notes": "Istio {version} 發布說明",
    },
    "ja": {
        "relnote_download": "Istio {version} をダウンロード",
        "relnote_docs": "Istio {version} ドキュメント",
        "relnote_changes": "Istio {version} の変更点",
        "relnote_notes": "Istio {version} リリースノート",
    },
    "ko": {
        "relnote_download": "Istio {version} 다운로드",
        "relnote_docs": "Istio {version} 문서",
        "relnote_changes": "Istio {version} 변경 사항",
        "relnote_notes": "Istio {version} 릴리스 노트",
    },
    "es": {
        "relnote_download": "Descargar Istio {version}",
        "relnote_docs": "Documentación de Istio {version}",
        "relnote_changes": "Cambios de Istio {version}",
        "relnote_notes": "Notas de la versión Istio {version}",
    },
    "fr": {
        "relnote_download": "Télécharger Istio {version}",
        "relnote_docs": "Documentation d’Istio {version}",
        "relnote_changes": "Modifications d’Istio {version}",
        "relnote_notes": "Notes de version d’Istio {version}",
    },
    "de": {
        "relnote_download": "Istio {version} herunterladen",
        "relnote_docs": "Dokumentation zu Istio {version}",
        "relnote_changes": "Änderungen in Istio {version}",
        "relnote_notes": "Versionshinweise zu Istio {version}",
    },
}


@shortcode(
    "relnote",
    inner="none",
    params=[Param("linktonote", doc="true: also link the release notes page")],
    labels=RELNOTE_LABELS,
    css="""
.relnote {
  margin: 4mm 0; padding: 2.5mm 4mm; border: 0.6pt solid #C9D1DB; border-radius: 1mm;
  background: #F4F6F9; font-size: 9pt; break-inside: avoid;
}
.relnote p { margin: 0; }
""",
)
def relnote(call: Call, ctx: Context) -> pf.Element | list[pf.Element]:
    """Istio's release-note box: download, docs and changes links for the post's `release`."""
    release = str(ctx.page.get("release") or "").strip()
    parts = release.split(".")
    # ASCII digits, a few of them: `²` passes str.isdigit() and int() refuses it, as it refuses
    # more than 4,300 digits.
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() and len(p) <= 9 for p in parts):
        ctx.warn('relnote needs a "release: X.Y.Z" in the front matter; left out', *call.pos)
        return []
    version = f"{parts[0]}.{parts[1]}"
    patch = int(parts[2])
    name = release.removesuffix(".0")

    def word(key: str) -> str:
        return call.label(ctx, key, version=name)

    # where the release's docs live, as istio.io's template decides from its data
    docs = f"https://archive.istio.io/v{version}"
    site_version = ctx.site_data("args.version")
    main = ctx.site_data("versions.main")
    if (ctx.site_data("args.preliminary") is True and str(site_version) == version) or (
        _scalar(main) and str(main) == version
    ):
        docs = "https://istio.io" + ("" if i18n.table_key(ctx.lang) in (None, "en") else "/zh")
        docs += "/docs"
    site_full = _data(ctx.data, "args.full_version")
    if site_full is not None and _newer(release, site_full):
        ctx.warn(
            f"relnote: release {release} is newer than the site's ({site_full}, "
            "data/args.yml); Hugo refuses this page",
            *call.pos,
        )
    links = [
        _link(word("relnote_download"), f"https://github.com/istio/istio/releases/tag/{release}"),
        _link(word("relnote_docs"), docs),
    ]
    if patch:
        previous = f"{version}.{patch - 1}"
        links.append(
            _link(
                word("relnote_changes"),
                f"https://github.com/istio/istio/compare/{previous}...{release}",
            )
        )
    if str(call.param("linktonote", None, "")).lower() == "true":
        prefix = "" if i18n.table_key(ctx.lang) in (None, "en") else "/zh"
        notes = ctx.absolute_url(f"{prefix}/about/notes/{name}/")
        links.append(_link(word("relnote_notes"), notes))
    inlines: list[pf.Inline] = []
    for link in links:
        if inlines:
            inlines.extend([pf.Space(), pf.Str("·"), pf.Space()])
        inlines.append(link)
    return pf.Div(pf.Para(*inlines), classes=["relnote"])


def _newer(release: str, site: str) -> bool:
    def number(text: str) -> tuple[int, ...] | None:
        parts = text.split(".")
        if len(parts) != 3 or not all(p.isascii() and p.isdigit() and len(p) < 7 for p in parts):
            return None
        return tuple(int(p) for p in parts)

    page, ours = number(release), number(site)
    return page is not None and ours is not None and page > ours


def _split_list(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else str(value).split(",")
    return [str(item).strip() for item in items if str(item).strip()]


def _cell(*inlines: pf.Inline) -> pf.TableCell:
    return pf.TableCell(pf.Plain(*inlines))


def _lines(items: list[pf.Inline | list[pf.Inline]]) -> list[pf.Inline]:
    out: list[pf.Inline] = []
    for item in items:
        if out:
            out.append(pf.LineBreak())
        out.extend(item if isinstance(item, list) else [item])
    return out


BULLETIN_LABELS = {
    "en": {
        "bulletin_title": "Disclosure details",
        "bulletin_cves": "CVE(s)",
        "bulletin_cvss": "CVSS impact score",
        "bulletin_releases": "Affected releases",
    },
    "zh-CN": {
        "bulletin_title": "披露详情",
        "bulletin_cves": "CVE",
        "bulletin_cvss": "CVSS 影响评分",
        "bulletin_releases": "受影响的版本",
    },
    "zh-TW": {
        "bulletin_title": "披露詳情",
        "bulletin_cves": "CVE",
        "bulletin_cvss": "CVSS 影響評分",
        "bulletin_releases": "受影響的版本",
    },
    "ja": {
        "bulletin_title": "開示の詳細",
        "bulletin_cves": "CVE",
        "bulletin_cvss": "CVSS 影響スコア",
        "bulletin_releases": "影響を受けるリリース",
    },
    "ko": {
        "bulletin_title": "공개 세부 정보",
        "bulletin_cves": "CVE",
        "bulletin_cvss": "CVSS 영향 점수",
        "bulletin_releases": "영향을 받는 릴리스",
    },
    "es": {
        "bulletin_title": "Detalles de la divulgación",
        "bulletin_cves": "CVE",
        "bulletin_cvss": "Puntuación de impacto CVSS",
        "bulletin_releases": "Versiones afectadas",
    },
    "fr": {
        "bulletin_title": "Détails de la divulgation",
        "bulletin_cves": "CVE",
        "bulletin_cvss": "Score d’impact CVSS",
        "bulletin_releases": "Versions concernées",
    },
    "de": {
        "bulletin_title": "Details der Offenlegung",
        "bulletin_cves": "CVE",
        "bulletin_cvss": "CVSS-Bewertung",
        "bulletin_releases": "Betroffene Versionen",
    },
}


@shortcode(
    "security_bulletin",
    inner="none",
    params=[Param("cves"), Param("cvss"), Param("vector"), Param("releases")],
    labels=BULLETIN_LABELS,
    css="""
.security-bulletin table { width: 100%; break-inside: avoid; }
.security-bulletin thead th {
  background: var(--primary); color: #FFFFFF; font-size: 9pt; letter-spacing: 0.04em;
}
.security-bulletin td:first-child { width: 32%; font-weight: 700; color: #3B4654; }
.security-bulletin td { vertical-align: top; overflow-wrap: anywhere; }
""",
)
def security_bulletin(call: Call, ctx: Context) -> pf.Element | list[pf.Element]:
    """Istio's disclosure table, from the shortcode's params or else the front matter."""

    def data(key: str) -> Any:
        value = call.param(key)
        return value if value is not None else ctx.page.get(key)

    cves = _split_list(data("cves"))
    cvss = str(data("cvss") or "").strip()
    vector = str(data("vector") or "").strip()
    releases = _split_list(data("releases"))
    if not (cves or cvss or releases):
        ctx.warn("security_bulletin has no cves/cvss/releases in its front matter", *call.pos)
        return []

    score: list[pf.Inline] = text_inlines(cvss)
    if vector:
        calculator = f"https://nvd.nist.gov/vuln-metrics/cvss/v3-calculator?vector={vector}"
        score += [pf.Space(), _link(vector, calculator)] if score else [_link(vector, calculator)]
    rows = [
        (
            "bulletin_cves",
            _lines([_link(c, f"https://cve.mitre.org/cgi-bin/cvename.cgi?name={c}") for c in cves]),
        ),
        ("bulletin_cvss", score),
        ("bulletin_releases", _lines([text_inlines(r) for r in releases])),
    ]
    body = pf.TableBody(
        *(
            pf.TableRow(_cell(pf.Str(call.label(ctx, key))), _cell(*value))
            for key, value in rows
            if value
        )
    )
    title = pf.TableCell(pf.Plain(*text_inlines(call.label(ctx, "bulletin_title"))), colspan=2)
    head = pf.TableHead(pf.TableRow(title))
    table = pf.Table(
        body,
        head=head,
        colspec=[("AlignLeft", "ColWidthDefault"), ("AlignLeft", "ColWidthDefault")],
    )
    return pf.Div(table, classes=["security-bulletin"])
