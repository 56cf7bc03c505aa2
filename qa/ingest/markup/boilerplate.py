"""A web page's main content: the page without its menus, sidebars, banners and footers.

What a site repeats around every page (a menu of links, a sidebar, a header with the site's name, a footer with
its copyright) is no text of the page: it would become passages of menu text that match every question a little.
Three rules, each from the page's own markup, no site's layout:
- a page that marks its main content (<main>, role="main", or a single <article>) is read from there, keeping
  the headings above it (the page's title often sits in the banner);
- page-level landmarks outside the main content (<header>, <footer>, <aside>, role banner / contentinfo /
  complementary / search) are left out, a banner's headings kept;
- a block that is mostly links (a menu, a list of related pages) outside the marked main content is left out:
  most of its text is link text, in several short links. Paragraphs and tables are never dropped this way (a
  sentence with links is text), nor is a block holding headings (a chapter whose text is its contents list): its
  lists are judged one by one.
"""

from __future__ import annotations

_LANDMARKS = {"header", "footer", "aside"}
_ROLES = {"banner", "contentinfo", "complementary", "search"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Blocks that menus are made of; a <p> or <table> with links is read as text.
_MENU_BLOCKS = {"ul", "ol", "div", "section", "menu", "dl", "header", "footer", "aside", "center"}
MIN_LINKS = 5  # a list of up to four links is often text (downloads, "see also"); a menu has more
LINK_SHARE = 0.7  # of the block's visible text inside <a>
MAX_LINK_CHARS = 40  # menu entries are short; a list of linked sentences is content


def _tag(el) -> str:
    tag = el.tag if isinstance(el.tag, str) else ""
    return tag.rsplit("}", 1)[-1].lower()


def main_content(body):
    """The element holding the page's main content: <main>, role="main" or a lone <article>, else body itself."""
    marked = [el for el in body.iter() if _tag(el) == "main" or el.get("role") == "main"]
    if len(marked) != 1:
        articles = [el for el in body.iter() if _tag(el) == "article"]
        marked = articles if len(articles) == 1 else []
    if not marked or not _prose_length(marked[0]) * 4 >= _prose_length(body):
        return body  # a "main" holding under a quarter of the page's text outside links is not what the page is about
    return marked[0]


def headings_before(body, main) -> list:
    """Headings of the page that come before its main content and outside it (the page title in a banner)."""
    if main is body:
        return []
    out = []
    for el in body.iter():
        if el is main:
            break
        if _tag(el) in _HEADINGS and not _inside(el, main):
            out.append(el)
    return out


def strip(root, main) -> None:
    """Remove landmarks and link-dense blocks from the tree, keeping the headings of removed landmarks.

    Inside a page's marked main content (main is not root) lists of links are its text (options named with links
    to their reference), so menus are looked for only outside it.
    """
    doomed: list = []
    for el in root.iter():
        if not isinstance(el.tag, str) or any(el is d or _inside(el, d) for d in doomed[-1:]):
            continue
        if _is_landmark(el) or (_is_menu(el) and (main is root or not (el is main or _inside(el, main)))):
            doomed.append(el)
    for el in doomed:
        # A banner often holds the page's title; a sidebar's or footer's headings name what is left out with them.
        banner = _tag(el) == "header" or el.get("role") == "banner"
        heads = [h for h in el.iter() if _tag(h) in _HEADINGS] if banner else []
        _replace(el, heads)


def _is_landmark(el) -> bool:
    if el.get("role") in _ROLES:
        return True
    # An <article>'s or <section>'s own header and footer (its title, its date) belong to it.
    return _tag(el) in _LANDMARKS and not any(
        _tag(a) in ("article", "section", "main") or a.get("role") == "main" for a in el.iterancestors()
    )


def _is_menu(el) -> bool:
    if _tag(el) not in _MENU_BLOCKS or any(_tag(h) in _HEADINGS for h in el.iterdescendants()):
        return False  # a block with headings is a part of the page (a chapter over its contents list): its lists are judged
    links = [a for a in el.iter() if _tag(a) == "a" and a.get("href") is not None]
    if len(links) < MIN_LINKS:
        return False
    total = _text_length(el)
    link_chars = [len("".join(a.itertext()).strip()) for a in links]
    return total > 0 and sum(link_chars) >= LINK_SHARE * total and sum(link_chars) / len(links) <= MAX_LINK_CHARS


def _prose_length(el) -> int:
    """Characters of el's text outside links (menus are links; what a page says mostly is not)."""
    return _text_length(el) - sum(_text_length(a) for a in el.iter() if _tag(a) == "a" and not _in_link(a))


def _in_link(a) -> bool:
    return any(_tag(p) == "a" for p in a.iterancestors())


def _text_length(el) -> int:
    return sum(len(t.strip()) for t in el.itertext())


def _inside(el, ancestor) -> bool:
    return any(a is ancestor for a in el.iterancestors())


def _replace(el, keep: list) -> None:
    """Put copies of the elements keep where el was, then remove el; the text after it stays."""
    import copy

    parent = el.getparent()
    if parent is None:
        return
    at = parent.index(el)
    tail = el.tail
    parent.remove(el)  # lxml drops an element's tail with it
    for i, h in enumerate(keep):
        c = copy.deepcopy(h)
        c.tail = None
        parent.insert(at + i, c)
    if tail:
        before = at + len(keep) - 1
        if before >= 0:
            parent[before].tail = (parent[before].tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
