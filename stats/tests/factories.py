"""Members for statistics tests, and the seed-004 town population (issue 3, "Must show").

The members app keeps the general member factory; this one only fills what statistics read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import factory

from members.models import Member
from orgs.choices import OrgKind, UnitType
from orgs.models import OrgUnit
from orgs.tests.factories import OrgUnitFactory
from stats.rules import years_before


class StatsMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"党员{n}")
    gender = "M"
    ethnicity = "01"
    birth_date = dt.date(1980, 5, 1)
    education = "21"
    occupation = "other"
    category = "full"
    status = "normal"
    joined_on = dt.date(2005, 7, 1)
    confirmed_on = dt.date(2006, 7, 1)


AS_OF = dt.date(2024, 6, 30)


@dataclass
class Town:
    town: OrgUnit
    community_a: OrgUnit
    community_b: OrgUnit
    branch_b1: OrgUnit
    branch_b2: OrgUnit
    members: list[Member]


def seed_004_age(i: int) -> int:
    """Ages averaging exactly 44: member 120 is 44, the others pair up 44 - d and 44 + d."""
    if i == 120:
        return 44
    d = (i // 2) % 15
    return 44 - d if i % 2 == 0 else 44 + d


def make_town(as_of: dt.date = AS_OF) -> Town:
    """121 members counted at ``as_of`` reproducing seed 004's town table, plus three who are not counted.

    women 34; mobile 4; retired 9; hardship 20; lost contact 2; ethnic minority 4 (one more is 97 其他,
    not a minority); education 小学 57, 初中 31, 高中/中专 12 (中专 5, 高中 7), 大专及以上 21
    (研究生 3, 本科 10, 专科 8); 12 in organs; 5 probationary by category and 1 confirmed after
    ``as_of``; one stopped after ``as_of`` (still counted).
    Orgs: town -> community_a (branch, members 0-69); community_b -> branch_b1 (70-100), branch_b2 (101-120).
    """
    town = OrgUnitFactory(name="长乐镇党委", kind=OrgKind.TOWN_COMMITTEE, unit_type=UnitType.TOWN)
    community_a = OrgUnitFactory(parent=town, name="长乐社区党支部", kind=OrgKind.BRANCH)
    community_b = OrgUnitFactory(parent=town, name="新华社区党委", kind=OrgKind.COMMUNITY_COMMITTEE)
    branch_b1 = OrgUnitFactory(parent=community_b, name="新华第一党支部")
    branch_b2 = OrgUnitFactory(parent=community_b, name="新华第二党支部")
    members = []
    for i in range(121):
        age = seed_004_age(i)
        fields: dict[str, Any] = {
            "org": community_a if i < 70 else branch_b1 if i <= 100 else branch_b2,
            "birth_date": years_before(as_of, age) - dt.timedelta(days=i % 200),
            "gender": "F" if i < 34 else "M",
            "occupation": "official" if i < 12 else "retired" if 40 <= i < 49 else "farmer",
            "joined_on": dt.date(2015, 7, 1)
            if i % 4 == 0
            else dt.date(1970, 7, 1)
            if i == 1
            else dt.date(2000, 7, 1),
        }
        if 34 <= i < 38:
            fields.update(is_mobile=True, mobile_since=dt.date(2023, 1, 1))
        if 40 <= i < 49:
            fields.update(is_retired=True, retired_on=dt.date(2020, 1, 1))
        if 50 <= i < 70:
            fields.update(in_hardship=True, hardship_since=None if i == 50 else dt.date(2022, 3, 1))
        if i in (80, 81):
            fields.update(is_lost_contact=True, lost_contact_since=dt.date(2024, 1, 2))
        if i in (90, 91, 92, 93):
            fields["ethnicity"] = ["03", "03", "05", "08"][i - 90]
        if i == 94:
            fields["ethnicity"] = "97"
        if i < 57:
            fields["education"] = "81" if i % 3 else "83"
        elif i < 88:
            fields["education"] = "71"
        elif i < 93:
            fields["education"] = "41"
        elif i < 100:
            fields["education"] = "61" if i < 97 else "47"
        elif i < 103:
            fields["education"] = "14"
        elif i < 113:
            fields["education"] = "21"
        else:
            fields["education"] = "31"
        if 115 <= i < 120:
            fields.update(category="probationary", confirmed_on=None, joined_on=dt.date(2024, 1, 5))
        if i == 120:
            fields.update(joined_on=dt.date(2023, 6, 1), confirmed_on=dt.date(2024, 7, 1))
        if i == 110:
            fields.update(status="stopped", status_date=dt.date(2024, 8, 1))
        members.append(StatsMemberFactory(**fields))
    # Not counted at as_of: joined after it, removed before it, deceased before it.
    StatsMemberFactory(org=community_a, gender="F", joined_on=dt.date(2024, 7, 1), confirmed_on=None)
    StatsMemberFactory(
        org=branch_b1, gender="F", removed_on=dt.date(2024, 6, 30), removed_how="transferred_out"
    )
    StatsMemberFactory(org=branch_b2, gender="F", status="deceased", status_date=dt.date(2023, 2, 1))
    return Town(town, community_a, community_b, branch_b1, branch_b2, members)
