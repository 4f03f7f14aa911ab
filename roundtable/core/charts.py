"""A chart as plain data: what selectors compute and templates draw. `templates/includes/chart.html`
renders one as a <figure> (a canvas that static/js/charts.js draws with Chart.js from the JSON of
`as_dict()`, and a table of the same figures); E's PDF renders the same object as SVG.

Colours are keys of one palette (PALETTE), never CSS values: the page maps each key to a CSS
custom property (--rt-chart-<key>), so a theme changes every chart at once. A key with the
suffix "-hollow" draws an outline only: a state told apart by shape, not by a paler colour."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils.text import slugify

PALETTE = ("accent", "violet", "amber", "red", "green", "teal", "grey")
HOLLOW = "-hollow"
ChartKind = Literal["bar", "line", "stacked"]
ChartHeight = Literal["short", "medium", "tall"]


def _check_colour(key: str) -> str:
    if key.removesuffix(HOLLOW) not in PALETTE:
        raise ValueError(f"Unknown chart colour {key!r}: use one of {', '.join(PALETTE)}.")
    return key


def format_figure(value: float | int | None, unit: str = "") -> str:
    """How a figure reads in the table and tooltips: whole numbers without decimals, others with
    one; a missing figure as a dash."""
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}{unit}"
    return f"{int(value)}{unit}"


@dataclass(frozen=True)
class Dataset:
    """One series. `texts` (one per value) says a figure in words where the number alone would
    mislead ("cancelled", "3.4 from 5 ratings"); the table and the tooltip use it. `point_colours`
    colours each value apart (a meeting's state). With `stub_missing`, a missing value still
    shows as a short mark in its colour, so that a cancelled meeting is seen, not just absent."""

    name: str
    values: Sequence[float | int | None]
    colour: str = "accent"
    point_colours: Sequence[str] | None = None
    texts: Sequence[str] | None = None
    stub_missing: bool = False

    def __post_init__(self) -> None:
        _check_colour(self.colour)
        for key in self.point_colours or ():
            _check_colour(key)
        for extra in (self.point_colours, self.texts):
            if extra is not None and len(extra) != len(self.values):
                raise ValueError(f"{self.name}: one colour and one text per value.")

    def text(self, index: int, unit: str) -> str:
        if self.texts is not None:
            return self.texts[index]
        return format_figure(self.values[index], unit)


@dataclass(frozen=True)
class LegendEntry:
    label: str
    colour: str

    def __post_init__(self) -> None:
        _check_colour(self.colour)


@dataclass(frozen=True)
class Guide:
    """A dashed reference line across the chart at `value` (for example half a standard
    deviation), with a short label."""

    value: float
    label: str


@dataclass(frozen=True)
class TableColumn:
    """A column the table shows beside the charted figures (for example who was present)."""

    name: str
    cells: Sequence[str]


@dataclass(frozen=True)
class Chart:
    """A chart with its reading. `labels` name the points on the axis ("Jun", "3 Jun");
    `long_labels` (optional) name them in full in the table and tooltips ("Tue 3 June 2025").
    `links` (optional, one per label) make each point a link: the table links its label, a click
    or Enter on a point opens it. `legend` replaces the one-entry-per-dataset legend (for colours
    by state). `summary` is one plain sentence saying what the chart shows: the figure's caption
    and the canvas's accessible name."""

    kind: ChartKind
    title: str
    labels: Sequence[str]
    datasets: Sequence[Dataset]
    summary: str = ""
    y_min: float | None = 0
    y_max: float | None = None
    unit: str = ""
    y_label: str = ""
    show_y_axis: bool = True
    horizontal: bool = False
    long_labels: Sequence[str] | None = None
    links: Sequence[str | None] | None = None
    legend: Sequence[LegendEntry] | None = None
    guides: Sequence[Guide] = ()
    extra_columns: Sequence[TableColumn] = ()
    label_header: str = "Period"
    height: ChartHeight = "medium"
    key: str = field(default="")

    def __post_init__(self) -> None:
        count = len(self.labels)
        for dataset in self.datasets:
            if len(dataset.values) != count:
                raise ValueError(f"{dataset.name}: {len(dataset.values)} values, {count} labels.")
        for name, extra in (("long_labels", self.long_labels), ("links", self.links)):
            if extra is not None and len(extra) != count:
                raise ValueError(f"{name}: one per label.")
        for column in self.extra_columns:
            if len(column.cells) != count:
                raise ValueError(f"{column.name}: one cell per label.")

    @property
    def dom_id(self) -> str:
        """The figure's id in the page (the key, else the title)."""
        return "chart-" + slugify(self.key or self.title)

    @property
    def data_id(self) -> str:
        return f"{self.dom_id}-data"

    @property
    def is_empty(self) -> bool:
        return not self.labels or all(
            v is None for dataset in self.datasets for v in dataset.values
        )

    def point_label(self, index: int) -> str:
        return (self.long_labels or self.labels)[index]

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The table: one row per label, with the label's link, the datasets' figures (as the
        tooltip says them) and the extra columns' cells."""
        return [
            {
                "label": self.point_label(i),
                "link": self.links[i] if self.links else None,
                "cells": [d.text(i, self.unit) for d in self.datasets]
                + [c.cells[i] for c in self.extra_columns],
            }
            for i in range(len(self.labels))
        ]

    @property
    def headers(self) -> list[str]:
        return [d.name for d in self.datasets] + [c.name for c in self.extra_columns]

    def as_dict(self) -> dict[str, Any]:
        """What charts.js draws: figures and palette keys, no markup."""
        return {
            "kind": self.kind,
            "title": self.title,
            "summary": self.summary,
            "labels": list(self.labels),
            "long_labels": list(self.long_labels) if self.long_labels else None,
            "links": list(self.links) if self.links else None,
            "datasets": [
                {
                    "name": d.name,
                    "values": list(d.values),
                    "colour": d.colour,
                    "point_colours": list(d.point_colours) if d.point_colours else None,
                    "texts": [d.text(i, self.unit) for i in range(len(d.values))],
                    "stub_missing": d.stub_missing,
                }
                for d in self.datasets
            ],
            "y": {
                "min": self.y_min,
                "max": self.y_max,
                "unit": self.unit,
                "label": self.y_label,
                "show": self.show_y_axis,
            },
            "horizontal": self.horizontal,
            "legend": [{"label": e.label, "colour": e.colour} for e in self.legend]
            if self.legend is not None
            else None,
            "guides": [{"value": g.value, "label": g.label} for g in self.guides],
        }

    def as_json(self) -> str:
        return json.dumps(self.as_dict())
