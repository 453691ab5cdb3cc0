"""Newsroom's quality audit (``make audit``): Lighthouse, axe-core and the Nu HTML checker on
every page type, served by gunicorn with the demo content, DEBUG off; and Lighthouse's
accessibility audit and axe-core on the desk's article form, signed in. Writes docs/quality.md.

Needs Debian's chromium and chromium-driver, Java, and ``npm ci`` in this folder (the Makefile
does that). Nothing is fetched from outside the machine.
"""

import hashlib
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AUDIT = ROOT / "audit"
BIN = AUDIT / "node_modules" / ".bin"
PYTHON = ROOT / ".venv" / "bin" / "python"
PORT = int(os.environ.get("AUDIT_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking"
PAGES = {
    "front page": "/zh-hans/",
    "section": "/zh-hans/world/",
    "article": "/zh-hans/world/harbour-cranes-go-electric/",
    "article (English)": "/en/world/harbour-cranes-go-electric/",
    "search": "/zh-hans/search/",
    "search results": "/zh-hans/search/?q=%E5%B1%8B%E9%A1%B6",
    "article with a 6000 × 4000 lead image": "/zh-hans/world/night-ferry-photographs/",
    "author": "/zh-hans/authors/tom-hale/",
    "author (English)": "/en/authors/ana-pereira/",
    "topic": "/zh-hans/topics/climate/",
}
# On this page the lead image must be what the reader sees first and nothing may shift.
LEAD_IMAGE_PAGE = "article with a 6000 × 4000 lead image"
# Search results are kept out of search engines on purpose (noindex, and robots.txt keeps
# crawlers out): an endless space of generated pages. Lighthouse's SEO score counts that
# against them, so they are held to every target but that one.
EXEMPT = {("search results", "seo")}
# Checked by the Nu HTML checker only (Lighthouse scores a 404 as a failure by design).
NU_ONLY = {"not found": "/en/no-such-page/", "crawler policy": "/en/policy/"}
# The desk, signed in as an editor: held to the readers' accessibility targets (Lighthouse's
# accessibility 100 and no axe violations). Its speed and search-engine scores are no goal.
DESK_PAGES = {
    "desk: article form": "/admin/articles/article/{article}/change/",
    "desk: new article": "/admin/articles/article/add/",
    "desk: media library": "/admin/media/image/",
    "desk: upload pictures": "/admin/media/image/add/",
    "desk: people": "/admin/people/person/",
    "desk: topic": "/admin/topics/topic/1/change/",
}
# An article whose lead image is a camera-sized photograph (written for the audit).
PHOTOGRAPHED = """+++
section = "world"
slug = "night-ferry-photographs"
published = 2026-06-02T21:30:00+08:00
languages = ["zh-hans", "en"]
image = "{image}"

[zh-hans]
title = "夜航渡轮上的摄影课"
summary = "一群中学生在末班渡轮上学习拍摄夜色。"
image_alt = "渡轮甲板上，学生们举着相机对准对岸的灯光"
image_caption = "末班渡轮上的摄影课"
image_credit = "新闻编辑部"

[en]
title = "A photography class on the night ferry"
summary = "Secondary school students learn to photograph the river after dark."
image_alt = "Students on the ferry deck point their cameras at the lights of the far bank"
image_caption = "A photography class on the last ferry"
image_credit = "Newsroom"
+++

<!-- lang: zh-hans -->

每周三晚上，十几名中学生带着相机登上末班渡轮。老师让他们先不要按快门，而是看十分钟对岸的灯光。

“夜里拍照，最难的是耐心。”带队老师说。

<!-- lang: en -->

Every Wednesday evening a dozen secondary school students board the last ferry with their
cameras. Their teacher asks them not to press the shutter at first, but to watch the lights of
the far bank for ten minutes.

"At night, the hardest part of photography is patience," the teacher says.
"""
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}


def run(*command, **kwargs):
    return subprocess.run(command, check=True, **kwargs)


def serve(environment: dict, work: Path) -> subprocess.Popen:
    manage = [str(PYTHON), "manage.py"]
    run(*manage, "migrate", "--no-input", "-v0", cwd=ROOT, env=environment)
    run(*manage, "load_demo", cwd=ROOT, env=environment, stdout=subprocess.DEVNULL)
    # The demo's renditions, made by the task worker as on a running site.
    run(*manage, "db_worker", "--batch", "--no-startup-delay", cwd=ROOT, env=environment,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    run(*manage, "import_articles", str(photographed(work)), cwd=ROOT, env=environment,
        stdout=subprocess.DEVNULL)  # fmt: skip
    run(*manage, "collectstatic", "--no-input", "-v0", cwd=ROOT, env=environment)
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "--config", "gunicorn.conf.py",
         "--workers", "2", "--no-control-socket"],
        cwd=ROOT,
        env={**environment, "PORT": str(PORT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{BASE}/zh-hans/", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("The audit server did not start.")


def photographed(work: Path) -> Path:
    """A folder holding the audit's photographed article and its 6000 × 4000 lead image."""
    sys.path.insert(0, str(ROOT))
    from bench.images import photograph

    data = photograph()
    name = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest() + ".jpg"
    folder = work / "photographed"
    (folder / "media").mkdir(parents=True)
    (folder / "media" / name).write_bytes(data)
    (folder / "night-ferry-photographs.md").write_text(PHOTOGRAPHED.replace("{image}", name))
    return folder


def lead_image_facts(url: str, report: Path) -> tuple[str, float]:
    """The element of the largest contentful paint, as Chromium reports it to the page on a
    phone-sized screen (Lighthouse's own element audit fails on this Chromium's traces), and
    Lighthouse's cumulative layout shift."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROME_FLAGS.split()[1:])
        page = browser.new_page(viewport={"width": 412, "height": 823}, device_scale_factor=1.75)
        page.goto(url, wait_until="load")
        element = page.evaluate(LARGEST_PAINT)
        browser.close()
    audits = json.loads(report.read_text())["audits"]
    return element, audits["cumulative-layout-shift"]["numericValue"]


# The last largest-contentful-paint entry's element, once the page has settled.
LARGEST_PAINT = """() => new Promise((resolve) => {
  let last = null;
  new PerformanceObserver((list) => { last = list.getEntries().at(-1) || last; })
    .observe({ type: "largest-contentful-paint", buffered: true });
  setTimeout(() => resolve(last && last.element
    ? last.element.outerHTML.slice(0, 160) : "none"), 1500);
})"""


def lighthouse(url: str, report: Path, categories=CATEGORIES, *options: str) -> dict[str, int]:
    command = [
        str(BIN / "lighthouse"), url, "--quiet", "--output=json", f"--output-path={report}",
        f"--only-categories={','.join(categories)}", f"--chrome-flags={CHROME_FLAGS}", *options,
    ]  # fmt: skip
    environment = {**os.environ, "CHROME_PATH": CHROMIUM}
    # Lighthouse now and then fails to record a trace (NO_NAVSTART) on a loaded machine; a
    # second run is a fresh measurement, not a retry until it passes.
    if subprocess.run(command, env=environment).returncode != 0:
        run(*command, env=environment)
    scores = json.loads(report.read_text())["categories"]
    return {name: round(scores[name]["score"] * 100) for name in categories}


def desk_session(environment: dict) -> tuple[str, int]:
    """A signed-in editor's session key, and the id of the demo article the audit opens."""
    script = (
        "from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY\n"
        "from django.contrib.auth.models import Group, User\n"
        "from django.contrib.sessions.backends.db import SessionStore\n"
        "from articles.models import Article, Section\n"
        "user = User.objects.create_user('audit-editor', is_staff=True)\n"
        "user.groups.add(Group.objects.get(name='Editors'))\n"
        "for section in Section.objects.all(): section.editors.add(user)\n"
        "session = SessionStore()\n"
        "session[SESSION_KEY] = str(user.pk)\n"
        "session[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'\n"
        "session[HASH_SESSION_KEY] = user.get_session_auth_hash()\n"
        "session.create()\n"
        "print(session.session_key, Article.objects.get(slug='harbour-cranes-go-electric').pk)\n"
    )
    shell = subprocess.run(
        [str(PYTHON), "manage.py", "shell", "-v0", "-c", script],
        cwd=ROOT, env=environment, check=True, capture_output=True, text=True,
    )  # fmt: skip
    key, article = shell.stdout.split()[-2:]
    return key, int(article)


def signed_in_lighthouse(url: str, report: Path, session: str) -> dict[str, int]:
    headers = json.dumps({"Cookie": f"sessionid={session}"})
    return lighthouse(url, report, ["accessibility"], f"--extra-headers={headers}")


def signed_in_axe(url: str, session: str) -> list[str]:
    """axe-core run in the signed-in page (the axe command line cannot carry a cookie)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROME_FLAGS.split()[1:])
        context = browser.new_context(bypass_csp=True)  # axe is put into the page inline
        context.add_cookies([{"name": "sessionid", "value": session, "url": BASE}])
        page = context.new_page()
        page.goto(url)
        page.add_script_tag(path=str(AUDIT / "node_modules" / "axe-core" / "axe.min.js"))
        violations = page.evaluate("async () => (await axe.run()).violations.map(v => v.id)")
        browser.close()
    return violations


def axe(url: str, report_dir: Path, name: str) -> list[str]:
    run(
        str(BIN / "axe"), url, "--chromedriver-path", "/usr/bin/chromedriver",
        "--chrome-path", CHROMIUM, "--chrome-options",
        "headless=new,no-sandbox,disable-gpu,disable-background-networking",
        "--dir", str(report_dir), "--save", f"{name}.json", "--no-reporter",
    )  # fmt: skip
    results = json.loads((report_dir / f"{name}.json").read_text())
    return [violation["id"] for result in results for violation in result["violations"]]


def nu_errors(url: str, folder: Path, name: str) -> list[str]:
    page = folder / f"{name}.html"
    try:
        page.write_bytes(urllib.request.urlopen(url).read())
    except urllib.error.HTTPError as error:  # the 404 page is a page too
        page.write_bytes(error.read())
    checked = subprocess.run(
        ["java", "-jar", str(AUDIT / "node_modules/vnu-jar/build/dist/vnu.jar"),
         "--errors-only", "--format", "json", str(page)],
        capture_output=True, text=True,
    )  # fmt: skip
    messages = json.loads(checked.stderr or checked.stdout or '{"messages": []}')["messages"]
    return [f"line {m.get('lastLine', '?')}: {m['message']}" for m in messages]


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="newsroom-audit-"))
    environment = {
        **os.environ,
        "DEBUG": "",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"sqlite:///{work / 'audit.sqlite3'}",
    }
    environment.pop("REDIS_URL", None)
    environment["MEDIA_ROOT"] = str(work / "media")
    server = serve(environment, work)
    rows, nu_rows, desk_rows, problems = [], [], [], []
    lead = None
    try:
        for index, (page_type, path) in enumerate(PAGES.items()):
            url = f"{BASE}{path}"
            scores = lighthouse(url, work / f"lighthouse-{index}.json")
            violations = axe(url, work, f"axe-{index}")
            errors = nu_errors(url, work, f"page-{index}")
            rows.append((page_type, path, scores, violations, errors))
            for category, target in TARGETS.items():
                if scores[category] < target and (page_type, category) not in EXEMPT:
                    problems.append(f"{page_type}: {category} {scores[category]} < {target}")
            problems += [f"{page_type}: axe {v}" for v in violations]
            problems += [f"{page_type}: Nu {e}" for e in errors]
            print(page_type, scores, violations or "no axe violations", errors or "valid HTML")
            if page_type == LEAD_IMAGE_PAGE:
                lead = lead_image_facts(url, work / f"lighthouse-{index}.json")
                if "<img" not in lead[0] or lead[1] > 0:
                    problems.append(f"{page_type}: largest paint {lead[0]}, layout shift {lead[1]}")
                print(page_type, "largest contentful paint:", lead[0], "layout shift:", lead[1])
        session, article = desk_session(environment)
        for index, (page_type, path) in enumerate(DESK_PAGES.items()):
            path = path.format(article=article)
            scores = signed_in_lighthouse(f"{BASE}{path}", work / f"desk-{index}.json", session)
            violations = signed_in_axe(f"{BASE}{path}", session)
            desk_rows.append((page_type, path, scores, violations))
            if scores["accessibility"] < TARGETS["accessibility"]:
                problems.append(f"{page_type}: accessibility {scores['accessibility']} < 100")
            problems += [f"{page_type}: axe {v}" for v in violations]
            print(page_type, scores, violations or "no axe violations")
        for index, (page_type, path) in enumerate(NU_ONLY.items()):
            errors = nu_errors(f"{BASE}{path}", work, f"extra-{index}")
            nu_rows.append((page_type, path, errors))
            problems += [f"{page_type}: Nu {e}" for e in errors]
            print(page_type, errors or "valid HTML")
    finally:
        server.terminate()
        server.wait()
    write_report(rows, nu_rows, desk_rows, lead)
    for problem in problems:
        print("below target:", problem, file=sys.stderr)
    return 1 if problems else 0


def write_report(rows, nu_rows, desk_rows, lead) -> None:
    lines = [
        "# Quality scores",
        "",
        f"Measured on {date.today().isoformat()} by `make audit`: Lighthouse 12 (mobile,",
        "simulated throttling) and axe-core 4 in Debian's Chromium, and the Nu HTML checker,",
        "against gunicorn serving the demo content with `DEBUG` off. Targets: accessibility,",
        "best practices and SEO 100, performance at least 95, no axe violations, no Nu errors.",
        "",
        "Search results (`?q=`) are kept out of search engines on purpose (`noindex`, and",
        "robots.txt disallows them): Lighthouse's SEO audit counts that against them.",
        "",
        "| page | performance | accessibility | best practices | SEO "
        "| axe violations | Nu errors |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for page_type, path, scores, violations, errors in rows:
        lines.append(
            f"| {page_type} (`{path}`) | {scores['performance']} | {scores['accessibility']} | "
            f"{scores['best-practices']} | {scores['seo']} | {len(violations)} | {len(errors)} |"
        )
    if lead is not None:
        lines += [
            "",
            f"On the {LEAD_IMAGE_PAGE} ({PAGES[LEAD_IMAGE_PAGE]}), the largest contentful paint",
            f"is `{lead[0]}`; cumulative layout shift {lead[1]:g}.",
        ]
    lines += [
        "",
        "The desk, signed in as an editor (Lighthouse's accessibility audit, and axe-core run in",
        "the page):",
        "",
        "| page | accessibility | axe violations |",
        "| --- | --- | --- |",
    ]
    lines += [
        f"| {page_type} (`{path}`) | {scores['accessibility']} | {len(violations)} |"
        for page_type, path, scores, violations in desk_rows
    ]
    lines += ["", "Checked with the Nu HTML checker only:", ""]
    lines += [f"- {name} (`{path}`): {len(errors)} errors" for name, path, errors in nu_rows]
    details = [(row[0], row[3], row[4]) for row in rows if row[3] or row[4]]
    details += [(name, [], errors) for name, _path, errors in nu_rows if errors]
    details += [
        (name, violations, []) for name, _path, _scores, violations in desk_rows if violations
    ]
    if details:
        lines += ["", "## Findings", ""]
        for page_type, violations, errors in details:
            lines += [f"- {page_type}: {item}" for item in violations + errors]
    (ROOT / "docs" / "quality.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
