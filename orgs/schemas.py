"""API schemas of the org tree. Choices are enums, so the OpenAPI document lists every valid value."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Schema

from core.api import Id, NoControlCharacters, Text, partial_schema, sent_fields

from .choices import EstablishedHow, OrgKind, OrgStatus, UnitType
from .models import OrgUnit

Code = Annotated[str, Field(min_length=1, max_length=32), NoControlCharacters]
Name = Annotated[str, Field(min_length=1, max_length=200), NoControlCharacters]
Short = Annotated[str, Field(max_length=64), NoControlCharacters]
Phone = Annotated[str, Field(max_length=32), NoControlCharacters]
DocNumber = Annotated[str, Field(max_length=100), NoControlCharacters]
Address = Annotated[str, Field(max_length=255), NoControlCharacters]
Search = Annotated[str, Field(max_length=100), NoControlCharacters]


class OrgOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: OrgKind
    unit_type: UnitType | None = Field(..., description="Null when not set.")
    established_how: EstablishedHow
    units_covered: str
    established_on: dt.date | None
    establishment_doc: str
    status: OrgStatus
    dissolved_on: dt.date | None
    secretary_name: str
    contact_name: str
    contact_phone: str
    address: str
    parent: int | None = Field(..., description="Id of the parent org; null for a root.")
    depth: int = Field(..., description="1 for a root.")
    child_count: int

    @staticmethod
    def resolve_unit_type(obj: OrgUnit) -> str | None:
        return obj.unit_type or None

    @staticmethod
    def resolve_parent(obj: OrgUnit) -> int | None:
        return obj.parent_pk  # type: ignore[attr-defined]  # annotated by orgs.selectors

    @staticmethod
    def resolve_child_count(obj: OrgUnit) -> int:
        return obj.numchild


class OrgIn(Schema):
    """A new org; ``parent`` null creates a root (system administrators only)."""

    code: Code
    name: Name
    kind: OrgKind
    parent: Id | None = None
    short_name: Short = ""
    unit_type: UnitType | None = None
    established_how: EstablishedHow = EstablishedHow.STANDALONE
    units_covered: Text = Field("", description="For joint orgs: one unit per line.")
    established_on: dt.date | None = None
    establishment_doc: DocNumber = ""
    secretary_name: Short = ""
    contact_name: Short = ""
    contact_phone: Phone = ""
    address: Address = ""


#: PATCH body: OrgIn's fields except ``parent`` (moving has its own endpoint), each optional.
OrgPatch = partial_schema(OrgIn, "OrgPatch", exclude={"parent"})


class MoveIn(Schema):
    parent: Id = Field(..., description="Id of the new parent org.")


class DissolveIn(Schema):
    dissolved_on: dt.date


class OrgFilters(Schema):
    kind: OrgKind | None = None
    unit_type: UnitType | None = None
    status: OrgStatus | None = None
    ancestor: Id | None = Field(None, description="Only this org and everything below it.")
    q: Search | None = Field(None, description="Search in name, short name and code.")


def service_fields(payload: Schema, *, exclude: set[str] | frozenset[str] = frozenset()) -> dict[str, Any]:
    """The fields the client sent, as model values; a null unit type means blank."""
    fields = sent_fields(payload, exclude=exclude)
    if "unit_type" in fields and fields["unit_type"] is None:
        fields["unit_type"] = ""
    return fields
