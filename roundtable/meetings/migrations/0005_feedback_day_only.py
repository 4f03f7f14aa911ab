# Anonymous feedback, step 3 of 3: no feedback keeps a time finer than its day, keys are random
# from now on, and an anonymous feedback can never hold a member.

from django.db import migrations, models

import roundtable.core.anonymity


class Migration(migrations.Migration):
    dependencies = [("meetings", "0004_feedback_anonymous_receipts")]

    operations = [
        migrations.AlterModelOptions(name="feedback", options={"ordering": ["given_on", "id"]}),
        migrations.RemoveField(model_name="feedback", name="created_at"),
        migrations.RemoveField(model_name="feedback", name="updated_at"),
        migrations.AlterField(
            model_name="feedback",
            name="given_on",
            field=models.DateField(help_text="The day (UTC) it was given; never a finer time."),
        ),
        migrations.AlterField(
            model_name="feedback",
            name="id",
            field=models.BigIntegerField(
                default=roundtable.core.anonymity.random_id,
                editable=False,
                primary_key=True,
                serialize=False,
            ),
        ),
        migrations.AddConstraint(
            model_name="feedback",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("anonymous", True), ("member__isnull", True)),
                    models.Q(("anonymous", False), ("member__isnull", False)),
                    _connector="OR",
                ),
                name="feedback_anonymous_has_no_member",
            ),
        ),
    ]
