# Alerts from other monitors: a secret alert token per system (added nullable, filled, then made
# unique), the "alerts" kind, and the raw payloads as received.

import django.db.models.deletion
from django.db import migrations, models

import escalade.monitoring.models


def fill_alert_tokens(apps, schema_editor):
    MonitoredAsset = apps.get_model("monitoring", "MonitoredAsset")
    for asset in MonitoredAsset.objects.filter(alert_token__isnull=True).only("pk"):
        MonitoredAsset.objects.filter(pk=asset.pk).update(alert_token=escalade.monitoring.models.new_heartbeat_token())


class Migration(migrations.Migration):

    dependencies = [
        ("monitoring", "0002_maintenance_notices_calendars_compaction"),
    ]

    operations = [
        migrations.AddField(
            model_name="monitoredasset",
            name="alert_token",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.RunPython(fill_alert_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="monitoredasset",
            name="alert_token",
            field=models.CharField(default=escalade.monitoring.models.new_heartbeat_token,
                                   help_text="Secret part of the alert webhook URLs (or the X-Escalade-Token header).",
                                   max_length=64, unique=True),
        ),
        migrations.AlterField(
            model_name='monitoredasset',
            name='kind',
            field=models.CharField(choices=[('http', 'HTTP(S)'), ('tcp', 'TCP connect'), ('heartbeat', 'Heartbeat'), ('alerts', 'Alerts from another monitor')], default='http', max_length=20),
        ),
        migrations.CreateModel(
            name='AlertPayload',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source', models.CharField(choices=[('alertmanager', 'Prometheus Alertmanager'), ('grafana', 'Grafana alerting'), ('uptime-kuma', 'Uptime Kuma'), ('healthchecks', 'healthchecks')], max_length=20)),
                ('received_at', models.DateTimeField()),
                ('content_type', models.CharField(blank=True, max_length=200)),
                ('body', models.BinaryField(help_text='The request body exactly as received.')),
                ('status', models.CharField(choices=[('received', 'Received'), ('applied', 'Applied'), ('silenced', 'Applied during maintenance (no incident)'), ('ignored', 'Ignored'), ('rejected', 'Rejected')], default='received', max_length=10)),
                ('error', models.CharField(blank=True, help_text='Why the payload was rejected.', max_length=500)),
                ('summary', models.CharField(blank=True, help_text='What the payload said, in a line.', max_length=500)),
                ('asset', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='alert_payloads', to='monitoring.monitoredasset')),
                ('result', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='monitoring.checkresult')),
            ],
            options={
                'ordering': ['-received_at', '-pk'],
                'indexes': [models.Index(fields=['asset', 'received_at'], name='monitoring_alert_asset_at')],
            },
        ),
    
    ]
