"""Statistics: standard report subscriptions and custom reports (SPEC §11)."""
