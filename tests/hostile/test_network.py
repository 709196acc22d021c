"""Network leaks: a beacon HTTP server on 127.0.0.1 counts every request a post can provoke.

Through the CLI, no URL form reaching a loopback, private or link-local address may hit it,
online or offline. The fetcher's own limits (redirects re-checked, size cap, timeout, budget)
are tested in-process against servers on 127.0.0.2, which the policy is told to trust the way
a site would trust an intranet mirror; the beacon on 127.0.0.1 never is.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from hostile_kit import (
    assert_nothing_leaked,
    assert_well_behaved,
    make_site,
    pdf_images,
    pixel_bomb,
    png,
    run,
)

from presskit.output.pdf import FetchPolicy, Refused, fetch_http, make_fetcher, render_pdf


class Server:
    """A tiny HTTP server; `routes` maps a path to (status, headers, body or callable)."""

    def __init__(self, host: str) -> None:
        self.hits: list[str] = []
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.delay = 0.0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.hits.append(self.path)
                status, headers, body = server.routes.get(self.path, (200, {}, png(2, 2)))
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                if "Content-Length" not in headers and status == 200:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if server.delay:
                    time.sleep(server.delay)
                try:
                    self.wfile.write(body)
                except OSError:
                    return  # the client gave up, as it should

            def log_message(self, format: str, *args: object) -> None:
                return None

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://{host}:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def beacon() -> Iterator[Server]:
    server = Server("127.0.0.1")
    yield server
    server.close()


@pytest.fixture
def mirror() -> Iterator[Server]:
    server = Server("127.0.0.2")
    yield server
    server.close()


def trusting(*, offline: bool = False, **limits: Any) -> FetchPolicy:  # FetchPolicy's fields
    return FetchPolicy(
        roots=(), offline=offline, allowed_addresses=frozenset({"127.0.0.2"}), **limits
    )


# ---------------------------------------------------------------- through the CLI

URL_FORMS = [
    ("loopback-ip", "http://127.0.0.1:{port}/beacon.png", "local or private"),
    ("localhost-name", "http://localhost:{port}/beacon.png", "local or private"),
    ("decimal-ip", "http://2130706433:{port}/beacon.png", "local or private"),
    ("short-hex-ip", "http://0x7f.1:{port}/beacon.png", "local or private"),
    ("all-zeros", "http://0.0.0.0:{port}/beacon.png", "local or private"),
    ("ipv6-loopback", "http://[::1]:{port}/beacon.png", "local or private"),
    ("ipv4-mapped-ipv6", "http://[::ffff:127.0.0.1]:{port}/beacon.png", "local or private"),
    ("cloud-metadata-link-local", "http://169.254.169.254/latest/meta-data/", "local or private"),
    ("private-10", "http://10.1.2.3/x.png", "local or private"),
    ("https-loopback", "https://127.0.0.1:{port}/beacon.png", "local or private"),
    ("ftp-scheme", "ftp://127.0.0.1:{port}/beacon.png", "not shown"),
]


@pytest.mark.parametrize(("name", "url", "reason"), URL_FORMS, ids=[u[0] for u in URL_FORMS])
def test_image_urls_never_reach_local_addresses(beacon, tmp_path, name, url, reason):
    site = make_site(tmp_path)
    target = url.format(port=beacon.port)
    site.post.write_text(f"---\ntitle: Net\n---\n\n![x]({target})\n", encoding="utf-8")
    done = run("render", str(site.post), "-o", str(site.out))
    assert_well_behaved(done, site.post)
    assert done.returncode == 0
    assert reason in done.stderr, done.stderr
    assert beacon.hits == []
    assert_nothing_leaked(site.out)


@pytest.mark.parametrize("how", ["flag", "config"])
def test_offline_makes_no_request(beacon, tmp_path, how):
    site = make_site(tmp_path, "offline = true\n" if how == "config" else "")
    site.post.write_text(
        f"---\ntitle: Net\n---\n\n![x](http://127.0.0.1:{beacon.port}/b.png)\n"
        "![y](https://example.org/logo.png)\n",
        encoding="utf-8",
    )
    args = ["--offline"] if how == "flag" else []
    done = run("render", str(site.post), "-o", str(site.out), *args)
    assert_well_behaved(done, site.post)
    assert done.returncode == 0
    assert done.stderr.count("not fetched (offline)") == 2, done.stderr
    assert beacon.hits == []


def test_unsafe_html_image_to_beacon_is_refused(beacon, tmp_path):
    site = make_site(tmp_path, "unsafe_html = true\n")
    site.post.write_text(
        f'---\ntitle: Net\n---\n\n<img src="http://127.0.0.1:{beacon.port}/raw.png">\n',
        encoding="utf-8",
    )
    done = run("render", str(site.post), "-o", str(site.out))
    assert_well_behaved(done, site.post)
    assert done.returncode == 0
    assert beacon.hits == []


# ---------------------------------------------------------------- the fetcher's limits


def test_trusted_mirror_is_fetched(mirror):
    url, body, _ = fetch_http(f"{mirror.base}/ok.png", trusting())
    assert url.endswith("/ok.png") and body.startswith(b"\x89PNG")
    assert mirror.hits == ["/ok.png"]


def test_redirect_to_loopback_is_refused(mirror, beacon):
    mirror.routes["/go"] = (302, {"Location": f"{beacon.base}/beacon.png"}, b"")
    policy = trusting()
    with pytest.raises(Refused, match="local or private"):
        fetch_http(f"{mirror.base}/go", policy)
    assert mirror.hits == ["/go"]
    assert beacon.hits == []


def test_redirect_to_file_url_is_refused(mirror):
    mirror.routes["/go"] = (301, {"Location": "file:///etc/passwd"}, b"")
    with pytest.raises(Refused, match="redirect to file"):
        fetch_http(f"{mirror.base}/go", trusting())


def test_redirect_loop_ends(mirror):
    mirror.routes["/loop"] = (302, {"Location": "/loop"}, b"")
    with pytest.raises(Refused, match="redirects"):
        fetch_http(f"{mirror.base}/loop", trusting())
    assert len(mirror.hits) == 6


def test_size_cap_with_content_length(mirror):
    mirror.routes["/big"] = (200, {}, b"x" * 5000)
    with pytest.raises(Refused, match="larger than"):
        fetch_http(f"{mirror.base}/big", trusting(max_bytes=1024))


def test_size_cap_without_content_length(mirror):
    mirror.routes["/stream"] = (200, {"Content-Length": ""}, b"x" * 300_000)
    with pytest.raises(Refused, match="larger than"):
        fetch_http(f"{mirror.base}/stream", trusting(max_bytes=100_000))


def test_slow_server_times_out(mirror):
    mirror.delay = 5
    with pytest.raises(Refused, match="timed out"):
        fetch_http(f"{mirror.base}/slow", trusting(timeout=0.5))


def test_budget_per_post(mirror):
    mirror.routes["/half"] = (200, {}, b"x" * 600)
    policy = trusting(budget_bytes=1000)
    fetch_http(f"{mirror.base}/half", policy)
    with pytest.raises(Refused, match="budget"):
        fetch_http(f"{mirror.base}/half", policy)
    with pytest.raises(Refused, match="budget"):
        fetch_http(f"{mirror.base}/half", trusting(budget_seconds=0))


def test_pixel_bomb_over_http_is_refused(mirror):
    mirror.routes["/bomb.png"] = (200, {"Content-Type": "image/png"}, pixel_bomb())
    fetcher = make_fetcher(trusting())
    with pytest.raises(Refused, match="megapixel"):
        fetcher.fetch(f"{mirror.base}/bomb.png")


def test_offline_policy_refuses_even_trusted_hosts(mirror):
    fetcher = make_fetcher(trusting(offline=True))
    with pytest.raises(Refused, match="offline"):
        fetcher.fetch(f"{mirror.base}/ok.png")
    assert mirror.hits == []


def test_allowed_image_reaches_the_pdf(mirror, tmp_path: Path):
    html = f'<!DOCTYPE html><html><body><p>Hi</p><img src="{mirror.base}/p.png"></body></html>'
    mirror.routes["/p.png"] = (200, {"Content-Type": "image/png"}, png(9, 6))
    out = tmp_path / "net.pdf"
    result = render_pdf(html, out, base_url=tmp_path, policy=trusting())
    assert result.warnings == ()
    assert pdf_images(out) == [(9, 6)]
