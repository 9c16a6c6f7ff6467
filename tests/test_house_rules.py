"""House rules the code keeps by itself: colours are named once (perfeval_core/present/style.py),
user-facing text lives in the catalogues (perfeval_core/present/i18n.py, perfeval_core/model/messages.py).

Both scans read the string literals of a module (its docstrings left out: they describe, they do
not draw or show) with ``ast``, so comments and code are not mistaken for text.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from .conftest import ROOT

PRESENT = ROOT / "perfeval_core" / "present"
DASHBOARD = ROOT / "dashboard"
PAGES = ROOT / "pages"
# pages/whatif.py is edited elsewhere at the moment; it is held to the same rules once it lands
NOT_YET: set[Path] = set()


def _files(*paths: Path) -> list[Path]:
    return sorted(p for p in paths if p not in NOT_YET)


# ---------------------------------------------------------------- colours

COLOUR_FILES = _files(
    *(PRESENT / name for name in ("charts.py", "slides.py", "export_pptx.py", "export_pdf.py", "export_html.py", "export_xlsx.py")),
    *(DASHBOARD / name for name in ("ui.py", "present_screen.py", "app.py", "chrome.py")),
    *PAGES.glob("*.py"),
)
# the CSS named colours a chart or a style sheet would plausibly use (not all 148)
NAMED = ("white|black|red|green|blue|yellow|orange|purple|gray|grey|silver|navy|teal|maroon|olive|lime|"
         "aqua|fuchsia|pink|brown|gold|crimson|darkred|darkgreen|darkblue|lightgray|lightgrey|darkgray|darkgrey|"
         "steelblue|tomato|orchid|salmon|coral|indigo|violet|beige|ivory|whitesmoke|gainsboro")
HEX = re.compile(r"(?<![\w&])#(?:[0-9A-Fa-f]{8}|[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})(?![\w-])")
BARE_HEX = re.compile(r"[0-9A-Fa-f]{6}|[0-9A-Fa-f]{8}")  # a whole literal "1F2937" (DrawingML's form)
FUNCTIONAL = re.compile(r"\b(?:rgba?|hsla?)\s*\(", re.IGNORECASE)
NAMED_WHOLE = re.compile(rf"(?:{NAMED})", re.IGNORECASE)
NAMED_IN_CSS = re.compile(rf"(?:color|background|fill|stroke|border[\w-]*)\s*:\s*[^;{{}}]*(?<![\w-])(?:{NAMED})(?![\w-])",
                          re.IGNORECASE)
MARKDOWN_COLOUR = re.compile(rf":(?:{NAMED}|rainbow|primary)(?:-background)?\[")  # Streamlit's :red[text]

# (file name, literal): a colour literal allowed outside style.py, with the reason. Keep it empty.
COLOUR_ALLOWED: dict[tuple[str, str], str] = {}


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the docstring nodes of a module, its classes and functions."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                out.add(id(first.value))
    return out


def string_literals(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string constant in a module, f-string parts included, docstrings not."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip]


def colour_literals(path: Path) -> list[str]:
    found = []
    for line, text in string_literals(path):
        hits = HEX.findall(text) + FUNCTIONAL.findall(text) + NAMED_IN_CSS.findall(text) + MARKDOWN_COLOUR.findall(text)
        if BARE_HEX.fullmatch(text) and not text.isdigit():
            hits.append(text)
        if NAMED_WHOLE.fullmatch(text.strip()):
            hits.append(text)
        found += [f"line {line}: {text!r}" for _ in hits[:1] if (path.name, text) not in COLOUR_ALLOWED]
    source = path.read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):  # a Vega scheme name is a colour choice too
        if isinstance(node, ast.keyword) and node.arg == "scheme" and isinstance(node.value, ast.Constant):
            found.append(f"line {node.lineno}: scheme={node.value.value!r}")
    return sorted(found, key=lambda f: int(f.split()[1].rstrip(":")))


@pytest.mark.parametrize("path", COLOUR_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_colours_are_named_in_style_py(path):
    found = colour_literals(path)
    assert not found, (f"{path.relative_to(ROOT)} writes colours itself; name them in "
                       f"perfeval_core/present/style.py and use the names: {found}")


def test_the_colour_scan_sees_the_usual_spellings(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text('A = "#1F4E79"\nB = "rgb(1, 2, 3)"\nC = "FFFFFF"\nD = "white"\n'
                     'E = f"color: #{A}; background: white"\nF = ":red[bad]"\nalt.Scale(scheme="blues")\n'
                     'G = "#add-a-row"\nH = "123456"\n', encoding="utf-8")
    found = colour_literals(probe)
    assert [f.split(":")[0] for f in found] == ["line 1", "line 2", "line 3", "line 4", "line 5", "line 6", "line 7"]


def test_the_meeting_screens_style_sheet_takes_its_colours_from_style_py():
    from perfeval_core.present.style import SCREEN_CSS_VARS

    css = (DASHBOARD / "present.css").read_text(encoding="utf-8")
    body = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    assert not HEX.findall(body) and not FUNCTIONAL.findall(body)
    used = set(re.findall(r"var\((--pe-[\w-]+)", body)) - {"--pe-u", "--pe-columns", "--pe-chars"}
    assert used <= set(SCREEN_CSS_VARS), used - set(SCREEN_CSS_VARS)


def test_the_theme_repeats_style_py_band_colours():
    """.streamlit/config.toml cannot import style.py: its band colours are checked instead."""
    import tomllib

    from perfeval_core.present.style import ACCENT, BAND_COLORS, BORDER_COLOR, TEXT_COLOR

    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["theme"]
    assert theme["chartCategoricalColors"][: len(BAND_COLORS)] == list(BAND_COLORS)
    assert (theme["primaryColor"], theme["textColor"], theme["borderColor"]) == (ACCENT, TEXT_COLOR, BORDER_COLOR)
