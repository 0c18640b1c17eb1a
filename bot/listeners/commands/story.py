"""`/multiplier story`: this quarter's promotion story so far, drafted from your log now
(private to you), with a button to edit it into your story."""

from __future__ import annotations

from bot import clock
from bot.coaching.story import StoryTexts
from bot.listeners.commands.subcommands import Subcommand, SubcommandRequest
from bot.listeners.support import coaching_library, current_user, db
from bot.stories import flows
from bot.ui import story as ui


def show_story(request: SubcommandRequest) -> None:
    """Draft the current quarter's story from the log (unless already edited) and show it."""
    library = coaching_library(request.context)
    now = flows.draft_now(
        session=db(request.context),
        user=current_user(request.context),
        library=library,
        now=clock.now(),
    )
    request.respond(
        **ui.story_reply(now.quarter, now.current, now.draft, now.earlier, StoryTexts.of(library))
    )


SUBCOMMANDS = (Subcommand("story", show_story, aliases=("stories",)),)
