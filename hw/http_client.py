"""A small HTTP/1.1 client over ``socket`` (and ``ssl`` for https): the station's uplink.

Runs unchanged on MicroPython and CPython::

    status, headers, body = request("POST", "https://bo.example/api/v1/upload",
                                    {"Content-Type": "application/octet-stream"}, data, 10)

One request per connection (``Connection: close``). The response body may come
with Content-Length, chunked (RFC 9112 §7.1), or until the server closes.
Header names come back in lower case; repeated ones are joined with ", ".

Streaming: with ``sink=f``, the body of a 200 answer is not collected but
handed to ``f(piece)`` as it arrives, in pieces of at most ``PIECE`` (512)
bytes, and the returned body is b""; ``f`` returning True means the rest is
not wanted (reading stops, the connection is closed). ``max_body`` bounds the
total either way. Other answers' bodies are then kept only to ``KEPT_BODY``
(1,024) bytes, enough for an error message. Buffers: every socket read is of
at most ``PIECE`` bytes, head and body alike (``MAX_LINE``, 8,192, bounds a
head line); without a sink, the body. The request's head and body are sent as
they are, not joined into one more copy.

Why so small: on a board the heap the firmware's import leaves is full of
small holes (MicroPython's collector does not move objects), so what a sync
allocates over and over must fit in one; a 4 KiB read needs 4 KiB in one
piece, which a fragmented heap with 200 KiB free may not have. Measured on the
unix port at 600 KiB (bench/station_run.py): the largest free block after the
firmware's import was 52 blocks of 16 bytes, so every 4 KiB read failed.

Errors: the network's own failures are OSError (refused: errno ECONNREFUSED;
no answer in ``timeout`` seconds: errno ETIMEDOUT, on both ports); a URL we
cannot use or a response that is not HTTP, is cut short or is too big is
HttpError. A status of 4xx or 5xx is not an error here: the caller reads it.

TLS: pass ``ssl_context=tls_context(ca_der)``, a context that trusts only the
back office's CA (DER bytes, from the signed station configuration) and
requires a valid certificate for the URL's host name. Without one, CPython's
default context is used (the system's CAs); MicroPython has no system CAs, and
a bare client context there may skip verification altogether, so https with no
context is refused rather than run unverified. A failed handshake (certificate
not trusted, wrong host name, no TLS at all) is TlsError. Bundles are signed
(ARCHITECTURE, trust model), so TLS guards the station's credential and privacy.
"""

import errno
import socket

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any  # read under TYPE_CHECKING only

MAX_LINE = 8192  # status line or one header line
MAX_HEADERS = 100
MAX_BODY = 2 * 1024 * 1024  # bundles are at most 1 MiB (protocol/SPEC.md §1)
USER_AGENT = "synk-station"
PIECE = 512  # the most one socket read asks for, and so a streamed body's piece
KEPT_BODY = 1024  # bytes kept of a non-200 body when streaming


class HttpError(Exception):
    """The URL cannot be used, or the answer is not a usable HTTP/1.x response."""


class TlsError(HttpError):
    """The TLS handshake failed: certificate not trusted, wrong host name, or no TLS."""


def parse_url(url: str) -> "tuple[str, str, int, str]":
    """(scheme, host, port, path with query) of an http:// or https:// URL."""
    at = url.find("://")
    if at < 0:
        raise HttpError("not an absolute URL: %r" % url)
    scheme = url[:at].lower()
    if scheme not in ("http", "https"):
        raise HttpError("unsupported scheme %r" % scheme)
    rest = url[at + 3 :]
    cut = len(rest)
    for mark in "/?#":
        found = rest.find(mark)
        if 0 <= found < cut:
            cut = found
    authority = rest[:cut]
    path = rest[cut:].split("#")[0]
    if not path.startswith("/"):
        path = "/" + path
    if "@" in authority:
        raise HttpError("user info in URLs is not supported")
    port = 443 if scheme == "https" else 80
    if authority.startswith("["):  # IPv6 literal
        end = authority.find("]")
        if end < 0:
            raise HttpError("bad IPv6 address in %r" % url)
        host = authority[1:end]
        tail = authority[end + 1 :]
        if tail.startswith(":"):
            port = _port(tail[1:], url)
        elif tail:
            raise HttpError("junk after the IPv6 address in %r" % url)
    else:
        host, sep, port_text = _partition(authority, ":")
        if sep:
            port = _port(port_text, url)
    if not host:
        raise HttpError("no host in %r" % url)
    return scheme, host, port, path


def _partition(text: str, sep: str) -> "tuple[str, str, str]":
    at = text.find(sep)
    if at < 0:
        return text, "", ""
    return text[:at], sep, text[at + len(sep) :]


def _port(text: str, url: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise HttpError("bad port in %r" % url)
    if not 0 < port < 65536:
        raise HttpError("bad port in %r" % url)
    return port


def build_request(
    method: str,
    host: str,
    port: int,
    path: str,
    headers: "dict[str, str] | None" = None,
    body: bytes = b"",
    default_port: int = 80,
) -> bytes:
    """The request head and body as bytes. Host, Content-Length and Connection are ours."""
    return build_head(method, host, port, path, headers, len(body), default_port) + bytes(body)


def build_head(
    method: str,
    host: str,
    port: int,
    path: str,
    headers: "dict[str, str] | None" = None,
    body_length: int = 0,
    default_port: int = 80,
) -> bytes:
    """The request head (through its blank line) for a body of ``body_length`` bytes."""
    host_field = "[%s]" % host if ":" in host else host
    if port != default_port:
        host_field = "%s:%d" % (host_field, port)
    fields = [("Host", host_field), ("User-Agent", USER_AGENT)]
    if body_length or method in ("POST", "PUT", "PATCH"):
        fields.append(("Content-Length", str(body_length)))
    fields.append(("Connection", "close"))
    own = ("host", "content-length", "connection", "transfer-encoding")
    if headers:
        for name, value in headers.items():
            if "\r" in name + value or "\n" in name + value:
                raise HttpError("line break in header %r" % name)
            lower = name.lower()
            if lower in own:
                if lower == "host":
                    fields[0] = ("Host", value)
                continue
            if lower == "user-agent":
                fields[1] = ("User-Agent", value)
                continue
            fields.append((name, value))
    for part in (method, path):
        if not part or " " in part or "\r" in part or "\n" in part:
            raise HttpError("space or line break in the request line: %r" % part)
    head = "%s %s HTTP/1.1\r\n" % (method, path)
    head += "".join("%s: %s\r\n" % field for field in fields) + "\r\n"
    return head.encode()


class _Stream:
    """Buffered reading from a socket (CPython, MicroPython) or an SSL socket without recv."""

    def __init__(self, sock: "Any") -> None:
        self._sock = sock
        self._recv = getattr(sock, "recv", None)
        self._buf = b""
        self._eof = False

    def _fill(self) -> bool:
        if self._eof:
            return False
        # MicroPython's SSLSocket has stream methods only: one byte never waits for more
        chunk = self._recv(PIECE) if self._recv is not None else self._sock.read(1)
        if not chunk:
            self._eof = True
            return False
        self._buf += chunk
        return True

    def readline(self) -> bytes:
        """One line with its end (b"\\n" or b"\\r\\n"); b"" at end of stream."""
        while True:
            at = self._buf.find(b"\n")
            if at >= MAX_LINE or (at < 0 and len(self._buf) > MAX_LINE):
                raise HttpError("line longer than %d bytes" % MAX_LINE)
            if at >= 0:
                line = self._buf[: at + 1]
                self._buf = self._buf[at + 1 :]
                return line
            if self._recv is None and not self._eof:
                # the SSL stream's own line reader, bounded: one byte past the limit shows it
                line = self._sock.readline(MAX_LINE + 1 - len(self._buf))
                if not line:
                    self._eof = True
                    continue
                self._buf += line
                continue
            if not self._fill():
                line = self._buf
                self._buf = b""
                return line

    def read_some(self, limit: int) -> bytes:
        """Up to ``limit`` (> 0) bytes: what is buffered, else one read; b"" at end of stream."""
        if self._buf:
            piece = self._buf[:limit]
            self._buf = self._buf[limit:]
            return piece
        if self._eof:
            return b""
        # MicroPython's SSL stream reads until limit or EOF: callers ask for what is due.
        limit = min(limit, PIECE)
        piece = self._recv(limit) if self._recv is not None else self._sock.read(limit)
        if not piece:
            self._eof = True
            return b""
        return piece


def _text(line: bytes) -> str:
    # ISO-8859-1 by hand: MicroPython decodes only UTF-8, and header bytes need not be.
    return "".join(chr(b) for b in line)


def _read_head(stream: _Stream) -> "tuple[int, dict[str, str]]":
    line = stream.readline()
    if not line:
        raise HttpError("connection closed before a response")
    parts = _text(line).strip().split(None, 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
        raise HttpError("not an HTTP/1.x status line: %r" % (line[:80],))
    try:
        status = int(parts[1])
    except ValueError:
        raise HttpError("bad status code in %r" % (line[:80],))
    headers: "dict[str, str]" = {}
    for _ in range(MAX_HEADERS + 1):
        line = stream.readline()
        if not line:
            raise HttpError("connection closed inside the response head")
        text = _text(line).strip()
        if not text:
            return status, headers
        name, sep, value = _partition(text, ":")
        if not sep:
            raise HttpError("bad header line %r" % (text[:80],))
        name = name.strip().lower()
        value = value.strip()
        headers[name] = headers[name] + ", " + value if name in headers else value
    raise HttpError("more than %d header lines" % MAX_HEADERS)


def _pieces(stream: _Stream, headers: "dict[str, str]", limit: int) -> "Any":
    """The body's pieces (each at most PIECE bytes), however it is framed; HttpError if bad."""
    if "chunked" in headers.get("transfer-encoding", "").lower():
        total = 0
        while True:
            line = _text(stream.readline()).strip()
            if not line:
                raise HttpError("chunked body cut short")
            try:
                size = int(line.split(";")[0].strip(), 16)
            except ValueError:
                raise HttpError("bad chunk size %r" % (line[:40],))
            if size == 0:
                while _text(stream.readline()).strip():  # trailer fields, ignored
                    pass
                return
            total += size
            if total > limit:
                raise HttpError("response body over %d bytes" % limit)
            left = size
            while left:
                piece = stream.read_some(min(left, PIECE))
                if not piece:
                    raise HttpError("chunked body cut short")
                left -= len(piece)
                yield piece
            if _text(stream.readline()).strip():
                raise HttpError("chunk not followed by CRLF")
    length_text = headers.get("content-length")
    if length_text is not None:
        try:
            length = int(length_text.split(",")[0].strip())
        except ValueError:
            raise HttpError("bad Content-Length %r" % length_text)
        if length < 0 or length > limit:
            raise HttpError("response body of %d bytes, limit %d" % (length, limit))
        left = length
        while left:
            piece = stream.read_some(min(left, PIECE))
            if not piece:
                raise HttpError("response cut short: %d of %d bytes" % (length - left, length))
            left -= len(piece)
            yield piece
        return
    total = 0
    while True:
        piece = stream.read_some(PIECE)
        if not piece:
            return
        total += len(piece)
        if total > limit:
            raise HttpError("response body over %d bytes" % limit)
        yield piece


def read_response(
    sock: "Any", method: str = "GET", max_body: int = MAX_BODY, sink: "Any" = None
) -> "tuple[int, dict[str, str], bytes]":
    """Read one response from ``sock``: (status, headers with lower-case names, body).

    ``sink``: see the module docstring (streaming).
    """
    stream = _Stream(sock)
    status, headers = _read_head(stream)
    while 100 <= status < 200 and status != 101:  # interim responses (100 Continue)
        status, headers = _read_head(stream)
    if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
        return status, headers, b""
    pieces = _pieces(stream, headers, max_body)
    if sink is None:
        return status, headers, b"".join(list(pieces))
    if status == 200:
        for piece in pieces:
            if sink(piece):
                break
        return status, headers, b""
    kept = b""
    for piece in pieces:
        kept += piece[: KEPT_BODY - len(kept)]
        if len(kept) >= KEPT_BODY:
            break
    return status, headers, kept


def _is_timeout(exc: Exception) -> bool:
    # CPython raises TimeoutError (errno None); MicroPython OSError(ETIMEDOUT)
    return type(exc).__name__ in ("TimeoutError", "timeout") or (
        bool(exc.args) and exc.args[0] == errno.ETIMEDOUT
    )


def _write_all(sock: "Any", data: bytes) -> None:
    write = getattr(sock, "write", None)
    if write is None:  # CPython's plain socket
        sock.sendall(data)
        return
    view = memoryview(data)
    while len(view):
        sent = write(view)
        if sent is None:  # a non-blocking socket with a full buffer: try again
            continue
        view = view[sent:]


def tls_context(ca_der: bytes) -> "Any":
    """A client context that trusts only the CA certificate ``ca_der`` (DER bytes).

    The server's certificate must chain to it and name the URL's host.
    """
    import ssl

    if hasattr(ssl, "create_default_context"):  # CPython
        return ssl.create_default_context(cadata=bytes(ca_der))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # MicroPython
    context.verify_mode = ssl.CERT_REQUIRED  # type: ignore[attr-defined]  # MicroPython has it
    try:
        context.load_verify_locations(cadata=bytes(ca_der))
    except ValueError as exc:
        raise TlsError("the CA certificate cannot be read: %s" % _describe(exc))
    return context


def _default_context() -> "Any":
    import ssl

    if hasattr(ssl, "create_default_context"):  # CPython: the system's CAs
        return ssl.create_default_context()
    raise TlsError("https needs the back office's CA certificate (tls_context)")


def _describe(exc: Exception) -> str:
    return " ".join(str(part).strip() for part in exc.args) or type(exc).__name__


def _handshake(context: "Any", sock: "Any", host: str) -> "Any":
    try:
        return context.wrap_socket(sock, server_hostname=host)
    except MemoryError:
        raise
    except Exception as exc:  # CPython ssl.SSLError (an OSError); MicroPython OSError, ValueError
        if _is_timeout(exc):
            raise
        raise TlsError("TLS handshake with %s failed: %s" % (host, _describe(exc)))


def request(
    method: str,
    url: str,
    headers: "dict[str, str] | None" = None,
    body: bytes = b"",
    timeout: float = 10,
    ssl_context: "Any" = None,
    max_body: int = MAX_BODY,
    sink: "Any" = None,
) -> "tuple[int, dict[str, str], bytes]":
    """Send one request and return (status, headers with lower-case names, body).

    ``sink``: a function taking the pieces of a 200 answer's body (module docstring).
    """
    method = method.upper()
    scheme, host, port, path = parse_url(url)
    tls = scheme == "https"
    head = build_head(method, host, port, path, headers, len(body), 443 if tls else 80)
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)[0]
    except OSError as exc:
        raise OSError(errno.EHOSTUNREACH, "cannot resolve %s: %s" % (host, exc))
    sock = socket.socket(family, kind, proto)
    try:
        sock.settimeout(timeout)
        sock.connect(address)
        if tls:
            context = ssl_context if ssl_context is not None else _default_context()
            sock = _handshake(context, sock, host)
        _write_all(sock, head)
        if body:
            _write_all(sock, body)
        return read_response(sock, method, max_body, sink)
    except OSError as exc:
        if _is_timeout(exc):
            raise OSError(errno.ETIMEDOUT, "HTTP %s %s timed out" % (method, url))
        raise
    finally:
        sock.close()
