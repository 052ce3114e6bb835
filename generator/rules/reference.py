"""The rules table said for people: the fields of each kind of item, as Markdown.

One generator for every place that lists them, so none can drift from `official.toml`:
the guide `portfolio new` writes beside its sample items (in the student's language) and
`docs/content-format.md` (in English; a test compares it with what this makes). The
words around the table are the catalog's (`generator/messages/guide.toml`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from generator.i18n import listed, text
from generator.rules import FieldSpec, Rules


def forms_table(rules: Rules, lang: str) -> str:
    """The forms (成果類型) of a course outcome: the `form:` key, its name, its code."""
    t = _words(lang)
    rows = [_row([t("ref-col-key"), t("ref-col-name"), t("ref-col-code")]),
            _row(["---"] * 3)]
    for key, form in rules.forms.items():
        rows.append(_row([f"`{key}`", _name(form.zh, form.en, lang), form.code]))
    return "\n".join(rows)


def categories_reference(rules: Rules, lang: str, level: int = 3) -> str:
    """Every 多元表現 category: its `category:` key, names, default 審查資料 code, and its
    own fields (under `details:`) with their kind and choices. `level`: the Markdown
    heading level of each category."""
    t = _words(lang)
    parts = []
    for key, cat in rules.categories.items():
        heading = t("ref-category", category=key, name=_name(cat.zh, cat.en, lang), code=cat.code)
        rows = [_row([t("ref-col-field"), t("ref-col-label"), t("ref-col-kind")]),
                _row(["---"] * 3)]
        rows += [_row([f"`{name}`", _name(spec.zh, spec.en, lang), _kind(spec, lang)])
                 for name, spec in cat.fields.items()]
        parts.append(f"{'#' * level} {heading}\n\n" + "\n".join(rows))
    return "\n\n".join(parts)


def _words(lang: str) -> Callable[..., str]:
    def said(word: str, /, **params: Any) -> str:
        return text(word, lang, **params)

    return said


def _name(zh: str, en: str, lang: str) -> str:
    # The Chinese name is what a file may say instead of the key: always shown.
    return zh if lang == "zh-TW" else f"{zh} ({en})"


def _kind(spec: FieldSpec, lang: str) -> str:
    said = text(f"ref-kind-{spec.kind}", lang)
    if spec.choices:
        said += text("ref-choices", lang, choices=listed(spec.choices)[lang])
    return said


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"
