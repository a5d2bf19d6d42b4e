"""Login with a lockout message, password change, and the user administration forms."""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from orgs.models import OrgUnit

from . import rules
from .models import User
from .roles import Role
from .selectors import list_assignable_orgs


def style_widgets(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget."""
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


class LoginForm(AuthenticationForm):
    """Django's login form; a locked account gets "locked, try again in N minutes" instead."""

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError:
            if getattr(self.request, "login_locked", False):
                raise ValidationError(self.locked_message(), code="locked") from None
            raise

    def locked_message(self) -> str:
        username = self.cleaned_data.get("username") or ""
        user = User.objects.filter(username=username).only("locked_until").first()
        seconds = (user.locked_until - timezone.now()).total_seconds() if user and user.locked_until else 60
        minutes = max(1, math.ceil(seconds / 60))
        return ngettext(
            "This account is locked after too many failed logins. Try again in %(minutes)d minute.",
            "This account is locked after too many failed logins. Try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return "　" * max(0, obj.depth - 1) + obj.name


def role_choices(actor: User) -> list[tuple[str, str]]:
    allowed = set(rules.assignable_roles(is_superuser=actor.is_superuser, actor_roles=actor.roles))
    return [(value, label) for value, label in Role.choices if value in allowed]


class RoleFields(forms.Form):
    role = forms.ChoiceField(label=_("role"))
    org = OrgChoiceField(label=_("organisation"), queryset=OrgUnit.unscoped.none())

    def __init__(self, *args: Any, actor: User, required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "---------"), *role_choices(actor)]
        orgs: QuerySet[OrgUnit] = list_assignable_orgs(actor)
        self.fields["org"].queryset = orgs
        self.fields["role"].required = required
        self.fields["org"].required = required
        style_widgets(self)


class RoleAssignmentForm(RoleFields):
    pass


class UserCreateForm(RoleFields):
    username = forms.CharField(label=_("username"), max_length=150)
    display_name = forms.CharField(label=_("display name"), max_length=64, required=False)
    email = forms.EmailField(label=_("email address"), required=False)

    field_order = ["username", "display_name", "email", "role", "org"]

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        # Administrators of a subtree must place the new user inside it.
        super().__init__(*args, actor=actor, required=not actor.is_superuser, **kwargs)


class UserEditForm(forms.Form):
    display_name = forms.CharField(label=_("display name"), max_length=64, required=False)
    email = forms.EmailField(label=_("email address"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    role = forms.ChoiceField(label=_("role"), required=False, choices=[("", _("All roles")), *Role.choices])
    org = OrgChoiceField(label=_("organisation"), required=False, queryset=OrgUnit.unscoped.none())
    active = forms.ChoiceField(
        label=_("status"),
        required=False,
        choices=[("", _("All")), ("1", _("Active")), ("0", _("Deactivated"))],
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = list_assignable_orgs(actor)
        style_widgets(self)

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        active = {"1": True, "0": False}.get(data.get("active") or "")
        return {
            "q": data.get("q") or "",
            "role": data.get("role") or "",
            "org": data.get("org"),
            "active": active,
        }
