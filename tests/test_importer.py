"""Tests of the pure IEG-note parser (recommendations/importer.py). No database needed.

The sample is the real note of 28 March 2023 (a copy in tests/data/importer/, so the tests do
not depend on ../shared). The other files in tests/data/importer/ are variants of it (see the
README there); most must parse to exactly what the sample gives, line numbers aside.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import pytest

from recommendations.importing.addressees import classify_addressee
from recommendations.importing.decode import MAX_NOTE_BYTES, decode_note
from recommendations.importing.note import parse_note, parse_note_bytes
from recommendations.importing.parsed import ADDRESSEES, NoteError, ParsedNote

DATA = Path(__file__).resolve().parent / "data" / "importer"
SAMPLE = DATA / "ieg-update-mali-2023-03-28.txt"
# CI clones the repository with shared/ beside it.
SHARED_SAMPLE = (
    Path(__file__).resolve().parents[2] / "shared/samples/ieg-update-mali-2023-03-28.txt"
)


def sample_bytes() -> bytes:
    return SAMPLE.read_bytes()


def sample_lines() -> list[str]:
    return SAMPLE.read_text(encoding="utf-8").split("\n")


def with_lines(replacements: dict[int, str | None]) -> str:
    """The sample with 1-based line n replaced (None deletes it, keeping later lines' text)."""
    lines = sample_lines()
    for number in sorted(replacements, reverse=True):
        new = replacements[number]
        if new is None:
            del lines[number - 1]
        else:
            lines[number - 1] = new
    return "\n".join(lines)


@pytest.fixture(scope="module")
def sample() -> ParsedNote:
    return parse_note_bytes(sample_bytes())


def without_lines(note: ParsedNote) -> ParsedNote:
    """The note with every line number zeroed, to compare notes whose layout differs."""
    return dataclasses.replace(
        note,
        recommendations=tuple(dataclasses.replace(r, line=0) for r in note.recommendations),
        mandate=dataclasses.replace(
            note.mandate,
            line=0,
            paragraphs=tuple(dataclasses.replace(p, line=0) for p in note.mandate.paragraphs),
        ),
    )


def as_json(note: ParsedNote) -> dict:
    def convert(value):
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [convert(v) for v in value]
        if isinstance(value, date):
            return value.isoformat()
        return value

    return convert(dataclasses.asdict(note))


# --------------------------------------------------------------------------------------
# The sample: what it must give
# --------------------------------------------------------------------------------------


def test_sample_copy_is_the_shared_sample():
    if not SHARED_SAMPLE.exists():
        pytest.skip("../shared is not checked out beside the repository")
    assert SAMPLE.read_bytes() == SHARED_SAMPLE.read_bytes()


def test_sample_matches_reviewed_expectation(sample):
    expected = json.loads((DATA / "ieg-update-mali-2023-03-28.expected.json").read_text("utf-8"))
    assert as_json(sample) == expected


def test_sample_title_date_and_earlier_meetings(sample):
    assert sample.title == "Update on women, peace and security in Mali"
    assert sample.situation == "Mali"
    assert sample.issued_on == date(2023, 3, 28)
    assert sample.earlier_meetings == (
        "2016-02",
        "2016-09",
        "2017-05",
        "2018-06",
        "2020-05",
        "2021-04",
    )


def test_sample_gives_twelve_recommendations_in_order(sample):
    recs = sample.recommendations
    assert len(recs) == 12
    assert [r.addressee for r in recs] == [
        "security_council",
        "host_authorities",
        "host_authorities",  # "..., and request the Mission to monitor" does not change it
        "host_authorities",
        "host_authorities",
        "host_authorities",
        "host_authorities",
        "host_authorities",
        "un_partners",
        "un_partners",
        "un_partners",
        "council_members",
    ]
    assert [r.line for r in recs] == [98, 100, 101, 102, 103, 104, 105, 106, 107, 108, 112, 114]
    assert recs[0].text == (
        "In the negotiations on the mandate renewal for MINUSMA, the Security Council should "
        "continue to prioritize Women, Peace and Security and retain the references to women, "
        "peace and security in resolution 2640 (2022), including in any reconfiguration of the "
        "mandate, and consider the following additions:"
    )
    assert recs[1].text.startswith("Urge Malian transitional authorities to respect a strict")
    assert recs[2].text.endswith("and request the Mission to monitor and report on these matters.")
    assert recs[3].text.startswith("Call on the Malian transitional authorities")
    # The footnote between the ninth and tenth bullets belongs to neither.
    assert recs[9].text.endswith("natural resource management.")
    assert recs[10].text == (
        "Request the United Nations and international partners to support programmes aimed at "
        "enhancing women's participation, protection and empowerment that will contribute to "
        "stabilization in the Centre and the North of the country."
    )
    assert recs[11].text.startswith("In addition, members of the Security Council could request")
    assert recs[11].text.endswith(
        "as well as the withdrawal of several troop contributing countries."
    )
    for rec in recs:
        assert rec.addressee in ADDRESSEES
        assert "These recommendations are prepared" not in rec.text
        assert not rec.text.startswith(("-", "–", "•"))
        assert not set("¹²³") & set(rec.text)


def test_sample_mandate(sample):
    mandate = sample.mandate
    assert (mandate.symbol, mandate.number, mandate.year, mandate.mission) == (
        "S/RES/2640 (2022)",
        2640,
        2022,
        "MINUSMA",
    )
    assert mandate.expires_on == date(2023, 6, 30)
    assert mandate.line == 118
    rows = [(p.kind, p.number, p.sub_item) for p in mandate.paragraphs]
    assert rows == [
        ("preambular", "1", ""),
        ("preambular", "2", ""),
        ("operative", "3", ""),
        ("operative", "7", ""),
        ("operative", "12", ""),
        ("operative", "14", ""),
        ("operative", "26", ""),
        *[("operative", "26", letter) for letter in "abcde"],
        ("operative", "41", ""),
        ("operative", "41", "a"),
        ("operative", "41", "b"),
        *[("operative", n, "") for n in ("44", "45", "47", "48", "50", "51", "57")],
    ]
    assert [p.position for p in mandate.paragraphs] == list(range(1, 23))
    assert [p.line for p in mandate.paragraphs][:9] == [120, 122, 124, 126, 128, 130, 132, 134, 136]


def test_sample_paragraph_texts(sample):
    by_key = {(p.number if p.kind == "operative" else f"PP{p.number}", p.sub_item): p.text
              for p in sample.mandate.paragraphs}
    assert by_key[("PP1", "")].startswith(
        "Underlining that lasting peace and security in the Sahel"
    )
    assert by_key[("PP2", "")] == (
        "Strongly condemning all violations and abuses of international human rights law and "
        "violations of international humanitarian law, including those involving (...) sexual "
        "and gender-based violence, and trafficking in persons,"
    )
    assert by_key[("26", "")] == (
        "Decides that MINUSMA’s mandate shall include the following priority tasks:"
    )
    # Joined across the page break, with a single space.
    assert "presidential elections, and, as appropriate, of a constitutional referendum, in " in (
        by_key[("26", "c")]
    )
    assert by_key[("26", "b")].startswith("to encourage and support")
    assert by_key[("26", "d")].startswith("To provide specific protection")
    assert by_key[("41", "a")] == (
        "to strengthen its sexual and gender-based violence prevention and response activities "
        "in line with resolution 2467 (2019),"
    )
    assert by_key[("41", "b")].startswith("to implement resolution 1325 (2000) and all resolutions")
    assert "in line with resolution 2538 (2020)," in by_key[("41", "b")]
    assert by_key[("47", "")].startswith(
        "Reaffirms its past resolutions on the Protection of civilians in armed conflicts "
        "including resolution 1894 (2009), Children"
    )
    assert by_key[("57", "")] == (
        "Requests the Secretary-General to report to the Security Council every three months "
        "after the adoption of this resolution on the implementation of this resolution, focusing "
        "on: (i) the situation in Mali, including major political and security developments, the "
        "terrorist threat, the implementation of the Agreement, the human rights situation, "
        "including women's rights (...)."
    )
    for text in by_key.values():
        assert "](#)" not in text and "\\(" not in text and "**" not in text
        assert "  " not in text and text == text.strip()


# --------------------------------------------------------------------------------------
# Variants of the sample that must give the same note
# --------------------------------------------------------------------------------------

SAME_AS_SAMPLE = [
    "mali-bullets-dot.txt",  # "• " bullets, "— " annex items
    "mali-bullets-star.txt",  # "* " bullets, "- " annex items
    "mali-bullets-endash.txt",  # "– " bullets, "–" annex items
    "mali-numbered-dot.txt",  # "1." ... "10."
    "mali-numbered-paren.txt",  # "1)" ... "10)"
    "mali-annex-lettered.txt",  # annex items "(a)", "(b)", ...
    "mali-no-footnotes.txt",  # no footnote lines, no markers
    "mali-page-breaks.txt",  # page breaks mid-bullet, mid-lead-in and mid-annex paragraphs
]


@pytest.mark.parametrize("name", SAME_AS_SAMPLE)
def test_variant_gives_the_sample(name, sample):
    assert without_lines(parse_note_bytes((DATA / name).read_bytes())) == without_lines(sample)


def test_page_break_variant_keeps_start_lines():
    note = parse_note_bytes((DATA / "mali-page-breaks.txt").read_bytes())
    assert [r.line for r in note.recommendations][:4] == [98, 102, 103, 106]
    lines = (DATA / "mali-page-breaks.txt").read_text("utf-8").split("\n")
    for rec in note.recommendations:
        assert lines[rec.line - 1].lstrip("- ").startswith(rec.text[:30])


@pytest.mark.parametrize(
    "transform",
    [
        pytest.param(lambda b: b.replace(b"\n", b"\r\n"), id="crlf"),
        pytest.param(lambda b: b.replace(b"\n", b"\r"), id="cr"),
        pytest.param(lambda b: b"\xef\xbb\xbf" + b, id="bom"),
        pytest.param(lambda b: b"\xef\xbb\xbf" + b.replace(b"\n", b"\r\n"), id="bom-crlf"),
        pytest.param(lambda b: b.replace(b"\n", b" \t\n"), id="trailing-space"),
    ],
)
def test_encoding_variants_give_the_sample_with_its_line_numbers(transform, sample):
    assert parse_note_bytes(transform(sample_bytes())) == sample


def test_decode_note_normalises_line_ends_and_strips_bom():
    assert decode_note(b"\xef\xbb\xbfa\r\nb\rc\n") == "a\nb\nc\n"


def test_form_feed_page_breaks_are_whitespace(sample):
    # pdftotext marks a page break with a form feed at the start of the next page's line.
    text = with_lines({140: "\fappropriate, of a constitutional referendum, in cooperation with "
                       "ECOWAS in order to reach agreement, and with the full, equal and "
                       "meaningful participation of women,"})
    assert parse_note(text) == sample


def test_lettered_items_under_bare_intros(sample):
    note = parse_note_bytes((DATA / "mali-lettered-bare-intro.txt").read_bytes())
    # The bare lead-in and "The Council may wish to:" ask nothing themselves.
    assert [r.text for r in note.recommendations] == [r.text for r in sample.recommendations[1:]]
    assert [r.addressee for r in note.recommendations] == [
        r.addressee for r in sample.recommendations[1:]
    ]
    assert without_lines(note).mandate == without_lines(sample).mandate


@pytest.mark.parametrize(
    "intro",
    [
        "the Security Council should:",
        "The Council may wish to:",
        "The Security Council should consider the following:",
        "In the negotiations on the mandate renewal for MINUSMA, the Security Council may wish "
        "to consider including the following language in the resolution:",
        "**Proposed language for the resolution:**",
    ],
)
def test_bare_introduction_is_not_a_recommendation(intro, sample):
    note = parse_note(with_lines({98: intro}))
    assert [r.text for r in note.recommendations] == [r.text for r in sample.recommendations[1:]]


def test_bullet_without_final_stop_is_not_glued_to_the_closing_paragraph(sample):
    line_112 = sample_lines()[111]
    note = parse_note(with_lines({112: line_112.rstrip(".")}))
    assert len(note.recommendations) == 12
    assert note.recommendations[10].text == sample.recommendations[10].text.rstrip(".")
    assert note.recommendations[11] == sample.recommendations[11]


def test_uppercase_continuation_after_page_break_is_joined(sample):
    lines = sample_lines()
    head, _ = lines[106].split(" State is limited.")
    text = "\n".join(lines[:106] + [head, "", "State is limited."] + lines[107:])
    note = parse_note(text)
    assert note.recommendations[8].text == sample.recommendations[8].text


@pytest.mark.parametrize(
    "title",
    [
        "Update on women, peace and security in Mali 28 March 2023",
        "Update on women, peace and security in Mali, 28 March 2023",
        "Update on women, peace and security in Mali – 28 March 2023",
        "Update on women, peace and security in Mali (28 March 2023)",
        "Update on women, peace and security in Mali March 28, 2023",
        "Update on women, peace and security in Mali 28th March 2023",
        "Update on women, peace and security in Mali 28/03/2023",
        "Update on women, peace and security in Mali 2023-03-28",
        "# **Update on women, peace and security in Mali** 28 March 2023",
        "Update on women, peace and security in Mali\n28 March 2023",
    ],
)
def test_title_date_forms(title, sample):
    note = parse_note(with_lines({5: title}))
    assert (note.title, note.situation, note.issued_on) == (
        "Update on women, peace and security in Mali",
        "Mali",
        date(2023, 3, 28),
    )


def test_annex_heading_with_full_mission_name_and_on_the_annex_line(sample):
    text = with_lines(
        {
            116: "ANNEX: Relevant language in resolution 2640 (2022) extending the mandate of the "
            "United Nations Multidimensional Integrated Stabilization Mission in Mali (MINUSMA) "
            "until June 30, 2023",
            118: None,
        }
    )
    mandate = parse_note(text).mandate
    assert (mandate.symbol, mandate.mission, mandate.expires_on) == (
        "S/RES/2640 (2022)",
        "MINUSMA",
        date(2023, 6, 30),
    )
    assert [p.text for p in mandate.paragraphs] == [p.text for p in sample.mandate.paragraphs]


def test_another_mission_and_resolution():
    note = parse_note_bytes((DATA / "unmiss-south-sudan-2024-02-12.txt").read_bytes())
    assert note.title == "Update on women, peace and security in South Sudan"
    assert note.situation == "South Sudan"
    assert note.issued_on == date(2024, 2, 12)
    assert note.earlier_meetings == ("2016-07", "2018-11", "2021-03")
    assert [(r.line, r.addressee) for r in note.recommendations] == [
        (19, "security_council"),  # Renew the mission's mandate
        (20, "mission"),  # Request UNMISS to
        (21, "mission"),  # Mandate the mission to
        (24, "host_authorities"),  # Call on the Revitalized Transitional Government
        (25, "host_authorities"),  # Urge the South Sudanese authorities ..., and request UNMISS
        (26, "un_partners"),  # Request the Secretary-General
        (27, "security_council"),  # Decide that
        (29, "council_members"),  # Members of the Security Council could also ask
    ]
    assert note.recommendations[2].text.endswith(
        "to support the protection measures of the Revitalized Transitional Government of "
        "National Unity for them."
    )
    mandate = note.mandate
    assert (mandate.symbol, mandate.number, mandate.year, mandate.mission, mandate.expires_on) == (
        "S/RES/2677 (2023)",
        2677,
        2023,
        "UNMISS",
        date(2024, 4, 30),
    )
    assert [(p.kind, p.number, p.sub_item, p.position) for p in mandate.paragraphs] == [
        ("preambular", "1", "", 1),
        ("preambular", "2", "", 2),
        ("operative", "3", "", 3),
        ("operative", "3", "a", 4),
        ("operative", "3", "b", 5),
        ("operative", "3", "c", 6),
        ("operative", "4", "", 7),
        ("operative", "18", "", 8),
        ("operative", "25", "", 9),
        ("operative", "32", "", 10),
    ]
    texts = [p.text for p in mandate.paragraphs]
    assert texts[4].endswith("in consultation with women and their communities;")
    assert texts[8].endswith(
        "every 90 days, including on: (i) sexual and gender-based violence; (ii) the "
        "participation of women in the political process (...);"
    )


# --------------------------------------------------------------------------------------
# Addressee rules
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "addressee"),
    [
        ("Urge the transitional authorities to act.", "host_authorities"),
        ("Urge and support the Malian transitional authorities to act.", "host_authorities"),
        ("Call on the Malian transitional authorities to act.", "host_authorities"),
        ("Call upon the Government of Mali to act.", "host_authorities"),
        ("Urge the transitional authorities to act, and request the Mission to monitor.",
         "host_authorities"),
        ("Request the UN and international partners to act.", "un_partners"),
        ("Request the United Nations and international partners to act.", "un_partners"),
        ("Request the UN to support the authorities.", "un_partners"),
        ("Request the Secretary-General to report.", "un_partners"),
        ("Request the Mission to monitor.", "mission"),
        ("Request MINUSMA to monitor.", "mission"),
        ("Mandate the mission to support women's participation.", "mission"),
        ("Renew the mission's mandate with its WPS provisions.", "security_council"),
        ("Decide that the mandate shall include gender expertise.", "security_council"),
        ("The Security Council should continue to prioritize WPS.", "security_council"),
        ("In the negotiations, the Security Council should retain the language.",
         "security_council"),
        ("In addition, members of the Security Council could request information.",
         "council_members"),
        ("Council members may wish to ask the briefers about women's participation.",
         "council_members"),
    ],
)
def test_classify_addressee(text, addressee):
    assert classify_addressee(text, mission="MINUSMA") == addressee


# --------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------


def raises(data: bytes | str) -> NoteError:
    with pytest.raises(NoteError) as info:
        if isinstance(data, bytes):
            parse_note_bytes(data)
        else:
            parse_note(data)
    return info.value


def test_note_error_str():
    assert str(NoteError("bad", line=3)) == "line 3: bad"
    assert str(NoteError("bad")) == "bad"
    error = NoteError("bad", line=3)
    assert (error.message, error.line) == ("bad", 3)
    assert isinstance(error, ValueError)


def test_empty_file():
    error = raises(b"")
    assert "empty" in error.message and error.line is None


@pytest.mark.parametrize("data", [b"   \n\n\t \r\n", b"\xef\xbb\xbf\n\n"])
def test_whitespace_only(data):
    error = raises(data)
    assert "no text" in error.message and error.line is None


def test_binary_nul_byte():
    error = raises(b"Update on women, peace and security in Mali 28 March 2023\n\nabc\x00\x01\x02")
    assert "binary" in error.message and error.line == 3


def test_other_control_bytes_are_binary():
    error = raises(b"Title 28 March 2023\n\x1b[1mbold\n")
    assert "binary" in error.message and error.line == 2


def test_broken_pdf_is_named():
    # A PDF is read (tests/importing/test_pdf.py); one that cannot be read says so in a line.
    error = raises(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    assert "PDF" in error.message and "cannot be read" in error.message and "\n" not in str(error)


@pytest.mark.parametrize("newline", [b"\n", b"\r\n"])
def test_non_utf8_byte_names_its_line(newline):
    lines = sample_bytes().split(b"\n")
    lines[6] = lines[6].replace(b"discussed", b"discuss\xe9d")  # latin-1 "é" on line 7
    error = raises(newline.join(lines))
    assert "UTF-8" in error.message and "0xe9" in error.message
    assert error.line == 7
    assert str(error).startswith("line 7: ")


def test_file_over_five_megabytes():
    error = raises(sample_bytes() + b"\n" * MAX_NOTE_BYTES)
    assert "5 MB" in error.message and error.line is None


def test_file_of_exactly_five_megabytes_is_accepted(sample):
    data = sample_bytes()
    assert parse_note_bytes(data + b"\n" * (MAX_NOTE_BYTES - len(data))) == sample


def test_title_without_date():
    error = raises(with_lines({5: "Update on women, peace and security in Mali"}))
    assert "no date" in error.message and error.line == 5


def test_impossible_date():
    error = raises(with_lines({5: "Update on women, peace and security in Mali 31 February 2023"}))
    assert "not a valid date" in error.message and error.line == 5


def test_no_recommendations_section():
    error = raises(with_lines({96: "Our proposals"}))
    assert "Recommendations" in error.message and error.line == 116


def test_recommendations_section_with_nothing_in_it():
    text = with_lines(dict.fromkeys(range(97, 116)))
    error = raises(text)
    assert "no recommendation" in error.message and error.line == 96


def test_recommendations_section_with_only_a_bare_intro():
    text = with_lines({98: "The Security Council should:", **dict.fromkeys(range(99, 116))})
    error = raises(text)
    assert "no recommendation" in error.message and error.line == 96


def test_no_annex():
    text = "\n".join(sample_lines()[:115])
    error = raises(text)
    assert "ANNEX" in error.message and error.line is None


def test_annex_that_names_no_resolution():
    error = raises(with_lines({118: "Relevant language in the mandate of MINUSMA"}))
    assert "names no resolution" in error.message and error.line == 118


def test_empty_annex():
    error = raises("\n".join(sample_lines()[:116]))
    assert "names no resolution" in error.message and error.line == 116


def test_annex_without_mission_or_expiry():
    error = raises(with_lines({118: "Relevant language in resolution 2640 (2022)"}))
    assert "no mission" in error.message and error.line == 118
    error = raises(
        with_lines(
            {118: "Relevant language in resolution 2640 (2022) extending the mandate of MINUSMA"}
        )
    )
    assert "no expiry date" in error.message and error.line == 118


def test_resolution_with_no_paragraphs():
    error = raises("\n".join(sample_lines()[:118]))
    assert "no paragraphs" in error.message and error.line == 118


def test_paragraph_quoted_twice():
    error = raises(with_lines({126: sample_lines()[125].replace("7. ", "3. ", 1)}))
    assert "quoted twice" in error.message and error.line == 126
