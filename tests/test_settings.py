"""Settings come from the environment; with DEBUG off the app refuses to start half-configured."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis

ROOT = Path(__file__).resolve().parent.parent
GOOD = {
    "SECRET_KEY": "a-real-secret-key-for-this-test-0123456789",
    "ALLOWED_HOSTS": "news.example.com",
    "DEBUG": "",
}


def django(code: str, **environment) -> subprocess.CompletedProcess:
    """Run ``code`` after django.setup() in a fresh interpreter with ``environment``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DATABASE_URL", "REDIS_URL"}
    }
    env.update(DJANGO_SETTINGS_MODULE="newsroom.settings", **environment)
    script = f"import django; django.setup(); {code}"
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("missing", "words"),
    [
        ("SECRET_KEY", "SECRET_KEY must be set"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS must list"),
    ],
)
def test_without_debug_the_app_refuses_to_start_and_says_what_is_missing(missing, words):
    environment = {**GOOD, missing: ""}

    result = django("print('started')", **environment)

    assert result.returncode != 0
    assert "started" not in result.stdout
    assert words in result.stderr


def test_a_placeholder_secret_key_is_not_accepted():
    result = django("print('started')", **{**GOOD, "SECRET_KEY": "django-insecure-changeme"})

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_with_debug_on_development_defaults_apply():
    result = django(
        "from django.conf import settings; print(settings.ALLOWED_HOSTS, settings.TIME_ZONE)",
        DEBUG="1",
    )

    assert result.returncode == 0, result.stderr
    assert "'127.0.0.1'" in result.stdout and "Asia/Shanghai" in result.stdout


def test_an_unknown_time_zone_is_refused_by_name():
    result = django("print('started')", **GOOD, TIME_ZONE="Mars/Olympus")

    assert result.returncode != 0
    assert "TIME_ZONE='Mars/Olympus' is not a time zone name" in result.stderr


def test_postgres_database_url_uses_psycopg_with_the_connection_pool():
    result = django(
        "from django.conf import settings; d = settings.DATABASES['default'];"
        "print(d['ENGINE'], d['NAME'], d['HOST'], bool(d['OPTIONS']['pool']))",
        **GOOD,
        DATABASE_URL="postgres://editor@db.internal:5432/newsroom",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "newsroom",
        "db.internal",
        "True",
    ]


def test_redis_url_makes_the_shared_cache_redis():
    key = f"settings-test-{uuid.uuid4()}"
    url = "redis://127.0.0.1:6379/15"

    result = django(
        f"from django.core.cache import cache; cache.set({key!r}, 'shared', 60);"
        "from django.core.cache import caches; print(type(caches['default']).__name__)",
        **GOOD,
        REDIS_URL=url,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "RedisCache"
    # Another process (this one) reads the value straight from Redis.
    connection = redis.Redis.from_url(url)
    try:
        assert connection.exists(f"newsroom:1:{key}")
    finally:
        connection.delete(f"newsroom:1:{key}")
