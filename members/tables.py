"""The member table for the list page and the xlsx export: personal fields always masked."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.tables import Column, Table

from .codes import education_name
from .filtersets import FLAG_CHOICES
from .models import Member
from .rules import age_on

_FLAG_LABELS = dict(FLAG_CHOICES)


def member_age(member: Member) -> int | None:
    return age_on(member.birth_date, timezone.localdate()) if member.birth_date else None


def member_flags(member: Member) -> str:
    return "、".join(str(label) for flag, label in _FLAG_LABELS.items() if getattr(member, flag))


class MemberTable(Table):
    columns = (
        Column("name", pgettext_lazy("person", "name"), sort="name_pinyin", link=True),
        Column("gender", _("gender"), sort="gender"),
        Column("age", _("age"), value=member_age),
        Column("id_number", _("citizen ID number"), value=lambda m: m.id_number_masked, css="text-nowrap"),
        Column(
            "education",
            _("education"),
            value=lambda m: education_name(m.education),
            sort="education",
            css="wrap",
        ),
        Column("category", _("category"), sort="category"),
        Column("org__name", _("party organisation"), sort="org__path", css="wrap"),
        Column("joined_on", _("joined on"), sort="joined_on"),
        Column("phone", _("phone"), value=lambda m: m.phone_masked, css="text-nowrap"),
        Column("flags", _("flags"), value=member_flags, css="wrap"),
    )
