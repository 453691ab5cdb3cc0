"""Pictures kept in object storage, as a site with several app servers keeps them. A picture an
editor uploads through one server's desk lands in the S3-compatible bucket (a real one: moto in
server mode), not on that server's disk; any other server serves exactly the bytes its name
hashes to, without where it was taken; and the task worker puts its renditions in the bucket too.
Every part is a process of its own, on one SQLite file."""

import hashlib
import io
import re
import subprocess
import time

import boto3
import pytest
import requests
from PIL import ExifTags
from PIL import Image as Picture

from media import renditions
from media.models import Image

from .conftest import picture_bytes
from .servers import BIN, ROOT, free_port, site_environment, start_gunicorn, stop

BUCKET = "newsroom-media"
KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
EDITOR, PASSWORD = "picture-editor", "a-long-desk-password"
TIMEOUT = 30  # seconds, for every request


def manage(environment: dict, *arguments: str, timeout: int = 180) -> None:
    """A management command in a process of its own, as an operator would run it."""
    done = subprocess.run(
        [str(BIN / "python"), "manage.py", *arguments],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.fixture
def bucket(tmp_path):
    """moto's S3 server on a port of its own, holding one empty bucket; a client for it."""
    port, log = free_port(), tmp_path / "moto.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
            stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(endpoint, timeout=1)
                break
            except requests.RequestException:
                assert server.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")  # fmt: skip
        s3.create_bucket(Bucket=BUCKET)
        yield endpoint, s3
    finally:
        stop(server)


@pytest.fixture
def newsroom(tmp_path, bucket):
    """Two gunicorn servers on one SQLite file, each with a MEDIA_ROOT of its own and pictures
    in the bucket; their addresses, and the first one's environment (the worker's)."""
    endpoint, _s3 = bucket
    database = f"sqlite:///{tmp_path / 'newsroom.sqlite3'}"
    s3_settings = {
        "MEDIA_S3_BUCKET": BUCKET, "MEDIA_S3_ENDPOINT_URL": endpoint,
        "MEDIA_S3_REGION": "us-east-1", "DJANGO_SUPERUSER_PASSWORD": PASSWORD, **KEYS,
    }  # fmt: skip
    environments = [
        site_environment(database, MEDIA_ROOT=str(tmp_path / name), **s3_settings)
        for name in ("first-media", "second-media")
    ]
    manage(environments[0], "migrate", "--no-input")
    manage(environments[0], "createsuperuser", "--no-input", "--username", EDITOR,
           "--email", "pictures@example.com")  # fmt: skip
    ports, running = [free_port(), free_port()], []
    try:
        for environment, port in zip(environments, ports, strict=True):
            running.append(start_gunicorn(environment, port, workers=2))
        yield *(f"http://127.0.0.1:{port}" for port in ports), environments[0]
    finally:
        stop(*running)


def with_gps() -> bytes:
    """A 1800 × 1200 JPEG that says where it was taken."""
    exif = Picture.Exif()
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (31.0, 14.0, 0.0)}
    )
    data = picture_bytes(1800, 1200, exif=exif)
    assert Picture.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    return data


def upload_through_desk(site: str, data: bytes) -> tuple[str, str]:
    """Sign in and upload ``data`` with the media library's form; the new picture's id and
    the page the desk then opens."""
    desk = requests.Session()

    def post(path: str, **form) -> requests.Response:
        page = desk.get(site + path, timeout=TIMEOUT).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = {**form.pop("data", {}), "csrfmiddlewaretoken": token}
        return desk.post(site + path, data=data, timeout=TIMEOUT, **form)

    post("/admin/login/", data={"username": EDITOR, "password": PASSWORD})
    done = post("/admin/media/image/add/", files={"files": ("harbour.jpg", data, "image/jpeg")})
    opened = re.search(r"/admin/media/image/([0-9a-f]{40})/change/$", done.url)
    assert done.status_code == 200 and opened, (done.url, done.text[-2000:])
    return opened.group(1), done.text


def keys(s3) -> set[str]:
    return {item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def stored_locally(tmp_path) -> list:
    return [path for path in tmp_path.glob("*-media/**/*") if path.is_file()]


def test_a_picture_uploaded_on_one_server_is_served_by_another_from_the_bucket(
    newsroom, bucket, tmp_path
):
    """Readers of any server get the picture at once, byte for byte as its name says, with no
    location in it; it is in the bucket, on neither server's disk."""
    (first, second, _environment), (_endpoint, s3) = newsroom, bucket
    image_id, _page = upload_through_desk(first, with_gps())

    served = requests.get(f"{second}/media/{image_id}.jpg", timeout=TIMEOUT)
    assert served.status_code == 200 and served.headers["Content-Type"] == "image/jpeg"
    data = served.content
    assert hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest() == image_id
    picture = Picture.open(io.BytesIO(data))
    assert picture.size == (1800, 1200)
    assert not picture.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert f"{image_id}.jpg" in keys(s3)
    assert s3.get_object(Bucket=BUCKET, Key=f"{image_id}.jpg")["Body"].read() == data
    assert stored_locally(tmp_path) == []


def test_the_task_worker_makes_renditions_in_the_bucket_that_any_server_serves(
    newsroom, bucket, tmp_path
):
    """Until the worker has run, a rendition's address sends readers to the original; after
    one pass of ``db_worker``, another server serves it at the width its name gives."""
    (first, second, environment), (_endpoint, s3) = newsroom, bucket
    image_id, page = upload_through_desk(first, with_gps())
    shown = re.search(rf'src="/media/(renditions/{image_id}/full-(\d+)\.jpg)"', page)
    assert shown, page[-3000:]
    path, width = shown.group(1), int(shown.group(2))
    before = requests.get(f"{second}/media/{path}", timeout=TIMEOUT, allow_redirects=False)
    assert before.status_code == 302 and before.headers["Location"] == f"/media/{image_id}.jpg"

    manage(environment, "db_worker", "--batch", "--no-startup-delay", timeout=300)

    after = requests.get(f"{second}/media/{path}", timeout=TIMEOUT, allow_redirects=False)
    assert after.status_code == 200 and after.headers["Content-Type"] == "image/jpeg"
    assert Picture.open(io.BytesIO(after.content)).width == width == 1600
    image = Image(id=image_id, format="jpg", width=1800, height=1200)  # not saved: names only
    assert keys(s3) == {image.name, *(made.path for made in renditions.every_rendition(image))}
    assert stored_locally(tmp_path) == []
