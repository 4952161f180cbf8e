"""Each learner's totals per course (StudyTotal), filled from the weekly summaries of
entries logged before it; StudyWeek's index for the totals gives way to one on recent
weeks (models.py)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Max, Min, Sum


def fill_totals(apps, schema_editor):
    """One row per learner and course, summed from the weeks (which equal the entries)."""
    StudyWeek = apps.get_model("progress", "StudyWeek")
    StudyTotal = apps.get_model("progress", "StudyTotal")
    rows = (
        StudyWeek.objects.values("user_id", "course_id")
        .annotate(minutes=Sum("minutes"), first_date=Min("first_date"), last_date=Max("last_date"))
        .order_by()
    )
    StudyTotal.objects.bulk_create((StudyTotal(**row) for row in rows.iterator()), batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('courses', '0005_phase_options'),
        ('progress', '0008_course_totals_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='StudyTotal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('minutes', models.PositiveIntegerField()),
                ('first_date', models.DateField()),
                ('last_date', models.DateField()),
            ],
            options={
                'verbose_name': 'study total',
                'verbose_name_plural': 'study totals',
            },
        ),
        migrations.RemoveIndex(
            model_name='studyweek',
            name='progress_sw_user_week_minutes',
        ),
        migrations.RemoveIndex(
            model_name='studyweek',
            name='progress_sw_course_totals',
        ),
        migrations.AddIndex(
            model_name='studyweek',
            index=models.Index(fields=['user', 'week_start', 'course', 'minutes'], name='progress_sw_user_week_course'),
        ),
        migrations.AddField(
            model_name='studytotal',
            name='course',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='courses.course'),
        ),
        migrations.AddField(
            model_name='studytotal',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddConstraint(
            model_name='studytotal',
            constraint=models.UniqueConstraint(fields=('user', 'course'), name='progress_studytotal_unique'),
        ),
        migrations.AddConstraint(
            model_name='studytotal',
            constraint=models.CheckConstraint(condition=models.Q(('minutes__gt', 0)), name='progress_studytotal_minutes_positive'),
        ),
        migrations.AddConstraint(
            model_name='studytotal',
            constraint=models.CheckConstraint(condition=models.Q(('last_date__gte', models.F('first_date'))), name='progress_studytotal_dates_in_order'),
        ),
        migrations.RunPython(fill_totals, migrations.RunPython.noop),
    ]
