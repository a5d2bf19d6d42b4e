"""API schemas of the statistics endpoints (documented in /api/v1/openapi.json)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class OrgRef(Schema):
    id: int
    code: str
    name: str
    kind: str


class Entry(Schema):
    key: str = Field(description="band, category or code; 'unknown' for records without the value")
    label: str = Field(description="official Chinese name")
    count: int
    pct: float = Field(description="percentage of the total, two decimals, rounded half up")


class EducationBands(Schema):
    party_bands: list[Entry] = Field(
        description="研究生, 大学本科, 大学专科, 中专, 高中（含职高、技校）, 初中及以下"
    )
    town_bands: list[Entry] = Field(description="小学, 初中, 高中/中专, 大专及以上")


class Figures(Schema):
    total: int
    total_pct: float
    full: int
    full_pct: float
    probationary: int
    probationary_pct: float
    women: int
    women_pct: float
    ethnic_minority: int
    ethnic_minority_pct: float
    under_35: int = Field(description="35 or younger (35岁及以下) at as_of")
    under_35_pct: float
    mobile: int
    mobile_pct: float
    retired: int
    retired_pct: float
    hardship: int
    hardship_pct: float
    lost_contact: int
    lost_contact_pct: float
    average_age: float | None = Field(description="full years at as_of, one decimal; null without members")
    age_bands: list[Entry] = Field(description="RULES.md §7 bands in force at as_of (2017 set or older)")
    education: EducationBands
    occupation: list[Entry]
    join_period: list[Entry]
    ethnicity: list[Entry] = Field(description="GB/T 3304 codes present, most frequent first")


class ChildFigures(Figures):
    org: OrgRef


class MemberStatsOut(Figures):
    org: OrgRef
    as_of: dt.date
    direct_total: int = Field(description="members held by the org itself rather than by a child")
    children: list[ChildFigures] = Field(description="the same figures for each direct child org")


class HealthIssueOut(Schema):
    code: str
    level: str = Field(description="'warning' (against the rule) or 'verify' (check by hand)")
    message: str
    source: str = Field(description="the regulation and article (RULES.md §3)")


class OrgHealthOut(Schema):
    org: OrgRef
    depth: int
    total: int = Field(description="members counted today in the org's subtree")
    full: int = Field(description="full members among them")
    issues: list[HealthIssueOut]
