"""No compensation statement for a section without a rule (issue 13; the rules are issue 15's).

``lanxi water compensation --file … --section S1`` for a section no agreement covers used to
print the Xin'an pilot's parties (浙江 pays 安徽); with the rules as data
(``compensation_rules.yaml``) it is refused.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from lanxi.cli.main import app

runner = CliRunner()


def _samples(tmp_path: Path) -> Path:
    rows = [
        f"S1,{y}-{m:02d}-15,river,3,3.0,0.5,0.1,1.0"
        for y in (2022, 2023, 2024, 2025)
        for m in range(1, 13)
    ]
    p = tmp_path / "w.csv"
    p.write_text(
        "section,time,waterbody,target_class,codmn,nh3n,tp,tn\n" + "\n".join(rows) + "\n",
        encoding="utf-8",
    )
    return p


def test_no_statement_without_a_rule(tmp_path: Path) -> None:
    res = runner.invoke(
        app,
        [
            "water",
            "compensation",
            "--section",
            "S1",
            "--year",
            "2025",
            "--file",
            str(_samples(tmp_path)),
        ],
    )
    assert res.exit_code != 0, res.output
    assert "浙江" not in res.output and "安徽" not in res.output
