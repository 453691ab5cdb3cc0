"""``make bench``: Newsroom under load, measured against yardsticks served in the same run.

1. Fills PostgreSQL with a generated newsroom (``BENCH_ARTICLES``, default 100,000, in 12
   sections), and a second, larger one for the scale rows (``BENCH_SCALE_ARTICLES``, 300,000),
   unless they are there already.
2. Serves it with gunicorn and the repo's ``gunicorn.conf.py`` (as ``make serve`` does, DEBUG off,
   Redis), once more with the page cache off (first renders), Varnish with deploy/varnish.vcl in
   front of the first, and the yardsticks: a bare Django view returning as many bytes (every
   ratio divides by it), the least a Django page that reads the database does, and nginx serving
   a static file.
3. Measures with wrk: first renders; pages rendered again while changes keep coming; a news day
   at 16 connections (readers after the newest articles, Zipf popularity, while the desk saves a
   correction every two seconds) on the app servers alone and through Varnish; what a change and
   a first render cost at two sizes; search, memory and the desk's article list.
4. Writes docs/benchmarks.md.
"""

import contextlib
import http.cookiejar
import json
import os
import platform
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
WORK = ROOT / "var" / "bench"
ARTICLES = int(os.environ.get("BENCH_ARTICLES", "100000"))
SCALE_ARTICLES = int(os.environ.get("BENCH_SCALE_ARTICLES", "300000"))
# generate_articles gives each run of 100 articles to the sections by their shares, starting
# with World (the largest, 15 in 100): articles numbered 0, 100, 200 … are all World's.
CYCLE = 100
WORLD_PAGES = ARTICLES * 15 // CYCLE // 20
DEEP_PAGE = max(1, min(500, WORLD_PAGES))  # World's 500th page, if it has one
DURATION = os.environ.get("BENCH_DURATION", "10s")
NEWS_DAY = int(os.environ.get("BENCH_NEWS_DAY", "60"))  # seconds
CONNECTIONS = 16
NEWEST = 10_000  # the articles a news day's readers ask for
PEOPLE, TOPICS = 2_000, 500  # as generate_articles makes them
DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://root@127.0.0.1:5432/newsroom_bench")
SCALE_DATABASE_URL = (
    f"{DATABASE_URL.rsplit('/', 1)[0]}/newsroom_bench_{SCALE_ARTICLES // 1000}k"
    if SCALE_ARTICLES != ARTICLES
    else DATABASE_URL
)
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/2")
SITE, BARE, VARNISH, NGINX, UNCACHED = 8801, 8802, 8803, 8804, 8805
VARIANTS = {
    "the database asked on every request": {"PAGE_CACHE_LISTENS": "off"},
    "no page kept in the process, only in Redis": {"PAGE_CACHE_MB": "0"},
}
SECRET_KEY = os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50)


def environment(database_url: str = DATABASE_URL, **extra) -> dict:
    return {
        **os.environ,
        "DEBUG": "",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "PURGE_URLS": f"http://127.0.0.1:{VARNISH}/",
        **extra,
    }


def manage(env: dict, *arguments: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "python"), "manage.py", *arguments], cwd=ROOT, env=env,
                          check=True, **kwargs)  # fmt: skip


def prepare(database_url: str, articles: int) -> None:
    """Create, migrate and fill the database unless it holds the articles already."""
    name = urllib.parse.urlparse(database_url).path.lstrip("/")
    server = database_url.rsplit("/", 1)[0] + "/postgres"
    query = f"SELECT 1 FROM pg_database WHERE datname = '{name}'"
    exists = subprocess.run(
        ["psql", server, "-tAc", query], capture_output=True, text=True, check=True
    ).stdout.strip()
    if not exists:
        subprocess.run(["psql", server, "-qc", f'CREATE DATABASE "{name}"'], check=True)
    env = environment(database_url, PURGE_URLS="")  # no Varnish runs while the data is made
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "generate_articles", "--articles", str(articles))
    # After a bulk load, as autovacuum would soon do: statistics and the visibility map.
    subprocess.run(["psql", database_url, "-qc", "VACUUM ANALYZE"], check=True)


def start(env: dict, port: int, *application: str) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "--no-control-socket",
         "--access-logfile", "/dev/null", *application],
        cwd=ROOT, env={**env, "PORT": str(port)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_for(f"http://127.0.0.1:{port}/robots.txt", server)
    return server


def start_varnish() -> subprocess.Popen:
    vcl = (ROOT / "deploy" / "varnish.vcl").read_text()
    vcl = re.sub(r'\.port = "\d+";', f'.port = "{SITE}";', vcl, count=1)
    (WORK / "varnish.vcl").write_text(vcl)
    varnish = subprocess.Popen(
        ["varnishd", "-F", "-j", "none", "-n", str(WORK / "varnish"),
         "-a", f"127.0.0.1:{VARNISH}", "-f", str(WORK / "varnish.vcl"), "-s", "malloc,512m"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_for(f"http://127.0.0.1:{VARNISH}/robots.txt", varnish)
    return varnish


def start_nginx(size: int) -> subprocess.Popen:
    """nginx serving one static file of ``size`` bytes, as a CDN's edge would serve a page."""
    files = WORK / "nginx"
    (files / "html").mkdir(parents=True, exist_ok=True)
    (files / "html" / "page.html").write_bytes(b"x" * size)
    (files / "nginx.conf").write_text(
        f"daemon off; user root; worker_processes 2; pid {files}/nginx.pid;\n"
        f"error_log {files}/error.log;\n"
        "events { worker_connections 1024; }\n"
        f"http {{ access_log off; client_body_temp_path {files}; proxy_temp_path {files};\n"
        f"  fastcgi_temp_path {files}; uwsgi_temp_path {files}; scgi_temp_path {files};\n"
        f"  server {{ listen 127.0.0.1:{NGINX}; root {files}/html;\n"
        "    location / { try_files /page.html =404; } } }\n"
    )
    nginx = subprocess.Popen(["nginx", "-c", str(files / "nginx.conf")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    wait_for(f"http://127.0.0.1:{NGINX}/page.html", nginx)
    return nginx


def wait_for(url: str, process: subprocess.Popen) -> None:
    for _ in range(300):
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{url} did not answer")


def stop(*processes: subprocess.Popen) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait()


def wrk(
    port: int, path: str, *, duration=DURATION, connections=CONNECTIONS, n=None, step=CYCLE
) -> dict:
    """One address again and again (``{n}`` in it: a different number each time, a multiple
    of ``step`` below ``n * step``: by default one of World's articles)."""
    numbers = [str(step), str(n or 1)]
    return run_wrk(port, duration, connections, "report.lua", path, "warm", *numbers)


def run_wrk(port: int, duration, connections: int, script: str, *arguments: str) -> dict:
    output = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration}",
         "--timeout", "10s", "-s", str(ROOT / "bench" / script), f"http://127.0.0.1:{port}",
         "--", *arguments],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    result = json.loads(output.strip().splitlines()[-1])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["size"] = result["bytes"] // max(result["requests"], 1)
    return result


def with_cpu(server: subprocess.Popen, load) -> dict:
    """``load()``'s wrk result, with the CPU time ``server`` (and its child processes) spent
    on each answer, in microseconds: what the server costs, whatever else shares the cores."""

    def cpu_seconds() -> float:
        children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True,
                                  text=True).stdout.split()  # fmt: skip
        ticks = 0
        for pid in [str(server.pid), *children]:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    before = cpu_seconds()
    result = load()
    result["cpu_us"] = (cpu_seconds() - before) / max(result["requests"], 1) * 1e6
    return result


def bare(size: int, duration=DURATION) -> dict:
    """The bare view, returning ``size`` bytes: before and after, averaged (the machine's
    speed drifts during a run)."""
    runs = [wrk(BARE, f"/bytes/{size}/", duration=duration) for _ in range(2)]
    return {"rps": statistics.mean(r["rps"] for r in runs),
            "p50_us": statistics.mean(r["p50_us"] for r in runs)}  # fmt: skip


def desk(env: dict, seconds: float, *arguments: str) -> subprocess.Popen:
    """Corrections saved through the desk's save path while the load runs (bench/desk.py)."""
    return subprocess.Popen(
        [str(BIN / "python"), str(ROOT / "bench" / "desk.py"), "--for", str(seconds), *arguments],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip


def desk_result(process: subprocess.Popen) -> dict:
    output, _ = process.communicate()
    return json.loads(output.strip().splitlines()[-1])


def news_day_addresses(env: dict) -> tuple[Path, Path]:
    """The readers' addresses: the newest articles (each in one of its languages) and every
    section's first page in both."""
    script = (
        "import random\n"
        "from django.utils import translation\n"
        "from articles.models import Article, Section\n"
        "rng = random.Random(7)\n"
        "def address(page, code):\n"
        "    with translation.override(code):\n"
        "        return page.get_absolute_url()\n"
        "newest = Article.objects.published().select_related('section').latest_first()\n"
        f"articles = [address(a, rng.choice(a.languages)) for a in newest[:{NEWEST}]]\n"
        "sections = [address(s, c) for s in Section.objects.all() for c in ('zh-hans', 'en')]\n"
        f"open('{WORK}/articles.txt', 'w').write('\\n'.join(articles) + '\\n')\n"
        f"open('{WORK}/sections.txt', 'w').write('\\n'.join(sections) + '\\n')\n"
    )
    manage(env, "shell", "-c", script)
    return WORK / "articles.txt", WORK / "sections.txt"


def crawl(port: int, *lists: Path) -> None:
    """Ask for every address once: the pages a site that has been up all day holds."""

    def fetch(path: str) -> None:
        with contextlib.suppress(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30).read()

    paths = ["/zh-hans/", "/en/", *(line for f in lists for line in f.read_text().split())]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(fetch, paths))


def news_day(env: dict, port: int, articles: Path, sections: Path) -> tuple[dict, dict]:
    """The readers and the desk for ``NEWS_DAY`` seconds, measured after half as long again
    unmeasured: the crawl before leaves each page in the one worker that served it, while on
    a site up all day every worker has served the popular pages and keeps them."""
    result, saved = {}, {}
    for seconds in (NEWS_DAY // 2, NEWS_DAY):
        corrections = desk(env, seconds, "--every", "2", "--among", str(NEWEST))
        result = run_wrk(port, f"{seconds}s", CONNECTIONS, "news_day.lua",
                         str(articles), str(sections), "/zh-hans/")  # fmt: skip
        saved = desk_result(corrections)
    return result, saved


def after_changes(env: dict, path: str) -> dict:
    """``path`` asked for at 16 connections while the desk corrects the newest article (which
    every one of these pages shows) every two seconds, as on a news day: the page is rendered
    again after each change, by one worker while the others serve it as it was (for at most a
    second). Measured after as long again unmeasured, as on a site up all day: a worker's first
    render of a page also loads its templates and list items."""
    seconds = float(DURATION.rstrip("s"))
    corrections = desk(env, 2 * seconds, "--every", "2", "--newest")
    wrk(SITE, path)
    result = wrk(SITE, path)
    desk_result(corrections)
    return result


def worker_memory(server: subprocess.Popen) -> list[dict]:
    """Each worker's memory in MB: ``rss`` (every page it can reach, those it shares with the
    master and the other workers included), ``pss`` (shared pages divided among those sharing
    them: the workers' ``pss`` and the master's add up to what the server takes) and
    ``private`` (its own pages only: what one more worker costs)."""
    children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True)
    sizes = []
    for pid in children.stdout.split():
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        kb = {name: int(value) for name, value in re.findall(r"^(\w+):\s+(\d+) kB", rollup, re.M)}
        sizes.append({"rss": kb["Rss"] / 1024, "pss": kb["Pss"] / 1024,
                      "private": (kb["Private_Clean"] + kb["Private_Dirty"]) / 1024})  # fmt: skip
    return sizes


def admin_list_times(env: dict, port: int) -> list[float]:
    manage(env, "shell", "-c",
           "from django.contrib.auth.models import User;"
           "User.objects.filter(username='bench').exists() or "
           "User.objects.create_superuser('bench', password='bench-password-123')")  # fmt: skip
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    base = f"http://127.0.0.1:{port}"
    login = opener.open(f"{base}/admin/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login).group(1)
    form = {"username": "bench", "password": "bench-password-123",
            "csrfmiddlewaretoken": token, "next": "/admin/"}  # fmt: skip
    opener.open(f"{base}/admin/login/", data=urllib.parse.urlencode(form).encode()).read()
    times = []
    for _ in range(11):
        started = time.perf_counter()
        opener.open(f"{base}/admin/articles/article/").read()
        times.append((time.perf_counter() - started) * 1000)
    return times[1:]


def scale(database_url: str) -> dict:
    output = subprocess.run(
        [str(BIN / "python"), str(ROOT / "bench" / "scale.py")],
        cwd=ROOT, env=environment(database_url, PURGE_URLS=""), capture_output=True, text=True,
        check=True,
    ).stdout  # fmt: skip
    return json.loads(output.strip().splitlines()[-1])


def scale_both() -> list[dict]:
    """bench/scale.py on each database six times, in turn, keeping each measure's lowest
    median: the machine's speed drifts by a third from one minute to the next (with three
    turns, either size came out up to 1.4 times the other from one run to the next)."""
    runs = [scale(url) for url in (DATABASE_URL, SCALE_DATABASE_URL) * 6]
    return [{name: min(run[name] for run in size) for name in size[0]}
            for size in (runs[0::2], runs[1::2])]  # fmt: skip


FIRST_RENDERS = {  # "{n}": any of World's articles (or people, topics), a different one each time
    "article": ("/zh-hans/world/generated-{n}/", ARTICLES // CYCLE),
    "article document": ("/world/generated-{n}.md", ARTICLES // CYCLE),
    "section, page 1": ("/zh-hans/world/", None),
    f"section, page {DEEP_PAGE}": (f"/zh-hans/world/?page={DEEP_PAGE}", None),
    "front page": ("/zh-hans/", None),
    "author": ("/zh-hans/authors/person-{n}/", PEOPLE),
    "topic": ("/zh-hans/topics/topic-{n}/", TOPICS),
    "search": ("/zh-hans/search/?q=%E6%B8%A1%E8%BD%AE", None),
    "feed": ("/zh-hans/world/feed/", None),
    "sitemap": ("/sitemap-world.xml", None),
}
# Pages of the people and topics a newsroom of this size has (generate_articles' defaults),
# asked for at 16 connections with the page cache on and empty at first (cold): a different
# one of them each time, each rendered on its first request. The target: p99 under 50 ms.
NAMED_PAGES = ("author", "topic")
AFTER_CHANGES = {
    "front page": "/zh-hans/",
    "search": "/zh-hans/search/?q=%E6%B8%A1%E8%BD%AE",
    "feed": "/zh-hans/world/feed/",
    "sitemap": "/sitemap-world.xml",
}
WARM = {
    "article": "/zh-hans/world/generated-12/",
    "section, page 1": "/zh-hans/world/",
    "front page": "/zh-hans/",
}


def pictures(env: dict) -> dict:
    """A camera-sized upload and its renditions (bench/images.py), kept apart from the site."""
    folder = WORK / "images"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    env = {**env, "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}", "MEDIA_ROOT": str(folder)}
    manage(env, "migrate", "--no-input", "-v0")
    output = subprocess.run([str(BIN / "python"), str(ROOT / "bench" / "images.py")], env=env,
                            check=True, capture_output=True, text=True).stdout  # fmt: skip
    return json.loads(output.strip().splitlines()[-1])


def main() -> int:
    WORK.mkdir(parents=True, exist_ok=True)
    for command in ("wrk", "varnishd", "nginx"):
        if not shutil.which(command):
            raise SystemExit(f"make bench needs {command} (apt-get install wrk varnish "
                             "varnish-modules nginx-light)")  # fmt: skip
    prepare(DATABASE_URL, ARTICLES)
    prepare(SCALE_DATABASE_URL, SCALE_ARTICLES)
    env = environment()
    manage(env, "collectstatic", "--no-input", "-v0")
    articles, sections = news_day_addresses(env)
    subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], check=True, capture_output=True)
    report = {"first": {}, "changing": {}, "warm": {}, "images": pictures(env)}
    servers: list[subprocess.Popen] = []  # stopped at the end, whatever happens
    nginx = None
    try:
        servers.append(start(env, SITE))
        servers.append(start(env, BARE, "bench.bare:application"))
        servers.append(start(environment(PAGE_CACHE="off"), UNCACHED))
        varnish = start_varnish()
        servers.append(varnish)
        floor = [wrk(BARE, "/listing/")]
        for name, (path, among) in FIRST_RENDERS.items():
            step = 1 if name in NAMED_PAGES else CYCLE
            report["first"][name] = wrk(UNCACHED, path, n=among, step=step)
            print(f"first render  {name:22} {report['first'][name]['rps']:7.0f} req/s", flush=True)
        floor.append(wrk(BARE, "/listing/"))
        report["cold"] = {}
        for name in NAMED_PAGES:
            path, among = FIRST_RENDERS[name]
            report["cold"][name] = wrk(SITE, path, n=among, step=1)
            print(f"cold          {name:22} p99 "
                  f"{report['cold'][name]['p99_us'] / 1000:6.1f} ms", flush=True)  # fmt: skip
        measures = ("rps", "p50_us", "p99_us")
        report["yardstick"] = {name: statistics.mean(r[name] for r in floor) for name in measures}
        report["yardstick"]["size"] = floor[0]["size"]
        report["yardstick_bare"] = bare(floor[0]["size"])
        for name, path in AFTER_CHANGES.items():
            report["changing"][name] = after_changes(env, path)
            print(f"after changes {name:22} p99 "
                  f"{report['changing'][name]['p99_us'] / 1000:6.1f} ms", flush=True)  # fmt: skip
        for name, path in WARM.items():
            result = wrk(SITE, path)
            report["warm"][name] = (result, bare(result["size"]))

        crawl(SITE, articles, sections)
        report["news_day"], report["news_day_desk"] = news_day(env, SITE, articles, sections)
        report["news_day_bare"] = bare(report["news_day"]["size"], f"{NEWS_DAY // 2}s")
        report["memory"] = worker_memory(servers[0])
        print(f"news day      app servers {report['news_day']['rps']:7.0f} req/s", flush=True)
        # What each process's copies pay for: the same news day on the same address (the
        # pages already in Redis), asking the database on every request, then keeping no page
        # in the process.
        report["variants"] = {}
        stop(servers.pop(0))
        for name, setting in VARIANTS.items():
            variant = start(environment(**setting), SITE)
            try:
                report["variants"][name] = news_day(env, SITE, articles, sections)[0]
            finally:
                stop(variant)
            print(f"news day      {name} {report['variants'][name]['rps']:7.0f} req/s", flush=True)
        servers.insert(0, start(env, SITE))

        crawl(VARNISH, articles, sections)
        report["varnish"], report["varnish_desk"] = news_day(env, VARNISH, articles, sections)
        # What Varnish itself manages here: the same readers, nothing changing, every answer
        # a hit.
        report["varnish_unchanging"] = with_cpu(varnish, lambda: run_wrk(
            VARNISH, f"{NEWS_DAY // 2}s", CONNECTIONS, "news_day.lua", str(articles),
            str(sections), "/zh-hans/"))  # fmt: skip
        # The same script as the readers' (every address answered with the file), so wrk
        # does the same work for each answer.
        nginx = start_nginx(report["varnish"]["size"])
        report["nginx"] = with_cpu(nginx, lambda: run_wrk(
            NGINX, f"{NEWS_DAY // 2}s", CONNECTIONS, "news_day.lua", str(articles),
            str(sections), "/zh-hans/"))  # fmt: skip
        print(f"news day      through Varnish {report['varnish']['rps']:7.0f} req/s", flush=True)

        report["search"] = wrk(UNCACHED, FIRST_RENDERS["search"][0], connections=1)
        report["admin"] = admin_list_times(env, SITE)
    finally:
        stop(*servers, *([nginx] if nginx else []))
    report["scale"] = scale_both()
    (WORK / "report.json").write_text(json.dumps(report, indent=1))
    write_report(report)
    return 0


def ms(microseconds: float) -> str:
    return f"{microseconds / 1000:.1f}"


def write_report(report: dict) -> None:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError, AttributeError):
        cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text()).group(1)
    yardstick = report["yardstick"]["rps"]
    lines = [
        "# Benchmarks",
        "",
        f"Measured on {date.today().isoformat()} with `make bench` on {os.cpu_count()} cores "
        f"({cpu}): {ARTICLES:,} generated articles in 12 sections on PostgreSQL, Redis,",
        "gunicorn with the repo's `gunicorn.conf.py` (5 workers), Varnish with "
        "`deploy/varnish.vcl`; wrk on the same machine, 16 connections.",
        "",
        "Every ratio divides by a yardstick measured in the same run with the same gunicorn",
        "configuration: a bare Django view returning as many bytes (no middleware, no",
        "database), or the least a Django page that reads the database does (bench/bare.py's",
        "`/listing/`: one query for 40 titles, a 40-item template, no middleware, a connection",
        "kept open), or nginx serving a static file of the same size. The machine's speed",
        "drifts during a run, so a yardstick is measured next to what it measures.",
        "",
        "## A news day",
        "",
        f"For {NEWS_DAY} s at 16 connections, readers ask for articles among the {NEWEST:,} "
        "newest (80 %, Zipf",
        "popularity with s = 1: a few hot, a long tail), section pages (15 %) and the front",
        "page (5 %), while the desk saves a correction to a random one of those articles every",
        "two seconds through the save path editors use (bench/desk.py). Before each run every",
        "address was asked for once, then the same readers and desk ran for "
        f"{NEWS_DAY // 2} s unmeasured,",
        "as on a site that has been up all day: each app server process has served the",
        "popular pages and keeps them.",
        "",
        "| where | req/s | p50 ms | p99 ms | answered from a cache | corrections | yardstick | "
        "ratio |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    day, day_bare = report["news_day"], report["news_day_bare"]
    lines.append(
        f"| app servers alone | {day['rps']:,.0f} | {ms(day['p50_us'])} | {ms(day['p99_us'])} | "
        f"{day['hits'] / day['requests']:.1%} | {report['news_day_desk']['saves']} | "
        f"bare view {day_bare['rps']:,.0f} | **{day['rps'] / day_bare['rps']:.2f}** |"
    )
    edge, nginx, unchanging = report["varnish"], report["nginx"], report["varnish_unchanging"]
    lines.append(
        f"| through Varnish | {edge['rps']:,.0f} | {ms(edge['p50_us'])} | "
        f"{ms(edge['p99_us'])} | {edge['hits'] / edge['requests']:.1%} | "
        f"{report['varnish_desk']['saves']} | nginx, static file {nginx['rps']:,.0f} | "
        f"**{edge['rps'] / nginx['rps']:.2f}** |"
    )
    for name, result in report["variants"].items():
        lines.append(
            f"| app servers, {name} | {result['rps']:,.0f} | {ms(result['p50_us'])} | "
            f"{ms(result['p99_us'])} | {result['hits'] / result['requests']:.1%} | | "
            f"bare view {day_bare['rps']:,.0f} | {result['rps'] / day_bare['rps']:.2f} |"
        )
    lines += [
        "",
        "The two rows after the first show what each process's copies buy: the same news day",
        "with the record of changes read from the database on every request",
        "(`PAGE_CACHE_LISTENS=off`), then with no page kept in the process's memory, only in",
        "Redis (`PAGE_CACHE_MB=0`).",
        "",
        f"A correction took {report['news_day_desk']['median_ms']:.0f} ms to save (median; "
        f"slowest {report['news_day_desk']['slowest_ms']:.0f} ms), the record of what it",
        "changed and the purge included.",
        "",
        "Through Varnish, wrk and Varnish take nearly all of the two cores the app servers",
        f"share with them. The {edge['requests'] - edge['hits']:,} requests of "
        f"{edge['requests']:,} that Varnish passed to the app",
        "servers (pages a correction had just purged) waited for CPU, seconds at worst, as did",
        f"the desk's saves (slowest {report['varnish_desk']['slowest_ms']:,.0f} ms). wrk corrects "
        "its latencies for",
        "coordinated omission, counting each such wait as many slow requests: that, not the pages",
        "Varnish kept, is the p99 above.",
        "",
        "What Varnish itself manages here, whatever is behind it: the same readers with nothing",
        f"changing (no correction, so every answer a hit) got {unchanging['rps']:,.0f} req/s, "
        f"{unchanging['rps'] / nginx['rps']:.2f} of",
        f"nginx serving a file, p99 {ms(unchanging['p99_us'])} ms. The two Varnish rows are "
        "measured a minute apart, and",
        "the machine's speed drifts by as much as their difference.",
        "",
        f"Each answer cost Varnish {unchanging['cpu_us']:.0f} µs of CPU and nginx "
        f"{nginx['cpu_us']:.0f} µs (their processes' own time, whatever else ran): Varnish,",
        "a thread per connection, spends more on an answer than nginx's event loop does on a",
        "file, and on two cores shared with wrk that difference sets the ratio.",
        "",
        "## First renders",
        "",
        "Each page rendered afresh on every request (a server with `PAGE_CACHE=off`), as it is",
        "the first time after a change to what it shows. The article rows ask for a different",
        "article each time, so nothing about it is kept anywhere; list pages reuse the list",
        "items kept from earlier renders, as they do after a change to one of their articles.",
        "",
        f"Yardstick: the least a Django page that reads the database does, {yardstick:,.0f} "
        f"requests/s ({report['yardstick']['rps'] / report['yardstick_bare']['rps']:.2f} of the "
        "bare view at its size).",
        "",
        "| page | req/s | p50 ms | p99 ms | bytes | of the yardstick |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, result in report["first"].items():
        lines.append(
            f"| {name} | {result['rps']:,.0f} | {ms(result['p50_us'])} | "
            f"{ms(result['p99_us'])} | {result['size']:,} | {result['rps'] / yardstick:.2f} |"
        )
    lines += [
        "",
        "## Author and topic pages from a cold cache",
        "",
        f"Every author's page among {PEOPLE:,} and every topic's among {TOPICS} asked for at "
        "random, at 16",
        "connections, the page cache on and holding none of them at first: each page is rendered",
        "on its first request and kept for the next.",
        "",
        "| page | req/s | p50 ms | p99 ms |",
        "| --- | --- | --- | --- |",
        *(
            f"| {name} | {r['rps']:,.0f} | {ms(r['p50_us'])} | {ms(r['p99_us'])} |"
            for name, r in report["cold"].items()
        ),
        f"| the yardstick itself (one query, 40 titles, no middleware) | {yardstick:,.0f} | "
        f"{ms(report['yardstick']['p50_us'])} | {ms(report['yardstick']['p99_us'])} |",
        "",
        "Each request here is a first render, and the 16 connections queue for two cores: the",
        f"yardstick page, asked for the same way, answers with p99 "
        f"{ms(report['yardstick']['p99_us'])} ms.",
    ]
    lines += [
        "",
        "## Pages rendered again while changes keep coming",
        "",
        "The page cache on, the page asked for at 16 connections while the desk corrects the",
        "newest article, which each of them shows, every two seconds: after each change one",
        "worker renders the page again while the others serve it as it was, for at most a",
        "second. Each row is measured after as long again of the same, unmeasured, as on a",
        "site that has been up all day (a worker's first render of a page also loads its",
        "templates and list items).",
        "",
        "| page | req/s | p50 ms | p99 ms |",
        "| --- | --- | --- | --- |",
    ]
    for name, result in report["changing"].items():
        lines.append(f"| {name} | {result['rps']:,.0f} | {ms(result['p50_us'])} | "
                     f"{ms(result['p99_us'])} |")  # fmt: skip
    lines += [
        "",
        "## Stored pages",
        "",
        "The same address again and again, answered from the page cache (each process's own",
        "copy, checked against its copy of the record of changes).",
        "",
        "| page | req/s | p50 ms | p99 ms | bare view req/s | ratio |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, (result, bare_view) in report["warm"].items():
        lines.append(
            f"| {name} | {result['rps']:,.0f} | {ms(result['p50_us'])} | "
            f"{ms(result['p99_us'])} | {bare_view['rps']:,.0f} | "
            f"{result['rps'] / bare_view['rps']:.2f} |"
        )
    small, large = report["scale"]
    lines += [
        "",
        "## The cost of a change and of a first render, as the archive grows",
        "",
        "In one process, medians of 40 (bench/scale.py; each size measured six times, in turn,",
        "and the lowest median kept): a correction saved through the desk's save path, and first",
        "renders with the page cache off and no list item kept.",
        "",
        f"| | {small['articles']:,} articles | {large['articles']:,} articles |",
        "| --- | --- | --- |",
    ]
    for name in ("correction", "article", "document", "section", "section, page 500",
                 "front page"):  # fmt: skip
        lines.append(f"| {name} | {small[name]:.1f} ms | {large[name]:.1f} ms |")
    lines += ["", "## Against the targets", "", *verdicts(report)]
    memory, admin, search = report["memory"], report["admin"], report["search"]
    pictures = report["images"]
    lines += [
        "",
        "## Also measured",
        "",
        f"- Search, one reader at a time (`{FIRST_RENDERS['search'][0]}`, rendered afresh): "
        f"p50 {ms(search['p50_us'])} ms, p95 {ms(search['p95_us'])} ms.",
        "- Worker memory after the news day, RSS / PSS / private: "
        + ", ".join(f"{m['rss']:.0f} / {m['pss']:.0f} / {m['private']:.0f} MB" for m in memory)
        + ". RSS counts what a worker shares with the master and the others (Django, the "
        "pinyin dictionary the desk's slugs need, the app's code: loaded once, before the "
        "workers start); PSS divides it among them; private is what one more worker adds.",
        f"- The desk's article list at {ARTICLES:,} articles, signed in: median "
        f"{statistics.median(admin):.0f} ms, slowest {max(admin):.0f} ms of 10 requests.",
        f"- A {pictures['upload_megabytes']} MB 6000 × 4000 JPEG through the media library "
        f"(bench/images.py): the upload answered in {pictures['upload_seconds']} s, and its "
        f"{pictures['renditions']} renditions took {pictures['renditions_seconds']} s more.",
        "- The same news day against Wagtail's demo site: see "
        "[peer-benchmark.md](peer-benchmark.md).",
        "",
        "Run it yourself: `make bench` (set `BENCH_ARTICLES`, `BENCH_SCALE_ARTICLES`,",
        "`BENCH_DURATION`, `BENCH_NEWS_DAY`, `DATABASE_URL` or `REDIS_URL` to change what it",
        "measures). The first run generates the databases, which takes a while (300,000",
        "articles: about 30 minutes on 2 cores).",
    ]
    (ROOT / "docs" / "benchmarks.md").write_text("\n".join(lines) + "\n")


def verdicts(report: dict) -> list[str]:
    """One line per target, met or not, from this run's numbers."""

    def line(met: bool, text: str) -> str:
        return f"- {'met' if met else '**not met**'}: {text}"

    day = report["news_day"]["rps"] / report["news_day_bare"]["rps"]
    day_p99 = report["news_day"]["p99_us"] / 1000
    edge = report["varnish"]["rps"] / report["nginx"]["rps"]
    ceiling = report["varnish_unchanging"]["rps"] / report["nginx"]["rps"]
    yardstick = report["yardstick"]["rps"]
    first = {name: report["first"][name]["rps"] / yardstick
             for name in ("article", "section, page 1", "article document")}  # fmt: skip
    slow = {name: r["p99_us"] / 1000 for name, r in report["changing"].items()
            if r["p99_us"] >= 50_000}  # fmt: skip
    memory = max(m["rss"] for m in report["memory"])
    private = max(m["private"] for m in report["memory"])
    named = {name: report["cold"][name]["p99_us"] / 1000 for name in NAMED_PAGES}
    small, large = report["scale"]
    growth = max(large[k] / small[k] for k in ("correction", "article", "section", "front page"))
    return [
        line(day >= 0.5 and day_p99 < 50,
             f"news day, app servers alone ≥ 0.5 of the bare view with p99 < 50 ms: {day:.3f}, "
             f"p99 {day_p99:.0f} ms"),
        line(edge >= 0.8, f"news day through Varnish ≥ 0.8 of nginx serving a static file: "
                          f"{edge:.2f} (Varnish with nothing changing: {ceiling:.2f})"),
        line(min(first.values()) >= 1, "first renders at least the yardstick: "
             + ", ".join(f"{name} {ratio:.2f}" for name, ratio in first.items())),
        line(not slow, "front page, search, feed and sitemap p99 < 50 ms while changes keep "
             "coming" + (": over it " + ", ".join(f"{n} {v:.0f} ms" for n, v in slow.items())
                         if slow else "")),
        line(memory < 120, f"workers under 120 MB RSS after the news day: {memory:.0f} MB "
                           f"(private: {private:.0f} MB)"),
        line(max(named.values()) < 50,
             f"author and topic pages from a cold page cache, p99 < 50 ms at 16 connections with "
             f"{PEOPLE:,} people and {TOPICS} topics: "
             + ", ".join(f"{name} {p99:.0f} ms" for name, p99 in named.items())),
        line(report["images"]["ready_seconds"] < 20 and report["images"]["upload_seconds"] < 2,
             f"a 6000 × 4000 upload has every rendition in under 20 s, the upload itself under "
             f"2 s: {report['images']['ready_seconds']} s, {report['images']['upload_seconds']} s"),
        line(growth < 1.25, f"a change and a first render cost the same at "
             f"{small['articles']:,} and {large['articles']:,} articles: at most "
             f"{growth:.2f} times"),
    ]  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
