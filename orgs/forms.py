"""Forms of the org pages. They only validate input; writes go through orgs.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapMixin, DateInput

from .models import OrgUnit
from .services import EDITABLE_FIELDS


def find_org(user: Any, action: str, code: str) -> OrgUnit | None:
    """The org with this code if the user may take ``action`` on it."""
    return OrgUnit.objects.for_user(user, action).filter(code=code.strip()).first()


class OrgCodeField(forms.CharField):
    """An org picked by its code; the tree search next to it helps find the code."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)
        self.widget.attrs.update({"data-org-picker": "1", "autocomplete": "off"})


class OrgUnitForm(BootstrapMixin, forms.ModelForm):
    """Add (with a parent picked by code) or edit an org's own fields."""

    parent = OrgCodeField(
        label=_("superior organisation"),
        required=False,
        help_text=_("Code of the organisation this one belongs to; search the tree to find it."),
    )

    class Meta:
        model = OrgUnit
        fields = EDITABLE_FIELDS
        widgets = {
            "established_on": DateInput(),
            "units_covered": forms.Textarea(attrs={"rows": 3}),
            "address": forms.TextInput(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["parent"]
        else:
            # keep the parent first on the add form
            self.order_fields(["parent", *EDITABLE_FIELDS])

    def clean_parent(self) -> OrgUnit | None:
        code = self.cleaned_data.get("parent", "")
        if not code:
            if getattr(self.user, "is_superuser", False):
                return None  # a new top-level organisation
            raise forms.ValidationError(_("Choose the superior organisation."))
        parent = find_org(self.user, "add", code)
        if parent is None:
            raise forms.ValidationError(_("No organisation with this code in your scope."))
        return parent

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS if name in self.cleaned_data}


class OrgMoveForm(BootstrapMixin, forms.Form):
    parent = OrgCodeField(
        label=_("new superior organisation"),
        help_text=_("Code of the organisation to move this one under, with its whole subtree."),
    )

    def clean_parent(self) -> OrgUnit:
        parent = find_org(self.user, "change", self.cleaned_data["parent"])
        if parent is None:
            raise forms.ValidationError(_("No organisation with this code in your scope."))
        return parent


class OrgDissolveForm(BootstrapMixin, forms.Form):
    dissolved_on = forms.DateField(
        label=_("dissolved on"),
        widget=DateInput(),
        help_text=_("Every active organisation below this one is dissolved on the same date."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dissolved_on"].initial = timezone.localdate()
