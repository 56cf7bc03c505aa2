"""Chinese question shapes: the kind of answer asked for, read from the question word and the noun after it."""

from __future__ import annotations

import pytest

from qa.retrieve.chinese_shape import chinese_shape


@pytest.mark.parametrize(
    "question, kind, focus",
    [
        ("用 sudo 输入一次密码之后，默认多少分钟之内不用再输密码？", "quantity", ("分钟",)),
        ("GRUB 启动菜单默认会等几秒钟？", "quantity", ("秒钟",)),
        ("LinuxCNC 最多能同时控制多少个轴？", "quantity", ("轴",)),
        ("用 call 命令调用脚本时，最多能传几个参数？", "quantity", ("参数",)),
        ("学生主目录默认的磁盘配额是多少？", "quantity", ("配额",)),
        ("在 GOsa² 里添加机器后，DNS 多久更新一次？", "quantity", ()),
        ("Debian Edu 12 Bookworm 的安全支持会持续到哪一年？", "time", ()),
        ("这份手册页是由谁翻译的？", "person", ()),
        ("手册页的源文件存放在哪里？", "place", ()),
        ("中央备份服务用的是哪些软件？", "entity", ("软件",)),
        ("需要安装哪个版本的内核？", "version", ()),
        ("为什么一个学校网络里只能有一台 Debian Edu 主服务器？", "description", ()),
        ("主服务器的主机名 tjener 是什么意思？默认 IP 地址是多少？", "quantity", ("地址",)),
    ],
)
def test_the_question_word_and_the_noun_after_it_say_what_is_asked(question, kind, focus):
    s = chinese_shape(question)
    assert (s.kind, s.focus) == (kind, focus)


def test_latin_script_terms_are_names_and_numbers_are_anchors_and_question_words_are_not_terms():
    s = chinese_shape("在 2.9 开发版中，LinuxCNC 支持的最大关节数是多少？")
    assert s.anchors == ("2.9",)
    assert s.names == ("linuxcnc",)
    assert "多少" not in s.terms and "linuxcnc" in s.terms and "开发" in "".join(s.terms)
