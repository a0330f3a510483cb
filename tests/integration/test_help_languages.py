#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every page of exemplarctl's manual is whole in each language.

Runs `exemplarctl --help` and `exemplarctl COMMAND --help` for every command
of the manual's COMMANDS section, with LANG=vi_VN.UTF-8 and with
LANG=en_US.UTF-8 (neither locale needs to be generated), and fails on:

  - a page that does not print (exit status, stderr), or whose options differ
    between the two languages, or an option without its sentence;
  - an English word in the Vietnamese page.  A word is English when it cannot
    be a Vietnamese syllable (its letters, tone marks taken off, do not make
    initial + vowel + final of Vietnamese spelling: "file", "state", "and"),
    or is one of the few English words that can ("the", "not", "that", ...).
    Not words: what a person types or a script reads, which is never
    translated (common/po/GLOSSARY.md): option names, the command's synopsis,
    metavariables (FILE, DIR), codes, paths, quoted text, example command
    lines, and the names in MACHINE_NAMES below;
  - a Vietnamese word in the English page, other than the names the manual
    cites on purpose (VI_NAMES: titles as the law spells them, an official's
    title, a place, a person in an example).

    test_help_languages.py EXEMPLARCTL
"""
import os
import re
import subprocess
import sys
import unicodedata

CTL = sys.argv[1]

# Vietnamese spelling, tone marks and the letter đ folded away.
INITIAL = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|g|h|k|l|m|n|p|r|s|t|v|x"
VOWELS = ("oai|oay|oeo|uay|uoi|uou|uya|uye|uyu|ieu|yeu|ai|ao|au|ay|eo|eu|ia|ie|iu|oa|oe|oi|"
          "oo|ua|ue|ui|uo|uu|uy|ye|a|e|i|o|u|y")
FINAL = "ch|ng|nh|c|m|n|p|t"
SYLLABLE = re.compile(rf"^(?:{INITIAL})?(?:{VOWELS})(?:{FINAL})?$")
# English words spelt like a Vietnamese syllable without tone marks, that no
# Vietnamese sentence writes without them.
ENGLISH_SYLLABLES = {"the", "not", "that", "then", "than", "at", "on", "by", "it", "be", "he",
                     "my"}

# Names that stay as they are in a Vietnamese page (GLOSSARY: never
# translated), by kind.
MACHINE_NAMES = set("""
    exemplarctl exemplard exemplar systemctl start stop fsck jq libsodium ZeroMQ
    registered fostering recognized withdrawn returned revoked collective individual
    approver reader admin publisher ready leased done parked summary discipline
    json csv xlsx html all vi en
    malformed protocol invalid internal conflict criteria permission unavailable storage
    parent body number symbol place date subject authority title signer recipient archive
    demo null tz notify
""".split())
# Words of the trade Vietnamese writes as they are.
MACHINE_NAMES |= {"api", "byte", "socket", "meta", "locale", "epoch", "mili"}
# The English date format, shown as what the English output prints.
MACHINE_NAMES |= {"September"}

VI_NAMES = set(re.findall(r"\w+", """
    Tập thể lao động xuất sắc hoàn thành xuất sắc nhiệm vụ Chiến sĩ thi đua cơ sở
    Bộ trưởng Bộ Nông nghiệp và Môi trường Hà Nội Nguyễn Văn An QĐ BTNMT BGDĐT Số
"""))

failures = []


def fail(msg):
    failures.append(msg)


def run(lang, args):
    env = {k: v for k, v in os.environ.items()
           if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    env["LANG"] = lang
    p = subprocess.run([CTL] + args, env=env, capture_output=True, text=True, timeout=30)
    if p.returncode != 0 or p.stderr or not p.stdout.strip():
        fail(f"LANG={lang} exemplarctl {' '.join(args)}: exit {p.returncode}, "
             f"stderr {p.stderr!r}, {len(p.stdout)} bytes on stdout")
    return p.stdout


def fold(word):
    word = unicodedata.normalize("NFD", word.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in word if not unicodedata.combining(c)).lower()


def english(word):
    return word.lower() in ENGLISH_SYLLABLES or not SYLLABLE.match(fold(word))


def options(page):
    """The option lines of a page ("    --name METAVAR") and whether each has
    its sentence on the next line."""
    lines = page.splitlines()
    out = {}
    for i, line in enumerate(lines):
        if re.fullmatch(r"    --[a-z][a-z-]*( [A-Z_]+)?", line):
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            out[line.strip()] = nxt.startswith("        ") and bool(nxt.strip())
    return out


def synopsis_words(page, commands):
    """The words of the command lines of an English page (its usage line
    after the command's name, the manual's synopsis of each command, option
    lines): metavariables, sub-commands such as submit or retry."""
    out = set()
    for line in page.splitlines():
        m = re.match(r"usage: exemplarctl \[[^\]]*\] (.*)", line)
        if m:
            line = m.group(1)
        elif not (re.fullmatch(r"    --[a-z][a-z-]*( [A-Z_]+)?", line)
                  or (re.match(r"^    [a-z]", line) and line.split()[0] in commands)):
            continue
        out |= set(re.findall(r"[A-Za-z][A-Za-z_]*", line))
    return out


def headings(page):
    """The words the English manual prints in capitals of its own: section
    headings and the usage line's placeholder of the global options."""
    out = set()
    for line in page.splitlines():
        if re.fullmatch(r"[A-Z][A-Z ]+", line):
            out |= set(line.split())
    m = re.match(r"usage: exemplarctl \[([A-Z ]+)\]", page)
    if m:
        out |= set(m.group(1).split())
    return out


def unquote(page):
    """The page without its quoted text (names, commands), which may run
    over two lines: the lines stay where they were."""
    def blank(m):
        return " " + "\n" * m.group(0).count("\n")
    return re.sub(r"'[^'\n]*\n?[^'\n]*'|\"[^\"\n]*\n?[^\"\n]*\"|`[^`]*`", blank, page)


def vi_words(line, commands):
    """The words of a line of a Vietnamese page (quotes taken off) that are
    sentences, not names (see the docstring at the top)."""
    m = re.match(r"^cách dùng: exemplarctl (\[[^\]]*\] )?(\S+)", line)
    if m and m.group(2) in commands:  # the synopsis after the command's name
        line = line[: m.start(2)]
    stripped = line.strip()
    if re.match(r"(exemplarctl|exemplard|systemctl|id=|export |--)", stripped):
        line = line.split("#", 1)[1] if "#" in line else ""  # an example: its comment
    elif re.match(r"^    \S", line) and stripped.split()[0] in commands:
        return []  # the manual's synopsis of a command
    line = re.sub(r"\[[a-z_]+\]", " ", line)  # configuration sections
    words = []
    for chunk in line.split():
        chunk = chunk.lstrip("([{").rstrip(")]},;:.!?|")
        if re.search(r"[-/._=$<>@*#%&~\\+0-9]", chunk):
            continue  # option names, codes, paths, topics, numbers, CSV headers
        for tok in re.split(r"[,;:()\[\]{}|]+", chunk):
            if tok and tok.isalpha() and tok.isascii():  # (Vietnamese is not English)
                words.append(tok)
    return words


def main():
    manual_en = run("en_US.UTF-8", ["--help"])
    section = re.search(r"^COMMANDS\n(.*?)^GLOBAL OPTIONS", manual_en, re.M | re.S)
    commands = sorted({m for m in re.findall(r"^    ([a-z][a-z-]*)", section.group(1), re.M)}
                      if section else set())
    if len(commands) < 20:
        sys.exit(f"FAIL: the manual lists {len(commands)} commands: {commands}")
    pages = [("the manual", ["--help"])] + [(c, [c, "--help"]) for c in commands]
    names = MACHINE_NAMES | set(commands)
    en_pages = {}
    for name, args in pages:
        en_pages[name] = run("en_US.UTF-8", args)
        names |= synopsis_words(en_pages[name], commands)
    english_caps = headings(manual_en) - names
    checked = 0
    for name, args in pages:
        en, vi = en_pages[name], run("vi_VN.UTF-8", args)
        checked += 1
        if vi == en:
            fail(f"{name}: the Vietnamese page is the English one")
        if name != "the manual":
            if not en.startswith("usage: exemplarctl "):
                fail(f"{name}: the English page does not start with its usage line")
            if not vi.startswith("cách dùng: exemplarctl "):
                fail(f"{name}: the Vietnamese page does not start with its usage line")
        o_en, o_vi = options(en), options(vi)
        if set(o_en) != set(o_vi):
            fail(f"{name}: options differ: en {sorted(o_en)}, vi {sorted(o_vi)}")
        for opt, has_text in list(o_en.items()) + list(o_vi.items()):
            if not has_text:
                fail(f"{name}: option {opt} has no sentence")
        for line in unquote(vi).splitlines():
            for w in vi_words(line, commands):
                if w in names:
                    continue
                if w.isupper():
                    if w in english_caps:
                        fail(f"{name}: vi: English {w!r} in: {line.strip()}")
                    continue  # a metavariable or an acronym
                if english(w):
                    fail(f"{name}: vi: English {w!r} in: {line.strip()}")
        for line in en.splitlines():
            for w in re.findall(r"\w+", unicodedata.normalize("NFC", line)):
                if not w.isascii() and w not in VI_NAMES:
                    fail(f"{name}: en: Vietnamese {w!r} in: {line.strip()}")
    for f in failures[:80]:
        print(f"FAIL: {f}", file=sys.stderr)
    if failures:
        sys.exit(f"{len(failures)} problems in {checked} pages")
    print(f"ok: {checked} pages ({len(commands)} commands and the manual), vi and en")


if __name__ == "__main__":
    main()
