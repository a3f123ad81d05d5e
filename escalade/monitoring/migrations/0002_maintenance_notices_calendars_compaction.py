# Maintenance notices, calendar feed tokens and hourly result summaries (issue #7).

import django.db.models.deletion
import escalade.monitoring.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('monitoring', '0001_monitored_assets'),
        ('orgs', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='maintenancewindow',
            name='cancelled_at',
            field=models.DateTimeField(blank=True, help_text='Cancelled windows stop no incident and exclude nothing.', null=True),
        ),
        migrations.AddField(
            model_name='maintenancewindow',
            name='revised_at',
            field=models.DateTimeField(blank=True, help_text='Last reschedule or cancellation.', null=True),
        ),
        migrations.AddField(
            model_name='maintenancewindow',
            name='sequence',
            field=models.PositiveIntegerField(default=0, help_text='Revision: bumped by every reschedule or cancellation (iCalendar SEQUENCE).'),
        ),
        migrations.AlterField(
            model_name='maintenancewindow',
            name='announced_at',
            field=models.DateTimeField(help_text='When customers were told of the times now in force (a reschedule that adds time re-announces).'),
        ),
        migrations.CreateModel(
            name='CalendarFeed',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token', models.CharField(default=escalade.monitoring.models.new_calendar_token, max_length=64, unique=True)),
                ('created_at', models.DateTimeField()),
                ('organisation', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='maintenance_calendar', to='orgs.organisation')),
            ],
        ),
        migrations.CreateModel(
            name='CheckSummary',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('hour', models.DateTimeField(help_text='Start of the UTC hour; covers results at [hour, hour + 1 h).')),
                ('up_count', models.PositiveIntegerField(default=0)),
                ('down_count', models.PositiveIntegerField(default=0)),
                ('excluded_count', models.PositiveIntegerField(default=0)),
                ('failed_count', models.PositiveIntegerField(default=0, help_text='Failed checks, excluded ones included.')),
                ('up_seconds', models.PositiveBigIntegerField(default=0)),
                ('down_seconds', models.PositiveBigIntegerField(default=0)),
                ('excluded_seconds', models.PositiveBigIntegerField(default=0)),
                ('last_down_at', models.DateTimeField(blank=True, help_text='Last counted failed check (claim window).', null=True)),
                ('asset', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='summaries', to='monitoring.monitoredasset')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('asset', 'hour'), name='monitoring_summary_once_per_hour')],
            },
        ),
        migrations.CreateModel(
            name='MaintenanceNotice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('scheduled', 'Scheduled'), ('updated', 'Rescheduled'), ('reminder', 'Reminder before the start'), ('ended', 'Ended'), ('cancelled', 'Cancelled')], max_length=10)),
                ('sequence', models.PositiveIntegerField(help_text="The window's revision this notice is about.")),
                ('due_at', models.DateTimeField()),
                ('status', models.CharField(choices=[('pending', 'Pending'), ('sent', 'Sent'), ('superseded', 'Superseded (not sent)')], default='pending', max_length=10)),
                ('sent_at', models.DateTimeField(blank=True, null=True)),
                ('messages', models.PositiveIntegerField(default=0, help_text='Outbox messages queued (recipient × channel).')),
                ('window', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notices', to='monitoring.maintenancewindow')),
            ],
            options={
                'indexes': [models.Index(condition=models.Q(('status', 'pending')), fields=['due_at'], name='maintenance_notice_due')],
                'constraints': [models.UniqueConstraint(fields=('window', 'kind', 'sequence'), name='maintenance_notice_once')],
            },
        ),
    ]
