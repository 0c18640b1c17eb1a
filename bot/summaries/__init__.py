"""Multiplier-effect summaries: metrics, the weekly personal summary, its chart and job."""
