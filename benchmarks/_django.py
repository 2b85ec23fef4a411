"""Django for a benchmark script: a scratch database and folder, DEBUG off as in production
(with a throwaway secret key, since DEBUG off asks for one), migrated. ``DATABASE_URL`` may
name another database (PostgreSQL); it is used as given."""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def start(*, migrate: bool = True) -> Path:
    """Set up Django once for this process; returns the scratch folder."""
    sys.path.insert(0, str(ROOT))
    scratch = Path(tempfile.mkdtemp(prefix="wps-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wpsfollowup.settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}")
    os.environ.setdefault("WPS_VAR_DIR", str(scratch))
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
    return scratch
