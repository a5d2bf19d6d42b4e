"""Demo members for the demo street: a few thousand believable, deterministic records.

Mix (a city street, after seed 004's town table): average age about 50, about a quarter retired,
about 15% under 35, women about 30%, ethnic minorities a few percent; education younger-is-higher;
occupation by the kind of unit the branch sits in. ID numbers are valid and checksummed with area
codes of one city (南京市) that were in use in the birth year; every record passes
``rules.validate_member_data`` without errors. Stored with ``bulk_create`` through
``services.prepare_member_fields`` and audited as one batch.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.utils import timezone

from core import audit
from core.models import AuditAction
from orgs.choices import BRANCH_KINDS, OrgKind, UnitType
from orgs.models import OrgUnit

from .choices import AddedHow, Category, MembershipStatus, Occupation
from .models import Member
from .rules import add_years, age_on, area_status, has_errors, id_check_character, validate_member_data
from .services import prepare_member_fields

DEFAULT_SEED = 20261122
# The latest "today" the demo assumes, so the same seed gives the same records on any later day.
REFERENCE_DATE = dt.date(2026, 11, 1)
BATCH = 500

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
    "莫孔向汤单仇解查翟乐盖"
)
COMPOUND_SURNAMES = ("欧阳", "诸葛", "上官", "司马", "尉迟")
MALE_CHARS = "伟强军磊洋勇杰涛明超华建国平刚辉鹏飞斌波峰宇浩俊志坚文海东林晨亮成龙生德福兴旺永春"
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀英华玲红梅琳燕雪莉萍婷颖慧洁琴云凤兰晶倩月丹佳蕾欣悦怡宁"
NANJING_AREAS = tuple(
    f"3201{n:02d}" for n in (2, 3, 4, 5, 6, 7, 11, 12, 13, 14, 15, 16, 17, 18, 20, 21, 22, 23, 24, 25)
)
URBAN_AREAS = ("320102", "320104", "320105", "320106", "320113", "320114")
MINORITIES = (("03", 40), ("11", 20), ("02", 12), ("08", 10), ("10", 8), ("15", 6), ("13", 4))
COMMUNITY_NAMES = (
    "东风社区",
    "和平社区",
    "建设社区",
    "光明社区",
    "新华社区",
    "朝阳社区",
    "幸福社区",
    "长安社区",
)


def _reference_today() -> dt.date:
    return min(timezone.localdate(), REFERENCE_DATE)


def _branch_orgs(street: OrgUnit) -> list[OrgUnit]:
    return list(
        OrgUnit.unscoped.filter(path__startswith=street.path)
        .filter(kind__in=BRANCH_KINDS, status="active")
        .order_by("path")
    )


def _party_groups(street: OrgUnit) -> dict[str, list[int]]:
    """Party group ids by the path of the branch above them."""
    groups: dict[str, list[int]] = {}
    rows = (
        OrgUnit.unscoped.filter(path__startswith=street.path)
        .filter(kind=OrgKind.PARTY_GROUP)
        .order_by("path")
    )
    for pk, path in rows.values_list("pk", "path"):
        groups.setdefault(path[: -OrgUnit.steplen], []).append(pk)
    return groups


def _size(rng: random.Random, org: OrgUnit) -> int:
    if org.unit_type in (UnitType.COMMUNITY, UnitType.COMPOUND) or org.kind == OrgKind.SECOND_LEVEL_BRANCH:
        return rng.randint(25, 55)
    if org.kind == OrgKind.JOINT_BRANCH:
        return rng.randint(4, 14)
    if org.unit_type in (UnitType.NON_PUBLIC_ENTERPRISE, UnitType.SOCIAL_ORGANISATION):
        return rng.randint(3, 18)
    return rng.randint(12, 40)


def _age(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.15:
        return rng.randint(22, 34)
    if roll < 0.74:
        return int(rng.triangular(35, 62, 50))
    return int(rng.triangular(60, 92, 68))


def _name(rng: random.Random, female: bool) -> str:
    surname = rng.choice(COMPOUND_SURNAMES) if rng.random() < 0.01 else rng.choice(SURNAMES)
    chars = FEMALE_CHARS if female else MALE_CHARS
    given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.7 else "")
    return surname + given


def _education(rng: random.Random, age: int) -> str:
    if age < 35:
        table = (("14", 12), ("21", 55), ("31", 25), ("41", 4), ("61", 4))
    elif age < 50:
        table = (("14", 6), ("21", 38), ("31", 30), ("41", 10), ("61", 10), ("71", 6))
    elif age < 65:
        table = (("21", 18), ("31", 22), ("41", 16), ("47", 6), ("61", 20), ("71", 15), ("81", 3))
    else:
        table = (("21", 8), ("31", 10), ("41", 14), ("61", 22), ("71", 28), ("81", 15), ("90", 3))
    return rng.choices([c for c, _w in table], [w for _c, w in table])[0]


def _occupation(rng: random.Random, org: OrgUnit, age: int, retired: bool, education: str) -> str:
    if retired:
        return Occupation.RETIRED
    if age < 24 and rng.random() < 0.3:
        return Occupation.STUDENT
    by_unit = {
        UnitType.GOVERNMENT_ORGAN: (
            (Occupation.OFFICIAL, 85),
            (Occupation.PROFESSIONAL, 10),
            (Occupation.WORKER, 5),
        ),
        UnitType.SCHOOL: ((Occupation.PROFESSIONAL, 80), (Occupation.MANAGER, 15), (Occupation.WORKER, 5)),
        UnitType.HOSPITAL: ((Occupation.PROFESSIONAL, 80), (Occupation.MANAGER, 12), (Occupation.WORKER, 8)),
        UnitType.PUBLIC_INSTITUTION: (
            (Occupation.PROFESSIONAL, 60),
            (Occupation.MANAGER, 30),
            (Occupation.WORKER, 10),
        ),
        UnitType.NON_PUBLIC_ENTERPRISE: (
            (Occupation.WORKER, 40),
            (Occupation.MANAGER, 30),
            (Occupation.PROFESSIONAL, 30),
        ),
        UnitType.SOCIAL_ORGANISATION: (
            (Occupation.PROFESSIONAL, 50),
            (Occupation.MANAGER, 30),
            (Occupation.OTHER, 20),
        ),
    }
    table = by_unit.get(
        org.unit_type,
        (
            (Occupation.WORKER, 30),
            (Occupation.OTHER, 30),
            (Occupation.MANAGER, 15),
            (Occupation.PROFESSIONAL, 20),
            (Occupation.FARMER, 5),
        ),
    )
    return str(rng.choices([o for o, _w in table], [w for _o, w in table])[0])


def _area(rng: random.Random, year: int) -> str:
    urban = [a for a in URBAN_AREAS if area_status(a, year) == "ok"]
    if urban and rng.random() < 0.8:
        return rng.choice(urban)
    valid = [a for a in NANJING_AREAS if area_status(a, year) == "ok"]
    return rng.choice(valid)


def _date_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _development(rng: random.Random, birth: dt.date, today: dt.date, probationary: bool) -> dict[str, Any]:
    """Application, activist, candidate, joining and confirmation dates in order, ≥18 at application."""
    adult = add_years(birth, 18)
    if probationary:
        joined = today - dt.timedelta(days=rng.randint(30, 330))
    else:
        joined_age = rng.choice((19, 21, 22, 23, 25, 27, 30, 33, 38))
        joined = add_years(birth, joined_age) + dt.timedelta(days=rng.randint(0, 300))
        joined = min(joined, add_years(today, -1) - dt.timedelta(days=rng.randint(0, 200)))
    candidate = max(adult, joined - dt.timedelta(days=rng.randint(90, 300)))
    activist = max(adult, add_years(candidate, -1) - dt.timedelta(days=rng.randint(0, 200)))
    application = max(adult, activist - dt.timedelta(days=rng.randint(30, 400)))
    if joined < adult or application > activist or activist > candidate or candidate > joined:
        # people who joined young long ago: keep only the joining date
        joined = max(joined, adult)
        return {"joined_on": joined, **({} if probationary else {"confirmed_on": add_years(joined, 1)})}
    dates: dict[str, Any] = {
        "application_date": application,
        "activist_date": activist,
        "candidate_date": candidate,
        "joined_on": joined,
    }
    if not probationary:
        extended = rng.random() < 0.03
        confirmed = add_years(joined, 1) + (
            dt.timedelta(days=rng.randint(183, 360)) if extended else dt.timedelta()
        )
        dates["confirmed_on"] = min(confirmed, today)
    return dates


def _member_rows(street: OrgUnit, seed: int, today: dt.date) -> Iterator[tuple[OrgUnit, dict[str, Any]]]:
    rng = random.Random(seed)
    orgs = _branch_orgs(street)
    groups = _party_groups(street)
    used_ids: set[str] = set()
    used_phones: set[str] = set()
    for org in orgs:
        group_ids = groups.get(org.path, [])
        for _ in range(_size(rng, org)):
            age = _age(rng)
            female = rng.random() < 0.31
            birth = add_years(today, -age) - dt.timedelta(days=rng.randint(1, 364))
            area = _area(rng, birth.year)
            while True:
                seq = rng.randint(0, 499) * 2 + (0 if female else 1)
                first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
                id_number = first17 + id_check_character(first17)
                if id_number not in used_ids:
                    used_ids.add(id_number)
                    break
            while True:
                phone = f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}"
                if phone not in used_phones:
                    used_phones.add(phone)
                    break
            real_age = age_on(birth, today)
            retired = real_age >= 60 or (female and real_age >= 55 and rng.random() < 0.6)
            probationary = real_age >= 20 and real_age < 45 and rng.random() < 0.06
            education = _education(rng, real_age)
            data: dict[str, Any] = {
                "name": _name(rng, female),
                "id_number": id_number,
                "phone": phone,
                "ethnicity": (
                    rng.choices([c for c, _w in MINORITIES], [w for _c, w in MINORITIES])[0]
                    if rng.random() < 0.035
                    else "01"
                ),
                "education": education,
                "fulltime_education": education,
                "occupation": _occupation(rng, org, real_age, retired, education),
                "category": Category.PROBATIONARY if probationary else Category.FULL,
                "status": MembershipStatus.NORMAL,
                "native_place": rng.choice(
                    ("江苏南京", "江苏扬州", "安徽滁州", "江苏镇江", "山东临沂", "安徽马鞍山")
                ),
                "address": f"{rng.choice(COMMUNITY_NAMES)}{rng.randint(1, 40)}栋{rng.randint(1, 6)}单元",
                "residence_community": rng.choice(COMMUNITY_NAMES),
                **_development(rng, birth, today, probationary),
            }
            if org.unit_type not in (UnitType.COMMUNITY, UnitType.COMPOUND) and not retired:
                data["work_unit"] = org.name.replace("党支部", "").replace("联合", "") or org.name
            joined = data["joined_on"]
            if rng.random() < 0.35:
                data["added_how"] = AddedHow.TRANSFERRED_IN
                data["added_on"] = _date_between(rng, max(joined, add_years(today, -15)), today)
            else:
                data["added_how"] = AddedHow.DEVELOPED
                data["added_on"] = joined
            if group_ids and rng.random() < 0.8:
                data["party_group"] = rng.choice(group_ids)
            _flags(rng, data, birth, today, retired, real_age)
            yield org, data


def _flags(
    rng: random.Random, data: dict[str, Any], birth: dt.date, today: dt.date, retired: bool, age: int
) -> None:
    since_floor = max(data["joined_on"], add_years(today, -10))
    if retired:
        data["is_retired"] = True
        data["retired_on"] = min(add_years(birth, 60 if age >= 60 else 55), today)
    if not retired and 22 <= age < 55 and rng.random() < 0.035:
        data["is_mobile"] = True
        data["mobile_since"] = _date_between(rng, since_floor, today)
    if rng.random() < (0.12 if retired else 0.03):
        data["in_hardship"] = True
        data["hardship_since"] = _date_between(rng, since_floor, today)
    if rng.random() < 0.005:
        data["is_lost_contact"] = True
        data["lost_contact_since"] = _date_between(rng, since_floor, today)
    if rng.random() < 0.01:
        data["is_pocket"] = True
        data["pocket_since"] = _date_between(rng, since_floor, today)
    if not retired and data.get("work_unit") and rng.random() < 0.45:
        data["is_reported_to_community"] = True
        data["reported_community"] = rng.choice(COMMUNITY_NAMES)
        data["reported_on"] = _date_between(rng, max(data["joined_on"], add_years(today, -5)), today)


@transaction.atomic
def build_demo_members(street_org: OrgUnit, seed: int = DEFAULT_SEED) -> int:
    """Create the demo members under ``street_org``; returns how many (0 when it has members already)."""
    if Member.unscoped.in_subtree(street_org.path).exists():
        return 0
    today = _reference_today()
    batch_record = None
    created = 0
    buffer: list[Member] = []

    def flush() -> None:
        nonlocal batch_record, created
        Member.unscoped.bulk_create(buffer, batch_size=BATCH)
        rows = [
            audit.BulkRow(
                object_id=m.pk,
                object_repr=m.name,
                action=AuditAction.CREATE,
                changes={"name": [None, m.name], "org": [None, m.org_id], "category": [None, m.category]},
                org_id=m.org_id,
            )
            for m in buffer
        ]
        batch_record = audit.record_bulk(
            actor=None,
            model=Member,
            description=f"Demo members for {street_org.name}",
            org=street_org,
            rows=rows,
            batch=batch_record,
        )
        created += len(buffer)
        buffer.clear()

    for org, data in _member_rows(street_org, seed, today):
        problems = validate_member_data(data, today=today)
        if has_errors(problems):
            raise ValueError(f"demo member data is invalid: {data['name']}: {problems}")
        buffer.append(Member(org=org, **prepare_member_fields(data)))
        if len(buffer) >= BATCH:
            flush()
    if buffer:
        flush()
    return created
