"""Forms: they parse and validate what people send. Choices are built from what the user
may see or do (access.py), so a tampered id or value is a form error, never a write."""

from __future__ import annotations

import base64
import copy
import functools

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import stringformat
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from recommendations import access
from recommendations.curation.filters import FilterForm, RecommendationFilterSet, as_id
from recommendations.curation.selectors import renewal_paragraphs, situation_paragraphs
from recommendations.curation.services import clean_evidence
from recommendations.html_writer import escape as _escape
from recommendations.models import (
    Entity,
    ImplementationStatus,
    MandateParagraph,
    Recommendation,
    StatusUpdate,
    Uptake,
)


class QuickSelect(forms.Select):
    """A select rendered in Python. Django renders each option through a template, which
    for the hundreds of paragraphs of thirty situations took most of the list page's time;
    the HTML is the same, every value escaped. The options are read straight from the
    choices, as ChoiceWidget.optgroups reads them, without its dict per option: the list
    page's eight selects (~380 options) still took a quarter of its Python time through
    optgroups and format_html (issue 14)."""

    def render(self, name, value, attrs=None, renderer=None):
        # Widget's context, not ChoiceWidget's: that one builds every option's dict.
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        values = widget["value"]
        selected = False
        parts = []
        for option_value, option_label in _read_at_once(self.choices):
            if option_value is None:
                option_value = ""
            grouped = isinstance(option_label, (list, tuple))
            html = []
            for subvalue, sublabel in option_label if grouped else [(option_value, option_label)]:
                # The first option whose value is the form's is selected, as in optgroups.
                this = not selected and str(subvalue) in values
                selected |= this
                html.append(
                    f'<option value="{_escape(str(subvalue))}"{" selected" if this else ""}>'
                    f"{_escape(sublabel)}</option>"
                )
            html = "".join(html)
            parts.append(f'<optgroup label="{_escape(option_value)}">{html}</optgroup>' if grouped else html)
        return mark_safe(f'<select name="{_escape(widget["name"])}"{flatatt(widget["attrs"])}>{"".join(parts)}</select>')


class _Rows(list):
    """A queryset's rows, read already, in the place of the queryset of a
    ModelChoiceIterator, which reads it with .iterator() unless it prefetches."""

    _prefetch_related_lookups = ()

    def iterator(self):
        return iter(self)


def _read_at_once(choices):
    """A model choice's options read by one plain query. ModelChoiceIterator reads its
    queryset with .iterator(), a server-side cursor on PostgreSQL: DECLARE, FETCH and CLOSE,
    three round trips per select for a few hundred rows (the list page's situations, themes
    and entities; issue 14). The same rows in the same order, and the same options (Django's
    or django-filter's iterator, with its empty and null choices)."""
    if not isinstance(choices, ModelChoiceIterator) or choices.queryset._prefetch_related_lookups:
        return choices
    choices = copy.copy(choices)
    choices.queryset = _Rows(choices.queryset.all())
    return choices


class TemplateFreeSelect(forms.Select):
    """Django's Select, its HTML byte for byte (the text of select.html, select_option.html
    and attrs.html, spaces and line breaks included), written in Python. Through the
    templates each option is two includes: the detail page's four selects (87 options for
    the secretariat) were 180 of its 213 template renders (issue 14). Each value is written
    as the templates write it (render_value_in_context, stringformat:'s'); model choices are
    read by one plain query (_read_at_once)."""

    def render(self, name, value, attrs=None, renderer=None):
        if (self.template_name, self.option_template_name) != (forms.Select.template_name, forms.Select.option_template_name):
            return super().render(name, value, attrs, renderer)
        # Widget's context, not ChoiceWidget's optgroups (a dict and a copy of the attrs per
        # option): a Select's option has no attrs but "selected" (option_inherits_attrs False).
        if self.option_inherits_attrs:
            return super().render(name, value, attrs, renderer)
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        if self.allow_multiple_selected:
            widget["attrs"]["multiple"] = True
        values = widget["value"]
        has_selected = False
        parts = [f'<select name="{_written(widget["name"])}"{_written_attrs(widget["attrs"])}>']
        for option_value, option_label in _read_at_once(self.choices):
            if option_value is None:
                option_value = ""
            grouped = isinstance(option_label, (list, tuple))
            if grouped and option_value:
                parts.append(f'\n  <optgroup label="{_written(option_value)}">')
            for subvalue, sublabel in option_label if grouped else [(option_value, option_label)]:
                # As optgroups selects: the first option whose value is the form's, or each of them.
                selected = (not has_selected or self.allow_multiple_selected) and str(subvalue) in values
                has_selected |= selected
                parts.append(
                    f'\n  <option value="{_formatted(subvalue)}"{" selected" if selected else ""}>{_written(sublabel)}</option>\n'
                )
            if grouped and option_value:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")  # the form renderer strips the template's last line break
        return mark_safe("".join(parts))


# What a form's templates render in: autoescaping on, the active language's formats.
_TEMPLATE_CONTEXT = Context(autoescape=True)


def _written(value) -> str:
    """``{{ value }}``."""
    return render_value_in_context(value, _TEMPLATE_CONTEXT)


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}`` (a safe value stays safe, as through the filter)."""
    text = stringformat(value, "s")
    return _written(mark_safe(text) if isinstance(value, SafeData) else text)


def _written_attrs(attrs: dict) -> str:
    """attrs.html: `` name="value"``, `` name`` for True, nothing for False."""
    return "".join(
        f" {_written(name)}" + ("" if value is True else f'="{_formatted(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


def input_html(widget: dict) -> str:
    """django/forms/widgets/input.html for a widget's context (``widget``), written in Python."""
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return f'<input type="{_written(widget["type"])}" name="{_written(widget["name"])}"{value}{_written_attrs(widget["attrs"])}>'


class TemplateFreeTextarea(forms.Textarea):
    """Django's Textarea, its HTML byte for byte (textarea.html and attrs.html), written in
    Python: the recommendation page draws two (issue 14)."""

    def render(self, name, value, attrs=None, renderer=None):
        if self.template_name != forms.Textarea.template_name:
            return super().render(name, value, attrs, renderer)
        widget = self.get_context(name, value, attrs)["widget"]
        text = _written(widget["value"]) if widget["value"] else ""
        return mark_safe(f'<textarea name="{_written(widget["name"])}"{_written_attrs(widget["attrs"])}>\n{text}</textarea>')


class _InputInPython:
    """A Django input widget (a subclass of one) drawn by :func:`input_html` instead of its
    templates (its own template, input.html and attrs.html), unless it was given a template
    of its own."""

    def render(self, name, value, attrs=None, renderer=None):
        djangos = next(cls for cls in type(self).__mro__ if cls.__module__ == forms.widgets.__name__)
        if self.template_name != djangos.template_name:
            return super().render(name, value, attrs, renderer)
        return mark_safe(input_html(self.get_context(name, value, attrs)["widget"]))


class TemplateFreeDateInput(_InputInPython, forms.DateInput):
    """Django's DateInput (date.html, input.html, attrs.html), written in Python."""


class CheckboxWidget(_InputInPython, forms.CheckboxInput):
    """Django's CheckboxInput (checkbox.html, input.html, attrs.html), written in Python: the
    list's three filters drew one template each (issue 14). Named so that a bound field's
    ``widget_type`` stays "checkbox", which _field.html and pages.form_field test."""


class TextWidget(_InputInPython, forms.TextInput):
    """Django's TextInput (text.html, input.html, attrs.html), written in Python: the list's
    search box drew three templates, ~0.2 ms (issue 14). Named so that a bound field's
    ``widget_type`` stays "text"."""


class RadioSelectWidget(forms.RadioSelect):
    """Django's RadioSelect whose options (a bound field's ``radio.tag``: radio_option.html,
    input_option.html, input.html, attrs.html) are written in Python; the whole widget, where
    it is drawn at once, still through its templates. Named so that a bound field's
    ``widget_type`` stays "radioselect" (the class name, lower case, less "widget"), which
    _field.html tests."""

    def _render(self, template_name, context, renderer=None):
        if template_name != forms.RadioSelect.option_template_name or self.option_template_name != template_name:
            return super()._render(template_name, context, renderer)
        widget = context["widget"]
        html = input_html(widget)
        if widget.get("wrap_label"):
            target = widget["attrs"].get("id")
            label_for = f' for="{_written(target)}"' if target else ""
            # input.html's own last line break stays inside input_option.html.
            html = f"<label{label_for}>{html}\n {_written(widget['label'])}</label>"
        return mark_safe(html)


def paragraph_choice_label(symbol: str, label: str, text: str) -> str:
    """"S/RES/2640 (2022) OP 3: Requests the Mission to...": a paragraph as an option."""
    excerpt = text if len(text) <= 70 else text[:67].rstrip() + "..."
    return f"{symbol} {label}: {excerpt}"


class ParagraphChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: MandateParagraph) -> str:
        return paragraph_choice_label(obj.mandate.symbol, obj.label, obj.text)

    def options_of(self, paragraphs):
        """The select's options for ``paragraphs`` (a queryset): the empty one, then each
        paragraph as label_from_instance writes it, read as four columns, not as a paragraph
        and its mandate (the recommendation page's two paragraph selects: issue 14). What
        the field accepts stays its queryset."""
        # Read once, when first asked for (a required select's first option is asked for
        # before the select is drawn: Select.use_required_attribute), as filters._offer_rows.
        return functools.cache(lambda: [("", self.empty_label)] + [
            (pk, paragraph_choice_label(symbol, label, text))
            for pk, symbol, label, text in paragraphs.values_list("pk", "mandate__symbol", "label", "text")
        ])


# --- the list's filters ----------------------------------------------------------------------


class ListFilterForm(FilterForm):
    """The list page's form of RecommendationFilterSet (curation/filters.py, the one
    definition of the filters): the same fields, drawn for a page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if type(field.widget) is forms.Select:
                field.widget = QuickSelect(choices=field.widget.choices)
            elif type(field.widget) is forms.CheckboxInput:
                field.widget = CheckboxWidget(attrs=field.widget.attrs, check_test=field.widget.check_test)
            elif type(field.widget) is forms.TextInput:
                field.widget = TextWidget(attrs=field.widget.attrs)
        # Any visible paragraph is a valid choice (a link from a mandate page names one), but
        # the select lists only the chosen situation's: all thirty situations' paragraphs
        # would make a list of hundreds that nobody can use.
        field = self.fields["paragraph"]
        situation = as_id(self.data.get("situation", "")) if self.is_bound else None
        selected = as_id(self.data.get("paragraph", "")) if self.is_bound else None
        # Neither: no paragraph offered, and no query built (compiling the empty one, with its
        # join and the reader's situations, took ~0.5 ms of every list page: issue 14).
        shown = field.queryset.filter(mandate__situation_id=situation) if situation else (
            field.queryset.filter(pk=selected) if selected else []
        )
        field.widget.choices = lambda: [("", field.empty_label)] + [
            (p.pk, field.label_from_instance(p)) for p in shown
        ]


class RecommendationListFilter(RecommendationFilterSet):
    class Meta(RecommendationFilterSet.Meta):
        form = ListFilterForm


def RecommendationFilterForm(data=None, *, user) -> ListFilterForm:
    """The list's filter form for ``user``, bound to ``data`` (None: unbound); its
    ``filters()`` feed selectors.filtered_recommendations. Kept for callers written when the
    form was a class of its own; views use RecommendationListFilter itself."""
    return RecommendationListFilter(data, user=user).form


# --- a status update -------------------------------------------------------------------------


class StatusUpdateForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Implementation status"), choices=ImplementationStatus.choices, widget=TemplateFreeSelect
    )
    note = forms.CharField(
        label=_("Note"), max_length=5000, widget=TemplateFreeTextarea(attrs={"rows": 5}),
        help_text=_("Required, even when the status stays the same: what has happened since the last "
        "update, in plain words."),
        error_messages={"required": _("Say what has happened since the last update: a note is required, "
                        "even when the status stays the same.")},
    )
    evidence = forms.CharField(
        label=_("Evidence (optional)"), required=False, max_length=5000, widget=TemplateFreeTextarea(attrs={"rows": 3}),
        help_text=_("One per line: a UN document symbol, such as S/2022/595, or a web link."),
    )
    visibility = forms.ChoiceField(label=_("Who may read this update"), widget=RadioSelectWidget)

    def __init__(self, *args, user, recommendation: Recommendation, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = access.allowed_visibilities(user, recommendation)
        self.fields["visibility"].choices = [(v, StatusUpdate.Visibility(v).label) for v in allowed]
        self.fields["visibility"].initial = StatusUpdate.Visibility.INTERNAL
        self.fields["status"].initial = recommendation.status
        if not access.is_secretariat(user) and allowed:
            # A focal point starts from the visibility they chose last time.
            last = (
                StatusUpdate.objects.filter(author=user, kind=StatusUpdate.Kind.UPDATE)
                .order_by("-created_at", "-id").values_list("visibility", flat=True).first()
            )
            if last in allowed:
                self.fields["visibility"].initial = last
        if access.is_secretariat(user):
            # The secretariat may record an update on an owning entity's behalf (DESIGN.md).
            self.fields["on_behalf_of"] = forms.ModelChoiceField(
                label=_("On behalf of"), required=False, queryset=recommendation.owners.order_by("name"),
                empty_label=_("The secretariat itself"), widget=QuickSelect,
                help_text=_("An owning entity that reported this to the secretariat, if any."),
            )

    def clean_evidence(self) -> list[str]:
        return clean_evidence(self.cleaned_data["evidence"].splitlines())


class WithdrawUpdateForm(forms.Form):
    reason = forms.CharField(
        label=_("Why withdraw it"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: shared with Council experts by mistake. Kept with the update, for the "
        "secretariat and the owning entities."),
        error_messages={"required": _("Say why the update is withdrawn.")},
    )


# --- secretariat curation --------------------------------------------------------------------


class AssignOwnerForm(forms.Form):
    entity = forms.ModelChoiceField(
        label=_("Add an owning entity"), queryset=Entity.objects.order_by("name"), empty_label=_("Choose an entity"),
        widget=TemplateFreeSelect,
    )


class RemoveOwnerForm(forms.Form):
    entity = forms.ModelChoiceField(queryset=None)

    def __init__(self, *args, recommendation: Recommendation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entity"].queryset = recommendation.owners.all()


class LinkParagraphForm(forms.Form):
    paragraph = ParagraphChoiceField(
        label=_("Link a mandate paragraph"), queryset=None, empty_label=_("Choose a paragraph"), widget=TemplateFreeSelect
    )

    def __init__(self, *args, recommendation: Recommendation, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["paragraph"]
        field.queryset = situation_paragraphs(situation_id=recommendation.situation_id)
        field.widget.choices = field.options_of(field.queryset)


class LinkedParagraphForm(forms.Form):
    """Unlink or confirm: only a paragraph the recommendation is linked to."""

    paragraph = forms.ModelChoiceField(queryset=None)

    def __init__(self, *args, recommendation: Recommendation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paragraph"].queryset = recommendation.paragraphs.all()


class DueDateForm(forms.Form):
    due_on = forms.DateField(
        label=_("Due date"), required=False, widget=TemplateFreeDateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"], help_text=_("Choose the day in the calendar, for example 31 May 2023. Leave empty for no due date."),
    )


class UptakeForm(forms.Form):
    uptake = forms.ChoiceField(label=_("Council uptake"), choices=Uptake.choices, widget=TemplateFreeSelect)
    paragraph = ParagraphChoiceField(
        label=_("Paragraph of the new resolution that reflects it"), queryset=None, required=False,
        empty_label=_("None"), help_text=_("Needed when the recommendation is reflected or partly reflected."),
    )

    def __init__(self, *args, recommendation: Recommendation, **kwargs):
        super().__init__(*args, **kwargs)
        self.recommendation = recommendation
        field = self.fields["paragraph"]
        field.widget = QuickSelect()
        # Any paragraph of the situation resolves (so a wrong one gets a clear message in
        # clean()), but only the renewing resolution's are offered: the resolution that
        # renews the mandate the recommendation's note was written on.
        field.queryset = situation_paragraphs(situation_id=recommendation.situation_id)
        offered = renewal_paragraphs(mandate_id=recommendation.briefing.mandate_id)
        field.widget.choices = field.options_of(offered)

    def clean(self):
        cleaned = super().clean()
        paragraph = cleaned.get("paragraph")
        briefing_mandate = self.recommendation.briefing.mandate
        if paragraph is not None and (briefing_mandate is None or paragraph.mandate.renews_id != briefing_mandate.pk):
            renewed = briefing_mandate.symbol if briefing_mandate else gettext("the mandate of its note")
            self.add_error(
                "paragraph",
                gettext("%(paragraph)s is not a paragraph of the resolution that renews "
                        "%(renewed)s: choose a paragraph of the renewing resolution.")
                % {"paragraph": f"{paragraph.mandate.symbol} {paragraph.label}", "renewed": renewed},
            )
        elif cleaned.get("uptake") in (Uptake.REFLECTED, Uptake.PARTLY_REFLECTED) and not paragraph:
            self.add_error("paragraph", _("Say which paragraph of the new resolution reflects it."))
        return cleaned


# --- import ----------------------------------------------------------------------------------

_IMPORT_SALT = "recommendations.import-note"
# Long enough to read a preview; short enough that an old page cannot replay an upload.
IMPORT_TOKEN_MAX_AGE = 60 * 60


class ImportUploadForm(forms.Form):
    note = forms.FileField(
        label=_("The note (PDF or text) or a resolution (UN XML)"),
        help_text=_("The IEG update note as the secretariat has it (.pdf) or its text (.txt), or a Security "
        "Council resolution in the UN's XML (.xml); at most 5 MB."),
    )

    def clean_note(self) -> bytes:
        upload = self.cleaned_data["note"]
        if upload.size > settings.WPS_MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is larger than 5 MB; a note's text is far smaller."))
        data = upload.read()
        if not data.strip():
            raise ValidationError(_("The file is empty."))
        return data


def sign_upload(data: bytes) -> str:
    """The uploaded bytes, signed, to carry from the preview to the confirmation in a
    hidden field: no file on disk, nothing the client can swap."""
    return signing.dumps(base64.b64encode(data).decode("ascii"), salt=_IMPORT_SALT, compress=True)


class ImportConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)

    def clean_token(self) -> bytes:
        try:
            encoded = signing.loads(self.cleaned_data["token"], salt=_IMPORT_SALT, max_age=IMPORT_TOKEN_MAX_AGE)
        except signing.SignatureExpired:
            raise ValidationError(_("This preview is more than an hour old: upload the note again.")) from None
        except signing.BadSignature:
            raise ValidationError(_("This preview cannot be confirmed: upload the note again.")) from None
        return base64.b64decode(encoded)
