"""Command line: `python -m bot chat` (rehearse a call in the terminal)."""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Peilian sales-call rehearsal")
    commands = parser.add_subparsers(dest="command", required=True)

    chat = commands.add_parser("chat", help="rehearse a call in the terminal")
    chat.add_argument("--persona", default=None, help="persona id (default: car_showroom_inbound)")
    chat.add_argument("--seed", type=int, default=None, help="exam mode: same seed, same customer lines")
    chat.add_argument("--model", default="models/peilian.tar.gz")
    chat.add_argument("--actions-url", default="http://localhost:5055/webhook")

    args = parser.parse_args(argv)
    if args.command == "chat":
        from bot.cli.chat import run_chat

        return run_chat(args.persona, args.seed, args.model, args.actions_url)
    return 2


if __name__ == "__main__":
    sys.exit(main())
