"""Code tables as data: ethnicity (GB/T 3304), education (GB/T 4658-2006 and the 1984 table), the
party-statistics and town-report education bands, and occupation categories (RULES.md §7, §8).

Names are the official Chinese names of the standards: they are data, shown as they are.
Lookup functions accept a code or a name (with or without the "族" suffix, old names, the 1984
education table) and return the current code, or None when nothing matches.
"""

from __future__ import annotations

import re

from .choices import Occupation

# -- ethnicity: GB/T 3304-1991 --------------------------------------------------------------------
ETHNICITIES: dict[str, str] = {
    "01": "汉",
    "02": "蒙古",
    "03": "回",
    "04": "藏",
    "05": "维吾尔",
    "06": "苗",
    "07": "彝",
    "08": "壮",
    "09": "布依",
    "10": "朝鲜",
    "11": "满",
    "12": "侗",
    "13": "瑶",
    "14": "白",
    "15": "土家",
    "16": "哈尼",
    "17": "哈萨克",
    "18": "傣",
    "19": "黎",
    "20": "傈僳",
    "21": "佤",
    "22": "畲",
    "23": "高山",
    "24": "拉祜",
    "25": "水",
    "26": "东乡",
    "27": "纳西",
    "28": "景颇",
    "29": "柯尔克孜",
    "30": "土",
    "31": "达斡尔",
    "32": "仫佬",
    "33": "羌",
    "34": "布朗",
    "35": "撒拉",
    "36": "毛南",
    "37": "仡佬",
    "38": "锡伯",
    "39": "阿昌",
    "40": "普米",
    "41": "塔吉克",
    "42": "怒",
    "43": "乌孜别克",
    "44": "俄罗斯",
    "45": "鄂温克",
    "46": "德昂",
    "47": "保安",
    "48": "裕固",
    "49": "京",
    "50": "塔塔尔",
    "51": "独龙",
    "52": "鄂伦春",
    "53": "赫哲",
    "54": "门巴",
    "55": "珞巴",
    "56": "基诺",
    "97": "其他",
    "98": "外国血统中国籍人士",
}
HAN = "01"
# Codes 01-56 are the 56 recognised ethnic groups; their full name carries the "族" suffix.
ETHNIC_GROUP_CODES = frozenset(f"{i:02d}" for i in range(1, 57))
# Old or variant names still found in old records, mapped to the current code.
ETHNICITY_OLD_NAMES: dict[str, str] = {
    "毛难": "36",
    "崩龙": "46",
    "僮": "08",
    "佧佤": "21",
    "卡佤": "21",
    "达呼尔": "31",
    "乌兹别克": "43",
    "穿青": "97",
    "穿青人": "97",
    "外国血统": "98",
}


def ethnicity_name(code: str) -> str:
    """The full name: "汉族" for 01, "其他" for 97; "" for an unknown code."""
    name = ETHNICITIES.get(code, "")
    return f"{name}族" if code in ETHNIC_GROUP_CODES else name


ETHNICITY_CHOICES: list[tuple[str, str]] = [(code, ethnicity_name(code)) for code in ETHNICITIES]


def is_ethnic_minority(code: str) -> bool:
    """Party statistics count every recognised group except Han (02-56) as a minority."""
    return code in ETHNIC_GROUP_CODES and code != HAN


_ETHNICITY_BY_NAME: dict[str, str] = {}
for _code, _name in ETHNICITIES.items():
    _ETHNICITY_BY_NAME[_name] = _code
    _ETHNICITY_BY_NAME[ethnicity_name(_code)] = _code
for _name, _code in ETHNICITY_OLD_NAMES.items():
    _ETHNICITY_BY_NAME[_name] = _code
    _ETHNICITY_BY_NAME[f"{_name}族"] = _code


def _clean(text: object) -> str:
    return re.sub(r"\s+", "", str(text or "")).strip()


def _as_code(text: str) -> str | None:
    """ "1", "01", "1.0" (a number cell) -> "01"."""
    match = re.fullmatch(r"(\d{1,2})(?:\.0+)?", text)
    return f"{int(match.group(1)):02d}" if match else None


def resolve_ethnicity(text: object) -> str | None:
    """A GB/T 3304 code from a code ("01", "1"), a name ("汉", "汉族") or an old name ("毛难族")."""
    value = _clean(text)
    if not value:
        return None
    code = _as_code(value)
    if code is not None:
        return code if code in ETHNICITIES else None
    return _ETHNICITY_BY_NAME.get(value)


# -- education: GB/T 4658-2006 --------------------------------------------------------------------
EDUCATIONS: dict[str, str] = {
    "10": "研究生教育",
    "11": "博士研究生毕业",
    "12": "博士研究生结业",
    "13": "博士研究生肄业",
    "14": "硕士研究生毕业",
    "15": "硕士研究生结业",
    "16": "硕士研究生肄业",
    "17": "研究生班毕业",
    "18": "研究生班结业",
    "19": "研究生班肄业",
    "20": "大学本科教育",
    "21": "大学本科毕业",
    "22": "大学本科结业",
    "23": "大学本科肄业",
    "28": "大学普通班毕业",
    "30": "大学专科教育",
    "31": "大学专科毕业",
    "32": "大学专科结业",
    "33": "大学专科肄业",
    "40": "中等职业教育",
    "41": "中等专科毕业",
    "42": "中等专科结业",
    "43": "中等专科肄业",
    "44": "职业高中毕业",
    "45": "职业高中结业",
    "46": "职业高中肄业",
    "47": "技工学校毕业",
    "48": "技工学校结业",
    "49": "技工学校肄业",
    "60": "普通高级中学教育",
    "61": "普通高中毕业",
    "62": "普通高中结业",
    "63": "普通高中肄业",
    "70": "初级中学教育",
    "71": "初中毕业",
    "73": "初中肄业",
    "80": "小学教育",
    "81": "小学毕业",
    "83": "小学肄业",
    "90": "其他",
}
EDUCATION_CHOICES: list[tuple[str, str]] = list(EDUCATIONS.items())

# GB 4658-1984 codes and names (old records), mapped to the 2006 code used on import.
# Codes shared with the 2006 table keep their meaning except 40 (中专 -> 41) and 90 (文盲或半文盲,
# kept as 90 其他); 50 技工 does not exist in 2006 and becomes 47.
EDUCATION_1984: dict[str, tuple[str, str]] = {
    "10": ("研究生", "10"),
    "20": ("大学本科", "20"),
    "30": ("大学专科", "30"),
    "40": ("中专", "41"),
    "50": ("技工", "47"),
    "60": ("高中", "60"),
    "70": ("初中", "70"),
    "80": ("小学", "80"),
    "90": ("文盲或半文盲", "90"),
}

# Common names in registers and on import, mapped to a 2006 code.
EDUCATION_ALIASES: dict[str, str] = {
    "研究生": "10",
    "博士": "11",
    "博士研究生": "11",
    "硕士": "14",
    "硕士研究生": "14",
    "大学": "21",
    "本科": "21",
    "大学本科": "21",
    "大专": "31",
    "专科": "31",
    "大学专科": "31",
    "中专": "41",
    "中等专科": "41",
    "中等职业": "40",
    "职高": "44",
    "职业高中": "44",
    "技校": "47",
    "技工": "47",
    "技工学校": "47",
    "高中": "61",
    "普通高中": "61",
    "初中": "71",
    "小学": "81",
    "文盲": "90",
    "半文盲": "90",
    "文盲或半文盲": "90",
    "其他": "90",
}

_EDUCATION_BY_NAME: dict[str, str] = {name: code for code, name in EDUCATIONS.items()}
_EDUCATION_BY_NAME.update(EDUCATION_ALIASES)


def resolve_education(text: object) -> str | None:
    """A GB/T 4658-2006 code from a 2006 code, a 1984-only code (50), or a name of either table."""
    value = _clean(text)
    if not value:
        return None
    code = _as_code(value)
    if code is not None:
        if code in EDUCATIONS:
            return code
        old = EDUCATION_1984.get(code)
        return old[1] if old else None
    return _EDUCATION_BY_NAME.get(value)


def education_name(code: str) -> str:
    return EDUCATIONS.get(code, "")


# -- education bands for reports (RULES.md §7) ----------------------------------------------------
# Party statistics: (key, label), in report order.
PARTY_EDUCATION_BANDS: tuple[tuple[str, str], ...] = (
    ("postgraduate", "研究生"),
    ("bachelor", "大学本科"),
    ("college", "大学专科"),
    ("secondary_specialised", "中专"),
    ("high_school", "高中（含职高、技校）"),
    ("junior_or_below", "初中及以下"),
)
# The town reports' coarser bands (seed 004): 小学 counts everything below junior high (incl. 90).
TOWN_EDUCATION_BANDS: tuple[tuple[str, str], ...] = (
    ("primary", "小学"),
    ("junior", "初中"),
    ("senior_or_secondary", "高中/中专"),
    ("college_or_above", "大专及以上"),
)


def _party_band(code: str) -> str:
    first = code[0]
    if first == "1":
        return "postgraduate"
    if first == "2":
        return "bachelor"
    if first == "3":
        return "college"
    if code in ("40", "41", "42", "43"):
        return "secondary_specialised"
    if first in ("4", "6"):
        return "high_school"
    return "junior_or_below"


def _town_band(code: str) -> str:
    first = code[0]
    if first in ("1", "2", "3"):
        return "college_or_above"
    if first in ("4", "6"):
        return "senior_or_secondary"
    if first == "7":
        return "junior"
    return "primary"


# code -> band key, for every 2006 code (the stats engineer groups with these dicts).
EDUCATION_PARTY_BAND: dict[str, str] = {code: _party_band(code) for code in EDUCATIONS}
EDUCATION_TOWN_BAND: dict[str, str] = {code: _town_band(code) for code in EDUCATIONS}


def party_education_band(code: str) -> str | None:
    return EDUCATION_PARTY_BAND.get(code)


def town_education_band(code: str) -> str | None:
    return EDUCATION_TOWN_BAND.get(code)


# -- occupation (RULES.md §7), official names --------------------------------------------------------
OCCUPATION_NAMES: dict[str, str] = {
    Occupation.WORKER: "工人（工勤技能人员）",
    Occupation.FARMER: "农牧渔民",
    Occupation.PROFESSIONAL: "企事业单位、社会组织专业技术人员",
    Occupation.MANAGER: "企事业单位、社会组织管理人员",
    Occupation.OFFICIAL: "党政机关工作人员",
    Occupation.STUDENT: "学生",
    Occupation.OTHER: "其他职业人员",
    Occupation.RETIRED: "离退休人员",
}
OCCUPATION_ALIASES: dict[str, str] = {
    "工人": Occupation.WORKER,
    "工勤技能人员": Occupation.WORKER,
    "农民": Occupation.FARMER,
    "牧民": Occupation.FARMER,
    "渔民": Occupation.FARMER,
    "农牧渔民": Occupation.FARMER,
    "专业技术人员": Occupation.PROFESSIONAL,
    "管理人员": Occupation.MANAGER,
    "党政机关工作人员": Occupation.OFFICIAL,
    "机关工作人员": Occupation.OFFICIAL,
    "公务员": Occupation.OFFICIAL,
    "学生": Occupation.STUDENT,
    "其他": Occupation.OTHER,
    "其他职业人员": Occupation.OTHER,
    "离退休人员": Occupation.RETIRED,
    "离退休": Occupation.RETIRED,
    "退休": Occupation.RETIRED,
    "离休": Occupation.RETIRED,
}
_OCCUPATION_BY_NAME: dict[str, str] = {name: key for key, name in OCCUPATION_NAMES.items()}
_OCCUPATION_BY_NAME.update(OCCUPATION_ALIASES)


def resolve_occupation(text: object) -> str | None:
    """An Occupation value from its key ("worker") or an official or common Chinese name."""
    value = _clean(text)
    if not value:
        return None
    if value in OCCUPATION_NAMES:
        return str(Occupation(value))
    return _OCCUPATION_BY_NAME.get(value)
