"""What a student did at a 收訖明細確認 (receipt confirmation), as `receipts.yaml` says it.

```yaml
"1132 修課紀錄": confirmed                 # 資料正確無誤
"1132 幹部經歷": confirmed
"113 學習成果": confirmed
"113 多元表現":                           # 資料錯誤回報
  missing: 少了社區圖書館志工               # 資料有少 (extra: 資料有多, wrong: 資料有誤)
  rechecked: true                         # checked again after the school's corrections
```

Each key names one confirmation: a part of the receipt (its key or its name in either
language, generator/rules/official.toml `[receipts.parts]`) and the term (修課紀錄,
幹部經歷) or academic year (學習成果, 多元表現) it is for, in either order; a term is read
the way people write it (1132, 113-2, 113學年度第2學期), and a term given for a part
confirmed per year stands for its year. Reading the file is the content layer's job
(generator/content/receipts.py); this module only says what an entry is.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator

# `confirmed` written as a word: what the system's button and a student say.
CONFIRMED_WORDS = frozenset({
    "confirmed", "confirm", "ok", "correct", "yes", "true",
    "確認", "已確認", "正確", "無誤", "資料正確無誤", "正確無誤", "沒問題",
})

Verdict = Literal["confirmed", "reported"]


def _text(value: Any) -> Any:
    # YAML reads `missing: 2` as a number; the student means the text.
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


class ReceiptReport(BaseModel):
    """A confirmation written as a mapping: a report (資料錯誤回報) with one or more of
    `extra`, `missing`, `wrong`, each a text saying what; or `confirmed: true`."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)

    extra: str | None = Field(None, validation_alias=AliasChoices(
        "extra", "資料有多", "有多"))
    missing: str | None = Field(None, validation_alias=AliasChoices(
        "missing", "資料有少", "有少"))
    wrong: str | None = Field(None, validation_alias=AliasChoices(
        "wrong", "資料有誤", "有誤"))
    confirmed: bool = Field(False, validation_alias=AliasChoices(
        "confirmed", "確認", "資料正確無誤"))
    rechecked: bool = Field(False, validation_alias=AliasChoices(
        "rechecked", "重新檢核", "已重新檢核", "recheck"))

    _texts = field_validator("extra", "missing", "wrong", mode="before")(
        lambda cls, v: _text(v))

    @property
    def reported(self) -> bool:
        return any((self.extra, self.missing, self.wrong))


class Receipt(BaseModel):
    """One confirmation as the student recorded it."""

    model_config = ConfigDict(frozen=True)

    part: str                 # key of rules.receipts.parts
    period: int               # a term code (1132) or an academic year (113), by the part
    verdict: Verdict
    extra: str | None = None
    missing: str | None = None
    wrong: str | None = None
    rechecked: bool = False
    key: str = ""             # as written in receipts.yaml, for findings

    @property
    def reports(self) -> list[tuple[str, str]]:
        """(kind, what) of each kind of error reported: extra, missing, wrong."""
        return [(kind, text) for kind, text in (("extra", self.extra),
                                                ("missing", self.missing),
                                                ("wrong", self.wrong)) if text]
