"""Pure member rules: ID number checks, date consistency, pinyin, age, masks. No ORM.

Sources:
- Citizen ID number: GB 11643-1999 (RULES.md §8): 6-digit area (GB/T 2260) + YYYYMMDD + 3-digit
  sequence (odd male, even female) + check character. Errors on length, format, date, checksum; an area
  code unknown or not in use in the birth year is only a warning (real IDs keep their issue-year code).
  Old 15-digit numbers (YYMMDD, no check) are converted only when the caller asks.
- Dates: 《中国共产党发展党员工作细则》 第五条 (age ≥18 at application), 第三十二条 (probation one year
  from admission, extendable once by ≥6 months and ≤1 year) — RULES.md §2.

``validate_member_data`` is the one validation path of the form, the API and the import: it takes
plain, already-typed values (dates as ``datetime.date``) keyed by Member field names, plus
``id_number`` and ``phone`` in clear, and returns every problem found.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT, PINYIN_DICT
from stdnum import numdb
from stdnum.cn import ric

from core.crypto import mask

from .choices import AddedHow, Category, Degree, Gender, MembershipStatus, Occupation, RemovedHow
from .codes import EDUCATIONS, ETHNICITIES

ERROR: Literal["error"] = "error"
WARNING: Literal["warning"] = "warning"

MIN_AGE = 18  # 发展党员工作细则 第五条
PROBATION_YEARS = 1  # 第三十二条
MAX_PROBATION_YEARS = 2  # one year plus an extension of at most one year

# -- citizen ID number ------------------------------------------------------------------------------


@dataclass
class IdCheck:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    birth_date: dt.date | None = None
    gender: str | None = None  # Gender.MALE / Gender.FEMALE
    normalized: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# A number already in its compact form (what ric.compact would return unchanged).
_PLAIN_ID = re.compile(r"[0-9]{17}[0-9X]")


def id_check_character(first17: str) -> str:
    """GB 11643-1999: "10X98765432"[Σ aᵢ·wᵢ mod 11]."""
    if len(first17) != len(_WEIGHTS):
        raise ValueError("the check character is computed from 17 digits")
    return "10X98765432"[sum(map(operator.mul, map(int, first17), _WEIGHTS)) % 11]


def convert_15_to_18(value: str) -> str:
    """An old 15-digit number (YYMMDD, born 19YY) to its 18-digit form with the check character."""
    first17 = value[:6] + "19" + value[6:15]
    return first17 + id_check_character(first17)


@lru_cache(maxsize=8192)
def area_status(area: str, year: int) -> str:
    """ "ok", "unknown" (no such code), or "not_in_use" (the code did not exist in ``year``)."""
    results = numdb.get("cn/loc").info(area)
    info = {k: v for _part, props in results for k, v in props.items()}
    county = info.get("county")
    if not county:
        return "unknown"
    for name in county.split(","):
        if not name.startswith("["):
            return "ok"
        start, end = name[1:].split("]")[0].split("-")
        if (not start or year >= int(start)) and (not end or year <= int(end)):
            return "ok"
    return "not_in_use"


def check_id_number(
    value: object,
    *,
    convert_15: bool = False,
    today: dt.date | None = None,
    birth_date: dt.date | None = None,
    gender: str | None = None,
) -> IdCheck:
    """Check a citizen ID number in the order length, format, date, checksum; then the area code.

    ``birth_date`` / ``gender``, when given, are cross-checked against the number (errors).
    """
    result = IdCheck()
    number = value if isinstance(value, str) and _PLAIN_ID.fullmatch(value) else ric.compact(str(value or ""))
    if len(number) == 15 and number.isdigit():
        if not convert_15:
            result.errors.append(_("Old 15-digit ID number: convert it to 18 digits first."))
            return result
        number = convert_15_to_18(number)
    if len(number) != 18:
        result.errors.append(_("An ID number has 18 characters, not %(n)d.") % {"n": len(number)})
        return result
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        result.errors.append(_("An ID number is 17 digits followed by a digit or X."))
        return result
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        result.errors.append(_("The birth date in the ID number does not exist."))
        return result
    if born.year < 1900 or born > (today or dt.date.today()):
        result.errors.append(_("The birth date in the ID number is out of range."))
        return result
    if number[17] != id_check_character(number[:17]):
        result.errors.append(_("The ID number's check character is wrong."))
        return result
    result.normalized = number
    result.birth_date = born
    result.gender = Gender.MALE.value if int(number[16]) % 2 else Gender.FEMALE.value
    area = area_status(number[:6], born.year)
    if area == "unknown":
        result.warnings.append(_("Unknown area code %(code)s in the ID number.") % {"code": number[:6]})
    elif area == "not_in_use":
        result.warnings.append(
            _("Area code %(code)s was not in use in %(year)d.") % {"code": number[:6], "year": born.year}
        )
    result.errors.extend(m for _k, m in cross_check_id(result, birth_date=birth_date, gender=gender))
    return result


def cross_check_id(
    check: IdCheck, *, birth_date: dt.date | None, gender: str | None
) -> list[tuple[str, str]]:
    """(field, message) for a given birth date or gender that differs from the valid ID number's."""
    found: list[tuple[str, str]] = []
    if isinstance(birth_date, dt.date) and check.birth_date and birth_date != check.birth_date:
        found.append(
            (
                "birth_date",
                _("The birth date %(given)s differs from the ID number's %(id)s.")
                % {"given": birth_date.isoformat(), "id": check.birth_date.isoformat()},
            )
        )
    if gender and check.gender and gender != check.gender:
        found.append(("gender", _("The gender differs from the ID number's.")))
    return found


def mask_id_number(value: str) -> str:
    """110105194912310021 -> 110105********0021."""
    return mask(value, 6, 4)


def mask_phone(value: str) -> str:
    """13812345678 -> 138****5678."""
    return mask(value, 3, 4)


_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}(-\d{1,6})?")


def normalize_phone(value: object) -> str:
    """Strip spaces and a +86 prefix: "+86 138-1234-5678" -> "13812345678"."""
    text = re.sub(r"[\s()（）]", "", str(value or ""))
    if text.startswith("+86"):
        text = text[3:]
    if _MOBILE.fullmatch(text.replace("-", "")):
        return text.replace("-", "")
    return text


def is_valid_phone(value: str) -> bool:
    return bool(_MOBILE.fullmatch(value) or _LANDLINE.fullmatch(value))


# -- age ------------------------------------------------------------------------------------------


def age_on(birth_date: dt.date, at: dt.date) -> int:
    """Age in full years at ``at``."""
    return at.year - birth_date.year - ((at.month, at.day) < (birth_date.month, birth_date.day))


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (29 February -> 28 February in common years)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def birth_date_range_for_age(
    min_age: int | None, max_age: int | None, today: dt.date
) -> tuple[dt.date | None, dt.date | None]:
    """(earliest, latest) birth dates for ages in [min_age, max_age] on ``today`` (None: open)."""
    latest = add_years(today, -min_age) if min_age is not None else None
    earliest = add_years(today, -(max_age + 1)) + dt.timedelta(days=1) if max_age is not None else None
    return earliest, latest


# -- pinyin ----------------------------------------------------------------------------------------

# Surnames read differently from the common reading of the character (compound surnames first).
SURNAME_PINYIN: dict[str, list[str]] = {
    "尉迟": ["yu", "chi"],
    "万俟": ["mo", "qi"],
    "长孙": ["zhang", "sun"],
    "澹台": ["tan", "tai"],
    "单于": ["chan", "yu"],
    "曾": ["zeng"],
    "单": ["shan"],
    "仇": ["qiu"],
    "解": ["xie"],
    "查": ["zha"],
    "区": ["ou"],
    "朴": ["piao"],
    "盖": ["ge"],
    "乐": ["yue"],
    "覃": ["qin"],
    "翟": ["zhai"],
    "缪": ["miao"],
    "繁": ["po"],
    "召": ["shao"],
    "员": ["yun"],
    "尉": ["yu"],
    "祭": ["zhai"],
    "种": ["chong"],
    "秘": ["bi"],
    "冼": ["xian"],
    "宁": ["ning"],
    "沈": ["shen"],
    "折": ["she"],
    "薄": ["bo"],
    "华": ["hua"],
    "纪": ["ji"],
    "句": ["gou"],
    "阚": ["kan"],
    "訾": ["zi"],
    "隗": ["wei"],
    "郇": ["huan"],
    "车": ["che"],
    "柏": ["bai"],
    "重": ["chong"],
    "藏": ["zang"],
    "任": ["ren"],
    "都": ["du"],
    "大": ["da"],
}


@lru_cache(maxsize=1024)  # name_pinyin and name_initials of the same name, one after the other
def _syllables(name: str) -> tuple[str, ...]:
    name = _NAME_SEPARATORS.sub("", name)
    head: list[str] = []
    rest = name
    for surname in (name[:2], name[:1]):
        if surname in SURNAME_PINYIN:
            head = SURNAME_PINYIN[surname]
            rest = name[len(surname) :]
            break
    tail = [_char_syllable(c) for c in rest]
    if None in tail or _has_phrase(rest):  # pypinyin reads the characters in their words
        tail = [s.lower() for s in lazy_pinyin(rest, style=Style.NORMAL, errors="ignore", v_to_u=False)]
    return tuple(s for s in [*head, *tail] if s and s.isascii() and s.isalnum())


_NAME_SEPARATORS = re.compile(r"[\s·•．.]")


def _has_phrase(text: str) -> bool:
    """Whether pypinyin's phrase dictionary has a word inside ``text`` (which could change a
    character's reading from the one it has alone)."""
    size = len(text)
    return any(text[i:j] in PHRASES_DICT for i in range(size - 1) for j in range(i + 2, size + 1))


@lru_cache(maxsize=65536)  # more than the characters pypinyin knows
def _char_syllable(char: str) -> str | None:
    """A character's reading when it stands alone (pypinyin's default reading), without tone."""
    if ord(char) not in PINYIN_DICT:
        return None
    syllables = lazy_pinyin(char, style=Style.NORMAL, errors="ignore", v_to_u=False)
    return syllables[0].lower() if len(syllables) == 1 else None


def name_pinyin(name: str) -> str:
    """张三 -> "zhangsan"; 曾小明 -> "zengxiaoming" (surname overrides)."""
    return "".join(_syllables(name))


def name_initials(name: str) -> str:
    """张三 -> "zs"; 尉迟恭 -> "ycg"."""
    return "".join(s[0] for s in _syllables(name))[:32]


# -- member data ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    field: str
    message: str
    level: Literal["error", "warning"] = ERROR

    @property
    def is_error(self) -> bool:
        return self.level == ERROR


DATE_FIELDS = (
    "birth_date",
    "status_date",
    "application_date",
    "activist_date",
    "candidate_date",
    "joined_on",
    "confirmed_on",
    "added_on",
    "removed_on",
    "mobile_since",
    "lost_contact_since",
    "retired_on",
    "hardship_since",
    "pocket_since",
    "reported_on",
)
# Development steps in their required order.
DEVELOPMENT_ORDER = ("application_date", "activist_date", "candidate_date", "joined_on", "confirmed_on")
FLAG_DATES = (
    ("is_mobile", "mobile_since"),
    ("is_lost_contact", "lost_contact_since"),
    ("is_retired", "retired_on"),
    ("in_hardship", "hardship_since"),
    ("is_pocket", "pocket_since"),
    ("is_reported_to_community", "reported_on"),
)
_CHOICE_FIELDS: dict[str, Any] = {
    "gender": Gender,
    "category": Category,
    "status": MembershipStatus,
    "occupation": Occupation,
    "degree": Degree,
    "added_how": AddedHow,
    "removed_how": RemovedHow,
}
_CHOICE_VALUES = {key: frozenset(choices.values) for key, choices in _CHOICE_FIELDS.items()}
_CODE_FIELDS: dict[str, dict[str, str]] = {
    "ethnicity": ETHNICITIES,
    "education": EDUCATIONS,
    "fulltime_education": EDUCATIONS,
}
_MAX_LENGTHS = {
    "name": 64,
    "former_name": 64,
    "native_place": 64,
    "work_unit": 128,
    "post": 64,
    "address": 255,
    "residence_community": 128,
    "reported_community": 128,
}


def _date_label(name: str) -> str:
    labels = {
        "birth_date": _("birth date"),
        "application_date": _("application date"),
        "activist_date": _("activist date"),
        "candidate_date": _("candidate date"),
        "joined_on": _("joining date"),
        "confirmed_on": _("confirmation date"),
    }
    return labels.get(name, name)


def validate_member_data(
    data: Mapping[str, Any],
    *,
    today: dt.date,
    convert_15: bool = False,
    partial: bool = False,
    id_check: IdCheck | None = None,
) -> list[Problem]:
    """Every problem of one member's plain data. ``partial``: only the given keys are required to be
    valid (an update); cross-field rules use whatever values are present in ``data``.

    ``id_check``: the caller's ``check_id_number(data["id_number"], convert_15=convert_15,
    today=today)``, when it needs the result itself (the import passes it on to
    ``prepare_member_fields`` instead of checking the number twice).
    """
    problems: list[Problem] = []

    def error(field_name: str, message: str) -> None:
        problems.append(Problem(field_name, message, ERROR))

    def warning(field_name: str, message: str) -> None:
        problems.append(Problem(field_name, message, WARNING))

    name = str(data.get("name") or "").strip()
    if not name and (not partial or "name" in data):
        error("name", _("The name is required."))
    for key, limit in _MAX_LENGTHS.items():
        value = data.get(key)
        if value and len(str(value)) > limit:
            error(key, _("At most %(n)d characters.") % {"n": limit})

    # citizen ID, birth date, gender
    birth_date = data.get("birth_date")
    gender = data.get("gender") or None
    id_number = data.get("id_number")
    if id_number:
        check = id_check or check_id_number(id_number, convert_15=convert_15, today=today)
        problems.extend(Problem("id_number", m, ERROR) for m in check.errors)
        problems.extend(Problem("id_number", m, WARNING) for m in check.warnings)
        if check.ok:
            for key, message in cross_check_id(check, birth_date=birth_date, gender=gender):
                error(key, message)
        birth_date = birth_date or check.birth_date
    elif not partial or "id_number" in data:
        error("id_number", _("The citizen ID number is required."))
    if not partial and not birth_date and not (id_number and any(p.field == "id_number" for p in problems)):
        error("birth_date", _("The birth date is required."))

    # coded fields
    for key, values in _CHOICE_VALUES.items():
        value = data.get(key)
        if value and value not in values:
            error(key, _("Unknown value %(value)s.") % {"value": value})
    for key, table in _CODE_FIELDS.items():
        value = data.get(key)
        if value and value not in table:
            error(key, _("Unknown code %(value)s.") % {"value": value})

    phone = data.get("phone")
    if phone and not is_valid_phone(normalize_phone(phone)):
        error("phone", _("Not a valid mobile or landline number."))

    # dates: none in the future, none before birth
    for key in DATE_FIELDS:
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, dt.date):
            error(key, _("Not a date."))
            continue
        if value > today:
            error(key, _("The date is in the future."))
        elif key != "birth_date" and isinstance(birth_date, dt.date) and value < birth_date:
            error(key, _("The date is before the birth date."))
    if problems and any(p.is_error and p.field in DATE_FIELDS for p in problems):
        return problems

    # development order and ages
    present = [(k, data[k]) for k in DEVELOPMENT_ORDER if isinstance(data.get(k), dt.date)]
    for (k1, d1), (k2, d2) in zip(present, present[1:], strict=False):
        if d2 < d1:
            error(
                k2,
                _("The %(later)s is before the %(earlier)s.")
                % {"later": _date_label(k2), "earlier": _date_label(k1)},
            )
    if isinstance(birth_date, dt.date):
        for key in ("application_date", "joined_on"):
            value = data.get(key)
            if isinstance(value, dt.date) and age_on(birth_date, value) < MIN_AGE:
                error(
                    key,
                    _("Under %(n)d years old on the %(what)s.") % {"n": MIN_AGE, "what": _date_label(key)},
                )

    # probation and confirmation
    category = data.get("category")
    joined_on = data.get("joined_on")
    confirmed_on = data.get("confirmed_on")
    if category == Category.PROBATIONARY and confirmed_on:
        error("confirmed_on", _("A probationary member has no confirmation date."))
    if category == Category.FULL and joined_on and not confirmed_on:
        warning("confirmed_on", _("A full member should have a confirmation date."))
    if isinstance(joined_on, dt.date) and isinstance(confirmed_on, dt.date) and confirmed_on >= joined_on:
        if (
            not add_years(joined_on, PROBATION_YEARS)
            <= confirmed_on
            <= add_years(joined_on, MAX_PROBATION_YEARS)
        ):
            warning(
                "confirmed_on",
                _("Confirmation is usually one year after joining (two at most with an extension)."),
            )
    if (
        category == Category.PROBATIONARY
        and isinstance(joined_on, dt.date)
        and add_years(joined_on, MAX_PROBATION_YEARS) < today
    ):
        warning("category", _("Probation has lasted more than two years."))

    # status and flags
    status = data.get("status")
    if status and status != MembershipStatus.NORMAL and not data.get("status_date"):
        warning("status_date", _("Give the date of the membership status."))
    for flag, date_key in FLAG_DATES:
        if data.get(date_key) and not data.get(flag) and (not partial or flag in data):
            warning(date_key, _("A date is given but the flag is not set."))
    return problems


def has_errors(problems: list[Problem]) -> bool:
    return any(p.is_error for p in problems)
