"""``flush``, as Django's, but able to empty the status updates on SQLite.

The append-only triggers (migration 0004) refuse every DELETE of a status update. Emptying
the whole database is not a change to anyone's history, so this command lifts them for the
length of its one transaction and puts them back. PostgreSQL needs nothing: its flush is a
TRUNCATE, which row triggers do not see. Test runs use this between transactional tests.
"""

from __future__ import annotations

from importlib import import_module

from django.core.management.commands import flush
from django.db import connections, transaction

_triggers = import_module("recommendations.migrations.0004_issue12_status_update_triggers")


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        with transaction.atomic(using=connection.alias):
            _triggers.drop_triggers(connection)
            try:
                return super().handle(**options)
            finally:
                _triggers.create_triggers(connection)
