"""Streamlit entry: page config, navigation and the controls every page shares."""

from pathlib import Path

import streamlit as st

from dashboard.access import account_box, allowed, gate
from dashboard.chrome import speak
from dashboard.state import language, shared_controls
from perfeval_core.present.i18n import t

PAGES = Path(__file__).resolve().parent.parent / "pages"
# a file of ours: a Material or emoji icon makes every browser fetch it from a font host outside
ICON = Path(__file__).resolve().parent / "favicon.png"

st.set_page_config(page_title=t("app_title", language()), page_icon=str(ICON), layout="wide")
gate(language())  # when sign-in is on, nothing below runs for an anonymous browser
# a laptop screen is 768 px high: the title starts near the top, not a tenth of the way down
st.html("<style>[data-testid='stMainBlockContainer'] {padding-top: 2.2rem;}</style>")
shared_controls()
lang = language()
account_box(lang)
with st.sidebar:
    speak(lang)  # Streamlit's own English, in the Chinese UI


def page(file: str, key: str, icon: str, default: bool = False) -> st.Page:
    return st.Page(PAGES / file, title=t(f"page_{key}", lang), icon=icon, help=t(f"help_{key}", lang),
                   url_path=key, default=default)


navigation = st.navigation({
    t("section_browse", lang): [
        page("overview.py", "overview", ":material/dashboard:", default=True),
        page("districts.py", "districts", ":material/leaderboard:"),
        page("budget.py", "budget", ":material/account_balance:"),
        page("categories.py", "categories", ":material/category:"),
    ],
    t("section_analyse", lang): [
        page("whatif.py", "whatif", ":material/tune:"),
        page("robustness.py", "robustness", ":material/shield:"),
        page("present.py", "present", ":material/slideshow:"),
    ],
    t("section_detail", lang): [
        page("scoresheet.py", "scoresheet", ":material/table_view:"),
        page("satisfaction.py", "satisfaction", ":material/sentiment_satisfied:"),
        page("findings.py", "findings", ":material/fact_check:"),
        page("targets.py", "targets", ":material/flag:"),
        page("portfolio.py", "portfolio", ":material/compare:"),
    ],
    t("section_manage", lang): [
        page("data.py", "data", ":material/upload_file:"),
        *([page("admin.py", "admin", ":material/admin_panel_settings:")] if allowed("manage_users") else []),
    ],
}, expanded=True)  # every page in view: no "View 3 more"
navigation.run()
