"""Streamlit entry: page config, navigation and the controls every page shares."""

from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent

st.set_page_config(page_title="绩效评价看板", page_icon=":material/analytics:", layout="wide")

page = st.navigation(
    [
        st.Page(
            Path(ROOT / "pages" / "overview.py"),
            title="总览",
            icon=":material/dashboard:",
            help="所选评价的综合得分、评级、预算与执行概况。",
            default=True,
        ),
    ]
)
page.run()
