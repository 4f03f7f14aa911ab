"""The proposal as a run stores and shows it: the engine's Result turned into plain data (circles
with their names, balance, checks, who would move), the names new circles get, and the balance
as a chart."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from roundtable.core.charts import Chart, Dataset, Guide
from roundtable.formation import Result


def formation_circle_names(*, keys: Iterable[str], existing: dict[str, str]) -> dict[str, str]:
    """Circle names: the current name, or "Circle N" not yet used in the program."""
    taken = {n.lower() for n in existing.values()}
    names, counter = {}, 0
    for key in keys:
        if key in existing:
            names[key] = existing[key]
            continue
        counter += 1
        while f"circle {counter}" in taken:
            counter += 1
        names[key] = f"Circle {counter}"
    return names


def formation_proposal_serialise(
    *, result: Result, names: dict[str, str], current: dict[str, str]
) -> dict[str, Any]:
    """What `FormationRun.proposal` holds; `moved` lists the people in a circle now (`current`)
    whom the result places elsewhere."""
    assignment = result.assignment()
    return {
        "circles": [
            {
                "key": c.key,
                "name": names[c.key],
                "members": list(c.members),
                "why": c.why,
                "slot": c.slot,
                "existing": c.key.startswith("c"),
            }
            for c in result.circles
        ],
        "objective": round(result.objective, 4),
        "balance": [
            {
                "feature": b.name,
                "mean_range": round(b.mean_range, 3),
                "sd_range": round(b.sd_range, 3),
                "mean_deviation": round(b.mean_deviation, 3),
                "worst": b.worst,
            }
            for b in result.balance
        ],
        "constraints": result.constraints,
        "issues": list(result.issues),
        "moved": [p for p, key in current.items() if assignment.get(p, key) != key],
        "seconds": round(result.seconds, 2),
    }


def formation_balance_chart(balance: list[dict[str, Any]]) -> Chart:
    """Per criterion, how far apart the circles are: the largest difference of two circles'
    means and of their spreads, and the mean distance of a circle's mean from the program's
    (which does not grow with the number of circles), in standard deviations of the whole
    program (0 is even), with a guide at half a standard deviation. The scale runs to 2 SD,
    further only if a figure does."""
    largest = max([b["mean_range"] for b in balance] + [b["sd_range"] for b in balance] + [2.0])
    return Chart(
        kind="bar",
        key="formation-balance",
        title="Balance per criterion",
        summary=(
            "Difference of circle means and of spreads, and how far a typical circle is from"
            " the program, in standard deviations (0 is even)."
        ),
        labels=[b["feature"] for b in balance],
        horizontal=True,
        datasets=[
            Dataset(
                name="Means differ (SD)",
                values=[b["mean_range"] for b in balance],
                texts=[
                    f"{b['mean_range']}" + (f" ({b['worst']})" if b["worst"] else "")
                    for b in balance
                ],
            ),
            Dataset(
                name="Spreads differ (SD)",
                values=[b["sd_range"] for b in balance],
                colour="grey",
                texts=[f"{b['sd_range']}" for b in balance],
            ),
            *(
                # Size-independent: the typical circle's distance from the program. Runs
                # stored before it existed have no such figure, and are not drawn as 0.
                [
                    Dataset(
                        name="Typical circle off the program mean (SD)",
                        values=[b["mean_deviation"] for b in balance],
                        colour="teal",
                        texts=[f"{b['mean_deviation']}" for b in balance],
                    )
                ]
                if all("mean_deviation" in b for b in balance)
                else []
            ),
        ],
        guides=[Guide(value=0.5, label="0.5 SD")],
        y_min=0,
        y_max=math.ceil(largest * 2) / 2,
        height="tall" if len(balance) > 4 else "medium",
        label_header="Criterion",
    )
