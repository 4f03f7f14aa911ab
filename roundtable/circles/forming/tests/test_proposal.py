"""Names of proposed circles (`forming.proposal`)."""

from __future__ import annotations

from roundtable.circles.forming.proposal import formation_circle_names


def test_current_circles_keep_their_names_and_new_ones_take_free_numbers():
    names = formation_circle_names(
        keys=["c1", "new-1", "new-2"], existing={"c1": "North", "c2": "Circle 1"}
    )
    assert names == {"c1": "North", "new-1": "Circle 2", "new-2": "Circle 3"}
