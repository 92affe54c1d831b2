"""The nine criteria of call-standard.md (its "Grading decisions" settle the open cases). Each reads
the call and returns a CriterionResult quoting the exact words that decided it (turn, start, end,
rule id) and Chinese feedback that quotes the standard."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable, Dict, Iterable, List, Optional, Pattern, Tuple, Union

from bot.grading.analysis import ReadTurn
from bot.grading.facts import (
    PLACE_LABELS,
    LiveFacts,
    When,
    agreed_time,
    conflicts,
    last_change,
    phones_given,
    reference_date,
    same_place,
    slots_of,
)
from bot.grading.rubric import Rubric
from bot.grading.scorecard import CriterionResult, Evidence
from bot.language.schedule import WEEKDAY_NAME, same_day_names
from bot.language.spans import split_addressee, words
from bot.language.text import normalize
from bot.language.topics import ANSWERS
from bot.language.words import DAY_WORD_RE, PARTS_OF_DAY, lexicon, phone_digits, plain_words
from bot.transcript import Transcript

SENTENCE = re.compile(r"[^。！？!?；;]+[。！？!?；;]?")
# A sentence that ends as a question (「总价大概控制在多少」), not one that only says 几 (「几档报价」).
ASKS = re.compile(r"(?:[？?]|[吗呢吧]|多少|什么|怎么样|哪[个些里儿]?)[。！!]?$")
# Spoken sentences: transcribed speech marks a pause with a space where writing has a full stop.
SPOKEN = re.compile(r"[^。！？!?；;\s]+[。！？!?；;]?")
CLAUSE = re.compile(r"[^。！？!?；;，,\s]+[。！？!?；;]?")  # customers speak in run-ons without punctuation
BOUNDARY = re.compile(r"[\s，,。！？!?；;、…—~～]")

Quote = Tuple[ReadTurn, int, int, str]  # a turn, the words' [start, end) in it, the rule that found them
Cited = Union[ReadTurn, Quote]


class CallReading:
    """What every criterion needs: the transcript, its turns read, the rubric, the live facts."""

    def __init__(
        self, transcript: Transcript, turns: List[ReadTurn], rubric: Rubric, facts: Optional[LiveFacts] = None
    ) -> None:
        self.transcript, self.turns, self.rubric, self.facts = transcript, turns, rubric, facts
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

    def result(self, cid: str, passed: bool, evidence: Iterable[Cited], feedback: str) -> CriterionResult:
        weight = self.rubric.criteria[cid].weight
        seen: Dict[Tuple[int, int, int], Evidence] = {}
        for item in evidence:
            turn, start, end, rule = item if isinstance(item, tuple) else (item, 0, len(item.text), f"{cid}.turn")
            seen.setdefault((turn.number, start, end), Evidence(turn.number, turn.turn.text, start, end, rule))
        return CriterionResult(
            id=cid,
            passed=passed,
            points=weight if passed else 0,
            max_points=weight,
            evidence=tuple(sorted(seen.values(), key=lambda e: (e.turn, e.start))),
            feedback=feedback,
        )

    def standard(self, cid: str) -> str:
        return self.rubric.criteria[cid].standard

    def pattern(self, name: str) -> Pattern[str]:
        return self.rubric.patterns[name]

    def asks(self, text: str) -> bool:
        """Whether `text` asks something: a question word used as "any" (「比哪家都便宜」) asks nothing."""
        return bool(self.pattern("question").search(self.pattern("indefinite").sub("", text)))

    def is_recap(self, turn: ReadTurn) -> bool:
        return turn.intent == "repeat_back" or self.rubric.has(turn.text, "confirm_markers")

    def phrase(self, turn: ReadTurn, phrase_list: str, rule: str) -> Optional[Quote]:
        hit = self.rubric.first(turn.text, phrase_list)
        return (turn, hit[0], hit[1], rule) if hit else None

    def phrase_or_pattern(self, turn: ReadTurn, phrase_list: str, pattern: str, rule: str) -> Optional[Quote]:
        """The first words of `turn` that are a phrase of the list or match the pattern."""
        found = self.phrase(turn, phrase_list, rule)
        match = self.pattern(pattern).search(turn.text)
        if match and (found is None or match.start() < found[1]):
            return (turn, match.start(), match.end(), rule)
        return found

    def promise(self, turn: ReadTurn, rule: str) -> Optional[Quote]:
        """A rash promise: a phrase of the list, or a guarantee of a figure (「保证两个小时给您弄完」)."""
        return self.phrase_or_pattern(turn, "rash_promises", "rash_promise", rule)

    def exaggeration(self, turn: ReadTurn) -> Optional[Quote]:
        """A phrase of the exaggerations list, or a claim of being the best (「升值空间全市第一」), unless
        it repeats the customer's own words (「最便宜的多少钱」-「最便宜的那个十七万九」)."""
        hit = self.phrase_or_pattern(turn, "exaggerations", "exaggeration", "question_handling.exaggeration")
        asked = next((t.text for t in reversed(self.customer) if t.number < turn.number), "")
        return None if hit and turn.text[hit[1] : hit[2]] in asked else hit

    def rude(self, turn: ReadTurn) -> Optional[Quote]:
        """A rude phrase, unless the trainee says they won't do it (「电话里我不敢乱报」)."""
        hits = [
            (m.start(), -m.end(), m.end())
            for phrase in self.rubric.found(turn.text, "rude")
            for m in re.finditer(re.escape(phrase), turn.text)
            if not self.pattern("negated").search(turn.text[: m.start()])
        ]
        if not hits:
            return None
        start, _, end = min(hits)  # the first, and the longest there
        return (turn, start, end, "courtesy.rude")

    def company_named(self, text: str) -> Optional[Tuple[int, int]]:
        call = self.info
        names = [call.company, *call.company_aliases]
        core = re.sub(r"(有限公司|公司|4S店|售楼处|服务站|展厅|营业厅)$", "", call.company)
        if len(core) >= 2:
            names.append(core)
        hits = [(text.find(n), text.find(n) + len(n)) for n in names if n and n in text]
        return min(hits, key=lambda h: (h[0], -h[1])) if hits else None

    def invite_turns(self) -> List[ReadTurn]:
        """Invitations, and offers of a concrete time ("周五上午或者周六上午，您看哪个合适？")."""
        found = []
        for t in self.trainee:
            # 「您上周来站里修过车」 speaks of a past visit, not of the next one.
            text = "".join(c for _, _, c in _sentences(t.text, CLAUSE) if not self.pattern("past_visit").search(c))
            if (
                (t.intent in ("invite_visit", "propose_time") and text)
                or self.rubric.has(text, "invitation")
                or self.pattern("invites").search(text)
                or (self.asks(text) and any(s.concrete for s in slots_of(t)))
                # 「那就明天上午九点，我们站在城北工业大道36号」 fixes the visit the customer offered
                or (any(s.concrete for s in slots_of(t)) and bool(t.labels("ADDRESS", "LANDMARK")))
            ):
                found.append(t)
        return found


def _house_number(span) -> bool:
    """A street address with its number (滨江路88号), not a district or a place word."""
    return span.label == "ADDRESS" and "号" in span.text


def span_quote(turn: ReadTurn, span, rule: str) -> Quote:
    return (turn, span.start, span.end, rule)


def greeting(call: CallReading) -> CriterionResult:
    first = call.trainee[0]
    missing, quotes = [], []
    hello = call.phrase(first, "greeting", "greeting.polite_word")
    quotes += [hello] if hello else []
    if not hello:
        missing.append("问候语（您好）")
    company = call.company_named(first.text)
    if company:
        quotes.append((first, company[0], company[1], "greeting.company"))
    else:
        missing.append(f"公司名称（{call.transcript.call.company}）")
    own = call.pattern("own_name").search(first.text)
    who = (
        call.phrase(first, "roles", "greeting.role")
        or call.phrase(first, "self_intro", "greeting.own_name")
        or ((first, own.start(), own.end(), "greeting.own_name") if own else None)
    )
    if who:
        quotes.append(who)
    else:
        missing.append("自己的姓名或岗位")
    rings = call.transcript.call.rings
    if rings is not None and rings > call.rubric.max_rings and not call.rubric.has(first.text, "kept_waiting"):
        missing.append(f"铃响{rings}声才接听后的致歉（让您久等了）")
    if not missing:
        return call.result("greeting", True, quotes, "开场规范：问候、公司名称、姓名或岗位齐全。" + _pickup_note(call))
    return call.result("greeting", False, [first], f"第一句缺少{'、'.join(missing)}。标准：{call.standard('greeting')}")


def _pickup_note(call: CallReading) -> str:
    rings = call.transcript.call.rings
    if rings is None:
        return ""
    if rings <= call.rubric.max_rings:
        return f"铃响{rings}声接听，符合「铃响三声内接听」。"
    return f"铃响{rings}声才接听，已致歉。"


_surname_patterns_for: List[Tuple[object, Tuple[Pattern[str], Pattern[str], Pattern[str]]]] = []


def _surname_patterns() -> Tuple[Pattern[str], Pattern[str], Pattern[str]]:
    """How a customer gives their surname, built once per lexicon: 「免贵姓欧阳」, 「叫我老杨/王哥就行」
    (the form offered, then the surname), a bare 「欧阳。」 in answer to the question."""
    lex = lexicon()
    if _surname_patterns_for and _surname_patterns_for[0][0] is lex:
        return _surname_patterns_for[0][1]
    surname = lex.surname_re
    familiar = "|".join(lex.familiar_prefixes)
    gives = re.compile(rf"(?:免贵姓|复姓|我姓|(?<!贵)姓)\s?({surname})(?!的)")  # 「一个姓宋的小姑娘」: someone else
    honorifics = "|".join(lex.honorifics)
    offered = re.compile(rf"叫我((?:{familiar})({surname})|({surname})(?:{honorifics}))")
    # A bare answer to 「请问您贵姓？」: 「欧阳。」「我司马」「我叫王建国」.
    answer = re.compile(
        rf"^(?:[嗯哦噢啊呃]+[，,\s]*)?(?:我是|我叫|我)?({surname})[\u4e00-\u9fff]{{0,2}}(?:[，。,.！!\s]|就行|吧|$)"
    )
    _surname_patterns_for[:] = [(lex, (gives, offered, answer))]
    return gives, offered, answer


def _customer_surname(call: CallReading) -> Tuple[Optional[str], Optional[str], Optional[Quote]]:
    """The surname, the form the customer offered (老杨) if any, and the words that gave it
    (None: known before the call, or from the simulator's record)."""
    info = call.info
    if info.direction == "outbound" and info.customer_surname:
        return info.customer_surname, None, None
    known = call.facts.surname if call.facts and call.facts.surname else None  # the simulator's record
    expected = known or info.customer_surname  # a persona's surname: only a matching one is "given"
    gives, offered, answer = _surname_patterns()
    asked = False
    for turn in call.turns:
        if turn.speaker == "trainee":
            asked = bool(turn.intent == "ask_name" or call.pattern("asks_name").search(turn.text))
            continue
        said = normalize(turn.text)  # 「免貴姓 鄧」
        for pattern in (offered, gives, *((answer,) if asked else ())):
            match = pattern.search(said)
            if not match:
                continue
            group = (2 if match.group(2) else 3) if pattern is offered else 1  # 老杨 | 王哥
            surname = match.group(group)
            after = said[match.end(group) : match.end(group) + 1]
            if pattern is answer and surname in lexicon().function_surnames and "\u4e00" <= after <= "\u9fff":
                continue  # 「我叫车过去」: a verb, not the surname 车
            if expected and surname != expected:
                continue
            form = match.group(1) if pattern is offered else None
            return surname, form, (turn, match.start(group), match.end(group), "name_capture.surname_given")
        asked = False
    if known:
        return known, None, None
    return None, None, None


def _addressing(call: CallReading, form: Optional[str], surname: Optional[str]) -> List[Tuple[Quote, str]]:
    """(the words, surname) each time a trainee turn addresses someone as 王先生, or by the offered 老杨."""
    found = []
    for turn in call.trainee:
        for span in turn.labels("ADDRESSEE"):
            if call.pattern("self_reference").search(turn.text[: span.start]):
                continue  # "我是李经理": the trainee's own name
            if call.pattern("third_party").search(turn.text[span.end :]):
                continue  # "还是老刘师傅给您弄": a colleague who does something for the customer
            said, _ = split_addressee(span.text)
            if said != surname and any(span.text in c.text for c in call.customer if c.number < turn.number):
                continue  # 「还是上回那个张师傅给弄不」: someone the customer spoke of, not the customer
            found.append((span_quote(turn, span, "name_capture.addressed"), said))
        if form and surname:
            for match in re.finditer(re.escape(form), turn.text):
                found.append(((turn, match.start(), match.end(), "name_capture.addressed_as_offered"), surname))
    return sorted(found, key=lambda f: (f[0][0].number, f[0][1]))


def name_capture(call: CallReading) -> CriterionResult:
    surname, form, given = _customer_surname(call)
    asks = [t for t in call.trainee if t.intent == "ask_name" or call.pattern("asks_name").search(t.text)]
    addressed = _addressing(call, form, surname)
    wrong = [(q, s) for q, s in addressed if surname and s != surname]
    if wrong:
        quote, s = wrong[0]
        words = quote[0].text[quote[1] : quote[2]]
        return call.result(
            "name_capture",
            False,
            [quote],
            f"称呼错了：客户姓{surname}，却称呼「{words}」。标准：{call.standard('name_capture')}",
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
    after = [(q, s) for q, s in addressed if given is None or q[0].number > given[0].number]
    if not after:
        return call.result(
            "name_capture",
            False,
            asks,
            f"知道客户姓{surname}后，没有用「{surname}{call.info.customer_honorific or '先生/女士'}」等称呼客户"
            f"（单称“先生”或只用复姓的一个字都不算）。标准：{call.standard('name_capture')}",
        )
    quote = after[0][0]
    words = quote[0].text[quote[1] : quote[2]]
    evidence: List[Cited] = ([asks[0]] if asks and given else []) + [quote]
    return call.result("name_capture", True, evidence, f"得知客户姓{surname}，并称呼「{words}」。")


def _customer_places(call: CallReading) -> List[str]:
    """Places the customer named (their office for a visit, a meeting point) or the simulator recorded."""
    named = [s.text for t in call.customer for s in t.labels("ADDRESS", "LANDMARK")]
    return named + ([normalize(call.facts.agreed_place)] if call.facts and call.facts.agreed_place else [])


CUSTOMERS_PLACE = re.compile(r"[您贵]|府上")  # the customer's own place, as the trainee calls it


def _wrong_address(call: CallReading, address: str) -> bool:
    """Another number on the company's street, and not a place the customer named: 滨江路188号 for 88号."""
    company = call.info.address
    if not company or any(same_place(address, p) for p in _customer_places(call)):
        return False
    return conflicts(address, company)


def _trainee_places(call: CallReading, first: int) -> Tuple[List[Quote], List[Quote]]:
    """Places the trainee states from the first invitation on, and street addresses before it: (right
    ones, wrong addresses)."""
    right: List[Quote] = []
    wrong: List[Quote] = []
    named_by_customer = bool(_customer_places(call))
    for turn in call.trainee:
        # Before the invitation only a street address counts (「我们店在滨江路88号」 told when asked).
        for span in turn.labels(*PLACE_LABELS):
            if turn.number < first and not _house_number(span):
                continue
            if named_by_customer and span.label == "PLACE" and CUSTOMERS_PLACE.match(span.text):
                continue  # 「我到您公司」 after the customer gave the address: the address must be said
            if span.label == "ADDRESS" and _wrong_address(call, span.text):
                wrong.append(span_quote(turn, span, "invitation.wrong_address"))
            else:
                right.append(span_quote(turn, span, "invitation.place"))
        if turn.number >= first and call.info.address and call.info.address in turn.text and not turn.labels("ADDRESS"):
            start = turn.text.find(call.info.address)
            right.append((turn, start, start + len(call.info.address), "invitation.place"))
    return right, wrong


def _left_open(call: CallReading, settled: int) -> bool:
    """The customer's word on the time last said only might come (「周六不一定，到时候再说吧」): the
    turn that said it, or the customer's answer to the trainee who said it."""
    said = next((t for t in call.turns if t.number == settled), None)
    if said is not None and said.speaker == "trainee":
        said = next((t for t in call.customer if t.number > settled), None)
    return said is not None and bool(call.pattern("tentative").search(said.text))


def invitation(call: CallReading) -> CriterionResult:
    invites = call.invite_turns()
    if not invites:
        return call.result("invitation", False, [], f"没有邀请客户来店或约定见面。标准：{call.standard('invitation')}")
    # From the first invitation, or the trainee's first concrete time if earlier (「好的，下礼拜二晚上」
    # taking up the customer's 「那我下礼拜二晚上过去」).
    first = min([invites[0].number] + [t.number for t in call.trainee if any(s.concrete for s in slots_of(t))])
    when, settled = agreed_time([t for t in call.turns if t.number >= first], call.facts, call.is_recap)
    left_open = when is not None and _left_open(call, settled)
    right, wrong = _trainee_places(call, first)
    last_wrong = wrong and (not right or wrong[-1][0].number >= right[-1][0].number)
    missing = []
    if left_open:
        missing.append("客户答应的时间（客户只说了可能来、到时候再说）")
    elif when is None or not when.concrete:
        missing.append("明确的时间（最后约定的是哪天、上午/下午或几点）")
    if last_wrong:
        words = wrong[-1][0].text[wrong[-1][1] : wrong[-1][2]]
        address = call.transcript.call.address
        missing.append(f"正确的地点（说的是「{words}」，不是公司地址{address}，也不是通话中约定的地点）")
    elif not right:
        missing.append("明确的地点（地址或位置）")
    wait_note = (
        "" if any(call.rubric.has(t.text, "will_wait") for t in call.trainee) else "另外，可告知客户将专程等候。"
    )
    if missing:
        return call.result(
            "invitation",
            False,
            [invites[0], *(wrong[-1:] if last_wrong else [])],
            f"邀约缺少{'、'.join(missing)}。标准：{call.standard('invitation')}",
        )
    time_turn = next((t for t in call.turns if t.number == settled), None)
    named = [q for q in right if any(s.start == q[1] for s in q[0].labels("ADDRESS", "LANDMARK"))]
    place = max(named or right, key=lambda q: (q[0].number, q[2] - q[1]))  # the last place, an address first
    # The invitation that offered the time (二选一), not an earlier 「您来店里…」 said about the price
    # nor the read-back at the end (a live call's time comes from the customer's facts: settled is 0).
    timed = [
        t
        for t in invites
        if any(s.concrete for s in slots_of(t)) and not call.is_recap(t) and (not settled or t.number <= settled)
    ]
    offer = timed[-1] if timed else invites[0]
    evidence: List[Cited] = [offer, place]
    if time_turn is not None and time_turn.speaker == "trainee" and time_turn is not offer:
        evidence.append(time_turn)
    return call.result("invitation", True, evidence, "邀约明确了时间和地点。" + wait_note)


def closing(call: CallReading) -> CriterionResult:
    window = call.trainee[-call.rubric.closing_window :]
    thanked = [q for t in window if (q := call.phrase(t, "thanks", "closing.thanks"))]
    farewell: List[Cited] = [q for t in window if (q := call.phrase(t, "goodbye", "closing.goodbye"))]
    farewell += [t for t in window if t.intent == "goodbye" and not farewell]
    problems = []
    if not thanked:
        problems.append("结束时没有致谢（不客气、道歉都不算致谢）")
    if not farewell:
        problems.append("没有道别（再见）")
    if call.transcript.hangup == "trainee":
        problems.append("先于客户挂断了电话（对方放下电话后，方可挂断电话）")
    if problems:
        return call.result("closing", False, window, f"{'；'.join(problems)}。标准：{call.standard('closing')}")
    return call.result("closing", True, [*thanked, *farewell], "结束时致谢并道别，由客户先挂断。")


def _sentences(text: str, pattern: re.Pattern = SENTENCE) -> List[Tuple[int, int, str]]:
    """The sentences of `text`. An either-or split by a pause (「您是自己住 还是给父母买」) is one."""
    found: List[Tuple[int, int, str]] = []
    for m in pattern.finditer(text):
        if found and m.group().startswith(("还是", "或者")) and not re.search(r"[。！？!?；;]$", found[-1][2]):
            start = found[-1][0]
            found[-1] = (start, m.end(), text[start : m.end()])
        else:
            found.append((m.start(), m.end(), m.group()))
    return found


def _need_units(call: CallReading, text: str) -> List[Tuple[int, int, str]]:
    """The sentences of a turn; one holding a check (「您买房是自住对吧，想要几房的？」) in its clauses,
    so that the check does not hide the need question beside it."""
    units: List[Tuple[int, int, str]] = []
    for start, end, sentence in _sentences(text, SPOKEN):
        if call.rubric.has(sentence, "not_needs_questions"):
            units += [(start + s, start + e, clause) for s, e, clause in _sentences(sentence, CLAUSE)]
        else:
            units.append((start, end, sentence))
    return units


def _needs_questions(call: CallReading, turn: ReadTurn) -> List[Quote]:
    """Questions about the customer's situation: what they want, use, budget, timing, layout..."""
    found = []
    # What led up to a question when only pauses part them (「上次您车做完保养 跑着还顺吗」): the
    # statements since the last full stop or question.
    lead_in = ""
    clause_before = None  # where the clause just before starts, when only a pause parts them
    for start, end, sentence in _need_units(call, turn.text):
        about = lead_in + sentence
        asks = call.asks(sentence)
        paused = not asks and not re.search(r"[。！!；;]$", sentence)
        if not asks or call.rubric.has(sentence, "not_needs_questions"):
            # 「您好」 says 您 to anyone: a greeting is no lead-in about the customer.
            said = sentence if not call.rubric.has(sentence, "greeting") else ""
            lead_in, clause_before = (lead_in + said, start) if paused else ("", None)
            continue
        # A short question leans on the clause before: 「周五上午或者周六上午 您看哪个合适」 offers a time.
        offering_time = clause_before if clause_before is not None and len(sentence.strip()) <= 8 else start
        lead_in, clause_before = "", None
        if any(s.label in ("DAY", "DATE", "PART", "CLOCK") and offering_time <= s.start < end for s in turn.spans):
            continue
        if any(_house_number(s) and start <= s.start < end for s in turn.spans):
            continue  # 「您公司还是在汉阳大道66号吧？」 checks the street address of the visit
        # 「您好」 says 您 to anyone: what remains must be about the customer.
        for greeting in call.rubric.phrases["greeting"]:
            about = about.replace(greeting, "")
        if turn.intent == "ask_needs":  # the NLU read the turn as a need question
            found.append((turn, start, end, "needs_discovery.ask_needs"))
        elif call.rubric.has(about, "needs_questions") or call.pattern("about_the_customer").search(about):
            found.append((turn, start, end, "needs_discovery.need_question"))
    return found


def needs_discovery(call: CallReading) -> CriterionResult:
    asks = [q for t in call.trainee for q in _needs_questions(call, t)]
    if asks:
        return call.result("needs_discovery", True, asks[:2], "询问了客户的需求。")
    return call.result("needs_discovery", False, [], f"没有询问客户需求。标准：{call.standard('needs_discovery')}")


def _topic(call: CallReading, sentence: str) -> Optional[str]:
    return next((topic for topic, words in call.rubric.topics.items() if any(w in sentence for w in words)), None)


# What an answer contains even when it doesn't repeat the question's words.
ANSWER_SPANS = {"location": ("ADDRESS", "LANDMARK"), "hours": ("CLOCK",)}  # 「店里」 says not where


# Character pairs too common to show that a reply takes up a question's words.
_NOT_CONTENT = frozenset(
    ["你们", "我们", "您们", "一下", "请问", "那个", "这个", "什么", "怎么", "多少", "能不", "是不", "方便"]
    + ["就是", "还有", "可以", "的话", "一个", "我想", "想问", "问一", "问下", "有没", "没有", "不是", "现在", "不能"]
)


def _bigrams(text: str) -> set:
    han = re.sub(r"[^\u4e00-\u9fffA-Za-z0-9]", "", same_day_names(text))
    return {han[i : i + 2] for i in range(len(han) - 1)} - _NOT_CONTENT


_WHEN_WORDS = re.compile("|".join([DAY_WORD_RE, *PARTS_OF_DAY]))


def _content(text: str) -> set:
    """The bigrams of `text` without its days and parts of the day."""
    return _bigrams(_WHEN_WORDS.sub(" ", same_day_names(text)))


def _parts_of_day(text: str) -> set:
    return {part for word, part in PARTS_OF_DAY.items() if word in text}


def _weekdays(text: str) -> set:
    return set(WEEKDAY_NAME.findall(same_day_names(text)))


def _another_time(question: str, answer: str) -> bool:
    """The question asks about one day or part of the day and the answer speaks only of others
    (「周日开门吗」 - 「周六上午十点我们有个看房团」)."""
    asked, said = _parts_of_day(question), _parts_of_day(answer)
    days_asked, days_said = _weekdays(question), _weekdays(answer)
    return bool(asked and said and not asked & said) or bool(days_asked and days_said and not days_asked & days_said)


# The verbs of a yes/no question too general to show that a reply takes it up.
_GENERAL_VERBS = frozenset(
    ["是", "有", "能", "会", "要", "行", "好", "对", "可以", "能够", "还", "了", "的", "在"]
    + ["去", "来", "做", "弄", "搞", "说"]
)


# What ends a question without being part of its words (marks, particles, 吗/吧).
_QUESTION_TAIL = re.compile(r"[？?。！!\s了啊呀呢啦哈嘛吗吧]+$")


def _predicates(question: str) -> List[str]:
    """What a yes/no question asks about, its last two words (「大车进去方便不」 → 方便, 「能停吗」 → 停,
    「还搞活动不」 → 搞, 活动)."""
    core = re.sub(r"([\u4e00-\u9fff])[不没]\1", r"\1", _QUESTION_TAIL.sub("", question))  # 能不能装 → 能装
    core = re.sub(r"[不没]$|(?:这么|那么)?多$|一下$|(?<=.)[得下上来去]+$", "", core)  # 养这么多 → 养, 坐得下 → 坐
    found = []
    for token in words(core)[-2:]:
        word = re.sub(r"^(?:能|会|可以|可|要)(?=.)", "", token)
        if re.fullmatch(r"[^\W\d一二两三四五六七八九十几]{1,3}", word) and word not in _GENERAL_VERBS:
            found.append(word)
    return found


def _options(question: str) -> List[str]:
    """The two words an either-or question sets side by side (「车位是卖还是租」 → 卖, 租)."""
    tokens = words(_QUESTION_TAIL.sub("", question))
    found = []
    for i, token in enumerate(tokens):
        if token == "还是":
            found += [w for w in tokens[max(i - 1, 0) : i] + tokens[i + 1 : i + 2] if w not in _GENERAL_VERBS]
    return [w for w in found if re.fullmatch(r"[^\W\d]{1,3}", w)]


def _answers(
    call: CallReading, turn: ReadTurn, question: str, topic: Optional[str], reply: bool, siblings: str = ""
) -> bool:
    """Whether `turn` answers `question`: on its topic, echoing its words, or (the next reply) a yes/no.
    `siblings`: the other questions of its turn; of two (「首付几成？公积金能用不？」) each needs its own words."""
    alone = not siblings
    text = turn.text
    if len(text) > call.rubric.answer_max_chars:
        return False  # a wall of words is no answer (a long but on-topic turn fails courtesy instead)
    if _another_time(question, text):
        return False  # 「晚上几点关」 is not answered by 「早上七点开门」
    yes_no = bool(call.pattern("yes_no").search(re.sub(r"[？?。！!\s了啊呀呢啦哈嘛]+$", "", question)))
    redirects = call.rubric.has(text, "redirect_to_visit") or call.pattern("redirect").search(text)
    # 「到时候您来了再说吧」 puts it off: no redirect with a reason
    if (
        reply
        and redirects
        and not call.pattern("answer_directly").search(question)
        and not call.pattern("vague").search(text)
    ):
        return True  # 一时难解答的问题…邀请客户来展厅 (not where the showroom is, or when it opens)
    # The trainee's own questions (「总价大概控制在多少？」) and non-committal clauses (「快了快了」) say nothing.
    statements = "".join(
        s for _, _, s in _sentences(text, CLAUSE) if not ASKS.search(s) and not call.pattern("vague").search(s)
    )
    # A later turn must take up the question's own words: a day both name (「周末」-「周日」) is no echo
    # (unless the day is what it asks about: 「周日开门吗」).
    about_when = topic == "hours" or bool(call.pattern("when").search(question))
    echo = _bigrams if reply or about_when else _content
    echoes = bool((echo(question) - echo(siblings)) & echo(statements))
    kinds = [bool(says.search(statements)) for asks, says in call.rubric.answer_kinds.values() if asks.search(question)]
    if kinds:
        return all(kinds) and (reply or echoes)  # 「签几年」: 「一般是两年」 answers it; 「合同都带过去」 doesn't
    if topic is not None:
        # A question on a known topic needs an answer on it (a figure for a price): echoing its
        # words (「我们物业是一线品牌」 to 「物业费多少」) is talk about it, not an answer.
        pattern = call.rubric.answer_words.get(topic)
        on_topic = (
            turn.intent in ANSWERS.get(topic, ())
            or any(w in statements for w in call.rubric.topics[topic])
            or bool(pattern is not None and pattern.search(statements))
            or bool(turn.labels(*ANSWER_SPANS.get(topic, ())))
        )
        # Of two questions in a turn, a yes/no one (「公积金能用不？」) needs its own yes or words.
        if on_topic and ((reply and (alone or not yes_no)) or echoes):
            return True
        if reply and len(_bigrams(question) & _bigrams(statements)) >= 2:
            return True  # 「X3和X5差在哪」: 「X3是紧凑型…X5是中型SUV」 takes it up in its own terms
    elif echoes:
        return True
    if (
        reply
        and call.pattern("who").search(question)
        and (call.company_named(text) or call.pattern("own_name").search(text))
    ):
        return True
    if reply and call.pattern("asks_phone").search(question) and turn.labels("PHONE"):
        return True  # 「你电话多少」: 「我手机是136…」
    if reply and call.pattern("what_for").search(question):
        return True
    # 「几点开门」 asks for a clock time; 「哪天」「什么时候」 a day or a time
    times = ("CLOCK",) if "几点" in question else ("DAY", "DATE", "PART", "CLOCK")
    if reply and call.pattern("when").search(question) and turn.labels(*times):
        return True
    if reply and any(option in statements for option in _options(question)):
        return True  # 「车位是卖还是租」: 「租的话一个月三百五」 takes up an option
    if reply and yes_no:
        opening = re.sub(r"^[嗯哦噢啊，,\s]+", "", text)
        if any(opening.startswith(w) for w in call.rubric.phrases["answer_starts"]):
            return True
        # 「能停吗」: 「门口有访客车位，免费停」 takes up the verb asked
        return any(verb not in siblings and verb in statements for verb in _predicates(question))
    return False


# Where one question ends and the next begins without a pause (「多少钱有现车没啊」「多少钱多久保养一回」).
_QUESTION_END = re.compile(
    r"(?:多少钱|多少(?![钱一个平天年台辆块万])|多久|(?<!差不)多大|多远|吗|嘛|呢|[没不][啊呀]|(?:什么|啥)时候[\u4e00-\u9fff]{0,6}?[啊呀])"
    r"(?=[\u4e00-\u9fffA-Za-z0-9])"
)


def _asks_in_words(call: CallReading, text: str) -> bool:
    """Whether `text` asks by its words (「有现车没啊」), not only by a ？ or a trailing particle."""
    return call.asks(plain_words(re.sub(r"[？?。！!\s啊呀呢嘛哦]+$", "", text)))


def _run_ons(call: CallReading, text: str) -> List[Tuple[int, int, str]]:
    """The clauses of a customer's turn, with run-on questions split where the next one starts; a
    piece that asks nothing in words and is short or ends in ？ (「多久能装好」「多少钱能拿下？」) stays
    with the one before."""
    pieces: List[Tuple[int, int, str]] = []
    for start, _, clause in _sentences(text, CLAUSE):
        cuts = [0, *(m.end() for m in _QUESTION_END.finditer(clause)), len(clause)]
        first = len(pieces)
        for a, b in zip(cuts, cuts[1:], strict=False):
            piece = clause[a:b]
            continues = len(piece) <= 4 or re.search(r"[？?]", piece)
            if len(pieces) > first and not _asks_in_words(call, piece) and continues:
                s, _, _ = pieces[-1]
                pieces[-1] = (s, start + b, text[s : start + b])
            else:
                pieces.append((start + a, start + b, piece))
    return pieces


def _echoes_the_trainee(call: CallReading, turn: ReadTurn, sentence: str) -> bool:
    """A few words of the trainee's last turn said back with a question mark (「八百八？」)."""
    said = re.sub(r"[？?。！!，,\s啊呀呢]+", "", sentence)
    before = [t for t in call.trainee if t.number < turn.number]
    return 0 < len(said) <= 5 and bool(before) and said in before[-1].text


def _customer_questions(call: CallReading) -> List[Tuple[ReadTurn, int, int, str]]:
    """Each question a customer asks. A short lead-in run on into the next question (「演示什么
    跟钉钉有什么区别」) is one question."""
    found: List[Tuple[ReadTurn, int, int, str]] = []
    for turn in call.customer:
        for start, end, sentence in _run_ons(call, turn.text):
            core = sentence.rstrip("。！!；;")
            if re.fullmatch(r"(?:[喂哎诶嗯啊呀]+|什么|啥子?)[？?]?", core) or not (
                call.asks(plain_words(sentence)) or _asks_in_words(call, sentence)
            ):
                continue  # 「喂？」 checks the line, 「啥？」 asks to hear it again
            if not re.search(r"[？?]|吗", sentence) and call.pattern("not_a_question").search(sentence):
                continue
            if any(call.pattern(p).search(sentence) for p in ("rhetorical", "interrupted", "cut_off")):
                continue  # 「这不是坑人吗」 asks for no information; 「是不是——」 was cut off (courtesy's fault)
            if _echoes_the_trainee(call, turn, sentence):
                continue  # 「八百八？」 repeats the figure just heard in surprise
            if found and found[-1][0] is turn and call.pattern("tag_question").search(sentence):
                continue  # 「首付能不能分期嘛 要得不」: the tag belongs to the question before
            last = found[-1] if found else None
            if (
                last
                and last[0] is turn
                and len(last[3]) <= 4
                and not re.search(r"[？?吗]", last[3])
                and not turn.text[last[2] : start].strip(" ，,")
            ):
                found[-1] = (turn, last[1], end, turn.text[last[1] : end])
                continue
            found.append((turn, start, end, sentence))
    return found


def _replies(call: CallReading, turn: ReadTurn, i: int, asked_next: int) -> bool:
    """Whether the trainee's `i`-th turn after a question may answer it in its own words: one of the
    next two before the customer asks anew, or one that comes back to it (「您刚问的安装…」)."""
    return (i < 2 and turn.number < asked_next) or bool(call.pattern("refers_back").search(turn.text))


def question_handling(call: CallReading) -> CriterionResult:
    exaggerated = [
        q for t in call.trainee if (q := call.exaggeration(t) or call.promise(t, "question_handling.rash_promise"))
    ]
    questions = _customer_questions(call)
    unanswered: List[Quote] = []
    answered: List[Cited] = []
    done: List[Tuple[int, Optional[str], set]] = []  # (the answer's turn, the topic, the question's words)
    for turn, start, end, said in questions:
        sentence = plain_words(said)  # 「几多钱」 asks 「多少钱」
        topic = _topic(call, sentence)
        if any(
            answer < turn.number and len(_bigrams(sentence) & words) >= (1 if topic and topic == t else 2)
            for answer, t, words in done
        ):
            continue  # re-asked after it was answered (its words again): not the trainee's fault
        later = [t for t in call.trainee if t.number > turn.number]
        # The next two trainee turns may answer in their own words, until the customer asks something
        # new; a later one must come back to the question's words (a late answer counts).
        asked_next = next((q[0].number for q in questions if q[0].number > turn.number), 10**6)
        siblings = "".join(plain_words(q[3]) for q in questions if q[0] is turn and q[3] != said)
        hit = next(
            (
                t
                for i, t in enumerate(later)
                if _answers(call, t, sentence, topic, _replies(call, t, i, asked_next), siblings)
            ),
            None,
        )
        if hit is None:
            unanswered.append((turn, start, end, "question_handling.unanswered"))
            continue
        answered.append(hit)
        done.append((hit.number, topic, _bigrams(sentence)))
    problems = []
    if unanswered:
        problems.append("没有回答客户的问题：" + "；".join(f"「{q[0].text[q[1] : q[2]]}」" for q in unanswered[:2]))
    if exaggerated:
        first = exaggerated[0]
        words = "、".join(call.rubric.found(first[0].text, "exaggerations")) or first[0].text[first[1] : first[2]]
        problems.append(f"有夸大或随意许诺的说法（{words}）")
    if problems:
        return call.result(
            "question_handling",
            False,
            [*unanswered, *exaggerated],
            f"{'；'.join(problems)}。标准：{call.standard('question_handling')}",
        )
    if not questions:
        return call.result("question_handling", True, [], "客户没有提出需要回答的问题，也没有夸大许诺。")
    return call.result("question_handling", True, answered, "客户的问题都得到了切题的回答。")


def contact_exchange(call: CallReading) -> CriterionResult:
    asks = [
        t
        for t in call.trainee
        if t.intent == "ask_phone" or (call.pattern("asks_phone").search(t.text) and call.asks(t.text))
    ]
    given_by_customer = [s for t in call.customer for s in t.labels("PHONE")]
    if call.facts and call.facts.customer_phone:
        given_by_customer = given_by_customer or [None]  # type: ignore[list-item]
    own = [span_quote(t, s, "contact_exchange.own_number") for t in call.trainee for s in t.labels("PHONE")]
    if given_by_customer:
        return call.result("contact_exchange", True, asks[:1], "留下了客户的电话。")
    if own:
        return call.result("contact_exchange", True, own[:1], "告诉了客户自己的联系方式。")
    reason = (
        "问了电话但客户没有留下，也没有告诉客户自己的号码" if asks else "没有留取客户电话，也没有告诉客户自己的联系方式"
    )
    return call.result("contact_exchange", False, asks[:1], f"{reason}。标准：{call.standard('contact_exchange')}")


def _recap(
    call: CallReading, turn: ReadTurn, when: Optional[When], place: bool, phone: Optional[str]
) -> Tuple[List[Quote], List[str]]:
    """The words of `turn` that restate each agreed fact, and the facts it leaves out or gets wrong."""
    quotes: List[Quote] = []
    missing: List[str] = []
    if when is not None:
        if any(when.restated_by(s) for s in slots_of(turn, reference_date(call.turns))):
            time_spans = [s for s in turn.spans if s.label in ("DAY", "DATE", "PART", "CLOCK")]
            quotes += [span_quote(turn, s, "confirmation.time") for s in time_spans]
        else:
            missing.append("约定的时间")
    if place:
        places = turn.labels(*PLACE_LABELS)
        # A place the customer named, said again word for word (「物流园停车场」 after 「在物流园停车场」).
        echoed = [p for p in _customer_places(call) if p and p in turn.text]
        if places and not any(s.label == "ADDRESS" and _wrong_address(call, s.text) for s in places):
            quotes += [span_quote(turn, s, "confirmation.place") for s in places]
        elif echoed:
            start = turn.text.find(echoed[0])
            quotes.append((turn, start, start + len(echoed[0]), "confirmation.place"))
        else:
            missing.append("约定的地点")
    if phone:
        said = [s for s in turn.labels("PHONE") if phone_digits(s.text) == phone]
        if said:
            quotes.append(span_quote(turn, said[0], "confirmation.phone"))
        else:
            missing.append("客户的电话")
    return quotes, missing


def _tells_first(call: CallReading, turn: ReadTurn, quotes: List[Quote]) -> bool:
    """The places `turn` names are said for the first time in the call: told, not read back."""
    earlier = "".join(t.text for t in call.turns if t.number < turn.number)
    places = [turn.text[q[1] : q[2]] for q in quotes if q[3] == "confirmation.place"]
    return bool(places) and not any(p in earlier for p in places) and not call.is_recap(turn)


RECAP_TURNS = 3  # a read-back spread over this many of the trainee's turns still counts


def _names_a_place(call: CallReading, turn: ReadTurn) -> bool:
    address = call.info.address
    return bool(turn.labels("ADDRESS", "LANDMARK")) or bool(address and address in turn.text)


def confirmation(call: CallReading) -> CriterionResult:
    """Every key fact agreed in the call, restated by one trainee turn after the last change: the
    time (as a fact: 礼拜六早上 = 周六上午), the place, and the customer's number if given."""
    when, settled = agreed_time(call.turns, call.facts, call.is_recap)
    if when is not None and not when.weekdays:
        when = None  # 「下周再说」 agrees no day
    if when is not None and _left_open(call, settled):
        when = None  # 「那我周末看情况吧」 names a day and agrees to nothing
    if when is not None and any(
        call.pattern("call_back").search(t.text) for t in call.turns if abs(t.number - settled) <= 1
    ):
        when = None  # 「三点以后再给您打过来」: a call-back is no appointment to read back
    # The customer's first word on a time is when agreeing starts: the trainee's own proposal
    # (「下周一上午九点过来，可以吗？」, 「改到周六下午可以吗？」) is no read-back.
    today = reference_date(call.turns)
    timed = [t.number for t in call.turns if any(s.weekdays or t.speaker == "customer" for s in slots_of(t, today))]
    accepted = next((t.number for t in call.customer if timed and t.number >= timed[0]), 0) if when else 0
    change = last_change(call.turns, call.is_recap) if when else None
    if change is not None and change.speaker == "trainee":
        accepted = max(accepted, next((t.number for t in call.customer if t.number > change.number), 10**6))
    # A place is a key fact once one is named (an address, a landmark, the company's address), and a
    # visit has one: a time agreed with no place is a partial agreement, and its recap too.
    place = when is not None or bool(_customer_places(call)) or any(_names_a_place(call, t) for t in call.turns)
    phones = phones_given(call.customer, call.facts)
    phone = phones[-1] if phones else None
    # The number may be read back as soon as it is given (「13812649057，我念得没错吧？」).
    given = next((t.number for t in call.customer if phone and phone in phones_given([t])), None)
    read_back = next(
        (
            span_quote(t, s, "confirmation.phone")
            for t in call.trainee
            if given is not None and t.number > given
            for s in t.labels("PHONE")
            if phone_digits(s.text) == phone
        ),
        None,
    )
    if when is None and not place and not phone:
        return call.result(
            "confirmation",
            False,
            [],
            f"通话中没有约定可以复述的时间、地点或电话。标准：{call.standard('confirmation')}",
        )
    place_named = next((t.number for t in call.turns if _names_a_place(call, t)), 0)
    eligible = [
        t
        for t in call.trainee
        # not restating a time that later changed, nor before the customer agreed; with no visit
        # agreed, only a read-back said as one (「我再说一遍」) confirms the rest
        if t.number >= settled and t.number >= accepted and (when is not None or call.is_recap(t))
    ]
    best: Tuple[List[Quote], List[str]] = ([], ["约定的时间、地点"])
    # The key facts a read-back must repeat (the number is done once read back when given).
    keys = (("约定的时间", when is not None), ("约定的地点", place), ("客户的电话", bool(phone) and not read_back))
    facts = [fact for fact, key in keys if key]
    recaps = {t.number: _recap(call, t, when, place, phone) for t in eligible}
    # Later turns that read back the time but not the place (「确认一下，周三中午十二点半，电话…」).
    time_only = [n for n, (_, left) in recaps.items() if when and "约定的时间" not in left and "约定的地点" in left]
    for i in range(len(eligible)):
        # A read-back may run over the trainee's next turns (the time, then 「地址是…您电话…」).
        quotes, missing = [read_back] if read_back else [], facts
        for turn in eligible[i : i + RECAP_TURNS]:
            said, left = recaps[turn.number]
            tells = turn.number <= place_named and not call.is_recap(turn)
            if tells and said and all(q[3] == "confirmation.place" for q in said):
                said, left = [], [*left, "约定的地点"]  # 「我们在滨江路88号」 tells the place: repeats nothing
            elif _tells_first(call, turn, said) and any(n > turn.number for n in time_only):
                # The place told once (「售楼处在锦绣大道1号」) and left out of the read-back after it.
                said, left = [q for q in said if q[3] != "confirmation.place"], [*left, "约定的地点"]
            quotes += said
            missing = [m for m in missing if m in left]
        if not missing:
            return call.result("confirmation", True, quotes, "结束前复述确认了约定的关键信息（时间、地点、电话）。")
        if len(missing) < len(best[1]) or not best[0]:
            best = (quotes, missing)
    return call.result(
        "confirmation",
        False,
        best[0],
        f"结束前没有完整复述确认：缺少{'、'.join(best[1])}（客户的复述不算）。标准：{call.standard('confirmation')}",
    )


def _fillers(call: CallReading, turn: ReadTurn) -> List[Quote]:
    """Fillers standing alone: at the start of a clause, or right after another filler (「嗯嗯，那个，」
    「然后就是」); 「就是说」 is one, 「电话就是这个」 and 「那个号码」 none."""
    words = sorted(call.rubric.phrases["fillers"], key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(w) for w in words))
    found: List[Quote] = []
    last_end = -1
    for match in pattern.finditer(turn.text):
        start = match.start()
        before = turn.text[start - 1] if start else ""
        after = turn.text[match.end() : match.end() + 1]
        alone = not after or bool(BOUNDARY.match(after)) or bool(pattern.match(turn.text, match.end()))
        if match.group() in call.rubric.phrases["fillers_alone_only"] and not alone:
            continue  # 「那个号码」
        if start == 0 or BOUNDARY.match(before) or start == last_end:
            found.append((turn, start, match.end(), "courtesy.filler"))
            last_end = match.end()
    return found


def courtesy(call: CallReading) -> CriterionResult:
    """Only the trainee's words count: a customer's 「我没空」 is no fault of the trainee's."""
    rubric = call.rubric
    problems: List[str] = []
    evidence: List[Cited] = []
    quoted: List[Quote] = [q for t in call.trainee if (q := call.rude(t))]
    rude: List[Cited] = [
        *quoted,
        *(t for t in call.trainee if t.intent == "rude" and all(q[0] is not t for q in quoted)),
    ]
    if rude:
        problems.append("态度粗暴、顶撞或与客户争辩（不可顶撞客户、不可无理辩解、不可态度粗暴）")
        evidence += rude
    promises = [q for t in call.trainee if (q := call.promise(t, "courtesy.rash_promise"))]
    if promises:
        problems.append(f"随意许诺（{promises[0][0].text[promises[0][1] : promises[0][2]]}）：不可随意许诺")
        evidence += promises
    # 「你们那个首付是——」 cut off, or 「让我把话说完」: the trainee spoke over the customer.
    cut_off = [
        t
        for t, after in zip(call.turns, call.turns[1:], strict=False)
        if t.speaker == "customer" and after.speaker == "trainee" and call.pattern("cut_off").search(t.text)
    ]
    protests = [t for t in call.customer if call.pattern("interrupted").search(t.text)]
    if cut_off or protests:
        problems.append("打断客户说话（不可打断客户）")
        evidence += (cut_off + protests)[:1]
    fillers = [q for t in call.trainee for q in _fillers(call, t)]
    if len(fillers) > rubric.max_fillers:
        problems.append(f"口头语过多（嗯嗯、那个、然后、就是，共{len(fillers)}处）")
        evidence += fillers
    long_turns = [t for t in call.trainee if len(t.text) > rubric.monologue_chars]
    if long_turns:
        problems.append("一个劲地说，没有让客户说话")
        evidence += long_turns[:1]
    ni = [(t, m.start(), m.end(), "courtesy.ni") for t in call.trainee for m in re.finditer(r"你(?!好)", t.text)]
    if ni or not any("您" in t.text for t in call.trainee):
        problems.append("称呼客户应用“您”，不用“你”")
        evidence += ni[:2]
    last = call.turns[-1]
    if call.transcript.hangup == "trainee" and last.speaker == "customer" and not call.rubric.has(last.text, "goodbye"):
        problems.append("客户话没说完就挂断了电话（不可摔电话）")
        evidence.append(last)
    if problems:
        return call.result("courtesy", False, evidence, f"{'；'.join(problems)}。标准：{call.standard('courtesy')}")
    polite = [(t, t.text.find("您"), t.text.find("您") + 1, "courtesy.polite") for t in call.trainee if "您" in t.text]
    return call.result("courtesy", True, polite[:1], "全程使用礼貌用语，没有触犯电话禁忌。")


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
