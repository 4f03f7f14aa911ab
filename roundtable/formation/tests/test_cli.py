"""The command line (`cli`, reading files through `cli_input`): circles out, problems by row."""

import csv
import json

import pytest

from roundtable.formation.cli import main

PEOPLE = """id,manager_id,department,experience,approach,skills,availability,time_zone
ana,,Sales,12,analytical,negotiation;coaching,Mon 09:00-12:00;Tue 09:00-17:00,Europe/Lisbon
ben,ana,Sales,3,creative,sql;,Mon 09:00-12:00;Tue 09:00-17:00,Europe/Lisbon
cho,,Support,7,pragmatic,writing;sql,Tue 08:00-16:00,Europe/London
dev,cho,Support,1,relational,coaching;,Mon 08:00-12:00;Tue 08:00-17:00,Europe/London
eli,,Engineering,15,analytical,python;sql,Tue 09:00-18:00,Europe/Berlin
fay,eli,Engineering,2,creative,python;design,Mon 09:00-12:00;Tue 09:00-17:00,Europe/Berlin
gus,,Finance,9,pragmatic,budgeting;,Tue 09:00-17:00,Europe/Lisbon
hal,gus,Finance,4,relational,forecasting;budgeting,Tue 09:00-17:00,Europe/Lisbon
"""


@pytest.fixture
def people(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(PEOPLE)
    return path


def run(capsys, *args):
    status = main([str(a) for a in args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_forms_circles_and_prints_a_json_summary(people, tmp_path, capsys):
    out = tmp_path / "circles.csv"
    together = tmp_path / "together.csv"
    together.write_text("a,b\nana,cho\n")
    status, stdout, _ = run(
        capsys, "form", people, "--size", "4", "--together", together, "--out", out,
        "--weights", "experience=2,approach=0.5", "--rounds", "5",
    )  # fmt: skip
    assert status == 0
    summary = json.loads(stdout)
    assert set(summary) >= {"objective", "balance", "constraints", "seconds"}
    assert set(summary["balance"]) == {"department", "experience", "approach", "skills"}
    assert summary["constraints"]["managers_apart"] == {
        "checked": True,
        "pairs": 4,
        "violations": 0,
    }
    assert summary["constraints"]["availability"]["violations"] == 0
    # Every circle meets on a weekday, in the app's weekday names (07:00-20:00 slots).
    assert len(summary["slots"]) == 2
    assert all(slot.split()[0] in {"Monday", "Tuesday"} for slot in summary["slots"].values())
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    circle = {row["id"]: row["circle"] for row in rows}
    assert len(circle) == 8
    assert circle["ana"] == circle["cho"]
    assert circle["ana"] != circle["ben"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,x\na,1\n", "has no 'id' column"),
        ("id,x\na,1\na,2\nb,3\nc,4\n", "Row 3 repeats the id 'a' of row 2"),
        ("id,x\na,1\nb,NaN\nc,3\nd,4\n", "rows 3 are empty, not numbers or not finite"),
        ("id,x\na,1\nb,ten\nc,3\nd,4\n", "Column 'x' holds numbers, but rows 3"),
        ("id,manager_id,x\na,zed,1\nb,,2\nc,,3\nd,,4\n", "manager_id 'zed' is not an id"),
        ("id,availability\na,Mon 9-5\nb,\nc,\nd,\n", "Row 2: availability “Mon 9-5” is not a"),
        ("id,availability\na,\nb,Funday 09:00-10:00\nc,\nd,\n", "Row 3: availability “Funday”"),
    ],
)
def test_bad_people_files_exit_2_with_the_row(tmp_path, capsys, text, message):
    path = tmp_path / "people.csv"
    path.write_text(text)
    status, stdout, stderr = run(capsys, "form", path, "--size", "2", "--out", tmp_path / "o.csv")
    assert status == 2
    assert message in stderr
    assert stdout == ""
    assert not (tmp_path / "o.csv").exists()


def test_impossible_sizes_and_contradictions_exit_2(people, tmp_path, capsys):
    status, _, stderr = run(capsys, "form", people, "--size", "3")
    assert status == 2
    assert "8 people cannot be split into circles of 3-3" in stderr

    pairs = tmp_path / "pairs.csv"
    pairs.write_text("ana,ben\n")
    status, _, stderr = run(
        capsys, "form", people, "--size", "4", "--together", pairs, "--apart", pairs
    )
    assert status == 2
    assert "ana and ben are both kept together and kept apart" in stderr

    unknown = tmp_path / "unknown.csv"
    unknown.write_text("ana,zed\n")
    status, _, stderr = run(capsys, "form", people, "--size", "4", "--apart", unknown)
    assert status == 2
    assert "unknown.csv row 2: unknown id zed" in stderr


def test_availability_nobody_shares_exits_2(tmp_path, capsys):
    path = tmp_path / "people.csv"
    rows = ["id,availability,x"]
    rows += [f"m{i},Mon 09:00-10:00,{i}" for i in range(4)]
    rows += [f"f{i},Fri 15:00-16:00,{i}" for i in range(3)]
    rows += ["w0,Wed 09:00-10:00,1"]
    path.write_text("\n".join(rows) + "\n")
    status, _, stderr = run(capsys, "form", path, "--size", "4", "--rounds", "2")
    assert status == 2
    assert "shares a weekly slot with only" in stderr


def test_unknown_weight_names_the_features(people, capsys):
    status, _, stderr = run(capsys, "form", people, "--size", "4", "--weights", "salary=2")
    assert status == 2
    assert "--weights names unknown features: salary" in stderr


def test_mdgp_files_print_the_objective(tmp_path, capsys):
    path = tmp_path / "tiny.txt"
    path.write_text("4 2 ss 2 2 2 2\n0 1 1\n0 2 2\n0 3 3\n1 2 4\n1 3 5\n2 3 6\n")
    out = tmp_path / "groups.csv"
    status, stdout, _ = run(capsys, "form", "--mdgp", path, "--rounds", "2", "--out", out)
    assert status == 0
    assert json.loads(stdout)["objective"] == 7
    assert out.read_text().splitlines()[0] == "id,circle"

    path.write_text("4 2 ss 3 3 3 3\n")
    status, _, stderr = run(capsys, "form", "--mdgp", path)
    assert status == 2
    assert "cannot fill groups" in stderr


def test_the_same_seed_and_rounds_give_the_same_circles(people, tmp_path, capsys):
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    for out in (first, second):
        status, _, _ = run(
            capsys, "form", people, "--size", "4", "--seed", "3", "--rounds", "4", "--out", out
        )
        assert status == 0
    assert first.read_text() == second.read_text()


def test_tag_columns_split_like_everywhere_else(tmp_path, capsys):
    path = tmp_path / "people.csv"
    rows = ["id,skills,x"] + [f"p{i},sql; python,{i}" for i in range(3)] + ["p3,sql;,3"]
    path.write_text("\n".join(rows) + "\n")
    status, stdout, _ = run(capsys, "form", path, "--size", "2", "--rounds", "2")
    assert status == 0
    # Two tags, "sql" and "python" (spaces dropped, the empty part ignored): python is the
    # tag whose share differs between the circles.
    assert json.loads(stdout)["balance"]["skills"]["worst"] == "python"
