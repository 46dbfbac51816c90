"""The database: models, engines, migrations, loading the plan catalogue, and backup.

See :mod:`.models`, :mod:`.db`, :mod:`.migrate`, :mod:`.load`, :mod:`.backup` and
``docs/storage.md``.
"""
