"""Moving data in and out: `escalade export DIR`, `escalade import escalade DIR` and
`escalade import django-helpdesk DATABASE_URL`."""
