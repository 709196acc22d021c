"""What a preview shows, and the loop that keeps it current.

A `Session` renders its posts with `presskit.batch.builder.build` (the path of `presskit
build`: the manifest decides what a save made stale, the kit is rebuilt when one of its posts
is) into a temporary folder, on a pool of workers it keeps open, so every render after the
first is a warm one. Each PDF that changed is copied out of the build folder under a new name,
with its pages as PNGs, and listed in `files`: the server serves those and nothing else.

A save bumps a generation counter and wakes the render thread. A build that ends after a newer
save is thrown away: what it rendered is already out of date, and the build that follows
renders what the save changed (the manifest has the inputs it hashed before rendering). What
the build of the newest save wrote is published, and open pages are told (`wait_version`).
The same thread wakes when an embargo the pages print lifts (the build counts the embargo
state as an input, so the post renders again), and makes the other formats a page offers
when they are first asked for (`formats`), between two builds, on the same warm worker.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from presskit.errors import PresskitError, warning_count
from presskit.preview.formats import RUNNER, Offer, media_type, other_formats
from presskit.preview.locate import place_warnings, warning_line
from presskit.preview.raster import rasterize
from presskit.preview.watch import Roots, watch, watch_roots

KEEP_REVISIONS = 2  # a page still showing the previous images may be fetching them


@contextlib.contextmanager
def warm_pool(jobs: int) -> Iterator[Any]:
    """Worker processes that stay warm from one build to the next.

    The only place preview and `build --watch` touch the worker machinery: a build is
    `presskit.batch.builder.build(..., pool=pool)` with what this yields.
    """
    from presskit.batch.workers import Pool

    with Pool(jobs) as pool:
        yield pool


@dataclass
class Rendered:
    """One good render of a post (or of the kit): its PDF and page images, as served."""

    revision: int
    folder: Path
    pdf: Path
    sha256: str | None
    images: list[Path] | None = None  # made on first look, or at once when someone watches
    pixels: dict[str, Path] = field(default_factory=dict)  # page hash: its PNG (`raster`)
    before: Rendered | None = None  # the render it replaced, whose unchanged pages it reuses
    at: float = field(default_factory=time.time)
    offers: list[str] = field(default_factory=list)  # URLs of its other formats (`formats`)
    # its warnings by the page that prints their line (0: not placed; `locate`)
    by_page: dict[int, list[str]] = field(default_factory=dict)


@dataclass
class PostState:
    key: str  # its address: /post/KEY (the PDF's path in the build, without .pdf)
    source: str
    path: Path | None
    name: str  # the PDF's file name, for downloads
    title: str | None = None
    lang: str | None = None
    status: str = "pending"  # a build status, or "pending" before the first build
    error: str | None = None
    reason: str | None = None  # why it was skipped
    warnings: list[str] = field(default_factory=list)
    pages: int | None = None
    embargo: str | None = None  # "Embargoed until …" / "For immediate release"
    embargoed: bool = False
    lifts: dt.datetime | None = None  # when the embargo its pages print lifts, while it holds
    good: Rendered | None = None  # the last good render; stale when status is "failed"

    @property
    def stale(self) -> bool:
        return self.status == "failed" and self.good is not None


@dataclass
class KitState:
    name: str
    error: str | None = None
    pages: int | None = None
    good: Rendered | None = None
    zip: Path | None = None


@dataclass
class Timing:
    """Where the time of the last published save went (seconds; for `make bench`)."""

    saved: float = 0.0  # when the watcher reported the save (time.time())
    build: float = 0.0
    raster: float = 0.0
    published: float = 0.0  # time.time()


class Session:
    def __init__(
        self,
        paths: Sequence[Path],
        *,
        config: Path | None = None,
        theme: str | None = None,
        offline: bool | None = None,
        kit: str | None = None,
        jobs: int = 1,
        drafts: bool = True,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.paths = [Path(p) for p in paths]
        # what time it is for embargoes (tests set it); a build and its badges use one reading
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._moment = self.clock()
        self.single = len(self.paths) == 1 and self.paths[0].is_file()
        self.config, self.theme, self.offline = config, theme, offline
        self.kit_name, self.jobs, self.drafts = kit, jobs, drafts
        self.workdir = Path(tempfile.mkdtemp(prefix="presskit-preview-"))
        self.out = self.workdir / "build"
        self.posts: dict[str, PostState] = {}
        self.order: list[str] = []
        self.kit = KitState(kit) if kit else None
        self.batch_error: str | None = None
        self.files: dict[str, tuple[Path, str, str | None]] = {}  # url: file, type, download
        self.offers: dict[str, Offer] = {}  # url: a file made when first asked for
        self._asked: list[Offer] = []
        self.busy = True
        self.version = 0
        self.timing = Timing()
        self.viewed: set[str] = set()
        self.stop = threading.Event()
        self.log: Callable[[str], object] = print
        self._state = threading.Condition()
        self._raster = threading.Lock()
        self._wake = threading.Event()
        self._generation = 0
        self._publishing = 0  # the generation whose build is being published
        self._saved_at = time.time()
        self._revision = 0
        self._threads: list[threading.Thread] = []
        self._list_sources()

    def _list_sources(self) -> None:
        """The posts as found, waiting: a page opened before the first render has its address
        (and says it is rendering) instead of a 404."""
        from presskit.batch.discover import discover

        try:
            sources = discover(self.paths)
        except PresskitError:
            return  # the first build reports it
        for source in sources:
            key = source.output.with_suffix("").as_posix()
            self.posts[key] = PostState(key, source.display, source.path, Path(key).name + ".pdf")
            self.order.append(key)

    # ------------------------------------------------------------------ lifecycle

    def start(self, *, watching: bool = True) -> None:
        """Render in the background now, and again after each save (when `watching`)."""
        self._wake.set()
        self._spawn(self._render_loop, "presskit-preview-render")
        if watching:
            self._spawn(lambda: watch(self.roots, self.saved, self.stop), "presskit-preview-watch")

    def _spawn(self, target: Any, name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def close(self) -> None:
        """Stop watching and rendering, end the workers, remove every file the preview made."""
        self.stop.set()
        self._wake.set()
        with self._state:
            self._state.notify_all()
            for offer in self.offers.values():  # a download still waiting gets its answer
                offer.done.set()
        for thread in self._threads:
            thread.join(30)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def roots(self) -> Roots:
        return watch_roots(self.paths, self.config, self.theme)

    def saved(self, paths: set[Path]) -> None:
        """The watcher saw files change: render again, superseding a render under way."""
        with self._state:
            self._generation += 1
            self._saved_at = time.time()
            if not self.busy:
                self.busy = True
                self._bump()
        self._wake.set()

    def wait_version(self, seen: int, timeout: float) -> int:
        """The state's version once it differs from `seen` (or after `timeout`, or at stop)."""
        with self._state:
            self._state.wait_for(lambda: self.version != seen or self.stop.is_set(), timeout)
            return self.version

    def wait_idle(self, timeout: float = 120.0) -> bool:
        """Until the newest save is published (tests and the bench use it)."""
        with self._state:
            return self._state.wait_for(lambda: not self.busy or self.stop.is_set(), timeout)

    def _bump(self) -> None:
        self.version += 1
        self._state.notify_all()

    # ------------------------------------------------------------------ rendering

    def _render_loop(self) -> None:
        built = -1  # the generation last built
        with warm_pool(self.jobs) as pool:
            while not self.stop.is_set():
                if not self._wake.wait(self._until_lift()):
                    # an embargo the pages print has lifted: they say something else now
                    self._note("embargo lifted: rendering again")
                    self.saved(set())
                if self.stop.is_set():
                    break
                self._wake.clear()
                self._make_asked(pool)
                with self._state:
                    generation, saved_at = self._generation, self._saved_at
                if generation == built:
                    continue  # woken for a download only
                started = time.monotonic()
                try:
                    result, error = self._build(pool), None
                except _Stopped:
                    break
                except PresskitError as problem:
                    result, error = None, str(problem)
                except Exception as problem:  # noqa: BLE001 - the preview must outlive a bug
                    result, error = None, f"internal error: {type(problem).__name__}: {problem}"
                seconds = time.monotonic() - started
                if self.stop.is_set():
                    break
                if self._generation != generation:
                    continue  # a newer save came in: its build replaces this one
                self._publishing = generation
                try:
                    self._publish(result, error, saved_at, seconds)
                except _Superseded:
                    continue  # a save came in before the pages were drawn: drawn for it
                built = generation

    def _build(self, pool: Any) -> Any:
        from presskit.batch.builder import build
        from presskit.batch.manifest import Reporter

        stop = self.stop
        self._moment = self.clock()

        class Stopping(Reporter):
            """Ends a long build (a folder's first) between posts when the preview stops."""

            def document(self, doc: Any) -> None:
                if stop.is_set():
                    raise _Stopped

        return build(
            self.paths,
            self.out,
            config=self.config,
            theme=self.theme,
            offline=self.offline,
            kit=self.kit_name,
            drafts=self.drafts,
            pool=pool,
            reporter=Stopping(),
            now=self._moment,
        )

    def _note(self, line: str) -> None:
        self.log(f"{time.strftime('%H:%M:%S')}  {line}")

    def _until_lift(self) -> float | None:
        """Seconds until the first embargo shown as in force lifts (None: none is)."""
        with self._state:
            moments = [p.lifts for p in self.posts.values() if p.lifts is not None]
        if not moments:
            return None
        return max(0.0, (min(moments) - self.clock()).total_seconds()) + 0.05

    def _publish(self, result: Any, error: str | None, saved_at: float, built: float) -> None:
        started = time.monotonic()
        lines: list[str] = []
        if result is not None:
            posts, order = self._posts_of(result, lines)
            kit = self._kit_of(result) if self.kit is not None else None
        raster = time.monotonic() - started
        with self._state:
            self.batch_error = error
            if result is not None:
                self.posts, self.order = posts, order
                if kit is not None:
                    self.kit = kit
            self.busy = False
            self.timing = Timing(saved_at, built, raster, time.time())
            self._bump()
        self.retire_old()
        if error is not None:
            lines.append(f"error: {error}")
        if lines and self.single and lines[-1].startswith("rendered"):
            lines[-1] += f" in {built + raster:.2f} s"
        for line in lines:
            self._note(line)

    def _posts_of(self, result: Any, lines: list[str]) -> tuple[dict[str, PostState], list[str]]:
        from presskit.batch.discover import discover

        try:
            keys = {s.display: s.output.with_suffix("").as_posix() for s in discover(self.paths)}
        except PresskitError:
            keys = {}
        posts: dict[str, PostState] = {}
        for doc in result.documents:
            key = keys.get(doc.source, doc.source)
            old = self.posts.get(key)
            state = PostState(
                key=key,
                source=doc.source,
                path=_source_path(self.paths, doc.source),
                name=Path(key).name + ".pdf",
                # a post that no longer reads keeps the name and language it had
                title=doc.title or (old.title if old else None),
                lang=doc.lang or (old.lang if old else None),
                status=doc.status,
                error=doc.error,
                reason=doc.reason,
                warnings=list(doc.warnings),
                pages=doc.pages,
                good=old.good if old else None,
            )
            if doc.status in ("built", "unchanged") and doc.output:
                recovered = old is not None and old.status == "failed"
                if state.good is None or state.good.sha256 != doc.sha256:
                    before = state.good
                    state.good = self._keep(result.outdir / doc.output, state.name, doc.sha256)
                    state.good.before = before
                    if before is not None:
                        before.before = None  # one step back only, drawn or not
                    if self._generation != self._publishing:
                        raise _Superseded
                    self._offer(state.good, state.path)
                    # pdftotext reads the pages while pdftoppm draws them
                    placing = self._place(state.good, state.warnings, state.path)
                    if self.single or key in self.viewed:
                        self._images(state.good)
                    if placing is not None:
                        placing.join()
                    lines.append(_line(doc))
                elif recovered:
                    lines.append(_line(doc))
            elif doc.status == "failed" and (old is None or old.error != doc.error):
                lines.append(f"failed    {doc.error}")  # once, not again at every save
            if state.good is not None:
                state.embargo, state.embargoed, state.lifts = self._embargo(state)
                if state.status == "failed" and old is not None:
                    state.pages = old.pages  # what the stale pages show
                    if state.embargo is None:
                        state.embargo, state.embargoed = old.embargo, old.embargoed
                        state.lifts = old.lifts
            posts[key] = state
        for key, old in self.posts.items():
            if key not in posts and old.good is not None:
                self._drop(old.good)
        return posts, [doc_key for doc_key in posts]

    def _kit_of(self, result: Any) -> KitState:
        assert self.kit is not None
        kit = KitState(self.kit.name, result.kit_error, result.kit_pages, self.kit.good)
        if result.kit_pdf is not None and result.kit_pdf.is_file():
            from presskit.batch.inputs import file_digest

            digest = file_digest(result.kit_pdf)
            if kit.good is None or kit.good.sha256 != digest:
                kit.good = self._keep(result.kit_pdf, result.kit_pdf.name, digest)
                if "kit" in self.viewed:
                    self._images(kit.good)
            if result.kit_zip is not None and result.kit_zip.is_file():
                kit.zip = kit.good.folder / result.kit_zip.name
                shutil.copyfile(result.kit_zip, kit.zip)
                self._serve(kit.zip, "application/zip", result.kit_zip.name)
        return kit

    def _keep(self, pdf: Path, name: str, sha256: str | None) -> Rendered:
        """A copy of a new PDF under a revision of its own: the next build overwrites the
        build folder's, while pages may still show (and offer) this one."""
        self._revision += 1
        folder = self.workdir / "files" / str(self._revision)
        folder.mkdir(parents=True)
        copy = folder / name
        shutil.copyfile(pdf, copy)
        self._serve(copy, "application/pdf", name)
        return Rendered(self._revision, folder, copy, sha256)

    @staticmethod
    def _place(
        rendered: Rendered, warnings: list[str], post: Path | None
    ) -> threading.Thread | None:
        """Find, on a thread, the page of each warning that names a line of the post."""
        if post is None or not any(warning_line(w, post) for w in warnings):
            rendered.by_page = {0: list(warnings)} if warnings else {}
            return None

        def place() -> None:
            rendered.by_page = place_warnings(warnings, post, rendered.pdf)

        thread = threading.Thread(target=place, name="presskit-preview-locate", daemon=True)
        thread.start()
        return thread

    def _offer(self, rendered: Rendered, post: Path | None) -> None:
        """List the post's other formats beside this render's PDF, to be made when asked."""
        if post is None:
            return
        for to, suffix in other_formats():
            out = rendered.pdf.with_suffix(suffix)
            url = self.url(out)
            self.offers[url] = Offer(post, out, to)
            rendered.offers.append(url)

    def produce(self, url: str, timeout: float = 180.0) -> bool:
        """Make an offered file now (the server asks on its first request); whether it is
        served. The render thread makes it, on the warm worker, between two builds."""
        with self._state:
            offer = self.offers.get(url)
            if offer is None:
                return False
            if not offer.started:
                offer.started = True
                self._asked.append(offer)
        self._wake.set()
        offer.done.wait(timeout)
        return url in self.files

    def _make_asked(self, pool: Any) -> None:
        from presskit.batch.executors import Task
        from presskit.batch.inputs import Inputs, Settings

        with self._state:
            asked, self._asked = self._asked, []
        if not asked:
            return
        inputs = Inputs(
            Settings(
                config=self.config,
                theme=self.theme,
                offline=self.offline,
                trees=tuple(p for p in self.paths if p.is_dir()),
            )
        )
        tasks, by_id = [], {}
        for number, offer in enumerate(asked):
            try:  # the arguments a build's worker gets: its config (never one below PATH)
                config, theme = inputs.config_arg(offer.post), inputs.theme_argument(offer.post)
            except PresskitError as error:
                offer.error = str(error)
                offer.done.set()
                continue
            args = {
                "path": str(offer.post),
                "out": str(offer.out),
                "config": config,
                "theme": theme,
                "offline": self.offline,
                "to": offer.to,
                "as_of": self._moment.isoformat(),
            }
            tasks.append(Task(id=number, func=RUNNER, args=args, timeout=120.0))
            by_id[number] = offer

        started = time.monotonic()

        def done(task: Any, outcome: Any) -> None:
            offer = by_id[task.id]
            if outcome.ok and offer.out.is_file():
                self._serve(offer.out, media_type(offer.out.suffix), offer.out.name)
                self._note(f"made      {offer.out.name} in {time.monotonic() - started:.2f} s")
            else:
                offer.error = outcome.error
                self._note(f"failed    {outcome.error}")
            offer.done.set()

        try:
            pool.run(tasks, done)
        finally:
            for offer in by_id.values():
                offer.done.set()

    def _serve(self, file: Path, kind: str, download: str | None) -> None:
        self.files[self.url(file)] = (file, kind, download)

    def url(self, file: Path) -> str:
        return "/files/" + file.relative_to(self.workdir / "files").as_posix()

    def _drop(self, rendered: Rendered) -> None:
        self._unserve(rendered.folder)

    def _unserve(self, folder: Path) -> None:
        """Stop serving a revision and remove its files. The listing is copied first: a
        request thread may be adding the pages it just made."""
        for url in [u for u, (f, _k, _d) in list(self.files.items()) if f.parent == folder]:
            self.files.pop(url, None)
        for url in [u for u, offer in list(self.offers.items()) if offer.out.parent == folder]:
            # why the ignore below: every url listed comes from self.offers just above: pop finds it
            self.offers.pop(url, None).done.set()  # type: ignore[union-attr]
        shutil.rmtree(folder, ignore_errors=True)

    def _images(self, rendered: Rendered) -> list[Path]:
        with self._raster:
            if rendered.images is None:
                before = rendered.before
                rendered.before = None  # one step back only: no chain of old renders
                try:
                    pages = rasterize(
                        rendered.pdf,
                        rendered.folder,
                        previous=before.pixels if before is not None else None,
                    )
                except PresskitError:
                    pages = []
                rendered.images = [image for image, _digest in pages]
                rendered.pixels = {digest: image for image, digest in pages}
                for image in rendered.images:
                    self._serve(image, "image/png", None)
            return rendered.images

    def images(self, rendered: Rendered) -> list[str]:
        """The URLs of a render's page images, made now if nobody looked before."""
        return [self.url(image) for image in self._images(rendered)]

    def _embargo(self, state: PostState) -> tuple[str | None, bool, dt.datetime | None]:
        """The embargo line as the PDF prints it (judged at the moment the build was), and
        when it lifts while it holds; None when the post cannot be read."""
        from presskit.brand import config_for, load_config
        from presskit.output.release import release_for
        from presskit.source.post import load_post

        if state.path is None:
            return None, False, None
        try:
            # the config the build of these PATHs uses, not one searched from the post
            folders = [Path(p) for p in self.paths if Path(p).is_dir()]
            cfg = load_config(config_for(state.path, folders, self.config))
            post = load_post(state.path, default_lang=cfg.lang)
            release = release_for(post, cfg, now=self._moment)
        except PresskitError:
            return None, False, None
        return release.status, release.embargoed, release.embargo if release.embargoed else None

    def retire_old(self) -> None:
        """Remove revisions no page refers to any more (all but the newest few)."""
        with self._state:
            renders = [p.good for p in self.posts.values() if p.good is not None]
            if self.kit is not None and self.kit.good is not None:
                renders.append(self.kit.good)
            # and the folders of older renders whose unchanged pages a live one still shows
            alive = {r.folder for r in renders}
            alive |= {image.parent for r in renders for image in r.images or ()}
        root = self.workdir / "files"
        if not root.is_dir():
            return
        newest = self._revision
        for folder in root.iterdir():
            if folder in alive or not folder.name.isdigit():
                continue
            if int(folder.name) <= newest - KEEP_REVISIONS:
                self._unserve(folder)


class _Stopped(Exception):
    """Raised between two posts of a build once the preview stops."""


class _Superseded(Exception):
    """Raised before a render's pages are drawn when a newer save has come in."""


def _source_path(paths: Sequence[Path], display: str) -> Path | None:
    """The Markdown file a build names `display` (relative to one of the PATHs, or as given)."""
    for root in paths:
        candidate = Path(display) if root.is_file() else root / display
        if candidate.is_file():
            return candidate
    return None


def _line(doc: Any) -> str:
    count = warning_count(doc.warnings)
    extra = f", {count} warning{'s' if count > 1 else ''}" if count else ""
    pages = f"{doc.pages} page{'s' if doc.pages != 1 else ''}"
    return f"rendered  {doc.output} ({pages}{extra})"
