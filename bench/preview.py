#!/usr/bin/env python3
"""`presskit preview`'s two targets, measured in a real browser (Debian's headless Chromium).

1. Save → updated page images in the browser, for the sample post: the time from writing the
   file to the moment the open page has swapped in the new, decoded images (the page's own
   clock, `window.presskitUpdated`), split into watcher, build (warm worker), rasterization
   and delivery (event, fetch of the new page, image download and decode). Target ≤ 0.6 s.
2. Memory over 200 successive saves: the resident set of the `presskit preview` process and
   of its worker, sampled as the saves go; flat means the last sample is within 10% (and
   30 MB) of the one after the first 20 saves.

    python bench/preview.py                  # both; ~4 minutes
    python bench/preview.py --saves 20       # a shorter memory run

The machine is shared: the load average is printed beside the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples/content/zh/blog/2023/istio-graduates-within-cncf"
CONFIG = ROOT / "examples/presskit.toml"
RESULTS = ROOT / "bench" / "results"
TARGET_SECONDS = 0.6


def make_site(folder: Path) -> Path:
    bundle = folder / "content/zh/blog/2023/istio-graduates-within-cncf"
    shutil.copytree(SAMPLE, bundle)
    shutil.copy(CONFIG, folder / "presskit.toml")
    shutil.copy(CONFIG.parent / "logo.svg", folder / "logo.svg")
    return bundle / "index.md"


def browser():  # type: ignore[no-untyped-def]
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                 "--window-size=1000,1300", "--disable-gpu"):  # fmt: skip
        options.add_argument(flag)
    driver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    return webdriver.Chrome(service=Service(executable_path=driver), options=options)


def updated(driver, after: str | None, timeout: float = 60.0) -> dict:  # type: ignore[no-untyped-def]
    """The page's record of its last update, once it is newer than `after`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        mark = driver.execute_script("return window.presskitUpdated || null;")
        if mark and mark["version"] != after and not mark.get("busy"):
            return mark
        time.sleep(0.03)  # the page stamps its own time; polling only has to notice it
    raise TimeoutError("the page did not update")


def edit(post: Path, original: str, n: int) -> float:
    """Save the post with paragraph `n` added; the moment of the save (epoch seconds)."""
    text = original + f"\n\n第 {n} 次保存：新增的一段文字，用来测量预览更新所需的时间。\n"
    at = time.time()
    post.write_text(text, encoding="utf-8")
    return at


def latency(saves: int) -> dict:
    """In-process session and server, so the session's own timing splits the figure."""
    from presskit.preview.server import serve
    from presskit.preview.session import Session

    with tempfile.TemporaryDirectory(prefix="bench-preview-") as tmp:
        post = make_site(Path(tmp))
        original = post.read_text(encoding="utf-8")
        session = Session([post])
        session.log = lambda line: None
        server = serve(session, "127.0.0.1", 0)
        thread = threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True)
        thread.start()
        driver = browser()
        rows = []
        try:
            started = time.monotonic()
            session.start()
            driver.get(server.url)
            session.wait_idle(300)
            first = time.monotonic() - started
            driver.execute_script("window.presskitUpdated = {version: 'loaded', at: 0};")
            mark = "loaded"
            worker = render_worker(os.getpid())
            for n in range(saves + 2):
                time.sleep(0.4)  # a writer between saves; the watcher settles
                cpu_worker, cpu_self = cpu_seconds(worker), own_cpu_seconds()
                saved = edit(post, original, n)
                while True:
                    seen = updated(driver, mark)
                    mark = seen["version"]
                    session.wait_idle(60)
                    timing = session.timing
                    # the page's update for this save: one still on its way from the save
                    # before (its images late to the page) would time nothing
                    if timing.saved >= saved:
                        break
                worker_cpu = cpu_seconds(worker) - cpu_worker
                preview_cpu = own_cpu_seconds() - cpu_self
                total = seen["at"] / 1000 - saved
                if n < 2:
                    continue  # the first saves warm the browser's and the worker's caches
                rows.append(
                    {
                        "total": total,
                        "watch": timing.saved - saved,
                        "build": timing.build,
                        "raster": timing.raster,
                        "deliver": seen["at"] / 1000 - timing.published,
                        "worker_cpu": worker_cpu,
                        "preview_cpu": preview_cpu,
                    }
                )
        finally:
            driver.quit()
            session.stop.set()
            server.shutdown()
            server.server_close()
            session.close()
    summary = {key: statistics.median(r[key] for r in rows) for key in rows[0]}
    summary["max_total"] = max(r["total"] for r in rows)
    summary["first_render"] = first
    summary["saves"] = len(rows)
    return summary


def cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and of the children it reaped (pandoc), so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """This process's CPU time and its finished children's (pdftoppm), not the worker's."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def render_worker(pid: int) -> int:
    """The session's render worker: a spawned child (`spawn_main`), or on Linux a child of the
    fork server that is this process's child (`presskit.batch.workers`)."""
    for child in children(pid):
        line = cmdline(child)
        if b"spawn_main" in line:
            return child
        if b"forkserver" in line:
            forked = children(child)
            if forked:
                return forked[0]
    raise LookupError("no render worker among this process's children")


def descendants(pid: int) -> list[int]:
    found = children(pid)
    for child in list(found):
        found += descendants(child)
    return found


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def memory(saves: int) -> dict:
    """`presskit preview` as a user runs it; the browser open on it through every save."""
    with tempfile.TemporaryDirectory(prefix="bench-preview-") as tmp:
        post = make_site(Path(tmp))
        original = post.read_text(encoding="utf-8")
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "presskit"), "preview", "--port", "0", str(post)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        driver = None
        samples: list[tuple[int, float, float]] = []
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            url = re.search(r"http://\S+", line)
            assert url, line
            threading.Thread(target=process.stdout.read, daemon=True).start()  # drain
            driver = browser()
            driver.get(url.group(0))
            deadline = time.monotonic() + 300
            while not driver.execute_script("return document.querySelectorAll('main img').length"):
                assert time.monotonic() < deadline, "no pages"
                time.sleep(0.1)
            driver.execute_script("window.presskitUpdated = {version: 'loaded', at: 0};")
            mark = "loaded"
            for n in range(1, saves + 1):
                time.sleep(0.15)
                edit(post, original, n % 7)  # the text changes, its length stays bounded
                mark = updated(driver, mark)["version"]
                if n == 1 or n % 20 == 0:
                    workers = descendants(process.pid)  # forked workers: the server's
                    main = rss_kb(process.pid) / 1024
                    worker = max((rss_kb(pid) for pid in workers), default=0) / 1024
                    samples.append((n, main, worker))
        finally:
            if driver is not None:
                driver.quit()
            process.terminate()  # SIGTERM stops it as Ctrl-C does (SIGINT may be ignored)
            process.wait(60)
    return {"samples": samples}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-saves", type=int, default=15)
    parser.add_argument("--saves", type=int, default=200, help="saves of the memory run")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs")
    fast = latency(args.latency_saves)
    print(
        f"save → new page images in the browser (sample post, median of {fast['saves']} saves): "
        f"{fast['total']:.3f} s  (max {fast['max_total']:.3f} s; target ≤ {TARGET_SECONDS} s: "
        f"{'holds' if fast['total'] <= TARGET_SECONDS else 'MISSED'})"
    )
    print(
        f"  watcher {fast['watch']:.3f} s, build on the warm worker {fast['build']:.3f} s, "
        f"PNGs {fast['raster']:.3f} s, event + page + images to the browser "
        f"{fast['deliver']:.3f} s  (first render, cold: {fast['first_render']:.1f} s)"
    )
    estimate = fast["watch"] + fast["worker_cpu"] + fast["preview_cpu"] + fast["deliver"]
    print(
        f"  CPU per save: worker {fast['worker_cpu']:.3f} s, preview process (server, "
        f"watcher, pdftoppm, PNGs; Selenium's client too) {fast['preview_cpu']:.3f} s; "
        f"on an idle machine ≈ {estimate:.3f} s (watcher + CPU + delivery)"
    )
    fast["idle_estimate"] = estimate
    if args.saves <= 0:
        return 0
    mem = memory(args.saves)
    print("memory over saves (RSS, MB):   save   preview   worker")
    for n, main_mb, worker_mb in mem["samples"]:
        print(f"                               {n:4d}   {main_mb:7.1f}   {worker_mb:6.1f}")
    base = next((s for s in mem["samples"] if s[0] >= 20), mem["samples"][0])
    last = mem["samples"][-1]
    grew = (last[1] + last[2]) - (base[1] + base[2])
    flat = grew <= max(30.0, 0.1 * (base[1] + base[2]))
    print(
        f"  from save {base[0]} to save {last[0]}: {grew:+.1f} MB ({'flat' if flat else 'GROWING'})"
    )
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end")
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "preview.json").write_text(
        json.dumps({"latency": fast, "memory": mem, "load": load}, indent=2) + "\n"
    )
    print(f"wrote {args.results / 'preview.json'}")
    return 0  # like bench/run.py: the figures are read, not asserted (the machine is shared)


if __name__ == "__main__":
    sys.exit(main())
