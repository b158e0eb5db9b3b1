"""Draws the add-on's icon (512x512 PNG) and fanart (1280x720 JPEG): two arrows
chasing each other around a play symbol, in trakt's red on a dark ground.

Run ``python -m tools.make_art`` after changing the design; the images are committed."""
import math
import os

from PIL import Image, ImageDraw, ImageFilter

RED = (237, 28, 36)
DARK = (22, 22, 28)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _sync_symbol(draw, cx, cy, radius, width, color):
    box = [cx - radius, cy - radius, cx + radius, cy + radius]
    for start in (200, 20):
        draw.arc(box, start, start + 130, fill=color, width=width)
        # an arrow head at the end of each arc, pointing along it
        angle = math.radians(start + 130)
        end_x, end_y = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
        along = angle + math.pi / 2
        half, length = width * 1.3, width * 1.7
        draw.polygon([
            (end_x + length * math.cos(along), end_y + length * math.sin(along)),
            (end_x + half * math.cos(angle), end_y + half * math.sin(angle)),
            (end_x - half * math.cos(angle), end_y - half * math.sin(angle)),
        ], fill=color)
    play = radius * 0.45
    draw.polygon([(cx - play * 0.6, cy - play), (cx - play * 0.6, cy + play), (cx + play, cy)], fill=color)


def _background(width, height):
    image = Image.new('RGB', (width, height), DARK)
    glow = Image.new('RGB', (width, height), DARK)
    ImageDraw.Draw(glow).ellipse([width * 0.2, height * 0.05, width * 0.8, height * 0.95], fill=(70, 18, 24))
    return Image.blend(image, glow.filter(ImageFilter.GaussianBlur(width // 8)), 0.9)


def icon(path):
    image = _background(512, 512)
    _sync_symbol(ImageDraw.Draw(image), 256, 256, 170, 34, RED)
    image.save(path, 'PNG', optimize=True)


def fanart(path):
    image = _background(1280, 720)
    _sync_symbol(ImageDraw.Draw(image), 640, 360, 230, 44, RED)
    image.save(path, 'JPEG', quality=88, optimize=True)


if __name__ == '__main__':
    icon(os.path.join(ROOT, 'resources', 'icon.png'))
    fanart(os.path.join(ROOT, 'resources', 'fanart.jpg'))
