"""The terminal chat: read a line, send it to the app as Slack would, show what comes back."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from bot import clock
from bot.timetext import parse_time_of_day, parse_weekday
from bot.ui.text import plural
from sandbox import forms
from sandbox.render import (
    Control,
    element_options,
    indent,
    mrkdwn,
    option_text,
    render_message,
    render_view,
    text_object,
)
from sandbox.slacktext import as_slack_sends
from sandbox.timetravel import MAX_JUMP, JobRun, fast_forward
from sandbox.workspace import TEAM_ID, TEAM_NAME, SampleUser, Sandbox, local_label

logger = logging.getLogger(__name__)

PROMPT_INDENT = "  "
# `3` presses button [3]; `3 2` picks option 2 of menu [3]. Anything longer is a message.
_BARE_PRESS = re.compile(r"^(\d+)(?:\s+(\d+))?$")
_PRESS = re.compile(r"^(\d+)(?:\s+(.+))?$")
_EMOJI_START = re.compile(r"^:[a-z0-9_+-]+:")
_RELATIVE = re.compile(r"^\+((?:\d+[wdhm])+)$")
_RELATIVE_PART = re.compile(r"(\d+)([wdhm])")
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}
# :shortcut lists this many of the messages shown last, each cut to this many characters.
SHORTCUT_CHOICES = 9
SHORTCUT_PREVIEW = 70

HELP = """\
As {user} in the sample workspace:
  /brag <text>              log evidence (@bob, #team and links reach the app as Slack sends them)
  /kudos @bob <text>        recognise a peer (or several: /kudos @bob @carol <text>)
  /multiplier <command>     help, checkins on fri 15:00, settings, summary, evidence, export …
  <any other text>          a direct message to the bot (only answers become evidence)
  :reply <text>             reply in the thread of the bot's latest DM to you
  :edit <text>              edit your latest DM to the bot
  :post #team <text>        post a message in a channel as you (the app is told only in a
                            channel it is in: an admin's /multiplier digest add #team joins)
  :shortcut [n]             run a message shortcut ("Log as evidence") on a message shown:
                            with no n, the messages shown last are listed to pick from
  :react [n] [emoji]        react to a message shown (the last one, or n as :shortcut lists
                            them) with an emoji ({capture} logs it: React to log); as with
                            :post, the app is told only in a channel it is in
  :unreact [n] [emoji]      take your reaction off again (within a minute it undoes the log)
  :status [emoji] <text> [until <when>]   set your Slack status, e.g. :status :palm_tree:
                            Vacationing until fri 18:00 (away statuses pause check-ins);
                            :status clear clears it
  1   or   :press 1         press button [1]; for a menu, pick option 2 with `1 2`
  :press <label>            press the first button shown with that label, e.g. :press Answer;
                            or pick a menu's option by its words: :press A bet: ask me in 3
Sandbox:
  :as <user>                act as alice, bob or carol
  :users                    the members, their time zones and local times
  :time +3d | +2h | +30m    move the clock forward and run every job that falls due, in order
  :time 2026-12-04 15:00    … to an instant in your local time (or `fri 15:00`, or add UTC);
                            no argument shows the clock; -v lists each job run;
                            --every-minute runs every job at every minute (slow)
  :home                     open the App Home tab
  :dm [n]                   the last n messages of your DM with the bot (default 5)
  :digest                   the team digest channel
  :modal, :close            go on filling your open modal, or close it
  :help, :quit (or Ctrl-C, Ctrl-D)
Files the app shares (exports, packets, charts) are saved under sandbox-files/.
In a modal, answer each field in turn: Enter keeps the value in [ ], :none clears it,
:submit sends the modal now, :cancel closes it, :later leaves it open for :modal."""


class LineSource:
    """Where lines come from: a terminal (with history) or a script on standard input."""

    interactive = False

    def read(self, prompt: str) -> str | None:
        raise NotImplementedError


class ScriptSource(LineSource):
    """Lines from a pipe or file, each echoed after its prompt so the transcript reads well."""

    def __init__(self, stream: TextIO, echo: Callable[[str], None]) -> None:
        self._stream = stream
        self._echo = echo

    def read(self, prompt: str) -> str | None:
        line = self._stream.readline()
        if not line:
            return None
        line = line.rstrip("\r\n")
        self._echo(f"{prompt}{line}")
        return line


class TerminalSource(LineSource):
    """input() with readline history and completion of commands and names."""

    interactive = True

    def __init__(self, words: list[str], history: Path | None) -> None:
        self._history = history
        try:
            import readline
        except ImportError:  # Windows without pyreadline: plain input() still works
            self._readline = None
            return
        self._readline = readline
        self._words = sorted(set(words))
        readline.set_completer(self._complete)
        readline.set_completer_delims(" \t")
        readline.parse_and_bind("tab: complete")
        if history is not None:
            with contextlib.suppress(OSError):
                readline.read_history_file(history)

    def _complete(self, text: str, state: int) -> str | None:
        matches = [w for w in self._words if w.startswith(text)]
        return matches[state] if state < len(matches) else None

    def read(self, prompt: str) -> str | None:
        try:
            return input(prompt)
        except (EOFError, KeyboardInterrupt):
            # Ctrl-D or Ctrl-C at a prompt leaves it: a modal's field closes the modal, the
            # chat's own prompt ends the session as :quit does.
            print()
            return None

    def close(self) -> None:
        if self._readline is not None and self._history is not None:
            try:
                self._readline.set_history_length(1000)
                self._readline.write_history_file(self._history)
            except OSError:
                pass


@dataclass
class Target:
    """What a numbered control belongs to, so pressing it sends the right container."""

    control: Control
    kind: str  # message | ephemeral | view
    owner: SampleUser | None
    channel: str | None = None
    ts: str | None = None
    view_id: str | None = None
    payload: dict[str, Any] | None = None


def _container(target: Target) -> tuple[str, str | None, str | None, str | None]:
    return (target.kind, target.channel, target.ts, target.view_id)


class Chat:
    """One sandbox session: the current user, the numbered buttons, the open modal."""

    def __init__(
        self,
        sandbox: Sandbox,
        source: LineSource,
        out: TextIO,
        *,
        user: str = "alice",
    ) -> None:
        from bot.scheduling.jobs import JobContext

        self.sb = sandbox
        self.source = source
        self._out = out
        self.user = sandbox.user(user) or sandbox.users[0]
        sandbox.viewer = self.user
        self.controls: dict[int, Target] = {}
        self._pending: dict[int, Target] = {}
        self._shown_views: set[tuple[str, str]] = set()
        self._replaced: dict[tuple[str, str], dict[str, Any] | None] = {}
        self._origin: Target | None = None
        self._home_request = False
        self._violations_seen = 0
        self._repeats: dict[str, int] = {}
        self._last_ticked = clock.now()
        # Messages shown, oldest first, as (channel, ts): what :shortcut can act on.
        self._shown_messages: dict[tuple[str, str], None] = {}
        # The message this user reacted to last (:unreact's default).
        self._reacted: tuple[str, str, str] | None = None  # (user, channel, ts)
        s = sandbox.config
        self.ctx = JobContext(database=sandbox.database, settings=s, worker_id="sandbox")
        self.commands = (s.command_brag, s.command_kudos, s.command_multiplier)

    # ------------------------------------------------------------------ output

    def say(self, line: str = "") -> None:
        self._out.write(line + "\n")
        self._out.flush()

    def say_lines(self, lines: list[str]) -> None:
        for line in lines:
            self.say(line)

    @property
    def prompt(self) -> str:
        return f"{self.user.name}> "

    # ------------------------------------------------------------------ main loop

    def run(self) -> int:
        """Read and handle lines until :quit or the end of input; the exit status is 0."""
        self.sb.alerts.take()  # start-up chatter is in the log file
        self.banner()
        while True:
            line = self.source.read(self.prompt)
            if line is None:
                break
            try:
                if self.handle(line) is False:
                    break
            except KeyboardInterrupt:
                self.say("(Interrupted.)")
            except Exception as error:  # a sandbox bug must not end the session
                logger.exception("sandbox: the chat failed on %r", line)
                self.say(f"⚠ sandbox error: {type(error).__name__}: {error}")
        self.say("Bye. (The data stays in " + str(self.sb.db_path) + "; --fresh starts over.)")
        return 0

    def banner(self) -> None:
        people = ", ".join(
            f"{u.name} ({u.tz}{', admin' if u.is_admin else ''})" for u in self.sb.users
        )
        channels = ", ".join("#" + name for name in self.sb.channels().values())
        now = clock.now()
        self.say(
            "Multiplier local sandbox: the real app and a stand-in for Slack, in this terminal."
        )
        self.say(f"Workspace {TEAM_NAME!r}: {people}; channels {channels}.")
        self.say(
            f"Data in {self.sb.db_path} (--fresh starts over), app log in {self.sb.log_path}. "
            f"Clock: {now:%a %d %b %Y %H:%M} UTC."
        )
        self.say(
            "For real Slack: README, 'Create the Slack app' (manifest.yml, SLACK_BOT_TOKEN, "
            "SLACK_SIGNING_SECRET)."
        )
        self.say(f"Type {', '.join(self.commands)}, or a message to the bot; :help for more.")
        self.say(f"You are {self.user.name}.")

    def handle(self, line: str) -> bool | None:
        """Handle one line; False ends the session."""
        text = line.strip()
        if not text:
            return None
        press = _BARE_PRESS.match(text)
        if press:
            self.press(int(press.group(1)), press.group(2))
            return None
        if text.startswith(":") and not _EMOJI_START.match(text):
            return self.sandbox_command(text)
        if text.startswith("/"):
            self.slash(text)
            return None
        self.dm(text)
        return None

    def sandbox_command(self, text: str) -> bool | None:  # noqa: PLR0912 - a command table
        word, _, rest = text.partition(" ")
        rest = rest.strip()
        word = word.lower()
        if word in (":quit", ":exit", ":q"):
            return False
        if word in (":help", ":h", ":?"):
            self.say(HELP.format(user=self.user.name, capture=f":{self._capture_emoji()}:"))
        elif word == ":as":
            self.switch_user(rest)
        elif word in (":users", ":who"):
            self.show_users()
        elif word == ":time":
            self.travel(rest)
        elif word == ":home":
            self.home()
        elif word == ":dm":
            self.show_dm(rest)
        elif word == ":digest":
            self.digest()
        elif word == ":press":
            self.press_label(rest)
        elif word == ":reply":
            self.reply(rest)
        elif word == ":edit":
            self.edit(rest)
        elif word == ":post":
            self.post(rest)
        elif word == ":shortcut":
            self.shortcut(rest)
        elif word in (":react", ":unreact"):
            self.react(rest, remove=word == ":unreact")
        elif word == ":status":
            self.set_status(rest)
        elif word == ":modal":
            self.resume_modal()
        elif word == ":close":
            self.close_modals()
        elif word in forms.FORM_WORDS:
            self.say(f"{word} works inside a modal; no modal is being filled.")
        else:
            self.say(f"{word} is not a sandbox command; :help lists them.")
        return None

    # ------------------------------------------------------------------ users and clock

    def switch_user(self, name: str) -> None:
        user = self.sb.user(name) if name else None
        if user is None:
            names = ", ".join(u.name for u in self.sb.users)
            self.say(f"Who? The members are {names}.")
            return
        self.user = self.sb.viewer = user
        self.say(
            f"You are {user.name} ({user.tz}, {local_label(user, clock.now())} there). "
            ":dm shows your DM with the bot."
        )

    def show_users(self) -> None:
        now = clock.now()
        for user in self.sb.users:
            admin = ", admin" if user.is_admin else ""
            me = "  ← you" if user is self.user else ""
            self.say(f"  @{user.name:6} {user.tz:18} {local_label(user, now)}{admin}{me}")

    def show_clock(self) -> None:
        now = clock.now()
        here = ", ".join(f"{u.name} {u.local(now):%a %H:%M}" for u in self.sb.users)
        self.say(f"It is {now:%a %d %b %Y %H:%M} UTC ({here}).")

    def parse_time(self, spec: str) -> datetime:
        """`+3d`, `+2h30m`, `2026-12-04 15:00` (local to you, or UTC), `fri 15:00`, `fri 4pm`."""
        now = clock.now()
        relative = _RELATIVE.match(spec)
        if relative:
            delta = timedelta()
            for amount, unit in _RELATIVE_PART.findall(relative.group(1)):
                delta += timedelta(**{_UNITS[unit]: int(amount)})
            return now + delta
        words = spec.split()
        zone = self.user.zone
        if words and words[-1].upper() in ("UTC", "Z"):
            zone, words = UTC, words[:-1]  # type: ignore[assignment]
        wanted = parse_weekday(words[0]) if words else None
        if wanted is not None and len(words) in (2, 3):
            minute = parse_time_of_day(" ".join(words[1:]))
            if minute is None:
                raise ValueError(spec)
            local_now = now.astimezone(zone)
            day = local_now.date() + timedelta(days=(wanted - local_now.weekday()) % 7)
            candidate = datetime(
                day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=zone
            )
            if candidate <= now:
                candidate += timedelta(days=7)
            return candidate.astimezone(UTC)
        stamp = " ".join(words).replace("T", " ")
        parsed = datetime.fromisoformat(stamp)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=zone)
        return parsed.astimezone(UTC)

    def travel(self, spec: str) -> None:
        words = spec.split()
        verbose = bool({"-v", "--verbose"} & set(words))
        every_minute = "--every-minute" in words
        spec = " ".join(w for w in words if w not in ("-v", "--verbose", "--every-minute"))
        if not spec:
            self.show_clock()
            return
        try:
            target = self.parse_time(spec)
        except (ValueError, IndexError):
            self.say(
                f"{spec!r} is not a time I understand: +3d, +2h, +30m, +1w2d, "
                "2026-12-04 15:00 (your local time; add UTC for UTC) or fri 15:00."
            )
            return
        now = clock.now()
        if target <= now:
            self.say(
                f"The clock only moves forward: it is already {local_label(self.user, now)} "
                f"for {self.user.name}."
            )
            return
        if target - now > MAX_JUMP:
            self.say(f"That is more than {MAX_JUMP.days} days ahead; jump in smaller steps.")
            return
        self.say(
            f"⏩ {local_label(self.user, now)} → {local_label(self.user, target)} "
            f"({self.user.name}'s time)"
        )
        self._begin_step()

        last_summary: dict[str, str] = {}

        def on_instant(at: datetime, runs: list[JobRun]) -> None:
            # Jobs run in this thread and are done when they return: nothing to wait for.
            self.show_calls(self.sb.new_calls(), at=at)
            for run in runs:
                if run.failed:
                    line = f"⚠ job {run.job} failed at {at:%a %d %b %H:%M} UTC: {run.summary}"
                    key = f"⚠ job {run.job} failed: {run.summary}"
                    if key not in self._repeats:
                        self.say(f"{line} (details in {self.sb.log_path})")
                    self._say_once(key, quiet=True)
                elif verbose and last_summary.get(run.job) != run.summary:
                    self.say(f"  · {at:%a %d %b %H:%M} UTC  {run.job}: {run.summary}")
                last_summary[run.job] = run.summary
            self.show_alerts()

        journey = fast_forward(
            self.ctx,
            since=min(self._last_ticked, now),
            until=target,
            on_instant=on_instant,
            every_minute=every_minute,
        )
        self._last_ticked = target
        self._end_step()
        self._repeats_note()
        counts = ", ".join(f"{name} ×{n}" for name, n in journey.counts().items())
        self.say(
            f"Now {local_label(self.user, target)} for {self.user.name} "
            f"({target:%a %d %b %H:%M} UTC). Jobs run: {counts or 'none'} "
            f"at {plural(journey.instants, 'instant')}, in {journey.seconds:.1f} s."
        )
        self.sb.save_clock()

    # ------------------------------------------------------------------ Slack input

    def _to_slack(self, text: str, *, command: bool) -> str:
        def user_id(name: str) -> str | None:
            user = self.sb.user(name)
            return user.id if user else None

        return as_slack_sends(text, user_id=user_id, channel_id=self.sb.channel, command=command)

    def slash(self, text: str) -> None:
        command, _, rest = text.partition(" ")
        if command not in self.commands:
            self.say(
                f"{command} is not a command in this workspace; the app's are "
                f"{', '.join(self.commands)}."
            )
            return
        self._begin_step()
        reply = self.sb.slack.slash_command(
            command,
            self._to_slack(rest.strip(), command=True),
            user_id=self.user.id,
            channel_id=self.sb.dm_channel(self.user),
            channel_name="directmessage",
        )
        self._show_ack(reply)
        self.after_step()

    def dm(self, text: str, *, thread_ts: str | None = None) -> None:
        self._begin_step()
        reply = self.sb.slack.dm_message(
            self._to_slack(text, command=False), user_id=self.user.id, thread_ts=thread_ts
        )
        self._check_status(reply)
        mine = [
            m for m in self.sb.standin.dm_messages(self.user.id) if m.get("user") == self.user.id
        ]
        if mine:
            self._remember_shown(self.sb.dm_channel(self.user), mine[-1])
        self.after_step()

    def reply(self, text: str) -> None:
        if not text:
            self.say("Usage: :reply <text> (answers in the thread of the bot's latest DM)")
            return
        top_level = [
            m
            for m in self.sb.standin.dm_messages(self.user.id)
            if m.get("bot_id") and m.get("thread_ts", m["ts"]) == m["ts"]
        ]
        if not top_level:
            self.say("The bot has not sent you a message yet; type your text to DM it.")
            return
        self.dm(text, thread_ts=top_level[-1]["ts"])

    def edit(self, text: str) -> None:
        mine = [
            m for m in self.sb.standin.dm_messages(self.user.id) if m.get("user") == self.user.id
        ]
        if not text or not mine:
            self.say("Usage: :edit <new text> (changes your latest DM to the bot)")
            return
        self._begin_step()
        reply = self.sb.slack.message_changed(
            user_id=self.user.id, ts=mine[-1]["ts"], text=self._to_slack(text, command=False)
        )
        self._check_status(reply)
        self.after_step()

    def home(self) -> None:
        self._begin_step()
        self._home_request = True
        try:
            reply = self.sb.slack.app_home_opened(self.user.id)
            self._check_status(reply)
            self.after_step(end=False)
        finally:
            self._home_request = False
        view = self.sb.standin.home_view(self.user.id)
        if view is None:
            self.say("(The app has not published a Home tab for you.)")
        else:
            self.say(f"[Home tab · {self.user.name}]")
            numbers = self._numberer(kind="view", owner=self.user, view_id=view["id"])
            self.say_lines(indent(render_view(view, self.sb.names(), numbers)))
        self._end_step()

    def digest(self) -> None:
        channels = self._digest_channels()
        names = self.sb.names()
        if not channels:
            self.say(
                "No digest channel is set up yet. An admin sets one, e.g. as carol: "
                "/multiplier digest add #team"
            )
            return
        self._begin_step()
        for channel in channels:
            posts = [m for m in self.sb.standin.messages(channel) if m.get("bot_id")]
            label = "#" + (names.channel(channel) or channel)
            if not posts:
                self.say(f"{label}: no digest posted yet (they arrive with :time).")
                continue
            self.say(f"{label}: {plural(len(posts), 'post')} from multiplier; the latest:")
            for message in posts[-3:]:
                self._show_message(message, channel, at=self._ts_time(message))
        self._end_step()

    def _digest_channels(self) -> list[str]:
        from sqlalchemy import select

        from bot.db.models import DigestChannel, Workspace

        with self.sb.database.session() as session:
            rows = session.scalars(
                select(DigestChannel.channel_id)
                .join(Workspace, Workspace.id == DigestChannel.workspace_id)
                .where(Workspace.team_id == TEAM_ID, DigestChannel.active.is_(True))
                .order_by(DigestChannel.id)
            ).all()
        return list(dict.fromkeys(rows))

    def show_dm(self, count: str) -> None:
        try:
            wanted = int(count) if count else 5
        except ValueError:
            self.say("Usage: :dm [how many messages]")
            return
        messages = self.sb.standin.dm_messages(self.user.id)[-wanted:]
        if not messages:
            self.say("Your DM with the bot is empty.")
            return
        self._begin_step()
        channel = self.sb.dm_channel(self.user)
        for message in messages:
            if message.get("bot_id"):
                self._show_message(message, channel, at=self._ts_time(message))
            else:
                self.say(f"[{self.user.name} · {local_label(self.user, self._ts_time(message))}]")
                self.say_lines(indent(render_message(message, self.sb.names())))
                self._remember_shown(channel, message)
        self._end_step()

    @staticmethod
    def _ts_time(message: Mapping[str, Any]) -> datetime:
        return datetime.fromtimestamp(float(message.get("ts") or 0), UTC)

    # ------------------------------------------------------------------ channels, shortcuts

    def post(self, rest: str) -> None:
        """Post a message in a channel as the current user. The app is told (message.channels,
        as Slack would) only when it is a member of the channel (`digest add` joins one):
        then a thanks can become a suggestion (`/multiplier capture`)."""
        where, _, text = rest.partition(" ")
        channel = self.sb.channel(where) if where.startswith("#") else None
        if channel is None or not text.strip():
            channels = ", ".join("#" + name for name in self.sb.channels().values())
            self.say(f"Usage: :post #channel <text> (the channels are {channels})")
            return
        said = self._to_slack(text.strip(), command=False)
        app_is_in = self.sb.standin.bot_user_id() in self.sb.standin.channel_members(channel)
        if app_is_in:
            self._begin_step()
            reply = self.sb.slack.message(said, user_id=self.user.id, channel_id=channel)
            self._check_status(reply)
            message = [
                m for m in self.sb.standin.messages(channel) if m.get("user") == self.user.id
            ][-1]
        else:
            message = self.sb.standin.add_message(channel, user=self.user.id, text=said)
        self.say(f"[{self.user.name} in {self._where(channel)}]")
        self.say_lines(indent(render_message(message, self.sb.names())))
        self._remember_shown(channel, message)
        if app_is_in:
            self.after_step()

    def _remember_shown(self, channel: str, message: Mapping[str, Any]) -> None:
        ts = str(message.get("ts") or "")
        if channel and ts:
            key = (channel, ts)
            self._shown_messages.pop(key, None)
            self._shown_messages[key] = None

    def _shortcut_candidates(self) -> list[tuple[str, dict[str, Any]]]:
        """The messages shown that this user can see now, oldest first, at most nine."""
        mine = self.sb.dm_channel(self.user)
        found: list[tuple[str, dict[str, Any]]] = []
        for channel, ts in reversed(self._shown_messages):
            if channel.startswith("D") and channel != mine:
                continue  # someone else's DM with the bot
            current = next(
                (m for m in self.sb.standin.messages(channel) if m.get("ts") == ts), None
            )
            if current is not None:
                found.append((channel, current))
            if len(found) == SHORTCUT_CHOICES:
                break
        return found[::-1]

    def _describe(self, channel: str, message: Mapping[str, Any]) -> str:
        """`bob in #team: Thanks @alice, …`: who wrote a message, where, how it begins."""
        names = self.sb.names()
        if message.get("bot_id"):
            author = "multiplier"
        elif message.get("user") == self.user.id:
            author = "you"
        else:
            author = names.user(str(message.get("user"))) or str(message.get("user"))
        where = "your DM" if channel == self.sb.dm_channel(self.user) else self._where(channel)
        lines = [line.strip() for line in render_message(message, names) if line.strip()]
        first = lines[0] if lines else ""
        if len(first) > SHORTCUT_PREVIEW:
            first = first[: SHORTCUT_PREVIEW - 1] + "…"
        return f"{author} in {where}: {first}"

    def shortcut(self, rest: str) -> None:
        """Run a message shortcut on a message shown, as its "⋯" menu does in Slack."""
        shortcuts = self.sb.app.registrar.shortcut_names
        candidates = self._shortcut_candidates()
        if not candidates:
            self.say(
                "No message is shown that you can see: :dm shows your DM with the bot, "
                ":post #team <text> posts one."
            )
            return
        words = rest.split()
        pick = words[0] if words else None
        if pick is None:
            for n, (channel, message) in enumerate(candidates, 1):
                self.say(f"  {n} {self._describe(channel, message)}")
            pick = self.source.read(f"{PROMPT_INDENT}which message? [{len(candidates)}] ")
            if pick is None:
                return
            pick = pick.strip() or str(len(candidates))
        if not pick.isdecimal() or not 1 <= int(pick) <= len(candidates):
            self.say(f"✗ a message number from 1 to {len(candidates)}, please")
            return
        channel, message = candidates[int(pick) - 1]
        callback_id = self._pick_shortcut(shortcuts, " ".join(words[1:]))
        if callback_id is None:
            return
        self.say(f"({shortcuts[callback_id]} · {self._describe(channel, message)})")
        self._begin_step()
        reply = self.sb.slack.message_shortcut(
            callback_id, user_id=self.user.id, message=message, channel_id=channel
        )
        self._check_status(reply)
        self.after_step()

    def _capture_emoji(self) -> str:
        """The emoji that logs a message (CAPTURE_EMOJI's first, `trophy` by default)."""
        names = self.sb.config.capture_emoji_names
        return "trophy" if "trophy" in names else min(names)

    def set_status(self, rest: str) -> None:
        """Set (or clear) your Slack status as a person does in Slack: Slack tells the app with
        a `user_change` event, and the app reads an away status ("Vacationing", :palm_tree:,
        "OOO until …") as time off, which pauses check-ins and critiques."""
        usage = (
            "Usage: :status [emoji] <text> [until <when>], e.g. :status :palm_tree: "
            "Vacationing until fri 18:00 (or until +3d, until 2026-12-24 09:00); "
            ":status clear clears it"
        )
        text, _sep, until = rest.strip().partition(" until ")
        words = text.split()
        if not words:
            self.say(usage)
            return
        if words == ["clear"]:
            fields: dict[str, Any] = {"status_text": "", "status_emoji": "", "status_expiration": 0}
        else:
            emoji = words.pop(0) if _EMOJI_START.fullmatch(words[0]) else ""
            try:
                ends = self.parse_time(until.strip()) if until.strip() else None
            except (ValueError, IndexError):
                self.say(f"{until.strip()!r} is not a time I understand. {usage}")
                return
            if ends is not None and ends <= clock.now():
                self.say(f"That is already past for {self.user.name}. {usage}")
                return
            fields = {
                "status_text": " ".join(words)[:100],  # Slack's limit for a status
                "status_emoji": emoji,
                "status_expiration": int(ends.timestamp()) if ends else 0,
            }
        self._begin_step()
        self.sb.standin.update_user(self.user.id, **fields)
        reply = self.sb.slack.user_change(user_id=self.user.id)
        self._show_ack(reply)
        self.after_step()
        self.say(self._status_line(fields))

    def _status_line(self, fields: Mapping[str, Any]) -> str:
        """What the app now makes of your status (read back from its database)."""
        from sqlalchemy import select

        from bot.db.models import User

        shown = " ".join(str(fields[k]) for k in ("status_emoji", "status_text") if fields[k])
        if fields["status_expiration"]:
            ends = datetime.fromtimestamp(fields["status_expiration"], UTC)
            shown += f", until {local_label(self.user, ends)}"
        said = (
            f"({self.user.name}'s Slack status: {shown})"
            if shown
            else (f"({self.user.name}'s Slack status is cleared)")
        )
        with self.sb.database.read_session() as session:
            row = session.scalar(select(User).where(User.slack_user_id == self.user.id))
            until = row.away_until if row is not None else None
            # A span that has ended (the status cleared or expired) is kept as past time off.
            away = row is not None and row.away_from is not None
            away = away and (until is None or until > clock.now())
        if not away:
            return said + " The app does not read it as away."
        back = f" until {local_label(self.user, until)}" if until else " until it changes"
        return said + f" The app reads it as away{back}: check-ins and critiques pause."

    def react(self, rest: str, *, remove: bool = False) -> None:
        """Put an emoji reaction on a message shown (or take it off), as a person does in
        Slack. The app is told (`reaction_added` / `reaction_removed`) only when it is in the
        channel, as Slack does; a capture emoji there logs the message (React to log)."""
        from bot.capture.emoji import emoji_name, is_emoji_name
        from standin.webapi import SlackApiFailure

        words = rest.split()
        pick = words.pop(0) if words and words[0].isdecimal() else None
        name = emoji_name(words[0]) if words else self._capture_emoji()
        if len(words) > 1 or not is_emoji_name(name):
            self.say(
                f"Usage: {':unreact' if remove else ':react'} [n] [emoji], e.g. :react 2 trophy"
            )
            return
        target = self._reaction_target(pick, remove=remove)
        if target is None:
            return
        channel, message = target
        ts = str(message["ts"])
        try:
            if remove:
                self.sb.standin.unreact(channel, ts, user=self.user.id, name=name)
            else:
                self.sb.standin.react(channel, ts, user=self.user.id, name=name)
        except SlackApiFailure as failure:
            done = (
                "have already reacted" if str(failure) == "already_reacted" else "have not reacted"
            )
            self.say(f"✗ you {done} :{name}: to that message")
            return
        self._reacted = None if remove else (self.user.id, channel, ts)
        verb = f"removed :{name}: from" if remove else f"reacted :{name}: to"
        self.say(f"({self.user.name} {verb} {self._describe(channel, message)})")
        app_is_in = channel.startswith("D") or (
            self.sb.standin.bot_user_id() in self.sb.standin.channel_members(channel)
        )
        if not app_is_in:
            where = self._where(channel)
            self.say(
                f"(the app is not in {where}, so Slack does not tell it: an admin's "
                f"`/multiplier digest add {where}` makes it join, as `/invite @Multiplier` "
                "does in Slack)"
            )
            return
        self._begin_step()
        kind = "reaction_removed" if remove else "reaction_added"
        event = {
            "type": kind,
            "user": self.user.id,
            "reaction": name,
            "item": {"type": "message", "channel": channel, "ts": ts},
            "event_ts": f"{clock.now().timestamp():.6f}",
        }
        if message.get("user"):
            event["item_user"] = message["user"]
        reply = self.sb.slack.event(event, event_time=int(clock.now().timestamp()))
        self._check_status(reply)
        if not remove and name not in self.sb.config.capture_emoji_names:
            self.say(f"(only :{self._capture_emoji()}: logs a message; the app ignores :{name}:)")
        self.after_step()

    def _reaction_target(
        self, pick: str | None, *, remove: bool
    ) -> tuple[str, dict[str, Any]] | None:
        """The message to react to: number `pick` of the messages shown (as :shortcut lists
        them); without one, the message shown last (to take a reaction off: the message
        you reacted to last)."""
        candidates = self._shortcut_candidates()
        if pick is None and remove and self._reacted and self._reacted[0] == self.user.id:
            _, channel, ts = self._reacted
            found = self.sb.standin.message(channel, ts)
            if found is not None:
                return channel, found
        if not candidates:
            self.say(
                "No message is shown that you can see: :dm shows your DM with the bot, "
                ":post #team <text> posts one."
            )
            return None
        if pick is None:
            return candidates[-1]
        if not 1 <= int(pick) <= len(candidates):
            self.say(f"✗ a message number from 1 to {len(candidates)}, please")
            return None
        return candidates[int(pick) - 1]

    def _pick_shortcut(self, shortcuts: Mapping[str, str], typed: str) -> str | None:
        if not shortcuts:
            self.say("The app has no message shortcuts.")
            return None
        if len(shortcuts) == 1 and not typed:
            return next(iter(shortcuts))
        choices = list(shortcuts.items())
        if not typed:
            listing = " · ".join(f"{n} {name}" for n, (_, name) in enumerate(choices, 1))
            self.say(listing)
            typed = (self.source.read(f"{PROMPT_INDENT}which shortcut? ") or "").strip()
        for n, (callback_id, name) in enumerate(choices, 1):
            if typed in (str(n), callback_id) or name.lower().startswith(typed.lower()):
                return callback_id
        self.say(f"✗ no shortcut {typed!r}; the app's are {', '.join(shortcuts.values())}")
        return None

    # ------------------------------------------------------------------ buttons

    def press(self, number: int, option: str | None) -> None:
        target = self.controls.get(number)
        if target is None:
            shown = ", ".join(f"[{n}] {t.control.label}" for n, t in sorted(self.controls.items()))
            self.say(
                f"There is no button [{number}]. "
                + (f"Shown last: {shown}" if shown else "No buttons are shown.")
            )
            return
        self._press(target, option)

    def press_label(self, label: str) -> None:
        if not label:
            self.say("Usage: :press <number> [option] or :press <label>")
            return
        press = _PRESS.match(label)
        if press:
            self.press(int(press.group(1)), press.group(2))
            return
        wanted = label.lower()
        for matches in (str.__eq__, str.startswith):
            found = [
                number
                for number in sorted(self.controls)
                if matches(self.controls[number].control.label.lower(), wanted)
            ]
            if found:
                # The message shown last (a newer check-in, not an older one still on
                # screen), and on it the first such button (the first question's Answer).
                newest = _container(self.controls[found[-1]])
                first = next(n for n in found if _container(self.controls[n]) == newest)
                self._press(self.controls[first], None)
                return
        # A menu's option by its words (`:press A bet: ask me in 3 months`), or a `⋯` menu:
        # the newest shown that has it.
        for number in sorted(self.controls, reverse=True):
            element = self.controls[number].control.element
            if wanted in ("⋯", "...") and element.get("type") == "overflow":
                self._press(self.controls[number], None)
                return
            if element.get("type") not in ("static_select", "overflow", "radio_buttons"):
                continue
            for option in element_options(element):
                if option_text(option).lower().startswith(wanted):
                    self._press(self.controls[number], option_text(option))
                    return
        # After a restart (or a long scroll) the buttons are still in Slack, not on screen.
        self.say(
            f"No button labelled {label!r} is shown. `:dm` shows your latest DMs with their "
            "buttons, `:home` your Home."
        )

    def _press(self, target: Target, option: str | None) -> None:
        if target.owner is not None and target.owner.id != self.user.id:
            self.say(f"That is {target.owner.name}'s; :as {target.owner.name} to press it.")
            return
        element = target.control.element
        confirm = element.get("confirm")
        if isinstance(confirm, Mapping) and not self._confirmed(confirm):
            self.say("(Not pressed.)")
            return
        try:
            extra = self._choice(element, option)
        except forms.Invalid as problem:
            self.say(f"✗ {problem}")
            return
        if extra is None:
            return
        if element.get("url"):
            self.say(f"(Slack opens {element['url']} in the browser.)")
        self._begin_step()
        self._origin = target
        try:
            reply = self._send_action(target, extra)
        except AssertionError as gone:
            self.say(f"That button is no longer there ({gone}).")
            self._origin = None
            return
        if reply is not None:
            self._check_status(reply)
        self.after_step()
        self._origin = None

    def _confirmed(self, confirm: Mapping[str, Any]) -> bool:
        names = self.sb.names()
        title = text_object(confirm.get("title"), names)
        body = text_object(confirm.get("text"), names)
        yes = text_object(confirm.get("confirm"), names) or "Yes"
        self.say(f"{title}: {body}" if title else body)
        answer = self.source.read(f"{PROMPT_INDENT}{yes}? [y/N] ")
        return (answer or "").strip().lower() in ("y", "yes", yes.lower())

    def _choice(self, element: Mapping[str, Any], option: str | None) -> dict[str, Any] | None:
        """What the press carries besides the button value: the option, user or date picked."""
        kind = element.get("type")
        if kind == "button":
            return {}
        if kind in ("static_select", "overflow", "radio_buttons"):
            options = element_options(element)
            if option is None:
                listing = " · ".join(f"{i} {option_text(o)}" for i, o in enumerate(options, 1))
                self.say(f"{listing}")
                option = self.source.read(f"{PROMPT_INDENT}which? ")
                if not option:
                    return None
            field = forms.Field("b", "a", "", dict(element), optional=False)
            state = forms.parse(field, option.strip(), self._lookup())
            return {"selected_option": state["selected_option"]}
        if kind in (
            "users_select",
            "multi_users_select",
            "datepicker",
            "timepicker",
            "checkboxes",
            "multi_static_select",
            "conversations_select",
            "channels_select",
        ):
            if option is None:
                option = self.source.read(
                    f"{PROMPT_INDENT}{forms.describe_input(element, self.sb.names())}? "
                )
                if not option:
                    return None
            field = forms.Field("b", "a", "", dict(element), optional=False)
            state = forms.parse(field, option.strip(), self._lookup())
            state.pop("type", None)
            return state
        raise forms.Invalid(f"the sandbox cannot operate a {kind} element")

    def _send_action(self, target: Target, extra: dict[str, Any]) -> Any:
        control = target.control
        selected = extra.pop("selected_option", None)
        common: dict[str, Any] = {
            "user_id": self.user.id,
            "block_id": control.block_id,
            "action_type": control.kind,
            "selected_option": selected,
            "action_extra": extra or None,
        }
        slack = self.sb.slack
        if target.kind == "view":
            view = self.sb.standin.view(target.view_id) if target.view_id else None
            if view is None or not self._view_is_live(view):
                raise AssertionError("its view was closed")
            return slack.block_action(control.action_id, view=view, **common)
        if target.kind == "ephemeral":
            message = {
                **(target.payload or {}),
                "message_ts": target.ts or "",
                "channel": target.channel,
            }
            message.pop("ts", None)
            return slack.block_action(
                control.action_id, message=message, channel_id=target.channel, **common
            )
        key = (target.channel or "", target.ts or "")
        if key in self._replaced:
            replaced = self._replaced[key]
            if replaced is None:
                raise AssertionError("the message was deleted")
            current = {**replaced, "ts": target.ts}
        else:
            current = next(
                (m for m in self.sb.standin.messages(target.channel) if m.get("ts") == target.ts),
                None,
            )
            if current is None:
                raise AssertionError("the message was deleted")
        current = {**current, "channel": target.channel}
        return slack.block_action(
            control.action_id, message=current, channel_id=target.channel, **common
        )

    def _view_is_live(self, view: Mapping[str, Any]) -> bool:
        if view.get("type") == "home":
            return True
        return any(v["id"] == view["id"] for v in self.sb.standin.open_views(self.user.id))

    # ------------------------------------------------------------------ after each step

    def _begin_step(self) -> None:
        self._pending = {}
        self._repeats = {}

    def _end_step(self) -> None:
        if self._pending:
            self.controls = self._pending
            self._pending = {}

    def _numberer(
        self,
        *,
        kind: str,
        owner: SampleUser | None,
        channel: str | None = None,
        ts: str | None = None,
        view_id: str | None = None,
        payload: dict[str, Any] | None = None,
    ) -> Callable[[Control], int | None]:
        def number(control: Control) -> int | None:
            if owner is not None and owner.id != self.user.id:
                return None
            n = len(self._pending) + 1
            self._pending[n] = Target(control, kind, owner, channel, ts, view_id, payload)
            return n

        return number

    def after_step(self, *, end: bool = True) -> None:
        """Wait for the app to finish, show what it sent, then fill any modal it opened."""
        if not self.sb.settle():
            self.say("⚠ the app is still busy after 15 s; showing what arrived so far.")
        self.show_calls(self.sb.new_calls())
        self.show_alerts()
        self._repeats_note()
        if end:
            self._end_step()
        self.handle_modal()

    def _check_status(self, reply: Any) -> None:
        if reply.status != 200:
            body = reply.body.strip()[:300]
            self.say(f"⚠ the app answered HTTP {reply.status}" + (f": {body}" if body else ""))

    def _show_ack(self, reply: Any) -> None:
        """A slash command's immediate answer (the ack body), shown like an ephemeral."""
        self._check_status(reply)
        if reply.status != 200 or not reply.body.strip():
            return
        try:
            body = reply.json()
        except ValueError:
            body = {"text": reply.body}
        if not isinstance(body, Mapping):
            return
        self.say(f"[multiplier → {self.user.name} · only visible to you]")
        numbers = self._numberer(
            kind="ephemeral", owner=self.user, channel=self.sb.dm_channel(self.user),
            ts=f"{clock.now().timestamp():.6f}", payload=dict(body),
        )  # fmt: skip
        self.say_lines(indent(render_message(body, self.sb.names(), numbers)))

    def show_alerts(self) -> None:
        """The app's warnings and errors since the last look, each kind shown once a step."""
        for record in self.sb.alerts.take():
            if record.name.startswith("sandbox"):
                continue  # the chat reports its own findings (a failed job) itself
            if record.name == "waitress.queue":
                # "Task queue depth is 1": a request waited for a free thread while the
                # machine was busy; the log file has it, the chat need not sound an alarm.
                continue
            detail = ""
            if record.exc_info and record.exc_info[1] is not None:
                error = record.exc_info[1]
                detail = f" ({type(error).__name__}: {str(error)[:200]})"
            line = (
                f"⚠ app {record.levelname.lower()}: {record.getMessage()[:300]}{detail} "
                f"— details in {self.sb.log_path}"
            )
            self._say_once(line)
        violations = self.sb.standin.violations
        for violation in violations[self._violations_seen :]:
            self._say_once(f"⚠ Slack would reject this: {violation}")
        self._violations_seen = len(violations)

    def _say_once(self, line: str, *, quiet: bool = False) -> None:
        """Say a warning the first time in this step; count repeats for `_repeats_note`."""
        if line in self._repeats:
            self._repeats[line] += 1
            return
        self._repeats[line] = 0
        if not quiet:
            self.say(line)

    def _repeats_note(self) -> None:
        for line, count in self._repeats.items():
            if count and line.startswith("⚠"):
                again = plural(count, "more time")
                self.say(f"  (and {again}: {line.removeprefix('⚠ ')[:120]})")
        self._repeats = {}

    def show_calls(self, calls: list[Any], *, at: datetime | None = None) -> None:  # noqa: PLR0912
        for call in calls:
            method = call.method
            if not call.ok:
                if method not in ("views.publish",) or self._home_request:
                    self.say(f"⚠ the app's {method} call failed: {call.error or call.status}")
                continue
            response = call.response if isinstance(call.response, Mapping) else {}
            data = call.data
            if method == "chat.postMessage":
                message = dict(response.get("message") or data)
                self._show_message(message, str(response.get("channel")), at=at)
            elif method == "chat.update":
                message = dict(response.get("message") or data)
                self._show_message(message, str(response.get("channel")), at=at, verb="updated")
            elif method == "chat.delete":
                self.say(
                    f"[multiplier deleted a message in {self._where(str(data.get('channel')))}]"
                )
            elif method == "chat.postEphemeral":
                self._show_ephemeral(data, str(response.get("message_ts")))
            elif method == "response_url":
                self._show_response(data)
            elif method == "chat.scheduleMessage":
                when = datetime.fromtimestamp(int(response.get("post_at") or 0), UTC)
                where = self._where(str(response.get("channel")))
                self.say(
                    f"[multiplier scheduled a message for {when:%a %d %b %H:%M} UTC in {where}]"
                )
                self.say_lines(indent(render_message(data, self.sb.names())))
            elif method == "files.completeUploadExternal":
                self._show_files(data, response)
            elif method == "views.publish":
                user = self.sb.user_by_id(str(data.get("user_id")))
                if user is self.user and not self._home_request:
                    self._say_once("[multiplier updated your Home tab · :home shows it]")
            elif method in ("views.open", "views.push", "views.update"):
                view = response.get("view") or {}
                owner = self._view_owner(view)
                if owner is not None and owner is not self.user:
                    self.say(f"[a modal opened for {owner.name}]")

    def _view_owner(self, view: Mapping[str, Any]) -> SampleUser | None:
        for user in self.sb.users:
            if any(v["id"] == view.get("id") for v in self.sb.standin.open_views(user.id)):
                return user
        return None

    def _where(self, channel: str) -> str:
        if channel.startswith("D"):
            owner = self.sb.user_by_id(channel[1:])
            return f"the DM with {owner.name}" if owner else channel
        return "#" + (self.sb.names().channel(channel) or channel)

    def _show_message(
        self, message: Mapping[str, Any], channel: str, *, at: datetime | None, verb: str = ""
    ) -> None:
        names = self.sb.names()
        owner = self.sb.user_by_id(channel[1:]) if channel.startswith("D") else None
        if owner is not None:
            where = f"multiplier → {owner.name} · DM"
        else:
            where = f"multiplier in #{names.channel(channel) or channel}"
        if message.get("thread_ts") and message.get("thread_ts") != message.get("ts"):
            where += " · in thread"
        if verb:
            where += f" · {verb}"
        if at is not None:
            if owner is not None:
                where += f" · {local_label(owner, at)} {owner.name}'s time"
            else:
                where += f" · {at:%a %d %b %H:%M} UTC"
        self.say(f"[{where}]")
        numbers = self._numberer(
            kind="message", owner=owner, channel=channel, ts=str(message.get("ts") or "")
        )
        self.say_lines(indent(render_message(message, names, numbers)))
        self._remember_shown(channel, message)

    def _show_ephemeral(self, data: Mapping[str, Any], message_ts: str) -> None:
        user = self.sb.user_by_id(str(data.get("user")))
        name = user.name if user else str(data.get("user"))
        channel = str(data.get("channel") or "")
        self.say(f"[multiplier → {name} · only visible to {'you' if user is self.user else name}]")
        numbers = self._numberer(
            kind="ephemeral", owner=user, channel=channel, ts=message_ts, payload=dict(data)
        )
        self.say_lines(indent(render_message(data, self.sb.names(), numbers)))

    def _show_response(self, payload: Mapping[str, Any]) -> None:
        """A response_url post: it answers the current user's command or button press."""
        origin = self._origin
        channel = (origin.channel if origin else None) or self.sb.dm_channel(self.user)
        key = (origin.channel or "", origin.ts or "") if origin else ("", "")
        if payload.get("delete_original"):
            self.say("[multiplier deleted the message you acted on]")
            if origin is not None and origin.kind == "message":
                self._replaced[key] = None
                self.sb.standin.delete_message(*key)  # gone from the DM's history too
            return
        replaces = bool(payload.get("replace_original")) and origin is not None
        if replaces and origin is not None and origin.kind == "message":
            # Slack replaces the message itself, for everyone who sees it: `:dm` and the
            # channel's history show the new version from now on.
            self._replaced[key] = dict(payload)
            with contextlib.suppress(KeyError):
                self.sb.standin.edit_message(
                    *key, text=str(payload.get("text") or ""), blocks=payload.get("blocks") or []
                )
            self.say(f"[multiplier in {self._where(channel)} · replaced the message you acted on]")
            numbers = self._numberer(
                kind="message", owner=origin.owner, channel=origin.channel, ts=origin.ts
            )
        else:
            if payload.get("response_type") == "in_channel":
                label = f"multiplier in {self._where(channel)}"
            else:
                label = f"multiplier → {self.user.name} · only visible to you"
            if replaces:
                label += " · replaced the message you acted on"
            elif payload.get("replace_original") and origin is None:
                # A command's later answer over its response_url takes the place of its
                # earlier one ("Preparing…" becomes "Nothing to export"), as in Slack.
                label += " · replaced the answer above"
            self.say(f"[{label}]")
            numbers = self._numberer(
                kind="ephemeral", owner=self.user, channel=channel,
                ts=f"{clock.now().timestamp():.6f}", payload=dict(payload),
            )  # fmt: skip
        self.say_lines(indent(render_message(payload, self.sb.names(), numbers)))

    def _show_files(self, data: Mapping[str, Any], response: Mapping[str, Any]) -> None:
        uploads = {f.file_id: f for f in self.sb.standin.uploaded_files()}
        channel = str(data.get("channel_id") or str(data.get("channels") or "").split(",")[0])
        where = self._where(channel) if channel else "nowhere (not shared)"
        self.say(f"[multiplier shared a file in {where}]")
        comment = data.get("initial_comment")
        if comment:
            self.say_lines(indent(mrkdwn(str(comment), self.sb.names()).split("\n")))
        for entry in response.get("files") or []:
            upload = uploads.get(str(entry.get("id")))
            name = str(entry.get("name"))
            size = f", {len(upload.content):,} bytes" if upload else ""
            self.say(f"  📎 {name} ({entry.get('title') or name}{size})")
            if upload is not None:
                saved = self.sb.save_file(name, upload.content)
                self.say(f"     saved as {_shown_path(saved)}")

    # ------------------------------------------------------------------ modals

    def _lookup(self) -> forms.Lookup:
        def user_id(name: str) -> str | None:
            user = self.sb.user(name)
            return user.id if user else None

        return forms.Lookup(
            user_id=user_id,
            channel_id=self.sb.channel,
            today=lambda: clock.now().astimezone(self.user.zone).date(),
            names=self.sb.names(),
        )

    def _top_view(self) -> dict[str, Any] | None:
        views = self.sb.standin.open_views(self.user.id)
        return views[-1] if views else None

    def handle_modal(self) -> None:
        view = self._top_view()
        if view is None:
            return
        key = (view["id"], view["hash"])
        if key in self._shown_views:
            return
        self._shown_views.add(key)
        self.fill(view)

    def resume_modal(self) -> None:
        view = self._top_view()
        if view is None:
            self.say("You have no open modal.")
            return
        self._shown_views.add((view["id"], view["hash"]))
        self.fill(view)

    def close_modals(self) -> None:
        views = self.sb.standin.open_views(self.user.id)
        if not views:
            self.say("You have no open modal.")
            return
        self._begin_step()
        self._close(views[-1], clear=True)
        self.after_step()

    def _close(self, view: Mapping[str, Any], *, clear: bool = False) -> None:
        if view.get("notify_on_close"):
            self.sb.slack.view_closed(
                str(view.get("callback_id") or ""), user_id=self.user.id,
                view_id=view["id"], is_cleared=clear,
            )  # fmt: skip
        elif clear:
            self.sb.standin.clear_views(self.user.id)
        else:
            self.sb.standin.close_view(view["id"])
        self.say("(Modal closed.)")

    def fill(self, view: dict[str, Any]) -> None:
        """Show a modal, ask for each field, submit it; re-ask fields the app rejects."""
        names = self.sb.names()
        self._begin_step()
        title = text_object(view.get("title"), names) or "Modal"
        self.say(f"[modal · {title}]")
        numbers = self._numberer(kind="view", owner=self.user, view_id=view["id"])
        self.say_lines(indent(render_view({**view, "title": None}, names, numbers)))
        self._end_step()
        form = forms.Form.of(view, names)
        submit_label = text_object(view.get("submit"), names) or "Submit"
        if not form.fields and not view.get("submit"):
            self.say("(The modal stays open; :close closes it.)")
            return
        if not form.fields:
            answer = self.source.read(f"{PROMPT_INDENT}Enter to {submit_label}, :cancel to close: ")
            pending: list[forms.Field] = []
            outcome = "cancel" if answer is None or answer.strip() == forms.CANCEL else "submit"
        else:
            self.say(
                "Fill in the fields: Enter keeps [ ], :none clears, :submit sends now, "
                ":cancel closes, :later leaves the modal open."
            )
            pending = list(form.fields)
            outcome = ""
        while True:
            if pending:
                outcome = self._ask(form, pending)
            if outcome in ("cancel", "eof"):
                self._begin_step()
                self._close(view)
                self.after_step()
                return
            if outcome == "later":
                self.say("(The modal stays open: :modal goes on filling it, :close closes it.)")
                return
            pending = [f for f in form.fields if not f.optional and forms.is_empty(form.state(f))]
            if pending:
                self.say("✗ Required: " + ", ".join(f.label for f in pending))
                continue
            pending = self._submit(view, form, submit_label)
            if not pending:
                return

    def _submit(
        self, view: Mapping[str, Any], form: forms.Form, submit_label: str
    ) -> list[forms.Field]:
        """Send the view_submission; the fields the app rejected, to ask again (or none)."""
        self._begin_step()
        try:
            reply = self.sb.slack.view_submission(
                str(view.get("callback_id") or ""),
                user_id=self.user.id,
                values=form.values,
                view_id=view["id"],
            )
        except AssertionError as problem:
            self.say(f"⚠ the sandbox could not submit this modal: {problem}")
            return []
        self._check_status(reply)
        ack = _json(reply.body) if reply.status == 200 else None
        if not (isinstance(ack, Mapping) and ack.get("response_action") == "errors"):
            self.say(f"({submit_label}: sent.)")
            self._shown_views.add((view["id"], view["hash"]))
            self.after_step()
            return []
        self.after_step()
        rejected = []
        for block_id, message in (ack.get("errors") or {}).items():
            found = form.by_block(str(block_id))
            label = found.label if found else str(block_id)
            self.say(f"✗ {label}: {mrkdwn(str(message), self.sb.names())}")
            if found is not None:
                rejected.append(found)
        return rejected

    def _ask(self, form: forms.Form, fields: list[forms.Field]) -> str:
        """Ask each field; 'submit', 'cancel', 'later' or 'eof' when the person says so."""
        names = self.sb.names()
        lookup = self._lookup()
        for f in fields:
            while True:
                current = forms.describe_state(form.state(f), names)
                shown = f" [{current}]" if current else ""
                self.say(f"{PROMPT_INDENT}{forms.prompt_text(f, names)}{shown}")
                typed = self.source.read(f"{PROMPT_INDENT}> ")
                if typed is None:
                    return "eof"
                word = typed.strip()
                if word == forms.CANCEL:
                    return "cancel"
                if word == forms.LATER:
                    return "later"
                if word == forms.SUBMIT:
                    return "submit"
                if word == "":
                    break
                if word.split(maxsplit=1)[0] in SANDBOX_COMMANDS:
                    # A command typed mid-form is not the field's value (it read as one).
                    self.say(
                        f"{PROMPT_INDENT}✗ A modal is open: :submit, :cancel, or :later to "
                        f"keep it for :modal, then {word.split(maxsplit=1)[0]}."
                    )
                    continue
                if word == forms.CLEAR:
                    form.set(f, forms.initial_state({"type": f.kind}))
                    break
                try:
                    form.set(f, forms.parse(f, word, lookup))
                except forms.Invalid as problem:
                    self.say(f"{PROMPT_INDENT}✗ {problem}")
                    continue
                break
        return "submit"


def _shown_path(path: Path) -> str:
    """A path as short as it can be said: relative to here when it is below here."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _json(body: str) -> Any:
    try:
        return json.loads(body) if body.strip() else None
    except ValueError:
        return None


# The sandbox's own commands (the modal's words are forms.FORM_WORDS).
SANDBOX_COMMANDS = (
    ":help", ":as", ":users", ":time", ":home", ":dm", ":digest", ":press", ":reply",
    ":edit", ":post", ":shortcut", ":react", ":unreact", ":status", ":modal", ":close",
    ":quit",
)  # fmt: skip


def completion_words(sandbox: Sandbox) -> list[str]:
    commands = [*SANDBOX_COMMANDS, *forms.FORM_WORDS]
    s = sandbox.config
    commands += [s.command_brag, s.command_kudos, s.command_multiplier]
    commands += [u.name for u in sandbox.users] + ["@" + u.name for u in sandbox.users]
    commands += ["#" + name for name in sandbox.channels().values()]
    return commands


def run_chat(
    sandbox: Sandbox,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    user: str = "alice",
    history: Path | None = None,
) -> int:
    """Run the chat on a started sandbox: a terminal prompt, or a script from a pipe."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout

    def echo(line: str) -> None:
        stdout.write(line + "\n")
        stdout.flush()

    interactive = stdin.isatty()
    source: LineSource
    if interactive:
        source = TerminalSource(completion_words(sandbox), history)
    else:
        source = ScriptSource(stdin, echo)
    chat = Chat(sandbox, source, stdout, user=user)
    try:
        return chat.run()
    finally:
        if isinstance(source, TerminalSource):
            source.close()
        sandbox.save_clock()
