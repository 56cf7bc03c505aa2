"""The library's own sentences (errors, refused and skipped files, build warnings) in the reader's language.

The library words each sentence in English where it happens: in a parsing child, in a build whose report is
kept in the manifest, in an exception. Those sentences cross processes and files as text, so they are translated
where they are shown, as gettext does: the English template is the message id, and a catalogue gives its Chinese.
A template's {name} parts are taken from the English sentence as they are (file names, numbers, a library's own
error text); the parts named in NESTED are sentences or nouns themselves and are translated in turn. A sentence
the catalogue lacks is shown as it is: tests/present/test_library_sentences.py fails when a sentence built in qa/ has no
template here.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Parts that are themselves sentences or nouns of this catalogue (a reason inside a reason, a kind of file).
NESTED = frozenset({"reason", "warning", "what", "place", "setting", "hint"})

# A catalogue reads as a table, each English template above its Chinese: not re-flowed by the formatter.
# fmt: off
ZH: dict[str, str] = {
    # kinds of files and places, inside other sentences
    "text file": "文本文件",
    "HTML file": "HTML 文件",
    "index folder {path}": "索引文件夹 {path}",
    "corpus folder {path}": "文档文件夹 {path}",
    "folder {path}": "文件夹 {path}",
    "folder it writes to": "写入的文件夹",
    "corpus folder": "文档文件夹",
    "(or point QA_INDEX_DIR at a writable folder)": "（或把 QA_INDEX_DIR 指向可写的文件夹）",
    "(or point QA_CORPUS_DIR at a writable folder)": "（或把 QA_CORPUS_DIR 指向可写的文件夹）",
    "(a scanned PDF without a text layer?)": "（可能是没有文字层的扫描版 PDF）",
    # explain(): failures of the machine, said the same in the terminal and on the page
    "A rebuild of the index is already running; wait for it to finish (the status shows its progress), "
    "then try again.": "索引正在重建；请等它完成（状态栏显示进度）后再试。",
    "The {place} is read-only, so nothing can be written there; make it writable {setting} and try again.":
        "{place} 是只读的，无法写入；请把它改为可写{setting}后再试。",
    "The {place} is read-only, so nothing can be written there; make it writable and try again.":
        "{place} 是只读的，无法写入；请把它改为可写后再试。",
    "The disk holding the {place} is full; free some space there {setting} and try again.":
        "{place} 所在的磁盘已满；请腾出空间{setting}后再试。",
    "The disk holding the {place} is full; free some space there and try again.":
        "{place} 所在的磁盘已满；请腾出空间后再试。",
    "The server ran out of memory; try a smaller file or fewer at once.": "服务器内存不足；请换一个较小的文件，或一次少传几个。",
    "Could not use the {place} ({detail}); check that it exists and is writable, then try again.":
        "无法使用 {place}（{detail}）；请确认它存在且可写，然后再试。",
    "Unexpected failure ({kind}: {detail}); try again, and report it if it persists.":
        "意外错误（{kind}: {detail}）；请再试一次，如果仍然出错请报告。",
    "The index is being rebuilt; try again in {n} s.": "索引正在重建；请在 {n} 秒后再试。",
    # questions
    "the question is empty; type a question about the documents": "问题是空的；请输入一个关于文档的问题",
    "the question must be text, not {kind}": "问题必须是文字，而不是 {kind}",
    "the question is {n} characters long; the limit is {limit}": "问题长 {n} 个字符；上限是 {limit}",
    "k={k} is not allowed; k must be a whole number from {low} to {high}": "k={k} 不可用；k 必须是 {low} 到 {high} 之间的整数",
    "k={k} is out of range; k must be a whole number from {low} to {high}": "k={k} 超出范围；k 必须是 {low} 到 {high} 之间的整数",
    "mode={mode} is not allowed; valid choices: {choices}": "mode={mode} 不可用；可选值：{choices}",
    "sources={value} is not allowed; sources must be a list of document names (or null for all documents)":
        "sources={value} 不可用；sources 必须是文档名的列表（或 null 表示全部文档）",
    "sources names documents the index does not hold: {names}; indexed documents: {indexed}":
        "sources 中有索引里没有的文档：{names}；已索引的文档：{indexed}",
    # the index
    "{name} is not in the index": "{name} 不在索引中",
    "{name} is not an indexed document": "{name} 不是已索引的文档",
    "another build of the index in {path} is running; wait for it to finish (or build with wait=True / "
    "qa index --wait)": "{path} 中的索引正在由另一个进程构建；请等它完成（或使用 wait=True / qa index --wait）",
    "nothing to index; the existing index is unchanged": "没有可索引的内容；现有索引保持不变",
    "nothing to index ({reasons}); the existing index is unchanged": "没有可索引的内容（{reasons}）；现有索引保持不变",
    "no index at {path}; build one with: qa index": "{path} 没有索引；请用 qa index 构建",
    "{path} does not exist": "{path} 不存在",
    "{name}: kept the previously indexed version": "{name}：保留了之前索引的版本",
    # removing a document
    "{name} is not a file name inside the corpus folder": "{name} 不是文档文件夹中的文件名",
    "{name} is not inside the corpus folder {path}": "{name} 不在文档文件夹 {path} 中",
    "{name} is not in the corpus folder {path} (it was indexed from elsewhere); index without it to take it out":
        "{name} 不在文档文件夹 {path} 中（它是从别处索引的）；重建索引时不包含它即可移除",
    "{name} could not be deleted ({detail})": "{name} 无法删除（{detail}）",
    # showing a page
    "{name} is not in the index, so its pages cannot be shown": "{name} 不在索引中，无法显示其页面",
    "{name} is not a PDF, so it has no pages to show": "{name} 不是 PDF，没有可显示的页面",
    "{name} has no page {page} in the index": "索引中 {name} 没有第 {page} 页",
    "{name} is not in the corpus folder any more, so its page cannot be shown": "{name} 已不在文档文件夹中，无法显示其页面",
    "{name} is over the file size limit (QA_MAX_FILE_BYTES)": "{name} 超过文件大小上限（QA_MAX_FILE_BYTES）",
    "{name} has changed since it was indexed; rebuild the index to see its pages":
        "{name} 在索引后已被修改；请重建索引后再查看其页面",
    "{name} cannot be read ({detail})": "{name} 无法读取（{detail}）",
    "rendering page {page} took longer than {s} s": "渲染第 {page} 页超过了 {s} 秒",
    "the page renderer could not run ({detail})": "页面渲染程序无法运行（{detail}）",
    "the page renderer {how} on this page": "页面渲染程序在这一页上出错（{how}）",
    "the page renderer gave unreadable output ({detail})": "页面渲染程序的输出无法读取（{detail}）",
    # files skipped while collecting the corpus
    "hidden file (its name starts with a dot); rename it without the dot to index it":
        "隐藏文件（文件名以点开头）；去掉开头的点后即可索引",
    "hidden folder (its name starts with a dot), not read; rename it without the dot to index its files":
        "隐藏文件夹（名称以点开头），未读取；去掉开头的点后即可索引其中的文件",
    "symbolic link loop": "符号链接循环",
    "symbolic link leads outside the {place}": "符号链接指向{place}之外",
    "unsupported file type {suffix}; supported: {suffixes}": "不支持的文件类型 {suffix}；支持的类型：{suffixes}",
    "not a regular file (a pipe, device or socket)": "不是普通文件（是管道、设备或套接字）",
    "not a regular file (a folder, pipe, device or socket)": "不是普通文件（是文件夹、管道、设备或套接字）",
    "same file as {name} (indexed once)": "与 {name} 是同一个文件（只索引一次）",
    "same content as {name} (indexed once)": "与 {name} 内容相同（只索引一次）",
    "another file is already indexed under the name {name}": "已有另一个文件以 {name} 为名被索引",
    "folder cannot be read ({detail})": "文件夹无法读取（{detail}）",
    # reading a file
    "empty file (0 bytes)": "空文件（0 字节）",
    "binary content, not text": "是二进制内容，不是文本",
    "not a PDF (the file does not start with %PDF-)": "不是 PDF（文件开头不是 %PDF-）",
    "the {what} file is password-protected (it is encrypted); save a copy without the password and add that":
        "{what} 文件有密码保护（已加密）；请另存一份不带密码的副本再添加",
    "not {article} {what} file (it is not a zip archive, as {what} files are)":
        "不是 {what} 文件（{what} 文件应是 zip 压缩包，而它不是）",
    "not a {kind} image (its first bytes are not a {kind} signature)": "不是 {kind} 图片（开头的字节不是 {kind} 签名）",
    "no text found": "没有找到文字",
    "no text found {hint}": "没有找到文字{hint}",
    "no text found (the file holds no paragraphs, headings, tables or code)": "没有找到文字（文件中没有段落、标题、表格或代码）",
    "no text to index": "没有可索引的文字",
    "file is {size} MiB, over the {limit} MiB limit (QA_MAX_FILE_BYTES)":
        "文件大小 {size} MiB，超过 {limit} MiB 的上限（QA_MAX_FILE_BYTES）",
    "file is over the {limit} MiB limit (QA_MAX_FILE_BYTES)": "文件超过 {limit} MiB 的上限（QA_MAX_FILE_BYTES）",
    "cannot read file ({detail})": "无法读取文件（{detail}）",
    "the file kept changing while it was read ({n} tries); it is skipped until it is written completely "
    "(rebuild then)": "读取时文件一直在变化（试了 {n} 次）；在它写完之前先跳过（写完后请重建索引）",
    "the {what}'s text grows past {n} characters, the most one file may become (QA_MAX_TEXT_CHARS)":
        "{what} 的文字超过 {n} 个字符，这是单个文件的上限（QA_MAX_TEXT_CHARS）",
    "the {what}'s text grows past {n} characters, more than a file of {size} may become ({ratio} characters per "
    "byte of the file, QA_MAX_TEXT_PER_BYTE); a part of it repeats or expands without bound":
        "{what} 的文字超过 {n} 个字符，超出 {size} 的文件应有的长度（每字节 {ratio} 个字符，QA_MAX_TEXT_PER_BYTE）；"
        "其中某部分在无限重复或膨胀",
    "the file makes {n} passages, over the limit of {limit} for one file (QA_MAX_PASSAGES)":
        "文件切分出 {n} 个段落，超过单个文件 {limit} 个的上限（QA_MAX_PASSAGES）",
    # the parsing child
    "{what} parsing took longer than {s} s (QA_PARSE_TIMEOUT_S); the file may make the parser loop":
        "{what} 解析超过了 {s} 秒（QA_PARSE_TIMEOUT_S）；文件可能让解析器陷入循环",
    "{what} parsing needed more than {mib} MiB of memory (QA_PARSE_MEMORY_BYTES)":
        "{what} 解析需要超过 {mib} MiB 内存（QA_PARSE_MEMORY_BYTES）",
    "the {what} parser crashed ({signal})": "{what} 解析器崩溃了（{signal}）",
    "the {what} parser failed ({detail})": "{what} 解析器出错（{detail}）",
    "could not start the {what} parser ({detail})": "无法启动 {what} 解析器（{detail}）",
    "the {what} parser gave unreadable output ({detail})": "{what} 解析器的输出无法读取（{detail}）",
    "could not start the PDF parser ({detail})": "无法启动 PDF 解析器（{detail}）",
    "the PDF parser gave unreadable output ({detail})": "PDF 解析器的输出无法读取（{detail}）",
    "page {page} could not be read and was skipped ({kind})": "第 {page} 页无法读取，已跳过（{kind}）",
    # marked-up files and archives
    "not a Word document (the archive has no word/document.xml)": "不是 Word 文档（压缩包中没有 word/document.xml）",
    "the Word document has no body": "Word 文档没有正文",
    "not an EPUB book (the archive has no META-INF/container.xml)": "不是 EPUB 电子书（压缩包中没有 META-INF/container.xml）",
    "not an EPUB book (container.xml names no package file)": "不是 EPUB 电子书（container.xml 没有指明包文件）",
    "the EPUB's spine lists no readable pages": "EPUB 的目录（spine）中没有可读的页面",
    "the EPUB's spine lists no readable pages: {left}": "EPUB 的目录（spine）中没有可读的页面：{left}",
    "left out {path} ({reason})": "略去了 {path}（{reason}）",
    "the {what} nests its elements deeper than the parser can follow ({depth}); its text past that point would be "
    "lost": "{what} 的元素嵌套超过了解析器能跟踪的深度（{depth}）；超过的部分文字会丢失",
    "nested deeper than the parser follows ({depth}): read without its <div> and <span> nesting, so some "
    "paragraphs may run together":
        "嵌套超过解析器能跟踪的深度（{depth}）：已忽略 <div> 和 <span> 的嵌套读取，部分段落可能连在一起",
    "the {what} cannot be parsed ({detail})": "{what} 无法解析（{detail}）",
    "a table of the page spans more than {n} cells (its row and column spans would multiply its text)":
        "页面中有一个表格超过 {n} 个单元格（其跨行跨列会成倍放大文字）",
    "a table of the document spans more than {n} cells": "文档中有一个表格超过 {n} 个单元格",
    "not an OpenDocument file (the {what} archive has no content.xml)":
        "不是 OpenDocument 文件（{what} 压缩包中没有 content.xml）",
    "the {what} is password-protected (its content is encrypted); save a copy without a password":
        "{what} 有密码保护（内容已加密）；请另存一份不带密码的副本",
    "the {what} file holds no {body} (its body is {kind})": "{what} 文件中没有 {body}（其正文是 {kind}）",
    "not a readable {what} (a damaged zip archive: {detail})": "不是可读的 {what}（zip 压缩包已损坏：{detail}）",
    "the {what} is password-protected (its archive is encrypted); save a copy without the password and add that":
        "{what} 有密码保护（压缩包已加密）；请另存一份不带密码的副本再添加",
    "the {what} archive has {n} members, over the limit of {limit}": "{what} 压缩包有 {n} 个成员，超过 {limit} 个的上限",
    "the {what} archive has a member path that climbs out of it ({path})": "{what} 压缩包中有成员路径指向包外（{path}）",
    "the {what} archive would unpack to {size} MiB, over the limit of {limit} MiB (a decompression bomb?)":
        "{what} 压缩包解压后会有 {size} MiB，超过 {limit} MiB 的上限（可能是解压炸弹）",
    "the {what} archive member {name} expands {n} times ({packed} bytes to {size}): a decompression bomb":
        "{what} 压缩包成员 {name} 解压后膨胀 {n} 倍（{packed} 字节到 {size}）：是解压炸弹",
    "the {what} archive has no member {name}": "{what} 压缩包中没有成员 {name}",
    "the {what} archive member {name} cannot be read ({detail})": "{what} 压缩包成员 {name} 无法读取（{detail}）",
    "the {what} archive member {name} expands past its declared size (a decompression bomb)":
        "{what} 压缩包成员 {name} 解压后超过其声明的大小（是解压炸弹）",
    "a link inside the archive climbs out of it ({path})": "压缩包内有链接指向包外（{path}）",
    "the {what} declares an external XML entity (it would read another file or a URL)":
        "{what} 声明了外部 XML 实体（它会读取别的文件或网址）",
    "the {what} declares XML entities that nest or are large (an \"entity bomb\": they can expand without bound)":
        "{what} 声明了嵌套或很大的 XML 实体（“实体炸弹”：可能无限膨胀）",
    "the {what}'s entities expand to more than {mib} MiB": "{what} 的实体展开后超过 {mib} MiB",
    "the {what} is not well-formed XML ({detail})": "{what} 不是格式正确的 XML（{detail}）",
    "no reader for {kind}": "没有 {kind} 的读取程序",
    "EPUB page {path}": "EPUB 页面 {path}",
    "the image is too large to read ({detail})": "图片太大，无法读取（{detail}）",
    "not a readable image ({kind}: {detail})": "不是可读的图片（{kind}: {detail}）",
    # build warnings: a file's warning after its name, text decoded from a guessed encoding, pages read by OCR
    "{what}: {warning}": "{what}：{warning}",
    "decoded as {encoding}": "按 {encoding} 解码",
    "not UTF-8: decoded as {encoding}": "不是 UTF-8：按 {encoding} 解码",
    "UTF-8 with {n} invalid byte, each shown as \ufffd; the rest of the text is kept":
        "UTF-8 中有 {n} 个无效字节，显示为 \ufffd；其余文字保留",
    "UTF-8 with {n} invalid bytes, each shown as \ufffd; the rest of the text is kept":
        "UTF-8 中有 {n} 个无效字节，均显示为 \ufffd；其余文字保留",
    "read {n} page without a text layer by OCR ({engine}): p. {pages}":
        "用 OCR（{engine}）读取了 {n} 页没有文字层的页面：第 {pages} 页",
    "read {n} pages without a text layer by OCR ({engine}): pp. {pages}":
        "用 OCR（{engine}）读取了 {n} 页没有文字层的页面：第 {pages} 页",
    "{n} page without a text layer left unread; {hint}": "有 {n} 页没有文字层，未读取；{hint}",
    "{n} pages without a text layer left unread; {hint}": "有 {n} 页没有文字层，未读取；{hint}",
    "no text found: the image is an image without a text layer; {hint}": "没有找到文字：这张图片没有文字层；{hint}",
    "no text found: the PDF's {n} page are images without a text layer; {hint}":
        "没有找到文字：这个 PDF 的 {n} 页都是没有文字层的图片；{hint}",
    "no text found: the PDF's {n} pages are images without a text layer; {hint}":
        "没有找到文字：这个 PDF 的 {n} 页都是没有文字层的图片；{hint}",
    "install an OCR engine to read them: pip install 'qa-cited[ocr]' (rapidocr-onnxruntime), or apt-get install "
    "tesseract-ocr tesseract-ocr-chi-sim": "安装一个 OCR 引擎即可读取：pip install 'qa-cited[ocr]'（rapidocr-onnxruntime），"
                                           "或 apt-get install tesseract-ocr tesseract-ocr-chi-sim",
}
# fmt: on


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(pattern, English template) of every template, the most specific (most fixed text) first."""
    out = []
    for en in ZH:
        parts = re.split(r"\{(\w+)\}", en)
        seen: set[str] = set()
        regex = []
        for i, part in enumerate(parts):
            if i % 2 == 0:
                regex.append(re.escape(part))
            elif part in seen:
                regex.append(f"(?P={part})")
            else:
                seen.add(part)
                regex.append(f"(?P<{part}>.+?)")
        fixed = sum(len(p) for p in parts[::2])
        out.append((fixed, re.compile("".join(regex), re.DOTALL), en))
    out.sort(key=lambda t: -t[0])
    return tuple((pattern, en) for _, pattern, en in out)


def _match(text: str) -> tuple[str, dict[str, str], bool] | None:
    """(English template, its parts, whether a period was left off to match) of the template that says text."""
    stripped = text.strip()
    tries = [(stripped, False)] + ([(stripped[:-1], True)] if stripped.endswith(".") else [])
    for core, cut in tries:
        for pattern, en in _patterns():
            got = pattern.fullmatch(core)
            if got:
                return en, got.groupdict(), cut
    return None


def template_for(text: str) -> str | None:
    """The catalogue's English template that text is an instance of, else None."""
    found = _match(text)
    return found[0] if found else None


def in_language(text: str, lang: str) -> str:
    """text, a sentence the library built in English, in lang ("en" or "zh"); as it is when the catalogue lacks it."""
    found = _match(text) if lang != "en" and text else None
    if found is None:
        return text
    en, parts, cut = found
    zh = ZH[en]
    values = {k: in_language(v, lang) if k in NESTED else v for k, v in parts.items()}
    return zh.format(**values) + ("。" if cut else "")
