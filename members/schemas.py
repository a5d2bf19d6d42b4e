"""API schemas of the member registry. ID number and phone are masked unless revealed (audited)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated, Any

from ninja import Field, Schema

from core.api import Id, Text, partial_schema, sent_fields

from .choices import AddedHow, Category, Degree, Gender, MembershipStatus, Occupation, RemovedHow
from .models import Member

Name = Annotated[Text, Field(min_length=1, max_length=64)]
Short = Annotated[Text, Field(max_length=64)]
Medium = Annotated[Text, Field(max_length=128)]
Long = Annotated[Text, Field(max_length=255)]
Code2 = Annotated[Text, Field(max_length=2)]
IdNumber = Annotated[Text, Field(max_length=18)]
Phone = Annotated[Text, Field(max_length=20)]
Search = Annotated[Text, Field(max_length=100)]


class MemberOut(Schema):
    id: int
    name: str
    former_name: str
    name_pinyin: str
    name_initials: str
    gender: Gender
    ethnicity: str = Field(..., description="GB/T 3304 code.")
    birth_date: dt.date
    id_number: str = Field(..., description="Masked (110105********002X) unless revealed.")
    phone: str = Field(..., description="Masked (138****5678) unless revealed.")
    native_place: str
    education: str = Field(..., description="GB/T 4658-2006 code.")
    fulltime_education: str
    degree: str
    occupation: str
    work_unit: str
    post: str
    address: str
    residence_community: str
    category: Category
    status: MembershipStatus
    status_date: dt.date | None
    org: int
    org_name: str
    party_group: int | None
    application_date: dt.date | None
    activist_date: dt.date | None
    candidate_date: dt.date | None
    joined_on: dt.date | None
    confirmed_on: dt.date | None
    added_how: str
    added_on: dt.date | None
    removed_how: str
    removed_on: dt.date | None
    is_mobile: bool
    mobile_since: dt.date | None
    is_lost_contact: bool
    lost_contact_since: dt.date | None
    is_retired: bool
    retired_on: dt.date | None
    in_hardship: bool
    hardship_since: dt.date | None
    is_pocket: bool
    pocket_since: dt.date | None
    is_reported_to_community: bool
    reported_community: str
    reported_on: dt.date | None

    @staticmethod
    def resolve_id_number(obj: Member) -> str:
        revealed = getattr(obj, "revealed", {})
        return revealed.get("id_number") or obj.id_number_masked

    @staticmethod
    def resolve_phone(obj: Member) -> str:
        revealed = getattr(obj, "revealed", {})
        return revealed.get("phone") or obj.phone_masked

    @staticmethod
    def resolve_org(obj: Member) -> int:
        return obj.org_id

    @staticmethod
    def resolve_org_name(obj: Member) -> str:
        return obj.org.name

    @staticmethod
    def resolve_party_group(obj: Member) -> int | None:
        return obj.party_group_id


class MemberIn(Schema):
    """A new member. Birth date and gender are taken from the ID number when not sent."""

    org: Id = Field(..., description="Id of the org holding the relation.")
    name: Name
    id_number: IdNumber
    gender: Gender | None = None
    birth_date: dt.date | None = None
    former_name: Short = ""
    ethnicity: Code2 = "01"
    native_place: Short = ""
    education: Code2 = ""
    fulltime_education: Code2 = ""
    degree: Degree = Degree.NONE
    occupation: Occupation | None = None
    work_unit: Medium = ""
    post: Short = ""
    phone: Phone = ""
    address: Long = ""
    residence_community: Medium = ""
    category: Category = Category.FULL
    status: MembershipStatus = MembershipStatus.NORMAL
    status_date: dt.date | None = None
    party_group: Id | None = None
    application_date: dt.date | None = None
    activist_date: dt.date | None = None
    candidate_date: dt.date | None = None
    joined_on: dt.date | None = None
    confirmed_on: dt.date | None = None
    added_how: AddedHow | None = None
    added_on: dt.date | None = None
    removed_how: RemovedHow | None = None
    removed_on: dt.date | None = None
    is_mobile: bool = False
    mobile_since: dt.date | None = None
    is_lost_contact: bool = False
    lost_contact_since: dt.date | None = None
    is_retired: bool = False
    retired_on: dt.date | None = None
    in_hardship: bool = False
    hardship_since: dt.date | None = None
    is_pocket: bool = False
    pocket_since: dt.date | None = None
    is_reported_to_community: bool = False
    reported_community: Medium = ""
    reported_on: dt.date | None = None


#: PATCH body: MemberIn's fields except ``org`` (a move is a relation transfer), each optional.
MemberPatch = partial_schema(MemberIn, "MemberPatch", exclude={"org"})

_BLANK_WHEN_NULL = ("occupation", "added_how", "removed_how", "gender")


def service_fields(payload: Schema, *, exclude: set[str] | frozenset[str] = frozenset()) -> dict[str, Any]:
    """The fields the client sent, as service input; a null choice means blank."""
    fields = sent_fields(payload, exclude=exclude)
    for key in _BLANK_WHEN_NULL:
        if key in fields and fields[key] is None:
            fields[key] = ""
    return fields


class MemberFilters(Schema):
    q: Search | None = Field(
        None, description="Name, pinyin, initials (zs), last ID digits, full ID or phone."
    )
    id_tail: Annotated[Text, Field(max_length=4)] | None = Field(
        None, description="Last digits of the ID number."
    )
    category: Category | None = None
    status: MembershipStatus | None = None
    gender: Gender | None = None
    education_band: str | None = Field(
        None, description="Party-statistics band key (postgraduate, bachelor, ...)."
    )
    education: Code2 | None = None
    occupation: Occupation | None = None
    ethnicity: Annotated[Text, Field(max_length=8)] | None = Field(None, description='A code or "minority".')
    flags: list[str] | None = Field(
        None, description="is_mobile, is_retired, in_hardship, ... (all must hold)."
    )
    age_min: int | None = Field(None, ge=0, le=150)
    age_max: int | None = Field(None, ge=0, le=150)
    org: Id | None = Field(None, description="Only this org and everything below it.")


class PersonalField(enum.StrEnum):
    ID_NUMBER = "id_number"
    PHONE = "phone"


class RevealIn(Schema):
    """Which personal fields to show in full; each one shown is an audit entry."""

    fields: list[PersonalField] = Field(..., min_length=1, max_length=2)
