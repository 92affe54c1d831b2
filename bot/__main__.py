"""Command line: `python -m bot chat | grade | export`."""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from typing import List, Optional


def main(argv: Optional[List[str]] = None) -> int:
    # Library chatter (TensorFlow, SQLAlchemy 2.0 notices) is not for the person at the terminal.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    warnings.filterwarnings("ignore")
    warnings.showwarning = lambda *args, **kwargs: None  # some libraries reset the filters
    parser = argparse.ArgumentParser(prog="python -m bot", description="Peilian sales-call rehearsal")
    commands = parser.add_subparsers(dest="command", required=True)

    chat = commands.add_parser("chat", help="rehearse a call in the terminal")
    chat.add_argument("--persona", default=None, help="persona id (default: car_showroom_inbound)")
    chat.add_argument("--seed", type=int, default=None, help="exam mode: same seed, same customer lines")
    chat.add_argument("--model", default="models/peilian.tar.gz")
    chat.add_argument("--actions-url", default="http://localhost:5055/webhook")

    grade = commands.add_parser("grade", help="grade transcript files (YAML)")
    grade.add_argument("files", nargs="+", metavar="FILE")
    grade.add_argument("--json", action="store_true", help="one JSON object per line per file")
    grade.add_argument("--model", default=None, help="trained model (default: models/peilian.tar.gz)")

    export = commands.add_parser("export", help="write a finished rehearsal as a transcript")
    export.add_argument("call_id", metavar="CALL_ID", help="the conversation (sender) id")
    export.add_argument("--endpoints", default=None, help="endpoints.yml naming the tracker store")
    export.add_argument("-o", "--output", default=None, help="file to write (default: stdout)")

    for name, text in (("eval", "agreement of the grader with labelled transcripts"),
                       ("bench", "grading speed (transcripts per second)")):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("folder", nargs="?", default="tests/golden")
        sub.add_argument("--model", default=None)

    webpage = commands.add_parser("web", help="serve the trainee's web page (needs the Rasa server)")
    webpage.add_argument("--host", default="localhost")
    webpage.add_argument("--port", type=int, default=8000)

    personas = commands.add_parser("personas", help="trainers' tools for persona files")
    persona_commands = personas.add_subparsers(dest="persona_command", required=True)
    persona_commands.add_parser("list", help="the playable personas (and files skipped as broken)")
    validate = persona_commands.add_parser("validate", help="check persona files (default: all)")
    validate.add_argument("files", nargs="*", metavar="FILE")
    new = persona_commands.add_parser("new", help="write a commented template to data/personas/ID.yml")
    new.add_argument("persona_id", metavar="ID")

    args = parser.parse_args(argv)
    if args.command == "chat":
        from bot.cli.chat import run_chat

        return run_chat(args.persona, args.seed, args.model, args.actions_url)
    if args.command == "grade":
        from bot.cli.grade import run_grade

        return run_grade(args.files, args.json, args.model)
    if args.command == "export":
        from bot.cli.export import run_export

        return run_export(args.call_id, args.endpoints, args.output)
    if args.command == "personas":
        from bot.cli import personas as tools

        if args.persona_command == "list":
            return tools.run_list()
        if args.persona_command == "validate":
            return tools.run_validate(args.files)
        return tools.run_new(args.persona_id)
    if args.command == "web":
        from bot.web.app import serve

        serve(args.host, args.port)
        return 0
    if args.command == "eval":
        from bot.cli.evaluate import run_eval

        return run_eval(args.folder, args.model)[0]
    if args.command == "bench":
        from bot.cli.evaluate import run_bench

        return run_bench(args.folder, args.model)
    return 2


if __name__ == "__main__":
    sys.exit(main())
