"""Reading evidence: open read-only, decompress by magic bytes, hash, decode into lines.

Nothing here modifies or decompresses evidence on disk. The raw bytes are hashed
(SHA-256) while they are read, so each file is read once. Lines that are binary,
undecodable or absurdly long come out as :class:`BadLine` and end up in the rejects.
A corrupt or truncated compressed file stops with :attr:`EvidenceReader.error` set,
after yielding every line recovered before the damage.

Records are framed by :mod:`zimgraph.ingest.framing`.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import lzma
import zlib
from pathlib import Path
from typing import Iterable, Iterator

from zimgraph.ingest.framing import BadLine

BLOCK_SIZE = 1 << 20
MAX_LINE_BYTES = 1 << 20           # a longer "line" is rejected (truncated in the rejects)
REJECT_TEXT_CHARS = 8192           # how much of a rejected line is written to rejects.jsonl

MAGIC = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"PK\x03\x04", "zip"),
)


class EvidenceError(Exception):
    """An evidence file cannot be read at all (the message says why and what to do)."""


def sniff_compression(path: Path) -> str | None:
    """'gzip', 'bzip2', 'xz', 'zstd', 'zip' or None (plain), from the first bytes."""
    with open(path, "rb") as raw:
        head = raw.read(8)
    for magic, name in MAGIC:
        if head.startswith(magic):
            return name
    return None


class _HashingReader:
    """File-like wrapper that hashes every raw byte read through it."""

    def __init__(self, raw) -> None:
        self.raw = raw
        self.hash = hashlib.sha256()
        self.size = 0

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n)
        self.hash.update(data)
        self.size += len(data)
        return data

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def finish(self) -> str:
        """Hash the rest of the file (after a stop or trailing bytes) and return the digest."""
        while self.read(BLOCK_SIZE):
            pass
        return self.hash.hexdigest()


class EvidenceReader:
    """Streams the text lines of one evidence file.

    After iteration: ``sha256``, ``size`` (raw bytes), ``error`` (None or a sentence),
    ``compression``, ``gzip_mtime`` (the original file's mtime stored by gzip, or None),
    ``bytes_read`` (decompressed), ``latin1_lines`` (lines decoded as latin-1).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.compression = sniff_compression(self.path)
        if self.compression in ("zstd", "zip"):
            raise EvidenceError(f"{self.path}: {self.compression} archives are not read directly; "
                                "extract them first (read-only copies are fine)")
        self.sha256: str | None = None
        self.size = 0
        self.error: str | None = None
        self.gzip_mtime: int | None = None
        self.bytes_read = 0
        self.latin1_lines = 0
        self.progress_bytes = 0   # raw bytes read so far (for progress bars)

    def lines(self) -> Iterator[str | BadLine]:
        with open(self.path, "rb") as raw_file:      # read-only, never anything else
            raw = _HashingReader(raw_file)
            stream = self._decompressor(raw)
            try:
                yield from self._split(stream, raw)
            finally:
                self.sha256 = raw.finish()
                self.size = raw.size

    def _decompressor(self, raw: _HashingReader):
        if self.compression == "gzip":
            return gzip.GzipFile(fileobj=raw, mode="rb")
        if self.compression == "bzip2":
            return bz2.BZ2File(raw, mode="rb")
        if self.compression == "xz":
            return lzma.LZMAFile(raw, mode="rb")
        return raw

    def _read_block(self, stream, raw: _HashingReader) -> bytes:
        try:
            # read1: what one underlying read gives, so data before a corruption is not lost
            block = stream.read1(BLOCK_SIZE) if stream is not raw else stream.read(BLOCK_SIZE)
        except (EOFError, OSError, zlib.error, lzma.LZMAError, ValueError) as exc:
            self.error = (f"corrupt or truncated {self.compression or 'file'} data after "
                          f"{self.bytes_read} decompressed bytes: {exc}")
            return b""
        if self.gzip_mtime is None and self.compression == "gzip":
            self.gzip_mtime = getattr(stream, "mtime", None) or None
        self.progress_bytes = raw.size
        self.bytes_read += len(block)
        return block

    def _split(self, stream, raw: _HashingReader) -> Iterator[str | BadLine]:
        carry = b""
        skipping_long = False
        while True:
            block = self._read_block(stream, raw)
            if not block:
                break
            if carry:
                block = carry + block
            last_newline = block.rfind(b"\n")
            if last_newline < 0:
                carry = block
                if len(carry) > MAX_LINE_BYTES:
                    if not skipping_long:
                        yield _bad_line("line longer than 1 MiB", carry)
                    skipping_long, carry = True, b""
                continue
            carry = block[last_newline + 1:]
            body = block[:last_newline]
            if skipping_long:   # the rest of an over-long line, already rejected
                cut = body.find(b"\n")
                skipping_long = False
                if cut < 0:
                    continue
                body = body[cut + 1:]
            yield from self._decode(body)
        if carry and not skipping_long:
            yield from self._decode(carry)

    def _decode(self, body: bytes) -> Iterable[str | BadLine]:
        if b"\x00" not in body:
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                if "\r" in text:
                    text = text.replace("\r\n", "\n")
                return text.split("\n")
        return [self._decode_line(raw_line) for raw_line in body.split(b"\n")]

    def _decode_line(self, raw_line: bytes) -> str | BadLine:
        if raw_line.endswith(b"\r"):
            raw_line = raw_line[:-1]
        if len(raw_line) > MAX_LINE_BYTES:
            return _bad_line("line longer than 1 MiB", raw_line)
        if b"\x00" in raw_line:
            return _bad_line("binary data (NUL bytes)", raw_line)
        try:
            return raw_line.decode("utf-8")
        except UnicodeDecodeError:
            pass
        text = raw_line.decode("latin-1")
        printable = sum(ch.isprintable() or ch == "\t" for ch in text)
        if printable < 0.7 * len(text):
            return _bad_line("binary data (not text)", raw_line)
        self.latin1_lines += 1
        return text


def _bad_line(reason: str, raw_line: bytes) -> BadLine:
    return BadLine(reason, raw_line[:REJECT_TEXT_CHARS].decode("latin-1"))


def head_lines(path: str | Path, *, max_bytes: int = 65536, max_lines: int = 60) -> list[str]:
    """The first text lines of a file (decompressed), for recognising its source.

    Reads at most ``max_bytes`` of decompressed data; returns [] when nothing can be read.
    """
    compression = sniff_compression(Path(path))
    try:
        with open(path, "rb") as raw:
            if compression == "gzip":
                stream = gzip.GzipFile(fileobj=raw, mode="rb")
            elif compression == "bzip2":
                stream = bz2.BZ2File(raw, mode="rb")
            elif compression == "xz":
                stream = lzma.LZMAFile(raw, mode="rb")
            elif compression is None:
                stream = raw
            else:
                return []
            try:
                data = stream.read(max_bytes)
            except (EOFError, OSError, zlib.error, lzma.LZMAError, ValueError):
                data = b""
    except OSError:
        return []
    text = data.decode("utf-8", errors="replace")
    return [line for line in text.split("\n")[:max_lines] if line.strip()]


def gzip_header_mtime(path: str | Path) -> int | None:
    """The MTIME field of a gzip header (the original file's mtime), or None."""
    with open(path, "rb") as raw:
        head = raw.read(8)
    if len(head) == 8 and head[:2] == b"\x1f\x8b":
        mtime = int.from_bytes(head[4:8], "little")
        return mtime or None
    return None
