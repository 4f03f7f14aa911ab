"""The activity log is append-only: the database itself refuses UPDATE and DELETE on it, so no
ORM path, raw SQL from the app or admin action can rewrite the record. (Emptying the whole
database, `manage.py flush`, is an operator's deliberate act: PostgreSQL's TRUNCATE fires no row
trigger, and on SQLite the flush command lifts the triggers for its duration.)"""

from django.db import migrations

from roundtable.commitments.append_only import CREATE, DROP


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(
                f"No append-only trigger for {schema_editor.connection.vendor}: the activity "
                "log would be writable."
            )
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("commitments", "0001_initial")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
