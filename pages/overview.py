import streamlit as st

from dashboard.data import sample
from perfeval_core.summary import summary

result = sample("hohhot_2023_evaluation.xlsx")
if result.evaluation is None:
    st.error("示例数据无法加载：" + "；".join(result.report.lines()))
    st.stop()
d = summary(result.evaluation)
st.title(f"{d['year']}年 {d['project']}")
if d["illustrative"]:
    st.caption("区县、街道及社区层面的数据为示意数据（按报告总数拆分）。")
c1, c2, c3, c4 = st.columns(4)
c1.metric("综合得分", f"{d['total_score']:.2f}", d["rating"], delta_arrow="off", delta_color="off")
c2.metric("预算资金（万元）", f"{d['budget']['budget']:,.0f}")
c3.metric("资金到位率", f"{d['arrival_rate']:.2%}")
c4.metric("预算执行率", f"{d['execution_rate']:.2%}")
st.write(f"安排预算社区 {d['units_budgeted']} 个，实际使用资金 {d['units_used_funds']} 个。")
