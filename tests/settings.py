"""Newsroom's settings for the test suite: the same as production's but for two things.

A real PBKDF2 hash costs most of a second on our machines; tests hash with MD5. PBKDF2 stays
listed so a test can make a password an app server started with newsroom.settings accepts.

Most tests run inside a transaction that never commits, so PostgreSQL never sends their changes'
notifications: the page cache asks the database on every request instead, as on SQLite. The
tests of the notified copy (test_known_changes.py) turn it back on and commit for real.
"""

from newsroom.settings import *  # noqa: F403

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
PAGE_CACHE_LISTENS = False
