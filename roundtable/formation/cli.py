"""Command line: `python -m roundtable.formation form PEOPLE.csv --size 4-6 --out CIRCLES.csv`.

PEOPLE.csv: a header row, then one row per person.
- `id` (required): unique, non-empty.
- `manager_id` (optional): the person's manager, another id in the file or empty. Managers and
  their direct reports are kept apart unless `--managers-may-share`.
- `availability` (optional): the weekly windows the person can meet, `;`-separated, in their own
  time zone: `Mon 09:00-12:00; Wed 14:00-17:30`. With it, every circle shares a weekly slot of
  `--duration` minutes (07:00-20:00 on weekdays, in `--meeting-zone`).
- `time_zone` (optional): the person's IANA time zone for `availability` (default UTC).
- `role` (optional): the job role, used by `--same-role` (circles form within each role).
- every other column is a feature. A column whose values are all numbers is numeric (no empty
  cells); a column where any value contains `;` holds tags (a `;`-separated list, may be empty);
  any other column is categorical (no empty cells). `--weights name=2,other=0.5` weights
  features (0 leaves one out; the default is 1).

Pairs files (`--apart`, `--together`): two columns of ids per row; a header row is optional.
Output: CIRCLES.csv with `id,circle` (circles numbered from 1) and a JSON summary on stdout:
`objective`, `balance` (per feature, in SD units), `constraints` (each checked, with its
violation count) and `seconds`. Bad input: the problems on stderr, exit status 2.

`--mdgp FILE` instead reads an MDGPLIB instance (see bench/formation/README.md), optimises its
distance matrix within its size bounds and prints the objective as the literature defines it.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from roundtable.formation.features import Feature
from roundtable.formation.forming import form_circles
from roundtable.formation.pool import Pool, Request
from roundtable.formation.problem import FormationError
from roundtable.timeslots import WeeklySlot
from roundtable.timeslots.common import MemberAvailability, slot_grid

RESERVED = ("id", "manager_id", "availability", "time_zone", "role")
DAY_NAMES = {
    name: i
    for i, names in enumerate(
        [
            ("mon", "monday"),
            ("tue", "tues", "tuesday"),
            ("wed", "wednesday"),
            ("thu", "thur", "thurs", "thursday"),
            ("fri", "friday"),
            ("sat", "saturday"),
            ("sun", "sunday"),
        ]
    )
    for name in names
}
WINDOW = re.compile(r"^\s*([A-Za-z]+)\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class InputError(FormationError):
    pass


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
        return Feature(column, "tags", tuple(values), weight), None
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


def parse_windows(text: str) -> list[WeeklySlot]:
    slots = []
    for part in (p for p in text.split(";") if p.strip()):
        match = WINDOW.match(part)
        if not match or match.group(1).lower() not in DAY_NAMES:
            raise ValueError(f"{part.strip()!r} is not like 'Mon 09:00-12:00'")
        day = DAY_NAMES[match.group(1).lower()]
        h1, m1, h2, m2 = (int(match.group(i)) for i in range(2, 6))
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if not (m1 < 60 and m2 < 60 and 0 <= start < end <= 24 * 60):
            raise ValueError(f"{part.strip()!r} does not start before it ends within one day")
        slots.append(WeeklySlot(day, start, end))
    return slots


def read_availability(
    rows: list[dict[str, str]], meeting_zone: str, duration: int, start: dt.date
) -> tuple[np.ndarray, list[str]]:
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
    days = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    labels = [f"{days[d]} {t:%H:%M}" for d, t in grid.slots]
    return grid.fits, labels


def read_pairs(path: Path, known: set[str]) -> list[tuple[str, str]]:
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


def _size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", text)
    if not match:
        raise argparse.ArgumentTypeError("use a size like 5 or a range like 4-6")
    low = int(match.group(1))
    return low, int(match.group(2) or low)


def _weights(text: str) -> dict[str, float]:
    weights = {}
    for part in (p for p in text.split(",") if p.strip()):
        name, _, value = part.partition("=")
        try:
            weight = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{part!r} is not FEATURE=WEIGHT") from None
        if not math.isfinite(weight) or weight < 0:
            raise argparse.ArgumentTypeError(f"the weight of {name.strip()} must be >= 0")
        weights[name.strip()] = weight
    return weights


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="python -m roundtable.formation")
    commands = main.add_subparsers(dest="command", required=True)
    form = commands.add_parser("form", help="form circles from a CSV of people")
    form.add_argument("people", nargs="?", type=Path, help="PEOPLE.csv")
    form.add_argument("--size", type=_size, help="circle size or range, e.g. 4-6")
    form.add_argument("--groups", type=int, help="number of circles")
    form.add_argument("--apart", type=Path, help="CSV of id pairs to keep apart")
    form.add_argument("--together", type=Path, help="CSV of id pairs to keep together")
    form.add_argument("--weights", type=_weights, default={}, help="FEATURE=W,...")
    form.add_argument("--same-role", action="store_true", help="form within each role")
    form.add_argument("--managers-may-share", action="store_true", help="allow manager+report")
    form.add_argument("--current", type=Path, help="CSV id,circle of running circles")
    form.add_argument("--pin", default="", help="comma-separated ids who must not move")
    form.add_argument("--meeting-zone", default="UTC", help="time zone of the meeting slots")
    form.add_argument("--duration", type=int, default=60, help="meeting minutes")
    form.add_argument("--seed", type=int, default=0)
    form.add_argument("--time-limit", type=float, default=2.0, help="seconds")
    form.add_argument("--out", type=Path, help="CIRCLES.csv to write")
    form.add_argument("--mdgp", type=Path, help="an MDGPLIB instance instead of PEOPLE.csv")
    return main


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        summary = _run_mdgp(args) if args.mdgp else _run_people(args)
    except FormationError as exc:
        for problem in exc.problems:
            sys.stderr.write(f"error: {problem}\n")
        return 2
    sys.stdout.write(json.dumps(summary, indent=2) + "\n")
    return 0


def _run_people(args: argparse.Namespace) -> dict[str, object]:
    if args.people is None:
        raise InputError(["Give PEOPLE.csv (or --mdgp FILE)."])
    if args.size is None and args.groups is None:
        raise InputError(["Give --size (e.g. 4-6) or --groups."])
    ids, features, managers, roles, rows = read_people(args.people, args.weights)
    known = set(ids)
    apart = read_pairs(args.apart, known) if args.apart else []
    together = read_pairs(args.together, known) if args.together else []
    availability: np.ndarray | None = None
    labels: list[str] = []
    if any(row.get("availability") for row in rows):
        availability, labels = read_availability(
            rows, args.meeting_zone, args.duration, dt.datetime.now(dt.UTC).date()
        )
    current = None
    if args.current:
        current = read_current(args.current, known)
    pinned = [p.strip() for p in args.pin.split(",") if p.strip()]
    pool = Pool(ids, features, managers, roles, availability, labels)
    request = Request(
        groups=args.groups,
        size_range=args.size,
        apart=apart,
        together=together,
        managers_apart=not args.managers_may_share,
        same_role=args.same_role,
        current=current,
        pinned=pinned,
        seed=args.seed,
        time_limit=args.time_limit,
    )
    result = form_circles(pool, request)
    if args.out:
        with args.out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "circle"])
            numbering = _numbering(result.circles, current)
            for circle in result.circles:
                for person in circle.members:
                    writer.writerow([person, numbering[circle.key]])
    summary = result.summary()
    summary["slots"] = {
        str(_numbering(result.circles, current)[c.key]): c.slot for c in result.circles if c.slot
    }
    return summary


def _numbering(circles: Sequence[object], current: dict[str, str] | None) -> dict[str, str]:
    """Circle labels in the output: the current label where a circle continues, else 1, 2, ..."""
    keys = [c.key for c in circles]  # type: ignore[attr-defined]
    used = set(current.values()) if current else set()
    numbering, counter = {}, 0
    for key in keys:
        if key in used:
            numbering[key] = key
            continue
        counter += 1
        while str(counter) in used:
            counter += 1
        numbering[key] = str(counter)
    return numbering


def _run_mdgp(args: argparse.Namespace) -> dict[str, object]:
    from roundtable.formation import mdgp

    try:
        instance = mdgp.read(args.mdgp)
    except OSError as exc:
        raise InputError([f"Cannot read {args.mdgp}: {exc.strerror}."]) from None
    except ValueError as exc:
        raise InputError([str(exc)]) from None
    solution = mdgp.solve(instance, seed=args.seed, time_limit=args.time_limit)
    if args.out:
        with args.out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "circle"])
            for element, group in enumerate(solution.labels):
                writer.writerow([element, int(group) + 1])
    return {
        "instance": instance.name,
        "n": instance.n,
        "groups": instance.groups,
        "objective": round(mdgp.within_group_sum(instance, solution.labels), 6),
        "seconds": round(solution.seconds, 3),
        "iterations": solution.iterations,
    }
