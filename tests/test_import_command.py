"""`import_ieg_update` end to end: what the sample must give (DESIGN.md), in the database."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from recommendations.models import (
    Briefing,
    Mandate,
    MandateParagraph,
    ParagraphLink,
    Recommendation,
    Situation,
)

SAMPLE = Path(__file__).resolve().parents[1] / "recommendations" / "fixtures" / "ieg-update-mali-2023-03-28.txt"

EXPECTED_ADDRESSEES = [
    "security_council",  # the lead-in: continue to prioritise WPS, retain 2640's references
    "host_authorities",  # law no. 052 quota
    "host_authorities",  # conducive environment ... and request the Mission to monitor
    "host_authorities",  # IDPs and returnees in the elections
    "host_authorities",  # national action plan
    "host_authorities",  # participation in security decisions
    "host_authorities",  # law on GBV
    "host_authorities",  # CRSV cases before the courts
    "un_partners",  # harmful practices
    "un_partners",  # climate risk assessments
    "un_partners",  # stabilisation programmes (after the footnote)
    "council_members",  # "In addition, members of the Security Council could request ..."
]


def _counts() -> tuple[int, ...]:
    return (
        Situation.objects.count(),
        Mandate.objects.count(),
        MandateParagraph.objects.count(),
        Briefing.objects.count(),
        Recommendation.objects.count(),
        ParagraphLink.objects.count(),
    )


def _import(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_ieg_update", str(path), *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_sample_gives_briefing_twelve_recommendations_and_mandate():
    output = _import(SAMPLE)

    briefing = Briefing.objects.get()
    assert briefing.situation.name == "Mali"
    assert briefing.situation.code == "MLI"
    assert briefing.issued_on == dt.date(2023, 3, 28)
    assert briefing.earlier_meetings == ["2016-02", "2016-09", "2017-05", "2018-06", "2020-05", "2021-04"]
    assert len(briefing.sha256) == 64

    recs = list(Recommendation.objects.order_by("position"))
    assert [r.reference for r in recs] == [f"MLI-2023-03-R{i:02d}" for i in range(1, 13)]
    assert [r.addressee for r in recs] == EXPECTED_ADDRESSEES
    assert recs[0].text.startswith("In the negotiations on the mandate renewal for MINUSMA, the Security Council")
    assert recs[1].text.startswith("Urge Malian transitional authorities to respect a strict application")
    assert recs[1].text.endswith("in line with the recommendations of the 2020 National Dialogue,")
    assert recs[10].text == (
        "Request the United Nations and international partners to support programmes aimed at enhancing "
        "women's participation, protection and empowerment that will contribute to stabilization in the "
        "Centre and the North of the country."
    )
    assert recs[11].text.startswith("In addition, members of the Security Council could request")
    assert all("These recommendations are prepared by UN Women" not in r.text for r in recs)
    assert all("³" not in r.text for r in recs)
    # Due some days before the renewal, by default.
    assert {r.due_on for r in recs} == {dt.date(2023, 5, 31)}
    assert {r.status for r in recs} == {"not_started"}

    mandate = Mandate.objects.get()
    assert (mandate.symbol, mandate.number, mandate.year, mandate.mission) == ("S/RES/2640 (2022)", 2640, 2022, "MINUSMA")
    assert mandate.situation == briefing.situation
    assert mandate.expires_on == dt.date(2023, 6, 30)
    assert briefing.mandate == mandate

    paragraphs = list(mandate.paragraphs.order_by("position"))
    assert [p.label for p in paragraphs] == [
        "PP 1", "PP 2", "OP 3", "OP 7", "OP 12", "OP 14",
        "OP 26", "OP 26 (a)", "OP 26 (b)", "OP 26 (c)", "OP 26 (d)", "OP 26 (e)",
        "OP 41", "OP 41 (a)", "OP 41 (b)",
        "OP 44", "OP 45", "OP 47", "OP 48", "OP 50", "OP 51", "OP 57",
    ]
    by_label = {p.label: p.text for p in paragraphs}
    assert "(...) sexual and gender-based violence, and trafficking in persons" in by_label["PP 2"]
    assert "and, as appropriate, of a constitutional referendum" in by_label["OP 26 (c)"]
    assert by_label["OP 41 (a)"].endswith("in line with resolution 2467 (2019),")
    assert "[" not in by_label["OP 41 (b)"] and "1325 (2000)" in by_label["OP 41 (b)"]
    assert "(i) the situation in Mali" in by_label["OP 57"]

    # The system suggests paragraph links for a person to confirm; none is confirmed yet.
    assert ParagraphLink.objects.filter(confirmed=True).count() == 0
    assert ParagraphLink.objects.count() > 0
    assert "Created briefing" in output and "12 recommendation(s)" in output


@pytest.mark.django_db
def test_same_note_again_changes_nothing_and_says_so():
    _import(SAMPLE)
    before = _counts()
    output = _import(SAMPLE)
    assert _counts() == before
    assert "Already imported" in output and "nothing changed" in output


@pytest.mark.django_db
def test_same_note_with_windows_line_endings_is_the_same_note():
    _import(SAMPLE)
    before = _counts()
    crlf = SAMPLE.read_bytes().replace(b"\n", b"\r\n")
    path = Path(pytest.importorskip("tempfile").mkdtemp()) / "note.txt"
    path.write_bytes(crlf)
    _import(path)
    assert _counts() == before


@pytest.mark.django_db
def test_dry_run_prints_what_would_be_created_and_writes_nothing():
    output = _import(SAMPLE, "--dry-run")
    assert _counts() == (0, 0, 0, 0, 0, 0)
    assert "Would create briefing" in output
    assert "MLI-2023-03-R01" in output and "MLI-2023-03-R12" in output
    assert "Dry run: nothing was written." in output


@pytest.mark.django_db
def test_situation_option_names_the_situation():
    _import(SAMPLE, "--situation", "Mali (Sahel)")
    assert Briefing.objects.get().situation.name == "Mali (Sahel)"


def _bad(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


BAD_INPUTS = {
    "empty": (b"", "empty"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    "non_utf8": (SAMPLE.read_bytes().replace("Ménaka".encode(), "M\xe9naka".encode("latin-1"), 1), "line 13"),
    "no_recommendations": (SAMPLE.read_bytes().split(b"Recommendations:")[0], "Recommendations"),
    "annex_without_resolution": (
        SAMPLE.read_bytes().replace(
            b"Relevant language in resolution 2640 (2022) extending the mandate of MINUSMA until 30 June 2023",
            b"Relevant language in the current mandate",
        ),
        "resolution",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_says_what_and_where_and_writes_nothing(tmp_path, case):
    data, expected = BAD_INPUTS[case]
    path = _bad(tmp_path, f"{case}.txt", data)
    with pytest.raises(CommandError) as excinfo:
        _import(path)
    message = str(excinfo.value)
    assert "\n" not in message
    assert expected.lower() in message.lower(), message
    assert _counts() == (0, 0, 0, 0, 0, 0)


@pytest.mark.django_db
def test_file_over_five_megabytes_is_refused_before_reading(tmp_path):
    path = _bad(tmp_path, "big.txt", SAMPLE.read_bytes() + b"x" * (5 * 1024 * 1024))
    with pytest.raises(CommandError, match="at most 5,242,880 bytes"):
        _import(path)
    assert _counts() == (0, 0, 0, 0, 0, 0)


@pytest.mark.django_db
def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read the file"):
        _import(tmp_path / "nope.txt")


@pytest.mark.django_db
def test_import_is_one_transaction(tmp_path):
    """A failure after rows were written (here: the resolution is already recorded for
    another situation) leaves nothing behind."""
    _import(SAMPLE)
    before = _counts()
    other = SAMPLE.read_bytes().replace(b"in Mali March 28th 2023", b"in Niger March 29th 2023", 1)
    with pytest.raises(CommandError, match="already recorded for Mali"):
        _import(_bad(tmp_path, "niger.txt", other))
    assert _counts() == before
    assert not Situation.objects.filter(name="Niger").exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    __import__("django.db").db.connection.vendor == "sqlite",
    reason="the in-memory SQLite test database has no concurrent writers; the PostgreSQL run covers it",
)
def test_the_same_note_imported_twice_at_once_is_imported_once():
    """Two confirm clicks at the same moment: one import, and the other is told it is the
    same note, not shown an error."""
    import threading

    from django.db import connection

    from recommendations.importing.save import import_ieg_update

    data = SAMPLE.read_bytes()
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            outcomes.append(import_ieg_update(data=data))
        except Exception as exc:  # pragma: no cover - the assertion below shows it
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(o.created for o in outcomes) == [False, True]
    assert Briefing.objects.count() == 1 and Recommendation.objects.count() == 12
