"""Course.search_text: the searchable fields folded (courses.search), filled for the
courses already in the database so the catalogue's search finds them at once."""

from django.db import migrations, models

from courses.search import search_text


def fill_search_text(apps, schema_editor):
    Course = apps.get_model("courses", "Course")
    courses = list(
        Course.objects.only("code", "title", "provider", "body_md", "competency_names")
    )
    for course in courses:
        course.search_text = search_text(
            code=course.code,
            title=course.title,
            provider=course.provider,
            body_md=course.body_md,
            competency_names=course.competency_names,
        )
    Course.objects.bulk_update(courses, ["search_text"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0002_staged_upload"),
    ]

    operations = [
        migrations.AddField(
            model_name="course",
            name="search_text",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop, elidable=True),
    ]
