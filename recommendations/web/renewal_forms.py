"""Forms of the renewal pages: the WPS filter of what changed, and a decision on a
recommendation's Council uptake in the secretariat's review of suggestions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from recommendations.models import MandateParagraph, Uptake

DECISIONS = [(v, label) for v, label in Uptake.choices if v != Uptake.PENDING]


class ChangesFilterForm(forms.Form):
    wps = forms.BooleanField(
        label=_("Only women, peace and security language"), required=False,
        help_text=_("Paragraphs that speak of women, girls, gender or sexual violence, or cite resolution 1325 (2000) "
        "and the resolutions that followed it."),
    )

    def wps_only(self) -> bool:
        return bool(self.is_bound and self.is_valid() and self.cleaned_data["wps"])


def _normal_label(text: str) -> str:
    return " ".join(text.replace("(", " (").split()).replace(" (", "(").replace("(", " (", 1).upper()


class UptakeDecisionForm(forms.Form):
    """One row of the review: what a person decides for one recommendation. The paragraph is
    typed as the readers cite it ("OP 44") and must be one of the renewing resolution's."""

    uptake = forms.ChoiceField(label=_("Council uptake"), choices=DECISIONS)
    paragraph = forms.CharField(
        label=_("Paragraph of the renewing resolution"), required=False, max_length=60,
        help_text=_("As cited, for example OP 44 or OP 26 (a)(iii). Needed when reflected or partly reflected."),
    )

    def __init__(self, *args, renewal, paragraphs: list[MandateParagraph], **kwargs):
        super().__init__(*args, **kwargs)
        self.renewal = renewal
        self.by_label = {_normal_label(p.label): p for p in paragraphs}
        self.fields["paragraph"].widget.attrs.update({"list": "renewal-paragraphs", "autocomplete": "off"})

    def clean_paragraph(self) -> MandateParagraph | None:
        label = self.cleaned_data["paragraph"].strip()
        if not label:
            return None
        paragraph = self.by_label.get(_normal_label(label))
        if paragraph is None:
            raise forms.ValidationError(
                gettext("%(label)s is not a paragraph of %(symbol)s.") % {"label": label, "symbol": self.renewal.symbol})
        return paragraph

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("uptake") in (Uptake.REFLECTED, Uptake.PARTLY_REFLECTED) and not cleaned.get("paragraph") \
                and "paragraph" not in self.errors:
            self.add_error("paragraph", gettext("Say which paragraph of %(symbol)s reflects it.") % {"symbol": self.renewal.symbol})
        return cleaned
