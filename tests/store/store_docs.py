"""Hand-built Documents for the store tests (Arabic snippets written for the tests)."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from bayan.models import Document, Evidence, FollowUp, Framing, Meeting, Participant, Statement


def span(body: str, phrase: str) -> tuple[int, int]:
    i = body.index(phrase)
    return i, i + len(phrase)


def statement(body: str, phrase: str, actors: list[str], act: str, topic: str) -> Statement:
    s, e = span(body, phrase)
    return Statement(actors=actors, act=act, topic=topic, text=phrase, start=s, end=e, attribution="statement")


def evidence(body: str, phrase: str) -> Evidence:
    s, e = span(body, phrase)
    return Evidence(text=phrase, start=s, end=e)


def followup(body: str, phrase: str, **kw) -> FollowUp:
    s, e = span(body, phrase)
    return FollowUp(text=phrase, start=s, end=e, **kw)


def participants(*actors: str, role: str = "guarantor") -> list[Participant]:
    return [Participant(actor=a, role=role) for a in actors]


def make_doc(source: str, outlet: str, published: str, body: str, title: str, meetings: list[Meeting],
             framing: list[Framing] | None = None) -> Document:
    return Document(
        source=source,
        url=f"https://example.org/{source}",
        outlet=outlet,
        title=title,
        published=published,
        body=body,
        raw_text=body,
        content_hash=hashlib.sha256(body.encode("utf-8")).hexdigest(),
        meetings=meetings,
        framing=framing or [],
    )


FILLER = " ".join(
    f"وقال مصدر دبلوماسي في الفقرة رقم {i} إن المحادثات تناولت الملف رقم {i * 7} بالتفصيل."
    for i in range(1, 26)
)


def sana_body(last_line: str = "وفي الختام شكر المشاركون جمهورية كازاخستان على حسن الاستضافة.") -> str:
    return (
        "انطلقت في العاصمة الكازاخية أستانا اليوم الاثنين أعمال الجولة الثانية والعشرين "
        "من اجتماعات صيغة أستانا بمشاركة الدول الضامنة روسيا وتركيا وإيران. "
        "وأكدت الدول الضامنة رفضها جميع محاولات خلق وقائع جديدة على الأرض بما في ذلك مبادرات الحكم الذاتي غير المشروعة. "
        "وكانت الدول الثلاث قد عقدت اجتماعاً سابقاً في موسكو. "
        + FILLER
        + " "
        + last_line
    )


def doc_sana(body: str | None = None, source: str = "sana.txt") -> Document:
    body = body or sana_body()
    main = Meeting(
        primary=True,
        format="astana",
        round=22,
        city=None,  # this outlet gives the date but not the city
        start_date="2024-11-11",
        level="deputy_ministers",
        participants=participants("RUS", "TUR", "IRN"),
        evidence=[evidence(body, "أعمال الجولة الثانية والعشرين")],
        statements=[
            statement(
                body,
                "رفضها جميع محاولات خلق وقائع جديدة على الأرض بما في ذلك مبادرات الحكم الذاتي غير المشروعة",
                ["RUS", "TUR", "IRN"],
                "reject",
                "separatism",
            )
        ],
    )
    referred = Meeting(
        primary=False,
        format="quad",
        city="Moscow",
        participants=participants("RUS", "TUR", "IRN", role="member"),
        evidence=[evidence(body, "اجتماعاً سابقاً في موسكو")],
    )
    return make_doc(source, "سانا", "2024-11-12", body, "انطلاق الجولة 22 من محادثات أستانا", [main, referred])


def doc_trt() -> Document:
    body = (
        "اختتمت في أستانا الجولة الثانية والعشرون من محادثات أستانا حول سوريا. "
        "وطالب المشاركون النظام السوري بالإفراج عن المعتقلين. "
        "ودعت الدول الضامنة إلى عودة آمنة وطوعية للاجئين."
    )
    main = Meeting(
        primary=True,
        format="astana",
        round=22,
        city="Astana",  # this outlet gives the city but not the date
        country="KAZ",
        participants=participants("RUS", "TUR"),
        evidence=[evidence(body, "الجولة الثانية والعشرون")],
        statements=[
            statement(body, "عودة آمنة وطوعية للاجئين", ["RUS", "TUR"], "call", "refugees"),
        ],
    )
    framing = [Framing(kind="loaded_label", text="النظام السوري", start=span(body, "النظام السوري")[0],
                       end=span(body, "النظام السوري")[1], label="SYR")]
    return make_doc("trt.txt", "TRT عربي", "2024-11-13", body, "ختام محادثات أستانا", [main], framing)


def doc_round17() -> Document:
    body = (
        "اختتمت في نور سلطان الجولة السابعة عشرة من محادثات أستانا بمشاركة روسيا وتركيا وإيران. "
        "واتفقت الدول الضامنة على عقد القمة الثلاثية المقبلة في طهران في حزيران أو تموز 2022. "
        "كما اتفقت على عقد الجولة المقبلة في أستانا مطلع عام 2025. "
        "وتقرر عقد اجتماع لمجموعة العمل في جنيف في كانون الثاني 2023."
    )
    main = Meeting(
        primary=True,
        format="astana",
        round=17,
        city="Astana",
        country="KAZ",
        start_date="2021-12-21",
        end_date="2021-12-22",
        participants=participants("RUS", "TUR", "IRN"),
        evidence=[evidence(body, "الجولة السابعة عشرة")],
        follow_ups=[
            followup(body, "عقد القمة الثلاثية المقبلة في طهران في حزيران أو تموز 2022",
                     kind="summit", place="Tehran", date_from="2022-06", date_to="2022-07"),
            followup(body, "عقد الجولة المقبلة في أستانا مطلع عام 2025",
                     kind="round", place="Astana", date_from="2025-01", date_to="2025-03"),
            followup(body, "عقد اجتماع لمجموعة العمل في جنيف في كانون الثاني 2023",
                     kind="working_group", place="Geneva", date_from="2023-01", date_to="2023-01"),
        ],
    )
    return make_doc("r17.txt", "عنب بلدي", "2021-12-22", body, "ختام الجولة 17", [main])


def doc_round7() -> Document:
    body = (
        "اختتمت أمس في العاصمة الكازاخية الجولة السابعة من محادثات أستانا. "
        "وشارك في الاجتماعات وفد روسي برئاسة ألكسندر لافرنتييف."
    )
    main = Meeting(
        primary=True,
        format="astana",
        round=7,  # the outlet misreports the round
        city="Astana",
        start_date="2021-12-22",
        participants=participants("RUS"),
        evidence=[evidence(body, "الجولة السابعة")],
    )
    return make_doc("r7.txt", "روداو", "2021-12-23", body, "الجولة السابعة", [main])


def doc_yearless() -> Document:
    body = "عقدت في الحادي والعشرين من كانون الأول الجولة السابعة عشرة من محادثات أستانا."
    main = Meeting(
        primary=True,
        format="astana",
        round=17,
        start_date="--12-21",  # the article gives no year
        participants=participants("IRN"),
        evidence=[evidence(body, "الجولة السابعة عشرة")],
    )
    return make_doc("r17b.txt", "ارنا", "2021-12-24", body, "الجولة 17", [main])


def doc_tehran_summit() -> Document:
    body = "عقدت في طهران قمة رؤساء الدول الضامنة لصيغة أستانا بحضور بوتين وأردوغان ورئيسي."
    main = Meeting(
        primary=True,
        format="astana",
        city="Tehran",
        country="IRN",
        start_date="2022-07-19",
        level="heads_of_state",
        participants=participants("RUS", "TUR", "IRN"),
        evidence=[evidence(body, "قمة رؤساء الدول الضامنة")],
    )
    return make_doc("tehran.txt", "ارنا", "2022-07-19", body, "قمة طهران", [main])


def generated_corpus(path: Path, n: int, seed: int) -> Path:
    """``n`` articles of the bench corpus generator (bench/corpus.py) as JSON Lines at ``path``."""
    bench = str(Path(__file__).resolve().parents[2] / "bench")
    sys.path.insert(0, bench)
    try:
        from corpus import write
    finally:
        sys.path.remove(bench)
    write(n, seed, str(path))
    return path
