"""Party statistics (党内统计) categories as pure rules: no ORM (RULES.md §7).

- Age bands, **versioned** by the as-of date: the band set in force since 2017 (≤30, 31–35, 36–40,
  41–45, 46–50, 51–55, 56–60, ≥61) and the one used before (≤35, 36–45, 46–60, ≥61).
- Joining periods: before 1949-10-01; to the 3rd Plenum of the 11th CC (1978-12); to the 18th
  Congress (2012-11); since.
- Percentages are of the total, two decimals, rounded half up; the average age has one decimal and
  uses full years at the as-of date.

Ages are compared as birth-date thresholds (``birth_date <= years_before(as_of, n)`` means "at least
n full years old"), so the database can count bands on the indexed birth date with no per-row code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# -- ages ----------------------------------------------------------------------------------------


def years_before(day: dt.date, years: int) -> dt.date:
    """The date ``years`` years before ``day``; 29 February falls back to 28 February."""
    year = day.year - years
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February in a common year
        return day.replace(year=year, day=28)


def age_in_full_years(birth_date: dt.date, as_of: dt.date) -> int:
    """Completed years of life at ``as_of`` (周岁): the birthday counts on the day itself."""
    return as_of.year - birth_date.year - ((as_of.month, as_of.day) < (birth_date.month, birth_date.day))


def date_as_int(day: dt.date) -> int:
    """20240229 for 2024-02-29: (date_as_int(as_of) - date_as_int(birth)) // 10000 is the age."""
    return day.year * 10000 + day.month * 100 + day.day


@dataclass(frozen=True)
class AgeBand:
    key: str
    label: str
    min_age: int  # inclusive
    max_age: int | None  # inclusive; None: no upper bound

    def birth_range(self, as_of: dt.date) -> tuple[dt.date | None, dt.date]:
        """(exclusive lower, inclusive upper) birth dates of people in this band at ``as_of``.

        ``birth_date <= upper`` means "at least min_age"; ``birth_date > lower`` means "at most max_age"
        (younger than max_age + 1); lower is None for the open-ended oldest band.
        """
        upper = years_before(as_of, self.min_age)
        lower = years_before(as_of, self.max_age + 1) if self.max_age is not None else None
        return lower, upper


# 党内统计 age bands in force since the 2017 statistics (RULES.md §7).
AGE_BANDS_2017: tuple[AgeBand, ...] = (
    AgeBand("le30", "30岁及以下", 0, 30),
    AgeBand("31_35", "31至35岁", 31, 35),
    AgeBand("36_40", "36至40岁", 36, 40),
    AgeBand("41_45", "41至45岁", 41, 45),
    AgeBand("46_50", "46至50岁", 46, 50),
    AgeBand("51_55", "51至55岁", 51, 55),
    AgeBand("56_60", "56至60岁", 56, 60),
    AgeBand("ge61", "61岁及以上", 61, None),
)
# The bands used before 2017 (RULES.md §7).
AGE_BANDS_BEFORE_2017: tuple[AgeBand, ...] = (
    AgeBand("le35", "35岁及以下", 0, 35),
    AgeBand("36_45", "36至45岁", 36, 45),
    AgeBand("46_60", "46至60岁", 46, 60),
    AgeBand("ge61", "61岁及以上", 61, None),
)
AGE_BANDS_SINCE = dt.date(2017, 1, 1)


def age_bands_for(as_of: dt.date) -> tuple[AgeBand, ...]:
    """The band set in force at ``as_of`` (versioned: statistics as of a date before 2017 use the old set)."""
    return AGE_BANDS_2017 if as_of >= AGE_BANDS_SINCE else AGE_BANDS_BEFORE_2017


def age_band_of(age: int, bands: tuple[AgeBand, ...]) -> str:
    for band in bands:
        if age >= band.min_age and (band.max_age is None or age <= band.max_age):
            return band.key
    raise ValueError(f"no band for age {age}")


# "Under 35" in party statistics is 35岁及以下 (the ≤30 and 31–35 bands together).
YOUNG_MAX_AGE = 35


def young_birth_after(as_of: dt.date) -> dt.date:
    """Members born after this date are 35 or younger at ``as_of``."""
    return years_before(as_of, YOUNG_MAX_AGE + 1)


# -- joining periods -------------------------------------------------------------------------------


@dataclass(frozen=True)
class JoinPeriod:
    key: str
    label: str
    start: dt.date | None  # inclusive
    end: dt.date | None  # exclusive


# RULES.md §7. The boundaries are the opening days of the events: the founding of the PRC
# (1949-10-01), the 3rd Plenary Session of the 11th Central Committee (1978-12-18) and the 18th
# National Congress (2012-11-08).
FOUNDING = dt.date(1949, 10, 1)
THIRD_PLENUM = dt.date(1978, 12, 18)
EIGHTEENTH_CONGRESS = dt.date(2012, 11, 8)
JOIN_PERIODS: tuple[JoinPeriod, ...] = (
    JoinPeriod("before_1949", "1949年10月1日以前", None, FOUNDING),
    JoinPeriod("to_1978", "1949年10月至1978年12月十一届三中全会", FOUNDING, THIRD_PLENUM),
    JoinPeriod("to_2012", "1978年12月至2012年11月党的十八大", THIRD_PLENUM, EIGHTEENTH_CONGRESS),
    JoinPeriod("since_2012", "党的十八大以来", EIGHTEENTH_CONGRESS, None),
)


def join_period_of(joined_on: dt.date) -> str:
    for period in JOIN_PERIODS:
        if (period.start is None or joined_on >= period.start) and (
            period.end is None or joined_on < period.end
        ):
            return period.key
    raise AssertionError("periods cover every date")


# -- rounding --------------------------------------------------------------------------------------

TWO_PLACES = Decimal("0.01")
ONE_PLACE = Decimal("0.1")


def percentage(count: int, total: int) -> Decimal:
    """``count`` as a percentage of ``total``, two decimals, half up; 0.00 when the total is 0."""
    if not total:
        return Decimal("0.00")
    return (Decimal(count) * 100 / Decimal(total)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def average(total_of_values: int, count: int) -> Decimal | None:
    """The mean to one decimal, half up; None when there is nothing to average."""
    if not count:
        return None
    return (Decimal(total_of_values) / Decimal(count)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)
