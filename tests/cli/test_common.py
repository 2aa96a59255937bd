from cartsle_cli.cli.common import plain, print_table


def test_record_text_cannot_drive_the_terminal_or_inject_markup(capsys):
    title = "\x1b[2J\x1b]0;pwned\x07Title [bold red]loud[/] \x9b31m"
    print_table("t", ["title"], [[title]])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out
    assert "[bold red]loud[/]" in out  # markup shown as text, not applied


def test_plain_keeps_tabs_newlines_and_unicode():
    assert plain("a\tb\nc é ‐ ©") == "a\tb\nc é ‐ ©"
    assert plain(None) == ""


def test_db_given_before_a_subcommand_is_used_by_it(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from cartsle_cli.cli.main import app
    from cartsle_cli.store import open_review

    monkeypatch.chdir(tmp_path)  # a default cartsle.db here would be the wrong review
    review = tmp_path / "elsewhere.db"
    open_review(review).close()
    for args in (
        ["searches", "--db", str(review), "remove", "1"],
        ["dedup", "--db", str(review), "clusters", "--format", "csv"],
    ):
        result = CliRunner().invoke(app, args)
        assert not (tmp_path / "cartsle.db").exists(), args
        if args[0] == "searches":
            assert "no search with id 1" in result.output
        else:
            assert result.exit_code == 0, result.output
