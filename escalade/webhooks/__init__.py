"""Outbound event webhooks: subscriptions to what happens in Escalade (tickets, SLA clocks,
escalations, incidents, maintenance), delivered as Standard Webhooks through the outbox."""
