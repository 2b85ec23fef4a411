"""The API's pages are reachable from the app, not only by knowing their addresses."""

from __future__ import annotations


def test_the_header_links_to_tokens_and_the_dashboard_to_each_situations_export(demo, client):
    client.force_login(demo.expert)
    page = client.get("/").content.decode()
    assert '<a href="/account/tokens/">API and calendar</a>' in page
    export = f'/situations/{demo.mali.pk}/export.json'
    assert f'<a href="{export}" download>all of it as JSON</a>' in page
    assert client.get(export).status_code == 200
