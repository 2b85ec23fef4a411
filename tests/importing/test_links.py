"""Cited paragraphs, and the quality of suggested links on the hand-labelled gold."""

from __future__ import annotations

import pytest

from recommendations.importing.links import AnnexIndex, find_citations, suggest_links, terms
from tests.importing.conftest import DATA


@pytest.mark.parametrize("text,labels", [
    ("as in (S/RES/2677 (2023), OPs 4, 7)", ["OP 4", "OP 7"]),
    ("consistent with OP 7(a)(i)", ["OP 7 (a)(i)"]),
    ("in line with paragraphs 17 and 18 of resolution 2666 (2022)", ["OP 17", "OP 18"]),
    ("see operative paragraphs 3-5", ["OP 3", "OP 4", "OP 5"]),
    ("recalling PP 2", ["PP 2"]),
    ("see paragraphs 114-117 in S/2022/595", []),
])
def test_citation_forms(text, labels):
    assert [c.label for c in find_citations(text)] == labels


def test_the_resolution_named_beside_a_citation_is_kept():
    assert [(c.label, c.resolution) for c in find_citations("(S/RES/2677 (2023), OP 4) and OP 9 of resolution 2467 (2019)")] == [
        ("OP 4", "S/RES/2677 (2023)"), ("OP 9", "S/RES/2467 (2019)"),
    ]


INDEX = AnnexIndex([
    ("k3", "OP 3", "Calls upon the authorities to ensure the participation of women in elections."),
    ("k7", "OP 7", "Requests the mission to monitor sexual violence."),
    ("k7a", "OP 7 (a)", "to report on the restrictions on women's employment"),
    ("k9", "OP 9", "Calls for humanitarian access."),
])


def test_cited_paragraphs_come_first_and_replace_word_overlap():
    found = suggest_links("Urge the authorities to let women vote in elections (OP 9).", INDEX, symbol="S/RES/1 (2020)")
    assert found.cited == ["k9"] and found.suggested == [] and found.missing == []


def test_a_cited_sub_item_falls_back_to_its_paragraph_and_a_missing_one_is_reported():
    found = suggest_links("Report on employment (OP 7(a)(i)); see also OP 41.", INDEX)
    assert found.cited == ["k7a"] and found.missing == ["OP 41"]


def test_another_resolution_s_paragraphs_are_not_this_annex_s():
    found = suggest_links("Monitor sexual violence as in OP 3 of resolution 2467 (2019).", INDEX, symbol="S/RES/1 (2020)")
    assert "k3" not in found.cited


def test_link_quality_on_the_gold():
    """A regression guard: the figures are printed by benchmarks/link_quality.py."""
    import sys

    sys.path.insert(0, str(DATA.parents[1]))
    from benchmarks.link_quality import score

    precision, recall = score(DATA / "notes" / "gold_links.json")
    assert precision >= 0.75 and recall >= 0.75


def test_an_abbreviation_meets_the_words_it_stands_for():
    """Notes write "GBV" and "CRSV"; resolutions write the words out."""
    index = AnnexIndex(
        [
            ("law", "OP 50", "Encourages the authorities to enact the draft law on gender-based violence."),
            ("elections", "OP 3", "Calls for free and fair elections with women's full participation."),
            ("crsv", "OP 7", "Requests the mission to address conflict-related sexual violence in camps."),
        ]
    )
    assert suggest_links("Urge the authorities to adopt the GBV law.", index).suggested == ["law"]
    assert suggest_links("Document CRSV cases in the camps.", index).suggested == ["crsv"]
    # Lower case is a word, not an abbreviation: "sea" stays the sea.
    assert "sexual" not in " ".join(terms("access by sea"))
