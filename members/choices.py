"""Member choices. Code tables with many entries (ethnicity, education) live in members/codes.py."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class Category(models.TextChoices):
    FULL = "full", _("full member")
    PROBATIONARY = "probationary", _("probationary member")


class MembershipStatus(models.TextChoices):
    NORMAL = "normal", _("normal")
    STOPPED = "stopped", _("membership stopped")
    RESTORED = "restored", _("membership restored")
    REMOVED = "removed", _("removed")
    DECEASED = "deceased", _("deceased")
    LEFT = "left", _("left the party")


# Statuses in which a person is counted as a member of the org (party statistics count stopped members
# apart; they hold no relation activity). Kept here so every count uses the same set.
COUNTED_STATUSES = (MembershipStatus.NORMAL, MembershipStatus.RESTORED)


class Occupation(models.TextChoices):
    """Party-statistics occupation categories (RULES.md §7)."""

    WORKER = "worker", _("worker (skilled and service staff)")
    FARMER = "farmer", _("farmer, herder or fisher")
    PROFESSIONAL = (
        "professional",
        _("professional or technical staff of enterprises, institutions, social organisations"),
    )
    MANAGER = "manager", _("managerial staff of enterprises, institutions, social organisations")
    OFFICIAL = "official", _("staff of party and government organs")
    STUDENT = "student", _("student")
    OTHER = "other", _("other occupations")
    RETIRED = "retired", _("retired")


class AddedHow(models.TextChoices):
    DEVELOPED = "developed", _("developed")
    TRANSFERRED_IN = "transferred_in", _("transferred in")
    RESTORED = "restored", _("membership restored")
    OTHER = "other", _("other")


class RemovedHow(models.TextChoices):
    TRANSFERRED_OUT = "transferred_out", _("transferred out")
    DECEASED = "deceased", _("deceased")
    REMOVED = "removed", _("removed from the party")
    LEFT = "left", _("left the party")
    STOPPED = "stopped", _("membership stopped")
    OTHER = "other", _("other")


class Degree(models.TextChoices):
    NONE = "", _("none")
    BACHELOR = "bachelor", _("bachelor")
    MASTER = "master", _("master")
    DOCTOR = "doctor", _("doctor")
