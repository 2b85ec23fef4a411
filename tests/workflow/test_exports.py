"""The CSV starts with a byte-order mark; the XLSX export has the same columns and rows."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from recommendations.models import Recommendation
from tests import factories


def test_xlsx_has_the_csvs_columns_and_rows(world, as_user):
    rec = factories.make_recommendations(world.rec.briefing, 1)[0]
    Recommendation.objects.filter(pk=rec.pk).update(text='=HYPERLINK("http://evil.example","x") — Côte d’Ivoire')
    for persona in ("secretariat", "expert"):
        client = as_user(persona)
        query = f"situation={world.mali.pk}&sort=-reference"
        raw = b"".join(client.get(f"/recommendations/export.csv?{query}").streaming_content)
        assert raw.startswith(b"\xef\xbb\xbf")
        from_csv = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        response = client.get(f"/recommendations/export.xlsx?{query}")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        assert response["Content-Disposition"].startswith('attachment; filename="recommendations-')
        assert response.streaming  # streamed as the rows are read, not built in memory
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)["Recommendations"]
        from_xlsx = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        assert from_xlsx == from_csv, persona
        assert len(from_xlsx) == 1 + 13  # header, the 12 of the note and one more
    # Bad filter: the one-line message, nothing exported.
    response = as_user("expert").get(f"/recommendations/export.xlsx?situation={world.south_sudan.pk}")
    assert response.status_code == 400 and response.content.decode().startswith("Bad filter, nothing exported.")


def test_the_list_links_both_exports(world, as_user):
    body = as_user("secretariat").get(f"/recommendations/?situation={world.mali.pk}").content.decode()
    assert f'href="/recommendations/export.csv?situation={world.mali.pk}"' in body
    assert f'href="/recommendations/export.xlsx?situation={world.mali.pk}"' in body


def test_export_rows_are_read_in_chunks_with_the_same_result(world, django_assert_num_queries):
    """csv_rows reads its rows a chunk at a time (issue 14: memory flat): the rows are the same
    whatever the chunk, and each chunk costs three queries (themes, owners, links)."""
    from recommendations.curation import selectors

    factories.make_recommendations(world.rec.briefing, 11, owners=[world.un_women])
    recs = selectors.filtered_recommendations(user=world.secretariat, filters={"sort": "reference"})
    whole = list(selectors.csv_rows(user=world.secretariat, recs=recs))
    assert len(whole) == 1 + recs.count() and len(whole) > 20
    with django_assert_num_queries(1 + 3 * 5):
        chunked = list(selectors.csv_rows(user=world.secretariat, recs=recs, chunk_size=(len(whole) - 1 + 4) // 5))
    assert chunked == whole


def test_xlsx_escapes_markup_and_drops_what_xml_cannot_hold(world, as_user):
    """The workbook is written by hand (web/xlsx.py): markup is text, and a control character
    that XML 1.0 refuses (pasted from a PDF) is dropped rather than breaking the file."""
    rec = factories.make_recommendations(world.rec.briefing, 1)[0]
    Recommendation.objects.filter(pk=rec.pk).update(text='Ask <b>all</b> "parties" & \x0bpartners\x01 ]]> now')
    response = as_user("secretariat").get(f"/recommendations/export.xlsx?situation={world.mali.pk}&q={rec.reference}")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book["Recommendations"].iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == rec.reference
    assert rows[1][3] == 'Ask <b>all</b> "parties" & partners ]]> now'
