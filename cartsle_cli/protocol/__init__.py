"""The review protocol: what a review extracts and how it pools, declared in one TOML file."""

from cartsle_cli.protocol.model import Analysis, Characteristic, Design, Outcome, Protocol
from cartsle_cli.protocol.parse import parse_protocol, read_protocol

__all__ = ["Analysis", "Characteristic", "Design", "Outcome", "Protocol", "parse_protocol", "read_protocol"]
