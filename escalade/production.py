"""What production mode refuses. `escalade serve`, `escalade worker` and the WSGI module run in
production mode unless `ESCALADE_ENV=development`; `escalade demo` and the tests run in
development mode. Settings call `refusal()` and stop with its one line."""

from __future__ import annotations

MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_DISTINCT = 5

# Keys people copy from tutorials, templates and our own docs: never secret.
KNOWN_DEFAULT_KEYS = frozenset({
    "changeme", "change-me", "change_me", "secret", "secretkey", "secret-key", "secret_key", "insecure",
    "development", "dev", "test", "x", "django-insecure",
})
KNOWN_DEFAULT_PREFIXES = ("django-insecure-", "change-me", "changeme", "<")

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]", "testserver"})


def secret_key_problem(key: str | None) -> str | None:
    """Why `key` is no production secret key (None: it is one)."""
    if not key:
        return "SECRET_KEY is not set; production needs one of 50 or more random characters " \
               "(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
    lowered = key.strip().lower()
    if lowered in KNOWN_DEFAULT_KEYS or lowered.startswith(KNOWN_DEFAULT_PREFIXES):
        return "SECRET_KEY is a well-known example value; generate your own " \
               "(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
    if len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < MIN_SECRET_KEY_DISTINCT:
        return f"SECRET_KEY is too short or too plain ({len(key)} characters); production needs " \
               f"{MIN_SECRET_KEY_LENGTH} or more random characters"
    return None


def debug_problem(debug: bool, allowed_hosts: list[str]) -> str | None:
    """Why DEBUG may not be on for these hosts (None: it may)."""
    public = [host for host in allowed_hosts if host.lower() not in LOCAL_HOSTS]
    if debug and public:
        return f"DEBUG=true shows source code and settings to anyone; turn it off for ALLOWED_HOSTS={','.join(public)}"
    return None


def refusal(*, debug: bool, allowed_hosts: list[str], secret_key: str | None) -> str | None:
    """The first reason production mode must not start, in one line, or None."""
    return debug_problem(debug, allowed_hosts) or secret_key_problem(secret_key)
