"""The member list's filter form: parses the query string into a MemberFilter (members.selectors).

The page offers the common filters (the search box also takes the last digits of an ID number);
the API takes every MemberFilter field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.filters import BLANK, FilterForm

from .choices import Category, Gender, MembershipStatus
from .codes import PARTY_EDUCATION_BANDS
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
    category = forms.ChoiceField(label=_("Category"), required=False, choices=BLANK + list(Category.choices))
    status = forms.ChoiceField(
        label=_("Membership status"), required=False, choices=BLANK + list(MembershipStatus.choices)
    )
    gender = forms.ChoiceField(label=_("Gender"), required=False, choices=BLANK + list(Gender.choices))
    education_band = forms.ChoiceField(
        label=_("Education"), required=False, choices=BLANK + list(PARTY_EDUCATION_BANDS)
    )
    flag = forms.ChoiceField(label=_("Flag"), required=False, choices=BLANK + FLAG_CHOICES)
    age_min = forms.IntegerField(label=_("Age from"), required=False, min_value=0, max_value=150)
    age_max = forms.IntegerField(label=_("Age to"), required=False, min_value=0, max_value=150)

    def to_filter(self) -> MemberFilter:
        if not self.is_bound or not self.is_valid():
            return MemberFilter()
        data: dict[str, Any] = {k: v for k, v in self.cleaned_data.items() if v not in (None, "", [])}
        flag = data.pop("flag", None)
        return MemberFilter(**data, flags=[flag] if flag else [])

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        return filter_members(queryset, self.to_filter())
