"""Import from django-helpdesk (`escalade import django-helpdesk DATABASE_URL`): its queues, users,
tickets, follow-ups and attachments, read from its database (SQLite or PostgreSQL) with plain SQL,
so django-helpdesk itself is never needed."""
