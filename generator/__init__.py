"""连山壮族瑶族自治县行政执法公示平台: load → validate → render → publish."""

__version__ = "0.1.0"
