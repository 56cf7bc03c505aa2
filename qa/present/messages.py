"""The interface's words in English and Simplified Chinese: one catalogue for the web page and the CLI's --lang."""

from __future__ import annotations

LANGUAGES = ("en", "zh")

EN = {
    # the page's fixed text (gr.I18n translates these in the browser)
    "title": "Ask your documents",
    "intro": "Answers come with the passages that say so, each cited (document, section, page); "
             "open a passage to read it in context.",
    "chat_placeholder": "Ask a question about the documents below.",
    "question_placeholder": "Type a question and press Enter",
    "ask": "Ask",
    "examples": "Example questions (from the documents' own sections)",
    "k": "Passages to show",
    "sources": "Search only these documents (none ticked: all)",
    "mode": "Search mode",
    "mode_hybrid": "hybrid", "mode_dense": "meaning (dense)", "mode_bm25": "words (BM25)",
    "close_page": "Close page view",
    "rebuild": "Rebuild index",
    "add": "Add documents ({types}; up to {mib} MiB each)",
    "documents": "Indexed documents",
    "remove": "Remove",
    "cancel": "Cancel",
    "dismiss": "Dismiss",
    # status
    "ready": "Ready: {documents}, {passages}, updated {time}",
    "details": "Details",
    "model": "model {model} ({dim} dimensions), index generation {generation}",
    "no_index": "No index yet: it is built on the first question, or press Rebuild index.",
    "building": "Rebuilding the index: the chat keeps answering from the current one until the new one is ready.",
    "build_running": "A rebuild of the index is running; answers come from the current index until it ends.",
    "unindexed#one": "Not in the index yet: {files}. Press Rebuild index to add it.",
    "unindexed#other": "Not in the index yet: {files}. Press Rebuild index to add them.",
    "refused_by_build": "Not indexed, refused by the last build: {files}. Fix or replace the file, then rebuild.",
    "and_more": "{shown} and {n} more",
    "document#one": "{n} document", "document#other": "{n} documents",
    "passage#one": "{n} passage", "passage#other": "{n} passages",
    "page#one": "{n} page", "page#other": "{n} pages",
    "no_documents": "No documents are indexed yet.",
    "indexed_at": "indexed {time}",
    "remove_title": "Remove {source} from the corpus and the index",
    # answers
    "also": "Also relevant:",
    "no_match": "The documents do not answer this question: no passage matched it.",
    "closest": "The closest passages are below, marked as not answering it.",
    "section": "section {section}",
    "page": "page {page}",
    "page_range": "page {page} (passage on pages {first}–{last})",
    "chars": "chars {start}–{end}",
    "match_strong": "strong match", "match_fair": "fair match", "match_weak": "weak match",
    "relevance": "relevance {value} of 1 (how closely the passage matches the question; the same scale in every "
                 "search mode)",
    "references": "References cited",
    "show_on_page": "Show on page {page}",
    "context": "Show in context",
    "copy": "Copy with sources",
    "copy_title": "Copy the answer and its numbered sources as Markdown",
    "copied": "Copied",
    "copy_failed": "Copying failed: select the text instead",
    "cannot_answer": "Cannot answer:",
    # the three answer levels, shown at the top of each reply
    "level_answered": "Answer", "level_partial": "May answer", "level_not_found": "Not in the documents",
    "level_answered_note": "The highlighted sentence answers the question.",
    "level_partial_note": "No sentence is claimed as the answer: the passages below may answer it; read them to check.",
    "confidence": "confidence {percent}%",
    "confidence_title": "The probability that the highlighted sentence is right, measured on held-out questions",
    "missing": "Not found in the documents: {what}",
    "page_label": "page {label} (PDF page {page})",
    "page_label_range": "page {label} (PDF page {page}; passage on pages {first}–{last})",
    "sources_heading": "Sources:",
    "not_answered": "The documents do not seem to answer this question.",
    "list_sep": ", ", "colon": ": ",
    "closest_heading": "Closest passages (they do not answer it):",
    "may_answer_heading": "Passages that may answer it (no sentence is claimed as the answer):",
    "example_question": "What does the documentation say about {subject}?",
    "tab_title": "qa: answers from your documents",
    "report_at": "{time}",
    "saved_as": "saved as {name}",
    "saved_renamed": "saved as {name} (a different {original} is already in the corpus)",
    "already_stored": "already in the corpus with the same content",
    "removed_again_failed": "{said}, but the rebuild failed, so it was removed again",
    "removed_again_skipped": "{said}, but it could not be indexed, so it was removed again",
    "rebuild_failed": "The rebuild failed: {reason}",
    "not_removed": "{source} was not removed: {reason}",
    "removed": "{source} was removed.",
    "aria_close_report": "Dismiss this report", "aria_complete": "Complete",
    "reports": "Reports",
    # page view
    "page_of": "{source}, {page}",
    "marked": "passage [{rank}] is marked",
    "not_marked": "the passage's text was not found on the page image, so nothing is marked",
    "zoom_in": "Zoom in", "zoom_out": "Zoom out", "fit": "Fit width",
    "back": "Back to the answer",
    "page_error": "Page {page} of {source} cannot be shown: {reason} (the passage's text in the chat is unaffected).",
    "confirm_remove": "Remove {source}? Its file is deleted from the corpus folder and the index is rebuilt without it.",
    # uploads and builds
    "saved": "{name}: {message}",
    "refused": "{name} was not added: {reason}. Accepted: {types}.",
    "unsupported": "the file type {suffix} cannot be read", "no_suffix": "the file name has no extension",
    "too_large": "the file is {size} MiB; the limit is {limit} MiB",
    "not_indexed": "{name} was not indexed: {reason}",
    "built": "Index rebuilt in {seconds} s: {passages} ({embedded} newly embedded); {added} added, {updated} updated, "
             "{removed} removed, {unchanged} unchanged, {skipped} skipped.",
    "stage_load": "Reading documents", "stage_embed": "Embedding passages", "stage_write": "Writing the index",
    "stage_pages": "Reading pages", "stage_passages": "Embedding passages", "stage_words": "Embedding words",
    "stage_start": "Starting the rebuild", "stage_store": "Checking and storing {name}",
    "progress": "{stage} {done} of {total}",
    "removing": "Removing {source}",
    # gradio's own words, relabelled in the browser (assets/evidence.js); {label} is the control's label
    "aria_conversation": "Conversation", "aria_reset": "Reset to default value",
    "aria_upload": "Click to upload or drop files", "aria_number": "number input for {label}",
    "aria_slider": "range slider for {label}", "question_label": "Question",
    # CLI
    "cli_closest": "The closest passages, which do not answer it:",
    "score": "score {score}",
}

ZH = {
    "title": "向文档提问",
    "intro": "每个回答都附上出处段落（文档、章节、页码）；展开段落可查看上下文。",
    "chat_placeholder": "就下方的文档提出问题。",
    "question_placeholder": "输入问题后按回车",
    "ask": "提问",
    "examples": "示例问题（取自文档的章节标题）",
    "k": "显示段落数",
    "sources": "只搜索这些文档（都不勾选：全部）",
    "mode": "搜索方式",
    "mode_hybrid": "混合", "mode_dense": "语义", "mode_bm25": "关键词",
    "close_page": "关闭页面视图",
    "rebuild": "重建索引",
    "add": "添加文档（{types}；每个最多 {mib} MiB）",
    "documents": "已索引的文档",
    "remove": "删除",
    "cancel": "取消",
    "dismiss": "关闭",
    "ready": "就绪：{documents}，{passages}，更新于 {time}",
    "details": "详情",
    "model": "模型 {model}（{dim} 维），索引版本 {generation}",
    "no_index": "尚无索引：第一次提问时会自动建立，也可以点击“重建索引”。",
    "building": "正在重建索引：新索引完成前，仍用当前索引回答。",
    "build_running": "索引正在重建；完成前仍用当前索引回答。",
    "unindexed#one": "尚未索引：{files}。点击“重建索引”即可加入。",
    "unindexed#other": "尚未索引：{files}。点击“重建索引”即可加入。",
    "refused_by_build": "上次重建时拒收、未索引：{files}。请修正或替换文件后再重建。",
    "and_more": "{shown} 等另外 {n} 个",
    "document#one": "{n} 个文档", "document#other": "{n} 个文档",
    "passage#one": "{n} 个段落", "passage#other": "{n} 个段落",
    "page#one": "{n} 页", "page#other": "{n} 页",
    "no_documents": "还没有已索引的文档。",
    "indexed_at": "索引于 {time}",
    "remove_title": "从文档库和索引中删除 {source}",
    "also": "其他相关内容：",
    "no_match": "文档没有回答这个问题：没有匹配的段落。",
    "closest": "下面是最接近的段落，但它们没有回答这个问题。",
    "section": "章节 {section}",
    "page": "第 {page} 页",
    "page_range": "第 {page} 页（段落跨第 {first}–{last} 页）",
    "chars": "字符 {start}–{end}",
    "match_strong": "高度相关", "match_fair": "部分相关", "match_weak": "弱相关",
    "relevance": "相关度 {value}（满分 1，表示段落与问题的匹配程度；各种搜索方式使用同一标尺）",
    "references": "引用的参考文献",
    "show_on_page": "在第 {page} 页上显示",
    "context": "显示上下文",
    "copy": "复制（含出处）",
    "copy_title": "以 Markdown 复制回答及其编号出处",
    "copied": "已复制",
    "copy_failed": "复制失败：请手动选择文字",
    "cannot_answer": "无法回答：",
    "level_answered": "回答", "level_partial": "可能相关", "level_not_found": "文档中没有",
    "level_answered_note": "高亮的句子回答了这个问题。",
    "level_partial_note": "没有哪一句被认定为答案：下面的段落可能回答了这个问题，请阅读核对。",
    "confidence": "置信度 {percent}%",
    "confidence_title": "高亮句子正确的概率（在未参与训练的问题上测得）",
    "missing": "文档中没有找到：{what}",
    "page_label": "第 {label} 页（PDF 第 {page} 页）",
    "page_label_range": "第 {label} 页（PDF 第 {page} 页；段落跨第 {first}–{last} 页）",
    "sources_heading": "出处：",
    "not_answered": "文档似乎没有回答这个问题。",
    "list_sep": "，", "colon": "：",
    "closest_heading": "最接近的段落（它们没有回答这个问题）：",
    "may_answer_heading": "可能回答这个问题的段落（没有哪一句被认定为答案）：",
    "example_question": "文档中关于“{subject}”是怎么说的？",
    "tab_title": "向文档提问",
    "report_at": "{time}",
    "saved_as": "已保存为 {name}",
    "saved_renamed": "已保存为 {name}（文档库中已有另一个不同的 {original}）",
    "already_stored": "文档库中已有内容相同的文件",
    "removed_again_failed": "{said}，但索引重建失败，因此已再次删除",
    "removed_again_skipped": "{said}，但无法索引，因此已再次删除",
    "rebuild_failed": "索引重建失败：{reason}",
    "not_removed": "{source} 未删除：{reason}",
    "removed": "已删除 {source}。",
    "aria_close_report": "关闭这条报告", "aria_complete": "已完成",
    "reports": "报告",
    "page_of": "{source}，{page}",
    "marked": "已标出段落 [{rank}]",
    "not_marked": "在页面图像上没有找到该段落的文字，因此没有标记",
    "zoom_in": "放大", "zoom_out": "缩小", "fit": "适合宽度",
    "back": "返回回答",
    "page_error": "无法显示 {source} 第 {page} 页：{reason}（聊天中的段落文字不受影响）。",
    "confirm_remove": "删除 {source}？它的文件会从文档文件夹中删除，并在不含它的情况下重建索引。",
    "saved": "{name}：{message}",
    "refused": "{name} 未添加：{reason}。可接受的类型：{types}。",
    "unsupported": "无法读取 {suffix} 类型的文件", "no_suffix": "文件名没有扩展名",
    "too_large": "文件大小为 {size} MiB，上限是 {limit} MiB",
    "not_indexed": "{name} 未能索引：{reason}",
    "built": "索引已重建，用时 {seconds} 秒：{passages}（新嵌入 {embedded} 个）；新增 {added}，更新 {updated}，"
             "删除 {removed}，未变 {unchanged}，跳过 {skipped}。",
    "stage_load": "正在读取文档", "stage_embed": "正在嵌入段落", "stage_write": "正在写入索引",
    "stage_pages": "正在读取页面", "stage_passages": "正在嵌入段落", "stage_words": "正在嵌入词语",
    "stage_start": "开始重建", "stage_store": "正在检查并保存 {name}",
    "progress": "{stage} {done}/{total}",
    "removing": "正在删除 {source}",
    "aria_conversation": "对话", "aria_reset": "恢复默认值",
    "aria_upload": "点击上传或拖入文件", "aria_number": "{label}（数字输入）",
    "aria_slider": "{label}（滑块）", "question_label": "问题",
    "cli_closest": "最接近的段落（它们没有回答这个问题）：",
    "score": "得分 {score}",
}

CATALOGUE = {"en": EN, "zh": ZH}


def language(preferred: str | None) -> str:
    """"zh" when the first language a browser (Accept-Language) or a --lang option asks for is Chinese, else "en"."""
    first = (preferred or "").split(",")[0].split(";")[0].strip().lower()
    return "zh" if first.startswith("zh") else "en"


def text(lang: str, key: str, **values) -> str:
    """The message `key` in lang (English when lang has none), with its {placeholders} filled."""
    template = CATALOGUE.get(lang, EN).get(key) or EN[key]
    return template.format(**values) if values else template


def sentence(lang: str, said: str) -> str:
    """A sentence the library built in English (an error, a refused or skipped file, a build warning), in lang."""
    from qa.present.library_sentences import in_language

    return in_language(said, lang)


def number(n: int) -> str:
    """A count with thousands separators (5,708), as both languages write it."""
    return f"{int(n):,}"


def count(lang: str, noun: str, n: int) -> str:
    """"1 document", "4 documents", "5,708 passages" (Chinese has one form)."""
    return text(lang, f"{noun}#{'one' if n == 1 else 'other'}", n=number(n))


def i18n_tables() -> dict[str, dict[str, str]]:
    """The catalogue as gr.I18n wants it (locale to key to text), fixed text only (no placeholders)."""
    return {"en": {k: v for k, v in EN.items() if "{" not in v},
            "zh-CN": {k: v for k, v in ZH.items() if "{" not in v},
            "zh": {k: v for k, v in ZH.items() if "{" not in v}}
