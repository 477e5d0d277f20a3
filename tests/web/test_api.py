"""The JSON API over the samples/dev database: shapes, real content, paging, errors and security."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bayan.web.app import CSP, create_app

SAMPLES_DEV = Path(__file__).resolve().parents[2] / "samples" / "dev"

INJECTIONS = [
    "' OR 1=1 --",
    '"; DROP TABLE documents; --',
    "%' UNION SELECT name, sql FROM sqlite_master --",
    "1; DELETE FROM meetings",
    "') OR ('1'='1",
    "\\x00' OR ''='",
    "*",
    "%",
    "_",
    '" OR ""="',
    "NEAR(استانا)",
]


def _error(resp) -> dict:
    body = resp.json()
    assert set(body) == {"error"}
    assert body["error"]["status"] == resp.status_code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert "Traceback" not in resp.text
    return body["error"]


def _meeting(api_client, **params) -> dict:
    items = api_client.get("/api/meetings", params=params).json()["items"]
    assert items, params
    return items[0]


# --------------------------------------------------------------------------- meetings


def test_meetings_list_shape_and_order(api_client):
    r = api_client.get("/api/meetings")
    assert r.status_code == 200
    page = r.json()
    assert set(page) == {"total", "limit", "offset", "items"}
    assert page["limit"] == 50 and page["offset"] == 0 and page["total"] >= 10
    keys = {"id", "label", "format", "round", "city", "country", "start_date", "end_date", "level",
            "known_by_reference", "n_sources", "disagreements"}
    for item in page["items"]:
        assert set(item) == keys
        assert item["n_sources"] >= 1
    dated = [i["start_date"] for i in page["items"] if i["start_date"]]
    assert dated == sorted(dated)
    undated_seen = False
    for i in page["items"]:  # undated meetings come last
        undated_seen = undated_seen or i["start_date"] is None
        assert not (undated_seen and i["start_date"])


def test_meeting_filter_arab_league_32_in_jeddah(api_client):
    page = api_client.get("/api/meetings", params={"format": "arab_league", "round": 32}).json()
    assert page["total"] >= 1
    m = page["items"][0]
    assert (m["format"], m["round"], m["city"], m["country"]) == ("arab_league", 32, "Jeddah", "SAU")
    assert m["start_date"].startswith("2023-05")


@pytest.mark.parametrize(
    ("params", "check"),
    [
        ({"format": "astana"}, lambda m: m["format"] == "astana"),
        ({"from": "2023", "to": "2023-12-31"}, lambda m: m["start_date"][:4] == "2023"),
        # a date known only to the month or year matches a range it overlaps
        ({"from": "2022-11-01", "to": "2022-11-30"}, lambda m: "2022-11-15".startswith(m["start_date"][:7])),
    ],
)
def test_meeting_filters(api_client, params, check):
    page = api_client.get("/api/meetings", params=params).json()
    assert page["total"] >= 1
    assert all(check(m) for m in page["items"])


def test_meeting_filters_actor_topic_outlet_q(api_client):
    everything = api_client.get("/api/meetings", params={"limit": 500}).json()["total"]
    tur = api_client.get("/api/meetings", params={"actor": "TUR", "limit": 500}).json()
    assert 1 <= tur["total"] < everything
    sep = api_client.get("/api/meetings", params={"topic": "separatism"}).json()
    assert any(m["format"] == "astana" for m in sep["items"])
    rt = api_client.get("/api/meetings", params={"outlet": "روسيا اليوم"}).json()
    assert rt["total"] >= 1
    q = api_client.get("/api/meetings", params={"q": "استانا"}).json()
    assert any(m["format"] == "astana" and m["round"] == 19 for m in q["items"])
    none = api_client.get("/api/meetings", params={"format": "no_such_format"}).json()
    assert none["total"] == 0 and none["items"] == []


def test_meetings_paging(api_client):
    full = api_client.get("/api/meetings", params={"limit": 500}).json()
    ids = [m["id"] for m in full["items"]]
    assert len(ids) == full["total"]
    paged: list[int] = []
    for offset in range(0, full["total"], 3):
        page = api_client.get("/api/meetings", params={"limit": 3, "offset": offset}).json()
        assert page["total"] == full["total"] and page["limit"] == 3 and page["offset"] == offset
        assert len(page["items"]) <= 3
        paged += [m["id"] for m in page["items"]]
    assert paged == ids
    past = api_client.get("/api/meetings", params={"offset": full["total"] + 10}).json()
    assert past["items"] == [] and past["total"] == full["total"]
    assert api_client.get("/api/meetings", params={"limit": 0}).json()["items"] == []


@pytest.mark.parametrize("params", [{"limit": 501}, {"limit": -1}, {"offset": -1}, {"round": "x"},
                                    {"from": "yesterday"}, {"to": "2023/05/01"}])
def test_bad_paging_and_filters_are_422(api_client, params):
    r = api_client.get("/api/meetings", params=params)
    assert r.status_code == 422
    err = _error(r)
    assert "parameter" in err["message"]


def test_meeting_detail_with_evidence(api_client):
    m = _meeting(api_client, format="arab_league", round=32)
    r = api_client.get(f"/api/meetings/{m['id']}")
    assert r.status_code == 200
    d = r.json()
    assert d["id"] == m["id"] and d["city"] == "Jeddah"
    assert set(d["fields"]) == {"format", "round", "city", "country", "start_date", "end_date", "level"}
    f = d["fields"]["city"]
    assert f["value"] == "Jeddah" and f["support"] >= 1 and f["sources"]
    assert set(f) == {"value", "support", "sources", "values", "disagreement", "inferred", "notes"}
    assert d["sources"] and all(s["outlet"] for s in d["sources"])
    assert {"id", "outlet", "title", "url", "source", "published", "primary", "evidence"} <= set(d["sources"][0])
    # participants grouped by actor, with roles and evidence
    actors = [p["actor"] for p in d["participants"]]
    assert len(actors) == len(set(actors)) and "SAU" in actors
    assert all(p["roles"] for p in d["participants"])
    heads = [h for p in d["participants"] for h in p["heads"]]
    assert any(h["actor"] == "SAU" for h in heads)
    # statements grouped by topic; every evidence span matches its document body
    assert d["statements"]
    bodies: dict[int, str] = {}
    for group in d["statements"]:
        assert group["statements"]
        for st in group["statements"]:
            assert st["topic"] == group["topic"] and st["act"] and st["actors"]
            ev = st["evidence"]
            if ev["document_id"] not in bodies:
                bodies[ev["document_id"]] = api_client.get(f"/api/documents/{ev['document_id']}").json()["body"]
            assert bodies[ev["document_id"]][ev["start"]:ev["end"]] == ev["text"]
    assert isinstance(d["follow_ups"], list) and isinstance(d["fulfils"], list)


def test_meeting_detail_disagreement_is_visible(api_client):
    """Several outlets cover Amman 2023 / Geneva 2019: merged records keep every source's value."""
    multi = [m for m in api_client.get("/api/meetings", params={"limit": 500}).json()["items"] if m["n_sources"] > 1]
    assert multi
    for m in multi:
        d = api_client.get(f"/api/meetings/{m['id']}").json()
        assert len({s["id"] for s in d["sources"]}) == m["n_sources"]
        for name, field in d["fields"].items():
            assert field["disagreement"] == (len(field["values"]) > 1), name
            assert (name in m["disagreements"]) == field["disagreement"]


def test_meeting_not_found_is_json(api_client):
    r = api_client.get("/api/meetings/999999")
    assert r.status_code == 404
    assert "not found" in _error(r)["message"]
    assert api_client.get("/api/meetings/abc").status_code == 422


def test_compare_sources(api_client):
    multi = [m for m in api_client.get("/api/meetings", params={"limit": 500}).json()["items"] if m["n_sources"] > 1]
    m = max(multi, key=lambda x: x["n_sources"])
    c = api_client.get(f"/api/meetings/{m['id']}/compare").json()
    assert c["meeting"]["id"] == m["id"]
    assert len(c["documents"]) == m["n_sources"]
    union = set(c["topics"])
    for doc in c["documents"]:
        assert set(doc["topics_reported"]) | set(doc["topics_omitted"]) == union
        assert not set(doc["topics_reported"]) & set(doc["topics_omitted"])
        assert doc["n_statements"] == sum(doc["statement_counts"].values())
    assert api_client.get("/api/meetings/999999/compare").status_code == 404


# --------------------------------------------------------------------------- documents


def test_documents_list_and_detail(api_client):
    page = api_client.get("/api/documents", params={"limit": 500}).json()
    n_files = len([p for p in SAMPLES_DEV.iterdir() if p.suffix != ".jsonl"])
    assert page["total"] >= n_files
    assert all("body" not in d for d in page["items"])
    rt = [d for d in page["items"] if d["source"].endswith("rt.astana-19-2022.txt")]
    assert rt and rt[0]["n_meetings"] >= 1 and rt[0]["n_statements"] >= 1
    d = api_client.get(f"/api/documents/{rt[0]['id']}").json()
    assert "أستانا" in d["body"] or "استانا" in d["body"]
    assert any(m["format"] == "astana" and m["round"] == 19 for m in d["meetings"])
    kinds = {s["kind"] for s in d["spans"]}
    assert {"meeting", "statement", "participant"} <= kinds
    assert [s["start"] for s in d["spans"]] == sorted(s["start"] for s in d["spans"])
    for s in d["spans"]:
        assert 0 <= s["start"] <= s["end"] <= len(d["body"])
        if s["text"] is not None and s["kind"] != "meeting":
            assert d["body"][s["start"]:s["end"]] == s["text"], s
    assert api_client.get("/api/documents/999999").status_code == 404


def test_documents_filters(api_client):
    rt = api_client.get("/api/documents", params={"outlet": "روسيا اليوم"}).json()
    assert rt["total"] >= 1 and all(d["outlet"] == "روسيا اليوم" for d in rt["items"])
    y2023 = api_client.get("/api/documents", params={"from": "2023-01-01", "to": "2023-12-31"}).json()
    assert y2023["total"] >= 1 and all(d["published"].startswith("2023") for d in y2023["items"])
    astana = api_client.get("/api/documents", params={"format": "astana"}).json()
    assert any(d["source"].endswith("rt.astana-19-2022.txt") for d in astana["items"])


# --------------------------------------------------------------------------- statements, actors, follow-ups, positions


def test_statements(api_client):
    page = api_client.get("/api/statements", params={"topic": "separatism"}).json()
    assert page["total"] >= 1
    assert all(s["topic"] == "separatism" for s in page["items"])
    assert any(s["act"] == "reject" and {"RUS", "TUR", "IRN"} <= set(s["actors"]) for s in page["items"])
    rus = api_client.get("/api/statements", params={"actor": "RUS", "act": "reject", "limit": 500}).json()
    assert all(s["act"] == "reject" and ("RUS" in s["actors"] or s["target"] == "RUS") for s in rus["items"])
    astana = api_client.get("/api/statements", params={"format": "astana", "limit": 500}).json()
    assert astana["total"] >= 1 and all(s["format"] == "astana" for s in astana["items"])
    mid = astana["items"][0]["meeting_id"]
    one = api_client.get("/api/statements", params={"meeting_id": mid, "limit": 500}).json()
    assert one["total"] >= 1 and all(s["meeting_id"] == mid for s in one["items"])
    two = api_client.get("/api/statements", params={"limit": 2, "offset": 1}).json()
    assert len(two["items"]) == 2 and two["offset"] == 1


def test_actors(api_client):
    body = api_client.get("/api/actors").json()
    assert body["total"] == len(body["items"]) >= 5
    by_key = {a["key"]: a for a in body["items"]}
    assert by_key["RUS"]["name_en"] == "Russia" and by_key["RUS"]["name_ar"]
    assert by_key["RUS"]["n_meetings"] >= 1


def test_followups(api_client):
    body = api_client.get("/api/followups").json()
    assert body["total"] == len(body["items"])
    for fu in body["items"]:
        assert fu["status"] in {"pending", "overdue", "fulfilled"}
        assert "from" in fu and "to" in fu and fu["evidence"]["text"]
        assert (fu["fulfilled_by"] is not None) == (fu["status"] == "fulfilled")
    for status in ("pending", "overdue", "fulfilled"):
        sub = api_client.get("/api/followups", params={"status": status}).json()
        assert all(fu["status"] == status for fu in sub["items"])
    assert api_client.get("/api/followups", params={"status": "done'--"}).status_code == 422


def test_positions(api_client):
    body = api_client.get("/api/positions", params={"format": "astana"}).json()
    assert body["total"] == len(body["items"]) >= 1
    assert {"RUS", "TUR", "IRN"} <= set(body["actors"])
    for row in body["items"]:
        assert row["format"] == "astana" and row["evidence_count"] == len(row["evidence"])
    sep = api_client.get("/api/positions", params={"topic": "separatism"}).json()
    assert sep["topics"] == ["separatism"]


# --------------------------------------------------------------------------- search


def test_search_astana_spelling_variants(api_client):
    plain = api_client.get("/api/search", params={"q": "استانا"}).json()
    assert plain["total"] >= 1
    assert any(h["source"].endswith("rt.astana-19-2022.txt") for h in plain["items"])
    hamza = api_client.get("/api/search", params={"q": "أستانا"}).json()
    assert {h["id"] for h in hamza["items"]} == {h["id"] for h in plain["items"]}
    assert sum(plain["facets"]["outlet"].values()) == plain["total"]


def test_search_filters_and_limit(api_client):
    rt = api_client.get("/api/search", params={"q": "استانا", "outlet": "روسيا اليوم"}).json()
    assert rt["total"] >= 1 and all(h["outlet"] == "روسيا اليوم" for h in rt["items"])
    one = api_client.get("/api/search", params={"q": "استانا", "limit": 1}).json()
    assert one["total"] == 1
    fmt = api_client.get("/api/search", params={"q": "استانا", "format": "astana", "actor": "RUS"}).json()
    assert fmt["total"] >= 1
    assert api_client.get("/api/search", params={"q": ""}).status_code == 422
    assert api_client.get("/api/search").status_code == 422


# --------------------------------------------------------------------------- export


@pytest.mark.parametrize("kind", ["meetings", "statements", "follow_ups", "framing"])
def test_export(api_client, kind):
    r = api_client.get(f"/api/export/{kind}", params={"to": "jsonl"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-ndjson")
    assert f"bayan-{kind}.jsonl" in r.headers["content-disposition"]
    rows = [json.loads(line) for line in r.text.splitlines()]
    if kind != "follow_ups":
        assert rows
    c = api_client.get(f"/api/export/{kind}", params={"to": "csv"})
    assert c.status_code == 200 and c.headers["content-type"].startswith("text/csv")
    if rows:
        assert len(c.text.splitlines()) >= len(rows) + 1
    assert api_client.get(f"/api/export/{kind}", params={"to": "xml"}).status_code == 422


@pytest.mark.parametrize(
    "path",
    [
        "/api/export/../../etc/passwd",
        "/api/export/..%2F..%2Fetc%2Fpasswd",
        "/api/export/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/api/export/..",
        "/api/export/..%2Fx",
        "/api/export/%2Fetc%2Fpasswd",
        "/api/export/meetings.csv",
        "/api/export/..%5C..%5Cwindows",
        "/api/export/bayan.db",
        "/api/export/followups",
    ],
)
def test_export_refuses_anything_but_known_kinds(api_client, path):
    r = api_client.get(path)
    assert r.status_code == 404
    assert "root:" not in r.text
    _error(r)


def test_export_kind_with_dots_via_client_path_param(api_client):
    for kind in ("../x", "..\\x", "/etc/passwd", "../../bayan.db"):
        r = api_client.get("/api/export/" + kind.replace("/", "%2F"))
        assert r.status_code == 404 and "root:" not in r.text


# --------------------------------------------------------------------------- openapi, headers, errors


def test_openapi_lists_every_endpoint(api_client):
    r = api_client.get("/openapi.json")
    assert r.status_code == 200
    spec = r.json()
    paths = spec["paths"]
    expected = {
        "/api/meetings": "get", "/api/meetings/{meeting_id}": "get", "/api/meetings/{meeting_id}/compare": "get",
        "/api/documents": "get", "/api/documents/{doc_id}": "get", "/api/statements": "get",
        "/api/actors": "get", "/api/followups": "get", "/api/positions": "get", "/api/search": "get",
        "/api/export/{kind}": "get", "/api/ingest": "post", "/api/stats": "get",
    }
    for path, method in expected.items():
        assert method in paths.get(path, {}), path
    schemas = spec["components"]["schemas"]
    assert {"MeetingPage", "MeetingDetail", "DocumentDetail", "SearchResult", "ErrorBody"} <= set(schemas)
    params = {p["name"] for p in paths["/api/meetings"]["get"]["parameters"]}
    assert {"format", "round", "actor", "topic", "outlet", "from", "to", "limit", "offset"} <= params
    body = paths["/api/ingest"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(body)


@pytest.mark.parametrize("path", ["/api/meetings", "/api/meetings/999999", "/api/meetings?limit=9999",
                                  "/openapi.json", "/api/nowhere"])
def test_security_headers_everywhere(api_client, path):
    r = api_client.get(path)
    assert r.headers["content-security-policy"] == CSP
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"


def test_errors_are_json_without_traceback(web_store):
    app = create_app(store=web_store)

    def boom() -> None:
        raise RuntimeError("secret internal detail /etc/passwd")

    app.add_api_route("/api/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        r = client.get("/api/boom")
        assert r.status_code == 500
        err = _error(r)
        assert err["message"] == "internal server error"
        assert "secret" not in r.text and "RuntimeError" not in r.text
        assert r.headers["content-security-policy"] == CSP
        r = client.post("/api/meetings")
        assert r.status_code == 405
        _error(r)
        assert client.get("/docs").status_code == 404  # Swagger UI would load a CDN script


# --------------------------------------------------------------------------- injection


def _injection_targets() -> list[tuple[str, str]]:
    targets = [("/api/meetings", p) for p in ("format", "actor", "topic", "outlet", "q", "from", "to", "round")]
    targets += [("/api/documents", p) for p in ("outlet", "format", "actor", "q", "from", "to", "meeting_id")]
    targets += [("/api/statements", p) for p in ("act", "topic", "actor", "format", "outlet", "meeting_id")]
    targets += [("/api/positions", p) for p in ("format", "topic")]
    targets += [("/api/followups", "status")]
    targets += [("/api/search", p) for p in ("q", "outlet", "format", "actor", "from", "to")]
    return targets


def test_sql_injection_through_every_filter(api_client, web_store):
    before = web_store.counts()
    baseline = {
        path: api_client.get(path, params={"q": "استانا"} if path == "/api/search" else {}).json()["total"]
        for path in {t[0] for t in _injection_targets()}
    }
    tried = 0
    for path, param in _injection_targets():
        for bad in INJECTIONS:
            params = {param: bad}
            if path == "/api/search" and param != "q":
                params["q"] = "استانا"
            r = api_client.get(path, params=params)
            tried += 1
            assert r.status_code in (200, 422), (path, param, bad, r.text[:200])
            assert "Traceback" not in r.text and "OperationalError" not in r.text
            if r.status_code == 200:
                assert r.json()["total"] <= baseline[path], (path, param, bad)
            else:
                _error(r)
    for bad in INJECTIONS:  # path parameters too
        for path in ("/api/meetings/", "/api/documents/", "/api/export/"):
            r = api_client.get(path + bad.replace("/", "%2F").replace("?", "%3F").replace("#", "%23"))
            assert r.status_code in (404, 422), (path, bad)
            tried += 1
    assert tried > 300
    assert web_store.counts() == before


# --------------------------------------------------------------------------- ingest


@pytest.fixture
def ingest_app(tmp_path):
    from bayan.store.repository import Store

    store = Store(f"sqlite:///{tmp_path / 'ingest.db'}")
    yield lambda **kw: TestClient(create_app(store=store, **kw), raise_server_exceptions=False)
    store.close()


ARTICLE = (
    "الدول الضامنة لصيغة أستانا تؤكد التزامها بوحدة سوريا\n\n"
    "أكدت روسيا وتركيا وإيران، الدول الضامنة لصيغة أستانا، في البيان الختامي للجولة التاسعة عشرة "
    "من المحادثات التي عقدت في العاصمة الكازاخية أستانا يومي 22 و23 تشرين الثاني/نوفمبر 2022، "
    "التزامها الثابت بسيادة سوريا ووحدة أراضيها، ورفضها كل المحاولات لخلق وقائع جديدة على الأرض."
)


def test_ingest_requires_token_when_set(ingest_app):
    client = ingest_app(token="s3cret-token")
    payload = {"text": ARTICLE, "outlet": "اختبار", "title": "عنوان الاختبار", "url": "https://example.org/a",
               "published": "2022-11-23"}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic s3cret-token"},
                    {"Authorization": "s3cret-token"}, {"Authorization": "Bearer s3cret-token-and-more"}):
        r = client.post("/api/ingest", json=payload, headers=headers)
        assert r.status_code == 401, headers
        _error(r)
        assert r.headers["www-authenticate"] == "Bearer"
    assert client.get("/api/documents").json()["total"] == 0
    ok = {"Authorization": "Bearer s3cret-token"}
    r = client.post("/api/ingest", json=payload, headers=ok)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "new" and body["title"] == "عنوان الاختبار" and body["outlet"] == "اختبار"
    assert any(m["format"] == "astana" for m in body["meetings"])
    assert body["extraction"]["meetings"]
    doc = client.get(f"/api/documents/{body['document_id']}").json()
    assert doc["url"] == "https://example.org/a" and "أستانا" in doc["body"]
    assert doc["published"] == "2022-11-23"
    again = client.post("/api/ingest", json=payload, headers=ok)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert again.json()["document_id"] == body["document_id"]


def test_ingest_multipart_upload(ingest_app):
    client = ingest_app(token="tok")
    path = SAMPLES_DEV / "ahram.arab-league-jeddah-2023.html"
    with path.open("rb") as fh:
        r = client.post("/api/ingest", files={"file": (path.name, fh, "text/html")},
                        data={"outlet": "الأهرام"}, headers={"Authorization": "Bearer tok"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert any(m["format"] == "arab_league" and m["round"] == 32 for m in body["meetings"])
    assert body["outlet"] == "الأهرام"
    r = client.post("/api/ingest", files={"file": ("a.txt", "نص".encode(), "text/plain")},
                    data={"published": "2023-05-19'; --"}, headers={"Authorization": "Bearer tok"})
    assert r.status_code == 422
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    r = client.post("/api/ingest", files={"file": ("x.txt", png, "text/plain")}, headers={"Authorization": "Bearer tok"})
    assert r.status_code == 422
    _error(r)


def test_ingest_size_limit_413(ingest_app):
    client = ingest_app(token="tok")
    auth = {"Authorization": "Bearer tok"}
    big = "ب" * (1024 * 1024 + 10)  # > 2 MB once UTF-8 encoded
    r = client.post("/api/ingest", json={"text": big}, headers=auth)
    assert r.status_code == 413
    _error(r)
    r = client.post("/api/ingest", files={"file": ("big.txt", big.encode(), "text/plain")}, headers=auth)
    assert r.status_code == 413
    # size is checked even when no Content-Length is declared (chunked body)
    r = client.post("/api/ingest", content=iter([b'{"text": "', big.encode(), b'"}']),
                    headers={**auth, "content-type": "application/json"})
    assert r.status_code == 413
    # the unauthenticated never get to send 2 MB
    assert client.post("/api/ingest", json={"text": big}).status_code == 401
    assert client.get("/api/documents").json()["total"] == 0


def test_ingest_bad_bodies(ingest_app):
    client = ingest_app(token="tok")
    auth = {"Authorization": "Bearer tok"}
    assert client.post("/api/ingest", content=b"hello", headers={**auth, "content-type": "text/plain"}).status_code == 415
    for payload in (b"{", b"[]", b'{"text": ""}', b'{"text": "   "}', b'{"url": "x"}', b'{"text": 5}',
                    b'{"text": "x", "published": "yesterday"}'):
        r = client.post("/api/ingest", content=payload, headers={**auth, "content-type": "application/json"})
        assert r.status_code == 422, payload
        _error(r)


def test_ingest_without_token_only_on_loopback(ingest_app):
    public = ingest_app(host="0.0.0.0")
    r = public.post("/api/ingest", json={"text": ARTICLE})
    assert r.status_code == 403
    assert "token" in _error(r)["message"]
    local = ingest_app(host="127.0.0.1")
    assert local.post("/api/ingest", json={"text": ARTICLE}).status_code == 201


def test_ingest_hostile_text_stays_data(ingest_app):
    client = ingest_app(host="::1")
    text = ARTICLE + "\n<script>alert(1)</script> <img src=x onerror=alert(2)>"
    r = client.post("/api/ingest", json={"text": text})
    assert r.status_code == 201
    doc = client.get(f"/api/documents/{r.json()['document_id']}")
    assert doc.headers["content-type"].startswith("application/json")
    assert doc.headers["x-content-type-options"] == "nosniff"


# --------------------------------------------------------------------------- bayan serve


def test_serve_command_binds_loopback_and_warns(monkeypatch, tmp_path):
    import uvicorn
    from typer.testing import CliRunner

    from bayan.cli import app

    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda web, **kw: calls.append({"app": web, **kw}))
    monkeypatch.delenv("BAYAN_TOKEN", raising=False)
    db = f"sqlite:///{tmp_path / 'serve.db'}"
    runner = CliRunner()
    r = runner.invoke(app, ["serve", "--db", db, "--port", "8123"])
    assert r.exit_code == 0, r.output
    assert "http://127.0.0.1:8123/" in r.output and "warning" not in r.output
    assert calls[-1]["host"] == "127.0.0.1" and calls[-1]["port"] == 8123
    r = runner.invoke(app, ["serve", "--db", db, "--host", "0.0.0.0"])
    assert r.exit_code == 0 and "warning" in r.output and "token" in r.output.lower()
    assert calls[-1]["app"].state.token is None
    r = runner.invoke(app, ["serve", "--db", db, "--host", "0.0.0.0"], env={"BAYAN_TOKEN": "abc"})
    assert r.exit_code == 0 and "warning" not in r.output
    assert calls[-1]["app"].state.token == "abc"


# --------------------------------------------------------------------------- concurrency


def test_readers_consistent_while_ingest_writes(web_db_url, tmp_path):
    """Readers on the API get complete, consistent pages while another thread ingests."""
    import sqlite3
    import threading
    import time

    from bayan.core import process
    from bayan.pipeline.ingest import InputError, iter_inputs
    from bayan.store.repository import Store

    copy = tmp_path / "live.db"
    with sqlite3.connect(web_db_url.removeprefix("sqlite:///")) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    store = Store(f"sqlite:///{copy}")
    app = create_app(store=store)
    blind = [i for i in iter_inputs([SAMPLES_DEV.parent / "blind"]) if not isinstance(i, InputError)]
    assert blind
    done = threading.Event()
    failures: list[str] = []
    requests = 0
    lock = threading.Lock()

    def writer() -> None:
        try:
            writer_store = Store(f"sqlite:///{copy}")
            for item in blind:
                writer_store.add_document(process(item), raw_text=item.text, html=item.html)
            writer_store.close()
        finally:
            done.set()

    def reader() -> None:
        nonlocal requests
        client = TestClient(app, raise_server_exceptions=False)
        last_total = 0
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            finished = done.is_set()
            page = client.get("/api/meetings", params={"limit": 500})
            n = 1
            if page.status_code != 200:
                failures.append(page.text[:200])
                break
            body = page.json()
            if body["total"] != len(body["items"]) or body["total"] < last_total:
                failures.append(f"inconsistent meeting list: {body['total']} vs {len(body['items'])}")
            last_total = body["total"]
            for m in body["items"][:: max(1, len(body["items"]) // 4)]:
                d = client.get(f"/api/meetings/{m['id']}")
                n += 1
                if d.status_code != 200:
                    failures.append(f"{d.status_code} {d.text[:200]}")
                elif len({s["id"] for s in d.json()["sources"]}) < 1:
                    failures.append(f"meeting {m['id']} without sources")
            for path in ("/api/search?q=سوريا", "/api/followups", "/api/documents"):
                r = client.get(path)
                n += 1
                if r.status_code != 200:
                    failures.append(f"{path}: {r.status_code} {r.text[:200]}")
            with lock:
                requests += n
            if finished:
                break

    threads = [threading.Thread(target=writer)] + [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    store.close()
    print(f"concurrent API requests during ingest: {requests}, errors: {len(failures)}")
    assert not failures, failures[:5]
    assert requests > 10
    with Store(f"sqlite:///{copy}") as check:
        assert check.counts()["documents"] > 0
        with check.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


# --------------------------------------------------------------------------- export formats

EXPORT_TYPES = {
    "csv": ("text/csv", "csv"),
    "jsonl": ("application/x-ndjson", "jsonl"),
    "parquet": ("application/vnd.apache.parquet", "parquet"),
    "plover": ("application/x-ndjson", "plover.jsonl"),
}
PLOVER_FIELDS = {"id", "date", "actor", "recipient", "event", "mode", "context", "event_text", "cite_info"}


def _jsonl(resp) -> list[dict]:
    return [json.loads(line) for line in resp.text.splitlines() if line.strip()]


def _parquet(resp):
    import io

    import pyarrow.parquet as pq

    return pq.read_table(io.BytesIO(resp.content))


@pytest.mark.parametrize("kind", ["meetings", "statements", "follow_ups", "framing"])
@pytest.mark.parametrize("to", ["csv", "jsonl", "parquet", "plover"])
def test_export_every_format_downloads(api_client, kind, to):
    r = api_client.get(f"/api/export/{kind}", params={"to": to})
    if to == "plover" and kind != "statements":
        assert r.status_code == 422
        assert "plover" in _error(r)["message"]
        return
    assert r.status_code == 200, r.text[:300]
    media, suffix = EXPORT_TYPES[to]
    assert r.headers["content-type"].startswith(media)
    assert r.headers["content-disposition"] == f'attachment; filename="bayan-{kind}.{suffix}"'
    assert r.content  # even an empty kind has a CSV header / a Parquet schema
    if to == "parquet":
        assert r.content[:4] == b"PAR1"
    if to == "csv":
        assert r.text.splitlines()[0].startswith("id,")


@pytest.mark.parametrize("kind", ["meetings", "statements", "follow_ups", "framing"])
def test_export_parquet_reads_back_with_same_rows_as_jsonl(api_client, kind):
    rows = _jsonl(api_client.get(f"/api/export/{kind}", params={"to": "jsonl"}))
    table = _parquet(api_client.get(f"/api/export/{kind}", params={"to": "parquet"}))
    assert table.num_rows == len(rows)
    assert table.schema.metadata[b"bayan.kind"] == kind.encode()
    # the same columns as `bayan export` (Store.export_rows), also for follow-ups
    from bayan.export.writers import KIND_COLUMNS

    assert table.column_names == list(KIND_COLUMNS[kind])
    if rows:
        assert table.column_names == list(rows[0])
        assert table.column("id").to_pylist() == [r["id"] for r in rows]
    csv_rows = api_client.get(f"/api/export/{kind}", params={"to": "csv"}).text
    import csv
    import io

    assert len(list(csv.DictReader(io.StringIO(csv_rows)))) == len(rows)


def test_export_parquet_temp_file_is_deleted(api_client, monkeypatch):
    import tempfile

    from bayan.web import api

    made: list[str] = []
    real = tempfile.mkdtemp

    def spy(*args, **kwargs):
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(api.tempfile, "mkdtemp", spy)
    r = api_client.get("/api/export/statements", params={"to": "parquet"})
    assert r.status_code == 200 and _parquet(r).num_rows > 0
    assert len(made) == 1 and not Path(made[0]).exists()


def test_export_plover_records(api_client):
    statements = _jsonl(api_client.get("/api/export/statements", params={"to": "jsonl"}))
    records = _jsonl(api_client.get("/api/export/statements", params={"to": "plover"}))
    assert statements and len(records) == len(statements)
    assert len({rec["id"] for rec in records}) == len(records)
    for rec in records:
        assert PLOVER_FIELDS <= set(rec)
        assert rec["id"].startswith("bayan-")
        assert isinstance(rec["actor"], list) and all("code" in a for a in rec["actor"])
        assert isinstance(rec["recipient"], list) and isinstance(rec["context"], list)
        assert rec["event"] and rec["event_text"][0]
        assert set(rec["cite_info"]) >= {"source", "url"} and rec["cite_info"]["source"]
    assert {rec["bayan"]["statement_id"] for rec in records} == {s["id"] for s in statements}
    assert sum(1 for rec in records if rec["actor"]) > len(records) // 2


@pytest.mark.parametrize("to", ["csv", "jsonl", "parquet", "plover"])
@pytest.mark.parametrize("kind", ["followups", "..%2Fstatements", "statements.csv", "bayan.db", "%2Fetc%2Fpasswd"])
def test_export_bad_kind_is_404_in_every_format(api_client, kind, to):
    r = api_client.get(f"/api/export/{kind}", params={"to": to})
    assert r.status_code == 404
    assert "root:" not in r.text
    _error(r)


@pytest.mark.parametrize("kind", ["meetings", "follow_ups", "framing"])
def test_export_plover_needs_statements(api_client, kind):
    r = api_client.get(f"/api/export/{kind}", params={"to": "plover"})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/json")
    assert kind in _error(r)["message"]


def test_export_filters(api_client):
    everything = _jsonl(api_client.get("/api/export/statements", params={"to": "jsonl"}))
    meeting_id = next(r["meeting_id"] for r in everything if r["meeting_id"] and r["format"] == "astana")
    astana = api_client.get(f"/api/meetings/{meeting_id}").json()
    one = _jsonl(api_client.get("/api/export/statements", params={"to": "jsonl", "meeting_id": astana["id"]}))
    assert one and len(one) < len(everything)
    assert {r["meeting_id"] for r in one} == {astana["id"]}
    plover = _jsonl(api_client.get("/api/export/statements", params={"to": "plover", "meeting_id": astana["id"]}))
    assert len(plover) == len(one) and {p["bayan"]["meeting_id"] for p in plover} == {astana["id"]}
    meetings = _jsonl(api_client.get("/api/export/meetings", params={"to": "jsonl", "format": "astana"}))
    assert meetings and {m["format"] for m in meetings} == {"astana"}
    table = _parquet(api_client.get("/api/export/meetings", params={"to": "parquet", "meeting_id": astana["id"]}))
    assert table.column("id").to_pylist() == [astana["id"]]
    docs = {d["id"] for d in api_client.get(f"/api/meetings/{astana['id']}").json()["sources"]}
    framing = _jsonl(api_client.get("/api/export/framing", params={"to": "jsonl", "meeting_id": astana["id"]}))
    assert {f["document_id"] for f in framing} <= docs
    nothing = api_client.get("/api/export/meetings", params={"to": "csv", "format": "no_such_format"})
    assert nothing.status_code == 200 and nothing.text.splitlines()[0].startswith("id,")
    assert api_client.get("/api/export/statements", params={"meeting_id": -1}).status_code == 422
    assert api_client.get("/api/export/statements", params={"format": "x" * 65}).status_code == 422


def test_export_csv_neutralises_formulas(api_client):
    from bayan.web.api import _csv_pieces

    text = "".join(_csv_pieces([{"id": 1, "text": "=HYPERLINK(\"x\")", "actors": ["SYR"], "ok": True}], "framing"))
    assert "'=HYPERLINK" in text and '"[""SYR""]"' in text and "true" in text


def test_openapi_documents_export_formats(api_client):
    spec = api_client.get("/openapi.json").json()
    op = spec["paths"]["/api/export/{kind}"]["get"]
    to = next(p for p in op["parameters"] if p["name"] == "to")
    assert set(to["schema"]["enum"]) == {"csv", "jsonl", "parquet", "plover"}
    assert "application/vnd.apache.parquet" in op["responses"]["200"]["content"]
