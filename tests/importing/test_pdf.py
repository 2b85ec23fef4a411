"""A note's PDF imports exactly as its text does: notes printed here with a running title,
"Page N of M" footers, footnotes at the foot of the page and paragraphs cut by page ends."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from recommendations.importing.decode import decode_note
from recommendations.importing.note import parse_note, parse_note_bytes
from recommendations.importing.parsed import NoteError
from recommendations.models import Briefing, Recommendation
from tests.importing.conftest import NOTES, SAMPLE, without_lines
from tests.importing.render import note_pdf


@pytest.fixture(scope="module")
def pdfs() -> dict[str, bytes]:
    return {path.name: note_pdf(path.read_text()) for path in NOTES}


@pytest.mark.parametrize("path", NOTES, ids=lambda p: p.name)
def test_pdf_parses_as_its_text(path, pdfs):
    data = pdfs[path.name]
    assert data.startswith(b"%PDF-")
    assert without_lines(parse_note_bytes(data)) == without_lines(parse_note(path.read_text()))


def test_pdf_text_has_no_furniture_nor_footnote_text(pdfs):
    text = decode_note(pdfs[SAMPLE.name])
    assert "Page 1 of" not in text and "IEG update note" not in text
    assert "These recommendations are prepared by UN Women" not in text  # footnote 3
    assert "¹" in text  # the marker stays a superscript, which the parser drops


def test_the_sample_pdf_has_a_recommendation_cut_by_a_page_end(pdfs):
    """The test is only worth something if a page ends inside a recommendation or an annex
    paragraph: check the printed sample has such a cut."""
    import io

    import pypdf

    pages = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdfs[SAMPLE.name])).pages]
    assert len(pages) >= 5
    cut = [p for p in pages[:-1] if not p.rstrip().rsplit("\n", 1)[0].rstrip().endswith((".", ",", ";", ":"))]
    assert cut, "no page of the printed sample ends mid-sentence"


def test_a_longer_note_still_parses_the_same():
    text = SAMPLE.read_text()
    data = note_pdf(text, pad=6)
    assert without_lines(parse_note_bytes(data))["recommendations"] == without_lines(parse_note(text))["recommendations"]


@pytest.mark.django_db
def test_command_imports_the_pdf(tmp_path, pdfs):
    path = tmp_path / "note.pdf"
    path.write_bytes(pdfs[SAMPLE.name])
    out = StringIO()
    call_command("import_ieg_update", str(path), stdout=out)
    assert Recommendation.objects.count() == 12
    assert Briefing.objects.get().issued_on.isoformat() == "2023-03-28"
    call_command("import_ieg_update", str(path), stdout=out)  # the same PDF again
    assert Briefing.objects.count() == 1 and "nothing changed" in out.getvalue()


def test_a_pdf_without_text_says_so():
    import weasyprint

    empty = weasyprint.HTML(string="<html><body><div style='height:5cm'></div></body></html>").write_pdf()
    with pytest.raises(NoteError, match="holds no text"):
        decode_note(empty)


@pytest.mark.django_db
def test_a_broken_pdf_is_one_line_and_writes_nothing(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nnonsense")
    with pytest.raises(CommandError) as excinfo:
        call_command("import_ieg_update", str(path), stdout=StringIO())
    assert "\n" not in str(excinfo.value) and "PDF" in str(excinfo.value)
    assert Briefing.objects.count() == 0


def test_o_sub_bullets_and_an_o_in_the_text_import_from_the_pdf_as_from_the_text():
    """Word's "o" bullets (indented or not) stay lines of their item, and a quoted "o" that
    the text file wraps to a line start stays a word, in the printed note as in its text."""
    from tests.importing.test_text import O_NOTE

    data = note_pdf(O_NOTE, running="")  # one page: a running title would be known only by its return
    pdf_note = parse_note_bytes(data)
    assert without_lines(pdf_note) == without_lines(parse_note(O_NOTE))
    assert [len(r.text.split("\n")) for r in pdf_note.recommendations] == [3, 1, 3, 1]
    assert 'slogan "juntas o ninguna" in the regions' in pdf_note.recommendations[1].text
