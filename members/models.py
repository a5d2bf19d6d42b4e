"""The member registry: one record per person, identified by the citizen ID number (blind index)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import BaseModel
from core.scope import ScopedManager, UnscopedManager

from .choices import AddedHow, Category, Degree, Gender, MembershipStatus, Occupation, RemovedHow


class Member(BaseModel):
    # -- identity -----------------------------------------------------------------------------------
    name = models.CharField(pgettext_lazy("person", "name"), max_length=64, db_index=True)
    former_name = models.CharField(_("former name"), max_length=64, blank=True)
    name_pinyin = models.CharField(_("name in pinyin"), max_length=255, blank=True, db_index=True)
    name_initials = models.CharField(_("pinyin initials"), max_length=32, blank=True, db_index=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=2, default="01", help_text=_("GB/T 3304 code"))
    birth_date = models.DateField(_("birth date"), db_index=True)
    # Citizen ID: ciphertext, HMAC blind index (unique across the database), and the visible parts of
    # the mask (first 6, last 4) so "last digits" search works without decrypting.
    id_number_encrypted = models.TextField(_("citizen ID number (encrypted)"), blank=True)
    id_number_index = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    id_number_head = models.CharField(max_length=6, blank=True, editable=False)
    id_number_tail = models.CharField(max_length=4, blank=True, editable=False, db_index=True)
    native_place = models.CharField(_("native place"), max_length=64, blank=True)
    # -- education and work -------------------------------------------------------------------------
    education = models.CharField(
        _("highest education"), max_length=2, blank=True, help_text=_("GB/T 4658-2006 code")
    )
    fulltime_education = models.CharField(_("full-time education"), max_length=2, blank=True)
    degree = models.CharField(_("degree"), max_length=16, choices=Degree.choices, blank=True)
    occupation = models.CharField(_("occupation"), max_length=16, choices=Occupation.choices, blank=True)
    work_unit = models.CharField(_("work unit"), max_length=128, blank=True)
    post = models.CharField(_("post"), max_length=64, blank=True)
    phone_encrypted = models.TextField(_("phone (encrypted)"), blank=True)
    phone_index = models.CharField(max_length=64, blank=True, null=True, editable=False, db_index=True)
    phone_head = models.CharField(max_length=3, blank=True, editable=False)
    phone_tail = models.CharField(max_length=4, blank=True, editable=False)
    address = models.CharField(_("address"), max_length=255, blank=True)
    residence_community = models.CharField(_("residence community"), max_length=128, blank=True)
    # -- membership ---------------------------------------------------------------------------------
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, default=Category.FULL)
    status = models.CharField(
        _("membership status"),
        max_length=16,
        choices=MembershipStatus.choices,
        default=MembershipStatus.NORMAL,
    )
    status_date = models.DateField(_("status date"), null=True, blank=True)
    org = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("party organisation"), on_delete=models.PROTECT, related_name="members"
    )
    party_group = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("party group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="group_members",
    )
    application_date = models.DateField(_("application date"), null=True, blank=True)
    activist_date = models.DateField(_("activist date"), null=True, blank=True)
    candidate_date = models.DateField(_("candidate date"), null=True, blank=True)
    joined_on = models.DateField(_("joined the party on"), null=True, blank=True, db_index=True)
    confirmed_on = models.DateField(_("confirmed as full member on"), null=True, blank=True)
    added_how = models.CharField(_("how added"), max_length=16, choices=AddedHow.choices, blank=True)
    added_on = models.DateField(_("added to this org on"), null=True, blank=True)
    removed_how = models.CharField(_("how removed"), max_length=16, choices=RemovedHow.choices, blank=True)
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    # -- flags, each with its date ------------------------------------------------------------------
    is_mobile = models.BooleanField(_("mobile member"), default=False)
    mobile_since = models.DateField(_("mobile since"), null=True, blank=True)
    is_lost_contact = models.BooleanField(_("lost contact"), default=False)
    lost_contact_since = models.DateField(_("lost contact since"), null=True, blank=True)
    is_retired = models.BooleanField(_("retired"), default=False)
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    in_hardship = models.BooleanField(_("in hardship"), default=False)
    hardship_since = models.DateField(_("in hardship since"), null=True, blank=True)
    is_pocket = models.BooleanField(_("pocket member"), default=False)
    pocket_since = models.DateField(_("pocket member since"), null=True, blank=True)
    is_reported_to_community = models.BooleanField(_("working member reported to a community"), default=False)
    reported_community = models.CharField(_("community reported to"), max_length=128, blank=True)
    reported_on = models.DateField(_("reported on"), null=True, blank=True)

    scope_field = "org"
    audit_exclude = (
        "id_number_index",
        "phone_index",
        "id_number_head",
        "id_number_tail",
        "phone_head",
        "phone_tail",
        "name_pinyin",
        "name_initials",
    )
    audit_mask = ("id_number_encrypted", "phone_encrypted")
    objects = ScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["name_pinyin", "id"]
        indexes = [
            # Covering on PostgreSQL: every column the subtree statistics and org health read
            # (stats.selectors.aggregates, counted_at), so they are an index-only scan per branch
            # instead of one heap page per member (docs/performance.md). SQLite ignores INCLUDE.
            models.Index(
                fields=["org", "status"],
                include=[
                    "id",
                    "gender",
                    "ethnicity",
                    "birth_date",
                    "education",
                    "occupation",
                    "category",
                    "status_date",
                    "joined_on",
                    "added_on",
                    "confirmed_on",
                    "removed_on",
                    "is_mobile",
                    "mobile_since",
                    "is_retired",
                    "retired_on",
                    "in_hardship",
                    "hardship_since",
                    "is_lost_contact",
                    "lost_contact_since",
                ],
                name="member_org_stats_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    # Masks built from the stored visible parts: no decryption needed to show a list.
    @property
    def id_number_masked(self) -> str:
        if not self.id_number_head:
            return ""
        return f"{self.id_number_head}********{self.id_number_tail}"

    @property
    def phone_masked(self) -> str:
        if not self.phone_tail:
            return ""
        return f"{self.phone_head}****{self.phone_tail}"
