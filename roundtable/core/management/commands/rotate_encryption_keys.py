"""Re-encrypt every encrypted value under the first of ENCRYPTION_KEYS (see README, "Rotating the
encryption key"). Safe to run again; reads each row through the keys it was written with."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import Field

from roundtable.core.crypto import encrypted_fields, reencrypt


class Command(BaseCommand):
    help = "Re-encrypt the encrypted text at rest under the first key of ENCRYPTION_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for model, names in encrypted_fields():
            table = connection.ops.quote_name(model._meta.db_table)
            fields = [model._meta.get_field(name) for name in names]
            quoted = [connection.ops.quote_name(f.column) for f in fields if isinstance(f, Field)]
            pk = connection.ops.quote_name(str(model._meta.pk.column))
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"SELECT {pk}, {', '.join(quoted)} FROM {table}")  # noqa: S608
                rows = cursor.fetchall()
                for row in rows:
                    values = [reencrypt(v) if v is not None else None for v in row[1:]]
                    assignments = ", ".join(f"{c} = %s" for c in quoted)
                    cursor.execute(
                        f"UPDATE {table} SET {assignments} WHERE {pk} = %s",  # noqa: S608
                        [*values, row[0]],
                    )
                total += len(rows)
            self.stdout.write(f"{model._meta.label}: {len(rows)} rows re-encrypted")
        self.stdout.write(self.style.SUCCESS(f"Done: {total} rows under the first key."))
