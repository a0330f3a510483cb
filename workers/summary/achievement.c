/* SPDX-License-Identifier: MIT */
/*
 * The draft achievement report of a nomination (achievement.h).  Its
 * words are the annex form's and live here, one table in both languages,
 * rather than in labels.c: no other document uses them.  A value not in
 * the replies is a blank (……), never a guess.
 */
#include "achievement.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "i18n.h"
#include "page.h"
#include "safefile.h"

#define BLANK      "<span class=\"blank\">……</span>"
#define BLANK_LONG "<span class=\"blank\">…………………………</span>"

enum {
    A_SUBJECT,
    A_SUBJECT_FOR,
    A_PART_I_COLLECTIVE,
    A_PART_I_PERSON,
    A_UNIT,
    A_NAME_COLLECTIVE,
    A_NAME_PERSON,
    A_POSITION,
    A_FUNCTIONS,
    A_CAMPAIGN,
    A_PART_II,
    A_ACCOUNT,
    A_CRITERIA,
    A_QUALITATIVE,
    A_ACCLAMATION,
    A_NO_ACCLAMATION,
    A_PART_III,
    A_YEAR,
    A_TITLE,
    A_DECISION,
    A_REVOKED,
    A_SIGN_UNIT,
    A_SIGN_UNIT_NOTE,
    A_SIGN_REPORTER,
    A_SIGN_REPORTER_NOTE,
    A_MET,
    A_NOT_MET,
    A_CRITERION,
    A_JUDGEMENT,
    A_REASON,
    A_DRAFT_NOTE,
    A_COUNT
};

static const char *const TEXT[A_COUNT][2] = {
    [A_SUBJECT] = {"Thành tích đề nghị công nhận điển hình tiên tiến",
                   "Achievements proposed for recognition as an exemplar"},
    [A_SUBJECT_FOR] = {"giai đoạn", "period"},
    [A_PART_I_COLLECTIVE] = {"ĐẶC ĐIỂM, TÌNH HÌNH", "FEATURES AND SITUATION"},
    [A_PART_I_PERSON] = {"SƠ LƯỢC LÝ LỊCH", "BRIEF CURRICULUM VITAE"},
    [A_UNIT] = {"Đơn vị", "Unit"},
    [A_NAME_COLLECTIVE] = {"Tên tập thể", "Name of the collective"},
    [A_NAME_PERSON] = {"Họ và tên", "Full name"},
    [A_POSITION] = {"Chức vụ", "Position"},
    [A_FUNCTIONS] = {"Chức năng, nhiệm vụ được giao", "Functions and tasks assigned"},
    [A_CAMPAIGN] = {"Đợt, giai đoạn", "Campaign, period"},
    [A_PART_II] = {"THÀNH TÍCH ĐẠT ĐƯỢC", "ACHIEVEMENTS"},
    [A_ACCOUNT] = {"Thành tích đạt được (đơn vị hoàn thiện)",
                   "The achievements (for the unit to complete)"},
    [A_CRITERIA] = {"Tiêu chuẩn của kế hoạch (kết quả kiểm tra)",
                    "The plan's criteria (as checked)"},
    [A_QUALITATIVE] = {"Tiêu chuẩn định tính (đơn vị đánh giá)",
                       "Qualitative criteria (the unit's judgement)"},
    [A_ACCLAMATION] = {"Tập thể thừa nhận, suy tôn", "Acclaimed by the collective"},
    [A_NO_ACCLAMATION] = {"chưa ghi nhận", "not recorded"},
    [A_PART_III] = {"CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG", "AWARDS RECEIVED"},
    [A_YEAR] = {"Năm", "Year"},
    [A_TITLE] = {"Danh hiệu thi đua", "Emulation title"},
    [A_DECISION] = {"Số, ngày, tháng, năm của quyết định công nhận; cơ quan ban hành",
                    "Number and date of the recognising decision; issuer"},
    [A_REVOKED] = {"đã bị hủy bỏ", "revoked"},
    [A_SIGN_UNIT] = {"THỦ TRƯỞNG ĐƠN VỊ XÁC NHẬN, ĐỀ NGHỊ", "HEAD OF UNIT, CONFIRMING"},
    [A_SIGN_UNIT_NOTE] = {"(Ký, đóng dấu)", "(Signature, seal)"},
    [A_SIGN_REPORTER] = {"NGƯỜI BÁO CÁO THÀNH TÍCH", "THE REPORTER"},
    [A_SIGN_REPORTER_NOTE] = {"(Ký, ghi rõ họ và tên)", "(Signature, full name)"},
    [A_MET] = {"đạt", "met"},
    [A_NOT_MET] = {"không đạt", "not met"},
    [A_CRITERION] = {"Tiêu chuẩn", "Criterion"},
    [A_JUDGEMENT] = {"Đánh giá", "Judgement"},
    [A_REASON] = {"Lý do", "Reason"},
    [A_DRAFT_NOTE] = {"Bản dự thảo do hệ thống lập từ dữ liệu của đề nghị; đơn vị hoàn thiện, ký "
                      "rồi tải lên hồ sơ (exemplarctl attach ID report FILE).",
                      "A draft made from the nomination's records; the unit completes and signs "
                      "it, then uploads it to the dossier (exemplarctl attach ID report FILE)."},
};

static const char *t(int which, sr_lang_t lang)
{
    return TEXT[which][lang == SR_EN ? 1 : 0];
}

static bool given(const char *s)
{
    return s && s[0];
}

/* <p><b>label</b>: value</p>, or a blank for a value not given. */
static void field(FILE *f, int label, sr_lang_t lang, const char *value)
{
    fputs("<p><b>", f);
    page_esc(f, t(label, lang));
    fputs("</b>: ", f);
    if (given(value))
        page_esc(f, value);
    else
        fputs(BLANK_LONG, f);
    fputs("</p>\n", f);
}

static void heading(FILE *f, const char *num, int label, sr_lang_t lang)
{
    fprintf(f, "<h2>%s. ", num);
    page_esc(f, t(label, lang));
    fputs("</h2>\n", f);
}

static int by_year(const void *a, const void *b)
{
    const Exemplar__Evidence *x = *(Exemplar__Evidence *const *)a;
    const Exemplar__Evidence *y = *(Exemplar__Evidence *const *)b;
    if (x->year != y->year)
        return x->year < y->year ? -1 : 1;
    return strcmp(x->title, y->title);
}

/* A title's name as check gave it (its criteria), else its code. */
static const char *title_name(const Exemplar__CheckReply *c, const char *code)
{
    for (size_t i = 0; c && i < c->n_criteria; i++)
        if (strcmp(c->criteria[i]->title, code) == 0 && given(c->criteria[i]->title_name))
            return c->criteria[i]->title_name;
    return code;
}

/* The check's explanation, its lines as they came (the daemon's words). */
static void check_lines(FILE *f, const Exemplar__CheckReply *c)
{
    fputs("<ul class=\"checked\">\n", f);
    const char *p = c->text;
    while (p && *p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        while (n && (*p == ' '))
            p++, n--;
        if (n) {
            char *line = strndup(p, n);
            if (line) {
                fputs("<li>", f);
                page_esc(f, line);
                fputs("</li>\n", f);
                free(line);
            }
        }
        p = nl ? nl + 1 : p + n;
    }
    fputs("</ul>\n", f);
}

int achievement_render_html(const achievement_t *a, sr_lang_t lang, const summary_doc_t *doc,
                            FILE *f)
{
    const Exemplar__Nomination *n = a->nomination;
    if (!n)
        return -EX_EINVALID;
    bool collective = n->kind == EXEMPLAR__KIND__KIND_COLLECTIVE;
    char subject[512], title[256];
    snprintf(subject, sizeof subject, "%s %s %s", t(A_SUBJECT, lang), t(A_SUBJECT_FOR, lang),
             given(n->period) ? n->period : n->campaign);
    snprintf(title, sizeof title, "%s", n->name);
    page_begin(f, lang, title, doc, subject);
    fputs("<p class=\"none\">", f);
    page_esc(f, t(A_DRAFT_NOTE, lang));
    fputs("</p>\n", f);

    /* I. Who: the collective's features, or the person's curriculum vitae */
    heading(f, "I", collective ? A_PART_I_COLLECTIVE : A_PART_I_PERSON, lang);
    field(f, collective ? A_NAME_COLLECTIVE : A_NAME_PERSON, lang, n->name);
    char unit[384];
    snprintf(unit, sizeof unit, "%s%s%s%s", given(n->unit_name) ? n->unit_name : "",
             given(n->unit_name) ? " (" : "", n->unit, given(n->unit_name) ? ")" : "");
    field(f, A_UNIT, lang, unit);
    if (!collective)
        field(f, A_POSITION, lang, NULL);
    field(f, A_FUNCTIONS, lang, NULL);
    char campaign[256];
    snprintf(campaign, sizeof campaign, "%s%s%s", n->campaign, given(n->period) ? ", " : "",
             given(n->period) ? n->period : "");
    field(f, A_CAMPAIGN, lang, campaign);

    /* II. Achievements: the account to write, then what the daemon judged */
    heading(f, "II", A_PART_II, lang);
    fputs("<h3>1. ", f);
    page_esc(f, t(A_ACCOUNT, lang));
    fputs("</h3>\n<p>" BLANK_LONG "</p>\n<p>" BLANK_LONG "</p>\n<h3>2. ", f);
    page_esc(f, t(A_CRITERIA, lang));
    fputs("</h3>\n", f);
    if (a->check && given(a->check->text))
        check_lines(f, a->check);
    else
        fputs("<p>" BLANK_LONG "</p>\n", f);
    fputs("<h3>3. ", f);
    page_esc(f, t(A_ACCLAMATION, lang));
    fputs("</h3>\n<p>", f);
    const Exemplar__Acclamation *ac = a->dossier ? a->dossier->acclamation : NULL;
    char day[48];
    if (ac) {
        page_esc(f, sr_format_day(ac->date, lang, day, sizeof day));
        page_escf(f,
                  lang == SR_EN ? ": %u of %u members present in favour."
                                : ": %u/%u thành viên có mặt tán thành.",
                  ac->in_favour, ac->present);
    } else {
        page_esc(f, t(A_NO_ACCLAMATION, lang));
    }
    fputs("</p>\n<h3>4. ", f);
    page_esc(f, t(A_QUALITATIVE, lang));
    fputs("</h3>\n", f);
    size_t nj = a->dossier ? a->dossier->n_judgements : 0;
    if (!nj) {
        page_none(f, lang);
    } else {
        const char *cols[] = {t(A_CRITERION, lang), t(A_JUDGEMENT, lang), t(A_REASON, lang)};
        page_thead(f, "qualitative", lang, cols, 3);
        for (size_t i = 0; i < nj; i++) {
            const Exemplar__Judgement *j = a->dossier->judgements[i];
            page_stt(f, i + 1);
            page_td(f, j->criterion);
            page_td(f, t(j->met ? A_MET : A_NOT_MET, lang));
            page_td(f, j->reason);
            fputs("</tr>\n", f);
        }
        fputs("</tbody></table>\n", f);
    }

    /* III. The titles by year, with the decisions that awarded them */
    heading(f, "III", A_PART_III, lang);
    Exemplar__Evidence **ev = NULL;
    if (a->n_evidence) {
        ev = malloc(a->n_evidence * sizeof *ev);
        if (!ev)
            return -EX_EINTERNAL;
        memcpy(ev, a->evidence, a->n_evidence * sizeof *ev);
        qsort(ev, a->n_evidence, sizeof *ev, by_year);
    }
    if (!a->n_evidence) {
        page_none(f, lang);
    } else {
        const char *cols[] = {t(A_YEAR, lang), t(A_TITLE, lang), t(A_DECISION, lang)};
        page_thead(f, "titles", lang, cols, 3);
        for (size_t i = 0; i < a->n_evidence; i++) {
            char year[16], dec[512];
            snprintf(year, sizeof year, "%d", ev[i]->year);
            page_stt(f, i + 1);
            page_td_nw(f, year);
            page_td(f, title_name(a->check, ev[i]->title));
            sr_decision_line(ev[i]->decision, lang, dec, sizeof dec);
            if (ev[i]->revoked) {
                size_t used = strlen(dec);
                snprintf(dec + used, sizeof dec - used, " (%s)", t(A_REVOKED, lang));
            }
            page_td(f, dec);
            fputs("</tr>\n", f);
        }
        fputs("</tbody></table>\n", f);
    }
    free(ev);

    /* The head of the unit confirms on the left, the reporter signs on the right. */
    fputs("<footer class=\"doc-foot\">\n", f);
    const int sig[2][2] = {{A_SIGN_UNIT, A_SIGN_UNIT_NOTE},
                           {A_SIGN_REPORTER, A_SIGN_REPORTER_NOTE}};
    for (size_t i = 0; i < 2; i++) {
        fputs("<div class=\"signature\">\n<div class=\"office\">", f);
        page_esc(f, t(sig[i][0], lang));
        fputs("</div>\n<div class=\"none\">", f);
        page_esc(f, t(sig[i][1], lang));
        fputs("</div>\n<div class=\"sign-space\"></div>\n<div class=\"signer\">", f);
        if (i == 1 && !collective)
            page_esc(f, n->name);
        else
            fputs(BLANK_LONG, f);
        fputs("</div>\n</div>\n", f);
    }
    fputs("</footer>\n", f);
    page_close(f);
    return ferror(f) ? -EX_ESTORAGE : 0;
}

typedef struct {
    const achievement_t *a;
    sr_lang_t lang;
    const summary_doc_t *doc;
} achievement_out_t;

static int achievement_stream(void *ctx, FILE *f)
{
    const achievement_out_t *o = ctx;
    return achievement_render_html(o->a, o->lang, o->doc, f);
}

int achievement_write_file(const achievement_t *a, sr_lang_t lang, const summary_doc_t *doc,
                           const char *path, char *err, size_t errlen)
{
    achievement_out_t o = {a, lang, doc};
    return ex_safefile_write(path, 0640, achievement_stream, NULL, &o, err, errlen);
}
