"""What the command line reads: PEOPLE.csv (ids, managers, roles, availability and the feature
columns, each kind inferred), the pairs files and the running circles, every problem named by
row (`InputError`). The file formats are described in `cli`.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path

import numpy as np

from roundtable.formation.features import Feature, split_tags
from roundtable.formation.problem import FormationError
from roundtable.timeslots import WEEKDAY_NAMES
from roundtable.timeslots.common import MemberAvailability, slot_grid
from roundtable.timeslots.windows import parse_windows

RESERVED = ("id", "manager_id", "availability", "time_zone", "role")


class InputError(FormationError):
    """A file the command line cannot use; `problems` names each row."""


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
            header = [h.strip() for h in reader.fieldnames or []]
    except OSError as exc:
        raise InputError([f"Cannot read {path}: {exc.strerror}."]) from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise InputError([f"{path} is not a readable CSV file ({exc})."]) from None
    cleaned = [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in rows]
    return header, cleaned


def _rows_list(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:8])
    return shown + (f" and {len(numbers) - 8} more" if len(numbers) > 8 else "")


def read_people(
    path: Path, weights: dict[str, float]
) -> tuple[list[str], list[Feature], dict[str, str], list[str] | None, list[dict[str, str]]]:
    """(ids, features, managers by person, roles or None, the rows) of PEOPLE.csv."""
    header, rows = _rows(path)
    problems: list[str] = []
    if "id" not in header:
        raise InputError([f"{path.name} has no 'id' column (columns: {', '.join(header)})."])
    if not rows:
        raise InputError([f"{path.name} has no people in it."])
    ids = [row["id"] for row in rows]
    blank = [n for n, person in enumerate(ids, start=2) if not person]
    if blank:
        problems.append(f"Rows {_rows_list(blank)} have no id.")
    seen: dict[str, int] = {}
    for line, person in enumerate(ids, start=2):
        if person and person in seen:
            problems.append(f"Row {line} repeats the id {person!r} of row {seen[person]}.")
        seen.setdefault(person, line)
    managers: dict[str, str] = {}
    if "manager_id" in header:
        for line, row in enumerate(rows, start=2):
            manager = row.get("manager_id", "")
            if manager and manager not in seen:
                problems.append(f"Row {line}: manager_id {manager!r} is not an id in the file.")
            elif manager:
                managers[row["id"]] = manager
    roles = [row.get("role", "") for row in rows] if "role" in header else None
    columns = [h for h in header if h and h not in RESERVED]
    unknown = sorted(set(weights) - set(columns))
    if unknown:
        problems.append(
            f"--weights names unknown features: {', '.join(unknown)} "
            f"(features: {', '.join(columns) or 'none'})."
        )
    features: list[Feature] = []
    for column in columns:
        values = [row.get(column, "") for row in rows]
        feature, issue = _infer(column, values, weights.get(column, 1.0))
        if issue:
            problems.append(issue)
        elif feature is not None:
            features.append(feature)
    if problems:
        raise InputError(problems)
    return ids, features, managers, roles, rows


def _infer(column: str, values: list[str], weight: float) -> tuple[Feature | None, str | None]:
    if any(";" in v for v in values):
        return Feature(column, "tags", tuple(tuple(split_tags(v)) for v in values), weight), None
    numbers: list[float | None] = []
    for value in values:
        try:
            numbers.append(float(value))
        except ValueError:
            numbers.append(None)
    numeric = [v for v in numbers if v is not None]
    filled = [v for v in values if v]
    if filled and len(numeric) >= len(filled) / 2:
        bad = [
            line
            for line, (raw, number) in enumerate(zip(values, numbers, strict=True), start=2)
            if number is None or not math.isfinite(number)
        ]
        if bad:
            return None, (
                f"Column {column!r} holds numbers, but rows {_rows_list(bad)} are empty, "
                "not numbers or not finite (NaN)."
            )
        return Feature(column, "numeric", tuple(numeric), weight), None
    empty = [line for line, v in enumerate(values, start=2) if not v]
    if empty:
        return None, f"Column {column!r} is empty in rows {_rows_list(empty)}."
    return Feature(column, "categorical", tuple(values), weight), None


def read_availability(
    rows: list[dict[str, str]], meeting_zone: str, duration: int, start: dt.date
) -> tuple[np.ndarray, list[str]]:
    """Who can make which candidate weekly slot (people x slots) and the slots' labels, from
    each row's `availability` (the one syntax of `timeslots.windows`) in its `time_zone`."""
    members, problems = [], []
    for line, row in enumerate(rows, start=2):
        try:
            slots = parse_windows(row.get("availability", ""))
        except ValueError as exc:
            problems.append(f"Row {line}: availability {exc}.")
            continue
        members.append(MemberAvailability(row["id"], row.get("time_zone") or "UTC", tuple(slots)))
    if problems:
        raise InputError(problems)
    try:
        grid = slot_grid(
            members, time_zone=meeting_zone, duration_minutes=duration, start_date=start
        )
    except ValueError as exc:
        raise InputError([str(exc)]) from None
    labels = [f"{WEEKDAY_NAMES[d]} {t:%H:%M}" for d, t in grid.slots]
    return grid.fits, labels


def read_pairs(path: Path, known: set[str]) -> list[tuple[str, str]]:
    """Two ids per row, each in `known`; a first row naming no known id is a header."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = [[c.strip() for c in row] for row in csv.reader(handle) if any(row)]
    except OSError as exc:
        raise InputError([f"Cannot read {path}: {exc.strerror}."]) from None
    if rows and len(rows[0]) >= 2 and not ({rows[0][0], rows[0][1]} & known):
        rows = rows[1:]  # a header
    pairs, problems = [], []
    for line, row in enumerate(rows, start=2):
        if len(row) < 2 or not row[0] or not row[1]:
            problems.append(f"{path.name} row {line}: give two ids.")
            continue
        unknown = [p for p in row[:2] if p not in known]
        if unknown:
            problems.append(f"{path.name} row {line}: unknown id {', '.join(unknown)}.")
            continue
        pairs.append((row[0], row[1]))
    if problems:
        raise InputError(problems)
    return pairs


def read_current(path: Path, known: set[str]) -> dict[str, str]:
    """The running circles: a CSV with `id,circle` (as written by --out)."""
    header, rows = _rows(path)
    if not {"id", "circle"} <= set(header):
        raise InputError([f"{path.name} needs 'id' and 'circle' columns."])
    current, problems = {}, []
    for line, row in enumerate(rows, start=2):
        if row["id"] not in known:
            problems.append(f"{path.name} row {line}: unknown id {row['id']!r}.")
        elif not row["circle"]:
            problems.append(f"{path.name} row {line}: no circle.")
        else:
            current[row["id"]] = row["circle"]
    if problems:
        raise InputError(problems)
    return current
