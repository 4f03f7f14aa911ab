"""MDGP instances (`mdgp.instance`): the MDGPLIB reader, the value of a grouping, size profiles."""

import numpy as np
import pytest

from roundtable.formation import mdgp


def _write(tmp_path, text):
    path = tmp_path / "instance.txt"
    path.write_text(text)
    return path


def test_reads_and_sums_the_distances_inside_groups(tmp_path):
    path = _write(tmp_path, "4 2 ss 2 2 2 2\n0 1 1\n0 2 2\n0 3 3\n1 2 4\n1 3 5\n2 3 6\n")
    instance = mdgp.read(path)
    assert (instance.n, instance.groups, instance.name) == (4, 2, "instance")
    assert instance.distances[3, 1] == instance.distances[1, 3] == 5
    assert mdgp.within_group_sum(instance, np.array([0, 1, 1, 0])) == 3 + 4
    with pytest.raises(ValueError, match="outside 2-2"):
        mdgp.within_group_sum(instance, np.array([0, 0, 0, 1]))
    with pytest.raises(ValueError, match="group number"):
        mdgp.within_group_sum(instance, np.array([0, 1, 2, 0]))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "line 1 should be"),
        ("4 two ss 2 2 2 2\n", "line 1 should be"),
        ("4 2 xx 2 2 2 2\n", "the kind must be 'ss' or 'ds'"),
        ("4 2 ss 2 2 2\n", "two bounds per group"),
        ("4 2 ds 3 2 2 2\n", "1 <= a_g <= b_g"),
        ("4 2 ss 3 3 3 3\n", "cannot fill groups of sizes 6-6"),
        ("6 2 ds 1 2 1 2\n", "cannot fill groups of sizes 2-4"),
        ("3 1 ss 3 3\n0 1 1\n0 2 x\n1 2 1\n", "line 3 should be 'i j distance'"),
        ("3 1 ss 3 3\n0 1 1\n0 2\n1 2 1\n", "line 3 should be 'i j distance'"),
        ("3 1 ss 3 3\n0 1 1\n0 7 1\n1 2 1\n", "line 3: ids must be two different"),
        ("3 1 ss 3 3\n0 1 1\n1 1 1\n1 2 1\n", "line 3: ids must be two different"),
        ("3 1 ss 3 3\n0 1 1\n0 2 nan\n1 2 1\n", "line 3: the distance is not a finite"),
        ("3 1 ss 3 3\n0 1 1\n1 2 1\n", "no distance is given for the pair 0 2"),
    ],
)
def test_bad_files_name_the_line(tmp_path, text, message):
    with pytest.raises(ValueError, match=message):
        mdgp.read(_write(tmp_path, text))


def test_best_profile_has_the_most_pairs():
    rng = np.random.default_rng(0)
    # A greedy fill of the largest group with room gives (10, 6): 60 pairs; (11, 5) has 65.
    sizes = mdgp.best_profile(np.array([1, 5]), np.array([20, 6]), 16, rng)
    assert sizes.tolist() == [11, 5]
    sizes = mdgp.best_profile(np.array([3, 3, 3]), np.array([3, 3, 3]), 9, rng)
    assert sizes.tolist() == [3, 3, 3]
