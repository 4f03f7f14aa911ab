"""The printable program report: the program dashboard's figures for every circle and its at-risk
flags with their reasons, and the dashboard's charts (the same `core.charts.Chart` objects the
page draws with Chart.js; the PDF turns them into SVG), with one more chart of attendance by
circle. As many queries as the dashboard, whatever the number of circles."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from roundtable.core.charts import Chart, Dataset, LegendEntry
from roundtable.insights.selectors.dashboard import (
    DASHBOARD_WEEKS,
    CircleRow,
    ProgramDashboard,
    program_dashboard,
    rows_sorted,
)
from roundtable.programs.models import Program

# On paper, the table lists at most this many circles and the flags section at most this many
# flagged circles (most at risk first): WeasyPrint lays out about ten circles a second, so a
# program of 2,000 circles would keep a request waiting for minutes. The rest is one click away
# (the dashboard, the circles CSV), and the report says how many it left out.
TABLE_CIRCLES_MAX = 100
FLAGGED_CIRCLES_MAX = 30
# Past this many circles, the attendance chart shows how many circles fall in each band of
# attendance instead of one bar per circle (a bar each stops being readable on paper).
BARS_PER_CIRCLE_UP_TO = 24


@dataclass(frozen=True)
class ReportTotals:
    circles: int
    members: int
    held: int
    scheduled: int
    present: int
    recorded: int
    flagged: int

    @property
    def attendance(self) -> int | None:
        return round(self.present / self.recorded * 100) if self.recorded else None

    @property
    def consistency(self) -> int | None:
        return round(self.held / self.scheduled * 100) if self.scheduled else None


@dataclass(frozen=True)
class ProgramReport:
    program: Program
    today: dt.date
    weeks: int
    dashboard: ProgramDashboard
    circles: list[CircleRow]  # by name; the most at risk first when the table is cut short
    circles_left_out: int
    charts: list[Chart]
    totals: ReportTotals

    @property
    def flagged(self) -> list[CircleRow]:
        """The circles at risk, most serious first (as the dashboard lists them), cut short."""
        return self.dashboard.at_risk[:FLAGGED_CIRCLES_MAX]

    @property
    def flagged_left_out(self) -> int:
        return max(len(self.dashboard.at_risk) - FLAGGED_CIRCLES_MAX, 0)


def attendance_chart(rows: list[CircleRow]) -> Chart:
    """Attendance by circle over the dashboard's window: a bar per circle (red when flagged),
    or, for many circles, how many circles fall in each band of 20 points."""
    recorded = [r for r in rows if r.attendance is not None]
    if len(rows) <= BARS_PER_CIRCLE_UP_TO:
        return Chart(
            kind="bar",
            key="report-attendance",
            title="Attendance by circle",
            summary=f"People present of those recorded at each circle's meetings, over the "
            f"last {DASHBOARD_WEEKS} weeks; red: a circle with a flag.",
            labels=[r.circle.name for r in rows],
            datasets=[
                Dataset(
                    name="Present",
                    values=[r.attendance for r in rows],
                    point_colours=["red" if r.flags else "accent" for r in rows],
                )
            ],
            legend=[LegendEntry("Circle", "accent"), LegendEntry("Circle with a flag", "red")],
            y_max=100,
            unit="%",
            horizontal=True,
            label_header="Circle",
        )
    bands = [(low, low + 20) for low in range(0, 100, 20)]
    counts = [0] * len(bands)
    for row in recorded:
        counts[min((row.attendance or 0) // 20, len(bands) - 1)] += 1
    return Chart(
        kind="bar",
        key="report-attendance",
        title="Circles by attendance",
        summary=f"How many of the {len(rows)} circles fall in each band of attendance over the "
        f"last {DASHBOARD_WEEKS} weeks ({len(rows) - len(recorded)} with none recorded).",
        labels=[f"{low}–{high}%" for low, high in bands],
        datasets=[Dataset(name="Circles", values=counts)],
        label_header="Attendance",
    )


def program_report(*, program: Program, today: dt.date) -> ProgramReport:
    """The report of the program as of `today`: the dashboard, its circles by name, the
    charts, and the program's totals over the dashboard's window."""
    dashboard = program_dashboard(program, today=today)
    rows = rows_sorted(dashboard.rows, "name")
    totals = ReportTotals(
        circles=len(rows),
        members=sum(r.members for r in rows),
        held=sum(r.held for r in rows),
        scheduled=sum(r.scheduled for r in rows),
        present=sum(r.present for r in rows),
        recorded=sum(r.recorded for r in rows),
        flagged=sum(1 for r in rows if r.flags),
    )
    charts = [attendance_chart(rows), dashboard.trend, dashboard.flags_chart]
    # Every circle by name; for a program too big for paper, the most at risk first.
    listed = rows if len(rows) <= TABLE_CIRCLES_MAX else dashboard.rows[:TABLE_CIRCLES_MAX]
    return ProgramReport(
        program=program,
        today=today,
        weeks=DASHBOARD_WEEKS,
        dashboard=dashboard,
        circles=listed,
        circles_left_out=len(rows) - len(listed),
        charts=charts,
        totals=totals,
    )
