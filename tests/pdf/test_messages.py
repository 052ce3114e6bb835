"""Every word the PDFs print and every finding they raise exists in both languages."""

from __future__ import annotations

import tomllib
from pathlib import Path

import generator
from generator.i18n import LANGS

CATALOG = Path(generator.__file__).parent / "messages" / "pdf.toml"


def test_pdf_catalog_speaks_every_language() -> None:
    data = tomllib.loads(CATALOG.read_text("utf-8"))
    for key, entry in data.pop("ui").items():
        assert key.startswith("pdf-"), key
        assert all(entry.get(lang) for lang in LANGS), key
    for code, entry in data.items():
        assert entry["severity"] in ("error", "warning", "info"), code
        assert all(entry.get(lang) for lang in LANGS), code
        # Placeholders agree, so a message never prints a raw {name} in one language.
        # (a plural placeholder "{n:page|pages}" is the field n.)
        fields = [{p.split("}")[0].split(":")[0] for p in entry[lang].split("{")[1:]}
                  for lang in LANGS]
        assert fields[0] == fields[1], code
