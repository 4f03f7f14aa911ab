"""Command line: `python -m roundtable.formation form PEOPLE.csv --size 4-6 --out CIRCLES.csv`.

PEOPLE.csv: a header row, then one row per person.
- `id` (required): unique, non-empty.
- `manager_id` (optional): the person's manager, another id in the file or empty. Managers and
  their direct reports are kept apart unless `--managers-may-share`.
- `availability` (optional): the weekly windows the person can meet, `;`-separated, in their own
  time zone: `Mon 09:00-12:00; Wed 14:00-17:30`. With it, every circle shares a weekly slot of
  `--duration` minutes (07:00-20:00 on weekdays, in `--meeting-zone`). The syntax is the one of
  `roundtable.timeslots.windows` (full or short weekday names, a hyphen or an en dash).
- `time_zone` (optional): the person's IANA time zone for `availability` (default UTC).
- `role` (optional): the job role, used by `--same-role` (circles form within each role).
- every other column is a feature. A column whose values are all numbers is numeric (no empty
  cells); a column where any value contains `;` holds tags (a `;`-separated list, may be empty);
  any other column is categorical (no empty cells). `--weights name=2,other=0.5` weights
  features (0 leaves one out; the default is 1).

Pairs files (`--apart`, `--together`): two columns of ids per row; a header row is optional.
Output: CIRCLES.csv with `id,circle` (circles numbered from 1) and a JSON summary on stdout:
`objective`, `balance` (per feature, in SD units), `constraints` (each checked, with its
violation count) and `seconds`. Bad input: the problems on stderr, exit status 2. `--rounds N`
runs exactly N search rounds, whatever `--time-limit` (same seed, same circles).

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

from roundtable.formation import mdgp
from roundtable.formation.cli_input import (
    InputError,
    read_availability,
    read_current,
    read_pairs,
    read_people,
)
from roundtable.formation.grouping import form_circles
from roundtable.formation.pool import Pool, Request
from roundtable.formation.problem import FormationError
from roundtable.formation.proposal import ProposedCircle


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
    form.add_argument(
        "--rounds", type=int, help="run exactly this many search rounds (ignores --time-limit)"
    )
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
        rounds=args.rounds,
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


def _numbering(circles: Sequence[ProposedCircle], current: dict[str, str] | None) -> dict[str, str]:
    """Circle labels in the output: the current label where a circle continues, else 1, 2, ..."""
    keys = [c.key for c in circles]
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
    try:
        instance = mdgp.read(args.mdgp)
    except OSError as exc:
        raise InputError([f"Cannot read {args.mdgp}: {exc.strerror}."]) from None
    except ValueError as exc:
        raise InputError([str(exc)]) from None
    solution = mdgp.solve(instance, seed=args.seed, time_limit=args.time_limit, rounds=args.rounds)
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
