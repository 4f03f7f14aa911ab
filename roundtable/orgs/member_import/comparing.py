"""The import preview: the parsed file set against the organisation's members, row by row: who
is new, which fields change (old → new), who stays as they are. Writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.db.models.functions import Lower

from roundtable.orgs.member_import.parsing import (
    ParsedRow,
    RowError,
    members_csv_parse,
    rows_check,
)
from roundtable.orgs.models import Member, Organization
from roundtable.timeslots import WeeklySlot

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


@dataclass
class RowChange:
    line: int
    email: str
    name: str
    action: str  # "new", "invite", "updated" or "unchanged"
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    note: str = ""


@dataclass
class ImportReport:
    """The preview; `parsed` keeps the file's rows, so applying it never reads the file again."""

    digest: str
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows: list[RowChange] = field(default_factory=list)
    parsed: list[ParsedRow] = field(default_factory=list, repr=False)
    # Addresses that already have an account: they are invited, never added directly.
    invite_emails: set[str] = field(default_factory=set)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def has_changes(self) -> bool:
        """Whether importing would add or update anyone (a file of unchanged people would not)."""
        return any(row.action != "unchanged" for row in self.rows)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def added(self) -> int:
        return self.count("new")

    @property
    def invited(self) -> int:
        return self.count("invite")

    @property
    def updated(self) -> int:
        return self.count("updated")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")


def members_by_email(
    *, organization: Organization, emails: Iterable[str], queryset: QuerySet[Member] | None = None
) -> dict[str, Member]:
    """The organisation's members (active or not) with these emails, keyed by lower-cased email,
    in one query (plus the prefetches `queryset` asks for)."""
    wanted = sorted({e.lower() for e in emails})
    if not wanted:
        return {}
    members = (queryset if queryset is not None else Member.objects.select_related("user")).filter(
        organization=organization
    )
    members = members.annotate(email_lower=Lower("user__email")).filter(email_lower__in=wanted)
    return {m.user.email.lower(): m for m in members}


def accounts_with_email(*, emails: Iterable[str]) -> set[str]:
    """The lower-cased addresses among these that already have an account, in one query."""
    wanted = sorted({e.lower() for e in emails})
    if not wanted:
        return set()
    users = get_user_model().objects.annotate(email_lower=Lower("email"))
    return set(users.filter(email_lower__in=wanted).values_list("email_lower", flat=True))


def accounts_shared(*, organization: Organization, members: Iterable[Member]) -> set[str]:
    """The lower-cased addresses of these members whose account is not this organisation's
    alone (a membership elsewhere, or signed in to the site as its operator): an import never
    changes such an account's name. One query."""
    members = list(members)
    elsewhere = set(
        Member.objects.filter(user__in=[m.user_id for m in members])
        .exclude(organization=organization)
        .values_list("user_id", flat=True)
    )
    return {
        m.user.email.lower()
        for m in members
        if m.user_id in elsewhere or m.user.is_staff or m.user.is_superuser
    }


def _display(name: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if name == "availability":
        return "; ".join(slot.label() for slot in value)
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
        "availability": [
            WeeklySlot.from_times(s.weekday, s.start_time, s.end_time)
            for s in member.availability.all()
        ],
    }


def _same(name: str, old: Any, new: Any) -> bool:
    if name in {"skills", "approaches"}:
        return sorted(v.lower() for v in old) == sorted(v.lower() for v in new)
    if name == "availability":
        return sorted(old) == sorted(_as_stored(new))
    if name == "years_experience" and old is not None:
        return Decimal(old) == Decimal(new)
    return bool(old == new)


def _as_stored(slots: list[WeeklySlot]) -> list[WeeklySlot]:
    """A window ending at 24:00 is stored as ending at 23:59; compare like with like."""
    return [WeeklySlot.from_times(s.weekday, s.start_time, s.end_time) for s in slots]


def member_import_preview(
    *, organization: Organization, text: str, may_assign_admin: bool = True
) -> ImportReport:
    """Validate every row and say what importing would change. Writes nothing."""
    parsed = members_csv_parse(text=text)
    report = ImportReport(
        digest=parsed.digest,
        errors=list(parsed.errors),
        warnings=parsed.warnings,
        parsed=parsed.rows,
    )
    emails = [r.email for r in parsed.rows] + [
        r.values["manager_email"] for r in parsed.rows if "manager_email" in r.values
    ]
    existing = members_by_email(
        organization=organization,
        emails=emails,
        queryset=Member.objects.select_related("user", "manager__user").prefetch_related(
            "skills", "approaches", "availability"
        ),
    )
    report.errors += rows_check(
        rows=parsed.rows,
        existing_roles={email: member.role for email, member in existing.items()},
        organization_name=str(organization),
        may_assign_admin=may_assign_admin,
    )
    new_emails = [r.email for r in parsed.rows if r.email not in existing]
    report.invite_emails = accounts_with_email(emails=new_emails)
    for row in parsed.rows:
        manager = row.values.get("manager_email")
        if manager in report.invite_emails:
            report.errors.append(
                RowError(
                    row.line,
                    f"The manager {manager} already has an account and is invited: they join "
                    "once they accept. Leave the manager empty for now.",
                )
            )
    report.errors.sort(key=lambda e: e.line)
    shared = accounts_shared(organization=organization, members=existing.values())
    for row in parsed.rows:
        member = existing.get(row.email)
        name = row.values.get("full_name", row.email)
        if member is None:
            if row.email in report.invite_emails:
                note = (
                    "Already has an account: invited by email, joins when they accept "
                    "(their account and the rest of this row are left as they are)."
                )
                report.rows.append(RowChange(row.line, row.email, name, "invite", note=note))
            else:
                report.rows.append(RowChange(row.line, row.email, name, "new"))
            continue
        current = _current_values(member)
        note = ""
        values = dict(row.values)
        if row.email in shared and not _same(
            "full_name", current["full_name"], values.get("full_name")
        ):
            note = (
                f"Name not changed (stays “{current['full_name']}”): their account is shared "
                "with another organisation."
            )
            values.pop("full_name", None)
        changes = [
            (FIELD_LABELS[key], _display(key, current[key]), _display(key, value))
            for key, value in values.items()
            if key in FIELD_LABELS and not _same(key, current[key], value)
        ]
        report.rows.append(
            RowChange(
                row.line,
                row.email,
                name,
                "updated" if changes else "unchanged",
                changes,
                note=note,
            )
        )
    return report
