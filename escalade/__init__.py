"""Escalade: a self-hosted support desk that runs your Support & Escalation policy."""

__version__ = "0.1.0"
