"""papermap serve in a real browser (Debian's chromium driven by Playwright for Python): what a
volunteer does on the laptop, and what a contributor does on a phone. Screenshots go to a temporary
folder, or to docs/serve-*.png for the README when PAPERMAP_SCREENSHOTS=docs is set (so a plain
`make test` leaves the checkout as it was). Skips, saying why, only when chromium or Playwright is missing
(``make test`` installs chromium through scripts/ensure-chromium.sh)."""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from conftest import REPO
from test_serve_api import csv_points, pdf_text, running_server

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DOCS = REPO / "docs" if os.environ.get("PAPERMAP_SCREENSHOTS") == "docs" else Path(tempfile.mkdtemp(prefix="serve-shots-"))


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (scripts/ensure-chromium.sh installs it when run as root)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("serve-browser")) as s:
        yield s


def offline_page(context, origin: str):
    """A page that may load only the server's own files: anything else is recorded and refused."""
    outside: list[str] = []

    def guard(route) -> None:
        if route.request.url.startswith(origin):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    return context.new_page(), outside


def test_volunteer_builds_an_atlas_with_an_uploaded_file(browser, server, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 860}, accept_downloads=True, locale="ja-JP",
                                  bypass_csp=True)   # lets the test evaluate its own checks
    page, outside = offline_page(context, server.url)
    try:
        page.goto(server.url + "/")
        page.wait_for_selector("body.ready")
        page.wait_for_selector(".leaflet-image-layer")
        # pick an area by dragging a box on the map
        page.click("#draw-area")
        box = page.locator("#map").bounding_box()
        page.mouse.move(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.3)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.7, steps=8)
        page.mouse.up()
        page.wait_for_function("document.getElementById('area-text').textContent.includes('ページ')")
        assert "範囲 / Area: 7." in page.text_content("#area-text")
        assert page.locator(".page-number").count() >= 1          # the page grid drawn live
        pages_before = int(page.get_attribute("#map-box", "data-pages"))
        page.select_option("#opt-scale", "5000")                 # more detail: more pages, redrawn
        page.wait_for_function(f"+document.getElementById('map-box').dataset.pages > {pages_before}")
        page.select_option("#opt-scale", "10000")
        # upload a CSV with one bad row and see that row's message
        csv = tmp_path / "給水所.csv"
        csv.write_bytes(csv_points("Spring", n=3, bad=True))
        page.set_input_files("#upload", str(csv))
        page.wait_for_selector(".upload .lines li")
        lines = page.locator(".upload .lines li").all_text_contents()
        assert len(lines) == 1 and re.match(r"給水所\.csv:5:lat(itude)?: ", lines[0]), lines
        page.fill("#opt-title", "避難所マップ Browser test")
        page.evaluate("document.fonts.ready")
        page.screenshot(path=str(DOCS / "serve-volunteer.png"))
        # build: progress, then previews and the PDF
        page.click("#build")
        page.wait_for_selector("#progress:not([hidden])")
        page.wait_for_selector("#result:not([hidden])", timeout=240_000)
        assert page.text_content("#progress-text") == "できました / done"
        previews = page.locator("#previews img")
        assert previews.count() >= 2
        page.wait_for_function("[...document.querySelectorAll('#previews img')].every(i => i.complete && i.naturalWidth > 0)")
        page.screenshot(path=str(DOCS / "serve-built.png"), full_page=True)
        with page.expect_download() as dl:
            page.click("#download")
        pdf = dl.value.path().read_bytes()
        assert len(pdfium.PdfDocument(pdf)) == previews.count()
        text = pdf_text(pdf)
        assert "避難所マップ Browser test" in text
        assert all(f"Spring {i}" in text for i in range(3)) and "Spring bad" not in text
        assert outside == []
    finally:
        context.close()


def test_contributor_adds_a_point_on_a_phone_and_it_is_in_the_next_build(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  device_scale_factor=2, locale="ja-JP", bypass_csp=True)
    page, outside = offline_page(context, server.url)
    try:
        page.goto(server.url + "/contribute")
        page.wait_for_selector("body.ready")
        page.wait_for_selector(".leaflet-image-layer")
        box = page.locator("#map").bounding_box()
        page.touchscreen.tap(box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.5)
        page.wait_for_function("document.getElementById('where').textContent.includes('43.')")
        page.select_option('#add [name="category"]', "bath")
        page.fill('#add [name="name"]', "臨時浴場 Phone")
        page.fill('#add [name="hours"]', "10:00-20:00")
        page.check('#add [name="status"][value="open"]', force=True)
        page.fill('#add [name="who"]', "さくら")
        page.evaluate("document.fonts.ready.then(() => window.scrollTo(0, 0))")
        page.screenshot(path=str(DOCS / "serve-phone-add.png"), full_page=True)
        page.click("#save")
        page.wait_for_selector("#add-msg.ok")
        item = page.locator(".point", has_text="臨時浴場 Phone")
        item.locator("text=閉鎖 / closed").click()
        page.wait_for_selector(".point.status-closed")
        page.locator(".point", has_text="臨時浴場 Phone").locator("text=履歴 / history").click()
        page.wait_for_selector(".history li >> nth=1")
        history = page.locator(".history li").all_text_contents()
        assert "さくら: added" in history[0] and "status=閉鎖 / closed" in history[1]
        page.locator(".history").scroll_into_view_if_needed()
        page.screenshot(path=str(DOCS / "serve-phone-history.png"))
        assert outside == []
    finally:
        context.close()
    job = server.build(contributed=True)
    assert job["state"] == "done", job
    text = pdf_text(server.get(job["pdf"], raw=True))
    assert "臨時浴場 Phone" in text and "10:00-20:00" in text
