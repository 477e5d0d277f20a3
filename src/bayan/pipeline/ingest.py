"""Ingest: turn paths (files, directories, JSON Lines, gzipped JSON Lines) into decoded inputs.

Every input is yielded in order, either as a :class:`RawInput` or as an
:class:`InputError` standing in its place; one unreadable file never raises or
stops the others.

The encoding is *detected*, never assumed, because Arabic news arrives in
several encodings (UTF-8 from the web, UTF-16 from Windows tools, windows-1256
from older sites and Office exports). The order matters:

1. A byte-order mark (UTF-8-sig, UTF-16 LE/BE) is explicit, so it wins.
2. Strict UTF-8 next: it is by far the commonest, and a cp1256 file almost
   never decodes as valid UTF-8 by accident, so a success is trustworthy.
3. UTF-16 without a BOM: it shows as NUL or 0x06 high bytes at every other
   position. This must come before the binary check, because NULs are normal
   there and would otherwise look like a binary file.
4. windows-1256 decodes any byte string, so it is only accepted when the result
   is mostly Arabic letters.
5. charset-normalizer as a last statistical guess.

Binary content (image/PDF/archive magic numbers, stray NUL bytes) is refused
rather than decoded into noise.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 60 * 1024 * 1024

_MAGIC: tuple[bytes, ...] = (
    b"\x89PNG", b"%PDF", b"PK\x03\x04", b"PK\x05\x06", b"GIF87a", b"GIF89a", b"\xff\xd8\xff",
    b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"7z\xbc\xaf", b"Rar!", b"\x7fELF", b"MZ", b"OggS",
    b"ID3", b"RIFF", b"\x00\x00\x01\x00", b"SQLite format 3",
)
_HTML_START = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b",
                         re.IGNORECASE | re.DOTALL)
_HTML_TAG = re.compile(
    r"</?(?:html|head|body|meta|title|div|p|span|a|br|ul|ol|li|h[1-6]|script|style|article|"
    r"section|nav|footer|header|img|table|tr|td)\b[^>]*>",
    re.IGNORECASE,
)


@dataclass
class RawInput:
    """One decoded input, before cleaning."""

    source: str
    text: str | None = None
    html: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    encoding: str | None = None
    raw_bytes_len: int = 0


@dataclass
class InputError:
    """An input that could not be read; stands in its place in the output order."""

    source: str
    reason: str

    def __str__(self) -> str:
        reason = " ".join(str(self.reason).split())
        return f"{self.source}: {reason}"


class _Unreadable(Exception):
    """Internal: the reason a file is refused."""


# --------------------------------------------------------------------- decoding

def _is_arabic_letter(ch: str) -> bool:
    cp = ord(ch)
    return (0x0620 <= cp <= 0x064A or 0x066E <= cp <= 0x06D3 or 0x06FA <= cp <= 0x06FF
            or 0x0750 <= cp <= 0x077F or 0x08A0 <= cp <= 0x08FF
            or 0xFB50 <= cp <= 0xFDFF or 0xFE70 <= cp <= 0xFEFC)


def _plausible_char(ch: str) -> bool:
    """Characters expected in Arabic/Latin news text (used to score UTF-16 guesses)."""
    cp = ord(ch)
    if ch in "\t\n\r\f":
        return True
    return (0x20 <= cp <= 0x7E or 0xA0 <= cp <= 0x24F or 0x0600 <= cp <= 0x06FF
            or 0x0750 <= cp <= 0x077F or 0x08A0 <= cp <= 0x08FF or 0x2000 <= cp <= 0x206F
            or 0xFB50 <= cp <= 0xFDFF or 0xFE70 <= cp <= 0xFEFF or 0x20A0 <= cp <= 0x20CF)


def _looks_utf16(data: bytes) -> str | None:
    """Guess UTF-16 without a BOM: return 'utf-16-le', 'utf-16-be' or None."""
    if len(data) < 4:
        return None
    sample = data[: 64 * 1024]
    if len(sample) % 2:
        sample = sample[:-1]
    even, odd = sample[0::2], sample[1::2]
    # High bytes of Arabic/Latin UTF-16 code units are nearly all 0x00 or 0x06.
    high_le = sum(1 for b in odd if b in (0x00, 0x06, 0x20, 0xFE, 0xFB, 0xFD)) / len(odd)
    high_be = sum(1 for b in even if b in (0x00, 0x06, 0x20, 0xFE, 0xFB, 0xFD)) / len(even)
    candidates = []
    if high_le >= 0.9:
        candidates.append("utf-16-le")
    if high_be >= 0.9:
        candidates.append("utf-16-be")
    best: tuple[float, str] | None = None
    for enc in candidates:
        try:
            text = sample.decode(enc)
        except UnicodeDecodeError:
            continue
        if not text:
            continue
        score = sum(1 for ch in text if _plausible_char(ch)) / len(text)
        if score >= 0.95 and (best is None or score > best[0]):
            best = (score, enc)
    return best[1] if best else None


def _arabic_letter_class() -> re.Pattern[str]:
    """Runs of exactly the characters that are letters and ``_is_arabic_letter``."""
    cps = [cp for cp in range(0x0620, 0xFEFD) if chr(cp).isalpha() and _is_arabic_letter(chr(cp))]
    runs: list[list[int]] = []
    for cp in cps:
        if runs and runs[-1][1] == cp - 1:
            runs[-1][1] = cp
        else:
            runs.append([cp, cp])
    return re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in runs) + "]+")


# Counted by C-level scans (run lengths, ``map``) instead of a Python loop per character.
_ARABIC_LETTERS = _arabic_letter_class()
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f]")  # below 32, other than \t \n \v \f \r


def _mostly_arabic(text: str, threshold: float = 0.5) -> bool:
    sample = text[:200_000]
    letters = sum(map(str.isalpha, sample))
    if not letters:
        return False
    return sum(map(len, _ARABIC_LETTERS.findall(sample))) / letters >= threshold


def _too_many_controls(text: str) -> bool:
    return len(_CONTROL.findall(text)) > max(2, len(text) // 200)


def _decode_lines(data: bytes) -> tuple[str, str]:
    """Decode line by line: UTF-8 (a few broken bytes replaced) or else windows-1256.

    Files pasted together from two sources mix both encodings; a pure windows-1256
    file decodes exactly as a whole-file windows-1256 decode would.
    """
    parts: list[str] = []
    seen: set[str] = set()
    for line in data.split(b"\n"):
        part = line.decode("utf-8", errors="replace")
        non_ascii = len(part) - len(part.encode("ascii", "ignore"))  # no loop per character
        if part.count("\ufffd") * 20 > non_ascii:
            part = line.decode("cp1256", errors="replace")
            seen.add("windows-1256")
        elif non_ascii:
            seen.add("utf-8")
        parts.append(part)
    return "\n".join(parts), "+".join(sorted(seen, reverse=True)) or "windows-1256"


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode ``data`` following the detection order of the module docstring.

    Returns ``(text, encoding)``; raises ``_Unreadable`` for binary content.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith(b"\xff\xfe\x00\x00"):
        return data[4:].decode("utf-32-le", errors="replace"), "utf-32"
    if data.startswith(b"\xff\xfe"):
        return data[2:].decode("utf-16-le", errors="replace"), "utf-16"
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be", errors="replace"), "utf-16"
    if any(data.startswith(m) for m in _MAGIC):
        raise _Unreadable("binary file, not text")
    has_nul = b"\x00" in data
    if not has_nul:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            # Cut inside the last character (a truncated download): keep the whole ones.
            text = data[: exc.start].decode("utf-8") if exc.reason == "unexpected end of data" else None
        if text is not None:
            if _too_many_controls(text):
                raise _Unreadable("binary file, not text")
            return text, "utf-8"
    enc16 = _looks_utf16(data)
    if enc16:
        usable = data[: len(data) - (len(data) % 2)]
        return usable.decode(enc16, errors="replace"), enc16
    if has_nul:
        raise _Unreadable("binary file, not text")
    text, encoding = _decode_lines(data)
    if text and _mostly_arabic(text) and not _too_many_controls(text):
        return text, encoding
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
    except Exception:  # noqa: BLE001 - a detector failure is just "no guess"
        best = None
    if best is not None:
        text = str(best)
        if not _too_many_controls(text):
            return text, best.encoding
    raise _Unreadable("binary file, not text")


def looks_like_html(text: str) -> bool:
    """True for a full HTML page or a text with many HTML tags."""
    head = text[:2048]
    if _HTML_START.match(head):
        return True
    sample = text[:200_000]
    tags = _HTML_TAG.findall(sample)
    if len(tags) >= 10:
        return True
    tag_chars = sum(len(t) for t in tags)
    return len(tags) >= 3 and tag_chars > 0.1 * len(sample.strip())


# ----------------------------------------------------------------------- files

def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    return (exc.strerror or str(exc) or type(exc).__name__).lower()


def _read_bytes(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise _Unreadable(f"file too large ({size / (1024 * 1024):.0f} MB > 60 MB)")
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise _Unreadable(f"file too large ({len(data) / (1024 * 1024):.0f} MB > 60 MB)")
    return data


def _str_or_none(value: object) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _jsonl_record(where: str, line: str, encoding: str, nbytes: int) -> RawInput | InputError:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return InputError(where, f"invalid JSON ({exc.msg} at column {exc.colno})")
    if not isinstance(record, dict):
        return InputError(where, "JSON line is not an object")
    body_text = record.get("text")
    html = record.get("html")
    body_text = body_text if isinstance(body_text, str) and body_text.strip() else None
    html = html if isinstance(html, str) and html.strip() else None
    if body_text is None and html is None:
        return InputError(where, "no 'text' or 'html' field")
    return RawInput(
        source=where,
        text=body_text,
        html=html,
        url=_str_or_none(record.get("url")),
        outlet=_str_or_none(record.get("outlet")),
        published=_str_or_none(record.get("published")),
        encoding=encoding,
        raw_bytes_len=nbytes,
    )


def _iter_jsonl(source: str, text: str, encoding: str) -> Iterator[RawInput | InputError]:
    """Records of a JSON Lines file decoded whole (UTF-16/32: see :func:`_stream_jsonl`)."""
    any_record = False
    for lineno, line in enumerate(text.split("\n"), start=1):  # not splitlines(): U+2028
        if not line.strip():
            continue
        any_record = True
        yield _jsonl_record(f"{source}#L{lineno}", line, encoding, len(line.encode("utf-8")))
    if not any_record:
        yield InputError(source, "empty file")


_GZIP_MAGIC = b"\x1f\x8b"
_JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")


def _is_jsonl(path: Path) -> bool:
    return path.name.lower().endswith(_JSONL_SUFFIXES)


def _stream_jsonl(path: Path, source: str) -> Iterator[RawInput | InputError]:
    """Records of a JSON Lines file (gzip-compressed or not), read one line at a time.

    A crawl or an outlet's archive comes as one JSON Lines file of gigabytes, so this
    never holds more than one record: the size limit is per record (``MAX_BYTES``), not
    per file. Lines are split on ``\\n`` only (JSON strings may hold U+2028). Each line is
    strict UTF-8, the encoding JSON requires; a line that is not is decoded like a file
    (windows-1256, ...). UTF-16 and UTF-32 files, which cannot be split on a byte, are
    decoded whole like any other file (after decompression, when gzipped).
    """
    import gzip
    import zlib

    try:
        with path.open("rb") as raw:
            head = raw.read(4096)
            if head.startswith(_GZIP_MAGIC):
                raw.seek(0)
                stream = gzip.open(raw)
                head = stream.peek(4096)[:4096]
            else:
                raw.seek(0)
                stream = raw
            if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
                data = None
                if stream is not raw:  # UTF-16/32 inside gzip: decoded whole once decompressed
                    data = stream.read(MAX_BYTES + 1)
                    if len(data) > MAX_BYTES:
                        yield InputError(source, "file too large (> 60 MB uncompressed, in UTF-16 or UTF-32)")
                        return
                yield from _iter_jsonl_whole(path, source, data)
                return
            if any(head.startswith(m) for m in _MAGIC if m != _GZIP_MAGIC):
                yield InputError(source, "binary file, not text")
                return
            any_record = False
            lineno = 0
            while True:
                line = stream.readline(MAX_BYTES + 1)
                if not line:
                    break
                lineno += 1
                where = f"{source}#L{lineno}"
                if len(line) > MAX_BYTES and not line.endswith(b"\n"):
                    while line and not line.endswith(b"\n"):  # skip the rest of the record
                        line = stream.readline(1024 * 1024)
                    any_record = True
                    yield InputError(where, f"record too large (> {MAX_BYTES // (1024 * 1024)} MB)")
                    continue
                if lineno == 1 and line.startswith(b"\xef\xbb\xbf"):
                    line = line[3:]
                if not line.strip():
                    continue
                any_record = True
                try:
                    text, encoding = line.decode("utf-8"), "utf-8"
                except UnicodeDecodeError:
                    try:
                        text, encoding = decode_bytes(line)
                    except _Unreadable as exc:
                        yield InputError(where, str(exc))
                        continue
                yield _jsonl_record(where, text, encoding, len(line.rstrip(b"\r\n")))
    except OSError as exc:  # also gzip.BadGzipFile
        reason = "not a valid gzip file" if isinstance(exc, gzip.BadGzipFile) else _os_reason(exc)
        yield InputError(source, reason)
        return
    except (EOFError, zlib.error):
        yield InputError(source, "gzip file is truncated or corrupt; records before the damage were read")
        return
    if not any_record:
        yield InputError(source, "empty file")


def _decode_file(path: Path, source: str, data: bytes | None = None) -> tuple[str, str, int] | InputError:
    """The whole file (or ``data``, its decompressed content) decoded: ``(text, encoding,
    size in bytes)``, or why it cannot be."""
    try:
        if data is None:
            data = _read_bytes(path)
        if not data.strip():
            raise _Unreadable("empty file")
        text, encoding = decode_bytes(data)
    except _Unreadable as exc:
        return InputError(source, str(exc))
    except OSError as exc:
        return InputError(source, _os_reason(exc))
    return text.lstrip("\ufeff"), encoding, len(data)


def _iter_jsonl_whole(path: Path, source: str, data: bytes | None = None) -> Iterator[RawInput | InputError]:
    decoded = _decode_file(path, source, data)
    if isinstance(decoded, InputError):
        yield decoded
        return
    yield from _iter_jsonl(source, decoded[0], decoded[1])


def _read_file(path: Path, source: str) -> Iterator[RawInput | InputError]:
    if _is_jsonl(path):
        yield from _stream_jsonl(path, source)
        return
    decoded = _decode_file(path, source)
    if isinstance(decoded, InputError):
        yield decoded
        return
    text, encoding, size = decoded
    if not text.strip():
        yield InputError(source, "empty file")
        return
    suffix = path.suffix.lower()
    if suffix in {".html", ".htm", ".xhtml"} or looks_like_html(text):
        yield RawInput(source=source, html=text, encoding=encoding, raw_bytes_len=size)
    else:
        yield RawInput(source=source, text=text, encoding=encoding, raw_bytes_len=size)


def _dir_files(root: Path) -> list[Path]:
    files = []
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        try:
            if path.is_file():
                files.append(path)
        except OSError:
            continue
    return sorted(files, key=lambda p: p.relative_to(root).parts)


def iter_inputs(paths: Iterable[str | Path]) -> Iterator[RawInput | InputError]:
    """Yield every input under ``paths`` in order (directories recursively, sorted)."""
    for given in paths:
        path = Path(given)
        source = str(given)
        try:
            if path.is_dir():
                for child in _dir_files(path):
                    yield from _read_file(child, str(child))
                continue
            if not path.exists():
                yield InputError(source, "no such file or directory")
                continue
        except OSError as exc:
            yield InputError(source, _os_reason(exc))
            continue
        yield from _read_file(path, source)
