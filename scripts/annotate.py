#!/usr/bin/env python3
"""Writes caret annotations for fixtures: `python3 scripts/annotate.py FILE` rewrites every line
ending in `  #! TOKEN CODE[: message]` (TOKEN: the text to point at, first occurrence; `TOKEN@N`
for the N-th; `~` stands for a space) into the line itself followed by a `// ^^^ CODE` annotation line."""
import re, sys

def annotate(text):
    out = []
    for line in text.split("\n"):
        m = re.search(r"\s+#!\s+(\S+)\s+(\S+?)(:.*)?$", line)
        if not m:
            out.append(line)
            continue
        target = line[: m.start()]
        token, code, message = m.group(1), m.group(2), m.group(3) or ""
        nth = 1
        if re.search(r"@\d+$", token):
            token, nth = token.rsplit("@", 1)
            nth = int(nth)
        token = token.replace("~", " ")
        col = -1
        for _ in range(nth):
            col = target.index(token, col + 1)
        if col < 2:
            raise SystemExit(f"token {token!r} starts before column 3; cannot annotate: {line}")
        out.append(target)
        out.append("//" + " " * (col - 2) + "^" * len(token) + " " + code + message)
    return "\n".join(out)

for path in sys.argv[1:]:
    with open(path) as f:
        text = f.read()
    result = annotate(text)
    with open(path, "w") as f:
        f.write(result)
