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
