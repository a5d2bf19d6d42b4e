"""The left menu marks one entry active: the most specific one for the page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import user_with_role
from orgs.tests.factories import make_tree

pytestmark = pytest.mark.django_db


def active_entries(html: str) -> list[str]:
    return re.findall(r'<li class="nav-item active">\s*<a[^>]*href="([^"]+)"', html)


@pytest.mark.parametrize(
    ("url_name", "active"),
    [
        ("members:member_list", "members:member_list"),
        ("members:member_import", "members:member_import"),
        ("members:member_add", "members:member_add"),
    ],
)
def test_only_the_most_specific_menu_entry_is_active(client, url_name, active):
    client.force_login(user_with_role(Role.PARTY_WORKER, make_tree().street))

    html = client.get(reverse(url_name)).content.decode()

    assert active_entries(html) == [reverse(active)]
