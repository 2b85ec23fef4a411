"""Which units are recommendations, and whom each asks to act (its addressee)."""

from __future__ import annotations

import re

from recommendations.importing.decode import clean_text
from recommendations.importing.layout import _Unit

# --------------------------------------------------------------------------------------
# Step 3a: recommendations and their addressees
# --------------------------------------------------------------------------------------

# Adverbial openings that come before the subject: "In addition, members of ...".
_LEAD_IN = re.compile(
    r"^(?:(?:In|At|During|For|Finally|Further(?:more)?|Additionally|Also|Moreover|Lastly|"
    r"Ahead of|Before|When|Given|Building on|As part of)\b[^,:;]{0,200},\s*)+"
)
_MODAL = (
    r"(?:should|could|may(?:\s+wish\s+to)?|might|must|will\s+want\s+to|"
    r"(?:is|are)\s+(?:encouraged|invited|requested|urged)\s+to)"
)
_MODAL_RE = re.compile(rf"\b{_MODAL}\b", re.IGNORECASE)
_ASK_VERB = (
    r"(?:urg(?:e|es|ing)|call(?:s|ing)?\s+(?:(?:up)?on|for)|request(?:s|ing)?|encourag(?:e|es|ing)|"
    r"ensur(?:e|es|ing)\s+that|"
    r"demand(?:s|ing)?|ask(?:s|ing)?|invit(?:e|es|ing)|direct(?:s|ing)?|mandat(?:e|es|ing)|"
    r"task(?:s|ing)?|authori[sz](?:e|es|ing)|support(?:s|ing)?|press(?:es|ing)?|"
    r"instruct(?:s|ing)?|empower(?:s|ing)?)"
)
# "Call on all UN entities", "Urge all relevant parties": a quantifier before the object.
_QUANTIFIER = r"(?:(?:all|each|every|any)\s+(?:(?:relevant|other|concerned)\s+)?|(?:relevant|concerned)\s+)?"
_ASK = rf"(?:to\s+)?{_ASK_VERB}(?:\s+(?:and|or)\s+{_ASK_VERB})?\s+{_QUANTIFIER}"
# Acts the Council does itself.
_COUNCIL_ACT = re.compile(
    r"^(?:to\s+)?(?:renew|extend|decide|maintain|retain|include|reaffirm|adopt|condemn|express|"
    r"recall|emphasi[sz]e|stress|recogni[sz]e|welcome|add|strengthen|expand|consider|reiterate|"
    r"underline|insert|keep|preserve|reflect|ensure|prioriti[sz]e|establish|impose|designate|"
    r"note|acknowledge|commend|deplore|highlight)\w*\b",
    re.IGNORECASE,
)
_WORD = r"(?!to\b)(?!and\b)[\w’'.-]+"
# A word that can stand before "parties" in their name ("all Malian parties", "the signatory
# armed groups"), but not a preposition: "the inclusion of all parties" asks no party.
_NAME_WORD = r"(?!(?:to|and|of|for|in|on|with|between|from|among|by)\b)[\w’'.-]+"

# Who is asked to act, in order: the first object (after an asking verb) or subject (before a
# modal) that matches decides. "{mission}" is the mission the ANNEX names.
_ADDRESSEE_RULES: tuple[tuple[str, str], ...] = (
    (
        "council_members",
        r"(?:individual\s+)?(?:the\s+)?(?:members\s+of\s+the\s+(?:Security\s+)?Council|"
        r"(?:Security\s+)?Council\s+members)",
    ),
    ("security_council", r"(?:the\s+)?(?:Security\s+)?Council"),
    (
        "mission",
        r"(?:the\s+)?(?:mission|peace(?:keeping)?\s+(?:mission|operation)|{mission}|"
        r"United\s+Nations\s+(?:[\w-]+\s+){0,5}?(?:Mission|Operation|Force))\b",
    ),
    (
        "un_partners",
        r"(?:the\s+)?(?:UN\b|United\s+Nations\b|Secretary-General|Secretariat|UNCT|"
        r"international\s+(?:partners|community|donors|actors|organi[sz]ations)|donors|partners|"
        r"humanitarian\s+(?:actors|partners)|UN\s+Women|UNDP|UNICEF|UNFPA|OHCHR|UNHCR|"
        r"Member\s+States|troop-\s+and\s+police-contributing|(?:troop|police)-contributing|"
        r"regional\s+(?:and\s+sub-?regional\s+)?(?:organi[sz]ations|actors|partners|bodies)|"
        r"African\s+Union|AU\b|ECOWAS|IGAD|SADC|ECCAS|European\s+Union|EU\b|World\s+Bank|"
        r"Peacebuilding\s+(?:Commission|Fund|Support\s+Office)|PBC\b|PBF\b)",
    ),
    # The parties to a conflict or an agreement (the government, armed groups, signatory
    # movements) and political parties are national actors, not the UN: of the choices, the
    # host side is theirs. "Call upon all parties to ..." asks them, not the Council.
    (
        "host_authorities",
        rf"(?:the\s+)?(?:(?:{_WORD}\s+){{0,5}}?(?:authorities|government)\b|Taliban\b|"
        rf"(?:{_NAME_WORD}\s+){{0,3}}?(?:parties|armed\s+groups|(?:armed\s+|signatory\s+)movements)\b)",
    ),
)
_DEFAULT_ADDRESSEE = "security_council"


def _opening(text: str) -> str:
    return _LEAD_IN.sub("", text, count=1)


def _addressee_patterns(mission: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    name = re.escape(mission) if mission else r"(?!x)x"
    return tuple(
        (
            addressee,
            re.compile(
                rf"^(?:{_ASK}(?:{object_})|(?:{object_})\s+(?:also\s+)?{_MODAL}\b)",
                re.IGNORECASE,
            ),
        )
        for addressee, template in _ADDRESSEE_RULES
        for object_ in [template.replace("{mission}", name)]
    )


def classify_addressee(text: str, mission: str = "") -> str:
    """Whom ``text`` asks to act, from its opening verb phrase (see ``_ADDRESSEE_RULES``).

    Later clauses ("..., and request the Mission to monitor") do not count. Language the
    Council would adopt itself ("Renew the mission's mandate", "Decide ...") and anything
    unmatched go to the Security Council.
    """
    opening = _opening(clean_text(text))
    for addressee, pattern in _addressee_patterns(mission):
        if pattern.match(opening):
            return addressee
    return _DEFAULT_ADDRESSEE


_BARE_FILLER = frozenset(
    ["consider", "considering", "to", "the", "following", "include", "including", "language", "text", "additions", "elements", "recommendations", "points", "inter", "alia", "in", "its", "next", "resolution", "mandate", "renewal"]
)


def _asks(text: str) -> bool:
    opening = _opening(text)
    return bool(
        _MODAL_RE.search(opening)
        or re.match(_ASK, opening, re.IGNORECASE)
        or _COUNCIL_ACT.match(opening)
    )


def _is_bare_intro(text: str) -> bool:
    """An introduction that asks nothing itself: "the Security Council should:", "The Council
    may wish to consider the following:"."""
    if not text.endswith(":"):
        return False
    body = _opening(text[:-1])
    modal = _MODAL_RE.search(body)
    ask = body[modal.end() :] if modal else body
    clauses = [c for c in re.split(r",\s*|\s+and\s+", ask) if c.strip()]
    while clauses and "following" in clauses[-1].lower():
        clauses.pop()
    words = [w for c in clauses for w in c.lower().split() if w not in _BARE_FILLER]
    return len(words) < 3


def _is_recommendation(unit: _Unit) -> bool:
    """Every list item is one; an unmarked paragraph is one when it asks something itself."""
    if unit.kind is not None:
        return bool(unit.text)
    text = unit.text
    return _asks(text) and not _is_bare_intro(text)


# --------------------------------------------------------------------------------------
# Nested items: sub-bullets and "(a)"/"(i)" items belong to the item above them
# --------------------------------------------------------------------------------------

_ROMAN_LABEL = re.compile(r"^[ivxl]+$")


def _style(unit: _Unit, previous_letter: str) -> str:
    """A list item's style: the bullet character, "1." or "1)", "(a)" or "a)", "(i)" or "i)".
    A roman-looking label ("i", "v") is a letter when it follows the letter before it."""
    if unit.kind == "bullet":
        return "bullet " + unit.marker
    if unit.kind == "number":
        return "number " + unit.marker[-1]
    bracket = "(" if unit.marker.startswith("(") else ""
    is_next_letter = bool(previous_letter) and len(unit.label) == 1 and ord(unit.label) == ord(previous_letter) + 1
    if _ROMAN_LABEL.match(unit.label) and not is_next_letter and unit.label != "a":
        return f"roman {bracket}"
    return f"letter {bracket}"


def nest_items(units: list[_Unit]) -> list[_Unit]:
    """The units of the recommendations section with each nested list item moved into the
    item it belongs to (``_Unit.children``).

    The first list item after an unmarked paragraph sets the list's style and indentation;
    an item of another style ("- " under "1.", "(a)" under "•"), or indented further, belongs
    to the last item of that list. An unmarked paragraph ends the list: the "(a)" items
    under a bare introduction ("The Council should:") are a list of their own.
    """
    out: list[_Unit] = []
    top: _Unit | None = None
    top_style = ""
    last_letter = ""
    for unit in units:
        if unit.kind is None:
            top, top_style, last_letter = None, "", ""
            out.append(unit)
            continue
        style = _style(unit, last_letter if top is not None and top.kind == "letter" else "")
        if top is None:
            top, top_style = unit, style
        elif style == top_style and unit.indent <= top.indent + 1:
            top = unit
        else:
            top.children.append(unit)
            continue
        last_letter = unit.label if unit.kind == "letter" else ""
        out.append(unit)
    return out
