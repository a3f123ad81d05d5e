"""The audit trail becomes a sequenced Merkle log (docs/decisions/0002-audit-log.md).

The events of the old hash chain keep their sequence numbers and order: each gets its leaf hash and
its organisation (from its ticket), and the log's state (tree size, frontier, root) is built over
them. The sequencer signs the first checkpoint of that tree when the worker next runs. The global
head row and the per-event chain hashes go."""

import datetime as dt
import hashlib
import json

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _leaf(event) -> bytes:
    # As escalade.audit.chain.leaf_content and verifier.leaf_hash (format 1), written out here so
    # that later changes of the code cannot change what this migration seals.
    content = {
        "seq": event.seq,
        "at": event.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": event.actor,
        "actor_user": event.actor_user_id,
        "action": event.action,
        "object": f"{event.object_type}:{event.object_id}",
        "ticket": event.ticket_id,
        "organisation": event.organisation_id,
        "before": event.before,
        "after": event.after,
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(b"\x00" + text.encode()).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def seal_the_hash_chain(apps, schema_editor):
    Event = apps.get_model("audit", "Event")
    Ticket = apps.get_model("tickets", "Ticket")
    LogState = apps.get_model("audit", "LogState")
    owners = dict(Ticket.objects.values_list("pk", "organisation_id"))
    frontier, size, batch = [], 0, []
    for event in Event.objects.order_by("seq").iterator(chunk_size=2000):
        if event.ticket_id is not None:
            event.organisation_id = owners.get(event.ticket_id)
        leaf = _leaf(event)
        event.leaf_hash = leaf.hex()
        h, s = leaf, size
        while s & 1:
            h = _node(frontier.pop(), h)
            s >>= 1
        frontier.append(h)
        size += 1
        batch.append(event)
        if len(batch) == 2000:
            Event.objects.bulk_update(batch, ["leaf_hash", "organisation_id"])
            batch = []
    Event.objects.bulk_update(batch, ["leaf_hash", "organisation_id"])
    root = frontier[-1] if frontier else hashlib.sha256(b"").digest()
    for left in reversed(frontier[:-1]):
        root = _node(left, root)
    LogState.objects.create(pk=1, tree_size=size, frontier=[h.hex() for h in frontier], root_hash=root.hex())


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0001_initial'),
        ('tickets', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Checkpoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('tree_size', models.BigIntegerField(unique=True)),
                ('root_hash', models.CharField(max_length=64)),
                ('origin', models.CharField(max_length=200)),
                ('timestamp', models.CharField(help_text='When it was signed (ISO 8601, UTC), as signed.', max_length=40)),
                ('key_id', models.CharField(max_length=16)),
                ('signature', models.CharField(help_text="Ed25519 signature (base64) of the checkpoint's text.", max_length=100)),
            ],
            options={
                'ordering': ['-tree_size'],
            },
        ),
        migrations.CreateModel(
            name='LogState',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('tree_size', models.BigIntegerField(default=0)),
                ('frontier', models.JSONField(blank=True, default=list)),
                ('root_hash', models.CharField(blank=True, max_length=64)),
                ('published_at', models.DateTimeField(blank=True, help_text='When a checkpoint last went to the auditor.', null=True)),
            ],
        ),
        migrations.AlterModelOptions(
            name='event',
            options={'ordering': ['id']},
        ),
        migrations.AddField(
            model_name='event',
            name='leaf_hash',
            field=models.CharField(blank=True, help_text='Its leaf in the Merkle tree (hex), once sealed.', max_length=64),
        ),
        migrations.AddField(
            model_name='event',
            name='organisation_id',
            field=models.BigIntegerField(blank=True, db_index=True, help_text="The customer the event is about (what an organisation's audit export contains).", null=True),
        ),
        migrations.AddField(
            model_name='event',
            name='sequenced_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='event',
            name='actor_user',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='event',
            name='seq',
            field=models.BigIntegerField(blank=True, help_text='Position in the log, from 1; empty until the sequencer seals the event (seconds).', null=True, unique=True),
        ),
        migrations.AddIndex(
            model_name='event',
            index=models.Index(condition=models.Q(('seq__isnull', True)), fields=['id'], name='audit_event_unsealed'),
        ),
        migrations.RunPython(seal_the_hash_chain, migrations.RunPython.noop),
        migrations.DeleteModel(
            name='AuditHead',
        ),
        migrations.RemoveField(
            model_name='event',
            name='hash',
        ),
        migrations.RemoveField(
            model_name='event',
            name='prev_hash',
        ),
    ]
