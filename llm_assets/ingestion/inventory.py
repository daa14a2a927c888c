"""Every entry of a landing batch, accounted for before anything is read: to be read, quarantined, or ignored by a
named rule. Nothing outside the landing root gets in.

- The walk never follows a link blindly: a symbolic link is resolved, and read only when its target is a regular
  file inside the landing root (a link to a folder is not walked: the folder is read where it lies); a link out
  of the root, a dangling one and a loop are quarantined.
- FIFOs, sockets and devices are never opened (opening a FIFO blocks forever); they are quarantined.
- A regular file with more than one hard link is quarantined unless hard links are allowed: its other names may lie
  outside the landing root, and nothing in the file system says where.
- Files are opened with ``O_NOFOLLOW | O_NONBLOCK`` and checked again on the open descriptor, so a file swapped for
  a link or a FIFO between the walk and the read is caught.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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
    rel_path: str
    kind: str  # file, directory, symlink, fifo, socket, device, other
    size: int | None
    outcome: str  # read, quarantined, ignored, walked (a folder whose entries are listed)
    reason: str = ""  # the quarantine reason or the ignore rule
    detail: str = ""
    real_path: Path | None = None  # what to open, for outcome "read"


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


def walk(batch_dir: Path, landing_root: Path, allow_hard_links: bool = False) -> Iterator[Entry]:
    """The entries below ``batch_dir``, depth first, in name order."""
    root = landing_root.resolve()
    try:
        real_batch = batch_dir.resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        yield Entry(".", "directory", None, "quarantined", "unreadable", type(exc).__name__)
        return
    if not real_batch.is_relative_to(root) or batch_dir.is_symlink():
        yield Entry(".", "symlink", None, "quarantined", "outside_landing_zone", "the batch folder is a link")
        return
    seen_dirs: set[tuple[int, int]] = set()
    stack = [(batch_dir, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            st = os.stat(folder, follow_symlinks=False)
            if (st.st_dev, st.st_ino) in seen_dirs:
                continue
            seen_dirs.add((st.st_dev, st.st_ino))
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield Entry(prefix or ".", "directory", None, "quarantined", "unreadable", type(exc).__name__)
            continue
        subfolders = []
        for entry in entries:
            rel = f"{prefix}{entry.name}"
            rule = ignore_rule(entry.name)
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError as exc:  # vanished between the listing and now
                yield Entry(rel, "other", None, "quarantined", "unreadable", type(exc).__name__)
                continue
            kind = _kind(st.st_mode)
            if rule:
                yield Entry(rel, kind, st.st_size if kind == "file" else None, "ignored", rule)
            elif kind == "directory":
                yield Entry(rel, kind, None, "walked")
                subfolders.append((Path(entry.path), rel + "/"))
            elif kind == "symlink":
                yield _link(Path(entry.path), rel, root, allow_hard_links)
            elif kind == "file":
                yield _regular(Path(entry.path), rel, kind, st, allow_hard_links)
            else:
                yield Entry(rel, kind, None, "quarantined", "not_a_regular_file", f"a {kind}: never opened")
        stack.extend(reversed(subfolders))


def _regular(path: Path, rel: str, kind: str, st: os.stat_result, allow_hard_links: bool) -> Entry:
    if st.st_nlink > 1 and not allow_hard_links:
        return Entry(
            rel, kind, st.st_size, "quarantined", "hard_link",
            f"{st.st_nlink} names for one file: the others may lie outside the landing zone",
        )  # fmt: skip
    return Entry(rel, kind, st.st_size, "read", real_path=path)


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
    st = os.stat(target)
    kind = _kind(st.st_mode)
    if kind == "directory":
        return Entry(rel, "symlink", None, "ignored", "linked_directory")
    if kind != "file":
        return Entry(rel, "symlink", None, "quarantined", "not_a_regular_file", f"the link points at a {kind}")
    entry = _regular(target, rel, "symlink", st, allow_hard_links)
    return entry


def read_regular(path: Path, max_bytes: int) -> tuple[bytes, os.stat_result]:
    """The file's bytes, read through a descriptor that refuses links and FIFOs; ``OSError`` subclasses otherwise:
    ``NotRegularFile``, ``FileTooLarge``, ``ChangedWhileReading``."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            raise NotRegularFile(f"not a regular file when opened ({_kind(before.st_mode)})")
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
