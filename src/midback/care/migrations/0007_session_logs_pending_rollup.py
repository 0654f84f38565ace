# Session logs carry whether their day's rollup counts them, so log submit needs no second write.

from django.db import migrations, models

HELP = "counted in its day's PatientDay (care/rollup.py)"


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0006_clinic_api"),
    ]

    operations = [
        # Logs stored before this were rolled up after their commit (and `serve` rebuilt the
        # rest), so they start as rolled up; new logs start pending.
        migrations.AddField(
            model_name="sessionlog",
            name="rolled_up",
            field=models.BooleanField(default=True, help_text=HELP),
        ),
        migrations.AlterField(
            model_name="sessionlog",
            name="rolled_up",
            field=models.BooleanField(default=False, help_text=HELP),
        ),
        migrations.AddIndex(
            model_name="sessionlog",
            index=models.Index(
                condition=models.Q(("rolled_up", False)),
                fields=["clinic", "patient", "block_day"],
                name="sessionlog_pending_rollup",
            ),
        ),
    ]
