"""Default customer lines. A persona's `lines:` section overrides any of these keys.

Placeholders ({surname}, {phone}, {budget}, {slot}, ...) are filled from the persona and the call.
"""

from __future__ import annotations

from typing import Dict, Tuple

DEFAULT_LINES: Dict[str, Tuple[str, ...]] = {
    # Outbound: the customer picks up.
    "opening": ("喂，哪位？", "喂，你好，哪位啊？"),
    "who_is_calling": ("你是哪位啊？哪个单位的？", "等一下，你是谁啊？"),
    "purpose_reply": ("哦，什么事你说吧。", "嗯，你说。"),
    "good_time": ("方便，你说吧。", "嗯，可以，你说。"),
    "not_good_moment": ("我现在不太方便，正忙着呢。",),
    "callback_ok": ("行，那你晚点再打吧。", "好，回头再说。"),
    # Inbound: the trainee picked up; these prefix the first question.
    "greeted_well": ("你好。", "哦，你好。"),
    "greeted_badly": ("喂？是{company}吗？", "喂？打错了吗？这是{company}吧？"),
    "name_given": ("我姓{surname}。", "免贵姓{surname}。"),
    "name_refused": ("名字就不用了吧，先说正事。", "问这个干嘛？先说车的事。"),
    "phone_given": ("我手机是{phone}。", "你记一下，{phone}。"),
    "phone_refused": ("电话就先不留了吧。", "留电话干嘛？我不想被推销电话烦。"),
    "needs": ("主要是{use}，预算{budget}左右，{timing}吧。",),
    "answer_ack": ("哦，好的。", "嗯，明白了。", "这样啊。"),
    "price_push": ("能不能再便宜点啊？", "就这个价？别家可比你们便宜。"),
    "agenda_done": ("嗯，情况我大概了解了。", "行，我大概知道了。"),
    "ask_time": ("{day}几点啊？上午还是下午？", "{day}什么时候？"),
    "invited_vague": ("行啊，有空我过去看看。", "到时候再说吧，有空就过去。"),
    "invited_accept": ("行，那就{slot}吧。", "好，{slot}我过去。"),
    "invited_counter": ("{rejected}我没空，{offer}行不行？", "{rejected}不行啊，{offer}可以吗？"),
    "invited_no_slot": ("最近实在抽不出时间，再说吧。",),
    "ask_address": ("你们地址在哪儿啊？", "对了，你们在哪个位置？"),
    # The customer's memory and class (bot/customer/simulator.py, bot/customer/temperament.py).
    "place_followup": ("那地铁能到吗？", "那边好停车吗？"),
    "invited_hesitant": ("{slot}啊……到时候再看吧，不一定有空。", "我再考虑考虑吧，{slot}还说不准。"),
    "visit_accept": ("行，那就{slot}，你过来吧。", "好，{slot}你过来谈。"),
    "visit_address": ("我在{customer_address}，到了给我打电话。", "地址是{customer_address}，到楼下打我电话。"),
    "talked_over": ("你让我说一句行不行？", "你先停一下，听我说。"),
    "ignored": ("我刚才问的你还没回答呢。", "你先回答我的问题好吗？"),
    "off_topic": ("你说这个干嘛？", "这跟我问的有什么关系？"),
    "rude": ("你这什么态度？", "你怎么这么说话？"),
    "impatient_hangup": ("算了算了，我再问问别家吧。", "行了，不说了。"),
    "dragging_hangup": ("我这边还有事，先这样吧。",),
    "goodbye": ("好的，再见。", "嗯，好，拜拜。"),
    "not_understood": ("啊？你说什么？我没听明白。", "什么？你再说一遍？"),
    "thanks_reply": ("不客气。", "没事。"),
    "apology_reply": ("没事没事。", "没关系。"),
    "contact_noted": ("好，我记一下。", "行，我存一下。"),
    "repeat_confirm": ("对，没错。", "嗯，是的。"),
    "acknowledged": ("嗯。", "嗯嗯。"),
    "trainee_hung_up": ("(对方挂断了电话)",),
    # Turns the customer can't take as words (bot.customer.misheard): garbled, not Chinese, silent.
    "misheard": ("喂？您说什么？信号不太好。", "喂？喂？听不太清，您再说一遍？"),
    "not_chinese": ("您能说中文吗？", "啊？您说的啥？能说中文吗？"),
    "silence": ("喂？还在吗？", "喂？喂？人呢？"),
    "misheard_hangup": ("喂？听不清啊……算了，我先挂了。", "信号太差了，回头再说吧。"),
}

LINE_KEYS = tuple(DEFAULT_LINES)
