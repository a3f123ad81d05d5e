"""Alerts in: other monitors (Prometheus Alertmanager, Grafana, Uptime Kuma, healthchecks) post to a
URL per monitored system; each alert becomes a check result of that system, so the policy's
failure count, incident category and level, recovery and maintenance windows all apply."""
