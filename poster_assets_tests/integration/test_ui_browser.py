"""A real browser (Debian's headless Chromium, driven by Selenium) opens asset pages in the
running UI and sees the batch's figures and its picture in place, after a rerun that had
nothing to do."""

from __future__ import annotations

import os
import re
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from poster_assets.home import PosterHome
from poster_assets.runs import materialize_batches
from poster_assets.store.batches import all_batch_ids
from poster_assets.store.opening import open_database
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


SCREENSHOTS_ENV_VAR = "POSTER_ASSETS_SCREENSHOTS"
PREVIEW_SELECTOR = "img[src^='/logs/poster_previews/']"
PAGES = {  # asset: figures of the batch that must be non-zero
    "titles": ("posters", "done", "titles_found", "mean_confidence", "median_ms_per_poster"),
    "layers": ("done", "title_mostly_in_one_layer", "share_with_title_layer"),
    "foreground": ("done", "median_foreground_share"),
}


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


def _shoot(browser, name: str) -> None:  # noqa: ANN001
    """With $POSTER_ASSETS_SCREENSHOTS set, keep what the browser shows (docs/images), without
    the UI's newsletter pop-up."""
    folder = os.environ.get(SCREENSHOTS_ENV_VAR)
    if folder:
        for skip in browser.find_elements(By.XPATH, "//button[normalize-space()='Skip']"):
            browser.execute_script("arguments[0].click();", skip)
        browser.save_screenshot(str(Path(folder) / f"{name}.png"))


def _figure(text: str, label: str) -> float:
    """A metadata row as the page shows it: the label, when it was recorded, the value."""
    found = re.search(rf"^{label}\n[^\n]*\n([\d.]+)$", text, re.MULTILINE)
    assert found, f"{label} not on the page"
    return float(found.group(1))


@pytest.mark.slow
@pytest.mark.shared_data
def test_asset_pages_show_the_batch_and_its_picture_after_a_rerun_with_nothing_to_do(
    browser,
    layered_home: PosterHome,  # noqa: ANN001
) -> None:
    batches = all_batch_ids(open_database(layered_home))
    assert materialize_batches(layered_home, batches) == []  # current (other tests change it)
    assert materialize_batches(layered_home, batches) == []  # nothing left to do: a no-op
    port = free_port()
    ui = start_ui(layered_home.root, port)
    try:
        wait = WebDriverWait(browser, 90)
        for asset, figures in PAGES.items():
            browser.get(f"http://127.0.0.1:{port}/assets/{asset}")
            # The picture is on the page itself, not behind "[Show Markdown]".
            pictures = wait.until(
                lambda driver: [
                    image
                    for image in driver.find_elements(By.CSS_SELECTOR, PREVIEW_SELECTOR)
                    if image.get_property("complete") and image.get_property("naturalWidth")
                ]
            )
            assert pictures[0].get_property("naturalWidth") > 300  # decoded, not broken
            text = browser.find_element(By.TAG_NAME, "body").text
            assert _figure(text, "this_run_processed") == 0
            for label in figures:
                assert _figure(text, label) > 0, label
            _shoot(browser, f"ui-{asset}-figures")
            browser.execute_script("arguments[0].scrollIntoView();", pictures[0])
            _shoot(browser, f"ui-{asset}-picture")
        # Runs made by the command line are on the Overview timeline, under their job.
        browser.get(f"http://127.0.0.1:{port}/overview/activity/timeline")
        wait.until(lambda driver: "process_batch" in driver.find_element(By.TAG_NAME, "body").text)
        _shoot(browser, "ui-timeline")
    finally:
        ui.send_signal(signal.SIGTERM)
        ui.wait(timeout=60)
