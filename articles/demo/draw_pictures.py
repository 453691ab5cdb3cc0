#!/usr/bin/env python3
"""Draw the pictures of the demo articles.

Every picture is an original flat illustration drawn here with Pillow: no photographs, nothing
downloaded. The output is deterministic (all randomness comes from fixed seeds), so running the
script again gives the same bytes and so the same file names.

Each picture is written to ``media/<id>.jpg`` beside this script, where ``<id>`` is the Git blob id
of the JPEG bytes (what ``git hash-object FILE`` prints), as the article documents expect. Files in
``media/`` that the script no longer produces are deleted.

    python articles/demo/draw_pictures.py
"""

import hashlib
import io
import itertools
import math
import random
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

W, H = 2400, 1600  # final size, 3:2
S = 2  # drawn at twice the size, then scaled down: smooth edges
MEDIA = Path(__file__).resolve().parent / "media"


# --------------------------------------------------------------------------------------------
# Helpers. All coordinates below are in final pixels (2400 x 1600); the helpers scale them.


def rgb(hexstr, alpha=None):
    hexstr = hexstr.lstrip("#")
    c = tuple(int(hexstr[i : i + 2], 16) for i in (0, 2, 4))
    return c if alpha is None else (*c, alpha)


def mix(c1, c2, t):
    return tuple(round(a + (b - a) * t) for a, b in zip(c1, c2, strict=False))


def scaled(points):
    return [(x * S, y * S) for x, y in points]


def rotate(points, cx, cy, degrees):
    a = math.radians(degrees)
    ca, sa = math.cos(a), math.sin(a)
    return [
        (cx + (x - cx) * ca - (y - cy) * sa, cy + (x - cx) * sa + (y - cy) * ca) for x, y in points
    ]


def curve(f, x0=-20, x1=W + 20, step=6):
    """Points (x, f(x)) from x0 to x1."""
    n = max(2, int((x1 - x0) / step))
    return [(x0 + (x1 - x0) * i / n, f(x0 + (x1 - x0) * i / n)) for i in range(n + 1)]


class Pen:
    """ImageDraw in final-pixel coordinates; colours may carry alpha (blended)."""

    def __init__(self, img):
        self.img = img
        self.d = ImageDraw.Draw(img, "RGBA") if img.mode == "RGB" else ImageDraw.Draw(img)

    @staticmethod
    def _c(color):
        return rgb(color) if isinstance(color, str) else color

    def poly(self, points, fill):
        self.d.polygon(scaled(points), fill=self._c(fill))

    def rect(self, x0, y0, x1, y1, fill, radius=0):
        box = [x0 * S, y0 * S, x1 * S, y1 * S]
        if radius:
            self.d.rounded_rectangle(box, radius * S, fill=self._c(fill))
        else:
            self.d.rectangle(box, fill=self._c(fill))

    def circle(self, cx, cy, r, fill=None, outline=None, width=0, ry=None):
        ry = r if ry is None else ry
        box = [(cx - r) * S, (cy - ry) * S, (cx + r) * S, (cy + ry) * S]
        self.d.ellipse(
            box,
            fill=None if fill is None else self._c(fill),
            outline=None if outline is None else self._c(outline),
            width=round(width * S),
        )

    def line(self, points, fill, width):
        self.d.line(
            scaled(points), fill=self._c(fill), width=max(1, round(width * S)), joint="curve"
        )
        if width * S >= 3:  # round caps
            for x, y in (points[0], points[-1]):
                self.circle(x, y, width / 2, fill=fill)

    def arc(self, cx, cy, r, start, end, fill, width):
        box = [(cx - r) * S, (cy - r) * S, (cx + r) * S, (cy + r) * S]
        self.d.arc(box, start, end, fill=self._c(fill), width=round(width * S))

    def dashed(self, points, fill, width, dash, gap):
        """A dashed polyline following points."""
        on, left, cur = True, dash, [points[0]]
        for (x0, y0), (x1, y1) in itertools.pairwise(points):
            seg = math.hypot(x1 - x0, y1 - y0)
            pos = 0.0
            while seg - pos > left:
                pos += left
                t = pos / seg
                p = (x0 + (x1 - x0) * t, y0 + (y1 - y0) * t)
                if on:
                    cur.append(p)
                    self.line(cur, fill, width)
                on = not on
                left = dash if on else gap
                cur = [p]
            left -= seg - pos
            if on:
                cur.append((x1, y1))
        if on and len(cur) > 1:
            self.line(cur, fill, width)


def canvas(color="#000000"):
    return Image.new("RGB", (W * S, H * S), rgb(color))


def mask():
    return Image.new("L", (W * S, H * S), 0)


def vgradient(stops):
    """A full-size image with a vertical gradient through stops [(0..1, '#rrggbb'), ...]."""
    h = H * S
    stops = [(p, rgb(c)) for p, c in stops]
    column = []
    for y in range(h):
        t = y / (h - 1)
        for (p0, c0), (p1, c1) in itertools.pairwise(stops):
            if t <= p1 or (p1, c1) == stops[-1]:
                u = 0.0 if p1 == p0 else min(1.0, max(0.0, (t - p0) / (p1 - p0)))
                u = u * u * (3 - 2 * u)  # smooth
                column.append(mix(c0, c1, u))
                break
    img = Image.new("RGB", (1, h))
    img.putdata(column)
    return img.resize((W * S, h), Image.Resampling.NEAREST)


_RADIAL = Image.radial_gradient("L")  # 256 x 256: 0 in the centre, 181 at the middle of each side


def glow(img, cx, cy, r, color, alpha=1.0, power=1.8):
    """A soft round glow of color, strongest in the centre."""
    size = max(2, round(2 * r * S))
    lut = [round(255 * alpha * max(0.0, 1 - v / 178) ** power) for v in range(256)]
    m = _RADIAL.resize((size, size), Image.Resampling.BICUBIC).point(lut)
    full = mask()
    full.paste(m, (round((cx - r) * S), round((cy - r) * S)))
    img.paste(rgb(color), (0, 0, *img.size), full)


def paint(img, color, m):
    """Fill color through the L mask m."""
    img.paste(rgb(color) if isinstance(color, str) else color, (0, 0, *img.size), m)


def finish(img, seed, grain=2.5, mottle=7.0):
    """Scale down to the final size and add a gentle paper grain and mottling."""
    img = img.resize((W, H), Image.Resampling.LANCZOS)
    rnd = random.Random(seed)

    def noise(w, h, amount, resample):
        n = Image.frombytes("L", (w, h), rnd.randbytes(w * h)).resize((W, H), resample)
        return n.point(
            [max(0, min(255, round(128 + (v - 128) * amount / 128))) for v in range(256)]
        )

    fine = noise(W // 2, H // 2, grain, Image.Resampling.BICUBIC)
    coarse = noise(36, 24, mottle, Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(40))
    n = ImageChops.add(fine, coarse, 1.0, -128)
    return ImageChops.add(img, Image.merge("RGB", (n, n, n)), 1.0, -128)


def encode(img):
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=82, optimize=True, progressive=False)
    return buf.getvalue()


def blob_id(data):
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def bolt(pen, cx, cy, h, fill):
    """A lightning-bolt sign, h high, centred on (cx, cy)."""
    k = h / 100
    pts = [(8, -50), (-22, 6), (0, 6), (-10, 50), (24, -8), (2, -8), (14, -50)]
    pen.poly([(cx + x * k, cy + y * k) for x, y in pts], fill)


def gull(pen, x, y, s, color):
    pen.line([(x - s, y - s * 0.35), (x - s * 0.45, y - s * 0.5), (x, y)], color, s * 0.12)
    pen.line([(x, y), (x + s * 0.45, y - s * 0.5), (x + s, y - s * 0.35)], color, s * 0.12)


# --------------------------------------------------------------------------------------------
# Harbour: container cranes on an electrified quay.

CONTAINER_COLOURS = ["#b15a43", "#3f6f78", "#c39a4c", "#7b8f68", "#8c5a68", "#5b7c98", "#d0b28a"]


def container(pen, x0, y0, x1, y1, color):
    pen.rect(x0, y0, x1, y1, color)
    pen.rect(x0, y0, x1, y0 + 4, (255, 255, 255, 40))
    n = max(2, int((x1 - x0) / 18))
    for i in range(1, n):
        x = x0 + (x1 - x0) * i / n
        pen.line([(x, y0 + 6), (x, y1 - 5)], (0, 0, 0, 34), 2)
    pen.rect(x0, y1 - 3, x1, y1, (0, 0, 0, 50))


def crane(pen, cx, gy, k, color, trolley=760, hoist=None, box=None, light=None):
    """A ship-to-shore crane in profile: legs at cx -/+ 170*k standing on gy, boom to the right."""

    def p(x, y):
        return (cx + x * k, gy + y * k)

    def r(x0, y0, x1, y1, fill):
        (a, b), (c, d) = p(x0, y0), p(x1, y1)
        pen.rect(a, b, c, d, fill)

    def ln(pts, width, fill=color):
        pen.line([p(x, y) for x, y in pts], fill, width * k)

    light = light or mix(rgb(color), (255, 255, 255), 0.25)
    # ties from the apex
    ln([(-20, -930), (1190, -575)], 7)
    ln([(-20, -930), (620, -580)], 7)
    ln([(-20, -930), (-440, -580)], 7)
    # legs, portal beam and bracing
    for x in (-170, 170):
        r(x - 17, -560, x + 17, 0, color)
        r(x - 48, -34, x + 48, -8, color)
        for wx in (-30, 0, 30):
            pen.circle(*p(x + wx, -6), 9 * k, fill=color)
    r(-190, -450, 190, -410, color)
    ln([(-160, -40), (160, -420)], 14)
    ln([(-160, -420), (-15, -240)], 12)
    # A-frame
    ln([(-170, -575), (-22, -930)], 26)
    ln([(170, -575), (-18, -930)], 26)
    r(-40, -945, 10, -915, color)
    # boom
    pen.poly([p(-450, -600), p(1150, -600), p(1200, -585), p(1200, -565), p(-450, -555)], color)
    ln([(-440, -596), (1180, -596)], 3, fill=light)
    # machinery house with the lightning bolt (electric drive)
    r(-440, -680, -215, -600, color)
    r(-440, -680, -215, -672, light)
    if k > 0.8:
        bolt(pen, *p(-328, -640), 58 * k, "#e2b657")
    # trolley and cab
    tx = trolley
    r(tx - 58, -565, tx + 58, -528, color)
    r(tx - 44, -528, tx + 22, -472, color)
    r(tx - 38, -520, tx + 14, -496, "#d9e2e0" if k > 0.8 else light)
    if hoist is not None:
        ln([(tx - 40, -472), (tx - 40, hoist)], 3)
        ln([(tx + 40, -528), (tx + 40, hoist)], 3)
        r(tx - 112, hoist, tx + 112, hoist + 14, color)
        if box:
            a, b = p(tx - 104, hoist + 14)
            c, d = p(tx + 104, hoist + 74)
            container(pen, a, b, c, d, box)


def harbour():
    img = vgradient([(0, "#b5c9cf"), (0.45, "#dcdcd2"), (0.6, "#efdcc3"), (1, "#efdcc3")])
    pen = Pen(img)
    rnd = random.Random(11)
    glow(img, 1760, 470, 420, "#f8ead2", 0.85)
    pen.circle(1760, 470, 92, "#f7ecda")

    # distant hills and sea
    pen.poly(
        [
            (-20, 965),
            *curve(lambda x: 925 + 22 * math.sin(x / 210) + 12 * math.sin(x / 67)),
            (W + 20, 965),
        ],
        "#aebcbc",
    )
    img.paste(
        vgradient([(0, "#9fb4b4"), (0.6, "#9fb4b4"), (0.78, "#7f9ba0"), (1, "#587880")]).crop(
            (0, 960 * S, W * S, H * S)
        ),
        (0, 960 * S),
    )
    for _ in range(130):
        y = rnd.uniform(975, 1590)
        x = rnd.uniform(-40, W)
        ln = rnd.uniform(20, 70) * (0.5 + (y - 960) / 640)
        pen.line([(x, y), (x + ln, y)], (255, 255, 255, rnd.randint(30, 70)), 2 + (y - 960) / 300)

    # warehouse with solar panels, behind the container yard
    pen.rect(0, 930, 600, 1180, "#cabdac")
    for i in range(5):
        x0 = -10 + i * 125
        pen.poly([(x0, 930), (x0 + 112, 862), (x0 + 112, 930)], "#4d6377")
        for j in range(1, 4):
            pen.line([(x0 + 28 * j, 930 - 17 * j), (x0 + 28 * j, 930)], "#7c8fa1", 2)
        pen.line([(x0, 930), (x0 + 112, 862)], "#8a9cad", 2)
        pen.rect(x0 + 112, 862, x0 + 125, 930, "#b9ab99")

    # far cranes along the quay
    pen.rect(0, 1040, 1150, 1060, "#b8b3a8")
    crane(pen, 250, 1040, 0.42, "#a8babb", trolley=600)
    crane(pen, 420, 1095, 0.6, "#8ea7aa", trolley=420)

    # the container yard
    x = 20
    while x < 640:
        tiers = rnd.choice([2, 3, 3, 4])
        for t in range(tiers):
            y1 = 1180 - t * 50
            container(pen, x, y1 - 48, x + 118, y1, rnd.choice(CONTAINER_COLOURS))
        x += 124

    # quay
    pen.rect(0, 1290, 1160, 1318, (40, 55, 65, 60))
    pen.rect(0, 1180, 1152, 1290, "#847e74")
    pen.rect(0, 1180, 1152, 1198, "#b4ada1")
    pen.line([(0, 1190), (580, 1190)], "#2e3134", 7)  # the crane's power cable on the quay
    for y in (1230, 1260):
        pen.line([(0, y), (1150, y)], (0, 0, 0, 20), 3)
    for fx in (120, 420, 720, 1020):
        pen.rect(fx, 1210, fx + 40, 1276, "#2f3235", radius=10)
    pen.rect(1140, 1200, 1160, 1300, "#2f3235", radius=8)

    # the ship, seen from astern, alongside the quay
    pen.rect(1575, 740, 1795, 1110, "#e4e1d9")
    pen.rect(1530, 740, 1840, 772, "#d4d0c6")
    for wy in range(790, 1100, 42):
        pen.rect(1595, wy, 1775, wy + 14, "#8e9aa1")
    cols = [4, 5, 5, 3, 2, 4, 5, 5, 4]
    for i, n in enumerate(cols):
        x0 = 1188 + i * 108
        for t in range(n):
            y1 = 1110 - t * 50
            container(pen, x0, y1 - 48, x0 + 104, y1, rnd.choice(CONTAINER_COLOURS))
    pen.poly([(1168, 1108), (2178, 1108), (2140, 1268), (1205, 1268)], "#3c4955")
    pen.poly([(1200, 1242), (2146, 1242), (2140, 1268), (1205, 1268)], "#9b4b3d")
    pen.line([(1170, 1116), (2176, 1116)], "#56636e", 4)
    # reflection of the hull
    for i in range(9):
        y = 1278 + i * 22
        w = 470 - i * 38
        pen.line([(1670 - w, y), (1670 + w, y)], (40, 55, 65, 90 - i * 8), 9)

    # the main crane, lowering a container into the ship
    crane(pen, 900, 1180, 1.0, "#2f5660", trolley=760, hoist=-390, box="#c39a4c")
    # cable reel at the foot of the landside leg
    pen.circle(640, 1130, 46, "#c9974a")
    pen.circle(640, 1130, 30, "#2e3134")
    pen.circle(640, 1130, 10, "#c9974a")
    pen.line([(640, 1176), (600, 1190)], "#2e3134", 7)

    for gx, gy, s in ((1380, 330, 26), (1455, 300, 20), (1330, 385, 18), (2050, 250, 22)):
        gull(pen, gx, gy, s, "#5d6b70")
    return finish(img, 101)


def harbour_reel():
    """A close view of one crane's leg, its cable reel and the charging point."""
    img = vgradient([(0, "#bccdd2"), (0.55, "#e6e0d2"), (0.64, "#efdfc6"), (1, "#efdfc6")])
    pen = Pen(img)
    rnd = random.Random(12)
    glow(img, 1350, 820, 700, "#f7e9d0", 0.6)
    # distant sea, far cranes and stacks
    pen.rect(0, 1010, W, 1250, "#95abad")
    for _ in range(40):
        y, x = rnd.uniform(1020, 1240), rnd.uniform(0, W)
        pen.line([(x, y), (x + rnd.uniform(20, 60), y)], (255, 255, 255, 60), 2)
    crane(pen, 2060, 1010, 0.34, "#a6b6b7", trolley=500)
    crane(pen, 2330, 1010, 0.3, "#aebcbc", trolley=300)
    x = 1040
    while x < 1900:
        for t in range(rnd.choice([1, 2, 3])):
            container(
                pen,
                x,
                1010 - (t + 1) * 26,
                x + 62,
                1010 - t * 26,
                mix(rgb(rnd.choice(CONTAINER_COLOURS)), rgb("#c9cfca"), 0.45),
            )
        x += 66

    # quay surface with rails and the cable trench
    pen.rect(0, 1250, W, H, "#a29c91")
    pen.rect(0, 1250, W, 1262, "#b9b2a6")
    for y in range(1300, H, 70):
        pen.line([(0, y), (W, y)], (0, 0, 0, 14), 3)
    pen.rect(0, 1300, W, 1316, "#5c5c5a")
    pen.rect(0, 1300, W, 1304, "#7b7a76")
    pen.rect(0, 1372, W, 1406, "#6f6b64")
    pen.rect(0, 1372, W, 1378, "#56534e")
    pen.rect(0, 1500, W, 1516, "#5c5c5a")
    pen.rect(0, 1500, W, 1504, "#7b7a76")

    steel, steel_dark, steel_light = "#2f5660", "#24454d", "#4b7079"
    # the crane: two legs, portal beam, bracing
    for x0, x1 in ((520, 720), (1880, 2040)):
        pen.poly([(x0, -20), (x1, -20), (x1 - 8, 1180), (x0 + 8, 1180)], steel)
        pen.rect(x0 + 14, -20, x0 + 30, 1180, steel_light)
    pen.rect(-20, 60, W + 20, 230, steel)
    pen.rect(-20, 60, W + 20, 74, steel_light)
    pen.rect(-20, 218, W + 20, 230, steel_dark)
    pen.line([(720, 1020), (1880, 240)], steel, 46)
    pen.line([(740, 1010), (1870, 255)], steel_light, 6)
    # bogies and wheels on the rail
    for cx in (620, 1960):
        pen.rect(cx - 190, 1180, cx + 190, 1250, steel_dark, radius=10)
        pen.rect(cx - 190, 1180, cx + 190, 1192, steel_light, radius=6)
        for wx in (-130, -45, 45, 130):
            pen.circle(cx + wx, 1262, 40, "#3a3d40")
            pen.circle(cx + wx, 1262, 14, "#8b8f91")
    # motor housing with the bolt
    pen.rect(540, 620, 700, 820, steel_dark, radius=10)
    bolt(pen, 620, 720, 120, "#e2b657")

    # the cable reel
    cx, cy = 980, 900
    pen.circle(cx, cy, 250, "#b98743")
    pen.circle(cx, cy, 236, "#c9974a")
    for i in range(6):
        a = math.radians(i * 60 + 15)
        pen.line(
            [
                (cx + 60 * math.cos(a), cy + 60 * math.sin(a)),
                (cx + 210 * math.cos(a), cy + 210 * math.sin(a)),
            ],
            "#a77836",
            30,
        )
    pen.circle(cx, cy, 200, outline="#2b2d30", width=34)
    pen.circle(cx, cy, 168, outline="#3b3e42", width=14)
    pen.circle(cx, cy, 62, "#a77836")
    pen.circle(cx, cy, 30, "#2f3235")
    pen.rect(700, cy - 30, cx - 60, cy + 30, steel_dark)
    # the cable: off the reel, down to the quay, along the trench to the charging point
    cable = [
        (cx + 185, cy + 60),
        (cx + 205, cy + 200),
        (cx + 215, 1290),
        (cx + 235, 1360),
        (cx + 320, 1389),
        (1400, 1389),
        (1450, 1362),
        (1480, 1352),
    ]
    pen.line(cable, "#26282b", 30)
    pen.line([(x - 4, y - 7) for x, y in cable[3:-2]], "#55595e", 5)
    # cable guide where it goes into the trench
    pen.rect(cx + 170, 1316, cx + 270, 1352, "#3a3d40", radius=8)
    pen.rect(cx + 170, 1316, cx + 270, 1324, "#55595e", radius=4)

    # the charging point
    px0, px1 = 1500, 1720
    pen.rect(px0 + 12, 1050, px1 + 12, 1392, (0, 0, 0, 40), radius=16)
    pen.rect(px0, 1040, px1, 1384, "#d9d3c6", radius=16)
    pen.rect(px0, 1040, px1, 1080, "#c9c2b4", radius=16)
    pen.rect(px0 + 30, 1110, px1 - 30, 1220, "#3f4d57", radius=8)
    bolt(pen, (px0 + px1) / 2, 1165, 84, "#e2b657")
    pen.circle(px0 + 60, 1260, 14, "#7fb48a")
    pen.circle(px0 + 110, 1260, 14, "#8d918f")
    pen.rect(px0 - 30, 1330, px0 + 40, 1372, "#2f3235", radius=10)
    pen.rect(px0 + 120, 1290, px1 - 30, 1320, "#b9b1a2", radius=6)

    # a worker for scale
    wx = 1870
    pen.rect(wx - 24, 1260, wx - 4, 1390, "#3b4750", radius=8)
    pen.rect(wx + 4, 1260, wx + 24, 1390, "#3b4750", radius=8)
    pen.rect(wx - 38, 1120, wx + 38, 1275, "#d9894b", radius=24)
    pen.rect(wx - 38, 1190, wx + 38, 1204, "#e8e2cf")
    pen.line([(wx - 30, 1140), (wx - 70, 1240)], "#d9894b", 24)
    pen.circle(wx, 1085, 32, "#b7866a")
    pen.circle(wx, 1072, 36, "#e6e1d3", ry=24)
    pen.rect(wx - 40, 1070, wx + 40, 1080, "#e6e1d3")

    for gx, gy, s in ((1260, 420, 24), (1330, 390, 18)):
        gull(pen, gx, gy, s, "#5d6b70")
    return finish(img, 102)


# --------------------------------------------------------------------------------------------
# Coastal towns: a shared flood map.


def coast(x):
    return (
        890
        + 80 * math.sin(x / 260 + 0.5)
        + 38 * math.sin(x / 97 + 2.0)
        + 14 * math.sin(x / 41 + 1.0)
    )


def smooth_coast(x, k):
    return 890 + 80 * math.sin(x / 260 + 0.5) + 38 * k * math.sin(x / 97 + 2.0)


def flood_line(x):
    return coast(x) - 95 - 38 * math.sin(x / 170 + 1.3) - 20 * math.sin(x / 61)


def flood_map():
    img = canvas("#eee6d4")
    pen = Pen(img)
    rnd = random.Random(21)

    # land tints and contour lines
    for k, color in ((560, "#dfd3b6"), (420, "#e4d9bf"), (280, "#e8dfc8")):
        top = [(x, smooth_coast(x, 0.4) - k + 40 * math.sin(x / 150 + k)) for x, _ in curve(coast)]
        pen.poly([*top, (W + 20, H + 20), (-20, H + 20)], color)
        pen.line(top, "#cdbf9f", 3)
    # sea and depth bands
    pen.poly([*curve(coast), (W + 20, H + 20), (-20, H + 20)], "#b8cfd1")
    for k, color in ((55, "#a9c4c8"), (170, "#9ab8be"), (330, "#8cadb4"), (520, "#7fa2aa")):
        band = curve(lambda x, k=k: smooth_coast(x, 0.6 - k / 1200) + k)
        pen.poly([*band, (W + 20, H + 20), (-20, H + 20)], color)
        pen.line(band, (255, 255, 255, 60), 2)
    for _ in range(70):
        x = rnd.uniform(0, W)
        y = rnd.uniform(coast(x) + 80, H)
        pen.arc(x, y, 16, 200, 340, (255, 255, 255, 90), 3)
        pen.arc(x + 26, y - 8, 16, 20, 160, (255, 255, 255, 90), 3)

    # faint map grid
    for gx in range(0, W, 200):
        pen.line([(gx, 0), (gx, H)], (60, 60, 60, 16), 2)
    for gy in range(0, H, 200):
        pen.line([(0, gy), (W, gy)], (60, 60, 60, 16), 2)

    # rivers
    for x0, drift in ((680, 60), (1660, -70)):
        pts = [
            (x0 + drift * math.sin(y / 120) + 0.25 * drift * y / 100, y)
            for y in range(-20, 900, 10)
        ]
        pts = [(x, y) for x, y in pts if y < coast(x) + 10]
        pen.line(pts, "#98b8bf", 9)

    # the flood zone: translucent blue with hatching, bounded by a dashed line
    zone = mask()
    zpen = Pen(zone)
    top = curve(flood_line)
    zpen.poly([*top, *reversed(curve(lambda x: coast(x) + 2))], 255)
    hatch = Image.new("L", zone.size, 0)
    hpen = Pen(hatch)
    for x in range(-1600, W, 34):
        hpen.line([(x, H), (x + 1600, 0)], 255, 5)
    paint(img, "#78a6b9", zone.point(lambda v: v * 90 // 255))
    paint(img, "#5a8ea7", ImageChops.multiply(zone, hatch).point(lambda v: v * 140 // 255))
    pen.dashed(top, "#2d5f7b", 6, 30, 18)

    # the seven towns: a few blocks of houses each (their markers come last)
    towns = [180 + i * 340 for i in range(7)]
    for i, tx in enumerate(towns):
        ty = smooth_coast(tx, 0.3) - 170
        trnd = random.Random(200 + i)
        for row in range(3):
            for col in range(4):
                if trnd.random() < 0.2:
                    continue
                hx = tx - 60 + col * 44 + trnd.uniform(-4, 4) + row * 10
                hy = ty - 40 + row * 42 + trnd.uniform(-4, 4)
                s = trnd.uniform(13, 17)
                sq = [(hx - s, hy - s), (hx + s, hy - s), (hx + s, hy + s), (hx - s, hy + s)]
                pen.poly(
                    rotate(sq, hx, hy, trnd.uniform(-8, 8) - 12),
                    trnd.choice(["#c48b6c", "#b57b61", "#c99c7b"]),
                )

    # roads: the coast road and a road from it down to the shore at every town
    road = curve(lambda x: smooth_coast(x, 0.3) - 290)
    pen.line(road, "#b3a58a", 18)
    pen.line(road, "#f7f3ea", 11)
    for tx in towns:
        a = (tx + 15, smooth_coast(tx + 15, 0.3) - 290)
        b = (tx + 60, coast(tx + 60) - 6)
        pen.line([a, b], "#b3a58a", 13)
        pen.line([a, b], "#f7f3ea", 7)
        fy = flood_line(tx + 50)
        t = max(0.0, min(1.0, (fy - a[1]) / (b[1] - a[1])))
        pen.line([(a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t), b], "#b4493b", 9)

    # reported standing water
    for _ in range(120):
        x = rnd.uniform(20, W - 20)
        y = rnd.uniform(flood_line(x) + 8, coast(x) - 6)
        pen.circle(x, y, 7, "#2d5f7b")
        pen.circle(x, y, 13, outline=(45, 95, 123, 90), width=3)

    # a marker on every town
    for tx in towns:
        ty = smooth_coast(tx, 0.3) - 170
        mx, my = tx + 20, ty - 110
        pen.poly([(mx - 26, my + 8), (mx + 26, my + 8), (mx, my + 58)], "#2f4b5c")
        pen.circle(mx, my, 30, "#2f4b5c")
        pen.circle(mx, my, 12, "#eee6d4")

    # compass
    cx, cy = 2200, 170
    pen.circle(cx, cy, 70, outline=(47, 75, 92, 150), width=3)
    pen.poly([(cx, cy - 95), (cx + 18, cy), (cx, cy + 12), (cx - 18, cy)], "#2f4b5c")
    pen.poly([(cx, cy + 95), (cx + 18, cy), (cx, cy - 12), (cx - 18, cy)], (47, 75, 92, 110))
    return finish(img, 103)


# --------------------------------------------------------------------------------------------
# Drought-tolerant tea: terraced rows on hills under a dry sun.


def hill(peak_x, peak_y, width, base=1900):
    return lambda x: base - (base - peak_y) * math.exp(-(((x - peak_x) / width) ** 2))


def terraced_hill(img, top, rows, soil, bush, light, step=6):
    """Fill the area under the curve top with soil and rows of tea bushes following the slope."""
    m = mask()
    Pen(m).poly([*curve(top, step=step), (W + 20, H + 40), (-20, H + 40)], 255)
    layer = Image.new("RGB", img.size, rgb(soil))
    lp = Pen(layer)
    base = H + 260

    def level(f):
        return lambda x: top(x) + (base - top(x)) * f

    for i in range(rows):
        f0 = (i / rows) ** 1.35
        f1 = ((i + 1) / rows) ** 1.35
        fb = f0 + (f1 - f0) * 0.68
        upper = curve(level(f0 + (f1 - f0) * 0.1), step=step)
        lower = curve(level(fb), step=step)
        lp.poly([*upper, *reversed(lower)], bush)
        lp.poly([*upper, *reversed(curve(level(f0 + (f1 - f0) * 0.26), step=step))], light)
    img.paste(layer, (0, 0), m)


def tea():
    img = vgradient([(0, "#e2c68f"), (0.35, "#eddab1"), (0.6, "#f3e6c8"), (1, "#f3e6c8")])
    pen = Pen(img)
    sx, sy = 1200, 360
    glow(img, sx, sy, 640, "#fbf0d6", 0.9, power=1.4)
    for r, a in ((300, 50), (230, 60), (175, 70)):
        pen.circle(sx, sy, r, outline=(255, 246, 225, a), width=10)
    pen.circle(sx, sy, 130, "#fcf3df")

    # a far ridge in the haze
    pen.poly(
        [
            *curve(lambda x: 800 + 40 * math.sin(x / 310 + 1) + 22 * math.sin(x / 120)),
            (W + 20, H),
            (-20, H),
        ],
        "#c3c29e",
    )
    terraced_hill(img, hill(560, 830, 720), 15, "#d3b98d", "#96a57a", "#a9b58a")
    terraced_hill(img, hill(1900, 800, 760), 16, "#d1b385", "#879c69", "#9caf7c")
    terraced_hill(img, hill(1150, 1060, 1250, base=2100), 14, "#c9a777", "#6e8a52", "#86a066")
    # a lone tree on the right-hand hill and a drying-shed on the left
    pen.rect(1893, 740, 1905, 806, "#6b5a43")
    pen.circle(1899, 720, 44, "#6f8550")
    pen.circle(1880, 734, 30, "#6f8550")
    pen.rect(520, 790, 610, 836, "#ead9b8")
    pen.poly([(508, 792), (565, 760), (622, 792)], "#9c6c4b")
    pen.rect(548, 806, 566, 836, "#7a5a40")
    for gx, gy, s in ((1520, 300, 20), (1575, 275, 15)):
        gull(pen, gx, gy, s, "#8a7556")
    return finish(img, 104, mottle=4.5)


# --------------------------------------------------------------------------------------------
# Dark-sky reserve: stars and the Milky Way over hills.


def night_sky():
    img = vgradient(
        [(0, "#0a1424"), (0.45, "#15233a"), (0.72, "#26344d"), (0.8, "#3a4058"), (1, "#3a4058")]
    )
    pen = Pen(img)
    rnd = random.Random(31)

    # the Milky Way: a soft band from lower left to upper right
    x0, y0, x1, y1 = -200, 1440, 2650, -110
    dx, dy = x1 - x0, y1 - y0
    length = math.hypot(dx, dy)
    nx, ny = -dy / length, dx / length
    band = mask()
    bpen = Pen(band)
    bpen.line([(x0, y0), (x1, y1)], 45, 360)
    for _ in range(260):
        t = rnd.random()
        o = rnd.gauss(0, 110)
        bpen.circle(
            x0 + dx * t + nx * o,
            y0 + dy * t + ny * o,
            rnd.uniform(30, 110),
            fill=rnd.randint(20, 60),
        )
    band = band.filter(ImageFilter.GaussianBlur(90 * S))
    dust = mask()
    dpen = Pen(dust)
    for i in range(90):
        t = 0.15 + 0.8 * i / 90
        o = 30 + 26 * math.sin(t * 17) + rnd.gauss(0, 10)
        dpen.circle(
            x0 + dx * t + nx * o, y0 + dy * t + ny * o, rnd.uniform(14, 40), fill=rnd.randint(6, 18)
        )
    dust = dust.filter(ImageFilter.GaussianBlur(24 * S))
    band = ImageChops.subtract(band, dust)
    paint(img, "#c8c6dd", band.point(lambda v: min(255, v * 3)))

    # stars: scattered everywhere, thicker in the band
    stars = [(rnd.uniform(0, W), rnd.uniform(0, 1250)) for _ in range(900)]
    for _ in range(1100):
        t = rnd.random()
        o = rnd.gauss(0, 130)
        stars.append((x0 + dx * t + nx * o, y0 + dy * t + ny * o))
    tints = [(255, 255, 255), (255, 240, 214), (214, 226, 255)]
    for x, y in stars:
        r = rnd.choice([0.9, 1.0, 1.2, 1.4, 1.7, 2.2])
        a = rnd.randint(110, 255) if r > 1.1 else rnd.randint(70, 200)
        pen.circle(x, y, r, (*rnd.choice(tints), a))
    for _ in range(16):
        x, y = rnd.uniform(100, W - 100), rnd.uniform(60, 900)
        glow(img, x, y, 22, "#e9ecff", 0.5)
        pen.line([(x - 16, y), (x + 16, y)], (255, 255, 255, 150), 1.5)
        pen.line([(x, y - 16), (x, y + 16)], (255, 255, 255, 150), 1.5)
        pen.circle(x, y, 3.2, "#ffffff")

    # hills
    pen.poly(
        [
            (-20, H),
            *curve(lambda x: 1080 + 60 * math.sin(x / 330 + 2) + 25 * math.sin(x / 90)),
            (W + 20, H),
        ],
        "#1d2a40",
    )
    near = hill(1250, 1180, 900, base=1520)
    pen.poly(
        [(-20, H), *curve(lambda x: min(near(x), 1300 + 30 * math.sin(x / 150))), (W + 20, H)],
        "#121b2b",
    )
    bottom = curve(lambda x: 1430 + 40 * math.sin(x / 260 + 1) + 14 * math.sin(x / 70))
    pen.poly([(-20, H), *bottom, (W + 20, H)], "#0b111b")
    for tx in (180, 240, 290, 2050, 2110, 2190, 2260):
        ty = 1430 + 40 * math.sin(tx / 260 + 1) + 14 * math.sin(tx / 70) + 6
        for j in range(3):
            w = 34 - j * 8
            pen.poly(
                [(tx - w, ty - j * 34), (tx + w, ty - j * 34), (tx, ty - j * 34 - 62)], "#0b111b"
            )

    # the observatory dome on the near hill
    dx0, dy0 = 1250, 1180
    pen.rect(dx0 - 80, dy0 - 60, dx0 + 80, dy0 + 10, "#0d1420")
    pen.d.pieslice(
        [(dx0 - 80) * S, (dy0 - 140) * S, (dx0 + 80) * S, (dy0 + 20) * S],
        180,
        360,
        fill=rgb("#0d1420"),
    )
    pen.poly(
        [(dx0 - 8, dy0 - 140), (dx0 + 14, dy0 - 138), (dx0 + 14, dy0 - 62), (dx0 - 8, dy0 - 62)],
        "#2a3550",
    )
    # two stargazers with a telescope
    for px, h in ((930, 118), (1010, 100)):
        gy = near(px) + 6
        pen.rect(px - 14, gy - h, px + 14, gy - 30, "#0a0f18", radius=12)
        pen.rect(px - 11, gy - 40, px - 1, gy, "#0a0f18")
        pen.rect(px + 1, gy - 40, px + 11, gy, "#0a0f18")
        pen.circle(px, gy - h - 16, 15, "#0a0f18")
    tx, ty = 1090, near(1090) + 4
    pen.line([(tx, ty - 70), (tx - 24, ty)], "#0a0f18", 4)
    pen.line([(tx, ty - 70), (tx + 24, ty)], "#0a0f18", 4)
    pen.line([(tx - 34, ty - 52), (tx + 40, ty - 110)], "#0a0f18", 16)
    # a shielded lamp: warm light pointing only downwards
    lx = 640
    ly = 1430 + 40 * math.sin(lx / 260 + 1) + 14 * math.sin(lx / 70)
    cone = mask()
    Pen(cone).poly(
        [(lx + 42, ly - 196), (lx + 82, ly - 196), (lx + 170, ly + 10), (lx - 40, ly + 10)], 70
    )
    cone = cone.filter(ImageFilter.GaussianBlur(18 * S))
    paint(img, "#f0c27c", cone)
    glow(img, lx + 64, ly + 8, 150, "#f0c27c", 0.35)
    pen.rect(lx - 6, ly - 210, lx + 6, ly + 10, "#070b12")
    pen.rect(lx - 6, ly - 212, lx + 80, ly - 200, "#070b12")
    pen.poly(
        [(lx + 36, ly - 206), (lx + 92, ly - 206), (lx + 84, ly - 192), (lx + 42, ly - 192)],
        "#070b12",
    )
    pen.rect(lx + 46, ly - 193, lx + 78, ly - 189, "#f6d9a4")
    return finish(img, 105, grain=2.0, mottle=4)


# --------------------------------------------------------------------------------------------
# East bridge: a protected bicycle lane across the span.


def cyclist(pen, cx, gy, r, shirt, trousers, frame, phase):
    rear, front = (cx - 1.55 * r, gy - r), (cx + 1.55 * r, gy - r)
    crank = (cx - 0.05 * r, gy - 0.95 * r)
    seat = (cx - 0.55 * r, gy - 2.25 * r)
    head_tube = (cx + 1.12 * r, gy - 2.3 * r)
    bar = (cx + 1.0 * r, gy - 2.62 * r)
    hip = (seat[0] - 0.05 * r, seat[1] - 0.2 * r)
    shoulder = (cx + 0.42 * r, gy - 3.72 * r)
    dark = "#2d3338"

    def pedal(a):
        return (crank[0] + 0.42 * r * math.cos(a), crank[1] + 0.42 * r * math.sin(a))

    def leg(a, color):
        foot = pedal(a)
        length = 1.36 * r
        hx, hy = hip
        fx, fy = foot
        d = min(math.hypot(fx - hx, fy - hy), 2 * length - 0.01)
        ux, uy = (fx - hx) / d, (fy - hy) / d
        h = math.sqrt(max(0.0, length * length - (d / 2) ** 2))
        knee = ((hx + fx) / 2 + uy * h, (hy + fy) / 2 - ux * h)
        if knee[0] < (hx + fx) / 2:  # knees point forwards
            knee = ((hx + fx) / 2 - uy * h, (hy + fy) / 2 + ux * h)
        pen.line([hip, knee, foot], color, 0.3 * r)
        pen.line([foot, (foot[0] + 0.22 * r, foot[1] + 0.02 * r)], dark, 0.14 * r)

    leg(phase + math.pi, mix(rgb(trousers), (0, 0, 0), 0.3))
    for wheel in (rear, front):
        pen.circle(*wheel, r, outline=dark, width=0.13 * r)
        pen.circle(*wheel, 0.08 * r, dark)
    w = 0.1 * r
    pen.line([rear, crank, head_tube], frame, w)
    pen.line([rear, seat, crank], frame, w)
    pen.line([seat, (head_tube[0], head_tube[1] - 0.05 * r)], frame, w)
    pen.line([bar, head_tube, front], frame, w)
    pen.line(
        [(seat[0] - 0.2 * r, seat[1] - 0.04 * r), (seat[0] + 0.15 * r, seat[1] - 0.04 * r)],
        dark,
        0.12 * r,
    )
    pen.line([shoulder, hip], shirt, 0.62 * r)
    leg(phase, trousers)
    pen.line([shoulder, (shoulder[0] + 0.35 * r, shoulder[1] + 0.65 * r), bar], shirt, 0.2 * r)
    head = (shoulder[0] + 0.22 * r, shoulder[1] - 0.5 * r)
    pen.circle(*head, 0.33 * r, "#8a6a58")
    pen.d.pieslice(
        [
            (head[0] - 0.37 * r) * S,
            (head[1] - 0.42 * r) * S,
            (head[0] + 0.37 * r) * S,
            (head[1] + 0.3 * r) * S,
        ],
        180,
        360,
        fill=rgb(frame),
    )


def car(pen, x, gy, length, color, facing=1):
    h = length * 0.3
    body = [
        (x, gy - 0.18 * h),
        (x, gy - 0.55 * h),
        (x + 0.06 * length, gy - 0.62 * h),
        (x + 0.28 * length, gy - 0.66 * h),
        (x + 0.38 * length, gy - h),
        (x + 0.74 * length, gy - h),
        (x + 0.86 * length, gy - 0.64 * h),
        (x + length, gy - 0.55 * h),
        (x + length, gy - 0.18 * h),
    ]
    if facing < 0:
        body = [(2 * x + length - px, py) for px, py in body]
    pen.poly(body, color)
    win_y0, win_y1 = gy - 0.92 * h, gy - 0.66 * h
    a = x + (0.42 if facing > 0 else 0.3) * length
    pen.rect(a, win_y0, a + 0.26 * length, win_y1, "#dfe6e6", radius=4)
    for f in (0.2, 0.8):
        pen.circle(x + f * length, gy - 0.12 * h, 0.13 * length, "#2d3338")
        pen.circle(x + f * length, gy - 0.12 * h, 0.05 * length, "#9aa0a3")


def bridge():
    img = vgradient([(0, "#cfdcdc"), (0.4, "#e3e5dd"), (0.64, "#efe6d6"), (1, "#efe6d6")])
    pen = Pen(img)
    rnd = random.Random(41)
    clouds = mask()
    cpen = Pen(clouds)
    for cx, cy, s in ((420, 280, 1.0), (1880, 200, 0.8), (1350, 430, 0.6)):
        for ox, oy, r in ((-120, 22, 50), (-40, -10, 72), (50, -30, 80), (130, 10, 56)):
            cpen.circle(cx + ox * s, cy + oy * s, r * s, 255)
        cpen.rect(cx - 170 * s, cy + 10 * s, cx + 186 * s, cy + 66 * s, 255, radius=28 * s)
    paint(img, "#fbfaf4", clouds.point(lambda v: v * 150 // 255))

    # the far bank: a skyline in the haze
    x = -20
    while x < W:
        w = rnd.uniform(70, 170)
        h = rnd.uniform(110, 360)
        pen.rect(x, 1060 - h, x + w, 1062, rnd.choice(["#b9c6c6", "#b2c0c1", "#c2cdcb"]))
        x += w + rnd.uniform(-10, 20)
    pen.rect(1540, 600, 1600, 1062, "#b2c0c1")
    pen.poly([(1540, 600), (1570, 540), (1600, 600)], "#b2c0c1")
    img.paste(
        vgradient([(0, "#9bb7b7"), (0.66, "#9bb7b7"), (0.8, "#7fa1a3"), (1, "#5f8588")]).crop(
            (0, 1060 * S, W * S, H * S)
        ),
        (0, 1060 * S),
    )
    for _ in range(70):
        y, x = rnd.uniform(1225, 1590), rnd.uniform(0, W)
        ln = rnd.uniform(30, 90)
        pen.line([(x, y), (x + ln, y)], (255, 255, 255, rnd.randint(35, 75)), 3)

    def arch(x, lift, top, half=1550):
        u = (x - 1200) / half
        return lift - (lift - top) * (1 - u * u)

    rib, rib_far = "#a4583f", "#c29280"
    # far rib and its hangers
    for hx in range(-100, W + 100, 110):
        pen.line([(hx, arch(hx, 1010, 330) + 20), (hx, 1010)], rib_far, 4)
    pen.poly(
        [*curve(lambda x: arch(x, 1010, 330)), *reversed(curve(lambda x: arch(x, 1010, 330) + 34))],
        rib_far,
    )

    # piers and the deck
    for px in (420, 1980):
        pen.poly(
            [(px - 70, 1200), (px + 70, 1200), (px + 56, H + 10), (px - 56, H + 10)], "#b0a89b"
        )
        pen.rect(px - 56, 1200, px - 30, H, (255, 255, 255, 40))
    pen.rect(-20, 1008, W + 20, 1078, "#8e9193")
    pen.dashed([(-20, 1042), (W + 20, 1042)], (255, 255, 255, 170), 4, 50, 40)
    # traffic behind the kerb
    car(pen, 220, 1066, 250, "#5f7f99", facing=-1)
    car(pen, 1330, 1066, 230, "#c9a25c", facing=1)
    car(pen, 2060, 1066, 260, "#8c5a68", facing=-1)
    # kerb, bicycle lane, fascia
    pen.rect(-20, 1074, W + 20, 1088, "#e4dfd4")
    pen.rect(-20, 1088, W + 20, 1098, "#bfb8ab")
    pen.rect(-20, 1098, W + 20, 1156, "#6a9a7c")
    pen.rect(-20, 1148, W + 20, 1152, (255, 255, 255, 190))
    pen.rect(-20, 1156, W + 20, 1204, "#cbc3b5")
    pen.rect(-20, 1204, W + 20, 1216, "#8d877d")
    for bx in (340, 1440, 2210):
        for wx in (-26, 26):
            pen.circle(bx + wx, 1126, 16, outline=(255, 255, 255, 150), width=3, ry=8)
        pen.line(
            [(bx - 26, 1126), (bx, 1124), (bx + 10, 1116), (bx + 26, 1126)], (255, 255, 255, 150), 3
        )
    # reflection of the deck
    for i in range(7):
        y = 1226 + i * 20
        pen.line([(0, y), (W, y)], (60, 70, 70, 70 - i * 9), 8)

    # near rib and hangers
    for hx in range(-45, W + 100, 110):
        pen.line([(hx, arch(hx, 1080, 270) + 30), (hx, 1080)], rib, 6)
    pen.poly(
        [*curve(lambda x: arch(x, 1080, 270)), *reversed(curve(lambda x: arch(x, 1080, 270) + 46))],
        rib,
    )
    pen.line(curve(lambda x: arch(x, 1080, 270) + 4), (255, 255, 255, 60), 3)

    # cyclists on the protected lane
    cyclist(pen, 700, 1140, 44, "#c8734f", "#3f4d5c", "#2f4f5f", 0.6)
    cyclist(pen, 1140, 1140, 42, "#4f7a8c", "#4a4a4a", "#8c3f38", 2.4)
    cyclist(pen, 1620, 1140, 45, "#d2b060", "#5a4a40", "#34545e", 4.1)
    # railing on the outer edge of the lane
    pen.rect(-20, 1068, W + 20, 1152, (220, 235, 235, 30))
    pen.line([(-20, 1066), (W + 20, 1066)], "#5d6469", 5)
    for rx in range(30, W, 240):
        pen.line([(rx, 1066), (rx, 1154)], "#5d6469", 4)
    for gx, gy, s in ((940, 520, 22), (1010, 490, 17)):
        gull(pen, gx, gy, s, "#64727a")
    return finish(img, 106)


# --------------------------------------------------------------------------------------------
# Paper-cutting workshop: red paper cuts on a table.


def polar(cx, cy, r, a):
    return (cx + r * math.cos(a), cy + r * math.sin(a))


def leaf(cx, cy, r0, r1, width, a, n=24):
    """A pointed leaf along the ray at angle a from radius r0 to r1."""
    pts = []
    for i in range(n + 1):
        t = i / n
        pts.append((t, width * math.sin(math.pi * t) ** 0.85))
    pts += [(t, -w) for t, w in reversed(pts)]
    ca, sa = math.cos(a), math.sin(a)
    out = []
    for t, w in pts:
        r = r0 + (r1 - r0) * t
        out.append((cx + r * ca - w * sa, cy + r * sa + w * ca))
    return out


def rosette(m, cx, cy, R):
    """A round window paper-cut: 255 is paper, 0 is cut away."""
    p = Pen(m)
    tau = 2 * math.pi
    p.poly(
        [
            polar(cx, cy, R * (0.95 + 0.05 * abs(math.cos(16 * a))), a)
            for a in (tau * i / 640 for i in range(640))
        ],
        255,
    )
    for i in range(32):  # dots under the scallops
        p.circle(*polar(cx, cy, 0.9 * R, tau * i / 32), 0.018 * R, 0)
    for i in range(24):  # crescents
        a = tau * (i + 0.5) / 24
        p.circle(*polar(cx, cy, 0.8 * R, a), 0.05 * R, 0)
        p.circle(*polar(cx, cy, 0.826 * R, a), 0.05 * R, 255)
    for i in range(16):  # a thin ring, cut in arcs
        p.arc(cx, cy, 0.735 * R, i * 22.5 + 2.5, i * 22.5 + 20, 0, 0.022 * R)
    for i in range(48):  # sawtooth
        a = tau * i / 48
        d = tau / 48 * 0.38
        p.poly(
            [
                polar(cx, cy, 0.6 * R, a - d),
                polar(cx, cy, 0.68 * R, a),
                polar(cx, cy, 0.6 * R, a + d),
            ],
            0,
        )
    for i in range(8):  # petals with a leaf of paper inside and a stem
        a = tau * i / 8
        p.poly(leaf(cx, cy, 0.22 * R, 0.56 * R, 0.13 * R, a), 0)
        p.poly(leaf(cx, cy, 0.27 * R, 0.5 * R, 0.075 * R, a), 255)
        p.line([polar(cx, cy, 0.2 * R, a), polar(cx, cy, 0.3 * R, a)], 255, 0.022 * R)
        p.line([polar(cx, cy, 0.48 * R, a), polar(cx, cy, 0.58 * R, a)], 255, 0.022 * R)
        for j in range(3):  # veins
            rr = (0.32 + 0.055 * j) * R
            for side in (-1, 1):
                b = a + side * 0.09
                p.line(
                    [polar(cx, cy, rr, a + side * 0.015), polar(cx, cy, rr + 0.045 * R, b)],
                    0,
                    0.012 * R,
                )
        b = a + tau / 16
        p.poly(
            [
                polar(cx, cy, 0.44 * R, b),
                polar(cx, cy, 0.5 * R, b + 0.07),
                polar(cx, cy, 0.56 * R, b),
                polar(cx, cy, 0.5 * R, b - 0.07),
            ],
            0,
        )
        p.circle(*polar(cx, cy, 0.33 * R, b), 0.03 * R, 0)
    for i in range(8):  # the centre
        p.arc(cx, cy, 0.175 * R, i * 45 + 4, i * 45 + 41, 0, 0.026 * R)
        a = tau * (i + 0.5) / 8
        p.poly(leaf(cx, cy, 0.04 * R, 0.14 * R, 0.035 * R, a, n=12), 0)
    p.circle(cx, cy, 0.025 * R, 0)


def diamond_cut(m, cx, cy, R, angle):
    """A square paper-cut stood on its corner."""
    p = Pen(m)

    def sq(r):
        return rotate([(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)], cx, cy, angle)

    p.poly(sq(R), 255)
    p.poly(sq(0.86 * R), 0)
    p.poly(sq(0.8 * R), 255)
    tau = 2 * math.pi
    for i in range(4):
        a = tau * i / 4 + math.radians(angle) - math.pi / 2
        p.poly(leaf(cx, cy, 0.2 * R, 0.66 * R, 0.14 * R, a), 0)
        p.poly(leaf(cx, cy, 0.27 * R, 0.58 * R, 0.06 * R, a), 255)
        p.line([polar(cx, cy, 0.15 * R, a), polar(cx, cy, 0.3 * R, a)], 255, 0.03 * R)
        b = a + tau / 8
        p.circle(*polar(cx, cy, 0.42 * R, b), 0.07 * R, 0)
        p.circle(*polar(cx, cy, 0.46 * R, b), 0.07 * R, 255)
    p.circle(cx, cy, 0.12 * R, 0)
    p.circle(cx, cy, 0.06 * R, 255)


def paper_cutting():
    img = vgradient([(0, "#ece1cc"), (1, "#ddcdb2")])
    glow(img, 1200, 760, 1200, "#f4ecdc", 0.7, power=1.2)
    pen = Pen(img)
    rnd = random.Random(51)
    for _ in range(26):  # faint grain of the table
        y = rnd.uniform(0, H)
        ph = rnd.uniform(0, 6)
        pen.line(
            curve(lambda x, y=y, ph=ph: y + 8 * math.sin(x / 300 + ph)),
            (150, 120, 80, 14),
            rnd.uniform(2, 5),
        )

    paper = mask()
    rosette(paper, 1200, 800, 560)
    side = mask()
    diamond_cut(side, 330, 1180, 270, 8)
    folded = mask()
    fp = Pen(folded)
    corner = rotate([(1900, 130), (2330, 130), (2330, 560)], 2115, 345, -14)
    fold = math.atan2(corner[2][1] - corner[0][1], corner[2][0] - corner[0][0])
    fp.poly(corner, 255)
    for i in range(5):
        t = (i + 0.5) / 5
        x = corner[0][0] + (corner[2][0] - corner[0][0]) * t
        y = corner[0][1] + (corner[2][1] - corner[0][1]) * t
        if i % 2:
            fp.circle(x, y, 30, 0)
        else:
            fp.poly(leaf(x, y, -40, 40, 20, fold), 0)
    scraps = mask()
    sp = Pen(scraps)
    for x, y, a in ((1870, 1180, 20), (1780, 1330, -40), (640, 480, 65), (560, 640, 10)):
        sp.poly(rotate([(x - 26, y), (x + 30, y - 8), (x + 4, y + 22)], x, y, a), 255)
    sp.arc(1950, 1380, 40, 200, 330, 255, 9)
    sp.arc(700, 360, 30, 20, 200, 255, 8)

    allpaper = ImageChops.lighter(
        ImageChops.lighter(paper, side), ImageChops.lighter(folded, scraps)
    )
    shadow = Image.new("L", allpaper.size, 0)
    shadow.paste(allpaper, (10 * S, 16 * S))
    paint(img, "#8c7658", shadow.filter(ImageFilter.GaussianBlur(10 * S)).point(lambda v: v * 0.38))
    red = Image.new("RGB", img.size, rgb("#b23a30"))
    glow(red, 900, 400, 900, "#c44a3c", 0.8, power=1.3)
    img.paste(red, (0, 0), allpaper)
    # the folded sheet is two layers: a slightly darker red, with the fold lit along its edge
    paint(img, "#9c3129", folded.point(lambda v: v * 120 // 255))
    pen.line([corner[0], corner[2]], (255, 210, 200, 70), 3)

    # scissors, lower right
    sx, sy, ang = 1930, 1270, -28

    def rot(pts):
        return rotate(pts, sx, sy, ang)

    pen.poly(
        rot([(sx - 8, sy - 14), (sx + 300, sy - 40), (sx + 300, sy - 34), (sx, sy + 10)]), "#a3a9ac"
    )
    pen.poly(
        rot([(sx - 8, sy + 14), (sx + 300, sy + 40), (sx + 300, sy + 34), (sx, sy - 10)]), "#8c9396"
    )
    for oy in (-1, 1):
        hx, hy = rot([(sx - 120, sy + oy * 52)])[0]
        pen.circle(hx + 6, hy + 10, 62, outline=(120, 95, 70, 70), width=22, ry=44)
        pen.circle(hx, hy, 62, outline="#3e3a3a", width=22, ry=44)
        pen.line(rot([(sx - 60, sy + oy * 36), (sx, sy)]), "#3e3a3a", 22)
    pen.circle(sx, sy, 11, "#d0d4d5")
    return finish(img, 107, grain=2.0)


# --------------------------------------------------------------------------------------------

PICTURES = [
    ("world/harbour-cranes-go-electric.md", "lead", harbour),
    ("world/harbour-cranes-go-electric.md", "figure", harbour_reel),
    ("world/coastal-towns-share-flood-maps.md", "lead", flood_map),
    ("science/drought-tolerant-tea.md", "lead", tea),
    ("science/night-sky-quiet-zone.md", "lead", night_sky),
    ("city/east-bridge-bicycle-lanes.md", "lead", bridge),
    ("culture/paper-cutting-workshop.md", "lead", paper_cutting),
]


def main():
    MEDIA.mkdir(exist_ok=True)
    written = set()
    for article, role, draw in PICTURES:
        data = encode(draw())
        name = f"{blob_id(data)}.jpg"
        path = MEDIA / name
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        written.add(name)
        print(f"{article} ({role}): media/{name} ({len(data) / 1024:.0f} KB)")
    for old in sorted(MEDIA.iterdir()):
        if old.is_file() and old.name not in written:
            old.unlink()
            print(f"deleted media/{old.name}")


if __name__ == "__main__":
    main()
