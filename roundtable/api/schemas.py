"""Types and small schemas shared by the routers: the input types every body and query goes
through (strict numbers, bounded ids, checked text, dates and wall-clock times), and output
references to an organisation or a member.

Input is strict so that a client's mistake is a 422 rather than a guess: no `true` read as 1, no
`"3"` read as 3, no timestamp read as a date, no time with a zone offset silently dropped. Each
type's JSON Schema says exactly what it accepts, so the OpenAPI document tells the truth."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated, Any

from django.db.models import TextChoices
from ninja import Path, Schema
from pydantic import AfterValidator, BeforeValidator, Field, StrictBool, WithJsonSchema

from roundtable.core.text import NO_CONTROL_PATTERN, VISIBLE_PATTERN, text_clean

# Ids are positive and fit a 32-bit signed integer: far beyond any table here, and small enough
# for every client language and database.
MAX_ID = 2**31 - 1
# Dates a person may give: wide enough for any birth, hire or program date, narrow enough to catch
# a mistyped year (9999-12-31, 0001-01-01).
MIN_YEAR, MAX_YEAR = 1900, 2199


def _json_number(value: Any) -> Any:
    # Pydantic's lax mode reads true as 1 and "3" as 3; a JSON client that sends those has a bug.
    if isinstance(value, bool | str):
        raise ValueError("must be a JSON number, not a string or a boolean")
    return value


def _text(value: str) -> str:
    return text_clean(value)


def _required_text(value: str) -> str:
    return text_clean(value, required=True)


JSON_NUMBER = BeforeValidator(_json_number)

Int = Annotated[int, JSON_NUMBER]
Float = Annotated[float, JSON_NUMBER]
Bool = StrictBool
# Bounds go before JSON_NUMBER: after a validator pydantic no longer writes them into the schema.
Id = Annotated[int, Field(ge=1, le=MAX_ID), JSON_NUMBER]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]

# Text: no control characters (NUL included), NFC-normalised. Give a max_length where it is used.
Text = Annotated[
    str, Field(json_schema_extra={"pattern": NO_CONTROL_PATTERN}), AfterValidator(_text)
]
# Text that must show something: blank, or only spaces and zero-width characters, is refused.
RequiredText = Annotated[
    str, Field(json_schema_extra={"pattern": VISIBLE_PATTERN}), AfterValidator(_required_text)
]

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DATE_PATTERN = "^(19|20|21)[0-9]{2}-"


def _date_text(value: Any) -> Any:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise ValueError("must be a date written YYYY-MM-DD")
    return value


def _date_bounded(value: dt.date) -> dt.date:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"must be in the years {MIN_YEAR} to {MAX_YEAR}")
    return value


Date = Annotated[
    dt.date,
    BeforeValidator(_date_text),
    AfterValidator(_date_bounded),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date",
            "pattern": DATE_PATTERN,
            "description": f"YYYY-MM-DD, in the years {MIN_YEAR} to {MAX_YEAR}",
        }
    ),
]

_WALL_TIME = r"([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?"
WALL_TIME_PATTERN = f"^{_WALL_TIME}$"


def _wall_time(value: Any) -> Any:
    if isinstance(value, dt.time) and value.tzinfo is None:
        return value  # from the database, on the way out
    if not isinstance(value, str) or not re.fullmatch(_WALL_TIME, value):
        raise ValueError("must be a wall-clock time HH:MM or HH:MM:SS, without a zone offset")
    return dt.time.fromisoformat(value)


# Not JSON Schema's `format: time`, which requires a zone offset: these times are on the wall
# clock of the circle's (or person's) time zone.
WallTime = Annotated[
    dt.time,
    BeforeValidator(_wall_time),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": WALL_TIME_PATTERN,
            "description": "Wall-clock time HH:MM[:SS], without a zone offset",
        }
    ),
]

# Year, month and day together, so that the schema itself rules out every impossible date: 30
# February, and 29 February outside leap years (1900 and 2100 are not leap years, 2000 is).
_MONTH_DAY = (
    "((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)"
    "|02-(0[1-9]|1[0-9]|2[0-8]))"
)
_LEAP_YEAR = "((19|20|21)(0[48]|[2468][048]|[13579][26])|2000)"
_LOCAL_DATETIME = rf"((19|20|21)[0-9]{{2}}-{_MONTH_DAY}|{_LEAP_YEAR}-02-29)T{_WALL_TIME}"


def _local_datetime(value: Any) -> Any:
    if not isinstance(value, str) or not re.fullmatch(_LOCAL_DATETIME, value):
        raise ValueError(
            "must be a wall-clock date and time YYYY-MM-DDTHH:MM[:SS], without a zone offset, "
            f"in the years {MIN_YEAR} to {MAX_YEAR}"
        )
    return dt.datetime.fromisoformat(value)


LocalDateTime = Annotated[
    dt.datetime,
    BeforeValidator(_local_datetime),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": f"^{_LOCAL_DATETIME}$",
            "description": "Wall-clock YYYY-MM-DDTHH:MM[:SS], without a zone offset",
        }
    ),
]


def _instant_text(value: Any) -> Any:
    if not isinstance(value, str) or not _DATE.match(value):
        raise ValueError("must be a date and time with a zone offset, e.g. 2026-05-04T09:00:00Z")
    return value


def _instant_bounded(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError("must have a zone offset (Z or +HH:MM): it is an instant")
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"must be in the years {MIN_YEAR} to {MAX_YEAR}")
    return value


# An instant: RFC 3339 date-time, with its offset.
Instant = Annotated[
    dt.datetime,
    BeforeValidator(_instant_text),
    AfterValidator(_instant_bounded),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "pattern": DATE_PATTERN,
            "description": (
                f"Date and time with a zone offset, in the years {MIN_YEAR} to {MAX_YEAR}"
            ),
        }
    ),
]


def choices(enum: type[TextChoices], name: str) -> WithJsonSchema:
    """The JSON Schema of a model's choices under a name of its own. Ninja files every enum under
    its class name, so `Program.Status` and `Attendance.Status` would otherwise share one entry
    (and one of them would describe the other's values)."""
    return WithJsonSchema({"title": name, "type": "string", "enum": [str(v) for v in enum.values]})


def not_nullable(*names: str) -> Callable[[dict[str, Any]], None]:
    """A `json_schema_extra` that shows these optional fields as not nullable: a Patch schema's
    field typed `X | None` to tell "left out" from "sent", whose validator refuses null."""

    def edit(schema: dict[str, Any]) -> None:
        for name in names:
            field = schema["properties"][name]
            kept = [s for s in field.pop("anyOf") if s != {"type": "null"}]
            if len(kept) == 1:
                field.update(kept[0])
            else:
                field["anyOf"] = kept

    return edit


class OrganizationRef(Schema):
    slug: str
    name: str


class MemberRef(Schema):
    """A member named in another object (a sponsor, a lead); `id` is the member id."""

    id: int
    name: str
