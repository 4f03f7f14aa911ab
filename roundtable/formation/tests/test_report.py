"""The balance report: the per-circle mix line and the size-independent balance figure."""

import numpy as np
import pytest

from roundtable.formation.features import Feature
from roundtable.formation.report import MixDescriber, balance


def test_the_mix_line_leaves_out_what_the_whole_pool_shares():
    features = [
        Feature("department", "categorical", ("Sales", "Legal", "Sales", "Finance")),
        Feature("approach", "categorical", ("", "", "", "")),
        Feature("skills", "tags", ((), (), (), ())),
        Feature("tenure", "numeric", (2.2, 2.2, 2.2, 2.2)),
        Feature("experience", "numeric", (1.0, 4.0, 9.0, 2.0)),
    ]
    line = MixDescriber(features)([0, 1])
    assert line == "2 of 3 departments; experience 1–4"


def test_mean_deviation_is_the_mean_distance_of_circle_means_in_sd():
    values = (1.0, 3.0, 5.0, 7.0)
    labels = np.array([0, 0, 1, 1])  # circle means 2 and 6, pool mean 4, SD sqrt(5)
    (figure,) = balance([Feature("x", "numeric", values)], labels)
    assert figure.mean_deviation == pytest.approx(2 / np.sqrt(5))
    assert figure.as_dict()["mean_deviation_sd"] == round(2 / np.sqrt(5), 4)
    (even,) = balance([Feature("x", "numeric", values)], np.array([0, 1, 1, 0]))
    assert even.mean_deviation == pytest.approx(0.0)
