"""Member factories: valid checksummed ID numbers, stored through prepare_member_fields.

member = MemberFactory(org=branch)               # a full member with a fresh ID number
member = MemberFactory(org=branch, name="张三", id_number="360426199101010071")
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from members.models import Member
from members.rules import id_check_character
from members.services import prepare_member_fields
from orgs.tests.factories import OrgUnitFactory


def make_id_number(birth_date: dt.date, sequence: int, area: str = "110105", female: bool = False) -> str:
    """A valid 18-character ID number; the sequence's last digit is made odd (male) or even."""
    seq = (sequence % 500) * 2 + (0 if female else 1)
    first17 = f"{area}{birth_date:%Y%m%d}{seq:03d}"
    return first17 + id_check_character(first17)


class MemberFactory(factory.Factory):
    """Builds plain data, then stores it like the services do (encrypted, indexed, with pinyin)."""

    class Meta:
        model = Member

    org = factory.SubFactory(OrgUnitFactory)
    name = factory.Sequence(lambda n: f"党员{n}")
    birth_date = factory.Sequence(lambda n: dt.date(1960, 1, 1) + dt.timedelta(days=n * 37 % 12000))
    gender = "M"
    id_number = factory.LazyAttributeSequence(
        lambda o, n: make_id_number(o.birth_date, n, female=o.gender == "F")
    )
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    ethnicity = "01"
    education = "21"
    category = "full"
    joined_on = factory.LazyAttribute(lambda o: dt.date(o.birth_date.year + 25, 7, 1))
    confirmed_on = factory.LazyAttribute(lambda o: dt.date(o.birth_date.year + 26, 7, 1))

    @classmethod
    def _build(cls, model_class: type[Member], *args: Any, **kwargs: Any) -> Member:
        org = kwargs.pop("org")
        return model_class(org=org, **prepare_member_fields(kwargs))

    @classmethod
    def _create(cls, model_class: type[Member], *args: Any, **kwargs: Any) -> Member:
        member = cls._build(model_class, *args, **kwargs)
        member.save()
        return member
