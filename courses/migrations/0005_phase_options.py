"""A course can be an option of phases of several tracks (issue 18): the phase's options
become a many-to-many through PhaseOption, filled from each course's home phase."""

import django.db.models.deletion
from django.db import migrations, models


def fill_from_home_phases(apps, schema_editor):
    Course = apps.get_model("courses", "Course")
    PhaseOption = apps.get_model("courses", "PhaseOption")
    PhaseOption.objects.bulk_create(
        PhaseOption(phase_id=phase_id, course_id=course_id)
        for course_id, phase_id in Course.objects.filter(phase__isnull=False).values_list(
            "id", "phase_id"
        )
    )


class Migration(migrations.Migration):
    dependencies = [("courses", "0004_import_run_labels")]

    operations = [
        migrations.AlterField(
            model_name="course",
            name="phase",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="home_options",
                to="courses.phase",
            ),
        ),
        migrations.CreateModel(
            name="PhaseOption",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("shared", models.BooleanField(default=False)),
                (
                    "course",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="phase_links",
                        to="courses.course",
                    ),
                ),
                (
                    "phase",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="option_links",
                        to="courses.phase",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("phase", "course"), name="courses_phaseoption_unique"
                    )
                ]
            },
        ),
        migrations.AddField(
            model_name="phase",
            name="options",
            field=models.ManyToManyField(
                blank=True, related_name="phases", through="courses.PhaseOption", to="courses.course"
            ),
        ),
        migrations.RunPython(fill_from_home_phases, migrations.RunPython.noop),
    ]
