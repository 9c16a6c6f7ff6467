"""The evaluation workbook template, defined once.

The loader maps headers with it, ``write_template`` writes the blank template from it and
``format_docs`` renders docs/workbook-format.md from it, so the three never drift.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["text", "number", "int", "rate", "choice", "bool", "year"]


@dataclass(frozen=True)
class Column:
    header: str  # Chinese header as written in the template
    key: str  # English field name used in code
    kind: Kind
    required: bool
    meaning: str
    unit: str = ""
    example: str = ""
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class SheetSpec:
    name: str
    key: str
    required: bool
    purpose: str
    columns: tuple[Column, ...] = field(default_factory=tuple)
    # key/value sheets (项目信息) list their fields as columns with header = the key label
    key_value: bool = False


YES_NO = ("是", "否")

PROJECT_INFO = SheetSpec(
    "项目信息", "project", True,
    "项目基本信息，两列：左列为字段名、右列为内容，每个字段占一行。",
    (
        Column("项目名称", "name", "text", True, "被评价项目的名称", example="街道社区党组织建设项目"),
        Column("年度", "year", "year", True, "评价年度（四位数字）", example="2023"),
        Column("地区", "region", "text", True, "项目所属地区（市）", example="呼和浩特市"),
        Column("评价机构", "evaluator", "text", False, "实施评价的单位或第三方机构", example="内蒙古腾冠管理咨询有限公司"),
        Column("评价方式", "mode", "choice", True, "单位自评、部门评价或财政评价", example="财政评价",
               choices=("单位自评", "部门评价", "财政评价")),
        Column("到位率口径", "arrival_rate_definition", "choice", False,
               "资金到位率的计算口径；默认“到位资金÷预算资金”（财预〔2020〕10号）",
               example="到位资金÷预算资金", choices=("到位资金÷预算资金", "到位资金÷计划投入资金")),
        Column("执行率口径", "execution_rate_definition", "choice", False,
               "预算执行率的计算口径；默认“实际支出÷实际到位”（财预〔2020〕10号）",
               example="实际支出÷实际到位", choices=("实际支出÷实际到位", "执行数÷调整后预算数")),
        Column("满意度口径", "satisfaction_rule", "choice", False,
               "满意度计算口径；默认“(满意+基本满意)÷有效样本”",
               example="(满意+基本满意)÷有效样本", choices=("满意÷有效样本", "(满意+基本满意)÷有效样本")),
        Column("报告总分", "reported_total", "number", False, "评价报告中的综合得分，用于核对", "分", "81.18"),
        Column("自评得分", "self_total", "number", False,
               "部门评价或财政评价时，被评价单位自评的总分（没有自评表时填写），用于列出自评与评价的差异", "分", "95"),
        Column("报告评级", "reported_rating", "text", False, "评价报告中的评级，用于核对", example="良"),
        Column("示意数据", "illustrative", "bool", False,
               "“是”表示部分数据为示意（按报告总数拆分），界面上会标注“示意数据”", example="是", choices=YES_NO),
        Column("评价结论", "conclusion", "text", False, "报告的综合评价结论", example="项目立项依据充分，程序规范……"),
        Column("主要问题", "problems", "text", False, "报告列出的主要问题（可多行）", example="绩效目标设置与实际工作内容相关性低……"),
        Column("实地调研说明", "field_visit_note", "text", False, "实地调研范围说明",
               example="实地调研6个地区15个街道办、乡镇"),
    ),
    key_value=True,
)

INDICATORS = SheetSpec(
    "指标体系", "indicators", True,
    "指标树，每个指标一行。一级指标的“上级代码”留空；至少 2 级、最多 4 级。只有末级指标需要评分。",
    (
        Column("指标代码", "code", "text", True, "唯一代码，如 A、A1、A101", example="A101", aliases=("代码", "编码", "指标编码")),
        Column("指标名称", "name", "text", True, "指标名称", example="立项依据充分性", aliases=("名称",)),
        Column("上级代码", "parent", "text", False, "上级指标的代码；一级指标留空", example="A1", aliases=("上级指标代码", "上级")),
        Column("分值", "points", "number", True, "指标分值（权重），下级分值之和应等于上级分值，一级合计 100",
               "分", "3", aliases=("权重", "标准分值", "指标分值")),
        Column("指标类型", "kind", "choice", False, "末级指标的类型：正向（越高越好）、反向（越低越好）、定性",
               example="正向", aliases=("方向", "指标方向", "指标性质"), choices=("正向", "反向", "定性")),
        Column("目标值", "target", "number", False, "按实际值评分时的目标值（正向/反向指标必填）；与“评分”的实际值、扣分原因一起列入“目标完成”页", "同计量单位", "100",
               aliases=("年度指标值", "指标值")),
        Column("计量单位", "unit", "text", False, "目标值与实际值的单位", example="%", aliases=("单位",)),
        Column("指标解释", "explanation", "text", False, "指标含义", example="项目立项是否符合法律法规、相关政策"),
        Column("评分标准", "criteria", "text", False, "评分规则", example="符合得满分，每发现一处问题扣 1 分，扣完为止"),
    ),
)

UNITS = SheetSpec(
    "评价单位", "units", True,
    "被评价单位树（市 → 区/县/旗 → 街道/乡镇/苏木 → 社区/村/嘎查），每个单位一行；名称须唯一。",
    (
        Column("单位名称", "name", "text", True, "单位名称（全表唯一）", example="赛罕区", aliases=("单位", "地区", "名称")),
        Column("上级单位", "parent", "text", False, "上级单位名称；最上级留空", example="呼和浩特市", aliases=("上级",)),
        Column("层级", "tier", "choice", True, "单位层级", example="区",
               choices=("市", "区", "县", "旗", "街道", "乡镇", "镇", "乡", "苏木", "社区", "村", "嘎查")),
        Column("实地调研", "field_visited", "bool", False, "是否为实地调研单位", example="是", choices=YES_NO),
        Column("备注", "note", "text", False, "说明", example=""),
    ),
)

SCORES = SheetSpec(
    "评分", "scores", False,
    "各单位在各末级指标上的评分，每个单位每个指标一行。得分、得分率、实际值三选一"
    "（实际值按指标类型与目标值计分：正向达标得满分，否则按实际÷目标；反向不超过目标得满分，"
    "超过目标按 1−(实际−目标)÷目标，达到 2 倍目标为 0）。大量单位时可改用“评分矩阵”工作表。",
    (
        Column("单位名称", "unit", "text", True, "被评分单位（须在“评价单位”中）", example="赛罕区", aliases=("单位",)),
        Column("指标代码", "code", "text", True, "末级指标代码（或名称）", example="A101", aliases=("指标", "代码")),
        Column("得分", "points", "number", False, "得分", "分", "2.5"),
        Column("得分率", "rate", "rate", False, "得分 ÷ 分值，可写 0.9671 或 96.71%", "%", "96.71%"),
        Column("实际值", "actual", "number", False, "实际完成值，按目标值与指标类型计分", "同计量单位", "96.71",
               aliases=("实际完成值",)),
        Column("扣分原因", "reason", "text", False, "扣分原因或评分依据", example="部分绩效指标不可衡量",
               aliases=("评分依据", "扣分说明", "偏差原因")),
    ),
)

SCORE_MATRIX = SheetSpec(
    "评分矩阵", "score_matrix", False,
    "（可选）大量单位时的宽表：第一列为单位名称，其后每列一个末级指标（表头写指标代码或名称），单元格为得分。"
    "“评分”与“评分矩阵”至少填写一个。",
    (
        Column("单位名称", "unit", "text", True, "被评分单位", example="赛罕区", aliases=("单位",)),
        Column("〈末级指标代码〉", "leaf", "number", False, "该单位在该指标上的得分（每个末级指标一列）", "分", "2.5"),
    ),
)

BUDGET = SheetSpec(
    "预算资金", "budget", False,
    "各单位按资金层级的预算、到位与支出（万元）。可填写在任意层级单位上，上级自动汇总。",
    (
        Column("单位名称", "unit", "text", True, "单位", example="海拉尔东路街道某社区", aliases=("单位",)),
        Column("资金层级", "level", "text", True, "资金来源层级，如 自治区/省、市、旗县区", example="市",
               aliases=("财政层级", "资金来源")),
        Column("经费类别", "category", "text", False, "经费类别，如 服务群众经费、办公经费", example="办公经费", aliases=("类别",)),
        Column("预算数", "budget", "number", True, "预算资金", "万元", "15", aliases=("预算", "预算资金", "年初预算数")),
        Column("计划投入数", "plan", "number", False, "计划投入资金（到位率口径为“计划投入”时使用）", "万元", "15",
               aliases=("计划投入", "计划投入资金")),
        Column("调整后预算数", "adjusted_budget", "number", False, "调整后预算数（执行率口径为“调整后预算”时使用）",
               "万元", "15", aliases=("全年预算数", "调整后预算")),
        Column("到位数", "arrived", "number", True, "实际到位资金", "万元", "15", aliases=("到位", "到位资金", "实际到位")),
        Column("支出数", "spent", "number", True, "实际支出资金", "万元", "8.2",
               aliases=("支出", "实际支出", "执行数", "全年执行数")),
    ),
)

PROJECTS = SheetSpec(
    "项目分类", "projects", False,
    "各单位按类别完成的项目数与金额；类别是数据，可自定义。",
    (
        Column("单位名称", "unit", "text", True, "单位", example="某社区", aliases=("单位",)),
        Column("项目类别", "category", "text", True, "项目类别", example="便民利民类", aliases=("类别",)),
        Column("项目数", "count", "int", True, "完成项目数", "项", "4", aliases=("数量", "项目数量")),
        Column("金额", "amount", "number", False, "项目支出金额", "万元", "6.5", aliases=("支出金额",)),
        Column("是否规定范围", "in_scope", "bool", False, "是否属于资金管理办法规定的支出方向；“否”表示范围外支出",
               example="是", choices=YES_NO, aliases=("规定范围内",)),
    ),
)

SURVEY = SheetSpec(
    "满意度调查", "survey", False,
    "满意度与参与度问卷人数，按单位与年龄段。",
    (
        Column("单位名称", "unit", "text", True, "单位", example="赛罕区", aliases=("单位",)),
        Column("年龄段", "age_group", "text", True, "年龄段", example="60岁及以上"),
        Column("有效样本", "respondents", "int", True, "有效问卷数", "人", "350", aliases=("样本数", "有效问卷")),
        Column("满意", "satisfied", "int", True, "选择“满意”的人数", "人", "220"),
        Column("基本满意", "basically_satisfied", "int", False, "选择“基本满意”的人数", "人", "80"),
        Column("不太满意", "not_very_satisfied", "int", False, "选择“不太满意”的人数", "人", "30"),
        Column("不满意", "dissatisfied", "int", False, "选择“不满意”的人数", "人", "20"),
        Column("经常参与", "frequent", "int", False, "经常参与社区活动的人数", "人", "150", aliases=("经常参与人数",)),
    ),
)

BANDS = SheetSpec(
    "评级标准", "bands", False,
    "（可选）评级档次与下限（含下限）。缺省为 优≥90、良≥80、中≥60、差<60。",
    (
        Column("等级", "label", "text", True, "评级名称，从高到低", example="优", aliases=("评级", "档次")),
        Column("下限", "lower", "number", True, "该等级的最低分（含）；最低一档填 0", "分", "90", aliases=("最低分",)),
    ),
)

FINDINGS = SheetSpec(
    "问题整改", "findings", False,
    "（可选）评价发现的问题及整改情况。",
    (
        Column("问题", "problem", "text", True, "问题描述", example="部分资金支出方向与规定不符", aliases=("问题描述",)),
        Column("问题类别", "category", "text", False, "问题类别", example="资金管理", aliases=("类别",)),
        Column("单位名称", "unit", "text", False, "涉及单位；全项目问题留空", example="赛罕区", aliases=("单位",)),
        Column("整改状态", "status", "choice", False, "整改状态", example="整改中", choices=("未整改", "整改中", "已整改")),
        Column("说明", "note", "text", False, "整改措施或说明", example="已制定专项资金使用负面清单"),
    ),
)

SHEETS: tuple[SheetSpec, ...] = (PROJECT_INFO, INDICATORS, UNITS, SCORES, SCORE_MATRIX, BUDGET,
                                  PROJECTS, SURVEY, BANDS, FINDINGS)
SHEETS_BY_KEY = {s.key: s for s in SHEETS}
