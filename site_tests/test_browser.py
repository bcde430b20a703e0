"""The built site in a real browser: headless Debian Chromium driven by Playwright.

Search, the 情形 filter, printing (the guide page and the filled 补正材料通知书), phones at
375 px, 长辈模式, accessibility (axe-core from the npm registry) and an intranet with no
internet. The demo site is served by a local http.server on 127.0.0.1; screenshots and PDFs go
to site_tests/artifacts/browser/ for a person to look at.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import ROOT
from generator.outputs import regions

pytestmark = pytest.mark.browser

AXE = ROOT / "site_tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "site_tests" / "artifacts" / "browser"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
FOOD = "000117012000"  # 食品经营许可（新办）: the matter the README and the issues use


# ----------------------------------------------------------------- fixtures
# demo, hostile, browser and new_page are in conftest.py: one Playwright for the session.


def pages_of(site: Path) -> list[str]:
    """Every HTML page of a built site, as URL paths."""
    found = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        found.append(rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    return found


def matter_pages(site: Path) -> list[str]:
    return [p for p in pages_of(site) if re.fullmatch(r"matters/\d{12}/", p)]


def artifact(name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name


def visible_materials(page) -> list[str]:
    return page.eval_on_selector_all(
        "table[data-guide-materials] tr[data-material]",
        "rows => rows.filter(r => r.offsetParent !== null).map(r => r.dataset.material)",
    )


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


# ------------------------------------------------------------------- search


# --------------------------------------------------------------- situations


def expected_visible(items, chosen: dict[str, str]) -> set[str]:
    """The rule the page states: an item applies when any of its ``when`` options could hold
    and every one of its ``when_all`` options could hold (an unanswered question could)."""
    shown = set()

    def could(ref: str) -> bool:
        return chosen.get(ref.split(".")[0]) in (None, ref)

    for item in items:
        refs = list(item.when)  # "situation.option"
        if (not refs or any(could(ref) for ref in refs)) and all(could(ref) for ref in getattr(item, "when_all", ())):
            shown.add(item.id)
    return shown


def test_situations_filter_materials_and_conditions(new_page, demo, sample_corpus):
    checked = 0
    for matter in sample_corpus.sorted_matters():
        if not matter.situations or not any(m.when for m in matter.materials):
            continue
        page = new_page(viewport=PHONE)
        page.goto(page.base + f"matters/{matter.code}/")
        all_ids = [m.id for m in matter.materials]
        brought = {m.id for m in matter.materials if not m.shared_data}
        assert visible_materials(page) == all_ids, "before a choice every material shows"
        status = page.locator(".guide-situations-status")
        assert f"{len(brought)} 项材料" in status.inner_text()
        assert page.inner_text("[data-guide-count]") == str(len(brought))
        for situation in matter.situations:
            for option in situation.options:
                chosen = {situation.id: f"{situation.id}.{option.id}"}
                page.check(f"input[name='{situation.id}'][value='{situation.id}.{option.id}']")
                want = expected_visible(matter.materials, chosen)
                shown = set(visible_materials(page))
                assert shown == want, f"{matter.code} {chosen}: shown {sorted(shown)}, expected {sorted(want)}"
                conditions = page.eval_on_selector_all(
                    "ol.guide-conditions > li", "items => items.map(li => li.offsetParent !== null)"
                )
                want_conditions = expected_visible(matter.conditions, chosen)
                assert [c.id in want_conditions for c in matter.conditions] == conditions
                assert f"需要提交 {len(want & brought)} 项材料（共 {len(brought)} 项）" in status.inner_text()
                assert page.inner_text("[data-guide-count]") == str(len(want & brought))
                numbers = page.eval_on_selector_all(
                    "table[data-guide-materials] tr[data-material]:not([hidden]) [data-guide-number]", "cs => cs.map(c => c.textContent)"
                )
                assert numbers == [str(i) for i in range(1, len(want) + 1)], f"numbering with gaps: {numbers}"
                checked += len(all_ids) - len(want)  # materials hidden by this choice
                if situation.multiple:  # checkboxes: untick, and nothing ticked means unanswered
                    page.uncheck(f"input[name='{situation.id}'][value='{situation.id}.{option.id}']")
            if not situation.multiple:
                page.check(f"input[name='{situation.id}'][value='']")
            assert visible_materials(page) == all_ids, "全部显示 shows everything again"
        assert not page.guard.errors
    assert checked > 0, "no sample matter has a situation that hides a material"


def implementations_of(corpus, code: str) -> list[dict]:
    """The matter's implementations as api/v1/implementations.json publishes them."""
    return [entry for entry in regions.implementations(corpus) if entry["matter_code"] == code]


def test_without_javascript_every_guide_page_shows_everything(new_page, demo, sample_corpus):
    site, _ = demo
    for path in matter_pages(site):
        code = path.split("/")[1]
        matter = sample_corpus.matters[code]
        entries = implementations_of(sample_corpus, code)
        assert entries, code
        page = new_page(viewport=PHONE, java_script_enabled=False)
        page.goto(page.base + path)
        assert visible_materials(page) == [m.id for m in matter.materials]
        assert page.locator("ol.guide-conditions > li:visible").count() == len(matter.conditions)
        text = page.inner_text("article")
        # every implementing agency with its phones: the contacts table is plain HTML
        local = [value for e in entries for value in (e["agency"], *e["consult_phones"], e["complaint_phone"], e["remedy"]["reconsideration_body"])]
        for needed in ("承诺办结时限", "法定办结时限", "咨询电话", "监督投诉电话", *local):
            assert needed in text, f"{code}: {needed} not shown without JavaScript"
        # Controls that need the script are not offered without it
        assert not page.locator(".guide-situations").is_visible()
        assert not page.locator(".guide-staff-only").first.is_visible()
        assert not page.locator(".guide-notice").is_visible()
        page.context.close()


# ----------------------------------------------------------------- printing


def test_print_view_of_a_guide_page(new_page, demo, sample_corpus):
    page = new_page()
    page.goto(page.base + f"matters/{FOOD}/")
    matter = sample_corpus.matters[FOOD]
    page.emulate_media(media="print")
    for hidden in (".md-header", ".md-tabs", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer", ".md-search",
                   ".guide-situations", ".guide-page-actions", ".guide-staff-bar", ".guide-elderly-toggle"):
        assert not page.locator(hidden).first.is_visible(), f"{hidden} printed"
    assert visible_materials(page) == [m.id for m in matter.materials], "with no 情形 chosen all materials print"
    assert page.locator(".guide-print-source").is_visible()
    pdf = artifact(f"print-{FOOD}.pdf")
    page.pdf(path=str(pdf), format="A4", print_background=True)
    text = pdf_text(pdf)
    assert matter.name in text and "按部门" not in text and "长辈模式" not in text
    for material in matter.materials:
        assert material.name[:8] in text.replace("\n", "")
    online = {e["online_url"] for e in implementations_of(sample_corpus, FOOD)}
    assert online == {"https://zwfw.fujian.gov.cn/"}
    # the online hall of every implementation, in the contacts table (a narrow cell wraps the
    # address, so read the text in reading order rather than laid out in columns)
    reading = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert "网上办理：https://zwfw.fujian.gov.cn/" in reading.replace("\n", "")


def test_printed_links_show_where_they_go(new_page):
    page = new_page()
    page.goto(page.base + "types/licensing/")
    page.emulate_media(media="print")
    links = page.eval_on_selector_all(
        "article a[href]", "as => as.map(a => [a.href, getComputedStyle(a, '::after').content])"
    )
    assert links
    base = urlsplit(page.base).netloc
    outside = [(href, after) for href, after in links if urlsplit(href).netloc != base]
    for href, after in outside:
        assert href in after, f"{href} printed without its address ({after})"
    for href, after in links:
        if urlsplit(href).netloc == base:
            assert href not in after, f"{href}: a page of this site printed with its address"


def test_print_follows_the_chosen_situation(new_page, demo, sample_corpus):
    matter = sample_corpus.matters[FOOD]
    situation = matter.situations[0]
    option = situation.options[-1]
    page = new_page()
    page.goto(page.base + f"matters/{FOOD}/")
    page.check(f"input[value='{situation.id}.{option.id}']")
    page.emulate_media(media="print")
    want = expected_visible(matter.materials, {situation.id: f"{situation.id}.{option.id}"})
    assert set(visible_materials(page)) == want
    note = page.inner_text(".guide-print-situations")
    assert option.label in note and "全部情形见网页" in note


def test_filled_correction_notice(new_page, demo, sample_corpus):
    matter = sample_corpus.matters[FOOD]
    missing, kept = matter.materials[0], matter.materials[1]
    other = matter.materials[2]
    page = new_page()
    page.goto(page.base + f"matters/{FOOD}/")
    # The 缺件 column is for staff only
    assert not page.locator("th.guide-staff-only").is_visible()
    page.click(".guide-staff-link")
    assert page.locator("th.guide-staff-only").is_visible()
    page.reload()
    assert page.locator("th.guide-staff-only").is_visible(), "staff mode is remembered"
    page.evaluate("() => { window.print = () => { window.__printed = (window.__printed || 0) + 1 } }")
    # Nothing ticked: nothing to print, and staff are told why
    page.click("[data-guide-print-notice]")
    assert page.evaluate("window.__printed") is None
    assert "请先" in page.inner_text(".guide-staff-summary")
    page.check(f"tr[data-material='{missing.id}'] input[name=missing]")
    page.check(f"tr[data-material='{other.id}'] input[name=missing]")
    page.fill(f"tr[data-material='{other.id}'] .guide-missing-note", "未加盖公章")
    page.fill(".guide-staff-panel input[name=applicant]", "张三")
    page.fill(".guide-staff-panel input[name=received]", "2026-11-20")
    assert "2026年11月27日（星期五）" in page.inner_text(".guide-staff-summary")
    page.click("[data-guide-print-notice]")
    assert page.evaluate("window.__printed") == 1
    page.emulate_media(media="print")
    notice = page.locator("#guide-notice")
    assert notice.is_visible()
    for hidden in (".md-header", ".md-tabs", ".md-sidebar--primary", "#matter-title", "table[data-guide-materials]", ".guide-card"):
        assert not page.locator(hidden).first.is_visible(), f"{hidden} printed with the notice"
    rows = page.eval_on_selector_all(
        "#guide-notice table.correction tbody tr", "rs => rs.filter(r => r.classList.contains('missing')).map(r => [r.dataset.material, r.querySelector('.why').textContent])"
    )
    assert rows == [[missing.id, "请补交"], [other.id, "未加盖公章"]]
    text = notice.inner_text()
    assert "张三" in text and "2026年11月20日" in text and "2026年11月27日" in text
    assert page.eval_on_selector(f"#guide-notice tr[data-material='{kept.id}'] [data-fill-box]", "b => b.textContent") == "☐"
    pdf = artifact(f"correction-notice-{FOOD}.pdf")
    page.pdf(path=str(pdf), format="A4", print_background=True)
    printed = pdf_text(pdf)
    assert "补正材料通知书" in printed and "张三" in printed and "受理条件" not in printed and "按部门" not in printed
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M), "the notice fits one A4 page"
    # After printing, the page is the guide again
    page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
    assert page.locator("#matter-title").is_visible()
    assert not page.guard.errors


@pytest.mark.parametrize(
    "start, days, calendar, due",
    [
        ("2026-11-20", 5, {}, "2026-11-27"),  # Friday: the next week's Friday
        ("2026-11-21", 5, {}, "2026-11-27"),  # received on a Saturday
        ("2026-11-25", 5, {}, "2026-12-02"),  # over a weekend
        ("2026-09-30", 5, {"holidays": [f"2026-10-0{d}" for d in range(1, 8)], "workdays": ["2026-10-10"]}, "2026-10-13"),
    ],
)
def test_deadline_counts_working_days(new_page, start, days, calendar, due):
    page = new_page()
    page.goto(page.base + f"matters/{FOOD}/")
    got = page.evaluate(
        "([start, days, calendar]) => guides.isoDate(guides.addWorkingDays(new Date(start + 'T00:00'), days, calendar))",
        [start, days, calendar],
    )
    assert got == due


def test_notice_deadline_uses_the_page_calendar(new_page):
    page = new_page()
    page.add_init_script("localStorage.setItem('guides.staff', '1')")
    page.goto(page.base + f"matters/{FOOD}/")
    # The build puts matters/holidays.yml into the page this way (generator/frontend.py)
    page.evaluate(
        """() => { const s = document.createElement('script'); s.type = 'application/json'; s.id = 'guide-calendar';
                   s.textContent = JSON.stringify({holidays: ['2026-10-01','2026-10-02','2026-10-05','2026-10-06','2026-10-07'],
                                                   workdays: ['2026-10-10']});
                   document.getElementById('guide-notice').appendChild(s) }"""
    )
    page.fill(".guide-staff-panel input[name=received]", "2026-09-30")
    assert "2026年10月13日（星期二）" in page.inner_text(".guide-staff-summary")


def test_notice_keeps_hostile_text_as_text(new_page, hostile):
    site, base = hostile
    code = matter_pages(site)[0].split("/")[1]
    page = new_page(base=base)
    page.goto(base + f"matters/{code}/")
    page.click(".guide-staff-link")
    page.evaluate("() => { window.print = () => {} }")
    names = page.eval_on_selector_all(".guide-material-name", "ns => ns.map(n => n.textContent)")
    hostile_row = next(i for i, n in enumerate(names) if "<script>" in n)
    page.locator("input[name=missing]").nth(hostile_row).check()
    page.fill(".guide-staff-panel input[name=applicant]", "<img src=x onerror=alert(1)>")
    page.click("[data-guide-print-notice]")
    cells = page.eval_on_selector_all("#guide-notice tr.missing .mname", "cs => cs.map(c => c.textContent)")
    assert cells == [names[hostile_row]]
    # the QR code is the only image of the notice, and no script came in with the text
    assert page.locator("#guide-notice script:not([type='application/json']), #guide-notice img:not(.qr img)").count() == 0
    assert page.inner_text("#guide-notice .lead [data-fill=applicant]") == "<img src=x onerror=alert(1)>"
    assert not page.guard.errors, page.guard.errors


# -------------------------------------------------------------------- phone


def test_phone_no_horizontal_scroll_on_any_page(new_page, demo):
    site, _ = demo
    wide = []
    modes = {"": (), "-elderly": ("elderly",), "-staff": ("elderly", "staff")}
    for suffix, stored in modes.items():
        page = new_page(viewport=PHONE)
        for key in stored:
            page.add_init_script(f"localStorage.setItem('guides.{key}', '1')")
        for path in pages_of(site):
            if suffix == "-staff" and not path.startswith("matters/"):
                continue  # staff mode changes matter pages only
            page.goto(page.base + path)
            if suffix == "-staff":
                # a ticked material grows a note field in the narrow card
                page.locator("input[name=missing]").first.check()
            scroll, client = page.evaluate("[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]")
            if scroll > client:
                wide.append(f"{path} ({suffix or 'standard'}): {scroll} > {client}")
            if suffix != "-staff" and (path == "" or path.startswith("matters/")):
                name = (path.strip("/").replace("/", "-") or "home") + suffix
                page.screenshot(path=str(artifact(f"phone-{name}.png")), full_page=True)
        assert not page.guard.errors
        page.context.close()
    assert not wide, "pages wider than a 375 px phone:\n" + "\n".join(wide)


def test_desktop_screenshots(new_page, demo):
    for elderly in (False, True):
        page = new_page(viewport=DESKTOP)
        if elderly:
            page.add_init_script("localStorage.setItem('guides.elderly', '1')")
        page.goto(page.base + f"matters/{FOOD}/")
        scroll, client = page.evaluate("[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]")
        assert scroll <= client
        page.screenshot(path=str(artifact(f"desktop-{FOOD}{'-elderly' if elderly else ''}.png")), full_page=True)


# ------------------------------------------------------------------ 长辈模式


def _font_px(page, selector):
    return page.eval_on_selector(selector, "e => parseFloat(getComputedStyle(e).fontSize)")


def _contrast(page, selector):
    """Contrast ratio of an element's text on the white page, alpha blended as it is painted."""
    return page.eval_on_selector(
        selector,
        """e => {
          const [r, g, b, a = 1] = getComputedStyle(e).color.match(/[\\d.]+/g).map(Number);
          const lin = c => { c = (c * a + 255 * (1 - a)) / 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4 };
          const l = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
          return 1.05 / (l + 0.05);
        }""",
    )


def test_elderly_mode(new_page, demo):
    page = new_page(viewport=PHONE)
    page.goto(page.base + f"matters/{FOOD}/")
    text = "ol.guide-conditions > li"
    plain = {sel: _font_px(page, sel) for sel in (text, ".guide-summary td", ".md-header__topic")}
    plain_contrast = {sel: _contrast(page, sel) for sel in (text, ".guide-keywords", ".guide-summary th")}
    toggle = page.locator("[data-guide-elderly]")
    assert toggle.is_visible() and toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    page.reload()
    assert page.evaluate("document.documentElement.classList.contains('guide-elderly')"), "still on after a reload"
    assert page.locator("[data-guide-elderly]").get_attribute("aria-pressed") == "true"
    for sel, px in plain.items():
        assert _font_px(page, sel) >= 1.5 * px, f"{sel}: {_font_px(page, sel)}px is not 1.5 × {px}px"
    for sel, ratio in plain_contrast.items():
        now = _contrast(page, sel)
        assert now >= 7 and now >= ratio, f"{sel}: contrast {now:.1f} (was {ratio:.1f})"
    # Tap targets of at least 44 × 44 px
    page.click(".guide-staff-link")
    small = page.evaluate(
        """sels => sels.flatMap(sel => [...document.querySelectorAll(sel)]
             .filter(e => e.offsetParent !== null)
             .map(e => [sel, e.getBoundingClientRect()])
             .filter(([, r]) => r.height < 44 || r.width < 44)
             .map(([sel, r]) => `${sel} ${Math.round(r.width)}×${Math.round(r.height)}`))""",
        [".guide-elderly-toggle", ".md-header__button", ".guide-situations label", ".guide-button",
         ".guide-staff-only label", ".guide-facts a[href^='tel:']", ".guide-staff-panel input"],
    )
    assert not small, small
    # Applied by the head script before the page's own script runs: no flash of small text
    page.route("**/assets/guides.js", lambda route: route.abort())
    page.reload()
    assert page.evaluate("document.documentElement.classList.contains('guide-elderly')")
    assert _font_px(page, text) >= 1.5 * plain[text]
    # Remembered across pages, with the toggle on every page
    page.unroute("**/assets/guides.js")
    for path in ("", "departments/", "types/", "levels/", "404.html"):
        page.goto(page.base + path)
        assert page.locator("[data-guide-elderly]").get_attribute("aria-pressed") == "true", path
    page.click("[data-guide-elderly]")
    page.reload()
    assert not page.evaluate("document.documentElement.classList.contains('guide-elderly')")


# ------------------------------------------------------------ accessibility


def axe_problems(page) -> list[str]:
    assert AXE.exists(), f"{AXE} missing: run scripts/setup.sh (npm install in site_tests/browser)"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at "
        + "; ".join(f"{n['target']} {[c['message'] for c in n['any']][:1]}" for n in v["nodes"][:5])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize(
    "path, mode",
    [
        ("", ""),
        ("departments/", ""),
        ("types/licensing/", ""),
        ("themes/", ""),
        ("themes/open-restaurant/", ""),
        ("themes/open-restaurant/", "phone"),
        ("regions/", ""),
        (f"matters/{FOOD}/", ""),
        (f"matters/{FOOD}/", "elderly"),
        (f"matters/{FOOD}/", "staff"),
        (f"matters/{FOOD}/", "phone"),
        (f"matters/{FOOD}/", "elderly-phone"),
    ],
)
def test_axe_no_serious_violations(new_page, path, mode):
    page = new_page(viewport=PHONE if "phone" in mode else DESKTOP)
    for stored in ("elderly", "staff"):
        if stored in mode:
            page.add_init_script(f"localStorage.setItem('guides.{stored}', '1')")
    page.goto(page.base + path)
    if mode == "staff":
        page.locator("input[name=missing]").first.check()
    problems = axe_problems(page)
    assert not problems, "\n".join(problems)


def test_axe_region_pages(new_page, demo):
    site, _ = demo
    regions = [p for p in pages_of(site) if re.fullmatch(r"regions/[^/]+/", p)]
    assert regions, "the demo site has a region directory, so it must have region pages"
    problems = []
    for path in regions:
        page = new_page()
        page.goto(page.base + path)
        problems += [f"{path}: {p}" for p in axe_problems(page)]
        page.context.close()
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------------ intranet


def test_no_request_leaves_localhost(new_page, demo):
    site, _ = demo
    page = new_page()
    for path in pages_of(site):
        page.goto(page.base + path, wait_until="networkidle")
    # Pagefind loads its script, WebAssembly and index chunks on first use
    page.goto(page.base)
    page.click(".md-header form[data-guide-search] input[type=search]")
    page.keyboard.type("结婚")
    page.wait_for_selector(".md-header [data-guide-search-results] .gs-result__link", timeout=15000)
    page.wait_for_load_state("networkidle")
    assert not page.guard.outside, "requests left the intranet:\n" + "\n".join(page.guard.outside)
    assert not page.guard.errors, page.guard.errors


def test_pages_reference_nothing_outside(demo):
    """The HTML itself loads no outside script, style, font or image (links to read are fine)."""
    site, _ = demo
    loads = re.compile(r"<(?:script|img|iframe|source|link[^>]*rel=\"?(?:stylesheet|preload|preconnect|icon)[^>]*)[^>]*(?:src|href)=\"?(https?:)?//", re.I)
    offenders = [path for path in pages_of(site) if loads.search((site / (path + ("index.html" if path.endswith("/") or not path else ""))).read_text(encoding="utf-8"))]
    assert not offenders, offenders
    css = "".join(p.read_text(encoding="utf-8") for p in (site / "assets").rglob("*.css"))
    assert not re.search(r"@import|url\((['\"]?)https?:", css)
    assert shutil.which("pdftotext"), "poppler-utils is needed for the print tests"


# ------------------------------------------------- citizen first (issue 18)

FIRST_SCREEN = ("000117012000", "000110001000", "000121005000")  # screenshots for a person to look at


def test_phone_first_screen_answers_how_what_and_where(new_page, demo, sample_corpus):
    """On a 375 × 812 phone, without scrolling: 在线办理 or 需到现场, the number of materials to
    bring and the hall, for every sample matter."""
    site, _ = demo
    page = new_page(viewport=PHONE)
    missing = []
    for path in matter_pages(site):
        code = path.split("/")[1]
        matter = sample_corpus.matters[code]
        page.goto(page.base + path)
        page.wait_for_timeout(50)  # the card shows the chosen hall after the page's scripts ran
        for what, selector in (("在线办理/需到现场", ".guide-card-how"), ("材料数", "[data-guide-count]"), ("办理点", "[data-guide-card-hall]")):
            box = page.locator(selector).bounding_box()
            if box is None or box["y"] + box["height"] > PHONE["height"]:
                missing.append(f"{code} {what}: {box}")
        how = page.inner_text(".guide-card-how")
        assert ("在线办理" in how) != ("需到现场" in how), f"{code}: {how!r}"
        brought = [m for m in matter.materials if not m.shared_data]
        assert page.inner_text("[data-guide-count]") == str(len(brought)), code
        if "在线办理" in how:
            online = {e["online_url"] for e in implementations_of(sample_corpus, code)}
            assert page.get_attribute(".guide-card-online", "href") in online
        if code in FIRST_SCREEN:
            page.screenshot(path=str(ARTIFACTS.parent / f"phone-first-screen-{code}.png"))
    assert not missing, "not on the first screen of a phone:\n" + "\n".join(missing)
    assert not page.guard.errors, page.guard.errors


STAFF_CONTROLS = ".guide-staff-only, .guide-staff-bar, .guide-staff-panel, input[name=missing], [data-guide-print-notice], .guide-notice"


@pytest.mark.parametrize("width", [375, 768, 1366])
def test_no_staff_control_in_the_public_view(new_page, demo, width):
    site, _ = demo
    page = new_page(viewport={"width": width, "height": 900})
    shown = []
    for path in matter_pages(site):
        page.goto(page.base + path)
        shown += [f"{path} {s}" for s in page.eval_on_selector_all(
            STAFF_CONTROLS, "es => es.filter(e => e.getClientRects().length > 0).map(e => e.className || e.tagName)"
        )]
    assert not shown, shown
    # the 窗口版 is one link at the end of the page away, and shows them all
    page.goto(page.base + f"matters/{FOOD}/")
    page.click(".guide-staff-link")
    assert page.locator("tr[data-material] input[name=missing]").first.is_visible()
    assert page.locator("[data-guide-print-notice]").is_visible()


def test_no_clipped_diagram_on_a_phone(new_page, demo):
    site, _ = demo
    page = new_page(viewport=PHONE)
    clipped = []
    for path in pages_of(site):
        if not (path.startswith("matters/") or path.startswith("themes/")):
            continue
        page.goto(page.base + path)
        clipped += [f"{path}: {w} > {c}" for w, c in page.eval_on_selector_all(
            ".guide-flow", "fs => fs.map(f => [f.scrollWidth, f.clientWidth]).filter(([w, c]) => w > c + 1)"
        )]
    assert not clipped, clipped


INTERACTIVE = "a[href], button, input:not([type=hidden]), select, textarea, summary, label:has(input), [role=button], [tabindex]:not([tabindex='-1'])"


SMALL_TARGETS = """sel => [...document.querySelectorAll(sel)]
             .filter(e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden')
             .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 })
             .filter(e => !e.closest('label:has(input)') || e.matches('label'))
             .map(e => [e, e.getBoundingClientRect()])
             .filter(([, r]) => r.height < 43.5 || r.width < 43.5)
             .map(([e, r]) => `${e.tagName.toLowerCase()}.${e.className} "${(e.textContent || '').trim().slice(0, 12)}" ${Math.round(r.width)}×${Math.round(r.height)}`)"""


def small_targets(page) -> list[str]:
    """Every visible interactive element of the page smaller than 44 × 44 px."""
    return page.evaluate(SMALL_TARGETS, INTERACTIVE)


@pytest.mark.parametrize("path", [f"matters/{FOOD}/", "matters/000110001000/"])
def test_elderly_every_interactive_element_is_44px(new_page, path):
    """长辈模式 promises 44 px targets: every one on the page is measured, not a sample."""
    page = new_page(viewport=PHONE)
    page.add_init_script("localStorage.setItem('guides.elderly', '1')")
    page.goto(page.base + path)
    small = small_targets(page)
    assert not small, "\n".join(small)


def test_elderly_targets_are_44px_on_every_page(new_page, demo):
    """…and on every page of the site, phone and desktop, not only the matter pages."""
    site, _ = demo
    small = []
    for viewport in (PHONE, DESKTOP):
        page = new_page(viewport=viewport)
        page.add_init_script("localStorage.setItem('guides.elderly', '1')")
        for path in pages_of(site):
            page.goto(page.base + path)
            small += [f"{viewport['width']} px {path or '/'}: {target}" for target in small_targets(page)]
    assert not small, "\n".join(small)


def test_print_with_a_situation_fits_two_pages(new_page, demo, sample_corpus):
    matter = sample_corpus.matters[FOOD]
    situation = matter.situations[0]
    page = new_page()
    page.goto(page.base + f"matters/{FOOD}/")
    page.check(f"input[value='{situation.id}.{situation.options[0].id}']")
    page.emulate_media(media="print")
    pdf = artifact(f"print-situation-{FOOD}.pdf")
    page.pdf(path=str(pdf), format="A4")
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)$", info, re.M).group(1))
    assert pages <= 2, f"{pages} A4 pages"
    text = pdf_text(pdf)
    assert "变更记录" not in text and sample_corpus.fingerprint(FOOD)[:16] not in text
    assert re.search(r"第\s*1\s*页\s*共\s*\d+\s*页", text), "pages are numbered"


def _words(text: str) -> str:
    """A slip's words in reading order, without layout or the page footer."""
    text = re.sub(r"第 ?\d+ ?页 ?共 ?\d+ ?页", "", text)
    return re.sub(r"\s+", "", text)


def test_browser_and_pdf_correction_notice_say_the_same(new_page, demo, sample_corpus, tmp_path):
    from generator.outputs.slips import command, pdf as slip_pdf

    matter = sample_corpus.matters[FOOD]
    missing = [matter.materials[0].id, matter.materials[2].id]
    page = new_page()
    page.goto(page.base + f"matters/{FOOD}/?staff")
    page.evaluate("() => { window.print = () => {} }")
    for mid in missing:
        page.check(f"table[data-guide-materials] tr[data-material='{mid}'] input[name=missing]")
    page.fill(".guide-staff-panel input[name=applicant]", "张三")
    page.fill(".guide-staff-panel input[name=received]", "2026-11-20")
    place = page.eval_on_selector(".guide-staff-panel select[name=place] option[value='0']", "o => o.dataset.implementation")
    page.select_option(".guide-staff-panel select[name=place]", "0")
    page.click("[data-guide-print-notice]")
    page.emulate_media(media="print")
    browser_pdf = artifact(f"correction-browser-{FOOD}.pdf")
    page.pdf(path=str(browser_pdf), format="A4", prefer_css_page_size=True)
    html, _ = command.filled_slip(
        sample_corpus, FOOD, "correction", missing, "张三", __import__("datetime").date(2026, 11, 20),
        command.DEFAULT_CORRECTION_DAYS, page.base.rstrip("/"), place,
    )
    # the page's QR code points at the site it is served from; the words are what is compared
    pdf_file = artifact(f"correction-pdf-{FOOD}.pdf")
    pdf_file.write_bytes(slip_pdf.render_pdf(html, tmp_path))
    read = lambda f: subprocess.run(["pdftotext", str(f), "-"], check=True, capture_output=True, text=True).stdout
    # Table cells come out of pdftotext in a layout-dependent order: the same words are the
    # same characters, and every sentence of the PDF is in the browser's print
    browser_words, pdf_words = _words(read(browser_pdf)), _words(read(pdf_file))
    assert sorted(browser_words) == sorted(pdf_words)
    for sentence in re.findall(r"[^。；：]{12,}[。；]", pdf_words):
        if not re.search(r"[☐☑▲]|请补交|份", sentence):  # sentences, not the table's cells
            assert sentence in browser_words, sentence
    for f in (browser_pdf, pdf_file):
        assert re.search(r"^Pages:\s+1$", subprocess.run(["pdfinfo", str(f)], capture_output=True, text=True).stdout, re.M), f
