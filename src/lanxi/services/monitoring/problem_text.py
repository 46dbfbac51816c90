"""The Chinese text of every validation problem, keyed by the problem's kind.

Every message of the monitoring validators starts with its kind in brackets (``[period form]``,
``[unit]``, …). :data:`CATALOGUE` gives, per kind, the English forms of the message (regular
expressions whose named groups are the message's variable parts) and the Chinese template they
fill. :func:`message_zh` is what :class:`~lanxi.services.monitoring.validate` uses for
:attr:`lanxi.errors.Problem.message_zh`; ``tests/monitoring/test_problem_text.py`` fails when a
kind used by a validator has no entry, or a message of it matches none of the entry's forms.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Template = str | Callable[[re.Match[str]], str]

#: kind → [(English form, Chinese template)]; ``{name}`` in a template is the group ``name``.
CATALOGUE: dict[str, list[tuple[str, Template]]] = {
    "columns": [
        (
            r"required column '(?P<col>[^']+)' is missing; the header must be: (?P<header>.+?) "
            r"\(generate one with `lanxi template`\)",
            "缺少必填列“{col}”；表头应为：{header}（可用 `lanxi template` 生成模板）",
        ),
        (
            r"unknown column '(?P<col>[^']*)' \(misspelt\?\); allowed: (?P<header>.+)",
            "未知列“{col}”（是否拼写有误？）；允许的列：{header}",
        ),
        (r"column '(?P<col>[^']*)' appears more than once", "列“{col}”重复出现"),
        (
            r"cannot tell what the file holds.*",
            "无法判断文件内容：监测数据文件应有 indicator_id 列，任务进展文件应有 task_id 列"
            "（请从模板开始填写）",
        ),
    ],
    "rows": [(r"the file has no data rows below the header", "表头下没有数据行")],
    "required": [(r"'(?P<col>[^']+)' is empty; fill it in", "“{col}”为空，请填写")],
    "unique": [
        (
            r"duplicate (?P<key>.+): the same key is at row (?P<row>\d+); keep one row per key",
            "重复的 {key}：与第 {row} 行相同，每个键只保留一行",
        )
    ],
    "indicator exists": [
        (
            r"unknown indicator; .*",
            "未知的指标代码，请使用模板代码表中的指标代码（`lanxi indicators`）",
        )
    ],
    "region exists": [
        (
            r"unknown region code; .*",
            "未知的行政区划代码，请使用代码表中的 6 位代码或 LXCSQ（`lanxi regions`）",
        )
    ],
    "period form": [
        (
            r"the period does not fit the indicator's frequency: write (?P<form>.+)",
            "期间与指标的统计频率不符，应写作 {form}",
        ),
        (r"write the reporting period as (?P<form>.+)", "报告期应写作 {form}"),
    ],
    "number": [
        (
            r"not a number: .*",
            "不是数字：请填写阿拉伯数字和小数点，不加千位分隔符或单位（如 1234.5）",
        )
    ],
    "unit": [
        (
            r"does not convert to the indicator's unit; use one of: (?P<units>.+)",
            "无法换算为指标的单位，可用单位：{units}",
        )
    ],
    "plausible range": [
        (
            r"(?P<value>\S+) (?P<unit>.*?)(?P<conv> after conversion to the indicator's unit)? "
            r"is outside the indicator's range (?P<range>\[[^\]]*\]); check the unit and the "
            r"decimal point",
            lambda m: (
                f"{m['value']} {m['unit']}"
                + ("（换算为指标单位后）" if m["conv"] else "")
                + f"超出指标的合理范围 {m['range']}，请检查单位和小数点"
            ),
        )
    ],
    "task exists": [
        (r"unknown task; .*", "未知的任务编号，请使用代码表中的 t01…t58（`lanxi tasks`）")
    ],
    "agency exists": [
        (r"unknown agency; .*", "未知的责任单位代码，请使用代码表中的代码（`lanxi agencies`）")
    ],
    "status": [(r"progress must be one of (?P<values>.+)", "进展状态须为 {values} 之一")],
    "percent": [
        (r"not a number: write the percentage complete as 0–100", "不是数字：完成百分比请填 0–100"),
        (r"the percentage complete must be between 0 and 100", "完成百分比须在 0 到 100 之间"),
        (
            r"a task reported 已完成 is 100 % complete: write 100 or choose 推进中",
            "已完成的任务完成百分比应为 100，请填 100 或改选“推进中”",
        ),
        (
            r"a task reported 未启动 is 0 % complete: write 0 or choose 推进中",
            "未启动的任务完成百分比应为 0，请填 0 或改选“推进中”",
        ),
    ],
    "links": [
        (
            r"each evidence link must be an http:// or https:// address, separated by ';'",
            "每个佐证链接须为 http:// 或 https:// 开头的网址，多个链接用“;”分隔",
        )
    ],
    # problems without a bracketed kind
    "": [
        (
            r"… and (?P<n>\d+) more row\(s\) with the same problem "
            r"\(the first at row (?P<row>\d+)\)",
            "……另有 {n} 行存在同样问题（首个在第 {row} 行）",
        ),
        (r"file not found", "找不到文件"),
    ],
}

#: The Chinese name of each kind, shown in brackets like the English one.
KIND_ZH: dict[str, str] = {
    "columns": "列",
    "rows": "行",
    "required": "必填",
    "unique": "唯一",
    "indicator exists": "指标",
    "region exists": "地区",
    "period form": "期间格式",
    "number": "数值",
    "unit": "单位",
    "plausible range": "合理范围",
    "task exists": "任务",
    "agency exists": "责任单位",
    "status": "进展状态",
    "percent": "完成百分比",
    "links": "佐证链接",
}

_KIND = re.compile(r"\[(?P<kind>[a-z ]+)\] (?P<rest>.*)", re.S)
_COMPILED = {
    kind: [(re.compile(en, re.S), zh) for en, zh in forms] for kind, forms in CATALOGUE.items()
}


def message_zh(message: str) -> str | None:
    """The Chinese text of a validator's English ``message``; None when the catalogue lacks it.

    Parameters
    ----------
    message : str
        ``"[kind] text"`` as the validators write it (or one of the kind-less messages).

    Returns
    -------
    str or None
        ``"[类别] 中文"``, or None (a missing translation: the catalogue's test fails on it).
    """
    m = _KIND.fullmatch(message)
    kind, rest = (m["kind"], m["rest"]) if m else ("", message)
    for pattern, zh in _COMPILED.get(kind, []):
        hit = pattern.fullmatch(rest)
        if hit is None:
            continue
        text = (
            zh(hit)
            if callable(zh)
            else zh.format(**{k: v or "" for k, v in hit.groupdict().items()})
        )
        return f"[{KIND_ZH[kind]}] {text}" if kind else text
    return None
