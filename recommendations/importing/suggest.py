"""Themes the system suggests on import, from keywords, for a person to confirm.
(Links to paragraphs: :mod:`recommendations.importing.links`.)

Pure functions over text; nothing here touches the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# slug -> (name, keyword stems). A stem matches the start of a word.
# A stem matches the start of a word; "humanitarian law" is not displacement, nor is a
# "transitional" authority an election, so those words are matched only in phrases.
THEMES: dict[str, tuple[str, tuple[str, ...]]] = {
    "participation": ("Participation and leadership", ("particip", "leadership", "represent", "quota", "decision-making")),
    "elections": ("Elections and political transition", ("elect", "referendum", "political transition", "transition to civilian", "constitutional order", "candidate", "vote", "voter", "ballot")),
    "protection": ("Protection and human rights defenders", ("protect", "defender", "peacebuilder", "threat", "hate speech", "reprisal")),
    "sgbv": ("Sexual and gender-based violence", ("sexual", "gender-based", "gbv", "sgbv", "rape", "crsv", "survivor", "sexual exploitation")),
    "justice": ("Justice and accountability", ("justice", "accountab", "court", "investigat", "reparation", "impunity", "prosecut")),
    "displacement": ("Displacement and humanitarian needs", ("displace", "idp", "refugee", "returnee", "humanitarian aid", "humanitarian assistance", "humanitarian access", "humanitarian need", "humanitarian response", "humanitarian actor", "humanitarian partner", "humanitarian situation", "humanitarian crisis", "food insecurity")),
    "civil-society": ("Civil society and women's organizations", ("civil society", "women's organi", "women-led", "women's rights organi", "women's groups", "grassroots", "cso")),
    "nap": ("National action plan", ("national action plan", "action plan")),
    "security-sector": ("Security sector and counterterrorism", ("security sector", "counterterror", "military", "disarmament", "ddr")),
    "climate": ("Climate and natural resources", ("climate", "natural resource", "drought")),
    "harmful-practices": ("Harmful practices", ("harmful practice", "genital", "child marriage", "fgm")),
    "reporting": ("Monitoring and reporting", ("report", "monitor", "information", "data")),
}



def suggest_themes(text: str) -> list[str]:
    lowered = text.lower().replace("’", "'")
    return [
        slug
        for slug, (_, stems) in THEMES.items()
        if any(re.search(r"\b" + re.escape(stem), lowered) for stem in stems)
    ]


def theme_names(slugs: Iterable[str]) -> dict[str, str]:
    return {slug: THEMES[slug][0] for slug in slugs if slug in THEMES}
