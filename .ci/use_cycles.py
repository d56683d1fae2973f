#!/usr/bin/env python3
"""Reports `use` circles among the modules of a crate (A uses B uses ... uses A).

Every `crate::`, `super::` and `self::` path in a source file (in `use` items, grouped
`use crate::{a::b, c}` included, and inline paths) is resolved to the longest module it names;
each file is one module. Prints the module graph's strongly connected components with more than
one module, at file level and at top-level-module level (`processor`, `client`, ...), for the
production code (without `#[cfg(test)]` modules and files) and with the tests; exits 1 when the
production code has a file-level circle. Usage: use_cycles.py [crate_src_dir]
"""
import os
import re
import sys


def module_of(src, path):
    rel = os.path.relpath(path, src)[:-3].split(os.sep)
    if rel[-1] in ("mod", "lib"):
        rel = rel[:-1]
    return tuple(rel)


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def expand_use(tree):
    """Expands `a::{b, c::{d, e}}` into ['a::b', 'a::c::d', 'a::c::e']."""
    tree = re.sub(r"\s+", "", tree)
    m = re.match(r"^(.*?)\{(.*)\}$", tree)
    if not m:
        return [tree]
    prefix, inner = m.group(1), m.group(2)
    parts, depth, cur = [], 0, ""
    for ch in inner:
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        depth += ch == "{"
        depth -= ch == "}"
        cur += ch
    parts.append(cur)
    out = []
    for p in parts:
        if p:
            out.extend(prefix + q for q in expand_use(p))
    return out


def paths_in(text):
    text = strip_comments(text)
    found = []
    for m in re.finditer(r"\buse\s+([^;]+);", text):
        found.extend(expand_use(m.group(1)))
    found.extend(re.findall(r"\b(?:crate|super|self)(?:::\w+)+", text))
    return found


def resolve(path, here, is_dir_module, modules):
    segs = [s for s in re.split(r"::", path.split(" as ")[0]) if s]
    if not segs:
        return None
    if segs[0] == "crate":
        base, rest = (), segs[1:]
    elif segs[0] in ("super", "self"):
        base = here if is_dir_module else here[:-1]
        while segs and segs[0] in ("super", "self"):
            if segs[0] == "super":
                base = base[:-1]
            segs = segs[1:]
        rest = segs
    else:
        return None
    best = None
    for i in range(len(rest) + 1):
        cand = base + tuple(rest[:i])
        if cand in modules:
            best = cand
    return best


def sccs(graph):
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(comp)

    sys.setrecursionlimit(10000)
    for v in list(graph):
        if v not in index:
            visit(v)
    return out


def name(m):
    return "crate::" + "::".join(m) if m else "crate"


TEST_MOD = re.compile(r"#\[cfg\(test\)\]\s*(?:#\[path\s*=\s*\"([^\"]+)\"\]\s*)?(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*([;{])")


def test_only_files(files):
    """Files declared as `#[cfg(test)] mod x;` (with `#[path]` too), and what they declare."""
    out = set()
    for m, p in files.items():
        text = strip_comments(open(p, encoding="utf-8").read())
        base = os.path.dirname(p) if os.path.basename(p) in ("mod.rs", "lib.rs") else p[:-3]
        for path_attr, name, kind in TEST_MOD.findall(text):
            if kind != ";":
                continue
            if path_attr:
                cands = [os.path.join(os.path.dirname(p), path_attr)]
            else:
                cands = [os.path.join(base, name + ".rs"), os.path.join(base, name, "mod.rs")]
            for c in cands:
                c = os.path.normpath(c)
                if os.path.exists(c):
                    out.add(c)
                    if c.endswith("mod.rs"):
                        for root, _, names in os.walk(os.path.dirname(c)):
                            out.update(os.path.normpath(os.path.join(root, n)) for n in names)
    return out


def production_text(text):
    """The text without inline `#[cfg(test)] mod x { ... }` blocks."""
    while True:
        m = next((m for m in TEST_MOD.finditer(text) if m.group(3) == "{"), None)
        if not m:
            return text
        depth, j = 0, m.end() - 1
        while j < len(text):
            depth += text[j] == "{"
            depth -= text[j] == "}"
            j += 1
            if depth == 0:
                break
        text = text[: m.start()] + text[j:]


def report(files, production):
    modules = set(files)
    graph = {m: set() for m in modules}
    for m, p in files.items():
        is_dir = os.path.basename(p) in ("mod.rs", "lib.rs")
        text = strip_comments(open(p, encoding="utf-8").read())
        if production:
            text = production_text(text)
        for path in paths_in(text):
            t = resolve(path, m, is_dir, modules)
            if t is not None and t != m and t != ():
                graph[m].add(t)
    bad = [c for c in sccs(graph) if len(c) > 1]
    top = {}
    for m, ts in graph.items():
        a = m[:1]
        top.setdefault(a, set()).update(t[:1] for t in ts if t[:1] != a)
    bad_top = [c for c in sccs(top) if len(c) > 1]
    edges = sum(len(v) for v in graph.values())
    what = "production" if production else "with tests"
    print(f"{what}: {len(modules)} modules, {edges} use edges")
    for label, comps in (("file-level", bad), ("top-level", bad_top)):
        if not comps:
            print(f"  {label}: no use circle")
        for c in comps:
            print(f"  {label} circle ({len(c)} modules): " + ", ".join(sorted(name(x) for x in c)))
    return bad


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "crates", "rmq-broker", "src")
    files = {}
    for root, _, names in os.walk(src):
        for n in names:
            if n.endswith(".rs"):
                p = os.path.normpath(os.path.join(root, n))
                files[module_of(src, p)] = p
    tests = test_only_files(files)
    prod = {m: p for m, p in files.items() if p not in tests}
    bad = report(prod, True)
    report(files, False)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
