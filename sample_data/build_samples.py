"""Build the bundled sample workbooks, reproducibly, from the two source reports.

Seed 000: Hohhot 2023, 街道社区党组织建设项目 (呼和浩特市, third-party 财政评价).
Seed 003: Tangshan 2024, 城市社区党组织服务群众专项经费 (区级 key evaluation).

Every figure the reports give is reproduced exactly (see ../shared/DOMAIN.md §7 and the
asserts at the bottom). The reports give no breakdown by district, street or community: that
breakdown is illustrative (示意数据), consistent with every published total, and flagged in the
workbooks. Run: ``python sample_data/build_samples.py [OUT_DIR]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import openpyxl
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from perfeval_core.io.template_io import write_workbook

HERE = Path(__file__).resolve().parent

# ---------------------------------------------------------------- Hohhot units
# County-level areas with their streets / towns and (illustrative) community counts.
# Field-visited streets/towns are marked with a trailing "*".
HOHHOT_AREAS: dict[str, tuple[str, dict[str, int]]] = {
    "新城区": ("区", {"海拉尔东路街道*": 8, "锡林北路街道*": 7, "中山东路街道": 8, "东街街道": 8, "西街街道": 8,
                      "东风路街道*": 8, "迎新路街道": 9, "成吉思汗大街街道": 9, "呼伦路街道": 8,
                      "丁香路街道": 8, "东河街道": 7}),
    "回民区": ("区", {"新华西路街道*": 7, "中山西路街道": 8, "光明路街道*": 8, "海拉尔西路街道": 9,
                      "环河街街道": 8, "通道街街道": 9, "钢铁路街道": 8, "阿拉善北路街道": 9}),
    "玉泉区": ("区", {"小召前街街道*": 7, "兴隆巷街道*": 6, "长和廊街道": 8, "石东路街道": 8, "大南街街道": 9,
                      "鄂尔多斯路街道": 9, "西菜园街道": 8, "昭君路街道*": 7}),
    "赛罕区": ("区", {"人民路街道*": 14, "大学西路街道*": 12, "乌兰察布东路街道": 14, "大学东路街道": 14,
                      "中专路街道": 14, "昭乌达南路街道": 14, "巴彦街道": 14, "敕勒川路街道*": 14}),
    "土默特左旗": ("旗", {"察素齐镇*": 12, "毕克齐镇*": 6, "台阁牧镇": 4}),
    "托克托县": ("县", {"双河镇": 10, "新营子镇": 4}),
    "和林格尔县": ("县", {"城关镇*": 8, "盛乐镇*": 4, "新店子镇": 4}),
    "清水河县": ("县", {"宏河镇": 4, "喇嘛湾镇": 4}),
    "武川县": ("县", {"可可以力更镇": 12, "哈乐镇": 4}),
}
VISITED_AREAS = ["赛罕区", "新城区", "玉泉区", "回民区", "和林格尔县", "土默特左旗"]
NAME_STEMS = ("光明 幸福 和平 民主 团结 建设 友谊 新华 文化 康乐 育才 锦绣 富康 祥和 安居 阳光 春晖 丰泽 明珠 "
              "兴安 通达 振华 东苑 西苑 南湖 北辰 青城 昭君 敕勒 云中 金桥 如意 满都海 乌兰 巴彦 塔布 "
              "桃园 杏园 梨园 枫林 松山 柳荫 绿洲 鸿盛 瑞祥 嘉园 华府 惠民 利民 便民 安康 长乐 长青 "
              "新风 新城 新村 新苑 新兴 东兴 西兴 南苑 北苑 朝阳 晨光 曙光 星光 月明 宝山 石羊 大召 "
              "小召 舍必崖 南门 北门 东门 西门 丰州 白塔 龙泉 凤凰 麒麟 金盛 银河 "
              "草原 骏马 白云 蓝天 碧水 青山 红山 芦苇 荷花 菊花 牡丹 丁香 海棠 紫荆 玉兰").split()
NAME_SUFFIXES = ("", "里", "园", "苑", "路", "街")

# 14 communities that did not use the funds (not yet operating as entities): (street, how many)
NOT_USED = {"巴彦街道": 4, "乌兰察布东路街道": 2, "东河街道": 3, "西菜园街道": 2, "阿拉善北路街道": 2, "台阁牧镇": 1}

# Regional (自治区) service funds cover 319 of the 402 communities; these streets' newest
# communities are the 83 without them (illustrative).
REGION_FUNDED = 319

PROBLEMS = [
    ("部分项目实施单位绩效目标申报内容与实际工作内容相关性低，数量、质量、时效、成本指标设置不规范，缺少可衡量性", "绩效目标"),
    ("个别社区办公经费额度不能满足当年办公需求，部分社区服务群众资金或办公经费超预算支出", "预算编制"),
    ("疫情防控、小区零星维修改造及老旧小区环境整治的部分费用支出方向与项目资金管理规定的支出方向不符", "资金使用"),
    ("采购、财务及预算管理等内部管理制度较为原则；需求调查有效性不足，验收手续、实施方案及结果公示不完备", "内部管理"),
    ("便民利民类项目服务多样性不足，居民经常参与社区活动的频率及满意度待提升", "服务效果"),
]

# Indicator tree, Hohhot: (code, name, parent, points, kind, target, unit, explanation, criteria)
HOHHOT_INDICATORS = [
    ("A", "决策", None, None, "", None, "", "项目决策情况", ""),
    ("A1", "项目立项", "A", None, "", None, "", "", ""),
    ("A101", "立项依据充分性", "A1", 2, "定性", None, "", "项目立项是否符合法律法规、相关政策及发展规划",
     "依据充分得满分；每发现一处不符扣 0.5 分，扣完为止"),
    ("A102", "立项程序规范性", "A1", 2, "定性", None, "", "项目申请、设立过程是否符合规定程序", "程序规范得满分，否则酌情扣分"),
    ("A2", "绩效目标", "A", None, "", None, "", "", ""),
    ("A201", "绩效目标合理性", "A2", 3, "定性", None, "", "绩效目标与实际工作内容是否相关",
     "目标明确且与实际工作相关得满分；相关性低扣 1–3 分"),
    ("A202", "绩效指标明确性", "A2", 3, "定性", None, "", "数量、质量、时效、成本指标是否细化、量化、可衡量",
     "指标清晰可衡量得满分；每类指标不规范扣 0.5 分"),
    ("A3", "资金投入", "A", None, "", None, "", "", ""),
    ("A301", "预算编制科学性", "A3", 3, "定性", None, "", "预算编制是否经过科学论证、与工作任务相匹配",
     "编制科学得满分；额度不能满足需求扣 1 分"),
    ("A302", "资金分配合理性", "A3", 2, "定性", None, "", "资金分配依据是否充分、额度是否合理", "分配合理得满分"),
    ("B", "过程", None, None, "", None, "", "项目过程管理情况", ""),
    ("B1", "资金管理", "B", None, "", None, "", "", ""),
    ("B101", "资金到位率", "B1", 4, "正向", 100, "%", "实际到位资金÷预算资金×100%", "得分=到位率×分值"),
    ("B102", "预算执行率", "B1", 6, "正向", 100, "%", "实际支出资金÷实际到位资金×100%", "得分=执行率×分值"),
    ("B103", "资金使用合规性", "B1", 5, "定性", None, "", "资金使用是否符合资金管理办法规定的支出方向",
     "发现一类不合规支出扣 1 分，扣完为止"),
    ("B2", "组织实施", "B", None, "", None, "", "", ""),
    ("B201", "管理制度健全性", "B2", 5, "定性", None, "", "采购、财务、预算等管理制度是否健全", "制度健全得满分；制度较原则扣 1–2 分"),
    ("B202", "制度执行有效性", "B2", 5, "定性", None, "", "需求调查、采购、验收、公示是否规范",
     "每发现一类执行问题扣 0.5 分"),
    ("C", "产出", None, None, "", None, "", "项目产出情况", ""),
    ("C1", "产出数量", "C", None, "", None, "", "", ""),
    ("C101", "实际完成率", "C1", 8, "定性", None, "", "年度服务项目计划完成情况", "全部完成得满分，按完成比例扣分"),
    ("C102", "社区覆盖率", "C1", 4, "正向", 100, "%", "实际使用资金社区数÷安排预算社区数×100%", "得分=覆盖率×分值"),
    ("C2", "产出质量", "C", None, "", None, "", "", ""),
    ("C201", "验收合格率", "C2", 8, "定性", None, "", "项目验收手续是否完备、质量是否达标", "验收不完备酌情扣分"),
    ("C3", "产出时效", "C", None, "", None, "", "", ""),
    ("C301", "完成及时性", "C3", 5, "定性", None, "", "项目是否按计划时间完成", "按时完成得满分"),
    ("C4", "产出成本", "C", None, "", None, "", "", ""),
    ("C401", "成本控制有效性", "C4", 5, "定性", None, "", "是否控制在预算额度内", "超预算支出酌情扣分"),
    ("D", "效益", None, None, "", None, "", "项目效益情况", ""),
    ("D1", "项目效益", "D", None, "", None, "", "", ""),
    ("D101", "社会效益", "D1", 12, "定性", None, "", "便利居民生活、解决实际困难的情况", "效果显著得满分"),
    ("D102", "可持续影响", "D1", 8, "定性", None, "", "长效管理机制是否健全", "机制健全得满分"),
    ("D103", "服务对象满意度", "D1", 10, "正向", 90, "%", "问卷调查 (满意+基本满意)÷有效样本", "达到 90% 得满分，否则按比例"),
]

# City-level points on the judgement leaves (reasons from the report's problems). D102 is
# derived so the total is the reported 81.18.
HOHHOT_CITY_POINTS = {
    "A101": (2.0, ""), "A102": (2.0, ""),
    "A201": (1.5, "部分项目实施单位绩效目标申报内容与实际工作内容相关性低"),
    "A202": (1.5, "数量、质量、时效、成本指标设置不规范，缺少可衡量性"),
    "A301": (2.0, "个别社区办公经费额度不能满足当年办公需求"),
    "A302": (2.0, ""),
    "B103": (3.0, "零星维修改造、环境整治、偿还疫情欠款等支出方向与规定不符"),
    "B201": (3.5, "采购、财务、预算管理制度内容较为原则"),
    "B202": (3.0, "需求调查有效性不足，验收手续、实施方案及结果公示不完备"),
    "C101": (8.0, ""),
    "C201": (6.5, "项目验收手续不完备"),
    "C301": (4.5, "部分项目完成时间滞后"),
    "C401": (4.0, "部分社区服务群众资金或办公经费超预算支出"),
    "D101": (11.0, "服务多样性稍显不足"),
}
HOHHOT_TOTAL = 81.18

AGE_GROUPS = ["35岁以下", "35—44岁", "45—59岁", "60岁及以上"]
CATEGORIES = [("便民利民类", 1544), ("群众活动类", 402), ("关爱帮扶类", 66), ("公益风尚类", 496),
              ("居民迫切需要的其他服务事项", 174)]
OUT_OF_SCOPE = [("小区零星维修改造", 23), ("老旧小区环境整治", 12), ("偿还疫情防控欠款", 6)]


def split_int(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to ``weights`` that add up to ``total`` (largest remainder)."""
    w = np.asarray(weights, dtype=float)
    raw = total * w / w.sum()
    base = np.floor(raw).astype(int)
    rest = total - base.sum()
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:rest]] += 1
    return base


def split_money(total: float, weights: np.ndarray) -> np.ndarray:
    """Amounts in 万元 with 2 decimals proportional to ``weights`` that add up to ``total``."""
    cents = split_int(int(round(total * 100)), weights)
    return cents / 100.0


def community_names(count: int, rng: np.random.Generator) -> list[str]:
    names = [f"{stem}{suffix}社区" for suffix in NAME_SUFFIXES for stem in NAME_STEMS]
    picked = rng.choice(len(names), size=count, replace=False)
    return [names[i] for i in picked]


def build_hohhot(rng: np.random.Generator) -> dict:
    units = [("呼和浩特市", None, "市", False, "")]
    communities: list[tuple[str, str, str]] = []  # community, street, area
    total_communities = sum(sum(s.values()) for _, s in HOHHOT_AREAS.values())
    names = iter(community_names(total_communities, rng))
    for area, (tier, streets) in HOHHOT_AREAS.items():
        units.append((area, "呼和浩特市", tier, area in VISITED_AREAS, "示意数据：下辖街道、社区及分配"))
        for street, n in streets.items():
            visited = street.endswith("*")
            street = street.rstrip("*")
            units.append((street, area, "街道" if street.endswith("街道") else "镇", visited, ""))
            for _ in range(n):
                name = next(names)
                units.append((name, street, "社区", False, ""))
                communities.append((name, street, area))
    assert len(communities) == 402

    # which communities did not use funds, which have no regional funds, which got extras
    # lists, not sets: set order changes between runs and the build must be reproducible
    not_used: list[str] = []
    for street, n in NOT_USED.items():
        members = [c for c, s, _ in communities if s == street]
        not_used += members[-n:]
    assert len(not_used) == 14
    order = rng.permutation(len(communities))
    # the 14 idle communities are new: none of them get regional money (still 319 funded)
    others = [communities[i][0] for i in order if communities[i][0] not in not_used]
    no_region = set(not_used + others[: 402 - REGION_FUNDED - len(not_used)])
    assert len(no_region) == 402 - REGION_FUNDED
    active = [c for c, _, _ in communities if c not in not_used]
    venue = set(rng.choice([c for c in active if c not in no_region], size=16, replace=False))  # 16 × 20 = 320
    model = set(rng.choice(active, size=21, replace=False))  # 示范社区 21 × 10 = 210

    area_of = {c: a for c, _, a in communities}
    # (community, level, category, budget, arrived)
    rows: list[list] = []
    for c, _, area in communities:
        if c not in no_region:
            rows.append([c, "自治区", "服务群众经费", 10.0, 10.0])
        if c in venue:
            rows.append([c, "自治区", "场所建设奖补", 20.0, 20.0])
        rows.append([c, "市", "服务群众经费", 10.0, 10.0])
        rows.append([c, "市", "办公经费", 5.0, 5.0])
        if c in model:
            rows.append([c, "市", "示范社区奖励", 10.0, 10.0])
        # county matching funds: not fully in place in the outer counties (illustrative)
        service, office = 10.0, 5.0
        if area == "武川县":
            service, office = 0.0, 0.0
        elif area in ("托克托县", "清水河县"):
            service, office = 5.0, 2.5
        elif area == "土默特左旗":
            office = 0.0
        rows.append([c, "旗县区", "服务群众经费", 10.0, service])
        rows.append([c, "旗县区", "办公经费", 5.0, office])
    # one banner community received 6 of its 10 county service funds: total shortfall 519
    tuzuo = next(r for r in rows if area_of[r[0]] == "土默特左旗" and r[1] == "旗县区" and r[2] == "服务群众经费")
    tuzuo[4] = 6.0

    budget = np.array([r[3] for r in rows])
    arrived = np.array([r[4] for r in rows])
    # spending: each active community spends a share of what it received
    share = {c: rng.uniform(0.30, 0.85) for c in active}
    weights = np.array([arrived[k] * share.get(r[0], 0.0) for k, r in enumerate(rows)])
    spent = split_money(8187.50, weights)
    spent = np.minimum(spent, arrived)
    spent[np.argmax(arrived - spent)] += round(8187.50 - spent.sum(), 2)
    budget_rows = [[r[0], r[1], r[2], r[3], None, None, r[4], round(float(s), 2)] for r, s in zip(rows, spent)]

    # projects per active community, per category; amounts from its service-fund spending
    service_spent: dict[str, float] = {}
    for r, s in zip(rows, spent):
        if r[2] == "服务群众经费":
            service_spent[r[0]] = service_spent.get(r[0], 0.0) + float(s)
    project_rows = []
    counts = {}
    for category, total in CATEGORIES + OUT_OF_SCOPE:
        base = 1.0 if category == "群众活动类" else rng.gamma(2.0, 1.0, len(active))
        counts[category] = split_int(total, np.ones(len(active)) * base if np.isscalar(base) else base)
    for k, c in enumerate(active):
        cats = [(cat, int(counts[cat][k]), cat not in dict(OUT_OF_SCOPE)) for cat, _ in CATEGORIES + OUT_OF_SCOPE]
        cats = [x for x in cats if x[1] > 0]
        amounts = split_money(service_spent[c], np.array([n * rng.uniform(0.6, 1.4) for _, n, _ in cats]))
        for (cat, n, in_scope), amount in zip(cats, amounts):
            project_rows.append([c, cat, n, float(amount), "是" if in_scope else "否"])

    category_order = [c for c, _ in CATEGORIES + OUT_OF_SCOPE]
    project_rows.sort(key=lambda r: category_order.index(r[1]))
    survey_rows = hohhot_survey(rng)
    visited_units = [u[0] for u in units if u[3]]
    return {"units": units, "budget": budget_rows, "projects": project_rows, "survey": survey_rows,
            "visited": visited_units, "communities": communities, "budget_arr": (budget, arrived, spent)}


def hohhot_survey(rng: np.random.Generator) -> list[list]:
    """Counts by visited area and age group giving exactly 89.58 % / 83.57 % satisfaction and
    54.37 % / 35.57 % frequent participation (overall / 60+), satisfaction falling with age."""
    n60, sat60, part60 = 1400, 1170, 498
    assert round(sat60 / n60 * 100, 2) == 83.57 and round(part60 / n60 * 100, 2) == 35.57
    for total in range(4200, 6000):
        s = [x for x in range(int(total * 0.8957), int(total * 0.8960) + 2) if round(x / total * 100, 2) == 89.58]
        p = [x for x in range(int(total * 0.5436), int(total * 0.5439) + 2) if round(x / total * 100, 2) == 54.37]
        if s and p:
            break
    sat_total, part_total = s[0], p[0]
    young = split_int(total - n60, np.array([0.22, 0.33, 0.45]))
    # satisfaction falls with age; the three younger groups share what the 60+ group leaves
    sat_young = split_int(sat_total - sat60, young * np.array([0.965, 0.935, 0.905]))
    part_young = split_int(part_total - part60, young * np.array([0.66, 0.62, 0.58]))
    sizes = np.append(young, n60)
    sats = np.append(sat_young, sat60)
    parts = np.append(part_young, part60)
    area_weights = np.array([1.3, 1.2, 1.0, 1.0, 0.7, 0.8])  # in VISITED_AREAS order
    rows = []
    for g, age in enumerate(AGE_GROUPS):
        n_area = split_int(int(sizes[g]), area_weights)
        sat_area = split_int(int(sats[g]), n_area * rng.uniform(0.97, 1.03, len(n_area)))
        sat_area = np.minimum(sat_area, n_area)
        sat_area[np.argmax(n_area - sat_area)] += int(sats[g]) - sat_area.sum()
        part_area = split_int(int(parts[g]), n_area * rng.uniform(0.9, 1.1, len(n_area)))
        for a, area in enumerate(VISITED_AREAS):
            satisfied = int(round(sat_area[a] * 0.68))
            basic = int(sat_area[a]) - satisfied
            unhappy = int(n_area[a] - sat_area[a])
            not_very = int(round(unhappy * 0.7))
            rows.append([area, age, int(n_area[a]), satisfied, basic, not_very, unhappy - not_very, int(part_area[a])])
    return rows


def leaf_rate_from_actual(actual: float, target: float) -> float:
    return 1.0 if actual >= target else actual / target


def hohhot_scores(data: dict, rng: np.random.Generator) -> list[list]:
    """Score rows for the city (the report's 81.18), the six visited areas and the 15 visited
    streets/towns (illustrative). Rate leaves come from each unit's own budget and survey."""
    leaf_points = {r[0]: float(r[3]) for r in HOHHOT_INDICATORS if r[3] is not None}
    units = data["units"]
    parent = {u[0]: u[1] for u in units}
    budget_rows = data["budget"]
    survey_rows = data["survey"]

    def subtree(unit: str) -> set[str]:
        members = {unit}
        changed = True
        while changed:
            changed = False
            for u, p in parent.items():
                if p in members and u not in members:
                    members.add(u)
                    changed = True
        return members

    def actuals(unit: str) -> dict[str, float]:
        members = subtree(unit)
        rows = [r for r in budget_rows if r[0] in members]
        b = sum(r[3] for r in rows)
        a = sum(r[6] for r in rows)
        s = sum(r[7] for r in rows)
        comms = {r[0] for r in rows}
        used = {r[0] for r in rows if r[7] > 0}
        out = {"B101": round(a / b * 100, 2), "B102": round(s / a * 100, 2),
               "C102": round(len(used) / len(comms) * 100, 2)}
        srows = [r for r in survey_rows if r[0] in members]
        if srows:
            out["D103"] = round(sum(r[3] + r[4] for r in srows) / sum(r[2] for r in srows) * 100, 2)
        return out

    city_actual = actuals("呼和浩特市")
    assert city_actual["B101"] == 96.71 and city_actual["B102"] == 53.65, city_actual
    city_actual["D103"] = 89.58
    rows: list[list] = []
    # city: judgement leaves as points, the rest as actual values; D102 closes the total
    targets = {r[0]: r[5] for r in HOHHOT_INDICATORS}
    points = {c: p for c, (p, _) in HOHHOT_CITY_POINTS.items()}
    for code, actual in city_actual.items():
        points[code] = leaf_points[code] * leaf_rate_from_actual(actual, targets[code])
    d102 = HOHHOT_TOTAL - sum(points.values())
    assert 0 < d102 <= leaf_points["D102"]
    for code, (p, reason) in HOHHOT_CITY_POINTS.items():
        rows.append(["呼和浩特市", code, p, None, None, reason])
    for code, actual in city_actual.items():
        reason = {"B102": "预算执行率较低，仅达到 53.65%", "B101": "部分旗县区配套资金未及时足额到位",
                  "C102": "14 个社区因未实体化运转等原因未使用项目资金",
                  "D103": "60 岁及以上居民满意度最低（83.57%）"}.get(code, "")
        rows.append(["呼和浩特市", code, None, None, actual, reason])
    rows.append(["呼和浩特市", "D102", round(d102, 4), None, None, "长效机制健全，个别社区后续资金保障待加强"])

    # areas and streets: judgement leaves drawn around the city's rates
    judgement = [c for c in HOHHOT_CITY_POINTS]
    quality = {"赛罕区": 0.08, "新城区": 0.04, "玉泉区": -0.02, "回民区": 0.01, "和林格尔县": -0.10, "土默特左旗": -0.06}
    for unit in data["visited"]:
        area = unit if unit in quality else parent[unit]
        bias = quality[area] + (rng.normal(0, 0.03) if unit not in quality else 0.0)
        for code in judgement:
            base = HOHHOT_CITY_POINTS[code][0] / leaf_points[code]
            rate = float(np.clip(base + bias + rng.normal(0, 0.05), 0.4, 1.0))
            # deduction style: points in steps of 0.25
            p = round(leaf_points[code] * rate * 4) / 4
            reason = HOHHOT_CITY_POINTS[code][1] if p < leaf_points[code] else ""
            rows.append([unit, code, p, None, None, reason])
        rows.append([unit, "D102", None, float(np.clip(0.86 + bias + rng.normal(0, 0.04), 0.5, 1.0)), None, ""])
        unit_actual = actuals(unit)
        if "D103" not in unit_actual:
            unit_actual["D103"] = round(float(np.clip(89.58 + 100 * bias / 2 + rng.normal(0, 1.5), 70, 100)), 2)
        for code, actual in unit_actual.items():
            rows.append([unit, code, None, None, actual, ""])
    return rows


def write_hohhot(out: Path) -> dict:
    rng = np.random.default_rng(0)  # seed 000
    data = build_hohhot(rng)
    scores = hohhot_scores(data, rng)
    problems = "；".join(p for p, _ in PROBLEMS)
    project = [
        ["项目名称", "街道社区党组织建设项目"], ["年度", 2023], ["地区", "呼和浩特市"],
        ["评价机构", "内蒙古腾冠管理咨询有限公司"], ["评价方式", "财政评价"],
        ["到位率口径", "到位资金÷预算资金"], ["执行率口径", "实际支出÷实际到位"],
        ["满意度口径", "(满意+基本满意)÷有效样本"], ["报告总分", HOHHOT_TOTAL], ["报告评级", "良"], ["示意数据", "是"],
        ["评价结论", "项目立项依据充分，程序规范，符合相关国家政策法规要求，长效管理机制健全；预算资金到位情况良好，"
                 "资金到位率为 96.71%；项目预算执行率较低，仅达到 53.65%。综合评分 81.18，评级“良”。"],
        ["主要问题", problems],
        ["实地调研说明", "实地调研赛罕区、新城区、玉泉区、回民区、和林格尔县及土左旗 6 个地区 15 个街道办、乡镇及区域服务中心，"
                   "覆盖项目地区总数的 67%、项目预算总额的 32%"],
    ]
    indicators = [[c, n, p, pts, kind, tgt, unit, expl, crit]
                  for c, n, p, pts, kind, tgt, unit, expl, crit in HOHHOT_INDICATORS]
    units = [[n, p, t, "是" if v else "否", note] for n, p, t, v, note in data["units"]]
    statuses = ["整改中", "已整改", "整改中", "未整改", "整改中"]
    findings = [[p, cat, "呼和浩特市", s, "示意数据：整改状态为示意"] for (p, cat), s in zip(PROBLEMS, statuses)]
    findings += [["部分社区将服务群众资金用于小区零星维修改造", "资金使用", "赛罕区", "整改中", "示意数据"],
                 ["部分社区办公经费超出当年预算", "预算编制", "新城区", "已整改", "示意数据"],
                 ["项目验收手续不完备，缺少受益方签字", "内部管理", "玉泉区", "未整改", "示意数据"]]
    bands = [["优", 90], ["良", 80], ["中", 60], ["差", 0]]
    visited_streets = {u[0] for u in data["units"] if u[3] and u[1] != "呼和浩特市"}
    street_of = {c: s for c, s, _ in data["communities"]}
    visited_budget = sum(r[3] for r in data["budget"] if street_of[r[0]] in visited_streets)
    assert len(visited_streets) == 15 and round(visited_budget / 15780 * 100) == 32, visited_budget
    write_workbook(out / "hohhot_2023_evaluation.xlsx", {
        "project": project, "indicators": indicators, "units": units, "scores": scores,
        "budget": data["budget"], "projects": data["projects"], "survey": data["survey"],
        "bands": bands, "findings": findings})
    write_score_table(out / "hohhot_2023_score_table.xlsx", scores, data)
    return data


def write_score_table(path: Path, scores: list[list], data: dict) -> None:
    """The same Hohhot evaluation as the single-sheet 评分表 a report prints: title row, merged
    level-1/2 cells carrying their points, the city and the six areas side by side (unit name
    merged over its 得分 / 扣分原因 pair), a 合计 row."""
    from perfeval_core.analysis.scoring import rate_from_actual

    targets = {r[0]: (r[4], r[5]) for r in HOHHOT_INDICATORS}
    leaf_points = {r[0]: float(r[3]) for r in HOHHOT_INDICATORS if r[3] is not None}
    by_code = {r[0]: r for r in HOHHOT_INDICATORS}
    units = ["呼和浩特市"] + VISITED_AREAS
    points: dict[tuple[str, str], tuple[float, str]] = {}
    for unit, code, p, rate, actual, reason in scores:
        if unit not in units:
            continue
        if p is None and rate is not None:
            p = rate * leaf_points[code]
        elif p is None:
            kind, target = targets[code]
            p = float(rate_from_actual(np.array([kind], dtype=object), np.array([actual]), np.array([target]))[0]) \
                * leaf_points[code]
        points[(unit, code)] = (p, reason)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "评分表"
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="DCE6F1")
    width = 6 + 2 * len(units)
    ws.cell(1, 1, "2023年街道社区党组织建设项目绩效评价指标体系及评分表（示意数据）").font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(2, 1, "评价机构：内蒙古腾冠管理咨询有限公司")
    header = ["一级指标", "二级指标", "三级指标", "分值", "指标解释", "评分标准"]
    for j, h in enumerate(header, start=1):
        ws.cell(3, j, h)
        ws.merge_cells(start_row=3, start_column=j, end_row=4, end_column=j)
    for k, unit in enumerate(units):
        col = 7 + 2 * k
        ws.cell(3, col, unit)
        ws.merge_cells(start_row=3, start_column=col, end_row=3, end_column=col + 1)
        ws.cell(4, col, "得分")
        ws.cell(4, col + 1, "扣分原因")
    row = 5
    level1 = [r for r in HOHHOT_INDICATORS if r[2] is None]
    for l1 in level1:
        start1 = row
        l2s = [r for r in HOHHOT_INDICATORS if r[2] == l1[0]]
        for l2 in l2s:
            start2 = row
            for leaf in [r for r in HOHHOT_INDICATORS if r[2] == l2[0]]:
                ws.cell(row, 3, leaf[1])
                ws.cell(row, 4, leaf[3])
                ws.cell(row, 5, leaf[7])
                ws.cell(row, 6, leaf[8])
                for k, unit in enumerate(units):
                    p, reason = points[(unit, leaf[0])]
                    ws.cell(row, 7 + 2 * k, round(p, 4)).number_format = "0.00"
                    ws.cell(row, 8 + 2 * k, reason or None)
                row += 1
            l2_points = sum(leaf_points[r[0]] for r in HOHHOT_INDICATORS if r[2] == l2[0])
            ws.cell(start2, 2, f"{l2[1]}（{l2_points:g}分）")
            if row - 1 > start2:
                ws.merge_cells(start_row=start2, start_column=2, end_row=row - 1, end_column=2)
        l1_points = sum(leaf_points[c] for c in leaf_points if by_code[by_code[c][2]][2] == l1[0])
        ws.cell(start1, 1, f"{l1[1]}（{l1_points:g}分）")
        ws.merge_cells(start_row=start1, start_column=1, end_row=row - 1, end_column=1)
    ws.cell(row, 1, "合计")
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
    ws.cell(row, 4, 100)
    for k, unit in enumerate(units):
        total = sum(points[(unit, c)][0] for c in leaf_points)
        ws.cell(row, 7 + 2 * k, round(total, 2)).number_format = "0.00"
    for r in ws.iter_rows(min_row=3, max_row=row, max_col=width):
        for cell in r:
            cell.border = border
            cell.alignment = Alignment(vertical="center", wrap_text=True)
    for r in ws.iter_rows(min_row=3, max_row=4, max_col=width):
        for cell in r:
            cell.fill = head_fill
            cell.font = Font(bold=True)
    for j, w in enumerate([12, 14, 16, 6, 28, 28] + [9, 22] * len(units), start=1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width = w
    ws.freeze_panes = "G5"
    wb.save(path)


TANGSHAN_INDICATORS = [
    ("A", "决策", None, None, "", None, "", "", ""),
    ("A1", "项目立项", "A", None, "", None, "", "", ""),
    ("A101", "立项规范性", "A1", 5, "定性", None, "", "项目申请、设立过程是否符合相关要求", "规范得满分"),
    ("A2", "绩效目标", "A", None, "", None, "", "", ""),
    ("A201", "绩效目标合理性", "A2", 5, "定性", None, "", "绩效目标与项目实际是否相符", "合理得满分"),
    ("A202", "绩效指标明确性", "A2", 5, "定性", None, "", "绩效指标是否清晰、细化、可衡量", "明确得满分"),
    ("A3", "资金投入", "A", None, "", None, "", "", ""),
    ("A301", "预算编制科学性", "A3", 5, "定性", None, "", "预算编制是否科学合理", "科学得满分"),
    ("B", "过程", None, None, "", None, "", "", ""),
    ("B1", "资金管理", "B", None, "", None, "", "", ""),
    ("B101", "资金到位率", "B1", 5, "正向", 100, "%", "实际到位资金÷预算资金×100%", "得分=到位率×分值"),
    ("B102", "预算执行率", "B1", 5, "正向", 100, "%", "实际支出资金÷实际到位资金×100%", "得分=执行率×分值"),
    ("B103", "资金使用合规性", "B1", 4, "定性", None, "", "资金是否专款专用", "合规得满分"),
    ("B2", "组织实施", "B", None, "", None, "", "", ""),
    ("B201", "管理制度健全性", "B2", 3, "定性", None, "", "管理制度是否健全", "健全得满分"),
    ("B202", "制度执行有效性", "B2", 3, "定性", None, "", "制度是否有效执行", "有效得满分"),
    ("C", "产出", None, None, "", None, "", "", ""),
    ("C1", "产出数量", "C", None, "", None, "", "", ""),
    ("C101", "服务项目完成率", "C1", 10, "定性", None, "", "教育培训、走访慰问、文体活动等完成情况", "全部完成得满分"),
    ("C2", "产出质量", "C", None, "", None, "", "", ""),
    ("C201", "服务质量达标率", "C2", 10, "定性", None, "", "服务质量是否达标", "达标得满分"),
    ("C3", "产出时效", "C", None, "", None, "", "", ""),
    ("C301", "经费拨付及时性", "C3", 10, "定性", None, "", "经费是否每年一次性及时拨付", "及时得满分"),
    ("D", "效益", None, None, "", None, "", "", ""),
    ("D1", "项目效益", "D", None, "", None, "", "", ""),
    ("D101", "经济效益", "D1", 5, "定性", None, "", "社区资源优化配置、资金使用效率", "显著得满分"),
    ("D102", "社会效益", "D1", 10, "定性", None, "", "社区凝聚力、居民归属感与幸福感", "显著得满分"),
    ("D103", "可持续影响", "D1", 5, "定性", None, "", "社区自治能力与长效机制", "显著得满分"),
    ("D104", "服务对象满意度", "D1", 10, "定性", None, "", "社区群众、干部满意程度", "满意得满分"),
]


def write_tangshan(out: Path) -> None:
    rng = np.random.default_rng(3)  # seed 003
    leaves = [r for r in TANGSHAN_INDICATORS if r[3] is not None]
    scores = []
    for r in leaves:
        if r[4] == "正向":
            scores.append(["区级", r[0], None, None, 100.0, ""])
        elif r[0] in ("C101", "C201", "D104"):
            scores.append(["区级", r[0], None, 1.0, None, ""])
        else:
            scores.append(["区级", r[0], float(r[3]), None, None, ""])
    categories = [("教育培训党员", 0.25), ("走访慰问困难群众", 0.35), ("开展文体活动", 0.40)]
    amounts = split_money(280.0, np.array([w for _, w in categories]))
    counts = split_int(60, np.array([w for _, w in categories]) * rng.uniform(0.8, 1.2, 3))
    project = [
        ["项目名称", "城市社区党组织服务群众专项经费"], ["年度", 2024], ["地区", "唐山市"],
        ["评价机构", "区委组织部绩效评价工作小组"], ["评价方式", "部门评价"],
        ["到位率口径", "到位资金÷预算资金"], ["执行率口径", "实际支出÷实际到位"],
        ["报告总分", 100], ["报告评级", "优秀"], ["示意数据", "是"],
        ["评价结论", "经评价小组对该项目各类指标进行综合评价，评价结果 100 分，评定等次为优秀。"],
        ["主要问题", "社区党组织对专项经费的认识有待提高，使用效益还不充分；可能过于关注短期效益，忽视长期规划和持续发展。"],
        ["实地调研说明", "对项目进行了现场抽查"],
    ]
    write_workbook(out / "tangshan_2024_evaluation.xlsx", {
        "project": project,
        "indicators": [list(r) for r in TANGSHAN_INDICATORS],
        "units": [["区级", None, "区", "否", "报告未写明区名（青年路街道属丰南区）"],
                  ["青年路街道", "区级", "街道", "是", "专项资金发放账户所在街道办事处"]],
        "scores": scores,
        "budget": [["青年路街道", "区级", "服务群众专项经费", 280.0, None, None, 280.0, 280.0]],
        "projects": [["青年路街道", c, int(n), float(a), "是"] for (c, _), n, a in zip(categories, counts, amounts)],
        "bands": [["优", 90], ["良", 80], ["中", 60], ["差", 0]],
        "findings": [["社区党组织对专项经费的认识有待提高，使用效益还不充分", "资金使用效益", "青年路街道", "整改中",
                      "建立严格的经费发放制度；注重长期效益和持续发展（示意状态）"]],
    })


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else HERE
    out.mkdir(parents=True, exist_ok=True)
    write_hohhot(out)
    write_tangshan(out)
    from perfeval_core.io.template_io import template_bytes

    (out / "template.xlsx").write_bytes(template_bytes())
    print(f"samples written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
