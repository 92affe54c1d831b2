"""The words and forms the customer and the grader look for: surnames, honorifics, days and parts of
the day, clock times, dates, phone numbers, addresses and places. Plain data and regexes, no spaCy:
persona validation and the web import this without loading a language model (`bot.language.spans` matches them)."""

from __future__ import annotations

import re
from typing import Dict, FrozenSet

# Single-character surnames (the common ~120 of 百家姓) and compound ones.
SINGLE_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左"
    "柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶"
    "解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬"
    "边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "诸葛",
    "上官",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "令狐",
    "夏侯",
    "长孙",
    "宇文",
    "司徒",
    "端木",
    "独孤",
    "南宫",
    "西门",
    "百里",
    "呼延",
)
HONORIFICS = (
    "先生",
    "女士",
    "小姐",
    "师傅",
    "总",
    "经理",
    "老师",
    "老板",
    "主任",
    "大哥",
    "大姐",
    "阿姨",
    "叔叔",
    "姐",
    "哥",
    "工",
    "书记",
    "院长",
    "教授",
    "医生",
    "律师",
)
# A persona file without `honorific` is addressed by gender.
HONORIFIC_BY_GENDER = {"male": "先生", "female": "女士"}
PARTS_OF_DAY = {
    "早上": "上午",
    "早晨": "上午",
    "上午": "上午",
    "中午": "中午",
    "午饭后": "下午",
    "下午": "下午",
    "傍晚": "晚上",
    "晚上": "晚上",
    "今晚": "晚上",
    "明晚": "晚上",
}
DAY_WORD_RE = (
    r"(今天|今儿|明天|明儿|后天|大后天|周末|"
    r"(周|星期|礼拜)[一二三四五六日天1-7]|礼拜天|下周[一二三四五六日天]?|下星期[一二三四五六日天]?)"
)

_CN_NUM = "零一二两三四五六七八九十"
_CLOCK = rf"(?:\d{{1,2}}|[{_CN_NUM}]{{1,3}})"
CLOCK_RE = re.compile(rf"{_CLOCK}(?:[点:：](?:半|一刻|三刻|\d{{1,2}}分?|[{_CN_NUM}]{{1,3}}分?)?|点钟)")
DATE_RE = re.compile(rf"(?:{_CLOCK}月)?{_CLOCK}[号日](?![子常])")
# A mainland mobile number, as said or written ("138 1234 5678"); a persona file stores the bare 11 digits.
MOBILE = r"1[3-9]\d(?:[\s-]?\d{4}){2}"
PHONE_RE = re.compile(rf"(?<!\d)(?:{MOBILE}|0\d{{2,3}}-?\d{{7,8}}|400-?\d{{3}}-?\d{{4}})(?!\d)")
ADDRESS_RE = re.compile(
    r"[\u4e00-\u9fff]{1,10}(?:路|街|大道|道|巷|弄)(?:\d+|[一二三四五六七八九十百]+)号"
    r"|[\u4e00-\u9fff]{2,8}(?:区|镇|广场|大厦|中心|园区|开发区)(?:\d+号)?"
)
ADDRESS_LEAD_RE = re.compile(r"^.*?(?:地址是|地址在|位于|就在|我们在|我们是|在|是|到|于)")
# Places a trainee names without a street: "我们展厅", "店里", "售楼处".
PLACE_WORDS = ("展厅", "店里", "门店", "4S店", "售楼处", "样板间", "服务站", "营业厅", "贵公司", "您公司", "公司楼下")

WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
PARTS = ("上午", "中午", "下午", "晚上")
# Day names a persona file may use in `availability.days`.
DAY_NAMES: Dict[str, FrozenSet[int]] = {
    **{name: frozenset({i}) for i, name in enumerate(WEEKDAY_NAMES)},
    "周末": frozenset({5, 6}),
    "工作日": frozenset({0, 1, 2, 3, 4}),
}
