"""Users' passwords: scrypt at OWASP's cost; older hashes verify and are marked for renewal."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from host.backoffice import passwords
from host.backoffice.models import SiteSettings, User
from host.backoffice.passwords import COST, Cost
from host.backoffice.site import init_site


def test_the_cost_is_owasps_for_scrypt() -> None:
    # OWASP Password Storage Cheat Sheet: scrypt N=2^17 (128 MiB), r=8, p=1.
    assert Cost(2**17, 8, 1) == COST
    assert COST.memory > 128 * 1024 * 1024


def test_a_new_site_hashes_its_administrator_at_that_cost(tmp_path: Path) -> None:
    site, password = init_site(tmp_path / "site")
    try:
        with site.sessions() as session:
            stored = session.scalars(select(User.password_hash)).one()
            assert session.get(SiteSettings, 1).password_scrypt_n == 2**17  # type: ignore[union-attr]
    finally:
        site.close()
    assert stored.startswith("scrypt$131072$8$1$")
    assert passwords.verify_password(password, stored)
    assert not passwords.verify_password(password + "x", stored)
    assert not passwords.needs_rehash(stored, COST)


def test_a_hash_of_the_old_cost_verifies_and_needs_a_new_one() -> None:
    old = passwords.hash_password("hemligt", Cost(2**14))  # what every site had before
    assert old.startswith("scrypt$16384$8$1$")
    assert passwords.verify_password("hemligt", old)
    assert passwords.needs_rehash(old, COST)
    assert passwords.needs_rehash("md5$abc", COST)
    assert not passwords.verify_password("hemligt", "scrypt$3$8$1$AAAA$AAAA")  # no such cost


@pytest.mark.parametrize("n", [0, 3, 2**9, 2**21, 3 * 2**12])
def test_costs_out_of_range_are_refused(n: int) -> None:
    with pytest.raises(ValueError):
        Cost.checked(n)
