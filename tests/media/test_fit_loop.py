"""Following the tool's advice clears the error: an original over its limit, once `fit`
(or a build) has made an upload copy that fits, is an info naming the copy to upload,
in `check`, in `build` and on the upload page alike; `fit --dry-run` says what `fit`
will make."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image, ImageChops

from generator.cli import main
from tests.media.test_media_fit_command import STUDENT, item

LIMIT = 4_000_000
# The upload copy, named after the item (term, category, title: output_paths.upload_stem).
COPY = "stu/upload/lab/1132-作品成果-作品.jpg"


def _photo(seed: int, size: tuple[int, int] = (2600, 2000)) -> bytes:
    """A camera-like photo saved at quality 100: over 4 MB, yet at quality 92 well under
    it, so the fitter keeps its full size (the case the old estimate got wrong)."""
    gradient = [Image.linear_gradient("L").resize(size), Image.radial_gradient("L").resize(size),
                Image.effect_noise(size, 30 + seed)]
    grain = Image.merge("RGB", [Image.effect_noise(size, s + seed) for s in (20, 25, 30)])
    out = io.BytesIO()
    ImageChops.add(Image.merge("RGB", gradient), grain, scale=1.3).save(out, "JPEG",
                                                                       quality=100)
    data = out.getvalue()
    assert len(data) > LIMIT
    return data


@pytest.fixture(scope="module")
def photos() -> tuple[bytes, bytes]:
    return _photo(0), _photo(7)


@pytest.fixture
def root(tmp_path: Path, photos: tuple[bytes, bytes]) -> Path:
    root = tmp_path / "content"
    (root / "stu").mkdir(parents=True)
    (root / "stu" / "student.yaml").write_text(STUDENT, "utf-8")
    # Uploaded as given: the photo itself is the 文件 (with its page before it, the upload
    # is a PDF the PDF step makes: tests/export/test_reviewer.py).
    item(root, "lab", "document: lab.jpg\nupload_reflection: false\n", {"lab.jpg": photos[0]})
    return root


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False,
                                env={"COLUMNS": "200"})
    return result.exit_code, result.output


def check(root: Path, out: Path, *extra: str) -> tuple[int, list[dict]]:
    code, text = cli("check", str(root), "--offline", "-o", str(out), "--format", "json",
                     *extra)
    return code, json.loads(text)["findings"]


def test_over_limit_photo_then_fit_then_check_is_clean(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "output"
    code, found = check(root, out)
    assert code == 1 and [f["code"] for f in found] == ["file-too-large"]
    assert cli("fit", str(root), "-o", str(out))[0] == 0
    code, found = check(root, out)
    assert code == 0
    (fitted,) = found
    assert (fitted["code"], fitted["severity"], fitted["file"]) == ("file-fitted", "info",
                                                                     "lab.jpg")
    assert COPY in fitted["message"]
    assert (out / COPY).stat().st_size <= LIMIT
    english = check(root, out, "--lang", "en")[1][0]["message"]
    assert "upload copy" in english and COPY in english
    # Elsewhere (no copy there) the original is still refused.
    assert check(root, tmp_path / "elsewhere")[0] == 1


def test_a_copy_of_an_earlier_original_is_not_trusted(root: Path, tmp_path: Path,
                                                     photos: tuple[bytes, bytes]) -> None:
    out = tmp_path / "output"
    assert cli("fit", str(root), "-o", str(out))[0] == 0
    # The student replaces the photo and does not fit again: the old copy is not it.
    (root / "stu" / "items" / "lab" / "lab.jpg").write_bytes(photos[1])
    code, found = check(root, out)
    assert code == 1 and [f["code"] for f in found] == ["file-too-large"]
    assert cli("fit", str(root), "-o", str(out))[0] == 0
    assert check(root, out)[0] == 0


def test_dry_run_predicts_what_fit_makes(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "output"
    code, said = cli("fit", str(root), "-o", str(out), "--dry-run", "--lang", "en")
    assert code == 0 and not out.exists()
    row = next(line for line in said.splitlines() if "stu/lab/lab.jpg" in line)
    cells = [c.strip() for c in row.split("│")[1:-1]]
    assert cells[3].startswith("shrink")
    code, made_text = cli("fit", str(root), "-o", str(out), "--lang", "en")
    assert code == 0
    copy = out / COPY
    with Image.open(copy) as picture:
        width, height = picture.size
    assert (width, height) == (2600, 2000)  # a lower quality was enough: full size kept
    assert f"{width}×{height}" in cells[3]     # and the dry run said so
    predicted = cells[3].removeprefix("shrink (").removesuffix(")")
    assert predicted in made_text              # what fit says it made, quality included
    assert cells[2] == f"{copy.stat().st_size / 1_000_000:.1f} MB"


def test_build_and_the_upload_page_agree_with_check(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "output"
    # The build makes the copy itself: its report says what check says after it.
    code, text = cli("build", str(root), "--offline", "-o", str(out), "--skip", "pdf")
    assert code == 0, text
    report = json.loads((out / "report.json").read_text("utf-8"))
    codes = [(f["code"], f["file"]) for f in report["findings"]]
    assert ("file-fitted", "lab.jpg") in codes
    assert not any(c in ("file-too-large", "upload-copy-made") for c, _ in codes)
    assert check(root, out) == (0, report["findings"])
    page = (out / "stu" / "upload" / "index.html").read_text("utf-8")
    assert COPY.rsplit("/", 1)[1] in page and "系統不會收" not in page
