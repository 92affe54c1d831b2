"""Command line: `python -m bot setup | serve | users | settings | chat | grade | regrade | export | ...`."""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from typing import List, Optional

# Commands that never load a trained model (`chat`, `grade`, `regrade`, `eval`, `bench` may).
MODEL_FREE = frozenset({"setup", "users", "settings", "personas", "export"})


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
    grade.add_argument("--save", action="store_true", help="store each file in the database as a real call")
    grade.add_argument("--trainee", default="", help="with --save: who made the calls")

    regrade = commands.add_parser("regrade", help="grade stored calls again under the current rubric")
    regrade.add_argument("call_ids", nargs="*", metavar="CALL_ID", help="default: every finished call")
    regrade.add_argument("--model", default=None)

    export = commands.add_parser("export", help="write a stored call as a transcript with its grades")
    export.add_argument("call_id", metavar="CALL_ID", help="the call id (or a REST conversation's sender id)")
    export.add_argument("-o", "--output", default=None, help="file to write (default: stdout)")

    commands.add_parser("setup", help="secrets into var/, database schema up to date, first admin (make run does)")
    serve = commands.add_parser("serve", help="run one server of the Procfile, or all of them supervised")
    serve.add_argument("server", choices=("actions", "rasa", "web", "all"))
    serve.add_argument("--replicas", type=int, default=1, help="with `all`: Rasa replicas behind nginx")

    people = commands.add_parser("users", help="accounts and roles")
    user_commands = people.add_subparsers(dest="users_command", required=True)
    user_commands.add_parser("list", help="every account with its role")
    for name, text in (("add", "add an account (asks for its password)"), ("set-password", "change a password")):
        sub = user_commands.add_parser(name, help=text)
        sub.add_argument("name")
        if name == "add":
            sub.add_argument("--role", required=True, choices=("trainee", "trainer", "evaluator", "admin"))
        sub.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    set_role = user_commands.add_parser("set-role", help="change an account's role")
    set_role.add_argument("name")
    set_role.add_argument("role", choices=("trainee", "trainer", "evaluator", "admin"))
    for name in ("disable", "enable"):
        user_commands.add_parser(name, help=f"{name} an account").add_argument("name")

    switches = commands.add_parser("settings", help="show or change the admin's switches")
    switches.add_argument("setting", choices=("open-practice",))
    switches.add_argument("value", nargs="?", choices=("on", "off"))

    for name, text in (
        ("eval", "agreement of the grader with labelled transcripts"),
        ("bench", "grading speed (transcripts per second)"),
    ):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("folder", nargs="?", default="tests/golden")
        sub.add_argument("--model", default=None)

    personas = commands.add_parser("personas", help="trainers' tools for persona files")
    persona_commands = personas.add_subparsers(dest="persona_command", required=True)
    persona_commands.add_parser("list", help="the playable personas (and files skipped as broken)")
    validate = persona_commands.add_parser("validate", help="check persona files (default: all, drafts too)")
    validate.add_argument("files", nargs="*", metavar="FILE")
    persona_commands.add_parser("drafts", help="drafts (not in the lobby) with their validation result")
    for name, text in (
        ("new", "start a draft from a commented template (trainees don't see it)"),
        ("publish", "validate a draft and put it in the lobby (replaces the published one)"),
        ("edit", "copy a published persona into drafts to edit it"),
        ("unpublish", "take a persona out of the lobby, back into drafts"),
    ):
        persona_commands.add_parser(name, help=text).add_argument("persona_id", metavar="ID")

    args = parser.parse_args(argv)
    if args.command == "chat":
        from bot.cli.chat import run_chat

        return run_chat(args.persona, args.seed, args.model, args.actions_url)
    if args.command == "grade":
        from bot.cli.grade import run_grade

        return run_grade(args.files, args.json, args.model, save=args.save, trainee=args.trainee)
    if args.command == "regrade":
        from bot.cli.grade import run_regrade

        return run_regrade(args.call_ids, args.model)
    if args.command == "export":
        from bot.cli.export import run_export

        return run_export(args.call_id, args.output)
    if args.command == "setup":
        from bot.cli.users import run_setup

        return run_setup()
    if args.command == "serve":
        from bot.cli.serve import serve as run_serve

        return run_serve(args.server, args.replicas)
    if args.command == "users":
        from bot.cli.users import run_users

        return run_users(args)
    if args.command == "settings":
        from bot.cli.users import run_settings

        return run_settings(args)
    if args.command == "personas":
        from bot.cli import personas as tools

        if args.persona_command == "list":
            return tools.run_list()
        if args.persona_command == "validate":
            return tools.run_validate(args.files)
        if args.persona_command == "drafts":
            return tools.run_drafts()
        run = {
            "new": tools.run_new,
            "publish": tools.run_publish,
            "edit": tools.run_edit,
            "unpublish": tools.run_unpublish,
        }[args.persona_command]
        return run(args.persona_id)
    if args.command == "eval":
        from bot.cli.evaluate import run_eval

        return run_eval(args.folder, args.model)[0]
    if args.command == "bench":
        from bot.cli.evaluate import run_bench

        return run_bench(args.folder, args.model)
    return 2


if __name__ == "__main__":
    # Only for a process of its own: tests call main() in a process that may need TensorFlow later.
    if sys.argv[1:2] and (
        sys.argv[1] in MODEL_FREE or sys.argv[1:3] in (["serve", s] for s in ("actions", "web", "all"))
    ):
        from bot import without_tensorflow

        without_tensorflow.block()
    sys.exit(main())
