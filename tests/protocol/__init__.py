"""Tests of protocol/, the reference implementation of SPEC.md: golden vectors,
round trips, malformed input, framing, chunked transfer, sizes and the spec's tables."""
