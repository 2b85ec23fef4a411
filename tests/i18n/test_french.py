"""French everywhere (issue 16): the messages file is complete and in step with the code; a
French focal point's journey; a French digest; a French PDF read back; English unchanged."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from pypdf import PdfReader

from recommendations.models import Mandate, ProgressReport, Recommendation
from recommendations.people.language import set_user_language
from tests.conftest import PASSWORD
from tests.reminders.conftest import run_day

PO = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def _msgids(path: Path) -> dict[str, bool]:
    """{msgid: translated?} of a .po file, read by gettext's own msgattrib-free parser."""
    entries: dict[str, bool] = {}
    text = path.read_text(encoding="utf-8")
    for block in text.split("\n\n")[1:]:
        fuzzy = "#, fuzzy" in block or re.search(r"^#,.*\bfuzzy\b", block, re.M) is not None
        strings = re.findall(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) ((?:".*"\n?)+)', block + "\n", re.M)
        parts = {key: "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', value)) for key, value in strings}
        if "msgid" not in parts:
            continue
        translated = all(v for k, v in parts.items() if k.startswith("msgstr")) and not fuzzy
        entries[parts["msgid"]] = translated
    return entries


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is not installed (scripts/ensure-system-deps)")
def test_the_french_messages_are_complete_and_in_step_with_the_code(tmp_path):
    committed = _msgids(PO)
    assert committed, "no messages"
    untranslated = [msgid for msgid, ok in committed.items() if not ok]
    assert untranslated == [], f"untranslated or fuzzy: {untranslated[:10]}"
    # makemessages over a copy of the project: the msgids the code has now.
    copy = tmp_path / "project"
    base = Path(settings.BASE_DIR)
    for name in ("recommendations", "templates", "wpsfollowup", "manage.py"):
        source = base / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy(source, copy / name)
    (copy / "locale").mkdir()
    call_makemessages(copy)
    fresh = _msgids(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po")
    assert sorted(set(fresh) - set(committed)) == [], "run makemessages -l fr and translate the new messages"
    assert sorted(set(committed) - set(fresh)) == [], "the .po has messages the code no longer uses: run makemessages"
    mo = PO.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= PO.stat().st_mtime - 1, "compile the messages: manage.py compilemessages"


def call_makemessages(copy: Path) -> None:
    import os
    import sys

    env = {**os.environ, "DEBUG": "1", "PYTHONPATH": str(copy)}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "--no-location", "--no-wrap",
         "--ignore=templates/drf_spectacular/*"],
        cwd=copy, check=True, capture_output=True, env=env,
    )


@pytest.fixture(autouse=True)
def _no_language_left_active():
    """A request's language stays active in the thread after it (Django's LocaleMiddleware does
    not undo it): the tests after these ones must not inherit French."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def french_mission(demo):
    user = User.objects.get(username="mission")
    set_user_language(user=user, language="fr")
    return user


def test_a_french_focal_point_reads_french_pages_and_records_an_update(client, french_mission):
    assert client.login(username="mission", password=PASSWORD)
    page = client.get("/").content.decode()
    assert '<html lang="fr">' in page and "Ce qui demande votre attention" in page and "Tableau de bord" in page
    page = client.get("/recommendations/").content.decode()
    assert "Filtrer et trier" in page and "Non commencée" in page
    rec = Recommendation.objects.filter(owners__name="MINUSMA").first()
    page = client.get(f"/recommendations/{rec.pk}/").content.decode()
    assert "Enregistrer une mise à jour de l'état" in page or "Enregistrer la mise à jour" in page
    response = client.post(f"/recommendations/{rec.pk}/updates/", {
        "update-status": "partial", "update-note": "Fait à moitié.", "update-visibility": "internal",
    }, follow=True)
    assert "Mise à jour enregistrée : partiellement mise en œuvre." in response.content.decode()
    mandate = Mandate.objects.get(symbol="S/RES/2640 (2022)")
    page = client.get(f"/mandates/{mandate.pk}/report/").content.decode()
    assert "Rapport d'étape" in page and "Chiffres clés" in page and "30 juin 2023" in page


def test_the_header_switch_changes_the_session_language_and_english_stays_the_default(client, demo):
    assert client.login(username="focalpoint", password=PASSWORD)
    assert "What needs attention" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "fr"})
    assert "Ce qui demande votre attention" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en"})
    assert "What needs attention" in client.get("/").content.decode()


def test_the_language_page_saves_the_choice(client, demo):
    assert client.login(username="focalpoint", password=PASSWORD)
    assert client.get("/account/language/").status_code == 200
    response = client.post("/account/language/", {"language": "fr"}, follow=True)
    assert "Votre langue est enregistrée." in response.content.decode()
    assert client.post("/account/language/", {"language": "de"}).status_code == 400


def test_a_french_digest_has_a_french_subject_and_body_and_the_english_one_is_unchanged(french_mission):
    sent = {m.to[0]: m for m in run_day(dt.date(2023, 5, 31))}
    french = sent["mission@example.org"]
    assert french.subject == (
        "Mali : 30 jours avant le renouvellement du mandat MINUSMA — 1 recommandation attend votre mise à jour"
    )
    assert "Enregistrer une mise à jour" in french.body and "30 juin 2023" in french.body
    english = sent["focalpoint@example.org"]
    assert english.subject == "Mali: 30 days to the renewal of MINUSMA's mandate — 11 recommendations need your update"
    assert "Record an update" in english.body


def test_a_french_pdf_reads_french(demo, tmp_path):
    out = tmp_path / "fr.pdf"
    call_command("generate_report", mandate="S/RES/2640 (2022)", audience="council", language="fr",
                 output=str(out), stdout=io.StringIO())
    text = " ".join(page.extract_text() for page in PdfReader(str(out)).pages)
    assert "Rapport d" in text and "Chiffres clés" in text and "juin 2023" in text
    assert ProgressReport.objects.get().language == "fr"


def test_mandate_paragraphs_show_in_french_where_the_resolution_has_a_french_text(client, french_mission):
    from recommendations.models import MandateParagraph

    mandate = Mandate.objects.get(symbol="S/RES/2640 (2022)")
    first, second = MandateParagraph.objects.filter(mandate=mandate).order_by("position")[:2]
    MandateParagraph.objects.filter(pk=first.pk).update(text_fr="Rappelant ses résolutions sur les femmes et la paix et la sécurité")
    assert client.login(username="mission", password=PASSWORD)
    page = client.get(f"/mandates/{mandate.pk}/").content.decode()
    assert '<span lang="fr">Rappelant ses résolutions sur les femmes et la paix et la sécurité</span>' in page
    assert f'<span lang="en">{second.text[:30]}' in page and "(en anglais)" in page
    client.post("/i18n/setlang/", {"language": "en"})
    page = client.get(f"/mandates/{mandate.pk}/").content.decode()
    assert "Rappelant ses résolutions" not in page and "(in English)" not in page


def test_a_recommendation_stays_in_its_language_labelled_for_a_french_reader(client, french_mission):
    rec = Recommendation.objects.filter(owners__name="MINUSMA").first()
    assert client.login(username="mission", password=PASSWORD)
    page = client.get(f"/recommendations/{rec.pk}/").content.decode()
    assert "(en anglais)" in page and rec.text[:40] in page


def test_the_secretariat_invites_someone_in_french(client, demo):
    assert client.login(username="secretariat", password=PASSWORD)
    response = client.post("/people/invite/", {
        "invite-email": "awa@example.org", "invite-first_name": "Awa", "invite-role": "expert", "invite-language": "fr",
    })
    assert response.status_code == 302
    assert User.objects.get(email="awa@example.org").profile.language == "fr"


def _language_radio(page: str, value: str) -> str:
    match = re.search(rf'<input type="radio" name="language" id="report-language-{value}"[^>]*>', page)
    assert match, f"no {value} radio on the generate form"
    return match.group()


def test_the_generate_form_picks_the_report_language_default_the_page_language(client, demo):
    mandate = Mandate.objects.get(symbol="S/RES/2640 (2022)")
    url = f"/mandates/{mandate.pk}/"
    assert client.login(username="secretariat", password=PASSWORD)
    page = client.get(url).content.decode()
    assert "Language of the report" in page
    assert "checked" in _language_radio(page, "en") and "checked" not in _language_radio(page, "fr")
    client.post("/i18n/setlang/", {"language": "fr"})
    page = client.get(url).content.decode()
    assert "Langue du rapport" in page
    assert "checked" in _language_radio(page, "fr") and "checked" not in _language_radio(page, "en")
    # From a French page, an English report; from an English one, a French report.
    client.post(f"{url}report/generate/", {"audience": "council", "language": "en", "next": url})
    client.post("/i18n/setlang/", {"language": "en"})
    client.post(f"{url}report/generate/", {"audience": "council", "language": "fr", "next": url})
    assert list(ProgressReport.objects.order_by("pk").values_list("language", flat=True)) == ["en", "fr"]
    page = client.get(url).content.decode()
    assert '<span class="hint-inline" lang="fr">(Français)</span>' in page
    assert '<span class="hint-inline" lang="en">(English)</span>' in page
    # No language field (an older form): the page's language. An unknown one: a clear 400, nothing made.
    client.post(f"{url}report/generate/", {"audience": "council", "next": url})
    assert ProgressReport.objects.order_by("-pk").first().language == "en"
    response = client.post(f"{url}report/generate/", {"audience": "council", "language": "de", "next": url})
    assert response.status_code == 400 and "Unknown language “de”" in response.content.decode()
    assert ProgressReport.objects.count() == 3


@pytest.mark.parametrize("name", ["Mali", "Haïti"])
def test_french_sentences_need_no_preposition_before_the_situation_name(client, french_mission, name):
    """"au Mali" but "en Haïti": the French sentences name the situation on its own."""
    from recommendations.models import Situation

    Situation.objects.filter(name="Mali").update(name=name)
    sent = {m.to[0]: m for m in run_day(dt.date(2023, 5, 31))}
    french = sent["mission@example.org"]
    assert french.subject.startswith(f"{name} : 30 jours avant le renouvellement du mandat MINUSMA — ")
    body = french.body + french.alternatives[0][0]
    assert f"Situation « {name} » : le mandat MINUSMA (S/RES/2640 (2022)) arrive à renouvellement" in body
    assert f"(situation : {name})" in body
    assert "Cette recommandation en cours de votre entité n'a fait l'objet d'aucune mise à jour de l'état au cours de ce cycle." in body
    for preposition in ("au", "en", "du", "de la", "sur la situation au"):
        assert f" {preposition} {name}" not in body
    english = sent["focalpoint@example.org"]
    assert f"MINUSMA's mandate (S/RES/2640 (2022)) on {name} comes up for renewal" in english.body
    # The report's title and its empty state, in French.
    assert client.login(username="mission", password=PASSWORD)
    mandate = Mandate.objects.get(symbol="S/RES/2640 (2022)")
    page = client.get(f"/mandates/{mandate.pk}/report/").content.decode()
    assert ("Rapport d'étape sur les recommandations relatives aux femmes et à la paix et à la sécurité : "
            f"{name}") in page


def test_french_report_sentences_are_whole(client, french_mission):
    """The cover's figures read as French sentences, not English word order glued from pieces."""
    assert client.login(username="mission", password=PASSWORD)
    mandate = Mandate.objects.get(symbol="S/RES/2640 (2022)")
    page = re.sub(r"<[^>]+>", "", client.get(f"/mandates/{mandate.pk}/report/").content.decode())
    assert "0 mise à jour au cours de ce cycle communiquée aux experts du Conseil" in page
    assert "12 sur 12 recommandations toujours en cours (12 non commencées)" in page
    assert ", portant sur 0 recommandations sur 12 ; 12 sans aucune." in page
    assert "recommandations en cours proposent un libellé pour la résolution qui renouvellera la S/RES/2640 (2022)" in page
    assert ("recommandations sur 12 n'ont fait l'objet d'aucune mise à jour communiquée aux experts du Conseil depuis le "
            "28 mars 2023\u00a0: MLI-2023-03-R01") in page
    for fragment in (" of S/RES", " of 12", "(latest", "(under", "· to the", "Generated "):
        assert fragment not in page, fragment
    page = re.sub(r"<[^>]+>", "", client.get(f"/mandates/{mandate.pk}/").content.decode())
    assert ": paragraphes couverts par les recommandations" in page
    assert "22 cités, dont 13 qu'aucune recommandation ne couvre" in page


def test_the_missed_reminders_email_is_said_in_the_secretarys_language(demo):
    from recommendations.models import Reminder

    set_user_language(user=User.objects.get(username="secretariat"), language="fr")
    assert run_day(dt.date(2023, 5, 20)) == []
    missed = [m for m in run_day(dt.date(2023, 6, 10)) if m.to == ["secretariat@example.org"]]
    assert [m.subject for m in missed] == [
        "Rappels non envoyés : 1 rappel était dû alors qu'aucun passage des rappels n'a eu lieu (passage du 10 juin 2023)"
    ]
    body = missed[0].body
    assert ("- 31 mai 2023\u00a0: Mali (MINUSMA, S/RES/2640 (2022)) : les récapitulatifs adressés aux points focaux "
            "30 jours avant le renouvellement (trop tard pour les envoyer)") in body
    assert "chacun a plus de 7 jours de retard" in body
    # The row keeps the facts, not an English sentence.
    (line,) = Reminder.objects.get(kind=Reminder.Kind.MISSED).payload["missed"]
    assert line == {"day": "2023-05-31", "where": "Mali (MINUSMA, S/RES/2640 (2022))", "days_before": 30, "superseded_by": None}


def test_csv_and_xlsx_headers_follow_the_readers_language_and_the_values_stay_the_same(client, french_mission):
    """Only the header row is translated: the values are the same in every language, so what reads them keeps working."""
    from openpyxl import load_workbook

    assert client.login(username="mission", password=PASSWORD)
    csv_text = b"".join(client.get("/recommendations/export.csv").streaming_content).decode("utf-8-sig")
    header, first = csv_text.splitlines()[:2]
    assert header == (
        "référence,situation,date de la note,texte,destinataire,thèmes,entités responsables,paragraphes du mandat,"
        "échéance,état,dernière mise à jour,suite donnée par le Conseil,sans mise à jour récente,en retard,"
        "dernière note,date de la dernière note"
    )
    assert ",Security Council," in first and ",Not started," in first and ",Pending,no,yes," in first
    sheet = load_workbook(io.BytesIO(b"".join(client.get("/recommendations/export.xlsx").streaming_content))).active
    assert sheet.title == "Recommandations" and sheet["A1"].value == "référence" and sheet["J2"].value == "Not started"
    client.post("/i18n/setlang/", {"language": "en"})
    csv_text = b"".join(client.get("/recommendations/export.csv").streaming_content).decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("reference,situation,briefing date,text,addressee,themes,owners,")


def test_commands_speak_the_active_language_and_english_by_default(demo, tmp_path):
    from django.utils import translation

    from recommendations.demo import SAMPLE_NOTE as note
    out = io.StringIO()
    call_command("send_reminders", today="2023-05-31", dry_run=True, stdout=out)
    assert out.getvalue().startswith("Reminder pass for Wednesday 31 May 2023 (dry run):")
    assert "email(s) would be sent; nothing was sent or recorded." in out.getvalue()
    with translation.override("fr"):
        out = io.StringIO()
        call_command("send_reminders", today="2023-05-31", dry_run=True, stdout=out)
        assert out.getvalue().startswith("Passage des rappels du mercredi 31 mai 2023 (à blanc) :")
        assert "rien n'a été envoyé ni enregistré." in out.getvalue()
        out = io.StringIO()
        call_command("import_ieg_update", str(note), dry_run=True, stdout=out)
        assert "Déjà importée le" in out.getvalue() and "rien n'a changé." in out.getvalue()
        with pytest.raises(Exception, match="aucun mandat de ce nom n'est enregistré"):
            call_command("suggest_uptake", renewal="S/RES/1 (1946)", stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_ieg_update", str(note), dry_run=True, stdout=out)
    assert out.getvalue().startswith("Already imported on ")


def test_import_errors_are_said_in_the_page_language(client, demo):
    assert client.login(username="secretariat", password=PASSWORD)
    client.post("/i18n/setlang/", {"language": "fr"})
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("note.txt", b"PK\x03\x04 not a note", content_type="text/plain")
    page = client.post("/import/", {"note": bad}).content.decode()
    assert "le fichier est un fichier ZIP ou Word (.docx), pas du texte brut" in page
    xml = SimpleUploadedFile("r.xml", b"<akomaNtoso><x/></akomaNtoso>", content_type="text/xml")
    page = html.unescape(client.post("/import/", {"note": xml}).content.decode())
    assert "n'est pas un document Akoma Ntoso" in page or "pas d'URI d'œuvre FRBR" in page


def test_the_invitation_email_is_in_the_invited_persons_language(client, demo, django_capture_on_commit_callbacks):
    from django.core import mail

    assert client.login(username="secretariat", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/people/invite/", {
            "invite-email": "awa@example.org", "invite-first_name": "Awa", "invite-role": "expert", "invite-language": "fr",
        })
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/people/invite/", {
            "invite-email": "ann@example.org", "invite-first_name": "Ann", "invite-role": "expert", "invite-language": "en",
        })
    french, english = mail.outbox[-2:]
    assert french.subject == "Votre compte Suivi FPS"
    assert "vous a invité(e) sur Suivi FPS en tant qu'expert(e) du Conseil." in french.body
    assert "Choisissez votre mot de passe ici" in french.body
    assert english.subject == "Your WPS follow-up account" and "has invited you to WPS follow-up as a Council expert." in english.body


def test_theme_names_are_shown_in_french_and_stay_english_in_the_data(client, french_mission):
    from recommendations.importing.suggest import THEMES
    from recommendations.models import Theme
    from recommendations.words import THEME_NAMES

    assert set(THEME_NAMES) == {name for name, _stems in THEMES.values()}
    rec = Recommendation.objects.filter(owners__name="MINUSMA", themes__slug="civil-society").first()
    assert client.login(username="mission", password=PASSWORD)
    page = html.unescape(client.get(f"/recommendations/{rec.pk}/").content.decode())
    assert "Société civile et organisations de femmes" in page
    assert Theme.objects.get(slug="civil-society").name == "Civil society and women's organizations"
    api = client.get(f"/api/v1/recommendations/{rec.pk}/").json()
    assert "civil-society" in api["themes"]


def test_every_secretariat_page_renders_in_french(client, demo):
    """Each page the secretariat reaches, in French: whole French sentences where English ones
    were glued from pieces before (the renewal pages with a real renewal chain)."""
    from recommendations.importing.resolution import import_resolution
    from tests.resolutions.conftest import xml

    for name in ("2584-2021.en", "2640-2022.en"):
        import_resolution(data=xml(name))
    new = Mandate.objects.get(number=2640)
    rec = Recommendation.objects.order_by("pk").first()
    assert client.login(username="secretariat", password=PASSWORD)
    client.post("/i18n/setlang/", {"language": "fr"})
    expected = {
        "/": "Ce qui demande votre attention",
        "/recommendations/": "Filtrer et trier",
        f"/recommendations/{rec.pk}/": "état d'avancement",
        f"/mandates/{new.pk}/": "Ce qui a changé depuis la S/RES/2584 (2021)",
        f"/mandates/{new.pk}/changes/": "Ce qui a changé dans la S/RES/2640 (2022) par rapport à la S/RES/2584 (2021)",
        f"/mandates/{new.pk}/uptake/": "Propositions reprises dans la S/RES/2640 (2022)",
        f"/mandates/{new.pk}/report/?audience=secretariat": "Ceci est la version destinée au secrétariat",
        "/calendar/": "expirations de mandat",
        "/import/": "Importer",
        "/people/": "Points focaux",
        "/reminders/preview/?date=2023-06-09": "Il demanderait le rapport destiné au Conseil sur la S/RES/2640 (2022).",
        "/account/tokens/": "Un jeton permet à vos propres outils de lire",
        "/account/reminders/": "rappels",
        "/account/language/": "Langue",
    }
    for url, text in expected.items():
        response = client.get(url)
        page = html.unescape(re.sub(r"<[^>]+>", "", response.content.decode()))
        assert response.status_code == 200, url
        assert '<html lang="fr">' in response.content.decode(), url
        assert text in page, (url, text)
