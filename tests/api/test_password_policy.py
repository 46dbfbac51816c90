"""Password policy, demo sign-ins made once, Beijing times (issue 14, point 4 and 3)."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from lanxi.services import auth as auth_svc
from lanxi.services import store, webdemo
from lanxi.storage.models import UserRow
from lanxi.web.i18n import beijing_time


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("1234567890", "most common"),  # the example (rank 24 of the bundled list)
        (" " * 10, "only spaces"),  # the other example
        ("short", "at least 10 characters"),
        ("qwertyuiop", "most common"),
        ("password123!", "most common"),  # a common password with digits and a symbol added
        ("iloveyou2025", "most common"),
        ("abcdefghijkl", "plain sequence"),
        ("9876543210", "plain sequence"),
        ("aaaaabbbbb", "5 different characters"),
        ("demo_lanzhou-2025", "user name"),
    ],
)
def test_weak_passwords_are_refused(password: str, why: str) -> None:
    problems = auth_svc.password_problems(password, "demo_lanzhou")
    assert problems, password
    assert any(why in p.message for p in problems), [p.message for p in problems]
    assert all(p.message_zh for p in problems)


@pytest.mark.parametrize(
    "password",
    [
        "yellow river bridge 1949",
        "兰州牛肉面加辣子不要香菜",
        "Xining-Lanzhou-2h-by-rail",
        "correct-horse-battery",
    ],
)
def test_passphrases_are_accepted_without_composition_rules(password: str) -> None:
    assert auth_svc.password_problems(password, "demo_lanzhou") == []


def test_the_bundled_list_holds_ten_thousand_common_passwords() -> None:
    common = auth_svc.common_passwords()
    assert len(common) == 10_000
    assert {"123456", "password", "1234567890", "qwertyuiop"} <= common
    readme = Path(auth_svc.__file__).parents[1] / "data" / "security" / "README.md"
    text = readme.read_text("utf-8")
    assert "MIT" in text and "zxcvbn" in text


def test_demo_passwords_are_individual_made_once_and_kept(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    home = tmp_path / "home"
    webdemo.ensure_store(url)
    first = webdemo.demo_logins(url, home=home)
    assert set(first) == set(webdemo.DEMO_LOGINS)
    assert len(set(first.values())) == len(first)  # one password per account
    assert all(not auth_svc.password_problems(pw, name) for name, pw in first.items())
    kept = home / webdemo.LOGINS_FILE
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    lines = dict(line.split("\t") for line in kept.read_text("utf-8").splitlines() if "\t" in line)
    assert lines == first
    with store.session(url) as s:
        hashes = dict(s.execute(select(UserRow.username, UserRow.password_hash)).all())
    # a second start (lanxi serve) changes nothing and prints nothing new
    assert webdemo.demo_logins(url, home=home) == {}
    with store.session(url) as s:
        assert dict(s.execute(select(UserRow.username, UserRow.password_hash)).all()) == hashes
        for name, pw in first.items():
            assert auth_svc.verify_password(s, name, pw)
    prepared = webdemo.prepare(url, demo=False, home=home)
    assert prepared.logins == {} and prepared.logins_file == kept
    store.engine(url).dispose()


def test_times_are_shown_in_beijing_time_and_labelled() -> None:
    utc = "2025-06-01T06:03:00+00:00"
    assert beijing_time(utc, "zh") == "2025-06-01 14:03（北京时间）"
    assert beijing_time(utc, "en") == "2025-06-01 14:03 (Beijing time)"
    # a naive time from SQLite is UTC; 20:30 UTC is 04:30 the next day in Beijing
    assert beijing_time(dt.datetime(2025, 12, 31, 20, 30), "zh") == "2026-01-01 04:30（北京时间）"
    assert beijing_time(None) == ""
