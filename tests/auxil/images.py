"""Small real pictures for tests of attachments (made with Pillow, never stored)."""

from __future__ import annotations

import io

from PIL import Image


def png(width: int = 40, height: int = 30, color: str = "teal") -> bytes:
    """Return a PNG of one colour and the given size."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()
