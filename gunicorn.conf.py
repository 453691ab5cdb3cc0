"""gunicorn's configuration for Newsroom (read from the repo root by `make serve`).

Environment: PORT (default 8000), BIND (overrides host and port), WEB_CONCURRENCY (workers,
default two per core plus one), GUNICORN_TIMEOUT (seconds, default 30).
"""

import gc
import multiprocessing
import os
import re
import sys
from pathlib import Path

wsgi_app = "newsroom.wsgi:application"
bind = os.environ.get("BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
# gunicorn's control socket (gunicornc), one per server: the default, one per user, would be
# taken over by a second server on the machine and removed when that one stops.
_address = re.sub(r"\W+", "-", bind)
control_socket = str(Path(__file__).resolve().parent / "var" / f"gunicorn-{_address}.ctl")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Load the app before forking so workers share its memory and a bad configuration stops the
# server at once instead of crashing each worker in turn.
preload_app = True
accesslog = "-"
errorlog = "-"
# The proxy in front of gunicorn sets X-Forwarded-* (see README, "Production").
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def when_ready(server):
    """Before the first workers are forked: load what every worker would otherwise load for
    itself (the pinyin the desk proposes slugs with), then leave what the master loaded out of
    their garbage collection: a collection writes to every object it looks at, which would copy
    the master's pages into each worker (about 25 MB more private memory per worker after a
    few thousand pages; docs/benchmarks.md, "Also measured")."""
    slugs = sys.modules.get("articles.slugs")
    if slugs is not None:  # Newsroom's app, not another served with this configuration
        slugs.load_phrases()
    gc.freeze()
