"""An id no row can have (beyond the ids' 64-bit range) is a 404 or a refused filter, never a
500: SQLite cannot even take such a number as a parameter (OverflowError)."""

from __future__ import annotations

import pytest

BIG = "39118023016836063232"


@pytest.mark.parametrize("url,expected", [
    (f"/recommendations/{BIG}/", 404),
    (f"/mandates/{BIG}/", 404),
    (f"/reports/{BIG}/download/", 404),
    (f"/recommendations/?situation={BIG}", 400),
    (f"/recommendations/?paragraph={BIG}", 400),
    (f"/recommendations/?owner={BIG}", 400),
    (f"/recommendations/export.csv?situation={BIG}", 400),
    (f"/api/v1/recommendations/{BIG}/", 404),
    (f"/api/v1/recommendations/?situation={BIG}", 400),
    (f"/api/v1/updates/?recommendation=-{BIG}", 400),
    (f"/api/v1/updates/?situation={BIG}", 400),
])
def test_an_id_out_of_range_is_not_a_server_error(demo, client, url, expected):
    client.force_login(demo.secretariat)
    response = client.get(url)
    assert response.status_code == expected, url
    if url.startswith("/recommendations/") and expected == 400:
        assert "Select a valid choice" in response.content.decode()
