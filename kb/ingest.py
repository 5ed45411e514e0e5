"""Incremental, crash-safe ingestion of the corpus folder into Chroma + the manifest + BM25.

Each run: (1) *reconcile* — delete vectors that no manifest row owns (left by an interrupted run) and
re-queue files whose rows lost their vectors; (2) drop files that disappeared; (3) re-chunk files
that are new, changed, or had errors last time (unchanged ones are skipped by content hash), upsert
only the new chunk vectors, *then* commit every file's manifest rows (and the removal of deleted files)
in one transaction, *then* delete the stale vectors; (4) rebuild BM25 from the manifest. Searches only
return chunks the manifest lists, so a kill -9 at any point leaves the index in the old state or the
new one — never a mix — with at worst orphan vectors, repaired by the next run; embeddings already
computed come back from the embedder's cache (tests/integration/test_ingest_kill.py: 20 random kills).

A malformed file is reported as ``path:line: message`` and skipped; if an earlier version was
indexed it stays indexed (the bot keeps answering from the last good text). Bad FAQ entries are
skipped one by one; the good entries of the same file are ingested; very short ones are kept and
listed in ``IngestReport.warnings``.

Several corpus roots can be indexed side by side (``extra_roots``, ``kb.sources``): each file is keyed
by its root's name, so ours and a bank's never collide. An ingest that would remove more than
``PRUNE_LIMIT`` indexed files — typically a corpus folder pointed elsewhere, or a root left out —
raises ``PruneRequired`` listing them *before anything is written*, unless called with ``prune=True``.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from kb.chunking import Chunk, faq_file_chunks, markdown_chunks
from kb.corpus import CorpusError, iter_source_files, parse_faq, parse_markdown
from kb.manifest import IndexPaths, Manifest, generation
from kb.progress import ProgressFn, noop_progress
from kb.retrieval.embeddings import Embedder
from kb.retrieval.lexical import LexicalIndex, Tokenizer
from kb.sources import CorpusRoot, all_roots
from kb.store import ChromaStore

#: new chunks embedded and upserted together before their files are committed
GROUP_CHUNKS = 256
#: an ingest removes at most this many indexed files unless asked to (``prune=True``)
PRUNE_LIMIT = 3


class PruneRequired(ValueError):
    """The run would remove more than ``PRUNE_LIMIT`` indexed files; nothing was changed."""

    def __init__(self, paths: list[str]) -> None:
        self.paths = paths
        super().__init__(f"ingest would remove {len(paths)} indexed files (e.g. {paths[0]}); "
                         "nothing was changed: confirm with --prune (or --yes)")


class IngestReport(BaseModel):
    """What one ingest run did (file paths are relative to the corpus root)."""

    added: list[str] = []
    changed: list[str] = []
    deleted: list[str] = []
    unchanged: int = 0
    errors: list[str] = []
    warnings: list[str] = []
    chunks_added: int = 0
    chunks_deleted: int = 0
    chunks_total: int = 0
    repaired: int = 0
    seconds: float = 0.0

    @property
    def chunks(self) -> int:
        """Chunks in the index after the run (alias of ``chunks_total``)."""
        return self.chunks_total

    def summary(self) -> str:
        return (f"files: +{len(self.added)} ~{len(self.changed)} -{len(self.deleted)} ={self.unchanged} "
                f"errors={len(self.errors)} | chunks: +{self.chunks_added} -{self.chunks_deleted} "
                f"total={self.chunks_total} | repaired={self.repaired} | {self.seconds:.1f}s")


@dataclass
class _Job:
    rel: str
    sha: str
    kind: str  # new | changed | recheck (unchanged, but it had errors last time: report them again)
    chunks: list[Chunk] = field(default_factory=list)
    errors: list[CorpusError] = field(default_factory=list)
    warnings: list[CorpusError] = field(default_factory=list)


def embed_chunks(embedder: Embedder, chunks: list[Chunk], progress: ProgressFn | None = None,
                 done: int = 0, total: int = 0, step: int = 64) -> np.ndarray:
    """Vectors for ``chunks`` in order, each in its own role (FAQ questions: ``query``)."""
    out: np.ndarray | None = None
    for role in ("query", "passage"):
        idx = [i for i, c in enumerate(chunks) if c.role == role]
        for start in range(0, len(idx), step):
            part = idx[start:start + step]
            vecs = embedder.embed([chunks[i].search_text for i in part], role)  # type: ignore[arg-type]
            if out is None:
                out = np.zeros((len(chunks), vecs.shape[1]), dtype=np.float32)
            out[part] = vecs
            done += len(part)
            if progress:
                progress("Embedding chunks", done, total or len(chunks))
    return out if out is not None else np.zeros((0, 0), dtype=np.float32)


def rebuild_lexical(manifest: Manifest, folder: Path, tokenizer: Tokenizer = "char") -> LexicalIndex:
    """BM25 over every chunk's search text, saved with the generation it reflects."""
    chunks = manifest.all_chunks()
    ids = [c.id for c in chunks]
    index = LexicalIndex(tokenizer).build(ids, [c.search_text for c in chunks], generation(ids))
    index.save(folder)
    return index


def _reconcile(manifest: Manifest, store: ChromaStore, report: IngestReport) -> None:
    table, stored = manifest.chunk_ids(), store.ids()
    orphans = stored - table
    if orphans:
        store.delete(sorted(orphans))
    lost_files = manifest.paths_of(table - stored)
    if lost_files:
        manifest.remove_files(lost_files)
    report.repaired = len(orphans) + len(lost_files)


def _parse(path: Path, job: _Job, owners: dict[str, str], faq_answers: bool) -> None:
    """Fill ``job.chunks`` / ``job.errors`` / ``job.warnings``; ``owners`` maps doc ids to their file."""
    if path.suffix.lower() == ".md":
        doc, errs = parse_markdown(path, job.rel)
        job.errors.extend(errs)
        if doc is None:
            return
        if owners.get(doc.id, job.rel) != job.rel:
            job.errors.append(CorpusError(job.rel, 2, f"duplicate id {doc.id!r} (also in {owners[doc.id]})"))
            return
        owners[doc.id] = job.rel
        job.chunks = markdown_chunks(doc)
    else:
        faq, errs = parse_faq(path, job.rel)
        job.errors.extend(errs)
        if faq is None:
            return
        job.warnings.extend(faq.warnings)
        keep = []
        for entry in faq.entries:
            if owners.get(entry.id, job.rel) != job.rel or entry.id in {e.id for e in keep}:
                job.errors.append(CorpusError(job.rel, 1, f"duplicate FAQ id {entry.id!r} "
                                                          f"(also in {owners.get(entry.id, job.rel)})"))
                continue
            owners[entry.id] = job.rel
            keep.append(entry)
        job.chunks = faq_file_chunks(keep, job.rel, with_answer=faq_answers)
    job.chunks = list({c.id: c for c in job.chunks}.values())


def _groups(jobs: list[_Job], old_ids: dict[str, set[str]], size: int) -> list[list[_Job]]:
    """Consecutive jobs grouped until they hold ``size`` new chunks (a big file is its own group)."""
    groups: list[list[_Job]] = [[]]
    count = 0
    for job in jobs:
        if groups[-1] and count >= size:
            groups.append([])
            count = 0
        groups[-1].append(job)
        count += sum(1 for c in job.chunks if c.id not in old_ids[job.rel])
    return [g for g in groups if g]


def scan(roots: list[CorpusRoot], progress: ProgressFn | None = None) -> dict[str, tuple[Path, str]]:
    """Index key → (file, content hash) of every source file under ``roots``."""
    files = [(root, path) for root in roots for path in iter_source_files(root.path)]
    out: dict[str, tuple[Path, str]] = {}
    for i, (root, path) in enumerate(files, 1):
        out[root.key(path.relative_to(root.path).as_posix())] = (path, hashlib.sha256(path.read_bytes()).hexdigest())
        if progress:
            progress("Scanning corpus", i, len(files))
    return out


def ingest(corpus_dir: Path, index_dir: Path, store: ChromaStore, embedder: Embedder,
           progress: ProgressFn | None = None, *, full: bool = False, tokenizer: Tokenizer = "char",
           faq_answers: bool = True, extra_roots: list[CorpusRoot] | tuple[CorpusRoot, ...] = (),
           prune: bool = False) -> IngestReport:
    """Bring the index in ``index_dir`` (and ``store``) in line with ``corpus_dir`` (+ ``extra_roots``)."""
    start = time.perf_counter()
    progress = progress or noop_progress
    roots = all_roots(Path(corpus_dir), tuple(extra_roots))
    for root in roots:
        if not root.path.is_dir():
            raise ValueError(f"corpus directory {root.path} does not exist")
    if store.embedder.model_id != embedder.model_id:
        raise ValueError("the store was built for another embedder")
    paths = IndexPaths(Path(index_dir), store.name)
    manifest = Manifest(paths.manifest)
    report = IngestReport()
    found = scan(roots, progress)
    removing = sorted(set(manifest.files()) - set(found))
    if len(removing) > PRUNE_LIMIT and not prune:
        raise PruneRequired(removing)
    if full or manifest.get_meta("embedder") != embedder.model_id:
        store.reset()
        manifest.clear()
        manifest.set_meta("embedder", embedder.model_id)
    _reconcile(manifest, store, report)

    indexed = manifest.files()
    on_disk = {key: sha for key, (_, sha) in found.items()}
    report.deleted = sorted(set(indexed) - set(on_disk))
    gone = set().union(*(manifest.chunk_ids(p) for p in report.deleted)) if report.deleted else set()

    jobs = [_Job(rel, sha, "new" if rel not in indexed else "changed" if indexed[rel][0] != sha else "recheck")
            for rel, sha in on_disk.items()
            if rel not in indexed or indexed[rel][0] != sha or indexed[rel][1] > 0]
    report.unchanged = len(on_disk) - sum(1 for j in jobs if j.kind != "recheck")
    busy = {j.rel for j in jobs} | set(report.deleted)
    owners = {d: p for d, p in manifest.doc_owners().items() if p not in busy}
    for job in jobs:
        _parse(found[job.rel][0], job, owners, faq_answers)
        report.errors.extend(str(e) for e in job.errors)
        report.warnings.extend(str(w) for w in job.warnings)

    old_ids = {j.rel: manifest.chunk_ids(j.rel) for j in jobs}
    todo = [j for j in jobs if j.chunks or not j.errors]  # unreadable: keep the version indexed before
    total_new = sum(1 for j in todo for c in j.chunks if c.id not in old_ids[j.rel])
    done = 0
    for group in _groups(todo, old_ids, GROUP_CHUNKS):  # small files embedded together (e5 batches well)
        new = [c for j in group for c in j.chunks if c.id not in old_ids[j.rel]]
        if new:
            store.upsert(new, embed_chunks(embedder, new, progress, done, total_new))
            done += len(new)
    # every vector of the new state is in the store: one manifest transaction now switches the whole
    # index (changed, added and deleted files together) from the old state to the new one, so a kill
    # at any moment leaves one or the other, never a mix; stale vectors are deleted after the switch
    manifest.commit_files([(j.rel, j.sha, j.chunks, len(j.errors)) for j in todo], removed=report.deleted)
    stale = set(gone)
    for job in todo:
        dropped = old_ids[job.rel] - {c.id for c in job.chunks}
        stale |= dropped
        report.chunks_added += sum(1 for c in job.chunks if c.id not in old_ids[job.rel])
        report.chunks_deleted += len(dropped)
        if job.kind == "new":
            report.added.append(job.rel)
        elif job.kind == "changed":
            report.changed.append(job.rel)
    report.chunks_deleted += len(gone)
    live = manifest.chunk_ids()
    if stale - live:  # an unchanged chunk moved between files stays
        store.delete(sorted(stale - live))

    progress("Building BM25", 0, 1)
    lexical = paths.lexical(tokenizer)
    saved = LexicalIndex.load(lexical)
    ids = manifest.chunk_ids()
    if saved is None or saved.generation != generation(ids):
        rebuild_lexical(manifest, lexical, tokenizer)
    progress("Building BM25", 1, 1)
    report.chunks_total = len(ids)
    report.seconds = round(time.perf_counter() - start, 3)
    return report
