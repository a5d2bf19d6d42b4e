"""The org tree: one OrgUnit per party organisation, a materialised path (django-treebeard)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from core.fields import PathField
from core.models import BaseModel
from core.scope import ScopedQuerySet

from .choices import EstablishedHow, OrgKind, OrgStatus, UnitType


class OrgUnitQuerySet(MP_NodeQuerySet, ScopedQuerySet):
    def active(self) -> OrgUnitQuerySet:
        return self.filter(status=OrgStatus.ACTIVE)


class OrgUnitManager(MP_NodeManager):
    def get_queryset(self) -> OrgUnitQuerySet:
        return OrgUnitQuerySet(self.model, using=self._db).order_by("path")

    def for_user(self, user: object, action: str = "view") -> OrgUnitQuerySet:
        return self.get_queryset().for_user(user, action)


class OrgUnit(MP_Node, BaseModel):
    steplen = 4
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    node_order_by: list[str] = []

    path = PathField(max_length=255, unique=True)
    code = models.CharField(_("org code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    short_name = models.CharField(_("short name"), max_length=64, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrgKind.choices, db_index=True)
    unit_type = models.CharField(
        _("unit type"), max_length=32, choices=UnitType.choices, blank=True, db_index=True
    )
    established_how = models.CharField(
        _("how established"), max_length=16, choices=EstablishedHow.choices, default=EstablishedHow.STANDALONE
    )
    units_covered = models.TextField(
        _("units covered"), blank=True, help_text=_("For joint orgs: one unit per line.")
    )
    established_on = models.DateField(_("established on"), null=True, blank=True)
    establishment_doc = models.CharField(_("establishment document number"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=OrgStatus.choices, default=OrgStatus.ACTIVE)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    secretary_name = models.CharField(_("secretary"), max_length=64, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=64, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)

    scope_field = ""
    audit_exclude = ("depth", "numchild")
    objects = OrgUnitManager()
    unscoped = OrgUnitManager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="active", dissolved_on__isnull=True)
                | models.Q(status="dissolved", dissolved_on__isnull=False),
                name="orgunit_dissolved_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == OrgStatus.ACTIVE

    @property
    def display_name(self) -> str:
        return self.short_name or self.name
