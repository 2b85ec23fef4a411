"""The list's search (``q``): every word, each at the start of a word of the text or the
reference, case and accents as written in French; references whole or in part; anything typed
(punctuation, text-search operators) is a search, never an error. The list page, its CSV and
XLSX exports and the API give the same recommendations. On PostgreSQL it is a full-text search
of a stored document (migration 0011); on SQLite, each word anywhere in the text or reference:
the assertions below hold on both, those marked PostgreSQL-only on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
import re
import urllib.parse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook

from recommendations.curation.filters import RecommendationFilterSet, search_terms, tsquery
from recommendations.models import Recommendation
from tests import factories
from tests.api.conftest import api_client_for
from tests.web.conftest import client_for
from tests.web.test_pages import csv_rows, references_in, text_of

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")

TEXTS = {
    "TST-2023-03-R01": "Protection of civilians: deploy women protection advisers to Gao.",
    "TST-2023-03-R02": "Ensure that the protégés of the programme reach the Ménaka camps.",
    "TST-2024-11-R01": "Adopt the law on the 30 percent quota (a 3.5 million budget) and report.",
    "TST-2024-11-R12": "Train the police in self-assessment; l'État doit agir.",
    "TST-2024-11-R13": "Nothing to see here.",
}
EVERY = list(TEXTS)


@pytest.fixture
def searched(world):
    """Five recommendations of their own situation, with the references and texts above."""
    testland = factories.make_situation("Testland", "TST")
    briefing = factories.make_briefing(testland, factories.make_mandate(testland, expires_on=dt.date(2025, 6, 30)))
    for rec, (reference, text) in zip(factories.make_recommendations(briefing, len(TEXTS)), TEXTS.items(), strict=True):
        Recommendation.objects.filter(pk=rec.pk).update(reference=reference, text=text)
    world.testland = testland
    return world


def found(world, q: str, persona: str = "secretariat", *, everywhere: bool = False) -> list[str]:
    """The references the list page finds for ``q`` in Testland (``everywhere``: in every
    situation the reader sees), in the list's order, after checking that its CSV, its XLSX and
    the API find the same."""
    query = urllib.parse.urlencode({"q": q} if everywhere else {"situation": world.testland.pk, "q": q})
    client = client_for(world, persona)
    response = client.get(f"/recommendations/?{query}")
    assert response.status_code == 200, q
    page = references_in(text_of(response))
    assert [row["reference"] for row in csv_rows(client.get(f"/recommendations/export.csv?{query}"))] == page, q
    book = load_workbook(io.BytesIO(b"".join(client.get(f"/recommendations/export.xlsx?{query}").streaming_content)))
    assert [row[0] for row in book["Recommendations"].iter_rows(min_row=2, values_only=True)] == page, q
    api = api_client_for(world, persona).get(f"/api/v1/recommendations/?{query}")
    assert api.status_code == 200, q
    assert sorted(r["reference"] for r in api.json()["results"]) == sorted(page), q
    return page


@pytest.mark.parametrize("q,expected", [
    # A word finds the longer words it starts, whatever the case.
    ("protect", ["TST-2023-03-R01"]),
    ("PROTECTION", ["TST-2023-03-R01"]),
    ("women", ["TST-2023-03-R01"]),
    # Every word must be found (and), anywhere and in any order.
    ("advisers women", ["TST-2023-03-R01"]),
    ("protection quota", []),
    ("women | quota", []),
    ("women & quota", []),
    # A reference, whole or in part.
    ("TST-2023-03-R01", ["TST-2023-03-R01"]),
    ("tst-2024-11-r12", ["TST-2024-11-R12"]),
    ("R01", ["TST-2023-03-R01", "TST-2024-11-R01"]),
    ("TST-2023", ["TST-2023-03-R01", "TST-2023-03-R02"]),
    ("2024-11", ["TST-2024-11-R01", "TST-2024-11-R12", "TST-2024-11-R13"]),
    ("2024-11 quota", ["TST-2024-11-R01"]),
    # French, accents as written; an apostrophe and a hyphen inside a word.
    ("protégés", ["TST-2023-03-R02"]),
    ("Ménaka", ["TST-2023-03-R02"]),
    ("l'État", ["TST-2024-11-R12"]),
    ("État", ["TST-2024-11-R12"]),
    ("self-assessment", ["TST-2024-11-R12"]),
    ("assessment", ["TST-2024-11-R12"]),
    ("3.5", ["TST-2024-11-R01"]),
    # Punctuation and text-search operators around a word are left out ...
    ("!protect", ["TST-2023-03-R01"]),
    ("protect:*", ["TST-2023-03-R01"]),
    ("(women)", ["TST-2023-03-R01"]),
    ("'women'", ["TST-2023-03-R01"]),
    ('"protection of"', ["TST-2023-03-R01"]),
    ("women\\", ["TST-2023-03-R01"]),
    # ... and a word of punctuation only narrows nothing.
    ("&", EVERY), ("|", EVERY), ("!", EVERY), (":", EVERY), ("(", EVERY), ('"', EVERY), ("-", EVERY),
    ("'", EVERY), ("\\", EVERY), ("<->", EVERY), ("& | ! ( ) :*", EVERY), ("«", EVERY),
    # Other scripts and symbols: a search like any other, never an error.
    ("女性", []), ("النساء", []), ("²", []), ("👩", EVERY), ("👩 women", ["TST-2023-03-R01"]),
    # No search at all.
    ("", EVERY), ("   ", EVERY), ("\t", EVERY),
])
def test_what_a_search_finds(searched, q, expected):
    assert found(searched, q) == expected


def test_a_search_finds_only_what_the_reader_may_see(searched):
    assert found(searched, "TST-2023", everywhere=True) == ["TST-2023-03-R01", "TST-2023-03-R02"]
    assert found(searched, "TST-2023", persona="expert", everywhere=True) == []  # the expert follows Mali only
    assert found(searched, "advisers Gao", persona="expert", everywhere=True) == []


@on_postgresql
@pytest.mark.parametrize("q,expected", [
    # Full text: a word matches at the start of a word, not inside one ...
    ("otect", []),
    ("omen", []),
    ("2023-03-R0", ["TST-2023-03-R01", "TST-2023-03-R02"]),
    ("03-R01", ["TST-2023-03-R01"]),
    # ... and the pieces of a word in the order typed, next to each other.
    ("R01-03", []),
    # Case folds for accented capitals too.
    ("MÉNAKA", ["TST-2023-03-R02"]),
    ("PROTÉGÉ", ["TST-2023-03-R02"]),
    ("l'état", ["TST-2024-11-R12"]),
])
def test_on_postgresql_a_word_matches_at_the_start_of_words(searched, q, expected):
    assert found(searched, q) == expected


@on_postgresql
def test_on_postgresql_the_search_reads_the_stored_document(searched, as_user):
    with CaptureQueriesContext(connection) as ctx:
        as_user("secretariat").get("/recommendations/?q=women")
    searching = [q["sql"] for q in ctx.captured_queries if "@@" in q["sql"]]
    assert searching and all(".\"search_document\" @@ to_tsquery('simple'::regconfig, '(''women'':*)')" in sql
                             for sql in searching)
    assert not [q["sql"] for q in ctx.captured_queries if "LIKE" in q["sql"]]
    # The search as a subquery (its table then has another alias) still names the column right.
    matching = RecommendationFilterSet.apply(user=searched.secretariat, filters={"q": "women advisers"})
    inner = Recommendation.objects.filter(pk__in=matching.values("pk")).filter(situation=searched.testland)
    assert [r.reference for r in inner] == ["TST-2023-03-R01"]
    # Kept in step by PostgreSQL on every write.
    rec = Recommendation.objects.get(reference="TST-2024-11-R13")
    Recommendation.objects.filter(pk=rec.pk).update(text="Women now lead the talks.")
    assert found(searched, "women") == ["TST-2023-03-R01", "TST-2024-11-R13"]


def test_the_query_is_built_from_letters_and_digits_only():
    assert search_terms("  MLI-2023-03-R01 l'État & (x) :* ") == [["MLI", "2023", "03", "R01"], ["l", "État"], ["x"]]
    assert tsquery(search_terms("protect MLI-2023")) == "('protect':*) & ('MLI':* <-> '2023':*)"
    assert search_terms("& | ! ' \\ -") == []


def test_the_search_box_says_what_it_finds_in_english_and_in_french(searched, as_user):
    client = as_user("secretariat")
    english = text_of(client.get("/recommendations/"))
    assert ('<p class="hint" id="id_q_helptext">Every word must appear in the text or the reference; '
            "“protect” also finds “protection”.</p>") in english
    try:
        client.post("/i18n/setlang/", {"language": "fr"})
        french = text_of(client.get("/recommendations/"))
    finally:
        translation.deactivate()
    assert ('<p class="hint" id="id_q_helptext">Chaque mot doit figurer dans le texte ou la référence ; '
            "« protég » trouve aussi « protégés ».</p>") in french


def plain(response) -> str:
    """The page's text without tags, its spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", "", text_of(response)).split())


@pytest.fixture
def capped(searched, monkeypatch):
    """The search count's cap at 3, two recommendations a page."""
    from recommendations.web import views

    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", 3)
    monkeypatch.setattr(views, "LIST_PAGE_SIZE", 2)
    return searched


def test_a_search_counts_up_to_the_cap_and_says_more(capped):
    """A search's matches are counted up to SEARCH_COUNT_CAP (a full-text index cannot count
    them): beyond it the list says "more than" the cap and pages through the first ones; the
    CSV still holds every match. At the cap, and without a search, the count is exact."""
    client = client_for(capped, "secretariat")
    query = f"situation={capped.testland.pk}&q=tst"
    first = client.get(f"/recommendations/?{query}")
    assert "More than 3 recommendations match your search; the first 3 are listed." in plain(first)
    assert "Page 1 of 2" in plain(first)
    assert references_in(text_of(first)) == EVERY[:2]
    assert references_in(text_of(client.get(f"/recommendations/?{query}&page=2"))) == EVERY[2:3]
    assert references_in(text_of(client.get(f"/recommendations/?{query}&page=99"))) == EVERY[2:3]
    assert [row["reference"] for row in csv_rows(client.get(f"/recommendations/export.csv?{query}"))] == EVERY
    exact = client.get(f"/recommendations/?situation={capped.testland.pk}&q=TST-2024")
    assert "3 recommendations match your filters." in plain(exact)
    assert references_in(text_of(exact)) == EVERY[2:4]
    unsearched = client.get(f"/recommendations/?situation={capped.testland.pk}")
    assert "5 recommendations match your filters." in plain(unsearched)
    assert "Page 1 of 3" in plain(unsearched)


def test_the_capped_count_in_french(capped):
    client = client_for(capped, "secretariat")
    client.post("/i18n/setlang/", {"language": "fr"})
    page = plain(client.get(f"/recommendations/?situation={capped.testland.pk}&q=tst"))
    assert "Plus de 3 recommandations correspondent à votre recherche ; les 3 premières sont affichées." in page
    assert "Page 1 sur 2" in page


def test_the_cap_is_written_with_the_languages_digit_grouping():
    from recommendations.templatetags.wps import number

    with translation.override("en"):
        assert number(10_000) == "10,000"
    with translation.override("fr"):
        assert number(10_000) == "10\u00a0000"
