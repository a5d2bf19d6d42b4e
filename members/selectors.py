"""Member reads: the one filter implementation behind the list page, the export and the API.

Every filter is an indexed condition: pinyin and initials by prefix, ID number by its last digits
(``id_number_tail``) or, for a full number, by its blind index; age ranges become a birth-date range
as of today (no per-row computation); a subtree is one prefix condition on the org path.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from core import crypto

from .codes import EDUCATION_PARTY_BAND, ETHNIC_GROUP_CODES, is_ethnic_minority
from .models import Member
from .rules import birth_date_range_for_age, check_id_number, normalize_phone

FLAGS = (
    "is_mobile",
    "is_lost_contact",
    "is_retired",
    "in_hardship",
    "is_pocket",
    "is_reported_to_community",
)
#: the ethnicity codes party statistics count as minorities (the member filter and the stats share it)
MINORITY_CODES = tuple(sorted(code for code in ETHNIC_GROUP_CODES if is_ethnic_minority(code)))


@dataclass
class MemberFilter:
    q: str = ""
    id_tail: str = ""
    category: str = ""
    status: str = ""
    gender: str = ""
    education_band: str = ""
    education: str = ""
    occupation: str = ""
    ethnicity: str = ""  # a code, or "minority"
    flags: list[str] = field(default_factory=list)
    age_min: int | None = None
    age_max: int | None = None
    org_path: str = ""


def search_q(text: str) -> Q:
    """Name, pinyin, initials, ID number (full or last digits) or phone, by what the text looks like."""
    value = re.sub(r"\s+", "", text or "")
    if not value:
        return Q()
    upper = value.upper()
    if re.fullmatch(r"\d{17}[\dX]|\d{15}", upper):
        check = check_id_number(upper, convert_15=True)
        return Q(id_number_index=crypto.blind_index(check.normalized or upper))
    if re.fullmatch(r"\d{1,3}[\dX]?", upper):
        return Q(id_number_tail__endswith=upper)
    if re.fullmatch(r"1\d{10}", value):
        return Q(phone_index=crypto.blind_index(normalize_phone(value)))
    if re.fullmatch(r"[A-Za-z]+", value):
        lower = value.lower()
        return Q(name_initials__startswith=lower) | Q(name_pinyin__startswith=lower)
    return Q(name__contains=value) | Q(former_name__contains=value)


def filter_members(
    queryset: QuerySet[Member], flt: MemberFilter, *, today: dt.date | None = None
) -> QuerySet[Member]:
    today = today or timezone.localdate()
    if flt.q:
        queryset = queryset.filter(search_q(flt.q))
    if flt.id_tail:
        queryset = queryset.filter(id_number_tail__endswith=flt.id_tail.strip().upper()[-4:])
    for name in ("category", "status", "gender", "education", "occupation"):
        value = getattr(flt, name)
        if value:
            queryset = queryset.filter(**{name: value})
    if flt.education_band:
        codes = [code for code, band in EDUCATION_PARTY_BAND.items() if band == flt.education_band]
        queryset = queryset.filter(education__in=codes)
    if flt.ethnicity == "minority":
        queryset = queryset.filter(ethnicity__in=MINORITY_CODES)
    elif flt.ethnicity:
        queryset = queryset.filter(ethnicity=flt.ethnicity)
    for flag in flt.flags:
        if flag in FLAGS:
            queryset = queryset.filter(**{flag: True})
    if flt.age_min is not None or flt.age_max is not None:
        earliest, latest = birth_date_range_for_age(flt.age_min, flt.age_max, today)
        if earliest is not None:
            queryset = queryset.filter(birth_date__gte=earliest)
        if latest is not None:
            queryset = queryset.filter(birth_date__lte=latest)
    if flt.org_path:
        queryset = queryset.in_subtree(flt.org_path)
    return queryset


def list_members(user: Any, flt: MemberFilter | None = None, *, action: str = "view") -> QuerySet[Member]:
    """The members ``user`` may see, filtered, with their org and party group loaded."""
    queryset = Member.objects.for_user(user, action).select_related("org", "party_group")
    return filter_members(queryset, flt) if flt is not None else queryset


def get_member(user: Any, pk: int, *, action: str = "view") -> Member:
    """One member in ``user``'s scope (Member.DoesNotExist otherwise: a 404 for the caller)."""
    return Member.objects.for_user(user, action).select_related("org", "party_group").get(pk=pk)


def flags_of(member: Member) -> list[str]:
    return [flag for flag in FLAGS if getattr(member, flag)]


def members_by_index(indexes: Iterable[str]) -> dict[str, Member]:
    """Stored members by ID blind index (the import's update-by-ID lookup), unscoped."""
    found: dict[str, Member] = {}
    indexes = [i for i in indexes if i]
    for start in range(0, len(indexes), 500):
        for member in Member.unscoped.filter(id_number_index__in=indexes[start : start + 500]).select_related(
            "org"
        ):
            found[member.id_number_index or ""] = member
    return found
