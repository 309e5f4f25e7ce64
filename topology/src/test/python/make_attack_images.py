"""Writes the image files the reliability suite sends to the service (topology/src/test/resources/reliability/).

Made with Pillow (Debian's /usr/bin/python3, Pillow 9.4), an independent encoder, so the Java decoder is tested on
files it did not write itself. Run from the repository root: /usr/bin/python3 topology/src/test/python/make_attack_images.py
"""
import io
import pathlib

from PIL import Image

OUT = pathlib.Path(__file__).resolve().parents[1] / "resources" / "reliability"


def blocks(mode, size=(64, 48)):
    """A deterministic picture of coloured blocks, converted to `mode`."""
    im = Image.new("RGB", size)
    px = im.load()
    for y in range(size[1]):
        for x in range(size[0]):
            px[x, y] = ((x // 8) * 37 % 256, (y // 8) * 59 % 256, ((x + y) // 8) * 23 % 256)
    return im.convert(mode)


def save(name, im, fmt, **kw):
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    (OUT / name).write_bytes(buf.getvalue())


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    save("rgb.jpg", blocks("RGB"), "JPEG", quality=90)
    save("grey.jpg", blocks("L"), "JPEG", quality=90)
    save("cmyk.jpg", blocks("CMYK"), "JPEG", quality=90)
    save("palette.png", blocks("RGB").quantize(16), "PNG")
    save("grey16.png", blocks("L").point(lambda v: v * 256, "I").convert("I;16"), "PNG")
    save("image.webp", blocks("RGB"), "WEBP", quality=80)
    frames = [blocks("RGB").rotate(90 * i).convert("P", palette=Image.ADAPTIVE) for i in range(3)]
    save("animated.gif", frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    save("image.tiff", blocks("RGB"), "TIFF")
    for f in sorted(OUT.iterdir()):
        print(f.name, f.stat().st_size)


if __name__ == "__main__":
    main()
