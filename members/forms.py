"""The member add/edit form: plain fields, checked by the one validation path (rules.validate_member_data).

ID number and phone are never shown in clear in the form: on edit they start empty and an empty
value keeps the stored one.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.filters import BLANK
from core.forms import BootstrapMixin, DateInput
from orgs.choices import OrgKind
from orgs.models import OrgUnit

from .choices import AddedHow, Category, Degree, Gender, MembershipStatus, Occupation, RemovedHow
from .codes import EDUCATION_CHOICES, ETHNICITY_CHOICES
from .models import Member
from .rules import validate_member_data
from .services import EDITABLE_FIELDS, member_data


def _date(label: Any) -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=DateInput())


class MemberForm(BootstrapMixin, forms.Form):
    org = forms.ModelChoiceField(label=_("party organisation"), queryset=OrgUnit.objects.none())
    name = forms.CharField(label=pgettext_lazy("person", "name"), max_length=64)
    former_name = forms.CharField(label=_("former name"), max_length=64, required=False)
    id_number = forms.CharField(label=_("citizen ID number"), max_length=18, required=False)
    gender = forms.ChoiceField(
        label=_("gender"),
        required=False,
        choices=BLANK + list(Gender.choices),
        help_text=_("Taken from the ID number when left empty."),
    )
    birth_date = forms.DateField(
        label=_("birth date"),
        required=False,
        widget=DateInput(),
        help_text=_("Taken from the ID number when left empty."),
    )
    ethnicity = forms.ChoiceField(label=_("ethnicity"), choices=ETHNICITY_CHOICES, initial="01")
    native_place = forms.CharField(label=_("native place"), max_length=64, required=False)
    education = forms.ChoiceField(
        label=_("highest education"), required=False, choices=BLANK + EDUCATION_CHOICES
    )
    fulltime_education = forms.ChoiceField(
        label=_("full-time education"), required=False, choices=BLANK + EDUCATION_CHOICES
    )
    degree = forms.ChoiceField(label=_("degree"), required=False, choices=Degree.choices)
    occupation = forms.ChoiceField(
        label=_("occupation"), required=False, choices=BLANK + list(Occupation.choices)
    )
    work_unit = forms.CharField(label=_("work unit"), max_length=128, required=False)
    post = forms.CharField(label=_("post"), max_length=64, required=False)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    address = forms.CharField(label=_("address"), max_length=255, required=False)
    residence_community = forms.CharField(label=_("residence community"), max_length=128, required=False)
    category = forms.ChoiceField(label=_("category"), choices=Category.choices, initial=Category.FULL)
    status = forms.ChoiceField(
        label=_("membership status"), choices=MembershipStatus.choices, initial=MembershipStatus.NORMAL
    )
    status_date = _date(_("status date"))
    application_date = _date(_("application date"))
    activist_date = _date(_("activist date"))
    candidate_date = _date(_("candidate date"))
    joined_on = _date(_("joined the party on"))
    confirmed_on = _date(_("confirmed as full member on"))
    added_how = forms.ChoiceField(
        label=_("how added"), required=False, choices=BLANK + list(AddedHow.choices)
    )
    added_on = _date(_("added to this org on"))
    removed_how = forms.ChoiceField(
        label=_("how removed"), required=False, choices=BLANK + list(RemovedHow.choices)
    )
    removed_on = _date(_("removed on"))
    is_mobile = forms.BooleanField(label=_("mobile member"), required=False)
    mobile_since = _date(_("mobile since"))
    is_lost_contact = forms.BooleanField(label=_("lost contact"), required=False)
    lost_contact_since = _date(_("lost contact since"))
    is_retired = forms.BooleanField(label=_("retired"), required=False)
    retired_on = _date(_("retired on"))
    in_hardship = forms.BooleanField(label=_("in hardship"), required=False)
    hardship_since = _date(_("in hardship since"))
    is_pocket = forms.BooleanField(label=_("pocket member"), required=False)
    pocket_since = _date(_("pocket member since"))
    is_reported_to_community = forms.BooleanField(
        label=_("working member reported to a community"), required=False
    )
    reported_community = forms.CharField(label=_("community reported to"), max_length=128, required=False)
    reported_on = _date(_("reported on"))

    def __init__(self, *args: Any, instance: Member | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance = instance
        if instance is None:
            self.fields["id_number"].required = True
            self.fields["org"].queryset = (
                OrgUnit.objects.for_user(self.user, "add").active().exclude(kind=OrgKind.PARTY_GROUP)
            )
        else:
            del self.fields["org"]
            for name in ("id_number", "phone"):
                self.fields[name].help_text = _("Stored: %(masked)s. Leave empty to keep it.") % {
                    "masked": getattr(instance, f"{name}_masked") or "—"
                }
            for name in EDITABLE_FIELDS:
                if name in self.fields and not self.is_bound:
                    self.initial[name] = getattr(instance, name)

    def clean_id_number(self) -> str:
        return self.cleaned_data["id_number"].strip().upper()

    def changed_data_for_service(self) -> dict[str, Any]:
        """The values to hand to the service (on edit, empty personal fields are left out)."""
        data = {
            k: v for k, v in self.cleaned_data.items() if k in EDITABLE_FIELDS or k in ("id_number", "phone")
        }
        for name, field in self.fields.items():
            if isinstance(field, forms.ChoiceField) and name in data and data[name] is None:
                data[name] = ""
        if self.instance is not None:
            for name in ("id_number", "phone"):
                if not data.get(name):
                    data.pop(name, None)
        return data

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        data = self.changed_data_for_service()
        if self.instance is not None:
            data = {**member_data(self.instance), **data}
        for problem in validate_member_data(data, today=timezone.localdate()):
            if problem.is_error:
                self.add_error(problem.field if problem.field in self.fields else None, problem.message)
        return cleaned
