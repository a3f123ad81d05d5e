# Step 3 of 3: now that every row has one, the version is required (new tickets start at 1).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("tickets", "0006_fill_ticket_version"),
    ]

    operations = [
        migrations.AlterField(
            model_name="ticket",
            name="version",
            field=models.PositiveIntegerField(
                default=1,
                help_text="Counts the changes of the ticket: raised by one under the ticket's lock "
                          "(tickets.locking) by every write; the API's ETag.",
            ),
        ),
    ]
