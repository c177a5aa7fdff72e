"""A faster reader of page content streams for pdfminer's interpreter.

pdfminer tokenises content streams one character state at a time in Python; on a long
list that is about half of our time. :class:`FastContentParser` gives the interpreter the
same objects (numbers, names, strings, arrays, dictionaries, operators, in the same order)
from one regular expression pass per stream.

It reproduces pdfminer's rules, quirks included (an unknown escape drops the character,
a lone hex digit becomes its own byte value, a backslash-CR-LF split by pdfminer's 4 KiB
read buffer keeps the LF). Whatever it does not reproduce — inline images, ``#`` escapes in
names, unterminated strings or arrays, malformed hex strings, a lone ``>``, dictionaries with
an odd number of entries, numbers pdfminer would drop — makes it hand the page's streams
to pdfminer's own parser, untouched; it decides before the interpreter sees any object.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Iterator

from pdfminer import pdfinterp
from pdfminer.pdftypes import stream_value
from pdfminer.psparser import KWD, LIT, PSEOF

_ORIGINAL = pdfinterp.PDFContentParser
_BUFSIZ = _ORIGINAL.BUFSIZ if hasattr(_ORIGINAL, "BUFSIZ") else 4096

_TOKEN = re.compile(
    rb"(\s+)"  # 1 white space
    rb"|(%[^\r\n]*)"  # 2 comment
    rb"|/([^#/%\[\]()<>{}\s]*)"  # 3 name
    rb"|([-+0-9][0-9]*(?:\.[0-9]*)?|\.[0-9]*)"  # 4 number
    rb"|([A-Za-z][^#/%\[\]()<>{}\s]*)"  # 5 operator (or true/false)
    rb"|(\()"  # 6 literal string
    rb"|(<<)"  # 7 dictionary begin
    rb"|<([0-9a-fA-F\s]*)>"  # 8 hex string
    rb"|(>>)"  # 9 dictionary end
    rb"|([\[\]{}])"  # 10 array / procedure delimiters
    rb"|(\x00)"  # 11 ignored
    rb"|([^<>])"  # 12 any other character is a one-character operator
)
_END_STRING = re.compile(rb"[()\\]")
_SPC = re.compile(rb"\s")
_HEX_PAIR = re.compile(rb"[0-9a-fA-F]{2}|.")
_ESC = {
    ord("b"): 8,
    ord("t"): 9,
    ord("n"): 10,
    ord("f"): 12,
    ord("r"): 13,
    ord("("): 40,
    ord(")"): 41,
    ord("\\"): 92,
}
_OCT = frozenset(b"01234567")
_TRUE, _FALSE = b"true", b"false"
_BI = b"BI"
_OPEN = {b"[": "a", b"{": "p"}
_CLOSE = {b"]": "a", b"}": "p"}


class Fallback(Exception):
    """This stream needs pdfminer's own parser."""


def _string(s: bytes, i: int) -> tuple[bytes, int]:
    """Literal string starting after '(' at i: (bytes, index after the closing ')')."""
    out = bytearray()
    paren = 1
    n = len(s)
    while True:
        m = _END_STRING.search(s, i)
        if m is None:
            raise Fallback("unterminated string")
        j = m.start()
        out += s[i:j]
        c = s[j]
        if c == 0x5C:  # backslash
            i = j + 1
            k = i
            while k < n and k - i < 3 and s[k] in _OCT:
                k += 1
            if k > i:
                code = int(s[i:k], 8)
                if code > 255:
                    raise Fallback("octal escape out of range")
                out.append(code)
                i = k
                continue
            if i >= n:
                raise Fallback("escape at end of stream")
            e = s[i]
            if e in _ESC:
                out.append(_ESC[e])
            elif e == 0x0D and i + 1 < n and s[i + 1] == 0x0A and (i + 1) % _BUFSIZ:
                i += 1  # backslash + CRLF: both skipped (unless pdfminer's buffer split them)
            i += 1  # any other escaped character is dropped, as pdfminer does
            continue
        if c == 0x28:
            paren += 1
            out.append(c)
            i = j + 1
            continue
        paren -= 1
        if paren:
            out.append(c)
            i = j + 1
            continue
        return bytes(out), j + 1


def _hex(body: bytes) -> bytes:
    return _HEX_PAIR.sub(lambda m: bytes((int(m.group(0), 16),)), _SPC.sub(b"", body))


def objects(data: bytes, out: list) -> None:
    """Append the top-level objects of one content stream to ``out`` as pdfminer's
    PSStackParser.nextobject would return them."""
    stack: list[list] = []  # open arrays / procedures / dictionaries
    kinds: list[str] = []
    cur = out
    pos = 0
    n = len(data)
    match = _TOKEN.match
    while pos < n:
        m = match(data, pos)
        if m is None:
            raise Fallback(f"unexpected byte {data[pos : pos + 1]!r}")
        g = m.lastindex
        pos = m.end()
        if g == 1 or g == 2 or g == 11:
            continue
        if g == 4:
            t = m.group(4)
            try:
                cur.append(float(t) if b"." in t else int(t))
            except ValueError:
                raise Fallback("number pdfminer would drop") from None
        elif g == 5:
            t = m.group(5)
            if t == _TRUE:
                cur.append(True)
            elif t == _FALSE:
                cur.append(False)
            elif t == _BI:
                raise Fallback("inline image")
            else:
                cur.append(KWD(t))
        elif g == 6:
            value, pos = _string(data, pos)
            cur.append(value)
        elif g == 3:
            if pos < n and data[pos] == 0x23:
                raise Fallback("# escape in a name")
            t = m.group(3)
            try:
                name: str | bytes = str(t, "utf-8")
            except UnicodeDecodeError:
                name = t
            cur.append(LIT(name))
        elif g == 8:
            cur.append(_hex(m.group(8)))
        elif g == 10:
            t = m.group(10)
            if t in _OPEN:
                stack.append(cur)
                kinds.append(_OPEN[t])
                cur = []
            else:
                if not kinds or kinds[-1] != _CLOSE[t]:
                    raise Fallback("unbalanced array")
                kinds.pop()
                done, cur = cur, stack.pop()
                cur.append(done)
        elif g == 7:
            stack.append(cur)
            kinds.append("d")
            cur = []
        elif g == 9:
            if not kinds or kinds[-1] != "d":
                raise Fallback("unbalanced dictionary")
            if len(cur) % 2:
                raise Fallback("odd dictionary")
            kinds.pop()
            items = cur
            cur = stack.pop()
            d = {}
            for k, v in zip(items[::2], items[1::2]):
                if v is not None:
                    d[_literal_name(k)] = v
            cur.append(d)
        else:  # 12
            cur.append(KWD(m.group(12)))
    if kinds:
        raise Fallback("unterminated array or dictionary")


def _literal_name(k):
    from pdfminer.psparser import literal_name

    return literal_name(k)


class FastContentParser:
    """Drop-in for pdfminer's PDFContentParser as the interpreter uses it (nextobject)."""

    def __init__(self, streams) -> None:
        self._objs: list = []
        self._i = 0
        self._slow = None
        try:
            for s in streams:
                objects(stream_value(s).get_data(), self._objs)
        except Fallback:
            self._slow = _ORIGINAL(streams)
        except Exception:
            self._slow = _ORIGINAL(streams)  # let pdfminer meet the error where it would

    def nextobject(self):
        if self._slow is not None:
            return self._slow.nextobject()
        i = self._i
        if i >= len(self._objs):
            raise PSEOF("Unexpected EOF")
        self._i = i + 1
        return 0, self._objs[i]


@contextmanager
def fast_content() -> Iterator[None]:
    """Within this block pdfminer's interpreter reads content streams with
    FastContentParser (the interpreter looks the class up at each execute)."""
    pdfinterp.PDFContentParser = FastContentParser  # type: ignore[misc,assignment]  # pdfminer patched on purpose
    try:
        yield
    finally:
        pdfinterp.PDFContentParser = _ORIGINAL  # type: ignore[misc]
