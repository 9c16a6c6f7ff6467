"""Charts to PNG / SVG with vl-convert, for slides and reports (no Streamlit, no browser).

The chart builders in charts.py leave the width open (the dashboard stretches them) and name
"Noto Sans CJK SC" first in their font list; here the width is fixed for a projector and the
CJK font directories are registered with vl-convert once per process, so Chinese labels are
drawn instead of empty boxes.
"""

from __future__ import annotations

import struct
import threading
from pathlib import Path
from typing import Any

import altair as alt
import vl_convert as vlc

# where Debian/Ubuntu (fonts-noto-cjk, fonts-wqy-*), Fedora and macOS keep CJK fonts
FONT_DIRS = (
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/truetype/noto",
    "/usr/share/fonts/google-noto-cjk",
    "/usr/share/fonts/noto-cjk",
    "/usr/share/fonts/truetype/wqy",
    "/System/Library/Fonts",
)
_lock = threading.Lock()
_registered: list[str] = []
_fonts_checked = False


def register_fonts(extra: tuple[str, ...] = ()) -> list[str]:
    """Register the CJK font directories that exist with vl-convert (once each per process);
    returns the directories registered so far."""
    global _fonts_checked
    with _lock:
        if _fonts_checked and not extra:
            return list(_registered)
        for folder in (*FONT_DIRS, *extra):
            if folder in _registered or not Path(folder).is_dir():
                continue
            try:
                vlc.register_font_directory(folder)
            except Exception:  # an unreadable directory must not stop an export
                continue
            _registered.append(folder)
        _fonts_checked = True
        return list(_registered)


def _spec(chart: alt.TopLevelMixin | dict[str, Any], width: int | None,
          height: int | None = None) -> dict[str, Any]:
    """The chart's Vega-Lite spec sized for export, the original chart left untouched.

    ``width`` and ``height`` are the whole image's (CSS pixels, axes, title and legend
    included: autosize "fit"). They go on the top level; a layered chart passes them to its
    layers. Without a ``height``, a chart sized by rows (``height=alt.Step(n)``) keeps its
    step, so the image grows with its rows; a given ``height`` replaces the step.
    """
    spec = dict(chart) if isinstance(chart, dict) else chart.to_dict()
    spec = dict(spec)
    if width is not None:
        spec["width"] = int(width)
        _drop_inner(spec, "width")
    if height is not None:
        spec["height"] = int(height)
        _drop_inner(spec, "height")
    if width is not None or height is not None:
        stepped = isinstance(spec.get("height"), dict)
        spec["autosize"] = {"type": "fit-x" if stepped else "fit", "contains": "padding"}
    return spec


def is_stepped(chart: alt.TopLevelMixin | dict[str, Any]) -> bool:
    """Whether the chart's height grows with its rows (``height=alt.Step(n)``)."""
    spec = chart if isinstance(chart, dict) else chart.to_dict()
    return isinstance(spec.get("height"), dict)


def _drop_inner(spec: dict[str, Any], key: str) -> None:
    """Layers that carry their own size would override the top level's: drop theirs."""
    layers = spec.get("layer")
    if not isinstance(layers, list):
        return
    new = []
    for layer in layers:
        if isinstance(layer, dict) and key in layer:
            layer = {k: v for k, v in layer.items() if k != key}
        if isinstance(layer, dict):
            _drop_inner(layer, key)
        new.append(layer)
    spec["layer"] = new


def chart_png(chart: alt.TopLevelMixin | dict[str, Any], scale: float = 2.0, width: int | None = 1600,
              height: int | None = None) -> bytes:
    """PNG bytes of a chart ``width`` CSS px wide (and ``height`` high, else as tall as the chart
    asks), drawn at ``scale``: 2 turns a 1600 px chart into a 3200 px image, sharp on a projector."""
    register_fonts()
    return bytes(vlc.vegalite_to_png(_spec(chart, width, height), scale=scale))


def chart_svg(chart: alt.TopLevelMixin | dict[str, Any], width: int | None = 1600,
              height: int | None = None) -> str:
    """SVG text of a chart. Text stays text: the viewer needs the fonts the chart names."""
    register_fonts()
    return str(vlc.vegalite_to_svg(_spec(chart, width, height)))


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) in pixels from a PNG's IHDR chunk."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    w, h = struct.unpack(">II", data[16:24])
    return int(w), int(h)
