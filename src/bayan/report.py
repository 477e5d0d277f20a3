"""Readable terminal summary of one extracted document (the default `extract` output)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from bayan.models import Document


def print_summary(console: Console, doc: Document) -> None:
    head = f"[bold]{doc.title or doc.source}[/bold]"
    meta = " · ".join(x for x in (doc.outlet, doc.published, doc.source) if x)
    console.rule(head)
    console.print(meta, highlight=False)
    if not doc.meetings:
        console.print("[dim]no meeting found[/dim]")
    for meeting in doc.meetings:
        kind = "primary meeting" if meeting.primary else "referred meeting"
        dates = meeting.start_date or "?"
        if meeting.end_date and meeting.end_date != meeting.start_date:
            dates += f" → {meeting.end_date}"
        if meeting.dates_inferred and meeting.start_date:
            dates += " (inferred)"
        console.print(
            f"[cyan]{kind}[/cyan]: format={meeting.format or '?'} round={meeting.round or '-'} "
            f"place={meeting.city or '?'}/{meeting.country or '?'} dates={dates} level={meeting.level or '?'}",
            highlight=False,
        )
        if meeting.participants:
            console.print("  participants: " + ", ".join(f"{p.actor} ({p.role})" for p in meeting.participants),
                          highlight=False)
        for person in meeting.people:
            console.print(f"  person: {person.name or person.name_ar} [{person.actor or '?'}] {person.title or ''}",
                          highlight=False)
        if meeting.statements:
            table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
            for col in ("actors", "act", "topic", "evidence"):
                table.add_column(col, overflow="fold")
            for s in meeting.statements:
                table.add_row(",".join(s.actors) or "?", s.act, s.topic, s.text[:90])
            console.print(table)
        for f in meeting.follow_ups:
            console.print(f"  follow-up: {f.kind} place={f.place or '?'} {f.date_from or '?'}–{f.date_to or '?'}",
                          highlight=False)
        for c in meeting.conflicts:
            console.print(f"  [yellow]conflict[/yellow] {c['field']}: {c['value']} (×{c['count']}) vs {c['chosen']} (×{c['chosen_count']})",
                          highlight=False)
    for f in doc.framing:
        console.print(f"  framing: {f.kind} «{f.text}»", highlight=False)
