"""The HTML dashboard without a browser: every view, escaping, CSP-friendly markup, the
language toggle, static files and the write rules of /ingest."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from bayan.web.app import create_app
from bayan.web.views import segments, snippet_parts

LOOPBACK = ("127.0.0.1", 50000)
XSS = '<script>window.__pwned=1</script> <img src=x onerror="window.__pwned=1">'
ARTICLE = ("اختتام الجولة العشرين من محادثات أستانا " + XSS + "\n"
           "وأكدت الدول الضامنة روسيا وتركيا وإيران في البيان الختامي " + XSS
           + " رفضها لكل محاولات خلق وقائع جديدة على الأرض بما في ذلك مبادرات الحكم الذاتي غير المشروعة.\n"
           # enough plain text that the tags do not make the paste look like an HTML page
           + "وشدد المشاركون على أهمية مواصلة العمل المشترك من أجل التوصل إلى حل سياسي دائم للأزمة.\n" * 12)


@pytest.fixture(scope="module")
def _client(web_store):
    with TestClient(create_app(store=web_store), client=LOOPBACK, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def client(_client):
    _client.cookies.clear()  # each test starts in the default (Arabic) interface
    yield _client
    _client.cookies.clear()


@pytest.fixture(scope="module")
def some(web_store):
    from bayan.web import queries as Q

    meetings = Q.list_meetings(web_store, limit=500)["items"]
    astana = next(m for m in meetings if m["format"] == "astana" and m["round"] == 19)
    multi = next((m for m in meetings if m["n_sources"] > 1), astana)
    detail = Q.meeting_detail(web_store, astana["id"])
    st = detail["statements"][0]["statements"][0]
    return {"astana": astana["id"], "multi": multi["id"], "statement": st}


def _pages(some) -> list[str]:
    return ["/", "/?lang=en", f"/meetings/{some['astana']}", f"/meetings/{some['multi']}/compare",
            f"/documents/{some['statement']['document_id']}", "/positions", "/positions?format=astana",
            "/followups", "/followups?status=pending", "/search?q=استانا", "/search", "/ingest"]


def test_every_view_renders_with_csp_friendly_markup(client, some):
    for path in _pages(some):
        client.cookies.clear()
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.headers["content-type"].startswith("text/html")
        assert "script-src 'self'" in r.headers["content-security-policy"]
        html = r.text
        assert '<html lang="' in html and ('dir="rtl"' in html or "lang=en" in path)
        # no inline scripts, no inline styles, no inline handlers, nothing from another host
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert 'src="/static/' in tag or 'type="application/json"' in tag, tag
        assert not re.search(r"<style\b|\sstyle=", html), path
        assert not re.search(r"\son[a-z]+=", html), path
        assert not re.search(r"""(?:src|href)=["'](?:https?:)?//""", html.replace('rel="noopener', "")) or \
            "/documents/" in path, path


def test_not_found_pages(client):
    for path in ("/meetings/999999", "/documents/999999", "/meetings/999999/compare", "/meetings/0"):
        r = client.get(path)
        assert r.status_code == 404, path
        assert "غير موجود" in r.text


def test_statement_links_to_highlighted_evidence(client, some):
    st = some["statement"]
    page = client.get(f"/meetings/{some['astana']}").text
    ev = st["evidence"]
    link = f"/documents/{st['document_id']}?hl={ev['start']}-{ev['end']}#hl"
    assert link in page
    doc = client.get(link.split("#")[0]).text
    marked = re.findall(r'<mark class="[^"]*active[^"]*"[^>]*>(.*?)</mark>', doc, re.S)
    assert "".join(marked) == str(escape(ev["text"]))  # markupsafe: & < > " ' escaped, as Jinja does
    assert 'id="hl"' in doc


def test_language_toggle_sets_cookie(client):
    r = client.get("/?lang=en")
    assert "Meetings by date" in r.text and 'lang="en"' in r.text
    assert r.cookies.get("bayan_lang") == "en" or "bayan_lang=en" in r.headers.get("set-cookie", "")
    client.cookies.set("bayan_lang", "en")
    r2 = client.get("/followups")
    assert "Follow-ups" in r2.text
    r3 = client.get("/followups?lang=ar")
    assert 'dir="rtl"' in r3.text and "المتابعات" in r3.text


def test_static_files_by_name_only(client):
    r = client.get("/static/echarts.min.js")
    assert r.status_code == 200 and "javascript" in r.headers["content-type"]
    assert client.get("/static/app.css").status_code == 200
    for bad in ("/static/..%2Fviews.py", "/static/%2e%2e%2fapp.py", "/static/nope.js", "/static/../views.py"):
        assert client.get(bad).status_code == 404, bad


def test_bad_filters_do_not_crash(client):
    for q in ("/?round=abc&date_from=2020-13-99x&offset=-5", "/?format=' OR 1=1 --&q=%",
              "/positions?meeting=abc&actor=<script>", "/search?q=\"'&date_from=bad", "/documents/1?hl=9-1",
              "/documents/1?hl=0-999999999"):
        r = client.get(q)
        assert r.status_code == 200, q
        assert "<script>" not in r.text.split("</header>", 1)[1].replace('<script src="/static/', "")


# --------------------------------------------------------------------------- pure helpers


def test_segments_cover_body_and_never_lose_text():
    body = "أكدت الدول الضامنة رفضها <b>الانفصال</b> وأدانت الهجمات."
    spans = [
        {"start": 0, "end": 18, "kind": "statement", "label": "a"},
        {"start": 5, "end": 30, "kind": "participant", "label": "b"},
        {"start": 40, "end": 60, "kind": "framing", "label": "c"},
        {"start": 50, "end": 10_000, "kind": "framing", "label": "out of range"},
    ]
    pieces = segments(body, spans, active=(5, 18))
    assert "".join(p["text"] for p in pieces) == body
    assert "".join(p["text"] for p in pieces if p["active"]) == body[5:18]
    assert sum(p["anchor"] for p in pieces) == 1
    assert all(p["kinds"][0] == "statement" for p in pieces if p["end"] <= 18 and p["kinds"])


def test_snippet_parts():
    assert snippet_parts("…قمة [استانا] في [كازاخستان]…") == [
        ("…قمة ", False), ("استانا", True), (" في ", False), ("كازاخستان", True), ("…", False)]
    assert snippet_parts(None) == []


# --------------------------------------------------------------------------- writes


@pytest.fixture
def empty_store(tmp_path):
    from bayan.store.repository import Store

    store = Store(f"sqlite:///{tmp_path / 'w.db'}")
    yield store
    store.close()


def test_ingest_escapes_article_and_shows_extraction(empty_store):
    with TestClient(create_app(store=empty_store), client=LOOPBACK) as c:
        r = c.post("/ingest", data={"text": ARTICLE, "outlet": "<i>x</i>", "published": "2023-06-21"})
        assert r.status_code == 200, r.text
        assert 'id="ingest-result"' in r.text
        assert "مسار أستانا" in r.text
        doc_id = int(re.search(r'href="/documents/(\d+)" id="ingested-doc-link"', r.text).group(1))
        page = c.get(f"/documents/{doc_id}").text
        text = re.sub(r"</?mark[^>]*>", "", page)  # evidence marks may split the payload
        assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in text
        assert "<script>window" not in page and "<img src=x" not in page
        assert "&lt;i&gt;x&lt;/i&gt;" in page
        # a second post of the same text is recognised
        again = c.post("/ingest", data={"text": ARTICLE})
        assert again.status_code == 200 and "مكرر" in again.text


def test_ingest_upload_and_limits(empty_store):
    app = create_app(store=empty_store)
    app.state.max_upload = 4096
    with TestClient(app, client=LOOPBACK) as c:
        r = c.post("/ingest", files={"file": ("a.txt", ARTICLE.encode("cp1256", "replace"), "text/plain")})
        assert r.status_code == 200, r.text
        assert "مسار أستانا" in r.text
        big = c.post("/ingest", files={"file": ("big.txt", ("ا" * 5000).encode(), "text/plain")})
        assert big.status_code == 413
        assert c.post("/ingest", data={"text": "   "}).status_code == 400


def test_ingest_needs_token_when_configured(empty_store):
    with TestClient(create_app(store=empty_store, token="s3cret-token"), client=("203.0.113.9", 4000)) as c:
        form = c.get("/ingest").text
        assert 'name="token"' in form
        assert c.post("/ingest", data={"text": ARTICLE}).status_code == 401
        assert c.post("/ingest", data={"text": ARTICLE, "token": "wrong"}).status_code == 401
        ok = c.post("/ingest", data={"text": ARTICLE, "token": "s3cret-token"})
        assert ok.status_code == 200 and 'id="ingest-result"' in ok.text
        hdr = c.post("/ingest", data={"text": ARTICLE + "."}, headers={"Authorization": "Bearer s3cret-token"})
        assert hdr.status_code == 200


def test_ingest_without_token_only_from_loopback(empty_store):
    app = create_app(store=empty_store)
    with TestClient(app, client=("203.0.113.9", 4000)) as c:
        r = c.post("/ingest", data={"text": ARTICLE})
        assert r.status_code == 403
        assert empty_store.counts()["documents"] == 0
    with TestClient(app, client=LOOPBACK) as c:
        # a page on another site cannot make a local browser post here
        r = c.post("/ingest", data={"text": ARTICLE}, headers={"Origin": "https://evil.example"})
        assert r.status_code == 403
        r = c.post("/ingest", data={"text": ARTICLE}, headers={"Sec-Fetch-Site": "cross-site"})
        assert r.status_code == 403
        assert empty_store.counts()["documents"] == 0
        assert c.post("/ingest", data={"text": ARTICLE}, headers={"Origin": "http://testserver"}).status_code == 200


# --------------------------------------------------------------------------- export links


def _export_links(html: str) -> dict[str, set[str]]:
    """href → data-format of every export link on a page (hrefs unescaped)."""
    links: dict[str, set[str]] = {}
    for href, fmt in re.findall(r'<a class="export-link" href="([^"]+)" download data-format="([a-z]+)"', html):
        links.setdefault(href.replace("&amp;", "&"), set()).add(fmt)
    return links


@pytest.mark.parametrize("lang,label", [("ar", "تصدير"), ("en", "Export")])
def test_export_control_on_timeline_meeting_and_positions(client, some, lang, label):
    pages = {
        "/": ("timeline-export", {"meetings", "statements", "follow_ups", "framing"}),
        f"/meetings/{some['astana']}": ("meeting-export", {"meetings", "statements", "follow_ups", "framing"}),
        "/positions": ("positions-export", {"statements"}),
    }
    for path, (control_id, kinds) in pages.items():
        client.cookies.clear()
        r = client.get(path, params={"lang": lang})
        assert r.status_code == 200
        html = r.text
        assert f'id="{control_id}"' in html and f">{label}</summary>" in html, path
        links = _export_links(html)
        assert {h.split("?")[0].rsplit("/", 1)[1] for h in links} == kinds, path
        fmts = {f for fs in links.values() for f in fs}
        assert fmts == {"csv", "jsonl", "parquet", "plover"}, path
        for href in links:
            assert href.startswith("/api/export/")
            if "to=plover" in href:
                assert href.startswith("/api/export/statements?")
            if path.startswith("/meetings/"):
                assert f"meeting_id={some['astana']}" in href
        assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", html)


def test_export_links_download_and_follow_filters(client, some):
    html = client.get("/positions", params={"format": "astana"}).text
    links = _export_links(html)
    assert links and all("format=astana" in h for h in links)
    for href, fmts in _export_links(client.get(f"/meetings/{some['astana']}").text).items():
        r = client.get(href)
        assert r.status_code == 200, href
        assert r.content, href
        assert "attachment;" in r.headers["content-disposition"]
        assert fmts


def test_export_labels_in_both_languages():
    from bayan.web.views import labels

    ui = labels()["ui"]
    for key in ("export", "export_csv", "export_jsonl", "export_parquet", "export_plover", "export_hint_format",
                "export_hint_meeting", *(f"export_kind_{k}" for k in ("meetings", "statements", "follow_ups",
                                                                      "framing"))):
        assert ui[key]["ar"] and ui[key]["en"], key
