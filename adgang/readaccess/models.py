"""Read access to a citizen's Digital Post (SPEC §8)."""
