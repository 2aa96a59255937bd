from cartsle_cli.cli.main import run

run()
