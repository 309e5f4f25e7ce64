#!/usr/bin/python3
"""Golden fixtures for io.clipstream.model.image: open_clip's eval transform run by Pillow 9.4 + torchvision.

Run with Debian's interpreter (it has Pillow 9.4, torch and torchvision):
    /usr/bin/python3 model/src/test/python/make_image_golden.py
Writes into model/src/test/resources/images/:
  inputs/<name>.<ext>        test images (written by Pillow, or by hand where Pillow cannot)
  golden/<name>.crop.png     the 224x224 RGB crop before ToTensor (lossless PNG, 8-bit RGB)
  golden/<name>.tensor.gz    the normalised float32 tensor [3,224,224] little-endian (gzip; only a few images)
  golden/normalize_lut.f32   ToTensor+Normalize of every byte value per channel: float32 [3,256] little-endian
  resample/<case>.gz         Pillow resize outputs for unit tests of PillowResample (see RESAMPLE_CASES)
  golden/index.txt           name, file (relative to images/), Pillow mode, width, height
  CLIP.png                   open_clip's test image, read from and rewritten in place (the input of the "clip" golden)
"""
import gzip
import io
import os
import struct
import zlib

import numpy as np
import torch
from PIL import Image
from torchvision import transforms
from torchvision.transforms import InterpolationMode

assert Image.__version__ == "9.4.0", Image.__version__

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "resources", "images"))
MEAN = (0.48145466, 0.4578275, 0.40821073)
STD = (0.26862954, 0.26130258, 0.27577711)
SIZE = 224
TENSOR_FOR = {"clip", "rgb_small"}  # full float tensors are 600 kB each: keep only a few

rng = np.random.default_rng(20240601)


def _convert_to_rgb(image):
    return image.convert("RGB")


# open_clip's image_transform(is_train=False, resize_mode="shortest"), built by hand
PRE_TENSOR = transforms.Compose([
    transforms.Resize(SIZE, interpolation=InterpolationMode.BICUBIC),
    transforms.CenterCrop(SIZE),
    _convert_to_rgb,
])
TO_TENSOR = transforms.Compose([transforms.ToTensor(), transforms.Normalize(mean=MEAN, std=STD)])


def scene(w, h, channels=3):
    """Smooth gradients, hard edges and noise: exercises every tap of the filters."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    planes = []
    for c in range(channels):
        p = 127 + 100 * np.sin(x / (7 + 5 * c) + c) * np.cos(y / (11 + 3 * c))
        p += np.where(((x // 17) + (y // 13) + c) % 2 == 0, 40, -40)
        p += rng.normal(0, 6, size=(h, w))
        planes.append(p)
    a = np.clip(np.stack(planes, axis=-1), 0, 255).astype(np.uint8)
    return a if channels > 1 else a[..., 0]


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png16(array, color_type):
    """A 16-bit PNG written by hand (Pillow cannot write 16-bit RGB)."""
    h, w = array.shape[:2]
    raw = b"".join(b"\x00" + array[r].astype(">u2").tobytes() for r in range(h))
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, color_type, 0, 0, 0))
            + png_chunk(b"IDAT", zlib.compress(raw, 9)) + png_chunk(b"IEND", b""))


def s15(v):
    return struct.pack(">i", int(round(v * 65536)))


def linear_rgb_icc():
    """A minimal ICC v2 display profile: sRGB primaries (D50-adapted) with gamma 1.0, i.e. not sRGB.
    Pillow ignores embedded profiles; a decoder that applies it shifts colours a lot."""
    def tag_xyz(x, y, z):
        return b"XYZ " + b"\0" * 4 + s15(x) + s15(y) + s15(z)
    desc_text = b"clipstream linear RGB\0"
    tags = [
        (b"desc", b"desc" + b"\0" * 4 + struct.pack(">I", len(desc_text)) + desc_text + b"\0" * 8 + b"\0" * 3 + b"\0" * 67),
        (b"cprt", b"text" + b"\0" * 4 + b"public domain\0"),
        (b"wtpt", tag_xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", tag_xyz(0.4361, 0.2225, 0.0139)),
        (b"gXYZ", tag_xyz(0.3851, 0.7169, 0.0971)),
        (b"bXYZ", tag_xyz(0.1431, 0.0606, 0.7141)),
        (b"rTRC", b"curv" + b"\0" * 4 + struct.pack(">IH", 1, 256) + b"\0\0"),
    ]
    tags += [(b"gTRC", tags[-1][1]), (b"bTRC", tags[-1][1])]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for sig, body in tags:
        body += b"\0" * (-len(body) % 4)
        table += sig + struct.pack(">II", offset + len(data), len(body))
        data += body
    size = offset + len(data)
    header = (struct.pack(">I", size) + b"\0" * 4 + bytes([2, 0x10, 0, 0]) + b"mntrRGB XYZ " + b"\0" * 12 + b"acsp"
              + b"\0" * 24 + b"\0" * 4 + s15(0.9642) + s15(1.0) + s15(0.8249) + b"\0" * 4 + b"\0" * 44)
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + data


def save(img, fmt, **kw):
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def inputs():
    """(name, extension, encoded bytes)."""
    yield "rgb_odd", "png", save(Image.fromarray(scene(301, 203)), "PNG")
    yield "rgb_small", "png", save(Image.fromarray(scene(150, 97)), "PNG")
    yield "rgb_exact", "png", save(Image.fromarray(scene(224, 260)), "PNG")
    yield "wide", "png", save(Image.fromarray(scene(1000, 30)), "PNG")
    yield "tall", "png", save(Image.fromarray(scene(30, 1000)), "PNG")
    rgba = scene(257, 181, 4)
    rgba[..., 3] = np.clip(np.linspace(0, 255, 257)[None, :] + rng.normal(0, 30, (181, 257)), 0, 255)
    rgba[:20, :, 3] = 0
    rgba[-20:, :, 3] = 255
    yield "rgba", "png", save(Image.fromarray(rgba, "RGBA"), "PNG")
    la = scene(203, 151, 2)
    la[..., 1] = np.clip(np.linspace(255, 0, 151)[:, None] + rng.normal(0, 30, (151, 203)), 0, 255)
    yield "la", "png", save(Image.fromarray(la, "LA"), "PNG")
    yield "l", "png", save(Image.fromarray(scene(233, 177, 1), "L"), "PNG")
    pal = Image.fromarray(scene(241, 163)).quantize(colors=60)
    yield "p", "png", save(pal, "PNG")
    yield "p_trns", "png", save(pal, "PNG", transparency=3)
    yield "bitonal", "png", save(Image.fromarray(scene(251, 190, 1), "L").convert("1"), "PNG")
    g16 = (scene(230, 301, 1).astype(np.uint16) * 3 + rng.integers(0, 200, (301, 230))).astype(np.uint16)
    g16[:40] = rng.integers(0, 300, (40, 230))  # some values below 256: visible after Pillow's clip to 8 bits
    yield "gray16", "png", png16(g16, 0)
    rgb16 = scene(211, 157).astype(np.uint16) * 257 + rng.integers(0, 256, (157, 211, 3)).astype(np.uint16)
    yield "rgb16", "png", png16(rgb16, 2)
    photo = Image.fromarray(scene(320, 240))
    yield "baseline", "jpg", save(photo, "JPEG", quality=90)
    yield "progressive", "jpg", save(photo, "JPEG", quality=85, progressive=True)
    yield "icc_linear", "jpg", save(photo, "JPEG", quality=90, icc_profile=linear_rgb_icc())
    yield "gray", "jpg", save(Image.fromarray(scene(260, 230, 1), "L"), "JPEG", quality=90)
    # other chroma samplings, odd sizes (partial MCUs): cut from the same photo, so no draw from rng moves
    yield "h2v1", "jpg", save(photo, "JPEG", quality=90, subsampling=1)
    yield "h1v1_odd", "jpg", save(photo.crop((1, 2, 318, 239)), "JPEG", quality=90, subsampling=0)
    yield "h2v2_odd", "jpg", save(photo.crop((0, 0, 317, 237)), "JPEG", quality=90, subsampling=2)
    yield "cmyk", "jpg", save(Image.fromarray(scene(280, 210, 4), "CMYK"), "JPEG", quality=92)
    yield "lossless", "webp", save(photo, "WEBP", lossless=True)
    yield "lossy", "webp", save(photo, "WEBP", quality=80)
    yield "static", "gif", save(Image.fromarray(scene(230, 250)).quantize(colors=100), "GIF")
    yield "bitmap", "bmp", save(Image.fromarray(scene(245, 199)), "BMP")
    with open(os.path.join(OUT, "CLIP.png"), "rb") as f:
        yield "clip", "png", f.read()


def extra_inputs():
    """Files the decoder tests read but that have no golden: animated GIF, TIFF."""
    frames = [Image.fromarray(np.full((40, 50, 3), v, np.uint8)).quantize(colors=4) for v in (30, 200, 90)]
    yield "animated.gif", save(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=50, loop=0)
    yield "image.tiff", save(Image.fromarray(scene(40, 30)), "TIFF")


# PillowResample unit cases: (case, source mode, src w, src h, dst w, dst h, filter)
RESAMPLE_CASES = [
    ("rgb_down_bicubic", "RGB", 97, 61, 40, 25, Image.BICUBIC),
    ("rgb_up_bicubic", "RGB", 31, 23, 77, 50, Image.BICUBIC),
    ("rgb_hdown_vup_bicubic", "RGB", 97, 23, 40, 51, Image.BICUBIC),
    ("rgb_width_only_bicubic", "RGB", 97, 61, 50, 61, Image.BICUBIC),
    ("rgb_height_only_bicubic", "RGB", 97, 61, 97, 30, Image.BICUBIC),
    ("rgb_down_bilinear", "RGB", 97, 61, 40, 25, Image.BILINEAR),
    ("rgb_up_bilinear", "RGB", 31, 23, 77, 50, Image.BILINEAR),
    ("rgb_down_nearest", "RGB", 97, 61, 40, 25, Image.NEAREST),
    ("rgb_up_nearest", "RGB", 31, 23, 77, 50, Image.NEAREST),
    ("l_down_bicubic", "L", 97, 61, 40, 25, Image.BICUBIC),
    ("l_up_bicubic", "L", 31, 23, 77, 50, Image.BICUBIC),
]


def resample_cases():
    for case, mode, sw, sh, dw, dh, flt in RESAMPLE_CASES:
        src = Image.fromarray(scene(sw, sh, 3 if mode == "RGB" else 1), mode)
        out = src.resize((dw, dh), flt)
        yield case, np.asarray(src).tobytes(), np.asarray(out).tobytes()


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def gz(data):
    return gzip.compress(data, 9, mtime=0)


def main():
    index = []
    for name, ext, data in inputs():
        rel = "CLIP.png" if name == "clip" else f"inputs/{name}.{ext}"  # CLIP.png is kept once, at the top
        write(os.path.join(OUT, rel), data)
        img = Image.open(io.BytesIO(data))
        mode, (w, h) = img.mode, img.size
        crop = PRE_TENSOR(img)
        assert crop.size == (SIZE, SIZE) and crop.mode == "RGB"
        write(os.path.join(OUT, "golden", f"{name}.crop.png"), save(crop, "PNG", optimize=True))
        if name in TENSOR_FOR:
            t = TO_TENSOR(crop)
            assert t.dtype == torch.float32 and tuple(t.shape) == (3, SIZE, SIZE)
            write(os.path.join(OUT, "golden", f"{name}.tensor.gz"), gz(t.numpy().astype("<f4").tobytes()))
        index.append(f"{name} {rel} {mode} {w} {h}")
    for fname, data in extra_inputs():
        write(os.path.join(OUT, "inputs", fname), data)
    ramp = Image.fromarray(np.repeat(np.arange(256, dtype=np.uint8)[None, :, None], 3, axis=2), "RGB")
    write(os.path.join(OUT, "golden", "normalize_lut.f32"),
          TO_TENSOR(ramp)[:, 0, :].numpy().astype("<f4").tobytes())
    for case, src, out in resample_cases():
        write(os.path.join(OUT, "resample", f"{case}.src.gz"), gz(src))
        write(os.path.join(OUT, "resample", f"{case}.out.gz"), gz(out))
    write(os.path.join(OUT, "golden", "index.txt"), ("\n".join(index) + "\n").encode())


if __name__ == "__main__":
    main()
