"""Rate limits kept in the database: one token bucket per (kind, key), shared by every process."""
