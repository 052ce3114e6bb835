"""Personal data, and links judged offline."""

from __future__ import annotations


def test_national_id_in_summary_body_and_pdf(content, media):
    content.student()
    content.course("in-text", summary="我的身分證是 A123456789，請勿外流。")
    content.course("in-body", body="報名時填了 F131104093。")
    content.course("in-pdf", document="form.pdf")
    content.file("in-pdf", "form.pdf",
                 media.pdf_with_text("報名表：王小明 身分證字號 A123456789",
                                     pages=1, name="form.pdf"))
    content.course("not-an-id", subject="化學",
                   summary="序號 A123456788 的校驗碼不對，不是身分證。")
    run = content.check()
    found = run.having("personal-data")
    assert {(f["item"], f["file"]) for f in found} == {
        ("in-text", None), ("in-body", None), ("in-pdf", "form.pdf")}
    assert all(f["severity"] == "warning" and f["student"] == "11301234" for f in found)
    assert all("A123456789" not in f["message"] for f in found)  # masked in the report
    assert run.exit_code == 0


def test_gps_exif_in_a_photo(content, media):
    content.student()
    content.course("photo", images=["gps.jpg", "photo.jpg"])
    content.file("photo", "gps.jpg", media.gps_jpg)
    content.file("photo", "photo.jpg", media.jpg)
    (f,) = content.check().having("personal-data")
    assert (f["item"], f["file"]) == ("photo", "gps.jpg")


def test_link_not_allowed_on_course_or_category(content):
    content.student()
    content.course("course-link", links=["https://github.com/python/cpython"])
    content.performance("service-link", category="service",
                        links=["https://github.com/python/cpython"])
    content.performance("work-link", category="work",
                        links=["https://github.com/python/cpython"])
    run = content.check()
    found = {f["item"] for f in run.having("link-not-allowed")}
    assert found == {"course-link", "service-link"}
    assert run.exit_code == 1


def test_allowed_categories_are_a_school_setting(content):
    content.student()
    content.settings('[links]\nallowed_categories = ["work", "service"]\n')
    content.performance("service-link", category="service",
                        links=["https://github.com/python/cpython"])
    assert content.check().having("link-not-allowed") == []


def test_link_at_risk_offline(content):
    content.student()
    content.performance("risky", category="work", links=[
        "https://bit.ly/abc123",
        "http://example.org/plain",
        "https://bucket.s3.amazonaws.com/v.mp4?X-Amz-Expires=3600&X-Amz-Signature=abc",
        "http://192.168.1.10/demo",
        "https://github.com/python/cpython",
    ])
    run = content.check()
    found = run.having("link-at-risk")
    urls = {f["message"].split()[1] for f in found}
    assert "https://github.com/python/cpython" not in " ".join(f["message"] for f in found)
    assert len(urls) == 4
    assert all(f["severity"] == "warning" and f["item"] == "risky" for f in found)
    assert run.exit_code == 0
