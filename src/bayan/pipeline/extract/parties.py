"""Who took part in each meeting, in which role, and who led the delegations.

An actor counts as a participant only in a participation context: a coordinated
list after a participation cue ("بمشاركة", "وزراء خارجية", "وفود", "الدول الضامنة")
or before a role cue ("بصفة مراقبين"), a list that is the subject of a joint verb
("اتفقت موسكو وأنقرة وطهران"), a delegation phrase ("الوفد الإيراني"), a host
phrase ("استضافت العاصمة الأردنية"), or an official speaking for it. Merely being
named ("إدانة الهجمات الإسرائيلية") is not participation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bayan.arabic.matcher import Match
from bayan.arabic.normalise import drops_nothing, normalise
from bayan.models import Participant, Person
from bayan.pipeline.extract.analysis import ActorMention, Analysis
from bayan.pipeline.extract.meetings import MeetingDraft

ROLE_PRECEDENCE = ("observer", "host", "guarantor", "member", "organisation", "participant")
# Folded stems of verbs of hosting (the place is the host, not an invitation).
HOSTING_VERB_STEMS = ("استضاف", "تستضيف", "يستضيف", "احتضن", "تحتضن")
LOCATIVE_WORDS = frozenset({"في", "من", "الى", "الي", "عبر", "داخل", "حول"})
# Heads of a genitive that make the actor the topic, not a party ("بسيادة سوريا",
# "حول ليبيا", "المدعوم من النظام التركي").
TOPIC_HEADS = frozenset(normalise(w) for w in (
    "حول", "بشأن", "إزاء", "تجاه", "سيادة", "بسيادة", "لسيادة", "وحدة", "استقلال", "أراضي",
    "المدعوم", "المدعومة", "المدعومين"))
# Nouns of talks before "بين": "المفاوضات غير المباشرة بين لبنان وإسرائيل" names the parties;
# "التوتر بين يريفان وباكو" does not.
TALKS_NOUNS = frozenset(normalise(w) for w in (
    "محادثات", "مباحثات", "مفاوضات", "مشاورات", "اجتماع", "لقاء", "قمة", "حوار",
    "المحادثات", "المباحثات", "المفاوضات", "المشاورات", "الاجتماع", "اللقاء", "القمة",
    "الحوار", "اتفاق", "الاتفاق"))
# Organisations whose membership is too large for "الدول الأعضاء" to mean all attended.
COLLECTIVE_MAX = 8
# Connectives that continue a list of parties ("..., إضافة إلى الأمم المتحدة").
LIST_CONTINUERS = frozenset(normalise(w) for w in (
    "إضافة إلى", "بالإضافة إلى", "فضلا عن", "إلى جانب"))
_LONGEST_CONTINUER = max(map(len, LIST_CONTINUERS))


@dataclass
class Owners:
    """Which meeting each position of the text talks about."""

    anchors: list[tuple[int, int, int]]  # (start, sentence, draft index)
    # sentence -> its anchors as (start, draft index), in ``anchors`` order: owner()
    # reads one sentence's anchors instead of every anchor of the article.
    by_sentence: dict[int, list[tuple[int, int]]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.by_sentence = {}
        for start, sent, idx in self.anchors:
            self.by_sentence.setdefault(sent, []).append((start, idx))

    def owner(self, an: Analysis, pos: int) -> int:
        in_sentence = self.by_sentence.get(an.sentence_index(pos))
        if not in_sentence:
            return 0
        best = None
        for start, idx in in_sentence:
            if start <= pos:
                best = idx
        return in_sentence[0][1] if best is None else best


def owners_for(drafts: list[MeetingDraft]) -> Owners:
    anchors = [(m.start, m.sentence, i) for i, d in enumerate(drafts) for m in d.mentions]
    anchors.sort()
    return Owners(anchors)


def valid_actors(an: Analysis) -> list[ActorMention]:
    """Actor mentions that name a party, not an adjective or a place.

    Computed once per article (parties and statements both ask); callers must not
    change the list.
    """
    cached = an.memo.get("valid_actors")
    if cached is None:
        cached = an.memo["valid_actors"] = _valid_actors(an)
    return cached  # type: ignore[return-value]


def _valid_actors(an: Analysis) -> list[ActorMention]:
    lex = an.lex
    delegation = lex.words.get("delegation_nouns", frozenset())
    titles = an.group("title")
    out: list[ActorMention] = []
    for a in an.actors:
        prev = an.words_before(a.start, 1)
        prev_word = prev[-1] if prev else ""
        if prev_word in lex.words.get("capital_nouns", frozenset()):
            continue  # "عاصمة كازاخستان", "العاصمة الأردنية": the place, not a party
        if prev_word in TOPIC_HEADS:
            continue
        if a.via == "demonym":
            # a title ending 0-2 characters before
            after_title = bool(an.ending(titles, a.start - 2, a.start + 1))
            chained = bool(out) and out[-1].via == "demonym" and 0 <= a.start - out[-1].end <= 2
            if not (prev_word in delegation or after_title or chained):
                continue
        elif a.via == "capital":
            if any(f.start <= a.start and a.end <= f.end for f in an.group("format")):
                continue  # "صيغة أستانا": the track's name, not Kazakhstan speaking
            text_before = an.text[a.start:a.match.body_start] if a.match else ""
            if prev_word in LOCATIVE_WORDS or text_before.endswith("ب"):
                continue
            if prev_word in lex.words.get("capital_nouns", frozenset()):
                continue
        out.append(a)
    return out


def groups(an: Analysis, actors: list[ActorMention]) -> list[list[ActorMention]]:
    """Coordinated runs of actor mentions ("روسيا وتركيا وإيران", "الأردن، والعراق").

    Computed once per list of actors (parties and statements both ask for the runs
    of :func:`valid_actors`); callers must not change the runs.
    """
    cached = an.memo.get("groups")
    if cached is not None and cached[0] is actors:  # type: ignore[index]
        return cached[1]  # type: ignore[index]
    runs = _groups(an, actors)
    an.memo["groups"] = (actors, runs)
    return runs


def _groups(an: Analysis, actors: list[ActorMention]) -> list[list[ActorMention]]:
    runs: list[list[ActorMention]] = []
    for a in actors:
        if runs:
            last = runs[-1][-1]
            gap = an.text[last.end:a.start]
            if a.start == last.start:
                continue
            if _is_coordination(gap) and an.sentence_index(a.start) == an.sentence_index(last.start):
                runs[-1].append(a)
                continue
        runs.append([a])
    return runs


def _is_coordination(gap: str) -> bool:
    stripped = gap.replace(",", " ").replace("،", " ").replace('"', " ").strip()
    connective = stripped.removeprefix("و").strip()
    # Most gaps are whole clauses: longer than any continuer and with nothing for
    # normalise() to drop, they cannot fold to one, so they are not folded.
    foldable = len(connective) <= _LONGEST_CONTINUER or not drops_nothing(connective)
    if foldable and normalise(connective) in LIST_CONTINUERS:
        return True
    return stripped in {"", "و", "او", "ثم"} and len(gap) <= 6


def _between(an: Analysis, pos: int) -> str | None:
    """"talks" when the run follows "بين" after a noun of talks, "other" after
    "بين" elsewhere, None without "بين"."""
    words = an.words_before(pos, 4)
    if not words or words[-1] != "بين":
        return None
    return "talks" if any(w in TALKS_NOUNS for w in words[:-1]) else "other"


def _participation_cue(
    an: Analysis,
    run: list[ActorMention],
    lo: int,
    level_cues: list[Match],
    act_cues: list[Match],
    delegation: frozenset[str],
) -> bool:
    """A level or a delegation noun before the run, or an act cue right before or
    after a list of two or more parties."""
    first, last = run[0], run[-1]
    if _cue_near(an, level_cues, lo, first.start):
        return True
    prev_words = an.words_before(first.start, 1)
    if prev_words and prev_words[-1] in delegation:
        return True
    # Cues starting 0-2 characters after the run, or ending 0-2 before it.
    after = an.between(act_cues, last.end, last.end + 3)
    return len(run) >= 2 and bool(after or an.ending(act_cues, first.start - 2, first.start + 1))


def _cue_near(an: Analysis, matches: list[Match], lo: int, hi: int) -> Match | None:
    near = an.between(matches, lo, hi)
    return near[0] if near else None


def assign(an: Analysis, drafts: list[MeetingDraft], owners: Owners) -> None:
    """Fill participants and people of every draft meeting."""
    if not drafts:
        return
    actors = valid_actors(an)
    roles: list[dict[str, tuple[str, object]]] = [{} for _ in drafts]
    role_cues = an.group("role")
    level_cues = an.group("level")
    delegation = an.lex.words.get("delegation_nouns", frozenset())
    act_cues = an.group("act")
    host_verbs = an.group("host_verbs")
    future_sentences = {an.sentence_index(f.start) for f in an.group("followup")}

    def add(idx: int, mention: ActorMention, role: str) -> None:
        row = an.lex.actors.get(mention.actor, {})
        if row.get("type") == "organisation":
            role = "organisation"
        current = roles[idx].get(mention.actor)
        if current is None or ROLE_PRECEDENCE.index(role) < ROLE_PRECEDENCE.index(current[0]):
            roles[idx][mention.actor] = (role, mention)

    for run in groups(an, actors):
        first, last = run[0], run[-1]
        sent_i = an.sentence_index(first.start)
        if sent_i in future_sentences:
            continue
        sent = an.sentences[sent_i]
        between = _between(an, first.start)
        if between == "other":
            continue  # "التوتر بين يريفان وباكو": named, not meeting
        idx = owners.owner(an, first.start)
        country = drafts[idx].meeting.country
        # Each cue is looked up only when the tests before it did not decide (the
        # lookups have no side effects, so the order of the tests is unchanged).
        role_after = _cue_near(an, role_cues, last.end, min(sent.end, last.end + 30))
        before_lo = max(sent.start, first.start - 45)
        if role_after and role_after.entry.key in {"observer", "guarantor"}:
            role = role_after.entry.key
        elif an.ending(host_verbs, first.start - 12, first.start + 1):  # host verb 0-12 before
            role = "host" if not country or any(a.actor == country for a in run) else "participant"
        elif between == "talks":
            role = "participant"
        elif role_before := _cue_near(an, role_cues, before_lo, first.start):
            role = role_before.entry.key
        elif _participation_cue(an, run, before_lo, level_cues, act_cues, delegation):
            role = "participant"
        else:
            continue  # no participation context (people are handled below, with their titles)
        for a in run:
            add(idx, a, role)

    # Host verbs whose subject is a place descriptor: "استضافت العاصمة الأردنية".
    for h in host_verbs:
        if not h.entry.key.startswith(HOSTING_VERB_STEMS):
            continue
        idx = owners.owner(an, h.start)
        country = drafts[idx].meeting.country
        if country:
            mention = roles[idx].get(country, (None, None))[1]
            roles[idx][country] = ("host", mention)

    _people(an, drafts, owners, actors, roles, future_sentences)

    for idx, draft in enumerate(drafts):
        meeting = draft.meeting
        _format_members(an, draft, roles[idx])
        participants = []
        for actor, (role, mention) in roles[idx].items():
            if role in {"participant", "member"} and actor == meeting.country:
                role = "host"
            ev = an.evidence(mention.start, mention.end) if mention is not None else None
            participants.append(Participant(actor, role, ev, inferred=mention is None))
        meeting.participants = participants
        if meeting.primary and meeting.format is None and participants:
            _unregistered_format(an, meeting)


def _unregistered_format(an: Analysis, meeting) -> None:
    """The spec's fallbacks for a meeting no registry format names: two parties
    meeting are ``bilateral``; anything else is ``other`` (marked inferred)."""
    parties = [p for p in meeting.participants
               if an.lex.actors.get(p.actor, {}).get("type") in {"state", "nonstate"}]
    meeting.format = "bilateral" if len(parties) == 2 else "other"
    meeting.format_inferred = True
    meeting.inferred_from["format"] = "no registered format named; fallback by party count"


def _format_members(an: Analysis, draft: MeetingDraft, roles: dict) -> None:
    """Registry roles: Astana's guarantors are guarantors wherever they appear.

    Also adds the format's fixed members when the text names them collectively
    ("الدول الضامنة", "الدول الأعضاء") — marked inferred, with no span.
    """
    meeting = draft.meeting
    fmt = an.lex.formats.get(meeting.format or "")
    if not fmt:
        return
    members = _members(fmt)
    for actor, role in members.items():
        if actor in roles and roles[actor][0] == "participant" and role in {"guarantor", "member"}:
            roles[actor] = (role, roles[actor][1])
    collective = {c.entry.key for c in an.group("role")
                  if any(c.start >= m.start - 200 for m in draft.mentions)}
    if len(members) > COLLECTIVE_MAX:
        collective = set()
    for actor, role in members.items():
        if role in collective and role in {"guarantor", "member"} and actor not in roles:
            roles[actor] = (role, None)
    org = fmt.get("organisation")
    if org and org not in roles and any(a.actor == org for a in an.actors):
        roles[org] = ("organisation", next(a for a in an.actors if a.actor == org))


def _members(fmt: dict) -> dict[str, str]:
    raw = fmt.get("members") or {}
    if isinstance(raw, dict):
        return {str(k): str(v) for k, v in raw.items()}
    out: dict[str, str] = {}
    for item in raw:
        if isinstance(item, dict):
            actor = item.get("actor") or item.get("key")
            if actor:
                out[str(actor)] = str(item.get("role", "member"))
        elif isinstance(item, str):
            out[item] = "member"
    return out


def _people(an: Analysis, drafts: list[MeetingDraft], owners: Owners,
            actors: list[ActorMention], roles: list[dict], future_sentences: set[int]) -> None:
    titles = an.group("title")
    seen: list[set[str]] = [set() for _ in drafts]
    for em in an.group("entity"):
        if em.entry.kind != "person":
            continue
        row = em.entry.data or {}
        idx = owners.owner(an, em.start)
        if em.entry.key in seen[idx]:
            continue
        title = _title_before(an, titles, em.start)
        actor = row.get("actor") or None
        if an.sentence_index(em.start) in future_sentences and title is None:
            continue
        seen[idx].add(em.entry.key)
        ev = an.evidence(em.start + em.prefix, em.end)
        drafts[idx].meeting.people.append(Person(
            name=row.get("name_en") or None,
            name_ar=ev.text,
            actor=actor,
            title=(title.entry.key if title else row.get("title_en")) or None,
            title_ar=an.evidence(title.start, title.end).text if title else None,
            evidence=ev,
        ))
        if actor and actor not in roles[idx]:
            mention = ActorMention(em.start, em.end, actor, "person", em)
            row_type = an.lex.actors.get(actor, {}).get("type")
            roles[idx][actor] = ("organisation" if row_type == "organisation" else "participant",
                                 mention)


def _title_before(an: Analysis, titles: list[Match], pos: int) -> Match | None:
    """The title of office just before a name, skipping a demonym or two."""
    best = None
    for t in an.ending(titles, pos - 40, pos + 1):  # titles ending 0-40 characters before
        if t.end <= pos and pos - t.end <= 40 and len(an.text[t.end:pos].split()) <= 4:
            best = t
    return best
