"""Org tree factories. Nodes are inserted through treebeard so paths, depth and numchild stay right.

root = OrgUnitFactory()                       # a new root
branch = OrgUnitFactory(parent=root)          # a child of root
tree = make_tree()                            # a small street tree, see Tree
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import factory

from orgs.choices import OrgKind, UnitType
from orgs.models import OrgUnit


class OrgUnitFactory(factory.django.DjangoModelFactory):
    """``parent=None`` makes a root; otherwise the org is added as the parent's last child."""

    class Meta:
        model = OrgUnit

    code = factory.Sequence(lambda n: f"T{n:06d}")
    name = factory.Sequence(lambda n: f"测试党组织{n}")
    kind = OrgKind.BRANCH
    unit_type = UnitType.COMMUNITY
    parent = None

    @classmethod
    def _build(cls, model_class: type[OrgUnit], *args: Any, **kwargs: Any) -> OrgUnit:
        kwargs.pop("parent", None)
        return model_class(*args, **kwargs)

    @classmethod
    def _create(cls, model_class: type[OrgUnit], *args: Any, **kwargs: Any) -> OrgUnit:
        parent = kwargs.pop("parent", None)
        instance = model_class(*args, **kwargs)
        if parent is None:
            return model_class.unscoped.add_root(instance=instance)
        return model_class.unscoped.add_child(parent, instance=instance)


@dataclass
class Tree:
    """street -> community_a -> (branch_a1, branch_a2); street -> community_b -> branch_b1.

    ``other_root`` is a separate street: out of scope for anyone granted inside ``street``.
    """

    street: OrgUnit
    community_a: OrgUnit
    branch_a1: OrgUnit
    branch_a2: OrgUnit
    community_b: OrgUnit
    branch_b1: OrgUnit
    other_root: OrgUnit
    other_branch: OrgUnit

    def refresh(self) -> None:
        for name in self.__dataclass_fields__:
            getattr(self, name).refresh_from_db()


def make_tree() -> Tree:
    street = OrgUnitFactory(name="东城街道党工委", kind=OrgKind.STREET_COMMITTEE, unit_type=UnitType.STREET)
    community_a = OrgUnitFactory(parent=street, name="东风社区党委", kind=OrgKind.COMMUNITY_COMMITTEE)
    branch_a1 = OrgUnitFactory(parent=community_a, name="东风社区第一党支部")
    branch_a2 = OrgUnitFactory(parent=community_a, name="东风社区第二党支部")
    community_b = OrgUnitFactory(parent=street, name="西湖社区党委", kind=OrgKind.COMMUNITY_COMMITTEE)
    branch_b1 = OrgUnitFactory(parent=community_b, name="西湖社区党支部")
    other_root = OrgUnitFactory(name="南山镇党委", kind=OrgKind.TOWN_COMMITTEE, unit_type=UnitType.TOWN)
    other_branch = OrgUnitFactory(parent=other_root, name="南山村党支部", unit_type=UnitType.VILLAGE)
    tree = Tree(street, community_a, branch_a1, branch_a2, community_b, branch_b1, other_root, other_branch)
    tree.refresh()
    return tree


def make_chain(depth: int, parent: OrgUnit | None = None) -> list[OrgUnit]:
    """``depth`` orgs, each the child of the previous one; the first under ``parent`` (or a root)."""
    chain: list[OrgUnit] = []
    for _ in range(depth):
        parent = OrgUnitFactory(parent=parent)
        chain.append(parent)
    return chain
