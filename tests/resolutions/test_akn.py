"""The parser on the shipped files: figures checked by reading the XML."""

from __future__ import annotations

import datetime as dt

import pytest

from recommendations.importing.akn import ResolutionError, parse_date, parse_resolution
from tests.resolutions.conftest import xml

# (file, preambular paragraphs, numbered operative paragraphs, operative units with points and
# dashes, adopted on, expires on)
FIGURES = [
    ("2531-2020", 24, 65, 118, "2020-06-29", "2021-06-30"),
    ("2584-2021", 25, 63, 125, "2021-06-29", "2022-06-30"),
    ("2625-2022", 32, 31, 85, "2022-03-15", "2023-03-15"),
    ("2640-2022", 25, 59, 115, "2022-06-29", "2023-06-30"),
    ("2666-2022", 21, 46, 73, "2022-12-20", "2023-12-20"),
    ("2677-2023", 32, 33, 73, "2023-03-15", "2024-03-15"),
    ("2678-2023", 3, 6, 6, "2023-03-16", "2024-03-17"),
    ("2690-2023", 9, 9, 15, "2023-06-30", None),
    ("2717-2023", 23, 50, 79, "2023-12-19", "2024-12-20"),
]


@pytest.mark.parametrize(("name", "pp", "op", "units", "adopted", "expires"), FIGURES)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_counts_and_dates(name, pp, op, units, adopted, expires, language):
    parsed = parse_resolution(xml(f"{name}.{language}"))
    number, year = name.split("-")
    assert parsed.symbol == f"S/RES/{number} ({year})"
    assert parsed.language == language
    assert parsed.count("preambular") == pp
    assert len([u for u in parsed.units if u.kind == "operative" and not u.sub_item]) == op
    assert parsed.count("operative") == units
    assert str(parsed.adopted_on) == adopted
    assert (str(parsed.expires_on) if parsed.expires_on else None) == expires
    assert [u.position for u in parsed.units] == list(range(1, pp + units + 1))
    assert parsed.warnings == []


@pytest.mark.parametrize("name", [f[0] for f in FIGURES])
def test_french_pairs_with_english_by_label(name):
    en, fr = parse_resolution(xml(f"{name}.en")), parse_resolution(xml(f"{name}.fr"))
    assert [u.label for u in en.units] == [u.label for u in fr.units]


def test_labels_of_2640_as_the_annex_quotes_them():
    units = {u.label: u for u in parse_resolution(xml("2640-2022.en")).units}
    assert units["PP 9"].text.startswith("Underlining that lasting peace and security in the Sahel")
    assert units["PP 14"].text.startswith("Strongly condemning all violations and abuses")
    assert units["OP 26 (a)(iii) dash 2"].text.startswith("to support the cantonment, disarmament")
    assert units["OP 26 (a)(iii) dash 2"].eid == "para_179_list_point_a_sublist_point_iii_sublist_point_2"
    assert units["OP 26 (a)(vi)"].eid == "para_179_list_point_a_sublist_point_vi"
    assert units["OP 26 (a)(v)"].text.startswith("To encourage and support the full implementation")
    assert units["OP 26 (c)(iii)"].text.startswith("To provide specific protection and assistance for women")
    assert units["OP 26 (d)(ii)"].text.startswith("To monitor, document, conduct fact-finding missions")
    assert units["OP 41 dash 11"].text.startswith("to strengthen its sexual and gender-based violence")
    assert units["OP 41 dash 12"].text.startswith("to implement resolution 1325 (2000)")
    assert units["OP 26"].text == "Decides that MINUSMA’s mandate shall include the following priority tasks:"
    assert units["OP 57 (i)"].text.startswith("the situation in Mali")
    # Subheadings ("Priority tasks") are not paragraphs; an unnumbered text under a lettered
    # heading is part of that point.
    assert not any(u.text == "Priority tasks" for u in units.values())
    assert units["OP 26 (e)"].text.startswith("Humanitarian assistance In support of the Malian authorities")


def test_french_texts_of_2640():
    units = {u.label: u for u in parse_resolution(xml("2640-2022.fr")).units}
    assert units["PP 9"].text.startswith("Soulignant que l’instauration d’une paix")
    assert units["OP 41 dash 12"].text.startswith("Mettre en œuvre la résolution 1325 (2000)")
    assert not any(u.text == "Mandat de la MINUSMA" for u in units.values())  # a heading in a plain paragraph


def test_irregular_files_2584_and_2717():
    en = {u.label: u for u in parse_resolution(xml("2584-2021.en")).units}
    fr = {u.label: u for u in parse_resolution(xml("2584-2021.fr")).units}
    assert en["OP 31 (b)"].text.startswith("Cooperation with Sanctions Committees To assist and exchange")
    assert fr["OP 15"].text.startswith("Exhorte les autorités maliennes")  # its <num> was lost
    assert fr["OP 16"].text.startswith("Engage les autorités maliennes")  # nested in OP 15's last dash
    assert "OP 15 dash 3" in fr and "OP 15 dash 3" in en and "OP 15 dash 4" not in en
    fr_2717 = {u.label: u for u in parse_resolution(xml("2717-2023.fr")).units}
    assert fr_2717["OP 47 dash 7"].text.startswith("et prie également le Secrétaire général")


def test_mission_situation_and_termination():
    p2640 = parse_resolution(xml("2640-2022.en"))
    assert (p2640.mission, p2640.situation, p2640.terminates) == ("MINUSMA", "Mali", False)
    assert p2640.title.endswith("(MINUSMA) until 30 June 2023]")
    p2690 = parse_resolution(xml("2690-2023.en"))
    assert p2690.terminates and p2690.terminated_as_of == dt.date(2023, 6, 30) and p2690.expires_on is None
    assert parse_resolution(xml("2690-2023.fr")).terminates
    assert parse_resolution(xml("2677-2023.fr")).mission == "UNMISS"  # the French text says MINUSS
    assert parse_resolution(xml("2666-2022.en")).situation == "Democratic Republic of the Congo"
    assert parse_resolution(xml("2625-2022.en")).situation == "South Sudan"


def test_dates():
    assert parse_date("30 June 2023") == dt.date(2023, 6, 30)
    assert parse_date("June 30 2023") == dt.date(2023, 6, 30)
    assert parse_date("15 Mar. 2023") == dt.date(2023, 3, 15)
    assert parse_date("1er juillet 2023") == dt.date(2023, 7, 1)
    assert parse_date("20 décembre 2024") == dt.date(2024, 12, 20)


def test_title_is_only_a_cross_check():
    data = xml("2640-2022.en").replace(
        b"Security Council resolution 2640 (2022) [on extension", b"Security Council resolution 2604 (2022) [on extension"
    ).replace(b"(MINUSMA) until 30 June 2023]", b"(MINUSMA) until 30 June 2024]")
    parsed = parse_resolution(data)
    assert parsed.symbol == "S/RES/2640 (2022)" and parsed.expires_on == dt.date(2023, 6, 30)
    assert any("2604 (2022)" in w for w in parsed.warnings)
    assert any("30 June 2024" in w for w in parsed.warnings)


def test_unreadable_expiry_is_a_warning_not_an_error():
    data = xml("2678-2023.en").replace("to extend until 17\u00a0March 2024 the mandate".encode(), b"to prolong the mandate")
    parsed = parse_resolution(data)
    assert parsed.expires_on is None
    assert any("cannot be read" in w for w in parsed.warnings)


BAD = {
    "not xml": (b"%PDF-1.7 binary", "not XML"),
    "truncated": (None, "truncated"),
    "bomb": (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        b"<akomaNtoso>&lol2;</akomaNtoso>",
        "DTD or entities",
    ),
    "external entity": (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><akomaNtoso>&xxe;</akomaNtoso>',
        "DTD or entities",
    ),
    "another body": (None, "not of the Security Council"),
    "presidential statement": (None, "not a Security Council resolution"),
    "not akn": (b"<html><body>hello</body></html>", "not an Akoma Ntoso document"),
    "too big": (b"<a>" + b" " * (5 * 1024 * 1024) + b"</a>", "at most 5 MB"),
    "empty": (b"  ", "empty"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_is_one_line(case):
    data, expected = BAD[case]
    if case == "truncated":
        data = xml("2640-2022.en")[:50_000]
    elif case == "another body":
        data = xml("2640-2022.en").replace(b"/unsc/", b"/unga/")
    elif case == "presidential statement":
        data = xml("2640-2022.en").replace(b'<statement name="resolution">', b'<statement name="presidentialStatement">')
    with pytest.raises(ResolutionError) as info:
        parse_resolution(data)
    assert expected in str(info.value)
    assert "\n" not in str(info.value)
