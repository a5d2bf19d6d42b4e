"""Pure statistics rules (RULES.md §7): no database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from stats import rules


@pytest.mark.parametrize(
    ("birth", "as_of", "age"),
    [
        (dt.date(1980, 6, 30), dt.date(2024, 6, 30), 44),  # birthday today counts
        (dt.date(1980, 7, 1), dt.date(2024, 6, 30), 43),
        (dt.date(2000, 2, 29), dt.date(2023, 2, 28), 22),  # leap-day birthday not reached yet
        (dt.date(2000, 2, 29), dt.date(2023, 3, 1), 23),
        (dt.date(2000, 2, 29), dt.date(2024, 2, 29), 24),
    ],
)
def test_age_in_full_years(birth, as_of, age):
    assert rules.age_in_full_years(birth, as_of) == age
    # The SQL form (yyyymmdd difference // 10000) gives the same age.
    assert (rules.date_as_int(as_of) - rules.date_as_int(birth)) // 10000 == age


def test_years_before_falls_back_from_leap_day():
    assert rules.years_before(dt.date(2024, 2, 29), 1) == dt.date(2023, 2, 28)
    assert rules.years_before(dt.date(2024, 2, 29), 4) == dt.date(2020, 2, 29)


def test_age_bands_are_versioned_by_as_of_date():
    assert [b.key for b in rules.age_bands_for(dt.date(2017, 1, 1))] == [
        "le30",
        "31_35",
        "36_40",
        "41_45",
        "46_50",
        "51_55",
        "56_60",
        "ge61",
    ]
    assert [b.key for b in rules.age_bands_for(dt.date(2016, 12, 31))] == ["le35", "36_45", "46_60", "ge61"]


@pytest.mark.parametrize(
    ("age", "band_2017", "band_old"),
    [
        (18, "le30", "le35"),
        (30, "le30", "le35"),
        (31, "31_35", "le35"),
        (35, "31_35", "le35"),
        (36, "36_40", "36_45"),
        (45, "41_45", "36_45"),
        (46, "46_50", "46_60"),
        (60, "56_60", "46_60"),
        (61, "ge61", "ge61"),
        (99, "ge61", "ge61"),
    ],
)
def test_age_band_of(age, band_2017, band_old):
    assert rules.age_band_of(age, rules.AGE_BANDS_2017) == band_2017
    assert rules.age_band_of(age, rules.AGE_BANDS_BEFORE_2017) == band_old


def test_band_birth_range_matches_age_band_of():
    as_of = dt.date(2024, 2, 29)
    for band in rules.AGE_BANDS_2017:
        lower, upper = band.birth_range(as_of)
        for day in (upper, upper - dt.timedelta(days=1)):
            assert rules.age_band_of(rules.age_in_full_years(day, as_of), rules.AGE_BANDS_2017) == band.key
        if lower is not None:
            assert rules.age_in_full_years(lower, as_of) == band.max_age + 1
            assert rules.age_in_full_years(lower + dt.timedelta(days=1), as_of) == band.max_age


def test_young_means_35_or_younger():
    as_of = dt.date(2024, 6, 30)
    after = rules.young_birth_after(as_of)
    assert rules.age_in_full_years(after + dt.timedelta(days=1), as_of) == 35
    assert rules.age_in_full_years(after, as_of) == 36


@pytest.mark.parametrize(
    ("joined", "period"),
    [
        (dt.date(1949, 9, 30), "before_1949"),
        (dt.date(1949, 10, 1), "to_1978"),
        (dt.date(1978, 12, 17), "to_1978"),
        (dt.date(1978, 12, 18), "to_2012"),
        (dt.date(2012, 11, 7), "to_2012"),
        (dt.date(2012, 11, 8), "since_2012"),
        (dt.date(2025, 1, 1), "since_2012"),
    ],
)
def test_join_period_of(joined, period):
    assert rules.join_period_of(joined) == period


@pytest.mark.parametrize(
    ("count", "total", "pct"),
    [
        (34, 121, "28.10"),
        (4, 121, "3.31"),
        (9, 121, "7.44"),
        (20, 121, "16.53"),
        (57, 121, "47.11"),
        (31, 121, "25.62"),
        (12, 121, "9.92"),
        (21, 121, "17.36"),
        (1, 8, "12.50"),
        (1, 400, "0.25"),
        (1, 800, "0.13"),
        (0, 0, "0.00"),
        (5, 5, "100.00"),
    ],
)
def test_percentage_two_decimals_half_up(count, total, pct):
    assert rules.percentage(count, total) == Decimal(pct)
    assert str(rules.percentage(count, total)) == pct


def test_average_one_decimal_half_up():
    assert rules.average(5314, 121) == Decimal("43.9")
    assert rules.average(89, 2) == Decimal("44.5")
    assert rules.average(177, 4) == Decimal("44.3")  # 44.25 rounds half up
    assert rules.average(0, 0) is None
