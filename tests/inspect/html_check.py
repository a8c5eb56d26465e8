#!/usr/bin/env python3
"""html_check.py PAGE DOM JSON FUNCTION INDEX

Checks asyncc --emit=html's page. PAGE is the page as asyncc wrote it: it must
fetch nothing (no src or href attribute, no url() but #fragments, no @import).
DOM is the page as headless chromium left it after loading PAGE#await=FUNCTION.INDEX
(--dump-dom): the page's script must have run (data-ready, no data-error) and
exactly these must be highlighted, as JSON (asyncc --emit=json) says: the await,
its state's graph node, its enumerator's and resume label's generated lines, the
generated line, table row and bytes of each field saved across it and of the
member holding the callee's frame. Nothing else may be: the other fields' lines,
rows and bytes stay plain (but for bytes they share with a highlighted field).
"""
import json
import re
import sys
from html.parser import HTMLParser


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.items = []  # (tag, attrs dict)

    def handle_starttag(self, tag, attrs):
        self.items.append((tag, dict(attrs)))


def parse(path):
    p = Elements()
    with open(path, encoding="utf-8") as f:
        text = f.read()
    p.feed(text)
    return text, p.items


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def check_offline(page_path):
    text, items = parse(page_path)
    for tag, attrs in items:
        for a in ("src", "href", "srcset", "action", "data"):
            if a in attrs and not (tag == "script" and a == "data"):
                fail(f"<{tag} {a}={attrs[a]!r}> fetches something")
    style = "".join(re.findall(r"<style>(.*?)</style>", text, re.S))
    if "@import" in style or re.search(r"url\((?!#)", text.split("<script")[0]):
        fail("the style fetches something")


def expected(doc, func, index):
    f = next(f for f in doc["functions"] if f["name"] == func)
    a = f["awaits"][index - 1]
    on, off = {f"await-{func}-{index}", f"state-{func}-{a['state']}",
               f"g{f['states'][a['state']]['enum_line']}", f"g{a['label_line']}"}, set()
    on_cls, off_cls = set(), set()
    for fd in f["frame"]["fields"]:
        ids = {f"g{fd['line']}", f"row-{func}-{fd['name']}"}
        saved = fd["name"] in a["live"] or fd["name"] == a["member"]
        (on if saved else off).update(ids)
        (on_cls if saved else off_cls).add(f"f-{func}-{fd['name']}")
    return f, a, on, off - on, on_cls, off_cls


def main():
    page, dom, doc_path, func, index = sys.argv[1:6]
    index = int(index)
    check_offline(page)
    text, items = parse(dom)
    body = next(attrs for tag, attrs in items if tag == "body")
    if "data-error" in body:
        fail("the page's script failed: " + body["data-error"])
    if body.get("data-ready") != "1":
        fail("the page's script did not finish")
    with open(doc_path) as f:
        doc = json.load(f)
    f, a, on, off, on_cls, off_cls = expected(doc, func, index)
    lit = {attrs["id"] for _, attrs in items
           if "hl" in attrs.get("class", "").split() and "id" in attrs}
    if on - lit:
        fail(f"not highlighted: {sorted(on - lit)}")
    if off & lit:
        fail(f"highlighted but not saved across the await: {sorted(off & lit)}")
    nbytes = 0
    for _, attrs in items:
        cls = attrs.get("class", "").split()
        if "b" not in cls:
            continue
        want = bool(on_cls & set(cls))
        if want != ("hl" in cls):
            fail(f"byte cell {attrs} is {'not ' if want else ''}highlighted")
        nbytes += want
    summary = re.search(r'id="selection">([^<]*)<', text)
    if not summary or a["text"] not in summary.group(1):
        fail(f"the selection line does not name {a['text']}")
    print(f"{func} await {index}: {len(on)} elements and {nbytes} byte cells highlighted, "
          f"{len(off)} left plain")


main()
