"""`presskit preview` and `presskit build --watch`: rendering on save, what the server serves
(and refuses), and clean stops. Every server and process here is started by its test, on
127.0.0.1, and stopped by it whatever happens."""

from __future__ import annotations

import datetime as dt
import http.client
import io
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from presskit.preview import server as server_module
from presskit.preview.server import PreviewServer, serve
from presskit.preview.session import Session
from presskit.preview.watch import watch_roots

PNG = b"\x89PNG\r\n\x1a\n"


def write_post(folder: Path, title: str, body: str = "Hello from the first draft.\n") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    post = folder / "index.md"
    post.write_text(f'---\ntitle: "{title}"\ndate: 2024-05-01\n---\n\n{body}', encoding="utf-8")
    return post


def site(tmp_path: Path) -> Path:
    """A one-post site: presskit.toml with a brand colour, one English bundle."""
    root = tmp_path / "site"
    (root / "content/en/news").mkdir(parents=True)
    (root / "presskit.toml").write_text(
        'lang = "en"\noffline = true\n\n[brand]\nname = "Acme"\nprimary = "#1D3B6E"\n',
        encoding="utf-8",
    )
    write_post(root / "content/en/news/launch", "Launch day")
    return root


class Running:
    """A session and its server, serving on a thread; `stop()` ends both."""

    def __init__(self, session: Session, server: PreviewServer) -> None:
        self.session, self.server = session, server
        self.port = server.server_address[1]
        self.thread = threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True)

    def request(self, path: str, host: str | None = None) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
            connection.putheader("Host", host or f"127.0.0.1:{self.port}")
            connection.endheaders()
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def page(self, path: str) -> str:
        status, _headers, body = self.request(path)
        assert status == 200, (path, status, body[:200])
        return body.decode()

    def stop(self) -> None:
        self.session.stop.set()
        self.server.shutdown()
        self.server.server_close()
        self.session.close()


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    """The preview of the one post, first render done (the watcher on)."""
    root = site(tmp_path)
    session = Session([root / "content/en/news/launch/index.md"])
    session.log = lambda line: None
    live = Running(session, serve(session, "127.0.0.1", 0))
    try:
        live.thread.start()
        session.start()
        assert session.wait_idle(180)
        yield live
    finally:
        live.stop()
    assert not session.workdir.exists()


def wait_for(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def images(html: str) -> list[str]:
    return re.findall(r'<img src="([^"]+)"', html)


def test_a_post_is_shown_with_its_pages_and_downloads(running: Running) -> None:
    status, headers, _ = running.request("/")
    assert status == 303 and headers["Location"] == "/post/launch"
    html = running.page("/post/launch")
    assert "<h1>Launch day" in html and "rendered" in html
    assert "For immediate release" in html
    urls = images(html)
    assert urls, html
    status, headers, data = running.request(urls[0])
    assert status == 200 and headers["Content-Type"] == "image/png" and data.startswith(PNG)
    pdf = re.search(r'href="(/files/[^"]+\.pdf)"', html)
    assert pdf is not None
    status, headers, data = running.request(pdf.group(1))
    assert data.startswith(b"%PDF-") and "launch.pdf" in headers["Content-Disposition"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]


def test_the_word_file_is_made_on_its_first_download(running: Running) -> None:
    """Offered beside the PDF, made when asked for (not at every save), then served as made;
    a .docx URL the preview did not offer is not made."""
    import zipfile

    html = running.page("/post/launch")
    link = re.search(r'href="(/files/[^"]+\.docx)" download>launch\.docx<', html)
    assert link is not None, html
    url = link.group(1)
    made = running.session.offers[url].out
    assert not made.exists()  # the save did not pay for it
    status, headers, data = running.request(url)
    assert status == 200, data
    assert headers["Content-Type"].endswith("wordprocessingml.document")
    assert "launch.docx" in headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(data)) as docx:
        assert "Hello from the first draft." in docx.read("word/document.xml").decode()
    stamp = made.stat().st_mtime_ns
    assert running.request(url)[2] == data and made.stat().st_mtime_ns == stamp  # made once
    for other in (url.replace("launch.docx", "other.docx"), url.replace(".docx", ".odt"),
                  url.replace("/files/", "/files/9") , url + "/.."):  # fmt: skip
        assert running.request(other)[0] == 404, other


def _long_post_with_warnings(post: Path) -> None:
    """Three pages of body; warnings on the first page of it, on its last, and one (a
    shortcode between paragraphs that fall on two pages) that cannot be placed for sure."""
    body = ["First paragraph, marmalade and aardvark.\n", "{{< unknownthing >}}\n",
            "![A chart](chart.png)\n"]  # fmt: skip
    body += [
        f"Paragraph {i} of the release, with filler words that make the document long enough "
        f"to fill several pages when it is printed. Token zq{i}x.\n"
        for i in range(45)
    ]
    body += ["Last paragraph, pomegranate.\n", "![Missing](late.png)\n"]
    post.write_text(
        '---\ntitle: "Long"\ndate: 2024-05-01T10:00:00+08:00\ndateline: Xyzzyville\n---\n\n'
        + "\n".join(body),
        encoding="utf-8",
    )


def test_warnings_are_shown_beside_the_page_that_prints_their_line(tmp_path: Path) -> None:
    from conftest import pdftotext

    root = site(tmp_path)
    post = root / "content/en/news/launch/index.md"
    _long_post_with_warnings(post)
    session = Session([post])
    session.log = lambda line: None
    live = Running(session, serve(session, "127.0.0.1", 0))
    try:
        live.thread.start()
        session.start(watching=False)
        assert session.wait_idle(180)
        state = session.posts["launch"]
        assert state.good is not None
        html = live.page("/post/launch")
        source = post.read_text().splitlines()

        def line_of(text: str) -> int:
            return next(n for n, line in enumerate(source, 1) if text in line)

        pages = pdftotext(state.good.pdf).split("\f")  # poppler, page by page

        def page_of(token: str) -> int:
            return next(n for n, text in enumerate(pages, 1) if token in text)

        assert page_of("zq44x") > page_of("marmalade")  # the body spans pages
        asides = dict(re.findall(r'<aside class="warnings" id="warnings-page-(\d+)">(.*?)</aside>',
                                 html, re.S))  # fmt: skip
        first, last = str(page_of("marmalade")), str(page_of("pomegranate"))
        # beside the page, a warning names its line (the file is the post)
        assert f"line {line_of('chart.png')}: image chart.png" in asides[first]
        assert f"line {line_of('unknownthing')}: unsupported shortcode" in asides[first]
        assert f"line {line_of('late.png')}: image late.png" in asides[last]
        top = html.split('<section class="pages')[0]
        assert "Xyzzyville" in top and "Xyzzyville" not in "".join(asides.values())
        assert "other warnings" in top and "late.png" not in top
    finally:
        live.stop()


def test_pages_a_save_did_not_change_keep_their_images(tmp_path: Path) -> None:
    """An edit at the end of a long post: the cover and the pages before it are the same
    pixels, so they keep their PNG (not encoded again, not fetched again by the page), also
    after older renders are retired; the page that changed gets a new one."""
    root = site(tmp_path)
    post = root / "content/en/news/launch/index.md"
    _long_post_with_warnings(post)
    session = Session([post])
    session.log = lambda line: None
    live = Running(session, serve(session, "127.0.0.1", 0))
    try:
        live.thread.start()
        session.start(watching=False)
        assert session.wait_idle(180)
        first = images(live.page("/post/launch"))
        assert len(first) >= 4
        for word in ("quince", "medlar", "loquat"):  # more saves than revisions are kept
            post.write_text(post.read_text().replace("pomegranate", f"pomegranate {word}"))
            version = session.version
            session.saved({post})
            wait_for(lambda v=version: session.version > v + 1 and not session.busy, 120)
            now = images(live.page("/post/launch"))
            assert len(now) == len(first)
            assert now[:-1] == first[:-1]  # the same addresses: nothing new to fetch
            assert now[-1] != first[-1]
            for url in now:
                status, _headers, data = live.request(url)
                assert status == 200 and data.startswith(PNG)
        folders = {url.split("/")[2] for url in now}
        assert len(folders) == 2  # the first render's unchanged pages, the last one's page
    finally:
        live.stop()


def test_a_save_renders_again_and_a_failure_keeps_the_last_pages_marked_stale(
    running: Running,
) -> None:
    session = running.session
    post = session.paths[0]
    before = running.page("/post/launch")
    version = session.version
    write_post(post.parent, "Launch day, second draft")
    wait_for(lambda: session.version > version and not session.busy)
    after = running.page("/post/launch")
    assert "second draft" in after
    assert images(after) and images(after) != images(before)

    post.write_text("---\ntitle: [unclosed\n---\nText\n", encoding="utf-8")
    version = session.version
    wait_for(lambda: session.version > version and not session.busy)
    broken = running.page("/post/launch")
    assert 'class="badge stale"' in broken
    assert re.search(r"index\.md:\d+: ", broken), broken  # file:line: reason
    assert "last render that worked" in broken
    assert "<h1>Launch day, second draft" in broken  # the name it had, while it cannot be read
    assert images(broken) == images(after)  # the last good pages, still served
    assert running.request(images(broken)[0])[0] == 200


def test_a_save_during_a_render_supersedes_it(tmp_path: Path) -> None:
    """The build that was under way when the save came is never shown; the next one is."""
    root = site(tmp_path)
    post = root / "content/en/news/launch/index.md"
    session = Session([post])
    session.log = lambda line: None
    shown: list[str | None] = []
    publish, build = session._publish, session._build
    builds = 0

    def build_then_save(pool):
        nonlocal builds
        builds += 1
        result = build(pool)
        if builds == 1:  # the writer saves again while this build runs
            write_post(post.parent, "Superseding draft")
            session.saved({post})
        return result

    def record(result, *args):
        shown.append(result.documents[0].title if result else None)
        publish(result, *args)

    # why the ignore below: the test swaps the session's methods for recording ones
    session._build, session._publish = build_then_save, record  # type: ignore[method-assign]
    with session:
        session.start(watching=False)
        wait_for(lambda: builds >= 2 and not session.busy, 180)
        assert shown == ["Superseding draft"]
        assert session.posts["launch"].title == "Superseding draft"


def test_saving_the_config_renders_again(running: Running) -> None:
    session = running.session
    running.page("/post/launch")
    first = session.posts["launch"].good
    config = session.paths[0].parents[4] / "presskit.toml"
    assert config.resolve() in session.roots().files
    version = session.version
    config.write_text(config.read_text().replace("#1D3B6E", "#B3261E"), encoding="utf-8")
    wait_for(lambda: session.version > version and not session.busy)
    good = session.posts["launch"].good
    assert good is not None and first is not None and good.sha256 != first.sha256


def test_watch_roots_cover_config_theme_and_brand(tmp_path: Path) -> None:
    root = site(tmp_path)
    (root / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    config = root / "presskit.toml"
    config.write_text(config.read_text() + 'logo = "logo.svg"\n')
    post = root / "content/en/news/launch/index.md"
    roots = watch_roots([post])
    assert post.parent.resolve() in roots.folders  # the bundle, images and all
    assert config.resolve() in roots.files and (root / "logo.svg").resolve() in roots.files
    assert any((folder / "page.html.j2").is_file() for folder in roots.folders)  # the theme


def test_watch_roots_cover_the_hugo_sites_inputs(tmp_path: Path) -> None:
    root = site(tmp_path)
    (root / "hugo.toml").write_text('baseURL = "https://example.org/"\n', encoding="utf-8")
    for folder in ("data", "layouts/shortcodes", "content/boilerplates"):
        (root / folder).mkdir(parents=True)
    roots = watch_roots([root / "content/en/news/launch/index.md"])
    assert (root / "hugo.toml").resolve() in roots.files
    for folder in ("data", "layouts/shortcodes", "content/boilerplates"):
        assert (root / folder).resolve() in roots.folders, folder


def _embargoed_site(tmp_path: Path, moment: dt.datetime) -> Path:
    root = site(tmp_path)
    post = root / "content/en/news/launch/index.md"
    post.write_text(
        f'---\ntitle: "Launch day"\ndate: 2024-05-01\nembargo: {moment.isoformat()}\n---\n\n'
        "Hello from the first draft.\n",
        encoding="utf-8",
    )
    return post


def _pdf_text(live: Running) -> str:
    from conftest import pdftotext

    good = live.session.posts["launch"].good
    assert good is not None
    return pdftotext(good.pdf).casefold()  # the theme prints the line in capitals


def test_the_pages_change_by_themselves_when_the_embargo_lifts(tmp_path: Path) -> None:
    """Nobody saves: the embargo lifts, and the preview renders the post again (the build
    counts which side of the embargo it is on as an input), badge and pages alike."""
    post = _embargoed_site(tmp_path, dt.datetime.now(dt.UTC) + dt.timedelta(seconds=6))
    session = Session([post])
    session.log = lambda line: None
    live = Running(session, serve(session, "127.0.0.1", 0))
    try:
        live.thread.start()
        session.start(watching=False)  # no watcher: nothing but the clock can start a build
        assert session.wait_idle(180)
        state = session.posts["launch"]
        assert state.embargoed, state
        first = state.good
        assert 'class="badge embargoed">Embargoed until' in live.page("/post/launch")
        assert "embargoed until" in _pdf_text(live)
        version = session.version
        wait_for(lambda: session.version > version + 1 and not session.busy, 120)
        state = session.posts["launch"]
        assert not state.embargoed and state.embargo == "For immediate release"
        assert state.good is not None and first is not None and state.good.sha256 != first.sha256
        html = live.page("/post/launch")
        assert "For immediate release" in html and "Embargoed until" not in html
        assert "for immediate release" in _pdf_text(live)
    finally:
        live.stop()


def test_the_preview_judges_the_embargo_by_its_clock(tmp_path: Path) -> None:
    """An injected clock reaches the render in the worker, not only the badge."""
    lifts = dt.datetime(2031, 3, 1, 9, 0, tzinfo=dt.UTC)
    post = _embargoed_site(tmp_path, lifts)
    clock = [lifts - dt.timedelta(minutes=1)]
    session = Session([post], clock=lambda: clock[0])
    session.log = lambda line: None
    live = Running(session, serve(session, "127.0.0.1", 0))
    try:
        live.thread.start()
        session.start(watching=False)
        assert session.wait_idle(180)
        assert session.posts["launch"].embargoed and "embargoed until" in _pdf_text(live)
        clock[0] = lifts  # the loop's timer sees it is time
        version = session.version
        session.saved(set())
        wait_for(lambda: session.version > version + 1 and not session.busy, 120)
        assert not session.posts["launch"].embargoed
        assert "for immediate release" in _pdf_text(live)
    finally:
        live.stop()


# ------------------------------------------------------------------ what the server refuses


TRAVERSALS = [
    "/files/../build/manifest.json",
    "/files/%2e%2e/build/manifest.json",
    "/files/1/../../build/manifest.json",
    "/files/1/..%2f..%2fbuild%2fmanifest.json",
    "/files/",
    "/files/1/",
    "/files",
    "/post/../../etc/passwd",
    "/post/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/static/../session.py",
    "/static/",
    "//etc/passwd",
    "/etc/passwd",
    "/build/manifest.json",
    "/kit",
]


def test_only_what_was_rendered_is_served(running: Running) -> None:
    html = running.page("/post/launch")
    served = images(html)[0]
    for path in [*TRAVERSALS, served + "/..", served + "%00", served.replace("page-1", "page-0")]:
        status, _headers, body = running.request(path)
        assert status == 404, (path, status)
        assert b"root:" not in body and b"documents" not in body
    # the workdir holds files that were never listed: the build's own PDF and manifest
    assert (running.session.workdir / "build" / "manifest.json").is_file()


def test_absolute_form_requests_and_foreign_hosts_are_refused(running: Running) -> None:
    with socket.create_connection(("127.0.0.1", running.port), timeout=10) as raw:
        raw.sendall(b"GET http://127.0.0.1/etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert raw.recv(200).startswith(b"HTTP/1.1 400")
    # a site the writer visits, resolving its own name to 127.0.0.1 (DNS rebinding)
    status, _headers, _body = running.request("/post/launch", host="attacker.example:80")
    assert status == 421
    assert running.request("/post/launch", host=f"localhost:{running.port}")[0] == 200


def test_a_title_cannot_script_the_preview(running: Running) -> None:
    session = running.session
    version = session.version
    write_post(session.paths[0].parent, "<script>alert(1)</script><img src=x onerror=alert(2)>")
    wait_for(lambda: session.version > version and not session.busy)
    html = running.page("/post/launch")
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_binds_loopback_only_by_default(running: Running) -> None:
    assert running.server.server_address[0] == "127.0.0.1"
    other = _non_loopback_address()
    if other is not None:  # the same port on another of the machine's addresses: nothing
        with pytest.raises(OSError):
            socket.create_connection((other, running.port), timeout=2).close()


def _non_loopback_address() -> str | None:
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks a route
        address = probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()
    return None if address.startswith("127.") else address


def test_a_post_cannot_reach_the_preview_server(tmp_path: Path, monkeypatch) -> None:
    """An image URL at the preview itself is refused by the render's network policy: the
    server never sees the request, and the page says why."""
    seen: list[str] = []
    respond = server_module.Handler.respond

    def recording(self, *, head: bool) -> None:
        seen.append(self.path)
        respond(self, head=head)

    monkeypatch.setattr(server_module.Handler, "respond", recording)
    root = site(tmp_path)
    config = root / "presskit.toml"
    config.write_text(config.read_text().replace("offline = true", "offline = false"))
    post = root / "content/en/news/launch/index.md"
    session = Session([post])
    session.log = lambda line: None
    live = Running(session, serve(session, "127.0.0.1", 0))
    try:
        live.thread.start()
        port = live.port
        write_post(
            post.parent,
            "Beacon",
            f"![a](http://127.0.0.1:{port}/files/1/page-1.png?from-post)\n\n"
            f"![b](http://localhost:{port}/?from-post)\n\n"
            f"![c](http://[::1]:{port}/?from-post)\n",
        )
        session.start(watching=False)
        assert session.wait_idle(180)
        html = live.page("/post/launch")
        assert not [path for path in seen if "from-post" in path], seen
        assert html.count("is a local or private address") >= 2, html
    finally:
        live.stop()


# ------------------------------------------------------------------ the commands


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pids: set[int]) -> list[str]:
    """The processes of `pids` still running (a zombie waiting for its parent counts)."""
    alive = []
    for pid in pids:
        try:
            alive.append(Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace"))
        except OSError:
            continue
    return alive


def _read_until(process: subprocess.Popen[str], pattern: str, lines: list[str]) -> str:
    """Lines of the process's output until one matches (a thread reads, so this can time out)."""
    assert process.stdout is not None
    found = threading.Event()
    match: list[str] = []

    def reader() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if re.search(pattern, line) and not match:
                match.append(line)
                found.set()
                return
        found.set()

    threading.Thread(target=reader, daemon=True).start()
    assert found.wait(180), "".join(lines)
    assert match, "".join(lines)
    return match[0]


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[list[subprocess.Popen[str]]]:
    """Processes a test starts; killed at the end if the test did not stop them."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(30)


def test_preview_command_prints_its_url_and_stops_cleanly_on_ctrl_c(tmp_path, spawn) -> None:
    root = site(tmp_path)
    temp = tmp_path / "tmp"
    temp.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "presskit", "preview", "--port", "0",
         str(root / "content/en/news/launch/index.md")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "TMPDIR": str(temp)},
    )  # fmt: skip
    spawn.append(process)
    lines: list[str] = []
    url = _read_until(process, r"http://127\.0\.0\.1:\d+/", lines)
    # why the ignore below: no match fails the test (AttributeError) as an assert would
    port = int(re.search(r":(\d+)/", url).group(1))  # type: ignore[union-attr]
    assert port != 0
    _read_until(process, r"rendered  launch\.pdf", lines)
    workers = _children(process.pid)
    workers |= {pid for child in workers for pid in _children(child)}  # forked from its server
    assert workers and list(temp.glob("presskit-preview-*"))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/post/launch")
    assert connection.getresponse().status == 200
    connection.close()
    process.send_signal(signal.SIGINT)
    assert process.wait(60) == 0
    # why the ignore below: stdout is a pipe (Popen(stdout=PIPE)), never None
    assert "stopped" in process.stdout.read()  # type: ignore[union-attr]
    deadline = time.monotonic() + 10
    while _alive(workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(workers)  # the worker, and multiprocessing's resource tracker
    # Jinja's compiled-template cache is meant to outlive the run; the preview's files are not
    assert [p.name for p in temp.iterdir() if not p.name.startswith("_jinja2-cache")] == []


def test_preview_warns_when_listening_beyond_loopback(tmp_path, spawn) -> None:
    root = site(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "presskit", "preview", "--host", "0.0.0.0", "--port", "0",
         str(root / "content/en/news/launch/index.md")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    spawn.append(process)
    lines: list[str] = []
    _read_until(process, r"previewing", lines)
    assert any("warning: listening on 0.0.0.0" in line for line in lines), lines
    process.send_signal(signal.SIGTERM)
    assert process.wait(60) == 0


def _build_watch(root: Path, out: Path, spawn: list) -> tuple[subprocess.Popen, list[str]]:
    """`presskit build --watch` on the site's content, its first build's lines read."""
    process = subprocess.Popen(
        [sys.executable, "-m", "presskit", "build", str(root / "content"), "-o", str(out),
         "--watch", "-j", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    spawn.append(process)
    lines: list[str] = []
    _read_until(process, r"watching for changes", lines)
    return process, lines


def test_build_watch_rebuilds_what_changed_with_the_lines_of_a_build(tmp_path, spawn) -> None:
    root = site(tmp_path)
    write_post(root / "content/en/news/other", "Other news")
    process, lines = _build_watch(root, tmp_path / "out", spawn)
    first = "".join(lines)
    assert "2 posts, 2 to render" in first and "built 2, unchanged 0, failed 0" in first
    lines.clear()
    write_post(root / "content/en/news/other", "Other news, corrected")
    _read_until(process, r"watching for changes", lines)
    second = "".join(lines)
    assert "2 posts, 1 to render" in second
    assert re.search(r"^built     en/news/other\.pdf \(\d+ pages?\)$", second, re.M)
    assert "built 1, unchanged 1, failed 0" in second
    process.send_signal(signal.SIGINT)
    assert process.wait(60) == 0


def test_build_watch_rebuilds_a_post_when_its_embargo_lifts(tmp_path, spawn) -> None:
    lifts = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=8)
    root = _embargoed_site(tmp_path, lifts).parents[4]
    write_post(root / "content/en/news/other", "Other news")
    process, lines = _build_watch(root, tmp_path / "out", spawn)
    assert "built 2, unchanged 0" in "".join(lines)
    lines.clear()
    _read_until(process, r"watching for changes", lines)  # nobody saved
    second = "".join(lines)
    assert dt.datetime.now(dt.UTC) >= lifts and "an embargo lifted" in second
    assert re.search(r"^built     en/news/launch\.pdf", second, re.M)
    assert "built 1, unchanged 1, failed 0" in second
    process.send_signal(signal.SIGINT)
    assert process.wait(60) == 0


def test_a_folder_lists_its_posts_with_their_status_and_the_kit(tmp_path: Path) -> None:
    root = site(tmp_path)
    write_post(root / "content/en/news/other", "Other news")
    broken = root / "content/en/news/broken/index.md"
    broken.parent.mkdir(parents=True)
    broken.write_text("---\ntitle: Broken\ndate: 2024-02-31\n---\nText\n", encoding="utf-8")
    session = Session([root / "content"], kit="press-kit", jobs=1)
    session.log = lambda line: None
    live = Running(session, serve(session, "127.0.0.1", 0))
    try:
        live.thread.start()
        session.start(watching=False)
        assert session.wait_idle(180)
        index = live.page("/")
        assert index.count('class="badge rendered"') >= 3  # two posts and the kit
        assert 'href="/post/en/news/other">Other news</a>' in index
        failed = r'class="badge failed".*broken/index\.md:3: invalid date'
        assert re.search(failed, index, re.S), index
        assert not images(index)  # pages are made when a post is opened
        kit = live.page("/kit")
        assert len(images(kit)) >= 3 and 'href="/files/' in kit and "press-kit.zip" in kit
        status, _headers, data = live.request(re.findall(r'href="(/files/[^"]+\.zip)"', kit)[0])
        assert status == 200 and data.startswith(b"PK")
        post = live.page("/post/en/news/other")
        assert images(post) and "Other news" in post
        # the post's page offers its kit too
        assert re.search(r'press kit: <a href="/files/[^"]+/press-kit\.pdf" download>', post)
        assert re.search(r'<a href="/files/[^"]+/press-kit\.zip" download>', post)
    finally:
        live.stop()


def test_a_page_opened_before_the_first_render_waits_for_it(tmp_path: Path) -> None:
    root = site(tmp_path)
    session = Session([root / "content/en/news/launch/index.md"])
    live = Running(session, serve(session, "127.0.0.1", 0))
    try:
        live.thread.start()  # the session is not started: nothing has rendered
        status, headers, _body = live.request("/")
        assert status == 303 and headers["Location"] == "/post/launch"
        html = live.page("/post/launch")
        assert 'class="badge waiting"' in html and '<body class="busy">' in html
    finally:
        live.stop()


RECORDER = """#!/bin/sh
printf '%s\\n' "$@" >> "{log}"
"""


def _recorder(folder: Path, name: str, log: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / name
    script.write_text(RECORDER.format(log=log), encoding="utf-8")
    script.chmod(0o755)
    return script


def _preview_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a terminal session with no display: a browser only if named."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("BROWSER", "DISPLAY", "WAYLAND_DISPLAY")
    }
    return {**env, "TERM": "xterm", **extra}


def test_open_starts_the_browser_named_by_BROWSER(tmp_path, spawn) -> None:
    root = site(tmp_path)
    log = tmp_path / "opened.txt"
    browser = _recorder(tmp_path / "bin", "my-browser", log)
    process = subprocess.Popen(
        [sys.executable, "-m", "presskit", "preview", "--port", "0", "--open",
         str(root / "content/en/news/launch/index.md")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=_preview_env(tmp_path, BROWSER=str(browser)),
    )  # fmt: skip
    spawn.append(process)
    lines: list[str] = []
    # why the ignore below: no match fails the test (AttributeError) as an assert would
    url = re.search(r"http://\S+", _read_until(process, r"previewing", lines)).group(0)  # type: ignore[union-attr]
    wait_for(lambda: log.is_file() and log.read_text().strip() != "", 60)
    assert log.read_text().split() == [url]  # once, the URL the preview printed
    process.send_signal(signal.SIGINT)
    assert process.wait(60) == 0


def test_open_without_a_browser_says_so_and_keeps_serving(tmp_path, spawn) -> None:
    """No display and no $BROWSER: Python's webbrowser would fall back to a terminal browser
    (www-browser, lynx, w3m), which would take over the terminal the preview prints to and
    reads Ctrl-C from. None is started; the preview says where to go and serves on."""
    root = site(tmp_path)
    log = tmp_path / "opened.txt"
    bin_dir = tmp_path / "bin"
    for name in ("www-browser", "lynx", "w3m", "xdg-open"):
        _recorder(bin_dir, name, log)
    env = _preview_env(tmp_path)
    env["PATH"] = os.pathsep.join([str(bin_dir), env.get("PATH", "")])
    process = subprocess.Popen(
        [sys.executable, "-m", "presskit", "preview", "--port", "0", "--open",
         str(root / "content/en/news/launch/index.md")],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )  # fmt: skip
    spawn.append(process)
    lines: list[str] = []
    # why the ignore below: no match fails the test (AttributeError) as an assert would
    url = re.search(r"http://\S+", _read_until(process, r"previewing", lines)).group(0)  # type: ignore[union-attr]
    _read_until(process, r"no browser to open here", lines)
    assert url in lines[-1]
    _read_until(process, r"rendered  launch\.pdf", lines)
    port = int(url.rsplit(":", 1)[1].strip("/"))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/post/launch")
    assert connection.getresponse().status == 200
    connection.close()
    process.send_signal(signal.SIGINT)
    assert process.wait(60) == 0
    assert not log.exists()  # no terminal browser was started


def test_a_client_that_leaves_mid_answer_prints_no_traceback(capsys) -> None:
    # socketserver prints the traceback of a handler's error; a reset connection (a closed
    # tab) is the client's doing, a bug is still shown
    server = object.__new__(PreviewServer)
    try:
        raise ConnectionResetError(104, "Connection reset by peer")
    except ConnectionResetError:
        server.handle_error(None, ("127.0.0.1", 1))
    assert capsys.readouterr().err == ""
    try:
        raise ValueError("a bug")
    except ValueError:
        server.handle_error(None, ("127.0.0.1", 1))
    assert "ValueError: a bug" in capsys.readouterr().err
