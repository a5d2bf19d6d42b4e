"""Member statistics for any subtree as of any date (RULES.md §7; issue 3 part 7).

``member_stats(org, as_of)`` runs two queries whatever the size of the tree: the org's direct
children (names for the per-child table), and ONE grouped aggregate over the whole subtree
(conditional counts: ``COUNT(...) FILTER (WHERE ...)`` on PostgreSQL, ``COUNT(CASE WHEN ...)`` on
SQLite) grouped by the child's path prefix ``substr(org.path, 1, len(child path))``; the subtree's
figures are the sums of the groups.

Age bands are counted on birth-date thresholds computed in Python for the as-of date; the average age
sums ``(yyyymmdd(as_of) - yyyymmdd(birth_date)) / 10000`` (integer division = full years) in SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import Count, Expression, F, Func, IntegerField, Q, Sum, Value
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from members import codes
from members.choices import COUNTED_STATUSES, Category, Gender, Occupation
from members.models import Member
from members.selectors import MINORITY_CODES
from orgs.choices import OrgStatus
from orgs.models import OrgUnit
from orgs.selectors import list_top_orgs

from . import rules

UNKNOWN = "unknown"
FLAG_FIELDS = ("women", "ethnic_minority", "under_35", "mobile", "retired", "hardship", "lost_contact")
COUNT_FIELDS = ("total", "full", "probationary", *FLAG_FIELDS)


# -- who counts ----------------------------------------------------------------------------------


def counted_at(as_of: dt.date) -> Q:
    """The members of the party at ``as_of``, as a condition on Member (the one definition every count uses).

    - started: ``joined_on <= as_of``; without a joining date, ``added_on <= as_of``; with neither
      date the record is counted (old records often lack both);
    - not removed from the registry on or before ``as_of`` (``removed_on`` null or later);
    - status: normal or restored (``members.choices.COUNTED_STATUSES``), or any other status whose
      ``status_date`` is after ``as_of`` (the member stopped, left or died later, so was still counted).

    The org is the one holding the relation now: history of transfers is not reconstructed, so a
    member who transferred in after ``as_of`` (but joined the party before) is counted under the
    current org. Removed records (transferred out, deceased…) keep their old org and count until
    ``removed_on``.
    """
    started = (
        Q(joined_on__lte=as_of)
        | Q(joined_on__isnull=True, added_on__lte=as_of)
        | Q(joined_on__isnull=True, added_on__isnull=True)
    )
    not_removed = Q(removed_on__isnull=True) | Q(removed_on__gt=as_of)
    status = Q(status__in=list(COUNTED_STATUSES)) | Q(status_date__gt=as_of)
    return started & not_removed & status


def full_at(as_of: dt.date) -> Q:
    """Full member at ``as_of``: confirmed on or before it; with no confirmation date, the category says.

    A confirmation after ``as_of`` means the member was still probationary then.
    """
    return Q(confirmed_on__lte=as_of) | Q(confirmed_on__isnull=True, category=Category.FULL)


def _flag(flag: str, since: str, as_of: dt.date) -> Q:
    """A flag counts from its date; a flag without a date counts on any date."""
    return Q(**{flag: True}) & (Q(**{f"{since}__isnull": True}) | Q(**{f"{since}__lte": as_of}))


# -- SQL pieces ------------------------------------------------------------------------------------


class DateAsInt(Func):
    """A date as the integer yyyymmdd, in plain SQL on each backend (no per-row Python on SQLite)."""

    output_field = IntegerField()
    arity = 1

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="CAST(REPLACE(%(expressions)s, '-', '') AS INTEGER)"
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="CAST(TO_CHAR(%(expressions)s, 'YYYYMMDD') AS INTEGER)"
        )

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # other backends
        extra.setdefault(
            "template",
            "(EXTRACT(YEAR FROM %(expressions)s) * 10000 + EXTRACT(MONTH FROM %(expressions)s) * 100"
            " + EXTRACT(DAY FROM %(expressions)s))",
        )
        return super().as_sql(compiler, connection, **extra)


def age_expression(as_of: dt.date) -> Expression:
    """Full years at ``as_of``: (yyyymmdd(as_of) - yyyymmdd(birth_date)) / 10000, integer division."""
    return (Value(rules.date_as_int(as_of)) - DateAsInt("birth_date")) / Value(10000)


def _count(condition: Q) -> Count:
    return Count("pk", filter=condition)


def _band_codes(mapping: Mapping[str, str], band: str) -> list[str]:
    return sorted(code for code, key in mapping.items() if key == band)


def aggregates(as_of: dt.date) -> dict[str, Any]:
    """Every figure as a named conditional aggregate over counted members (one SELECT)."""
    young_after = rules.young_birth_after(as_of)
    aggs: dict[str, Any] = {
        "total": Count("pk"),
        "full": _count(full_at(as_of)),
        "women": _count(Q(gender=Gender.FEMALE)),
        "ethnic_minority": _count(Q(ethnicity__in=MINORITY_CODES)),
        "under_35": _count(Q(birth_date__gt=young_after)),
        "mobile": _count(_flag("is_mobile", "mobile_since", as_of)),
        "retired": _count(_flag("is_retired", "retired_on", as_of)),
        "hardship": _count(_flag("in_hardship", "hardship_since", as_of)),
        "lost_contact": _count(_flag("is_lost_contact", "lost_contact_since", as_of)),
        "age_sum": Sum(age_expression(as_of)),
    }
    for band in rules.age_bands_for(as_of):
        lower, upper = band.birth_range(as_of)
        condition = Q(birth_date__lte=upper)
        if lower is not None:
            condition &= Q(birth_date__gt=lower)
        aggs[f"age__{band.key}"] = _count(condition)
    for key, _label in codes.PARTY_EDUCATION_BANDS:
        aggs[f"edu_party__{key}"] = _count(Q(education__in=_band_codes(codes.EDUCATION_PARTY_BAND, key)))
    for key, _label in codes.TOWN_EDUCATION_BANDS:
        aggs[f"edu_town__{key}"] = _count(Q(education__in=_band_codes(codes.EDUCATION_TOWN_BAND, key)))
    for occupation in Occupation:
        aggs[f"occ__{occupation.value}"] = _count(Q(occupation=occupation.value))
    for period in rules.JOIN_PERIODS:
        condition = Q(joined_on__isnull=False)
        if period.start is not None:
            condition &= Q(joined_on__gte=period.start)
        if period.end is not None:
            condition &= Q(joined_on__lt=period.end)
        aggs[f"join__{period.key}"] = _count(condition)
    for code in codes.ETHNICITIES:
        aggs[f"eth__{code}"] = _count(Q(ethnicity=code))
    return aggs


# -- shaping -------------------------------------------------------------------------------------


def _entry(key: str, label: str, count: int, total: int) -> dict[str, Any]:
    return {"key": key, "label": label, "count": count, "pct": rules.percentage(count, total)}


def _breakdown(
    row: Mapping[str, Any],
    prefix: str,
    items: list[tuple[str, str]],
    total: int,
    *,
    with_unknown: bool = True,
) -> list[dict[str, Any]]:
    entries = [_entry(key, label, row[f"{prefix}__{key}"] or 0, total) for key, label in items]
    if with_unknown:
        unknown = total - sum(e["count"] for e in entries)
        if unknown:
            entries.append(_entry(UNKNOWN, _("Not recorded"), unknown, total))
    return entries


def figures(row: Mapping[str, Any], as_of: dt.date) -> dict[str, Any]:
    """The API shape from one aggregate row: counts, ``_pct`` siblings, average age and breakdowns."""
    total = row["total"] or 0
    counts = {name: row[name] or 0 for name in ("total", "full", *FLAG_FIELDS)}
    counts["probationary"] = total - counts["full"]
    result: dict[str, Any] = {}
    for name in COUNT_FIELDS:
        result[name] = counts[name]
        result[f"{name}_pct"] = rules.percentage(counts[name], total)
    result["average_age"] = rules.average(row["age_sum"] or 0, total)
    result["age_bands"] = _breakdown(
        row, "age", [(b.key, b.label) for b in rules.age_bands_for(as_of)], total, with_unknown=False
    )
    result["education"] = {
        "party_bands": _breakdown(row, "edu_party", list(codes.PARTY_EDUCATION_BANDS), total),
        "town_bands": _breakdown(row, "edu_town", list(codes.TOWN_EDUCATION_BANDS), total),
    }
    result["occupation"] = _breakdown(
        row, "occ", [(o.value, codes.OCCUPATION_NAMES[o]) for o in Occupation], total
    )
    result["join_period"] = _breakdown(row, "join", [(p.key, p.label) for p in rules.JOIN_PERIODS], total)
    ethnicity = [
        _entry(code, codes.ethnicity_name(code), row[f"eth__{code}"], total)
        for code in codes.ETHNICITIES
        if row[f"eth__{code}"]
    ]
    ethnicity.sort(key=lambda e: (-e["count"], e["key"]))
    unknown = total - sum(e["count"] for e in ethnicity)
    if unknown:
        ethnicity.append(_entry(UNKNOWN, _("Not recorded"), unknown, total))
    result["ethnicity"] = ethnicity
    return result


def org_ref(org: OrgUnit) -> dict[str, Any]:
    """How statistics and org health name an org: id, code, name, kind."""
    return {"id": org.pk, "code": org.code, "name": org.name, "kind": org.kind}


# -- the selector ----------------------------------------------------------------------------------


def subtree_members(org: OrgUnit, as_of: dt.date) -> Any:
    """Members counted at ``as_of`` anywhere in ``org``'s subtree (one prefix condition on the path)."""
    return Member.unscoped.filter(org__path__startswith=org.path).filter(counted_at(as_of))


_SENTINEL = "@@subtree@@"  # not in the path alphabet (0-9A-Z): stands for the org path in cached SQL


@lru_cache(maxsize=64)
def _grouped_sql(
    alias: str, as_of: dt.date, child_length: int
) -> tuple[str, tuple[Any, ...], tuple[int, ...]]:
    """The grouped aggregate compiled once per (database, as_of, child path length).

    Compiling ~90 filtered aggregates costs Django more than running them on a small subtree, so
    the SQL is built by the ORM once and reused with the org's path put in its path-range parameters.
    """
    queryset = (
        subtree_members(OrgUnit(path=_SENTINEL), as_of)
        .annotate(child_path=Substr(F("org__path"), 1, child_length))
        .values("child_path")
        .annotate(**aggregates(as_of))
        .order_by()
    )
    sql, params = queryset.query.sql_with_params()
    path_indexes = tuple(i for i, p in enumerate(params) if isinstance(p, str) and _SENTINEL in p)
    if not path_indexes:
        raise RuntimeError("the subtree condition lost its path parameter")
    return sql, tuple(params), path_indexes


def member_stats(org: OrgUnit, as_of: dt.date) -> dict[str, Any]:
    """Statistics of ``org``'s subtree at ``as_of`` with the same figures for each direct child.

    Exactly two queries, whatever the number of children (the caller checks scope):

    1. the direct children (names, and children without anyone counted);
    2. ONE grouped aggregate over the whole subtree, grouped by the child path prefix
       ``substr(org.path, 1, len(org.path) + steplen)``: one row per child, plus one row keyed by the
       org's own path for the members it holds itself.

    Every figure is a count (or a sum of ages), so the subtree's row is the sum of the grouped rows:
    one scan of the subtree instead of two.
    """
    children = list(OrgUnit.unscoped.filter(path__startswith=org.path, depth=org.depth + 1).order_by("path"))
    child_length = len(org.path) + OrgUnit.steplen
    sql, params, path_indexes = _grouped_sql(connection.alias, as_of, child_length)
    params = list(params)
    for index in path_indexes:
        params[index] = params[index].replace(_SENTINEL, org.path)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        grouped = {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}
    figure_names = names[1:]  # after the child path: the aggregates, as named by aggregates()
    row = {name: sum(r[name] or 0 for r in grouped.values()) for name in figure_names}
    empty = dict.fromkeys(figure_names, 0)
    child_figures = []
    for child in children:
        child_row = grouped.get(child.path)
        if child_row is None and child.status != OrgStatus.ACTIVE:
            continue  # a dissolved child with nobody counted in it
        child_figures.append({"org": org_ref(child), **figures(child_row or empty, as_of)})
    result = {"org": org_ref(org), "as_of": as_of, **figures(row, as_of)}
    result["direct_total"] = (grouped.get(org.path) or empty)["total"]
    result["children"] = child_figures
    return result


def get_stats_org(*, user: Any, org_id: int | None, action: str = "view") -> OrgUnit:
    """The org whose statistics ``user`` asked to ``action``; by default the top org granted for it.

    Raises ``OrgUnit.DoesNotExist`` when the org is missing or outside the user's scope for
    ``action`` (shown as 404): an export is scoped by "export", not by "view".
    """
    if org_id is not None:
        return OrgUnit.objects.for_user(user, action).get(pk=org_id)
    return list_top_orgs(user=user, action=action).order_by("path")[:1].get()
