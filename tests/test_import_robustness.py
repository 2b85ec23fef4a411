"""Every import input ends in a one-line NoteError or an import, never a traceback: the
inputs that once crashed the import, the limits, the upload page, and a seeded fuzz of the
test notes (tests/data/importer/)."""

from __future__ import annotations

import random
import re
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from recommendations.importing.parsed import MAX_ANNEX_PARAGRAPHS, MAX_RECOMMENDATIONS, NoteError
from recommendations.importing.save import import_ieg_update
from recommendations.models import Briefing, Situation

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent / "data" / "importer"
NOTE = (DATA / "mali-no-footnotes.txt").read_text(encoding="utf-8")
TITLE = "Update on women, peace and security in Mali March 28th 2023"
EXPIRY = "until 30 June 2023"


def _import(text: str, **kwargs):
    return import_ieg_update(data=text.encode("utf-8"), dry_run=True, **kwargs)


def _refused(text: str, match: str, **kwargs) -> NoteError:
    with pytest.raises(NoteError, match=match) as error:
        _import(text, **kwargs)
    assert "\n" not in str(error.value)
    assert Briefing.objects.count() == 0 and Situation.objects.count() == 0
    return error.value


def test_a_situation_name_over_120_characters():
    _refused(NOTE, r"The situation name is 130 characters long; at most 120", situation_name="M" * 130)


def test_a_title_over_300_characters():
    long_title = "Update on women, peace and security, " + "and on its many other aspects, " * 10 + "in Mali March 28th 2023"
    _refused(NOTE.replace(TITLE, long_title), r"^line 1: The title is \d+ characters long; at most 300")


def test_a_derived_situation_code_over_12_characters():
    name = " ".join(f"Region{c}" for c in "ABCDEFGHIJKLMN")  # initials: 14 letters
    _refused(NOTE, r"The code made from the situation name .* is 14 characters long; at most 12", situation_name=name)


@pytest.mark.parametrize("year", ["0001", "0999", "9999"])
def test_an_expiry_out_of_bounds(year):
    error = _refused(NOTE.replace(EXPIRY, f"until 30 June {year}"), r"The mandate's expiry .* is not a date between 1945 and 2100")
    assert error.line == 115


def test_half_a_million_annex_dashes():
    text = NOTE.replace("ANNEX\n", "ANNEX\n" + "-" * 500_000 + "\n", 1)
    started = time.monotonic()
    try:
        _import(text)
    except NoteError as error:
        assert "\n" not in str(error)
    assert time.monotonic() - started < 20


def _with_recommendations(n: int) -> str:
    bullet = "- Urge the transitional authorities to adopt and implement a law on gender-based violence number {}.\n"
    head, tail = NOTE.split("Recommendations:\n", 1)
    return head + "Recommendations:\n\n" + "".join(bullet.format(i) for i in range(n)) + "\n" + tail[tail.index("ANNEX"):]


def test_more_recommendations_than_the_limit_are_refused_quickly():
    started = time.monotonic()
    _refused(_with_recommendations(MAX_RECOMMENDATIONS + 1), rf"has {MAX_RECOMMENDATIONS + 1} recommendations; at most {MAX_RECOMMENDATIONS}")
    assert time.monotonic() - started < 20


def test_more_annex_paragraphs_than_the_limit_are_refused():
    extra = "".join(
        f"{100 + i}. Decides that the mission shall:\n\n- report on item {i};\n\n- and act on item {i}.\n\n"
        for i in range(800)
    )
    _refused(NOTE.rstrip() + "\n\n" + extra, rf"the annex quotes \d+ paragraphs; at most {MAX_ANNEX_PARAGRAPHS}")


def test_the_upload_page_shows_the_error(client, demo):
    client.force_login(demo.secretariat)
    upload = SimpleUploadedFile("note.txt", NOTE.replace(EXPIRY, "until 30 June 0001").encode(), content_type="text/plain")
    response = client.post("/import/", {"note": upload})
    assert response.status_code == 400
    assert "is not a date between 1945 and 2100" in response.content.decode()


# --- fuzz ------------------------------------------------------------------------------------

NOTES = sorted(DATA.glob("*.txt"))
JUNK = ["", "-", "–", "•", "*", "(a)", "1.", "ANNEX", "Recommendations:", "until 30 June 1", "until 31 February 2024",
        "S/RES/99999999 (99999)", "\x00", "\u202e", "🙂" * 50, "x" * 5000, "[link](#)", "¹²³", "\t\t", "  ",
        "resolution 2640 (2022) extending the mandate of " + "M" * 200 + " until 30 June 2023"]


def _mutate(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(8)
        i = rng.randrange(len(lines)) if lines else 0
        if op == 0 and lines:
            del lines[i]
        elif op == 1 and lines:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif op == 2:
            lines.insert(i, rng.choice(JUNK))
        elif op == 3 and lines:
            lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
        elif op == 4 and lines:
            lines[i] = re.sub(r"\d{4}", lambda m: str(rng.choice([1, 999, 1944, 2101, 9999, rng.randint(1900, 2100)])), lines[i])
        elif op == 5 and lines:
            lines[i] = rng.choice(JUNK) + lines[i] + rng.choice(JUNK)
        elif op == 6 and lines:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == 7 and lines:
            lines[i] = lines[i] * rng.randint(2, 20)
    return "\n".join(lines)


def test_fuzzed_notes_end_in_a_note_error_or_an_import():
    rng = random.Random(12)
    outcomes = {"imported": 0, "refused": 0}
    for case in range(300):
        source = NOTES[case % len(NOTES)]
        text = _mutate(source.read_text(encoding="utf-8"), rng)
        try:
            outcome = _import(text)
        except NoteError as error:
            assert str(error) and "\n" not in str(error), (source.name, case)
            outcomes["refused"] += 1
        except Exception as exc:  # the point: nothing else may escape
            raise AssertionError(f"case {case} ({source.name}) raised {type(exc).__name__}: {exc}") from exc
        else:
            assert outcome.dry_run and outcome.references
            outcomes["imported"] += 1
    assert Briefing.objects.count() == 0
    # Both ends are exercised.
    assert outcomes["imported"] > 30 and outcomes["refused"] > 10, outcomes
