"""Sign-in, sessions, sign-out, CSRF and the security headers, over real HTTP."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest
from sqlalchemy import select, update

from host.backoffice import passwords
from host.backoffice.models import User
from host.backoffice.passwords import Cost
from host.backoffice.sign_in import (
    FAILURE_WINDOW_S,
    IDLE_S,
    MAX_AGE_S,
    MAX_CLIENT_FAILURES,
    MAX_FAILURES,
    MAX_NAME_FAILURES,
)
from host.backoffice.threaded_server import ThreadedServer
from host.web.app import _safe_next
from tests.host.backoffice.builders import QUICK_PASSWORDS

from .conftest import Server, login_token, page_csrf, sign_in
from .demo import PASSWORDS


def _post_login(client: httpx.Client, username: str, password: str) -> httpx.Response:
    return client.post(
        "/web/login",
        data={"username": username, "password": password, "csrf": login_token(client)},
    )


def test_a_wrong_password_is_refused_without_saying_which_part(demo_server: Server) -> None:
    with demo_server.client() as client:
        for username, password in (("granskare", "fel"), ("ingen.alls", "fel")):
            response = _post_login(client, username, password)
            assert response.status_code == 401
            assert "Fel användarnamn eller lösenord" in response.text
            assert "synk_session" not in response.headers.get("set-cookie", "")


def test_signing_in_sets_a_guarded_cookie_and_returns_to_the_page(demo_server: Server) -> None:
    with demo_server.client() as client:
        first = client.get("/web/anomalies?open=1")
        assert first.headers["location"] == "/web/login?next=%2Fweb%2Fanomalies%3Fopen%3D1"
        form = client.get(first.headers["location"])
        token = re.search(r'name="csrf" value="([^"]+)"', form.text)
        target = re.search(r'name="next" value="([^"]+)"', form.text)
        assert token is not None and target is not None
        assert target.group(1) == "/web/anomalies?open=1"
        response = client.post(
            "/web/login",
            data={
                "username": "granskare",
                "password": PASSWORDS["granskare"],
                "csrf": token.group(1),
                "next": target.group(1),
            },
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/web/anomalies?open=1"
        cookie = next(
            c for c in response.headers.get_list("set-cookie") if c.startswith("synk_session=")
        )
        lowered = cookie.lower()
        assert "httponly" in lowered and "samesite=lax" in lowered and "path=/web/" in lowered
        assert "secure" not in lowered  # plain HTTP here
        assert client.get("/web/anomalies?open=1").status_code == 200


def test_sign_in_needs_the_forms_own_token(demo_server: Server) -> None:
    with demo_server.client() as client:
        data = {"username": "admin", "password": PASSWORDS["admin"], "csrf": "guess"}
        assert client.post("/web/login", data=data).status_code == 403
        token = login_token(client)
        data["csrf"] = token
        foreign = client.post("/web/login", data=data, headers={"Origin": "http://evil.example"})
        assert foreign.status_code == 403
        assert client.post("/web/login", data=data).status_code == 303


def test_signing_out_ends_the_session(demo_server: Server) -> None:
    with demo_server.client("chef.nord") as client:
        stolen = client.cookies.get("synk_session")
        assert client.post("/web/logout", data={"csrf": "wrong"}).status_code == 403
        assert client.get("/web/keys").status_code == 200  # still signed in
        out = client.post("/web/logout", data={"csrf": page_csrf(client, "/web/keys")})
        assert out.status_code == 303 and out.headers["location"] == "/web/login"
    with httpx.Client(base_url=demo_server.url, cookies={"synk_session": stolen or ""}) as other:
        assert other.get("/web/keys").status_code == 303


def test_forms_from_elsewhere_are_refused(fresh_server: Server) -> None:
    data = b"customer_ref,staff_ref,start,end,registered_by\n"
    data += b"K-NORD-0001,Anna Andersson,2026-04-14 08:00,2026-04-14 08:30,lock\n"
    files = {"file": ("v.csv", data, "text/csv")}
    with fresh_server.client("chef.nord") as client:
        csrf = page_csrf(client)
        assert client.post("/web/visits", files=files, data={"csrf": "x"}).status_code == 403
        foreign = client.post(
            "/web/visits", files=files, data={"csrf": csrf}, headers={"Origin": "http://a.b"}
        )
        assert foreign.status_code == 403
        done = client.post("/web/visits", files=files, data={"csrf": csrf})
        assert done.status_code == 200
        assert re.search(r"<strong>1</strong> <span lang=\"sv\">nya besök", done.text)
        again = client.post("/web/visits", files=files, data={"csrf": csrf})
        assert re.search(r"<strong>1</strong> <span lang=\"sv\">redan inlästa", again.text)


def test_repeated_wrong_passwords_lock_the_name_for_a_while(fresh_server: Server) -> None:
    clock = fresh_server.demo.clock
    with fresh_server.client() as client:
        for _ in range(MAX_FAILURES):
            assert _post_login(client, "granskare", "fel").status_code == 401
        refused = _post_login(client, "granskare", PASSWORDS["granskare"])
        assert refused.status_code == 429 and "försök igen om 15 minuter" in refused.text
        assert _post_login(client, "admin", PASSWORDS["admin"]).status_code == 303  # others: fine
        clock.now += FAILURE_WINDOW_S + 1
        assert _post_login(client, "granskare", PASSWORDS["granskare"]).status_code == 303


def _from(server: Server, address: str) -> httpx.Client:
    """A client whose connections come from another loopback address (another client)."""
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=server.url, timeout=30, transport=transport)


async def _burst(url: str, cookies: httpx.Cookies, data: dict[str, str], n: int) -> list[int]:
    async with httpx.AsyncClient(base_url=url, cookies=cookies, timeout=60) as client:
        answers = await asyncio.gather(*(client.post("/web/login", data=data) for _ in range(n)))
    return [answer.status_code for answer in answers]


def test_wrong_passwords_sent_at_once_are_counted_before_the_hash(fresh_server: Server) -> None:
    with fresh_server.client() as client:
        data = {"username": "chef.nord", "password": "fel", "csrf": login_token(client)}
        codes = asyncio.run(_burst(fresh_server.url, client.cookies, data, 30))
    assert sorted(set(codes)) == [401, 429]
    assert codes.count(401) == MAX_FAILURES  # only these were hashed and compared
    with fresh_server.client() as client:  # the same address: that name stays locked for it
        assert _post_login(client, "chef.nord", PASSWORDS["chef.nord"]).status_code == 429
    with _from(fresh_server, "127.0.0.2") as office:  # the manager at the office: not locked out
        assert _post_login(office, "chef.nord", PASSWORDS["chef.nord"]).status_code == 303


def test_the_throttle_outlives_the_process(fresh_server: Server) -> None:
    with fresh_server.client() as client:
        for _ in range(MAX_FAILURES):
            assert _post_login(client, "granskare", "fel").status_code == 401
    demo = fresh_server.demo
    restarted = ThreadedServer(demo.site, demo.clock)  # another app, as after a restart
    url = restarted.start()
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            refused = _post_login(client, "granskare", PASSWORDS["granskare"])
            assert refused.status_code == 429
    finally:
        restarted.stop()


def test_one_address_may_not_try_name_after_name(fresh_server: Server) -> None:
    with fresh_server.client() as client:
        for n in range(MAX_CLIENT_FAILURES):
            assert _post_login(client, f"prov{n}", "fel").status_code == 401
        assert _post_login(client, "admin", PASSWORDS["admin"]).status_code == 429
    with _from(fresh_server, "127.0.0.2") as other:
        assert _post_login(other, "admin", PASSWORDS["admin"]).status_code == 303


def test_many_addresses_together_lock_the_name(fresh_server: Server) -> None:
    addresses = [f"127.0.1.{n}" for n in range(1, MAX_NAME_FAILURES // MAX_FAILURES + 1)]
    for address in addresses:
        with _from(fresh_server, address) as client:
            for _ in range(MAX_FAILURES):
                assert _post_login(client, "tekniker", "fel").status_code == 401
    with _from(fresh_server, "127.0.2.1") as client:
        assert _post_login(client, "tekniker", PASSWORDS["tekniker"]).status_code == 429
        assert _post_login(client, "granskare", PASSWORDS["granskare"]).status_code == 303
    fresh_server.demo.clock.now += FAILURE_WINDOW_S + 1
    with _from(fresh_server, "127.0.2.1") as client:
        assert _post_login(client, "tekniker", PASSWORDS["tekniker"]).status_code == 303


def test_a_right_password_gives_its_attempt_back(fresh_server: Server) -> None:
    with fresh_server.client() as client:
        for _ in range(MAX_FAILURES * 2):  # never more than the limit in a row
            assert _post_login(client, "granskare", "fel").status_code == 401
            assert _post_login(client, "granskare", PASSWORDS["granskare"]).status_code == 303


def _hash_of(server: Server, username: str) -> str:
    with server.demo.site.sessions() as session:
        return session.scalars(select(User.password_hash).where(User.username == username)).one()


def test_a_hash_of_an_older_cost_is_made_again_at_the_next_sign_in(fresh_server: Server) -> None:
    old = passwords.hash_password(PASSWORDS["granskare"], Cost(2**11))
    with fresh_server.demo.site.sessions.begin() as session:
        session.execute(update(User).where(User.username == "granskare").values(password_hash=old))
    with fresh_server.client() as client:
        assert _post_login(client, "granskare", "fel").status_code == 401
        assert _hash_of(fresh_server, "granskare") == old  # a wrong password changes nothing
        assert _post_login(client, "granskare", PASSWORDS["granskare"]).status_code == 303
    new = _hash_of(fresh_server, "granskare")
    assert new != old and new.startswith(f"scrypt${QUICK_PASSWORDS.n}$8$1$")  # the site's cost
    assert passwords.verify_password(PASSWORDS["granskare"], new)
    with fresh_server.client("granskare") as client:  # and it still signs in
        assert client.get("/web/keys").status_code == 200
    assert _hash_of(fresh_server, "granskare") == new  # made once


def test_sessions_end_when_idle_too_long_or_too_old(fresh_server: Server) -> None:
    clock = fresh_server.demo.clock
    with fresh_server.client("granskare") as client:
        clock.now += IDLE_S - 60
        assert client.get("/web/keys").status_code == 200  # activity keeps it alive
        clock.now += IDLE_S - 60
        assert client.get("/web/keys").status_code == 200
        clock.now += IDLE_S + 1
        assert client.get("/web/keys").status_code == 303
    with fresh_server.client("granskare") as client:
        for _ in range(MAX_AGE_S // (IDLE_S // 2) + 1):
            clock.now += IDLE_S // 2
            if client.get("/web/keys").status_code != 200:
                break
        else:
            pytest.fail("a session outlived its maximum age")
        assert client.get("/web/keys").status_code == 303


def test_a_deactivated_user_or_a_new_role_counts_at_once(fresh_server: Server) -> None:
    site = fresh_server.demo.site
    with fresh_server.client("tekniker") as client:
        assert client.get("/web/stations").status_code == 200
        with site.sessions.begin() as session:
            changed = update(User).where(User.username == "tekniker").values(role="alarm_group")
            session.execute(changed)
        assert client.get("/web/stations").status_code == 403
        with site.sessions.begin() as session:
            session.execute(update(User).where(User.username == "tekniker").values(active=False))
        assert client.get("/web/keys").status_code == 303
        assert _post_login(client, "tekniker", PASSWORDS["tekniker"]).status_code == 401


def test_pages_carry_security_headers(demo_server: Server) -> None:
    with demo_server.client("admin") as client:
        for url in ("/web/keys", "/web/keys.csv", "/web/login", "/web/nowhere"):
            headers = client.get(url).headers
            assert "default-src 'none'" in headers["content-security-policy"], url
            assert "frame-ancestors 'none'" in headers["content-security-policy"]
            assert headers["x-content-type-options"] == "nosniff"
            assert headers["x-frame-options"] == "DENY"
            assert headers["cache-control"] == "no-store"
        style = client.get("/web/static/style.css")
        assert style.status_code == 200 and "cache-control" not in style.headers
        assert "text/css" in style.headers["content-type"]


def test_sign_in_never_sends_the_browser_elsewhere() -> None:
    for target in (
        "https://evil.example/web/",
        "//evil.example/web/",
        "/elsewhere",
        "/web\\..\\x",
        "",
        None,
    ):
        assert _safe_next("/web", target) == "/web/", target
    assert _safe_next("/web", "/web/keys?unit=2") == "/web/keys?unit=2"


def test_sign_in_helper_matches_the_form(demo_server: Server) -> None:
    with httpx.Client(base_url=demo_server.url) as client:
        response = sign_in(client, "chef.oms", PASSWORDS["chef.oms"])
        assert response.headers["location"] == "/web/"
