"""Time `fit` on the issue's 60 s 1080p clip: python bench/fit_bench.py [--preset P] [--runs N].

The source is a phone-like clip (30 fps, moving test pattern with grain, ~16 Mbit/s,
AAC stereo), made once and kept in bench/results/ (git-ignored). Each run fits it
with an empty cache, as a first `portfolio fit` would.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.content.media_probe import probe
from generator.render.upload.fitting import fit
from generator.support.ffmpeg import EncodeSettings

RESULTS = Path(__file__).resolve().parent / "results"


def source_clip() -> Path:
    path = RESULTS / "phone-60s-1080p.mp4"
    if path.is_file():
        return path
    RESULTS.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part.mp4")
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y",
         "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30,noise=alls=12:allf=t",
         "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
         "-t", "60", "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "16M",
         "-maxrate", "16M", "-bufsize", "32M", "-c:a", "aac", "-b:a", "192k", "-ac", "2",
         str(tmp)], check=True)
    os.replace(tmp, path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--preset", default=EncodeSettings().preset)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    src = source_clip()
    info = probe(src)
    settings = EncodeSettings(preset=args.preset, threads=args.threads)
    times: list[float] = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            result = fit(src, "media", Path(tmp) / "out", Path(tmp) / "cache",
                         settings=settings)
            times.append(time.perf_counter() - start)
            out = probe(result.output) if result.output else None
    assert out is not None, result.findings
    print(f"source : {info.size / 1e6:.1f} MB, {info.width}x{info.height} {info.fps:.0f} fps, "
          f"{info.duration:.1f} s, {info.video_codec}/{info.audio_codec}")
    print(f"output : {out.size / 1e6:.2f} MB, {out.width}x{out.height}, {out.duration:.2f} s, "
          f"{out.video_codec}/{out.audio_codec} ({result.plan.detail})")
    print(f"fit    : {statistics.median(times):.1f} s median of {len(times)} "
          f"(preset {settings.preset}, {settings.threads} threads, {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
