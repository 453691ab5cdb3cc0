"""Newsroom as it is deployed, for tests that need more than one process: gunicorn with the repo's
configuration, management commands run as other processes would run them, Varnish in front."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SECRET = "servers-test-secret-key-0123456789abcdefghijklmnop"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def site_environment(database_url: str, **extra: str) -> dict:
    """The environment of a production-like site (DEBUG off) on ``database_url``, without Redis
    unless ``extra`` names one."""
    environment = {name: value for name, value in os.environ.items() if name != "REDIS_URL"}
    environment.update(
        DEBUG="",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        **extra,
    )
    return environment


def manage(environment: dict, *arguments: str) -> str:
    """Run a management command in a process of its own; its output."""
    done = subprocess.run(
        [str(BIN / "python"), "manage.py", *arguments],
        cwd=ROOT, env=environment, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def start_gunicorn(environment: dict, port: int, workers: int) -> subprocess.Popen:
    """gunicorn with gunicorn.conf.py, as ``make serve`` starts it; returns once it answers."""
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "--no-control-socket"],
        cwd=ROOT, env={**environment, "PORT": str(port), "WEB_CONCURRENCY": str(workers)},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    wait_until_answering(f"http://127.0.0.1:{port}/robots.txt", server)
    return server


def start_varnish(backend_port: int, port: int, workdir: Path) -> subprocess.Popen:
    """Debian's Varnish with deploy/varnish.vcl, in front of the app server on
    ``backend_port``."""
    vcl = (ROOT / "deploy" / "varnish.vcl").read_text()
    vcl = re.sub(r'\.port = "\d+";', f'.port = "{backend_port}";', vcl, count=1)
    (workdir / "site.vcl").write_text(vcl)
    varnish = subprocess.Popen(
        [shutil.which("varnishd") or "/usr/sbin/varnishd", "-F", "-j", "none",
         "-n", str(workdir / "varnish"), "-a", f"127.0.0.1:{port}",
         "-f", str(workdir / "site.vcl"), "-s", "malloc,64m"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    wait_until_answering(f"http://127.0.0.1:{port}/robots.txt", varnish)
    return varnish


def wait_until_answering(url: str, process: subprocess.Popen) -> None:
    for _ in range(300):
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.05)
    process.kill()
    raise AssertionError(process.stderr.read().decode()[-3000:])


def stop(*processes: subprocess.Popen) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def get(url: str, **headers: str) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def desk_account(username: str, password: str):
    """A superuser whose password the app servers, with their own (production) hasher,
    accept: the tests' fast hasher is theirs alone."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User

    user = User.objects.create_superuser(username)
    user.password = make_password(password, hasher="pbkdf2_sha256")
    user.save()
    return user
