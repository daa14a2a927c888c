"""Every entry of a landing batch, accounted for before anything is read: to be read, quarantined, or ignored by a
named rule. Nothing outside the landing root gets in.

- The walk never follows a link blindly: a symbolic link is resolved, and read only when its target is a regular
  file inside the landing root (a link to a folder is not walked: the folder is read where it lies); a link out
  of the root, a dangling one and a loop are quarantined.
- FIFOs, sockets and devices are never opened (opening a FIFO blocks forever); they are quarantined.
- A regular file with more than one hard link is quarantined unless hard links are allowed: its other names may lie
  outside the landing root, and nothing in the file system says where.
- Files are opened with ``O_NOFOLLOW | O_NONBLOCK`` and checked again on the open descriptor, so a file swapped for
  a link or a FIFO between the walk and the read is caught; one whose inode, size or mtime differs from the listing,
  or moves while it is read, is ``changed_while_reading`` (an upload still growing).
- Folders are listed through descriptors (``openat``): a path longer than ``PATH_MAX`` is listed all the same and
  each entry on it quarantined (``path_too_long``); folders nested deeper than ``MAX_DEPTH`` are quarantined whole
  (``too_deep``). Names are valid text: a byte that is not UTF-8 is written ``\\xNN`` (``Entry.escaped``).
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from llm_assets.core.documents.text import name_text

# Named rules for entries that are not data: they are counted, never read.
IGNORE_RULES: tuple[tuple[str, re.Pattern], ...] = (
    ("os_metadata", re.compile(r"^(?:\.DS_Store|Thumbs\.db|desktop\.ini|__MACOSX|\.Spotlight-V100|\.Trashes|Icon\r)$")),
    (
        "editor_temp",
        re.compile(r"(?:~$|^~\$|\.sw[a-p]$|^#.*#$|^\.#|\.(?:tmp|temp|bak|part|crdownload|download)$)", re.I),
    ),
    ("hidden", re.compile(r"^\.")),
)


@dataclass
class Entry:
    rel_path: str  # valid text: a byte of the name that is not UTF-8 is written \\xNN (see core/documents/text.py)
    kind: str  # file, directory, symlink, fifo, socket, device, other
    size: int | None
    outcome: str  # read, quarantined, ignored, walked (a folder whose entries are listed)
    reason: str = ""  # the quarantine reason or the ignore rule
    detail: str = ""
    real_path: Path | None = None  # what to open, for outcome "read"
    escaped: bool = False  # the name held bytes that are not UTF-8 (escaped in rel_path)
    identity: tuple[int, int, int, int] | None = None  # (device, inode, size, mtime ns) when listed: the read checks


class NotRegularFile(OSError):
    """The path turned out not to be a regular file when opened."""


def ignore_rule(name: str) -> str | None:
    return next((rule for rule, pattern in IGNORE_RULES if pattern.search(name)), None)


def _kind(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISBLK(mode) or stat.S_ISCHR(mode):
        return "device"
    return "other"


def _identity(st: os.stat_result) -> tuple[int, int, int, int]:
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def path_max(folder: Path) -> int:
    """The longest path (in bytes, with its terminating NUL) the system opens by name below ``folder``."""
    try:
        return int(os.pathconf(folder, "PC_PATH_MAX"))
    except (OSError, ValueError):
        return 4096


MAX_DEPTH = 256  # folders nested deeper are quarantined whole (too_deep): the walk holds one descriptor per level
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


class _Folder:
    """An open folder descriptor, closed once its last sub-folder has been opened from it."""

    __slots__ = ("fd", "pending")

    def __init__(self, fd: int) -> None:
        self.fd, self.pending = fd, 0

    def release(self) -> None:
        self.pending -= 1
        if self.pending <= 0:
            os.close(self.fd)


def walk(batch_dir: Path, landing_root: Path, allow_hard_links: bool = False) -> Iterator[Entry]:
    """The entries below ``batch_dir``: each folder's entries in name order, then its sub-folders, depth first.

    Folders are listed through descriptors opened relative to their parent (``openat``), so a path longer than
    ``PATH_MAX`` is still listed: every entry on it is quarantined (``path_too_long``: no tool downstream could
    open it by name) instead of being lost. Names are valid text (undecodable bytes escaped, ``escaped`` set)."""
    root = landing_root.resolve()
    try:
        real_batch = batch_dir.resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        yield Entry(".", "directory", None, "quarantined", "unreadable", type(exc).__name__)
        return
    if not real_batch.is_relative_to(root) or batch_dir.is_symlink():
        yield Entry(".", "symlink", None, "quarantined", "outside_landing_zone", "the batch folder is a link")
        return
    limit = path_max(root)
    seen_dirs: set[tuple[int, int]] = set()
    # (parent folder or None for the batch itself, name in the parent, absolute path, relative path, depth)
    stack: list[tuple[_Folder | None, str, str, str, int]] = [(None, "", os.fspath(batch_dir), ".", 0)]
    try:
        while stack:
            parent, name, folder, rel, depth = stack.pop()
            try:
                fd = os.open(name, _DIR_FLAGS, dir_fd=parent.fd) if parent else os.open(folder, _DIR_FLAGS)
            except OSError as exc:
                yield Entry(rel, "directory", None, "quarantined", "unreadable", type(exc).__name__)
                continue
            finally:
                if parent:
                    parent.release()
            here = _Folder(fd)
            try:
                st = os.fstat(fd)
                key = (st.st_dev, st.st_ino)
                if key in seen_dirs:
                    here.pending = 1
                    here.release()
                    yield Entry(rel, "directory", None, "ignored", "already_walked")
                    continue
                seen_dirs.add(key)
                with os.scandir(fd) as it:
                    listing = sorted(it, key=lambda e: e.name)
            except OSError as exc:
                here.pending = 1
                here.release()
                yield Entry(rel, "directory", None, "quarantined", "unreadable", type(exc).__name__)
                continue
            too_long_here = len(os.fsencode(folder)) + 1 > limit
            if rel != ".":
                yield (
                    Entry(rel, "directory", None, "quarantined", "path_too_long", f"longer than PATH_MAX ({limit})")
                    if too_long_here
                    else Entry(rel, "directory", None, "walked")
                )
            prefix = "" if rel == "." else rel + "/"
            subfolders = []
            try:
                for entry in listing:
                    sub = yield from _entry(entry, folder, prefix, root, limit, allow_hard_links, depth)
                    if sub is not None:
                        subfolders.append(sub)
            except BaseException:  # the consumer stopped (GeneratorExit): close this folder too
                here.pending = 1
                here.release()
                raise
            here.pending = len(subfolders) + 1
            here.release()  # closes it now when it has no sub-folder to open
            stack.extend((here, *s) for s in reversed(subfolders))
    finally:
        for parent, *_ in stack:  # a consumer that stops early leaves no descriptor open
            if parent:
                parent.release()


def _entry(entry: os.DirEntry, folder: str, prefix: str, root: Path, limit: int, allow_hard_links: bool, depth: int):
    """Yields the entry's inventory row (none for a folder to walk); returns (name, path, rel path, depth) of a
    folder to walk."""
    text, escaped = name_text(entry.name)
    rel = f"{prefix}{text}"
    path = f"{folder}/{entry.name}"
    try:
        st = entry.stat(follow_symlinks=False)
    except OSError as exc:  # vanished between the listing and now
        yield Entry(rel, "other", None, "quarantined", "unreadable", type(exc).__name__, escaped=escaped)
        return None
    kind = _kind(st.st_mode)
    size = st.st_size if kind == "file" else None
    rule = ignore_rule(text)
    if rule:
        yield Entry(rel, kind, size, "ignored", rule, escaped=escaped)
    elif kind == "directory":
        if depth + 1 >= MAX_DEPTH:
            yield Entry(rel, kind, None, "quarantined", "too_deep", f"nested deeper than {MAX_DEPTH}: not walked",
                        escaped=escaped)  # fmt: skip
            return None
        return entry.name, path, rel, depth + 1  # its row comes when it is opened
    elif len(os.fsencode(path)) + 1 > limit:
        yield Entry(rel, kind, size, "quarantined", "path_too_long", f"longer than PATH_MAX ({limit})",
                    escaped=escaped)  # fmt: skip
    elif kind == "symlink":
        yield _escaped(_link(Path(path), rel, root, allow_hard_links), escaped)
    elif kind == "file":
        yield _escaped(_regular(Path(path), rel, kind, st, allow_hard_links), escaped)
    else:
        yield Entry(rel, kind, None, "quarantined", "not_a_regular_file", f"a {kind}: never opened", escaped=escaped)
    return None


def _escaped(entry: Entry, escaped: bool) -> Entry:
    entry.escaped = escaped
    return entry


def _regular(path: Path, rel: str, kind: str, st: os.stat_result, allow_hard_links: bool) -> Entry:
    if st.st_nlink > 1 and not allow_hard_links:
        return Entry(
            rel, kind, st.st_size, "quarantined", "hard_link",
            f"{st.st_nlink} names for one file: the others may lie outside the landing zone",
        )  # fmt: skip
    return Entry(rel, kind, st.st_size, "read", real_path=path, identity=_identity(st))


def _link(path: Path, rel: str, root: Path, allow_hard_links: bool) -> Entry:
    try:
        target = path.resolve(strict=True)
    except RuntimeError:
        return Entry(rel, "symlink", None, "quarantined", "symlink_loop", "the link resolves to itself")
    except FileNotFoundError:
        return Entry(rel, "symlink", None, "quarantined", "broken_link", "the link's target does not exist")
    except OSError as exc:
        reason = "symlink_loop" if exc.errno == errno.ELOOP else "unreadable"
        return Entry(rel, "symlink", None, "quarantined", reason, type(exc).__name__)
    if not target.is_relative_to(root):
        return Entry(rel, "symlink", None, "quarantined", "outside_landing_zone", "the link points out of it")
    try:
        st = os.stat(target)
    except OSError as exc:  # the target vanished or was swapped meanwhile
        return Entry(rel, "symlink", None, "quarantined", "unreadable", type(exc).__name__)
    kind = _kind(st.st_mode)
    if kind == "directory":
        return Entry(rel, "symlink", None, "ignored", "linked_directory")
    if kind != "file":
        return Entry(rel, "symlink", None, "quarantined", "not_a_regular_file", f"the link points at a {kind}")
    return _regular(target, rel, "symlink", st, allow_hard_links)


def read_regular(
    path: Path, max_bytes: int, expected: tuple[int, int, int, int] | None = None
) -> tuple[bytes, os.stat_result]:
    """The file's bytes, read through a descriptor that refuses links and FIFOs; ``OSError`` subclasses otherwise:
    ``NotRegularFile``, ``FileTooLarge``, ``ChangedWhileReading``.

    ``expected`` is the file's (device, inode, size, mtime) when the batch was listed: a file that differs when
    opened was replaced or is still being written (an upload that grows), and so is one whose size or mtime moves
    while it is read, or whose length read differs from its size."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            raise NotRegularFile(f"not a regular file when opened ({_kind(before.st_mode)})")
        if expected is not None and _identity(before) != expected:
            what = "replaced" if _identity(before)[:2] != expected[:2] else f"{expected[2]} -> {before.st_size} bytes"
            raise ChangedWhileReading(f"changed between the listing and the read ({what})")
        if before.st_size > max_bytes:
            raise FileTooLarge(f"{before.st_size} bytes exceeds the limit of {max_bytes}")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > max_bytes:
                raise FileTooLarge(f"more than {max_bytes} bytes (it grew while read)")
            chunks.append(chunk)
        after = os.fstat(fd)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or len(data) != after.st_size:
        raise ChangedWhileReading(f"{before.st_size} -> {after.st_size} bytes while reading")
    return data, after


class FileTooLarge(OSError):
    """Larger than the landing zone's size limit: never read whole."""


class ChangedWhileReading(OSError):
    """The file's size or modification time moved while it was read: still being written."""
