"""Media files: what they are (probe) and making them fit the upload limits (fit)."""

from generator.media.probe import MediaInfo, probe, verify_packets

__all__ = ["MediaInfo", "probe", "verify_packets"]
