"""The catalogue of validation messages, in Chinese and English.

Every message the loader can produce has a key here; an ``Issue`` stores the key and its
parameters, so the UI can render it in either language.
"""

from __future__ import annotations

from collections.abc import Mapping

MESSAGES: dict[str, tuple[str, str]] = {
    # file level
    "file_empty": ("文件为空（0 字节）", "The file is empty (0 bytes)"),
    "file_too_large": (
        "文件大小 {size_mb} MB 超过上限 {limit_mb} MB",
        "The file is {size_mb} MB, above the {limit_mb} MB limit",
    ),
    "unknown_format": (
        "无法识别的文件格式（{detail}）：请上传 .xlsx、.xlsm、.xls 或 .csv 文件",
        "Unrecognised file format ({detail}): upload an .xlsx, .xlsm, .xls or .csv file",
    ),
    "not_a_zip": (
        "文件扩展名为 {ext}，但内容不是有效的 Excel 文件（不是 zip 压缩包）",
        "The file is named {ext} but is not a valid Excel file (not a zip archive)",
    ),
    "zip_corrupt": (
        "Excel 文件已损坏或不完整（{detail}）",
        "The Excel file is damaged or truncated ({detail})",
    ),
    "password_protected": (
        "文件设置了打开密码（已加密），请在 Excel 中取消密码后再上传",
        "The file is password-protected (encrypted); remove the password in Excel and upload again",
    ),
    "zip_bomb": (
        "文件解压后过大（{part} 声明 {size_mb} MB，压缩比 {ratio}:1），为安全起见拒绝读取",
        "The file inflates too much ({part} declares {size_mb} MB, ratio {ratio}:1); refused for safety",
    ),
    "zip_too_many_entries": (
        "压缩包内文件过多（{count} 个），不是正常的 Excel 文件",
        "The archive holds too many entries ({count}); not a normal Excel file",
    ),
    "xml_entities": (
        "{part} 含有 XML 实体声明（DOCTYPE/ENTITY），可能是恶意文件，拒绝读取",
        "{part} declares XML entities (DOCTYPE/ENTITY); possibly hostile, refused",
    ),
    "sheet_too_large": (
        "工作表“{sheet}”范围 {ref} 过大（{rows} 行 × {cols} 列），超过上限 {max_cells} 个单元格",
        "Sheet '{sheet}' spans {ref} ({rows} rows × {cols} columns), above the {max_cells}-cell limit",
    ),
    "external_links": (
        "工作簿包含外部链接，外部数据不会被读取，仅使用文件中保存的值",
        "The workbook has external links; only the values saved in the file are used",
    ),
    "read_failed": ("无法读取文件：{detail}", "Could not read the file: {detail}"),
    "parse_limit": (
        "文件超出处理限制：读取“{file}”时{detail}，已停止读取（其他文件和其他用户不受影响）；"
        "请检查文件是否损坏，或在 Excel 中删除多余的行列、格式后另存再上传",
        "The file exceeds the processing limits: reading '{file}' needed {detail_en}, so reading "
        "stopped (other files and users are not affected); check that the file is not damaged, or "
        "delete surplus rows, columns and formatting in Excel, save it again and upload",
    ),
    "too_many_sheets": (
        "工作簿有 {count} 个工作表，超过上限 {limit} 个",
        "The workbook has {count} sheets, above the limit of {limit}",
    ),
    "workbook_too_large": (
        "各工作表的单元格区域合计 {cells} 个，超过上限 {limit} 个",
        "The sheets' cell areas add up to {cells} cells, above the limit of {limit}",
    ),
    "too_many_strings": (
        "共享字符串部件 {part} 有 {count} 条（或字节），超过上限 {limit}",
        "The shared-strings part {part} holds {count} entries (or bytes), above the limit of {limit}",
    ),
    "too_many_styles": (
        "样式部件 {part} 有 {count} 个单元格格式（或字节），超过上限 {limit}",
        "The styles part {part} holds {count} cell formats (or bytes), above the limit of {limit}",
    ),
    "too_many_merges": (
        "合并单元格区域 {count} 个，超过上限 {limit} 个",
        "{count} merged ranges, above the limit of {limit}",
    ),
    "merges_overlap": (
        "合并单元格区域相互重叠（合计 {area} 个单元格，而数据区域只有 {box} 个），请取消多余的合并后再上传",
        "The merged ranges overlap ({area} merged cells in a data area of {box}); unmerge the surplus and upload again",
    ),
    "csv_too_large": (
        "CSV 文件{what} {count} 超过上限 {limit}，请拆分或另存为 .xlsx",
        "The CSV file's {what_en} {count} exceed the limit of {limit}; split it or save it as .xlsx",
    ),
    "parse_busy": (
        "服务器正忙（同时读取的文件过多），请稍后再上传",
        "The server is busy reading other files; upload again in a moment",
    ),
    "csv_encoding": (
        "CSV 文件编码无法识别：请另存为 UTF-8 或 GBK 编码",
        "The CSV encoding is not recognised: save it as UTF-8 or GBK",
    ),
    "csv_malformed": ("CSV 文件格式错误：{detail}", "Malformed CSV: {detail}"),
    "no_sheets": ("文件中没有可读取的工作表", "The file has no readable sheet"),
    "layout_unknown": (
        "无法识别表格结构：既不是评价模板（缺少“{missing}”工作表），也没有找到评分表表头（需要“三级指标”或“指标名称”以及“分值”和“得分”/“得分率”列）",
        "Unrecognised layout: not our template (sheet '{missing}' missing) and no score-table header "
        "(needs an indicator column, 分值 and 得分/得分率)",
    ),
    "layout_detected": ("识别为{layout}", "Detected layout: {layout}"),
    "more_issues": (
        "另有 {count} 处同类问题未逐一列出，例如 {example}",
        "{count} more issues of this kind not listed, e.g. {example}",
    ),
    # cell level
    "formula_no_value": (
        "公式“{formula}”没有保存计算结果，请在 Excel 中重新计算并保存",
        "Formula '{formula}' has no saved result; recalculate and save it in Excel",
    ),
    "not_a_number": ("{column}“{value}”不是数字", "{column} '{value}' is not a number"),
    "negative": ("{column}不能为负数（{value}）", "{column} must not be negative ({value})"),
    "not_finite": ("{column}“{value}”不是有效数值", "{column} '{value}' is not a finite number"),
    "too_large": ("{column}数值 {value} 大得不合理", "{column} value {value} is implausibly large"),
    "required": ("{column}不能为空", "{column} must not be empty"),
    "text_too_long": (
        "{column}文字过长（{length} 个字符，上限 {limit}）",
        "{column} is too long ({length} characters, limit {limit})",
    ),
    "control_chars": ("{column}含有不可见的控制字符，已删除", "{column} had control characters; removed"),
    "bad_choice": (
        "{column}“{value}”无效，应为：{choices}",
        "{column} '{value}' is invalid; expected one of: {choices}",
    ),
    "rate_out_of_range": (
        "得分率 {value} 超出 0–100% 范围",
        "Score rate {value} is outside 0–100%",
    ),
    # sheet structure
    "sheet_missing": ("缺少必需的工作表“{name}”", "Required sheet '{name}' is missing"),
    "sheet_empty": ("工作表为空", "The sheet is empty"),
    "header_missing": (
        "找不到表头：需要包含“{columns}”列",
        "Header row not found: needs the columns '{columns}'",
    ),
    "column_missing": ("缺少必需的列“{column}”", "Required column '{column}' is missing"),
    "column_duplicate": ("列“{column}”重复出现", "Column '{column}' appears twice"),
    "too_many_rows": (
        "数据行数 {rows} 超过上限 {limit}",
        "{rows} data rows exceed the limit of {limit}",
    ),
    # indicator tree
    "duplicate_code": (
        "指标代码“{code}”重复（第一次出现在第 {first} 行）",
        "Indicator code '{code}' is repeated (first on row {first})",
    ),
    "unknown_parent": ("上级代码“{parent}”不存在", "Parent code '{parent}' does not exist"),
    "indicator_cycle": (
        "指标层级存在循环引用：{path}",
        "The indicator tree has a cycle: {path}",
    ),
    "too_deep": (
        "指标层级超过 4 级（“{code}”位于第 {level} 级）",
        "The indicator tree is deeper than 4 levels ('{code}' is at level {level})",
    ),
    "too_shallow": (
        "指标体系只有 {levels} 级，至少需要 2 级（一级指标及其下级指标）",
        "The indicator tree has only {levels} level(s); at least 2 are needed",
    ),
    "points_sum_children": (
        "“{name}”分值 {points} 与下级指标分值合计 {total} 不一致",
        "'{name}' has {points} points but its children add up to {total}",
    ),
    "points_sum_total": (
        "一级指标分值合计为 {total}，不是 100",
        "Level-1 points add up to {total}, not 100",
    ),
    "too_many_indicators": (
        "指标超过 {limit} 个（从第 {first_row} 行起超出上限），不是正常的指标体系",
        "More than {limit} indicators (those from row {first_row} on are over the limit); not a usable "
        "indicator system",
    ),
    "all_points_zero": ("所有指标分值均为 0，无法评分", "Every indicator has 0 points; nothing to score"),
    "leaf_needs_type": (
        "末级指标“{name}”按实际值评分，但指标类型不是正向或反向",
        "Leaf '{name}' is scored from an actual value but its type is not 正向 or 反向",
    ),
    "leaf_needs_target": (
        "末级指标“{name}”按实际值评分，但没有目标值",
        "Leaf '{name}' is scored from an actual value but has no target",
    ),
    "output_benefit_low": (
        "{mode}中产出与效益指标分值合计 {total}，低于 60 分",
        "In a {mode}, output and benefit indicators weigh {total}, below 60",
    ),
    "self_eval_weights": (
        "单位自评通常为预算执行率 10 分、产出 50 分、效益 30 分、满意度 10 分，本表为：{found}",
        "Self-evaluations usually weigh budget execution 10, outputs 50, benefits 30, satisfaction 10; "
        "this table has: {found}",
    ),
    # units and scores
    "duplicate_unit": (
        "单位名称“{unit}”重复（第一次出现在第 {first} 行）",
        "Unit '{unit}' is repeated (first on row {first})",
    ),
    "unknown_unit": ("单位“{unit}”不在评价单位表中", "Unit '{unit}' is not in the unit list"),
    "unit_cycle": ("单位层级存在循环引用：{path}", "The unit tree has a cycle: {path}"),
    "unknown_indicator": (
        "指标“{code}”不在指标体系中",
        "Indicator '{code}' is not in the indicator tree",
    ),
    "not_a_leaf": (
        "“{code}”不是末级指标，只能对末级指标评分",
        "'{code}' is not a leaf; only leaf indicators are scored",
    ),
    "duplicate_score": (
        "单位“{unit}”的指标“{code}”重复评分（第一次出现在第 {first} 行）",
        "Unit '{unit}' is scored twice on '{code}' (first on row {first})",
    ),
    "score_conflict": (
        "单位“{unit}”指标“{code}”的得分 {points} 与得分率 {rate} 不一致",
        "Unit '{unit}' on '{code}': points {points} disagree with rate {rate}",
    ),
    "score_no_value": (
        "未填写得分、得分率或实际值",
        "None of 得分, 得分率 or the actual value is given",
    ),
    "score_above_points": (
        "“{name}”得分 {score} 超过分值 {points}，按满分计",
        "'{name}' scores {score}, above its {points} points; capped at full marks",
    ),
    "leaf_unscored": (
        "单位“{unit}”有 {count} 个末级指标未评分，按 0 分计：{codes}",
        "Unit '{unit}' has {count} unscored leaves, counted as 0: {codes}",
    ),
    "docx_no_tables": ("Word 文档中没有表格", "The Word document holds no table"),
    "no_scores": ("没有任何单位的评分数据", "No unit has any scores"),
    "form_unscored": (
        "表中没有任何得分：按空白表读取了指标体系（{count} 个指标），可以查看指标，但不能评分。"
        "可下载预填了这套指标的评价模板，填写得分后再上传",
        "The table has no scores at all: it was read as a blank form, an indicator system of {count} "
        "indicators; it can be viewed but not scored. Download our template pre-filled with these "
        "indicators, fill in the scores and upload it",
    ),
    "cannot_score_blank": (
        "这是一张空白表（只有分值，没有得分），无法评分；可用 indicators 命令查看其指标体系",
        "This is a blank form (points but no scores) and cannot be scored; "
        "use the indicators command to see its indicator system",
    ),
    "total_mismatch": (
        "{what}合计 {reported} 与各项得分之和 {computed} 不一致",
        "{what}: reported total {reported} differs from the sum of scores {computed}",
    ),
    "rating_mismatch": (
        "报告评级“{reported}”与按得分 {score} 计算的评级“{computed}”不一致",
        "Reported rating '{reported}' differs from '{computed}' computed from {score}",
    ),
    # budget, projects, survey, bands
    "arrived_above_budget": (
        "到位数 {arrived} 大于预算数 {budget}",
        "Funds received {arrived} exceed the budget {budget}",
    ),
    "spent_above_arrived": (
        "支出数 {spent} 大于到位数 {arrived}",
        "Spending {spent} exceeds the funds received {arrived}",
    ),
    "survey_counts": (
        "各满意度选项人数合计 {total} 超过有效样本 {respondents}",
        "Answers add up to {total}, more than the {respondents} respondents",
    ),
    "participants_above_respondents": (
        "经常参与人数 {value} 超过有效样本 {respondents}",
        "Frequent participants {value} exceed the {respondents} respondents",
    ),
    "bands_order": (
        "评级标准的下限必须从高到低且各不相同",
        "Rating band lower bounds must be strictly decreasing",
    ),
    "bands_range": ("评级下限 {value} 不在 0–100 之间", "Band bound {value} is not within 0–100"),
    "bands_labels": ("评级名称不能为空，也不能重复", "Band labels must be non-empty and distinct"),
    "bands_format": (
        "评级标准写法应为 优=90,良=80,中=60,差=0（名称=下限，从高到低）或 90,80,60（只写阈值）",
        "Write rating bands as 优=90,良=80,中=60,差=0 (label=lower bound, best first) or 90,80,60 (thresholds)",
    ),
    "unknown_project_key": ("未知的项目信息“{field}”，已忽略", "Unknown project field '{field}', ignored"),
    "year_invalid": ("年度“{value}”无效", "Year '{value}' is invalid"),
    # score-table layout
    "selfeval_budget_yuan": (
        "预算资金以“元”填报，已换算为万元", "Budget amounts are given in yuan; converted to 万元",
    ),
    "selfeval_budget_sum": (
        "{label}的{column} {total} 与其中各项之和 {parts} 不一致",
        "{label}: {column} {total} differs from the sum of its parts {parts}",
    ),
    "form_placeholder_row": (
        "“{name}”没有分值也没有得分（表格预留的空行），未计入指标",
        "'{name}' has neither points nor a score (a row the form leaves for unused indicators); skipped",
    ),
    "points_total_mismatch": (
        "分值合计 {computed}，总分行为 {printed}",
        "The points add up to {computed}; the total row says {printed}",
    ),
    "name_points_mismatch": (
        "“{name}”名称中写明 {declared} 分，分值列为 {points} 分（按分值列计）",
        "'{name}' says {declared} points in its name but the points column says {points} (the column is used)",
    ),
    "score_total_contradiction": (
        "{what}的得分合计 {computed}，表中总分行为 {reported}，相差 {difference} 分：表格自相矛盾，请核对后再上传",
        "{what}: the scores add up to {computed} but the table's total row says {reported} "
        "(a difference of {difference}); the table contradicts itself, check it before uploading",
    ),
    "codelist_no_code": (
        "“{name}”没有指标代码，无法确定层级，未计入", "'{name}' has no indicator code, so its level is unknown; skipped",
    ),
    "codelist_no_level1_name": (
        "一级指标 {code} 没有名称（表中没有该行，表上方也没有标题），以代码代替",
        "Level-1 indicator {code} has no name (no row and no table title); its code is used",
    ),
    "codelist_subtotal_points": (
        "“{name}”的权重 {printed} 与其下级指标权重之和 {computed} 不一致",
        "'{name}': weight {printed} differs from the sum of its children {computed}",
    ),
    "codelist_subtotal_score": (
        "“{name}”的得分 {printed} 与其下级指标得分之和 {computed} 不一致",
        "'{name}': score {printed} differs from the sum of its children's scores {computed}",
    ),
    "level1_named": (
        "一级指标只写了分值（{points}分），按其下级指标命名为“{name}”",
        "The level-1 cell gives only its points ({points}); named '{name}' after its children",
    ),
    "budget_listed_in_table": (
        "表中已有指标“{name}”，预算区的分值不再重复计入", "The table lists '{name}' among its indicators; "
        "the budget block's points are not counted a second time",
    ),
    "budget_outside_total": (
        "总分行的分值 {printed} 不含预算执行率的 {points} 分：预算执行率单列，不计入总分",
        "The total row's {printed} points leave out the {points} points of 预算执行率: "
        "it is shown on its own, outside the total",
    ),
    "points_split_equally": (
        "“{name}”写明 {points} 分，其下 {count} 个末级指标没有分值：按平均分配，每项 {each} 分（请核对）",
        "'{name}' states {points} points and its {count} leaves give none: shared equally, {each} each (check this)",
    ),
    "name_points_missing": (
        "“{name}”没有分值：表中没有分值列，名称和上级指标也没有写明分值",
        "'{name}' has no points: the table has no points column and neither its name nor its parent states any",
    ),
    "score_column_switched": (
        "得分列 {empty} 全部为空，改按本列的得分读取", "Score column {empty} is empty throughout; the scores are read from this column",
    ),
    "portfolio_loaded": (
        "已合并 {count} 个项目（{departments} 个主管部门）为一个项目组合：按一级指标比较，部门与全部项目的得分为所属项目的平均",
        "{count} projects ({departments} departments) combined into one portfolio, compared on their level-1 "
        "indicators; a department's and the portfolio's scores are the average of their projects",
    ),
    "portfolio_file_skipped": ("文件“{file}”未能读取，已跳过：{reason}", "File '{file}' skipped: {reason}"),
    "portfolio_blank": ("空白表，没有任何得分", "a blank form with no scores"),
    "portfolio_file_refused": ("文件“{file}”未读取：{reason}", "File '{file}' not read: {reason}"),
    "portfolio_empty": (
        "{count} 个文件中没有一个能读出评分，无法组成项目组合", "None of the {count} files could be scored; no portfolio",
    ),
    "portfolio_other_indicators": (
        "文件“{file}”的一级指标为 {names}，与多数文件（{expected}）不同，已跳过",
        "File '{file}' has level-1 indicators {names}, unlike most files ({expected}); skipped",
    ),
    "portfolio_points_differ": (
        "“{project}”（{file}）的一级指标分值为 {own}，与组合不同：表内总分 {total}，按组合分值计为 {rescaled}",
        "'{project}' ({file}) weighs its level-1 indicators {own}, unlike the portfolio: its own total is "
        "{total}, {rescaled} at the portfolio's weights",
    ),
    "portfolio_too_many_files": (
        "压缩包或文件夹中的文件过多（上限 2000 个）", "Too many files in the archive or folder (at most 2000)",
    ),
    "portfolio_member_too_large": (
        "文件过大或压缩比异常，未解压", "Too large, or compressed suspiciously well; not extracted",
    ),
    "portfolio_member_unreadable": ("无法从压缩包中取出该文件", "Could not be extracted from the archive"),
    "scoretable_total_row": (
        "合计行得分 {reported} 与各项得分之和 {computed} 不一致",
        "The total row says {reported} but the scores add up to {computed}",
    ),
    "scoretable_level_points": (
        "“{name}”标注 {declared} 分，但下级指标分值合计 {total}",
        "'{name}' declares {declared} points but its children add up to {total}",
    ),
    "scoretable_no_units": (
        "找不到任何“得分”或“得分率”列",
        "No 得分 or 得分率 column found",
    ),
    "scoretable_no_indicators": (
        "评分表表头下没有找到任何指标行",
        "No indicator rows were found below the score-table header",
    ),
    "scoretable_default_unit": (
        "表中未写明被评价单位，得分记在“{unit}”名下",
        "The table does not name the evaluated unit; its scores are recorded under '{unit}'",
    ),
}

# the command line's own lines (python -m perfeval_core): headings and labels of its text output
MESSAGES.update({
    "cli_layout": ("结构：{name}", "Layout: {name}"),
    "cli_scored": ("已评分", "scored"),
    "cli_blank": ("空白表：未评分", "blank form: not scored"),
    "cli_tree": ("末级指标 {leaves} 个，分值合计 {points:g}，{scored}", "{leaves} leaves, {points:g} points, {scored}"),
    "cli_no_issues": ("无问题", "No issues"),
    "cli_year_project": ("{year}年 {project}{where}", "{project} {year}{where}"),
    "cli_where": ("（{text}）", " ({text})"),
    "cli_score_rating": ("综合得分 {score}，评级 {rating}", "Total score {score}, rating {rating}"),
    "cli_budget": ("预算 {budget} 万元，{arrived}支出 {spent}；到位率 {arrival}，执行率 {execution}",
                   "Budget {budget} (10k yuan), {arrived}spent {spent}; arrival rate {arrival}, execution rate {execution}"),
    "cli_arrived": ("到位 {amount}，", "arrived {amount}, "),
    "cli_budget_level": ("  {level}：预算 {budget} 万元", "  {level}: budget {budget} (10k yuan)"),
    "cli_units": ("安排预算单位 {budgeted} 个，使用资金 {used} 个", "{budgeted} units budgeted, {used} used funds"),
    "cli_out_of_scope": ("（规定范围外）", " (outside the set scope)"),
    "cli_projects": ("  {category}{scope}：{count} 项", "  {category}{scope}: {count} projects"),
    "cli_satisfaction": ("满意度 {value:.2%}", "Satisfaction {value:.2%}"),
    "cli_participation": ("经常参与 {value:.2%}", "Frequent participation {value:.2%}"),
    "cli_argument_error": ("参数错误：{message}", "Invalid argument: {message}"),
    "cli_draws": ("--draws 必须是正整数", "--draws must be a positive whole number"),
    "cli_spread": ("--spread 必须在 [0, 1) 之间", "--spread must be in [0, 1)"),
    "cli_weights": ("权重 {weights}；{draws} 次抽样，±{spread:.0%}（{method}）",
                    "Weights {weights}; {draws} draws, ±{spread:.0%} ({method})"),
    "cli_rank_interval": ("名次 {p5}–{p95}（中位 {median}）  ", "rank {p5}–{p95} (median {median})  "),
    "cli_robust_pairs": ("稳健的名次对：{count} / {pairs}", "Robust pairs: {count} of {pairs}"),
    "cli_nothing_to_write": ("请至少指定 --pptx、--xlsx、--pdf 或 --html", "give at least one of --pptx, --xlsx, --pdf or --html"),
    "cli_cannot_write": ("无法写入文件：{error}", "Cannot write the file: {error}"),
    "cli_password_source": ("密码", "password"),
    "cli_identity_provider": ("身份提供方", "identity provider"),
    "cli_need_user": ("请指定用户名", "give a user name"),
    "cli_password": ("{user} 的密码：", "Password for {user}: "),
    "cli_password_again": ("再输入一次：", "Once more: "),
    "cli_password_mismatch": ("两次输入的密码不一致", "The two passwords differ"),
    "cli_cr": ("一致性比率 CR = {cr:.4f}", "Consistency ratio CR = {cr:.4f}"),
    "cli_consequence": ("{unit}  预算 {budget}  {rating}  调整 {change}  下年 {next}",
                        "{unit}  budget {budget}  {rating}  change {change}  next year {next}"),
    "cli_total_change": ("合计调整 {change} 万元", "Total change {change} (10k yuan)"),
    "cli_gap_pair": ("{year} {project}：自评 {self_total}，{mode} {evaluation_total}，差 {gap}",
                     "{year} {project}: self-evaluation {self_total}, {mode} {evaluation_total}, gap {gap}"),
    "cli_gap_row": ("  {indicator}  自评 {self}  评价 {evaluation}  差 {gap}",
                    "  {indicator}  self {self}  evaluation {evaluation}  gap {gap}"),
    "cli_gap_none": ("没有可对比的评价：需要同一项目同一年度的单位自评与部门/财政评价",
                     "Nothing to compare: a self-evaluation and a department or finance evaluation of the same project "
                     "and year are needed"),
})


def render(key: str, params: Mapping[str, object], lang: str = "zh") -> str:
    zh, en = MESSAGES[key]
    template = en if lang == "en" else zh
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


# the engine's refusals: a weight, a bound or a parameter it cannot use
MESSAGES.update({
    "indicator_ambiguous": ("指标名称“{key}”不唯一，请使用指标代码：{codes}", "The indicator name '{key}' is not unique; use a code: {codes}"),
    "indicator_unknown": ("找不到指标“{key}”（可用代码或名称）", "No indicator '{key}' (give a code or a name)"),
    "weight_negative": ("指标“{code}”的权重必须是非负数", "The weight of indicator '{code}' must not be negative"),
    "weights_all_zero": ("所有权重为 0，无法评分", "Every weight is 0: nothing can be scored"),
    "weight_format": ("权重“{part}”格式应为 名称=分值", "The weight '{part}' should read name=points"),
    "weight_not_number": ("权重“{part}”中的分值不是数字", "The points in '{part}' are not a number"),
    "level1_count": ("需要 {expected} 个一级指标权重，收到 {given} 个", "{expected} level-1 weights are needed, {given} were given"),
    "not_level1": ("“{group}”不是一级指标", "'{group}' is not a level-1 indicator"),
    "bounds_count": ("需要 {expected} 个一级指标的上下限，收到 {given} 个", "{expected} level-1 bounds are needed, {given} were given"),
    "bounds_invalid": ("权重上下限必须是有限数且下限不大于上限", "Weight bounds must be finite, each lower bound at most its upper bound"),
    "spread_range": ("spread 必须在 [0, 1) 之间", "spread must be in [0, 1)"),
    "spread_negative": ("spread 不能为负", "spread must not be negative"),
    "concentration_positive": ("concentration 必须为正", "concentration must be positive"),
    "sampling_method": ("未知的抽样方法：{method}（可用 uniform、dirichlet）", "Unknown sampling method: {method} (uniform or dirichlet)"),
    "draws_positive": ("draws 必须是正整数", "draws must be a positive whole number"),
})


# weighting methods and the rules that apply a rating to next year's budget
MESSAGES.update({
    "method_level": ("层级“{level}”无效：可用 1（一级指标）或 leaf（末级指标）",
                     "Level '{level}' is not valid: use 1 (level-1 indicators) or leaf"),
    "method_unknown": ("未知的赋权方法：{method}（可用 equal、entropy、critic、ahp）",
                       "Unknown weighting method: {method} (equal, entropy, critic or ahp)"),
    "method_needs_units": ("该赋权方法需要同一层级至少 2 个被评价单位，本表只有 {units} 个",
                           "{method} weights need at least 2 scored units in one tier; this table has {units}"),
    "method_no_spread": ("各单位的得分率没有差异，该赋权方法无从区分指标",
                         "The units' score rates do not differ: {method} cannot tell the indicators apart"),
    "ahp_level": ("层次分析法（AHP）只用于一级指标", "AHP weights are for the level-1 indicators only"),
    "ahp_no_pairs": ("层次分析法需要两两比较判断，如 --pairs \"A:B=3,A:C=1/2\"",
                     "AHP needs pairwise judgements, e.g. --pairs \"A:B=3,A:C=1/2\""),
    "ahp_pair_format": ("判断“{part}”格式应为 指标:指标=标度（如 A:B=3）", "The judgement '{part}' should read A:B=3"),
    "ahp_value": ("标度“{value}”应为 1/9 至 9 之间的数（如 3 或 1/3）", "The judgement '{value}' must be between 1/9 and 9 (e.g. 3 or 1/3)"),
    "ahp_self": ("指标“{code}”与自身的比较只能为 1", "Comparing '{code}' with itself can only be 1"),
    "ahp_twice": ("“{a}”与“{b}”的比较给了两个不一致的值", "'{a}' against '{b}' is given twice with different values"),
    "ahp_missing": ("缺少两两比较：{pairs}", "Missing pairwise judgements: {pairs}"),
    "ahp_size": ("层次分析法最多比较 9 个指标，此处有 {n} 个", "AHP compares at most 9 indicators; there are {n}"),
    "ahp_inconsistent": ("判断矩阵一致性比率 CR = {cr}，超过 {limit}：两两判断互相矛盾，请调整后再用",
                         "The consistency ratio CR = {cr} exceeds {limit}: the judgements contradict each other; "
                         "revise them before using these weights"),
    "rule_format": ("规则“{part}”格式应为 等级=百分比（如 优=+10%）", "The rule '{part}' should read band=percent (e.g. 优=+10%)"),
    "rule_range": ("规则“{part}”无效：调减不能超过全部预算（-100%）", "The rule '{part}' is not valid: a cut cannot exceed the whole budget (-100%)"),
    "rule_label": ("规则中的等级“{label}”不在评级标准中（{labels}）", "The band '{label}' of a rule is not one of the bands ({labels})"),
    "rule_missing": ("以下等级缺少规则：{labels}", "These bands have no rule: {labels}"),
})

class Refusal(ValueError):
    """A value the engine refuses, with its text in this catalogue: ``str()`` (and ``args[0]``) is
    the Chinese text, ``text(lang)`` either language."""

    def __init__(self, message: str, /, **params: object) -> None:
        super().__init__(render(message, params))
        self.message, self.params = message, params

    def text(self, lang: str = "zh") -> str:
        return render(self.message, self.params, lang)


class UnknownKey(KeyError):
    """An indicator a weight names that the tree does not have (a ``KeyError``, as a lookup)."""

    def __init__(self, message: str, /, **params: object) -> None:
        super().__init__(render(message, params))
        self.message, self.params = message, params

    def text(self, lang: str = "zh") -> str:
        return render(self.message, self.params, lang)
