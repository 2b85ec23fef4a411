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
        sheet = load_workbook(io.BytesIO(response.content), read_only=True)["Recommendations"]
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
