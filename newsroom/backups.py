"""Whole backups of the database: every article, draft, revision, correction, section, person
and setting, restored exactly (``manage.py backup`` and ``manage.py restore``).

PostgreSQL's are made and read by its own tools, ``pg_dump`` (custom format) and
``pg_restore``; SQLite's by SQLite's online backup, a consistent copy of the file even while
the site writes to it. ``export_articles`` is no backup: it holds only published articles.
"""

import os
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection


class BackupError(Exception):
    """What went wrong, in words to show."""


def _postgres_arguments() -> tuple[list[str], dict]:
    """pg_dump's and pg_restore's connection options, and the password in their environment."""
    settings = connection.settings_dict
    arguments = [f"--dbname={settings['NAME']}"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            arguments.append(f"{option}={settings[key]}")
    environment = {**os.environ}
    if settings.get("PASSWORD"):
        environment["PGPASSWORD"] = settings["PASSWORD"]
    return arguments, environment


def _run(command: list[str], environment: dict) -> None:
    try:
        done = subprocess.run(command, env=environment, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL's client tools)") from error
    if done.returncode != 0:
        raise BackupError(done.stderr.strip() or f"{command[0]} failed")


def back_up(path: Path) -> None:
    if connection.vendor == "postgresql":
        arguments, environment = _postgres_arguments()
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={path}", *arguments],
             environment)  # fmt: skip
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        try:
            with sqlite3.connect(path) as target:
                connection.connection.backup(target)
            target.close()
        except sqlite3.Error as error:
            raise BackupError(str(error)) from error
    else:
        raise BackupError(f"backups of {connection.vendor} are not supported")


def is_empty() -> bool:
    """Whether the database has no tables at all (a restore creates them)."""
    return not connection.introspection.table_names()


def restore(path: Path) -> None:
    if connection.vendor == "postgresql":
        arguments, environment = _postgres_arguments()
        # All or nothing, and without the source's grants (its roles need not exist here).
        _run(["pg_restore", "--no-owner", "--no-acl", "--single-transaction", "--exit-on-error",
              *arguments, str(path)], environment)  # fmt: skip
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        try:
            # As a URI (read only), built so that a #, ? or % in the name is part of it.
            with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as source:
                source.backup(connection.connection)
            source.close()
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{path} is not an SQLite backup ({error})") from error
    else:
        raise BackupError(f"backups of {connection.vendor} are not supported")
    connection.close()  # what this process knew of the database is gone
    if is_empty():
        raise BackupError(f"{path} held no tables: nothing was restored")
