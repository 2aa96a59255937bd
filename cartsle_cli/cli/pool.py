"""`cartsle pool`: efficacy and safety of the included studies; `pool meta` for counts given directly."""

from __future__ import annotations

from cartsle_cli.cli import pool_meta
from cartsle_cli.cli.common import group

app = group("Pool the included studies' extraction data; `cartsle pool meta` takes counts directly.")
app.command("meta")(pool_meta.meta_command)
