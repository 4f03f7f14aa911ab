"""The OpenAPI document tells the truth (issue 12, item 8): every enum under a name of its own,
Patch fields as nullable as the API accepts, wall-clock times that are not `format: time`, and
every error status an operation can answer documented."""

from __future__ import annotations

from typing import Any

import pytest

from roundtable.circles.models import PairRule
from roundtable.meetings.models import Attendance
from roundtable.programs.models import Program


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    from roundtable.api.api import api

    return api.get_openapi_schema()


def _operations(openapi: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, op)
        for path, methods in openapi["paths"].items()
        for method, op in methods.items()
    ]


def _component(openapi: dict[str, Any], name: str) -> dict[str, Any]:
    return openapi["components"]["schemas"][name]


def test_program_kind_and_status_describe_their_own_values(openapi: dict[str, Any]) -> None:
    props = _component(openapi, "ProgramIn")["properties"]
    assert (props["kind"]["title"], props["kind"]["enum"]) == ("ProgramKind", Program.Kind.values)
    assert (props["status"]["title"], props["status"]["enum"]) == (
        "ProgramStatus",
        Program.Status.values,
    )
    pair = _component(openapi, "PairRuleIn")["properties"]["kind"]
    assert pair["enum"] == PairRule.Kind.values
    attendance = _component(openapi, "AttendanceIn")["properties"]["status"]
    assert attendance["enum"] == Attendance.Status.values


def test_no_two_schemas_or_enums_share_a_name(openapi: dict[str, Any]) -> None:
    from pydantic import BaseModel

    def subclasses(cls: type) -> list[type]:
        return [c for s in cls.__subclasses__() for c in [s, *subclasses(s)]]

    ours = {c for c in subclasses(BaseModel) if c.__module__.startswith("roundtable.api")}
    names = [c.__name__ for c in ours]
    assert sorted(n for n in set(names) if names.count(n) > 1) == []
    # Enums are written inline, titled: no shared component such as "Kind" or "Status".
    assert not {"Kind", "Status", "Frequency"} & set(openapi["components"]["schemas"])


def test_program_patch_is_nullable_only_where_null_is_accepted(openapi: dict[str, Any]) -> None:
    props = _component(openapi, "ProgramPatch")["properties"]
    nullable = sorted(name for name, p in props.items() if {"type": "null"} in p.get("anyOf", []))
    assert nullable == ["end_date"]


def test_no_field_claims_format_time(openapi: dict[str, Any]) -> None:
    # JSON Schema's format "time" requires a zone offset; our times are wall-clock times.
    assert '"format": "time"' not in str(openapi).replace("'", '"')


def test_every_operation_documents_its_errors(openapi: dict[str, Any]) -> None:
    missing = []
    for method, path, op in _operations(openapi):
        documented = {str(code) for code in op["responses"]}
        expected = {"401", "404", "422"} | ({"413"} if "requestBody" in op else set())
        if not expected <= documented:
            missing.append((method, path, sorted(expected - documented)))
    assert missing == []


def test_error_responses_have_the_error_shape(openapi: dict[str, Any]) -> None:
    for _method, _path, op in _operations(openapi):
        body = op["responses"][422]["content"]["application/json"]["schema"]
        assert body == {"$ref": "#/components/schemas/ErrorOut"}


def test_the_schema_itself_rules_out_29_february_outside_leap_years(client) -> None:
    """Otherwise a schema-valid date would be refused with a 422 (schemathesis found 2170-02-29)."""
    import re

    schema = client.get("/api/openapi.json").json()
    pattern = schema["components"]["schemas"]["MeetingMoveIn"]["properties"]["local_start"][
        "pattern"
    ]
    assert not re.search(pattern, "2170-02-29T14:29:11")
    assert not re.search(pattern, "1900-02-29T09:00")
    assert re.search(pattern, "2000-02-29T09:00")
    assert re.search(pattern, "2028-02-29T09:00")
