"""Recall of messages before their value date (SPEC §10): the page; the rule is messaging.recall."""
