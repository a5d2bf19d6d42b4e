"""Pure member rules: no database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from members import codes
from members.rules import (
    ERROR,
    WARNING,
    Problem,
    age_on,
    birth_date_range_for_age,
    check_id_number,
    convert_15_to_18,
    has_errors,
    id_check_character,
    mask_id_number,
    mask_phone,
    name_initials,
    name_pinyin,
    normalize_phone,
    validate_member_data,
)

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def valid_data(**overrides):
    data = {
        "name": "张三",
        "id_number": "360426199101010071",
        "gender": "M",
        "birth_date": dt.date(1991, 1, 1),
        "ethnicity": "01",
        "education": "21",
        "category": "full",
        "status": "normal",
        "application_date": dt.date(2012, 3, 1),
        "activist_date": dt.date(2012, 9, 1),
        "candidate_date": dt.date(2013, 9, 1),
        "joined_on": dt.date(2014, 7, 1),
        "confirmed_on": dt.date(2015, 7, 1),
        "phone": "13812345678",
    }
    data.update(overrides)
    return data


# -- ID numbers ---------------------------------------------------------------------------------


def test_valid_id_numbers_give_birth_date_and_gender():
    female = check_id_number("11010519491231002x")
    male = check_id_number("360426199101010071")

    assert (female.errors, female.warnings) == ([], [])
    assert female.normalized == "11010519491231002X"
    assert (female.birth_date, female.gender) == (dt.date(1949, 12, 31), "F")
    assert (male.birth_date, male.gender, male.normalized) == (dt.date(1991, 1, 1), "M", "360426199101010071")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("36042619910101007", "An ID number has 18 characters, not 17."),
        ("3604261991010100711", "An ID number has 18 characters, not 19."),
        ("", "An ID number has 18 characters, not 0."),
        ("3604261991010100A1", "An ID number is 17 digits followed by a digit or X."),
        ("36042619910101007Y", "An ID number is 17 digits followed by a digit or X."),
        ("360426199113010071", "The birth date in the ID number does not exist."),
        ("360426203001010071", "The birth date in the ID number is out of range."),
        ("360426199101010072", "The ID number's check character is wrong."),
        ("110105491231002", "Old 15-digit ID number: convert it to 18 digits first."),
    ],
)
def test_invalid_id_numbers_give_one_error_in_check_order(value, message):
    result = check_id_number(value, today=TODAY)

    assert result.errors == [message]
    assert (result.birth_date, result.gender, result.normalized) == (None, None, "")


def test_15_digit_number_is_converted_only_when_asked():
    result = check_id_number("110105491231002", convert_15=True)

    assert convert_15_to_18("110105491231002") == "11010519491231002X"
    assert result.errors == []
    assert result.normalized == "11010519491231002X"


def test_unknown_area_code_is_a_warning():
    first17 = "99999919910101007"
    result = check_id_number(first17 + id_check_character(first17))

    assert result.errors == []
    assert result.warnings == ["Unknown area code 999999 in the ID number."]


def test_area_code_not_in_use_in_birth_year_is_a_warning():
    # 110103 (崇文区) existed until 2010.
    first17 = "11010320150101001"
    result = check_id_number(first17 + id_check_character(first17), today=TODAY)

    assert result.errors == []
    assert result.warnings == ["Area code 110103 was not in use in 2015."]


def test_cross_check_of_birth_date_and_gender():
    result = check_id_number("360426199101010071", birth_date=dt.date(1991, 1, 2), gender="F")

    assert result.errors == [
        "The birth date 1991-01-02 differs from the ID number's 1991-01-01.",
        "The gender differs from the ID number's.",
    ]


def test_masks():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_phone("13812345678") == "138****5678"
    assert normalize_phone("+86 138-1234-5678") == "13812345678"


# -- age -------------------------------------------------------------------------------------------


def test_age_in_full_years():
    assert age_on(dt.date(1991, 1, 1), dt.date(2026, 12, 31)) == 35
    assert age_on(dt.date(1991, 1, 1), dt.date(2026, 1, 1)) == 35
    assert age_on(dt.date(1991, 1, 2), dt.date(2026, 1, 1)) == 34
    assert age_on(dt.date(2000, 2, 29), dt.date(2026, 2, 28)) == 25


def test_birth_date_range_for_age():
    assert birth_date_range_for_age(30, 40, TODAY) == (dt.date(1985, 11, 23), dt.date(1996, 11, 22))
    assert birth_date_range_for_age(None, 34, TODAY) == (dt.date(1991, 11, 23), None)
    assert age_on(dt.date(1985, 11, 23), TODAY) == 40
    assert age_on(dt.date(1985, 11, 22), TODAY) == 41


# -- pinyin --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "pinyin", "initials"),
    [
        ("张三", "zhangsan", "zs"),
        ("曾小明", "zengxiaoming", "zxm"),
        ("单田芳", "shantianfang", "stf"),
        ("仇建", "qiujian", "qj"),
        ("解放", "xiefang", "xf"),
        ("查良", "zhaliang", "zl"),
        ("区志强", "ouzhiqiang", "ozq"),
        ("朴明", "piaoming", "pm"),
        ("盖伟", "gewei", "gw"),
        ("乐乐", "yuele", "yl"),
        ("覃军", "qinjun", "qj"),
        ("翟红", "zhaihong", "zh"),
        ("尉迟恭", "yuchigong", "ycg"),
        ("万俟卓", "moqizhuo", "mqz"),
        ("长孙无忌", "zhangsunwuji", "zswj"),
        ("古丽·买买提", "gulimaimaiti", "glmmt"),
        # Characters read in their word, not alone (行 alone is xing; 银行 is yinhang).
        ("李银行", "liyinhang", "lyh"),
        ("王长大", "wangzhangda", "wzd"),
        ("陈重庆", "chenchongqing", "ccq"),
        ("刘华", "liuhua", "lh"),
        ("吕绿", "lvlv", "ll"),
    ],
)
def test_pinyin_with_surname_overrides(name, pinyin, initials):
    assert name_pinyin(name) == pinyin
    assert name_initials(name) == initials


# -- code tables ---------------------------------------------------------------------------------


def test_ethnicity_lookup_accepts_codes_names_suffixes_and_old_names():
    assert len(codes.ETHNICITIES) == 58
    assert codes.resolve_ethnicity("01") == "01"
    assert codes.resolve_ethnicity("1") == "01"
    assert codes.resolve_ethnicity("汉族") == "01"
    assert codes.resolve_ethnicity("蒙古") == "02"
    assert codes.resolve_ethnicity("毛难族") == "36"
    assert codes.resolve_ethnicity("崩龙") == "46"
    assert codes.resolve_ethnicity("外国血统中国籍人士") == "98"
    assert codes.resolve_ethnicity("火星族") is None
    assert codes.resolve_ethnicity("99") is None
    assert codes.ethnicity_name("36") == "毛南族"
    assert codes.ethnicity_name("97") == "其他"
    assert (
        codes.is_ethnic_minority("01"),
        codes.is_ethnic_minority("03"),
        codes.is_ethnic_minority("97"),
    ) == (
        False,
        True,
        False,
    )


def test_education_lookup_maps_the_1984_table():
    assert codes.resolve_education("21") == "21"
    assert codes.resolve_education("大学本科毕业") == "21"
    assert codes.resolve_education("中专") == "41"
    assert codes.resolve_education("50") == "47"
    assert codes.resolve_education("技工") == "47"
    assert codes.resolve_education("文盲或半文盲") == "90"
    assert codes.resolve_education("大专") == "31"
    assert codes.resolve_education("55") is None
    assert codes.resolve_education("") is None


def test_education_bands():
    party = {
        code: codes.party_education_band(code)
        for code in ("11", "28", "33", "41", "44", "47", "61", "71", "90")
    }
    town = {code: codes.town_education_band(code) for code in ("11", "31", "41", "61", "71", "81", "90")}

    assert party == {
        "11": "postgraduate",
        "28": "bachelor",
        "33": "college",
        "41": "secondary_specialised",
        "44": "high_school",
        "47": "high_school",
        "61": "high_school",
        "71": "junior_or_below",
        "90": "junior_or_below",
    }
    assert town == {
        "11": "college_or_above",
        "31": "college_or_above",
        "41": "senior_or_secondary",
        "61": "senior_or_secondary",
        "71": "junior",
        "81": "primary",
        "90": "primary",
    }
    assert set(codes.EDUCATION_PARTY_BAND) == set(codes.EDUCATIONS)


def test_occupation_lookup():
    assert codes.resolve_occupation("工人") == "worker"
    assert codes.resolve_occupation("离退休人员") == "retired"
    assert codes.resolve_occupation("retired") == "retired"
    assert codes.resolve_occupation("宇航员") is None


# -- validate_member_data ------------------------------------------------------------------------


def test_valid_data_has_no_problems():
    assert validate_member_data(valid_data(), today=TODAY) == []


def test_birth_date_and_gender_may_come_from_the_id_number():
    data = valid_data()
    del data["birth_date"], data["gender"]

    assert validate_member_data(data, today=TODAY) == []


def test_required_fields():
    problems = validate_member_data({"category": "full"}, today=TODAY)

    assert problems == [
        Problem("name", "The name is required.", ERROR),
        Problem("id_number", "The citizen ID number is required.", ERROR),
        Problem("birth_date", "The birth date is required.", ERROR),
    ]


def test_id_number_errors_and_cross_checks_are_reported_on_their_fields():
    assert validate_member_data(valid_data(id_number="360426199101010072"), today=TODAY) == [
        Problem("id_number", "The ID number's check character is wrong.", ERROR)
    ]
    assert validate_member_data(valid_data(gender="F", birth_date=dt.date(1991, 1, 2)), today=TODAY) == [
        Problem("birth_date", "The birth date 1991-01-02 differs from the ID number's 1991-01-01.", ERROR),
        Problem("gender", "The gender differs from the ID number's.", ERROR),
    ]


def test_future_dates_are_errors():
    problems = validate_member_data(valid_data(confirmed_on=dt.date(2027, 1, 1)), today=TODAY)

    assert problems == [Problem("confirmed_on", "The date is in the future.", ERROR)]


def test_joining_and_application_under_18_are_errors():
    problems = validate_member_data(
        valid_data(
            application_date=dt.date(2008, 12, 31),
            activist_date=None,
            candidate_date=None,
            joined_on=dt.date(2008, 12, 31),
            confirmed_on=dt.date(2009, 12, 31),
        ),
        today=TODAY,
    )

    assert problems == [
        Problem("application_date", "Under 18 years old on the application date.", ERROR),
        Problem("joined_on", "Under 18 years old on the joining date.", ERROR),
    ]
    # The 18th birthday itself is allowed.
    assert (
        validate_member_data(
            valid_data(
                application_date=dt.date(2009, 1, 1),
                activist_date=None,
                candidate_date=None,
                joined_on=dt.date(2009, 1, 1),
                confirmed_on=dt.date(2010, 1, 1),
            ),
            today=TODAY,
        )
        == []
    )


def test_development_dates_in_order():
    problems = validate_member_data(
        valid_data(joined_on=dt.date(2013, 1, 1), confirmed_on=dt.date(2014, 1, 1)), today=TODAY
    )

    assert problems == [Problem("joined_on", "The joining date is before the candidate date.", ERROR)]


@pytest.mark.parametrize(
    ("confirmed_on", "warned"),
    [
        (dt.date(2015, 6, 30), True),
        (dt.date(2015, 7, 1), False),
        (dt.date(2016, 7, 1), False),
        (dt.date(2016, 7, 2), True),
    ],
)
def test_confirmation_one_to_two_years_after_joining(confirmed_on, warned):
    problems = validate_member_data(valid_data(confirmed_on=confirmed_on), today=TODAY)

    expected = [
        Problem(
            "confirmed_on",
            "Confirmation is usually one year after joining (two at most with an extension).",
            WARNING,
        )
    ]
    assert problems == (expected if warned else [])
    assert has_errors(problems) is False


def test_probationary_member_has_no_confirmation_date():
    problems = validate_member_data(
        valid_data(category="probationary", joined_on=dt.date(2026, 7, 1), confirmed_on=dt.date(2026, 8, 1)),
        today=TODAY,
    )

    assert Problem("confirmed_on", "A probationary member has no confirmation date.", ERROR) in problems


def test_full_member_without_confirmation_date_is_warned():
    problems = validate_member_data(valid_data(confirmed_on=None), today=TODAY)

    assert problems == [Problem("confirmed_on", "A full member should have a confirmation date.", WARNING)]


def test_long_probation_is_warned():
    problems = validate_member_data(
        valid_data(category="probationary", joined_on=dt.date(2024, 7, 1), confirmed_on=None), today=TODAY
    )

    assert problems == [Problem("category", "Probation has lasted more than two years.", WARNING)]


def test_codes_and_phone_are_checked():
    problems = validate_member_data(
        valid_data(ethnicity="99", education="55", category="boss", phone="12345"), today=TODAY
    )

    assert problems == [
        Problem("category", "Unknown value boss.", ERROR),
        Problem("ethnicity", "Unknown code 99.", ERROR),
        Problem("education", "Unknown code 55.", ERROR),
        Problem("phone", "Not a valid mobile or landline number.", ERROR),
    ]


def test_partial_data_checks_only_what_is_given():
    assert validate_member_data({"phone": "13812345678"}, today=TODAY, partial=True) == []
    assert validate_member_data({"name": ""}, today=TODAY, partial=True) == [
        Problem("name", "The name is required.", ERROR)
    ]
