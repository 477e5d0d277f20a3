"""The dashboard in headless Chromium (Debian's /usr/bin/chromium driven by Playwright).

One uvicorn server on a free loopback port and one browser for the whole module, over a
copy of the samples/dev database plus one hostile article (script and onerror payloads)
so the shared session database is never written to. `scripts/install_chromium.sh`
installs Chromium; without it this module is skipped.
"""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("Debian's chromium is not installed (/usr/bin/chromium missing): run scripts/install_chromium.sh",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")

CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

XSS_SCRIPT = "<script>window.__pwned=1</script>"
XSS_IMG = '<img src=x onerror="window.__pwned=1">'
XSS_ARTICLE = f"""اختتام الجولة العشرين من محادثات أستانا {XSS_IMG}

أستانا، 21 حزيران 2023 — اختتمت في العاصمة الكازاخية أستانا اليوم الجولة العشرون من محادثات أستانا بمشاركة روسيا وتركيا وإيران بصفتها الدول الضامنة.
وأكدت الدول الضامنة في البيان الختامي {XSS_SCRIPT} رفضها لكل محاولات خلق وقائع جديدة على الأرض بما في ذلك مبادرات الحكم الذاتي غير المشروعة {XSS_IMG} تحت ذريعة مكافحة الإرهاب.
كما أكدت التزامها الثابت بسيادة سوريا ووحدة أراضيها <b onmouseover="window.__pwned=1">وسلامتها الإقليمية</b>.
"""
# UTF-8 Arabic read back as Latin-1/cp1252 looks like this
MOJIBAKE = re.compile("[ØÙÚÛ][\u0080-\u00ff]|\ufffd|Ã")
ARABIC = re.compile("[\u0600-\u06ff]")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def browser_db(web_db_url, tmp_path_factory):
    """A private copy of the samples/dev database with the hostile article added."""
    from bayan.core import process
    from bayan.pipeline.ingest import RawInput
    from bayan.store.repository import Store

    src = Path(web_db_url.removeprefix("sqlite:///"))
    dst = tmp_path_factory.mktemp("browser") / "bayan.db"
    shutil.copy(src, dst)
    url = f"sqlite:///{dst}"
    store = Store(url)
    doc = process(RawInput(source="xss-test.txt", text=XSS_ARTICLE, outlet="<i>XSS</i> وكالة", published="2023-06-21"))
    xss_id, status = store.add_document(doc, raw_text=XSS_ARTICLE)
    assert status == "new"
    yield {"url": url, "store": store, "xss_id": xss_id}
    store.close()


@pytest.fixture(scope="module")
def server(browser_db):
    """uvicorn serving the app on 127.0.0.1:<free port> in a background thread."""
    import uvicorn

    from bayan.web.app import create_app

    port = _free_port()
    app = create_app(store=browser_db["store"])
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False,
                            lifespan="off")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the dashboard server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    """A fresh page (own cookies) that records console errors and dialogs."""
    ctx = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900}, locale="ar")
    pg = ctx.new_page()
    pg.set_default_timeout(10_000)
    pg.console_errors = []  # type: ignore[attr-defined]
    pg.dialogs = []  # type: ignore[attr-defined]
    pg.on("console", lambda m: pg.console_errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.console_errors.append(str(e)))

    def on_dialog(d):
        pg.dialogs.append(d.message)
        d.dismiss()

    pg.on("dialog", on_dialog)
    yield pg
    ctx.close()


@pytest.fixture(scope="module")
def ids(browser_db):
    """Ids of known records in the sample corpus."""
    from bayan.web import queries as Q

    store = browser_db["store"]
    astana = Q.list_meetings(store, format="astana", round=19)["items"]
    assert astana, "samples/dev should hold Astana round 19"
    multi = [m for m in Q.list_meetings(store, limit=500)["items"] if m["n_sources"] >= 2]
    detail = Q.meeting_detail(store, astana[0]["id"])
    statements = [st for g in detail["statements"] for st in g["statements"]]
    assert statements, "Astana round 19 should have statements"
    rt = [d for d in Q.list_documents(store, limit=500)["items"] if "astana-19" in d["source"]]
    xss_meetings = [m["id"] for m in (Q.document_detail(store, browser_db["xss_id"]) or {}).get("meetings", [])]
    return {
        "astana": astana[0]["id"],
        "astana_doc": rt[0]["id"],
        "astana_title": rt[0]["title"],
        "multi": multi[0]["id"] if multi else astana[0]["id"],
        "statement": statements[0],
        "xss_doc": browser_db["xss_id"],
        "xss_meeting": xss_meetings[0] if xss_meetings else None,
    }


def _assert_arabic_page(pg, expected: list[str]) -> None:
    html = pg.locator("html")
    assert html.get_attribute("dir") == "rtl"
    assert html.get_attribute("lang") == "ar"
    text = pg.locator("body").inner_text()
    assert ARABIC.search(text)
    assert not MOJIBAKE.search(text), MOJIBAKE.search(text)
    for s in expected:
        assert s in text, f"{s!r} not shown"


# --------------------------------------------------------------------------- every view


def test_every_view_loads_in_arabic_rtl(page, ids):
    views = {
        "/": ["الاجتماعات حسب التاريخ", "الخط الزمني", "مسار أستانا"],
        f"/meetings/{ids['astana']}": ["السجل المدمج", "المشاركون", "رؤساء الوفود", "المواقف والبيانات حسب الموضوع",
                                        "مسار أستانا"],
        f"/meetings/{ids['multi']}/compare": ["مقارنة المصادر", "المواضيع التي ذكرتها كل وسيلة أو أغفلتها"],
        f"/documents/{ids['astana_doc']}": ["المقال", ids["astana_title"]],
        "/positions": ["مواقف الأطراف", "خريطة حرارية للموضوع × الجولة", "مصفوفة الطرف × الاجتماع"],
        "/followups": ["المتابعات - الموعود مقابل المنعقد", "الموعود", "المنعقد"],
        "/search?q=استانا": ["البحث في المقالات", "النتائج"],
        "/ingest": ["إضافة مقال واستخراج بياناته", "نص المقال"],
    }
    for path, expected in views.items():
        resp = page.goto(path)
        assert resp is not None and resp.status == 200, path
        assert resp.headers.get("content-security-policy", "").find("script-src 'self'") >= 0
        _assert_arabic_page(page, expected)
    assert page.console_errors == []


def test_article_text_reads_back_intact(page, ids, browser_db):
    """The windows-1256 RT article shows exactly the stored Arabic body (no mojibake)."""
    from bayan.web import queries as Q

    d = Q.document_detail(browser_db["store"], ids["astana_doc"])
    page.goto(f"/documents/{ids['astana_doc']}")
    assert page.locator("#doc-title").inner_text().strip() == d["title"].strip()
    shown = page.locator("#article-body").text_content()
    assert shown == d["body"]
    assert page.locator("#article-body").get_attribute("dir") == "rtl"


def test_charts_are_drawn(page):
    page.goto("/")
    page.wait_for_selector("#timeline-chart[data-ready='1'] canvas")
    assert page.locator("#timeline-chart canvas").count() >= 1
    page.goto("/positions")
    page.wait_for_selector("#heatmap-chart[data-ready='1'] canvas")
    assert page.evaluate("() => !!(window.bayanCharts && window.bayanCharts.heatmap)")
    assert page.console_errors == []


# --------------------------------------------------------------------------- click-through


def test_timeline_to_meeting_to_evidence(page, ids):
    page.goto("/")
    page.locator(f"tr[data-meeting-id='{ids['astana']}'] a.meeting-link").click()
    page.wait_for_url(re.compile(rf"/meetings/{ids['astana']}$"))
    _assert_arabic_page(page, ["مسار أستانا", "الجولة 19"])
    st = ids["statement"]
    link = page.locator(f".statement[data-statement-id='{st['id']}'] a.statement-evidence")
    assert link.inner_text().strip() == st["evidence"]["text"].strip()
    link.click()
    page.wait_for_url(re.compile(rf"/documents/{st['document_id']}\?hl=\d+-\d+"))
    marks = page.locator("#article-body mark.active")
    assert marks.count() >= 1
    assert page.locator("mark#hl").count() == 1
    assert "".join(marks.all_text_contents()) == st["evidence"]["text"]
    # the evidence is a real <mark> element inside the article, not text that looks like one
    assert page.evaluate("() => document.getElementById('hl').closest('#article-body') !== null")


def test_chart_click_opens_meeting(page, ids):
    """A real mouse click on the meeting's point in the timeline chart opens the meeting."""
    page.goto("/")
    page.wait_for_selector("#timeline-chart[data-ready='1'] canvas")
    xy = page.evaluate(
        """(id) => {
            const chart = window.bayanCharts.timeline;
            const series = chart.getOption().series;
            for (let s = 0; s < series.length; s++) {
                const point = series[s].data.find(d => d.meeting && d.meeting.id === id);
                if (point) {
                    const [x, y] = chart.convertToPixel({seriesIndex: s}, point.value);
                    const box = document.getElementById('timeline-chart').getBoundingClientRect();
                    return [box.left + x, box.top + y];
                }
            }
            return null;
        }""",
        ids["astana"],
    )
    assert xy is not None
    page.mouse.move(xy[0], xy[1])  # the tooltip (escaped HTML, styled through CSSOM) obeys the CSP
    page.wait_for_function("() => [...document.querySelectorAll('#timeline-chart div')]"
                           ".some(d => d.innerText.includes('مسار أستانا'))")
    assert page.console_errors == []
    page.mouse.click(xy[0], xy[1])
    page.wait_for_url(re.compile(rf"/meetings/{ids['astana']}$"))


def test_positions_click_through_to_evidence(page):
    page.goto("/positions")
    page.locator("#actor-matrix a.cell-link").first.click()
    page.wait_for_url(re.compile(r"/positions\?.*#evidence$"))
    ev = page.locator("#evidence a.statement-evidence").first
    expected = ev.inner_text().strip()
    ev.click()
    page.wait_for_url(re.compile(r"/documents/\d+\?hl="))
    assert "".join(page.locator("mark.active").all_text_contents()).strip() == expected


def test_arabic_search(page, ids):
    page.goto("/search")
    page.fill("#search-q", "استانا")
    page.click("#search-submit")
    page.wait_for_selector("#results")
    titles = page.locator("#results a.result-title").all_inner_texts()
    assert any(t.strip() == ids["astana_title"].strip() for t in titles), titles
    assert page.locator("#search-q").input_value() == "استانا"
    _assert_arabic_page(page, ["النتائج"])
    # the hamza spelling finds the same article
    page.goto("/search?q=" + "أستانا")
    assert ids["astana_title"].strip() in page.locator("#results").inner_text()
    # and a facet narrows the results
    page.locator("#facets a", has_text="مسار أستانا").first.click()
    assert "format=astana" in page.url
    assert ids["astana_title"].strip() in page.locator("#results").inner_text()


def test_language_toggle(page):
    page.goto("/")
    page.click("#lang-toggle")
    page.wait_for_url(re.compile(r"lang=en"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Meetings by date" in page.locator("h1").inner_text()
    page.goto("/followups")  # the choice is kept in a cookie
    assert "Follow-ups" in page.locator("h1").inner_text()
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("#lang-toggle")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "المتابعات" in page.locator("h1").inner_text()


# --------------------------------------------------------------------------- safety


def test_article_html_is_never_executed(page, ids):
    pages = [f"/documents/{ids['xss_doc']}", "/search?q=" + "الحكم الذاتي"]
    if ids["xss_meeting"]:
        pages += [f"/meetings/{ids['xss_meeting']}", f"/meetings/{ids['xss_meeting']}/compare"]
    for path in pages:
        resp = page.goto(path)
        assert resp is not None and resp.status == 200, path
        page.wait_for_timeout(150)  # give any (wrongly) injected handler a chance to run
        assert page.evaluate("() => typeof window.__pwned") == "undefined", path
        assert page.evaluate("() => document.querySelectorAll('main img, main b, main script:not([type])').length") == 0
    assert page.dialogs == []
    page.goto(f"/documents/{ids['xss_doc']}")
    body = page.locator("#article-body").inner_text()
    assert XSS_SCRIPT in body and XSS_IMG in body
    assert XSS_IMG in page.locator("#doc-title").inner_text()
    assert "<i>XSS</i>" in page.locator("#doc-outlet").inner_text()
    if ids["xss_meeting"]:
        page.goto(f"/meetings/{ids['xss_meeting']}")
        shown = page.locator("#statements").inner_text()
        assert any(x in shown for x in ("<script>", "<img src=x", "<b onmouseover=")), shown


def test_ingest_form_in_browser(page):
    page.goto("/ingest")
    page.fill("#ingest-text", "اجتماع في عمّان " + XSS_SCRIPT + "\nأكد وزراء خارجية الأردن والسعودية ومصر على وحدة سوريا وسلامة أراضيها.")
    page.click("#ingest-submit")
    page.wait_for_selector("#ingest-result")
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    page.click("#ingested-doc-link")
    page.wait_for_url(re.compile(r"/documents/\d+$"))
    assert XSS_SCRIPT in page.locator("#article-body").inner_text()
    assert page.dialogs == []
