"""smartplus: TikTok Smart+ Web Conversions campaigns as code."""

__version__ = "0.1.0"
