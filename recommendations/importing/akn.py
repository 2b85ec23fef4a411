"""Reading a Security Council resolution from the UN's Akoma Ntoso XML (AKN4UN): a pure
parser, no database. ``parse_resolution(data)`` returns a ``ParsedResolution`` or raises
``ResolutionError`` with a one-line message.

Labels are the ones a Council expert cites: "PP 9" (the ninth preambular paragraph),
"OP 26", "OP 26 (a)(iii)", "OP 41 dash 12" (dashes carry no number: they are counted in
their own list), "OP 26 (a)(iii) dash 2". Subheadings are not paragraphs. The published files
are not always regular (see tests/data/resolutions/README.md): a point or sub-point may be
written as a top-level ``paragraph`` with a letter for its number, a numbered paragraph may
have lost its ``<num>`` (the number is then the start of its text), an unnumbered text under a
lettered heading is part of that point, and a heading may be a plain paragraph.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils.translation import gettext as _

from recommendations.dates import day_month_year

MAX_RESOLUTION_BYTES = 5 * 1024 * 1024

AKN = "{http://docs.oasis-open.org/legaldocml/ns/akn/3.0}"
_FRBR = re.compile(
    r"^/akn/un/(?P<type>[a-z]+)/(?P<subtype>[a-z]+)/(?P<body>[a-z0-9]+)/(?P<date>\d{4}-\d{2}-\d{2})/"
    r"(?P<name>[^/]+)/"
)
_NUMBER_YEAR = re.compile(r"^(?P<number>\d{1,5})-(?P<year>\d{4})$")
_LANGUAGES = {"eng": "en", "en": "en", "fra": "fr", "fre": "fr", "fr": "fr"}
_DASHES = {"–", "-", "—", "‒", "•"}

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12,
}
_MONTH = r"(?:" + "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True)) + r")\.?"
_DATE = rf"(?:\d{{1,2}}(?:er)?\s+{_MONTH},?\s+\d{{4}}|{_MONTH}\s+\d{{1,2}},?\s+\d{{4}})"
_ACRONYM = r"[A-Z][A-Z-]{2,}"

# "Decides to extend the mandate of MINUSMA until 30 June 2023", "Decides to extend until
# 20 December 2023 the mandate of MONUSCO", French "Décide de proroger le mandat de la MINUSMA
# jusqu'au 30 juin 2023".
_EXTENSION = [
    re.compile(
        rf"\b(?:extend|renew)s?\s+(?:the\s+)?mandate\s+of\s+(?:the\s+)?(?P<body>[^;]{{0,160}}?)\s+until\s+(?P<date>{_DATE})",
        re.I,
    ),
    re.compile(
        rf"\b(?:extend|renew)s?\s+until\s+(?P<date>{_DATE})\s+the\s+mandate\s+of\s+(?:the\s+)?(?P<body>[^;,]{{0,80}})",
        re.I,
    ),
    re.compile(
        rf"\b(?:proroger|reconduire)\s+le\s+mandat\s+(?P<body>[^;]{{0,160}}?)\s+jusqu[’']au\s+(?P<date>{_DATE})",
        re.I,
    ),
    re.compile(
        rf"\b(?:proroger|reconduire)\s+jusqu[’']au\s+(?P<date>{_DATE})\s+le\s+mandat\s+(?P<body>[^;,]{{0,80}})",
        re.I,
    ),
]
# "Decides to terminate MINUSMA's mandate under resolution 2640 (2022) as of June 30 2023";
# "Décide de mettre fin au mandat de la MINUSMA ... à compter du 30 juin 2023".
_TERMINATION = [
    re.compile(
        rf"\bDecides\s+to\s+terminate\s+(?:the\s+mandate\s+of\s+(?:the\s+)?)?(?P<body>[^;]{{0,160}}?)"
        rf"(?:\s+as\s+of\s+|\s+on\s+|\s+with\s+effect\s+from\s+)(?P<date>{_DATE})",
        re.I,
    ),
    re.compile(
        rf"\bDécide\s+de\s+mettre\s+fin\s+au\s+mandat\s+(?P<body>[^;]{{0,160}}?)\s+à\s+compter\s+du\s+(?P<date>{_DATE})",
        re.I,
    ),
]
_TITLE_EXPIRY = re.compile(rf"\buntil\s+(?P<date>{_DATE})", re.I)
_TITLE_SYMBOL = re.compile(r"resolution\s+(?P<number>\d+)\s*\((?P<year>\d{4})\)", re.I)
_TITLE_MISSION = re.compile(rf"\bin\s+(?:the\s+)?(?P<place>[A-Z][\w’' -]+?)\s*\((?P<acronym>{_ACRONYM})\)")
_AGENDA_SITUATION = re.compile(r"^The situation (?:in|concerning) (?:the )?(?P<place>.+?)\.?$")


class ResolutionError(ValueError):
    """Bad input: the message is one line that says what is wrong."""


@dataclass(frozen=True)
class ParsedUnit:
    kind: str  # "preambular" | "operative"
    number: str  # "9" (ordinal of a preambular paragraph), "26"
    sub_item: str  # "", "(a)", "(a)(iii)", "dash 12", "(a)(iii) dash 2"
    label: str  # "PP 9", "OP 26 (a)(iii)"
    eid: str
    text: str
    position: int


@dataclass
class ParsedResolution:
    symbol: str  # "S/RES/2640 (2022)", from the FRBR URI
    number: int
    year: int
    language: str  # "en" | "fr"
    adopted_on: dt.date
    title: str  # the metadata title, as published
    mission: str  # "MINUSMA" (the English acronym, as the title gives it)
    situation: str  # "Mali"
    expires_on: dt.date | None  # None when the text gives no expiry (or it terminates)
    terminates: bool  # the resolution ends the mission's mandate instead of renewing it
    terminated_as_of: dt.date | None
    units: list[ParsedUnit]
    warnings: list[str] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for u in self.units if u.kind == kind)


# --- small helpers -----------------------------------------------------------------------------


def _local(element: Element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rsplit("}", 1)[-1]


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _text(element: Element | None) -> str:
    return "" if element is None else _clean("".join(element.itertext()))


def _child(element: Element, name: str) -> Element | None:
    return element.find(AKN + name)


def parse_date(text: str) -> dt.date | None:
    """'30 June 2023', 'June 30 2023', '15 Mar. 2023', '1er juillet 2023' -> a date."""
    words = re.findall(r"\w+", text.lower())
    if len(words) < 3:
        return None
    try:
        if words[0].isdigit() or words[0].endswith("er"):
            day, month, year = int(words[0].removesuffix("er")), MONTHS[words[1]], int(words[2])
        else:
            month, day, year = MONTHS[words[0]], int(words[1]), int(words[2])
        return dt.date(year, month, day)
    except (KeyError, ValueError):
        return None


def _dash(num: str) -> bool:
    return num.strip() in _DASHES


def _point_label(num: str) -> str:
    """'(a)', 'a)', 'a.', 'iii)' -> '(a)', '(iii)'."""
    core = num.strip().strip("().").strip()
    return f"({core})"


def _is_heading(text: str) -> bool:
    """A plain paragraph that is really a subheading ("Mandat de la MINUSMA", "Reporting:")."""
    return bool(text) and len(text) <= 80 and len(text.split()) <= 10 and not text.endswith((";", ",", "."))


# --- the body ----------------------------------------------------------------------------------


class _Builder:
    def __init__(self) -> None:
        self.units: list[dict] = []
        self.labels: dict[str, dict] = {}
        self.warnings: list[str] = []
        self.last_op: str | None = None

    def add(self, *, kind: str, number: str, sub_item: str, eid: str, text: str) -> None:
        prefix = "PP" if kind == "preambular" else "OP"
        label = f"{prefix} {number}" + (f" {sub_item}" if sub_item else "")
        if label in self.labels:
            # The same label twice: the file repeats a number. Keep one unit, whole text.
            self.warnings.append(_("%(label)s appears twice in the file; its texts are joined") % {"label": label})
            self.append(text, to=self.labels[label])
            return
        unit = {"kind": kind, "number": number, "sub_item": sub_item, "label": label, "eid": eid, "text": text}
        self.units.append(unit)
        self.labels[label] = unit

    def append(self, text: str, to: dict | None = None) -> None:
        target = to or (self.units[-1] if self.units else None)
        if target is not None and text:
            target["text"] = _clean(f"{target['text']} {text}")

    # Operative part ---------------------------------------------------------------------------

    def paragraph(self, para: Element) -> None:
        num_el = _child(para, "num")
        num = _clean(num_el.text or "") if num_el is not None else ""
        body = [c for c in para if _local(c) not in ("num", "subheading", "heading")]
        if not num:
            text = _text_of(body)
            if not text:
                return  # a subheading alone
            lead = re.match(r"^(\d{1,3})\.?\s+(.*)$", text, re.S)
            if lead and self.last_op and int(lead[1]) == int(self.last_op) + 1:
                # A numbered paragraph whose <num> was lost: the number opens its text.
                self.last_op = lead[1]
                self.add(kind="operative", number=lead[1], sub_item="", eid=para.get("eId", ""), text=lead[2])
                return
            if _is_heading(text):
                return
            self.append(text)  # the rest of the unit above (an unnumbered text under a point)
            return
        if re.fullmatch(r"\d{1,3}\.?", num):
            self.last_op = num.rstrip(".")
            self._numbered(para, body, self.last_op)
            return
        if self.last_op is None:
            self.warnings.append(
                _("an item numbered %(number)r before any operative paragraph is skipped") % {"number": num}
            )
            return
        # A point written as a paragraph of its own, "(b)" after OP 31's list.
        sub = "dash" if _dash(num) else _point_label(num)
        if sub == "dash":
            sub = f"dash {sum(1 for u in self.units if u['number'] == self.last_op and u['sub_item'].startswith('dash')) + 1}"
        self._numbered(para, body, self.last_op, sub)

    def _numbered(self, para: Element, body: list[Element], number: str, sub: str = "") -> None:
        lists = [c for c in body if _local(c) in ("list", "blockList")]
        own = [c for c in body if c not in lists]
        text = _text_of(own)
        for lst in lists:
            intro = _child(lst, "intro")
            intro = intro if intro is not None else _child(lst, "listIntroduction")
            text = _clean(f"{text} {_text(intro)}")
        self.add(kind="operative", number=number, sub_item=sub, eid=para.get("eId", ""), text=text)
        parent = self.units[-1]
        for lst in lists:
            self._list(lst, number=number, prefix=sub, parent=parent)

    def _list(self, lst: Element, *, number: str, prefix: str, parent: dict) -> None:
        dashes = 0
        last_sub: str | None = None
        last_unit: dict | None = None
        previous_was_dash = False
        for child in lst:
            name = _local(child)
            if name in ("intro", "listIntroduction", "num"):
                if name != "num" and prefix:
                    self.append(_text(child), to=parent)
                continue
            if name in ("wrapUp", "listWrapUp"):
                self.append(_text(child), to=parent)
                continue
            if name in ("sublist", "list", "blockList"):
                owner = last_unit or parent
                self._list(child, number=number, prefix=last_sub if last_sub is not None else prefix, parent=owner)
                continue
            if name not in ("point", "item"):
                continue
            num_el = _child(child, "num")
            num = _clean(num_el.text or "") if num_el is not None else ""
            nested = [c for c in child if _local(c) in ("sublist", "list", "blockList")]
            own = [c for c in child if _local(c) not in ("num", "sublist", "list", "blockList")]
            text = _text_of(own)
            if re.fullmatch(r"\d{1,3}\.", num) and self.last_op and int(num[:-1]) == int(self.last_op) + 1:
                # The next operative paragraph, nested by mistake in the list above it.
                self.last_op = num[:-1]
                self.add(kind="operative", number=self.last_op, sub_item="", eid=child.get("eId", ""), text=text)
                for sub_list in nested:
                    self._list(sub_list, number=self.last_op, prefix="", parent=self.units[-1])
                continue
            if not num and not previous_was_dash:
                # Unnumbered text under a lettered heading ("(e) Humanitarian assistance"):
                # part of that point, which a Council expert cites.
                self.append(text, to=last_unit or parent)
                for sub in nested:
                    self._list(sub, number=number, prefix=prefix, parent=last_unit or parent)
                continue
            if not num or _dash(num):
                dashes += 1
                previous_was_dash = True
                sub = f"{prefix} dash {dashes}".strip()
            else:
                previous_was_dash = False
                sub = prefix + _point_label(num)
            self.add(kind="operative", number=number, sub_item=sub, eid=child.get("eId", ""), text=text)
            last_sub, last_unit = sub, self.units[-1]
            for sub_list in nested:
                self._list(sub_list, number=number, prefix=sub, parent=last_unit)


def _text_of(elements: list[Element]) -> str:
    return _clean(" ".join(_text(e) for e in elements))


def _units(root: Element) -> tuple[list[ParsedUnit], list[str]]:
    builder = _Builder()
    preamble = root.find(f".//{AKN}preamble")
    ordinal = 0
    if preamble is not None:
        for child in preamble:
            if _local(child) in ("formula", "num", "heading"):
                continue
            text = _text(child)
            if not text:
                continue
            ordinal += 1
            builder.add(kind="preambular", number=str(ordinal), sub_item="", eid=child.get("eId", ""), text=text)
    body = root.find(f".//{AKN}mainBody")
    if body is not None:
        _walk_body(body, builder)
    units = [
        ParsedUnit(position=i, **u) for i, u in enumerate(builder.units, start=1)
    ]
    return units, builder.warnings


def _walk_body(element: Element, builder: _Builder) -> None:
    for child in element:
        name = _local(child)
        if name == "paragraph":
            builder.paragraph(child)
        elif name in ("division", "section", "chapter", "part", "hcontainer", "container", "tblock"):
            _walk_body(child, builder)


# --- the whole file ----------------------------------------------------------------------------


def _keyword(root: Element, refers_to: str, dictionary: str | None = None) -> str:
    for keyword in root.iter(AKN + "keyword"):
        if keyword.get("refersTo") == refers_to and (dictionary is None or keyword.get("dictionary") == dictionary):
            return _clean(keyword.get("showAs") or keyword.get("value") or "")
    return ""


def _load(data: bytes) -> Element:
    if len(data) > MAX_RESOLUTION_BYTES:
        raise ResolutionError(
            _("the file is %(size).1f MB; a resolution must be at most 5 MB") % {"size": len(data) / 1024 / 1024}
        )
    if not data.strip():
        raise ResolutionError(_("the file is empty"))
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise ResolutionError(
            _("the XML declares a DTD or entities, which a UN resolution never does: refused for safety")
        ) from None
    except ParseError as error:
        line, column = getattr(error, "position", (None, None))
        if not data.lstrip().startswith(b"<"):
            raise ResolutionError(_("the file is not XML")) from None
        if line:
            raise ResolutionError(
                _("the XML is not well formed or is truncated (line %(line)s, column %(column)s)")
                % {"line": line, "column": column}
            ) from None
        raise ResolutionError(_("the XML is not well formed or is truncated")) from None


def parse_resolution(data: bytes) -> ParsedResolution:
    """Parse one AKN4UN file of a Security Council resolution (English or French).

    Raises ResolutionError for anything that is not such a resolution. An expiry that cannot be
    read is not an error: ``expires_on`` is None and a warning says so."""
    root = _load(data)
    if _local(root) != "akomaNtoso" or not root.tag.startswith(AKN):
        raise ResolutionError(_("the XML is not an Akoma Ntoso document (no akomaNtoso root element)"))
    document = next(iter(root), None)
    work = root.find(f".//{AKN}FRBRWork")
    uri_el = None if work is None else (_child(work, "FRBRthis") if _child(work, "FRBRuri") is None else _child(work, "FRBRuri"))
    uri = (uri_el.get("value") if uri_el is not None else "") or ""
    frbr = _FRBR.match(uri)
    if document is None or frbr is None:
        raise ResolutionError(_("the XML has no FRBR work URI of the UN (/akn/un/...): not a UN document"))
    if frbr["body"] != "unsc":
        raise ResolutionError(
            _("the document is not of the Security Council (it is issued by %(body)r)") % {"body": frbr["body"]}
        )
    name_year = _NUMBER_YEAR.match(frbr["name"])
    kind = document.get("name", "")
    if kind != "resolution" or name_year is None:
        raise ResolutionError(
            _("the document is not a Security Council resolution (it is a %(kind)r, %(name)r)")
            % {"kind": kind or _local(document), "name": frbr["name"]}
        )
    number, year = int(name_year["number"]), int(name_year["year"])
    symbol = f"S/RES/{number} ({year})"
    language_el = root.find(f".//{AKN}FRBRExpression/{AKN}FRBRlanguage")
    language = _LANGUAGES.get((language_el.get("language") if language_el is not None else "") or "")
    if language is None:
        raise ResolutionError(_("the resolution is in neither English nor French"))
    adoption = None
    if work is not None:
        for date_el in work.findall(AKN + "FRBRdate"):
            if date_el.get("name") == "adoption":
                adoption = date_el.get("date")
    try:
        adopted_on = dt.date.fromisoformat(adoption or frbr["date"])
    except ValueError:
        raise ResolutionError(
            _("the adoption date %(date)r is not a date") % {"date": adoption or frbr["date"]}
        ) from None

    units, warnings = _units(root)
    if not any(u.kind == "operative" for u in units):
        raise ResolutionError(
            _("%(symbol)s has no operative paragraphs: not a resolution this app can use") % {"symbol": symbol}
        )
    title = _keyword(root, "title")
    agenda = _keyword(root, "agenda", "S/")

    operative_text = " ".join(u.text for u in units if u.kind == "operative")
    expires_on, text_mission, terminates, terminated_as_of = None, "", False, None
    for pattern in _TERMINATION:
        if m := pattern.search(operative_text):
            terminates, terminated_as_of = True, parse_date(m["date"])
            text_mission = _acronym(m["body"])
            break
    if not terminates:
        for pattern in _EXTENSION:
            if m := pattern.search(operative_text):
                expires_on = parse_date(m["date"])
                text_mission = _acronym(m["body"])
                break
    title_mission = _TITLE_MISSION.search(title)
    mission = (text_mission if language == "en" else "") or (title_mission["acronym"] if title_mission else "") or text_mission
    if not mission:
        raise ResolutionError(_("%(symbol)s names no mission whose mandate it extends or ends") % {"symbol": symbol})
    situation = title_mission["place"].strip() if title_mission else ""
    if not situation and (agenda_match := _AGENDA_SITUATION.match(agenda)):
        situation = agenda_match["place"]
    if not situation:
        raise ResolutionError(
            _("%(symbol)s: cannot tell the situation (no title or agenda item names it)") % {"symbol": symbol}
        )

    # The metadata title is only a cross-check: it is sometimes wrong.
    if (title_symbol := _TITLE_SYMBOL.search(title)) and (
        int(title_symbol["number"]), int(title_symbol["year"])
    ) != (number, year):
        warnings.append(
            _("the metadata title names resolution %(number)s (%(year)s); the file is %(symbol)s (kept from the FRBR URI)")
            % {"number": title_symbol["number"], "year": title_symbol["year"], "symbol": symbol}
        )
    title_expiry = _TITLE_EXPIRY.search(title)
    title_date = parse_date(title_expiry["date"]) if title_expiry else None
    if not terminates and expires_on is None:
        warnings.append(
            _("the expiry of %(symbol)s cannot be read from its operative text: a person must set it") % {"symbol": symbol}
        )
    elif title_date and expires_on and title_date != expires_on:
        warnings.append(
            _("the metadata title says until %(title_date)s; the text says %(text_date)s (kept)")
            % {"title_date": day_month_year(title_date), "text_date": day_month_year(expires_on)}
        )
    if title_mission and text_mission and language == "en" and title_mission["acronym"] != text_mission:
        warnings.append(
            _("the metadata title names %(title_mission)s; the text names %(text_mission)s")
            % {"title_mission": title_mission["acronym"], "text_mission": text_mission}
        )
    return ParsedResolution(
        symbol=symbol, number=number, year=year, language=language, adopted_on=adopted_on, title=title,
        mission=mission, situation=situation, expires_on=expires_on, terminates=terminates,
        terminated_as_of=terminated_as_of, units=units, warnings=warnings,
    )


def _acronym(body: str) -> str:
    found = re.findall(rf"\b({_ACRONYM})\b", body or "")
    return found[0] if found else ""
