"""The nine criteria of call-standard.md. Each reads the call and returns a CriterionResult with
the trainee turns that decided it and Chinese feedback that quotes the standard."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Callable, Dict, Iterable, List, Optional, Tuple

from bot.grading.analysis import ReadTurn
from bot.grading.rubric import Rubric
from bot.grading.scorecard import CriterionResult, Evidence
from bot.language.schedule import proposed_slots
from bot.language.spans import COMPOUND_SURNAMES, SINGLE_SURNAMES, split_addressee
from bot.language.text import normalize
from bot.language.topics import ANSWERS
from bot.transcript import Transcript

QUESTION = re.compile(r"[？?]|吗|呢|多少|几|哪|什么|怎么|能不能|可不可以|有没有|是不是")
SURNAME = "|".join(COMPOUND_SURNAMES) + f"|[{SINGLE_SURNAMES}]"
GIVES_SURNAME = re.compile(rf"(?:免贵姓|我姓|姓|我叫|叫我)({SURNAME})")
ASKS_NAME = re.compile(r"贵姓|怎么称呼|尊姓|姓什么|怎么叫您|称呼您|您是哪位|名字")
SELF_NAME = re.compile(rf"小({SURNAME})|(?:我是|我叫|我姓)")
SELF_REFERENCE = re.compile(r"(我是|我叫|我姓|找|联系|打给)$")
# 电话 as "the number", not the call itself (方便接听电话吗, 打电话, 电话里).
ASKS_PHONE = re.compile(r"(?<!接听)(?<!接)(?<!打)(?<!通)(?<!来)电话(?![里中])|手机|号码|联系方式|微信")
INVITES = re.compile(r"(欢迎|邀请|请您|您).{0,10}(过来|回来|来|到)(?!电)|拜访|上门|登门|见面|见个面|当面")
REFERENCE_DATE = date(2026, 1, 5)  # for weekday arithmetic only: concreteness doesn't depend on it


class CallReading:
    """What every criterion needs: the transcript, its turns read, the rubric."""

    def __init__(self, transcript: Transcript, turns: List[ReadTurn], rubric: Rubric) -> None:
        self.transcript, self.turns, self.rubric = transcript, turns, rubric
        info = transcript.call  # compared with Simplified turn text, so Simplified too
        self.info = replace(
            info,
            company=normalize(info.company),
            address=normalize(info.address),
            company_aliases=tuple(normalize(a) for a in info.company_aliases),
            customer_surname=normalize(info.customer_surname),
        )
        self.trainee = [t for t in turns if t.speaker == "trainee"]
        self.customer = [t for t in turns if t.speaker == "customer"]

    def result(self, cid: str, passed: bool, evidence: Iterable[ReadTurn], feedback: str) -> CriterionResult:
        weight = self.rubric.criteria[cid].weight
        seen: Dict[int, ReadTurn] = {}
        for turn in evidence:
            seen.setdefault(turn.number, turn)
        return CriterionResult(
            id=cid,
            passed=passed,
            points=weight if passed else 0,
            max_points=weight,
            evidence=tuple(Evidence(t.number, t.turn.text) for t in sorted(seen.values(), key=lambda t: t.number)),
            feedback=feedback,
        )

    def standard(self, cid: str) -> str:
        return self.rubric.criteria[cid].standard

    def company_named(self, text: str) -> bool:
        call = self.info
        names = [call.company, *call.company_aliases]
        core = re.sub(r"(有限公司|公司|4S店|售楼处|服务站|展厅|营业厅)$", "", call.company)
        if len(core) >= 2:
            names.append(core)
        return any(name and name in text for name in names)

    def invite_turns(self) -> List[ReadTurn]:
        """Invitations, and offers of a concrete time ("周五上午或者周六上午，您看哪个合适？")."""
        return [
            t
            for t in self.trainee
            if t.intent in ("invite_visit", "propose_time")
            or self.rubric.has(t.text, "invitation")
            or INVITES.search(t.text)
            or (QUESTION.search(t.text) and any(s.concrete for s in proposed_slots(t.text, REFERENCE_DATE, t.spans)))
        ]


def greeting(call: CallReading) -> CriterionResult:
    first = call.trainee[0]
    missing = []
    if not call.rubric.has(first.text, "greeting"):
        missing.append("问候语（您好）")
    if not call.company_named(first.text):
        missing.append(f"公司名称（{call.transcript.call.company}）")
    if not (
        SELF_NAME.search(first.text)
        or call.rubric.has(first.text, "roles")
        or call.rubric.has(first.text, "self_intro")
    ):
        missing.append("自己的姓名或岗位")
    rings = call.transcript.call.rings
    if rings is not None and rings > call.rubric.max_rings and not call.rubric.has(first.text, "kept_waiting"):
        missing.append(f"铃响{rings}声才接听后的致歉（让您久等了）")
    if not missing:
        return call.result("greeting", True, [first], "开场规范：问候、公司名称、姓名或岗位齐全。" + _pickup_note(call))
    return call.result("greeting", False, [first], f"第一句缺少{'、'.join(missing)}。标准：{call.standard('greeting')}")


def _pickup_note(call: CallReading) -> str:
    rings = call.transcript.call.rings
    if rings is None:
        return ""
    if rings <= call.rubric.max_rings:
        return f"铃响{rings}声接听，符合「铃响三声内接听」。"
    return f"铃响{rings}声才接听，已致歉。"


def _customer_surname(call: CallReading) -> Tuple[Optional[str], Optional[ReadTurn]]:
    """The surname and the customer turn that gave it (None turn: known before the call)."""
    info = call.info
    if info.direction == "outbound" and info.customer_surname:
        return info.customer_surname, None
    for turn in call.customer:
        match = GIVES_SURNAME.search(turn.text)
        if match and (not info.customer_surname or match.group(1) == info.customer_surname):
            return match.group(1), turn
    return None, None


def _addressing(call: CallReading) -> List[Tuple[ReadTurn, str, str]]:
    """(turn, surname, honorific) for each time a trainee addresses someone as 王先生."""
    found = []
    for turn in call.trainee:
        for span in turn.labels("ADDRESSEE"):
            if SELF_REFERENCE.search(turn.text[: span.start]):
                continue  # "我是李经理": the trainee's own name
            surname, honorific = split_addressee(span.text)
            found.append((turn, surname, honorific))
    return found


def name_capture(call: CallReading) -> CriterionResult:
    surname, given_at = _customer_surname(call)
    asks = [t for t in call.trainee if t.intent == "ask_name" or ASKS_NAME.search(t.text)]
    addressed = _addressing(call)
    wrong = [(t, s, h) for t, s, h in addressed if surname and s != surname]
    if wrong:
        turn, s, h = wrong[0]
        return call.result(
            "name_capture",
            False,
            [turn],
            f"称呼错了：客户姓{surname}，却称呼「{s}{h}」。标准：{call.standard('name_capture')}",
        )
    if surname is None:
        if not asks:
            return call.result("name_capture", False, [], f"没有询问客户的姓氏。标准：{call.standard('name_capture')}")
        return call.result(
            "name_capture",
            False,
            asks,
            f"问了姓氏但客户没有告知，应稍后再问一次。标准：{call.standard('name_capture')}",
        )
    after = [(t, s, h) for t, s, h in addressed if given_at is None or t.number > given_at.number]
    if not after:
        return call.result(
            "name_capture",
            False,
            asks,
            f"知道客户姓{surname}后，没有用「{surname}先生/女士」等称呼客户。标准：{call.standard('name_capture')}",
        )
    turn, s, h = after[0]
    evidence = ([asks[0]] if asks and given_at else []) + [turn]
    return call.result("name_capture", True, evidence, f"得知客户姓{surname}，并称呼「{s}{h}」。")


def invitation(call: CallReading) -> CriterionResult:
    invites = call.invite_turns()
    if not invites:
        return call.result("invitation", False, [], f"没有邀请客户来店或约定见面。标准：{call.standard('invitation')}")
    first = invites[0].number
    after = [t for t in call.turns if t.number >= first]
    today = REFERENCE_DATE
    timed = [t for t in after if any(s.concrete for s in proposed_slots(t.text, today, t.spans))]
    address = call.info.address
    placed = [
        t
        for t in call.trainee
        if t.number >= first and (t.labels("ADDRESS", "PLACE") or (address and address in t.text))
    ]
    missing = []
    if not timed:
        missing.append("明确的时间（哪天、上午/下午或几点）")
    if not placed:
        missing.append("明确的地点（地址或位置）")
    if missing:
        return call.result(
            "invitation", False, invites[:2], f"邀约缺少{'、'.join(missing)}。标准：{call.standard('invitation')}"
        )
    trainee_timed = [t for t in timed if t.speaker == "trainee"]
    return call.result("invitation", True, [invites[0], *(trainee_timed[-1:]), placed[0]], "邀约明确了时间和地点。")


def closing(call: CallReading) -> CriterionResult:
    window = call.trainee[-call.rubric.closing_window :]
    thanked = [t for t in window if call.rubric.has(t.text, "thanks")]
    farewell = [t for t in window if t.intent == "goodbye" or call.rubric.has(t.text, "goodbye")]
    problems = []
    if not thanked:
        problems.append("结束时没有致谢")
    if not farewell:
        problems.append("没有道别（再见）")
    if call.transcript.hangup == "trainee":
        problems.append("先于客户挂断了电话（对方放下电话后，方可挂断电话）")
    if problems:
        return call.result("closing", False, window, f"{'；'.join(problems)}。标准：{call.standard('closing')}")
    return call.result("closing", True, thanked + farewell, "结束时致谢并道别，由客户先挂断。")


SENTENCE = re.compile(r"[^。！？!?；;]+[。！？!?；;]?")
NOT_A_NEEDS_QUESTION = re.compile(
    r"贵姓|称呼|留个电话|电话多少|电话号码|手机号|号码|微信|方便接|方便说|方便吗|打扰|有空|几点|哪天|时间|过来|来店|对吗|对吧|没错吧|是吧|"
    r"还有什么问题|还有别的问题|听清|明白吗|清楚吗"
)


def _needs_questions(call: CallReading, turn: ReadTurn) -> List[str]:
    """Questions about the customer's situation: what they want, use, budget, timing, layout..."""
    found = []
    for sentence in SENTENCE.findall(turn.text):
        if not QUESTION.search(sentence) or NOT_A_NEEDS_QUESTION.search(sentence):
            continue
        scheduling = [s for s in turn.spans if s.label in ("DAY", "DATE", "PART", "CLOCK") and s.text in sentence]
        if scheduling:
            continue
        if call.rubric.has(sentence, "needs_questions") or re.search(
            r"您|你|贵公司|贵单位|家里|需要|打算|考虑", sentence
        ):
            found.append(sentence)
    return found


def needs_discovery(call: CallReading) -> CriterionResult:
    asks = [t for t in call.trainee if t.intent == "ask_needs" or _needs_questions(call, t)]
    if asks:
        return call.result("needs_discovery", True, asks[:2], "询问了客户的需求。")
    return call.result("needs_discovery", False, [], f"没有询问客户需求。标准：{call.standard('needs_discovery')}")


def _topic(call: CallReading, text: str) -> Optional[str]:
    if not QUESTION.search(text):
        return None
    return next((topic for topic, words in call.rubric.topics.items() if any(w in text for w in words)), None)


# What an answer contains even when it doesn't repeat the question's words.
ANSWER_SPANS = {"location": ("ADDRESS", "PLACE"), "hours": ("CLOCK", "PART"), "test_drive": ("DAY", "PART", "CLOCK")}
ANSWER_WORDS = {
    "price": re.compile(
        r"\d+(\.\d+)?\s*(万|元|块|千)|[一二两三四五六七八九十百千]+(万|元|块|千)|优惠|折|免费|不收费|收费|价"
    ),
    "finance": re.compile(r"首付|分期|贷款|按揭|月供|利率|免息|刷卡|转账|公积金|成"),
    "delivery": re.compile(
        r"\d+\s*(个)?(小时|分钟|天|周|个月|月)|[一二两三四五六七八九十半]+(个)?(小时|分钟|天|周|个月|月)|现车|现货|有货|到货|交房|封顶|当天|马上"
    ),
    "models": re.compile(r"有的|我们有|有[一二两三四五六七八九十\d]+(款|种|个)|款|型|户型|套餐|室"),
    "configuration": re.compile(r"配|带|标配|选装|\d+(M|兆|T)"),
    "test_drive": re.compile(r"可以|能|欢迎|试驾|样板间"),
}


def _answers(call: CallReading, turn: ReadTurn, topic: str) -> bool:
    if turn.intent in ANSWERS.get(topic, ()) or any(w in turn.text for w in call.rubric.topics[topic]):
        return True
    pattern = ANSWER_WORDS.get(topic)
    if pattern is not None and pattern.search(turn.text):
        return True
    return bool(turn.labels(*ANSWER_SPANS.get(topic, ())))


def question_handling(call: CallReading) -> CriterionResult:
    exaggerated = [
        t for t in call.trainee if call.rubric.has(t.text, "exaggerations") or call.rubric.has(t.text, "rash_promises")
    ]
    topics = [(t, _topic(call, t.text)) for t in call.customer]
    questions = [(t, topic) for t, topic in topics if topic]
    unanswered: List[ReadTurn] = []
    answered: List[ReadTurn] = []
    for i, (question, topic) in enumerate(questions):
        # Answered by any trainee turn before the customer moves on to another topic.
        end = next((q.number for q, other in questions[i + 1 :] if other != topic), None)
        replies = [t for t in call.trainee if t.number > question.number and (end is None or t.number < end)]
        hits = [t for t in replies if _answers(call, t, topic)]
        (answered if hits else unanswered).append(hits[0] if hits else question)
    problems = []
    if unanswered:
        problems.append("没有回答客户的问题：" + "；".join(f"「{q.turn.text}」" for q in unanswered[:2]))
    if exaggerated:
        words = "、".join(
            call.rubric.found(exaggerated[0].text, "exaggerations")
            + call.rubric.found(exaggerated[0].text, "rash_promises")
        )
        problems.append(f"有夸大或随意许诺的说法（{words}）")
    if problems:
        return call.result(
            "question_handling",
            False,
            exaggerated,
            f"{'；'.join(problems)}。标准：{call.standard('question_handling')}",
        )
    if not questions:
        return call.result("question_handling", True, [], "客户没有提出需要回答的问题，也没有夸大许诺。")
    return call.result("question_handling", True, answered, "客户的问题都得到了切题的回答。")


def contact_exchange(call: CallReading) -> CriterionResult:
    asks = [
        t for t in call.trainee if t.intent == "ask_phone" or (ASKS_PHONE.search(t.text) and QUESTION.search(t.text))
    ]
    given_by_customer = [t for t in call.customer if t.labels("PHONE") and asks and t.number > asks[0].number]
    own = [t for t in call.trainee if t.labels("PHONE")]
    if given_by_customer:
        return call.result("contact_exchange", True, asks[:1], "留下了客户的电话。")
    if own:
        return call.result("contact_exchange", True, own[:1], "告诉了客户自己的联系方式。")
    reason = (
        "问了电话但客户没有留下，也没有告诉客户自己的号码" if asks else "没有留取客户电话，也没有告诉客户自己的联系方式"
    )
    return call.result("contact_exchange", False, asks[:1], f"{reason}。标准：{call.standard('contact_exchange')}")


def confirmation(call: CallReading) -> CriterionResult:
    def facts(t: ReadTurn) -> List[str]:
        return [s.label for s in t.spans if s.label in ("DAY", "DATE", "PART", "CLOCK", "ADDRESS", "PLACE", "PHONE")]

    read_backs = [
        t
        for t in call.trainee
        if (t.intent == "repeat_back" or call.rubric.has(t.text, "confirm_markers")) and facts(t)
    ]
    today = REFERENCE_DATE

    def repeats_an_agreed_time(t: ReadTurn) -> bool:
        slots = [s for s in proposed_slots(t.text, today, t.spans) if s.concrete]
        earlier = " ".join(u.text for u in call.turns if u.number < t.number)
        return any(s.words in earlier for s in slots)

    closing_restates = [t for t in call.trainee[-3:] if t.labels("ADDRESS", "PLACE") and repeats_an_agreed_time(t)]
    decided = read_backs or closing_restates
    if decided:
        return call.result("confirmation", True, decided[-1:], "结束前复述确认了关键信息。")
    return call.result(
        "confirmation", False, [], f"结束前没有复述确认时间、地点或电话。标准：{call.standard('confirmation')}"
    )


def courtesy(call: CallReading) -> CriterionResult:
    rubric = call.rubric
    problems: List[str] = []
    evidence: List[ReadTurn] = []
    rude = [t for t in call.trainee if t.intent == "rude" or rubric.has(t.text, "rude")]
    if rude:
        problems.append("态度粗暴或顶撞客户（不可顶撞客户、不可态度粗暴）")
        evidence += rude
    promises = [t for t in call.trainee if rubric.has(t.text, "rash_promises")]
    if promises:
        problems.append(f"随意许诺（{'、'.join(rubric.found(promises[0].text, 'rash_promises'))}）：不可随意许诺")
        evidence += promises
    fillers = [(t, sum(t.text.count(f) for f in rubric.phrases["fillers"])) for t in call.trainee]
    if sum(n for _, n in fillers) > rubric.max_fillers:
        problems.append("口头语过多（嗯嗯、那个、然后、就是）")
        evidence += [t for t, n in fillers if n][:2]
    long_turns = [t for t in call.trainee if len(t.text) > rubric.monologue_chars]
    if long_turns:
        problems.append("一个劲地说，没有让客户说话")
        evidence += long_turns[:1]
    ni = [t for t in call.trainee if t.text.replace("你好", "").count("你") > 0]
    if len(ni) >= 2 or not any("您" in t.text for t in call.trainee):
        problems.append("称呼客户应用“您”，不用“你”")
        evidence += ni[:2]
    if problems:
        return call.result("courtesy", False, evidence, f"{'；'.join(problems)}。标准：{call.standard('courtesy')}")
    polite = [t for t in call.trainee if "您" in t.text][:1]
    return call.result("courtesy", True, polite, "全程使用礼貌用语，没有触犯电话禁忌。")


CRITERIA: Dict[str, Callable[[CallReading], CriterionResult]] = {
    "greeting": greeting,
    "name_capture": name_capture,
    "invitation": invitation,
    "closing": closing,
    "needs_discovery": needs_discovery,
    "question_handling": question_handling,
    "contact_exchange": contact_exchange,
    "confirmation": confirmation,
    "courtesy": courtesy,
}
