"""Each printed recommendation of the report, as the page and the PDF write it
(reports.content.ItemWriter, the {% report_item %} tag): its title, text, facts, the paragraphs
it cites and its updates this cycle, every value from the database escaped, in English and in
French."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from recommendations.curation.services import record_status_update
from recommendations.models import StatusUpdate
from recommendations.people.language import set_user_language
from recommendations.reports import build_report_context
from tests.reports.conftest import REPORT_DAY

pytestmark = pytest.mark.django_db

MARKUP = '<b onclick="x()">bold</b> & “quoted”'
ESCAPED = "&lt;b onclick=&quot;x()&quot;&gt;bold&lt;/b&gt; &amp; “quoted”"
# Evidence: a short source kept on one line, a long one as it is.
LINK = "https://example.org/a-long-report-name?page=1&lang=en"


def _block(html: str, reference: str) -> str:
    """One recommendation's block: its title up to the next title (or the section's end)."""
    start = html.index(f"{reference} ", html.index('<h4 class="report-rec-title'))
    start = html.rindex("<h4", 0, start)
    end = html.find("<h4", start + 1)
    return html[start:end if end != -1 else html.index("</section>", start)]


@pytest.fixture
def marked_up(demo):
    """R02 (cited OP 3 and OP 14, suggested) with markup in its text and in an internal update's
    note, and author's name, and evidence."""
    rec = demo.recommendations[1]
    rec.text = MARKUP
    rec.save(update_fields=["text"])
    demo.secretariat.first_name, demo.secretariat.last_name = "<i>Ana</i>", "&"
    demo.secretariat.save(update_fields=["first_name", "last_name"])
    record_status_update(
        recommendation=rec, author=demo.secretariat, status="in_progress", note=MARKUP,
        evidence=["S/2023/236", LINK], visibility=StatusUpdate.Visibility.INTERNAL,
    )
    return demo


def _pdf_html(demo, audience: str) -> str:
    context = build_report_context(mandate=demo.mandate, audience=audience, today=REPORT_DAY)
    return render_to_string("reports/report_pdf.html", {**context, "is_pdf": True})


def test_the_page_and_the_pdf_escape_every_value_of_a_recommendation(marked_up, client):
    client.force_login(marked_up.secretariat)
    page = client.get(f"/mandates/{marked_up.mandate.pk}/report/?audience=secretariat").content.decode()
    pdf = _pdf_html(marked_up, "secretariat")
    for html in (page, pdf):
        block = _block(html, "MLI-2023-03-R02")
        assert MARKUP not in block and "<i>Ana" not in block
        assert f'<p class="report-rec-text">{ESCAPED}</p>' in block
        assert f"(&lt;i&gt;Ana&lt;/i&gt; &amp;; internal note): {ESCAPED} Evidence: " in block
        assert 'Evidence: <span class="report-nobreak">S/2023/236</span>; https://example.org/a-long-report-name?page=1&amp;lang=en</p>' in block


def test_the_page_links_and_folds_what_the_pdf_prints_plain(marked_up, client):
    client.force_login(marked_up.secretariat)
    page = _block(client.get(f"/mandates/{marked_up.mandate.pk}/report/?audience=secretariat").content.decode(),
                  "MLI-2023-03-R02")
    pdf = _block(_pdf_html(marked_up, "secretariat"), "MLI-2023-03-R02")
    # The page: an anchor, the status as a tag, the paragraphs linked to the annex, the
    # updates folded under their summary (the spaces between tags taken out, as ever).
    assert re.match(r'<h4 class="report-rec-title" id="rec-\d+">MLI-2023-03-R02 <span class="report-tag '
                    r'report-tag--in_progress">In progress</span><span class="report-renewal">For the renewal</span></h4>',
                    page)
    assert re.search(r'<a class="report-cite" href="#para-\d+">OP 3</a> \(suggested\), '
                     r'<a class="report-cite" href="#para-\d+">OP 14</a> \(suggested\)</p>', page)
    assert '<details class="report-updates"><summary>1 update this cycle (latest ' in page
    # The PDF: the status as words, the paragraphs by label, every update printed.
    assert pdf.startswith('<h4 class="report-rec-title report-rec-status report-rec-status--in_progress">'
                          "MLI-2023-03-R02 In progress")
    assert "· OP 3 (suggested), OP 14 (suggested)</p>" in pdf
    assert "<details" not in pdf and "report-cite" not in pdf and ' id="rec-' not in pdf


def test_a_french_reader_gets_the_words_in_french_and_the_texts_marked_english(marked_up, client):
    set_user_language(user=marked_up.secretariat, language="fr")
    client.force_login(marked_up.secretariat)
    page = client.get(f"/mandates/{marked_up.mandate.pk}/report/?audience=secretariat").content.decode()
    block = _block(page, "MLI-2023-03-R02")
    assert f'{ESCAPED} <span class="hint-inline">(en anglais)</span></p>' in block
    with translation.override("fr"):
        pdf = _block(_pdf_html(marked_up, "secretariat"), "MLI-2023-03-R02")
    # The colon with its no-break space, the visibility in French.
    assert f"\u00a0: {ESCAPED}" in pdf and "note interne" in pdf
    flagged = _block(page, "MLI-2023-03-R03")
    assert "Aucune mise à jour au cours de ce cycle." in flagged
