"""Names of proposed circles (`forming.proposal`)."""

from __future__ import annotations

from roundtable.circles.forming.proposal import formation_circle_names


def test_current_circles_keep_their_names_and_new_ones_take_free_numbers():
    names = formation_circle_names(
        keys=["c1", "new-1", "new-2"], existing={"c1": "North", "c2": "Circle 1"}
    )
    assert names == {"c1": "North", "new-1": "Circle 2", "new-2": "Circle 3"}


def test_a_proposal_stored_before_the_typical_circle_figure_does_not_draw_it_as_zero():
    from roundtable.circles.forming.proposal import formation_balance_chart

    old = [{"feature": "Department", "mean_range": 0.8, "sd_range": 1.1, "worst": "Sales"}]
    names = [d.name for d in formation_balance_chart(old).datasets]
    assert names == ["Means differ (SD)", "Spreads differ (SD)"]
    new = [{**old[0], "mean_deviation": 0.21}]
    chart = formation_balance_chart(new)
    assert chart.datasets[-1].name == "Typical circle off the program mean (SD)"
    assert chart.datasets[-1].values == [0.21]
