#!/usr/bin/env python3
"""Lists the Swift functions whose bodies are longer than a limit (issue 24's habit: at most 3 over 80 lines).

Usage: Scripts/function-lengths.py [--over N] [PATH ...]     (default: --over 80 Sources)

Counts every func, init, deinit, subscript, computed property (`var x: T {`) and closure-initialised
property (`let x: T = {`), from the line of its keyword to the line of its closing brace, so a
function's signature counts as the code it is. Braces are matched after comments and string
contents are blanked (string interpolations are kept, they are code). Nested functions are listed on
their own and also count in the function around them. CodeShapeTests counts the same way.
"""

import os
import re
import sys


def blank_comments_and_strings(text):
    """The text with comments and string contents replaced by spaces; newlines kept, so lines match."""
    out = []
    i, n = 0, len(text)
    # Stack of contexts: 'code' entries carry the paren depth of an interpolation, strings their delimiter.
    stack = [("code", None, 0)]
    while i < n:
        kind, delim, depth = stack[-1]
        c = text[i]
        if kind == "code":
            if text.startswith("//", i):
                j = text.find("\n", i)
                j = n if j < 0 else j
                out.append(" " * (j - i))
                i = j
                continue
            if text.startswith("/*", i):
                level, j = 0, i
                while j < n:
                    if text.startswith("/*", j):
                        level += 1
                        j += 2
                    elif text.startswith("*/", j):
                        level -= 1
                        j += 2
                        if level == 0:
                            break
                    else:
                        j += 1
                out.append(re.sub(r"[^\n]", " ", text[i:j]))
                i = j
                continue
            m = re.match(r'(#*)("""|")', text[i:i + 12])
            if m:
                hashes, quote = m.group(1), m.group(2)
                out.append(" " * len(m.group(0)))
                i += len(m.group(0))
                stack.append(("string", (hashes, quote), 0))
                continue
            if delim == "interp":
                if c == "(":
                    stack[-1] = (kind, delim, depth + 1)
                elif c == ")":
                    if depth == 0:
                        stack.pop()
                        out.append(" ")
                        i += 1
                        continue
                    stack[-1] = (kind, delim, depth - 1)
            out.append(c)
            i += 1
            continue
        hashes, quote = delim
        if c == "\\" and text.startswith(hashes, i + 1):
            after = i + 1 + len(hashes)
            if after < n and text[after] == "(":
                out.append(" " * (after + 1 - i))
                i = after + 1
                stack.append(("code", "interp", 0))
                continue
            out.append(" " if after >= n or text[after] != "\n" else "")
            out.append(re.sub(r"[^\n]", " ", text[i + 1:after + 1]))
            i = after + 1
            continue
        if text.startswith(quote + hashes, i):
            out.append(" " * len(quote + hashes))
            i += len(quote + hashes)
            stack.pop()
            continue
        out.append("\n" if c == "\n" else " ")
        i += 1
    return "".join(out)


DECLARATION = re.compile(
    r"\b(?:func\s+(?P<func>[^\s(<]+)|(?P<init>init)\s*[?!]?\s*[(<]|(?P<deinit>deinit)\s*\{|(?P<subscript>subscript)\s*[(<]"
    r"|(?:var|let)\s+(?P<property>\w+)\s*(?::[^={\n]*)?(?:=\s*)?\{)"
)
TYPE = re.compile(r"\b(?:struct|class|enum|actor|protocol|extension)\s+([\w.]+)[^{;\n]*\{")


def matching_brace(code, open_index):
    depth = 0
    for j in range(open_index, len(code)):
        if code[j] == "{":
            depth += 1
        elif code[j] == "}":
            depth -= 1
            if depth == 0:
                return j
    return len(code) - 1


def body_start(code, start):
    """The index of the `{` opening the body of the declaration at `start`, or None (a requirement)."""
    depth = 0
    j = start
    while j < len(code):
        c = code[j]
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif depth == 0 and c == "{":
            return j
        elif depth == 0 and c == "}":
            return None
        elif depth == 0 and c == "\n":
            rest = code[j + 1:].lstrip(" \t")
            if not re.match(r"(->|throws|rethrows|async|where|\{|\)|,|&|:)", rest):
                return None
        j += 1
    return None


def functions(path):
    with open(path, encoding="utf-8") as f:
        code = blank_comments_and_strings(f.read())
    line_of = lambda index: code.count("\n", 0, index) + 1
    types = []
    for m in TYPE.finditer(code):
        open_index = m.end() - 1
        types.append((open_index, matching_brace(code, open_index), m.group(1)))
    found = []
    for m in DECLARATION.finditer(code):
        name = m.group("func") or m.group("init") or m.group("deinit") or m.group("subscript") or m.group("property")
        if m.group("property"):
            open_index = m.end() - 1
        else:
            open_index = body_start(code, m.end() - 1 if m.group("deinit") else m.start())
            if open_index is None:
                continue
        close = matching_brace(code, open_index)
        owners = [t for t in types if t[0] < m.start() < t[1]]
        owner = max(owners, key=lambda t: t[0])[2] + "." if owners else ""
        first, last = line_of(m.start()), line_of(close)
        found.append((last - first + 1, path, first, owner + name))
    return found


def swift_files(paths):
    for root in paths:
        if os.path.isfile(root):
            yield root
            continue
        for folder, _, names in sorted(os.walk(root)):
            for name in sorted(names):
                if name.endswith(".swift"):
                    yield os.path.join(folder, name)


def main(argv):
    limit = 80
    if len(argv) >= 2 and argv[0] == "--over":
        limit = int(argv[1])
        argv = argv[2:]
    found = []
    for path in swift_files(argv or ["Sources"]):
        found.extend(f for f in functions(path) if f[0] > limit)
    for lines, path, line, name in sorted(found, reverse=True):
        print(f"{lines:5}  {path}:{line}  {name}")
    print(f"{len(found)} over {limit} lines")


if __name__ == "__main__":
    main(sys.argv[1:])
