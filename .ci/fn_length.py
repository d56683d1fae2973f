#!/usr/bin/env python3
"""Lists Rust functions longer than a limit (issue 10: none over 100 lines in rmq-broker and
rmq-store). Counts lines from the `fn` line to its closing brace, braces in strings, chars and
`//` comments ignored. Usage: fn_length.py LIMIT DIR...; exits 1 when any function is longer.
"""
import os
import re
import sys

FN = re.compile(r'^\s*(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?(extern\s+"C"\s+)?fn\s+(\w+)')


def code_of(line):
    line = re.sub(r'"([^"\\]|\\.)*"', '""', line)
    line = re.sub(r"'([^'\\]|\\.)'", "''", line)
    return line.split("//")[0]


def long_functions(path, limit):
    lines = open(path, encoding="utf-8").read().split("\n")
    for i, line in enumerate(lines):
        m = FN.match(line)
        if not m:
            continue
        depth, seen, j = 0, False, i
        while j < len(lines):
            code = code_of(lines[j])
            if not seen and ";" in code and "{" not in code:
                break
            for c in code:
                if c == "{":
                    depth, seen = depth + 1, True
                elif c == "}":
                    depth -= 1
            if seen and depth <= 0:
                break
            j += 1
        if seen and j - i + 1 > limit:
            yield j - i + 1, i + 1, m.group(7)


def main():
    limit = int(sys.argv[1])
    found = 0
    for root in sys.argv[2:]:
        for dirpath, _, files in os.walk(root):
            if "/target" in dirpath:
                continue
            for f in sorted(files):
                if f.endswith(".rs"):
                    path = os.path.join(dirpath, f)
                    for n, line, name in long_functions(path, limit):
                        print(f"{path}:{line}: fn {name} has {n} lines (limit {limit})")
                        found += 1
    print(f"{found} function(s) over {limit} lines in {' '.join(sys.argv[2:])}")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
