"""``make bench``: Newsroom under load, measured against a bare Django view in the same run.

1. Fills PostgreSQL with a generated newsroom (``BENCH_ARTICLES``, default 100,000, in 12
   sections) unless it is there already.
2. Serves it with gunicorn and the repo's ``gunicorn.conf.py`` (as ``make serve`` does, DEBUG
   off, Redis page cache), and a bare Django view returning the same number of bytes with the
   same configuration.
3. Drives both with wrk at 16 and 64 connections: every page type cold (each request misses the
   page cache) and warm, then measures worker memory and the admin's article list.
4. Writes docs/benchmarks.md.
"""

import contextlib
import http.cookiejar
import json
import os
import platform
import re
import secrets
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
ARTICLES = int(os.environ.get("BENCH_ARTICLES", "100000"))
# generate_articles gives each run of 100 articles to the sections by their shares, starting
# with World (the largest, 15 in 100): articles numbered 0, 100, 200 … are all World's.
CYCLE = 100
ARTICLES_PER_PAGE = 20  # settings.ARTICLES_PER_PAGE
WORLD_ARTICLES = ARTICLES * 15 // CYCLE  # at least
DEEP_PAGE = max(1, min(500, WORLD_ARTICLES // ARTICLES_PER_PAGE))  # its 500th page, if it has one
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = [int(c) for c in os.environ.get("BENCH_CONNECTIONS", "16,64").split(",")]
DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://root@127.0.0.1:5432/newsroom_bench")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/2")
SITE_PORT, BARE_PORT = 8801, 8802
TARGETS = (
    "Targets: article cold ≥ 0.25 and warm ≥ 0.8 of the bare view; every page p99 < 50 ms at "
    f"16 connections; search p95 < 50 ms; section page {DEEP_PAGE} as fast as page 1; workers "
    "under 120 MB; the admin's article list under 300 ms."
)


def environment() -> dict:
    return {
        **os.environ,
        "DEBUG": "",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
    }


def manage(env: dict, *arguments: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "python"), "manage.py", *arguments], cwd=ROOT, env=env,
                          check=True, **kwargs)  # fmt: skip


def create_database() -> None:
    name = urllib.parse.urlparse(DATABASE_URL).path.lstrip("/")
    server = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    query = f"SELECT 1 FROM pg_database WHERE datname = '{name}'"
    exists = subprocess.run(
        ["psql", server, "-tAc", query], capture_output=True, text=True, check=True
    ).stdout.strip()
    if not exists:
        subprocess.run(["psql", server, "-c", f'CREATE DATABASE "{name}"'], check=True)


def prepare(env: dict) -> None:
    create_database()
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "generate_articles", "--articles", str(ARTICLES))
    # After a bulk load, as autovacuum would soon do: statistics and the visibility map.
    subprocess.run(["psql", DATABASE_URL, "-qc", "VACUUM ANALYZE articles_article"], check=True)
    manage(env, "collectstatic", "--no-input", "-v0")
    manage(env, "shell", "-c",
           "from django.contrib.auth.models import User;"
           "User.objects.filter(username='bench').exists() or "
           "User.objects.create_superuser('bench', password='bench-password-123')")  # fmt: skip


def start(env: dict, port: int, *application: str) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "--no-control-socket",
         *application],
        cwd=ROOT, env={**env, "PORT": str(port)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=1)
        except urllib.error.HTTPError:
            return server  # the bare view answers 404 here: it is up
        except OSError:
            time.sleep(0.1)
            continue
        return server
    server.kill()
    raise SystemExit(f"gunicorn on port {port} did not start")


def wrk(port: int, path: str, mode: str, connections: int) -> dict:
    # "{n}" in an address: any generated article of World (every CYCLE-th).
    numbers = [str(CYCLE), str(max(ARTICLES // CYCLE, 1))]
    output = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{DURATION}",
         "--timeout", "10s", "-s", str(ROOT / "bench" / "report.lua"),
         f"http://127.0.0.1:{port}", "--", path, mode, *numbers],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    result = json.loads(output.strip().splitlines()[-1])
    seconds = result["duration_us"] / 1e6
    result["rps"] = result["requests"] / seconds
    result["size"] = result["bytes"] // max(result["requests"], 1)
    return result


def worker_memory(server: subprocess.Popen) -> list[float]:
    children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True)
    sizes = []
    for pid in children.stdout.split():
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
    return sizes


def admin_list_times(port: int) -> list[float]:
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    base = f"http://127.0.0.1:{port}"
    login = opener.open(f"{base}/admin/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login).group(1)
    form = {
        "username": "bench",
        "password": "bench-password-123",
        "csrfmiddlewaretoken": token,
        "next": "/admin/",
    }
    opener.open(f"{base}/admin/login/", data=urllib.parse.urlencode(form).encode()).read()
    times = []
    for _ in range(11):
        started = time.perf_counter()
        opener.open(f"{base}/admin/articles/article/").read()
        times.append((time.perf_counter() - started) * 1000)
    return times[1:]


def pages() -> dict[str, str]:
    """One address per page type, on the generated content."""
    return {
        "front page": "/zh-hans/",
        "section, page 1": "/zh-hans/world/",
        "section, deep page": f"/zh-hans/world/?page={DEEP_PAGE}",
        "article": "/zh-hans/world/generated-12/",
        "article, any": "/zh-hans/world/generated-{n}/",
        "article document": "/world/generated-12.md",
        "search": "/zh-hans/search/?q=%E6%B8%A1%E8%BD%AE",
        "feed": "/zh-hans/world/feed/",
        "sitemap": "/sitemap-world.xml",
    }


def main() -> int:
    env = environment()
    prepare(env)
    site = start(env, SITE_PORT)
    bare = start(env, BARE_PORT, "bench.bare:application")
    rows, bare_cache = [], {}
    try:
        for name, path in pages().items():
            for connections in CONNECTIONS:
                # A different page each time ("{n}") is only ever cold.
                for mode in ("cold",) if "{n}" in path else ("cold", "warm"):
                    result = wrk(SITE_PORT, path, mode, connections)
                    key = (result["size"], connections)
                    if key not in bare_cache:
                        bare_cache[key] = wrk(BARE_PORT, f"/bytes/{result['size']}/", "warm",
                                              connections)  # fmt: skip
                    ratio = result["rps"] / bare_cache[key]["rps"]
                    rows.append((name, path, connections, mode, result, bare_cache[key], ratio))
                    print(
                        f"{name:18} c={connections:<3} {mode:5} {result['rps']:8.0f} req/s "
                        f"p50 {result['p50_us'] / 1000:6.1f} ms "
                        f"p99 {result['p99_us'] / 1000:6.1f} ms "
                        f"ratio {ratio:.2f} errors {result['errors']}",
                        flush=True,
                    )
        # The least a Django page that reads the database does, on the same bytes' yardstick.
        minimal = wrk(BARE_PORT, "/listing/", "warm", 16)
        minimal_bare = wrk(BARE_PORT, f"/bytes/{minimal['size']}/", "warm", 16)
        print(f"minimal Django page: {minimal['rps']:.0f} req/s, "
              f"ratio {minimal['rps'] / minimal_bare['rps']:.2f}", flush=True)  # fmt: skip
        # One reader at a time: how long a search takes, queueing aside.
        search = wrk(SITE_PORT, pages()["search"], "cold", 1)
        memory = worker_memory(site)
        admin = admin_list_times(SITE_PORT)
    finally:
        for server in (site, bare):
            server.terminate()
            server.wait()
    write_report(rows, (minimal, minimal_bare), search, memory, admin)
    return 0


def write_report(rows, yardstick, search, memory, admin) -> None:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError, AttributeError):
        cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text()).group(1)
    lines = [
        "# Benchmarks",
        "",
        f"Measured on {date.today().isoformat()} with `make bench` on {os.cpu_count()} cores "
        f"({cpu}): {ARTICLES:,} generated articles in 12 sections on PostgreSQL, Redis as the",
        "page cache, gunicorn with the repo's `gunicorn.conf.py`; wrk with 2 threads for "
        f"{DURATION} per row, on the same machine.",
        "",
        "*Cold*: every request has a different query string, so it misses the page cache and is",
        "rendered, as every page is after any change on the site; what each app server keeps",
        "rendered under keys made of the content it shows (list items, an article's body and",
        "head) stays warm, as it does then. *Article, any*: a different one of the section's",
        "articles each time, so nothing about it is cached anywhere: a first render. *Warm*: the",
        "same address again and again, answered by each worker from its own copy of the page",
        "while Redis reports no change. *Ratio*: requests per second divided by those of a bare",
        "Django view (no middleware, no database) returning the same number of bytes, measured in",
        "the same run with the same gunicorn configuration.",
        "",
        TARGETS,
        "",
        "| page | connections | mode | bytes | req/s | p50 ms | p95 ms | p99 ms "
        "| bare req/s | ratio |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, path, connections, mode, result, bare, ratio in rows:
        lines.append(
            f"| {name} (`{path}`) | {connections} | {mode} | {result['size']:,} | "
            f"{result['rps']:,.0f} | {result['p50_us'] / 1000:.1f} | "
            f"{result['p95_us'] / 1000:.1f} | {result['p99_us'] / 1000:.1f} | "
            f"{bare['rps']:,.0f} | {ratio:.2f} |"
        )
    lines += ["", "## Against the targets", "", *verdicts(rows, search, memory, admin)]
    minimal, minimal_bare = yardstick
    lines += [
        "",
        "The least a Django page that reads the database does, measured in the same run (bench/",
        "bare.py's `/listing/`: one PostgreSQL query for 40 titles, a 40-item template, no",
        "middleware, a connection kept open): "
        f"{minimal['rps']:,.0f} requests/s at 16 connections, p50 "
        f"{minimal['p50_us'] / 1000:.1f} ms, {minimal['rps'] / minimal_bare['rps']:.2f} of the "
        f"bare view at its {minimal['size']:,} bytes.",
    ]
    lines += [
        "",
        "For comparison, measured elsewhere on a 2-core machine at 16 connections, not by this",
        "benchmark: Wagtail's demo site serves a blog post page (22 queries) at about 50 requests",
        "a second (p50 280 ms); Django with one PostgreSQL query and a 40-item template at about",
        "1,600.",
    ]
    lines += [
        "",
        f"Search, one reader at a time (`{pages()['search']}`, cold): "
        f"p50 {search['p50_us'] / 1000:.1f} ms, p95 {search['p95_us'] / 1000:.1f} ms, "
        f"p99 {search['p99_us'] / 1000:.1f} ms ({search['rps']:.0f} searches/s).",
        "",
        f"Worker memory after the run (RSS): {', '.join(f'{m:.0f} MB' for m in memory)} "
        f"(largest {max(memory):.0f} MB).",
        "",
        f"The admin's article list at {ARTICLES:,} articles, signed in: median "
        f"{statistics.median(admin):.0f} ms, slowest {max(admin):.0f} ms of 10 requests.",
        "",
        "Run it yourself: `make bench` (set `BENCH_ARTICLES`, `BENCH_DURATION`,",
        "`BENCH_CONNECTIONS`, `DATABASE_URL` or `REDIS_URL` to change what it measures).",
    ]
    (ROOT / "docs" / "benchmarks.md").write_text("\n".join(lines) + "\n")


def verdicts(rows, search, memory, admin) -> list[str]:
    """One line per target of docs/benchmarks.md, met or not, from this run's numbers."""
    at = {(name, connections, mode): (result, ratio) for name, _p, connections, mode, result,
          _b, ratio in rows}  # fmt: skip

    def line(met: bool, text: str) -> str:
        return f"- {'met' if met else '**not met**'}: {text}"

    cold, warm = at[("article", 16, "cold")][1], at[("article", 16, "warm")][1]
    slow = sorted(
        f"{name} {mode} ({result['p99_us'] / 1000:.0f} ms)"
        for (name, connections, mode), (result, _ratio) in at.items()
        if connections == 16 and result["p99_us"] >= 50_000
    )
    first = at[("section, page 1", 16, "cold")][0]["rps"]
    deep = at[("section, deep page", 16, "cold")][0]["rps"]
    return [
        line(cold >= 0.25, f"article with the page cache empty ≥ 0.25 of the bare view: {cold:.2f}"
             f" (a different article each time: {at[('article, any', 16, 'cold')][1]:.2f})"),
        line(warm >= 0.8, f"article warm ≥ 0.8 of the bare view: {warm:.2f}"),
        line(not slow, "every page p99 < 50 ms at 16 connections"
             + (f"; over it: {', '.join(slow)}" if slow else "")),
        line(search["p95_us"] < 50_000,
             f"search p95 < 50 ms: {search['p95_us'] / 1000:.1f} ms, one reader at a time"),
        line(deep >= 0.9 * first,
             f"section page {DEEP_PAGE} as fast as page 1: {deep:.0f} and {first:.0f} req/s "
             "cold"),
        line(max(memory) < 120, f"worker memory < 120 MB: {max(memory):.0f} MB"),
        line(statistics.median(admin) < 300,
             f"admin article list < 300 ms: {statistics.median(admin):.0f} ms median"),
    ]  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
