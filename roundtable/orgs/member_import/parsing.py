"""Reading a members CSV: decoding, column names, one value per cell and the checks across rows,
every problem with its line number (the header is line 1). Reads nothing from the database."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from roundtable.core.errors import DomainError
from roundtable.core.roles import Role
from roundtable.formation.features import split_tags
from roundtable.orgs.models import PROFILE_FIELDS, available_time_zones
from roundtable.timeslots.windows import parse_windows

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
REQUIRED = ("email", "full_name")
OPTIONAL = (
    *PROFILE_FIELDS,
    "manager_email",
    "skills",
    "approaches",
    "availability",
)
COLUMNS = REQUIRED + OPTIONAL
# Friendly spellings people use in spreadsheets, mapped to our column names.
ALIASES = {
    "name": "full_name",
    "full name": "full_name",
    "job role": "job_title",
    "job_role": "job_title",
    "title": "job_title",
    "timezone": "time_zone",
    "time zone": "time_zone",
    "manager": "manager_email",
    "manager email": "manager_email",
    "years of experience": "years_experience",
    "experience": "years_experience",
    "hire date": "hire_date",
}


# The downloadable template: every column, with one example row to overwrite.
TEMPLATE_EXAMPLE = {
    "email": "ana.silva@example.org",
    "full_name": "Ana Silva",
    "role": "member",
    "job_title": "Field Service Engineer",
    "department": "North Region",
    "location": "Leeds",
    "hire_date": "2019-04-01",
    "years_experience": "7.5",
    "time_zone": "Europe/London",
    "manager_email": "",
    "skills": "troubleshooting; negotiation",
    "approaches": "data-driven",
    "availability": "Tue 09:00-11:00; Wed 14:00-16:30",
}


def template_csv() -> str:
    """A members CSV with every column the import reads and one example row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerow([TEMPLATE_EXAMPLE[column] for column in COLUMNS])
    return out.getvalue()


@dataclass(frozen=True)
class RowError:
    line: int
    message: str


@dataclass(frozen=True)
class ParsedRow:
    line: int
    email: str
    values: dict[str, Any]  # only the columns with a value in this row


@dataclass
class ParsedFile:
    """What the file says, row by row, and what is wrong with it."""

    digest: str
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def decode_upload(data: bytes) -> str:
    """The file's text; UTF-8 (with or without a byte-order mark) is the only encoding taken."""
    if len(data) > MAX_BYTES:
        raise DomainError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DomainError(
            "The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8” and "
            f"upload it again (the first unreadable byte is at position {exc.start})."
        ) from exc


def text_digest(text: str) -> str:
    """Ties a confirmation to the very file that was previewed."""
    return hashlib.sha256(text.encode()).hexdigest()


def column_name(raw: str) -> str:
    name = " ".join(raw.strip().lower().split())
    return ALIASES.get(name, name.replace(" ", "_"))


def _email(value: str) -> str:
    email = value.strip().lower()
    if len(email) > 254:
        raise ValueError("the email address is longer than 254 characters")
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValueError(f"“{value}” is not a valid email address") from exc
    return email


def _role(value: str) -> str:
    labels = {label.lower(): key for key, label in Role.choices}
    role = labels.get(value.strip().lower(), value.strip().lower())
    if role not in Role.values:
        raise ValueError(f"“{value}” is not a role (use admin, coordinator or member)")
    return role


def _text(name: str, value: str, limit: int) -> str:
    if len(value) > limit:
        raise ValueError(f"the {name} is longer than {limit} characters")
    return value


def _hire_date(value: str) -> dt.date:
    try:
        date = dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"“{value}” is not a date in the form YYYY-MM-DD") from exc
    if date > timezone.localdate():
        raise ValueError(f"the hire date {value} is in the future")
    return date


def _years(value: str) -> Decimal:
    try:
        years = Decimal(value.replace(",", "."))
    except InvalidOperation as exc:
        raise ValueError(f"“{value}” is not a number of years") from exc
    if not years.is_finite() or not 0 <= years <= 70:
        raise ValueError(f"years of experience must be between 0 and 70, not “{value}”")
    return years.quantize(Decimal("0.1"))


def _time_zone(value: str) -> str:
    if value not in available_time_zones():
        raise ValueError(f"“{value}” is not a known time zone (use e.g. Europe/London)")
    return value


def cell_parse(name: str, value: str) -> Any:
    """One cell's value, or ValueError with a message a person can act on."""
    if name in {"email", "manager_email"}:
        return _email(value)
    if name == "full_name":
        return _text("name", value, 150)
    if name == "role":
        return _role(value)
    if name in {"job_title", "department", "location"}:
        return _text(name.replace("_", " "), value, 120)
    if name == "hire_date":
        return _hire_date(value)
    if name == "years_experience":
        return _years(value)
    if name == "time_zone":
        return _time_zone(value)
    if name in {"skills", "approaches"}:
        return split_tags(value)
    if name == "availability":
        return parse_windows(value)
    raise ValueError(f"unknown column {name}")  # pragma: no cover - columns are checked first


def _header_problems(header: list[str], columns: list[str], parsed: ParsedFile) -> bool:
    """Record what is wrong with the header line; True when the rows cannot be read at all."""
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        parsed.errors.append(
            RowError(
                1,
                f"Missing required column{'s' if len(missing) > 1 else ''}: "
                f"{', '.join(missing)}. The header line has: {', '.join(header)}.",
            )
        )
        return True
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    if repeated:
        parsed.errors.append(RowError(1, f"Columns given twice: {', '.join(repeated)}."))
        return True
    unknown = [h for h, c in zip(header, columns, strict=True) if c not in COLUMNS]
    if unknown:
        parsed.warnings.append(f"Ignored unknown columns: {', '.join(unknown)}.")
    return False


def _row_values(columns: list[str], cells: list[str]) -> tuple[dict[str, Any], list[str]]:
    values: dict[str, Any] = {}
    problems = []
    reported = set()  # columns with a problem already said: each problem is said once
    for column, raw in zip(columns, cells, strict=False):
        cell = raw.strip()
        if column not in COLUMNS:
            continue
        if not cell:
            if column in REQUIRED:
                problems.append(f"{column.replace('_', ' ')} is empty")
                reported.add(column)
            continue
        try:
            values[column] = cell_parse(column, cell)
        except ValueError as exc:
            problems.append(str(exc))
            reported.add(column)
    for column in REQUIRED:
        if column not in values and column not in reported:
            problems.append(f"{column.replace('_', ' ')} is missing")
    return values, problems


def members_csv_parse(*, text: str) -> ParsedFile:
    """Every row of the file with its values, and every problem of a single row or the header."""
    parsed = ParsedFile(digest=text_digest(text))
    if not text.strip():
        parsed.errors.append(RowError(1, "The file is empty."))
        return parsed
    try:
        dialect: Any = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except csv.Error as exc:
        parsed.errors.append(RowError(1, f"The header line cannot be read: {exc}."))
        return parsed
    columns = [column_name(h) for h in header]
    if _header_problems(header, columns, parsed):
        return parsed
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(parsed.rows) >= MAX_ROWS:
                parsed.errors.append(RowError(line, f"More than {MAX_ROWS} rows; split the file."))
                break
            if len(cells) > len(columns):
                parsed.errors.append(
                    RowError(line, f"{len(cells)} cells but the header has {len(columns)}.")
                )
                continue
            values, problems = _row_values(columns, cells)
            if problems:
                parsed.errors.append(RowError(line, "; ".join(problems) + "."))
            if "email" in values:
                parsed.rows.append(ParsedRow(line=line, email=values["email"], values=values))
    except csv.Error as exc:
        parsed.errors.append(RowError(reader.line_num, f"The CSV cannot be read: {exc}."))
    if not parsed.rows and not parsed.errors:
        parsed.errors.append(RowError(2, "The file has a header but no members."))
    return parsed


def rows_check(
    *,
    rows: list[ParsedRow],
    existing_roles: Mapping[str, str],
    organization_name: str,
    may_assign_admin: bool,
) -> list[RowError]:
    """Problems only the whole file shows: an email twice, a manager nobody knows, a role the
    importer may not give. `existing_roles` maps the organisation's members' emails to roles."""
    errors = []
    first_line: dict[str, int] = {}
    for row in rows:
        if row.email in first_line:
            errors.append(
                RowError(
                    row.line,
                    f"{row.email} appears twice (lines {first_line[row.email]} and {row.line}).",
                )
            )
        else:
            first_line[row.email] = row.line
    for row in rows:
        manager = row.values.get("manager_email")
        if manager == row.email:
            errors.append(RowError(row.line, "A member cannot be their own manager."))
        elif manager and manager not in first_line and manager not in existing_roles:
            errors.append(
                RowError(
                    row.line,
                    f"The manager {manager} is neither in this file nor in {organization_name}.",
                )
            )
        if not may_assign_admin:
            error = _admin_role_problem(row, existing_roles.get(row.email))
            if error:
                errors.append(error)
    return errors


def _admin_role_problem(row: ParsedRow, current_role: str | None) -> RowError | None:
    new_role = row.values.get("role")
    if new_role == Role.ADMIN and current_role != Role.ADMIN:
        return RowError(row.line, "Only organisation admins can make someone an admin.")
    if current_role == Role.ADMIN and new_role not in (None, Role.ADMIN):
        return RowError(row.line, "Only organisation admins can change an admin's role.")
    return None
