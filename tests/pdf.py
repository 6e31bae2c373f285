"""Reading a PDF the tests made: its compressed streams inflated, so text, fonts and metadata can be
searched as bytes."""

import re
import zlib


def inflated(pdf: bytes) -> bytes:
    """The PDF with every Flate stream inflated beside it. The end-of-line before `endstream` is left
    on the data, not matched: compressed data may itself end with a carriage return, which a pattern
    taking "\\r?\\n" would eat (a random code in a diploma made that happen now and then); a
    decompressor object ignores whatever follows the stream's end."""
    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.DOTALL):
        try:
            parts.append(zlib.decompressobj().decompress(stream))
        except zlib.error:
            continue  # not a Flate stream
    return b"\n".join(parts)
