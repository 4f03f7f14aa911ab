"""People as vectors (`features`): standardised so no unit dominates; bad values refused."""

import numpy as np
import pytest

from roundtable.formation.features import Feature, as_tags, embed, split_tags


def test_features_are_standardised_so_no_unit_dominates():
    x = embed(
        [
            Feature("tenure_days", "numeric", (100, 2000, 5000, 300)),
            Feature("years", "numeric", (1, 3, 9, 2)),
            Feature("department", "categorical", ("a", "b", "a", "c")),
            Feature("skills", "tags", (("x",), ("x", "y"), (), ("y",))),
        ],
        4,
    )
    assert np.allclose(x[:, 0].std(), 1.0)
    assert np.allclose(x[:, 1].std(), 1.0)
    # Different departments are exactly `weight` (1) apart in squared distance.
    assert np.isclose(((x[0, 2:5] - x[1, 2:5]) ** 2).sum(), 1.0)


def test_bad_feature_values_are_refused():
    with pytest.raises(ValueError, match="finite"):
        embed([Feature("years", "numeric", (1.0, float("nan")))], 2)
    with pytest.raises(ValueError, match="must be a number"):
        embed([Feature("years", "numeric", (1, "lots"))], 2)


def test_tags_are_split_one_way_everywhere():
    assert split_tags(" sql; python ,, design;") == ["sql", "python", "design"]
    assert as_tags("sql;python") == ("sql", "python")
    assert as_tags(None) == ()
