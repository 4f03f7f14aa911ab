"""The activity log is append-only at the database level: raw SQL cannot rewrite or remove an
entry, nor can the ORM; only emptying the whole database (flush) clears it."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from roundtable.commitments.models import Activity, Commitment
from roundtable.testing.personas import personas_create


@pytest.fixture
def entry(personas) -> Activity:
    commitment = Commitment.objects.create(
        circle=personas.circle,
        owner=personas.members["member"],
        title="Send the renewal script",
        due_at=timezone.now(),
    )
    return Activity.objects.create(
        commitment=commitment, kind=Activity.Kind.CREATED, text="Taken on", at=timezone.now()
    )


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE commitments_activity SET text = 'rewritten' WHERE id = %s",
        "DELETE FROM commitments_activity WHERE id = %s",
    ],
)
def test_raw_sql_cannot_rewrite_or_remove_an_entry(entry, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [entry.pk])
    entry.refresh_from_db()
    assert entry.text == "Taken on"


def test_the_orm_cannot_either(entry):
    entry.text = "rewritten"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        entry.save()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Activity.objects.filter(pk=entry.pk).delete()
    entry.commitment.delete()  # the log keeps plain ids: the record outlives what it describes
    assert Activity.objects.filter(pk=entry.pk, text="Taken on").exists()


@pytest.mark.django_db(transaction=True)
def test_emptying_the_whole_database_still_works_and_puts_the_guard_back(entry):
    call_command("flush", interactive=False, verbosity=0)
    assert not Activity.objects.exists()
    personas = personas_create()
    commitment = Commitment.objects.create(
        circle=personas.circle, owner=personas.members["lead"], title="Again", due_at=timezone.now()
    )
    again = Activity.objects.create(commitment=commitment, kind="created", at=timezone.now())
    with pytest.raises(DatabaseError, match="append-only"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM commitments_activity WHERE id = %s", [again.pk])
