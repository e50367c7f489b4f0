"""``synk diag``: the technician's diagnostics for sync stations and keys over USB serial.

- `ports`: finding and opening serial ports (pyserial), errors in words.
- `link`: the framed requester of SPEC.md 1.3, 2 and 3 (seq, retries, counters).
- `device`: what is on the port (probe) and one request with its answer.
- `station`, `key`: reading a station's service console and a key in the USB
  key reader; `audit`: audit records as rows, and the export rule for
  clearing a station's outbox; `tokens`: service tokens from the back office.
- `session`, `commands`, `cli`: one conversation, the commands, and the
  ``synk diag`` command line; `output` and `messages`: how it all reads.
"""
