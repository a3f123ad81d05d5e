# Escalade: one image for every process (web, worker, mail listener); compose.yaml runs them.
# Installed with the README's own commands, plus the PostgreSQL driver and client.
FROM python:3.11-slim-bookworm

# postgresql-client (15 on bookworm) gives `escalade backup` its pg_dump and pg_restore; their major
# version must match the server's (compose.yaml runs PostgreSQL 15).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 escalade
WORKDIR /app
COPY . /app
RUN python3 -m venv .venv && .venv/bin/pip install --no-cache-dir -e '.[postgres]' \
    && mkdir -p /data && chown escalade:escalade /data

ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    ESCALADE_DATA_DIR=/data
USER escalade
VOLUME ["/data"]
EXPOSE 8000 8025

HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["escalade", "serve", "--host", "0.0.0.0", "--port", "8000"]
