"""Moving an authority's post off the platforms (SPEC §12)."""
