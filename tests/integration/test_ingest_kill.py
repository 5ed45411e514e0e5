"""``kill -9`` of the ingest at random moments, 20 times: after each kill the index is entirely the
corpus state before that ingest or entirely the state after it (never a mix of files), every indexed
row has its vector, search agrees with the state; the next ingest completes the new state (which
the next trial's check verifies as its "before").

Each trial changes every file (a unique sentence), adds one file and deletes another, then starts an
ingest and SIGKILLs it after a random delay within the measured length of an ingest. The ingests run
in processes forked from one prepared "zygote" (imports and the e5 engine loaded once), so a trial
costs the ingest, not an interpreter start; the checks run in forked processes too, each opening the
index fresh from disk as a new server process would.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import TEST_EMBED_CACHE

pytestmark = [pytest.mark.integration, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
TRIALS = 20

ZYGOTE = textwrap.dedent("""\
    import hashlib, json, os, sys
    from kb.manifest import Manifest
    from kb.retrieval.embeddings import E5Embedder
    from kb.service import KnowledgeBase
    index, corpus, cache = sys.argv[1:4]
    embedder = E5Embedder(threads=1, cache_dir=cache)
    embedder.embed(["预热"], "query", cache=False)  # load the engine once, before any fork

    def kb():
        return KnowledgeBase(index_dir=index, corpus_dir=corpus, embedder=embedder, collection="kill-kb")

    def check():
        k = kb()
        files = {p: s for p, (s, _) in k.manifest.files().items()}
        table = k.manifest.chunk_ids()
        stored = k.store.ids()
        hits = k.search(sys_marker, k=5) if sys_marker else []
        return {"files": files, "missing_vectors": len(table - stored), "orphans": len(stored - table),
                "chunks": len(table), "lexical_ok": set(k.retriever.snapshot.lexical.ids) == table,
                "hits": [h.text for h in hits]}

    sys_marker = ""
    for line in sys.stdin:
        cmd, _, arg = line.strip().partition(" ")
        if cmd in ("ingest", "check"):
            sys_marker = arg
            pid = os.fork()
            if pid == 0:  # the child reports through a file: stdout is the zygote's protocol
                out_file = os.path.join(os.path.dirname(index), f"result-{os.getpid()}.json")
                try:
                    out = kb().ingest().summary() if cmd == "ingest" else json.dumps(check(), ensure_ascii=False)
                    res = {"result": out}
                except BaseException as exc:
                    res = {"error": repr(exc)}
                with open(out_file, "w", encoding="utf-8") as fh:
                    json.dump(res, fh, ensure_ascii=False)
                os._exit(0 if "result" in res else 1)
            print(json.dumps({"pid": pid}), flush=True)
        elif cmd == "wait":
            _, status = os.waitpid(int(arg), 0)
            out_file = os.path.join(os.path.dirname(index), f"result-{arg}.json")
            res = json.load(open(out_file, encoding="utf-8")) if os.path.exists(out_file) else None
            if res is not None:
                os.unlink(out_file)
            print(json.dumps({"status": status, "result": res}, ensure_ascii=False), flush=True)
    """)


class Zygote:
    def __init__(self, index: Path, corpus: Path):
        self.proc = subprocess.Popen([sys.executable, "-c", ZYGOTE, str(index), str(corpus), str(TEST_EMBED_CACHE)],
                                     cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def _ask(self, line: str) -> dict:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def start(self, cmd: str, arg: str = "") -> int:
        return self._ask(f"{cmd} {arg}")["pid"]

    def wait(self, pid: int) -> tuple[int, dict | None]:
        answer = self._ask(f"wait {pid}")
        return answer["status"], answer["result"]

    def run(self, cmd: str, arg: str = "") -> dict:
        status, result = self.wait(self.start(cmd, arg))
        assert status == 0 and result is not None and "result" in result, result
        return result["result"]

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def corpus_state(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.suffix in (".md", ".yaml") and p.name != "README.md"}


def _corpus(dest: Path) -> Path:
    src = ROOT / "kb" / "corpus"
    (dest / "industries").mkdir(parents=True)
    (dest / "faq").mkdir()
    for iid in ("danyang_eyewear", "yixing_zisha"):
        shutil.copy2(src / "industries" / f"{iid}.md", dest / "industries")
    for name in ("cards.yaml",):
        shutil.copy2(src / "faq" / name, dest / "faq")
    return dest


def _change(corpus: Path, trial: int, rng: random.Random) -> str:
    """Every Markdown file gets a new sentence, one file appears, another disappears."""
    marker = f"断电演练第{trial}号标记语句"
    for md in sorted((corpus / "industries").glob("*.md")):
        md.write_text(md.read_text(encoding="utf-8").rstrip() + f"\n\n{marker}：{md.stem}。\n", encoding="utf-8")
    extra = sorted((corpus / "industries").glob("extra_*.md"))
    if extra:
        rng.choice(extra).unlink()
    src = ROOT / "kb" / "corpus" / "industries" / "danyang_eyewear.md"
    text = src.read_text(encoding="utf-8").replace("id: danyang_eyewear", f"id: extra_{trial}")
    (corpus / "industries" / f"extra_{trial}.md").write_text(text + f"\n\n{marker}：新增。\n", encoding="utf-8")
    return marker


def test_kill9_at_random_moments_leaves_old_or_new_state(tmp_path):
    rng = random.Random(16)
    corpus = _corpus(tmp_path / "corpus")
    zygote = Zygote(tmp_path / "index", corpus)
    try:
        zygote.run("ingest")
        old = corpus_state(corpus)
        t0 = time.monotonic()
        marker = _change(corpus, 0, rng)
        zygote.run("ingest")  # one uninterrupted ingest of a change: how long the kill window is
        span = time.monotonic() - t0
        old = corpus_state(corpus)
        outcomes = {"old": 0, "new": 0}
        for trial in range(1, TRIALS + 1):
            marker = _change(corpus, trial, rng)
            new = corpus_state(corpus)
            pid = zygote.start("ingest")
            time.sleep(rng.uniform(0.0, 1.2 * span))  # some kills land after the commit (or the end)
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            zygote.wait(pid)
            state = json.loads(zygote.run("check", marker))
            assert state["files"] in (old, new), f"trial {trial}: a mix of old and new files"
            assert state["missing_vectors"] == 0 and state["lexical_ok"], state
            which = "new" if state["files"] == new else "old"
            outcomes[which] += 1
            marked = [h for h in state["hits"] if marker in h]
            assert bool(marked) == (which == "new"), f"trial {trial}: search disagrees with the {which} state"
            zygote.run("ingest")  # the next ingest repairs and completes the new state (the next
            old = new  # trial's check sees it: its "old" must be exactly this)
        state = json.loads(zygote.run("check", marker))
        assert state["files"] == old and state["orphans"] == 0 and state["missing_vectors"] == 0
        print(f"\n{TRIALS} kills within {span:.2f} s of an ingest: index left in old state {outcomes['old']}x, "
              f"new state {outcomes['new']}x (killed after the commit), never a mix")
        assert outcomes["old"] >= 3  # the kills really landed mid-ingest
    finally:
        zygote.close()
