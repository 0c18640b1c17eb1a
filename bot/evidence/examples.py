"""A workspace's labelled examples: the corrections its people made, for its classifier.

When someone changes the dimension or scope of one of their entries with one click, the
entry becomes an example (`classifier_examples`): texts much like it are then filed the
same way for everyone in that workspace. Examples never leave their workspace and never
show their text to anyone but its author (the classifier says only that an example
decided). They go with their entry: edit it and the example follows, delete it and it is
gone.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from bot.coaching.classify import NO_EXAMPLES, ExampleIndex, LabelledExample
from bot.db.models import ClassifierExample, EvidenceEntry, User

# The newest examples a workspace's classifier learns from.
MAX_EXAMPLES = 500
# Workspaces whose example index is kept in memory (rebuilt when their examples change).
_CACHED_WORKSPACES = 256
_cache: OrderedDict[int, tuple[tuple[int, str, str], ExampleIndex]] = OrderedDict()
_lock = threading.Lock()


def remember_correction(*, session: Session, user: User, entry: EvidenceEntry) -> None:
    """Record the entry's dimension and scope, as its owner just set them, as an example."""
    example = session.scalars(
        select(ClassifierExample).where(ClassifierExample.entry_id == entry.id)
    ).one_or_none()
    if example is None:
        example = ClassifierExample(
            workspace_id=entry.workspace_id, user_id=user.id, entry_id=entry.id
        )
        session.add(example)
    example.dimension = entry.dimension
    example.scope = entry.scope
    session.flush()


# Asked on every /brag, so built once (building it anew cost more CPU than running it).
_VERSION = (
    select(
        func.count(ClassifierExample.id),
        func.max(ClassifierExample.updated_at),
        func.max(EvidenceEntry.updated_at),
    )
    .join(EvidenceEntry, EvidenceEntry.id == ClassifierExample.entry_id)
    .where(ClassifierExample.workspace_id == bindparam("workspace_id"))
)


def workspace_examples(*, session: Session, workspace_id: int) -> ExampleIndex:
    """The workspace's examples, newest last, ready for `bot.coaching.classify.classify`."""
    # What changes when examples change: how many, the latest correction, the latest edit
    # of a corrected entry's text. Unchanged, the index built last time is reused.
    version = session.execute(_VERSION, {"workspace_id": workspace_id}).one()
    if not version[0]:
        return NO_EXAMPLES
    key = (int(version[0]), str(version[1]), str(version[2]))
    with _lock:
        cached = _cache.get(workspace_id)
        if cached is not None and cached[0] == key:
            _cache.move_to_end(workspace_id)
            return cached[1]
    rows = session.execute(
        select(EvidenceEntry.text, ClassifierExample.dimension, ClassifierExample.scope)
        .join(EvidenceEntry, EvidenceEntry.id == ClassifierExample.entry_id)
        .where(
            ClassifierExample.workspace_id == workspace_id,
            EvidenceEntry.workspace_id == workspace_id,
        )
        .order_by(ClassifierExample.updated_at.desc(), ClassifierExample.id.desc())
        .limit(MAX_EXAMPLES)
    ).all()
    index = ExampleIndex(tuple(LabelledExample(*row) for row in reversed(rows)))
    with _lock:
        _cache[workspace_id] = (key, index)
        _cache.move_to_end(workspace_id)
        while len(_cache) > _CACHED_WORKSPACES:
            _cache.popitem(last=False)
    return index
