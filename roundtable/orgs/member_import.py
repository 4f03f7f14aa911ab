"""CSV import of members: validate every row first, preview the changes, then apply all or none.

Columns are documented in docs/members-csv.md. An empty cell leaves an existing member's value
as it is, so a partial export from another system never wipes what people entered themselves.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from roundtable.core.errors import DomainError
from roundtable.orgs.models import Member, Organization, Role, available_time_zones
from roundtable.orgs.services import member_create, member_set_availability, member_update
from roundtable.timeslots import WeeklySlot

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
REQUIRED = ("email", "full_name")
OPTIONAL = (
    "role",
    "job_title",
    "department",
    "location",
    "hire_date",
    "years_experience",
    "time_zone",
    "manager_email",
    "skills",
    "approaches",
    "availability",
)
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
WEEKDAYS = {
    name: index
    for index, names in enumerate(
        [
            ("mon", "monday"),
            ("tue", "tues", "tuesday"),
            ("wed", "wednesday"),
            ("thu", "thur", "thurs", "thursday"),
            ("fri", "friday"),
            ("sat", "saturday"),
            ("sun", "sunday"),
        ]
    )
    for name in names
}
WINDOW = re.compile(r"^\s*([A-Za-z]+)\s+(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")
# Profile fields compared for the preview, with the labels people see.
FIELD_LABELS = {
    "full_name": "name",
    "role": "role",
    "job_title": "job role",
    "department": "department",
    "location": "location",
    "hire_date": "hire date",
    "years_experience": "experience",
    "time_zone": "time zone",
    "manager_email": "manager",
    "skills": "skills",
    "approaches": "approaches",
    "availability": "availability",
}


@dataclass(frozen=True)
class RowError:
    line: int
    message: str


@dataclass
class ParsedRow:
    line: int
    email: str
    values: dict[str, Any]  # only the columns with a value in this row


@dataclass
class RowChange:
    line: int
    email: str
    name: str
    action: str  # "new", "updated" or "unchanged"
    changes: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class ImportReport:
    digest: str
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows: list[RowChange] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def added(self) -> int:
        return self.count("new")

    @property
    def updated(self) -> int:
        return self.count("updated")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")


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
    return hashlib.sha256(text.encode()).hexdigest()


def _column_name(raw: str) -> str:
    name = " ".join(raw.strip().lower().split())
    return ALIASES.get(name, name.replace(" ", "_"))


def _split_tags(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def parse_availability(value: str) -> list[tuple[int, dt.time, dt.time]]:
    """'Mon 09:00-11:00; Wed 14:00-16:30' as (weekday, start, end) windows."""
    windows = []
    for part in value.split(";"):
        if not part.strip():
            continue
        match = WINDOW.match(part)
        if not match:
            raise ValueError(f"“{part.strip()}” is not a window like “Mon 09:00-11:00”")
        day, h1, m1, h2, m2 = match.groups()
        if day.lower() not in WEEKDAYS:
            raise ValueError(f"“{day}” is not a weekday (use Mon, Tue, … Sun)")
        try:
            start, end = dt.time(int(h1), int(m1)), dt.time(int(h2), int(m2))
        except ValueError as exc:
            raise ValueError(f"“{part.strip()}” has a time that does not exist") from exc
        if end <= start:
            raise ValueError(f"“{part.strip()}” ends before it starts")
        windows.append((WEEKDAYS[day.lower()], start, end))
    return windows


def _parse_value(name: str, value: str, organization: Organization) -> Any:
    """One cell's value, or ValueError with a message a person can act on."""
    if name == "email":
        email = value.strip().lower()
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ValueError(f"“{value}” is not a valid email address") from exc
        return email
    if name == "full_name":
        if len(value) > 150:
            raise ValueError("the name is longer than 150 characters")
        return value
    if name == "role":
        role = value.strip().lower()
        labels = {label.lower(): key for key, label in Role.choices}
        role = labels.get(role, role)
        if role not in Role.values:
            raise ValueError(f"“{value}” is not a role (use admin, coordinator or member)")
        return role
    if name in {"job_title", "department", "location"}:
        if len(value) > 120:
            raise ValueError(f"the {name.replace('_', ' ')} is longer than 120 characters")
        return value
    if name == "hire_date":
        try:
            date = dt.date.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"“{value}” is not a date in the form YYYY-MM-DD") from exc
        if date > timezone.localdate():
            raise ValueError(f"the hire date {value} is in the future")
        return date
    if name == "years_experience":
        try:
            years = Decimal(value.replace(",", "."))
        except InvalidOperation as exc:
            raise ValueError(f"“{value}” is not a number of years") from exc
        if not years.is_finite() or not 0 <= years <= 70:
            raise ValueError(f"years of experience must be between 0 and 70, not “{value}”")
        return years.quantize(Decimal("0.1"))
    if name == "time_zone":
        if value not in available_time_zones():
            raise ValueError(f"“{value}” is not a known time zone (use e.g. Europe/London)")
        return value
    if name == "manager_email":
        return _parse_value("email", value, organization)
    if name in {"skills", "approaches"}:
        return _split_tags(value)
    if name == "availability":
        return parse_availability(value)
    raise ValueError(f"unknown column {name}")  # pragma: no cover - columns are checked first


def _parse(organization: Organization, text: str, report: ImportReport) -> list[ParsedRow]:
    if not text.strip():
        report.errors.append(RowError(1, "The file is empty."))
        return []
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except csv.Error as exc:
        report.errors.append(RowError(1, f"The header line cannot be read: {exc}."))
        return []
    columns = [_column_name(h) for h in header]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        report.errors.append(
            RowError(
                1,
                f"Missing required column{'s' if len(missing) > 1 else ''}: "
                f"{', '.join(missing)}. The header line has: {', '.join(header)}.",
            )
        )
        return []
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    if repeated:
        report.errors.append(RowError(1, f"Columns given twice: {', '.join(repeated)}."))
        return []
    unknown = [h for h, c in zip(header, columns, strict=True) if c not in REQUIRED + OPTIONAL]
    if unknown:
        report.warnings.append(f"Ignored unknown columns: {', '.join(unknown)}.")

    rows: list[ParsedRow] = []
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_ROWS:
                report.errors.append(RowError(line, f"More than {MAX_ROWS} rows; split the file."))
                break
            if len(cells) > len(columns):
                report.errors.append(
                    RowError(line, f"{len(cells)} cells but the header has {len(columns)}.")
                )
                continue
            values: dict[str, Any] = {}
            problems = []
            for column, cell in zip(columns, cells, strict=False):
                cell = cell.strip()
                if column not in REQUIRED + OPTIONAL:
                    continue
                if not cell:
                    if column in REQUIRED:
                        problems.append(f"{column.replace('_', ' ')} is empty")
                    continue
                try:
                    values[column] = _parse_value(column, cell, organization)
                except ValueError as exc:
                    problems.append(str(exc))
            for column in REQUIRED:
                if column not in values and f"{column.replace('_', ' ')} is empty" not in problems:
                    problems.append(f"{column.replace('_', ' ')} is missing")
            if problems:
                report.errors.append(RowError(line, "; ".join(problems) + "."))
            if "email" in values:
                rows.append(ParsedRow(line=line, email=values["email"], values=values))
    except csv.Error as exc:
        report.errors.append(RowError(reader.line_num, f"The CSV cannot be read: {exc}."))
    if not rows and not report.errors:
        report.errors.append(RowError(2, "The file has a header but no members."))
    return rows


def _check_across_rows(
    organization: Organization,
    rows: list[ParsedRow],
    existing: dict[str, Member],
    report: ImportReport,
    *,
    may_assign_admin: bool,
) -> None:
    first_line: dict[str, int] = {}
    for row in rows:
        if row.email in first_line:
            report.errors.append(
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
            report.errors.append(RowError(row.line, "A member cannot be their own manager."))
        elif manager and manager not in first_line and manager not in existing:
            report.errors.append(
                RowError(
                    row.line,
                    f"The manager {manager} is neither in this file nor in {organization}.",
                )
            )
        if not may_assign_admin:
            current = existing.get(row.email)
            new_role = row.values.get("role")
            if new_role == Role.ADMIN and (current is None or current.role != Role.ADMIN):
                report.errors.append(
                    RowError(row.line, "Only organisation admins can make someone an admin.")
                )
            elif (
                current is not None
                and current.role == Role.ADMIN
                and new_role
                not in (
                    None,
                    Role.ADMIN,
                )
            ):
                report.errors.append(
                    RowError(row.line, "Only organisation admins can change an admin's role.")
                )


def _display(name: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if name == "availability":
        return "; ".join(WeeklySlot.from_times(*w).label() for w in value)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _current_values(member: Member) -> dict[str, Any]:
    return {
        "full_name": member.user.full_name,
        "role": member.role,
        "job_title": member.job_title,
        "department": member.department,
        "location": member.location,
        "hire_date": member.hire_date,
        "years_experience": member.years_experience,
        "time_zone": member.time_zone,
        "manager_email": member.manager.user.email if member.manager else None,
        "skills": sorted(t.name for t in member.skills.all()),
        "approaches": sorted(t.name for t in member.approaches.all()),
        "availability": [(s.weekday, s.start_time, s.end_time) for s in member.availability.all()],
    }


def _same(name: str, old: Any, new: Any) -> bool:
    if name in {"skills", "approaches"}:
        return sorted(v.lower() for v in old) == sorted(v.lower() for v in new)
    if name == "availability":
        return sorted(old) == sorted(new)
    if name == "years_experience" and old is not None:
        return Decimal(old) == Decimal(new)
    return bool(old == new)


def _existing_members(organization: Organization, emails: Iterable[str]) -> dict[str, Member]:
    wanted = {e.lower() for e in emails}
    members = (
        Member.objects.filter(organization=organization)
        .select_related("user", "manager__user")
        .prefetch_related("skills", "approaches", "availability")
    )
    return {m.user.email.lower(): m for m in members if m.user.email.lower() in wanted}


def member_import_preview(
    *, organization: Organization, text: str, may_assign_admin: bool = True
) -> ImportReport:
    """Validate every row and say what importing would change. Writes nothing."""
    report = ImportReport(digest=text_digest(text))
    rows = _parse(organization, text, report)
    emails = [r.email for r in rows] + [
        r.values["manager_email"] for r in rows if "manager_email" in r.values
    ]
    existing = _existing_members(organization, emails)
    _check_across_rows(organization, rows, existing, report, may_assign_admin=may_assign_admin)
    report.errors.sort(key=lambda e: e.line)
    for row in rows:
        member = existing.get(row.email)
        name = row.values.get("full_name", row.email)
        if member is None:
            report.rows.append(RowChange(row.line, row.email, name, "new"))
            continue
        current = _current_values(member)
        changes = [
            (FIELD_LABELS[key], _display(key, current[key]), _display(key, value))
            for key, value in row.values.items()
            if key in FIELD_LABELS and not _same(key, current[key], value)
        ]
        report.rows.append(
            RowChange(row.line, row.email, name, "updated" if changes else "unchanged", changes)
        )
    return report


@transaction.atomic
def member_import_apply(
    *,
    organization: Organization,
    text: str,
    expected_digest: str | None = None,
    may_assign_admin: bool = True,
) -> ImportReport:
    """Import every row or none: re-validates, then creates or updates members by email."""
    report = member_import_preview(
        organization=organization, text=text, may_assign_admin=may_assign_admin
    )
    if expected_digest is not None and expected_digest != report.digest:
        raise DomainError("The file changed after the preview. Upload it again to check it.")
    if not report.is_valid:
        raise DomainError(
            f"Nothing was imported: {len(report.errors)} problem"
            f"{'s' if len(report.errors) != 1 else ''} in the file."
        )
    parsed = _parse(organization, text, ImportReport(digest=report.digest))
    existing = _existing_members(organization, [r.email for r in parsed])
    members: dict[str, Member] = {}
    for row in parsed:
        values = dict(row.values)
        values.pop("email")
        availability = values.pop("availability", None)
        values.pop("manager_email", None)
        member = existing.get(row.email)
        if member is None:
            member = member_create(organization=organization, email=row.email, **values)
        else:
            member = member_update(member=member, **values)
        if availability is not None:
            member_set_availability(member=member, slots=availability)
        members[row.email] = member
    # Managers last, so a manager may appear anywhere in the file.
    for row in parsed:
        manager_email = row.values.get("manager_email")
        if manager_email:
            manager = members.get(manager_email) or _existing_members(
                organization, [manager_email]
            ).get(manager_email)
            member_update(member=members[row.email], manager=manager)
    return report
