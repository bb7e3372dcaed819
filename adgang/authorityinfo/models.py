"""Authority information: privacy-policy link and logo (SPEC §9)."""
