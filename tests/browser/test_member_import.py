"""Issue 3's browser scenario: a party-affairs worker of one community downloads the import template,
fills it, sees the dry run, runs the import, watches the job finish, finds a member by pinyin initials
and opens the statistics charts; a file with one bad ID number is refused with the cell marked.

Screenshots of every step (1366 wide) go to $BROWSER_SHOTS_DIR (default /tmp/browser_shots).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from accounts.tests.factories import user_with_role
from core.models import AuditEntry, Job, JobStatus
from members.import_jobs import DRY_RUN_KIND
from members.importers import JOB_KIND
from members.models import Member
from members.rules import add_years, age_on
from members.tests.factories import make_id_number
from orgs.tests.factories import Tree

from .helpers_shots import VIEWPORT, shot

pytestmark = pytest.mark.browser

ID_HEADER = "公民身份号码"


@dataclass(frozen=True)
class Person:
    name: str
    female: bool
    born: dt.date
    ethnicity: str = "汉族"
    education: str = "大学本科毕业"
    occupation: str = "企事业单位、社会组织专业技术人员"
    probationary: bool = False
    mobile: bool = False
    retired: bool = False
    hardship: bool = False
    second_branch: bool = False


# Twenty members of 东风社区: ages from 26 to 76, three probationary, two minorities, a mix of
# education, occupations and flags; 张三丰 is found later by his initials "zsf".
PEOPLE = (
    Person(
        "张三丰", False, dt.date(1952, 3, 14), education="初中毕业", occupation="离退休人员", retired=True
    ),
    Person(
        "李秀英", True, dt.date(1958, 11, 2), education="普通高中毕业", occupation="离退休人员", retired=True
    ),
    Person(
        "王建国", False, dt.date(1949, 10, 1), education="小学毕业", occupation="离退休人员", retired=True
    ),
    Person("刘芳", True, dt.date(1990, 5, 20), probationary=True),
    Person("陈志强", False, dt.date(1975, 8, 8), occupation="企事业单位、社会组织管理人员"),
    Person("杨丽娟", True, dt.date(1983, 1, 30), ethnicity="回族", education="大学专科毕业"),
    Person(
        "赵德明", False, dt.date(1968, 6, 16), education="中等专科毕业", occupation="工人（工勤技能人员）"
    ),
    Person("黄晓燕", True, dt.date(1995, 9, 9), education="硕士研究生毕业", probationary=True),
    Person("周文斌", False, dt.date(1979, 12, 12), occupation="党政机关工作人员", mobile=True),
    Person(
        "吴桂兰",
        True,
        dt.date(1955, 4, 4),
        education="小学毕业",
        occupation="离退休人员",
        retired=True,
        hardship=True,
    ),
    Person("徐海涛", False, dt.date(1986, 7, 1), education="大学专科毕业", mobile=True, second_branch=True),
    Person(
        "孙淑珍",
        True,
        dt.date(1962, 2, 28),
        education="普通高中毕业",
        occupation="其他职业人员",
        second_branch=True,
    ),
    Person(
        "马卫东",
        False,
        dt.date(1971, 3, 3),
        ethnicity="满族",
        occupation="工人（工勤技能人员）",
        second_branch=True,
    ),
    Person(
        "朱红梅", True, dt.date(1988, 10, 10), occupation="企事业单位、社会组织管理人员", second_branch=True
    ),
    Person("胡建华", False, dt.date(1965, 5, 5), education="中等专科毕业", second_branch=True),
    Person(
        "郭玉兰",
        True,
        dt.date(1957, 8, 15),
        education="初中毕业",
        occupation="离退休人员",
        retired=True,
        second_branch=True,
    ),
    Person("何永康", False, dt.date(1992, 12, 1), probationary=True, second_branch=True),
    Person(
        "林晓静",
        True,
        dt.date(1993, 3, 21),
        education="硕士研究生毕业",
        occupation="学生",
        second_branch=True,
    ),
    Person("罗志刚", False, dt.date(1980, 6, 6), occupation="党政机关工作人员"),
    Person("高美玲", True, dt.date(1987, 11, 11), education="大学专科毕业", occupation="其他职业人员"),
)


def id_number(number: int, person: Person) -> str:
    return make_id_number(person.born, number, area="110101", female=person.female)


def bad_id_number(number: int, person: Person) -> str:
    """The same number with a wrong check character."""
    good = id_number(number, person)
    return good[:17] + ("0" if good[17] != "0" else "1")


def joining_dates(person: Person, today: dt.date) -> tuple[Any, Any]:
    """(加入党组织日期, 转为正式党员日期) in the spellings party workers use; probationary: no confirmation."""
    if person.probationary:
        return (today - dt.timedelta(days=120)).strftime("%Y/%-m/%-d"), None
    joined = add_years(person.born, 25 + person.born.day % 7)
    confirmed = add_years(joined, 1)
    # a real date cell and the Chinese spelling; probationary joining dates are written 2025/7/1
    return dt.datetime.combine(joined, dt.time()), f"{confirmed.year}年{confirmed.month}月{confirmed.day}日"


def fill_template(
    template: Path, target: Path, tree: Tree, today: dt.date, bad_row: int | None = None
) -> None:
    """Write PEOPLE into the downloaded template under its own headers; ``bad_row`` (0-based) gets an
    ID number with a wrong check character."""
    workbook = openpyxl.load_workbook(template)
    sheet = workbook.worksheets[0]
    columns = {str(cell.value).rstrip("*"): cell.column for cell in sheet[1] if cell.value}
    for index, person in enumerate(PEOPLE):
        joined, confirmed = joining_dates(person, today)
        number = id_number(index + 1, person)
        if index == bad_row:
            number = bad_id_number(index + 1, person)
        org = tree.branch_a2 if person.second_branch else tree.branch_a1
        values = {
            "姓名": person.name,
            "性别": "女" if person.female else "男",
            "民族": person.ethnicity,
            ID_HEADER: number,
            "学历": person.education,
            "人员类别": "预备党员" if person.probationary else "正式党员",
            "所在党组织": org.code,
            "加入党组织日期": joined,
            "转为正式党员日期": confirmed,
            "工作岗位": person.occupation,
            "手机号码": f"139{10_000_000 + index * 7919:08d}",
            "是否流动党员": "是" if person.mobile else "否",
            "外出流动日期": "2024-03-01" if person.mobile else None,
            "是否离退休": "是" if person.retired else "否",
            "离退休日期": add_years(person.born, 60).isoformat() if person.retired else None,
            "是否困难党员": "是" if person.hardship else "否",
            "困难党员认定日期": "2023.5.1" if person.hardship else None,
            "家庭住址": f"东城区东风路{index + 1}号",
        }
        for header, value in values.items():
            if value is not None:
                sheet.cell(row=index + 2, column=columns[header], value=value)
    workbook.save(target)


def download(page: Any, link: Any, folder: Path) -> Path:
    with page.expect_download() as info:
        link.click()
    target = folder / info.value.suggested_filename
    info.value.save_as(target)
    return target


def upload_for_dry_run(page: Any, org: Any, path: Path) -> None:
    page.goto(reverse("members:member_import"))
    page.locator("select[name=org]").select_option(str(org.pk))
    page.locator("input[name=file]").set_input_files(str(path))
    page.get_by_test_id("check-file").click()
    expect(page.get_by_test_id("dry-run-summary")).to_be_visible()


def count_shown(page: Any, name: str) -> str:
    return page.locator(f"[data-testid=dry-run-summary] [data-count={name}]").inner_text()


CONTRAST_JS = """e => {
  const ctx = document.createElement("canvas").getContext("2d", { willReadFrequently: true });
  const rgb = c => { ctx.clearRect(0, 0, 1, 1); ctx.fillStyle = c; ctx.fillRect(0, 0, 1, 1); return [...ctx.getImageData(0, 0, 1, 1).data].slice(0, 3); };
  const lum = c => {
    const [r, g, b] = rgb(c).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const style = getComputedStyle(e);
  const [a, b] = [lum(style.color), lum(style.backgroundColor)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


def contrast(locator: Any) -> float:
    """WCAG contrast ratio of an element's text colour against its own background colour."""
    return float(locator.evaluate(CONTRAST_JS))


def average_age(today: dt.date) -> str:
    ages = [age_on(p.born, today) for p in PEOPLE]
    return str((Decimal(sum(ages)) / len(ages)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@pytest.fixture
def worker(browser_tree: Tree) -> Any:
    """A party-affairs worker of 东风社区 only."""
    return user_with_role(Role.PARTY_WORKER, browser_tree.community_a, display_name="东风社区党务工作者")


@pytest.fixture
def worker_page(page: Any, login: Any, worker: Any) -> Any:
    page.set_viewport_size(VIEWPORT)
    return login(worker)


@pytest.fixture
def template_file(worker_page: Any, tmp_path: Path) -> Path:
    """The template, downloaded through the import page's button."""
    page = worker_page
    page.goto(reverse("members:member_import"))
    expect(page.locator("h2.page-title")).to_contain_text("导入党员")
    expect(page.locator("li.nav-item.active")).to_have_text("导入党员")
    shot(page, "import_01_upload_form")
    path = download(page, page.get_by_role("link", name="下载导入模板"), tmp_path)
    assert path.suffix == ".xlsx"
    return path


def test_import_the_filled_template_then_search_and_see_the_statistics(
    worker_page, browser_tree, worker, template_file, tmp_path, live_server
):
    page, tree = worker_page, browser_tree
    today = timezone.localdate()
    filled = tmp_path / "东风社区党员.xlsx"
    fill_template(template_file, filled, tree, today)

    # The dry run: twenty to create, nothing written yet.
    upload_for_dry_run(page, tree.community_a, filled)
    shot(page, "import_02_dry_run")
    assert [count_shown(page, n) for n in ("created", "updated", "unchanged", "errors", "warnings")] == [
        "20",
        "0",
        "0",
        "0",
        "0",
    ]
    assert page.get_by_test_id("problems").count() == 0
    assert Member.unscoped.count() == 0
    assert list(Job.unscoped.values_list("kind", "status")) == [(DRY_RUN_KIND, JobStatus.SUCCEEDED)]

    # Run it: the job page's bar is full and the job succeeded.
    page.get_by_test_id("confirm-import").click()
    page.wait_for_url(re.compile(r"/jobs/\d+/"))
    job = Job.unscoped.get(kind=JOB_KIND)
    bar = page.locator("#job-progress [role=progressbar]")
    expect(bar).to_have_attribute("aria-valuenow", "100")
    expect(bar.locator(".progress-bar")).to_have_attribute("style", re.compile(r"width:\s*100%"))
    expect(bar.locator(".progress-bar")).to_have_text("100%")
    status = page.locator("#job-progress [data-job-status]")
    expect(status).to_have_attribute("data-job-status", JobStatus.SUCCEEDED)
    expect(status).to_have_text("已完成")
    expect(page.locator("#job-progress")).to_contain_text("20 / 20")
    expect(page.locator("#job-progress")).not_to_have_attribute("data-poll", re.compile(".*"))
    log = page.locator("#job-progress pre")
    expect(log).to_contain_text("已导入：新增 20 人，更新 0 人，无变化 0 人。")
    expect(log).to_contain_text("已完成。")
    assert contrast(log) >= 4.5  # the log is readable, not light text on a light box
    expect(page.locator("h2.page-title")).to_have_text(f"导入党员到 {tree.community_a.name}：{filled.name}")
    shot(page, "import_03_job_finished")
    page.locator(".breadcrumb a", has_text="后台任务").click()
    job_row = page.locator("table tbody tr").filter(has_text=f"导入党员到 {tree.community_a.name}")
    expect(job_row).to_have_count(1)
    expect(job_row).to_contain_text("已完成")
    expect(job_row).to_contain_text("100%")
    shot(page, "import_03b_job_list")
    page.go_back()
    job.refresh_from_db()
    assert (job.status, job.progress, job.total, job.created_by) == (JobStatus.SUCCEEDED, 20, 20, worker)
    assert Member.unscoped.filter(org=tree.branch_a1).count() == 12
    assert Member.unscoped.filter(org=tree.branch_a2).count() == 8
    assert AuditEntry.unscoped.filter(content_type__model="member").count() == 20

    # The job page leads to the community's members; find 张三丰 there by his pinyin initials.
    page.get_by_test_id("imported-members").click()
    page.wait_for_url(re.compile(rf"{reverse('members:member_list')}\?org={tree.community_a.pk}$"))
    expect(page.locator("table tbody tr")).to_have_count(20)
    shot(page, "import_04a_member_list")
    assert page.locator(".table-responsive").evaluate("e => e.scrollWidth - e.clientWidth") == 0
    page.locator("input[name=q]").fill("zsf")
    page.locator("input[name=q]").press("Enter")
    page.wait_for_url(re.compile(r"q=zsf"))
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("张三丰")
    expect(rows.first).to_contain_text(tree.branch_a1.name)
    shot(page, "import_04_search_initials")
    rows.first.locator("a", has_text="张三丰").click()
    expect(page.locator("h2.page-title")).to_contain_text("张三丰")
    history = page.locator("#member-history")
    for line in (
        "民族: — → 汉族",
        "最高学历: — → 初中毕业",
        "公民身份号码: — → 110101********",
        "离退休人员: — → 是",
        f"所在党组织: — → {tree.branch_a1.name}",
    ):
        expect(history).to_contain_text(line)
    expect(history).not_to_contain_text(re.compile(r"id_number|phone|True|False"))
    shot(page, "import_05_member_detail")

    # The statistics of the community: KPIs from the imported rows, every chart drawn.
    page.goto(f"{reverse('stats:member_dashboard')}?org={tree.community_a.pk}")
    charts = page.locator("#stats-charts")
    expect(charts).to_have_attribute("data-loaded", "1")
    expect(page.locator("[data-kpi=total]")).to_have_text("20")
    expect(page.locator("[data-kpi=average_age]")).to_have_text(average_age(today))
    kpis = {
        label: page.locator("[data-kpis] .card-body").filter(has_text=label).locator(".h2").inner_text()
        for label in (
            "正式党员",
            "预备党员",
            "女党员",
            "少数民族党员",
            "流动党员",
            "离退休党员",
            "生活困难党员",
        )
    }
    women = sum(p.female for p in PEOPLE)
    assert {label: text.split()[0] for label, text in kpis.items()} == {
        "正式党员": "17",
        "预备党员": "3",
        "女党员": str(women),
        "少数民族党员": "2",
        "流动党员": "2",
        "离退休党员": "5",
        "生活困难党员": "1",
    }
    nodes = charts.locator("[data-chart]")
    expect(nodes).to_have_count(7)
    for index in range(7):
        node = nodes.nth(index)
        expect(node).to_have_attribute("data-rendered", "1")
        drawn = node.locator("canvas, svg").first
        expect(drawn).to_be_visible()
        box = drawn.bounding_box()
        assert box is not None and box["width"] > 0 and box["height"] > 0, node.get_attribute("data-chart")
    children = page.locator("[data-children-table] tbody tr")
    expect(children.filter(has_text=tree.branch_a1.name).locator("td").nth(1)).to_have_text("12")
    expect(children.filter(has_text=tree.branch_a2.name).locator("td").nth(1)).to_have_text("8")
    shot(page, "import_06_statistics")
    shot(charts, "import_06b_charts")
    shot(page.locator("[data-children-table]"), "import_06c_children")
    assert page.js_errors == []


def test_a_bad_id_number_is_reported_and_marked_and_nothing_is_imported(
    worker_page, browser_tree, template_file, tmp_path
):
    page, tree = worker_page, browser_tree
    today = timezone.localdate()
    filled = tmp_path / "东风社区党员（有错）.xlsx"
    fill_template(template_file, filled, tree, today, bad_row=6)  # 赵德明, sheet row 8

    upload_for_dry_run(page, tree.community_a, filled)
    shot(page, "bad_01_dry_run")
    assert count_shown(page, "errors") == "1"
    assert page.get_by_test_id("confirm-import").count() == 0
    problems = page.get_by_test_id("problems").locator("tbody tr")
    expect(problems).to_have_count(1)
    # the column as headed in the file: the template marks its required columns with "*"
    assert [cell.strip() for cell in problems.first.locator("td").all_inner_texts()] == [
        "8",
        f"{ID_HEADER}*",
        "身份证号码的校验位不正确。",
    ]

    marked = download(page, page.get_by_test_id("download-marked"), tmp_path / "marked")
    sheet = openpyxl.load_workbook(marked).worksheets[0]
    headers = [str(cell.value or "").rstrip("*") for cell in sheet[1]]
    id_column = headers.index(ID_HEADER) + 1
    bad = sheet.cell(row=8, column=id_column)
    assert bad.value == bad_id_number(7, PEOPLE[6])
    assert bad.fill.fgColor.rgb[-6:] == "F8CBAD"
    assert sheet.cell(row=7, column=id_column).fill.fgColor.rgb in (None, "00000000")
    note = sheet.cell(row=8, column=len([h for h in headers if h]))
    assert note.value == f"{ID_HEADER}*：身份证号码的校验位不正确。"

    assert (Member.unscoped.count(), AuditEntry.unscoped.count()) == (0, 0)
    assert list(Job.unscoped.values_list("kind", "status")) == [(DRY_RUN_KIND, JobStatus.SUCCEEDED)]
    assert page.js_errors == []
