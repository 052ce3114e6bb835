"""(Re)make the binary files of the demo content in content/wang-xiaoming/items/.

Run with the project's venv:  .venv/bin/python scripts/make_demo_media.py [CONTENT]

Everything is drawn or synthesised here (Pillow scenes, a WeasyPrint report,
ffmpeg test tones and a Pillow-drawn animation), so the output is the same on
every run with the same library versions: fixed random seeds, no EXIF, no
creation dates, ffmpeg in bit-exact mode without metadata.
"""

# ruff: noqa: E501  (the report template below is prose)
from __future__ import annotations

import math
import random
import shutil
import subprocess
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
STUDENT = "wang-xiaoming"
FFMPEG = shutil.which("ffmpeg") or "/usr/bin/ffmpeg"
CJK_REGULAR = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
CJK_BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
CJK_TC_INDEX = 3  # "Noto Sans CJK TC" inside the collection

W, H = 800, 600


# --------------------------------------------------------------------------- helpers


def gradient(top: tuple, bottom: tuple, size=(W, H)) -> Image.Image:
    w, h = size
    img = Image.new("RGB", size)
    d = ImageDraw.Draw(img)
    for y in range(h):
        t = y / max(h - 1, 1)
        d.line(
            [(0, y), (w, y)],
            fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    return img


def save_jpeg(img: Image.Image, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # A light blur takes the hard edges off the shapes; no EXIF is written.
    img.filter(ImageFilter.GaussianBlur(0.6)).save(
        path, "JPEG", quality=80, optimize=True, progressive=False, subsampling="4:2:0"
    )


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(CJK_BOLD if bold else CJK_REGULAR, size, index=CJK_TC_INDEX)


def person(d: ImageDraw.ImageDraw, x: int, y: int, scale: float, shirt: tuple) -> None:
    """A simple figure seen from behind or in front: head and shoulders."""
    r = int(22 * scale)
    d.ellipse([x - r, y - r, x + r, y + r], fill=(238, 204, 170))
    d.chord([x - r, y - r - 2, x + r, y + r // 3], 180, 360, fill=(40, 32, 28))  # hair
    d.rounded_rectangle(
        [x - int(40 * scale), y + r, x + int(40 * scale), y + r + int(80 * scale)],
        radius=int(18 * scale),
        fill=shirt,
    )


# --------------------------------------------------------------------------- photos


def lab_refraction() -> Image.Image:
    img = gradient((34, 38, 52), (70, 74, 84))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 470, W, H], fill=(120, 92, 64))  # bench
    d.rectangle([0, 470, W, 478], fill=(92, 70, 48))
    # protractor behind the tank
    d.pieslice([250, 130, 550, 430], 180, 360, fill=(230, 230, 220))
    for a in range(0, 181, 10):
        rad = math.radians(180 + a)
        x0, y0 = 400 + 150 * math.cos(rad), 280 + 150 * math.sin(rad)
        x1, y1 = 400 + 135 * math.cos(rad), 280 + 135 * math.sin(rad)
        d.line([(x0, y0), (x1, y1)], fill=(60, 60, 60), width=2)
    # tank with water
    d.rectangle([200, 200, 600, 470], outline=(200, 220, 235), width=4)
    d.rectangle([204, 280, 596, 466], fill=(96, 160, 210))
    # laser pointer and beam, bending at the surface (n = 1.33)
    d.rounded_rectangle([70, 90, 170, 112], radius=8, fill=(30, 30, 30))
    hit = (400, 280)
    d.line([(165, 104), hit], fill=(255, 40, 40), width=4)
    inc = math.atan2(hit[0] - 165, hit[1] - 104)
    ref = math.asin(math.sin(inc) / 1.33)
    end = (hit[0] + 180 * math.tan(ref), 460)
    d.line([hit, end], fill=(255, 80, 80), width=4)
    d.line([(400, 150), (400, 460)], fill=(250, 250, 250), width=1)  # normal
    d.ellipse([hit[0] - 6, hit[1] - 6, hit[0] + 6, hit[1] + 6], fill=(255, 200, 200))
    return img


def python_chart() -> Image.Image:
    img = Image.new("RGB", (W, H), (30, 32, 40))
    d = ImageDraw.Draw(img)
    rng = random.Random(1131)
    palette = [(197, 134, 192), (86, 156, 214), (206, 145, 120), (181, 206, 168), (220, 220, 170)]
    d.rectangle([0, 0, 360, H], fill=(24, 25, 31))
    y = 30
    while y < H - 30:
        x = 20 + 24 * rng.randint(0, 3)
        for _ in range(rng.randint(1, 4)):
            w = rng.randint(20, 90)
            if x + w > 345:
                break
            d.rounded_rectangle([x, y, x + w, y + 10], radius=4, fill=rng.choice(palette))
            x += w + 10
        y += 22
    # the chart: a week of classroom temperature readings
    d.rectangle([380, 40, 780, 560], fill=(250, 250, 250))
    d.line([(420, 80), (420, 520), (760, 520)], fill=(60, 60, 60), width=2)
    pts = []
    for i in range(60):
        t = i / 59
        temp = 27 + 3.5 * math.sin(t * math.pi * 5 - 1.2) + rng.uniform(-0.6, 0.6)
        pts.append((420 + t * 330, 520 - (temp - 20) * 30))
    d.line(pts, fill=(220, 80, 60), width=3)
    for i in range(5):
        x = 445 + i * 66
        hgt = rng.randint(120, 300)
        d.rectangle([x, 520 - hgt, x + 30, 520], fill=(120, 170, 220))
    d.line([(420, 520 - 9 * 30), (760, 520 - 9 * 30)], fill=(150, 150, 150), width=1)
    return img


def skyline(seed: int, sky: tuple, ground: tuple, dusk: bool) -> Image.Image:
    img = gradient(sky, ground)
    d = ImageDraw.Draw(img)
    rng = random.Random(seed)
    d.rectangle([0, 470, W, H], fill=(70, 110, 140))  # 基隆河
    for x in range(0, W, 40):
        d.line(
            [(x, 490 + rng.randint(0, 60)), (x + 25, 490 + rng.randint(0, 60))],
            fill=(150, 190, 210),
            width=2,
        )
    x = -20
    while x < W:
        bw, bh = rng.randint(60, 130), rng.randint(140, 360)
        glass = (rng.randint(90, 140), rng.randint(130, 170), rng.randint(170, 210))
        d.rectangle([x, 470 - bh, x + bw, 470], fill=glass, outline=(60, 70, 90))
        for wy in range(470 - bh + 12, 462, 18):
            for wx in range(x + 8, x + bw - 12, 16):
                lit = dusk and rng.random() < 0.45
                d.rectangle(
                    [wx, wy, wx + 9, wy + 10], fill=(255, 226, 140) if lit else (200, 220, 235)
                )
        x += bw + rng.randint(4, 20)
    for tx in range(10, W, 55):  # riverside trees
        ty = 470 - rng.randint(20, 40)
        d.ellipse([tx - 22, ty - 22, tx + 22, ty + 22], fill=(60, 120, 70))
    return img


def titration() -> Image.Image:
    img = gradient((236, 240, 244), (200, 206, 214))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 500, W, H], fill=(60, 66, 74))  # black lab bench
    d.rectangle([300, 480, 520, 500], fill=(40, 40, 40))  # stand base
    d.rectangle([480, 60, 492, 480], fill=(150, 150, 160))  # stand rod
    d.rectangle([400, 150, 488, 162], fill=(120, 120, 130))  # clamp
    d.rectangle([392, 40, 412, 360], outline=(120, 140, 160), width=3)  # burette
    d.rectangle([395, 120, 409, 357], fill=(235, 220, 140))  # iodine solution
    for y in range(60, 350, 14):
        d.line([(392, y), (402 if y % 70 else 412, y)], fill=(80, 80, 80))
    d.polygon([(398, 360), (406, 360), (403, 390)], fill=(120, 140, 160))
    d.ellipse([400, 398, 406, 406], fill=(235, 220, 140))  # a falling drop
    flask = [(370, 420), (436, 420), (500, 495), (306, 495)]
    d.polygon(flask, outline=(120, 140, 160), fill=(230, 236, 240))
    d.polygon([(348, 450), (458, 450), (497, 492), (309, 492)], fill=(52, 54, 120))
    d.rectangle([380, 405, 426, 420], outline=(120, 140, 160), width=3)
    for i, col in enumerate([(250, 180, 60), (120, 200, 90), (240, 120, 60)]):
        x = 90 + i * 70
        d.ellipse([x, 440, x + 50, 490], fill=col)  # fruit samples
    return img


def robot_table(seed: int) -> Image.Image:
    img = gradient((210, 220, 230), (160, 170, 180))
    d = ImageDraw.Draw(img)
    rng = random.Random(seed)
    d.rectangle([0, 380, W, H], fill=(176, 140, 100))  # table
    d.rectangle([80, 40, 720, 250], fill=(40, 70, 60), outline=(120, 90, 60), width=8)  # board
    for _ in range(6):
        x, y = rng.randint(110, 600), rng.randint(60, 210)
        d.line(
            [(x, y), (x + rng.randint(40, 110), y + rng.randint(-8, 8))],
            fill=(230, 230, 230),
            width=3,
        )
    # the robot car
    d.rounded_rectangle([300, 330, 520, 430], radius=14, fill=(250, 200, 40))
    d.rectangle([330, 300, 480, 335], fill=(30, 110, 60))  # controller board
    for cx in (320, 500):
        d.ellipse([cx - 35, 400, cx + 35, 470], fill=(30, 30, 30))
        d.ellipse([cx - 12, 423, cx + 12, 447], fill=(160, 160, 160))
    d.ellipse([500, 350, 530, 380], fill=(60, 60, 70))  # ultrasonic eyes
    d.ellipse([500, 390, 530, 420], fill=(60, 60, 70))
    for i in range(4):  # jumper wires
        col = [(220, 40, 40), (40, 40, 220), (40, 160, 40), (240, 240, 240)][i]
        d.line(
            [(350 + i * 25, 300), (340 + i * 30, 260 + i * 4), (120 + i * 20, 390)],
            fill=col,
            width=3,
        )
    d.rectangle([90, 385, 200, 450], fill=(60, 60, 64))  # laptop
    d.rectangle([96, 391, 194, 444], fill=(90, 150, 210))
    return img


def science_fair_poster() -> Image.Image:
    img = gradient((245, 242, 236), (214, 208, 198))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 430, W, H], fill=(40, 60, 110))  # table cloth
    panels = [[120, 90, 270, 430], [270, 70, 530, 430], [530, 90, 680, 430]]
    for p in panels:
        d.rectangle(p, fill=(255, 255, 255), outline=(150, 150, 150), width=2)
    d.rectangle([290, 85, 510, 125], fill=(30, 80, 160))  # title bar
    colors = [(255, 214, 120), (170, 210, 240), (200, 230, 190), (240, 190, 190)]
    for i, (x, y) in enumerate([(135, 140), (135, 280), (545, 140), (545, 280)]):
        d.rectangle([x, y, x + 120, y + 120], fill=colors[i])
    d.line(
        [(300, 380), (340, 300), (380, 330), (420, 240), (460, 260), (500, 160)],
        fill=(200, 60, 60),
        width=4,
    )
    d.line([(300, 390), (500, 390)], fill=(80, 80, 80), width=2)
    d.line([(300, 150), (300, 390)], fill=(80, 80, 80), width=2)
    d.rectangle([560, 440, 660, 500], fill=(210, 230, 240), outline=(180, 200, 220))  # tank
    return img


def plant_scene(moisture: float = 0.6, drops: int = 0, size=(W, H)) -> Image.Image:
    w = size[0]
    s = w / W
    img = gradient((232, 238, 226), (190, 204, 186), size)
    d = ImageDraw.Draw(img)

    def S(*v):
        return [round(x * s) for x in v]

    d.rectangle(S(0, 470, W, H), fill=(150, 120, 90))  # windowsill
    d.polygon(
        [tuple(S(230, 330)), tuple(S(430, 330)), tuple(S(400, 470)), tuple(S(260, 470))],
        fill=(190, 100, 60),
    )
    d.rectangle(S(230, 318, 430, 340), fill=(170, 88, 52))
    for ang in (-60, -30, 0, 25, 55):
        rad = math.radians(ang - 90)
        x, y = 330 + 120 * math.cos(rad), 320 + 150 * math.sin(rad)
        d.line([tuple(S(330, 320)), tuple(S(x, y))], fill=(60, 120, 50), width=max(1, round(5 * s)))
        d.ellipse(S(x - 40, y - 18, x + 40, y + 18), fill=(80, 160, 70))
    # breadboard, Arduino and the pump tube
    d.rectangle(S(500, 380, 740, 460), fill=(240, 240, 236), outline=(200, 200, 200))
    d.rectangle(S(520, 300, 660, 370), fill=(0, 120, 140))
    d.line(
        [tuple(S(660, 330)), tuple(S(700, 250)), tuple(S(360, 230)), tuple(S(345, 300))],
        fill=(200, 220, 240),
        width=max(1, round(8 * s)),
    )
    # moisture gauge
    d.rectangle(S(60, 200, 100, 460), outline=(80, 80, 80), width=max(1, round(3 * s)))
    top = 460 - 256 * moisture
    d.rectangle(S(63, top, 97, 457), fill=(60, 130, 220) if moisture > 0.35 else (220, 120, 60))
    for i in range(drops):
        y = 300 + 14 * i
        d.ellipse(S(338, y, 352, y + 16), fill=(90, 160, 230))
    return img


def library() -> Image.Image:
    img = Image.new("RGB", (W, H), (236, 228, 214))
    d = ImageDraw.Draw(img)
    rng = random.Random(7)
    for shelf_y in (60, 180, 300):
        d.rectangle([20, shelf_y + 100, 780, shelf_y + 110], fill=(120, 84, 50))
        x = 24
        while x < 770:
            bw = rng.randint(12, 26)
            col = (rng.randint(60, 220), rng.randint(60, 200), rng.randint(60, 200))
            d.rectangle([x, shelf_y + 100 - rng.randint(60, 95), x + bw, shelf_y + 100], fill=col)
            x += bw + 2
    d.rectangle([0, 440, W, H], fill=(200, 170, 120))  # reading table
    for x in (120, 330, 540):
        d.rectangle([x, 470, x + 130, 550], fill=(70, 70, 76))
        d.rectangle([x + 6, 476, x + 124, 544], fill=(250, 190, 80))
    person(d, 700, 380, 1.0, (40, 120, 180))
    person(d, 60, 400, 0.8, (230, 110, 90))
    return img


def team_photo() -> Image.Image:
    img = gradient((180, 205, 230), (230, 236, 240))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 470, W, H], fill=(170, 170, 176))
    d.rectangle([60, 60, 740, 200], fill=(40, 90, 170))
    d.rectangle([80, 80, 720, 180], outline=(255, 255, 255), width=3)
    shirts = [(240, 170, 40), (40, 140, 200), (220, 80, 80), (90, 170, 90), (150, 110, 190)]
    for row, (y, sc) in enumerate([(290, 0.95), (350, 1.1)]):
        for i in range(6 - row):
            x = 110 + row * 55 + i * 120
            person(d, x, y, sc, shirts[(i + row * 2) % len(shirts)])
    return img


def whiteboard() -> Image.Image:
    img = Image.new("RGB", (W, H), (218, 222, 226))
    d = ImageDraw.Draw(img)
    d.rectangle([40, 40, 760, 480], fill=(250, 250, 250), outline=(150, 150, 160), width=6)
    rng = random.Random(1141)
    notes = [(255, 236, 120), (255, 180, 200), (170, 220, 255), (190, 240, 170)]
    for col in range(5):
        for row in range(3):
            if rng.random() < 0.2:
                continue
            x, y = 80 + col * 135, 80 + row * 125
            d.rectangle([x, y, x + 100, y + 90], fill=rng.choice(notes))
            for k in range(3):
                d.line(
                    [(x + 10, y + 20 + k * 20), (x + 10 + rng.randint(40, 80), y + 20 + k * 20)],
                    fill=(90, 90, 90),
                    width=2,
                )
    d.line([(70, 460), (740, 460)], fill=(130, 130, 130), width=4)
    return img


def chat_phone() -> Image.Image:
    img = gradient((70, 80, 120), (30, 34, 50))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle([250, 20, 550, 580], radius=36, fill=(20, 20, 24))
    d.rounded_rectangle([264, 60, 536, 540], radius=10, fill=(54, 57, 63))
    d.rectangle([264, 60, 536, 100], fill=(40, 43, 48))
    rng = random.Random(2025)
    y = 115
    for i in range(7):
        bot = i % 2 == 1
        w = rng.randint(110, 220)
        x0 = 300 if bot else 536 - 16 - w
        h = 34 + 18 * rng.randint(0, 2)
        d.ellipse([276, y, 296, y + 20], fill=(88, 101, 242) if bot else (54, 57, 63))
        d.rounded_rectangle(
            [x0, y, x0 + w, y + h], radius=10, fill=(88, 101, 242) if bot else (64, 68, 75)
        )
        for k in range(h // 18):
            d.line(
                [(x0 + 10, y + 12 + k * 18), (x0 + w - 20, y + 12 + k * 18)],
                fill=(220, 224, 240),
                width=3,
            )
        y += h + 14
    return img


def lecture_hall() -> Image.Image:
    img = gradient((50, 50, 64), (90, 84, 80))
    d = ImageDraw.Draw(img)
    d.rectangle([180, 50, 620, 290], fill=(240, 240, 245))  # projector screen
    pts = [(200 + x, 170 - 70 * math.sin(x / 25) * math.exp(-x / 300)) for x in range(0, 400, 3)]
    d.line(pts, fill=(40, 120, 220), width=3)
    d.line([(200, 170), (600, 170)], fill=(150, 150, 150))
    for row in range(3):
        y = 360 + row * 80
        d.rectangle([0, y + 40, W, y + 60], fill=(110, 70, 50))
        for i in range(8):
            person(
                d,
                50 + i * 100 + (row % 2) * 40,
                y,
                0.7 + row * 0.12,
                [(60, 90, 160), (160, 60, 60), (60, 140, 90), (200, 160, 60)][(i + row) % 4],
            )
    return img


def certificate_png(path: Path) -> None:
    """APCS 成績證明 as the student scanned it (no ID numbers, no 准考證號)."""
    img = Image.new("RGB", (1000, 708), (252, 250, 244))
    d = ImageDraw.Draw(img)
    d.rectangle([18, 18, 981, 689], outline=(150, 120, 60), width=6)
    d.rectangle([32, 32, 967, 675], outline=(190, 160, 90), width=2)
    d.text(
        (500, 90),
        "大學程式設計先修檢測（APCS）",
        font=font(40, True),
        fill=(40, 40, 40),
        anchor="mm",
    )
    d.text((500, 145), "成 績 證 明 單", font=font(34, True), fill=(120, 40, 40), anchor="mm")
    body = font(28)
    rows = [
        ("姓名", "王小明"),
        ("就讀學校", "臺北市立南湖高級中學"),
        ("檢測日期", "中華民國 114 年 6 月 15 日"),
        ("觀念題", "4 級分（原始分數 80 分）"),
        ("實作題", "3 級分（原始分數 200 分）"),
    ]
    y = 230
    for label, value in rows:
        d.text((190, y), label, font=body, fill=(90, 90, 90), anchor="lm")
        d.text((370, y), value, font=body, fill=(20, 20, 20), anchor="lm")
        d.line([(360, y + 24), (820, y + 24)], fill=(210, 200, 180), width=1)
        y += 62
    d.text((500, 585), "中華民國 114 年 6 月 30 日", font=font(24), fill=(80, 80, 80), anchor="mm")
    d.ellipse([770, 520, 900, 650], outline=(200, 50, 50), width=5)  # a seal, no text
    d.ellipse([790, 540, 880, 630], outline=(200, 50, 50), width=2)
    path.parent.mkdir(parents=True, exist_ok=True)
    img.quantize(colors=64, dither=Image.Dither.NONE).save(path, "PNG", optimize=True)


# --------------------------------------------------------------------------- the PDF report

# measured angles of refraction for incidence 10°…70° (water, n ≈ 1.33)
INCIDENCE = [10, 20, 30, 40, 50, 60, 70]
REFRACTION = [7.0, 15.0, 22.0, 29.0, 35.5, 40.5, 45.0]


def refraction_svg() -> str:
    pts = []
    for i, r in zip(INCIDENCE, REFRACTION, strict=True):
        x = 40 + 360 * math.sin(math.radians(r))
        y = 280 - 250 * math.sin(math.radians(i))
        pts.append((x, y))
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#c0392b"/>' for x, y in pts)
    # least squares through the origin: sin i = n sin r
    sx = [math.sin(math.radians(r)) for r in REFRACTION]
    sy = [math.sin(math.radians(i)) for i in INCIDENCE]
    n = sum(a * b for a, b in zip(sx, sy, strict=True)) / sum(a * a for a in sx)
    x_end = 0.75
    line = (
        f'<line x1="40" y1="280" x2="{40 + 360 * x_end:.1f}" '
        f'y2="{280 - 250 * n * x_end:.1f}" stroke="#2c3e50" stroke-width="2"/>'
    )
    return (
        f"""<svg xmlns="http://www.w3.org/2000/svg" width="440" height="320" viewBox="0 0 440 320">
  <rect x="0" y="0" width="440" height="320" fill="#fafafa"/>
  <line x1="40" y1="280" x2="420" y2="280" stroke="#555"/>
  <line x1="40" y1="280" x2="40" y2="20" stroke="#555"/>
  <text x="410" y="304" font-size="13" text-anchor="end">sin r（折射角）</text>
  <text x="46" y="30" font-size="13">sin i（入射角）</text>
  {line}{dots}
</svg>""",
        n,
    )


def report_html() -> str:
    svg, n = refraction_svg()
    rows = "".join(
        f"<tr><td>{i}°</td><td>{r:.1f}°</td><td>{math.sin(math.radians(i)):.3f}</td>"
        f"<td>{math.sin(math.radians(r)):.3f}</td>"
        f"<td>{math.sin(math.radians(i)) / math.sin(math.radians(r)):.3f}</td></tr>"
        for i, r in zip(INCIDENCE, REFRACTION, strict=True)
    )
    setup_svg = """<svg xmlns="http://www.w3.org/2000/svg" width="420" height="260" viewBox="0 0 420 260">
  <rect x="60" y="60" width="300" height="180" fill="none" stroke="#7f8c8d" stroke-width="3"/>
  <rect x="62" y="120" width="296" height="118" fill="#aed6f1"/>
  <line x1="210" y1="20" x2="210" y2="240" stroke="#555" stroke-dasharray="5 4"/>
  <rect x="20" y="22" width="60" height="14" rx="4" fill="#333" transform="rotate(30 50 29)"/>
  <line x1="75" y1="42" x2="210" y2="120" stroke="#e74c3c" stroke-width="3"/>
  <line x1="210" y1="120" x2="290" y2="238" stroke="#e74c3c" stroke-width="3"/>
  <text x="140" y="70" font-size="14">入射光</text>
  <text x="260" y="200" font-size="14">折射光</text>
  <text x="215" y="36" font-size="14">法線</text>
  <text x="300" y="112" font-size="14">水面</text>
</svg>"""
    return f"""<!DOCTYPE html>
<html lang="zh-Hant-TW"><head><meta charset="utf-8">
<title>光的折射實驗報告</title>
<meta name="author" content="王小明">
<meta name="dcterms.created" content="2025-05-30T00:00:00+08:00">
<meta name="dcterms.modified" content="2025-05-30T00:00:00+08:00">
<style>
@page {{ size: A4; margin: 2.2cm 2cm; @bottom-center {{ content: "第 " counter(page) " 頁／共 " counter(pages) " 頁"; font-size: 9pt; color: #777; }} }}
body {{ font-family: "Noto Sans CJK TC", sans-serif; font-size: 11pt; line-height: 1.75; color: #222; }}
h1 {{ font-size: 24pt; text-align: center; margin-top: 5cm; }}
h2 {{ font-size: 15pt; border-bottom: 2px solid #2c3e50; padding-bottom: 4px; margin-top: 0; }}
.cover p {{ text-align: center; font-size: 13pt; }}
.page {{ page-break-before: always; }}
table {{ border-collapse: collapse; width: 100%; margin: 1em 0; }}
th, td {{ border: 1px solid #999; padding: 4px 8px; text-align: center; }}
th {{ background: #ecf0f1; }}
figure {{ text-align: center; margin: 1em 0; }}
figcaption {{ font-size: 9.5pt; color: #555; }}
</style></head><body>
<section class="cover">
<h1>光的折射實驗報告</h1>
<p>以雷射筆與水槽量測水的折射率</p>
<p>科目：物理（基礎物理）　學期：113 學年度第 2 學期</p>
<p>臺北市立南湖高級中學　一年三班　王小明</p>
<p>組員：王小明、陳品睿、林于安</p>
<p>中華民國 114 年 5 月</p>
</section>
<section class="page">
<h2>一、研究動機與目的</h2>
<p>上課講到司乃耳定律時，老師把一支筷子插進水杯，筷子看起來像在水面「折斷」。課本直接給了水的折射率約為 1.33，我們想知道：只用教室裡找得到的器材，能不能自己把這個數字量出來？量出來的誤差又會有多大？</p>
<h2>二、原理</h2>
<p>光由空氣進入水中時，入射角 i 與折射角 r 滿足司乃耳定律：n₁ sin i = n₂ sin r。空氣的折射率近似為 1，因此只要量出多組 i 與 r，以 sin i 對 sin r 作圖，直線的斜率就是水的折射率 n。</p>
<h2>三、器材</h2>
<p>紅光雷射筆（650 nm）、透明壓克力水槽、印在紙上的量角器、自來水、少量牛奶（讓光束在水中看得見）、線香（讓光束在空氣中看得見）、手機相機。</p>
<figure>{setup_svg}<figcaption>圖一　實驗裝置示意：光束由左上方射向水面中央的法線位置</figcaption></figure>
<h2>四、步驟</h2>
<p>1. 將量角器貼在水槽背面，使 0° 線與水面垂直、圓心對準水面。<br>
2. 雷射筆固定在可旋轉的支架上，從 10° 開始，每次增加 10°，直到 70°。<br>
3. 每個角度拍照三次，在電腦上放大照片讀出折射角，取平均值。</p>
</section>
<section class="page">
<h2>五、數據與分析</h2>
<table><thead><tr><th>入射角 i</th><th>折射角 r（三次平均）</th><th>sin i</th><th>sin r</th><th>sin i / sin r</th></tr></thead>
<tbody>{rows}</tbody></table>
<figure>{svg}<figcaption>圖二　sin i 對 sin r 作圖，通過原點的最小平方法直線斜率 n ≈ {n:.3f}</figcaption></figure>
<p>以最小平方法求得直線斜率為 {n:.3f}，與課本的 1.33 相差約 {abs(n - 1.33) / 1.33 * 100:.1f}%。入射角較小時，折射角只有幾度，讀數差 0.5° 就會讓比值跳動很多，所以單看 10° 那一組的比值誤差最大；用所有數據一起作圖求斜率，比單獨平均各組比值更穩定。</p>
</section>
<section class="page">
<h2>六、討論</h2>
<p>1. 誤差來源：量角器是印在紙上再貼到水槽背面，紙與光束不在同一平面，從斜角拍照會造成視差；水槽壁有 3 mm 厚的壓克力，光在壁上也會折射一次。<br>
2. 改進方式：之後改用手機固定在三腳架上、鏡頭正對量角器圓心拍攝，視差明顯變小。如果能改用半圓形水槽，讓光從圓心射出，就不必考慮壁的折射。<br>
3. 延伸：我們把水換成糖水，發現折射率隨濃度增加而變大，之後想做成一個用折射率估算糖度的小裝置。</p>
<h2>七、結論</h2>
<p>以簡單器材量得水的折射率約為 {n:.2f}，與文獻值接近。這次實驗讓我們體會到，「作圖求斜率」不只是課本上的步驟，而是把許多有誤差的數據合在一起、得到可靠結果的方法。</p>
<h2>八、參考資料</h2>
<p>1. 高級中等學校基礎物理課本（第二冊），第四章 光。<br>
2. 維基百科「折射」條目。</p>
</section>
</body></html>"""


def make_pdf(path: Path) -> None:
    from weasyprint import HTML

    path.parent.mkdir(parents=True, exist_ok=True)
    HTML(string=report_html()).write_pdf(path)


# --------------------------------------------------------------------------- media

BITEXACT = [
    "-fflags",
    "+bitexact",
    "-flags:v",
    "+bitexact",
    "-flags:a",
    "+bitexact",
    "-map_metadata",
    "-1",
    "-map_chapters",
    "-1",
]


def make_mp4(path: Path) -> None:
    """3.5 s of the watering system: the soil dries, the pump runs, the gauge rises."""
    fps, seconds, size = 15, 3.5, (320, 240)
    frames = int(fps * seconds)
    path.parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        FFMPEG,
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgb24",
        "-s",
        f"{size[0]}x{size[1]}",
        "-r",
        str(fps),
        "-i",
        "-",
        "-f",
        "lavfi",
        "-i",
        f"sine=frequency=180:sample_rate=44100:duration={seconds}",
        "-af",
        "volume=0.2",
        "-c:v",
        "libx264",
        "-preset",
        "medium",
        "-crf",
        "28",
        "-pix_fmt",
        "yuv420p",
        "-threads",
        "1",
        "-x264-params",
        "threads=1",
        "-c:a",
        "aac",
        "-b:a",
        "64k",
        "-ac",
        "1",
        "-shortest",
        "-movflags",
        "+faststart",
        *BITEXACT,
        str(path),
    ]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE)
    assert proc.stdin is not None
    for f in range(frames):
        t = f / frames
        moisture = 0.25 + 0.55 * max(0.0, (t - 0.3) / 0.7) if t > 0.3 else 0.25
        drops = (f // 2) % 5 if 0.3 < t < 0.9 else 0
        proc.stdin.write(plant_scene(moisture, drops, size).tobytes())
    proc.stdin.close()
    if proc.wait() != 0:
        path.unlink(missing_ok=True)
        raise SystemExit(f"ffmpeg failed for {path}")


def make_mp3(path: Path) -> None:
    """Four seconds: a 440 Hz tone stepping up in loudness (each second +6 dB, ×2 in amplitude)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    expr = "0.08*pow(2\\,floor(t))*sin(2*PI*440*t)"
    cmd = [
        FFMPEG,
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-f",
        "lavfi",
        "-i",
        f"aevalsrc={expr}:s=44100:d=4",
        "-ac",
        "1",
        "-c:a",
        "libmp3lame",
        "-b:a",
        "64k",
        "-id3v2_version",
        "0",
        *BITEXACT,
        str(path),
    ]
    if subprocess.run(cmd).returncode != 0:
        path.unlink(missing_ok=True)
        raise SystemExit(f"ffmpeg failed for {path}")


# --------------------------------------------------------------------------- the list

PHOTOS = {
    "light-refraction/setup.jpg": lab_refraction,
    "python-campus-temperature/screen.jpg": python_chart,
    "neihu-tech-park/field.jpg": lambda: skyline(11, (150, 200, 240), (230, 240, 245), False),
    "neihu-tech-park/street-1.jpg": lambda: skyline(12, (120, 170, 220), (220, 230, 240), False),
    "neihu-tech-park/street-2.jpg": lambda: skyline(13, (40, 50, 100), (240, 150, 90), True),
    "vitamin-c-titration/titration.jpg": titration,
    "robotics-club/club.jpg": lambda: robot_table(3),
    "science-fair/poster.jpg": science_fair_poster,
    "arduino-self-study/plant.jpg": plant_scene,
    "library-volunteer/volunteer.jpg": library,
    "robotics-club-president/team.jpg": team_photo,
    "robotics-club-president/meeting.jpg": whiteboard,
    "bus-reminder-bot/bot.jpg": chat_phone,
    "ee-camp/camp.jpg": lecture_hall,
}


def main(argv: list[str]) -> int:
    content = Path(argv[1]) if len(argv) > 1 else ROOT / "content"
    items = content / STUDENT / "items"
    for rel, draw in PHOTOS.items():
        save_jpeg(draw(), items / rel)
    certificate_png(items / "apcs/apcs-score.png")
    make_pdf(items / "light-refraction/report.pdf")
    make_mp4(items / "arduino-self-study/demo.mp4")
    make_mp3(items / "decibel-logarithm/tones.mp3")
    for p in sorted(items.rglob("*")):
        if p.is_file() and p.suffix != ".md":
            print(f"{p.stat().st_size:>8}  {p.relative_to(content)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
