/* report_html.c - PAPER/report.html: the report as one self-contained page to browse.
 *
 * What: the text of report.md rendered as HTML (headings, paragraphs, emphasis, code, the
 * verdict), every table of the report as an HTML table sortable by clicking a column header
 * (numeric columns by number, others as text), every figure embedded as a base64 PNG
 * (RFC 4648 section 4) in a data: URI (RFC 2397), and a control panel that hides the rows,
 * columns, figures and per-task sections of the tasks, optimizers and schedulers unticked.
 * A page is the whole report: no file references, no network (HTML Living Standard, the img
 * and meta http-equiv elements; Content Security Policy Level 3: default-src 'none', images
 * from data: only, inline style and script only).
 * How: one source of truth for the text: report.md, composed by report.c, report_figures.c
 * and report_study.c, is read back line by line. Only the constructs they write become
 * markup (# headings, **strong**, *em*, `code`, ``` blocks, ![figure](figures/STEM.png));
 * every other byte is text, HTML-escaped (& < > " '), so that a label, a folder name or a
 * verdict read from the result files never becomes markup. Tables come from the Table models
 * the Markdown and LaTeX files come from (a "**Table N.**" paragraph names the model; its
 * pipe lines are skipped); a figure's PNG is read from PAPER/figures once gnuplot has drawn
 * it. The page's script records on load how many images decoded (body data-images-loaded,
 * "loaded/total") and honours a fragment of parts joined by &: sort=TABLE_ID:COLUMN[:desc]
 * (the table's id is "t-" and its file stem; columns count from 0) and off=t0,o1,s2 (the
 * tasks, optimizers and schedulers unticked, by their place in the panel), so that a view
 * can be linked to and tests/report_html.sh can check both.
 * Determinism: no dates, no random ids; the same report.md and PNG bytes give the same page.
 */
#include "harness/analysis/report_int.h"

#include "harness/analysis/report.h"
#include "harness/base/names.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- text ---- */

/* html_text: n bytes of s as HTML text or attribute value; control bytes shown as \xNN */
static void html_text(Buf *b, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '&': buf_printf(b, "&amp;"); break;
        case '<': buf_printf(b, "&lt;"); break;
        case '>': buf_printf(b, "&gt;"); break;
        case '"': buf_printf(b, "&quot;"); break;
        case '\'': buf_printf(b, "&#39;"); break;
        default:
            if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) buf_printf(b, "\\x%02x", c);
            else buf_append(b, (const char *)&c, 1);
        }
    }
}

static void html_str(Buf *b, const char *s) { html_text(b, s, strlen(s)); }

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\0'; }

/* inline: the Markdown of one block (s[0..n)) as HTML. Only report.md's own constructs become
 * markup; unbalanced ones are closed at the end of the block. Links to the report's files
 * ([PDF](figures/...), [LaTeX](tables/...)) are left out (the page references no file); any
 * other link keeps its text only. */
static void inline_md(Buf *b, const char *s, size_t n) {
    const char *stack[8];
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\\' && i + 1 < n && strchr("\\`*_|<>[]()#!-.+{}", s[i + 1])) {
            html_text(b, s + ++i, 1);
        } else if (c == '`') {
            const char *end = memchr(s + i + 1, '`', n - i - 1);
            if (!end) {
                html_text(b, s + i, 1);
                continue;
            }
            buf_printf(b, "<code>");
            html_text(b, s + i + 1, (size_t)(end - s - i - 1));
            buf_printf(b, "</code>");
            i = (size_t)(end - s);
        } else if (c == '*' && i + 1 < n && s[i + 1] == '*') {
            if (depth > 0 && strcmp(stack[depth - 1], "strong") == 0) {
                buf_printf(b, "</strong>");
                depth--;
            } else if (depth < 8) {
                buf_printf(b, "<strong>");
                stack[depth++] = "strong";
            }
            i++;
        } else if (c == '*') {
            int open_em = depth > 0 && strcmp(stack[depth - 1], "em") == 0;
            char prev = i ? s[i - 1] : ' ', next = i + 1 < n ? s[i + 1] : ' ';
            if (open_em && !is_space(prev)) {
                buf_printf(b, "</em>");
                depth--;
            } else if (!open_em && depth < 8 && !is_space(next) &&
                       (is_space(prev) || strchr("([\"'", prev))) {
                buf_printf(b, "<em>");
                stack[depth++] = "em";
            } else html_text(b, s + i, 1);
        } else if (c == '[') {
            const char *mid = NULL, *end = NULL;
            for (size_t k = i + 1; k + 1 < n && !mid; k++)
                if (s[k] == ']' && s[k + 1] == '(') mid = s + k;
            if (mid) end = memchr(mid, ')', (size_t)(s + n - mid));
            if (!end) {
                html_text(b, s + i, 1);
                continue;
            }
            const char *url = mid + 2;
            size_t ulen = (size_t)(end - url);
            int local = (ulen > 8 && memcmp(url, "figures/", 8) == 0) ||
                        (ulen > 7 && memcmp(url, "tables/", 7) == 0);
            if (!local) inline_md(b, s + i + 1, (size_t)(mid - s - i - 1));
            i = (size_t)(end - s);
        } else html_text(b, s + i, 1);
    }
    while (depth > 0) buf_printf(b, "</%s>", stack[--depth]);
}

/* ---- base64 (RFC 4648 section 4, with padding) ---- */

static void base64(Buf *b, const unsigned char *s, size_t n) {
    static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char q[4];
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)s[i] << 16;
        if (i + 1 < n) v |= (unsigned)s[i + 1] << 8;
        if (i + 2 < n) v |= s[i + 2];
        q[0] = A[v >> 18 & 63];
        q[1] = A[v >> 12 & 63];
        q[2] = i + 1 < n ? A[v >> 6 & 63] : '=';
        q[3] = i + 2 < n ? A[v & 63] : '=';
        buf_append(b, q, 4);
    }
}

/* ---- what a cell, a figure or a heading names ---- */

/* the task a figure's stem ends with (STEM__TASK, the task's file name), or -1 */
static int fig_task(const Report *R, const char *stem) {
    size_t n = strlen(stem);
    for (int t = 0; t < R->tasks.n; t++) {
        char slug[NAME_MAX_LEN + 16];
        rp_stem_of(slug, sizeof slug, R->tasks.v[t]);
        size_t k = strlen(slug);
        if (n > k + 2 && strcmp(stem + n - k, slug) == 0 && memcmp(stem + n - k - 2, "__", 2) == 0)
            return t;
    }
    return -1;
}

/* ---- tables ---- */

static const Table *table_numbered(const Report *R, int num) {
    for (int i = 0; i < R->ntabs; i++)
        if (R->tabs[i]->num == num) return R->tabs[i];
    return NULL;
}

/* the row's filter attributes: a left-aligned cell that is a task, optimizer or scheduler
 * names it; an empty one continues the name above it (grouped rows), shown greyed */
static void html_table(const Report *R, Buf *b, const Table *T) {
    const Names *lists[3] = {&R->tasks, &R->optims, &R->scheds};
    static const char keys[3] = {'t', 'o', 's'};
    buf_printf(b, "<div class=\"tw\"><table class=\"sortable\" id=\"t-");
    html_str(b, T->name);
    buf_printf(b, "\">\n<thead><tr>");
    for (int c = 0; c < T->ncols; c++) {
        buf_printf(b, "<th class=\"%c\"", T->align[c]);
        for (int k = 1; k < 3; k++) {
            int i = rp_find(lists[k], T->head[c]);
            if (i >= 0) buf_printf(b, " data-%c=\"%d\"", keys[k], i);
        }
        buf_printf(b, " title=\"sort\">");
        html_str(b, T->head[c]);
        buf_printf(b, "</th>");
    }
    buf_printf(b, "</tr></thead>\n<tbody>\n");
    int *last = xcalloc((size_t)T->ncols, sizeof(int)); /* per column: 1 + its list, 0 none */
    int *lasti = xcalloc((size_t)T->ncols, sizeof(int));
    for (int r = 0; r < T->nrows; r++) {
        int idx[3] = {-1, -1, -1};
        const char *fill[48] = {0};
        for (int c = 0; c < T->ncols && c < 48; c++) {
            const char *s = T->cell[(size_t)r * T->ncols + c];
            if (T->align[c] != 'l') continue;
            if (!s || !*s) {
                if (last[c] && idx[last[c] - 1] < 0) {
                    idx[last[c] - 1] = lasti[c];
                    fill[c] = lists[last[c] - 1]->v[lasti[c]];
                }
                continue;
            }
            last[c] = 0;
            for (int k = 0; k < 3; k++) {
                int i = rp_find(lists[k], s);
                if (i >= 0 && idx[k] < 0) {
                    idx[k] = i;
                    last[c] = k + 1;
                    lasti[c] = i;
                    break;
                }
            }
        }
        buf_printf(b, "<tr%s", T->rule[r] ? " class=\"rule\"" : "");
        for (int k = 0; k < 3; k++)
            if (idx[k] >= 0) buf_printf(b, " data-%c=\"%d\"", keys[k], idx[k]);
        buf_printf(b, ">");
        for (int c = 0; c < T->ncols; c++) {
            const char *s = T->cell[(size_t)r * T->ncols + c];
            int bold = s && *s && T->bold[(size_t)r * T->ncols + c];
            buf_printf(b, "<td class=\"%c%s\">%s", T->align[c], c < 48 && fill[c] ? " fill" : "",
                       bold ? "<strong>" : "");
            html_str(b, c < 48 && fill[c] ? fill[c] : s ? s : "");
            buf_printf(b, "%s</td>", bold ? "</strong>" : "");
        }
        buf_printf(b, "</tr>\n");
    }
    free(last);
    free(lasti);
    buf_printf(b, "</tbody></table></div>\n");
}

/* ---- figures ---- */

/* ![ALT](figures/STEM.png): the figure's PNG, read from PAPER/figures, in a data: URI; 1 when
 * the line is not one of the report's figures (a folder name may hold a newline and "!["),
 * which is then text */
static int html_figure(const Report *R, Buf *b, const char *line, size_t n, Err *e) {
    const char *mid = NULL;
    for (size_t k = 2; k + 1 < n && !mid; k++)
        if (line[k] == ']' && line[k + 1] == '(') mid = line + k;
    static const char pre[] = "](figures/", suf[] = ".png)";
    size_t m = mid ? (size_t)(line + n - mid) : 0;
    if (!mid || m < sizeof pre + sizeof suf - 1 || memcmp(mid, pre, sizeof pre - 1) != 0 ||
        memcmp(line + n - (sizeof suf - 1), suf, sizeof suf - 1) != 0)
        return 1;
    char stem[256];
    size_t k = m - (sizeof pre - 1) - (sizeof suf - 1);
    if (k >= sizeof stem) return 1;
    snprintf(stem, sizeof stem, "%.*s", (int)k, mid + sizeof pre - 1);
    int known = 0;
    for (int i = 0; i < R->nfigs && !known; i++) known = strcmp(R->figs[i].stem, stem) == 0;
    if (!known) return 1;
    char path[4700];
    if (fs_path(path, sizeof path, e, "%s/figures/%s.png", R->paper, stem) != 0) return -1;
    size_t len;
    char *png = fs_read(path, &len);
    if (!png || len < 8 || memcmp(png, "\x89PNG\r\n\x1a\n", 8) != 0) {
        free(png);
        return err_set(e, EXIT_RUN, path, "not a PNG file (expected the figure gnuplot drew)");
    }
    int t = fig_task(R, stem);
    buf_printf(b, "<figure class=\"fig\"");
    if (t >= 0) buf_printf(b, " data-t=\"%d\"", t);
    buf_printf(b, "><img alt=\"");
    html_text(b, line + 2, (size_t)(mid - line - 2));
    buf_printf(b, "\" src=\"data:image/png;base64,");
    base64(b, (const unsigned char *)png, len);
    buf_printf(b, "\">\n");
    free(png);
    return 0;
}

/* ---- the page ---- */

static const char style[] =
    "body{font:15px/1.45 sans-serif;margin:0;color:#222}\n"
    "nav{position:sticky;top:0;background:#f4f4f4;border-bottom:1px solid #ccc;padding:6px 12px;"
    "z-index:1;max-height:40vh;overflow:auto}\n"
    "nav fieldset{display:inline-block;vertical-align:top;border:1px solid #ccc;margin:2px 6px 2px "
    "0;padding:2px 8px}\n"
    "nav label{margin-right:10px;white-space:nowrap}\n"
    "main{max-width:1300px;margin:0 auto;padding:0 16px 40px}\n"
    ".tw{overflow-x:auto}\n"
    "table{border-collapse:collapse;margin:8px 0 18px;font-size:13px}\n"
    "th,td{padding:2px 8px;border-bottom:1px solid #e4e4e4}\n"
    "th{cursor:pointer;background:#fafafa;border-bottom:2px solid #999;user-select:none}\n"
    "th[data-dir=asc]::after{content:\" \\25B2\"}th[data-dir=desc]::after{content:\" \\25BC\"}\n"
    "tr.rule td{border-top:1px solid #999}\n"
    ".r{text-align:right}.c{text-align:center}.l{text-align:left}\n"
    "td.l{white-space:nowrap}td.fill{color:#aaa}\n"
    "figure{margin:12px 0 20px}figure img{max-width:100%;height:auto}\n"
    "figcaption{font-size:14px}\n"
    "pre{background:#f6f6f6;padding:8px;overflow-x:auto}\n"
    ".hidden{display:none}\n";

/* the page's one script: the filters, sorting, the #sort fragment, the image count */
static const char script[] =
    "(function(){\n"
    "'use strict';\n"
    "function num(s){var "
    "m=/^\\s*([-+\\u2212]?)(inf|\\d+(?:\\.\\d*)?(?:e[-+]?\\d+)?|\\.\\d+(?:e[-+]?\\d+)?)/i"
    ".exec(s);if(!m)return null;var x=/inf/i.test(m[2])?Infinity:parseFloat(m[2]);"
    "return m[1]&&m[1]!=='+'?-x:x;}\n"
    "function sortTable(t,col,dir){var tb=t.tBodies[0],rows=Array.prototype.slice.call(tb.rows),"
    "n=0,k=0;rows.forEach(function(r){var c=r.cells[col];if(!c)return;var s=c.textContent.trim();"
    "if(s){n++;if(num(s)!==null)k++;}});var numeric=n>0&&2*k>n;"
    "function key(r){var c=r.cells[col];return c?c.textContent.trim():'';}"
    "rows.sort(function(a,b){var x=key(a),y=key(b),r;if(numeric){var p=num(x),q=num(y);"
    "if(p===null&&q===null)r=0;else if(p===null)return 1;else if(q===null)return -1;"
    "else r=p<q?-1:p>q?1:0;}else{if(!x&&y)return 1;if(x&&!y)return -1;r=x<y?-1:x>y?1:0;}"
    "return dir==='desc'?-r:r;});"
    "rows.forEach(function(r){tb.appendChild(r);});"
    "Array.prototype.forEach.call(t.tHead.rows[0].cells,function(h,i){"
    "if(i===col)h.setAttribute('data-dir',dir);else h.removeAttribute('data-dir');});}\n"
    "document.querySelectorAll('table.sortable').forEach(function(t){"
    "Array.prototype.forEach.call(t.tHead.rows[0].cells,function(h,i){"
    "h.addEventListener('click',function(){sortTable(t,i,"
    "h.getAttribute('data-dir')==='asc'?'desc':'asc');});});});\n"
    "function apply(){var off={t:{},o:{},s:{}};"
    "document.querySelectorAll('nav input[type=checkbox]').forEach(function(c){"
    "if(!c.checked)off[c.name][c.value]=1;});"
    "function out(el){return ['t','o','s'].some(function(k){var v=el.getAttribute('data-'+k);"
    "return v!==null&&off[k][v];});}"
    "document.querySelectorAll('main [data-t],main [data-o],main [data-s]').forEach(function(el){"
    "if(el.tagName==='TH')return;el.classList.toggle('hidden',out(el));});"
    "document.querySelectorAll('table.sortable').forEach(function(t){"
    "Array.prototype.forEach.call(t.tHead.rows[0].cells,function(h,i){var hide=out(h);"
    "h.classList.toggle('hidden',hide);Array.prototype.forEach.call(t.tBodies[0].rows,"
    "function(r){if(r.cells[i])r.cells[i].classList.toggle('hidden',hide);});});});}\n"
    "document.querySelectorAll('nav input[type=checkbox]').forEach(function(c){"
    "c.addEventListener('change',apply);});\n"
    "document.querySelectorAll('nav button').forEach(function(btn){"
    "btn.addEventListener('click',function(){var on=btn.getAttribute('data-all')==='1';"
    "document.querySelectorAll('nav input[name='+btn.getAttribute('data-k')+']')"
    ".forEach(function(c){c.checked=on;});apply();});});\n"
    "location.hash.replace(/^#/,'').split('&').forEach(function(part){"
    "var m=/^sort=([^:]+):(\\d+)(?::(asc|desc))?$/.exec(part);"
    "if(m){var t=document.getElementById(decodeURIComponent(m[1]));"
    "if(t&&t.classList.contains('sortable'))sortTable(t,parseInt(m[2],10),m[3]||'asc');}"
    "m=/^off=([tos]\\d+(?:,[tos]\\d+)*)$/.exec(part);"
    "if(m){m[1].split(',').forEach(function(x){var c=document.querySelector("
    "'nav input[name='+x[0]+'][value=\"'+x.slice(1)+'\"]');if(c)c.checked=false;});apply();}});\n"
    "window.addEventListener('load',function(){var im=document.images,k=0;"
    "for(var i=0;i<im.length;i++)if(im[i].complete&&im[i].naturalWidth>0)k++;"
    "document.body.setAttribute('data-images-loaded',k+'/'+im.length);});\n"
    "})();\n";

static void panel_group(Buf *b, const char *legend, char key, const Names *N) {
    buf_printf(b,
               "<fieldset><legend>%s <button type=\"button\" data-k=\"%c\" data-all=\"1\">all"
               "</button> <button type=\"button\" data-k=\"%c\" data-all=\"0\">none</button>"
               "</legend>\n",
               legend, key, key);
    for (int i = 0; i < N->n; i++) {
        buf_printf(b, "<label><input type=\"checkbox\" name=\"%c\" value=\"%d\" checked> ", key, i);
        html_str(b, N->v[i]);
        buf_printf(b, "</label>\n");
    }
    buf_printf(b, "</fieldset>\n");
}

static void head(const Report *R, Buf *b) {
    buf_printf(b, "<!-- generated by lrlab report from ");
    html_str(b, R->src); /* escaped: no "-->" can end the comment early */
    buf_printf(b, "; comparison settings ");
    html_str(b, R->settings);
    buf_printf(b, "; do not edit -->\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                  "<meta charset=\"utf-8\">\n"
                  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                  "img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                  "<title>Results of experiment ");
    html_str(b, R->pf.experiment);
    buf_printf(b, "</title>\n<style>\n%s</style>\n</head>\n<body data-images-loaded=\"\">\n<nav>\n",
               style);
    panel_group(b, "tasks", 't', &R->tasks);
    panel_group(b, "optimizers", 'o', &R->optims);
    panel_group(b, "schedulers", 's', &R->scheds);
    buf_printf(b, "</nav>\n<main>\n");
}

/* the state of the reading of report.md */
typedef struct Page {
    Buf *b;
    Buf para;     /* the paragraph being gathered */
    int in_fig;   /* a <figure> open, waiting for its caption */
    int in_task;  /* a per-task <section> open */
    int in_code;  /* inside ``` */
    int pipes_ok; /* the pipe lines that follow belong to the table just written */
    Buf pre;      /* pipe lines of no known table, shown as text */
} Page;

static void close_fig(Page *P) {
    if (P->in_fig) buf_printf(P->b, "</figure>\n");
    P->in_fig = 0;
}

static void flush_pre(Page *P) {
    if (!P->pre.len) return;
    buf_printf(P->b, "<pre>");
    html_text(P->b, P->pre.s, P->pre.len);
    buf_printf(P->b, "</pre>\n");
    P->pre.len = 0;
}

static void flush_para(const Report *R, Page *P) {
    if (!P->para.len) return;
    const char *s = P->para.s;
    size_t n = P->para.len;
    while (n && s[n - 1] == '\n') n--;
    int num = 0, used = 0;
    const Table *T = NULL;
    if (sscanf(s, "**Table %d.**%n", &num, &used) == 1 && used > 0 &&
        (T = table_numbered(R, num)) != NULL) {
        close_fig(P);
        buf_printf(P->b, "<p class=\"caption\"><strong>Table %d.</strong> ", num);
        html_str(P->b, T->caption);
        buf_printf(P->b, "</p>\n");
        html_table(R, P->b, T);
        P->pipes_ok = 1;
    } else if (P->in_fig && strncmp(s, "**Figure ", 9) == 0) {
        buf_printf(P->b, "<figcaption>");
        inline_md(P->b, s, n);
        buf_printf(P->b, "</figcaption>\n");
        close_fig(P);
    } else {
        close_fig(P);
        int verdict = strncmp(s, "**Verdict.**", 12) == 0;
        buf_printf(P->b, "<p%s>", verdict ? " class=\"verdict\"" : "");
        inline_md(P->b, s, n);
        buf_printf(P->b, "</p>\n");
    }
    P->para.len = 0;
}

static void heading(const Report *R, Page *P, const char *s, size_t n) {
    int level = 0;
    while (level < (int)n && s[level] == '#') level++;
    const char *text = s + level + 1;
    size_t tn = n - (size_t)level - 1;
    if (P->in_task && level <= 3) {
        buf_printf(P->b, "</section>\n");
        P->in_task = 0;
    }
    if (level == 3) {
        char *name = xcalloc(1, tn + 1);
        memcpy(name, text, tn);
        int t = rp_find(&R->tasks, name);
        free(name);
        if (t >= 0) {
            buf_printf(P->b, "<section class=\"task\" data-t=\"%d\">\n", t);
            P->in_task = 1;
        }
    }
    buf_printf(P->b, "<h%d>", level);
    inline_md(P->b, text, tn);
    buf_printf(P->b, "</h%d>\n", level);
}

static int is_heading(const char *s, size_t n) {
    int k = 0;
    while (k < (int)n && k < 7 && s[k] == '#') k++;
    return k >= 1 && k <= 6 && (size_t)k < n && s[k] == ' ';
}

static int body(const Report *R, Page *P, const char *md, size_t len, Err *e) {
    Buf fig = {0};
    int rc = 0;
    for (size_t at = 0; at < len && rc >= 0;) {
        const char *nl = memchr(md + at, '\n', len - at), *s = md + at;
        size_t n = nl ? (size_t)(nl - s) : len - at;
        at += n + 1;
        if (P->in_code) {
            if (n >= 3 && memcmp(s, "```", 3) == 0) {
                buf_printf(P->b, "</code></pre>\n");
                P->in_code = 0;
            } else {
                html_text(P->b, s, n);
                buf_printf(P->b, "\n");
            }
            continue;
        }
        if (n && s[0] == '|') {
            flush_para(R, P);
            if (!P->pipes_ok) buf_append(&P->pre, s, n), buf_append(&P->pre, "\n", 1);
            continue;
        }
        P->pipes_ok = 0;
        flush_pre(P);
        if (n == 0) {
            flush_para(R, P);
        } else if (n >= 4 && memcmp(s, "<!--", 4) == 0 && at <= n + 1) {
            continue; /* report.md's banner: the page has its own */
        } else if (n >= 3 && memcmp(s, "```", 3) == 0) {
            flush_para(R, P);
            close_fig(P);
            buf_printf(P->b, "<pre><code>");
            P->in_code = 1;
        } else if (is_heading(s, n) && !P->para.len) {
            close_fig(P);
            heading(R, P, s, n);
        } else if (n > 2 && s[0] == '!' && s[1] == '[' && !P->para.len &&
                   (rc = html_figure(R, &fig, s, n, e)) <= 0) {
            if (rc < 0) break;
            close_fig(P);
            buf_append(P->b, fig.s, fig.len);
            fig.len = 0;
            P->in_fig = 1;
        } else {
            buf_append(&P->para, s, n);
            buf_append(&P->para, "\n", 1);
        }
    }
    buf_free(&fig);
    if (rc < 0) return -1;
    flush_para(R, P);
    flush_pre(P);
    close_fig(P);
    if (P->in_code) buf_printf(P->b, "</code></pre>\n");
    if (P->in_task) buf_printf(P->b, "</section>\n");
    return 0;
}

/* unbroken: report.md with the newlines of the folder names it quotes shown as \x0a, so that a
 * folder name cannot end a paragraph or open a heading, a figure or a code block */
static void unbroken(const Report *R, const Buf *md, Buf *out) {
    const char *folders[2 * COMPARE_WITH_MAX + REPORT_ARMS_MAX + 8];
    int nf = 0;
    folders[nf++] = R->src;
    folders[nf++] = R->paper;
    for (int k = 0; k < R->ndirs; k++) folders[nf++] = R->dirs[k];
    if (R->size_dir) folders[nf++] = R->size_dir;
    for (int k = 0; R->copts.arms && R->copts.arms[k] && k < REPORT_ARMS_MAX; k++)
        folders[nf++] = R->copts.arms[k];
    const char *s = md->s ? md->s : "";
    for (size_t i = 0; i < md->len;) {
        size_t best = 0;
        for (int f = 0; f < nf; f++) {
            size_t k = strlen(folders[f]);
            if (k > best && strchr(folders[f], '\n') && k <= md->len - i &&
                memcmp(s + i, folders[f], k) == 0)
                best = k;
        }
        if (!best) {
            buf_append(out, s + i++, 1);
            continue;
        }
        for (size_t k = 0; k < best; k++, i++)
            if (s[i] == '\n') buf_printf(out, "\\x0a");
            else buf_append(out, s + i, 1);
    }
}

int rp_html(Report *R, Err *e) {
    const Out *md = NULL;
    for (int i = 0; i < R->nouts && !md; i++)
        if (strcmp(R->outs[i]->rel, "report.md") == 0) md = R->outs[i];
    if (!md) return err_set(e, EXIT_RUN, "report.html", "no report.md composed");
    Buf b = {0}, text = {0};
    Page P = {.b = &b};
    head(R, &b);
    unbroken(R, &md->b, &text);
    int rc = body(R, &P, text.s ? text.s : "", text.len, e);
    buf_free(&text);
    buf_printf(&b, "</main>\n<script>\n%s</script>\n</body>\n</html>\n", script);
    char path[4700];
    if (rc == 0 && fs_path(path, sizeof path, e, "%s/report.html", R->paper) == 0)
        rc = fs_write_atomic(path, b.s, b.len, e);
    else rc = -1;
    if (rc != 0 && !e->code) e->code = EXIT_RUN;
    buf_free(&P.para);
    buf_free(&P.pre);
    buf_free(&b);
    return rc;
}
