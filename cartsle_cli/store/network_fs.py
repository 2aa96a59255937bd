"""Is the review on a network filesystem? SQLite's WAL needs shared memory on one host, so a
review on NFS or SMB can be corrupted by two machines writing; `cartsle share` and `merge` are the
safe way between machines.

Linux: the filesystem type of the mount holding the folder, from ``/proc/self/mountinfo`` (the
longest mount point that contains the folder). Windows: a drive that ``GetDriveTypeW`` calls
remote, or a UNC path (``\\\\server\\share``). Not detected: macOS (the standard library has
no ``statfs``, which is what tells a mount's type there) and other systems, and on Windows a
network folder mounted as a local drive letter by a third-party client that reports it as fixed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

NETWORK_TYPES = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "fuse.sshfs",
        "sshfs",
        "9p",
        "afs",
        "ceph",
        "glusterfs",
        "fuse.glusterfs",
        "davfs",
        "fuse.davfs2",
        "fuse.rclone",
        "lustre",
        "gpfs",
        "ncpfs",
        "coda",
    }
)


def _unescape(field: str) -> str:
    # mountinfo writes space, tab, newline and backslash as octal escapes
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field


def mount_type(folder: Path, mountinfo: str) -> str | None:
    """The filesystem type of the mount that holds ``folder``, from the text of a mountinfo file."""
    best, best_type = "", None
    target = str(folder)
    for line in mountinfo.splitlines():
        left, sep, right = line.partition(" - ")
        fields = left.split()
        if not sep or len(fields) < 5:
            continue
        point = _unescape(fields[4])
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, best_type = point, right.split()[0] if right.split() else None
    return best_type


def network_filesystem(path: Path, *, mountinfo: Path = Path("/proc/self/mountinfo")) -> str | None:
    """The network filesystem type holding ``path`` (a review file), or None if local or unknown."""
    folder = Path(os.path.abspath(path)).parent
    try:
        folder = folder.resolve()
    except OSError:
        pass
    if sys.platform.startswith("linux") or mountinfo != Path("/proc/self/mountinfo"):
        try:
            text = mountinfo.read_text("utf-8", errors="replace")
        except OSError:
            return None
        kind = mount_type(folder, text)
        return kind if kind in NETWORK_TYPES else None
    if sys.platform == "win32":
        return _windows_remote(folder)
    return None


def _windows_remote(folder: Path) -> str | None:
    if str(folder).startswith("\\\\"):
        return "UNC path"
    try:
        import ctypes

        drive_remote = 4  # DRIVE_REMOTE
        kind = ctypes.windll.kernel32.GetDriveTypeW(f"{folder.drive}\\")  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return None
    return "network drive" if kind == drive_remote else None


def network_warning(path: Path, **kwargs: Path) -> str | None:
    """The one-line warning for a review on a network filesystem, or None."""
    kind = network_filesystem(path, **kwargs)
    if kind is None:
        return None
    return (
        f"{path} is on a network filesystem ({kind}); SQLite reviews can be corrupted there when two"
        " machines write: give each person a copy with `cartsle share` and bring it back with `cartsle merge`"
    )
