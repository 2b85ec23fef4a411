"""import_resolution: the mandate, its official paragraphs, the chain, and a note's extracts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from recommendations.importing.akn import ResolutionError
from recommendations.importing.resolution import import_resolution
from recommendations.importing.save import import_ieg_update
from recommendations.models import Mandate, MandateParagraph, ParagraphLink, ParagraphQuotation, Recommendation, Uptake
from tests.resolutions.conftest import DATA, NOTE, xml

pytestmark = pytest.mark.django_db

# The sample's annex as the note labels it -> the official unit of 2640 (2022) it quotes.
ANNEX = {
    "PP 1": "PP 9", "PP 2": "PP 14", "OP 3": "OP 3", "OP 7": "OP 7", "OP 12": "OP 12", "OP 14": "OP 14",
    "OP 26": "OP 26", "OP 26 (a)": "OP 26 (a)(iii) dash 2", "OP 26 (b)": "OP 26 (a)(v)",
    "OP 26 (c)": "OP 26 (a)(vi)", "OP 26 (d)": "OP 26 (c)(iii)", "OP 26 (e)": "OP 26 (d)(ii)",
    "OP 41": "OP 41", "OP 41 (a)": "OP 41 dash 11", "OP 41 (b)": "OP 41 dash 12", "OP 44": "OP 44",
    "OP 45": "OP 45", "OP 47": "OP 47", "OP 48": "OP 48", "OP 50": "OP 50", "OP 51": "OP 51", "OP 57": "OP 57",
}


def snapshot():
    return (
        list(MandateParagraph.objects.order_by("pk").values_list("pk", "label", "text", "text_fr", "eid", "position")),
        list(Mandate.objects.order_by("pk").values_list("pk", "expires_on", "renews", "terminated_by", "title")),
    )


def test_import_creates_the_mandate_with_official_units():
    outcome = import_resolution(data=xml("2640-2022.en"))
    mandate = Mandate.objects.get(symbol="S/RES/2640 (2022)")
    assert outcome.mandate_created and outcome.mandate_id == mandate.pk
    assert (mandate.mission, mandate.situation.name) == ("MINUSMA", "Mali")
    assert (mandate.adopted_on, mandate.expires_on) == (dt.date(2022, 6, 29), dt.date(2023, 6, 30))
    assert mandate.title.startswith("Security Council resolution 2640 (2022)")
    assert mandate.paragraphs.count() == 140
    assert mandate.paragraphs.filter(kind="preambular").count() == 25
    assert not mandate.paragraphs.filter(official=False).exists()
    p = mandate.paragraphs.get(label="OP 26 (a)(iii)")
    assert (p.number, p.sub_item, p.eid) == ("26", "(a)(iii)", "para_179_list_point_a_sublist_point_iii")


def test_same_file_again_changes_nothing_and_french_adds_texts():
    import_resolution(data=xml("2640-2022.en"))
    before = snapshot()
    again = import_resolution(data=xml("2640-2022.en"))
    assert not again.changed and "nothing changed" in again.lines[0]
    assert snapshot() == before
    french = import_resolution(data=xml("2640-2022.fr"))
    assert french.updated == 140 and french.created == 0
    p = MandateParagraph.objects.get(mandate__number=2640, label="PP 9")
    assert p.text.startswith("Underlining") and p.text_fr.startswith("Soulignant")
    assert not MandateParagraph.objects.filter(mandate__number=2640, text_fr="").exists()
    after_fr = snapshot()
    assert not import_resolution(data=xml("2640-2022.fr")).changed
    assert snapshot() == after_fr


def test_french_first_then_english():
    import_resolution(data=xml("2584-2021.fr"))
    import_resolution(data=xml("2584-2021.en"))
    mandate = Mandate.objects.get(number=2584)
    assert mandate.paragraphs.count() == 150
    assert not mandate.paragraphs.filter(text="").exists()
    assert not mandate.paragraphs.filter(text_fr="").exists()


def test_dry_run_writes_nothing():
    outcome = import_resolution(data=xml("2640-2022.en"), dry_run=True)
    assert outcome.lines[0].startswith("Would import S/RES/2640 (2022) (English)")
    assert not Mandate.objects.exists() and not MandateParagraph.objects.exists()


def test_chain_and_termination_in_any_order():
    import_resolution(data=xml("2690-2023.en"))
    import_resolution(data=xml("2584-2021.en"))
    import_resolution(data=xml("2640-2022.en"))
    import_resolution(data=xml("2531-2020.en"))
    m = {x.number: x for x in Mandate.objects.all()}
    assert m[2584].renews == m[2531] and m[2640].renews == m[2584] and m[2531].renews is None
    assert m[2640].terminated_by == m[2690]
    assert m[2690].expires_on is None and m[2690].renews is None
    assert m[2584].terminated_by is None
    assert list(m[2690].terminates.all()) == [m[2640]]


def test_other_missions_are_separate_chains():
    for name in ("2625-2022.en", "2677-2023.en", "2666-2022.en", "2717-2023.en", "2678-2023.en"):
        import_resolution(data=xml(name))
    m = {x.number: x for x in Mandate.objects.all()}
    assert m[2677].renews == m[2625] and m[2717].renews == m[2666] and m[2678].renews is None
    assert m[2677].situation.name == "South Sudan" and m[2717].situation.name == "Democratic Republic of the Congo"


def test_note_first_then_resolution_upgrades_labels_keeping_links_and_status(demo):
    mandate = demo.mandate
    rec = demo.recommendations[1]
    extract = mandate.paragraphs.get(label="OP 26 (b)")
    ParagraphLink.objects.update_or_create(recommendation=rec, paragraph=extract, defaults={"confirmed": True})
    rec.uptake, rec.uptake_paragraph = Uptake.REFLECTED, extract
    rec.save()
    links = ParagraphLink.objects.count()
    import_resolution(data=xml("2640-2022.en"))
    assert not mandate.paragraphs.filter(official=False).exists()
    assert mandate.paragraphs.count() == 140
    assert ParagraphLink.objects.count() == links
    official = mandate.paragraphs.get(label="OP 26 (a)(v)")
    assert ParagraphLink.objects.get(recommendation=rec, paragraph=official).confirmed
    rec.refresh_from_db()
    assert rec.uptake == Uptake.REFLECTED and rec.uptake_paragraph == official
    quoted = dict(ParagraphQuotation.objects.filter(briefing=rec.briefing).values_list("label", "paragraph__label"))
    assert quoted == ANNEX
    # The note's quotation keeps its cuts.
    q = ParagraphQuotation.objects.get(briefing=rec.briefing, label="OP 26 (a)")
    assert "(...)" in q.text and "(...)" not in q.paragraph.text


def test_resolution_first_then_note():
    import_resolution(data=xml("2640-2022.en"))
    outcome = import_ieg_update(data=NOTE.read_bytes())
    mandate = Mandate.objects.get(number=2640)
    assert mandate.paragraphs.count() == 140 and not mandate.paragraphs.filter(official=False).exists()
    quoted = dict(ParagraphQuotation.objects.filter(briefing_id=outcome.briefing_id).values_list("label", "paragraph__label"))
    assert quoted == ANNEX
    quoted_ids = set(ParagraphQuotation.objects.values_list("paragraph_id", flat=True))
    linked = set(ParagraphLink.objects.values_list("paragraph_id", flat=True))
    assert linked and linked <= quoted_ids  # suggestions only among the paragraphs the note quotes
    assert Recommendation.objects.filter(due_on=dt.date(2023, 5, 31)).count() == 12


def test_command(capsys, tmp_path):
    call_command("import_resolution", str(DATA / "S-RES-2690-2023.en.xml"), "--dry-run")
    out = capsys.readouterr().out
    assert "terminates the mandate as of 30 June 2023" in out and "Dry run" in out
    assert not Mandate.objects.exists()
    call_command("import_resolution", str(DATA / "S-RES-2640-2022.en.xml"))
    call_command("import_resolution", str(DATA / "S-RES-2690-2023.en.xml"))
    assert "S/RES/2640 (2022) is terminated by S/RES/2690 (2023)" in capsys.readouterr().out
    bad = tmp_path / "bad.xml"
    bad.write_bytes(xml("2640-2022.en")[:1000])
    with pytest.raises(CommandError, match="truncated"):
        call_command("import_resolution", str(bad))


def test_bad_input_writes_nothing():
    with pytest.raises(ResolutionError):
        import_resolution(data=xml("2640-2022.en").replace(b"/unsc/", b"/unga/"))
    assert not Mandate.objects.exists()
