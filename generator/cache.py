"""The validation cache under ``.cache/portal/``: what checking each data file found, by content.

A file's entry is everything the per-file stage produced (its typed data, tracked values,
validity and problems), stored under the file's SHA-256 and a version key that changes with
anything else that could change the answer: the generator's source, the schemas and the
versions of the libraries that parse and validate (`validation_sources`). Like Git's index, a file whose size,
mtime, ctime and inode are unchanged is not read again, unless it was written within
``RACY_NS`` of the run that recorded it (a same-size edit inside the file system's timestamp
granularity would otherwise look unchanged); the content hash decides everything else.

The whole result (every problem, after the cross-record rules) is kept too, keyed by every
file's hash, the version key and the day (rules and the personal-data check read the date),
so an unchanged tree is answered without loading records at all.

Cache files are pickles, and unpickling runs code: a ``.cache/`` committed by a pull request
must not run in CI. Each file therefore carries a keyed hash (BLAKE2b) under a random key
kept outside the project, in the user's cache folder; a file without a valid one is ignored.

Entries live in ``BUCKETS`` pickle files (a file's bucket comes from its path), not one file
per record: loading a few large pickles is ~50x faster than opening 50,000 small ones, and a
changed file rewrites only its bucket. Every write is atomic (temporary file, then
``os.replace``); a missing, truncated or foreign cache file counts as empty and is rebuilt.
"""

from __future__ import annotations

import ast
import hashlib
import hmac
import json
import os
import pickle
import sys
import tempfile
import zlib
from importlib import metadata
from pathlib import Path as FsPath
from typing import Any

CACHE_DIR = ".cache/portal"
BUCKETS = 32
#: Format of the cache files; bump when their layout changes.
FORMAT = 1
#: A file modified this close to the run that hashed it is hashed again next time.
RACY_NS = 2_000_000_000
#: Libraries whose behaviour is part of the result.
PACKAGES = ("PyYAML", "jsonschema", "jsonschema-rs", "referencing", "chinesecalendar")

#: (size, mtime_ns, ctime_ns, inode) of a file
Signature = tuple[int, int, int, int]

_PACKAGE_DIR = FsPath(__file__).resolve().parent


def version_key(schema_documents: dict[str, Any] | None = None, schema_dir: FsPath | None = None) -> str:
    """A hash of everything besides the data that decides a file's result."""
    digest = hashlib.sha256(f"format {FORMAT}; python {sys.version}".encode())
    for path, source in sorted(validation_sources().items()):
        digest.update(path.encode() + b"\0" + source)
    if schema_documents is not None:
        digest.update(json.dumps(schema_documents, sort_keys=True, ensure_ascii=False).encode())
    if schema_dir is not None:
        for path in sorted(schema_dir.iterdir()):
            if path.is_file():
                digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(versions(PACKAGES).encode())
    return digest.hexdigest()


def versions(packages: tuple[str, ...]) -> str:
    """``name==version;`` of each installed package (``-`` for one not installed)."""
    out = []
    for package in packages:
        try:
            version = metadata.version(package)
        except metadata.PackageNotFoundError:
            version = "-"
        out.append(f"{package}=={version};")
    return "".join(out)


def validation_sources() -> dict[str, bytes]:
    """The source of every generator module that validation can run: the modules
    ``generator.checker`` imports, at any depth and from inside functions too, with their
    packages' ``__init__.py``. Rendering code (pages, templates) is not among them, so editing
    it keeps the cache."""
    found: dict[str, bytes] = {}
    todo = [_PACKAGE_DIR / "checker.py"]
    while todo:
        path = todo.pop()
        name = path.relative_to(_PACKAGE_DIR).as_posix()
        if name in found:
            continue
        found[name] = source = path.read_bytes()
        folder = path.parent
        while folder != _PACKAGE_DIR.parent:  # importing a module runs its packages' __init__
            todo.append(folder / "__init__.py")
            folder = folder.parent
        for node in ast.walk(ast.parse(source)):
            targets: list[FsPath] = []
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").split(".")[0] == "generator"):
                base = path.parent
                for _ in range(node.level - 1):
                    base = base.parent
                if not node.level:
                    base = _PACKAGE_DIR.parent
                module = base.joinpath(*node.module.split(".")) if node.module else base
                targets = [module, *(module / alias.name for alias in node.names)]
            elif isinstance(node, ast.Import):
                targets = [_PACKAGE_DIR.parent.joinpath(*alias.name.split("."))
                           for alias in node.names if alias.name.split(".")[0] == "generator"]
            for target in targets:
                for candidate in (target.with_suffix(".py"), target / "__init__.py"):
                    if candidate.is_file() and _PACKAGE_DIR in candidate.parents:
                        todo.append(candidate)
    return found


def user_folder() -> FsPath:
    """This user's cache folder for the portal, outside every project: what is kept there cannot
    come from a pull request (the key below, the templates' compiled code in render.py)."""
    return FsPath(os.environ.get("XDG_CACHE_HOME") or FsPath.home() / ".cache") / "lianshan-portal"


def _secret() -> bytes | None:
    """The key that signs this user's cache files, created on first use; None if there is nowhere
    to keep it (then nothing is cached)."""
    path = user_folder() / "cache-key"
    try:
        if not path.is_file() or path.stat().st_size != 32:
            write_atomic(path.parent, path.name, os.urandom(32))
        key = path.read_bytes()
    except OSError:
        return None
    return key if len(key) == 32 else None


def _mac(key: bytes, data: bytes | memoryview) -> bytes:
    return hashlib.blake2b(data, key=key, digest_size=32).digest()


def signature(stat: os.stat_result) -> Signature:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def bucket_of(rel: str) -> int:
    return zlib.crc32(rel.encode("utf-8")) % BUCKETS


def dumps(value: Any) -> bytes:
    return pickle.dumps(value, protocol=5)


class Cache:
    """The cache of one project root for one version key. Never raises on bad cache files."""

    def __init__(self, root: FsPath, version: str, key: bytes | None = None):
        self.directory = root / CACHE_DIR
        self.version = version
        self.key = key if key is not None else _secret()
        #: path → (signature, sha256, trusted): trusted when the signature alone may vouch for the hash
        self.index: dict[str, tuple[Signature, str, bool]] = self._read("index.pickle") or {}
        self._buckets: dict[int, dict[str, tuple[str, Any]]] = {}
        self._dirty: set[int] = set()
        self._index_dirty = False

    # --- reading ---------------------------------------------------------------------------

    def _read(self, name: str) -> Any:
        if self.key is None:
            return None
        try:
            data = memoryview((self.directory / name).read_bytes())
            if not hmac.compare_digest(_mac(self.key, data[32:]), data[:32]):
                return None
            header, version, value = pickle.loads(data[32:])  # noqa: S301 - signed by us, see above
        except Exception:  # noqa: BLE001 - missing, truncated, foreign: all mean "no cache"
            return None
        return value if header == FORMAT and version == self.version else None

    def known_digest(self, rel: str, sig: Signature) -> str | None:
        """The hash recorded for `rel` if its signature vouches for it."""
        entry = self.index.get(rel)
        if entry is not None and entry[2] and entry[0] == sig:
            return entry[1]
        return None

    def bucket(self, number: int) -> dict[str, tuple[str, Any]]:
        if number not in self._buckets:
            found = self._read(f"files-{number:02d}.pickle")
            self._buckets[number] = found if isinstance(found, dict) else {}
        return self._buckets[number]

    def load_buckets(self) -> None:
        for number in range(BUCKETS):
            self.bucket(number)

    def payload(self, rel: str, digest: str) -> Any:
        """The stored result of `rel` with content `digest`, or None."""
        entry = self.bucket(bucket_of(rel)).get(rel)
        if entry is not None and entry[0] == digest:
            return entry[1]
        return None

    def result(self, key: str) -> Any:
        found = self._read("result.pickle")
        if isinstance(found, tuple) and len(found) == 2 and found[0] == key:
            return found[1]
        return None

    def rules(self) -> dict[str, tuple[str, Any]]:
        """What each cross-record rule that declares what it reads found last: name → (key, problems)."""
        found = self._read("rules.pickle")
        return found if isinstance(found, dict) else {}

    # --- writing ---------------------------------------------------------------------------

    def record(self, rel: str, sig: Signature, digest: str, trusted: bool) -> None:
        if self.index.get(rel) != (sig, digest, trusted):
            self.index[rel] = (sig, digest, trusted)
            self._index_dirty = True

    def store(self, rel: str, digest: str, payload: Any) -> None:
        number = bucket_of(rel)
        self.bucket(number)[rel] = (digest, payload)
        self._dirty.add(number)

    def replace_bucket(self, number: int, entries: dict[str, tuple[str, Any]]) -> None:
        """A bucket a worker computed whole and already wrote (see `write_bucket`)."""
        self._buckets[number] = entries
        self._dirty.discard(number)

    def save(self, present: set[str]) -> None:
        """Write what changed; entries of files that no longer exist are dropped."""
        for number in sorted(self._dirty):
            entries = {rel: entry for rel, entry in self._buckets[number].items() if rel in present}
            self.write(f"files-{number:02d}.pickle", bucket_bytes(self.version, entries))
        self._dirty.clear()
        stale = [rel for rel in self.index if rel not in present]
        for rel in stale:
            del self.index[rel]
        if self._index_dirty or stale:
            self.write("index.pickle", dumps((FORMAT, self.version, self.index)))
            self._index_dirty = False

    def save_rules(self, found: dict[str, tuple[str, Any]]) -> None:
        self.write("rules.pickle", dumps((FORMAT, self.version, found)))

    def save_result(self, key: str, value: Any) -> None:
        self.write("result.pickle", dumps((FORMAT, self.version, (key, value))))

    def write(self, name: str, data: bytes) -> None:
        """Write a pickle made by `dumps`, signed."""
        if self.key is not None:
            write_atomic(self.directory, name, _mac(self.key, data) + data)


def bucket_bytes(version: str, entries: dict[str, tuple[str, Any]]) -> bytes:
    return dumps((FORMAT, version, entries))


def write_atomic(directory: FsPath, name: str, data: bytes) -> None:
    """Write `data` to directory/name so readers see the old file or the new, never a part.
    A cache that cannot be written (read-only checkout, full disk) is simply not kept."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=directory)
        try:
            with os.fdopen(handle, "wb") as fh:
                fh.write(data)
            os.replace(temporary, directory / name)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        pass
