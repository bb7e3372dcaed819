"""Digital Post messaging core (SPEC §13): MeMo parsing and validation.

A plain package for now: its models, and with them an AppConfig and an INSTALLED_APPS
entry, arrive with the sender API slice of issue 5.
"""
