"""Evidence Block Kit builders stay inside Slack's limits and never broadcast, for any text."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.coaching.library import default_library
from bot.db.models import EvidenceEntry, Kudos
from bot.ui import evidence as ui
from bot.ui.messages import CommandNames, usage_error
from standin.blockkit_checks import find_violations
from tests.ui.test_display import MARKUP

LIBRARY = default_library()
text_strategy = st.one_of(
    st.lists(st.one_of(st.text(max_size=50), st.sampled_from(MARKUP)), max_size=60).map("".join),
    st.builds(
        lambda piece, n: (piece * n)[:12_000],
        st.sampled_from(["<!channel>&", "é🚀<@UBOB|b> ", "x", "<https://a.b/c|d>", "\n"]),
        st.integers(min_value=1, max_value=12_000),
    ),
)
ids = st.from_regex(r"U[A-Z0-9]{2,10}", fullmatch=True)


def _entry(text: str, impact: str | None, link: str | None, people: list[str], dim: str | None,
           visibility: str, entry_id: int = 4242) -> EvidenceEntry:  # fmt: skip
    return EvidenceEntry(
        id=entry_id, workspace_id=1, user_id=1, text=text, impact=impact, link=link, people=people,
        dimension=dim, scope="org", visibility=visibility, source="brag",
        permalink="https://acme.slack.com/archives/C1/p1", occurred_at=datetime(2026, 8, 1, tzinfo=UTC),
    )  # fmt: skip


def _check(method: str, payload: dict) -> None:
    problems = find_violations(method, json.loads(json.dumps(payload)))
    assert problems == [], [str(p) for p in problems]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=text_strategy,
    impact=st.one_of(st.none(), text_strategy),
    link=st.one_of(st.none(), st.text(max_size=4000), st.just("https://ok.example/x")),
    people=st.lists(ids, max_size=60),
    dim=st.sampled_from([None, *LIBRARY.dimension_ids]),
    visibility=st.sampled_from(["private", "team"]),
)
def test_every_evidence_surface_is_valid(text, impact, link, people, dim, visibility) -> None:
    """Confirmation, list, form, kudos messages and echoes pass the stand-in's checks."""
    entry = _entry(text, impact, link, people, dim, visibility)
    _check("response_url", ui.entry_confirmation(entry, LIBRARY, notes=["note"], how="from #x"))
    _check(
        "response_url",
        ui.entry_list(
            entries=[_entry(text, impact, link, people, dim, visibility, i) for i in range(15)],
            total=99, offset=15, label=text[:300],
            spec_at=lambda o: f"writing|1|2|50|{o}", library=LIBRARY, tz="UTC", command="/brag",
            note=text[:600],
        ),
    )  # fmt: skip
    form = ui.EntryForm(text=text, dimension=dim, scope="team", people=people, link=link,
                        impact=impact, visibility=visibility, metadata={"entry": 4242},
                        editing=True)  # fmt: skip
    _check("views.open", {"trigger_id": "t", "view": ui.entry_modal(form, LIBRARY)})
    kudos = Kudos(
        id=7, workspace_id=1, giver_id=1, recipient_id=2, text=text, share_in_digest=False
    )
    _check("response_url", ui.kudos_given([kudos], ["UBOB"], daily_left=3))
    _check("chat.postMessage", {"channel": "UBOB", **ui.kudos_received(entry, "UALICE", LIBRARY)})
    refused = [
        ui.KudosNotSent("UBOB", "inactive"),
        ui.KudosNotSent("@" + text[:90], "unresolved", resolved=False),
        ui.KudosNotSent("UCAROL", "daily_cap"),
    ]
    for message in ui.kudos_refused(text, refused, cap=5, brag="/brag"):
        _check("response_url", message)
    _check("response_url", ui.kudos_not_sent(refused, cap=5, brag="/brag"))
    saved = ui.entry_saved_modal(
        entry, LIBRARY, multiplier_command="/multiplier", notes=["note"], how="from #x"
    )
    _check("views.update", {"view_id": "V1", "view": saved})
    tagged = ui.tagged_form("#review #" + "x" * 50, LIBRARY, src="brag")
    _check("views.open", {"trigger_id": "t", "view": ui.entry_modal(tagged, LIBRARY)})
    for message in [
        *ui.text_refused(text, "Nothing was saved; here is your text:"),
        *usage_error("Usage: /brag", text, CommandNames()),
    ]:
        _check("response_url", message)


def test_confirmation_carries_ids_only() -> None:
    """Buttons and menu options carry the entry id (and a choice), never user text."""
    entry = _entry("secret words", None, None, [], "writing", "private")
    payload = ui.entry_confirmation(entry, LIBRARY)
    values = [
        e.get("value") for b in payload["blocks"] for e in b.get("elements", []) if "value" in e
    ]
    options = [o["value"] for b in payload["blocks"] for e in b.get("elements", [])
               for o in e.get("options", [])]  # fmt: skip
    assert values == ["4242", "4242:team", "4242"]
    assert all(o.startswith("4242:") for o in options)
    assert "secret" not in json.dumps([values, options])


def test_form_metadata_is_ids_only() -> None:
    """The form's private_metadata holds ids, not the text being edited."""
    form = ui.EntryForm(text="secret words", metadata={"src": "shortcut", "ch": "C1", "ts": "1.2"})
    view = ui.entry_modal(form, LIBRARY)
    assert json.loads(view["private_metadata"]) == {"src": "shortcut", "ch": "C1", "ts": "1.2"}


def test_why_a_dimension_shows_a_gap_where_a_mention_stood() -> None:
    """The matched phrase spans the blank left by `@bob` (failed before: “paired with   on”)."""
    assert (
        ui.dimension_how("keyword", ["paired with   on"])
        == "dimension guessed from “paired with … on”"
    )
    assert ui.dimension_how("keyword", ["unblocked", " reviewed "]) == (
        "dimension guessed from “unblocked, reviewed”"
    )
    assert ui.dimension_how("keyword", []) == "dimension guessed from keywords"
    assert ui.dimension_how(None, ["x"]) is None


def test_a_kudos_received_names_its_giver_in_the_entry_line() -> None:
    """bob's kudos on alice's log says who gave it (failed before: "with @bob", as if bob had
    been helped by her; `/multiplier evidence` did not tell her own entries from kudos)."""
    kudos = _entry("<@UALICE> thanks", None, None, ["UBOB"], "impact", "private")
    kudos.source = "kudos"
    assert "kudos from <@UBOB>" in ui.entry_meta(kudos, LIBRARY)
    assert "with <@UBOB>" not in ui.entry_meta(kudos, LIBRARY)
    own = _entry("Unblocked <@UBOB>", None, None, ["UBOB"], "unblocking", "private")
    assert "with <@UBOB>" in ui.entry_meta(own, LIBRARY)


def test_a_kudos_on_its_owners_log_names_nobody_twice() -> None:
    """On bob's log a kudos "@bob @carol thanks …" shows "thanks …", with carol beside the
    giver (failed before: the names the text starts with were shown again)."""
    kudos = _entry("<@UBOB|bob> <@UCAROL> thanks for the reviews", None, None, ["UALICE"],
                   None, "private")  # fmt: skip
    kudos.source = "kudos"
    page = ui.entry_list(
        entries=[kudos], total=1, offset=0, label="all", spec_at=lambda _o: "x",
        library=LIBRARY, tz="UTC", command="/brag", owner="UBOB",
    )  # fmt: skip
    text = page["blocks"][1]["text"]["text"]
    words, meta = text.split("\n")
    assert words == "thanks for the reviews"
    parts = meta.split(" · ")
    assert "kudos from <@UALICE>" in parts and parts[-1] == "also to <@UCAROL>"


def test_an_entry_line_names_its_day_unpadded_with_the_year() -> None:
    """The log's day reads as every other day the app names (failed before: "Sat 01 Aug
    2026")."""
    entry = _entry("Wrote the RFC", None, None, [], None, "private")
    parts = ui.entry_meta(entry, LIBRARY, "UTC").split(" · ")
    assert parts[2:4] == ["Sat 1 Aug 2026", "private"]
