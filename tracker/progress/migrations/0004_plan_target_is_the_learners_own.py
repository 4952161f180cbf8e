"""A plan's target date is the learner's own: the due dates that assignments copied into
plans (target_source "assignment") are cleared, since the progress model now reads them
from the assignments themselves, and the column saying where a target came from goes."""

from django.db import migrations


def clear_copied_due_dates(apps, schema_editor):
    Plan = apps.get_model("progress", "Plan")
    Plan.objects.filter(target_source="assignment").update(target_date=None)


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0003_study_timer"),
    ]

    operations = [
        migrations.RunPython(clear_copied_due_dates, migrations.RunPython.noop),
        migrations.RemoveField(model_name="plan", name="target_source"),
    ]
