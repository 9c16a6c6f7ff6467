"""User-facing text for the dashboard, charts and exports, in Chinese and English.

Longer than 600 lines because it is the one catalogue of every text the dashboard, the charts and
the exports show (a flat table of key → (Chinese, English)) plus the few formatters that put
numbers into that text; splitting the table would only make a string harder to find.

Validation messages live in messages.py; ``t`` looks in both, so every page asks one place.
"""

from __future__ import annotations

import math
import numbers
from decimal import Decimal

from perfeval_core.model.messages import MESSAGES
from perfeval_core.model.rating import rounded, scaled

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
    "page_targets": ("目标完成", "Targets"),
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
    "help_targets": ("自评表的年度指标值与实际完成值：完成情况、偏差原因、目标是否偏低或无法衡量。",
                     "Targets and actuals of the self-evaluation: completion, reasons, targets too easy or unmeasurable."),
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
    "arrival_rate": ("资金到位率", "Arrival rate"),
    "execution_rate": ("预算执行率", "Execution rate"),
    "units_budgeted": ("安排预算单位", "Units budgeted"),
    "units_used": ("使用资金单位", "Units that used funds"),
    "units_budgeted_used": ("预算单位 / 使用资金", "Units funded / using"),
    "units_used_note": ("使用资金 {count} 个", "{count} used funds"),
    "project_count": ("完成项目数", "Projects completed"),
    "projects": ("项目数", "Projects"),
    "category": ("项目类别", "Category"),
    "share": ("占比", "Share"),
    "in_scope": ("规定范围内", "Allowed category"),
    "out_of_scope": ("规定范围外", "Outside allowed categories"),
    "in_scope_short": ("规定范围内", "Allowed"),
    "out_of_scope_short": ("规定范围外", "Not allowed"),
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
    "drill_all_top": ("全部地区", "All districts"),
    "chart_compare": ("一级指标得分率对比", "Level-1 score rates side by side"),
    "compare_units": ("单位对比（选择 2–3 个）", "Compare units (pick 2–3)"),
    "compare_help": ("可选当前层级的单位：所选单位的同级与下辖单位。", "Units of the level in view: the chosen unit's peers and the units within it."),
    "deepest_level": ("已是最末一级单位。", "This is the deepest level."),
    "points_scored": ("得分", "Points"),
    "drill_all": ("全部下辖单位", "All units within"),
    "drill_within": ("{unit}下辖", "Within {unit}"),
    "scope_average": ("{unit}平均", "{unit} average"),
    "budget_scope_note": ("以上为{unit}（含下辖单位）的合计；图表为其下辖单位。",
                          "Totals of {unit} and the units within it; the charts show the units within it."),
    "arrived_wan": ("到位资金（万元）", "Received (10k yuan)"),
    "spent_wan": ("支出资金（万元）", "Spent (10k yuan)"),
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
    "export_pdf": ("下载演示文稿（PDF）", "Download the slide deck (PDF)"),
    "export_html": ("下载 HTML 报告", "Download the HTML report"),
    "report_contents": ("目录", "Contents"),
    "exports": ("导出", "Export"),
    "help_present": ("会议投屏：每页一个结论，大字号，上一页/下一页；有模拟方案时包含官方与模拟对比。",
                     "For the meeting room: one message per full-screen view, large type, previous/next."),
    "official": ("官方权重", "Official"),
    "scenario": ("模拟方案", "Scenario"),
    "weights_level1": ("一级指标权重", "Level-1 weights"),
    "lock": ("锁定", "Lock"),
    "lock_help": ("锁定的一级指标保持当前分值，移动其他滑块时只在未锁定的指标之间重新分配。",
                  "Locked level-1 indicators keep their points; moving another slider rebalances the unlocked ones only."),
    "reset": ("恢复官方权重", "Reset to official weights"),
    "weights_total": ("合计 {total} 分", "Total {total}"),
    "lower_weights": ("二级及末级指标权重（可编辑）", "Level-2 and leaf weights (editable)"),
    "band_thresholds": ("评级档次", "Rating bands"),
    "policy_check": ("权重规则提示", "Weight rules"),
    "policy_ok": ("方案符合权重规则。", "The scenario meets the weight rules."),
    "overall_change": ("项目综合得分", "Project score"),
    "rating_changes": ("评级发生变化的单位：{units}", "Units whose rating changes: {units}"),
    "no_rating_change": ("没有单位的评级发生变化。", "No unit changes rating."),
    "rating_up": ("评级提高的单位：{units}", "Units rated higher: {units}"),
    "rating_down": ("评级降低的单位：{units}", "Units rated lower: {units}"),
    "rank_changes": ("排名变化的单位：{units}", "Units that change rank: {units}"),
    "rank_up": ("排名上升", "Rank up"),
    "rank_same": ("排名不变", "Unchanged"),
    "rank_down": ("排名下降", "Rank down"),
    "chart_rank_change": ("排名变化（官方 → 模拟）", "Rank change (official → scenario)"),
    "slope_position": ("图中位置", "place in the chart"),
    "chart_rank_movers": (" · 排名变化最大的 {shown} 个单位（共 {total} 个）",
                          " · the {shown} units whose rank moves most (of {total})"),
    "chart_leaf_weights": ("末级指标有效权重", "Effective leaf weights"),
    "compare_table": ("各单位得分、排名与评级对比", "Scores, ranks and ratings compared"),
    "live_rows": ("按模拟排名显示前 {shown} 个单位（共 {total} 个）；全部单位见下方完整对比表。",
                  "The first {shown} units by scenario rank (of {total}); every unit is in the full table below."),
    "full_table": ("完整对比表（可排序、搜索、下载 CSV）", "Full comparison table (sort, search, download CSV)"),
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
                            "Rank range (5–95 %; dot median, red official)"),
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
    "rob_ranks_skipped": ("该层级有 {size:,} 个单位，超过排名统计的上限（{limit:,} 个）：下面只统计评级的概率，不计算排名区间。",
                          "This tier has {size:,} units, more than rank statistics cover ({limit:,}): only the rating probabilities are counted, not rank intervals."),
    "rob_pairs_skipped": ("该层级有 {size:,} 个单位（约 {pairs:,} 对），超过逐对分析的上限（{limit:,} 个单位），不做逐对比较。",
                          "This tier has {size:,} units (about {pairs:,} pairs), more than the pairwise analysis covers ({limit:,} units): no pairwise comparison."),
    "rob_chart_subset": ("图中为评级保持概率最低的 {shown} 个单位（共 {total:,} 个）。",
                         "The charts show the {shown} units whose rating is least likely to hold (of {total:,})."),
    "more_units": ("等 {count:,} 个单位", " ({count:,} in all)"),
    "rob_stable": ("评级稳定（≥95% 概率保持）：{units}", "Stable ratings (kept with ≥95 % probability): {units}"),
    "rob_unstable": ("评级不稳定（保持概率 <80%）：{units}", "Fragile ratings (kept with <80 % probability): {units}"),
    "up": ("上调", "Up"),
    "down": ("下调", "Down"),
    "winner": ("领先单位", "Ahead"),
    "loser": ("落后单位", "Behind"),
    "min_margin": ("最小分差", "Smallest margin"),
    "store_unavailable": ("方案库暂不可用：{error}", "The scenario store is unavailable: {error}"),
    # slides and presentation mode
    "msg_headline": ("综合得分 {score}，评级“{rating}”", "Total score {score}, rated {rating}"),
    "msg_weakest": ("{name} {value}，低于目标 {target}，为最弱一项", "{name} {value} is below its {target} target, the weakest figure"),
    "msg_weakest_mark": ("（低于目标 {target}，为最弱一项）", " (below its {target} target: the weakest figure)"),
    "weakest_delta": ("{gap} 个百分点", "{gap} pts"),
    "weakest_help": ("低于目标 {target}。目标说明：到位率与执行率以 100% 为目标，满意度以 90% 为目标。",
                     "Below its {target} target. Targets: 100 % for the arrival and execution rates, 90 % for satisfaction."),
    "def_arrival_budget": ("到位资金÷预算资金", "funds received ÷ budget"),
    "def_arrival_plan": ("到位资金÷计划投入资金", "funds received ÷ planned funds"),
    "def_execution_arrived": ("实际支出÷实际到位", "spent ÷ received"),
    "def_execution_adjusted_budget": ("执行数÷调整后预算数", "executed ÷ adjusted budget"),
    "def_satisfaction_satisfied": ("满意÷有效样本", "satisfied ÷ valid responses"),
    "def_satisfaction_satisfied_or_basic": ("(满意+基本满意)÷有效样本", "(satisfied + mostly satisfied) ÷ valid responses"),
    "msg_headline_rates": ("资金到位率 {arrival}，预算执行率 {execution}",
                           "funds received {arrival}, budget execution {execution}"),
    "msg_ranking": ("{top}得分最高（{top_score}），{bottom}最低（{bottom_score}）",
                    "{top} scores highest ({top_score}), {bottom} lowest ({bottom_score})"),
    "msg_ranking_bands": ("{counts}", "{counts}"),
    "band_count": ("{label} {count} 个", "{count} × {label}"),
    "msg_budget_below": ("预算执行率 {rate}，{count} 个地区低于整体水平：{units}",
                         "Budget execution is {rate}; {count} below the overall rate: {units}"),
    "msg_budget_ok": ("预算执行率 {rate}，各地区均不低于整体水平", "Budget execution is {rate}; no unit is below the overall rate"),
    "msg_categories": ("完成项目 {total} 个，{top}最多（{count} 个，占 {share}）",
                       "{total} projects completed; most in {top} ({count}, {share})"),
    "msg_categories_out": ("规定范围外 {count} 个", "{count} outside the allowed categories"),
    "msg_satisfaction": ("总体满意度 {rate}，{group}最低（{low}）", "Overall satisfaction {rate}; lowest among {group} ({low})"),
    "msg_satisfaction_part": ("经常参与率 {rate}", "frequent participation {rate}"),
    "msg_findings": ("发现问题 {total} 项：{parts}", "{total} finding(s): {parts}"),
    "findings_part": ("{status} {count} 项", "{count} {status}"),
    "status_mark": ("【{status}】", "[{status}] "),
    "msg_scenario_score": ("模拟方案下项目综合得分 {before} → {after}", "Project score {before} → {after} under the scenario"),
    "msg_scenario_changes": ("{count} 个单位评级变化", "rating changes for {count} unit(s)"),
    "msg_scenario_none": ("各单位评级不变", "no unit changes rating"),
    "msg_scenario_ranks": ("{count} 个单位排名变化", "rank changes for {count} unit(s)"),
    "official_score": ("官方得分", "Official score"),
    "scenario_score": ("模拟得分", "Scenario score"),
    "official_rating": ("官方评级", "Official rating"),
    "scenario_rating": ("模拟评级", "Scenario rating"),
    "scenario_weights": ("模拟权重：{weights}", "Scenario weights: {weights}"),
    "scenario_bands": ("评级档次：{bands}", "Rating bands: {bands}"),
    "out_of_scope_list": ("{mark} 规定范围外：{items}", "{mark} Outside the allowed categories: {items}"),
    "arrival_short": ("资金到位率未达 100% 的地区：{units}", "Funds received below 100 %: {units}"),
    "and_more": ("等", " and more"),
    "sep": ("；", "; "),
    "list_sep": ("、", ", "),
    "colon": ("：", ": "),
    "units_count": ("{count} 个", "{count}"),
    # the what-if workbook (export_xlsx.py)
    "seq": ("序号", "No."),
    "code": ("代码", "Code"),
    "name": ("名称", "Name"),
    "level": ("层级", "Level"),
    "parent_code": ("上级代码", "Parent code"),
    "parent_seq": ("上级序号", "Parent no."),
    "level1_code": ("所属一级指标", "Level-1 indicator"),
    "official_points": ("官方分值", "Official points"),
    "scenario_points": ("方案分值（可修改）", "Scenario points (input)"),
    "children_sum": ("下级方案分值合计", "Sum of children's scenario points"),
    "effective_points": ("有效分值", "Effective points"),
    "change": ("变化", "Change"),
    "level1_total": ("一级指标合计", "Level-1 total"),
    "band": ("评级", "Rating"),
    "band_lower": ("下限（≥，可修改）", "Lower bound (≥, input)"),
    "below_all": ("（以下）", "(below)"),
    "depth": ("深度", "Depth"),
    "group_index": ("一级指标序号", "Level-1 no."),
    "total_rounded": ("综合得分（两位）", "Total (2 dp)"),
    "weights_title": ("指标权重（方案分值为输入单元格）", "Indicator weights (scenario points are inputs)"),
    "scores_title": ("评分表（得分率为数据，得分、排名、评级为公式）",
                     "Score sheet (rates are data; points, rank and rating are formulas)"),
    "budget_title": ("资金执行（万元）", "Budget execution (10k yuan)"),
    "categories_title": ("项目分类", "Project categories"),
    "scenario_title": ("模拟方案", "What-if scenario"),
    "by_unit": ("按地区", "By district"),
    "by_level": ("按资金层级", "By funding level"),
    "total_row": ("合计", "Total"),
    "listed_total": ("合计（所列单位）", "Total (listed units)"),
    "plan": ("计划投入", "Planned"),
    "adjusted_budget": ("调整后预算", "Adjusted budget"),
    "count_share": ("数量占比", "Share of projects"),
    "amount_share": ("金额占比", "Share of amount"),
    "by_category": ("按类别", "By category"),
    "counts_by_district": ("项目数（地区 × 类别）", "Projects (district × category)"),
    "amounts_by_district": ("金额（万元，地区 × 类别）", "Amount (10k yuan, district × category)"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "weights_given": ("给定权重", "Weights given"),
    "key_given": ("输入的指标", "Indicator as given"),
    "points_given": ("给定分值", "Points given"),
    "mode_label": ("调整方式", "Adjustment mode"),
    "mode_none": ("无（官方权重）", "none (official weights)"),
    "mode_renormalise": ("renormalise：改动指标的同级指标按比例吸收差额，上级分值不变",
                         "renormalise: the changed indicator's siblings absorb the difference, the parent keeps its points"),
    "mode_retotal": ("retotal：上级分值随下级合计变化，最后整体折算为满分",
                     "retotal: parents become the sum of their children, then everything is rescaled to the full score"),
    "bands_given": ("评级标准", "Rating bands"),
    "project_score": ("项目综合得分", "Project score"),
    "official_total": ("官方得分", "Official score"),

    "scenario_total": ("方案得分（公式）", "Scenario score (formula)"),
    "formula_scenario_rating": ("方案评级（公式）", "Scenario rating (formula)"),
    "scenario_rank": ("方案排名（公式）", "Scenario rank (formula)"),
    "level1_compare": ("一级指标权重：官方与方案", "Level-1 weights: official and scenario"),
    "units_compare": ("各单位：官方与方案", "Every unit: official and scenario"),
    "live_note": ("方案得分、评级随“{weights}”表中的方案分值与评级下限自动重算（在 Excel / LibreOffice 中）。",
                  "Scenario scores and ratings recalculate from the inputs on the '{weights}' sheet (in Excel / LibreOffice)."),
    "definitions_note": ("口径：资金到位率 = {arrival}；预算执行率 = {execution}。金额单位：万元。",
                         "Definitions: funds received rate = {arrival}; execution rate = {execution}. Amounts in 10k yuan."),
    "inconsistent_note": ("注意：官方分值中存在上级分值不等于其下级分值之和的情况；表中公式按上级分值重新分配下级分值，"
                          "重算后的有效分值可能与导出时的数值不同。",
                          "Note: some official parent points differ from the sum of their children; the formulas "
                          "re-spread the children to fill the parent, so recalculated values can differ from the export."),
    # data page
    "data_upload": ("上传评价工作簿或表格（.xlsx / .xlsm / .xls / .csv / .docx，可多选，或一个 .zip）",
                    "Upload evaluation workbooks or forms (.xlsx / .xlsm / .xls / .csv / .docx; several, or one .zip)"),
    "data_combine": ("多个文件合并为一个项目组合（每个文件一个项目，按主管部门分组）",
                     "Combine several files into one portfolio (a project per file, grouped by department)"),
    "data_combine_help": ("适用于一批项目支出绩效自评表；不勾选时每个文件单独加入工作簿库。",
                          "For a batch of project self-evaluation forms; unticked, each file joins the library on its own."),
    "data_portfolio_name": ("项目组合（{count} 个文件）", "Portfolio ({count} files)"),
    "data_blank": ("{name} 是一张空白表：读出了指标体系（{count} 个指标），但没有任何得分，无法评分。",
                   "{name} is a blank form: its indicator system ({count} indicators) was read, but nothing is scored."),
    "data_prefilled": ("下载预填了这套指标的评价模板", "Download our template pre-filled with these indicators"),
    "data_tree": ("指标体系（按读取结果）", "Indicator system (as read)"),
    "data_tree_help": ("核对表格是如何被读取的：代码、名称、层级与分值。名称中的分值已移到分值列。",
                       "Check how the table was read: codes, names, levels and points (points printed in names "
                       "are moved to the points column)."),
    "data_tree_of": ("{title} 的指标体系", "Indicator system of {title}"),
    "data_col_code": ("代码", "Code"),
    "data_col_name": ("指标名称", "Indicator"),
    "data_col_level": ("层级", "Level"),
    "data_col_parent": ("上级", "Parent"),
    "data_col_points": ("分值", "Points"),
    "data_col_target": ("年度指标值", "Target"),
    "data_col_source": ("位置", "Source"),
    "data_accepted": ("已加入工作簿库：{name}（{layout}）", "Added to the library: {name} ({layout})"),
    "data_rejected": ("未加载 {name}：发现 {count} 个错误，已加载的数据保持不变。", "{name} was not loaded: {count} error(s); what was loaded is unchanged."),
    "data_report": ("校验报告：{name}", "Validation report: {name}"),
    "data_severity": ("级别", "Severity"),
    "data_location": ("位置", "Location"),
    "data_message": ("说明", "Message"),
    "data_library": ("工作簿库", "Library"),
    "data_file": ("文件", "File"),
    "data_kind": ("来源", "Source"),
    "data_bundled": ("内置示例", "bundled sample"),
    "data_uploaded": ("已上传", "uploaded"),
    "data_remove": ("移除", "Remove"),
    "data_removed": ("已移除 {name}", "Removed {name}"),
    "data_template": ("下载空白模板", "Download the blank template"),
    "data_samples": ("下载示例", "Download samples"),
    "data_format_help": ("模板各工作表与列的说明见“填写说明”工作表（下载空白模板）；也可直接上传评价报告中的评分表、"
                         "项目支出绩效自评表、指标得分情况表（Excel 或 Word）。",
                         "The blank template's first sheet explains its sheets and columns; score "
                         "tables, project self-evaluation forms and coded score lists from reports (Excel or Word) load too."),
    "data_viewer_note": ("当前角色只能浏览；上传工作簿需要编辑者权限。", "Your role can browse only; uploading needs the editor role."),
    "data_entry_missing": ("工作簿 {name} 已不在文件库中（文件被移走或删除），其余评价不受影响。",
                           "Workbook {name} is no longer in the library (the file was moved or deleted); other evaluations are unaffected."),
    "official_adopted": ("官方权重已调整为方案“{name}”（{who}，{at}）；工作簿原权重可在权重模拟页的方案区恢复。",
                         "The official weights are scenario \u201c{name}\u201d ({who}, {at}); the workbook's own weights can be restored in the what-if page's scenarios."),
    "set_official": ("设为官方", "Make official"),
    "set_official_help": ("把该方案的权重和等级阈值作为本评价的官方权重，所有页面、排名、评级和导出随之更新。",
                          "Make this scenario's weights and bands the evaluation's official ones: every page, rank, rating and export follows."),
    "clear_official": ("恢复工作簿权重", "Restore the workbook's weights"),
    "official_set": ("已将“{name}”设为官方权重", "\u201c{name}\u201d is now the official weighting"),
    "official_cleared": ("已恢复工作簿中的官方权重", "The workbook's own weights are official again"),
    "slide_ends": ("共 {total} 个单位，此页显示前 {n} 名和后 {n} 名", "{total} units: the first {n} and the last {n} are shown"),
    # sign-in and permissions
    "auth_sign_in_help": ("本看板的数据不公开，请先登录。", "This dashboard's data is not public: please sign in."),
    "auth_username": ("用户名", "User name"),
    "auth_password": ("密码", "Password"),
    "auth_sign_in": ("登录", "Sign in"),
    "auth_sign_in_oidc": ("通过单位统一身份认证登录", "Sign in with your organisation's identity provider"),
    "auth_wrong_password": ("用户名或密码错误", "Wrong user name or password"),
    "auth_not_registered": ("{email} 未获授权使用本看板，请联系管理员。", "{email} is not authorised to use this dashboard; ask an administrator."),
    "auth_signed_in_as": ("已登录：{name}（{role}）", "Signed in: {name} ({role})"),
    "auth_sign_out": ("退出登录", "Sign out"),
    "auth_forbidden": ("当前角色无权进行此操作。", "Your role is not allowed to do this."),
    "auth_viewer_whatif": ("当前角色可以试算权重，但不能保存、重命名或删除方案。",
                           "Your role can try weights but not save, rename or delete scenarios."),
    "page_admin": ("用户与日志", "Users and log"),
    "help_admin": ("管理用户与角色，查看谁在何时上传、保存或删除了什么。", "Manage users and roles; see who uploaded, saved or deleted what, and when."),
    "admin_users": ("用户", "Users"),
    "admin_display": ("姓名", "Name"),
    "admin_role": ("角色", "Role"),
    "admin_kind": ("登录方式", "Sign-in"),
    "admin_kind_password": ("密码", "password"),
    "admin_kind_oidc": ("统一身份认证", "identity provider"),
    "admin_add": ("添加用户", "Add a user"),
    "admin_oidc_only": ("仅统一身份认证（不设密码，用户名填邮箱）", "Identity provider only (no password; the user name is the e-mail)"),
    "admin_added": ("已添加用户 {name}", "Added {name}"),
    "admin_change": ("修改", "Change"),
    "admin_user": ("用户", "User"),
    "admin_new_password": ("新密码（留空则不修改）", "New password (blank: unchanged)"),
    "admin_apply": ("保存修改", "Apply"),
    "admin_remove_user": ("删除该用户", "Remove this user"),
    "admin_changed": ("已更新用户 {name}", "Updated {name}"),
    "admin_removed": ("已删除用户 {name}", "Removed {name}"),
    "admin_audit": ("操作日志", "Audit log"),
    "admin_audit_at": ("时间", "Time"),
    "admin_audit_actor": ("操作人", "Who"),
    "admin_audit_action": ("操作", "Action"),
    "admin_audit_target": ("对象", "What"),
    "admin_audit_detail": ("详情", "Detail"),
    "admin_audit_empty": ("暂无记录。", "Nothing recorded yet."),
    "admin_auth_off": ("未开启登录（PERFEVAL_AUTH=off）：所有访问者都是本机用户。开启方法见 README 的“安全”一节。",
                       "Sign-in is off (PERFEVAL_AUTH=off): every visitor is the local user. See the README's Security section."),
    "admin_file": ("用户文件：{path}", "User file: {path}"),
    # presentation mode buttons
    "present_previous": ("上一页", "Previous"),
    # inline labels of pages
    "out_of_scope_item": ("{category}（{count} 项 · {amount}）", "{category} ({count} · {amount})"),
    "finding_note": ("说明", "Note"),
    "layout": ("表样", "Layout"),
    "portfolio_which": ("年度 · 地区 · 表样", "Year · region · layout"),
    "chart_portfolio": ("各评价综合得分", "Total score of each evaluation"),
    "file": ("文件", "File"),
    "portfolio_unscored": ("未计分（空白表或无得分）：{names}", "Not scored (a blank form or no scores): {names}"),
    "layout_template": ("工作簿", "workbook"),
    "layout_score_table": ("评分表", "score table"),
    "layout_self_evaluation": ("自评表", "self-evaluation"),
    "layout_code_list": ("得分情况表", "score list"),
    "layout_portfolio": ("项目组合", "portfolio"),
    "evaluation_help": ("当前：{label}", "Shown: {label}"),
    "year_prefix": ("{year}年 ", "{year} "),
    "present_next": ("下一页", "Next"),
    "present_exit": ("退出演示", "Exit presentation"),
    "present_more": ("……另有 {count} 条", "… and {count} more"),
    # exports (deck, PDF, HTML)
    "deck_subtitle": ("绩效评价结果", "Performance evaluation results"),
    "deck_scenario_note": ("含模拟方案对比", "Includes a what-if scenario"),
    "deck_year": ("{year}年", "{year}"),
    # the data page and the library
    "prefilled_file": ("{stem}_模板.xlsx", "{stem}_template.xlsx"),
    "library_import_author": ("导入旧版文件库", "imported from the old file library"),
    # weighting methods and 评价结果应用 (what-if page, deck, workbook)
    "methods_title": ("权重从哪里来：赋权方法对比", "Where weights could come from: weighting methods"),
    "methods_help": ("等权、熵权（得分率差异越大权重越大）、CRITIC（差异大且与其他指标相关性低的权重大）、"
                     "层次分析法（按两两重要性判断）；数据方法用最底层 {units} 个被评价单位的得分率。",
                     "Equal; entropy (the more the score rates differ, the more weight); CRITIC (differing and "
                     "little correlated with the others: more weight); AHP (from pairwise judgements). The data "
                     "methods use the score rates of the {units} units of the deepest tier."),
    "method_official": ("官方权重", "Official"),
    "method_equal": ("等权", "Equal"),
    "method_entropy": ("熵权法", "Entropy"),
    "method_critic": ("CRITIC 法", "CRITIC"),
    "method_ahp": ("层次分析法（AHP）", "AHP"),
    "method": ("方法", "Method"),
    "method_ranks": ("名次变化单位数", "Units changing rank"),
    "method_ratings": ("评级变化单位数", "Units changing band"),
    "method_rules": ("10号权重规则", "Weight rules (No. 10)"),
    "method_rules_ok": ("符合", "met"),
    "method_rules_warn": ("{count} 条提示", "{count} warning(s)"),
    "method_try": ("试用此权重", "Try these weights"),
    "method_tried": ("已将“{method}”的权重放到滑块上", "The {method} weights are on the sliders"),
    "ahp_editor": ("层次分析法：两两比较", "AHP: pairwise judgements"),
    "ahp_editor_help": ("每一行：左边指标比右边重要多少（1 同等，3 稍重要，5 明显重要，7 强烈重要，9 极端重要；"
                        "1/3 等为反过来）。", "Each row: how much more important the left indicator is than the "
                        "right one (1 equal, 3 moderately, 5 strongly, 7 very strongly, 9 extremely; 1/3 etc. the "
                        "other way round)."),
    "ahp_cr": ("一致性比率 CR = {cr}（≤ 0.10 可接受）", "Consistency ratio CR = {cr} (≤ 0.10 is acceptable)"),
    "consequences_title": ("评价结果应用：评级对下年预算的影响", "What a rating costs: next year's budget"),
    "consequences_rules": ("结果应用规则（下年预算调整）", "Budget rules per band (next year)"),
    "consequences_rule": ("{label} 调整（%）", "{label} change (%)"),
    "consequences_moved": ("按此权重，{units} 个单位评级改变，较官方权重调动 {moved}（净变化 {net}）。",
                           "This weighting changes the band of {units} unit(s) and moves {moved} against the "
                           "official weights (net {net})."),
    "consequences_none": ("按此权重，没有单位的评级和预算调整发生变化。",
                          "Under this weighting no unit's band or budget change differs from the official one."),
    "consequences_total": ("下年预算合计调整 {total}（官方权重 {official}）",
                           "Total change of next year's budget {total} (official weights {official})"),
    "consequences_no_budget": ("工作簿没有最底层被评价单位的预算，无法计算结果应用。",
                               "The workbook gives no budget for the units of the deepest tier: nothing to apply."),
    "budget_wan_unit": ("预算（万元）", "Budget (10k yuan)"),
    "budget_change": ("调整（万元）", "Change (10k yuan)"),
    "next_budget": ("下年预算（万元）", "Next year (10k yuan)"),
    "official_change": ("官方权重调整", "Change, official"),
    "scenario_change": ("方案调整", "Change, scenario"),
    "moved": ("差额", "Difference"),
    "msg_consequences": ("按结果应用规则，下年预算合计调整 {total}；{changed}",
                         "Under the budget rules next year's budget changes by {total} in all; {changed}"),
    "msg_consequences_moved": ("此权重方案较官方权重调动 {moved}，{units} 个单位评级改变",
                               "this weighting moves {moved} against the official one, {units} unit(s) change band"),
    "msg_consequences_same": ("与官方权重相同", "the same as under the official weights"),
    "consequences_rule_line": ("规则：{rules}", "Rules: {rules}"),
    "consequences_kpi": ("下年预算合计调整", "Next year's total change"),
    "msg_methods": ("与官方权重相比，评级改变最多的赋权方法是{method}（{count} 个单位）",
                    "Against the official weights, {method} changes the band of the most units ({count})"),
    "consequences_more": ("列出变动最大的 {shown} 个单位，另有 {count} 个单位见导出的工作簿（“结果应用”表）。",
                          "The {shown} units with the largest moves; {count} more are in the exported workbook "
                          "(the Consequences sheet)."),
    "xlsx_sheet_consequences": ("结果应用", "Consequences"),
    "xlsx_consequences_note": (
        "下年预算调整 = 预算 × 该单位评级对应的调整比例（右侧规则，可修改）；评级取自“{scores}”表的评级公式，"
        "修改权重、评级下限或调整比例后自动重算。单位为最底层被评价单位（预算含其下属单位）。",
        "Next year's change = budget × the change for the unit's band (the rules on the right, editable); the "
        "band is the rating formula of the '{scores}' sheet, so everything recalculates when the weights, the "
        "band bounds or the rules change. Units: the scored units of the deepest tier (a budget includes the "
        "units below)."),
    # targets and actuals (目标完成 page, deck)
    "tg_met": ("达成", "Met"),
    "tg_partly": ("部分达成", "Partly met"),
    "tg_missed": ("未达成", "Missed"),
    "tg_unknown": ("无法判断", "Cannot tell"),
    "tg_too_easy": ("目标偏低", "Too easy"),
    "tg_unmeasurable": ("目标无法衡量", "Unmeasurable"),
    "tg_thresholds": ("完成率 = 实际 ÷ 目标（“≤”类目标为 目标 ÷ 实际）。达成：≥ {met}；部分达成：≥ {partly}；未达成：< {partly}；"
                      "目标偏低：实际超出目标 {easy} 及以上；无法衡量：目标没有数值。",
                      "Completion = actual ÷ target (target ÷ actual for '≤' targets). Met: ≥ {met}; partly met: ≥ "
                      "{partly}; missed: < {partly}; too easy: the actual beats the target by {easy} or more; not "
                      "measurable: the target has no number."),
    "tg_101": ("财预〔2021〕101号要求绩效目标既不能偏低、也要可衡量：偏低的目标应按实际能力调高，无数值的目标应改为可量化的指标值。",
               "The Ministry of Finance's Cai Yu [2021] No. 101 asks for targets that are neither too low nor unmeasurable: raise a "
               "target met by a mile to what the project can do, and give an unmeasurable one a number."),
    "tg_none": ("本评价没有年度指标值与实际完成值（自评表的“年度指标值 / 实际完成值”列，或模板“指标体系”的“目标值”与“评分”的“实际值”列）。",
                "This evaluation has no targets and actuals (the target and actual columns of a self-evaluation form, or "
                "the template's target column on the indicator sheet and actual column on the score sheet)."),
    "tg_target": ("年度指标值", "Target"),
    "tg_actual": ("实际完成值", "Actual"),
    "tg_completion": ("完成率", "Completion"),
    "tg_light": ("完成情况", "Status"),
    "tg_deviation": ("偏差原因", "Reason for the gap"),
    "tg_flags": ("提示", "Flags"),
    "tg_portfolio": ("各评价的目标完成情况", "Targets across the loaded evaluations"),
    "tg_evaluation": ("评价", "Evaluation"),
    "tg_indicators": ("有目标的指标", "With a target"),
    "tg_full_marks_title": ("连续满分的指标", "Full marks year after year"),
    "tg_full_marks_help": ("同一项目已载入 {years} 个或以上年度的评价，下列指标在每个年度所有单位都得满分，已不能区分好坏，目标可能偏低。",
                           "The same project is loaded for {years} or more years, and every unit scored full marks on these "
                           "indicators every year: they no longer tell units apart, and their targets may be too easy."),
    "tg_years": ("年度", "Years"),
    # self-evaluation against evaluation (项目对比 page, CLI, workbook)
    "gap_title": ("自评与评价得分差异", "Self-evaluation against evaluation"),
    "gap_help": ("同一项目同一年度既有单位自评又有部门或财政评价时，按一级指标列出自评得分减评价得分；差异越大，越值得列入重点评价。",
                 "Where a project has both a self-evaluation and a department or finance evaluation of the same year, "
                 "the self-evaluation's points minus the evaluation's, per level-1 indicator; the larger the gap, the "
                 "stronger the case for an in-depth evaluation."),
    "gap_none": ("尚无可对比的评价：请载入同一项目同一年度的单位自评表和部门/财政评价评分表。",
                 "Nothing to compare yet: load a self-evaluation and a department or finance evaluation of the same "
                 "project and year."),
    "gap_pair": ("{year} {project}：自评 {self_total} 分，{mode} {evaluation_total} 分，差 {gap} 分",
                 "{year} {project}: self-evaluation {self_total}, {mode} {evaluation_total}, gap {gap}"),
    "evmode_self": ("单位自评", "unit self-evaluation"),
    "evmode_department": ("部门评价", "department evaluation"),
    "evmode_finance": ("财政评价", "finance evaluation"),
    "gap_self": ("自评得分", "Self-evaluation"),
    "gap_evaluation": ("评价得分", "Evaluation"),
    "gap_gap": ("差异（自评 − 评价）", "Gap (self − evaluation)"),
    "gap_total": ("总分", "Total"),
    "gap_download": ("下载差异清单（Excel）", "Download the gap list (Excel)"),
    "xlsx_sheet_gaps": ("自评与评价差异", "Self vs evaluation"),
    "xlsx_sheet_methods": ("赋权方法", "Weighting methods"),
    "xlsx_sheet_targets": ("目标完成", "Targets"),
    "xlsx_methods_note": ("各赋权方法按本表得分率矩阵计算的一级指标分值（合计等于官方总分），以及按该分值重算后评级变化的单位数和10号文规则检查；"
                          "公式与出处见 docs/methods.md。",
                          "The level-1 points each weighting method gives on this workbook's score-rate matrix (summing "
                          "to the official total), how many units change band under them, and the No. 10 rule checks; "
                          "formulas and sources in docs/methods.md."),
    "msg_targets": ("{total} 项指标目标中，{met} 项达成、{partly} 项部分达成、{missed} 项未达成；{easy} 项目标偏低，{unmeasurable} 项无法衡量",
                    "Of {total} targets, {met} met, {partly} partly met, {missed} missed; {easy} too easy, {unmeasurable} not measurable"),
    # the workbook export: sheet names and the notes above its tables
    "xlsx_sheet_weights": ('权重', 'Weights'),
    "xlsx_sheet_scores": ('评分表', 'Scores'),
    "xlsx_sheet_budget": ('资金', 'Budget'),
    "xlsx_sheet_categories": ('项目分类', 'Categories'),
    "xlsx_sheet_scenario": ('方案', 'Scenario'),
    "xlsx_consequences_title": ("评价结果应用：下年预算调整", "Consequences: next year's budget"),
    "xlsx_rule_band": ("评级", "Band"),
    "xlsx_rule_rate": ("调整比例", "Change"),
    "xlsx_rules": ("调整规则（可修改）", "Rules (editable)"),
    "xlsx_sum": ("合计", "Total"),
    "xlsx_weights_note": (
        '有效分值公式（权重是相对的）：一级指标有效分值 = 方案分值 × 满分（{total:g}）÷ 全部一级指标方案分值之和（“{l1}”行）；下级指标有效分值 = 方案分值 ÷ 同一上级下各指标方案分值之和（上级行“{children}”列）× 上级有效分值。因此末级有效分值 = 末级方案分值 × （一级方案分值 ÷ 该一级下末级方案分值之和）× （{total:g} ÷ 一级方案分值之和）（各上级方案分值等于其下级之和时）。修改一级指标的方案分值：其下级按原比例缩放，各一级指标按比例折算，合计始终为 {total:g}，与看板中以全部一级指标分值为方案、renormalise 方式的评分一致。评级：综合得分保留两位小数后与右侧下限比较（≥ 下限即达到该档）。',
        "Effective points (weights are relative): a level-1 indicator's effective points = its scenario points × the full score ({total:g}) ÷ the sum of all level-1 scenario points (row '{l1}'); any other indicator's effective points = its scenario points ÷ the sum of the scenario points of its parent's children (column '{children}' of the parent's row) × the parent's effective points. So a leaf's effective points = its scenario points × (level-1 scenario points ÷ sum of that level-1 indicator's leaves' scenario points) × ({total:g} ÷ sum of level-1 scenario points) when every parent's scenario points equal the sum of its children's. Changing a level-1 weight rescales its children in proportion; the total always stays {total:g}, as the dashboard scores a scenario giving every level-1 weight in renormalise mode. Ratings compare the total rounded to 2 decimals with the lower bounds on the right (≥ bound reaches the band).",
    ),
    "xlsx_scores_note": (
        '一级指标得分 = SUMPRODUCT(本行得分率, 第 {w} 行有效分值, --(第 {g} 行一级指标序号 = 该列序号))；综合得分 = 各一级指标得分之和；排名 = 1 + 同一深度中综合得分（保留两位）严格更高的单位数（COUNTIFS，并列同名次）；评级 = 按“{weights}”表评级下限嵌套 IF（ROUND(综合得分,2)）。修改“{weights}”表中的方案分值或评级下限后自动重算。',
        "Level-1 points = SUMPRODUCT(the row's rates, effective points in row {w}, --(level-1 no. in row {g} = the column's no.)); total = sum of the level-1 points; rank = 1 + number of units of the same depth with a strictly higher total rounded to 2 decimals (COUNTIFS; ties share a rank); rating = nested IF on ROUND(total, 2) against the bounds on the '{weights}' sheet. Everything recalculates when the scenario points or bounds there change.",
    ),
}

# each language named in itself (the language switch)
LANG_NAMES = {"zh": "中文", "en": "English"}


# 整改 statuses as the workbook writes them (template_spec's choices), and as the English UI says them
FINDING_STATUSES = ("未整改", "整改中", "已整改")
_STATUS_EN = {"未整改": "Not rectified", "整改中": "Being rectified", "已整改": "Rectified"}


def status_label(status: str, lang: str = "zh") -> str:
    """A finding's 整改 status for display (other texts a workbook uses are shown as written)."""
    return _STATUS_EN.get(status, status) if lang == "en" else status


# Streamlit's own interface strings (its frontend speaks English only), as the Chinese UI shows
# them: whole texts, and patterns (JavaScript regular expressions) for texts with a number in
# them. dashboard/chrome.js applies them in the browser.
STREAMLIT_ZH: dict[str, str] = {
    "Upload": "上传", "Browse files": "选择文件", "Drag and drop file here": "将文件拖放到此处",
    "Drag and drop files here": "将文件拖放到此处", "Drag and drop a file here": "将文件拖放到此处",
    "Drag and drop directories here": "将文件夹拖放到此处",
    "Page not found": "页面不存在",
    "The page that you have requested does not seem to exist. Running the app's main page.":
        "所请求的页面不存在，已打开首页。",
    "Choose an option": "请选择", "Choose options": "请选择", "Choose or add an option": "请选择或输入",
    "No results": "无匹配项", "View less": "收起",
    "Press Enter to apply": "按回车键确认", "Press Ctrl+Enter to apply": "按 Ctrl+回车 确认",
    "Press Enter to submit form": "按回车键提交", "Press Enter to submit": "按回车键提交",
    "Download as CSV": "下载 CSV", "Search": "搜索", "Fullscreen": "全屏", "Close fullscreen": "退出全屏",
    "Show/hide columns": "显示/隐藏列", "Clear search": "清除搜索", "Close": "关闭", "Clear all": "全部清除",
    "Clear value": "清除", "Remove": "移除", "Delete": "删除", "Running...": "运行中…", "Stop": "停止",
    "Connecting": "正在连接", "Please wait...": "请稍候…", "Copy to clipboard": "复制",
    "Expand sidebar": "展开侧栏", "Collapse sidebar": "收起侧栏", "Increment": "增加", "Decrement": "减少",
    "Open": "打开", "Select all": "全选", "Deselect all": "全不选",
}
STREAMLIT_ZH_PATTERNS: list[tuple[str, str]] = [
    (r"^View (\d+) more$", "展开其余 $1 项"),
    (r"^(?:Limit )?(\d+(?:\.\d+)?\s*[KMG]?B) per file(.*)$", "单个文件不超过 $1$2"),
]


EVALUATION_MODES = {"单位自评": "evmode_self", "部门评价": "evmode_department", "财政评价": "evmode_finance"}


def mode_name(mode: str, lang: str = "zh") -> str:
    """单位自评 / 部门评价 / 财政评价 as the UI's language says it (any other text as it is)."""
    key = EVALUATION_MODES.get(mode)
    return t(key, lang) if key else mode


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


def half_up(value: float, digits: int = 2) -> Decimal:
    """``value`` rounded half up at ``digits`` decimals, as the reports round (72.735 → 72.74), by
    the one rule of ``model.rating`` (so a figure shown and the band it is rated in agree)."""
    return Decimal(int(scaled(float(value), digits))).scaleb(-digits)


def half_up_array(values: object, digits: int = 2) -> object:
    """``half_up`` for an array or Series (vectorised, ``model.rating.rounded``)."""
    out = rounded(values, digits)
    if hasattr(values, "index"):  # a Series stays a Series
        return type(values)(out, index=values.index, name=getattr(values, "name", None))  # type: ignore[call-arg,attr-defined]
    return out


def _missing(value: object) -> bool:
    return not isinstance(value, numbers.Real) or not math.isfinite(float(value))


def fmt_number(value: float | None, digits: int = 2) -> str:
    """Thousands separated, up to ``digits`` decimals, no trailing zeros: 15,780 · 8,187.5."""
    if _missing(value):
        return "—"
    text = f"{half_up(value, digits):,.{digits}f}"  # type: ignore[arg-type]
    return text.rstrip("0").rstrip(".") if "." in text else text


def fmt_amount(value: float | None, digits: int = 2, thousands: bool = True) -> str:
    """``digits`` decimals always (a table's column of amounts): 3,046.42 · 13.75."""
    if _missing(value):
        return "—"
    return f"{half_up(value, digits):{',' if thousands else ''}.{digits}f}"  # type: ignore[arg-type]


def fmt_wan(value: float | None, lang: str = "zh") -> str:
    if _missing(value):
        return "—"
    digits = 0 if abs(value - round(value)) < 1e-9 else 2  # type: ignore[operator,arg-type]
    return f"{half_up(value, digits):,.{digits}f} " + ("万元" if lang == "zh" else "×10k yuan")  # type: ignore[arg-type]


def fmt_pct(value: float | None, digits: int = 2) -> str:
    if _missing(value):
        return "—"
    return f"{half_up(value, digits + 2).scaleb(2):.{digits}f}%"  # type: ignore[arg-type]


def fmt_score(value: float | None) -> str:
    if _missing(value):
        return "—"
    return f"{half_up(value, 2):.2f}"  # type: ignore[arg-type]


LIST_LIMIT = 30  # units named in one message on a page; a tier of thousands is summarised


def paren(inner: object, lang: str = "zh") -> str:
    """``inner`` in the language's brackets: （…） in Chinese, " (…)" in English."""
    return f"（{inner}）" if lang == "zh" else f" ({inner})"


def join_list(items: list[str], lang: str = "zh", limit: int | None = None, more: str = "and_more",
              total: int | None = None) -> str:
    """Items joined with the language's list separator; past ``limit`` items, the first ones and
    the ``more`` text (given ``count``, the number of items in all). ``total``: that number when
    ``items`` are already only the first ones (a long list need not be formatted in full)."""
    sep = t("list_sep", lang)
    count = len(items) if total is None else total
    if limit is not None and count > limit:
        return sep.join(items[:limit]) + t(more, lang, count=count)
    return sep.join(items)
