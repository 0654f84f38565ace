"""A video for Chromium's fake camera (`--use-file-for-fake-video-capture=FILE.y4m`), made
from pictures drawn in a browser page: no ffmpeg, no Pillow. Used by the camera coach's browser
test and its frames-per-second benchmark."""

from __future__ import annotations

from pathlib import Path

# Draw an image on a white 640x480 canvas (contained, centred) and hand back its RGBA bytes.
RASTER = """async (src) => {
  const img = new Image();
  img.src = src;
  await img.decode();
  const c = document.createElement("canvas");
  c.width = 640; c.height = 480;
  const ctx = c.getContext("2d");
  ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, 640, 480);
  const k = Math.min(640 / img.naturalWidth, 480 / img.naturalHeight);
  const w = img.naturalWidth * k, h = img.naturalHeight * k;
  ctx.drawImage(img, (640 - w) / 2, (480 - h) / 2, w, h);
  return Array.from(ctx.getImageData(0, 0, 640, 480).data);
}"""


def y4m_frame(rgba: list[int], width: int = 640, height: int = 480) -> bytes:
    """One 4:2:0 frame (BT.601, full range) from RGBA bytes."""
    ys = bytearray(width * height)
    us = bytearray((width // 2) * (height // 2))
    vs = bytearray((width // 2) * (height // 2))
    for i in range(width * height):
        r, g, b = rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2]
        ys[i] = min(255, max(0, round(0.299 * r + 0.587 * g + 0.114 * b)))
    for y in range(0, height, 2):
        for x in range(0, width, 2):
            i = 4 * (y * width + x)
            r, g, b = rgba[i], rgba[i + 1], rgba[i + 2]
            j = (y // 2) * (width // 2) + x // 2
            us[j] = min(255, max(0, round(128 - 0.168736 * r - 0.331264 * g + 0.5 * b)))
            vs[j] = min(255, max(0, round(128 + 0.5 * r - 0.418688 * g - 0.081312 * b)))
    return b"FRAME\n" + bytes(ys) + bytes(us) + bytes(vs)


def write_y4m(path: Path, frames: list[bytes], repeat: int) -> None:
    with path.open("wb") as out:
        out.write(b"YUV4MPEG2 W640 H480 F30:1 Ip A1:1 C420jpeg\n")
        for frame in frames:
            for _ in range(repeat):
                out.write(frame)
