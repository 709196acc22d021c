"""HTML → PDF with WeasyPrint: a fetcher that only reads what it may, and atomic output.

WeasyPrint fetches whatever the HTML names (`file://`, `../../`, `<link rel=attachment>`)
unless its URL fetcher says no. Ours resolves every local path (symlinks too) and refuses
anything outside the allowed roots; it makes no connection at all when offline, and otherwise
speaks http(s) itself so that every hop (redirects included) is checked: the host's addresses
must all be public (no loopback, private or link-local beacon), each request has a timeout and
a size cap, and a post has a total budget. Raster images above a pixel cap are refused before
they are decoded. `write_pdf(path)` would truncate the target before writing; we render to
memory and rename a finished temp file over the target instead, so a failed render leaves the
previous PDF untouched.
"""

from __future__ import annotations

import http.client
import io
import ipaddress
import logging
import mimetypes
import os
import posixpath
import re
import socket
import ssl
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from presskit.errors import Diagnostic, PresskitError
from presskit.output.files import write_atomic

HTTP_TIMEOUT = 10  # seconds, per request
MAX_RESOURCE_BYTES = 20 * 1024 * 1024  # one image or stylesheet, local or remote
NETWORK_BUDGET_SECONDS = 60  # all requests of one post together
NETWORK_BUDGET_BYTES = 100 * 1024 * 1024
MAX_REQUESTS = 200
MAX_REDIRECTS = 5
MAX_IMAGE_PIXELS = 50_000_000  # 50 megapixels: a 8660 × 5774 photo; decoded ≈ 200 MB RGBA
USER_AGENT = "presskit (https://github.com/presskit)"


# Where a post writes an address: a Markdown link or image target, an HTML attribute, CSS url().
_ADDRESS = re.compile(
    r"""\]\(\s*<?([^)\s>]+)"""
    r"""|\b(?:src|href|poster|data|srcset)\s*=\s*["']?([^"'\s>]+)"""
    r"""|url\(\s*["']?([^"')\s]+)""",
    re.IGNORECASE,
)


def _file_name(url: str) -> str:
    return unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])


def _normalised(url: str) -> str:
    """The file an address names once its escapes and dot segments are read."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" + posixpath.normpath(unquote(parts.path) or "/")


class Refused(ValueError):
    """A resource the policy does not allow; WeasyPrint turns it into a missing resource."""


@dataclass
class FetchPolicy:
    """What a render may read. `roots` are resolved folders; `site_static` serves `/path`."""

    roots: tuple[Path, ...]
    offline: bool = False
    source: str | None = None
    site_static: tuple[Path, ...] = ()
    attachments: bool = False
    # Addresses let through although not public: for tests and intranet mirrors only.
    allowed_addresses: frozenset[str] = frozenset()
    timeout: float = HTTP_TIMEOUT
    max_bytes: int = MAX_RESOURCE_BYTES
    # Resolved files read whatever their size: the brand's fonts, which the config names (a
    # CJK font is often more than `max_bytes`; they were read whole when they were inlined).
    uncapped: frozenset[Path] = frozenset()
    max_pixels: int = MAX_IMAGE_PIXELS
    budget_seconds: float = NETWORK_BUDGET_SECONDS
    budget_bytes: int = NETWORK_BUDGET_BYTES
    # The post's text, to place a refusal on the line that names the resource.
    body: str = ""
    body_line: int = 1
    current: str = ""  # the URL WeasyPrint asked for, before any redirect
    refused: list[Diagnostic] = field(default_factory=list)
    _addresses: dict[str, list[tuple[str, str, int]]] | None = field(default=None, repr=False)
    read: list[Path] = field(default_factory=list)  # local files asked for (batch dependencies)
    spent_seconds: float = 0.0
    spent_bytes: int = 0
    requests: int = 0

    def allows_path(self, path: Path) -> bool:
        resolved = path.resolve()
        return any(resolved.is_relative_to(root) for root in self.roots)

    def refuse(self, message: str) -> Refused:
        self.refused.append(Diagnostic(message, self.source, self.line_of(self.current)))
        return Refused(message)

    def line_of(self, url: str) -> int | None:
        """The line of the post naming this resource, if it is there.

        Several lines may name one file (`../../x.png`, `/img/../../x.png`, `%2e%2e/x.png`):
        each address the post writes is resolved as the renderer resolves it, and the line
        whose address is the one asked for wins; then one that names the same file once
        normalised; then the first naming a file of that name.
        """
        name = _file_name(url) if url else ""
        if not name:
            return None
        if self._addresses is None:
            self._addresses = self._index_addresses()
        ends: int | None = None
        same: int | None = None
        named: int | None = None
        wanted, longest = _normalised(url), 0
        for token, joined, line in self._addresses.get(name, ()):
            if joined == url:
                return line
            if token.startswith("/") and url.endswith(token) and len(token) > longest:
                ends, longest = line, len(token)  # a site path made absolute on the base URL
            if same is None and _normalised(joined) == wanted:
                same = line
            named = line if named is None else named
        for found in (ends, same, named):
            if found is not None:
                return found
        index = self.body.find(name)
        return self.body_line + self.body.count("\n", 0, index) if index >= 0 else None

    def _index_addresses(self) -> dict[str, list[tuple[str, str, int]]]:
        """Every address the post writes, by file name: (as written, resolved, line)."""
        base = Path(self.source).resolve().parent.as_uri() + "/" if self.source else ""
        found: dict[str, list[tuple[str, str, int]]] = {}
        line, counted = self.body_line, 0
        for m in _ADDRESS.finditer(self.body):
            token = m.group(m.lastindex or 0)
            line += self.body.count("\n", counted, m.start())
            counted = m.start()
            try:
                joined = urljoin(base, token)
            except ValueError:
                continue
            found.setdefault(_file_name(token), []).append((token, joined, line))
        return found

    def allows_address(self, address: str) -> bool:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if str(ip) in self.allowed_addresses:
            return True
        return ip.is_global and not ip.is_multicast


# A Dask worker renders from a private tree that mirrors the parent's paths under a temporary
# folder. Documents there are laid out with the parent's paths as their base URL (WeasyPrint
# names each image in the PDF after its URL: the same names make the same bytes), and the
# fetcher reads the parent's paths from the mirror. Set by `presskit.batch.remote` around a task.
MIRROR: ContextVar[Path | None] = ContextVar("presskit_mirror", default=None)


def unmirrored(path: Path) -> Path:
    """`path` as the parent names it, when rendering in a mirror (else `path` itself)."""
    mirror = MIRROR.get()
    if mirror is not None and path.is_relative_to(mirror):
        return Path("/") / path.relative_to(mirror)
    return path


def local_path(path: Path, policy: FetchPolicy) -> Path:
    """The file a `file:` URL's path names, resolved (the path that was checked is the one
    read), mapped into the site's static folders for `/x.png`."""
    mirror = MIRROR.get()
    if mirror is not None and path.is_absolute() and not path.is_relative_to(mirror):
        inside = mirror / path.relative_to("/")
        if policy.allows_path(inside):
            return inside.resolve()
    elif policy.allows_path(path):
        return path.resolve()
    for static in policy.site_static:
        candidate = static / str(path).lstrip("/")
        if candidate.exists() and policy.allows_path(candidate):
            return candidate.resolve()
    raise policy.refuse(f"refused to read {path}: outside the post's folder")


def check_pixels(data: bytes, url: str, policy: FetchPolicy) -> None:
    """Read only the image header: a 30000 × 30000 PNG is 100 KB on disk and 3.6 GB decoded."""
    if not_raster(data):
        return
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except Image.DecompressionBombError:
        width = height = policy.max_pixels  # Pillow's own cap already said no
        width += 1
    except (OSError, ValueError, SyntaxError):
        return  # not a raster image (SVG, CSS, fonts): nothing to decode
    if width * height > policy.max_pixels:
        raise policy.refuse(
            f"image {_short(url)} not shown: {width} × {height} pixels is more than the "
            f"{policy.max_pixels // 1_000_000} megapixel limit"
        )


# Markup (SVG logos, HTML) and font files are never raster images. Saying so up front spares
# Pillow's probe of every format it knows, which imports all its plugins (0.1 s of a cold render).
FONT_MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf", b"wOFF", b"wOF2")


def not_raster(data: bytes) -> bool:
    head = data[:64].removeprefix(b"\xef\xbb\xbf").lstrip()
    return head.startswith(b"<") or data.startswith(FONT_MAGIC)


def _short(url: str) -> str:
    return url if len(url) <= 80 else url[:60] + "…"


class _VettedConnection(http.client.HTTPConnection):
    """Connects to the address we checked, not to whatever a second DNS lookup returns."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


@cache
def _tls_context() -> ssl.SSLContext:
    return ssl.create_default_context()  # loads the CA store: only when a post needs https


class _VettedTLSConnection(_VettedConnection):
    def connect(self) -> None:
        super().connect()
        self.sock = _tls_context().wrap_socket(self.sock, server_hostname=self.host)


def _resolve(host: str, port: int, policy: FetchPolicy, url: str) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise policy.refuse(f"not fetched (cannot resolve {host}): {_short(url)}") from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise policy.refuse(f"not fetched (cannot resolve {host}): {_short(url)}")
    for address in addresses:
        if not policy.allows_address(str(address)):
            raise policy.refuse(
                f"not fetched ({host} is a local or private address): {_short(url)}"
            )
    return str(addresses[0])


def fetch_http(url: str, policy: FetchPolicy) -> tuple[str, bytes, dict[str, str]]:
    """GET `url` within the policy; returns the final URL, the body and the headers."""
    for _hop in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https") or not parts.hostname:
            raise policy.refuse(f"not fetched (redirect to {scheme or 'nothing'}:): {_short(url)}")
        if (
            policy.requests >= MAX_REQUESTS
            or policy.spent_seconds >= policy.budget_seconds
            or policy.spent_bytes >= policy.budget_bytes
        ):
            raise policy.refuse(f"not fetched (network budget of the post used up): {_short(url)}")
        policy.requests += 1
        try:
            port = parts.port or (443 if scheme == "https" else 80)
        except ValueError:
            raise policy.refuse(f"not fetched (bad port): {_short(url)}") from None
        started = time.monotonic()
        try:
            address = _resolve(parts.hostname, port, policy, url)
        finally:
            policy.spent_seconds += time.monotonic() - started
        started = time.monotonic()
        deadline = started + min(policy.timeout, policy.budget_seconds - policy.spent_seconds)
        kind = _VettedTLSConnection if scheme == "https" else _VettedConnection
        connection = kind(parts.hostname, port, address, max(deadline - started, 0.1))
        try:
            target = parts.path or "/"
            if parts.query:
                target += "?" + parts.query
            connection.request(
                "GET",
                target,
                headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"},
            )
            response = connection.getresponse()
            headers = {key: value for key, value in response.getheaders()}
            location = response.getheader("Location")
            if response.status in (301, 302, 303, 307, 308) and location:
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise policy.refuse(f"not fetched (HTTP {response.status}): {_short(url)}")
            body = _read_capped(response, deadline, policy, url)
        except (OSError, http.client.HTTPException) as error:
            reason = "timed out" if isinstance(error, TimeoutError) else type(error).__name__
            raise policy.refuse(f"not fetched ({reason}): {_short(url)}") from None
        finally:
            connection.close()
            policy.spent_seconds += time.monotonic() - started
        return url, body, headers
    raise policy.refuse(f"not fetched (more than {MAX_REDIRECTS} redirects): {_short(url)}")


def _read_capped(
    response: http.client.HTTPResponse, deadline: float, policy: FetchPolicy, url: str
) -> bytes:
    left = policy.budget_bytes - policy.spent_bytes
    cap = min(policy.max_bytes, left)
    reason = (
        "network budget of the post used up"
        if left < policy.max_bytes
        else f"larger than {policy.max_bytes // 1024} KiB"
    )
    length = response.getheader("Content-Length")
    if length and length.isascii() and length.isdigit() and len(length) <= 18 and int(length) > cap:
        raise policy.refuse(f"not fetched ({reason}): {_short(url)}")
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(64 * 1024):
        size += len(chunk)
        policy.spent_bytes += len(chunk)
        if size > cap:
            raise policy.refuse(f"not fetched ({reason}): {_short(url)}")
        if time.monotonic() > deadline:
            raise policy.refuse(f"not fetched (timed out): {_short(url)}")
        chunks.append(chunk)
    return b"".join(chunks)


def fetch_resource(url: str, policy: FetchPolicy) -> tuple[str, bytes, dict[str, str]]:
    """A resource a document names, read under `policy`: its final URL, bytes and headers.

    The one gate for every output backend: WeasyPrint's fetcher (below) and the Word backend,
    which hands pandoc the bytes and lets it read nothing itself. Never imports WeasyPrint.
    """
    policy.current = url
    scheme = urlsplit(url).scheme.lower()
    if scheme == "file":
        asked = Path(unquote(urlsplit(url).path))
        policy.read.append(asked)
        path = local_path(asked, policy)
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return path.as_uri(), read_local(path, policy), {"Content-Type": kind}
    if scheme in ("http", "https"):
        if policy.offline:
            raise policy.refuse(f"not fetched (offline): {_short(url)}")
        final, data, headers = fetch_http(url, policy)
        check_pixels(data, url, policy)
        return final, data, headers
    if scheme == "data":
        import urllib.request  # decodes data: URLs itself: no connection is made

        try:
            with urllib.request.urlopen(url) as response:  # a data: URL, never the network
                data, kind = (
                    response.read(policy.max_bytes + 1),
                    response.headers.get_content_type(),
                )
        except (ValueError, OSError):
            raise policy.refuse("not shown (a data: URL that does not decode)") from None
        if len(data) > policy.max_bytes:
            raise policy.refuse(
                f"not shown (a data: URL larger than {policy.max_bytes // 1024} KiB)"
            )
        check_pixels(data, "data: URL", policy)
        return url, data, {"Content-Type": kind}
    raise policy.refuse(f"not fetched ({scheme}: URLs not allowed): {_short(url)}")


def make_fetcher(policy: FetchPolicy) -> Any:
    """A WeasyPrint URL fetcher that reads only what `policy` allows (its class is made here,
    after WeasyPrint is imported, so `presskit.pdf` itself never imports it)."""
    from presskit.weasy.engine import import_weasyprint

    # Waits for `engine.start_import`'s thread: a submodule imported beside it finds the
    # package half made ("cannot import name … from partially initialized module").
    import_weasyprint()
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SafeFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            policy.current = url
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                response = super().fetch(url, headers)
                data = response.read()
                response.close()
                check_pixels(data, "data: URL", policy)
                return URLFetcherResponse(url, data, response.headers, response.status)
            final, data, response_headers = fetch_resource(url, policy)
            return URLFetcherResponse(final, data, response_headers)

    return SafeFetcher(timeout=policy.timeout, allowed_protocols=("file", "data", "http", "https"))


def read_local(path: Path, policy: FetchPolicy) -> bytes:
    """A resolved file the policy allows, within its size and pixel caps."""
    if not path.is_file():  # a FIFO or a device would block or never end
        raise policy.refuse(f"not read ({path} is not a regular file)")
    uncapped = path in policy.uncapped
    try:
        with path.open("rb") as stream:
            data = stream.read() if uncapped else stream.read(policy.max_bytes + 1)
    except OSError as error:
        raise policy.refuse(f"cannot read {path}: {error.strerror}") from None
    if len(data) > policy.max_bytes and not uncapped:
        raise policy.refuse(f"not read ({path} is larger than {policy.max_bytes // 1024} KiB)")
    check_pixels(data, str(path), policy)
    return data


class _Collect(logging.Handler):
    """WeasyPrint reports problems through logging; we turn them into warnings."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@dataclass(frozen=True)
class PdfResult:
    pages: int
    size: int
    warnings: tuple[Diagnostic, ...]


# `--pdf-variant` values: archival PDF/A-3b and accessible PDF/UA-1 (both tagged).
PDF_VARIANTS = ("pdf/a-3b", "pdf/ua-1")


def render_pdf(
    html: str,
    out: Path,
    *,
    base_url: Path,
    policy: FetchPolicy,
    variant: str | None = None,
    durable: bool = True,
    split: tuple[str, Callable[[dict[str, int]], str]] | None = None,
    inspect: Callable[[Any], None] | None = None,
) -> PdfResult:
    """`html` as a PDF. With `split` (see `page.Page.split`), the same document is laid out
    as its body after an empty first page, then the cover alone (see `lay_out`). `inspect`
    is shown the laid-out WeasyPrint document before it is written (the kit reads its
    bookmarks and anchors there)."""
    logger = logging.getLogger("weasyprint")
    collect = _Collect()
    logger.addHandler(collect)
    fetcher = make_fetcher(policy)
    base_url = unmirrored(base_url)
    try:
        try:
            document = lay_out(split[0], base_url, fetcher, split[1]) if split else None
        except CoverOverflow:
            collect.messages.clear()
            document = None
        if document is None:
            document = lay_out(html, base_url, fetcher, None)
        keep_safe_links(document, policy)
        if inspect is not None:
            inspect(document)
        data = document.write_pdf(**({"pdf_variant": variant, "pdf_tags": True} if variant else {}))
    except RecursionError:
        raise PresskitError("document nested too deeply to lay out", policy.source) from None
    finally:
        logger.removeHandler(collect)
    write_atomic(out, data, durable=durable)
    noise = ("Refused:", "refused")  # already in policy.refused, in our words
    warnings = list(policy.refused) + [
        Diagnostic(message.splitlines()[0], policy.source)
        for message in collect.messages
        if not any(word in message for word in noise)
    ]
    unique = tuple(dict.fromkeys(warnings))  # WeasyPrint may say the same thing twice
    return PdfResult(pages=len(document.pages), size=len(data), warnings=unique)


def lay_out(
    html: str,
    base_url: Path,
    fetcher: Callable[..., dict[str, Any]],
    cover: Callable[[dict[str, int]], str] | None,
) -> Any:
    """The laid-out document, its cover laid out once.

    A cover whose contents name pages with `target-counter()` is laid out three times by
    WeasyPrint: before the pages it points to exist, when their numbers arrive, and once
    more because the first remake marks itself changed. That was 15 % of a corpus post's
    layout. The body is laid out first, after an empty first page, so its page numbers are
    known; then the cover alone, with those numbers as text, takes the empty page's place.
    Both share one font configuration; internal links resolve across the joined pages.
    """
    from presskit.weasy.engine import HTML, font_configuration

    fonts = font_configuration(html)
    url = str(base_url) + os.sep
    body = HTML(string=html, base_url=url, url_fetcher=fetcher).render(font_config=fonts)
    if cover is None or not body.pages:
        return body
    pages: dict[str, int] = {}
    for number, page in enumerate(body.pages, 1):  # a box split over pages: its first page
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    front = HTML(string=cover(pages), base_url=url, url_fetcher=fetcher).render(font_config=fonts)
    if len(front.pages) != 1:  # a theme's cover that spills: as WeasyPrint would lay it out
        raise CoverOverflow
    return body.copy([front.pages[0], *body.pages[1:]])


class CoverOverflow(Exception):
    """The cover laid out alone took more than one page."""


def keep_safe_links(document: Any, policy: FetchPolicy) -> None:
    """The last word on what the PDF points at, whatever the HTML said: in-document anchors,
    http(s) and mailto links; embedded files only when the config allows attachments."""
    from presskit.output.sanitize import link_allowed  # panflute: not on the batch's no-change path

    if not policy.attachments:
        document.metadata.attachments = []
    for page in document.pages:
        page.links = [
            link
            for link in page.links
            if link[0] == "internal"
            or (link[0] == "external" and link_allowed(link[1]))
            or (link[0] == "attachment" and policy.attachments)
        ]


def allowed_roots(paths: Iterable[Path | None]) -> tuple[Path, ...]:
    return tuple(sorted({p.resolve() for p in paths if p is not None}))
