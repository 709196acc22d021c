"""The preview's HTTP server: stdlib, threaded, for one person on their own machine.

It answers GET and HEAD for a fixed set of addresses: `/`, `/post/KEY`, `/kit`, `/events`,
two static files, and `/files/…` names that the session listed when it rendered them (or
offered, for a format made on its first request: `presskit.preview.formats`). A
request path is never joined onto a folder, so there is nothing to traverse and no listing.
Bound to 127.0.0.1 unless asked otherwise; on loopback, a request whose Host header is not
loopback is refused, so a web page the writer visits cannot reach the preview by pointing a
domain it owns at 127.0.0.1 (DNS rebinding). Every page forbids inline script and content from
anywhere else (Content-Security-Policy): a post's title or warning cannot script it.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from presskit.preview import view
from presskit.preview.session import Session

KEEPALIVE = 15.0  # seconds between comments on an idle event stream
POLICY = (
    "default-src 'none'; img-src 'self'; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
STATIC = {
    "/static/preview.css": (view.CSS, "text/css; charset=utf-8"),
    "/static/preview.js": (view.SCRIPT, "text/javascript; charset=utf-8"),
}


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # an open event stream must not keep the process alive
    allow_reuse_address = True

    def __init__(self, session: Session, host: str, port: int) -> None:
        self.session = session
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), Handler)
        self.loopback = is_loopback(host)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that leaves while its answer is being sent (a closed tab, a reset
        connection) is no error of the preview: socketserver would print a traceback."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    @property
    def url(self) -> str:
        address, port = self.server_address[:2]
        host = address.decode() if isinstance(address, bytes) else str(address)
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "presskit-preview"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the terminal shows renders, not requests."""

    def do_HEAD(self) -> None:
        self.respond(head=True)

    def do_GET(self) -> None:
        self.respond(head=False)

    def respond(self, *, head: bool) -> None:
        if not self.host_allowed():
            self.send_text(HTTPStatus.MISDIRECTED_REQUEST, "unknown host\n", head=head)
            return
        if not self.path.startswith("/"):  # absolute-form (`GET http://…`), `*`
            self.send_text(HTTPStatus.BAD_REQUEST, "bad request\n", head=head)
            return
        parts = urlsplit(self.path)
        path, query = parts.path, parts.query
        session = self.server.session
        if path in STATIC:
            text, kind = STATIC[path]
            self.send_body(HTTPStatus.OK, text.encode(), kind, head=head)
        elif path == "/events" and not head:
            self.stream_events()
        elif path.startswith("/files/"):
            self.send_file(path, head=head)
        elif path == "/":
            if session.single and len(session.order) == 1:
                self.redirect("/post/" + path_quote(session.order[0]))
            else:
                self.send_page(*view.index(session), query=query, head=head)
        elif path.startswith("/post/"):
            key = unquote(path[len("/post/") :])
            state = session.posts.get(key)
            if state is None:
                self.send_text(HTTPStatus.NOT_FOUND, "not found\n", head=head)
                return
            session.viewed.add(key)
            self.send_page(*view.post(session, state), query=query, head=head)
        elif path == "/kit" and session.kit is not None:
            session.viewed.add("kit")
            self.send_page(*view.kit(session, session.kit), query=query, head=head)
        else:
            self.send_text(HTTPStatus.NOT_FOUND, "not found\n", head=head)

    def host_allowed(self) -> bool:
        if not self.server.loopback:
            return True  # `--host` was given: the writer chose who may connect
        host = (self.headers.get("Host") or "").strip().lower()
        if host.startswith("["):
            name = host[1 : host.find("]")] if "]" in host else host
        else:
            name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        return name == "localhost" or is_loopback(name)

    def send_page(self, title: str, main: str, *, query: str, head: bool) -> None:
        text = main if query == "part=main" else view.document(self.server.session, title, main)
        self.send_body(HTTPStatus.OK, text.encode(), "text/html; charset=utf-8", head=head)

    def send_file(self, path: str, *, head: bool) -> None:
        session = self.server.session
        entry = session.files.get(path)
        if entry is None and path in session.offers:  # a download made on its first request
            if not session.produce(path):
                offer = session.offers.get(path)
                why = offer.error if offer is not None and offer.error else "not made"
                self.send_text(HTTPStatus.INTERNAL_SERVER_ERROR, f"{why}\n", head=head)
                return
            entry = session.files.get(path)
        if entry is None:
            self.send_text(HTTPStatus.NOT_FOUND, "not found\n", head=head)
            return
        file, kind, download = entry
        try:
            data = file.read_bytes()
        except OSError:  # retired by a newer render between the lookup and the read
            self.send_text(HTTPStatus.NOT_FOUND, "not found\n", head=head)
            return
        extra = {"Cache-Control": "private, max-age=3600, immutable"}
        if download:
            extra["Content-Disposition"] = f"attachment; filename*=UTF-8''{path_quote(download)}"
        self.send_body(HTTPStatus.OK, data, kind, head=head, headers=extra)

    def redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.SEE_OTHER)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def send_text(self, status: HTTPStatus, text: str, *, head: bool) -> None:
        self.send_body(status, text.encode(), "text/plain; charset=utf-8", head=head)

    def send_body(
        self,
        status: HTTPStatus,
        data: bytes,
        kind: str,
        *,
        head: bool,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        for name, value in {**self.common_headers(), **(headers or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(data)

    @staticmethod
    def common_headers() -> dict[str, str]:
        return {
            "Content-Security-Policy": POLICY,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cross-Origin-Resource-Policy": "same-origin",
            "Cache-Control": "no-store",
        }

    def stream_events(self) -> None:
        """`data: VERSION` whenever the session's state changes, until the client leaves."""
        session = self.server.session
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        for name, value in self.common_headers().items():
            self.send_header(name, value)
        self.end_headers()
        self.close_connection = True
        seen = -1
        try:
            while not session.stop.is_set():
                version = session.wait_version(seen, KEEPALIVE)
                if session.stop.is_set():
                    break
                message = ": idle\n\n" if version == seen else f"data: {version}\n\n"
                seen = version
                self.wfile.write(message.encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return


def path_quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text)


def serve(session: Session, host: str = "127.0.0.1", port: int = 0) -> PreviewServer:
    """A server bound now (so the real port is known), not yet serving."""
    return PreviewServer(session, host, port)
