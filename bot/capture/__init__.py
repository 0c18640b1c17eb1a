"""Evidence that captures itself (issue 18): pure decisions, no Slack client, no database.

- `thanks`: who a channel message thanks, with a `why` (`detect_thanks`, `thanks_in_event`);
- `timeoff`: Slack statuses and public holidays as away days and away weeks;
- `reactions`: what a capture-emoji reaction (or its removal) should do;
- `kudos`: the "in #channel" target of `/kudos … in #channel`.

The Slack wiring (listeners, delivery, settings) calls these with data and acts on the
answers.
"""
