"""Newsroom's settings for the test suite: the same as production's but for password hashing.

A real PBKDF2 hash costs most of a second on our machines; tests hash with MD5. PBKDF2 stays
listed so a test can make a password an app server started with newsroom.settings accepts.
"""

from newsroom.settings import *  # noqa: F403

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
