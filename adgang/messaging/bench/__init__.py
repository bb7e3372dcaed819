"""The Digital Post suites of `manage.py bench` (issue 10, DESIGN "Performance method"):
`ingest`, `bulk` and `delivery`, each a module with `run(**options) -> dict`.

They measure the real stack: a gunicorn subprocess serving `adgang.wsgi:application` against
the bench database (`server.py`), the real delivery worker in worker processes, and beside
each figure a baseline doing the same logical work in the same run (`baseline.py`).
"""
