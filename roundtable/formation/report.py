"""How balanced a grouping is, feature by feature, and a one-line "why this mix" per circle.

Balance is measured in standard-deviation units of the whole pool, per feature: the largest
difference between two circles' means and between two circles' standard deviations. For a
categorical feature or tags each category (tag) is a 0/1 indicator and the worst category
counts. 0 is perfect balance; 0.5 means two circles differ by half a pool SD.

Ranges grow with the number of circles (more circles, more extreme pairs), so each feature also
gets a size-independent figure: the mean absolute deviation of circle means from the pool's
mean, in SD units (for a categorical feature or tags, averaged over its categories). It compares
programs of 1,000 and 100,000 people on one scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from roundtable.formation.features import Feature, as_tags


@dataclass(frozen=True)
class FeatureBalance:
    name: str
    kind: str
    mean_range: float  # SD units
    sd_range: float  # SD units
    worst: str  # the category or tag behind the figures ("" for numeric)
    circle_means: tuple[float, ...]  # numeric: per circle mean; otherwise the worst level's share
    mean_deviation: float = 0.0  # SD units: mean |circle mean - pool mean| (size-independent)

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "mean_range_sd": round(self.mean_range, 4),
            "sd_range_sd": round(self.sd_range, 4),
            "mean_deviation_sd": round(self.mean_deviation, 4),
            "worst": self.worst,
        }


def mean_deviation(column: np.ndarray, labels: np.ndarray, k: int) -> float:
    """Mean over circles of |circle mean - pool mean|, in pool SD units (0 when constant)."""
    sd = float(column.std())
    if sd == 0 or k == 0:
        return 0.0
    counts = np.bincount(labels, minlength=k)
    means = np.bincount(labels, weights=column, minlength=k)[counts > 0] / counts[counts > 0]
    return float(np.abs(means - column.mean()).mean() / sd)


def _indicator_balance(
    column: np.ndarray, labels: np.ndarray, k: int
) -> tuple[float, float, np.ndarray]:
    sd = float(column.std())
    if sd == 0:
        return 0.0, 0.0, np.full(k, float(column.mean()) if len(column) else 0.0)
    counts = np.maximum(np.bincount(labels, minlength=k), 1)
    means = np.bincount(labels, weights=column, minlength=k) / counts
    squares = np.bincount(labels, weights=column * column, minlength=k) / counts
    sds = np.sqrt(np.maximum(squares - means * means, 0.0))
    return float(np.ptp(means) / sd), float(np.ptp(sds) / sd), means


def balance(features: Sequence[Feature], labels: np.ndarray) -> list[FeatureBalance]:
    labels = np.asarray(labels)
    k = int(labels.max()) + 1 if len(labels) else 0
    result = []
    for feature in features:
        if feature.kind == "numeric":
            column = np.array([float(v) for v in feature.values], dtype=np.float64)  # type: ignore[arg-type]
            mean_range, sd_range, means = _indicator_balance(column, labels, k)
            deviation = mean_deviation(column, labels, k)
            result.append(
                FeatureBalance(
                    feature.name, feature.kind, mean_range, sd_range, "", tuple(means), deviation
                )
            )
            continue
        if feature.kind == "categorical":
            sets = [frozenset([str(v)]) for v in feature.values]
        else:
            sets = [frozenset(str(t) for t in as_tags(v)) for v in feature.values]
        levels = sorted(set().union(*sets)) if sets else []
        worst = ("", 0.0, 0.0, np.zeros(k))
        deviations = []
        for level in levels:
            column = np.array([level in s for s in sets], dtype=np.float64)
            mean_range, sd_range, means = _indicator_balance(column, labels, k)
            deviations.append(mean_deviation(column, labels, k))
            if (mean_range, sd_range) > (worst[1], worst[2]):
                worst = (level, mean_range, sd_range, means)
        result.append(
            FeatureBalance(
                feature.name,
                feature.kind,
                worst[1],
                worst[2],
                worst[0],
                tuple(worst[3]),
                float(np.mean(deviations)) if deviations else 0.0,
            )
        )
    return result


class MixDescriber:
    """A short human line per circle: what it mixes, feature by feature ("4 of 5 departments;
    experience 2-15; 7 of 9 skills"). Pool-wide totals are counted once; a feature on which the
    whole pool is alike (nobody has tags, one department, the same tenure) says nothing about a
    circle's mix and is left out ("0 of 0 skills", "tenure 2.2-2.2")."""

    def __init__(self, features: Sequence[Feature]):
        self.totals: dict[str, int] = {}
        self.features = []
        for feature in (f for f in features if f.weight > 0):
            if feature.kind == "numeric":
                varies = len({float(v) for v in feature.values}) > 1  # type: ignore[arg-type]
            elif feature.kind == "categorical":
                self.totals[feature.name] = len({str(v) for v in feature.values})
                varies = self.totals[feature.name] > 1
            else:
                self.totals[feature.name] = len(
                    set().union(*(set(map(str, as_tags(v))) for v in feature.values))
                )
                varies = self.totals[feature.name] > 0
            if varies:
                self.features.append(feature)

    def __call__(self, members: Sequence[int]) -> str:
        parts = []
        for feature in self.features:
            values = [feature.values[i] for i in members]
            if not values:
                continue
            if feature.kind == "numeric":
                numbers = sorted(float(v) for v in values)  # type: ignore[arg-type]
                parts.append(f"{feature.name} {_number(numbers[0])}–{_number(numbers[-1])}")
            elif feature.kind == "categorical":
                mine = len({str(v) for v in values})
                parts.append(f"{mine} of {self.totals[feature.name]} {_plural(feature.name)}")
            else:
                tags = set().union(*(set(map(str, as_tags(v))) for v in values))
                parts.append(f"{len(tags)} of {self.totals[feature.name]} {_plural(feature.name)}")
        return "; ".join(parts)


def _plural(name: str) -> str:
    """'Department' -> 'departments', 'approach' -> 'approaches', 'skills' stays."""
    word = name.lower()
    if word.endswith("s"):
        return word
    if word.endswith(("ch", "sh", "x")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def _number(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"
