# Step 2 of 3: every existing ticket starts at version 1 (one statement, not a loop over rows).

from django.db import migrations


def fill_versions(apps, schema_editor):
    Ticket = apps.get_model("tickets", "Ticket")
    Ticket.objects.filter(version__isnull=True).update(version=1)


class Migration(migrations.Migration):

    dependencies = [
        ("tickets", "0005_ticket_version"),
    ]

    operations = [
        migrations.RunPython(fill_versions, migrations.RunPython.noop),
    ]
