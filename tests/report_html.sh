#!/usr/bin/env bash
# report_html.sh - PAPER/report.html (harness/analysis/report_html.c) end to end, opened in a headless
# Chromium:
#  1. a small experiment (tests/e2e/tiny.lua with labels at the edge of the rule for names,
#     harness/base/names.c) reported from a results folder and into a --paper folder whose names
#     carry markup, quotes and entities; report.html exists, is self-contained (every src a
#     data: URI, no href, no http, the Content-Security-Policy meta tag) and byte-identical
#     when the report is written again;
#  2. Chromium loads it: every image decodes (the page's own count, body data-images-loaded)
#     and there are as many as the figures report.md lists; a screenshot is kept in LOG_DIR;
#  3. sorting and filters: the fragment #sort=TABLE:COLUMN[:desc] sorts the ranks table by its
#     numeric and text columns, without it the rows keep report.md's order; #off=t0,o1,s2
#     (the panel's boxes unticked) hides exactly the rows, columns, figures and per-task
#     sections that name those tasks, optimizers and schedulers;
#  4. hostile names: the page's DOM holds exactly its own script element, only the elements
#     the page writes, no event-handler attribute, and the folder names and labels as text;
#     a label that carries markup is refused by lrlab run (the rule for names), so folder
#     names are where markup can reach the page; a folder name whose lines read as Markdown
#     (a figure, a code fence, a heading) stays one line of text and breaks no block.
# Needs: chromium (Debian package chromium), gnuplot, python3 (standard library).
# usage: report_html.sh SRC_DIR LRLAB_BIN LOG_DIR
set -euo pipefail
src=$1 bin=$2 logdir=$3
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v chromium > /dev/null 2>&1 || fail "chromium not found: install the Debian package chromium (scripts/bootstrap.sh test does)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LRLAB_DATA="${LRLAB_DATA:-$src/data}"
cd "$src"
mkdir -p "$logdir"

# a label carrying markup never reaches a report: lrlab run refuses it
sed 's/scheduler "constant" {}/scheduler "constant" { label = "<script>alert(1)<\/script>" }/' \
  tests/e2e/tiny.lua > "$tmp/markup.lua"
rc=0
"$bin" run "$tmp/markup.lua" --out "$tmp/markup" --check > /dev/null 2> "$tmp/err" || rc=$?
[ $rc -eq 2 ] && grep -q 'label: invalid name' "$tmp/err" \
  || fail "a label with markup: exit $rc ($(head -1 "$tmp/err"))"

# the fixture: tiny.lua with labels that use the rule's punctuation (a scheduler labelled
# like a number, an optimizer and a task with + = . _ -)
sed -e 's/scheduler "constant" {}/scheduler "constant" { label = "0.5" }/' \
  -e 's/optimizer "sgd" { lr = 0.5, momentum = 0.5 }/optimizer "sgd" { lr = 0.5, momentum = 0.5, label = "s_g.d+1=2-x" }/' \
  -e 's/steps = 120,/steps = 120, label = "nmf.syn+t=1_x",/' \
  tests/e2e/tiny.lua > "$tmp/labels.lua"
run="r&amp;'\"><img src=x onerror=alert(1)>"
paper='p<script>alert(1)</script>'
(cd "$tmp" && "$bin" run labels.lua --out "$run" --quiet > /dev/null) || fail "lrlab run"
(cd "$tmp" && "$bin" report "$run" --paper "$paper" > out.txt) || fail "lrlab report"
grep -qF "all of them in $paper/report.html" "$tmp/out.txt" || fail "summary line: $(tail -1 "$tmp/out.txt")"
html="$tmp/$paper/report.html"
[ -s "$html" ] || fail "no report.html"

# 1. self-contained, strict, repeatable
if grep -o 'src="[^"]\{0,30\}' "$html" | grep -qv '^src="data:image/png;base64,'; then
  fail "a src that is not a data: URI: $(grep -o 'src="[^"]\{0,30\}' "$html" | grep -v '^src="data:' | head -1)"
fi
sed 's|base64,[A-Za-z0-9+/=]*|base64,|g' "$html" > "$tmp/text.html" # the page without its PNGs
if grep -qi 'href' "$tmp/text.html"; then fail "an href: $(grep -oi '.\{30\}href.\{30\}' "$tmp/text.html" | head -1)"; fi
if grep -qi 'http:\|https:\|url(' "$tmp/text.html"; then fail "a network address: $(grep -oi '.\{30\}\(http\|url(\).\{30\}' "$tmp/text.html" | head -1)"; fi
grep -qF "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">" "$html" \
  || fail "no Content-Security-Policy meta tag"
nfig=$(grep -c '^!\[.*\](figures/.*\.png)$' "$tmp/$paper/report.md")
drawn=$(sed -n 's/.* \([0-9]*\) figures in .*/\1/p' "$tmp/out.txt")
[ "$nfig" -ge 8 ] && [ "$nfig" = "$drawn" ] || fail "report.md lists $nfig figures ($drawn drawn)"
[ "$(grep -o '<img ' "$html" | wc -l)" -eq "$nfig" ] || fail "report.html: not $nfig images"
cp "$html" "$tmp/first.html"
(cd "$tmp" && "$bin" report "$run" --paper "$paper" > /dev/null) || fail "lrlab report again"
cmp -s "$tmp/first.html" "$html" || fail "report.html differs when written again"
echo "ok: report.html self-contained ($nfig figures as data: URIs, no href, no address), CSP, byte-identical again"

# 2. Chromium: every image decodes
dom() { # dom FRAGMENT OUT: the page's DOM after its script ran
  chromium --headless=new --no-sandbox --disable-gpu --virtual-time-budget=5000 \
    --dump-dom "file://$html$1" > "$2" 2> "$tmp/chromium.err" \
    || fail "chromium: $(grep -v dbus "$tmp/chromium.err" | tail -1)"
  [ -s "$2" ] || fail "chromium dumped no DOM"
}
dom "" "$tmp/dom.html"
loaded=$(grep -o 'data-images-loaded="[^"]*"' "$tmp/dom.html" | head -1)
[ "$loaded" = "data-images-loaded=\"$nfig/$nfig\"" ] || fail "images loaded: $loaded (expected $nfig/$nfig)"
shot="$logdir/report_html.png"
rm -f "$shot"
chromium --headless=new --no-sandbox --disable-gpu --virtual-time-budget=5000 \
  --window-size=1400,2000 --screenshot="$shot" "file://$html" > /dev/null 2>&1 \
  || fail "chromium: no screenshot"
[ -s "$shot" ] || fail "no screenshot"
echo "ok: Chromium decoded $nfig/$nfig images; screenshot $shot ($(wc -c < "$shot") bytes)"

# 3. and 4. read the DOM
check() { # check DOM_FILE MODE [ARGS]
  python3 - "$@" << 'EOF'
import sys
from html.parser import HTMLParser

path, mode = sys.argv[1], sys.argv[2]
allowed = {"html", "head", "meta", "title", "style", "body", "nav", "fieldset", "legend",
           "button", "label", "input", "main", "h1", "h2", "h3", "p", "em", "strong", "code",
           "pre", "div", "table", "thead", "tbody", "tr", "th", "td", "figure", "img",
           "figcaption", "section", "script"}

class Dom(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.bad, self.text = {}, [], []
        self.tables, self.cur, self.row, self.cell, self.in_body = {}, None, None, None, 0
        self.in_main, self.marked, self.heads, self.cols = 0, [], {}, {}
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag not in allowed:
            self.bad.append("element <%s>" % tag)
        for k, v in attrs:
            if k.startswith("on"):
                self.bad.append("attribute %s on <%s>" % (k, tag))
        if tag == "img" and not (a.get("src") or "").startswith("data:image/png;base64,"):
            self.bad.append("img src %.30s" % a.get("src"))
        hidden = "hidden" in (a.get("class") or "").split()
        if tag == "main":
            self.in_main = 1
        keys = [(k, a["data-" + k]) for k in "tos" if "data-" + k in a]
        if self.in_main and keys:
            self.marked.append((tag, keys, hidden))
        if tag == "table":
            self.tid = a.get("id")
            self.cur = self.tables.setdefault(self.tid, [])
            self.heads[self.tid], self.cols[self.tid] = [], []
        if tag == "th":
            self.heads[self.tid].append(hidden)
        if tag == "td":
            self.cols[self.tid].append((len(self.row), hidden))
        if tag == "tbody":
            self.in_body = 1
        if tag == "tr" and self.in_body:
            self.row = []
            self.cur.append(self.row)
        if tag == "td":
            self.cell = []
    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        if tag == "tbody":
            self.in_body = 0
    def handle_data(self, d):
        self.text.append(d)
        if self.cell is not None:
            self.cell.append(d)

d = Dom()
d.feed(open(path, encoding="utf-8").read())

def die(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)

if mode == "safe":
    if d.bad:
        die("the DOM: " + "; ".join(d.bad[:5]))
    if d.tags.get("script") != 1:
        die("%s script elements (expected the page's one)" % d.tags.get("script"))
    text = "".join(d.text)
    for s in sys.argv[3:]:
        if s not in text:
            die("not shown as text: %s" % s)
elif mode == "filter":  # filter OFF...: what the unticked names mark is hidden, nothing else
    off = {(x[0], x[1:]) for x in sys.argv[3:]}
    n = 0
    for tag, keys, hidden in d.marked:
        want = any(k in off for k in keys)
        n += want
        if hidden != want:
            die("<%s %s> %s" % (tag, keys, "shown" if want else "hidden"))
    for t, heads in d.heads.items():
        for col, hidden in d.cols[t]:
            if col < len(heads) and hidden != heads[col]:
                die("table %s: a cell of column %d %s unlike its header" % (t, col,
                    "hidden" if hidden else "shown"))
    print(n)
elif mode == "rows":  # rows TABLE COL ORDER: print the column, check its order
    rows = d.tables.get(sys.argv[3])
    if not rows:
        die("no table " + sys.argv[3])
    col, order = int(sys.argv[4]), sys.argv[5]
    vals = [r[col] for r in rows]
    print("|".join(vals))
    if order in ("num-asc", "num-desc"):
        x = [float(v) for v in vals]
        if x != sorted(x, reverse=order == "num-desc"):
            die("%s column %d not in %s order: %s" % (sys.argv[3], col, order, vals))
    elif order in ("text-asc", "text-desc"):
        if vals != sorted(vals, reverse=order == "text-desc"):
            die("%s column %d not in %s order: %s" % (sys.argv[3], col, order, vals))
EOF
}

tmd="$tmp/$paper/tables/ranks.md"
mdorder=$(grep '^| ' "$tmd" | tail -n +2 | cut -d'|' -f2 | sed 's/^ *//; s/ *$//; s/\*\*//g; s/\\//g' | paste -sd'|')
plain=$(check "$tmp/dom.html" rows t-ranks 0 none) || exit 1
[ "$plain" = "$mdorder" ] || fail "ranks without #sort: $plain (report.md: $mdorder)"
for spec in "1:asc num-asc" "1:desc num-desc" "0:asc text-asc" "0:desc text-desc"; do
  frag=${spec%% *} order=${spec##* }
  dom "#sort=t-ranks:$frag" "$tmp/sorted.html"
  got=$(check "$tmp/sorted.html" rows t-ranks "${frag%%:*}" "$order") || exit 1
  [ "$got" != "$plain" ] || [ "$order" = num-asc ] || [ "$order" = text-asc ] \
    || fail "#sort=t-ranks:$frag left the rows as they were ($got)"
done
echo "ok: #sort sorts the ranks table by number and by text, both ways; report.md's order without it"

for off in "t0,s0" "o1" "t1,o0,s2"; do
  dom "#off=$off" "$tmp/filtered.html"
  n=$(check "$tmp/filtered.html" filter ${off//,/ }) || exit 1
  [ "$n" -gt 0 ] || fail "#off=$off hid nothing"
done
n=$(check "$tmp/dom.html" filter) || exit 1
dom "#off=s1&sort=t-ranks:1:desc" "$tmp/both.html"
check "$tmp/both.html" filter s1 > /dev/null || exit 1
check "$tmp/both.html" rows t-ranks 1 num-desc > /dev/null || exit 1
echo "ok: #off hides the rows, columns, figures and sections of the names unticked, and only those"

check "$tmp/dom.html" safe "$run" "$paper" "0.5" "s_g.d+1=2-x" "nmf.syn+t=1_x" || exit 1
# a folder name with lines that read as Markdown blocks: a figure, a code fence, a heading
nl=$'n\n\n![x](figures/categories.png)\n\n```\n### nmf-faces\n'
mkdir -p "$tmp/$(dirname "$nl")" && cp -r "$tmp/$run" "$tmp/$nl"
(cd "$tmp" && "$bin" report "$nl" --paper p2 > /dev/null) || fail "lrlab report from a folder with newlines"
html="$tmp/p2/report.html"
dom "" "$tmp/dom2.html"
loaded=$(grep -o 'data-images-loaded="[^"]*"' "$tmp/dom2.html" | head -1)
[ "$loaded" = "data-images-loaded=\"$nfig/$nfig\"" ] \
  || fail "a folder name with newlines: images $loaded (expected $nfig/$nfig)"
check "$tmp/dom2.html" safe '![x](figures/categories.png)\x0a\x0a```\x0a### nmf-faces' || exit 1
echo "ok: one script element, only the page's own elements, folder names and labels as text"
