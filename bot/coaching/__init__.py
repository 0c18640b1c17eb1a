"""Coaching logic: the prompts library, classification, prompt selection and nudges.

Pure Python: no Slack, no database sessions. Content lives in `prompts/*.yaml`.
"""
