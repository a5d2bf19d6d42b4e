"""member_stats: exact figures for a hand-built population (seed 004's town table) and as-of behaviour."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orgs.tests.factories import OrgUnitFactory
from stats.selectors import member_stats
from stats.tests.factories import AS_OF, StatsMemberFactory, make_town

pytestmark = pytest.mark.django_db


def _counts(entries):
    return {e["key"]: e["count"] for e in entries}


def _pcts(entries):
    return {e["key"]: e["pct"] for e in entries}


def test_town_table_of_seed_004():
    town = make_town()

    stats = member_stats(town.town, AS_OF)

    assert stats["as_of"] == AS_OF
    assert stats["total"] == 121
    assert (stats["women"], stats["women_pct"]) == (34, Decimal("28.10"))
    assert (stats["mobile"], stats["mobile_pct"]) == (4, Decimal("3.31"))
    assert (stats["retired"], stats["retired_pct"]) == (9, Decimal("7.44"))
    assert (stats["hardship"], stats["hardship_pct"]) == (20, Decimal("16.53"))
    assert (stats["lost_contact"], stats["lost_contact_pct"]) == (2, Decimal("1.65"))
    assert (stats["ethnic_minority"], stats["ethnic_minority_pct"]) == (4, Decimal("3.31"))
    assert (stats["under_35"], stats["under_35_pct"]) == (24, Decimal("19.83"))
    assert (stats["full"], stats["probationary"]) == (115, 6)
    assert (stats["full_pct"], stats["probationary_pct"]) == (Decimal("95.04"), Decimal("4.96"))
    assert stats["total_pct"] == Decimal("100.00")
    assert stats["average_age"] == Decimal("44.0")
    town_bands = stats["education"]["town_bands"]
    assert _counts(town_bands) == {
        "primary": 57,
        "junior": 31,
        "senior_or_secondary": 12,
        "college_or_above": 21,
    }
    assert _pcts(town_bands) == {
        "primary": Decimal("47.11"),
        "junior": Decimal("25.62"),
        "senior_or_secondary": Decimal("9.92"),
        "college_or_above": Decimal("17.36"),
    }
    assert _counts(stats["education"]["party_bands"]) == {
        "postgraduate": 3,
        "bachelor": 10,
        "college": 8,
        "secondary_specialised": 5,
        "high_school": 7,
        "junior_or_below": 88,
    }
    assert _counts(stats["age_bands"]) == {
        "le30": 4,
        "31_35": 20,
        "36_40": 20,
        "41_45": 25,
        "46_50": 20,
        "51_55": 20,
        "56_60": 12,
        "ge61": 0,
    }
    assert _counts(stats["occupation"]) == {
        "worker": 0,
        "farmer": 100,
        "professional": 0,
        "manager": 0,
        "official": 12,
        "student": 0,
        "other": 0,
        "retired": 9,
    }
    assert _counts(stats["join_period"]) == {"before_1949": 0, "to_1978": 1, "to_2012": 85, "since_2012": 35}
    assert _counts(stats["ethnicity"]) == {"01": 116, "03": 2, "05": 1, "08": 1, "97": 1}
    assert [e["label"] for e in stats["ethnicity"][:2]] == ["汉族", "回族"]


def test_children_have_the_same_figures():
    town = make_town()

    stats = member_stats(town.town, AS_OF)

    assert [c["org"]["name"] for c in stats["children"]] == ["长乐社区党支部", "新华社区党委"]
    a, b = stats["children"]
    assert (a["total"], a["women"], a["women_pct"], a["hardship"], a["mobile"]) == (
        70,
        34,
        Decimal("48.57"),
        20,
        4,
    )
    assert (b["total"], b["women"], b["ethnic_minority"], b["lost_contact"], b["probationary"]) == (
        51,
        0,
        4,
        2,
        6,
    )
    assert _counts(b["education"]["town_bands"]) == {
        "primary": 0,
        "junior": 18,
        "senior_or_secondary": 12,
        "college_or_above": 21,
    }
    assert stats["direct_total"] == 0
    sub = member_stats(town.community_b, AS_OF)
    assert [(c["org"]["name"], c["total"]) for c in sub["children"]] == [
        ("新华第一党支部", 31),
        ("新华第二党支部", 20),
    ]
    assert sub["total"] == b["total"]
    assert "children" not in sub["children"][0]


def test_as_of_excludes_later_joiners_and_earlier_removals():
    branch = OrgUnitFactory()
    StatsMemberFactory(org=branch, joined_on=dt.date(2020, 1, 1))
    StatsMemberFactory(org=branch, joined_on=dt.date(2024, 7, 1), confirmed_on=None, category="probationary")
    StatsMemberFactory(org=branch, removed_on=dt.date(2024, 3, 1), removed_how="transferred_out")
    StatsMemberFactory(org=branch, removed_on=dt.date(2024, 9, 1), removed_how="transferred_out")
    StatsMemberFactory(org=branch, status="left", status_date=dt.date(2024, 1, 1))
    StatsMemberFactory(org=branch, status="deceased", status_date=dt.date(2024, 8, 1))
    StatsMemberFactory(org=branch, joined_on=None, added_on=dt.date(2024, 8, 1))
    StatsMemberFactory(org=branch, joined_on=None, added_on=None)

    # 2020 joiner, removed in September, deceased in August, the record without dates.
    assert member_stats(branch, dt.date(2024, 6, 30))["total"] == 4
    # 2020 joiner, July joiner, added in August, the record without dates.
    assert member_stats(branch, dt.date(2024, 12, 31))["total"] == 4
    # Not yet: the 2020 joiner and the August addition; still counted: removed, left and deceased later.
    assert member_stats(branch, dt.date(2019, 12, 31))["total"] == 5


def test_confirmation_after_as_of_counts_as_probationary():
    branch = OrgUnitFactory()
    StatsMemberFactory(org=branch, joined_on=dt.date(2023, 7, 1), confirmed_on=dt.date(2024, 7, 1))

    before = member_stats(branch, dt.date(2024, 6, 30))
    after = member_stats(branch, dt.date(2024, 7, 1))

    assert (before["full"], before["probationary"]) == (0, 1)
    assert (after["full"], after["probationary"]) == (1, 0)


def test_flags_count_from_their_date():
    branch = OrgUnitFactory()
    StatsMemberFactory(org=branch, is_mobile=True, mobile_since=dt.date(2024, 7, 1))

    assert member_stats(branch, dt.date(2024, 6, 30))["mobile"] == 0
    assert member_stats(branch, dt.date(2024, 7, 1))["mobile"] == 1


def test_old_age_bands_before_2017():
    branch = OrgUnitFactory()
    StatsMemberFactory(org=branch, birth_date=dt.date(1980, 1, 1), joined_on=dt.date(2000, 1, 1))

    stats = member_stats(branch, dt.date(2016, 12, 31))

    assert _counts(stats["age_bands"]) == {"le35": 0, "36_45": 1, "46_60": 0, "ge61": 0}
    assert stats["average_age"] == Decimal("36.0")


def test_empty_org():
    branch = OrgUnitFactory()

    stats = member_stats(branch, AS_OF)

    assert (stats["total"], stats["women_pct"], stats["average_age"], stats["children"]) == (
        0,
        Decimal("0.00"),
        None,
        [],
    )


@pytest.mark.parametrize("children", [1, 6])
def test_query_count_does_not_grow_with_children(children):
    root = OrgUnitFactory()
    for _ in range(children):
        child = OrgUnitFactory(parent=root)
        StatsMemberFactory(org=OrgUnitFactory(parent=child))
    root.refresh_from_db()

    with CaptureQueriesContext(connection) as captured:
        stats = member_stats(root, AS_OF)

    assert len(captured) == 2
    assert [c["total"] for c in stats["children"]] == [1] * children
