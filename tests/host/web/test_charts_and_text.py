"""The inline SVG charts, the text helpers, and that every catalogue key the pages use exists."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from host.backoffice import messages
from host.backoffice.followup import fleet, visits
from host.backoffice.followup.service import ANOMALY_KINDS, FollowUp
from host.backoffice.roles import USER_ROLES, Actor, Role
from host.backoffice.service import KEY_STATES, LOCK_TYPES
from host.web import charts, text
from host.web.tables import Column, Row, Table
from protocol.constants import Outcome, StationReason

SVG = "{http://www.w3.org/2000/svg}"
WEB = Path(__file__).resolve().parents[3] / "host" / "web"


def test_a_bar_chart_is_well_formed_svg_with_one_bar_per_value() -> None:
    svg = charts.bar_chart(
        "mounts",
        "Monteringar <per> månad",
        "desc & more",
        ["2026-01", "2026-02", "2026-03"],
        [("Monteringar", [1, 4, 0]), ("Ned & ut", [0, 0, 1])],
    )
    root = ET.fromstring(str(svg))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Monteringar <per> månad"  # type: ignore[union-attr]
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(bars) == 6
    heights = [float(r.get("height", "0")) for r in bars]
    assert heights[1] == max(heights) and heights[2] == 0.0
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "Ned & ut" in labels and "2026-02" in labels
    assert "<script" not in str(svg)


def test_a_line_chart_leaves_a_gap_where_a_month_has_no_data() -> None:
    svg = charts.line_chart(
        "share",
        "Andel",
        "desc",
        ["jan", "feb", "mar", "apr"],
        [("A", [50.0, None, 75.0, 80.0]), ("B", [None, None, None, 10.0])],
    )
    root = ET.fromstring(str(svg))
    lines = list(root.iter(f"{SVG}polyline"))
    assert len(lines) == 1  # A: mar-apr joined; jan alone; B: a single point
    assert len(lines[0].get("points", "").split()) == 2
    assert len(list(root.iter(f"{SVG}circle"))) == 3 + 1  # A's points and its legend marker


def test_axis_maxima_are_round() -> None:
    assert [charts.nice_max(v) for v in (0, 1, 3, 4, 5, 9, 37, 130)] == [
        4,
        4,
        4,
        4,
        8,
        20,
        40,
        200,
    ]


def test_numbers_for_people_and_for_csv() -> None:
    assert text.percent(2 / 3) == "66,7 %"
    assert text.percent(None) == ""
    assert text.decimal(1.5) == "1,5" and text.decimal(2 / 3, 2) == "0,67"
    # the values themselves; host.csvfile formats and neutralises them (tests/host/test_csvfile.py)
    assert text.csv_value(True) is True and text.csv_value(None) is None
    assert text.csv_value(["a", "b"]) == "a;b" and text.csv_value(2 / 3) == 0.7
    assert text.csv_value(-1) == -1
    with text.speaking("both"):
        assert str(text.label("web.nav.keys")) == (
            '<span lang="sv">Nycklar</span> <span lang="en" class="en">Keys</span>'
        )
    for language in ("sv", "en", "both"):
        with text.speaking(language):
            assert "&lt;b&gt;" in str(text.label("visits.missing", column="<b>"))


def _one_bar(value: float) -> object:
    return charts.bar_chart("one", "Ett", "desc", ["2026-01"], [("A", [value])])


def test_one_place_shows_a_pair_of_texts_in_each_language_setting() -> None:
    assert text.language() == "sv"  # outside a request: the default, Swedish
    with text.speaking("sv"):
        assert str(text.label("web.nav.keys")) == "Nycklar"
        assert text.percent(2 / 3) == "66,7 %" and text.decimal(1.5) == "1,5"
        assert "2,5" in [t.text for t in ET.fromstring(str(_one_bar(2.5))).iter(f"{SVG}text")]
        assert text.plain("web.nav.keys") == "Nycklar" and text.html_lang() == "sv"
    with text.speaking("en"):
        assert str(text.label("web.nav.keys")) == "Keys"
        assert text.plain("web.nav.keys") == "Keys" and text.html_lang() == "en"
        assert text.percent(2 / 3) == "66.7 %" and text.decimal(1.5) == "1.5"
        labels = [t.text for t in ET.fromstring(str(_one_bar(2.5))).iter(f"{SVG}text")]
        assert "2.5" in labels and "2,5" not in labels
        with text.speaking("both"):  # nested: the inner setting, then the outer again
            assert text.plain("web.nav.keys") == "Nycklar / Keys"
            assert text.show("synk", "synk") == '<span lang="sv">synk</span>'
        assert text.plain("web.nav.keys") == "Keys"
    assert text.language() == "sv"


def test_a_table_gives_the_csv_its_header_rows_and_footer() -> None:
    table = Table(
        [Column("a", "web.col.unit"), Column("b", "web.col.total", True, page=False)],
        [Row([("x", "X"), (1, "1")])],
        Row([("total", "T"), (1, "1")]),
    )
    assert table.shown() == [0]
    assert table.csv_rows() == [["a", "b"], ["x", 1], ["total", 1]]


def _used_keys() -> set[str]:
    found: set[str] = set()
    pattern = re.compile(r"""["']((?:web|visits|sample|followup)\.[a-z_0-9.]+[a-z0-9_])["']""")
    for path in [
        *WEB.rglob("*.py"),
        *WEB.rglob("*.html"),
        *(WEB.parent / "backoffice").rglob("*.py"),
    ]:
        for key in pattern.findall(path.read_text(encoding="utf-8")):
            if not key.endswith((".html", ".csv", ".py")):
                found.add(key)
    return found


def test_every_catalogue_key_the_pages_use_exists() -> None:
    used = _used_keys()
    assert len(used) > 150
    prefixes = ("web.", "visits.", "sample.", "followup.")
    dynamic = {
        "web.nav": FollowUp.pages(Actor(1, Role.ADMIN)),
        "web.role": [r.value for r in USER_ROLES],
        "web.problem": fleet.PROBLEMS,
        "web.key_state": [*KEY_STATES, "unregistered"],
        "web.lock_type": ["customer", "all", *LOCK_TYPES],
        "web.method": visits.METHODS,
        "web.event_kind": ["all", "lock", "station"],
        "web.outcome": [o.name for o in Outcome],
        "web.reason": [r.name for r in StationReason],
        "web.flag": list(fleet.STATUS_FLAGS.values()),
        "web.anomaly": ANOMALY_KINDS,
        "web.visits.col": visits.COLUMNS,
        "web.locks": ["half1", "half2"],
    }
    for prefix, names in dynamic.items():
        used |= {f"{prefix}.{name}" for name in names}
    prefixes_only = set(dynamic) - {"web.nav"}  # "web.nav" is also a key of its own
    missing = sorted(
        k for k in used - prefixes_only if k.startswith(prefixes) and k not in messages.CATALOGUE
    )
    assert missing == []
    for key in (k for k in messages.CATALOGUE if k.startswith(prefixes)):
        swedish, english = messages.CATALOGUE[key]
        assert swedish.strip() and english.strip(), key
        placeholders = sorted(re.findall(r"{\w+}", swedish))
        assert placeholders == sorted(re.findall(r"{\w+}", english)), key


def test_a_borrowed_sync_is_said_on_the_page_and_marked_in_both_csv_dialects() -> None:
    """Issue 16.1: a key of unit 1 synced at a station of unit 2."""
    from host import csvfile
    from host.backoffice.followup.activity import LogRow
    from host.web.tables import activity_table

    borrowed = LogRow(1_795_000_000, "station", "SYNC_OK", 101, 7, station_unit_id=2, key_unit_id=1)
    own = LogRow(1_795_000_060, "station", "SYNC_OK", 102, 7, station_unit_id=2, key_unit_id=2)
    table = activity_table([borrowed, own])
    event = [c.name for c in table.columns].index("event")
    assert "på lånad station" in str(table.rows[0].cells[event][1])
    assert "lånad" not in str(table.rows[1].cells[event][1])
    plain = csvfile.read_records(csvfile.text(table.csv_rows(csvfile.PLAIN), csvfile.PLAIN))
    assert [r["borrowed"] for r in plain] == ["true", "false"]
    swedish = csvfile.read_records(csvfile.text(table.csv_rows(csvfile.SWEDISH), csvfile.SWEDISH))
    assert [r["Lånad station"] for r in swedish] == ["ja", "nej"]
    assert [r["Händelse"] for r in swedish] == ["synkad", "synkad"]


def _text_boxes(svg: object) -> list[tuple[float, float, float, float, str]]:
    """Each text's box (left, right, top, bottom), its width estimated at 0.6 em a glyph."""
    root = ET.fromstring(str(svg))
    boxes = []
    for element in root.iter(f"{SVG}text"):
        words = element.text or ""
        font = float(element.get("font-size", root.get("font-size", "12")))
        x, y = float(element.get("x", "0")), float(element.get("y", "0"))
        width = 0.6 * font * len(words)
        anchor = element.get("text-anchor", "start")
        left = x - width / 2 if anchor == "middle" else x - width if anchor == "end" else x
        boxes.append((left, left + width, y - font, y, words))
    return boxes


def _overlaps(svg: object) -> list[tuple[str, str]]:
    boxes = _text_boxes(svg)
    return [
        (a[4], b[4])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]
    ]


def test_value_and_month_labels_never_overlap() -> None:
    """Issue 12: close values of two series, wide numbers on narrow bars, many months."""
    months = [f"2026-{m:02d}" for m in range(1, 13)] + [f"2027-{m:02d}" for m in range(1, 13)]
    line = charts.line_chart(
        "share",
        "Andel",
        "desc",
        months[:6],
        [("A", [80.0, 81.0, 50.0, 90.0, 10.0, 100.0]), ("B", [81.5, 80.0, 52.0, 5.0, 11.0, 99.0])],
    )
    assert _overlaps(line) == []
    bars = charts.bar_chart(
        "mounts",
        "Monteringar",
        "desc",
        months,
        [("Monterade", [1234.5] * 24), ("Nedmonterade", [1200.5] * 24), ("Kvar", [1201.5] * 24)],
    )
    assert _overlaps(bars) == []
    shown = {b[4] for b in _text_boxes(bars)}
    assert "2026-01" in shown and "1234,5" in shown  # thinned, not emptied
