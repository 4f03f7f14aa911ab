"""People as vectors: each feature is standardised and weighted so that the squared Euclidean
distance between two people is the weighted sum of their per-feature dissimilarities.

- numeric (years of experience, tenure): z-scored, times sqrt(weight); two people one standard
  deviation apart are `weight` apart.
- categorical (department, location, approach): one-hot times sqrt(weight / 2); two people in
  different categories are `weight` apart, in the same one 0.
- tags (skills): a 0/1 column per tag times sqrt(weight / mean tags per person); the distance is
  the number of tags one has and the other lacks, relative to a typical person's tag count.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

KINDS = ("numeric", "categorical", "tags")


@dataclass(frozen=True)
class Feature:
    name: str
    kind: str
    values: tuple[object, ...]  # one per person; tags are tuples of strings
    weight: float = 1.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Feature {self.name}: kind must be one of {', '.join(KINDS)}.")
        if not math.isfinite(self.weight) or self.weight < 0:
            raise ValueError(f"Feature {self.name}: the weight must be a number >= 0.")


def embed(features: Sequence[Feature], n: int) -> np.ndarray:
    """An n x d float64 matrix (d = total columns of all features)."""
    blocks: list[np.ndarray] = []
    for feature in features:
        if len(feature.values) != n:
            raise ValueError(f"Feature {feature.name} has {len(feature.values)} values, not {n}.")
        if feature.weight == 0:
            continue
        if feature.kind == "numeric":
            blocks.append(_numeric(feature))
        elif feature.kind == "categorical":
            blocks.append(_categorical(feature))
        else:
            blocks.append(_tags(feature))
    if not blocks:
        return np.zeros((n, 1))
    return np.hstack(blocks)


def _numeric(feature: Feature) -> np.ndarray:
    try:
        column = np.array([float(v) for v in feature.values], dtype=np.float64)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise ValueError(f"Feature {feature.name}: every value must be a number.") from exc
    if not np.all(np.isfinite(column)):
        raise ValueError(f"Feature {feature.name}: values must be finite numbers (no NaN).")
    sd = column.std()
    centred = column - column.mean()
    scaled = centred / sd if sd > 0 else centred
    return (scaled * math.sqrt(feature.weight))[:, None]


def _categorical(feature: Feature) -> np.ndarray:
    levels = sorted({str(v) for v in feature.values})
    index = {level: i for i, level in enumerate(levels)}
    block = np.zeros((len(feature.values), len(levels)))
    for row, value in enumerate(feature.values):
        block[row, index[str(value)]] = 1.0
    return block * math.sqrt(feature.weight / 2)


def _tags(feature: Feature) -> np.ndarray:
    sets = [frozenset(str(t) for t in as_tags(v)) for v in feature.values]
    tags = sorted(set().union(*sets)) if sets else []
    if not tags:
        return np.zeros((len(sets), 1))
    index = {tag: i for i, tag in enumerate(tags)}
    block = np.zeros((len(sets), len(tags)))
    for row, values in enumerate(sets):
        for tag in values:
            block[row, index[tag]] = 1.0
    mean_count = max(1.0, block.sum() / len(sets))
    return block * math.sqrt(feature.weight / mean_count)


TAG_SEPARATORS = re.compile(r"[;,]")


def split_tags(text: str) -> list[str]:
    """The one way tags are written everywhere (profile form, CSV import, command line):
    separated by `;` or `,`, surrounding spaces dropped, empty parts ignored, order kept."""
    return [part.strip() for part in TAG_SEPARATORS.split(text) if part.strip()]


def as_tags(value: object) -> tuple[object, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return tuple(split_tags(value))
    if isinstance(value, (tuple, list, set, frozenset)):
        return tuple(value)
    raise ValueError(f"Tags must be a list or a ';'-separated text, not {value!r}.")
