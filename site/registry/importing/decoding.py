"""Bytes → text for uploaded files, refusing what is not text.

Accepted: UTF-8 (with or without the BOM Excel's «CSV UTF-8» writes), UTF-16
with a BOM (Excel's «Unicode text»), and Windows-1251, which Russian Excel
uses for plain «CSV (разделители — запятые)». Windows-1251 can decode almost
any bytes, so binary files are recognised first (NUL bytes, control
characters, known binary signatures such as XLSX/ZIP or PDF) and refused with
a message that says what to do instead.
"""

from __future__ import annotations

import codecs

BINARY_SIGNATURES = {
    b"PK\x03\x04": "это архив или файл Excel (.xlsx): сохраните таблицу как CSV",
    b"\xd0\xcf\x11\xe0": "это файл Excel 97–2003 (.xls): сохраните таблицу как CSV",
    b"%PDF": "это PDF, а не таблица",
    b"\x89PNG": "это изображение, а не таблица",
    b"\xff\xd8\xff": "это изображение, а не таблица",
    b"\x1f\x8b": "это сжатый архив (gzip)",
}
ALLOWED_CONTROLS = {"\t", "\n", "\r", "\f"}


class NotText(ValueError):
    """The file is not text we can read; the message says why, in Russian."""


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name) or ``NotText``."""
    if not data.strip():
        raise NotText("файл пустой")
    for signature, message in BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise NotText(message)
    if data.startswith(codecs.BOM_UTF8):
        return _checked(data, "utf-8-sig", "UTF-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _checked(data, "utf-16", "UTF-16")
    if b"\x00" in data:
        raise NotText("это двоичный файл, а не текст (CSV или JSON)")
    try:
        return _checked(data, "utf-8", "UTF-8")
    except NotText:
        raise
    except UnicodeDecodeError:
        pass
    try:
        return _checked(data, "cp1251", "Windows-1251")
    except UnicodeDecodeError:
        raise NotText(
            "не удалось прочитать текст: сохраните файл в кодировке UTF-8 "
            "(в Excel: «CSV UTF-8 (разделитель — запятая)»)"
        ) from None


def _checked(data: bytes, codec: str, name: str) -> tuple[str, str]:
    text = data.decode(codec)
    controls = sum(1 for ch in text if ch < " " and ch not in ALLOWED_CONTROLS)
    if controls or "\x00" in text:
        raise NotText("в файле есть управляющие символы: это не текстовый файл CSV или JSON")
    return text, name
