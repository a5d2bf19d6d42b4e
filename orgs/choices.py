"""Org kinds, unit types, how an org was established, and status (GLOSSARY.md names)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    STREET_COMMITTEE = "street_committee", _("street working committee")
    TOWN_COMMITTEE = "town_committee", _("town committee")
    PRIMARY_COMMITTEE = "primary_committee", _("primary committee")
    COMMUNITY_COMMITTEE = "community_committee", _("community committee")
    GENERAL_BRANCH = "general_branch", _("general branch")
    BRANCH = "branch", _("branch")
    JOINT_BRANCH = "joint_branch", _("joint branch")
    SECOND_LEVEL_BRANCH = "second_level_branch", _("second-level community branch")
    COMPOUND_ORG = "compound_org", _("compound org")
    PARTY_GROUP = "party_group", _("party group")
    TEMPORARY_BRANCH = "temporary_branch", _("temporary branch")


# Kinds that hold members' relations directly (RULES.md §3: branches and their variants).
BRANCH_KINDS = frozenset(
    {
        OrgKind.BRANCH,
        OrgKind.JOINT_BRANCH,
        OrgKind.SECOND_LEVEL_BRANCH,
        OrgKind.TEMPORARY_BRANCH,
        OrgKind.COMPOUND_ORG,
    }
)
COMMITTEE_KINDS = frozenset(
    {OrgKind.STREET_COMMITTEE, OrgKind.TOWN_COMMITTEE, OrgKind.PRIMARY_COMMITTEE, OrgKind.COMMUNITY_COMMITTEE}
)


class UnitType(models.TextChoices):
    STREET = "street", _("street")
    TOWN = "town", _("town")
    COMMUNITY = "community", _("community")
    VILLAGE = "village", _("administrative village")
    GOVERNMENT_ORGAN = "government_organ", _("government organ")
    PUBLIC_INSTITUTION = "public_institution", _("public institution")
    STATE_ENTERPRISE = "state_enterprise", _("state-owned enterprise")
    NON_PUBLIC_ENTERPRISE = "non_public_enterprise", _("non-public enterprise")
    SOCIAL_ORGANISATION = "social_organisation", _("social organisation")
    SCHOOL = "school", _("school")
    HOSPITAL = "hospital", _("hospital")
    PARK = "park", _("industrial park")
    COMPOUND = "compound", _("residential compound")
    OTHER = "other", _("other")


class EstablishedHow(models.TextChoices):
    STANDALONE = "standalone", _("standalone")
    JOINT = "joint", _("joint")


class OrgStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    DISSOLVED = "dissolved", _("dissolved")
