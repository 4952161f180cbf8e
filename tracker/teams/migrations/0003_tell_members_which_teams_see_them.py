"""Memberships made before invitations stay: they were made under the old rule, and
taking people out of their teams would lose their managers' follow-up. Each member is
told once, in the app, which teams see their progress and who manages them (they can
leave from their profile).

What it touches: it reads accounts.Membership, accounts.Team and the teams' managers,
changes none of them, and writes one reminders.Notification (kind "team_visibility")
per person who is a member of at least one team. Reversing deletes those notices.
"""

from collections import defaultdict

from django.db import migrations

KIND = "team_visibility"
BATCH = 500


def tell_members(apps, schema_editor):
    notify_members(apps, KIND)


def notify_members(apps, kind: str) -> None:
    """One notice of `kind` per member of at least one team, listing their teams and each
    team's managers (0005 tells the same people that certificates are now shown)."""
    Membership = apps.get_model("accounts", "Membership")
    Team = apps.get_model("accounts", "Team")
    Notification = apps.get_model("reminders", "Notification")
    managers: dict[int, list[str]] = defaultdict(list)
    for team_id, name, email in (
        Team.managers.through.objects.order_by("user__name", "user__email").values_list(
            "team_id", "user__name", "user__email"
        )
    ):
        managers[team_id].append(name or email)
    teams_of: dict[int, list[dict]] = defaultdict(list)
    for user_id, team_id, team_name in Membership.objects.order_by("team__name").values_list(
        "user_id", "team_id", "team__name"
    ):
        teams_of[user_id].append({"team": team_name, "managers": managers[team_id]})
    Notification.objects.bulk_create(
        [
            Notification(user_id=user_id, kind=kind, params={"teams": teams})
            for user_id, teams in teams_of.items()
        ],
        batch_size=BATCH,
    )


def forget(apps, schema_editor):
    apps.get_model("reminders", "Notification").objects.filter(kind=KIND).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("teams", "0002_invitations"),
        ("accounts", "0003_audit_events"),
        ("reminders", "0002_notification_kind_params"),
    ]

    operations = [migrations.RunPython(tell_members, forget)]
