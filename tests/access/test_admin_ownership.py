"""Ownership is the source of the focal points' rights: changing an owner through the admin's
inline (as its form saves it) moves the right to record updates, with nothing left behind."""

from __future__ import annotations

from html.parser import HTMLParser

from recommendations import access
from recommendations.models import Ownership, StatusUpdate


class _FormFields(HTMLParser):
    """The values a browser would submit from the admin's change form."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in {"submit", "button", "file"}:
            if a.get("type") in {"checkbox", "radio"} and "checked" not in a:
                return
            self.data.setdefault(name, []).append(a.get("value", "on" if a.get("type") == "checkbox" else ""))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data


def test_changing_an_owner_in_the_admin_moves_the_right(demo, client):
    rec = Ownership.objects.filter(entity=demo.un_women).order_by("recommendation__position").first().recommendation
    assert access.can_update_status(demo.focalpoint, rec) and not access.can_update_status(demo.mission, rec)
    client.force_login(demo.secretariat)
    url = f"/admin/recommendations/recommendation/{rec.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = _FormFields()
    form.feed(page.content.decode())
    fields = {k: v for k, v in form.data.items() if not k.startswith("_") and "__prefix__" not in k}
    (entity_field,) = [k for k in fields if k.startswith("ownership_set-") and k.endswith("-entity")]
    assert fields[entity_field] == [str(demo.un_women.pk)]
    fields[entity_field] = [str(demo.minusma.pk)]
    response = client.post(url, {**fields, "_save": "Save"})
    assert response.status_code == 302, response.content.decode()[:2000]

    assert list(rec.owners.values_list("name", flat=True)) == ["MINUSMA"]
    assert not access.can_update_status(demo.focalpoint, rec)
    assert access.can_update_status(demo.mission, rec)
    # The same through the pages: the old owner's focal point is refused, the new one's records.
    update = {"update-status": "in_progress", "update-note": "Moved to the mission.", "update-visibility": "internal"}
    client.force_login(demo.focalpoint)
    assert client.post(f"/recommendations/{rec.pk}/updates/", update).status_code in {403, 404}
    client.force_login(demo.mission)
    assert client.post(f"/recommendations/{rec.pk}/updates/", update).status_code == 302
    assert StatusUpdate.objects.filter(recommendation=rec, author=demo.mission).count() == 1
    # The old owner's focal point no longer reads its internal updates either.
    assert not access.Reader.of(demo.focalpoint).reads_internal(rec)
