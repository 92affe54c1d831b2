"""Import real calls (transcript files, graded with the same rubric and queued as real calls) and
export calls: CSV for Excel (UTF-8 with BOM), JSON Lines, and any call as a transcript file."""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Dict, List

from aiohttp import web

from bot.cli.export import export_yaml
from bot.grading import Grader
from bot.grading.analysis import Parse
from bot.grading.rubric import CRITERIA
from bot.grading.scorecard import LABELS
from bot.store import calls as store
from bot.store import queue, reviews
from bot.transcript import TranscriptError, parse_transcript
from bot.web.errors import ApiError
from bot.web.pages import page_visitor, render
from bot.web.review.pages import REVIEWERS, finished_call
from bot.web.views import blocking
from bot.yaml_io import YAMLError, load_lines

MAX_FILES = 50
MAX_FILE_BYTES = 200 * 1024
EXPORT_LIMIT = 10_000
EXPORT_PAGE = 500


def _fetched(parses: Dict[str, Dict[str, Any]]) -> Parse:
    """The grader's parser for one imported call: the Rasa parses fetched for its trainee turns."""
    return lambda text: parses.get(text, {})


async def import_page(request: web.Request, results=(), errors=(), status: int = 200) -> web.Response:
    await page_visitor(request, *REVIEWERS)
    return await render(request, "review/import.html", status=status, results=list(results), errors=list(errors))


async def import_calls(request: web.Request) -> web.Response:
    who = await page_visitor(request, *REVIEWERS)
    form = await request.post()
    uploads = [f for f in form.getall("files", []) if isinstance(f, web.FileField)][:MAX_FILES]
    trainee = str(form.get("trainee", "")).strip()[:64]
    if not uploads:
        return await import_page(request, errors=["请选择要导入的通话文件（.yml）"], status=400)
    results: List[Dict[str, Any]] = []
    errors: List[str] = []
    for upload in uploads:
        name = upload.filename or "upload.yml"
        raw = upload.file.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            errors.append(f"{name}: 文件超过 {MAX_FILE_BYTES // 1024} KB")
            continue
        try:
            transcript = parse_transcript(load_lines(raw.decode("utf-8")), name, request.app["registry"])
        except (TranscriptError, YAMLError, UnicodeDecodeError) as error:
            errors.append(str(error) if isinstance(error, TranscriptError) else f"{name}: {error}")
            continue
        try:
            parses = {t.text: await request.app["rasa"].parse(t.text) for t in transcript.trainee_turns}
        except ApiError as error:
            errors.append(f"{name}: 无法评分（{error.message}）")
            continue
        card = await blocking(Grader(_fetched(parses)).grade, transcript)
        call_id = await blocking(
            store.finish_call,
            request.app["db"],
            conversation_id=f"import:{who.account.id}",
            source="import",
            transcript=transcript,
            scorecard=card,
            trainee=trainee,
            real_call=True,
        )
        results.append({"name": name, "call_id": call_id, "score": card.score, "max_score": card.max_score})
    return await import_page(request, results=results, errors=errors, status=200 if results or not errors else 400)


def _export_rows(db, wanted: queue.CallFilter) -> List[Dict[str, Any]]:
    """Every matching call with per-criterion automatic, reviewed and final verdicts."""
    rows: List[Dict[str, Any]] = []
    page = 1
    while len(rows) < EXPORT_LIMIT:
        found, total = queue.find_calls(db, queue.CallFilter(**{**wanted.__dict__, "page": page}), EXPORT_PAGE)
        loaded = store.get_calls(db, [row["id"] for row in found])
        for row in found:
            call = loaded[row["id"]]
            verdicts = {v["id"]: v for v in reviews.verdicts(call, {})}
            record = call.record_card
            rows.append(
                {
                    **{
                        k: row[k]
                        for k in (
                            "id",
                            "trainee",
                            "anonymous",
                            "persona",
                            "date",
                            "duration",
                            "score",
                            "max_score",
                            "state",
                            "real_call",
                        )
                    },
                    "record_card": f"{record.correct}/{record.total}" if record else "",
                    "criteria": {
                        c: {"auto": v["auto"], "reviewed": v["human"], "final": v["final"], "comment": v["comment"]}
                        for c, v in verdicts.items()
                    },
                }
            )
        if page * EXPORT_PAGE >= total:
            break
        page += 1
    return rows


def _mark(value) -> str:
    return "" if value is None else ("通过" if value else "不通过")


async def export_csv(request: web.Request) -> web.Response:
    await page_visitor(request, *REVIEWERS)
    rows = await blocking(_export_rows, request.app["db"], queue.CallFilter.from_query(request.query))
    out = io.StringIO()
    writer = csv.writer(out)
    head = [
        "通话编号",
        "学员",
        "开放练习",
        "客户角色",
        "日期",
        "时长",
        "总分",
        "满分",
        "审阅状态",
        "真实通话",
        "信息表",
    ]
    for criterion in CRITERIA:
        label = LABELS[criterion]
        head += [f"{label}·自动", f"{label}·人工", f"{label}·最终", f"{label}·评语"]
    writer.writerow(head)
    for row in rows:
        line = [
            row["id"],
            row["trainee"],
            "是" if row["anonymous"] else "",
            row["persona"],
            row["date"],
            row["duration"],
            row["score"],
            row["max_score"],
            row["state"],
            "是" if row["real_call"] else "",
            row["record_card"],
        ]
        for criterion in CRITERIA:
            v = row["criteria"].get(criterion, {})
            line += [_mark(v.get("auto")), _mark(v.get("reviewed")), _mark(v.get("final")), v.get("comment", "")]
        writer.writerow([_no_formula(cell) for cell in line])
    return web.Response(
        body=("\ufeff" + out.getvalue()).encode("utf-8"),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": 'attachment; filename="peilian-calls.csv"'},
    )


def _no_formula(cell: Any) -> Any:
    """Excel runs a cell that starts with = + - @ as a formula: a trainee's name must stay text."""
    return "'" + cell if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@") else cell


async def export_jsonl(request: web.Request) -> web.Response:
    await page_visitor(request, *REVIEWERS)
    rows = await blocking(_export_rows, request.app["db"], queue.CallFilter.from_query(request.query))
    body = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    return web.Response(
        text=body,
        content_type="application/x-ndjson",
        charset="utf-8",
        headers={"Content-Disposition": 'attachment; filename="peilian-calls.jsonl"'},
    )


async def export_transcript(request: web.Request) -> web.Response:
    await page_visitor(request, *REVIEWERS)
    call = await finished_call(request)
    text = export_yaml(call)
    return web.Response(
        text=text,
        content_type="text/yaml",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="call-{call.id}.yml"'},
    )
