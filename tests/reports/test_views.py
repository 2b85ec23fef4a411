"""Who may read the report page, generate a version, poll it and download it, persona by persona."""

from __future__ import annotations

import pytest

from recommendations.models import ProgressReport
from recommendations.reports import create_progress_report, generate_progress_report

pytestmark = pytest.mark.django_db

SEE_MALI = ["secretariat", "focalpoint", "mission", "expert"]
NOT_MALI = ["outsider", "ssd_expert", "nobody"]


def _as(client, personas, name):
    client.logout()
    if name != "anonymous":
        client.force_login(getattr(personas, name))
    return client


def _assert_login_redirect(response):
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_report_page(personas, client):
    url = f"/mandates/{personas.mandate.pk}/report/"
    for name in SEE_MALI:
        response = _as(client, personas, name).get(url)
        assert response.status_code == 200, name
        assert "For Council experts" in response.content.decode()
        expected = 200 if name == "secretariat" else 404
        assert _as(client, personas, name).get(url + "?audience=secretariat").status_code == expected, name
    for name in NOT_MALI:
        assert _as(client, personas, name).get(url).status_code == 404, name
        assert _as(client, personas, name).get(url + "?audience=secretariat").status_code == 404, name
    _assert_login_redirect(_as(client, personas, "anonymous").get(url))
    # The secretariat version says what it is, and no such mandate is a 404 for everyone.
    page = _as(client, personas, "secretariat").get(url + "?audience=secretariat").content.decode()
    assert "Secretariat internal" in page
    assert _as(client, personas, "secretariat").get("/mandates/999999/report/").status_code == 404


def test_unknown_audience_is_a_clear_400(personas, client):
    response = _as(client, personas, "secretariat").get(f"/mandates/{personas.mandate.pk}/report/?audience=public")
    assert response.status_code == 400
    assert response.content.decode() == "Unknown audience “public”: use council or secretariat."


def test_generate(personas, client, django_capture_on_commit_callbacks):
    url = f"/mandates/{personas.mandate.pk}/report/generate/"
    page = f"/mandates/{personas.mandate.pk}/"
    expected = {
        # (council, secretariat)
        "secretariat": (302, 302),
        "expert": (302, 403),
        "focalpoint": (403, 403),
        "mission": (403, 403),
        "outsider": (404, 404),
        "ssd_expert": (404, 404),
        "nobody": (404, 404),
    }
    made = 0
    for name, (council, secretariat) in expected.items():
        for audience, status in (("council", council), ("secretariat", secretariat)):
            before = ProgressReport.objects.count()
            with django_capture_on_commit_callbacks(execute=True):
                response = _as(client, personas, name).post(url, {"audience": audience, "next": page})
            assert response.status_code == status, (name, audience)
            if status == 302:
                made += 1
                report = ProgressReport.objects.latest("id")
                assert response["Location"] == f"{page}#report-{report.pk}"
                assert (report.audience, report.requested_by.username) == (audience, name)
                # The task is queued on commit; Celery is eager in tests, so it has run.
                assert (report.state, report.progress) == ("done", 100)
            else:
                assert ProgressReport.objects.count() == before
    assert ProgressReport.objects.count() == made == 3

    anonymous = _as(client, personas, "anonymous").post(url, {"audience": "council"})
    _assert_login_redirect(anonymous)
    # GET is not a way to generate; a foreign "next" is not followed; a bad audience changes nothing.
    assert _as(client, personas, "secretariat").get(url).status_code == 405
    response = _as(client, personas, "secretariat").post(url, {"audience": "council", "next": "https://evil.example/"})
    assert response["Location"].startswith(f"/mandates/{personas.mandate.pk}/report/?audience=council#report-")
    response = _as(client, personas, "secretariat").post(url, {"audience": "public"})
    assert response.status_code == 400
    assert ProgressReport.objects.count() == 4


@pytest.fixture
def versions(personas):
    done = {}
    for audience in ("council", "secretariat"):
        report = create_progress_report(mandate=personas.mandate, audience=audience, requested_by=personas.secretariat)
        done[audience] = generate_progress_report(report_id=report.pk)
    return done


def test_download_and_status(personas, client, versions):
    council, secretariat = versions["council"], versions["secretariat"]
    for name in SEE_MALI + NOT_MALI:
        response = _as(client, personas, name).get(f"/reports/{council.pk}/download/")
        if name in SEE_MALI:
            assert response.status_code == 200, name
            assert response["Content-Type"] == "application/pdf"
            assert response["Content-Disposition"] == f'attachment; filename="s-res-2640-2022-council-v{council.pk}.pdf"'
            assert b"".join(response.streaming_content).startswith(b"%PDF-")
            status = client.get(f"/reports/{council.pk}/status.json").json()
            assert status["download_url"] == f"/reports/{council.pk}/download/"
            assert status["sha256"] == council.sha256
        else:
            assert response.status_code == 404, name
            assert client.get(f"/reports/{council.pk}/status.json").status_code == 404, name
        # Only the secretariat reads the secretariat version.
        expected = 200 if name == "secretariat" else 404
        assert _as(client, personas, name).get(f"/reports/{secretariat.pk}/download/").status_code == expected, name
        assert client.get(f"/reports/{secretariat.pk}/status.json").status_code == expected, name
    _assert_login_redirect(_as(client, personas, "anonymous").get(f"/reports/{council.pk}/download/"))
    _assert_login_redirect(client.get(f"/reports/{council.pk}/status.json"))


def test_versions_block_lists_what_each_may_read(personas, client, versions):
    council, secretariat = versions["council"], versions["secretariat"]
    url = f"/mandates/{personas.mandate.pk}/report/"
    page = _as(client, personas, "secretariat").get(url).content.decode()
    assert page.count("Download PDF") == 2
    assert council.sha256 in page and secretariat.sha256 in page
    assert 'name="audience" id="report-audience-secretariat"' in page
    assert "Generate report" in page

    page = _as(client, personas, "expert").get(url).content.decode()
    assert page.count("Download PDF") == 1
    assert council.sha256 in page and secretariat.sha256 not in page
    assert '<input type="hidden" name="audience" value="council">' in page
    assert "Generate report" in page

    page = _as(client, personas, "focalpoint").get(url).content.decode()
    assert page.count("Download PDF") == 1
    assert "Generate report" not in page


def test_mandate_page_holds_the_reports_block(personas, client, versions):
    url = f"/mandates/{personas.mandate.pk}/"
    page = _as(client, personas, "secretariat").get(url).content.decode()
    assert '<section class="section report-panel" id="reports"' in page
    assert "Generate report" in page and page.count("Download PDF") == 2
    assert f'<input type="hidden" name="next" value="{url}">' in page
    page = _as(client, personas, "mission").get(url).content.decode()
    assert "Generate report" not in page and page.count("Download PDF") == 1
