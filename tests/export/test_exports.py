"""Exports (CSV, JSON Lines, Parquet, PLOVER) over a store built from bundled dev articles."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from bayan.cli import app
from bayan.export import (
    KINDS,
    load_mapping,
    map_act,
    parquet_schema,
    plover_records,
    statement_to_plover,
    write_csv,
    write_jsonl,
    write_parquet,
    write_plover,
    write_rows,
)
from bayan.export.writers import KIND_COLUMNS, csv_cell

REPO = Path(__file__).resolve().parents[2]
DEV = REPO / "samples" / "dev"
# a condemn and a reject (rt), follow-ups (alwasat), one meeting covered by two outlets
# (aljazeera + petra), framing markers (aljazeera)
ARTICLES = [
    "rt.astana-19-2022.txt",
    "alwasat.berlin-libya-2020.txt",
    "aljazeera.amman-consultative-2023.txt",
    "petra.amman-consultative-2023.txt",
]
PLOVER_REQUIRED = ("id", "date", "actor", "recipient", "event", "mode", "context", "event_text", "cite_info")
ACTOR_CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")
runner = CliRunner()


@pytest.fixture(scope="module")
def db_url(tmp_path_factory) -> str:
    from bayan.core import process
    from bayan.pipeline.ingest import InputError, iter_inputs
    from bayan.store import Store

    url = f"sqlite:///{tmp_path_factory.mktemp('export') / 'bayan.db'}"
    with Store(url) as store:
        for item in iter_inputs([DEV / name for name in ARTICLES]):
            assert not isinstance(item, InputError), str(item)
            store.add_document(process(item), raw_text=item.text, html=item.html)
    return url


@pytest.fixture(scope="module")
def store(db_url):
    from bayan.store import Store

    st = Store(db_url)
    yield st
    st.close()


@pytest.fixture(scope="module")
def rows(store) -> dict[str, list[dict]]:
    out = {kind: store.export_rows(kind) for kind in KINDS}
    for kind in KINDS:
        assert out[kind], f"the sample store has no {kind}"
    return out


@pytest.fixture(scope="module")
def plover(store) -> list[dict]:
    return list(plover_records(store))


def _flat(row: dict) -> dict:
    """A row as CSV/Parquet hold it: nested values JSON-encoded."""
    return {k: json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v for k, v in row.items()}


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("kind", KINDS)
def test_jsonl_round_trip(kind, rows, tmp_path) -> None:
    path = tmp_path / f"{kind}.jsonl"
    assert write_rows(rows[kind], "jsonl", path, kind=kind) == len(rows[kind])
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == rows[kind]
    # Arabic is written as is, not \u-escaped
    assert "\\u06" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", KINDS)
def test_csv_round_trip(kind, rows, tmp_path) -> None:
    path = tmp_path / f"{kind}.csv"
    assert write_rows(rows[kind], "csv", path, kind=kind) == len(rows[kind])
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        back = list(reader)
        assert reader.fieldnames == list(rows[kind][0])
    assert back == [{k: str(csv_cell(v)) for k, v in row.items()} for row in rows[kind]]


@pytest.mark.parametrize("kind", KINDS)
def test_parquet_round_trip(kind, rows, tmp_path) -> None:
    path = tmp_path / f"{kind}.parquet"
    assert write_rows(rows[kind], "parquet", path, kind=kind) == len(rows[kind])
    table = pq.read_table(path)
    assert table.to_pylist() == [_flat(r) for r in rows[kind]]
    assert table.schema.metadata[b"bayan.kind"] == kind.encode()
    assert table.schema.field("id").type == pa.int64()


@pytest.mark.parametrize("kind", KINDS)
def test_parquet_schema_is_stable(kind, rows, tmp_path) -> None:
    """Types come from column names, not the data: an empty export has the same schema."""
    assert set(KIND_COLUMNS[kind]) == set(rows[kind][0]), (
        f"writers.KIND_COLUMNS[{kind!r}] must list the columns Store.export_rows({kind!r}) returns"
    )
    full, empty = tmp_path / "full.parquet", tmp_path / "empty.parquet"
    write_parquet(rows[kind], full, kind=kind)
    write_parquet([], empty, kind=kind)
    empty_schema = pq.read_schema(empty)
    assert pq.read_table(empty).num_rows == 0
    full_schema = pq.read_schema(full)
    assert {f.name: f.type for f in full_schema} == {f.name: f.type for f in empty_schema}


def test_parquet_json_encodes_nested_values(tmp_path) -> None:
    data = [
        {"id": 1, "actors": ["SYR", "RUS"], "fields": {"round": [7, 17]}, "note": None, "round": None},
        {"id": 2, "actors": [], "fields": {}, "note": None, "round": 22},
    ]
    path = tmp_path / "nested.parquet"
    write_parquet(data, path)
    table = pq.read_table(path)
    expected = parquet_schema(["id", "actors", "fields", "note", "round"])
    assert [f.type for f in expected] == [pa.int64(), pa.string(), pa.string(), pa.string(), pa.int64()]
    assert [(f.name, f.type) for f in table.schema] == [(f.name, f.type) for f in expected]
    assert table.schema.field("note").type == pa.string()  # all-null column keeps its type
    back = table.to_pylist()
    assert json.loads(back[0]["actors"]) == ["SYR", "RUS"]
    assert json.loads(back[0]["fields"]) == {"round": [7, 17]}
    assert back[1]["round"] == 22 and back[0]["round"] is None


def test_writers_reject_inconsistent_rows(tmp_path) -> None:
    bad = [{"id": 1, "text": "a"}, {"id": 2, "text": "b", "surprise": 1}]
    with pytest.raises(ValueError, match="surprise"):
        write_csv(bad, tmp_path / "bad.csv")
    with pytest.raises(ValueError, match="surprise"):
        write_parquet(bad, tmp_path / "bad.parquet")
    # a failed export leaves no file behind
    assert not (tmp_path / "bad.csv").exists() and not (tmp_path / "bad.parquet").exists()
    assert list(tmp_path.iterdir()) == []


def test_parquet_needs_a_path() -> None:
    with pytest.raises(ValueError, match="--out"):
        write_parquet([{"id": 1}], None)


def test_stream_writers_accept_a_text_stream(rows) -> None:
    buf = io.StringIO()
    assert write_jsonl(rows["statements"], buf) == len(rows["statements"])
    assert len(buf.getvalue().splitlines()) == len(rows["statements"])
    buf = io.StringIO()
    write_csv(rows["framing"], buf)
    assert len(list(csv.DictReader(io.StringIO(buf.getvalue())))) == len(rows["framing"])


# --------------------------------------------------------------------------- provenance


def _source_and_evidence(kind: str, row: dict) -> tuple[str, str]:
    if kind == "meetings":
        return row["source_paths"] or row["urls"], row["evidence"]
    return row["source"] or row["url"], row["text"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_row_has_source_and_evidence(kind, rows, tmp_path) -> None:
    for row in rows[kind]:
        source, evidence = _source_and_evidence(kind, row)
        assert source and source.strip(), row
        assert evidence and evidence.strip(), row
    # ...and so does every row read back from every format
    write_rows(rows[kind], "parquet", tmp_path / "x.parquet", kind=kind)
    write_rows(rows[kind], "csv", tmp_path / "x.csv", kind=kind)
    with (tmp_path / "x.csv").open(encoding="utf-8", newline="") as fh:
        from_csv = list(csv.DictReader(fh))
    for back in (pq.read_table(tmp_path / "x.parquet").to_pylist(), from_csv):
        for row in back:
            source, evidence = _source_and_evidence(kind, row)
            assert source.strip() and evidence.strip()


def test_meeting_rows_list_every_source(rows) -> None:
    multi = [m for m in rows["meetings"] if m["sources"] >= 2]
    assert multi, "the Amman meeting is covered by two outlets"
    for m in multi:
        assert len(m["source_paths"].split("; ")) == m["sources"]


# --------------------------------------------------------------------------- PLOVER


def test_mapping_file_follows_the_spec() -> None:
    mapping = load_mapping()
    schema = json.loads((REPO / "src" / "bayan" / "schema" / "output.schema.json").read_text(encoding="utf-8"))
    acts = schema["$defs"]["meeting"]["properties"]["statements"]["items"]["properties"]["act"]["enum"]
    assert set(acts) <= set(mapping), "every act of the vocabulary has a row in data/plover.tsv"
    spec = {"call": "REQUEST", "reject": "REJECT", "condemn": "ACCUSE", "welcome": "SUPPORT",
            "agree": "AGREE", "commit": "AGREE"}
    assert {a: mapping[a].event for a in spec} == spec
    for act in ("affirm", "concern"):
        assert mapping[act].extension and mapping[act].event == f"BAYAN:{act.upper()}"
    assert not any(mapping[a].extension for a in spec)


def test_plover_records_have_the_required_fields(plover, rows, store) -> None:
    from sqlalchemy import select

    from bayan.store.models import ActorRow

    assert len(plover) == len(rows["statements"]), "no statement is dropped"
    assert len({r["id"] for r in plover}) == len(plover)
    with store.session() as s:
        known = set(s.scalars(select(ActorRow.key)))
    for rec in plover:
        for field in PLOVER_REQUIRED:
            assert field in rec, (field, rec)
        assert rec["actor"], rec
        for a in rec["actor"] + rec["recipient"]:
            assert ACTOR_CODE.match(a["code"]) and a["code"] in known, a
        assert rec["date"] is None or re.match(r"^\d{4}-\d{2}-\d{2}$", rec["date"]) or rec["bayan"]["date_basis"]
        assert isinstance(rec["context"], list)
        assert rec["event_text"][0].strip()
        cite = rec["cite_info"]
        assert (cite["source"] or cite["url"]).strip()
        ev = rec["bayan"]["evidence"]
        assert ev["text"] == rec["event_text"][0] and ev["start"] < ev["end"]
        assert rec["bayan"]["act"] and rec["bayan"]["topic"] and rec["bayan"]["document_id"]


def test_condemn_maps_to_accuse(plover) -> None:
    condemn = [r for r in plover if r["bayan"]["act"] == "condemn"]
    assert condemn, "rt.astana-19-2022 has a condemnation"
    assert {r["event"] for r in condemn} == {"ACCUSE"}
    assert not any(r["bayan"]["plover_extension"] for r in condemn)


def test_affirm_is_exported_via_the_extension(plover, rows) -> None:
    affirm = [r for r in plover if r["bayan"]["act"] == "affirm"]
    assert len(affirm) == sum(1 for r in rows["statements"] if r["act"] == "affirm") > 0
    for rec in affirm:
        assert rec["event"] == "BAYAN:AFFIRM" and rec["bayan"]["plover_extension"] is True


def _row(**kw) -> dict:
    row = {"id": 9, "meeting_id": None, "format": None, "round": None, "meeting_date": None,
           "document_id": 3, "source": "a.txt", "url": "https://example.org/a", "outlet": "X",
           "published": "2024-11-12", "actors": "RUS;TUR;IRN", "act": "concern", "topic": "humanitarian",
           "target": "ISR", "attribution": "statement", "text": "أعربت عن قلقها", "start": 5, "end": 19}
    row.update(kw)
    return row


def test_concern_and_unknown_acts_are_not_dropped() -> None:
    rec = statement_to_plover(_row(), names={"ISR": ("Israel", "إسرائيل", "state")})
    assert rec["event"] == "BAYAN:CONCERN" and rec["bayan"]["plover_extension"]
    assert rec["recipient"] == [{"code": "ISR", "name": "Israel", "name_ar": "إسرائيل"}]
    assert [a["code"] for a in rec["actor"]] == ["RUS", "TUR", "IRN"]
    assert rec["context"] == ["humanitarian"]
    assert rec["date"] == "2024-11-12" and rec["bayan"]["date_basis"] == "published"
    assert rec["cite_info"]["url"] == "https://example.org/a"
    odd = statement_to_plover(_row(act="warn"))
    assert odd["event"] == "BAYAN:WARN" and odd["bayan"]["plover_extension"]
    assert map_act("condemn").event == "ACCUSE"


def test_plover_date_and_place_come_from_the_meeting() -> None:
    meetings = {4: {"id": 4, "format": "astana", "round": 22, "city": "Astana", "country": "KAZ",
                    "start_date": "2024-11-11", "end_date": "2024-11-12"}}
    rec = statement_to_plover(_row(meeting_id=4, meeting_date="2024-11-11", act="reject"), meetings=meetings)
    assert rec["event"] == "REJECT"
    assert (rec["date"], rec["enddate"], rec["bayan"]["date_basis"]) == ("2024-11-11", "2024-11-12", "meeting")
    assert rec["event_loc"] == {"name": "Astana", "country": "KAZ"}
    assert (rec["bayan"]["format"], rec["bayan"]["round"]) == ("astana", 22)
    # a partial meeting date gives way to the full publication date, and says so
    rec = statement_to_plover(_row(meeting_id=4, meeting_date="2024-11"), meetings={})
    assert (rec["date"], rec["bayan"]["date_basis"]) == ("2024-11-12", "published")


def test_plover_ids_are_stable_and_unique() -> None:
    a = list(statement_to_plover(_row()) for _ in range(2))
    assert a[0]["id"] == a[1]["id"]
    from bayan.export import to_plover

    ids = [r["id"] for r in to_plover([_row(), _row()])]
    assert len(set(ids)) == 2


def test_write_plover_jsonl(plover, tmp_path) -> None:
    path = tmp_path / "events.jsonl"
    assert write_plover(plover, path) == len(plover)
    assert [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] == plover


# --------------------------------------------------------------------------- CLI


def test_cli_export_plover_to_stdout(db_url, plover) -> None:
    result = runner.invoke(app, ["export", "--to", "plover", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert [json.loads(line) for line in result.stdout.splitlines()] == plover


def test_cli_export_formats_to_files(db_url, rows, tmp_path) -> None:
    for fmt in ("csv", "jsonl", "parquet"):
        out = tmp_path / f"meetings.{fmt}"
        result = runner.invoke(app, ["export", "meetings", "--to", fmt, "--out", str(out), "--db", db_url])
        assert result.exit_code == 0, result.output
        assert out.is_file()
    assert pq.read_table(tmp_path / "meetings.parquet").to_pylist() == [_flat(r) for r in rows["meetings"]]
    lines = (tmp_path / "meetings.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == rows["meetings"]
    with (tmp_path / "meetings.csv").open(encoding="utf-8", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == len(rows["meetings"])


def test_cli_export_csv_and_jsonl_to_stdout(db_url, rows) -> None:
    result = runner.invoke(app, ["export", "follow_ups", "--to", "jsonl", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert [json.loads(line) for line in result.stdout.splitlines()] == json.loads(json.dumps(rows["follow_ups"]))
    result = runner.invoke(app, ["export", "framing", "--to", "csv", "--out", "-", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert len(list(csv.DictReader(io.StringIO(result.stdout)))) == len(rows["framing"])


def test_cli_export_usage_errors(db_url, tmp_path) -> None:
    assert runner.invoke(app, ["export", "--to", "parquet", "--db", db_url]).exit_code == 2
    assert runner.invoke(app, ["export", "meetings", "--to", "plover", "--db", db_url]).exit_code == 2
    assert runner.invoke(app, ["export", "nonsense", "--to", "csv", "--db", db_url]).exit_code == 2
    assert runner.invoke(app, ["export", "--to", "xml", "--db", db_url]).exit_code == 2
    assert not list(tmp_path.iterdir())
