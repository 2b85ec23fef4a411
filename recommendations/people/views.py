"""People in the app, for the secretariat: entities (created with their focal points' group),
focal points and Council experts invited by email, and the situations each expert follows.
Every view is secretariat only (403 for anyone else)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from recommendations import access
from recommendations.models import Entity, Language, Situation, SituationUserObjectPermission
from recommendations.people import services


class EntityForm(forms.Form):
    name = forms.CharField(label=_("Name of the entity"), max_length=120, help_text=_("For example, OHCHR or UNMISS."))

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if Entity.objects.filter(name__iexact=name).exists():
            raise ValidationError(gettext("%(name)s is already an entity.") % {"name": name})
        return name


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), help_text=_("Also their username. They get a link to set a password."))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"), widget=forms.RadioSelect)
    language = forms.ChoiceField(
        label=_("Language"), choices=Language.choices, initial=Language.ENGLISH, widget=forms.RadioSelect, required=False,
        help_text=_("The language of their pages and emails; they can change it on their own page."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("expert", _("Council expert"))] + [
            (str(e.pk), gettext("Focal point of %(entity)s") % {"entity": e.name}) for e in Entity.objects.order_by("name")
        ]


class FollowForm(forms.Form):
    expert = forms.ModelChoiceField(label=_("Council expert"), queryset=None, empty_label=_("Choose an expert"))
    situation = forms.ModelChoiceField(label=_("Situation"), queryset=Situation.objects.order_by("name"),
                                       empty_label=_("Choose a situation"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = User.objects.filter(groups__name=access.COUNCIL_EXPERTS_GROUP).order_by("username")


def _page(request, status=200, **given):
    entities = Entity.objects.order_by("name").select_related("group").prefetch_related(
        Prefetch("group__user_set", queryset=User.objects.order_by("username"))
    )
    follows = SituationUserObjectPermission.objects.filter(
        permission__codename="view_situation"
    ).select_related("content_object").order_by("content_object__name")
    experts = list(
        User.objects.filter(groups__name=access.COUNCIL_EXPERTS_GROUP).order_by("username").prefetch_related(
            Prefetch("situationuserobjectpermission_set", queryset=follows, to_attr="follows")
        )
    )
    context = {
        "entities": entities, "experts": experts,
        "entity_form": given.get("entity_form") or EntityForm(prefix="entity"),
        "invite_form": given.get("invite_form") or InviteForm(prefix="invite"),
        "follow_form": given.get("follow_form") or FollowForm(prefix="follow"),
    }
    return render(request, "people/people.html", context, status=status)


@require_GET
def people(request):
    access.require_secretariat(request.user)
    return _page(request)


@require_POST
def add_entity(request):
    access.require_secretariat(request.user)
    form = EntityForm(request.POST, prefix="entity")
    if not form.is_valid():
        return _page(request, status=400, entity_form=form)
    entity = services.create_entity(name=form.cleaned_data["name"])
    messages.success(request, gettext("%(name)s added. Invite its focal points below.") % {"name": entity.name})
    return redirect("people")


@require_POST
def invite(request):
    access.require_secretariat(request.user)
    form = InviteForm(request.POST, prefix="invite")
    if not form.is_valid():
        return _page(request, status=400, invite_form=form)
    data = form.cleaned_data
    entity = None if data["role"] == "expert" else Entity.objects.get(pk=data["role"])
    try:
        user = services.invite_person(
            email=data["email"], first_name=data["first_name"], last_name=data["last_name"],
            entity=entity, expert=entity is None, invited_by=request.user,
            language=data["language"] or Language.ENGLISH,
        )
    except ValidationError as exc:
        form.add_error("email", exc)
        return _page(request, status=400, invite_form=form)
    messages.success(request, gettext("Invitation sent to %(email)s.") % {"email": user.email})
    return redirect("people")


def _set_following(request, *, follows: bool):
    """Follow or unfollow: the same form, the same checks, one service each way."""
    access.require_secretariat(request.user)
    form = FollowForm(request.POST, prefix="follow")
    if not form.is_valid():
        return _page(request, status=400, follow_form=form)
    expert, situation = form.cleaned_data["expert"], form.cleaned_data["situation"]
    (services.follow_situation if follows else services.unfollow_situation)(user=expert, situation=situation)
    facts = {"name": expert.get_full_name() or expert.username, "situation": situation.name}
    if follows:
        messages.success(request, gettext("%(name)s now follows the situation “%(situation)s”.") % facts)
    else:
        messages.success(request, gettext("%(name)s no longer follows the situation “%(situation)s”.") % facts)
    return redirect("people")


@require_POST
def follow(request):
    return _set_following(request, follows=True)


@require_POST
def unfollow(request):
    return _set_following(request, follows=False)
