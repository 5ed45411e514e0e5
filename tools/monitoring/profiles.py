"""Versioned industry profiles and attached field notes, in Puhui's state store (tools/storage: SQLite
by default, Postgres when configured).

Version 1 of a segment is the corpus document as shipped (recorded the first time the segment is
touched); every later version is a full copy of the document with who, when, why and the source note,
so ``history``/``diff``/``digest`` are plain queries and a version can never be edited in place (the
table only receives INSERTs; there is no UPDATE path). Proposals (LLM-drafted edits from a note) wait
in their own table until a person accepts (→ a new version) or rejects them.
"""

from __future__ import annotations

import difflib
import hashlib
from datetime import datetime, timezone
from typing import Literal

from pydantic import BaseModel

from tools.monitoring.notes import FieldNote
from tools.pii import mask_pii
from tools.storage import Database

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS industry_profile_versions (segment TEXT NOT NULL, version INTEGER NOT NULL, "
    "ts TEXT NOT NULL, author TEXT NOT NULL, reason TEXT NOT NULL, source_note TEXT, content TEXT NOT NULL, "
    "content_hash TEXT NOT NULL, PRIMARY KEY (segment, version))",
    "CREATE TABLE IF NOT EXISTS industry_notes (note_id TEXT PRIMARY KEY, segment TEXT NOT NULL, "
    "note_date TEXT NOT NULL, place TEXT NOT NULL, analyst TEXT NOT NULL, added_by TEXT NOT NULL, "
    "added_at TEXT NOT NULL, text TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS industry_note_chunks (note_id TEXT NOT NULL, segment TEXT NOT NULL, "
    "section TEXT NOT NULL, text TEXT NOT NULL, PRIMARY KEY (note_id, section))",
    "CREATE TABLE IF NOT EXISTS industry_proposals (proposal_id TEXT PRIMARY KEY, segment TEXT NOT NULL, "
    "note_id TEXT NOT NULL, base_version INTEGER NOT NULL, content TEXT NOT NULL, diff TEXT NOT NULL, "
    "status TEXT NOT NULL, created_at TEXT NOT NULL, decided_by TEXT, decided_at TEXT, comment TEXT)",
)


class ProfileVersion(BaseModel):
    segment: str
    version: int
    ts: str
    author: str
    reason: str
    source_note: str | None = None
    content_hash: str

    @property
    def label(self) -> str:
        return f"v{self.version}（{self.ts[:10]}，{self.author}）"


class Proposal(BaseModel):
    proposal_id: str
    segment: str
    note_id: str
    base_version: int
    diff: str
    status: Literal["pending", "accepted", "rejected"]
    decided_by: str | None = None
    comment: str | None = None


class ProposalStale(ValueError):
    """The profile moved on since the proposal was drafted: its diff no longer applies."""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def unified(old: str, new: str, old_name: str, new_name: str) -> str:
    return "".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                        fromfile=old_name, tofile=new_name))


class ProfileStore:
    def __init__(self, db: Database, baseline: dict[str, str]):
        """``baseline``: segment id → the corpus document text (version 1 when first touched)."""
        self.db, self.baseline = db, baseline
        db.script(SCHEMA)

    # --- versions -------------------------------------------------------------------------------
    def _ensure_base(self, segment: str) -> None:
        if segment not in self.baseline:
            raise KeyError(segment)
        with self.db.transaction(exclusive=f"puhui-profile-{segment}") as tx:
            if tx.fetchone("SELECT 1 AS x FROM industry_profile_versions WHERE segment = ?", (segment,)) is None:
                text = self.baseline[segment]
                tx.execute("INSERT INTO industry_profile_versions VALUES (?, 1, ?, ?, ?, NULL, ?, ?)",
                           (segment, "2026-01-01T00:00:00+00:00", "corpus", "知识库初始版本", text,
                            hashlib.sha256(text.encode()).hexdigest()))

    def commit(self, segment: str, content: str, *, author: str, reason: str, source_note: str | None = None,
               ts: str | None = None) -> ProfileVersion:
        """A new version (no-op content changes are refused: a version must change something)."""
        if not reason.strip():
            raise ValueError("reason: 必须说明修改原因")
        self._ensure_base(segment)
        content = mask_pii(content)
        digest = hashlib.sha256(content.encode()).hexdigest()
        with self.db.transaction(exclusive=f"puhui-profile-{segment}") as tx:
            last = tx.fetchone("SELECT version, content_hash FROM industry_profile_versions WHERE segment = ? "
                               "ORDER BY version DESC LIMIT 1", (segment,))
            if last and last["content_hash"] == digest:
                raise ValueError("content: 与当前版本相同，未产生新版本")
            version = (last["version"] if last else 0) + 1
            row = (segment, version, ts or _now(), author, reason.strip(), source_note, content, digest)
            tx.execute("INSERT INTO industry_profile_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)
        return ProfileVersion(segment=segment, version=version, ts=row[2], author=author, reason=row[4],
                              source_note=source_note, content_hash=digest)

    def history(self, segment: str) -> list[ProfileVersion]:
        self._ensure_base(segment)
        rows = self.db.fetchall("SELECT segment, version, ts, author, reason, source_note, content_hash "
                                "FROM industry_profile_versions WHERE segment = ? ORDER BY version", (segment,))
        return [ProfileVersion(**r) for r in rows]

    def current(self, segment: str) -> tuple[ProfileVersion, str]:
        """The latest version and its text (version 1, the corpus text, when never edited)."""
        self._ensure_base(segment)
        row = self.db.fetchone("SELECT * FROM industry_profile_versions WHERE segment = ? ORDER BY version DESC "
                               "LIMIT 1", (segment,))
        content = row.pop("content")
        return ProfileVersion(**row), content

    def content_at(self, segment: str, when: str) -> tuple[int, str]:
        """The version in force at ``when`` (ISO date/time): the last one recorded before it."""
        self._ensure_base(segment)
        row = self.db.fetchone("SELECT version, content FROM industry_profile_versions WHERE segment = ? AND ts < ? "
                               "ORDER BY version DESC LIMIT 1", (segment, when))
        if row is None:
            row = self.db.fetchone("SELECT version, content FROM industry_profile_versions WHERE segment = ? "
                                   "AND version = 1", (segment,))
        return int(row["version"]), row["content"]

    def diff_since(self, segment: str, since: str) -> str:
        """Unified diff from the version in force at ``since`` to the current one ('' when unchanged)."""
        v_old, old = self.content_at(segment, since)
        cur, new = self.current(segment)
        return unified(old, new, f"{segment} v{v_old}", f"{segment} v{cur.version}")

    def changes_between(self, start: str, end: str) -> list[ProfileVersion]:
        rows = self.db.fetchall("SELECT segment, version, ts, author, reason, source_note, content_hash FROM "
                                "industry_profile_versions WHERE ts >= ? AND ts < ? AND version > 1 "
                                "ORDER BY segment, version", (start, end))
        return [ProfileVersion(**r) for r in rows]

    def line_changes(self, segment: str, version: int) -> tuple[int, int]:
        """(+lines, -lines) of ``version`` against the one before it."""
        rows = self.db.fetchall("SELECT version, content FROM industry_profile_versions WHERE segment = ? AND "
                                "version IN (?, ?) ORDER BY version", (segment, version - 1, version))
        if len(rows) != 2:
            return 0, 0
        diff = list(difflib.ndiff(rows[0]["content"].splitlines(), rows[1]["content"].splitlines()))
        return sum(d.startswith("+ ") for d in diff), sum(d.startswith("- ") for d in diff)

    # --- notes ----------------------------------------------------------------------------------
    def attach_note(self, note: FieldNote, added_by: str) -> bool:
        """Store the note against its segment (personal data masked); False when it was already attached."""
        with self.db.transaction() as tx:
            if tx.fetchone("SELECT 1 AS x FROM industry_notes WHERE note_id = ?", (note.note_id,)):
                return False
            tx.execute("INSERT INTO industry_notes VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (note.note_id, note.segment, note.date.isoformat(), note.place, note.analyst, added_by,
                        _now(), mask_pii(note.text)))
            tx.executemany("INSERT INTO industry_note_chunks VALUES (?, ?, ?, ?)",
                           [(note.note_id, note.segment, name, mask_pii(f"{note.place} {note.date} {name}：{text}"))
                            for name, text in note.sections.items()])
        return True

    def note_chunks(self, segment: str | None = None) -> list[dict]:
        return self.db.fetchall("SELECT * FROM industry_note_chunks" + (" WHERE segment = ?" if segment else "")
                                + " ORDER BY note_id, section", (segment,) if segment else ())

    def notes(self, segment: str | None = None, start: str = "", end: str = "9999") -> list[dict]:
        sql = "SELECT * FROM industry_notes WHERE added_at >= ? AND added_at < ?"
        params: list = [start, end]
        if segment:
            sql += " AND segment = ?"
            params.append(segment)
        return self.db.fetchall(sql + " ORDER BY note_date, note_id", params)

    # --- proposals ------------------------------------------------------------------------------
    def propose(self, segment: str, note_id: str, content: str) -> Proposal:
        cur, old = self.current(segment)
        content = mask_pii(content)
        diff = unified(old, content, f"{segment} v{cur.version}", f"{segment} 建议")
        pid = "prop-" + hashlib.sha256(f"{segment}{note_id}{content}".encode()).hexdigest()[:12]
        with self.db.transaction() as tx:
            if not tx.fetchone("SELECT 1 AS x FROM industry_proposals WHERE proposal_id = ?", (pid,)):
                tx.execute("INSERT INTO industry_proposals (proposal_id, segment, note_id, base_version, content, "
                           "diff, status, created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
                           (pid, segment, note_id, cur.version, content, diff, _now()))
        return self.proposal(pid)

    def proposal(self, proposal_id: str) -> Proposal:
        row = self.db.fetchone("SELECT * FROM industry_proposals WHERE proposal_id = ?", (proposal_id,))
        if row is None:
            raise KeyError(proposal_id)
        return Proposal(**{k: row[k] for k in Proposal.model_fields})

    def pending(self, segment: str | None = None) -> list[Proposal]:
        rows = self.db.fetchall("SELECT * FROM industry_proposals WHERE status = 'pending' ORDER BY created_at")
        return [Proposal(**{k: r[k] for k in Proposal.model_fields}) for r in rows
                if segment is None or r["segment"] == segment]

    def decide(self, proposal_id: str, *, accept: bool, by: str, comment: str = "") -> ProfileVersion | None:
        """A person's decision; accepting commits a new version citing the note. Decided once only."""
        prop = self.proposal(proposal_id)
        if prop.status != "pending":
            raise ValueError(f"proposal_id: 已{'接受' if prop.status == 'accepted' else '拒绝'}，不能再次处理")
        version = None
        if accept:
            cur, _ = self.current(prop.segment)
            if cur.version != prop.base_version:
                raise ProposalStale(f"proposal_id: 基于 v{prop.base_version}，当前已是 v{cur.version}")
            row = self.db.fetchone("SELECT content FROM industry_proposals WHERE proposal_id = ?", (proposal_id,))
            version = self.commit(prop.segment, row["content"], author=by,
                                  reason=comment or f"采纳调研纪要 {prop.note_id} 的修改建议", source_note=prop.note_id)
        self.db.execute("UPDATE industry_proposals SET status = ?, decided_by = ?, decided_at = ?, comment = ? "
                        "WHERE proposal_id = ? AND status = 'pending'",
                        ("accepted" if accept else "rejected", by, _now(), comment, proposal_id))
        return version
