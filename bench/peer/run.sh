#!/usr/bin/env bash
# The news day of bench/news_day.lua against Wagtail's demo site (docs/peer-benchmark.md).
#
#   bench/peer/run.sh BAKERYDEMO [DATABASE_URL]
#
# BAKERYDEMO: a checkout of github.com/wagtail/bakerydemo (measured at 8e2b625). The first run
# makes a virtualenv there with Wagtail 7.4 and Django 5.2, migrates, loads the demo content and
# adds 100,000 blog posts; later runs reuse them. Needs wrk, PostgreSQL and Redis, as make bench.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
site="$(cd "$1" && pwd)"
export DATABASE_URL="${2:-postgres://root@127.0.0.1:5432/peer_bakery}"
export DJANGO_SETTINGS_MODULE=bakerydemo.settings.production REDIS_URL=redis://127.0.0.1:6379
export DJANGO_SECRET_KEY=peer-benchmark-only DJANGO_ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false
export PYTHONPATH="$site"
PORT=9101 BARE=9102
cd "$site"

if [ ! -x venv/bin/gunicorn ]; then
    python3 -m venv venv
    venv/bin/pip install --quiet "wagtail>=7.4,<7.5" "Django>=5.2,<5.3" "dj-database-url>=3.1,<4" \
        "python-dotenv>=1.2.1,<2" "wagtail-font-awesome-svg>=1,<2" "django-extensions>=4.1,<5" \
        "django-csp>=3.8,<4" "django-debug-toolbar>=4.2,<5" "psycopg[binary]" gunicorn \
        django-redis whitenoise
fi
if [ ! -s articles.txt ]; then
    name="${DATABASE_URL##*/}"
    psql "${DATABASE_URL%/*}/postgres" -qc "CREATE DATABASE \"$name\"" || true  # made already
    venv/bin/python manage.py migrate -v0
    venv/bin/python manage.py load_initial_data
    venv/bin/python manage.py collectstatic --no-input -v0
    venv/bin/python "$here/generate_posts.py" 100000
fi

venv/bin/gunicorn bakerydemo.wsgi:application -b "127.0.0.1:$PORT" -w 5 --timeout 60 \
    --no-control-socket --access-logfile /dev/null --error-logfile gunicorn.log &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
sleep 8
echo /blog/ > sections-blog.txt
printf "/breads/\n/locations/\n" > sections-small.txt
for path in $(head -100 articles.txt) / / / / /; do echo "http://127.0.0.1:$PORT$path"; done \
    | xargs -P 4 -n 1 curl -s -o /dev/null --max-time 60   # each worker's first requests

for mix in blog small; do
    venv/bin/python "$here/desk.py" 2 60 > "desk-$mix.json" &
    desk=$!
    wrk -t2 -c16 -d60s --timeout 10s -s "$repo/bench/news_day.lua" "http://127.0.0.1:$PORT" \
        -- articles.txt "sections-$mix.txt" / | tail -1 > "wrk-$mix.json"
    wait $desk
    echo "news day, sections $mix: $(cat "wrk-$mix.json") desk $(cat "desk-$mix.json")"
done
report="$repo/bench/report.lua"
for case in "/blog/post-99999/ warm" "/blog/post-{n}/ warm 1 100000" "/ warm"; do
    # shellcheck disable=SC2086
    echo "$case: $(wrk -t2 -c16 -d30s --timeout 10s -s "$report" "http://127.0.0.1:$PORT" -- $case | tail -1)"
done
kill $server
wait $server 2>/dev/null || true

# The yardstick: Newsroom's bare view at the peer's page size, same gunicorn settings.
size=$(python3 -c "import json; r = json.load(open('wrk-small.json')); print(r['bytes'] // r['requests'])")
(cd "$repo" && DEBUG= SECRET_KEY=peer-yardstick-0123456789abcdefghijklmnopqrstuvwxyz \
    ALLOWED_HOSTS=127.0.0.1 PORT=$BARE exec .venv/bin/gunicorn --config gunicorn.conf.py \
    --no-control-socket --access-logfile /dev/null bench.bare:application) > /dev/null 2>&1 &
bare=$!
trap 'kill $bare 2>/dev/null || true' EXIT
sleep 6
echo "bare view at $size bytes: $(wrk -t2 -c16 -d30s --timeout 10s -s "$report" \
    "http://127.0.0.1:$BARE" -- "/bytes/$size/" warm | tail -1)"
