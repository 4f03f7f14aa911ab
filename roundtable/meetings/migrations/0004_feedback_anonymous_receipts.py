# Anonymous feedback, step 2 of 3: feedback given in circles whose feedback is anonymous loses
# its author (a receipt stops a second answer instead), every feedback keeps only the day it was
# given, and every feedback gets a random key so the old sequence no longer tells the order of
# giving. Alone in its migration: PostgreSQL refuses to alter a table with pending row changes.

import datetime as dt
import random

from django.db import migrations

from roundtable.core.anonymity import random_id, receipt_digest


def make_anonymous(apps, schema_editor):
    Feedback = apps.get_model("meetings", "Feedback")
    FeedbackReceipt = apps.get_model("meetings", "FeedbackReceipt")
    rows = list(
        Feedback.objects.values_list("pk", "meeting_id", "member_id", "created_at",
                                     "meeting__circle__feedback_anonymous")
    )  # fmt: skip
    random.SystemRandom().shuffle(rows)  # receipts are written in no telling order
    for pk, meeting_id, member_id, created_at, anonymous in rows:
        changes = {"given_on": created_at.astimezone(dt.UTC).date(), "id": random_id()}
        if anonymous:
            FeedbackReceipt.objects.create(
                meeting_id=meeting_id,
                digest=receipt_digest(f"meeting-feedback:{meeting_id}", member_id),
            )
            changes.update(member_id=None, anonymous=True)
        Feedback.objects.filter(pk=pk).update(**changes)


class Migration(migrations.Migration):
    dependencies = [
        ("circles", "0004_formation_runs"),
        ("meetings", "0003_feedback_anonymous_fields"),
    ]

    operations = [migrations.RunPython(make_anonymous, migrations.RunPython.noop)]
