"""Multiplier: a Slack app that coaches engineers toward staff-level impact."""

__version__ = "0.1.0"
