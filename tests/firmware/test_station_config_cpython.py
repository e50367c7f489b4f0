"""host.station_config writes what firmware.station_config reads, for any valid configuration."""

from hypothesis import given, settings
from hypothesis import strategies as st

from firmware import station_config as reader
from host import station_config as writer
from hw.display import contact_fits
from tests import factories
from tests.tls_pki import ca_certificate_der

CA_FIELD = writer.ca_field(ca_certificate_der())

texts = st.text(min_size=1, max_size=40)


@settings(max_examples=40)
@given(
    station_id=st.integers(1, 2**32 - 1),
    unit_id=st.integers(1, 2**32 - 1),
    credential=texts,
    contact=st.text(min_size=1, max_size=32).filter(contact_fits),  # two lines of the screen
    ssid=st.none() | texts,
    board=st.sampled_from(["esp32s3", "pico2w", "emulator"]),
)
def test_written_configuration_reads_back(
    station_id: int, unit_id: int, credential: str, contact: str, ssid: str | None, board: str
) -> None:
    config = writer.station_config(
        station_id=station_id,
        unit_id=unit_id,
        backoffice_url="https://synk.example.se/",
        credential=credential,
        authority_keys=[factories.AUTHORITY.public, factories.Signer("next authority").public],
        support_contact=contact,
        board=board,
        wifi_ssid=ssid,
        wifi_password="hemligt" if ssid else None,
        backoffice_ca=CA_FIELD,
    )
    files = writer.signed_files(config, factories.AUTHORITY.sign, factories.AUTHORITY.public)
    read = reader.parse(files[writer.CONFIG_FILE], files[writer.SIGNATURE_FILE])
    assert read == config
    assert read["backoffice_url"] == "https://synk.example.se"
    assert reader.backoffice_ca(read) is not None


def test_signer_must_be_listed() -> None:
    stranger = factories.Signer("stranger")
    config = writer.station_config(
        station_id=1,
        unit_id=1,
        backoffice_url="http://x",
        credential="c",
        authority_keys=[factories.AUTHORITY.public],
        support_contact="s",
    )
    try:
        writer.signed_files(config, stranger.sign, stranger.public)
    except ValueError as exc:
        assert "not among" in str(exc)
    else:
        raise AssertionError("signed with an unlisted key")
