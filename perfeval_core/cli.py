"""Command line: ``python -m perfeval_core validate|summary|score|robustness FILE``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from perfeval_core.analysis.rules import band_problem
from perfeval_core.analysis.scoring import Scenario, ScoringModel
from perfeval_core.io.loader import LAYOUT_NAMES, LoadResult
from perfeval_core.io.sandbox import load_path
from perfeval_core.model.evaluation import Bands, Evaluation
from perfeval_core.model.messages import Refusal, UnknownKey, render
from perfeval_core.present.summary import as_jsonable, indicators_json, score_json, summary


def say(key: str, lang: str, **params: Any) -> str:
    """A line of the command line's output, from the catalogue (``model.messages``)."""
    return render(key, params, lang)


def _print_json(data: Any) -> None:
    print(json.dumps(as_jsonable(data), ensure_ascii=False, indent=2))


def _report_text(result: LoadResult, lang: str) -> str:
    lines = result.report.lines(lang)
    if result.report.layout:
        names = LAYOUT_NAMES.get(result.report.layout, (result.report.layout, result.report.layout))
        lines.insert(0, say("cli_layout", lang, name=names[1 if lang == "en" else 0]))
    return "\n".join(lines)


def _load_or_fail(path: str, lang: str) -> LoadResult | None:
    result = load_path(path)
    if result.evaluation is None:
        print(_report_text(result, lang), file=sys.stderr)
        if result.blank:
            print(render("cannot_score_blank", {}, lang), file=sys.stderr)
        return None
    return result


def cmd_indicators(args: argparse.Namespace) -> int:
    result = load_path(args.file)
    ev = result.indicator_system
    if ev is None:
        print(_report_text(result, args.lang), file=sys.stderr)
        return 1
    data = indicators_json(ev)
    if args.json:
        _print_json(data)
        return 0
    print(_report_text(result, args.lang))
    scored = say("cli_scored" if data["scored"] else "cli_blank", args.lang)
    print(say("cli_tree", args.lang, leaves=data["leaves"], points=data["total_points"], scored=scored))
    for entry in data["indicators"]:
        print(f"{'  ' * (entry['level'] - 1)}{entry['code']}  {entry['name']}  {entry['official']:g}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    result = load_path(args.file)
    if args.json:
        _print_json(result.report.to_dict(args.lang))
    else:
        text = _report_text(result, args.lang)
        print(text if text else say("cli_no_issues", args.lang))
    return 0 if result.ok else 1


def cmd_summary(args: argparse.Namespace) -> int:
    result = _load_or_fail(args.file, args.lang)
    if result is None:
        return 1
    data = summary(result.evaluation)  # type: ignore[arg-type]
    data["warnings"] = [i.text(args.lang) for i in result.report.warnings]
    if args.json:
        _print_json(data)
    else:
        _print_summary_text(data, args.lang)
    return 0


def _print_summary_text(d: dict[str, Any], lang: str) -> None:
    where = ("，" if lang == "zh" else ", ").join(x for x in (d["region"], d["mode"]) if x)
    print(say("cli_year_project", lang, year=d["year"] or "", project=d["project"],
              where=say("cli_where", lang, text=where) if where else "").lstrip("年 "))
    print(say("cli_score_rating", lang, score=d["total_score"], rating=d["rating"]))
    b = d.get("budget")

    def amount(x: float | None) -> str:
        return "—" if x is None else f"{x:g}"

    def rate(x: float | None) -> str:
        return "—" if x is None else f"{x:.2%}"

    if b:
        arrived = say("cli_arrived", lang, amount=amount(b["arrived"])) if d["arrival_rate"] is not None else ""
        print(say("cli_budget", lang, budget=amount(b["budget"]), arrived=arrived, spent=amount(b["spent"]),
                  arrival=rate(d["arrival_rate"]), execution=rate(d["execution_rate"])))
        for lvl in b["by_level"]:
            print(say("cli_budget_level", lang, level=lvl["level"], budget=amount(lvl["budget"])))
        print(say("cli_units", lang, budgeted=d["units_budgeted"], used=d["units_used_funds"]))
    for p in d.get("projects") or []:
        scope = "" if p["in_scope"] else say("cli_out_of_scope", lang)
        print(say("cli_projects", lang, category=p["category"], scope=scope, count=p["count"]))
    if d.get("satisfaction"):
        print(say("cli_satisfaction", lang, value=d["satisfaction"]["overall"]))
    if d.get("participation"):
        print(say("cli_participation", lang, value=d["participation"]["overall"]))


def _bands(args: argparse.Namespace, current: Bands | None) -> Bands | None:
    """--bands, checked (thresholds only take ``current``'s labels); ValueError with a plain
    message when malformed."""
    bands = None
    if args.bands:
        try:
            bands = Bands.parse(args.bands, current)
        except ValueError as exc:
            raise ValueError(render(str(exc), {}, args.lang)) from None
        problem = band_problem(bands)
        if problem:
            raise ValueError(render(problem[0], problem[1], args.lang) + "；" + render("bands_format", {}, args.lang))
    return bands


def _argument_error(exc: Exception, lang: str = "zh") -> int:
    """A bad argument (an unknown indicator, a malformed number): a plain message, exit code 2."""
    if isinstance(exc, (Refusal, UnknownKey)):
        message = exc.text(lang)
    else:
        message = exc.args[0] if exc.args else str(exc)
    print(say("cli_argument_error", lang, message=message), file=sys.stderr)
    return 2


Prepared = tuple[dict[str, float], Bands | None, Evaluation]


def _prepare(args: argparse.Namespace, check: Callable[[], None] | None = None) -> Prepared | int:
    """The scenario arguments, checked, then the workbook loaded: the values, or the exit code
    (2 for bad arguments, 1 for a workbook with errors, its report already printed)."""
    try:
        weights = Scenario.parse_weights(args.weights) if args.weights else {}
        if args.bands and "=" in args.bands:
            _bands(args, None)  # labels given: checked before the workbook is read
        if check is not None:
            check()
    except ValueError as exc:
        return _argument_error(exc, args.lang)
    result = _load_or_fail(args.file, args.lang)
    if result is None or result.evaluation is None:
        return 1
    try:
        bands = _bands(args, result.evaluation.bands)
    except ValueError as exc:
        return _argument_error(exc, args.lang)
    return weights, bands, result.evaluation


def cmd_score(args: argparse.Namespace) -> int:
    prepared = _prepare(args)
    if isinstance(prepared, int):
        return prepared
    weights, bands, evaluation = prepared
    scenario = Scenario(weights=weights, mode=args.mode)
    try:
        data = score_json(evaluation, scenario, bands)
    except (KeyError, ValueError) as exc:
        return _argument_error(exc, args.lang)
    if args.json:
        _print_json(data)
    else:
        print(say("cli_score_rating", args.lang, score=data["total_score"], rating=data["rating"]))
        for u in sorted(data["units"], key=lambda u: (u["depth"], u["rank"])):
            print(f"{'  ' * u['depth']}{u['rank']:>3}. {u['unit']}  {u['total']:.2f}  {u['rating']}")
    return 0


def cmd_robustness(args: argparse.Namespace) -> int:
    from perfeval_core.analysis.robustness import robustness_json

    def check() -> None:
        if args.draws < 1:
            raise ValueError(say("cli_draws", args.lang))
        if not (0 <= args.spread < 1 or (args.method == "dirichlet" and args.spread >= 0)):
            raise ValueError(say("cli_spread", args.lang))

    prepared = _prepare(args, check)
    if isinstance(prepared, int):
        return prepared
    weights, bands, evaluation = prepared
    try:
        model = ScoringModel(evaluation)
        data = robustness_json(model, bands, weights or None, draws=args.draws, spread=args.spread,
                               method=args.method, seed=args.seed)
    except (KeyError, ValueError) as exc:
        return _argument_error(exc, args.lang)
    if args.json:
        _print_json(data)
    else:
        _print_robustness_text(data, args.lang)
    return 0


def _print_robustness_text(d: dict[str, Any], lang: str) -> None:
    en = lang == "en"
    mc = d["monte_carlo"]
    weights = (", " if en else "，").join(f"{k} {v:g}" for k, v in d["weights"].items())
    print(say("cli_weights", lang, weights=weights, draws=mc["draws"], spread=mc["spread"], method=mc["method"]))
    for u in sorted(d["units"], key=lambda u: (u["depth"], u["rank"])):
        ri = u["rank_interval"]
        probs = " ".join(f"{k}{v:.0%}" for k, v in u["band_probabilities"].items() if v)
        interval = "" if ri is None else say("cli_rank_interval", lang, p5=ri["p5"], p95=ri["p95"], median=ri["median"])
        print(f"{'  ' * u['depth']}{u['rank']:>3}. {u['unit']}  {u['total']:.2f} {u['rating']}  " + interval + probs)
        for group, b in u["break_even"].items():
            parts = []
            if b["up"] is not None:
                parts.append(f"{group} ↑{b['up']:.1f} → {b['up_rating']}")
            if b["down"] is not None:
                parts.append(f"{group} ↓{b['down']:.1f} → {b['down_rating']}")
            if parts:
                print(f"{'  ' * u['depth']}       " + "；".join(parts))
    rp = d["robust_pairs"]
    if rp is not None:
        print(say("cli_robust_pairs", lang, count=rp["count"], pairs=rp["pairs"]))


def cmd_export(args: argparse.Namespace) -> int:
    if not (args.pptx or args.xlsx or args.pdf or args.html):
        print(say("cli_argument_error", args.lang, message=say("cli_nothing_to_write", args.lang)), file=sys.stderr)
        return 2
    prepared = _prepare(args)
    if isinstance(prepared, int):
        return prepared
    weights, bands, evaluation = prepared
    scenario = Scenario(weights=weights, mode="renormalise", bands=bands) \
        if (weights or bands) else None
    try:
        from perfeval_core.present.export_html import report_html
        from perfeval_core.present.export_pdf import deck_pdf
        from perfeval_core.present.export_pptx import deck_bytes
        from perfeval_core.present.export_xlsx import workbook_bytes

        model = ScoringModel(evaluation)  # one model for every file written
        builders: list[tuple[str | None, Callable[[], bytes]]] = [
            (args.xlsx, lambda: workbook_bytes(model, scenario, args.lang)),
            (args.pptx, lambda: deck_bytes(model, scenario, args.lang)),
            (args.pdf, lambda: deck_pdf(model, scenario, args.lang)),
            (args.html, lambda: report_html(model, scenario, args.lang).encode("utf-8")),
        ]
        for path, build in builders:
            if path:
                Path(path).write_bytes(build())
                print(path)
    except (KeyError, ValueError) as exc:
        return _argument_error(exc, args.lang)
    except OSError as exc:
        print(say("cli_cannot_write", args.lang, error=exc), file=sys.stderr)
        return 1
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    """Manage the local user file (the first admin has to be made here, before anyone can sign in)."""
    import getpass

    from perfeval_core.auth.users import AuthError, UserFile, auth_config

    try:
        users = UserFile(Path(args.file) if args.file else auth_config().users_file)
        if args.action == "list":
            for name, entry in sorted(users.users().items()):
                kind = say("cli_password_source" if entry.get("password") else "cli_identity_provider", args.lang)
                print(f"{name}\t{entry['role']}\t{entry.get('name', '')}\t{kind}")
            return 0
        if not args.username:
            print(say("cli_argument_error", args.lang, message=say("cli_need_user", args.lang)), file=sys.stderr)
            return 2
        password: str | None = None
        if args.action in ("add", "passwd") and not args.oidc:
            if args.password_stdin:
                password = sys.stdin.readline().rstrip("\n")
            else:
                password = getpass.getpass(say("cli_password", args.lang, user=args.username))
                if getpass.getpass(say("cli_password_again", args.lang)) != password:
                    print(say("cli_password_mismatch", args.lang), file=sys.stderr)
                    return 2
        if args.action == "add":
            users.add(args.username, args.role, password, args.name or "")
        elif args.action == "passwd":
            assert password is not None
            users.set_password(args.username, password)
        elif args.action == "role":
            users.set_role(args.username, args.role)
        elif args.action == "remove":
            users.remove(args.username)
    except AuthError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"{users.path}: {args.action} {args.username}")
    return 0


def cmd_weights(args: argparse.Namespace) -> int:
    """Weights a method proposes (equal, entropy, CRITIC, AHP), as points summing to the set's total."""
    from perfeval_core.analysis.methods import weights_by

    result = _load_or_fail(args.file, args.lang)
    if result is None or result.evaluation is None:
        return 1
    try:
        proposed = weights_by(ScoringModel(result.evaluation), args.method, args.level, args.pairs)
    except (KeyError, ValueError) as exc:
        return _argument_error(exc, args.lang)
    for key, params in proposed.notes:  # e.g. an inconsistent AHP matrix: said, not hidden
        print(render(key, params, args.lang), file=sys.stderr)
    if args.json:
        _print_json(proposed.to_json())
    else:
        tree = ScoringModel(result.evaluation).tree
        names = dict(zip(tree.codes, tree.names))
        for code, points in proposed.weights.items():
            print(f"{code}  {names.get(code, '')}  {points:.2f}")
        if proposed.cr is not None:
            print(say("cli_cr", args.lang, cr=proposed.cr))
    return 0


def cmd_consequences(args: argparse.Namespace) -> int:
    """评价结果应用: next year's budget of each unit under a rule per band (and a what-if weighting)."""
    from perfeval_core.analysis.consequences import consequences, default_rules, parse_rules

    prepared = _prepare(args)
    if isinstance(prepared, int):
        return prepared
    weights, bands, evaluation = prepared
    model = ScoringModel(evaluation)
    scenario = Scenario(weights=weights, mode="renormalise", bands=bands) if (weights or bands) else None
    try:
        used = bands or evaluation.bands
        rules = parse_rules(args.rules, used) if args.rules else default_rules(used)
        data = consequences(model, rules, scenario)
    except (KeyError, ValueError) as exc:
        return _argument_error(exc, args.lang)
    if args.json:
        _print_json(data.to_json())
    else:
        for row in data.table.itertuples():
            print(say("cli_consequence", args.lang, unit=row.unit, budget=_amount(row.budget), rating=row.rating or "—",
                      change=_amount(row.change, sign=True), next=_amount(row.next_budget)))
        print(say("cli_total_change", args.lang, change=_amount(data.total_change, sign=True)))
    return 0


def cmd_gaps(args: argparse.Namespace) -> int:
    """Self-evaluation against evaluation: per level-1 indicator, the self-evaluation's points minus
    the evaluation's, for every pair of the same project and year among the files given."""
    from perfeval_core.analysis import gaps

    loaded = []
    for path in args.files:
        result = _load_or_fail(path, args.lang)
        if result is None or result.evaluation is None:
            return 1
        loaded.append(result.evaluation)
    found = gaps.gap_list(loaded)
    if args.json:
        _print_json([g.to_json() for g in found])
        return 0
    if not found:
        print(say("cli_gap_none", args.lang))
        return 0
    from perfeval_core.present.i18n import mode_name

    for g in found:
        mode = mode_name(g.mode, args.lang)
        print(say("cli_gap_pair", args.lang, year=g.year or "", project=g.project, mode=mode,
                  self_total=_points(g.self_total), evaluation_total=_points(g.evaluation_total),
                  gap=_points(g.total_gap, sign=True)).strip())
        for row in g.table.itertuples(index=False):
            print(say("cli_gap_row", args.lang, indicator=row.indicator, self=_points(row.self),
                      evaluation=_points(row.evaluation), gap=_points(row.gap, sign=True)))
    return 0


def _points(x: float | None, sign: bool = False) -> str:
    if x is None or x != x:
        return "—"
    return f"{x:+.2f}" if sign else f"{x:.2f}"


def _amount(x: float, sign: bool = False) -> str:
    if x != x:
        return "—"
    return f"{x:+,.2f}" if sign else f"{x:,.2f}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m perfeval_core",
                                     description="财政项目支出绩效评价：校验、汇总与评分")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh", help="message language (default zh)")
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="check a workbook (or a folder or .zip of forms); exit 0 when there is no error")
    v.add_argument("file")
    v.add_argument("--json", action="store_true")
    v.set_defaults(func=cmd_validate)
    s = sub.add_parser("summary", help="project figures: score, rating, budget, rates, projects, survey")
    s.add_argument("file")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_summary)
    i = sub.add_parser("indicators", help="the indicator tree as read (also for a blank form)")
    i.add_argument("file")
    i.add_argument("--json", action="store_true")
    i.set_defaults(func=cmd_indicators)
    c = sub.add_parser("score", help="score every unit, optionally with other weights and bands; "
                                     "a folder or .zip of forms is scored as one portfolio")
    c.add_argument("file", help="a workbook, a Word file, a folder or a .zip of forms")
    c.add_argument("--weights", help="e.g. 决策=20,过程=20,产出=30,效益=30 (names or codes, any level)")
    c.add_argument("--mode", choices=["retotal", "renormalise"], default="retotal",
                   help="retotal: a changed indicator changes its parent (then all scaled to 100); "
                        "renormalise: its siblings absorb the change")
    c.add_argument("--bands", help="rating bands: 优=90,良=80,中=60,差=0 (any number, best first) or thresholds 90,80,60")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_score)
    r = sub.add_parser("robustness", help="break-even weights, distance to the next band, Monte Carlo "
                                          "rank intervals and band probabilities, robust pairs")
    r.add_argument("file")
    r.add_argument("--draws", type=int, default=10_000, help="Monte Carlo draws (default 10000)")
    r.add_argument("--spread", type=float, default=0.2,
                   help="relative weight perturbation, e.g. 0.2 = each level-1 weight ±20%% (default 0.2)")
    r.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    r.add_argument("--method", choices=["uniform", "dirichlet"], default="uniform",
                   help="uniform: w×U(1−s,1+s) renormalised; dirichlet: Dirichlet around the weights")
    r.add_argument("--weights", help="reference level-1 weights, e.g. 决策=20,过程=20,产出=30,效益=30")
    r.add_argument("--bands", help="rating bands: 优=90,良=80,中=60,差=0 (any number, best first) or thresholds 90,80,60")
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_robustness)
    e = sub.add_parser("export", help="write a slide deck (.pptx, .pdf), a what-if workbook (.xlsx) and/or "
                                      "a one-file HTML report")
    e.add_argument("file")
    e.add_argument("--weights", help="a scenario, e.g. 效益=40 (level-1 changes keep the total at 100)")
    e.add_argument("--bands", help="rating bands: 优=90,良=80,中=60,差=0 (any number, best first) or thresholds 90,80,60")
    e.add_argument("--pptx", help="output deck, e.g. OUT.pptx")
    e.add_argument("--xlsx", help="output workbook, e.g. OUT.xlsx")
    e.add_argument("--pdf", help="output deck as PDF (the .pptx's slides), e.g. OUT.pdf")
    e.add_argument("--html", help="output report, one self-contained HTML file, e.g. OUT.html")
    e.set_defaults(func=cmd_export)
    w = sub.add_parser("weights", help="weights a method proposes, as points summing to 100: equal, entropy, "
                                       "critic (from the score rates of the deepest tier) or ahp (pairwise judgements)")
    w.add_argument("file")
    w.add_argument("--method", choices=["equal", "entropy", "critic", "ahp"], required=True)
    w.add_argument("--level", choices=["1", "leaf"], default="1", help="level-1 indicators (default) or the leaves")
    w.add_argument("--pairs", help='AHP judgements, e.g. "A:B=3,A:C=1/2,..." (codes or names; every pair once)')
    w.add_argument("--json", action="store_true")
    w.set_defaults(func=cmd_weights)
    q = sub.add_parser("consequences", help="next year's budget per unit under a rule per band (评价结果应用)")
    q.add_argument("file")
    q.add_argument("--rules", help="e.g. 优=+10%%,良=0%%,中=-10%%,差=-100%% (the default)")
    q.add_argument("--weights", help="a what-if weighting, e.g. 效益=40 (level-1 changes keep the total at 100)")
    q.add_argument("--bands", help="rating bands: 优=90,良=80,中=60,差=0 or thresholds 90,80,60")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_consequences)
    g = sub.add_parser("gaps", help="self-evaluation against evaluation: the gap per level-1 indicator for each "
                                    "project and year loaded as both (candidates for an in-depth evaluation)")
    g.add_argument("files", nargs="+")
    g.add_argument("--json", action="store_true")
    g.set_defaults(func=cmd_gaps)
    u = sub.add_parser("users", help="manage the local user file for PERFEVAL_AUTH=local / oidc")
    u.add_argument("action", choices=["list", "add", "passwd", "role", "remove"])
    u.add_argument("username", nargs="?")
    u.add_argument("--role", choices=["viewer", "editor", "admin"], default="viewer")
    u.add_argument("--name", help="display name, e.g. 张三")
    u.add_argument("--oidc", action="store_true", help="no password: the user signs in through the identity provider")
    u.add_argument("--password-stdin", action="store_true", help="read the password from one line of stdin")
    u.add_argument("--file", help="user file (default $PERFEVAL_USERS_FILE or <data dir>/users.json)")
    u.set_defaults(func=cmd_users)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args))
