"""The mandate pages in Chromium at 400 and 1400 pixels: the timeline, the comparison of two mandates
with its changed words marked, a catalogue note's mandate before and after; none wider than the window.

Screenshots go to build/screenshots/mandates-<width>-<page>.png."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browsing import WIDTHS, screenshot, texts_by_css

PAGES = {
    "timeline": "/mandates",
    "comparison": "/mandate-changes?resolution=s-res-2729-2024",
    "note": "/mandate_notes/series_notes/unmiss-2024",
}


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
def test_the_mandate_pages_read_at_both_widths(server, browser, window):
    for name, address in PAGES.items():
        browser.get(server + address)
        wide, inner = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        assert wide <= inner, f"{name}: {wide}px in a {inner}px window"
        screenshot(browser, f"mandates-{window}-{name}.png")
    browser.get(server + PAGES["timeline"])
    missions = texts_by_css(browser, "section.mission h2")
    assert missions == ["MINUSCA", "MINUSMA", "MONUSCO", "UNAMA", "UNAMID", "UNITAMS", "UNMISS", "UNSMIL"]
    browser.find_element(By.CSS_SELECTOR, '#s-res-2729-2024 a[href^="/mandate-changes"]').click()
    WebDriverWait(browser, 10).until(lambda driver: driver.current_url.endswith("?resolution=s-res-2729-2024"))
    assert browser.find_elements(By.CSS_SELECTOR, "li.change-amended ins")
    assert browser.find_elements(By.CSS_SELECTOR, "li.change-amended del")
    # The form picks another resolution.
    browser.find_element(By.CSS_SELECTOR, "#resolution option[value='s-res-2640-2022']").click()
    browser.find_element(By.CSS_SELECTOR, "form.compare-choice button").click()
    WebDriverWait(browser, 10).until(lambda driver: "resolution=s-res-2640-2022" in driver.current_url)
    assert "S/RES/2640 (2022) against S/RES/2584 (2021)" in browser.find_element(By.TAG_NAME, "h1").text
    browser.get(server + PAGES["note"])
    section = browser.find_element(By.ID, "council-sides").find_element(By.XPATH, "..")
    assert "S/RES/2677 (2023)" in section.text and "S/RES/2726 (2024)" in section.text
