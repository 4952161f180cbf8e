"""The readiness board (issue 20) shows a team's managers their members' certificates
(names, issuers and validity dates), which members had not been told when they joined:
the invitation now says so, and each person already in a team is told once, in the app,
which teams now see their certificates (they can leave from their profile).

What it touches: it reads accounts.Membership, accounts.Team and the teams' managers,
changes none of them, and writes one reminders.Notification (kind
"team_certificates_visible") per person who is a member of at least one team. Reversing
deletes those notices.
"""

import importlib

from django.db import migrations

KIND = "team_certificates_visible"


def tell_members(apps, schema_editor):
    earlier = importlib.import_module(
        "tracker.teams.migrations.0003_tell_members_which_teams_see_them"
    )
    earlier.notify_members(apps, KIND)


def forget(apps, schema_editor):
    apps.get_model("reminders", "Notification").objects.filter(kind=KIND).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("teams", "0004_history_keeps_names_and_week_snapshots"),
        ("reminders", "0005_manager_messages"),
    ]

    operations = [migrations.RunPython(tell_members, forget)]
