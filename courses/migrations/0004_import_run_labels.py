"""Labels only (verbose names of the import runs' fields, for the admin in French): no data
changes."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('courses', '0003_course_search_text'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='importrun',
            name='dry_run',
            field=models.BooleanField(default=False, verbose_name='preview only'),
        ),
        migrations.AlterField(
            model_name='importrun',
            name='finished',
            field=models.DateTimeField(blank=True, null=True, verbose_name='finished'),
        ),
        migrations.AlterField(
            model_name='importrun',
            name='ok',
            field=models.BooleanField(default=False, verbose_name='succeeded'),
        ),
        migrations.AlterField(
            model_name='importrun',
            name='source',
            field=models.CharField(choices=[('command', 'command line'), ('upload', 'browser upload')], max_length=16, verbose_name='from'),
        ),
        migrations.AlterField(
            model_name='importrun',
            name='started',
            field=models.DateTimeField(auto_now_add=True, verbose_name='started'),
        ),
        migrations.AlterField(
            model_name='importrun',
            name='user',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL, verbose_name='by'),
        ),
    ]
