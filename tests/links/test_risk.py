"""URL permanence rules: no network, the URL alone."""

from __future__ import annotations

import pytest

from generator.i18n import catalog, message
from generator.links.risk import KINDS, assess, risk


def kinds(url: str) -> list[str]:
    return [r.kind for r in assess(url)]


@pytest.mark.parametrize("url", [
    "https://github.com/wang/light-refraction",
    "https://www.youtube.com/watch?v=abc123",
    "https://youtu.be/abc123",
    "https://forms.gle/abcdef",
    "https://example.org/page?id=3&lang=zh",
    "https://zh.wikipedia.org/wiki/折射",
])
def test_lasting_links_have_no_risk(url: str) -> None:
    assert assess(url) == []


@pytest.mark.parametrize("url,kind", [
    ("https://bit.ly/3abcd", "shortener"),
    ("https://reurl.cc/xyz", "shortener"),
    ("https://tinyurl.com/abc", "shortener"),
    ("https://goo.gl/abc", "shortener"),
    ("https://t.co/abc", "shortener"),
    ("https://lihi.cc/abc", "shortener"),
    ("https://pse.is/abc", "shortener"),
    ("https://ppt.cc/abc", "shortener"),
    ("https://www.bit.ly/abc", "shortener"),
    ("https://drive.google.com/file/d/1abc/view", "cloud-drive"),
    ("https://docs.google.com/document/d/1abc/edit", "cloud-drive"),
    ("https://onedrive.live.com/?id=1", "cloud-drive"),
    ("https://1drv.ms/b/s!abc", "cloud-drive"),
    ("https://www.dropbox.com/s/abc/report.pdf", "cloud-drive"),
    ("https://www.nhsh.tp.edu.tw/news/1", "school-account"),
    ("https://mail.ntnu.edu.tw/~student", "school-account"),
    ("https://sites.google.com/gm.tp.edu.tw/my-project/home", "school-account"),
    ("https://sites.google.com/a/st.cysh.cy.edu.tw/site/home", "school-account"),
    ("https://nhsh-my.sharepoint.com/:b:/g/personal/s1/abc", "school-account"),
    ("http://example.org/", "plain-http"),
    ("https://93.184.216.34/page", "ip-address"),
    ("https://192.168.1.10/work", "private-address"),
    ("https://10.0.0.3/", "private-address"),
    ("https://[fd00::1]/", "private-address"),
    ("https://nas.local/share", "private-address"),
    ("https://myserver/share", "private-address"),
    ("https://localhost:8000/", "localhost"),
    ("https://127.0.0.1/", "localhost"),
    ("https://[::1]/", "localhost"),
    ("https://app.localhost/", "localhost"),
    ("mailto:me@example.org", "not-http"),
    ("ftp://example.org/file", "not-http"),
    ("javascript:alert(1)", "not-http"),
    ("example.org/page", "malformed"),
    ("www.example.org:8080/page", "malformed"),
    ("https://", "malformed"),
    ("https://exa mple.org/", "malformed"),
    ("https://example.org:port/", "malformed"),
    ("https://[::1/", "malformed"),
])
def test_each_rule(url: str, kind: str) -> None:
    assert kind in kinds(url)


@pytest.mark.parametrize("url", [
    "https://bucket.s3.amazonaws.com/r.pdf?X-Amz-Expires=3600&X-Amz-Signature=ab",
    "https://bucket.s3.amazonaws.com/r.pdf?x-amz-signature=ab",
    "https://cdn.example.org/v.mp4?Expires=1700000000&Signature=xyz&Key-Pair-Id=K",
    "https://storage.googleapis.com/b/o?GoogleAccessId=a&Expires=1&Signature=s",
    "https://acct.blob.core.windows.net/c/f.pdf?sv=2022-11-02&se=2025-01-01&sp=r&sig=abc",
    "https://acct.blob.core.windows.net/c/f.pdf?se=2025-01-01&sp=r",
    "https://example.org/file?token=abc",
    "https://example.org/file?sig=abc",
])
def test_signed_and_expiring_urls(url: str) -> None:
    assert "signed-url" in kinds(url)


def test_unsigned_query_is_fine() -> None:
    assert "signed-url" not in kinds("https://example.org/?se=1")  # se alone: not Azure SAS
    assert "signed-url" not in kinds("https://example.org/?page=2&q=token")


def test_several_risks_at_once() -> None:
    got = kinds("http://bit.ly/abc")
    assert got.count("plain-http") == 1 and got.count("shortener") == 1


def test_an_address_risk_is_told_once() -> None:
    # a loopback IP is "localhost", not also "ip-address" or "private-address"
    assert kinds("https://127.0.0.1/") == ["localhost"]


def test_host_matching_is_by_label_not_substring() -> None:
    assert kinds("https://notbit.ly/abc") == []
    assert kinds("https://t.com/abc") == []


def test_reasons_are_told_in_both_languages_and_say_what_to_do() -> None:
    r = assess("https://reurl.cc/abc")[0]
    assert "縮網址" in r.reason["zh-TW"] and "reurl.cc" in r.reason["zh-TW"]
    assert "short link" in r.reason["en"] and "full original address" in r.reason["en"]


def test_every_kind_has_a_reason_in_each_language() -> None:
    ui = catalog()["ui"]
    for kind in KINDS:
        entry = ui[f"links.risk.{kind}"]
        assert entry["zh-TW"] and entry["en"], kind
        r = risk(kind, host="h", scheme="s", url="u", final="f")
        assert "{" not in r.reason["zh-TW"] + r.reason["en"], kind


def test_link_at_risk_message_takes_the_reason_per_language() -> None:
    r = assess("https://bit.ly/abc")[0]
    params = {"url": "https://bit.ly/abc", "reason": r.reason}
    assert "縮網址" in message("link-at-risk", "zh-TW", params)
    assert "short link" in message("link-at-risk", "en", params)


def test_risks_are_hashable_and_compare_by_value() -> None:
    assert {assess("https://bit.ly/a")[0], assess("https://bit.ly/b")[0]} == {
        assess("https://bit.ly/c")[0]}
