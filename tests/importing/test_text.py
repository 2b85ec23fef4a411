"""The scars of real notes in the text parser, and the rules for addressees and themes."""

from __future__ import annotations

import pytest

from recommendations.importing.addressees import classify_addressee
from recommendations.importing.layout import FURNITURE, mend_lines
from recommendations.importing.note import parse_note
from recommendations.importing.suggest import suggest_themes
from tests.importing.conftest import DATA, SAMPLE, without_lines

AFG = DATA / "notes" / "afg-unama-2024-02-26.txt"
COD = DATA / "notes" / "cod-monusco-2023-11-28.txt"
HTI = DATA / "notes" / "hti-binuh-2023-07-03.txt"


def test_sub_bullets_stay_with_their_numbered_recommendation():
    note = parse_note(AFG.read_text())
    assert len(note.recommendations) == 7
    first = note.recommendations[0].text.split("\n")
    assert first[0].endswith("with particular attention to:")
    assert [line[:12] for line in first[1:]] == ["- the implem", "- arbitrary ", "- gender-bas"]
    # The item cut by a "Page 2 of 3" footer is whole.
    assert note.recommendations[3].text.endswith("access to secondary and higher education and the right to work, "
                                                 "and to allow women to move freely and take part in public life.")


def test_word_processor_second_level_bullets_stay_with_their_item():
    rec = parse_note(HTI.read_text()).recommendations[1]
    assert rec.text.count("\no document") == 1 and rec.text.count("\no support") == 1


def test_lettered_items_under_a_recommendation_belong_to_it():
    text = SAMPLE.read_text().replace(
        "- Call on the Malian transitional authorities to facilitate the participation",
        "- Request the Mission to:\n(a) report on threats against women candidates;\n(b) support women's networks;\n"
        "- Call on the Malian transitional authorities to facilitate the participation",
    )
    recs = parse_note(text).recommendations
    assert len(recs) == 13
    assert recs[3].text == "Request the Mission to:\n(a) report on threats against women candidates;\n(b) support women's networks;"
    assert recs[3].addressee == "mission"


@pytest.mark.parametrize("furniture", ["Page 4 of 9", "4", "- 4 -", "16/17", "p. 4", "4 | Page"])
def test_page_furniture_between_two_halves_of_a_sentence_is_removed(furniture):
    text = SAMPLE.read_text()
    cut = "to respect a strict application of the law no. 052"
    mended = text.replace(cut, f"to respect a strict\n\n{furniture}\n\napplication of the law no. 052")
    mended = mended.replace("impact of climate-related shocks", f"impact of\n{furniture}\nclimate-related shocks")
    mended = mended.replace("(...) taking into account", f"(...)\n{furniture}\ntaking into account")
    assert without_lines(parse_note(mended)) == without_lines(parse_note(text))


def test_inline_page_footer_and_running_title_are_removed():
    text = SAMPLE.read_text()
    running = "IEG Update | Mali | March 2023"
    lines = text.split("\n")
    for at in (60, 110, 140):
        lines.insert(at, running)
    mended = "\n".join(lines).replace("in line with the recommendations", "in line with Page 3 of 8 the recommendations")
    assert without_lines(parse_note(mended)) == without_lines(parse_note(text))


def test_a_running_head_that_repeats_the_title_keeps_the_title():
    lines = ["Update on women, peace and security in Mali", "28 March 2023", "", "Text.", "",
             "Update on women, peace and security in Mali", "More text."]
    mended = mend_lines(lines)
    assert mended[0] == lines[0] and mended[5] == FURNITURE


def test_plain_and_bracketed_footnotes_are_dropped_with_their_markers():
    text = SAMPLE.read_text()
    plain = text.replace("Recommendations:³", "Recommendations:3").replace("³ These recommendations", "3 These recommendations")
    bracketed = text.replace("Recommendations:³", "Recommendations:[3]").replace("³ These recommendations", "[3] These recommendations")
    for variant in (plain, bracketed):
        assert without_lines(parse_note(variant)) == without_lines(parse_note(text))


def test_a_number_at_a_line_start_is_not_a_footnote_without_its_marker():
    lines = ["Women hold", "30 Percent of seats, said the report."]
    assert mend_lines(lines) == lines


@pytest.mark.parametrize("text,addressee", [
    ("Call for UNAMA and regional actors to ensure that women take part in all dialogues.", "mission"),
    ("Call for the Mission to support women candidates.", "mission"),
    ("Call for the inclusion of women in all talks.", "security_council"),
    ("Call on all UN entities to integrate gender analysis.", "un_partners"),
    ("Call upon all relevant partners to fund women's organisations.", "un_partners"),
    ("Encourage the Government of the DRC to enforce the parity law.", "host_authorities"),
    ("Encourage Member States to fund women-led organisations.", "un_partners"),
    ("Invite the Peacebuilding Commission to convene women mediators.", "un_partners"),
    ("Invite the African Union to deploy women observers.", "un_partners"),
    ("Ensure that the mission has gender advisers in every field office.", "mission"),
    ("Ensure that the transitional authorities meet the quota.", "host_authorities"),
    ("Ensure that the mandate keeps its references to women, peace and security.", "security_council"),
    ("Urge the Taliban to reverse the ban on girls' education.", "host_authorities"),
    # The parties to a conflict are national actors, not the Council (issue 11).
    ("Call upon all parties to end sexual violence and to release abducted women.", "host_authorities"),
    ("Urge the parties to the peace agreement to include women in its monitoring committee.", "host_authorities"),
    ("Call on all Sudanese parties to protect women's organisations.", "host_authorities"),
    ("Demand that armed groups release all women and girls they hold.", "host_authorities"),
    ("Urge all armed groups to release the women and girls they hold.", "host_authorities"),
    ("Call on the signatory movements to appoint women negotiators.", "host_authorities"),
    ("Encourage political parties to place women at the top of their lists.", "host_authorities"),
    # A party named after a preposition is not the one asked.
    ("Call for the inclusion of women in the talks between the parties.", "security_council"),
    ("Call for a ceasefire observed by all parties.", "security_council"),
])
def test_addressee_rules(text, addressee):
    assert classify_addressee(text, "UNAMA") == addressee


@pytest.mark.parametrize("text,present,absent", [
    ("Urge the transitional authorities to adopt a law on reparations.", [], ["elections"]),
    ("Support the political transition and the return to constitutional order.", ["elections"], []),
    ("Investigate serious violations of international humanitarian law.", [], ["displacement"]),
    ("Ensure humanitarian assistance reaches displaced women.", ["displacement"], []),
    ("Fund services for SGBV survivors.", ["sgbv"], []),
    ("Consult civil society and women’s organizations on the transition.", ["civil-society"], []),
    ("Support women-led organisations in the region.", ["civil-society"], []),
])
def test_theme_rules(text, present, absent):
    themes = suggest_themes(text)
    assert all(t in themes for t in present) and not any(t in themes for t in absent), themes


# Word's second-level "o" (issue 11): a bullet only where the layout shows a list.
O_NOTE = """Update on women, peace and security in Colombia 6 May 2024

The Informal Expert Group on Women, Peace and Security met on Colombia in April 2023.

Recommendations

1. Request the Verification Mission to report on the gender provisions of the Final Agreement, in particular:
o the land restitution cases brought by women;
o the security guarantees for women social leaders.
2. Urge the Government to fund the women's organisations that campaign under the slogan "juntas
o ninguna" in the regions where armed groups recruit girls.
3. Call on the Government to include women in the dialogues with armed groups:
   o in the delegations;
   o in the verification bodies.

In addition, members of the Council could ask the Special Representative about the campaign "juntas
o ninguna" and the threats against its organisers.

ANNEX

Relevant language in resolution 2673 (2023) extending the mandate of the Verification Mission until 31 October 2023

8. Requests the Verification Mission to verify the implementation of the gender provisions of the Final Agreement;
"""


def test_o_lines_under_a_list_item_are_its_sub_bullets_indented_or_not():
    recs = parse_note(O_NOTE).recommendations
    assert len(recs) == 4
    assert recs[0].text.split("\n")[1:] == [
        "o the land restitution cases brought by women;", "o the security guarantees for women social leaders.",
    ]
    assert recs[2].text.split("\n")[1:] == ["o in the delegations;", "o in the verification bodies."]


def test_an_o_wrapped_to_the_line_start_is_a_word_of_the_text():
    recs = parse_note(O_NOTE).recommendations
    assert recs[1].text == ('Urge the Government to fund the women\'s organisations that campaign under the slogan "juntas '
                            'o ninguna" in the regions where armed groups recruit girls.')
    assert recs[3].text.startswith("In addition, members of the Council could ask the Special Representative about the "
                                   'campaign "juntas o ninguna" and the threats')
    assert recs[3].addressee == "council_members"


def test_a_run_of_o_items_is_a_list_of_its_own():
    text = O_NOTE.replace("In addition, members", "The Council could also:\no ask about the campaign;\no visit Colombia.\n\nIn addition, members")
    recs = parse_note(text).recommendations
    assert [r.text for r in recs[3:5]] == ["ask about the campaign;", "visit Colombia."]


def test_a_compound_broken_at_a_line_end_is_whole_whatever_the_case_of_its_rest():
    """A PDF breaks "Secretary-General" and "under-represented" at the hyphen; a suspended
    hyphen ("troop-" / "and police-contributing") keeps its space."""
    text = O_NOTE.replace(
        "8. Requests the Verification Mission to verify",
        "8. Requests the Secretary-\nGeneral and the troop-\nand police-contributing countries to count the under-\nrepresented women and to verify",
    )
    paragraph = parse_note(text).mandate.paragraphs[0]
    assert paragraph.text.startswith(
        "Requests the Secretary-General and the troop- and police-contributing countries to count the under-represented women"
    )
