"""A real browser (Debian's headless Chromium, driven by Selenium) opens an asset's page in the
running UI and sees the preview image the asset attached."""

from __future__ import annotations

import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from poster_assets.home import PosterHome
from poster_assets.runs import ingest_directory
from poster_assets_tests.ui_process import free_port, start_ui

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
# Flags for a closed network: without them Chromium keeps trying to reach Google's hosts.
CHROMIUM_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--window-size=1400,1000",
)  # fmt: skip


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("no Chromium/ChromeDriver (Debian packages chromium, chromium-driver)")
    options = webdriver.ChromeOptions()
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'chromium'}"):
        options.add_argument(flag)
    options.binary_location = CHROMIUM
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


@pytest.mark.slow
def test_titles_page_shows_the_ocr_preview(
    browser,
    home: PosterHome,
    demo_corpus: Path,  # noqa: ANN001
) -> None:
    assert ingest_directory(home, demo_corpus / "images").failed_runs == []
    port = free_port()
    ui = start_ui(home.root, port)
    try:
        browser.get(f"http://127.0.0.1:{port}/assets/titles")
        wait = WebDriverWait(browser, 90)
        show = "//*[contains(text(), 'Show Markdown')]"
        link = wait.until(lambda driver: driver.find_elements(By.XPATH, show))[0]
        # A JavaScript click: the UI's newsletter pop-up may cover the link at any moment.
        browser.execute_script("arguments[0].click();", link)
        images = wait.until(
            lambda driver: driver.find_elements(
                By.CSS_SELECTOR, "img[src^='data:image/png;base64']"
            )
        )
        assert images[0].get_property("naturalWidth") > 100  # decoded, not a broken image
    finally:
        ui.send_signal(signal.SIGTERM)
        ui.wait(timeout=60)
