"""User-facing text for the dashboard, charts and exports, in Chinese and English.

Validation messages live in messages.py; ``t`` looks in both, so every page asks one place.
"""

from __future__ import annotations

from .messages import MESSAGES

LANGS = ("zh", "en")

TEXT: dict[str, tuple[str, str]] = {
    # shell
    "app_title": ("绩效评价看板", "Performance evaluation dashboard"),
    "evaluation": ("评价项目", "Evaluation"),
    "language": ("语言", "Language"),
    "illustrative_note": ("区县、街道及社区层面的数据为示意数据（按报告总数拆分），仅用于展示。",
                          "District, street and community figures are illustrative (split from the report's totals)."),
    "illustrative_tag": ("示意数据", "illustrative"),
    "section_browse": ("浏览", "Browse"),
    "section_detail": ("明细", "Details"),
    "section_manage": ("管理", "Manage"),
    "no_data": ("该评价没有这部分数据。", "This evaluation has no data for this part."),
    "load_failed": ("无法加载所选评价", "The selected evaluation could not be loaded"),
    # pages
    "page_overview": ("总览", "Overview"),
    "page_districts": ("地区对比", "Districts"),
    "page_budget": ("资金执行", "Budget execution"),
    "page_categories": ("项目分类", "Project categories"),
    "page_scoresheet": ("评分表", "Score sheet"),
    "page_satisfaction": ("满意度", "Satisfaction"),
    "page_findings": ("问题整改", "Findings"),
    "page_portfolio": ("项目对比", "Portfolio"),
    "page_data": ("数据", "Data"),
    "help_overview": ("所选评价的综合得分、评级、预算执行与项目概况，以及报告结论和主要问题。",
                      "Score, rating, budget execution and projects of the selected evaluation, with the report's conclusion."),
    "help_districts": ("各地区得分、排名与评级，一级指标构成、指标得分率热力图；点击地区查看下辖街道社区。",
                       "Scores, ranks and ratings by district; click a district to drill into its streets."),
    "help_budget": ("预算、到位、支出按地区与资金层级对比，到位率和执行率与目标线对照。",
                    "Budget, funds received and spent by district and funding level, against a target line."),
    "help_categories": ("各类项目的数量与金额，按地区对比，标出规定范围外支出。",
                        "Project counts and amounts by category and district; spending outside the allowed categories."),
    "help_scoresheet": ("完整指标体系及各单位的分值、得分、得分率与扣分原因。",
                        "The full indicator tree with points, scores, rates and deduction reasons for every unit."),
    "help_satisfaction": ("满意度与参与度，按年龄段和地区。", "Satisfaction and participation by age group and district."),
    "help_findings": ("评价发现的问题及整改状态。", "Problems found and their follow-up status."),
    "help_portfolio": ("已加载的全部评价并排对比。", "Every loaded evaluation side by side."),
    "help_data": ("上传工作簿、查看校验报告、下载模板与示例、管理工作簿库。",
                  "Upload workbooks, read the validation report, download the template and samples, manage the library."),
    # KPIs and labels
    "total_score": ("综合得分", "Total score"),
    "rating": ("评级", "Rating"),
    "rank": ("排名", "Rank"),
    "unit": ("单位", "Unit"),
    "district": ("地区", "District"),
    "parent_unit": ("上级单位", "Parent"),
    "indicator": ("指标", "Indicator"),
    "level1": ("一级指标", "Level-1 indicator"),
    "points": ("分值", "Points"),
    "score": ("得分", "Score"),
    "score_rate": ("得分率", "Score rate"),
    "reason": ("扣分原因", "Deduction reason"),
    "budget": ("预算", "Budget"),
    "arrived": ("到位", "Received"),
    "spent": ("支出", "Spent"),
    "budget_wan": ("预算资金（万元）", "Budget (10k yuan)"),
    "amount_wan": ("金额（万元）", "Amount (10k yuan)"),
    "wan": ("万元", "×10k yuan"),
    "funding_level": ("资金层级", "Funding level"),
    "arrival_rate": ("资金到位率", "Funds received rate"),
    "execution_rate": ("预算执行率", "Budget execution rate"),
    "units_budgeted": ("安排预算单位", "Units budgeted"),
    "units_used": ("使用资金单位", "Units that used funds"),
    "units_budgeted_used": ("预算单位 / 使用资金", "Units budgeted / used funds"),
    "project_count": ("完成项目数", "Projects completed"),
    "projects": ("项目数", "Projects"),
    "category": ("项目类别", "Category"),
    "share": ("占比", "Share"),
    "in_scope": ("规定范围内", "Allowed category"),
    "out_of_scope": ("规定范围外", "Outside allowed categories"),
    "satisfaction": ("满意度", "Satisfaction"),
    "participation": ("经常参与率", "Frequent participation"),
    "age_group": ("年龄段", "Age group"),
    "respondents": ("有效样本", "Respondents"),
    "field_visited": ("实地调研", "Field visit"),
    "conclusion": ("评价结论", "Conclusion"),
    "main_problems": ("主要问题", "Main problems"),
    "reported": ("报告值", "Reported"),
    "city_average": ("平均", "Average"),
    "target": ("目标", "Target"),
    "status": ("整改状态", "Status"),
    "problem": ("问题", "Problem"),
    "count": ("数量", "Count"),
    "year": ("年度", "Year"),
    "project": ("项目", "Project"),
    "region": ("地区", "Region"),
    "mode": ("评价方式", "Evaluation mode"),
    "evaluator": ("评价机构", "Evaluator"),
    "definitions": ("口径", "Definitions"),
    "bands": ("评级标准", "Rating bands"),
    # chart titles
    "chart_scores": ("各地区综合得分", "Total score by district"),
    "chart_scores_children": ("{unit}下辖单位得分", "Scores of units in {unit}"),
    "chart_level1": ("一级指标得分构成", "Score by level-1 indicator"),
    "chart_heatmap": ("指标得分率", "Score rate by indicator"),
    "chart_profile": ("{unit}与平均得分率对比", "{unit} against the average"),
    "chart_budget_levels": ("预算资金按资金层级", "Budget by funding level"),
    "chart_budget_units": ("预算、到位与支出", "Budget, received and spent"),
    "chart_rate": ("{metric}（目标 {target}）", "{metric} (target {target})"),
    "chart_categories": ("各类项目数量", "Projects by category"),
    "chart_category_units": ("各地区项目构成", "Projects by district and category"),
    "chart_rating_dist": ("评级分布", "Rating distribution"),
    "chart_sat_age": ("满意度与参与率（按年龄段）", "Satisfaction and participation by age group"),
    "chart_sat_unit": ("满意度（按地区与年龄段）", "Satisfaction by district and age group"),
    "chart_findings": ("问题数量（按类别与整改状态）", "Findings by category and status"),
    "click_to_drill": ("点击柱形查看下辖街道、社区", "Click a bar to see its streets and communities"),
    "selected_unit": ("已选：{unit}", "Selected: {unit}"),
    "clear_selection": ("返回全部地区", "Back to all districts"),
    "below_target": ("低于目标的单位：{units}", "Below target: {units}"),
    "none": ("无", "none"),
    "not_used_units": ("未使用资金的单位（{count} 个）", "Units that used no funds ({count})"),
    "ranking_table": ("排名表", "Ranking"),
    "download": ("下载", "Download"),
    # what-if
    "page_whatif": ("权重模拟", "What-if weights"),
    "help_whatif": ("调整一级指标权重（总分保持 100），即时查看各单位得分、排名与评级的变化；可保存、分享方案。",
                    "Move the level-1 weights (total stays 100) and see every score, rank and rating change at once."),
    "page_robustness": ("稳健性", "Robustness"),
    "help_robustness": ("各单位评级在权重变化下的稳定程度：临界权重、距相邻档次的距离、蒙特卡洛排名区间。",
                        "How stable each rating is to the weights: break-even weights, distance to the next band, rank intervals."),
    "section_analyse": ("分析", "Analyse"),
    "page_present": ("演示模式", "Presentation"),
    "export_pptx": ("下载演示文稿（PPT）", "Download the slide deck (PPTX)"),
    "export_xlsx": ("下载可调权重的 Excel", "Download the what-if workbook (XLSX)"),
    "exports": ("导出", "Export"),
    "help_present": ("会议投屏：每页一个结论，大字号，上一页/下一页；有模拟方案时包含官方与模拟对比。",
                     "For the meeting room: one message per full-screen view, large type, previous/next."),
    "official": ("官方权重", "Official"),
    "scenario": ("模拟方案", "Scenario"),
    "weights_level1": ("一级指标权重", "Level-1 weights"),
    "lock": ("锁定", "Lock"),
    "reset": ("恢复官方权重", "Reset to official weights"),
    "weights_total": ("合计 {total} 分", "Total {total}"),
    "lower_weights": ("二级及末级指标权重（可编辑）", "Level-2 and leaf weights (editable)"),
    "band_thresholds": ("评级档次", "Rating bands"),
    "policy_check": ("权重规则提示", "Weight rules"),
    "policy_ok": ("方案符合权重规则。", "The scenario meets the weight rules."),
    "overall_change": ("项目综合得分", "Project score"),
    "rating_changes": ("评级发生变化的单位：{units}", "Units whose rating changes: {units}"),
    "no_rating_change": ("没有单位的评级发生变化。", "No unit changes rating."),
    "rank_changes": ("排名变化的单位：{units}", "Units that change rank: {units}"),
    "rank_up": ("排名上升", "Rank up"),
    "rank_same": ("排名不变", "Unchanged"),
    "rank_down": ("排名下降", "Rank down"),
    "chart_rank_change": ("排名变化（官方 → 模拟）", "Rank change (official → scenario)"),
    "chart_leaf_weights": ("末级指标有效权重", "Effective leaf weights"),
    "compare_table": ("各单位得分、排名与评级对比", "Scores, ranks and ratings compared"),
    "tier": ("层级", "Tier"),
    "all_tiers": ("全部层级", "All tiers"),
    "delta": ("变化", "Change"),
    "scenarios": ("方案", "Scenarios"),
    "scenario_name": ("方案名称", "Scenario name"),
    "scenario_note": ("说明", "Note"),
    "author": ("作者", "Author"),
    "save_scenario": ("保存方案", "Save scenario"),
    "saved": ("已保存方案“{name}”", "Saved scenario '{name}'"),
    "load_scenario": ("载入", "Load"),
    "rename": ("重命名", "Rename"),
    "delete": ("删除", "Delete"),
    "compare_scenarios": ("两个方案对比", "Compare two scenarios"),
    "share_link": ("复制浏览器地址即可分享当前方案（权重已写入链接）。", "Copy the browser address to share this scenario (the weights are in the link)."),
    "official_rank": ("官方排名", "Official rank"),
    "median_rank": ("排名中位数", "Median rank"),
    "probability": ("概率", "Probability"),
    "chart_rank_interval": ("排名区间（5%–95%，圆点为中位数，红线为官方排名）",
                            "Rank interval (5–95 %, dot: median, red: official rank)"),
    "chart_band_probability": ("各评级出现的概率", "Probability of each rating"),
    "rob_basis": ("基于", "Based on"),
    "rob_basis_official": ("官方权重", "Official weights"),
    "rob_basis_scenario": ("当前模拟方案", "Current what-if scenario"),
    "rob_spread": ("权重浮动幅度（±）", "Weight spread (±)"),
    "rob_draws": ("模拟次数", "Draws"),
    "rob_method": ("抽样方法", "Sampling"),
    "rob_uniform": ("各权重独立浮动", "Independent ± per weight"),
    "rob_dirichlet": ("狄利克雷分布", "Dirichlet around the weights"),
    "rob_seed": ("随机种子", "Seed"),
    "rob_breakeven": ("临界权重：评级保持不变的权重范围", "Break-even weights: how far each weight can move before the rating changes"),
    "rob_breakeven_help": ("单元格：该一级指标权重升至（↑）或降至（↓）该值时评级改变，其余指标按比例调整；“—”表示在 0–100 范围内评级不变。",
                           "Cell: the rating changes when this weight rises (↑) or falls (↓) to the value, the others rescaled in proportion; — means no change within 0–100."),
    "rob_distance": ("距相邻档次的最小权重调整", "Smallest weight change to the neighbouring bands"),
    "rob_distance_help": ("同时调整全部一级指标权重（合计不变）使得分恰好达到相邻档次门槛所需的最小调整量（欧氏距离，单位：分）。",
                          "The smallest simultaneous change of all level-1 weights (total fixed) that puts the score on the neighbouring band's threshold (Euclidean, in points)."),
    "rob_mc": ("蒙特卡洛：随机权重下的排名与评级", "Monte Carlo: ranks and ratings under random weights"),
    "rob_mc_caption": ("{draws:,} 次随机权重，浮动 ±{spread:.0%}，用时 {seconds:.2f} 秒。", "{draws:,} random weightings, ±{spread:.0%}, in {seconds:.2f} s."),
    "rob_robust_pairs": ("稳定的先后顺序：{count} 对单位在任何容许权重下先后不变（共 {total} 对）",
                         "Robust orderings: {count} of {total} pairs keep their order under every admissible weighting"),
    "rob_stable": ("评级稳定（≥95% 概率保持）：{units}", "Stable ratings (kept with ≥95 % probability): {units}"),
    "rob_unstable": ("评级不稳定（保持概率 <80%）：{units}", "Fragile ratings (kept with <80 % probability): {units}"),
    "up": ("上调", "Up"),
    "down": ("下调", "Down"),
    "winner": ("领先单位", "Ahead"),
    "loser": ("落后单位", "Behind"),
    "min_margin": ("最小分差", "Smallest margin"),
    "store_unavailable": ("方案库暂不可用：{error}", "The scenario store is unavailable: {error}"),
}


def t(key: str, lang: str = "zh", **params: object) -> str:
    pair = TEXT.get(key) or MESSAGES.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def fmt_wan(value: float | None, lang: str = "zh") -> str:
    if value is None or value != value:
        return "—"
    digits = 0 if abs(value - round(value)) < 1e-9 else 2
    return f"{value:,.{digits}f} " + ("万元" if lang == "zh" else "×10k yuan")


def fmt_pct(value: float | None, digits: int = 2) -> str:
    if value is None or value != value:
        return "—"
    return f"{value * 100:.{digits}f}%"


def fmt_score(value: float | None) -> str:
    if value is None or value != value:
        return "—"
    return f"{value:.2f}"
