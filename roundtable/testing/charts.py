"""Reading a page's charts in tests (templates/includes/chart.html): the JSON that charts.js draws
and the table behind it, by the figure's id, so a test can check that both carry the same facts."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any


@dataclass
class ChartSeen:
    data: dict[str, Any] = field(default_factory=dict)  # the JSON that charts.js draws
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)  # the row label first, then the cells
    links: list[str | None] = field(default_factory=list)  # the row label's link, if any

    @property
    def values(self) -> dict[str, list[Any]]:
        """Each dataset's values by name, from the JSON."""
        return {d["name"]: d["values"] for d in self.data["datasets"]}

    @property
    def columns(self) -> dict[str, list[str]]:
        """Each table column's cells by header."""
        return {name: [row[i] for row in self.rows] for i, name in enumerate(self.headers)}


class _ChartParser(HTMLParser):
    def __init__(self, figure_id: str) -> None:
        super().__init__()
        self.figure_id = figure_id
        self.seen = ChartSeen()
        self.depth = 0  # figure nesting: > 0 while inside the figure
        self.script = False
        self.script_text = ""
        self.section = ""
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.found = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "figure" and (self.depth or attributes.get("id") == self.figure_id):
            self.depth += 1
            self.found = True
        if not self.depth:
            return
        if tag == "script" and attributes.get("type") == "application/json":
            self.script = True
        elif tag in {"thead", "tbody"}:
            self.section = tag
        elif tag == "tr":
            self.row = []
            if self.section == "tbody":
                self.seen.links.append(None)
        elif tag in {"td", "th"}:
            self.cell = []
        elif tag == "a" and self.cell is not None and self.section == "tbody" and not self.row:
            self.seen.links[-1] = attributes.get("href")

    def handle_endtag(self, tag: str) -> None:
        if not self.depth:
            return
        if tag == "figure":
            self.depth -= 1
        elif tag == "script" and self.script:
            self.script = False
            self.seen.data = json.loads(self.script_text)
        elif tag in {"td", "th"} and self.cell is not None and self.row is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if self.section == "thead":
                self.seen.headers = self.row
            else:
                self.seen.rows.append(self.row)
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.script:
            self.script_text += data
        elif self.cell is not None:
            self.cell.append(data)


def chart_in(html: str, figure_id: str) -> ChartSeen:
    """The chart whose <figure> has this id (Chart.dom_id), as the page shows it."""
    parser = _ChartParser(figure_id)
    parser.feed(html)
    assert parser.found, f"no chart #{figure_id} in the page"
    return parser.seen
