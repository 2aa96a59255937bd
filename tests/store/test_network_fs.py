"""Recognising a review on a network filesystem from a (fake) /proc/self/mountinfo."""

from __future__ import annotations

from pathlib import Path

from cartsle_cli.store.network_fs import mount_type, network_filesystem, network_warning

MOUNTINFO = """\
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
40 22 0:35 / /mnt/lab rw,relatime shared:20 - nfs4 server:/export/lab rw,vers=4.2
41 40 8:2 / /mnt/lab/local rw,relatime shared:21 - ext4 /dev/sdb1 rw
42 22 0:36 / /home/me/My\\040Drive rw,relatime shared:22 - cifs //nas/share rw
43 22 0:37 / /srv/ssh rw - fuse.sshfs me@host:/data rw
"""


def test_the_longest_mount_point_holding_the_folder_gives_the_type():
    assert mount_type(Path("/mnt/lab/reviews"), MOUNTINFO) == "nfs4"
    assert mount_type(Path("/mnt/lab/local/reviews"), MOUNTINFO) == "ext4"
    assert mount_type(Path("/mnt/laboratory"), MOUNTINFO) == "ext4"  # not inside /mnt/lab
    assert mount_type(Path("/home/me/My Drive/x"), MOUNTINFO) == "cifs"  # \\040 is a space


def test_a_review_on_nfs_smb_or_sshfs_is_warned_about_and_a_local_one_not(tmp_path):
    fake = tmp_path / "mountinfo"
    fake.write_text(MOUNTINFO)
    assert network_filesystem(Path("/mnt/lab/review.db"), mountinfo=fake) == "nfs4"
    assert network_filesystem(Path("/srv/ssh/review.db"), mountinfo=fake) == "fuse.sshfs"
    assert network_filesystem(Path("/mnt/lab/local/review.db"), mountinfo=fake) is None
    message = network_warning(Path("/home/me/My Drive/review.db"), mountinfo=fake)
    assert "cifs" in message and "cartsle share" in message and "cartsle merge" in message
    assert "\n" not in message
    assert network_warning(tmp_path / "review.db", mountinfo=fake) is None


def test_an_unreadable_mountinfo_warns_about_nothing(tmp_path):
    assert network_filesystem(Path("/mnt/lab/review.db"), mountinfo=tmp_path / "missing") is None
