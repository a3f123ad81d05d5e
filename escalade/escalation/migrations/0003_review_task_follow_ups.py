# Follow-up tasks after a resolution (policy `follow_ups`): a title, a due time and who hears when overdue.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('escalation', '0002_management_concerns'),
        ('tickets', '0003_priority_change_request'),
    ]

    operations = [
        migrations.AddField(
            model_name='reviewtask',
            name='due_at',
            field=models.DateTimeField(blank=True, help_text='When a follow-up task is due (UTC).', null=True),
        ),
        migrations.AddField(
            model_name='reviewtask',
            name='overdue_to',
            field=models.CharField(blank=True, help_text='The role told once when the follow-up task is overdue.', max_length=100),
        ),
        migrations.AddField(
            model_name='reviewtask',
            name='title',
            field=models.CharField(blank=True, help_text='What a follow-up task is, e.g. Root cause analysis.', max_length=200),
        ),
        migrations.AlterField(
            model_name='reviewtask',
            name='kind',
            field=models.CharField(default='review', help_text='review, call or follow_up', max_length=20),
        ),
        migrations.AddConstraint(
            model_name='reviewtask',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'follow_up')), fields=('ticket', 'title'), name='one_follow_up_per_ticket_and_title'),
        ),
    ]
