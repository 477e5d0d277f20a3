"""Ingest: encodings are detected, bad inputs become one-line errors, order is kept."""

from __future__ import annotations

import json

import pytest

from bayan.pipeline.ingest import InputError, RawInput, iter_inputs

ARABIC = "التقى وزير الخارجية نظيره الروسي في موسكو اليوم.\nوبحث الجانبان العلاقات الثنائية."


def _one(path) -> RawInput | InputError:
    items = list(iter_inputs([path]))
    assert len(items) == 1
    return items[0]


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (ARABIC.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + ARABIC.encode("utf-8"), "utf-8-sig"),
        (ARABIC.encode("cp1256"), "windows-1256"),
        (b"\xff\xfe" + ARABIC.encode("utf-16-le"), "utf-16"),
        (b"\xfe\xff" + ARABIC.encode("utf-16-be"), "utf-16"),
        (ARABIC.encode("utf-16-be"), "utf-16-be"),
        (ARABIC.encode("utf-16-le"), "utf-16-le"),
    ],
    ids=["utf8", "utf8-bom", "cp1256", "utf16le-bom", "utf16be-bom", "utf16be-nobom", "utf16le-nobom"],
)
def test_encodings_are_detected(tmp_path, data, encoding):
    path = tmp_path / "article.txt"
    path.write_bytes(data)
    item = _one(path)
    assert isinstance(item, RawInput), item
    assert item.text == ARABIC
    assert item.encoding == encoding
    assert item.html is None
    assert item.raw_bytes_len == len(data)


def test_html_by_extension_and_by_sniffing(tmp_path):
    page = "<html><body><p>" + ARABIC + "</p></body></html>"
    (tmp_path / "a.html").write_text(page, encoding="utf-8")
    (tmp_path / "b.txt").write_text("<!DOCTYPE html>\n" + page, encoding="utf-8")
    items = list(iter_inputs([tmp_path / "a.html", tmp_path / "b.txt"]))
    assert all(isinstance(i, RawInput) and i.html and i.text is None for i in items)


def test_jsonl_records_and_one_broken_line(tmp_path):
    path = tmp_path / "batch.jsonl"
    lines = [
        json.dumps({"text": ARABIC, "url": "https://sana.sy/?p=1", "outlet": "سانا",
                    "published": "2024-11-12"}, ensure_ascii=False),
        '{"text": "مقطوع',
        json.dumps({"html": "<p>" + ARABIC + "</p>"}, ensure_ascii=False),
        json.dumps({"url": "https://example.com"}),
        "",
        json.dumps({"text": "نص ثالث"}, ensure_ascii=False),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(iter_inputs([path]))
    assert [type(i).__name__ for i in items] == ["RawInput", "InputError", "RawInput", "InputError", "RawInput"]
    first, broken, second, no_text, third = items
    assert first.source == f"{path}#L1"
    assert (first.text, first.url, first.outlet, first.published) == (
        ARABIC, "https://sana.sy/?p=1", "سانا", "2024-11-12")
    assert broken.source == f"{path}#L2" and "invalid JSON" in broken.reason
    assert second.html and second.text is None and second.source == f"{path}#L3"
    assert "text" in no_text.reason and no_text.source == f"{path}#L4"
    assert third.text == "نص ثالث" and third.source == f"{path}#L6"


def test_directory_is_recursive_sorted_and_skips_hidden(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "2.txt").write_text("ثاني", encoding="utf-8")
    (tmp_path / "b" / "1.txt").write_text("أول", encoding="utf-8")
    (tmp_path / "a.txt").write_text("صفر", encoding="utf-8")
    (tmp_path / "c.txt").write_text("ثالث", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("مخفي", encoding="utf-8")
    (tmp_path / ".git" / "x.txt").write_text("مخفي", encoding="utf-8")
    items = list(iter_inputs([tmp_path]))
    assert [i.text for i in items] == ["صفر", "أول", "ثاني", "ثالث"]


def test_paths_keep_their_given_order(tmp_path):
    paths = []
    for name, text in [("z.txt", "أخير"), ("a.txt", "أول")]:
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(tmp_path / name)
    assert [i.text for i in iter_inputs(paths)] == ["أخير", "أول"]


def test_bad_inputs_are_errors_and_never_stop_the_batch(tmp_path):
    missing = tmp_path / "missing.txt"
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\t\n", encoding="utf-8")
    png = tmp_path / "image.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    nul = tmp_path / "blob.txt"
    nul.write_bytes(b"abc\x00\x01\x02\xff\xfe\x00\x9c" * 50)
    good = tmp_path / "good.txt"
    good.write_text(ARABIC, encoding="utf-8")
    items = list(iter_inputs([missing, empty, png, nul, good]))
    assert [type(i).__name__ for i in items] == ["InputError"] * 4 + ["RawInput"]
    assert items[0].reason == "no such file or directory"
    assert items[1].reason == "empty file"
    assert items[2].reason == "binary file, not text"
    assert items[3].reason == "binary file, not text"
    assert str(items[0]) == f"{missing}: no such file or directory"
    assert "\n" not in str(items[2])


def test_too_large_file_is_refused(tmp_path, monkeypatch):
    import bayan.pipeline.ingest as ingest

    monkeypatch.setattr(ingest, "MAX_BYTES", 10)
    path = tmp_path / "big.txt"
    path.write_text(ARABIC, encoding="utf-8")
    item = _one(path)
    assert isinstance(item, InputError)
    assert item.reason.startswith("file too large")


def test_permission_denied_is_an_error(tmp_path):
    import os

    path = tmp_path / "locked.txt"
    path.write_text(ARABIC, encoding="utf-8")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as a user that ignores file permissions")
        item = _one(path)
        assert isinstance(item, InputError) and item.reason == "permission denied"
    finally:
        path.chmod(0o644)


def _records(n: int) -> list[dict]:
    return [{"text": f"{ARABIC}\nالفقرة رقم {i}.", "url": f"https://example.org/{i}",
             "outlet": "سانا"} for i in range(n)]


def _jsonl_bytes(records: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def _summary(items) -> list[tuple]:
    return [(type(i).__name__, i.source.rsplit("#", 1)[-1], getattr(i, "text", None) or getattr(i, "reason", None))
            for i in items]


def test_jsonl_larger_than_the_file_limit_streams(tmp_path, monkeypatch):
    """An archive is one big JSON Lines file: the size limit applies per record, not per file."""
    import bayan.pipeline.ingest as ingest

    records = _records(40)
    line_bytes = len(json.dumps(records[0], ensure_ascii=False).encode("utf-8"))
    monkeypatch.setattr(ingest, "MAX_BYTES", line_bytes * 3)  # the file is 13× the limit
    records[7]["text"] = ARABIC * 20  # one record over the limit
    path = tmp_path / "archive.jsonl"
    path.write_bytes(_jsonl_bytes(records))
    items = list(iter_inputs([path]))
    assert len(items) == 40
    assert [i.text for i in items if isinstance(i, RawInput)] == [r["text"] for k, r in enumerate(records) if k != 7]
    too_big = items[7]
    assert isinstance(too_big, InputError) and too_big.source == f"{path}#L8"
    assert too_big.reason.startswith("record too large")
    assert items[8].source == f"{path}#L9" and items[8].url == "https://example.org/8"


def test_gzipped_jsonl_reads_like_the_plain_file(tmp_path):
    import gzip

    data = _jsonl_bytes(_records(5)) + b'{"text": "\xd9\x85\n' + b"\n" + _jsonl_bytes(_records(1))
    plain = tmp_path / "crawl.jsonl"
    plain.write_bytes(data)
    packed = tmp_path / "crawl.jsonl.gz"
    packed.write_bytes(gzip.compress(data))
    misnamed = tmp_path / "crawl2.ndjson"  # gzip content under a plain name
    misnamed.write_bytes(gzip.compress(data))
    want = _summary(iter_inputs([plain]))
    assert [kind for kind, _, _ in want] == ["RawInput"] * 5 + ["InputError", "RawInput"]
    assert _summary(iter_inputs([packed])) == want == _summary(iter_inputs([misnamed]))
    assert [i.raw_bytes_len for i in iter_inputs([packed]) if isinstance(i, RawInput)] == [
        i.raw_bytes_len for i in iter_inputs([plain]) if isinstance(i, RawInput)]
    # in a directory, .jsonl.gz files are read too
    assert len([i for i in iter_inputs([tmp_path]) if isinstance(i, RawInput)]) == 18


def test_truncated_gzip_keeps_the_records_before_the_damage(tmp_path):
    import gzip

    blob = gzip.compress(_jsonl_bytes(_records(200)))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(blob[: len(blob) // 2])
    items = list(iter_inputs([path]))
    good = [i for i in items if isinstance(i, RawInput)]
    assert 0 < len(good) < 200
    assert isinstance(items[-1], InputError) and "truncated" in items[-1].reason
    assert all(isinstance(i, RawInput) for i in items[:-2])  # the last line read may be cut


def test_jsonl_line_encodings_and_line_separators(tmp_path):
    """JSON strings may hold U+2028; a windows-1256 line is decoded on its own; UTF-16 whole."""
    record = {"text": ARABIC + "\u2028" + "سطر", "outlet": "الأهرام"}
    line = json.dumps(record, ensure_ascii=False)
    utf8 = tmp_path / "a.jsonl"
    utf8.write_bytes(b"\xef\xbb\xbf" + (line + "\r\n").encode("utf-8") + (line + "\n").encode("cp1256", errors="ignore"))
    items = list(iter_inputs([utf8]))
    assert len(items) == 2 and all(isinstance(i, RawInput) for i in items), items
    assert items[0].text == record["text"] and items[0].encoding == "utf-8"
    assert items[1].text == ARABIC + "سطر" and items[1].encoding == "windows-1256"
    utf16 = tmp_path / "b.jsonl"
    utf16.write_bytes(b"\xff\xfe" + (line + "\n" + line + "\n").encode("utf-16-le"))
    items = list(iter_inputs([utf16]))
    assert [i.outlet for i in items] == ["الأهرام"] * 2


def test_gzipped_utf16_jsonl_is_decompressed_then_decoded(tmp_path):
    """A UTF-16 JSON Lines file inside gzip is decoded whole after decompression (it was
    read as raw compressed bytes and refused as binary)."""
    import gzip

    line = json.dumps({"text": ARABIC, "outlet": "سانا"}, ensure_ascii=False)
    path = tmp_path / "c.jsonl.gz"
    path.write_bytes(gzip.compress(b"\xff\xfe" + (line + "\n" + line + "\n").encode("utf-16-le")))
    items = list(iter_inputs([path]))
    assert len(items) == 2 and all(isinstance(i, RawInput) for i in items), items
    assert [i.outlet for i in items] == ["سانا"] * 2 and items[0].text == ARABIC
    assert items[0].encoding.startswith("utf-16")
