# Step 1 of 3 (CONVENTIONS #12): add the column, nullable, so existing rows need no value yet.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("tickets", "0004_ticket_external_ref"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="version",
            field=models.PositiveIntegerField(null=True),
        ),
    ]
