"""The committed fixture bundles are exactly what tests/firmware/make_fixtures.py makes."""

from tests.firmware import make_fixtures


def test_committed_fixtures_match_the_generator() -> None:
    made = {**make_fixtures.fixture_bundles(), **make_fixtures.fixture_config()}
    for name, data in made.items():
        assert (make_fixtures.FIXTURES / name).read_bytes() == data, name
    assert (make_fixtures.FIXTURES / "__init__.py").read_text() == make_fixtures.facts()
