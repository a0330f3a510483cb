/* SPDX-License-Identifier: MIT */
/*
 * Output buffers, HTML escaping and the two languages of the pages.  Every
 * text that reaches a page from outside (names, reasons, the daemon's
 * sentences) goes through buf_esc; the words of the plan (trường hợp đề
 * nghị, điển hình, the states đăng ký ... công nhận) are in one table, the
 * English key first.
 */
#include "html.h"

#include "context.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void grow(buf_t *b, size_t more)
{
    if (b->oom || b->len + more + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + more + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = true;
        return;
    }
    b->p = p;
    b->cap = cap;
}

static void add_n(buf_t *b, const char *s, size_t n)
{
    grow(b, n);
    if (b->oom)
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void buf_add(buf_t *b, const char *s)
{
    add_n(b, s, strlen(s));
}

void buf_fmt(buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    grow(b, (size_t)n);
    if (b->oom)
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void buf_esc(buf_t *b, const char *s)
{
    for (const char *p = s ? s : ""; *p; p++) {
        switch (*p) {
        case '&':
            buf_add(b, "&amp;");
            break;
        case '<':
            buf_add(b, "&lt;");
            break;
        case '>':
            buf_add(b, "&gt;");
            break;
        case '"':
            buf_add(b, "&quot;");
            break;
        case '\'':
            buf_add(b, "&#39;");
            break;
        default:
            add_n(b, p, 1);
        }
    }
}

void buf_free(buf_t *b)
{
    free(b->p);
    memset(b, 0, sizeof(*b));
}

/* English key, Vietnamese text. */
static const struct {
    const char *en, *vi;
} WORDS[] = {
    {"Exemplar programme", "Phong trào thi đua điển hình tiên tiến"},
    {"Sign in", "Đăng nhập"},
    {"Sign out", "Đăng xuất"},
    {"User name", "Tên đăng nhập"},
    {"Password", "Mật khẩu"},
    {"Wrong user name or password.", "Sai tên đăng nhập hoặc mật khẩu."},
    {"This account is disabled.", "Tài khoản này đã bị khóa."},
    {"Sign-in is locked for a while after too many wrong passwords. Try again in %d minutes.",
     "Đăng nhập tạm thời bị khóa vì nhập sai mật khẩu quá nhiều lần. Hãy thử lại sau %d phút."},
    {"The form has expired or did not come from this site. Open the page again and retry.",
     "Biểu mẫu đã hết hạn hoặc không xuất phát từ trang này. Hãy mở lại trang và thử lại."},
    {"Nominations", "Các trường hợp đề nghị"},
    {"Nominations of unit %s", "Các trường hợp đề nghị của đơn vị %s"},
    {"Review queue", "Danh sách chờ Bộ xem xét"},
    {"For recognition", "Chờ công nhận"},
    {"All", "Tất cả"},
    {"Name", "Tên"},
    {"Kind", "Loại"},
    {"State", "Trạng thái"},
    {"Unit", "Đơn vị"},
    {"Version", "Phiên bản"},
    {"What is missing", "Còn thiếu"},
    {"Criteria met", "Đủ tiêu chuẩn"},
    {"Register a candidate", "Đăng ký trường hợp đề nghị"},
    {"Register", "Đăng ký"},
    {"Subject id (optional)", "Mã đối tượng (không bắt buộc)"},
    {"Registered.", "Đã đăng ký."},
    {"Done: %s.", "Đã thực hiện: %s."},
    {"Reason", "Lý do"},
    {"Reason (required)", "Lý do (bắt buộc)"},
    {"Decision number", "Số quyết định"},
    {"Decision date", "Ngày quyết định"},
    {"Issuer", "Người ký quyết định"},
    {"History", "Lịch sử"},
    {"When", "Thời điểm"},
    {"Move", "Chuyển"},
    {"By", "Người thực hiện"},
    {"What you can do", "Thao tác"},
    {"Nothing to do here for your role in this state.",
     "Vai trò của bạn không có thao tác nào ở trạng thái này."},
    {"Someone moved this since you opened it: it is now \"%s\" (version %llu). Look again, then "
     "act.",
     "Trường hợp này đã được người khác chuyển sang \"%s\" (phiên bản %llu) sau khi bạn mở trang. "
     "Hãy xem lại rồi thao tác."},
    {"The daemon refused: %s", "Hệ thống từ chối: %s"},
    {"The daemon did not answer; nothing was changed. Try again.",
     "Hệ thống không trả lời; chưa có gì thay đổi. Hãy thử lại."},
    {"Not found", "Không tìm thấy"},
    {"Not allowed", "Không được phép"},
    {"Back to the list", "Về danh sách"},
    {"Change your password", "Đổi mật khẩu"},
    {"New password", "Mật khẩu mới"},
    {"New password again", "Nhập lại mật khẩu mới"},
    {"Save", "Lưu"},
    {"Your one-time password must be changed now.",
     "Bạn cần đổi mật khẩu dùng một lần ngay bây giờ."},
    {"The two passwords differ, or the password is shorter than 10 characters.",
     "Hai mật khẩu không khớp, hoặc mật khẩu ngắn hơn 10 ký tự."},
    {"Password changed.", "Đã đổi mật khẩu."},
    {"Signed in as %s (%s)", "Đăng nhập với tên %s (%s)"},
    {"Language", "Ngôn ngữ"},
    {"Main menu", "Trình đơn chính"},
    {"No nominations.", "Không có trường hợp đề nghị nào."},
    {"Page not found.", "Không tìm thấy trang."},
    {"Nomination %llu", "Trường hợp đề nghị số %llu"},
    {"Registered on", "Ngày đăng ký"},
    {"Recognised by decision", "Công nhận theo quyết định"},
    {"Nomination %llu was moved to \"%s\" by %s.",
     "Trường hợp đề nghị số %llu vừa được chuyển sang \"%s\" bởi %s."},
    {"Changes as they happen", "Thay đổi mới nhất"},
    {"Search by name (with or without diacritics)", "Tìm theo tên (có dấu hoặc không dấu)"},
    {"Search", "Tìm"},
    {"Unit plans", "Kế hoạch của đơn vị"},
    {"Quarterly summary", "Báo cáo quý"},
    {"Quarter (e.g. 2026Q4)", "Quý (ví dụ 2026Q4)"},
    {"Format", "Định dạng"},
    {"Open the summary", "Xem báo cáo"},
    {"Periods", "Giai đoạn"},
    {"The unit's plan", "Kế hoạch của đơn vị"},
    {"Collectives the unit undertakes to foster", "Số tập thể đơn vị đăng ký bồi dưỡng"},
    {"Individuals the unit undertakes to foster", "Số cá nhân đơn vị đăng ký bồi dưỡng"},
    {"Solutions and responsibilities", "Giải pháp và phân công trách nhiệm"},
    {"The unit's plan: document number", "Số văn bản kế hoạch của đơn vị"},
    {"Document date", "Ngày văn bản"},
    {"Send the plan to the Ministry", "Gửi kế hoạch lên Bộ"},
    {"Save as a draft", "Lưu bản nháp"},
    {"Return the plan of", "Trả lại kế hoạch của đơn vị"},
    {"Accept the plan of", "Chấp nhận kế hoạch của đơn vị"},
    {"Reason (a late plan needs one)", "Lý do (bắt buộc nếu gửi muộn)"},
    {"Return for revision", "Trả lại để sửa"},
    {"Accept", "Chấp nhận"},
    {"Deadline for the plans:", "Hạn gửi kế hoạch:"},
    {"Units without a submitted plan:", "Số đơn vị chưa gửi kế hoạch:"},
    {"Plan", "Kế hoạch"},
    {"Expected", "Đăng ký (tập thể + cá nhân)"},
    {"Registered", "Đã đề nghị (tập thể + cá nhân)"},
    {"No unit has sent a plan yet.", "Chưa đơn vị nào gửi kế hoạch."},
    {"The draft is saved.", "Đã lưu bản nháp."},
    {"The plan is sent to the Ministry.", "Đã gửi kế hoạch lên Bộ."},
    {"The plan is accepted.", "Đã chấp nhận kế hoạch."},
    {"The plan is returned for revision.", "Đã trả lại kế hoạch để sửa."},
    {"Subject id", "Mã đối tượng"},
    {"Criteria", "Tiêu chí"},
    {"Not met yet", "Chưa đạt"},
    {"The criteria", "Tiêu chí xét chọn"},
    {"Title", "Danh hiệu"},
    {"Years recorded", "Các năm đã có"},
    {"Years missing", "Các năm còn thiếu"},
    {"Revoked", "Đã thu hồi"},
    {"Not decided yet", "Chưa đến hạn quyết định"},
    {"Explanation", "Giải thích"},
    {"Record a title", "Ghi nhận danh hiệu"},
    {"Title (code of the rule book)", "Danh hiệu (mã trong bộ quy định)"},
    {"Year of the title", "Năm của danh hiệu"},
    {"Record the title", "Ghi nhận danh hiệu"},
    {"Evidence: titles by year", "Căn cứ: danh hiệu theo năm"},
    {"This nomination names no subject id: no evidence can be filed for it.",
     "Trường hợp đề nghị này không có mã đối tượng nên không thể ghi nhận căn cứ."},
    {"No title is recorded yet.", "Chưa ghi nhận danh hiệu nào."},
    {"Year", "Năm"},
    {"Status", "Tình trạng"},
    {"Revoked by decision", "Đã thu hồi theo quyết định"},
    {"Counts", "Được tính"},
    {"The year of the title must be a year, such as 2025.",
     "Năm của danh hiệu phải là một năm, ví dụ 2025."},
    {"Recorded: %s for %d.", "Đã ghi nhận: %s năm %d."},
};

const char *L(int lang, const char *en)
{
    if (lang == LANG_EN)
        return en;
    for (size_t i = 0; i < sizeof(WORDS) / sizeof(WORDS[0]); i++)
        if (strcmp(WORDS[i].en, en) == 0)
            return WORDS[i].vi;
    return en;
}

/* The states as the plan names them. */
static const char *const STATE_VI[] = {
    [EXEMPLAR__STATE__STATE_REGISTERED] = "Đăng ký",
    [EXEMPLAR__STATE__STATE_FOSTERING] = "Bồi dưỡng",
    [EXEMPLAR__STATE__STATE_UNIT_REVIEWED] = "Bình xét cấp đơn vị",
    [EXEMPLAR__STATE__STATE_MINISTRY_REVIEWED] = "Bộ xem xét",
    [EXEMPLAR__STATE__STATE_RECOGNIZED] = "Công nhận",
    [EXEMPLAR__STATE__STATE_WITHDRAWN] = "Đã rút",
    [EXEMPLAR__STATE__STATE_NOT_SELECTED] = "Không được chọn",
    [EXEMPLAR__STATE__STATE_RETURNED] = "Trả lại để bồi dưỡng thêm",
    [EXEMPLAR__STATE__STATE_REVOKED] = "Thu hồi công nhận",
    [EXEMPLAR__STATE__STATE_CARRIED_OVER] = "Chuyển sang kỳ sau",
};
static const char *const STATE_EN[] = {
    [EXEMPLAR__STATE__STATE_REGISTERED] = "Registered",
    [EXEMPLAR__STATE__STATE_FOSTERING] = "Fostering",
    [EXEMPLAR__STATE__STATE_UNIT_REVIEWED] = "Unit review passed",
    [EXEMPLAR__STATE__STATE_MINISTRY_REVIEWED] = "Ministry review passed",
    [EXEMPLAR__STATE__STATE_RECOGNIZED] = "Recognised",
    [EXEMPLAR__STATE__STATE_WITHDRAWN] = "Withdrawn",
    [EXEMPLAR__STATE__STATE_NOT_SELECTED] = "Not selected",
    [EXEMPLAR__STATE__STATE_RETURNED] = "Returned for more fostering",
    [EXEMPLAR__STATE__STATE_REVOKED] = "Recognition revoked",
    [EXEMPLAR__STATE__STATE_CARRIED_OVER] = "Carried over",
};

const char *web_state_name(int lang, Exemplar__State s)
{
    const char *const *t = lang == LANG_EN ? STATE_EN : STATE_VI;
    if ((int)s <= 0 || (size_t)s >= sizeof(STATE_VI) / sizeof(STATE_VI[0]) || !t[s])
        return "-";
    return t[s];
}

const char *web_kind_name(int lang, Exemplar__Kind k)
{
    if (k == EXEMPLAR__KIND__KIND_COLLECTIVE)
        return lang == LANG_EN ? "Collective" : "Tập thể";
    if (k == EXEMPLAR__KIND__KIND_INDIVIDUAL)
        return lang == LANG_EN ? "Individual" : "Cá nhân";
    return "-";
}

static const struct {
    const char *verb, *vi, *en;
} VERBS[] = {
    {"register", "Đăng ký", "Register"},
    {"foster", "Đưa vào bồi dưỡng", "Start fostering"},
    {"review-unit", "Gửi bình xét cấp đơn vị", "Send to the unit review"},
    {"review-ministry", "Bộ xem xét: đạt", "Ministry review: passed"},
    {"recognize", "Công nhận", "Recognise"},
    {"not-select", "Không chọn", "Not select"},
    {"return", "Trả lại để bồi dưỡng thêm", "Return for more fostering"},
    {"withdraw", "Rút hồ sơ", "Withdraw"},
    {"revoke", "Thu hồi công nhận", "Revoke the recognition"},
    {"carry-over", "Chuyển sang kỳ sau", "Carry over"},
    {"evidence", "Bổ sung minh chứng", "Evidence recorded"},
};

const char *web_verb_name(int lang, const char *verb)
{
    for (size_t i = 0; i < sizeof(VERBS) / sizeof(VERBS[0]); i++)
        if (strcmp(VERBS[i].verb, verb) == 0)
            return lang == LANG_EN ? VERBS[i].en : VERBS[i].vi;
    return verb;
}

const char *web_role_name(int lang, Exemplar__Role r)
{
    switch (r) {
    case EXEMPLAR__ROLE__ROLE_UNIT_OFFICER:
        return lang == LANG_EN ? "unit officer" : "cán bộ đơn vị";
    case EXEMPLAR__ROLE__ROLE_MINISTRY_REVIEWER:
        return lang == LANG_EN ? "Ministry reviewer" : "chuyên viên Bộ";
    case EXEMPLAR__ROLE__ROLE_APPROVER:
        return lang == LANG_EN ? "approver" : "lãnh đạo phê duyệt";
    case EXEMPLAR__ROLE__ROLE_READER:
        return lang == LANG_EN ? "reader" : "người xem";
    case EXEMPLAR__ROLE__ROLE_ADMIN:
        return lang == LANG_EN ? "administrator" : "quản trị";
    default:
        return "-";
    }
}

const char *web_lang_code(int lang)
{
    return lang == LANG_EN ? "en" : "vi";
}
