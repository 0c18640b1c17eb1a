"""The sandbox's fast-forward hints: for each job, when it could next have work to do.

Production jobs know nothing of these; the worker simply runs every job every minute.
"""

from __future__ import annotations

from bot.checkins.hints import next_checkins_due, next_reminders_due
from bot.conversations.jobs import next_prune_due
from bot.digests.jobs import next_digest_due
from bot.expectations.jobs import next_expectation_checks_due
from bot.judgments.jobs import next_judgment_followup_due
from bot.quotes.jobs import next_quote_posts_due
from bot.scheduling.jobs import NextDue
from bot.sponsors.jobs import next_sponsor_dms_due
from bot.stories.jobs import next_story_dms_due
from bot.suggestions.jobs import next_expiry_due
from bot.summaries.jobs import next_summary_due
from bot.workspaces.jobs import next_purge_due, next_refresh_due

NEXT_DUE: dict[str, NextDue] = {
    "prune-events": next_prune_due,
    "expire-suggestions": next_expiry_due,
    "checkins": next_checkins_due,
    "checkin-reminders": next_reminders_due,
    "sponsor-dms": next_sponsor_dms_due,
    "expectation-checks": next_expectation_checks_due,
    "story-dms": next_story_dms_due,
    "quote-requests": next_quote_posts_due,
    "digests": next_digest_due,
    "summaries": next_summary_due,
    "judgment-followups": next_judgment_followup_due,
    "purge": next_purge_due,
    "refresh-tokens": next_refresh_due,
}
