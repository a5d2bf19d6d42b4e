"""The member list's filter form: parses the query string into a MemberFilter (members.selectors)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.filters import BLANK, FilterForm

from .choices import Category, Gender, MembershipStatus, Occupation
from .codes import ETHNICITY_CHOICES, PARTY_EDUCATION_BANDS
from .selectors import MemberFilter, filter_members

FLAG_CHOICES = [
    ("is_mobile", _("mobile member")),
    ("is_lost_contact", _("lost contact")),
    ("is_retired", _("retired")),
    ("in_hardship", _("in hardship")),
    ("is_pocket", _("pocket member")),
    ("is_reported_to_community", _("reported to a community")),
]


class MemberFilterForm(FilterForm):
    search_fields = ("name",)  # ``q`` is parsed by members.selectors.search_q

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("name, pinyin, initials, ID digits")}),
    )
    id_tail = forms.CharField(label=_("ID number ends with"), required=False, max_length=4)
    category = forms.ChoiceField(label=_("Category"), required=False, choices=BLANK + list(Category.choices))
    status = forms.ChoiceField(
        label=_("Membership status"), required=False, choices=BLANK + list(MembershipStatus.choices)
    )
    gender = forms.ChoiceField(label=_("Gender"), required=False, choices=BLANK + list(Gender.choices))
    education_band = forms.ChoiceField(
        label=_("Education"), required=False, choices=BLANK + list(PARTY_EDUCATION_BANDS)
    )
    occupation = forms.ChoiceField(
        label=_("Occupation"), required=False, choices=BLANK + list(Occupation.choices)
    )
    ethnicity = forms.ChoiceField(
        label=_("Ethnicity"),
        required=False,
        choices=BLANK + [("minority", _("ethnic minorities"))] + ETHNICITY_CHOICES,
    )
    flags = forms.MultipleChoiceField(
        label=_("Flags"), required=False, choices=FLAG_CHOICES, widget=forms.SelectMultiple(attrs={"size": 1})
    )
    age_min = forms.IntegerField(label=_("Age from"), required=False, min_value=0, max_value=150)
    age_max = forms.IntegerField(label=_("Age to"), required=False, min_value=0, max_value=150)

    def to_filter(self) -> MemberFilter:
        if not self.is_bound or not self.is_valid():
            return MemberFilter()
        data: dict[str, Any] = {k: v for k, v in self.cleaned_data.items() if v not in (None, "", [])}
        return MemberFilter(**data)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        return filter_members(queryset, self.to_filter())
