"""Applying an import: every row or none, in one transaction, from the rows the preview parsed.
Members, accounts, tags and managers are loaded and written in bulk: the number of queries does
not grow with the number of rows (beyond the database's batch size)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from roundtable.core.errors import DomainError
from roundtable.core.roles import Role
from roundtable.orgs.member_import.comparing import (
    ImportReport,
    accounts_shared,
    member_import_preview,
    members_by_email,
)
from roundtable.orgs.member_import.parsing import ParsedRow, text_digest
from roundtable.orgs.models import PROFILE_FIELDS, AvailabilitySlot, Member, Organization, Tag
from roundtable.orgs.services import availability_rows, tag_name_clean, tags_by_name

TAG_COLUMNS = (("skills", Tag.Kind.SKILL), ("approaches", Tag.Kind.APPROACH))


@transaction.atomic
def member_import_apply(
    *,
    organization: Organization,
    text: str,
    expected_digest: str | None = None,
    may_assign_admin: bool = True,
) -> ImportReport:
    """Import every row or none: the file is checked once more (inside the transaction, against
    the members as they are now), then members are created or updated by email."""
    if expected_digest is not None and expected_digest != text_digest(text):
        raise DomainError("The file changed after the preview. Upload it again to check it.")
    report = member_import_preview(
        organization=organization, text=text, may_assign_admin=may_assign_admin
    )
    if not report.is_valid:
        raise DomainError(
            f"Nothing was imported: {len(report.errors)} problem"
            f"{'s' if len(report.errors) != 1 else ''} in the file."
        )
    members_write(
        organization=organization,
        rows=[r for r in report.parsed if r.email not in report.invite_emails],
    )
    return report


@transaction.atomic
def members_write(*, organization: Organization, rows: list[ParsedRow]) -> dict[str, Member]:
    """Create or update one member per row (rows already checked), keyed by email. Someone
    with an account is never added here (they are invited), and the name of an account shared
    with another organisation is left as it is."""
    manager_emails = [r.values["manager_email"] for r in rows if "manager_email" in r.values]
    existing = members_by_email(
        organization=organization, emails=[r.email for r in rows] + manager_emails
    )
    now = timezone.now()
    accounts = _accounts(rows=[r for r in rows if r.email not in existing])
    shared = accounts_shared(organization=organization, members=existing.values())
    members: dict[str, Member] = {}
    created, updated, renamed = [], [], []
    for row in rows:
        profile = {name: row.values[name] for name in PROFILE_FIELDS if name in row.values}
        member = existing.get(row.email)
        if member is None:
            member = Member(
                organization=organization,
                user=accounts[row.email],
                role=Role.MEMBER,
                time_zone=organization.time_zone,
            )
            created.append(member)
        else:
            member.updated_at = now
            updated.append(member)
            if row.email not in shared and row.values["full_name"] != member.user.full_name:
                member.user.full_name = row.values["full_name"]
                renamed.append(member.user)
        for name, value in profile.items():
            setattr(member, name, value)
        _check(member, row.line, exclude=["organization", "user", "manager"])
        members[row.email] = member
    Member.objects.bulk_create(created)
    Member.objects.bulk_update(updated, [*PROFILE_FIELDS, "updated_at"])
    get_user_model().objects.bulk_update(renamed, ["full_name"])
    for column, kind in TAG_COLUMNS:
        _tags_replace(
            organization=organization, column=column, kind=kind, rows=rows, members=members
        )
    _availability_replace(rows=rows, members=members)
    # Managers last, so that a manager may appear anywhere in the file.
    known = {**existing, **members}
    managed = []
    for row in rows:
        if "manager_email" in row.values:
            member = members[row.email]
            member.manager = known[row.values["manager_email"]]
            member.updated_at = now
            managed.append(member)
    Member.objects.bulk_update(managed, ["manager", "updated_at"])
    return members


def _accounts(*, rows: list[ParsedRow]) -> dict[str, Any]:
    """A new account, without a usable password, for every new member by email. Someone who
    already has an account is invited instead (see the preview): never added here."""
    user_model = get_user_model()
    emails = [r.email for r in rows]
    accounts: dict[str, Any] = {
        user.email.lower(): user
        for user in user_model.objects.annotate(email_lower=Lower("email")).filter(
            email_lower__in=emails
        )
    }
    fresh = []
    for row in rows:
        if row.email in accounts:
            raise DomainError(
                f"Nothing was imported: line {row.line}: {row.email} already has an account; "
                "they can join only by accepting an invitation."
            )
        else:
            user = user_model(email=row.email, full_name=row.values["full_name"])
            user.set_unusable_password()
            _check(user, row.line, exclude=[])
            fresh.append(user)
    for user in user_model.objects.bulk_create(fresh):
        accounts[user.email] = user
    return accounts


def _check(obj: models.Model, line: int, *, exclude: Iterable[str]) -> None:
    """Field validation that needs no query (the rows were checked when the file was read;
    this keeps the model's own limits as a second line)."""
    try:
        obj.clean_fields(exclude=list(exclude))
    except ValidationError as exc:
        messages = [str(m) for ms in exc.message_dict.values() for m in ms]
        raise DomainError(f"Nothing was imported: line {line}: {' '.join(messages)}") from exc


def _tags_replace(
    *,
    organization: Organization,
    column: str,
    kind: str,
    rows: list[ParsedRow],
    members: dict[str, Member],
) -> None:
    """Replace the skills (or approaches) of every row that has the column filled."""
    given = [r for r in rows if column in r.values]
    if not given:
        return
    tags = tags_by_name(
        organization=organization, kind=kind, names=[n for r in given for n in r.values[column]]
    )
    through = getattr(Member, column).through
    through.objects.filter(member_id__in=[members[r.email].pk for r in given]).delete()
    links = []
    for row in given:
        keys = dict.fromkeys(tag_name_clean(n).lower() for n in row.values[column])
        links += [
            through(member_id=members[row.email].pk, tag_id=tags[key].pk) for key in keys if key
        ]
    through.objects.bulk_create(links)


def _availability_replace(*, rows: list[ParsedRow], members: dict[str, Member]) -> None:
    given = [r for r in rows if "availability" in r.values]
    if not given:
        return
    AvailabilitySlot.objects.filter(member__in=[members[r.email] for r in given]).delete()
    AvailabilitySlot.objects.bulk_create(
        [
            slot
            for row in given
            for slot in availability_rows(
                member=members[row.email], slots=row.values["availability"]
            )
        ]
    )
