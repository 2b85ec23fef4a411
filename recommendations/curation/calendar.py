"""The Council's calendar: every mandate expiry the UN's metadata holds
(``recommendations/data/un-metadata/metadata-<year>.json``), read from the titles ("[on
extension of the mandate of the UN Mission in South Sudan (UNMISS) until 15 Mar. 2023]"),
cross-checked with the mandates imported here, with the due date a recommendation made for
that renewal would get (rules.due_date)."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext

from recommendations import access, rules
from recommendations.dates import format_long_date
from recommendations.importing.akn import _DATE, parse_date
from recommendations.models import Mandate

METADATA_DIR = Path(__file__).resolve().parent.parent / "data" / "un-metadata"

# "mandate of the UN Mission in South Sudan (UNMISS) until 15 Mar. 2023"; "authorizations of
# the African Union Transition Mission in Somalia (ATMIS) until 30 June 2023". The body is
# the last "mandate of"/"authorizations of" before the date, so a sanctions regime renewed
# "until ..." earlier in the same title is not taken for it.
_EXPIRY = re.compile(
    rf"\b(?:mandate|authori[sz]ations?)\s+of\s+(?:the\s+)?(?P<body>(?:(?!\b(?:mandate|authori[sz]ations?)\s+of\b).)+?)"
    rf"\s+until\s+(?P<date>{_DATE})",
    re.I,
)
_ACRONYM = re.compile(r"\(([A-Z][A-Za-z-]{2,})\)")


@dataclass(frozen=True)
class Expiry:
    symbol: str
    number: int
    year: int
    adopted_on: dt.date | None
    body: str  # "UN Mission in South Sudan (UNMISS)", as the title names it
    mission: str  # "UNMISS", or the body when it has no acronym
    expires_on: dt.date


@dataclass
class CalendarRow:
    expiry: Expiry
    due_on: dt.date
    # The imported mandate of the same symbol, when the user may see it.
    mandate: Mandate | None = None
    # Set when the imported mandate's expiry is not the title's.
    disagreement: str = ""


def _adoption(value: str) -> dt.date | None:
    value = (value or "").strip()
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return parse_date(value)


def expiries_from(lines) -> list[Expiry]:
    """The mandate expiries named by metadata records (JSON objects, one a line)."""
    found = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        symbol = str(record.get("symbol", ""))
        m_symbol = re.fullmatch(r"S/RES/(\d+) \((\d{4})\)", symbol)
        match = _EXPIRY.search(str(record.get("resolution_title", "")))
        expires_on = parse_date(match["date"]) if match else None
        if m_symbol is None or expires_on is None:
            continue
        body = " ".join(match["body"].split())
        acronym = _ACRONYM.findall(body)
        found.append(Expiry(
            symbol=symbol, number=int(m_symbol[1]), year=int(m_symbol[2]),
            adopted_on=_adoption(str(record.get("adoption_date", ""))), body=body,
            mission=acronym[0] if acronym else body, expires_on=expires_on,
        ))
    return found


@lru_cache(maxsize=4)
def _load(stamp: tuple) -> tuple[Expiry, ...]:
    expiries = []
    for path, _mtime in stamp:
        with open(path, encoding="utf-8") as handle:
            expiries += expiries_from(handle)
    return tuple(sorted(expiries, key=lambda e: (e.expires_on, e.mission, e.number)))


def all_expiries() -> tuple[Expiry, ...]:
    """Every expiry of the shipped metadata, soonest first; read once per process (and again
    when a file changes)."""
    files = sorted(METADATA_DIR.glob("metadata-*.json"))
    return _load(tuple((str(p), p.stat().st_mtime_ns) for p in files))


def calendar_rows(*, user) -> list[CalendarRow]:
    """The calendar for ``user``: each expiry with its default due date, and the imported
    mandate of that symbol when the user may see it. One query."""
    expiries = all_expiries()
    mandates = {
        m.symbol: m for m in access.visible_mandates(user).filter(symbol__in=[e.symbol for e in expiries])
    }
    rows = []
    for e in expiries:
        row = CalendarRow(expiry=e, due_on=rules.due_date(expires_on=e.expires_on)[0], mandate=mandates.get(e.symbol))
        if row.mandate is not None and row.mandate.expires_on not in (None, e.expires_on):
            row.disagreement = gettext("recorded here as %(day)s") % {"day": format_long_date(row.mandate.expires_on)}
        rows.append(row)
    return rows
