"""Score extraction against gold annotations (format: docs/gold-format.md).

Set-valued fields (participants, people, topics, statements, framing, follow-ups)
get precision/recall/F1, micro-averaged; single-valued fields of the primary
meeting (format, round, city, country, dates) get accuracy. A value predicted where
the gold says null counts against accuracy: a wrong fact is worse than a missing one.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from bayan.arabic.normalise import normalise
from bayan.errors import E003, E004, BayanError

SET_FIELDS = ("participants", "roles", "people", "topics", "statements", "framing", "follow_ups",
              "referred")
ACC_FIELDS = ("format", "round", "city", "country", "start_date", "end_date")


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Accuracy:
    correct: int = 0
    total: int = 0

    @property
    def value(self) -> float | None:
        return self.correct / self.total if self.total else None


@dataclass
class FileScore:
    gold_path: Path
    split: str
    sets: dict[str, Counts] = field(default_factory=dict)
    acc: dict[str, Accuracy] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)
    error: str | None = None
    skipped: bool = False  # the source is not on this machine (e.g. ../shared/seeds)


@dataclass
class EvalResult:
    files: list[FileScore]

    def splits(self) -> list[str]:
        return sorted({f.split for f in self.files})

    def totals(self, split: str | None = None) -> tuple[dict[str, Counts], dict[str, Accuracy]]:
        sets: dict[str, Counts] = defaultdict(Counts)
        acc: dict[str, Accuracy] = defaultdict(Accuracy)
        for f in self.files:
            if split and f.split != split:
                continue
            for k, c in f.sets.items():
                sets[k].add(c)
            for k, a in f.acc.items():
                acc[k].correct += a.correct
                acc[k].total += a.total
        return dict(sets), dict(acc)


def load_gold(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise BayanError(E003.format(path=path, reason=exc)) from None
    if not isinstance(data, dict) or "source" not in data:
        raise BayanError(E003.format(path=path, reason="it needs a 'source' field"))
    return data


def evaluate_dir(gold_dir: Path, splits: list[str] | None = None) -> EvalResult:
    """Extract every gold file's source and score it."""
    from bayan.api import extract_paths

    if not gold_dir.exists():
        raise BayanError(E004.format(path=gold_dir))
    paths = sorted(gold_dir.rglob("*.gold.json"))
    if splits:
        paths = [p for p in paths if p.parent.name in splits]
    if not paths:
        raise BayanError(E004.format(path=gold_dir))
    files: list[FileScore] = []
    for path in paths:
        gold = load_gold(path)
        score = FileScore(path, path.parent.name)
        source_ref, line_no = _split_line_ref(gold["source"])
        source = (path.parent / source_ref).resolve()
        if not source.exists():
            score.error = f"source not found: {source}"
            score.skipped = True
            files.append(score)
            continue
        docs = list(extract_paths([source]))
        doc = docs[line_no - 1] if line_no and len(docs) >= line_no else (docs[0] if docs else None)
        if doc is None or not hasattr(doc, "meetings"):
            score.error = getattr(doc, "reason", "no output")
            files.append(score)
            continue
        score_document(gold, doc.to_dict(include_body=False), score)
        files.append(score)
    return EvalResult(files)


def _split_line_ref(ref: str) -> tuple[str, int | None]:
    """``file.jsonl:3`` names the third record of a JSON Lines file."""
    head, sep, tail = ref.rpartition(":")
    if sep and tail.isdigit() and head:
        return head, int(tail)
    return ref, None


def score_document(gold: dict[str, Any], pred: dict[str, Any], score: FileScore) -> None:
    """Compare one prediction (output-contract dict) with its gold annotation."""
    g_meetings = gold.get("meetings") or []
    p_meetings = pred.get("meetings") or []
    g_primary = next((m for m in g_meetings if m.get("primary")), None)
    p_primary = next((m for m in p_meetings if m.get("primary")), None)
    if g_primary is not None:
        _score_meeting(g_primary, p_primary or {}, score, primary=True)
    g_ref = [m for m in g_meetings if not m.get("primary")]
    p_ref = [m for m in p_meetings if not m.get("primary")]
    _score_referred(g_ref, p_ref, score)
    _score_framing(gold.get("framing") or [], pred.get("framing") or [], score)


def _sets(score: FileScore, name: str, gold: set, pred: set) -> None:
    c = score.sets.setdefault(name, Counts())
    c.tp += len(gold & pred)
    c.fp += len(pred - gold)
    c.fn += len(gold - pred)
    for item in sorted(map(str, gold - pred)):
        score.misses.append(f"{name}: missed {item}")
    for item in sorted(map(str, pred - gold)):
        score.misses.append(f"{name}: false {item}")


def _acc(score: FileScore, name: str, gold: Any, pred: Any) -> None:
    a = score.acc.setdefault(name, Accuracy())
    a.total += 1
    if gold == pred:
        a.correct += 1
    else:
        score.misses.append(f"{name}: gold {gold!r}, predicted {pred!r}")


def _score_meeting(g: dict, p: dict, score: FileScore, primary: bool) -> None:
    for name in ("format", "round", "city", "country"):
        _acc(score, name, g.get(name), p.get(name))
    # Dates are scored where the text states them (gold not null).
    for name in ("start_date", "end_date"):
        if g.get(name):
            _acc(score, name, g.get(name), p.get(name))
    g_parts = {x["actor"] for x in g.get("participants") or []}
    p_parts = {x["actor"] for x in p.get("participants") or []}
    _sets(score, "participants", g_parts, p_parts)
    g_roles = {(x["actor"], x.get("role")) for x in g.get("participants") or []}
    p_roles = {(x["actor"], x.get("role")) for x in p.get("participants") or []}
    _sets(score, "roles", g_roles, p_roles)
    _score_people(g.get("people") or [], p.get("people") or [], score)
    g_topics = {s["topic"] for s in g.get("statements") or []}
    p_topics = {s["topic"] for s in p.get("statements") or []}
    _sets(score, "topics", g_topics, p_topics)
    g_st = {(s["act"], s["topic"]) for s in g.get("statements") or []}
    p_st = {(s["act"], s["topic"]) for s in p.get("statements") or []}
    _sets(score, "statements", g_st, p_st)
    g_fu = {(f.get("kind"), f.get("place")) for f in g.get("follow_ups") or []}
    p_fu = {(f.get("kind"), f.get("place")) for f in p.get("follow_ups") or []}
    _sets(score, "follow_ups", g_fu, p_fu)


def _same_person(g: dict, p: dict) -> bool:
    if g.get("actor") and p.get("actor") and g["actor"] != p["actor"]:
        return False
    if g.get("name") and p.get("name"):
        if fuzz.token_set_ratio(g["name"].lower(), p["name"].lower()) >= 80:
            return True
    if g.get("name_ar") and p.get("name_ar"):
        return fuzz.token_set_ratio(normalise(g["name_ar"]), normalise(p["name_ar"])) >= 80
    return False


def _score_people(gold: list[dict], pred: list[dict], score: FileScore) -> None:
    c = score.sets.setdefault("people", Counts())
    unmatched = list(pred)
    for g in gold:
        hit = next((p for p in unmatched if _same_person(g, p)), None)
        if hit is None:
            c.fn += 1
            score.misses.append(f"people: missed {g.get('name') or g.get('name_ar')}")
        else:
            c.tp += 1
            unmatched.remove(hit)
    c.fp += len(unmatched)
    for p in unmatched:
        score.misses.append(f"people: false {p.get('name') or p.get('name_ar')}")


def _score_referred(gold: list[dict], pred: list[dict], score: FileScore) -> None:
    def key(m: dict) -> tuple:
        return (m.get("format"), m.get("city"), (m.get("start_date") or "")[:7])

    c = score.sets.setdefault("referred", Counts())
    unmatched = list(pred)
    for g in gold:
        hit = next((p for p in unmatched if _referred_match(g, p)), None)
        if hit is None:
            c.fn += 1
            score.misses.append(f"referred: missed {key(g)}")
        else:
            c.tp += 1
            unmatched.remove(hit)
    c.fp += len(unmatched)
    for p in unmatched:
        score.misses.append(f"referred: false {key(p)}")


def _referred_match(g: dict, p: dict) -> bool:
    agree = 0
    for name in ("format", "city", "start_date", "level"):
        gv, pv = g.get(name), p.get(name)
        if gv and pv:
            if name == "start_date":
                if gv[:7] != pv[:7]:
                    return False
            elif gv != pv:
                return False
            agree += 1
    return agree > 0


def _score_framing(gold: list[dict], pred: list[dict], score: FileScore) -> None:
    # A label repeated through an article is one framing choice: score distinct
    # (kind, folded text) pairs, not occurrences.
    gold = _distinct(gold)
    pred = _distinct(pred)
    c = score.sets.setdefault("framing", Counts())
    unmatched = list(pred)
    for g in gold:
        gt = normalise(g.get("text", ""))
        hit = next((p for p in unmatched if p.get("kind") == g.get("kind")
                    and _overlaps(gt, normalise(p.get("text", "")))), None)
        if hit is None:
            c.fn += 1
            score.misses.append(f"framing: missed {g.get('kind')} «{g.get('text')}»")
        else:
            c.tp += 1
            unmatched.remove(hit)
    c.fp += len(unmatched)
    for p in unmatched:
        score.misses.append(f"framing: false {p.get('kind')} «{p.get('text')}»")


def _distinct(items: list[dict]) -> list[dict]:
    seen: set[tuple[str, str]] = set()
    out = []
    for item in items:
        key = (item.get("kind", ""), normalise(item.get("text", "")))
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _overlaps(a: str, b: str) -> bool:
    return bool(a and b) and (a in b or b in a)
