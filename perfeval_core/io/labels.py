"""Reading the labels printed in indicator cells and footer rows, shared by every form reader.

Real forms print an indicator's code, name and points in one cell, in many ways:
``A决策15分``, ``A101立项依据充分性``, ``产 出 指 标 (50分)``, ``相关性（5分）``, ``一、决策(15)``,
``绩效指标(90分)``. Footer rows (总分, 评价结论, 存在问题, 改进措施, 项目负责人, 注) end a table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from perfeval_core.model.normalize import clean_text, to_halfwidth

_CJK = "\u4e00-\u9fff"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}（(])")
# points closing a name: "(15分)", "（15）", "[15分]", "【15分】", "15分" after a CJK character or bracket
_POINTS_BRACKETED = re.compile(r"^(?P<name>.*?)\s*[(\[]\s*(?:分值|权重|满分)?[:：]?\s*(?P<points>\d+(?:\.\d+)?)\s*分?\s*[)\]]\s*$")
_POINTS_BARE = re.compile(rf"^(?P<name>.*?[{_CJK})\]])\s*(?P<points>\d+(?:\.\d+)?)\s*分$")
# a code fused to the front of a name: A, A1, A101, A10101; not "A级", "A类", "A档" (names of their
# own), though "A2档案管理" and "B3等级评定" are codes A2 and B3 (档案 and 等级 are words)
_CODE = re.compile(rf"^(?P<code>[A-Z](?:\d{{1,2}}){{1,3}}(?=\s*[{_CJK}])(?!\s*[级类])|[A-Z](?=\s*[{_CJK}])(?!\s*[级类等档]))\s*")
_DOTTED_CODE = re.compile(rf"^(?P<code>\d{{1,2}}(?:\.\d{{1,2}}){{1,3}})(?=\s*[{_CJK}])")
# "一、" "（一）" "1." "1、" "2.1、" before a name
_ENUMERATOR = re.compile(
    r"^([一二三四五六七八九十]+[、.．]|[(（]\s*[一二三四五六七八九十\d]+\s*[)）]|\d+(\.\d+)*、|\d+[.．](?!\d)|"
    r"指标\s*\d+\s*[:：]|[①②③④⑤⑥⑦⑧⑨⑩])\s*"
)
_PLACEHOLDER_NAMES = re.compile(r"^([.。…·、\-—_~～/\\]+|略|无|其他|其它|……指标|\d+)$")


@dataclass(frozen=True)
class Label:
    code: str  # a code printed in front of the name ("A101"), or ""
    name: str  # the name without code, enumerator or points
    points: float | None  # points printed in the label, or None

    @property
    def empty(self) -> bool:
        return not self.name


def squeeze_cjk(text: str) -> str:
    """'产 出 指 标' -> '产出指标': spaces typed between CJK characters to spread a short name."""
    return _CJK_GAP.sub("", text)


def indicator_label(value: object) -> Label:
    """Code, name and points of an indicator cell.

    '决策（15分）' -> ('', '决策', 15); 'A决策15分' -> ('A', '决策', 15);
    'A101立项依据充分性' -> ('A101', '立项依据充分性', None); '产 出 指 标 (50分)' -> ('', '产出指标', 50);
    '(25分)' -> ('', '', 25).
    """
    original = squeeze_cjk(clean_text(value).replace("\n", " "))
    text = to_halfwidth(original).replace("【", "[").replace("】", "]").replace("（", "(").replace("）", ")")
    points = None
    m = _POINTS_BRACKETED.match(text) or _POINTS_BARE.match(text)
    if m:
        points = float(m.group("points"))
        text = m.group("name").strip()
    code = ""
    c = _CODE.match(text) or _DOTTED_CODE.match(text)
    if c:
        code = c.group("code")
        text = text[c.end():].strip()
    stripped = _ENUMERATOR.sub("", text).strip()
    name = stripped if stripped or not _ENUMERATOR.match(text) or "指标" not in text else ""
    name = name.strip(":：、 ")
    return Label(code, _restore_brackets(name, original), points)


def _restore_brackets(name: str, original: str) -> str:
    """The name as printed (full-width brackets and digits kept) when the original contains it."""
    if not name:
        return name
    start = to_halfwidth(original).replace("【", "[").replace("】", "]").find(name)
    return original[start:start + len(name)] if start >= 0 else name


def is_placeholder_name(text: str) -> bool:
    """'……', '…', '-', '略', '其他': a row kept in a printed form for indicators not used."""
    return bool(_PLACEHOLDER_NAMES.match(re.sub(r"\s+", "", text)))


def is_sub_item(text: str) -> bool:
    """'其中：线上培训', '其中:' — a detail row of the indicator above it."""
    return re.sub(r"\s+", "", text).startswith("其中")


# ------------------------------------------------------------------------------ footer rows

_FOOTER_PATTERNS = (
    ("total", re.compile(r"^(总分|合计|总计|得分合计|总得分|综合得分|合计得分|分值合计|总体得分|自评总分|评价总分|自评得分|总\s*分)[:：]?$")),
    ("rating", re.compile(r"^(评价等级|评价等次|自评等级|自评等次|绩效等级|绩效评价等级|评价结果|等级|等次)[:：]?$")),
    ("conclusion", re.compile(r"^(总体评价结论|评价结论|自评结论|绩效评价结论|综合评价结论|评价意见|总体评价)")),
    ("problems", re.compile(r"^(存在(的)?问题|主要问题|问题(及|和)?原因|存在问题及原因分析|存在的主要问题)")),
    ("measures", re.compile(r"^(改进措施|整改措施|改进建议|下一步(改进)?(措施|工作)|意见建议|相关建议|建议[:：]|建议$)")),
    ("signature", re.compile(r"^(项目负责人|填表人|填报人|联系人|联系电话|财务负责人|单位负责人|审核人|复核人|评价人|"
                             r"评分人|制表人?|填报日期|填表日期|签字|盖章|单位(盖章|公章)|评价组)")),
    ("note", re.compile(r"^(注|备注|说明)\s*[:：\d、.]|^(注|备注)$|^其他(需要)?说明(的)?事项")),
)


def footer_kind(text: str) -> str | None:
    """The kind of footer a row's first label starts: 'total', 'rating', 'conclusion',
    'problems', 'measures', 'signature' or 'note'; None for an indicator row."""
    label = re.sub(r"\s+", "", to_halfwidth(clean_text(text)))
    if not label:
        return None
    for kind, pattern in _FOOTER_PATTERNS:
        if pattern.match(label):
            return kind
    return None


# the level-1 indicators of the 10号 framework (and of the 2013 frame), by the names of their
# children: a form that prints only "(50分)" in the level-1 cell still says what it is
_LEVEL1_BY_CHILDREN = (
    ("产出指标", ("数量", "质量", "时效", "成本", "产出")),
    ("效益指标", ("经济效益", "社会效益", "生态效益", "可持续", "效益")),
    ("满意度指标", ("满意度",)),
    ("决策", ("立项", "绩效目标", "资金投入", "决策")),
    ("过程", ("资金管理", "组织实施", "过程")),
)


def level1_name_from_children(children: list[str]) -> str:
    """'产出指标' for children 数量指标 / 质量指标 …; '' when they name no known level-1."""
    for name, keys in _LEVEL1_BY_CHILDREN:
        if children and all(any(k in child for k in keys) for child in children):
            return name
    return ""


# numbering styles that mark a level in a single name column: 一、 / （一） / 1. / （1） / ①
_ENUMERATOR_STYLES = (
    re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]"),
    re.compile(r"^\s*[(（]\s*[一二三四五六七八九十]+\s*[)）]"),
    re.compile(r"^\s*\d+\s*[、.．](?!\d)"),
    re.compile(r"^\s*[(（]\s*\d+\s*[)）]"),
    re.compile(r"^\s*[①②③④⑤⑥⑦⑧⑨⑩]"),
)


def enumerator_style(value: object) -> int | None:
    """0 for '一、', 1 for '（一）', 2 for '1.' or '1、', 3 for '（1）', 4 for '①'; None without one."""
    text = clean_text(value)
    for k, pattern in enumerate(_ENUMERATOR_STYLES):
        if pattern.match(text):
            return k
    return None
