"""The promotion packet for a seeded quarter: every entry of the period, in the right groups."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from bot.coaching.library import default_library
from bot.db.engine import Database
from bot.db.models import EvidenceEntry
from bot.evidence import packet
from bot.evidence import service as evidence
from bot.evidence.periods import parse_period
from bot.workspaces import service as workspaces

LIBRARY = default_library()
NOW = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)
TZ = "America/New_York"

# (marker, dimension, scope, source, local date-time in New York)
SEEDS = [
    ("M01", "writing", "org", "brag", "2026-07-01T00:30"),  # first minutes of the quarter
    ("M02", "reviews", "team", "shortcut", "2026-07-15T10:00"),
    ("M03", "unblocking", "cross_team", "brag", "2026-08-01T09:00"),
    ("M04", "business_impact", "org", "modal", "2026-08-20T16:00"),
    ("M05", "business_impact", "self", "brag", "2026-08-21T16:00"),
    ("M06", "mentoring", "team", "kudos", "2026-09-02T11:00"),
    ("M07", None, None, "dm", "2026-09-10T11:00"),
    ("M08", "delivery", "self", "checkin", "2026-09-30T23:30"),  # last minutes of the quarter
    ("M09", "decisions", "cross_team", "kudos", "2026-09-12T08:00"),
    ("OUT-BEFORE", "writing", "org", "brag", "2026-06-30T23:59"),
    ("OUT-AFTER", "writing", "org", "brag", "2026-10-01T00:00"),
]


def _local(text: str) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(TZ)).astimezone(UTC)


def _sections(markdown: str) -> dict[tuple[str, str], str]:
    """(element heading, dimension heading) → the text under it."""
    found: dict[tuple[str, str], str] = {}
    for element in re.split(r"^## ", markdown, flags=re.MULTILINE)[1:]:
        title = element.splitlines()[0]
        for group in re.split(r"^### ", element, flags=re.MULTILINE)[1:]:
            found[(title, group.splitlines()[0])] = group
    return found


def test_packet_for_a_seeded_quarter(database: Database) -> None:
    """Each entry of 2026-Q3 appears under every element it feeds; kudos count only as kudos."""
    with database.session() as session:
        user = workspaces.ensure_user(session=session, team_id="T0001", slack_user_id="UALICE")
        user.tz = TZ
        giver = workspaces.ensure_user(session=session, team_id="T0001", slack_user_id="UBOB")
        for marker, dimension, scope, source, when in SEEDS:
            entry = evidence.create_entry(
                session=session, user=user, text=f"{marker} did it <@UCAROL|carol> &amp; more",
                source=source, dimension=dimension, scope=scope, people=["UCAROL"],
                link="https://docs.example.com/" + marker, occurred_at=_local(when),
                permalink="https://acme.slack.com/archives/C1/p1" if source == "shortcut" else None,
            )  # fmt: skip
            if source == "kudos":
                session.add(
                    evidence.Kudos(
                        workspace_id=user.workspace_id, giver_id=giver.id, recipient_id=user.id,
                        evidence_id=entry.id, text=entry.text, created_at=entry.occurred_at,
                    )
                )  # fmt: skip
        session.flush()
        period = parse_period("2026-Q3", now=NOW, tz=TZ)
        entries = evidence.entries_between(
            session=session, user=user, start=period.start, end=period.end
        )
        kudos = evidence.kudos_for_entries(
            session=session, user=user, entry_ids=[e.id for e in entries]
        )
        items = [packet.PacketEntry(e, "UBOB" if e.id in kudos else None) for e in entries]
        markdown = packet.build_packet(
            entries=items, library=LIBRARY, period=period, owner_name="alice",
            workspace_name="Acme", names={"UCAROL": "carol", "UBOB": "bob"}, tz=TZ,
            generated_at=NOW,
        )  # fmt: skip
        markers = {e.text.split()[0]: e for e in entries}
    assert sorted(markers) == [m for m, *_ in SEEDS if m.startswith("M")]
    assert "OUT-" not in markdown
    sections = _sections(markdown)
    numbered = {
        element.id: f"{i}. {element.name}"
        for i, element in enumerate(LIBRARY.promotion_elements, 1)
    }
    for marker, entry in markers.items():
        expected = set()
        for element_id in packet.groups_for(entry, LIBRARY):
            dimension = (
                LIBRARY.dimension(entry.dimension).name if entry.dimension else "Not classified"
            )
            title = numbered.get(element_id, f"{len(numbered) + 1}. Other evidence")
            expected.add((title, dimension))
        where = {key for key, text in sections.items() if f"{marker} did it" in text}
        assert {(t.rsplit(" (", 1)[0], d.rsplit(" (", 1)[0]) for t, d in where} == expected, marker
    # Every entry appears somewhere; kudos are credited; links and permalinks are kept.
    assert "M09 did it @carol & more" in markdown
    assert "Kudos from @bob" in markdown
    assert "[link](https://docs.example.com/M03)" in markdown
    assert "[Slack message](https://acme.slack.com/archives/C1/p1)" in markdown
    assert "**Period:** 2026-Q3 (1 Jul–30 Sep 2026)" in markdown
    assert "## 4. A sponsor (0)" in markdown and "Questions to answer" in markdown
    # The counts are of alice's own entries; the two kudos are counted as kudos received.
    assert (
        "**7 entries of your own** · multiplier work: 5 · people helped: 1 · across teams or "
        "org-wide: 3 · kudos received: 2"
    ) in markdown.splitlines()
    # The groups: M05 (business impact, self) is not "the right opportunity" (needs broad
    # scope); M07 (no dimension, from a DM) and M05 land in "Other evidence" only if they
    # feed nothing.
    assert packet.groups_for(markers["M07"], LIBRARY) == [packet.OTHER_GROUP]
    assert "right-opportunity" in packet.groups_for(markers["M04"], LIBRARY)
    assert "right-opportunity" not in packet.groups_for(markers["M05"], LIBRARY)


def test_empty_period_still_makes_a_useful_packet() -> None:
    """With nothing logged, the packet says so and keeps every element's questions."""
    period = parse_period("2020-Q1", now=NOW, tz="UTC")
    markdown = packet.build_packet(
        entries=[], library=LIBRARY, period=period, owner_name="alice", workspace_name=None,
        names={}, tz="UTC", generated_at=NOW,
    )  # fmt: skip
    assert "_No evidence logged in 2020-Q1._" in markdown
    assert markdown.count("Questions to answer") == len(LIBRARY.promotion_elements)


def test_readable_markdown_from_slack_markup() -> None:
    """Mentions become @names, links Markdown links, broadcasts plain words, escapes undone."""
    text = "<@U0001|bob> <@U0002> <#C0001|eng> <https://x.example/a|docs> <!here> a &amp; b &lt;3"
    expected = "@bob @carol #eng [docs](https://x.example/a) @here a & b <3"
    assert packet.readable(text, {"U0002": "carol"}) == expected
    entry = EvidenceEntry(
        id=1, text="x", people=["U0001"], dimension="writing", scope="org", source="brag",
        occurred_at=NOW, visibility="private",
    )  # fmt: skip
    assert packet.people_in([packet.PacketEntry(entry, "U0009")]) == ["U0001", "U0009"]


def test_kudos_from_a_former_colleague_is_still_kudos() -> None:
    """A kudos whose giver used forget-me is credited to "a former colleague" and counted."""
    period = parse_period("2026-Q3", now=NOW, tz="UTC")
    entry = EvidenceEntry(
        id=1, text="<@UBOB> fixed CI", dimension="unblocking", scope="team", source="kudos",
        people=[], visibility="private", occurred_at=datetime(2026, 8, 3, tzinfo=UTC),
    )  # fmt: skip
    markdown = packet.build_packet(
        entries=[packet.PacketEntry(entry, kudos_from=None, is_kudos=True)], library=LIBRARY,
        period=period, owner_name="bob", workspace_name=None, names={"UBOB": "bob"}, tz="UTC",
        generated_at=NOW,
    )  # fmt: skip
    assert "  - Kudos from a former colleague" in markdown
    assert "kudos received: 1" in markdown


def test_summary_gives_figures_and_the_latest_entries_per_dimension() -> None:
    """The shared summary: the period's figures, then per dimension its count and its three
    latest entries as typed (a kudos counted as received, not as their own)."""
    period = parse_period("2026-Q3", now=NOW, tz="UTC")

    def entry(n: int, dimension: str, source: str = "brag") -> EvidenceEntry:
        return EvidenceEntry(
            id=n, text=f"E{n} with <@UCAROL|carol> &amp; co", dimension=dimension, scope="org",
            source=source, people=["UCAROL"] if source != "kudos" else ["UBOB"],
            visibility="private", occurred_at=datetime(2026, 8, n, tzinfo=UTC),
        )  # fmt: skip

    items = [packet.PacketEntry(entry(n, "writing")) for n in range(1, 6)]
    items.append(packet.PacketEntry(entry(9, "mentoring", "kudos"), kudos_from="UBOB"))
    markdown = packet.build_summary(
        entries=items, library=LIBRARY, period=period, owner_name="alice",
        workspace_name="Acme", names={"UCAROL": "carol"}, tz="UTC", generated_at=NOW,
    )  # fmt: skip
    lines = markdown.splitlines()
    assert lines[0] == "# Multiplier summary: alice"
    assert "- Entries of their own: 5" in lines and "- Kudos received: 1" in lines
    assert "- People helped: 1" in lines and "- Across teams or org-wide: 5" in lines
    writing = lines.index(f"### {LIBRARY.dimension('writing').name} (5)")
    assert lines[writing + 2 : writing + 6] == [
        "- **Wed 5 Aug 2026** — E5 with @carol & co",
        "- **Tue 4 Aug 2026** — E4 with @carol & co",
        "- **Mon 3 Aug 2026** — E3 with @carol & co",
        "- …and 2 more",
    ]
    assert f"### {LIBRARY.dimension('mentoring').name} (1)" in lines


def test_the_packets_sections_count_kudos_apart_and_credit_the_giver_once() -> None:
    """2 entries of alice's own and bob's kudos: the expectations section counts the kudos
    apart from her own unmapped entries (failed before: "Not mapped to an expectation (2)"
    beside "2 entries of your own · … kudos received: 1"), and Peer recognition names bob
    once (failed before: "Kudos from @bob" then "People: @bob")."""
    period = parse_period("2026-Q3", now=NOW, tz="UTC")

    def entry(n: int, source: str, people: list[str]) -> EvidenceEntry:
        return EvidenceEntry(
            id=n, text=f"E{n} &amp; more", dimension="writing", scope="team", source=source,
            people=people, visibility="private", occurred_at=datetime(2026, 8, n, tzinfo=UTC),
        )  # fmt: skip

    items = [
        packet.PacketEntry(entry(1, "brag", ["UCAROL"])),
        packet.PacketEntry(entry(2, "brag", [])),
        packet.PacketEntry(entry(3, "kudos", ["UBOB", "UDANA"]), kudos_from="UBOB"),
    ]
    markdown = packet.build_packet(
        entries=items, library=LIBRARY, period=period, owner_name="alice", workspace_name=None,
        names={"UBOB": "bob", "UCAROL": "carol", "UDANA": "dana"}, tz="UTC", generated_at=NOW,
        expectations=[packet.ExpectationGroup("Writes for the org", (1,))],
    )  # fmt: skip
    lines = markdown.splitlines()
    assert "**2 entries of your own** · " in lines[4] and lines[4].endswith("kudos received: 1")
    own = lines.index("### Not mapped to an expectation (1)")
    assert lines[own + 2] == "- **Sun 2 Aug 2026** — E2 & more"
    kudos = lines.index("### Kudos received, not mapped to an expectation (1)")
    assert lines[kudos + 2] == "- **Mon 3 Aug 2026** — E3 & more _(kudos from @bob)_"
    credit = lines.index("  - Kudos from @bob")
    assert lines[credit - 1].endswith("— E3 & more") and lines[credit + 1] == "  - People: @dana"
    assert markdown.count("  - People: @bob") == 0


def test_an_answered_sponsor_element_does_not_say_nothing_was_logged() -> None:
    """With a named sponsor and no entries for the element, its section shows the sponsor
    only (failed before: "A sponsor (0)" and "Nothing logged for this element in this
    period." right above "Sponsor: @carol")."""
    from datetime import date

    from bot.db.models import SponsorNote

    period = parse_period("2026-Q3", now=NOW, tz="UTC")
    note = SponsorNote(
        sponsor_user_id="UCAROL", sponsor_text=None, last_shown_on=date(2026, 9, 1),
        next_step="Show carol the RFC", created_at=datetime(2026, 9, 2, tzinfo=UTC),
    )  # fmt: skip
    markdown = packet.build_packet(
        entries=[], library=LIBRARY, period=period, owner_name="alice", workspace_name=None,
        names={"UCAROL": "carol"}, tz="UTC", generated_at=NOW, sponsor=note,
    )  # fmt: skip
    (section,) = [
        s
        for s in re.split(r"^## ", markdown, flags=re.MULTILINE)
        if "sponsor" in s.splitlines()[0].lower()
    ]
    lines = section.splitlines()
    assert lines[0].endswith("A sponsor"), lines[0]
    assert "4. A sponsor" in markdown.splitlines()  # in the contents too, not "(0)"
    assert "_Nothing logged for this element in this period._" not in lines
    assert "- Sponsor: @carol" in lines
