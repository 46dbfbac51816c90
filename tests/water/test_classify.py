"""Classification by GB 3838-2002 表1 and the 2011 method.

The limits below are re-typed from the printed table (GB 3838-2002 表1), independently of the
bundled YAML, so a typo in either fails a test. ``AT`` / ``BEYOND`` are the hand-worked classes of a
value equal to each class limit and of a value just beyond it (above for upper limits, below for
dissolved oxygen).
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lanxi.compute.gbt8170 import multiple_half_even
from lanxi.compute.water import classify_samples, item_classes, validate_water_frame
from lanxi.errors import ValidationError
from lanxi.standards.gb3838 import gb3838_table

# item: (limits Ⅰ..Ⅴ, class AT each limit, class just BEYOND each limit)
TABLE1 = {
    "do": ((7.5, 6, 5, 3, 2), (1, 2, 3, 4, 5), (2, 3, 4, 5, 6)),
    "codmn": ((2, 4, 6, 10, 15), (1, 2, 3, 4, 5), (2, 3, 4, 5, 6)),
    "cod": ((15, 15, 20, 30, 40), (1, 1, 3, 4, 5), (3, 3, 4, 5, 6)),
    "bod5": ((3, 3, 4, 6, 10), (1, 1, 3, 4, 5), (3, 3, 4, 5, 6)),
    "nh3n": ((0.15, 0.5, 1.0, 1.5, 2.0), (1, 2, 3, 4, 5), (2, 3, 4, 5, 6)),
    "tp": ((0.02, 0.1, 0.2, 0.3, 0.4), (1, 2, 3, 4, 5), (2, 3, 4, 5, 6)),
    "tp_lake": ((0.01, 0.025, 0.05, 0.1, 0.2), (1, 2, 3, 4, 5), (2, 3, 4, 5, 6)),
    "tn": ((0.2, 0.5, 1.0, 1.5, 2.0), (1, 2, 3, 4, 5), (2, 3, 4, 5, 6)),
    "cu": ((0.01, 1.0, 1.0, 1.0, 1.0), (1, 2, 2, 2, 2), (2, 6, 6, 6, 6)),
    "zn": ((0.05, 1.0, 1.0, 2.0, 2.0), (1, 2, 2, 4, 4), (2, 4, 4, 6, 6)),
    "f": ((1.0, 1.0, 1.0, 1.5, 1.5), (1, 1, 1, 4, 4), (4, 4, 4, 6, 6)),
    "se": ((0.01, 0.01, 0.01, 0.02, 0.02), (1, 1, 1, 4, 4), (4, 4, 4, 6, 6)),
    "as": ((0.05, 0.05, 0.05, 0.1, 0.1), (1, 1, 1, 4, 4), (4, 4, 4, 6, 6)),
    "hg": ((0.00005, 0.00005, 0.0001, 0.001, 0.001), (1, 1, 3, 4, 4), (3, 3, 4, 6, 6)),
    "cd": ((0.001, 0.005, 0.005, 0.005, 0.01), (1, 2, 2, 2, 5), (2, 5, 5, 5, 6)),
    "cr6": ((0.01, 0.05, 0.05, 0.05, 0.1), (1, 2, 2, 2, 5), (2, 5, 5, 5, 6)),
    "pb": ((0.01, 0.01, 0.05, 0.05, 0.1), (1, 1, 3, 3, 5), (3, 3, 5, 5, 6)),
    "cn": ((0.005, 0.05, 0.2, 0.2, 0.2), (1, 2, 3, 3, 3), (2, 3, 6, 6, 6)),
    "phenol": ((0.002, 0.002, 0.005, 0.01, 0.1), (1, 1, 3, 4, 5), (3, 3, 4, 5, 6)),
    "oil": ((0.05, 0.05, 0.05, 0.5, 1.0), (1, 1, 1, 4, 5), (4, 4, 4, 5, 6)),
    "las": ((0.2, 0.2, 0.2, 0.3, 0.3), (1, 1, 1, 4, 4), (4, 4, 4, 6, 6)),
    "s": ((0.05, 0.1, 0.2, 0.5, 1.0), (1, 2, 3, 4, 5), (2, 3, 4, 5, 6)),
    "fecal_coliform": ((200, 2000, 10000, 20000, 40000), (1, 2, 3, 4, 5), (2, 3, 4, 5, 6)),
}
# Ⅲ-class limit of all 24 rows of 表1 that carry class limits (23 items + 湖、库 TP), re-typed.
CLASS_III = {
    "do": 5, "codmn": 6, "cod": 20, "bod5": 4, "nh3n": 1.0, "tp": 0.2, "tp_lake": 0.05,
    "tn": 1.0, "cu": 1.0, "zn": 1.0, "f": 1.0, "se": 0.01, "as": 0.05, "hg": 0.0001,
    "cd": 0.005, "cr6": 0.05, "pb": 0.05, "cn": 0.2, "phenol": 0.005, "oil": 0.05, "las": 0.2,
    "s": 0.2, "fecal_coliform": 10000,
}  # fmt: skip
EXCLUDED = {"tn", "fecal_coliform"}
REL = 1e-6


def _beyond(item: str, v: float) -> float:
    return v * (1 - REL) if item == "do" else v * (1 + REL)


def _one(item: str, value: float) -> tuple[str, pd.DataFrame]:
    col = "tp" if item == "tp_lake" else item
    wb = "lake" if item == "tp_lake" else "river"
    return col, pd.DataFrame({"waterbody": [wb], col: [value]})


def _item_class(item: str, value: float) -> int:
    col, frame = _one(item, value)
    ic = item_classes(frame)
    return int(ic.classes[0, ic.items.index(col)])


def test_bundled_table_matches_printed_table() -> None:
    t = gb3838_table()
    for item, (limits, _, _) in TABLE1.items():
        if item == "tp_lake":
            assert t.limits("tp", "lake").tolist() == list(limits)
        else:
            assert t.limits(item).tolist() == list(limits), item
    assert t.ph_range == (6.0, 9.0)
    assert set(t.items) == {k for k in TABLE1 if k != "tp_lake"} | {"ph"}
    assert t.class_labels == ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "劣Ⅴ")


CASES = [
    pytest.param(item, k, limits[k], at[k], beyond[k], id=f"{item}-{'ⅠⅡⅢⅣⅤ'[k]}")
    for item, (limits, at, beyond) in TABLE1.items()
    for k in range(5)
]


@pytest.mark.parametrize(("item", "k", "limit", "at", "beyond"), CASES)
def test_both_sides_of_every_class_limit(
    item: str, k: int, limit: float, at: int, beyond: int
) -> None:
    assert _item_class(item, limit) == at
    assert _item_class(item, _beyond(item, limit)) == beyond


@pytest.mark.parametrize(("item", "limit"), list(CLASS_III.items()))
def test_class_iii_boundary_end_to_end(item: str, limit: float) -> None:
    """A value at the Ⅲ limit meets Ⅲ, just beyond it does not (all 24 rows)."""
    _col, at_frame = _one(item, limit)
    _, beyond_frame = _one(item, _beyond(item, limit))
    if item in EXCLUDED:  # classified only as reference items
        assert _item_class(item, limit) <= 3 < _item_class(item, _beyond(item, limit))
        assert classify_samples(at_frame)["water_class"].isna().all()
        return
    at = classify_samples(at_frame).loc[0, "water_class"]
    beyond = classify_samples(beyond_frame).loc[0, "water_class"]
    assert at <= 3 < beyond


@pytest.mark.parametrize(
    ("ph", "expected"), [(6.0, 1), (9.0, 1), (7.2, 1), (5.99, 6), (9.01, 6), (3.0, 6)]
)
def test_ph_range(ph: float, expected: int) -> None:
    out = classify_samples(pd.DataFrame({"waterbody": ["river"], "ph": [ph]}))
    assert out.loc[0, "water_class"] == expected


def test_do_is_higher_is_better() -> None:
    frame = pd.DataFrame({"waterbody": ["river"] * 4, "do": [9.0, 7.5, 4.0, 1.0]})
    assert classify_samples(frame)["water_class"].tolist() == [1, 1, 4, 6]


def test_lake_total_phosphorus() -> None:
    frame = pd.DataFrame({"waterbody": ["river", "lake", "lake"], "tp": [0.05, 0.05, 0.06]})
    assert classify_samples(frame)["water_class"].tolist() == [2, 3, 4]


def test_river_excludes_tn_and_fecal_coliform() -> None:
    frame = pd.DataFrame(
        {"waterbody": ["river"], "nh3n": [0.1], "tn": [5.0], "fecal_coliform": [100000.0]}
    )
    out = classify_samples(frame)
    assert out.loc[0, "water_class"] == 1
    assert out.loc[0, "worst_items"] == "nh3n"
    assert out.loc[0, "fecal_coliform_class"] == 6
    assert pd.isna(out.loc[0, "tn_class"])  # 河流总氮除外


def test_lake_assesses_tn_separately() -> None:
    frame = pd.DataFrame({"waterbody": ["lake"], "codmn": [3.0], "tn": [1.2]})
    out = classify_samples(frame)
    assert out.loc[0, "water_class"] == 2
    assert out.loc[0, "tn_class"] == 4


def test_missing_values_are_skipped_not_zero() -> None:
    frame = pd.DataFrame(
        {
            "waterbody": ["river", "river", "river"],
            "do": [np.nan, np.nan, 8.0],
            "codmn": [3.0, np.nan, np.nan],
        }
    )
    out = classify_samples(frame)
    assert out.loc[0, "water_class"] == 2  # DO missing would be 劣Ⅴ if read as 0
    assert pd.isna(out.loc[1, "water_class"])
    assert pd.isna(out.loc[1, "water_class_label"])
    assert pd.isna(out.loc[1, "worst_items"])
    assert out.loc[2, "water_class"] == 1


def test_labels_and_ties_in_worst_items() -> None:
    frame = pd.DataFrame(
        {"waterbody": ["river"] * 2, "nh3n": [1.2, 3.0], "tp": [0.25, 0.1], "do": [6.5, 8.0]}
    )
    out = classify_samples(frame)
    assert out["water_class_label"].tolist() == ["Ⅳ", "劣Ⅴ"]
    assert out["worst_items"].tolist() == ["nh3n;tp", "nh3n"]


def test_exceeding_items_against_scalar_target() -> None:
    frame = pd.DataFrame(
        {"waterbody": ["river", "river"], "do": [4.0, 6.0], "nh3n": [1.35, 0.8], "tp": [0.22, 0.1]}
    )
    out = classify_samples(frame, target_class=3)
    # (1.35 − 1.0)/1.0 = 0.35; (0.22 − 0.2)/0.2 = 0.10; DO has no multiple (2011 method).
    assert out.loc[0, "exceeding_items"] == "do;nh3n:0.35;tp:0.10"
    assert out.loc[1, "exceeding_items"] == ""


def test_exceeding_items_against_target_column() -> None:
    frame = pd.DataFrame(
        {"waterbody": ["river"] * 3, "nh3n": [0.8, 0.8, 0.8], "target": [2, 3, None]}
    )
    out = classify_samples(frame, target_class="target")
    assert out.loc[0, "exceeding_items"] == "nh3n:0.60"  # (0.8 − 0.5)/0.5
    assert out.loc[1, "exceeding_items"] == ""
    assert pd.isna(out.loc[2, "exceeding_items"])


def test_bad_target_is_refused() -> None:
    with pytest.raises(ValueError, match="1–5"):
        classify_samples(pd.DataFrame({"waterbody": ["river"], "nh3n": [1.0]}), target_class=6)


def test_main_pollutants_order_and_heavy_metal_priority() -> None:
    frame = pd.DataFrame(
        {
            "waterbody": ["river", "river", "river"],
            "codmn": [8.0, 8.0, 3.0],
            "nh3n": [3.0, 2.5, 0.5],
            "tp": [0.5, 0.1, 0.1],
            "cd": [0.006, 0.001, 0.001],
        }
    )
    out = classify_samples(frame)
    # cd exceeds Ⅲ → first; then worst class (劣Ⅴ), larger multiple first: nh3n 2.00 > tp 1.50.
    assert out.loc[0, "main_pollutants"] == "cd:0.20;nh3n:2.00;tp:1.50"
    # class first: nh3n (劣Ⅴ, 1.50) before codmn (Ⅳ, (8 − 6)/6 = 0.33).
    assert out.loc[1, "main_pollutants"] == "nh3n:1.50;codmn:0.33"
    assert pd.isna(out.loc[2, "main_pollutants"])  # 良好 or better: not assessed


def test_unknown_waterbody_is_refused() -> None:
    with pytest.raises(ValueError, match="river"):
        classify_samples(pd.DataFrame({"waterbody": ["sea"], "nh3n": [1.0]}))


def _naive_class(row: dict[str, float], waterbody: str) -> float:
    """Row-by-row oracle written from the re-typed table above."""
    worst = 0
    for item, value in row.items():
        if np.isnan(value) or item in EXCLUDED:
            continue
        if item == "ph":
            c = 1 if 6 <= value <= 9 else 6
        else:
            key = "tp_lake" if item == "tp" and waterbody == "lake" else item
            limits = TABLE1[key][0]
            ok = [value >= lim if item == "do" else value <= lim for lim in limits]
            c = ok.index(True) + 1 if any(ok) else 6
        worst = max(worst, c)
    return float(worst) if worst else np.nan


def test_vectorized_matches_naive_oracle() -> None:
    rng = np.random.default_rng(7)
    items = [k for k in TABLE1 if k != "tp_lake"] + ["ph"]
    n = 400
    data = {}
    for item in items:
        if item == "ph":
            data[item] = rng.uniform(4, 11, n)
        else:
            top = TABLE1[item][0][0 if item == "do" else 4]
            data[item] = rng.uniform(0, top * (4 if item == "do" else 1.5), n)
        data[item][rng.random(n) < 0.2] = np.nan
    frame = pd.DataFrame(data)
    frame["waterbody"] = rng.choice(["river", "lake"], n)
    out = classify_samples(frame)
    got = out["water_class"].to_numpy(dtype=float, na_value=np.nan)
    expected = [
        _naive_class({k: frame.loc[i, k] for k in items}, frame.loc[i, "waterbody"])
        for i in range(n)
    ]
    np.testing.assert_array_equal(got, expected)


def test_validation_lists_every_problem_with_row_and_column() -> None:
    frame = pd.DataFrame(
        {
            "section": ["S1", "", "S3"],
            "time": ["2024-01-15", "2024-02-30", None],
            "waterbody": ["river", "sea", "lake"],
            "nh3n": ["0.5", "abc", "-1"],
            "ph": [7.0, 15.0, None],
            "chlorophyll": [1, 2, 3],
            "target_class": [3, 7, None],
        }
    )
    with pytest.raises(ValidationError) as info:
        validate_water_frame(frame, "samples.csv")
    found = {(p.row, p.field) for p in info.value.problems}
    assert found == {
        (None, "chlorophyll"),
        (3, "section"),
        (3, "time"),
        (3, "waterbody"),
        (3, "nh3n"),
        (3, "ph"),
        (3, "target_class"),
        (4, "time"),
        (4, "nh3n"),
    }
    text = str(info.value)
    assert "samples.csv, row 3, field 'waterbody'" in text
    assert "9 problem(s)" in text


def test_validation_requires_columns_and_accepts_good_frames() -> None:
    with pytest.raises(ValidationError) as info:
        validate_water_frame(pd.DataFrame({"nh3n": [1.0]}))
    assert {p.field for p in info.value.problems} == {"section", "time", "waterbody"}
    good = pd.DataFrame(
        {
            "section": ["S1", "S1"],
            "time": ["2024-01-15", "2024-02-15"],
            "waterbody": ["river", "river"],
            "nh3n": [0.5, None],
            "water_temp": [12.0, 13.0],
            "city": ["兰州", "兰州"],
        }
    )
    validate_water_frame(good, extra_columns=["city"])


def test_main_pollutants_without_multiple_for_ph_and_do() -> None:
    frame = pd.DataFrame(
        {"waterbody": ["river", "river"], "ph": [7.0, 10.0], "do": [2.5, 8.0], "nh3n": [1.6, 1.6]}
    )
    out = classify_samples(frame)
    # Ⅴ for both DO (2.5) and NH3-N ((1.6 − 1.0)/1.0 = 0.60): the item with a multiple first.
    assert out.loc[0, "main_pollutants"] == "nh3n:0.60;do"
    assert out.loc[1, "main_pollutants"] == "ph;nh3n:0.60"  # pH 10 → 劣Ⅴ


def test_reported_multiples_round_half_even_on_the_decimal_value() -> None:
    """GB/T 8170 on decimals (issue 13): float64 gets each of these ties wrong."""
    frame = pd.DataFrame(
        {
            "waterbody": ["river"] * 3,
            # BOD5 6.06 (Ⅴ): (6.06 − 4)/4 = 0.515 → 0.52 (float64: 0.51499… → 0.51)
            # NH3-N 1.185 (Ⅳ): 0.185 → 0.18 (float64: 0.18500…01 → 0.19)
            # NH3-N 1.035 (Ⅳ): 0.035 → 0.04 (float64: 0.03)
            "bod5": [6.06, 3.0, 3.0],
            "nh3n": [0.5, 1.185, 1.035],
        }
    )
    out = classify_samples(frame)
    assert out["main_pollutants"].tolist() == ["bod5:0.52", "nh3n:0.18", "nh3n:0.04"]
    # against the target class Ⅲ (COD 20): 21.3 → 0.065 → 0.06 (float64 0.07); 20.1 → 0.005 → 0.00
    frame = pd.DataFrame({"waterbody": ["river"] * 2, "cod": [21.3, 20.1]})
    out = classify_samples(frame, target_class=3)
    assert out["exceeding_items"].tolist() == ["cod:0.06", "cod:0.00"]


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1, max_value=2_000_000),
    st.sampled_from(["4", "6", "1.0", "0.2", "20", "0.05", "15", "0.0001", "0.005"]),
)
def test_multiple_half_even_equals_the_decimal_oracle(thousandths: int, limit: str) -> None:
    c = Decimal(thousandths) / 1000
    lim = Decimal(limit)
    expected = ((c - lim) / lim).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    got = multiple_half_even(np.array([float(c)]), np.array([float(lim)]), 2)[0]
    assert got == float(expected)
