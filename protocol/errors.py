"""The one exception family the reference codec raises.

Every encoder and decoder in `protocol/` turns malformed input, of whatever
origin (a construct error, a wrong Python type, a missing dict key), into a
`ProtocolError` that names the field at fault as a dotted path, for example
``"permission_set.lock_ids"`` or ``"bundle.sections[2].sha256"``.
"""

from __future__ import annotations


class ProtocolError(Exception):
    """Input that does not match SPEC.md; `field` is the dotted path at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class TransferError(ProtocolError):
    """A chunked transfer refused as SPEC.md section 6 says.

    `status` is the status code (`protocol.constants.Status`) the receiver
    answers with, `detail` the error detail's `u32 detail`.
    """

    def __init__(self, status: int, detail: int, message: str, field: str = "transfer") -> None:
        super().__init__(field, message)
        self.status = status
        self.detail = detail
