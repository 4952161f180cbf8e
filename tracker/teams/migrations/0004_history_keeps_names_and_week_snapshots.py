"""The history keeps the names of the work on each row (AssignmentLog.target_names), and
the teams' weekly status snapshots (TeamWeekSnapshot) get their table.

What it touches: fills target_names of the rows written before, from the track or course
of the same code when it still exists (rows of deleted work keep showing their code);
reads courses.Track and courses.Course by code, a batch at a time. Reversing drops both.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


BATCH = 500


def keep_names(apps, schema_editor):
    AssignmentLog = apps.get_model("teams", "AssignmentLog")
    Track = apps.get_model("courses", "Track")
    Course = apps.get_model("courses", "Course")
    names = {}
    for code, fr, en in Track.objects.values_list("code", "name_fr", "name_en").iterator():
        names[("track", code)] = {"kind": "track", "fr": fr, "en": en}
    for code, title in Course.objects.values_list("code", "title").iterator():
        names[("course", code)] = {"kind": "course", "fr": title, "en": ""}
    rows = AssignmentLog.objects.filter(target_names={}).select_related("assignment")
    changed = []
    for log in rows.iterator(chunk_size=BATCH):
        kind = "track" if log.assignment and log.assignment.track_id else "course"
        found = names.get((kind, log.target)) or names.get(("track", log.target))
        found = found or names.get(("course", log.target))
        if found:
            log.target_names = found
            changed.append(log)
        if len(changed) >= BATCH:
            AssignmentLog.objects.bulk_update(changed, ["target_names"])
            changed = []
    AssignmentLog.objects.bulk_update(changed, ["target_names"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_audit_events"),
        ("teams", "0003_tell_members_which_teams_see_them"),
        ("courses", "0003_course_search_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="assignmentlog",
            name="target_names",
            field=models.JSONField(blank=True, default=dict, verbose_name="target's names"),
        ),
        migrations.RunPython(keep_names, migrations.RunPython.noop),
        migrations.CreateModel(
            name="TeamWeekSnapshot",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("week_start", models.DateField(verbose_name="week")),
                ("members", models.PositiveIntegerField(default=0, verbose_name="members")),
                ("status_counts", models.JSONField(default=dict, verbose_name="statuses")),
                (
                    "taken_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="taken at"
                    ),
                ),
                (
                    "team",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="week_snapshots",
                        to="accounts.team",
                    ),
                ),
            ],
            options={
                "verbose_name": "team week snapshot",
                "verbose_name_plural": "team week snapshots",
                "ordering": ["team", "-week_start"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("team", "week_start"), name="teams_week_snapshot_one_per_week"
                    )
                ],
            },
        ),
    ]
