"""A small OpenID Connect provider (django-oidc-provider) for the single sign-on tests: its own
Django project, started as a subprocess on a free loopback port by `provider.start()`."""
