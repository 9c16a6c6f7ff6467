"""The bare echo app (``bench/bare_app.py``) served as the dashboard is (``dashboard/serve.py``: one
``st.App``), so the browser benchmark compares like with like."""

from pathlib import Path

import streamlit as st

app = st.App(str(Path(__file__).with_name("bare_app.py")))
