
from dashboard.state import context
from dashboard.ui import page_header

ctx = context()
page_header(ctx, "page_robustness")
