"""The demo street: a realistic, deterministic org tree (same seed, same tree, same codes).

东城街道党工委 (code DC) over ten community committees, each with general branches, branches,
second-level community branches by building or area, compound orgs and party groups; under the
street itself: the street organ branches, a two-new (非公企业 and 社会组织) committee with standalone
and joint branches, a school and a hospital branch. Every org is created through
``orgs.services.create_org`` so paths, audit and validation are the real ones.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from .choices import EstablishedHow, OrgKind, UnitType
from .models import OrgUnit
from .services import create_org

STREET_CODE = "DC"
STREET_NAME = "东城街道党工委"
STREET_SHORT = "东城街道"
DOC_PREFIX = "东党工"
DEFAULT_SEED = 20240701

COMMUNITIES = ("东风", "和平", "建设", "光明", "新华", "朝阳", "幸福", "长安", "文昌", "春晖")
ROADS = (
    "东风路",
    "和平街",
    "建设大道",
    "光明路",
    "新华路",
    "朝阳北街",
    "幸福里",
    "长安路",
    "文昌巷",
    "春晖路",
)
COMPOUNDS = (
    "锦绣花园",
    "阳光家园",
    "翠苑小区",
    "金色家园",
    "御景湾",
    "丽都花园",
    "和园小区",
    "滨江名苑",
    "紫荆园",
    "桂花苑",
    "世纪新城",
    "香樟园",
    "星河湾",
    "怡景苑",
    "梧桐公寓",
    "春江花园",
    "龙湖天街",
    "碧水苑",
    "嘉和园",
    "秀水小区",
)
AREAS = ("东片区", "西片区", "南片区", "北片区")
ORDINALS = ("第一", "第二", "第三", "第四", "第五", "第六", "第七", "第八")
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰文斌海燕鹏飞宁波晓梅"

ENTERPRISES = (
    "东城智联科技有限公司",
    "恒达建设工程有限公司",
    "华信物流有限公司",
    "绿源环保科技有限公司",
    "瑞丰食品有限公司",
    "博远软件有限公司",
)
# Joint branches of office buildings and parks: (building, units covered).
BUILDING_UNITS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "东城金融大厦",
        ("安泰会计师事务所有限公司", "明德律师事务所", "汇通广告有限公司", "启航教育咨询有限公司"),
    ),
    (
        "东城创业园",
        (
            "云帆网络科技有限公司",
            "青禾设计工作室",
            "远景电子商务有限公司",
            "合众人力资源有限公司",
            "优品贸易有限公司",
        ),
    ),
)
SOCIAL_ORGS = ("东城街道社会工作服务中心", "东城街道志愿者协会")


class SystemActor:
    """The loader acting as the system: every scope, and audit rows with no user."""

    pk = None
    is_authenticated = True
    is_active = True
    is_superuser = True

    def get_scope_paths(self, action: str) -> None:
        return None

    def __str__(self) -> str:
        return "system"


@dataclass
class DemoTree:
    street: OrgUnit
    communities: list[OrgUnit] = field(default_factory=list)
    branches: list[OrgUnit] = field(default_factory=list)
    created: int = 0


class _Builder:
    def __init__(self, *, actor: Any, seed: int) -> None:
        self.actor = actor
        self.rng = random.Random(seed)
        self.count = 0

    def person(self) -> str:
        given = self.rng.choice(GIVEN) + (self.rng.choice(GIVEN) if self.rng.random() < 0.6 else "")
        return self.rng.choice(SURNAMES) + given

    def phone(self) -> str:
        return f"0571-{self.rng.randint(85000000, 89999999)}"

    def date_after(self, start: dt.date, max_days: int = 900) -> dt.date:
        return min(start + dt.timedelta(days=self.rng.randint(30, max_days)), dt.date(2024, 6, 30))

    def doc(self, on: dt.date) -> str:
        """The street's approval document: numbered by week, so numbers grow with dates in a year."""
        return f"{DOC_PREFIX}〔{on.year}〕{(on.timetuple().tm_yday - 1) // 7 + 1}号"

    def add(
        self, parent: OrgUnit | None, code: str, name: str, kind: str, unit_type: str, **extra: Any
    ) -> OrgUnit:
        parent_date = parent.established_on if parent is not None else dt.date(2001, 1, 1)
        established_on = extra.pop("established_on", None) or self.date_after(parent_date)
        fields: dict[str, Any] = {
            "code": code,
            "name": name,
            "kind": kind,
            "unit_type": unit_type,
            "established_on": established_on,
            "establishment_doc": self.doc(established_on),
            "secretary_name": self.person(),
            "contact_name": self.person(),
            "contact_phone": self.phone(),
        }
        fields.update(extra)
        self.count += 1
        return create_org(actor=self.actor, parent=parent, **fields)


def _party_groups(b: _Builder, parent: OrgUnit, prefix: str, count: int) -> None:
    for i in range(count):
        b.add(
            parent,
            f"{parent.code}{i + 1:02d}",
            f"{prefix}{ORDINALS[i]}党小组",
            OrgKind.PARTY_GROUP,
            parent.unit_type,
            address=parent.address,
            establishment_doc="",
            secretary_name="",
        )


def _community(b: _Builder, street: OrgUnit, index: int, tree: DemoTree) -> OrgUnit:
    name = COMMUNITIES[index]
    road = ROADS[index]
    code = f"{STREET_CODE}{index + 1:02d}"
    address = f"东城街道{road}{b.rng.randint(1, 300)}号{name}社区党群服务中心"
    community = b.add(
        street,
        code,
        f"{name}社区党委",
        OrgKind.COMMUNITY_COMMITTEE,
        UnitType.COMMUNITY,
        short_name=f"{name}社区",
        address=address,
    )
    tree.communities.append(community)
    seq = 0

    def next_code() -> str:
        nonlocal seq
        seq += 1
        return f"{code}{seq:02d}"

    branch_no = 0
    for g in range(b.rng.randint(1, 2)):
        general = b.add(
            community,
            next_code(),
            f"{name}社区{ORDINALS[g]}党总支",
            OrgKind.GENERAL_BRANCH,
            UnitType.COMMUNITY,
            address=address,
        )
        for n in range(b.rng.randint(2, 3)):
            branch_name = f"{name}社区{ORDINALS[branch_no]}党支部"
            branch_no += 1
            branch = b.add(
                general,
                f"{general.code}{n + 1:02d}",
                branch_name,
                OrgKind.BRANCH,
                UnitType.COMMUNITY,
                address=address,
            )
            tree.branches.append(branch)
            _party_groups(b, branch, branch_name, b.rng.randint(1, 2))
    buildings = sorted(b.rng.sample(range(1, 31), b.rng.randint(1, 2)))
    areas = b.rng.sample(AREAS, b.rng.randint(1, 2))
    for label in [f"{n}号楼" for n in buildings] + areas:
        branch = b.add(
            community,
            next_code(),
            f"{name}社区{label}党支部",
            OrgKind.SECOND_LEVEL_BRANCH,
            UnitType.COMMUNITY,
            address=f"东城街道{road}{label}",
        )
        tree.branches.append(branch)
        _party_groups(b, branch, f"{name}社区{label}党支部", b.rng.randint(0, 2))
    for compound in (COMPOUNDS[2 * index], COMPOUNDS[2 * index + 1])[: b.rng.randint(1, 2)]:
        branch = b.add(
            community,
            next_code(),
            f"{compound}小区党支部",
            OrgKind.COMPOUND_ORG,
            UnitType.COMPOUND,
            short_name=compound,
            address=f"东城街道{road}{b.rng.randint(1, 400)}号{compound}",
        )
        tree.branches.append(branch)
    retired = b.add(
        community,
        next_code(),
        f"{name}社区离退休党支部",
        OrgKind.BRANCH,
        UnitType.COMMUNITY,
        address=address,
    )
    tree.branches.append(retired)
    return community


def _street_units(b: _Builder, street: OrgUnit, tree: DemoTree) -> None:
    code = f"{STREET_CODE}{len(COMMUNITIES) + 1:02d}"
    address = "东城街道人民路88号"
    organs = b.add(
        street,
        code,
        "东城街道机关党总支",
        OrgKind.GENERAL_BRANCH,
        UnitType.GOVERNMENT_ORGAN,
        address=address,
    )
    for i, office in enumerate(("党政办", "社会事务办", "综合执法队")):
        branch = b.add(
            organs,
            f"{organs.code}{i + 1:02d}",
            f"东城街道机关{office}党支部",
            OrgKind.BRANCH,
            UnitType.GOVERNMENT_ORGAN,
            address=address,
        )
        tree.branches.append(branch)

    code = f"{STREET_CODE}{len(COMMUNITIES) + 2:02d}"
    two_new = b.add(
        street,
        code,
        "东城街道两新组织综合党委",
        OrgKind.PRIMARY_COMMITTEE,
        UnitType.NON_PUBLIC_ENTERPRISE,
        address="东城街道创业路16号两新组织党群服务站",
    )
    specs: list[tuple[str, str, str, dict[str, Any]]] = [
        (
            f"{enterprise}党支部",
            OrgKind.BRANCH,
            UnitType.NON_PUBLIC_ENTERPRISE,
            {"address": f"东城街道创业路{b.rng.randint(1, 200)}号"},
        )
        for enterprise in ENTERPRISES
    ]
    specs += [
        (
            f"{building}联合党支部",
            OrgKind.JOINT_BRANCH,
            UnitType.NON_PUBLIC_ENTERPRISE,
            {
                "established_how": EstablishedHow.JOINT,
                "units_covered": "\n".join(units),
                "address": f"东城街道{building}",
            },
        )
        for building, units in BUILDING_UNITS
    ]
    specs += [
        (
            f"{social}党支部",
            OrgKind.BRANCH,
            UnitType.SOCIAL_ORGANISATION,
            {"address": f"东城街道文化路{b.rng.randint(1, 100)}号"},
        )
        for social in SOCIAL_ORGS
    ]
    for seq, (name, kind, unit_type, extra) in enumerate(specs, start=1):
        tree.branches.append(b.add(two_new, f"{code}{seq:02d}", name, kind, unit_type, **extra))

    school = b.add(
        street,
        f"{STREET_CODE}{len(COMMUNITIES) + 3:02d}",
        "东城街道中心小学党支部",
        OrgKind.BRANCH,
        UnitType.SCHOOL,
        address="东城街道育才路1号",
    )
    hospital = b.add(
        street,
        f"{STREET_CODE}{len(COMMUNITIES) + 4:02d}",
        "东城街道社区卫生服务中心党支部",
        OrgKind.BRANCH,
        UnitType.HOSPITAL,
        address="东城街道健康路20号",
    )
    tree.branches.extend([school, hospital])


def get_demo_street() -> OrgUnit | None:
    return OrgUnit.unscoped.filter(code=STREET_CODE).first()


def build_demo_tree(*, actor: Any, seed: int = DEFAULT_SEED) -> DemoTree | None:
    """Create the demo street; None (and nothing written) when a street with its code exists."""
    if get_demo_street() is not None:
        return None
    b = _Builder(actor=actor, seed=seed)
    street = b.add(
        None,
        STREET_CODE,
        STREET_NAME,
        OrgKind.STREET_COMMITTEE,
        UnitType.STREET,
        short_name=STREET_SHORT,
        established_on=dt.date(2003, 6, 18),
        address="东城街道人民路88号",
    )
    tree = DemoTree(street=street)
    for index in range(len(COMMUNITIES)):
        _community(b, street, index, tree)
    _street_units(b, street, tree)
    tree.street = OrgUnit.unscoped.get(pk=street.pk)
    tree.created = b.count
    return tree
