"""End to end in headless Chromium (Debian's /usr/bin/chromium through playwright).

Signs in, opens every page (desktop 1366×768 and phone width), uploads a file with errors and sees
them listed, submits a good one, approves it from the queue, and finds the approved figure on the
public indicator page; screenshots are checked not to be blank (pixel spread), and no page logs a
script error.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageStat
from tests.web.conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs /usr/bin/chromium (scripts/ensure-chromium.sh)"
)
PAGES = ["/", "/indicators", "/tasks", "/water", "/air", "/access", "/reports"]
HEADER = "indicator_id,region_code,period,value,unit,source,note\n"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            yield b
        finally:
            b.close()


def _spread(png: bytes, box: tuple[int, int, int, int] | None = None) -> float:
    img = Image.open(io.BytesIO(png)).convert("L")
    if box is not None:
        img = img.crop(box)
    return float(ImageStat.Stat(img).stddev[0])


class Page:
    """A browser page that records script errors and requests leaving the machine."""

    def __init__(self, browser: Any, base: str, width: int = 1366, height: int = 768) -> None:
        self.ctx = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        self.page = self.ctx.new_page()
        self.base = base
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on(
            "request",
            lambda r: None if r.url.startswith((base, "data:")) else self.outside.append(r.url),
        )

    def open(self, path: str) -> Any:
        self.page.goto(self.base + path)
        self.page.wait_for_load_state("networkidle")
        return self.page

    def close(self) -> None:
        self.ctx.close()


def test_every_page_renders_with_maps_and_charts(browser: Any, live_server: str) -> None:
    p = Page(browser, live_server)
    try:
        for path in PAGES:
            page = p.open(path)
            page.wait_for_timeout(300)
            png = page.screenshot(full_page=True)
            assert _spread(png) > 20, path
            for sel in (".map", ".chart"):
                for i in range(page.locator(sel).count()):
                    shot = page.locator(sel).nth(i).screenshot()
                    assert _spread(shot) > 5, (path, sel, i)
            # no horizontal scrolling at 1366 px
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        assert p.errors == []
        assert p.outside == []
        # the overview's map has the 39 county units drawn
        page = p.open("/")
        page.wait_for_selector("#overview-map path.leaflet-interactive")
        assert page.locator("#overview-map path.leaflet-interactive").count() >= 39
        assert page.locator("#targets table tbody tr").count() > 0
    finally:
        p.close()


def test_phone_width_and_keyboard(browser: Any, live_server: str) -> None:
    p = Page(browser, live_server, width=390, height=844)
    try:
        for path in ("/", "/air", "/access"):
            page = p.open(path)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (
                path
            )
            assert _spread(page.screenshot()) > 20
        page = p.open("/tasks")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        assert p.errors == []
    finally:
        p.close()


def test_report_download_by_keyboard(browser: Any, live_server: str, tmp_path: Path) -> None:
    p = Page(browser, live_server)
    try:
        page = p.open("/reports")
        page.focus("#rep-water-annual-period")
        page.keyboard.press("Tab")  # region
        page.keyboard.press("Tab")  # language
        page.keyboard.press("Tab")  # format
        assert page.evaluate("document.activeElement.id") == "rep-water-annual-format"
        page.select_option("#rep-water-annual-format", "html")
        page.keyboard.press("Tab")  # the download button
        with page.expect_download() as info:
            page.keyboard.press("Enter")
        download = info.value
        assert download.suggested_filename == "water-annual-2025-zh.html"
        out = tmp_path / download.suggested_filename
        download.save_as(out)
        assert "年度水环境责任考核结果" in out.read_text("utf-8")
        assert p.errors == [] and p.outside == []
    finally:
        p.close()


def test_upload_errors_submit_approve_publish(
    browser: Any, live_server: str, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEADER + "urbanization_rate,620100,2018,abc,%,公报,\n"
        "no_such_indicator,620100,2018,1,%,公报,\n"
        "urbanization_rate,999999,2018,80,%,公报,\n",
        encoding="utf-8",
    )
    good = tmp_path / "good.csv"
    good.write_text(
        HEADER + "urbanization_rate,620100,2018,79.75,%,兰州统计年鉴 2019,\n", encoding="utf-8"
    )

    city = Page(browser, live_server)
    try:
        page = city.open("/submit")  # redirected to the sign-in form
        page.fill("#username", "demo_lanzhou")
        page.fill("#password", PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_url(re.compile(r"/submit$"))
        assert page.locator("#who").inner_text() == "demo_lanzhou"
        page.set_input_files("#file", str(bad))
        page.click("#upload-form button[type=submit]")
        page.wait_for_selector("#problems")
        rows = page.locator("#problems tbody tr")
        assert rows.count() >= 3
        text = page.locator("#problems").inner_text()
        assert "bad.csv" in text and "abc" in text and "999999" in text
        assert _spread(page.screenshot(full_page=True)) > 20
        # the refused upload answers 422, which Chromium logs; nothing else may be logged
        assert [e for e in city.errors if "422" not in e] == []
        city.errors.clear()
        page.set_input_files("#file", str(good))
        page.click("#upload-form button[type=submit]")
        page.wait_for_selector("#batch-id")
        batch = page.locator("#batch-id").inner_text()
        assert city.errors == []
    finally:
        city.close()

    admin = Page(browser, live_server)
    try:
        page = admin.open("/login?next=/queue")
        page.fill("#username", "demo_gansu")
        page.fill("#password", PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_url(re.compile(r"/queue$"))
        row = page.locator(f'tr[data-batch="{batch}"]')
        assert row.count() == 1
        row.locator("button.approve").click()
        page.wait_for_selector("#done")
        assert f"{batch}:approved" in page.locator("#done").inner_text()
    finally:
        admin.close()

    public = Page(browser, live_server)
    try:
        page = public.open("/indicators?indicator=urbanization_rate&region=620100")
        page.wait_for_selector("#obs-table table")
        table = page.locator("#obs-table").inner_text()
        assert "2018" in table and "79.75" in table and "兰州统计年鉴 2019" in table
        shot = page.locator("#series-chart").screenshot()
        assert _spread(shot) > 5
        assert public.errors == []
    finally:
        public.close()


def test_air_page_shows_the_apis_target_assessment_and_standard_colours(
    browser: Any, live_server: str
) -> None:
    import json
    import urllib.request

    def get(path: str) -> Any:
        with urllib.request.urlopen(live_server + "/api/v1" + path) as r:
            return json.load(r)

    targets = get("/air/targets?level=target")["items"]
    legends = get("/legends")
    # HJ 633 表A.1: 良 is yellow, RGB (255, 255, 0); 优 green (0, 228, 0)
    assert [lv["colour"] for lv in legends["aqi_levels"]["2012"][:2]] == ["#00E400", "#FFFF00"]
    p = Page(browser, live_server)
    try:
        page = p.open("/air")
        page.wait_for_selector("#air-targets table tbody tr")
        cells = page.locator("#air-targets table tbody tr").all_inner_texts()
        assert len(cells) == len(targets) > 0
        for text, t in zip(cells, targets, strict=True):
            # the page writes what the API decided: the scope, the value and the verdict
            assert t["scope_name"] in text and t["verdict_zh"] in text
            assert f"{t['good_days_ratio']:.1f}%" in text
        # 兰州经济圈 is assessed on its four Gansu cities only
        (lzec,) = [t for t in targets if t["group"] == "lanzhou_economic_circle"]
        assert lzec["cities_covered"] == 4
        assert p.errors == []
    finally:
        p.close()


def test_water_page_shows_graded_warnings_and_how_places_are_known(
    browser: Any, live_server: str
) -> None:
    import json
    import urllib.request

    def get(path: str) -> Any:
        with urllib.request.urlopen(live_server + "/api/v1" + path) as r:
            return json.load(r)

    warnings = get("/water/warnings")["items"]
    monthly = get("/water/monthly?limit=1000")["items"]
    kinds = {s["position"] for s in monthly}
    assert {"measured", "approximate"} <= kinds  # 新城桥 sourced, 什川桥 a county's point
    p = Page(browser, live_server)
    try:
        page = p.open("/water")
        page.wait_for_selector("#water-warnings table tbody tr")
        rows = page.locator("#water-warnings table tbody tr").all_inner_texts()
        assert len(rows) == len(warnings) > 0
        for text, w in zip(rows, warnings, strict=True):
            # the page writes the API's level and change words, nothing of its own
            assert w["unit_name"] in text
            assert (w["warning_level_zh"] or "—") in text
            assert (w["change_zh"] or "") in text
        rule = page.inner_text("#water-warning-rule")
        first = warnings[0]
        assert f"下降{first['level2_decline']}个类别及以上" in rule
        assert f"下降{first['level1_decline']}个类别及以上的，为一级预警" in rule
        legend = page.locator("#water-places li").all_inner_texts()
        assert "监测点位坐标（实线圈）" in legend
        assert any(x.startswith("位置为近似") for x in legend)
        page = p.open("/water?lang=en")
        page.wait_for_selector("#water-places li")
        legend = page.locator("#water-places li").all_inner_texts()
        assert any(x.startswith("Approximate location") for x in legend)
        assert p.errors == []
    finally:
        p.close()
