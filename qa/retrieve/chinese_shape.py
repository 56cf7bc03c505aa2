"""Chinese questions: what a Chinese question asks for, read from its question words and the noun after them.

"默认多少分钟之内不用再输密码？" asks for a number of minutes (kind quantity, unit 分钟);
"安全支持会持续到哪一年？" asks for a year; "中央备份服务用的是哪些软件？" asks for a thing named 软件.
The rules read the shape of Chinese questions (多少/几/哪一年/何时/谁/哪个/哪里/什么 and the word after
them, or the noun before a closing "是多少"), never particular questions or topics. The shape has the
fields of the English one (qa.retrieve.shape.QuestionShape), so that one verdict mechanism reads both.
"""

from __future__ import annotations

import re

from qa.retrieve.shape import QuestionShape
from qa.text import CJK_RUN, CJK_STOP, jieba_cutter, terms

# (kind, pattern) in the order they are tried: the first that matches decides.
_ASKS = (
    ("time", re.compile(r"哪一?年|何年|哪一?天|何时|什么时候|几月|几号|哪一?月|什么日期|多久以前")),
    ("version", re.compile(r"(?:哪一?个|什么|哪些|多少)版本|版本号?是(?:多少|什么)|哪一?版")),
    ("quantity", re.compile(r"多少|几|多大|多长|多久|多远|多高|多快|多重|多宽|多深")),
    ("person", re.compile(r"谁|哪位|哪些人|什么人")),
    ("place", re.compile(r"哪里|哪儿|在哪|什么地方|何处|什么位置|哪个位置")),
    (
        "entity",
        re.compile(
            r"哪一?个|哪些|哪一?种|哪一?类|哪一?条|哪一?项"
            r"|什么(?!意思|作用|用途|区别|关系|样|原因|好处|影响|含义)"
        ),
    ),
)
# Measure words: "几个参数" asks for a number of 参数, not of 个.
_MEASURE = set("个 位 台 条 种 项 次 件 张 份 块 只 组 行 列 层 级 名 本 篇 页 处 步 类 款 套 部".split())
# Words that end the noun after a question word ("多少内存", not "多少内存才能").
_NOT_NOUN = CJK_STOP | set("才 能 可以 需要 就 会 要 呢 吗 的 地 得 之内 以内 以上 之后 后 时 里 中 上 下".split())
# Abstract nouns: "有什么要求", "用什么方式" ask for a description, not for one named thing.
_ABSTRACT = set(
    ("要求 方式 方法 办法 步骤 内容 功能 用途 作用 好处 特点 条件 原因 区别 影响 问题 事情 情况 规则 格式 限制").split()
)
# A count's suffix: "最大关节数是多少" counts 关节.
_COUNT_SUFFIX = set("数 量 值 数量 数目 个数 次数 大小 多少".split())
_TAIL = re.compile(r"(?:是|为|有|在|等于|设为|设置为|设成)?(?:多少|什么|哪些|哪个)[？?。!！\s]*$")
_ASKING = re.compile(r"多少|几|多久|哪|什么|为何|怎")  # words that only ask ("几个", "多久"): no fact
_DESCRIBE = re.compile(r"为什么|为何|怎么|怎样|如何|是否|能否|可否|吗[？?]?$|什么意思|什么作用|什么用|区别")


def _words(text: str) -> list[str]:
    return [w for w in jieba_cutter().lcut(text) if w.strip()]


def _noun_after(rest: str) -> tuple[str, ...]:
    """The unit and noun right after a question word: "分钟", ("个", "参数") → ("参数",), "秒钟"."""
    out: list[str] = []
    for w in _words(rest)[:3]:
        if w in _MEASURE and not out:
            continue
        if not CJK_RUN.fullmatch(w) or w in _NOT_NOUN:
            break
        out.append(w.removeprefix("个") if len(w) > 1 else w)
        if len(out) == 1:
            break
    return tuple(out)


def _noun_before(head: str) -> tuple[str, ...]:
    """The last content word before a closing "是多少"/"是什么" ("默认 IP 地址是多少" → 地址)."""
    found = [w for w in _words(head) if CJK_RUN.fullmatch(w) and w not in _NOT_NOUN and w not in ("默认", "缺省")]
    if len(found) > 1 and found[-1] in _COUNT_SUFFIX:
        found.pop()
    return tuple(found[-1:])


def _clauses(question: str) -> list[str]:
    return [c for c in re.split(r"[，,；;？?！!。]", question) if c.strip()]


def _ask(clause: str) -> tuple[str, tuple[str, ...]] | None:
    """(kind, focus) of one clause, or None when it asks nothing (a condition, a description)."""
    for kind, pattern in _ASKS:
        m = pattern.search(clause)
        if not m:
            continue
        if kind == "entity" and _DESCRIBE.search(clause) and not m.group(0).startswith("哪"):
            return None
        if kind in ("time", "version", "person", "place"):
            return kind, ()
        if m.group(0) in ("多久", "多长"):  # a duration: any number of any unit of time
            return kind, ()
        after = _noun_after(clause[m.end() :])
        tail = _TAIL.search(clause)
        if not after and tail:
            after = _noun_before(clause[: tail.start()])
        if kind == "entity" and after and after[0] in _ABSTRACT:
            return None
        return kind, after
    return None


def chinese_shape(question: str) -> QuestionShape:
    """What a Chinese question asks for: its kind, focus (unit or noun), Latin-script anchors and words."""
    kind, focus = "description", tuple[str, ...]()
    asked = [a for a in map(_ask, _clauses(question)) if a]
    if asked:  # the first clause that asks for something particular
        kind, focus = asked[0]
    latin = CJK_RUN.sub(" ", question)
    anchors = tuple(
        dict.fromkeys(t for t in re.findall(r"[A-Za-z0-9][\w.+/-]*[\w+]|\d", latin) if any(c in "0123456789" for c in t))
    )
    names = tuple(dict.fromkeys(t.lower() for t in re.findall(r"[A-Za-z][\w.+/-]*[\w+]", latin)))
    words = [
        w for run in CJK_RUN.findall(question) for w in _words(run) if w not in CJK_STOP and len(w) > 1 and not _ASKING.search(w)
    ]
    content = tuple(dict.fromkeys([*words, *(t for t in terms(latin) if t)]))
    return QuestionShape(kind, focus, anchors, content, names)
