"""The floor for the browser benchmark: a Streamlit app whose fragment only echoes a slider.

Whatever this takes from a key press to the echoed value is Streamlit and the browser, not us.
"""

import streamlit as st


@st.fragment
def echo() -> None:
    value = st.slider("效益", 0.0, 100.0, 30.0, step=0.01, key="w_D")
    st.metric("项目综合得分 · 模拟方案", f"{value:.2f}")


st.title("bare")
echo()
