"""mine_db: the mine-site database (schema, validation, loaders, gap filling, bundled default)."""

from mine_db.errors import InputError

__all__ = ["InputError"]
