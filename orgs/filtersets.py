"""Filters of the org list."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.filters import BLANK, FilterForm

from .choices import OrgKind, OrgStatus, UnitType


class OrgUnitFilterForm(FilterForm):
    search_fields = ("name__icontains", "short_name__icontains", "code__istartswith")

    kind = forms.ChoiceField(label=_("kind"), required=False, choices=BLANK + list(OrgKind.choices))
    unit_type = forms.ChoiceField(
        label=_("unit type"), required=False, choices=BLANK + list(UnitType.choices)
    )
    status = forms.ChoiceField(label=_("status"), required=False, choices=BLANK + list(OrgStatus.choices))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].label = _("Name or code")
