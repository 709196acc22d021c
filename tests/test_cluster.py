"""`presskit build` on Dask: a `LocalCluster`, and a real scheduler with real workers.

The real cluster is started by the tests themselves (`dask scheduler`, `dask worker` on
127.0.0.1) and stopped even when a test fails. Workers have no shared disk with the build in
spirit: every file they render from is shipped (they happen to run on this machine, so the
tests also check that a post cannot reach the worker's own files).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, SAMPLE_EN, SAMPLE_ZH

pytest.importorskip("distributed")

from presskit.batch.builder import build
from presskit.batch.executors import choose
from presskit.errors import PresskitError

FAKE = "build_hooks:fake_render"
TESTS = Path(__file__).resolve().parent
DASK = Path(sys.executable).parent / "dask"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
# one pixel, grey: enough for WeasyPrint to embed an image
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082"
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def fake_posts(root: Path, names: list[str]) -> Path:
    for name in names:
        write(root / f"{name}/index.md", f"---\ntitle: {name}\ndate: 2024-05-01\n---\n\nText.\n")
    return root


def manifest(out: Path) -> dict[str, dict]:
    data = json.loads((out / "manifest.json").read_text("utf-8"))
    return {doc["source"]: doc for doc in data["documents"]}


# --------------------------------------------------------------------------- choosing


def test_the_executor_follows_the_options_and_the_environment(monkeypatch):
    monkeypatch.delenv("PRESSKIT_SCHEDULER", raising=False)
    assert choose(None, None) == ("local", None)
    assert choose("dask-local", None) == ("dask-local", None)
    assert choose(None, "tcp://h:8786") == ("dask", "tcp://h:8786")
    monkeypatch.setenv("PRESSKIT_SCHEDULER", "tcp://env:8786")
    assert choose(None, None) == ("dask", "tcp://env:8786")
    assert choose("local", None) == ("local", None)  # an explicit executor wins
    with pytest.raises(PresskitError, match="needs --scheduler"):
        monkeypatch.delenv("PRESSKIT_SCHEDULER")
        choose("dask", None)


def test_an_unreachable_scheduler_is_one_line(tmp_path, monkeypatch):
    import presskit.batch.cluster

    monkeypatch.setattr(presskit.batch.cluster, "CONNECT_TIMEOUT", 2.0)
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    root = fake_posts(tmp_path / "c", ["one"])
    with pytest.raises(PresskitError) as caught:
        build([root], tmp_path / "out", runner=FAKE, scheduler=f"tcp://127.0.0.1:{port}")
    message = str(caught.value)
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:" in message
    assert "\n" not in message


# --------------------------------------------------------------------------- LocalCluster


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path]:
    """Real posts with everything a worker must be sent: a logo, a brand font, a theme folder
    of the user's, a post outside a bundle with an image beside it, a Hugo site's `static/`
    image, and references to files no post may read."""
    site = tmp_path / "site"
    content = site / "content"
    for sample in (SAMPLE_ZH, SAMPLE_EN):
        rel = sample.relative_to(SAMPLE_ZH.parents[4])
        shutil.copy(sample, write(content / rel, ""))
    (site / "static/img").mkdir(parents=True)
    (site / "static/img/dot.png").write_bytes(PNG)
    write(
        content / "en/news/plain.md",
        "---\ntitle: Plain\ndate: 2024-01-02\n---\n\n"
        "![beside](dot.png) ![static](/img/dot.png)\n\n"
        "![outside](../../../outside.png) ![system](file:///etc/hostname)\n",
    )
    (content / "en/news/dot.png").write_bytes(PNG)
    (site / "outside.png").write_bytes(PNG)  # on this disk, outside the post's folder
    brand = tmp_path / "brand"
    shutil.copy(ROOT / "examples/logo.svg", write(brand / "logo.svg", ""))
    theme = brand / "theme"
    write(theme / "theme.toml", 'extends = "default"\n')
    write(theme / "press.css", "h1 { letter-spacing: 0.02em; }\n")
    fonts = ""
    if DEJAVU.is_file():
        shutil.copy(DEJAVU, write(brand / "fonts/BrandSerif.ttf", ""))
        fonts = (
            '[brand.fonts]\nbody = ["Brand Serif"]\n'
            '[[brand.font_files]]\nfamily = "Brand Serif"\npath = "fonts/BrandSerif.ttf"\n'
        )
    config = write(
        brand / "presskit.toml",
        'theme = "theme"\nlink_notes = false\n[brand]\nname = "Istio"\nlogo = "logo.svg"\n' + fonts,
    )
    return content, config


def test_the_local_cluster_s_workers_are_warm_and_quiet_when_it_is_up(monkeypatch):
    """Warm before they join (not after the client sends a plugin), forked from a fork server
    that imported what they need, without what only a dashboard would look at (the sampling
    profiler) or Dask's malloc tuning: the local pool's conditions. Nothing is left running."""
    import dask
    import psutil  # type: ignore[import-untyped]  # (a dependency of distributed)
    from build_hooks import imported

    from presskit.batch.cluster import DaskExecutor

    monkeypatch.setenv("PRESSKIT_TEST_PARENT", "1")

    def children() -> set[str]:  # multiprocessing's resource tracker lives as long as we do
        found = psutil.Process().children(recursive=True)
        return {" ".join(c.cmdline()) for c in found if "resource_tracker" not in str(c.cmdline())}

    before = children()
    executor = DaskExecutor(2, None)
    with executor:
        client = executor._ready()
        assert set(client.run(imported, "weasyprint").values()) == {True}
        profiling = client.run(dask.config.get, "distributed.worker.profile.enabled")
        assert set(profiling.values()) == {False}
        trim = client.run(os.environ.get, "MALLOC_TRIM_THRESHOLD_")
        assert set(trim.values()) == {None}
        assert set(client.run(os.environ.get, "PRESSKIT_TEST_PARENT").values()) == {"1"}
        [server] = set(client.run(os.getppid).values())
        assert server != os.getpid()
        assert psutil.Process(server).ppid() == os.getpid()
    assert children() <= before


def test_a_fork_server_already_running_is_used_and_left_running(monkeypatch):
    """multiprocessing has one fork server per process: one started before the cluster is not
    ours to stop, and its environment is older than the build's: the workers still get the
    build's (the nanny hands it over)."""
    from multiprocessing import forkserver

    from presskit.batch.cluster import DaskExecutor

    forkserver.ensure_running()
    server: Any = forkserver._forkserver  # (its state is private: typeshed lists none of it)
    theirs = server._forkserver_pid
    monkeypatch.setenv("PRESSKIT_TEST_LATER", "1")
    try:
        executor = DaskExecutor(1, None)
        with executor:
            client = executor._ready()
            assert set(client.run(os.getppid).values()) == {theirs}
            assert set(client.run(os.environ.get, "PRESSKIT_TEST_LATER").values()) == {"1"}
        assert server._forkserver_pid == theirs
        os.kill(theirs, 0)  # still running
    finally:
        server._stop()


def test_dask_local_pdfs_are_byte_identical_to_the_local_pool(site, tmp_path):
    content, config = site
    local = build([content], tmp_path / "local", config=config, jobs=2, offline=True)
    dask = build(
        [content], tmp_path / "dask", config=config, jobs=2, offline=True, executor="dask-local"
    )
    assert local.ok and dask.ok, [d.error for d in local.failed + dask.failed]
    assert local.count("built") == dask.count("built") == 3
    for doc in local.documents:
        ours = (tmp_path / "local" / doc.output).read_bytes()
        theirs = (tmp_path / "dask" / doc.output).read_bytes()
        assert ours == theirs, doc.output
    # the same record: pages, digests, warnings (in the parent's paths), files read
    assert manifest(tmp_path / "local") == manifest(tmp_path / "dask")
    plain = manifest(tmp_path / "dask")["en/news/plain.md"]
    refusals = [w for w in plain["warnings"] if "refused" in w]
    assert any("outside.png" in w for w in refusals), plain["warnings"]
    assert any("/etc/hostname" in w for w in plain["warnings"]), plain["warnings"]
    assert "dot.png" in plain["depends"]
    # the images it may read reached the worker (on demand): two images drawn, not refused
    assert not [w for w in plain["warnings"] if "dot.png" in w and "outside" not in w]

    # nothing changed: nothing is sent to the cluster again
    again = build(
        [content], tmp_path / "dask", config=config, jobs=2, offline=True, executor="dask-local"
    )
    assert again.count("unchanged") == 3


def test_the_kit_is_assembled_from_sections_laid_out_on_the_cluster(site, tmp_path):
    from conftest import pdftotext

    site_content, config = site
    # the two posts whose files all travel up front (a missing image is a placeholder, on
    # the cluster as here, before any worker asks for it: not what this test is about)
    content = tmp_path / "posts"
    for source in site_content.rglob("index.md"):
        shutil.copy(source, write(content / source.relative_to(site_content), ""))
    options = dict(config=config, jobs=2, offline=True, kit="kit")
    local = build([content], tmp_path / "local", **options)
    dask = build([content], tmp_path / "dask", executor="dask-local", **options)
    assert local.ok and dask.ok, (dask.kit_error, [d.error for d in dask.failed])
    # each section laid out by the worker that rendered its post, on the cluster
    assert dask.kit_sections_rendered == 2 and dask.kit_sections_reused == 0
    ours = pdftotext(tmp_path / "dask/kit.pdf").split("\f")
    assert ours == pdftotext(tmp_path / "local/kit.pdf").split("\f")
    assert len(ours) - 1 == (dask.kit_pages or 0) >= 5 and "Page 2 of" in ours[1]
    # sections the kit lacks (their posts unchanged) are laid out by the kit, on the cluster
    shutil.rmtree(tmp_path / "dask/.presskit-kit")
    (tmp_path / "dask/kit.pdf").unlink()
    again = build([content], tmp_path / "dask", executor="dask-local", **options)
    assert again.ok and again.count("unchanged") == 2, again.kit_error
    assert again.kit_sections_rendered == 2
    assert pdftotext(tmp_path / "dask/kit.pdf").split("\f") == ours


def test_on_dask_a_crashing_or_hanging_post_fails_alone(tmp_path):
    root = fake_posts(tmp_path / "c", ["a", "b", "crash", "hang", "c"])
    result = build([root], tmp_path / "out", runner=FAKE, jobs=2, timeout=4, executor="dask-local")
    docs = {doc.source: doc for doc in result.documents}
    assert {s for s, d in docs.items() if d.status == "built"} == {
        "a/index.md",
        "b/index.md",
        "c/index.md",
    }, [d.error for d in result.failed]
    assert "worker died while rendering it" in (docs["crash/index.md"].error or "")
    assert "timed out after 4 s" in (docs["hang/index.md"].error or "")
    assert manifest(tmp_path / "out")["a/index.md"]["status"] == "built"


# --------------------------------------------------------------------------- real processes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """`dask scheduler` and `dask worker`s on 127.0.0.1, as separate processes."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.address = f"tcp://127.0.0.1:{free_port()}"
        self.scheduler: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []
        self.env = dict(os.environ)
        # `build_hooks` (the fake renderer) must be importable on the workers
        self.env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(TESTS), os.environ.get("PYTHONPATH")])
        )
        # the scheduler as README "Beyond one machine" sets it up
        self.env["DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES"] = "0"
        self.env["DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION"] = "1.0"

    def _spawn(self, *args: str, log: str, env: dict[str, str] | None = None) -> subprocess.Popen:
        stream = open(self.tmp / log, "wb")  # noqa: SIM115 - closed with the process
        return subprocess.Popen(
            [str(DASK), *args],
            env={**self.env, **(env or {})},
            stdout=stream,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start(self, workers: int, env: dict[int, dict[str, str]] | None = None) -> None:
        """`env`: more variables for some workers (by number)."""
        port = self.address.rsplit(":", 1)[1]
        self.scheduler = self._spawn(
            "scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard", log="sched.log"
        )
        for n in range(workers):
            self.workers.append(
                self._spawn(
                    "worker",
                    self.address,
                    "--nthreads",
                    "1",
                    "--no-nanny",
                    "--no-dashboard",
                    "--host",
                    "127.0.0.1",
                    "--name",
                    f"w{n}",
                    log=f"worker{n}.log",
                    env=(env or {}).get(n),
                )
            )
        from distributed import Client

        with Client(self.address, timeout=60) as client:
            client.wait_for_workers(workers, timeout=120)

    def stop(self) -> None:
        for process in [*self.workers, self.scheduler]:
            if process is not None and process.poll() is None:
                process.kill()
        for process in [*self.workers, self.scheduler]:
            if process is not None:
                process.wait(10)


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    running = Cluster(tmp_path)
    try:
        yield running
    finally:
        running.stop()


def logged(log: Path) -> list[tuple[str, int]]:
    if not log.exists():
        return []
    rows = [line.split("\t") for line in log.read_text("utf-8").splitlines()]
    return [(Path(path).parent.name, int(pid)) for path, pid, *_fmt in rows]


def build_in_thread(**kwargs) -> tuple[threading.Thread, dict]:
    outcome: dict = {}

    def target() -> None:
        try:
            outcome["result"] = build(**kwargs)
        except PresskitError as error:
            outcome["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    return thread, outcome


def test_a_real_cluster_finishes_the_build_when_a_worker_is_killed(cluster, tmp_path, monkeypatch):
    log = tmp_path / "renders.log"
    monkeypatch.setenv("BUILD_HOOKS_LOG", str(log))
    cluster.env["BUILD_HOOKS_LOG"] = str(log)
    cluster.start(workers=2)
    names = [f"slow-{n:02d}" for n in range(12)]
    root = fake_posts(tmp_path / "c", names)
    thread, outcome = build_in_thread(
        paths=[root], outdir=tmp_path / "out", runner=FAKE, scheduler=cluster.address
    )
    deadline = time.monotonic() + 120
    while len({pid for _, pid in logged(log)}) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)  # both workers at work
    victim = cluster.workers[0]
    os.killpg(victim.pid, signal.SIGKILL)
    thread.join(180)
    assert not thread.is_alive()
    assert "error" not in outcome, outcome.get("error")
    result = outcome["result"]
    assert result.count("built") == 12, [d.error for d in result.failed]
    renders = logged(log)
    pids = {pid for _, pid in renders}
    assert len(pids) == 2  # the killed worker rendered some, the other the rest
    assert {name for name, _ in renders} == set(names)
    assert all(doc["status"] == "built" for doc in manifest(tmp_path / "out").values())
    for name in names:  # the parent wrote every PDF
        assert (tmp_path / "out" / f"{name}.pdf").read_bytes().startswith(b"%PDF-1.7 fake")
    # README: presskit leaves the cluster as it found it (the warm-up plugin stayed, audit14)
    from distributed import Client

    with Client(cluster.address, timeout=30) as client:
        plugins = client.run_on_scheduler(
            lambda dask_scheduler: list(dask_scheduler.worker_plugins)
        )
    assert not [name for name in plugins if name.startswith("presskit")], plugins


def test_on_a_real_cluster_a_crashing_post_fails_alone(cluster, tmp_path):
    """A worker holds one post at a time (README: `worker-saturation` 1.0), so a post that
    kills its worker takes no other post with it. With Dask's default (1.1: two posts on a
    worker of one thread), the post waiting behind it died with it, twice, and failed as
    'its worker died while rendering it (tried twice)' in about half the runs (audit14)."""
    cluster.start(workers=2)
    names = [f"slow-{n:02d}" for n in range(10)]
    root = fake_posts(tmp_path / "c", [*names, "slow-crash"])
    result = build([root], tmp_path / "out", runner=FAKE, scheduler=cluster.address)
    docs = {doc.source: doc for doc in result.documents}
    assert [s for s, d in docs.items() if d.status == "failed"] == ["slow-crash/index.md"], [
        d.error for d in result.failed
    ]
    assert "its worker died while rendering it (tried twice)" in (
        docs["slow-crash/index.md"].error or ""
    )


def test_a_cluster_left_without_workers_ends_the_build_in_one_line(cluster, tmp_path):
    """Workers without a nanny do not come back: a post that killed the last one left the
    build waiting for a worker forever, without a word (audit14). It waits as long as a post
    may take (`--timeout`, at least 10 s: a nanny's restart), then ends as for a lost
    scheduler."""
    cluster.start(workers=1)
    root = fake_posts(tmp_path / "c", ["a-crash", "b", "c"])
    out = tmp_path / "out"
    started = time.monotonic()
    with pytest.raises(PresskitError) as caught:
        build([root], out, runner=FAKE, scheduler=cluster.address, timeout=3)
    assert time.monotonic() - started < 60
    assert str(caught.value) == (
        f"the Dask scheduler at {cluster.address} has had no worker for 10 s; "
        "3 posts not rendered (the manifest lists what finished)"
    )
    assert (out / "manifest.json").is_file()


def test_a_worker_of_another_presskit_version_leaves_the_posts_to_the_others(
    cluster, tmp_path, monkeypatch
):
    """README: a worker with another version refuses the work in one line. It refuses at
    once, so it was free again first and took post after post: 18 of 22 corpus posts failed
    with two good workers beside it (audit14). Its posts go to the others; only a cluster
    with no worker of the build's version fails them, with its line."""
    log = tmp_path / "renders.log"
    monkeypatch.setenv("BUILD_HOOKS_LOG", str(log))
    cluster.env["BUILD_HOOKS_LOG"] = str(log)
    other = write(
        tmp_path / "other/sitecustomize.py", 'import presskit\npresskit.__version__ = "0.0-other"\n'
    )
    path = os.pathsep.join([str(other.parent), cluster.env["PYTHONPATH"]])
    cluster.start(workers=2, env={0: {"PYTHONPATH": path}})
    names = [f"slow-{n:02d}" for n in range(6)]
    result = build(
        [fake_posts(tmp_path / "c", names)],
        tmp_path / "out",
        runner=FAKE,
        scheduler=cluster.address,
    )
    assert result.count("built") == 6, [d.error for d in result.failed]
    assert len({pid for _, pid in logged(log)}) == 1  # all on the worker of this version

    one = fake_posts(tmp_path / "d", ["alone"])
    cluster.workers[1].kill()
    cluster.workers[1].wait(10)
    from distributed import Client

    with Client(cluster.address, timeout=30) as client:
        deadline = time.monotonic() + 30
        while len(client.scheduler_info()["workers"]) > 1 and time.monotonic() < deadline:
            time.sleep(0.1)
    lonely = build([one], tmp_path / "out2", runner=FAKE, scheduler=cluster.address)
    [doc] = lonely.failed
    assert "the Dask worker runs presskit 0.0-other, the build" in (doc.error or "")
    assert str(one / "alone/index.md") in (doc.error or "")


def test_a_lost_scheduler_fails_the_build_in_one_line_after_saving_the_manifest(
    cluster, tmp_path, monkeypatch
):
    log = tmp_path / "renders.log"
    monkeypatch.setenv("BUILD_HOOKS_LOG", str(log))
    cluster.env["BUILD_HOOKS_LOG"] = str(log)
    cluster.start(workers=1)
    names = [f"slow-{n:02d}" for n in range(10)]
    root = fake_posts(tmp_path / "c", names)
    out = tmp_path / "out"
    thread, outcome = build_in_thread(
        paths=[root], outdir=out, runner=FAKE, scheduler=cluster.address
    )
    deadline = time.monotonic() + 120
    while len(logged(log)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # the parent records the second post
    os.killpg(cluster.scheduler.pid, signal.SIGKILL)
    thread.join(120)
    assert not thread.is_alive()
    message = str(outcome.get("error"))
    assert "lost the Dask scheduler at tcp://127.0.0.1:" in message, outcome
    assert "\n" not in message
    documents = manifest(out)
    built = {s for s, d in documents.items() if d["status"] == "built"}
    assert len(built) >= 1
    for source in built:
        assert (out / source.replace("/index.md", ".pdf")).is_file()


def test_symlinks_in_a_bundle_render_on_dask_as_here_and_only_inside_the_tree_travel(tmp_path):
    """A bundle's `link.png -> real.png` (one picture for two names): the task shipped the
    file under its target's name only, so the worker printed a placeholder where the local
    render drew the picture. A link out of the tree (`secret.png -> ../../../outside.png`),
    which the local render refuses to read, sent the outside file's bytes to the worker."""
    from presskit.batch.inputs import Inputs, Settings, post_files

    content = tmp_path / "content"
    bundle = content / "en/news/pics"
    write(bundle / "index.md", "---\ntitle: Pics\ndate: 2024-05-01\n---\n\n![l](link.png)\n")
    (bundle / "real.png").write_bytes(PNG)
    (bundle / "link.png").symlink_to("real.png")
    (tmp_path / "outside.png").write_bytes(PNG)
    (bundle / "secret.png").symlink_to(tmp_path / "outside.png")
    files = post_files(bundle / "index.md", [], Inputs(Settings(None, None, True)))
    assert bundle.resolve() / "link.png" in files.own
    assert not [f for f in files.own if f.resolve() == (tmp_path / "outside.png").resolve()]

    local = build([content], tmp_path / "local", jobs=1, offline=True)
    dask = build([content], tmp_path / "dask", jobs=1, offline=True, executor="dask-local")
    assert local.ok and dask.ok, [d.error for d in local.failed + dask.failed]
    assert not dask.documents[0].warnings, dask.documents[0].warnings
    pdf = "en/news/pics.pdf"
    assert (tmp_path / "local" / pdf).read_bytes() == (tmp_path / "dask" / pdf).read_bytes()


def test_dask_local_writes_every_format_as_the_local_pool_does(tmp_path):
    """One task per post carries both formats; each comes back as bytes with its own record."""
    content = tmp_path / "content"
    rel = SAMPLE_EN.relative_to(SAMPLE_ZH.parents[4])
    shutil.copy(SAMPLE_EN, write(content / rel, ""))
    runs = {}
    for executor in ("local", "dask-local"):
        out = tmp_path / executor
        result = build([content], out, jobs=1, offline=True, executor=executor, formats="pdf,docx")
        assert result.ok, [d.error for d in result.failed]
        runs[executor] = {doc.output: doc for doc in result.documents}
    assert sorted(map(str, runs["dask-local"])) == sorted(map(str, runs["local"]))
    formats = {doc.format for doc in runs["dask-local"].values()}
    assert formats == {"pdf", "docx"}
    for output, doc in runs["dask-local"].items():
        theirs = (tmp_path / "dask-local" / output).read_bytes()
        assert len(theirs) == doc.bytes and theirs[:4] in (b"%PDF", b"PK\x03\x04")
        ours = runs["local"][output]
        assert (doc.pages, doc.warnings) == (ours.pages, ours.warnings), output
        assert doc.sha256 == ours.sha256, output  # both backends write reproducible files


BOX = """
import panflute as pf

from presskit.shortcodes.declare import shortcode
from presskit.shortcodes.handlers import Call, Context


@shortcode("{name}", inner="none")
def box(call: Call, ctx: Context) -> pf.Element:
    return pf.Para(pf.Str("{text}"))
"""


def test_extensions_beside_the_config_travel_to_the_workers(tmp_path):
    """README "Writing a shortcode": `extensions = ["factbox"]`, factbox.py beside the
    presskit.toml. A Dask worker has only the files it is sent: the module (and a package's
    files) go with the config (review 17b: every post failed `No module named …`)."""
    site = tmp_path / "site"
    write(site / "r17b_box.py", BOX.format(name="r17bbox", text="FROM-MODULE"))
    write(site / "r17b_pkg" / "__init__.py", "from r17b_pkg import inner  # noqa: F401\n")
    write(site / "r17b_pkg" / "inner.py", BOX.format(name="r17bpkg", text="FROM-PACKAGE"))
    write(site / "presskit.toml", 'extensions = ["r17b_box", "r17b_pkg"]\n')
    write(
        site / "content" / "en" / "news" / "x" / "index.md",
        "---\ntitle: X\n---\n\n{{< r17bbox >}}\n\n{{< r17bpkg >}}\n",
    )
    out = tmp_path / "out"
    result = build([site / "content"], out, jobs=1, offline=True, executor="dask-local")
    assert result.ok, [d.error for d in result.failed]
    done = subprocess.run(
        ["pdftotext", str(out / "en/news/x.pdf"), "-"], capture_output=True, text=True, check=True
    )
    assert "FROM-MODULE" in done.stdout and "FROM-PACKAGE" in done.stdout
