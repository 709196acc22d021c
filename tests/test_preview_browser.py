"""The preview in a real browser: Debian's headless Chromium, driven by Selenium through
Debian's chromedriver (both from .ci/system-deps.sh; nothing is downloaded). The test opens
the preview of the Chinese sample, edits the post, and sees the page change without a reload.
"""

from __future__ import annotations

import os
import shutil
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import EXAMPLE_CONFIG, SAMPLE_ZH, pdftotext

from presskit.preview.server import serve
from presskit.preview.session import Session

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
MARK = "第二稿 DRAFT-7731"


@pytest.fixture
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--no-first-run",
                 "--window-size=1000,1300", "--disable-gpu", "--disable-extensions"):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        driver.set_page_load_timeout(60)
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[Session, str]]:
    root = tmp_path / "site"
    bundle = root / "content/zh/blog/2023/istio-graduates-within-cncf"
    shutil.copytree(SAMPLE_ZH.parent, bundle)
    shutil.copy(EXAMPLE_CONFIG, root / "presskit.toml")
    shutil.copy(EXAMPLE_CONFIG.parent / "logo.svg", root / "logo.svg")
    session = Session([bundle / "index.md"])
    session.log = lambda line: None
    server = serve(session, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True)
    try:
        thread.start()
        session.start()
        assert session.wait_idle(180)
        yield session, server.url
    finally:
        session.stop.set()
        server.shutdown()
        server.server_close()
        session.close()


def heading(driver) -> str:
    """Read in the page: the heading may be swapped between a lookup and a read."""
    return driver.execute_script("return document.querySelector('main h1')?.textContent || '';")


def loaded_images(driver) -> list[str]:
    return driver.execute_script(
        "return [...document.querySelectorAll('main img')]"
        ".filter((i) => i.complete && i.naturalWidth > 0).map((i) => i.getAttribute('src'));"
    )


def test_an_edit_shows_in_the_open_page_without_a_reload(browser, preview, tmp_path) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    session, url = preview
    driver = browser
    driver.get(url)
    wait = WebDriverWait(driver, 90, poll_frequency=0.05)
    wait.until(lambda d: len(loaded_images(d)) >= 2)
    before = loaded_images(driver)
    assert "Istio 正式从 CNCF 毕业" in heading(driver)
    driver.execute_script("window.__sameDocument = 'yes';")

    post = session.paths[0]
    text = post.read_text(encoding="utf-8")
    text = text.replace('title: "', f'title: "{MARK} ', 1)
    assert MARK in text
    text += f"\n\n这是第二稿新增的一段：{MARK}。\n"
    post.write_text(text, encoding="utf-8")

    wait.until(lambda d: MARK in heading(d))
    wait.until(lambda d: (now := loaded_images(d)) and set(now).isdisjoint(before))
    # the same document: no reload happened
    assert driver.execute_script("return window.__sameDocument;") == "yes"
    assert driver.execute_script("return performance.getEntriesByType('navigation').length") == 1
    assert "stale" not in heading(driver)
    after = loaded_images(driver)
    assert len(after) >= len(before)

    # the download link the page now offers is the new PDF, with the new paragraph in it
    link = driver.find_element("css selector", "p.downloads a").get_attribute("href")
    pdf = tmp_path / "downloaded.pdf"
    with urllib.request.urlopen(link, timeout=30) as response:
        pdf.write_bytes(response.read())
    assert "这是第二稿新增的一段" in pdftotext(pdf).replace("\n", "")

    shot = Path(os.environ.get("PRESSKIT_SCREENSHOT", tmp_path / "preview.png"))
    driver.save_screenshot(str(shot))
    from PIL import Image

    with Image.open(shot) as image:  # a page was drawn: not blank, not a tiny error box
        assert image.width >= 900 and len(image.convert("L").getcolors(1 << 16) or ()) > 16
