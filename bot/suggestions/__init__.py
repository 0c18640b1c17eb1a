"""Thanks become suggestions (issue 18): a public thanks DMs the thanked person a private
suggestion to log it; the weekly check-in lists the open ones.

Opt-in twice: the workspace (an admin's `/multiplier capture workspace on`) and the person
(`/multiplier capture on`). Only ids are stored until the person clicks "Log it".
"""
