"""Complete a recurring meeting from the calendar of known past meetings.

An article often names "the 22nd round of Astana" and "11 and 12 November" without a
year, or only "yesterday and today" with no date line. When the format and round are
read from the text, the shipped calendar (``bayan/data/known_meetings.tsv``, each row
with its source) gives the dates; values taken from it are marked inferred.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from bayan.lang.ar import read_tsv
from bayan.models import Meeting

SOURCE = "calendar of known meetings (bayan/data/known_meetings.tsv)"


@cache
def known_meetings() -> dict[tuple[str, int], dict[str, str]]:
    path = Path(__file__).resolve().parents[2] / "data"
    try:
        rows = read_tsv("known_meetings.tsv", data_dir=path)
    except FileNotFoundError:
        return {}
    return {(r["format"], int(r["round"])): r for r in rows if r.get("round", "").isdigit()}


def complete_from_calendar(meeting: Meeting) -> None:
    """Fill dates (and city, level) that the text leaves open, marking them inferred."""
    if not meeting.format or not meeting.round:
        return
    row = known_meetings().get((meeting.format, meeting.round))
    if row is None:
        return
    start, end = row.get("start") or None, row.get("end") or None
    year_only = meeting.start_date is not None and len(meeting.start_date) < 10
    if meeting.start_date is None or year_only:
        if meeting.start_date and start and not start.startswith(meeting.start_date):
            return  # the text's year disagrees: keep the text, do not mix
        meeting.start_date, meeting.end_date = start, end
        meeting.dates_inferred = True
        meeting.inferred_from["dates"] = SOURCE
    elif start and end and start <= meeting.start_date <= end and meeting.start_date != start \
            and (meeting.end_date or meeting.start_date) <= end:
        # One day of a multi-day round read ("اليوم الثاني"): the calendar has the span.
        meeting.start_date, meeting.end_date = start, end
        meeting.inferred_from["dates"] = SOURCE
    elif start and end and meeting.start_date == start and (meeting.end_date or start) < end:
        meeting.end_date = end
        meeting.inferred_from["end_date"] = SOURCE
    elif start and meeting.start_date[5:] == start[5:] and meeting.start_date[:4] != start[:4] \
            and meeting.dates_inferred:
        # Day and month read, year guessed from the publication date and wrong.
        meeting.start_date, meeting.end_date = start, end
        meeting.inferred_from["dates"] = SOURCE
    if meeting.city is None and row.get("city"):
        meeting.city = row["city"]
        meeting.city_inferred = True
        meeting.inferred_from["city"] = SOURCE
    if meeting.level is None and row.get("level"):
        meeting.level = row["level"]
        meeting.inferred_from["level"] = SOURCE
