"""The member statistics as an xlsx workbook: every figure the dashboard shows, one sheet per topic."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

import xlsxwriter
from django.utils.translation import gettext as _

from .selectors import COUNT_FIELDS

KPI_ORDER = COUNT_FIELDS


def _pct(value: Any) -> float:
    return float(value)


def member_stats_workbook(output: IO[bytes], stats: Mapping[str, Any], labels: Mapping[str, str]) -> None:
    """Write ``stats`` (``stats.selectors.member_stats``) to ``output``; percentages are numbers."""
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    bold = workbook.add_format({"bold": True})
    pct = workbook.add_format({"num_format": "0.00"})

    summary = workbook.add_worksheet(_("Statistics summary"))
    summary.write_row(0, 0, [_("Organisation"), stats["org"]["name"]], bold)
    summary.write_row(1, 0, [_("As of"), stats["as_of"].isoformat()])
    summary.write_row(3, 0, [_("Item"), _("Count"), _("Percentage (%)")], bold)
    row = 4
    for name in KPI_ORDER:
        summary.write(row, 0, labels[name])
        summary.write_number(row, 1, stats[name])
        summary.write_number(row, 2, _pct(stats[f"{name}_pct"]), pct)
        row += 1
    summary.write(row, 0, _("Average age"))
    if stats["average_age"] is not None:
        summary.write_number(row, 1, float(stats["average_age"]))
    summary.set_column(0, 0, 22)

    breakdowns = (
        (_("Age"), stats["age_bands"]),
        (_("Education (party statistics)"), stats["education"]["party_bands"]),
        (_("Education (town report)"), stats["education"]["town_bands"]),
        (_("Occupation"), stats["occupation"]),
        (_("Joining period"), stats["join_period"]),
        (_("Ethnicity"), stats["ethnicity"]),
    )
    for title, entries in breakdowns:
        sheet = workbook.add_worksheet(title[:31])
        sheet.write_row(0, 0, [title, _("Count"), _("Percentage (%)")], bold)
        for i, entry in enumerate(entries, start=1):
            sheet.write(i, 0, entry["label"])
            sheet.write_number(i, 1, entry["count"])
            sheet.write_number(i, 2, _pct(entry["pct"]), pct)
        sheet.set_column(0, 0, 36)

    children = workbook.add_worksheet(_("Subordinate organisations"))
    header = [_("Organisation")]
    for name in KPI_ORDER:
        header.append(labels[name])
        if name != "total":
            header.append(f"{labels[name]} %")
    header.append(_("Average age"))
    children.write_row(0, 0, header, bold)
    for r, child in enumerate(stats["children"], start=1):
        values: list[Any] = [child["org"]["name"]]
        for name in KPI_ORDER:
            values.append(child[name])
            if name != "total":
                values.append(_pct(child[f"{name}_pct"]))
        values.append(float(child["average_age"]) if child["average_age"] is not None else "")
        children.write_row(r, 0, values)
    children.set_column(0, 0, 28)
    workbook.close()
