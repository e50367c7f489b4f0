"""hw.http_client: URLs, request bytes, and responses read from fake sockets.

Response framing per RFC 9112: a status line "HTTP/1.x NNN reason", header
fields, an empty line, then a body delimited by Content-Length (§6.3), by
chunked transfer coding (§7.1: hex size, optional extensions after ";", CRLF,
data, CRLF, ... a zero-size chunk, trailer fields, CRLF) or by the end of the
connection. No body for HEAD, 1xx, 204 and 304 (§6.3).
"""

import errno

from hw import http_client
from hw.http_client import (
    MAX_HEADERS,
    MAX_LINE,
    HttpError,
    TlsError,
    build_request,
    parse_url,
    read_response,
    request,
)
from tests.hw.dummies import raises


class FakeSocket:
    """A CPython-style socket: ``recv`` hands out the answer ``step`` bytes at a time."""

    def __init__(self, data, step=4096):
        self.data = bytes(data)
        self.step = step
        self.taken = 0
        self.sent = bytearray()
        self.timeout = None
        self.address = None
        self.closed = False
        self.fail = None  # an exception recv raises instead of answering

    def recv(self, size):
        if self.fail is not None:
            raise self.fail
        count = min(size, self.step)
        chunk = self.data[self.taken : self.taken + count]
        self.taken += len(chunk)
        return chunk

    def sendall(self, data):
        self.sent.extend(data)

    def settimeout(self, timeout):
        self.timeout = timeout

    def connect(self, address):
        self.address = address

    def close(self):
        self.closed = True


class FakeStream:
    """MicroPython's SSLSocket: stream methods only (read, readline, write), no recv."""

    def __init__(self, data):
        self.data = bytes(data)
        self.taken = 0
        self.line_limits = []  # the size given to each readline

    def read(self, size=-1):
        if size is None or size < 0:
            size = len(self.data) - self.taken
        chunk = self.data[self.taken : self.taken + size]
        self.taken += len(chunk)
        return chunk

    def readline(self, size=-1):
        self.line_limits.append(size)
        end = self.data.find(b"\n", self.taken)
        end = len(self.data) if end < 0 else end + 1
        if size is not None and size >= 0:
            end = min(end, self.taken + size)
        line = self.data[self.taken : end]
        self.taken = end
        return line


def _answer(data, step=4096, method="GET", max_body=http_client.MAX_BODY):
    return read_response(FakeSocket(data, step), method, max_body)


# --- parse_url -----------------------------------------------------------------------


def test_parse_url():
    assert parse_url("http://bo.example/api/v1/sync") == ("http", "bo.example", 80, "/api/v1/sync")
    assert parse_url("https://bo.example") == ("https", "bo.example", 443, "/")
    assert parse_url("HTTPS://bo.example:8443/a?b=1#top") == ("https", "bo.example", 8443, "/a?b=1")
    assert parse_url("http://10.0.0.2:8000?x=1") == ("http", "10.0.0.2", 8000, "/?x=1")
    assert parse_url("http://h#frag") == ("http", "h", 80, "/")
    assert parse_url("http://[::1]:8080/x") == ("http", "::1", 8080, "/x")
    assert parse_url("https://[fe80::1]/") == ("https", "fe80::1", 443, "/")


def test_parse_url_refuses():
    for url in (
        "bo.example/api",
        "ftp://bo.example/",
        "http://",
        "http:///path",
        "http://:8080/",
        "http://user:pw@bo.example/",
        "http://bo.example:0/",
        "http://bo.example:65536/",
        "http://bo.example:http/",
        "http://[::1/",
        "http://[::1]junk/",
        "http://[::1]x:8080/",
    ):
        raises(HttpError, parse_url, url)


# --- build_request -------------------------------------------------------------------


def test_get_request_bytes():
    assert build_request("GET", "bo.example", 80, "/api/v1/time") == (
        b"GET /api/v1/time HTTP/1.1\r\n"
        b"Host: bo.example\r\n"
        b"User-Agent: synk-station\r\n"
        b"Connection: close\r\n"
        b"\r\n"
    )


def test_post_request_bytes():
    body = b"\x00\x01\x02"
    message = build_request(
        "POST", "bo.example", 443, "/up", {"Content-Type": "application/octet-stream"}, body, 443
    )
    assert message == (
        b"POST /up HTTP/1.1\r\n"
        b"Host: bo.example\r\n"
        b"User-Agent: synk-station\r\n"
        b"Content-Length: 3\r\n"
        b"Connection: close\r\n"
        b"Content-Type: application/octet-stream\r\n"
        b"\r\n\x00\x01\x02"
    )
    assert b"Content-Length: 0\r\n" in build_request("PUT", "h", 80, "/", body=b"")
    assert b"Content-Length" not in build_request("DELETE", "h", 80, "/")


def test_host_field_carries_other_ports_and_ipv6():
    assert b"Host: h:8080\r\n" in build_request("GET", "h", 8080, "/")
    assert b"Host: h:80\r\n" in build_request("GET", "h", 80, "/", default_port=443)
    assert b"Host: [::1]:8080\r\n" in build_request("GET", "::1", 8080, "/")
    assert b"Host: [::1]\r\n" in build_request("GET", "::1", 80, "/")


def test_framing_headers_are_ours():
    message = build_request(
        "POST",
        "h",
        80,
        "/",
        {
            "content-length": "999",
            "Transfer-Encoding": "chunked",
            "Connection": "keep-alive",
            "Host": "other.example",
            "User-Agent": "test/1",
        },
        b"abc",
    )
    head = message.split(b"\r\n\r\n")[0].split(b"\r\n")
    assert head == [
        b"POST / HTTP/1.1",
        b"Host: other.example",
        b"User-Agent: test/1",
        b"Content-Length: 3",
        b"Connection: close",
    ]
    assert message.endswith(b"\r\n\r\nabc")


def test_line_breaks_in_headers_are_refused():
    raises(HttpError, build_request, "GET", "h", 80, "/", {"X-Unit": "7\r\nEvil: 1"})
    raises(HttpError, build_request, "GET", "h", 80, "/", {"X-Unit\n": "7"})


def test_line_breaks_in_host_and_user_agent_are_refused_too():
    # these two replace our own fields; they must not bypass the line-break check
    raises(HttpError, build_request, "GET", "h", 80, "/", {"Host": "h\r\nEvil: 1"})
    raises(HttpError, build_request, "GET", "h", 80, "/", {"User-Agent": "a\r\nEvil: 1"})


# --- read_response -------------------------------------------------------------------


def test_content_length_body():
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n\r\nhello"
    for step in (1, 2, 7, 4096):
        status, headers, body = _answer(answer + b"trailing junk", step)
        assert status == 200
        assert headers == {"content-length": "5", "x-a": "1"}
        assert body == b"hello"


def test_header_names_lower_case_and_repeats_joined():
    answer = (
        b"HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nX-Thing:  spaced  \r\n"
        b"set-cookie: b=2\r\nContent-Length: 0\r\n\r\n"
    )
    _status, headers, body = _answer(answer)
    assert headers["set-cookie"] == "a=1, b=2"
    assert headers["x-thing"] == "spaced"
    assert body == b""


def test_bare_lf_line_ends():
    assert _answer(b"HTTP/1.0 200 OK\nContent-Length: 2\n\nok") == (
        200,
        {"content-length": "2"},
        b"ok",
    )


def test_error_statuses_are_returned():
    status, _headers, body = _answer(b"HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nnej")
    assert (status, body) == (404, b"nej")
    status, _headers, body = _answer(b"HTTP/1.1 503 Service Unavailable\r\n\r\n")
    assert (status, body) == (503, b"")


def test_chunked_body():
    answer = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"4\r\nWiki\r\n"
        b"5;name=value\r\npedia\r\n"
        b"E\r\n in\r\n\r\nchunks.\r\n"
        b"0\r\nExpires: never\r\n\r\n"
    )
    for step in (1, 3, 4096):
        _status, headers, body = _answer(answer, step)
        assert body == b"Wikipedia in\r\n\r\nchunks."
        assert headers["transfer-encoding"] == "chunked"


def test_chunked_wins_over_content_length():
    answer = (
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n"
        b"3\r\nabc\r\n0\r\n\r\n"
    )
    assert _answer(answer)[2] == b"abc"


def test_chunked_errors():
    head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    for tail in (
        b"",  # no chunk at all
        b"4\r\nWi",  # data cut short
        b"4\r\nWiki\r\n",  # no last chunk
        b"zz\r\nWiki\r\n0\r\n\r\n",  # size not hex
        b"4\r\nWikipedia\r\n0\r\n\r\n",  # more data than the size says
    ):
        raises(HttpError, _answer, head + tail)


def test_body_to_the_end_of_the_connection():
    status, _headers, body = _answer(b"HTTP/1.0 200 OK\r\nServer: x\r\n\r\nall of it", 3)
    assert (status, body) == (200, b"all of it")


def test_no_body_for_head_204_304():
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n"
    assert _answer(answer, method="HEAD") == (200, {"content-length": "50"}, b"")
    assert _answer(b"HTTP/1.1 204 No Content\r\n\r\nextra")[2] == b""
    assert _answer(b"HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n")[2] == b""


def test_interim_responses_are_skipped():
    answer = (
        b"HTTP/1.1 100 Continue\r\n\r\n"
        b"HTTP/1.1 102 Processing\r\n\r\n"
        b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nid"
    )
    assert _answer(answer) == (201, {"content-length": "2"}, b"id")


def test_max_body_with_content_length():
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789"
    assert _answer(answer, max_body=10)[2] == b"0123456789"
    raises(HttpError, _answer, answer, max_body=9)
    sock = FakeSocket(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\n" + bytes(100), 64)
    raises(HttpError, read_response, sock, "GET", 1000)
    assert sock.taken <= 128  # refused from the header, the body was not read


def test_max_body_chunked():
    answer = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"6\r\nabcdef\r\n5\r\nghijk\r\n0\r\n\r\n"
    )
    assert _answer(answer, max_body=11)[2] == b"abcdefghijk"
    raises(HttpError, _answer, answer, max_body=10)
    huge = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFF\r\n" + bytes(200)
    sock = FakeSocket(huge, 64)
    raises(HttpError, read_response, sock, "GET", 100)
    assert sock.taken <= 128


def test_max_body_to_the_end():
    answer = b"HTTP/1.0 200 OK\r\n\r\n" + b"x" * 100
    assert _answer(answer, 7, max_body=100)[2] == b"x" * 100
    raises(HttpError, _answer, answer, 7, max_body=99)
    sock = FakeSocket(b"HTTP/1.0 200 OK\r\n\r\n" + bytes(100000), 16)
    raises(HttpError, read_response, sock, "GET", 50)
    assert sock.taken < 1000  # stopped reading soon after the limit


def test_content_length_errors():
    for length in (b"abc", b"-1", b""):
        answer = b"HTTP/1.1 200 OK\r\nContent-Length: " + length + b"\r\n\r\nbody"
        raises(HttpError, _answer, answer)
    raises(HttpError, _answer, b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")


def test_garbage_status_lines():
    for answer in (
        b"",  # closed at once
        b"\r\n\r\n",
        b"garbage\r\n\r\n",
        b"SSH-2.0-OpenSSH_9.6\r\n",
        b"HTTP/2 200\r\n\r\n",
        b"HTTP/1.1\r\n\r\n",
        b"HTTP/1.1 abc OK\r\n\r\n",
        b"\x16\x03\x01\x00\xa5\x01\x00\x00",  # a TLS ClientHello, not HTTP
        b"<html>hello</html>",
    ):
        raises(HttpError, _answer, answer)


def test_broken_heads():
    raises(HttpError, _answer, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n")  # cut in the head
    raises(HttpError, _answer, b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n")
    many = b"".join(b"X-%d: v\r\n" % i for i in range(MAX_HEADERS + 1))
    raises(HttpError, _answer, b"HTTP/1.1 200 OK\r\n" + many + b"\r\n")
    enough = b"".join(b"X-%d: v\r\n" % i for i in range(MAX_HEADERS - 1))
    assert len(_answer(b"HTTP/1.1 200 OK\r\n" + enough + b"Content-Length: 0\r\n\r\n")[1]) == 100
    long_line = b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * (2 * MAX_LINE) + b"\r\n\r\n"
    raises(HttpError, _answer, long_line, 1024)


def test_a_long_line_is_refused_even_when_one_read_brings_its_end():
    line = b"X-Long: " + b"a" * MAX_LINE + b"\r\n"  # its end arrives in the third 4 KB read
    raises(HttpError, _answer, b"HTTP/1.1 200 OK\r\n" + line + b"\r\n", 4096)
    fits = b"X-Long: " + b"a" * (MAX_LINE - 11) + b"\r\n"  # MAX_LINE bytes with its end
    assert len(_answer(b"HTTP/1.1 200 OK\r\n" + fits + b"\r\n", 4096)[1]["x-long"]) == MAX_LINE - 11
    stream = FakeStream(b"HTTP/1.1 200 OK\r\n" + line + b"\r\n")
    raises(HttpError, read_response, stream)
    assert stream.line_limits and max(stream.line_limits) <= MAX_LINE + 1  # never unbounded


def test_header_bytes_are_latin_1():
    _status, headers, _body = _answer(b"HTTP/1.1 200 OK\r\nX-Name: G\xf6ran\r\n\r\n")
    assert headers["x-name"] == "G\xf6ran"


def test_stream_without_recv():
    sized = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
    assert read_response(FakeStream(sized)) == (200, {"content-length": "5"}, b"hello")
    chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n1\r\nc\r\n0\r\n\r\n"
    assert read_response(FakeStream(chunked))[2] == b"abc"
    to_end = b"HTTP/1.0 200 OK\r\n\r\nuntil close"
    assert read_response(FakeStream(to_end))[2] == b"until close"
    raises(HttpError, read_response, FakeStream(b"HTTP/1.0 200 OK\r\n\r\n" + bytes(20)), "GET", 10)
    raises(HttpError, read_response, FakeStream(sized[:-2]))
    raises(HttpError, read_response, FakeStream(b"nonsense\r\n"))


# --- streaming to a sink ----------------------------------------------------------------

BIG = bytes((i * 7 + 3) & 0xFF for i in range(10000))


def _framings(body):
    sized = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body
    chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    for at in range(0, len(body), 3000):
        part = body[at : at + 3000]
        chunked += b"%x\r\n" % len(part) + part + b"\r\n"
    chunked += b"0\r\n\r\n"
    to_end = b"HTTP/1.0 200 OK\r\n\r\n" + body
    return (sized, chunked, to_end)


def test_a_sink_gets_the_body_in_bounded_pieces_and_none_is_collected():
    for answer in _framings(BIG):
        for sock in (FakeSocket(answer, 4096), FakeSocket(answer, 5), FakeStream(answer)):
            pieces = []
            status, _, body = read_response(sock, "GET", 20000, pieces.append)
            assert (status, body) == (200, b"")
            assert b"".join(pieces) == BIG
            assert max(len(p) for p in pieces) <= http_client.PIECE


def test_a_sink_that_wants_no_more_stops_the_reading():
    for answer in _framings(BIG):
        sock = FakeSocket(answer, 1000)
        seen = []

        def enough(piece, seen=seen):
            seen.append(piece)
            return True

        assert read_response(sock, "GET", 20000, enough)[:2][0] == 200
        assert len(seen) == 1
        assert sock.taken < len(answer) // 2


def test_a_streamed_body_is_still_bounded_and_must_be_whole():
    for answer in _framings(BIG):
        raises(HttpError, read_response, FakeSocket(answer), "GET", 9999, lambda piece: None)
    sized, chunked, _ = _framings(BIG)
    for cut in (sized[:-1], chunked[:-20]):
        raises(HttpError, read_response, FakeSocket(cut), "GET", 20000, lambda piece: None)


def test_other_answers_keep_a_short_body_when_streaming():
    long_error = b"HTTP/1.1 404 Not Found\r\nContent-Length: 5000\r\n\r\n" + b"x" * 5000
    got = []
    status, _, body = read_response(FakeSocket(long_error), "GET", 20000, got.append)
    assert (status, got) == (404, [])
    assert body == b"x" * http_client.KEPT_BODY
    short = b"HTTP/1.1 409 Conflict\r\nContent-Length: 2\r\n\r\n{}"
    assert read_response(FakeSocket(short), "GET", 20000, got.append)[2] == b"{}"


# --- request, over a fake socket module ------------------------------------------------


class FakeSocketModule:
    SOCK_STREAM = 1

    def __init__(self, answer, resolves=True):
        self.answer = answer
        self.resolves = resolves
        self.sockets = []

    def getaddrinfo(self, host, port, family=0, kind=0):
        if not self.resolves:
            raise OSError(-2, "Name or service not known")
        return [(2, kind, 0, "", ("10.0.0.2", port))]

    def socket(self, family, kind, proto):
        sock = FakeSocket(self.answer, 50)
        self.sockets.append(sock)
        return sock


class FakeContext:
    def __init__(self):
        self.hostnames = []

    def wrap_socket(self, sock, server_hostname=None):
        self.hostnames.append(server_hostname)
        return sock


def _with_socket_module(fake, fn, *args, **kwargs):
    real = http_client.socket
    http_client.socket = fake
    try:
        return fn(*args, **kwargs)
    finally:
        http_client.socket = real


def test_request_end_to_end():
    fake = FakeSocketModule(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\npong")
    answer = _with_socket_module(
        fake, request, "post", "http://bo.example:8000/ping", {"X-Unit": "7"}, b"hi", 3
    )
    assert answer == (200, {"content-length": "4"}, b"pong")
    sock = fake.sockets[0]
    assert sock.address == ("10.0.0.2", 8000)
    assert sock.timeout == 3
    assert sock.closed
    assert bytes(sock.sent) == build_request(
        "POST", "bo.example", 8000, "/ping", {"X-Unit": "7"}, b"hi"
    )


def test_request_https_wraps_with_the_given_context():
    fake = FakeSocketModule(b"HTTP/1.1 204 No Content\r\n\r\n")
    context = FakeContext()
    answer = _with_socket_module(
        fake, request, "GET", "https://bo.example/api", ssl_context=context
    )
    assert answer == (204, {}, b"")
    assert context.hostnames == ["bo.example"]
    assert fake.sockets[0].address == ("10.0.0.2", 443)
    assert bytes(fake.sockets[0].sent).startswith(b"GET /api HTTP/1.1\r\nHost: bo.example\r\n")


class RefusingContext:
    """A handshake that fails as MicroPython's does for an untrusted certificate."""

    def wrap_socket(self, sock, server_hostname=None):
        raise ValueError("The certificate is not correctly signed by the trusted CA")


def test_a_failed_handshake_is_a_tls_error_and_closes_the_socket():
    fake = FakeSocketModule(b"HTTP/1.1 204 No Content\r\n\r\n")
    exc = raises(
        TlsError,
        _with_socket_module,
        fake,
        request,
        "GET",
        "https://bo.example/",
        ssl_context=RefusingContext(),
    )
    assert "bo.example" in str(exc) and "trusted CA" in str(exc)
    assert fake.sockets[0].closed and not fake.sockets[0].sent


def test_request_errors():
    unresolved = FakeSocketModule(b"", resolves=False)
    exc = raises(OSError, _with_socket_module, unresolved, request, "GET", "http://nowhere/")
    assert exc.args[0] == errno.EHOSTUNREACH

    silent = FakeSocketModule(b"")

    def timing_out():
        real_socket = silent.socket

        def socket(*args):
            sock = real_socket(*args)
            sock.fail = OSError(errno.ETIMEDOUT)
            return sock

        silent.socket = socket
        return request("GET", "http://bo.example/")

    exc = raises(OSError, _with_socket_module, silent, timing_out)
    assert exc.args[0] == errno.ETIMEDOUT
    assert silent.sockets[0].closed

    garbage = FakeSocketModule(b"nonsense\r\n")
    raises(HttpError, _with_socket_module, garbage, request, "GET", "http://bo.example/")
    assert garbage.sockets[0].closed
    raises(HttpError, request, "GET", "gopher://bo.example/")  # before any socket


def test_spaces_and_line_breaks_in_the_request_line_are_refused():
    for path in ("/a b", "/a\r\nEvil: 1", ""):
        raises(HttpError, build_request, "GET", "h", 80, path)
    raises(HttpError, build_request, "GET X", "h", 80, "/")
