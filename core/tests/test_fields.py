"""PathField's startswith is an indexed range that matches exactly the subtree."""

import pytest

from orgs.models import OrgUnit
from orgs.tests.factories import OrgUnitFactory


@pytest.mark.django_db
def test_path_startswith_matches_the_subtree_only():
    root = OrgUnitFactory()
    child = OrgUnitFactory(parent=root)
    grandchild = OrgUnitFactory(parent=child)
    sibling = OrgUnitFactory(parent=root)
    other_root = OrgUnitFactory()

    subtree = set(OrgUnit.unscoped.filter(path__startswith=child.path).values_list("pk", flat=True))
    everything = set(OrgUnit.unscoped.filter(path__startswith=root.path).values_list("pk", flat=True))

    assert subtree == {child.pk, grandchild.pk}
    assert everything == {root.pk, child.pk, grandchild.pk, sibling.pk}
    assert other_root.pk not in everything


@pytest.mark.django_db
def test_path_startswith_compiles_to_a_range_not_like():
    sql = str(OrgUnit.unscoped.filter(path__startswith="0001").query)
    assert "LIKE" not in sql.upper()
    assert '"path" >=' in sql


@pytest.mark.django_db
def test_name_search_stays_case_insensitive_for_latin_letters():
    org = OrgUnitFactory(code="DC01")
    assert list(OrgUnit.unscoped.filter(code__istartswith="dc01").values_list("pk", flat=True)) == [org.pk]
