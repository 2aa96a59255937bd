"""The two screened copies of ``test_share_merge`` as a fixture for every test of this folder."""

from tests.sharing.test_share_merge import two_copies  # noqa: F401  (a fixture)
