"""Operations: health and readiness endpoints, Prometheus metrics, the worker's heartbeat,
request guards (bad input, body size limits, an unreachable database), JSON logs and backups."""
