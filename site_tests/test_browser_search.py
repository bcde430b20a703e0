"""Search, the home page and the footer in a real browser (headless Chromium, Playwright).

Queries are typed into the search boxes as people do: key by key, as a Chinese IME commits
them, or inserted without any key (voice input, a paste). Screenshots of the home page at
375 and 1366 px go to site_tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from conftest import ROOT

# the fixtures (demo, browser, new_page) are in conftest.py, shared with test_browser.py

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "site_tests" / "artifacts"
FOOD = "000117012000"  # 食品经营许可（新办）
PHONE = {"width": 375, "height": 812}
HUKOU = "000109002000"  # 户口迁移（市内迁移）
RESTAURANT = "themes/open-restaurant/"  # 我要开饭店
HOME_BOX = ".md-content form[data-guide-search] input[type=search]"
HEADER_BOX = ".md-header form[data-guide-search] input[type=search]"
DESKTOP = {"width": 1366, "height": 900}


def results(page, scope: str = "") -> list[str]:
    """The result links shown, in order, as paths from the site root."""
    selector = f"{scope} [data-guide-search-results] .gs-result__link".strip()
    page.wait_for_selector(selector, timeout=15000)
    return [urlsplit(href).path.lstrip("/") for href in page.eval_on_selector_all(selector, "as => as.map(a => a.href)")]


def type_chinese(page, pinyin: str, text: str) -> None:
    """Type as a Chinese IME does: compose the pinyin, then commit the characters (no key of
    the commit reaches the page)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.imeSetComposition", {"text": pinyin, "selectionStart": len(pinyin), "selectionEnd": len(pinyin)})
    cdp.send("Input.insertText", {"text": text})
    cdp.detach()


def search_home(page, query: str, how: str = "type") -> list[str]:
    page.goto(page.base)
    page.click(HOME_BOX)
    if how == "type":
        page.keyboard.type(query, delay=30)
    elif how == "ime":
        type_chinese(page, "kai'fan'dian", query)
    else:
        page.keyboard.insert_text(query)
    page.wait_for_function("q => document.querySelector('.md-content .gs-count') && document.querySelector('.md-content .gs-count').textContent.length > 0", arg=query)
    page.wait_for_timeout(400)  # the last keystroke's search replaces the earlier ones
    return results(page, ".md-content")


@pytest.mark.parametrize("how", ["type", "ime", "insert"])
def test_open_a_restaurant_finds_the_theme_and_the_licence(new_page, how):
    page = new_page(viewport=PHONE)
    top = search_home(page, "开饭店", how)[:3]
    assert RESTAURANT in top, top
    assert f"matters/{FOOD}/" in top, top
    assert not page.guard.outside and not page.guard.errors


def test_matter_name_finds_the_matter_first(new_page):
    page = new_page(viewport=PHONE)
    found = search_home(page, "食品经营许可")
    assert found[0] == f"matters/{FOOD}/", found


def test_hukou_finds_hukou_first(new_page):
    page = new_page(viewport=PHONE)
    found = search_home(page, "户口")
    assert found[0] == f"matters/{HUKOU}/", found
    assert "matters/000121003000/" not in found[:2], found  # 户外广告 is not about 户口


@pytest.mark.parametrize("query", ["开饭店", "数据", "接口", "营业执照", "办理", "许可"])
def test_no_api_or_help_page_among_citizen_results(new_page, query):
    page = new_page(viewport=PHONE)
    page.goto(page.base)
    page.click(HOME_BOX)
    page.keyboard.insert_text(query)
    page.wait_for_selector(".md-content .gs-count", timeout=15000)
    page.wait_for_timeout(400)
    shown = page.eval_on_selector_all(".md-content .gs-result__link", "as => as.map(a => new URL(a.href).pathname.replace(/^\\//, ''))")
    assert all(path.startswith(("matters/", "themes/")) for path in shown[:5]), shown


def test_results_show_department_time_limit_and_online_service(new_page):
    page = new_page(viewport=PHONE)
    search_home(page, "食品经营许可")
    first = page.locator(".md-content .gs-result").first
    assert first.locator(".gs-result__title").inner_text() == "食品经营许可（新办）"
    assert first.locator(".gs-result__meta").inner_text() == "市场监督管理局 · 承诺时限 5个工作日 · 网办：全程网办"


def test_header_box_on_every_page_and_enter_opens_the_search_page(new_page):
    page = new_page(viewport=DESKTOP)
    page.goto(page.base + f"matters/{FOOD}/")
    assert page.locator(HEADER_BOX).is_visible()
    page.click(HEADER_BOX)
    page.keyboard.type("户口", delay=30)
    assert results(page, ".md-header")[0] == f"matters/{HUKOU}/"
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert results(page, ".md-content")[0] == f"matters/{HUKOU}/"
    # the phone header has a search button that leads to the same page
    phone = new_page(viewport=PHONE)
    phone.goto(phone.base + f"matters/{FOOD}/")
    assert not phone.locator(HEADER_BOX).is_visible()
    phone.click(".md-header .gs-header-link")
    phone.wait_for_url("**/search/")
    assert phone.evaluate("document.activeElement.matches('input[type=search]')")


def test_search_page_filters_by_department_region_and_type(new_page):
    page = new_page(viewport=PHONE)
    page.goto(page.base + "search/?q=" + "开饭店")
    # the theme, 食品经营许可, and the matters a restaurant also needs (消防, 户外广告)
    assert len(results(page, ".md-content")) == 4
    labels = page.eval_on_selector_all(".gs-filter__name", "ns => ns.map(n => n.textContent)")
    assert labels == ["办事对象", "事项类型", "部门", "地区"]
    page.select_option("select[data-guide-filter=department]", "消防救援机构")
    page.wait_for_function("document.querySelectorAll('.md-content .gs-result').length === 2")
    page.select_option("select[data-guide-filter=department]", "")
    page.select_option("select[data-guide-filter=type]", "一件事")
    page.wait_for_function("document.querySelectorAll('.md-content .gs-result').length === 1")
    assert results(page, ".md-content") == [RESTAURANT]
    page.select_option("select[data-guide-filter=type]", "")
    page.select_option("select[data-guide-filter=region]", "柘荣县")
    page.wait_for_timeout(500)
    shown = results(page, ".md-content")
    assert RESTAURANT not in shown and f"matters/{FOOD}/" in shown, shown  # the theme is 莆田's


def test_a_visitor_who_never_searches_downloads_no_index(new_page):
    page = new_page(viewport=PHONE)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(urlsplit(request.url).path))
    for path in ("", f"matters/{FOOD}/", "themes/", "departments/"):
        page.goto(page.base + path)
        page.wait_for_load_state("networkidle")
    assert requested and not [path for path in requested if path.startswith("/pagefind/")]
    page.goto(page.base)
    page.click(HOME_BOX)
    page.wait_for_load_state("networkidle")
    assert "/pagefind/pagefind.js" in requested


def test_home_page_for_citizens(new_page):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, viewport in (("375", PHONE), ("1366", DESKTOP)):
        page = new_page(viewport=viewport)
        page.goto(page.base)
        box = page.locator(HOME_BOX)
        assert box.is_visible() and box.bounding_box()["y"] < 300, "the search box is on the first screen"
        entries = page.locator(".gh-entry .gh-entry__title").all_inner_texts()
        assert entries == ["个人办事", "法人办事"]
        themes = page.locator("#themes + p + ul .gh-card strong").all_inner_texts()
        assert themes == ["汽车维修店开办", "开便利店（只卖预包装食品）", "我要开饭店"]
        assert page.locator("#popular + ul .gh-card").count() == 8
        tabs = page.locator(".md-tabs__link").all_inner_texts() if name == "1366" else []
        assert "开放数据接口" not in tabs
        scroll, client = page.evaluate("[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]")
        assert scroll <= client, f"{name}: {scroll} > {client}"
        page.screenshot(path=str(ARTIFACTS / f"home-{name}.png"), full_page=True)
        assert not page.guard.outside and not page.guard.errors


def test_region_switcher_remembers_the_choice(new_page):
    page = new_page(viewport=PHONE)
    page.goto(page.base)
    page.select_option("#gh-region-select", "350926000000")
    link = page.locator("[data-guide-region-link]")
    assert link.inner_text() == "查看柘荣县可办的事项和办理点"
    assert urlsplit(link.get_attribute("href")).path == "/regions/350926000000/"
    page.reload()
    assert page.input_value("#gh-region-select") == "350926000000"
    page.goto(page.base + "search/?q=开饭店")
    results(page, ".md-content")
    assert page.input_value("select[data-guide-filter=region]") == "柘荣县"


def test_government_footer_and_no_developer_text(new_page):
    page = new_page(viewport=DESKTOP)
    for path in ("", f"matters/{FOOD}/", "search/"):
        page.goto(page.base + path)
        footer = page.locator("footer.md-footer").inner_text()
        for item in ("网站地图", "开放数据接口", "主办单位：莆田市人民政府办公室", "网站标识码：3503000001", "闽ICP备00000000号-1", "闽公网安备 35030202000000号", "联系我们：电话 12345"):
            assert item in footer, (path, item, footer)
        body = page.locator("body").inner_text()
        assert "Made with" not in body and "Material for MkDocs" not in body
    page.click("footer >> text=网站地图")
    assert page.locator("h1").inner_text() == "网站地图"
    page.goto(page.base + "404.html")
    assert page.locator("h1").inner_text() == "页面不存在"
    assert "Not found" not in page.locator("body").inner_text()
