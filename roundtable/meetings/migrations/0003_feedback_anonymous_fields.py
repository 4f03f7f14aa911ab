# Anonymous feedback, step 1 of 3: the new columns and the receipts table, before the data moves.

import django.db.models.deletion
from django.db import migrations, models

import roundtable.core.anonymity


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0002_notes_history_agenda_order"),
        ("orgs", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="FeedbackReceipt",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        default=roundtable.core.anonymity.random_id,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("digest", models.CharField(max_length=64, unique=True)),
                (
                    "meeting",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="feedback_receipts",
                        to="meetings.meeting",
                    ),
                ),
            ],
        ),
        migrations.RemoveConstraint(model_name="feedback", name="feedback_once_per_member"),
        migrations.AddField(
            model_name="feedback",
            name="anonymous",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="The circle's setting when it was given; later changes leave it as it is.",
            ),
        ),
        migrations.AddField(
            model_name="feedback",
            name="given_on",
            field=models.DateField(
                null=True, help_text="The day (UTC) it was given; never a finer time."
            ),
        ),
        migrations.AlterField(
            model_name="feedback",
            name="member",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty when the feedback was given anonymously.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="feedback",
                to="orgs.member",
            ),
        ),
        migrations.AddConstraint(
            model_name="feedback",
            constraint=models.UniqueConstraint(
                models.F("meeting"),
                models.F("member"),
                condition=models.Q(("member__isnull", False)),
                name="feedback_once_per_member",
            ),
        ),
    ]
