"""Saving: quoted texts never lost, due dates, cited links, owners, and the preview."""

from __future__ import annotations

import datetime as dt

import pytest

from recommendations.importing.save import import_ieg_update
from recommendations.models import Entity, MandateParagraph, ParagraphLink, ParagraphQuotation, Recommendation
from recommendations.rules import due_date
from tests.importing.conftest import DATA, SAMPLE

OP12_FULL_TAIL = "marginalized groups, and to ensure that women take part in the design of the strategy,"
OP26A_OTHER = "– to support the cantonment and the reintegration of armed groups, with the particular needs of women and girls"
OP41C = "– to support the participation of women in the Agreement's monitoring mechanisms,"


def _second_note() -> bytes:
    """A later note quoting 2640 (2022) again: a fuller OP 12, another text for OP 26 (a), a new
    dash item of OP 41, and the rest the same."""
    text = SAMPLE.read_text().replace("March 28th 2023", "May 2nd 2023", 1)
    text = text.replace("vulnerable situations and marginalized groups (...),", "vulnerable situations and " + OP12_FULL_TAIL)
    text = text.replace(
        "– to support the cantonment, disarmament, demobilization and reintegration of armed groups (...) taking into account the particular needs of women (...)",
        OP26A_OTHER,
    )
    text = text.replace(
        "throughout its mandate,\n", "throughout its mandate,\n\n" + OP41C + "\n", 1
    )
    return text.encode()


@pytest.mark.django_db
def test_a_second_note_never_loses_a_quoted_text():
    first = import_ieg_update(data=SAMPLE.read_bytes())
    mandate_rows = {p.label: p.text for p in MandateParagraph.objects.all()}
    preview = import_ieg_update(data=_second_note(), dry_run=True)
    assert "OP 41 (c)" in preview.paragraphs_added and "OP 12" in preview.paragraphs_fuller
    assert "OP 26 (a)" in preview.paragraphs_differ and "OP 3" in preview.paragraphs_same
    text = "\n".join(preview.lines)
    assert "adds: OP 41 (c)" in text and "gives the fuller text of this note to: OP 12" in text
    assert "recorded with another text" in text and "OP 26 (a)" in text

    second = import_ieg_update(data=_second_note())
    rows = {p.label: p for p in MandateParagraph.objects.all()}
    assert rows["OP 12"].text.endswith(OP12_FULL_TAIL)
    assert rows["OP 26 (a)"].text == mandate_rows["OP 26 (a)"]  # the first note's text stays
    quoted = ParagraphQuotation.objects.get(briefing_id=second.briefing_id, label="OP 26 (a)")
    assert quoted.text == OP26A_OTHER.removeprefix("– ") and quoted.paragraph == rows["OP 26 (a)"]
    assert ParagraphQuotation.objects.get(briefing_id=first.briefing_id, label="OP 12").text.endswith("(...),")
    labels = list(MandateParagraph.objects.order_by("position").values_list("label", flat=True))
    assert labels[labels.index("OP 41"):labels.index("OP 44")] == ["OP 41", "OP 41 (a)", "OP 41 (b)", "OP 41 (c)"]
    assert [p.position for p in MandateParagraph.objects.order_by("position")] == list(range(1, len(labels) + 1))
    # Each note keeps all its quotations, in its own order.
    for briefing_id in (first.briefing_id, second.briefing_id):
        positions = list(ParagraphQuotation.objects.filter(briefing_id=briefing_id).values_list("position", flat=True))
        assert positions == sorted(positions) and len(positions) >= 22

    counts = (MandateParagraph.objects.count(), ParagraphQuotation.objects.count(), Recommendation.objects.count())
    for data in (SAMPLE.read_bytes(), _second_note()):
        assert import_ieg_update(data=data).created is False
    assert (MandateParagraph.objects.count(), ParagraphQuotation.objects.count(), Recommendation.objects.count()) == counts


@pytest.mark.parametrize("issued,expires,due,why", [
    (dt.date(2023, 3, 28), dt.date(2023, 6, 30), dt.date(2023, 5, 31), ""),
    (dt.date(2022, 11, 10), dt.date(2022, 11, 15), dt.date(2022, 11, 15), "due on the renewal date"),
    (dt.date(2023, 7, 3), dt.date(2023, 7, 15), dt.date(2023, 7, 15), "due on the renewal date"),
    (dt.date(2023, 8, 1), dt.date(2023, 7, 15), dt.date(2023, 8, 31), "expired before the note"),
])
def test_due_date_is_never_before_the_note(settings, issued, expires, due, why):
    settings.WPS_DUE_DAYS_BEFORE_RENEWAL = 30
    found, note = due_date(issued_on=issued, expires_on=expires)
    assert found == due and found >= issued and why in note


@pytest.mark.django_db
def test_a_note_close_to_renewal_is_due_on_the_renewal_and_the_preview_says_so():
    outcome = import_ieg_update(data=(DATA / "notes" / "hti-binuh-2023-07-03.txt").read_bytes(), dry_run=True)
    assert outcome.due_on == dt.date(2023, 7, 15)
    assert "due on 15 July 2023 (the renewal is less than 30 days after the note: due on the renewal date)" in "\n".join(outcome.lines)


@pytest.mark.django_db
def test_cited_links_are_marked_the_mission_is_suggested_as_owner_and_the_preview_shows_it():
    from django.contrib.auth.models import Group

    Entity.objects.create(name="UNAMA", group=Group.objects.create(name="UNAMA"))
    outcome = import_ieg_update(data=(DATA / "notes" / "afg-unama-2024-02-26.txt").read_bytes())
    first = Recommendation.objects.get(reference=outcome.references[0])
    links = ParagraphLink.objects.filter(recommendation=first)
    assert sorted(link.paragraph.label for link in links) == ["OP 5", "OP 7"]
    assert all(link.cited and not link.confirmed for link in links)
    assert [e.name for e in first.owners.all()] == ["UNAMA"]
    text = "\n".join(outcome.lines)
    assert "cited: OP 5, OP 7" in text and "owner: UNAMA" in text
    row = outcome.rows[3]  # "Urge the Taliban ...": not the mission's
    assert row.addressee == "host_authorities" and row.owner == ""
    assert "Monitoring and reporting" in outcome.rows[0].themes
    assert outcome.rows[0].due_on == dt.date(2024, 3, 17)  # UNAMA renews less than 30 days after the note


@pytest.mark.django_db
def test_a_cited_paragraph_missing_from_the_annex_is_reported():
    outcome = import_ieg_update(data=(DATA / "notes" / "cod-monusco-2023-11-28.txt").read_bytes(), dry_run=True)
    assert outcome.rows[5].missing == ["OP 41"]
    assert "cites, not in the annex: OP 41" in "\n".join(outcome.lines)
    assert outcome.rows[0].cited == ["OP 17", "OP 18"]
