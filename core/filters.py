"""Filter forms for list pages: a plain form that knows how to narrow a queryset.

    class OrgUnitFilterForm(FilterForm):
        search_fields = ("name__icontains", "code__istartswith")
        lookups = {"kind": "kind", "from_date": "at__date__gte"}
        kind = forms.ChoiceField(choices=BLANK + OrgKind.choices, required=False)

Each field with a value narrows the queryset by its lookup (default: the field name, exact); ``q``
searches the ``search_fields`` OR-ed. Invalid input is ignored rather than raising.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .forms import BootstrapMixin, DateInput
from .models import AuditAction, AuditEntry

BLANK: list[tuple[str, Any]] = [("", "---------")]


class FilterForm(BootstrapMixin, forms.Form):
    search_fields: tuple[str, ...] = ()
    lookups: dict[str, str] = {}

    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.search_fields:
            del self.fields["q"]

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        if not self.is_bound or not self.is_valid():
            return queryset
        for name, value in self.cleaned_data.items():
            if value in (None, "", [], ()):
                continue
            if name == "q":
                condition = Q()
                for lookup in self.search_fields:
                    condition |= Q(**{lookup: value.strip()})
                queryset = queryset.filter(condition)
                continue
            method = getattr(self, f"filter_{name}", None)
            if method is not None:
                queryset = method(queryset, value)
            else:
                queryset = queryset.filter(**{self.lookups.get(name, name): value})
        return queryset

    @property
    def active_count(self) -> int:
        if not self.is_bound or not self.is_valid():
            return 0
        return sum(1 for v in self.cleaned_data.values() if v not in (None, "", [], ()))


class AuditFilterForm(FilterForm):
    search_fields = ("object_repr__icontains", "message__icontains")
    lookups = {"action": "action", "date_from": "at__date__gte", "date_to": "at__date__lte"}

    actor = forms.CharField(label=_("Actor"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=pgettext_lazy("audit", "Action"), required=False, choices=BLANK + list(AuditAction.choices)
    )
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = BLANK + object_type_choices()

    def filter_actor(self, queryset: QuerySet, value: str) -> QuerySet:
        return queryset.filter(
            Q(actor__username__icontains=value.strip()) | Q(actor__display_name__icontains=value.strip())
        )

    def filter_object_type(self, queryset: QuerySet, value: str) -> QuerySet:
        return queryset.filter(content_type_id=value)


def object_type_choices() -> list[tuple[str, Any]]:
    """Content types of the project's own apps (not Django's internals), labelled by verbose name.

    The audit log's own models are never the object of an entry, so they are not offered either.
    """
    hidden = {"admin", "auth", "contenttypes", "sessions", "django_tasks_database"}
    audit_models = Q(app_label=AuditEntry._meta.app_label, model__in=["auditbatch", "auditentry"])
    choices = []
    types = ContentType.objects.exclude(app_label__in=hidden).exclude(audit_models)
    for ct in types.order_by("app_label", "model"):
        model = ct.model_class()
        if model is not None:
            choices.append((str(ct.pk), model._meta.verbose_name))
    return choices
