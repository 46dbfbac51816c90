"""Issue 14, points 3, 4 and 6 over the API, on SQLite and PostgreSQL.

Four-eyes approval (self-approval refused; the approver sees old value, new value, difference and
the submitter's comment), credentials (token expiry, naming, last use, listing, revocation, no
token minted by a token, a password change ending sessions and tokens), and least privilege per
role (a city submitter sees only its own region's pending rows, batches and audit entries).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from tests.api.conftest import PASSWORD, login

from lanxi.services import store
from lanxi.storage.web_models import ApiTokenRow

Make = Callable[[], TestClient]
HEADER = "indicator_id,region_code,period,value,unit,source,note\n"


def upload(c: TestClient, text: str, name: str, comment: str | None = None) -> dict:
    data = {"draft": "false"} | ({"comment": comment} if comment else {})
    r = c.post(
        "/api/v1/batches",
        files={"file": (name, (HEADER + text).encode(), "text/csv")},
        data=data,
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def signed_in(make: Make, user: str) -> TestClient:
    c = make()
    login(c, user)
    return c


# ---- four-eyes approval ------------------------------------------------------------------------


def test_self_approval_is_refused_and_another_approver_decides(fresh_app: Make) -> None:
    gs = signed_in(fresh_app, "demo_gansu")
    batch = upload(gs, "urbanization_rate,620100,2011,70.5,%,甘肃统计年鉴,\n", "gs-own.csv")
    bid = batch["batch_id"]
    r = gs.post(f"/api/v1/batches/{bid}/approve")
    assert r.status_code == 403
    assert "four-eyes" in r.json()["error"]["message"]
    # returning one's own batch is the approver's decision too
    r = gs.post(f"/api/v1/batches/{bid}/return", json={"reason": "mine"})
    assert r.status_code == 403
    review = gs.get(f"/api/v1/batches/{bid}").json()
    assert (review["own"], review["may_decide"], review["four_eyes"]) == (True, False, True)
    admin = signed_in(fresh_app, "admin")
    assert admin.get(f"/api/v1/batches/{bid}").json()["may_decide"] is True
    r = admin.post(f"/api/v1/batches/{bid}/approve", json={"reason": "核对无误"})
    assert r.status_code == 200
    assert (r.json()["decided_by"], r.json()["reason"]) == ("admin", "核对无误")


def test_self_approval_refusal_in_the_callers_language(fresh_app: Make) -> None:
    """The four-eyes refusal reaches API clients in Chinese when asked, both forms in the body."""
    gs = signed_in(fresh_app, "demo_gansu")
    bid = upload(gs, "urbanization_rate,620100,2013,70.5,%,甘肃统计年鉴,\n", "gs-zh.csv")[
        "batch_id"
    ]
    expected_zh = (
        f"用户“demo_gansu”无权操作：四眼审核：批次 {bid[:8]} 由您本人报送，须由另一位审核人审批"
    )
    url = f"/api/v1/batches/{bid}/approve"
    zh = gs.post(url, headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
    assert zh.status_code == 403
    err = zh.json()["error"]
    assert err["message"] == err["message_zh"] == expected_zh
    assert err["message_en"].startswith("user 'demo_gansu' may not")
    assert "four-eyes" in err["message_en"]
    en = gs.post(url, headers={"Accept-Language": "en-GB,en;q=0.9,zh;q=0.5"}).json()["error"]
    assert en["message"] == en["message_en"] == err["message_en"]
    assert en["message_zh"] == expected_zh
    # the dashboard's convention (?lang=, then its cookie) wins over the header
    assert gs.post(url + "?lang=zh").json()["error"]["message"] == expected_zh
    r = gs.post(url + "?lang=en", headers={"Accept-Language": "zh-CN"})
    assert r.json()["error"]["message"] == err["message_en"]


def test_the_approver_sees_old_value_new_value_difference_and_comment(fresh_app: Make) -> None:
    city = signed_in(fresh_app, "demo_lanzhou")
    gs = signed_in(fresh_app, "demo_gansu")
    first = upload(city, "urbanization_rate,620100,2012,80.0,%,兰州统计公报,\n", "lz-2012a.csv")
    assert gs.post(f"/api/v1/batches/{first['batch_id']}/approve").status_code == 200
    second = upload(
        city,
        "urbanization_rate,620100,2012,81.2,%,兰州统计公报（修订）,\n"
        "urbanization_rate,620100,2013,82.0,%,兰州统计公报,\n",
        "lz-2012b.csv",
        comment="2012 年数据按修订公报更正",
    )
    review = gs.get(f"/api/v1/batches/{second['batch_id']}").json()
    assert review["comment"] == "2012 年数据按修订公报更正"
    assert (review["rows"], review["new"], review["changed"], review["total"]) == (2, 1, 1, 2)
    page2 = gs.get(f"/api/v1/batches/{second['batch_id']}", params={"offset": 1, "limit": 1})
    assert [i["period"] for i in page2.json()["items"]] == ["2013"]
    assert review["may_decide"] is True and review["own"] is False
    corrected, new = review["items"]
    assert (corrected["period"], corrected["old_value"], corrected["value"]) == ("2012", 80.0, 81.2)
    # 81.2 − 80.0 = 1.2; 1.2 / 80.0 = 1.5 %
    assert corrected["difference"] == pytest.approx(1.2)
    assert corrected["difference_percent"] == pytest.approx(1.5)
    assert corrected["old_version"] == 1 and corrected["version"] == 2
    assert (new["period"], new["old_value"], new["difference"]) == ("2013", None, None)
    assert any("nothing published yet" in n for n in new["notes"])
    assert any("尚无已发布数值" in n for n in new["notes_zh"])
    # the city submitter reads its batch but may not decide on it
    mine = city.get(f"/api/v1/batches/{second['batch_id']}").json()
    assert mine["may_decide"] is False and len(mine["items"]) == 2


def test_a_large_change_is_flagged(fresh_app: Make) -> None:
    city = signed_in(fresh_app, "demo_lanzhou")
    gs = signed_in(fresh_app, "demo_gansu")
    a = upload(city, "urbanization_rate,620100,2014,40.0,%,s,\n", "lz-2014a.csv")
    gs.post(f"/api/v1/batches/{a['batch_id']}/approve")
    b = upload(city, "urbanization_rate,620100,2014,80.0,%,s,\n", "lz-2014b.csv")
    (item,) = gs.get(f"/api/v1/batches/{b['batch_id']}").json()["items"]
    assert item["difference_percent"] == pytest.approx(100.0)  # (80 − 40) / 40
    assert any("more than 50 %" in n for n in item["notes"])


def test_returned_batches_and_reasons_on_the_submitters_list(fresh_app: Make) -> None:
    city = signed_in(fresh_app, "demo_lanzhou")
    gs = signed_in(fresh_app, "demo_gansu")
    b = upload(city, "urbanization_rate,620100,2015,71.0,%,s,\n", "lz-2015.csv")
    r = gs.post(f"/api/v1/batches/{b['batch_id']}/return", json={"reason": "来源写全称"})
    assert r.status_code == 200
    mine = city.get("/api/v1/batches", params={"mine": "true"}).json()["items"]
    assert {m["submitted_by"] for m in mine} == {"demo_lanzhou"}
    got = next(m for m in mine if m["id"] == b["batch_id"])
    assert (got["status"], got["reason"], got["decided_by"]) == (
        "returned",
        "来源写全称",
        "demo_gansu",
    )


# ---- least privilege ---------------------------------------------------------------------------


def test_a_city_sees_only_its_own_regions_pending_data(fresh_app: Make) -> None:
    lz = signed_in(fresh_app, "demo_lanzhou")
    xn = signed_in(fresh_app, "demo_xining")
    lz_batch = upload(lz, "urbanization_rate,620100,2016,77.0,%,s,\n", "lz-2016.csv")["batch_id"]
    xn_batch = upload(xn, "urbanization_rate,630100,2016,70.0,%,s,\n", "xn-2016.csv")["batch_id"]

    def batch_ids(c: TestClient) -> set[str]:
        items = c.get("/api/v1/batches", params={"limit": 1000}).json()["items"]
        return {b["id"] for b in items}

    assert lz_batch in batch_ids(lz) and xn_batch not in batch_ids(lz)
    assert xn_batch in batch_ids(xn) and lz_batch not in batch_ids(xn)
    assert xn.get(f"/api/v1/batches/{lz_batch}").status_code == 404
    # pending observations
    q = {"indicator": "urbanization_rate", "status": "submitted", "limit": 1000}
    lz_rows = lz.get("/api/v1/observations", params=q).json()["items"]
    assert {o["region_code"] for o in lz_rows} == {"620100"}
    xn_rows = xn.get("/api/v1/observations", params=q).json()["items"]
    assert {o["region_code"] for o in xn_rows} == {"630100"}
    # audit entries of the other city's batch stay hidden
    lz_audit = lz.get("/api/v1/audit", params={"limit": 1000}).json()["items"]
    assert xn_batch not in {a["entity_id"] for a in lz_audit}
    assert lz_batch in {a["entity_id"] for a in lz_audit}
    # the province administrator sees its province, not the other one; the office sees both
    gs = signed_in(fresh_app, "demo_gansu")
    assert lz_batch in batch_ids(gs) and xn_batch not in batch_ids(gs)
    admin = signed_in(fresh_app, "admin")
    assert {lz_batch, xn_batch} <= batch_ids(admin)
    gs_audit = {a["entity_id"] for a in gs.get("/api/v1/audit").json()["items"]}
    assert lz_batch in gs_audit and xn_batch not in gs_audit


# ---- credentials -------------------------------------------------------------------------------


def test_tokens_expire_are_named_listed_used_and_revoked(fresh_app: Make, write_url: str) -> None:
    c = signed_in(fresh_app, "demo_xining")
    r = c.post("/api/v1/auth/tokens", json={"name": "nightly import", "days": 30})
    assert r.status_code == 201, r.text
    body = r.json()
    token = body["token"]
    expires = dt.datetime.fromisoformat(body["expires_at"])
    assert (
        dt.timedelta(days=29, hours=23) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(days=30)
    )
    # longer than LANXI_TOKEN_MAX_TTL_DAYS (365 by default): refused
    assert c.post("/api/v1/auth/tokens", json={"name": "x", "days": 400}).status_code == 422

    bearer = fresh_app()
    bearer.headers["Authorization"] = f"Bearer {token}"
    assert bearer.get("/api/v1/auth/me").json()["username"] == "demo_xining"
    # a token cannot mint tokens
    r = bearer.post("/api/v1/auth/tokens", json={"name": "child"})
    assert r.status_code == 403 and "cannot issue tokens" in r.json()["error"]["message"]

    listed = c.get("/api/v1/auth/tokens").json()
    mine = next(t for t in listed if t["name"] == "nightly import")
    assert mine["state"] == "active" and mine["last_used_at"] is not None
    assert "token" not in mine

    # expiry: the same token once its time has passed
    with store.session(write_url) as s:
        s.execute(
            update(ApiTokenRow)
            .where(ApiTokenRow.id == mine["id"])
            .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
    assert bearer.get("/api/v1/auth/me").status_code == 401

    # revocation by the owner
    token2 = c.post("/api/v1/auth/tokens", json={"name": "second"}).json()["token"]
    other = fresh_app()
    other.headers["Authorization"] = f"Bearer {token2}"
    assert other.get("/api/v1/auth/me").status_code == 200
    tid = next(t["id"] for t in c.get("/api/v1/auth/tokens").json() if t["name"] == "second")
    # another user may not revoke (nor see) it; the office may see it
    lz = signed_in(fresh_app, "demo_lanzhou")
    assert lz.delete(f"/api/v1/auth/tokens/{tid}").status_code == 404
    assert lz.get("/api/v1/auth/tokens", params={"user": "demo_xining"}).status_code == 403
    admin = signed_in(fresh_app, "admin")
    seen = admin.get("/api/v1/auth/tokens", params={"user": "demo_xining"}).json()
    assert tid in {t["id"] for t in seen}
    r = c.delete(f"/api/v1/auth/tokens/{tid}")
    assert r.status_code == 200 and r.json()["state"] == "revoked"
    assert other.get("/api/v1/auth/me").status_code == 401


def test_the_office_revokes_anyones_token(fresh_app: Make) -> None:
    c = signed_in(fresh_app, "demo_qinghai")
    token = c.post("/api/v1/auth/tokens", json={"name": "script"}).json()["token"]
    tid = next(t["id"] for t in c.get("/api/v1/auth/tokens").json() if t["name"] == "script")
    admin = signed_in(fresh_app, "admin")
    assert admin.delete(f"/api/v1/auth/tokens/{tid}").status_code == 200
    bearer = fresh_app()
    bearer.headers["Authorization"] = f"Bearer {token}"
    assert bearer.get("/api/v1/auth/me").status_code == 401


def test_a_password_change_ends_sessions_and_tokens(fresh_app: Make, write_url: str) -> None:
    from lanxi.services import auth as auth_svc
    from lanxi.services.monitoring.permissions import system_principal

    user = "demo_lanzhou"
    browser = signed_in(fresh_app, user)
    other_browser = signed_in(fresh_app, user)
    token = browser.post("/api/v1/auth/tokens", json={"name": "before change"}).json()["token"]
    bearer = fresh_app()
    bearer.headers["Authorization"] = f"Bearer {token}"
    assert bearer.get("/api/v1/auth/me").status_code == 200
    # weak new passwords are refused (and nothing ends)
    for weak in ("1234567890", " " * 10, "password12"):
        r = browser.post(
            "/api/v1/auth/password",
            json={"current_password": PASSWORD, "new_password": weak},
        )
        assert r.status_code == 422, weak
    assert bearer.get("/api/v1/auth/me").status_code == 200
    r = browser.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "yellow river bridge 1949"},
    )
    assert r.status_code == 204
    assert other_browser.get("/api/v1/auth/me").json()["username"] == "anonymous"
    assert browser.get("/api/v1/auth/me").json()["username"] == "anonymous"
    assert bearer.get("/api/v1/auth/me").status_code == 401
    # a reset by the office (the shared store's password back) ends them again
    login(browser, user, "yellow river bridge 1949")
    with store.session(write_url) as s:
        auth_svc.set_password(s, user, PASSWORD, actor=system_principal("test"))
    assert browser.get("/api/v1/auth/me").json()["username"] == "anonymous"
