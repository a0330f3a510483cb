/* SPDX-License-Identifier: MIT */
/*
 * The bottom of the summary's renderers (labels.h): the words of the
 * documents in Vietnamese and English (one table), days and times as each
 * language writes them, and the counts the tables are made of.  It calls
 * nothing of the renderers above it (render.c's dispatch, render_html.c,
 * render_xlsx.c, document.c).
 */
#include "labels.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "day.h"

/* ---- labels ------------------------------------------------------------- */

typedef struct {
    const char *vi, *en;
} label_t;

static const label_t STATE_LABEL[] = {
    [EXEMPLAR__STATE__STATE_NONE] = {"(mới)", "(new)"},
    [EXEMPLAR__STATE__STATE_REGISTERED] = {"Đăng ký", "Registered"},
    [EXEMPLAR__STATE__STATE_FOSTERING] = {"Bồi dưỡng", "Fostering"},
    [EXEMPLAR__STATE__STATE_UNIT_REVIEWED] = {"Bình xét cấp đơn vị", "Unit-reviewed"},
    [EXEMPLAR__STATE__STATE_MINISTRY_REVIEWED] = {"Bộ xem xét", "Ministry-reviewed"},
    [EXEMPLAR__STATE__STATE_RECOGNIZED] = {"Công nhận", "Recognized"},
    [EXEMPLAR__STATE__STATE_WITHDRAWN] = {"Rút đăng ký", "Withdrawn"},
    [EXEMPLAR__STATE__STATE_NOT_SELECTED] = {"Không được lựa chọn", "Not selected"},
    [EXEMPLAR__STATE__STATE_RETURNED] = {"Trả lại, tiếp tục bồi dưỡng",
                                         "Returned for more fostering"},
    [EXEMPLAR__STATE__STATE_REVOKED] = {"Hủy bỏ quyết định công nhận", "Recognition revoked"},
    [EXEMPLAR__STATE__STATE_CARRIED_OVER] = {"Chuyển sang giai đoạn sau", "Carried over"},
};

static const label_t KIND_LABEL[] = {
    [EXEMPLAR__KIND__KIND_NONE] = {"-", "-"},
    [EXEMPLAR__KIND__KIND_COLLECTIVE] = {"Tập thể", "Collective"},
    [EXEMPLAR__KIND__KIND_INDIVIDUAL] = {"Cá nhân", "Individual"},
};

/* Words of the page and the sheets, by SR_T_*. */
static const label_t TEXT[SR_T_COUNT_WORDS] = {
    [SR_T_TITLE] = {"Báo cáo tổng hợp điển hình tiên tiến", "Exemplar summary"},
    [SR_T_QUARTER] = {"Quý", "Quarter"},
    [SR_T_AS_OF] = {"Số liệu tính đến hết ngày", "Figures as of the end of"},
    [SR_T_CAMPAIGN] = {"Kế hoạch", "Campaign"},
    [SR_T_ALL_CAMPAIGNS] = {"tất cả", "all"},
    [SR_T_UNIT] = {"Đơn vị", "Unit"},
    [SR_T_UNIT_CODE] = {"Mã đơn vị", "Unit code"},
    [SR_T_KIND] = {"Loại", "Kind"},
    [SR_T_STATE] = {"Trạng thái", "State"},
    [SR_T_COUNT] = {"Số lượng", "Count"},
    [SR_T_TOTAL] = {"Tổng", "Total"},
    [SR_T_FUNNEL] = {"Tiến độ theo các bước của quy trình", "Progress through the steps"},
    [SR_T_BY_UNIT] = {"Kết quả theo đơn vị", "By unit"},
    [SR_T_NOMINATIONS] = {"Trường hợp đề nghị theo đơn vị, loại và trạng thái",
                          "Nominations by unit, kind and state"},
    [SR_T_MOVES] = {"Chuyển trạng thái trong quý", "Moves in the quarter"},
    [SR_T_FROM] = {"Từ", "From"},
    [SR_T_TO] = {"Sang", "To"},
    [SR_T_RECOGNIZED] = {"Điển hình được công nhận trong quý", "Recognized in the quarter"},
    [SR_T_NAME] = {"Tên", "Name"},
    [SR_T_DAY] = {"Ngày", "Day"},
    [SR_T_OVERDUE] = {"Đơn vị chưa nộp kế hoạch đúng hạn", "Units overdue with their plan"},
    [SR_T_PERIOD] = {"Giai đoạn", "Period"},
    [SR_T_MILESTONE] = {"Mốc", "Milestone"},
    [SR_T_DUE] = {"Hạn", "Due"},
    [SR_T_GAPS] = {"Trường hợp đang xét còn thiếu minh chứng", "Under review, evidence missing"},
    [SR_T_IDS] = {"Mã hồ sơ", "Nomination ids"},
    [SR_T_NONE] = {"Không có.", "None."},
    [SR_T_GENERATED] = {"Lập lúc", "Generated at"},
    [SR_T_SCOPE] = {"Phạm vi đơn vị", "Unit scope"},
    [SR_T_REGISTRATION] = {"Đăng ký và nộp kế hoạch", "Registration and plan"},
    [SR_T_TOTAL_NOMS] = {"Tổng số trường hợp đề nghị", "Nominations"},
    [SR_T_OTHER] = {"Ra khỏi quy trình chính", "Off the main path"},
    [SR_T_STT] = {"STT", "No."},
    [SR_T_MOTTO1] = {"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIET NAM"},
    [SR_T_MOTTO2] = {"Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness"},
    [SR_T_NUMBER] = {"Số", "No."},
    [SR_T_REPORT] = {"BÁO CÁO", "REPORT"},
    [SR_T_SUBJECT] = {"Tình hình xây dựng và nhân rộng điển hình tiên tiến",
                      "Building and replicating advanced exemplars"},
    [SR_T_RECIPIENTS] = {"Nơi nhận:", "Recipients:"},
    [SR_T_ARCHIVE] = {"Lưu", "Filed"},
    [SR_T_GENERAL] = {"Tình hình chung", "Overview"},
    [SR_T_STEP] = {"Bước", "Step"},
    [SR_T_IN_STEP] = {"Đang ở bước này", "At this step"},
    [SR_T_REACHED] = {"Đã đến bước này (kể cả đã đi tiếp)", "Reached this step (incl. further)"},
    [SR_T_SIDE] = {"Trường hợp ra khỏi quy trình chính", "Nominations off the main path"},
    [SR_T_PERSONS] = {"Trường hợp (mã hồ sơ)", "Nominations (id)"},
    [SR_T_AND_MORE] = {"và %llu trường hợp khác", "and %llu more"},
    [SR_T_VN_TIME] = {"giờ Việt Nam", "Vietnam time, UTC+7"},
    [SR_T_SUM] = {"Cộng", "Subtotal"},
    [SR_T_FROM_DAY] = {"từ ngày", "from"},
    [SR_T_INTRO_TOTAL] = {"Tổng số trường hợp đề nghị đã đăng ký: %llu; trong đó %llu trường hợp "
                          "đang trên quy trình chính (từ đăng ký đến công nhận) và %llu trường "
                          "hợp đã ra khỏi quy trình chính (chi tiết tại mục II).",
                          "Nominations registered: %llu; %llu of them on the main path "
                          "(registration to recognition) and %llu off it (details in part II)."},
    [SR_T_FUNNEL_NOTE] = {"Mỗi thanh là số trường hợp đã đến bước đó, kể cả những trường hợp đã "
                          "đi tiếp; con số \"đang ở\" là số trường hợp còn ở bước đó. Các trường "
                          "hợp ra khỏi quy trình chính không tính vào biểu đồ.",
                          "Each bar counts the nominations that reached the step, including "
                          "those that went further; \"at step\" counts those still at it. "
                          "Nominations off the main path are not in the chart."},
    [SR_T_FUNNEL_VAL] = {"đã đến %llu, đang ở %llu", "reached %llu, at step %llu"},
    [SR_T_RECOG_COUNT] = {"Trong quý có %llu điển hình được công nhận.",
                          "%llu exemplars were recognized in the quarter."},
    [SR_T_OVERDUE_COUNT] = {"Có %llu đơn vị chưa nộp kế hoạch và danh sách đăng ký đúng hạn.",
                            "%llu units have not submitted their plan and registration list "
                            "on time."},
    [SR_T_GAP_COUNT] = {"Có %llu trường hợp đang được xét nhưng minh chứng chưa đáp ứng tiêu "
                        "chí.",
                        "%llu nominations under review whose evidence does not yet meet the "
                        "criteria."},
    [SR_T_MAIN_TABLE] = {"Số trường hợp theo bước, đơn vị và loại",
                         "Nominations by step, unit and kind"},
    [SR_T_DATA_FROM] = {"Số liệu lập từ hệ thống Exemplar", "Figures from the Exemplar system"},
    [SR_T_DECISION] = {"Quyết định công nhận", "Recognizing decision"},
    [SR_T_DEC_NUMBER] = {"Số quyết định", "Decision number"},
    [SR_T_DEC_DATE] = {"Ngày quyết định", "Decision date"},
    [SR_T_DEC_ISSUER] = {"Người ký", "Issued by"},
    /* The interim and final review reports (report.c). */
    [SR_T_RV_INTERIM] = {"Sơ kết công tác xây dựng và nhân rộng điển hình tiên tiến giai đoạn %s",
                         "Interim review of building and replicating advanced exemplars, %s"},
    [SR_T_RV_FINAL] = {"Tổng kết công tác xây dựng và nhân rộng điển hình tiên tiến giai đoạn %s",
                       "Final review of building and replicating advanced exemplars, %s"},
    [SR_T_RV_INTRO] = {"Số liệu tính đến hết ngày %s; Kế hoạch %s (%s), từ ngày %s đến ngày %s.",
                       "Figures as of the end of %s; campaign %s (%s), from %s to %s."},
    [SR_T_RV_TOTALS] = {"Các đơn vị đăng ký dự kiến %llu điển hình; đã đăng ký %llu trường hợp, "
                        "bồi dưỡng %llu trường hợp; %llu điển hình được công nhận; %llu quyết "
                        "định công nhận bị hủy bỏ; %llu trường hợp chuyển giai đoạn sau.",
                        "The units planned %llu exemplars; %llu nominations were registered and "
                        "%llu fostered; %llu exemplars were recognized; %llu recognitions were "
                        "revoked; %llu nominations were carried over."},
    [SR_T_RV_BY_UNIT] = {"Kết quả theo đơn vị so với kế hoạch", "Results by unit against the plan"},
    [SR_T_RV_EXPECTED] = {"Dự kiến", "Planned"},
    [SR_T_RV_REGISTERED] = {"Đăng ký", "Registered"},
    [SR_T_RV_FOSTERED] = {"Bồi dưỡng", "Fostered"},
    [SR_T_RV_RECOGNIZED] = {"Công nhận", "Recognized"},
    [SR_T_RV_REVOKED] = {"Hủy bỏ công nhận", "Revoked"},
    [SR_T_RV_CARRIED] = {"Chuyển giai đoạn sau", "Carried over"},
    [SR_T_RV_PLANS] = {"Đơn vị nộp kế hoạch muộn hoặc chưa có kế hoạch",
                       "Units late with their plan or without one"},
    [SR_T_RV_SUBMITTED] = {"Ngày nộp", "Submitted on"},
    [SR_T_RV_STATUS] = {"Tình trạng", "Status"},
    [SR_T_RV_NO_PLAN] = {"Chưa có kế hoạch", "No plan"},
    [SR_T_RV_LATE] = {"Nộp muộn", "Late"},
    [SR_T_RV_RECOG_LIST] = {"Danh sách điển hình được công nhận", "Exemplars recognized"},
    [SR_T_RV_RECOG_COUNT] = {"Có %llu điển hình được công nhận trong thời gian báo cáo.",
                             "%llu exemplars were recognized in the span."},
    [SR_T_RV_PLANS_COUNT] = {"Có %llu lượt đơn vị nộp kế hoạch muộn hoặc chưa có kế hoạch.",
                             "%llu plans of units were late or missing."},
    [SR_T_RV_NOTE] = {"Bồi dưỡng: trường hợp đã qua bước bồi dưỡng (mọi bước trừ đăng ký và rút). "
                      "Công nhận: đang được công nhận, không tính quyết định đã bị hủy bỏ.",
                      "Fostered: nominations that went through fostering (every step but "
                      "registered and withdrawn). Recognized: recognized now, revoked "
                      "recognitions not counted."},
    /* The council's minutes and the recognition decision (minutes.c). */
    [SR_T_MIN_TYPE] = {"BIÊN BẢN", "MINUTES"},
    [SR_T_MIN_SUBJECT] =
        {"Họp Hội đồng Thi đua – Khen thưởng xét công nhận điển hình tiên tiến",
         "Meeting of the Emulation and Commendation Council on recognising advanced exemplars"},
    [SR_T_MIN_PART_MEETING] = {"Thời gian và thành phần", "Time and attendance"},
    [SR_T_MIN_REF] = {"Số biên bản", "Minutes reference"},
    [SR_T_MIN_DAY] = {"Ngày họp", "Day of the meeting"},
    [SR_T_MIN_ID] = {"Cuộc họp số", "Meeting no."},
    [SR_T_MIN_OPENED] = {"Khai mạc", "Opened"},
    [SR_T_MIN_CLOSED] = {"Kết thúc", "Closed"},
    [SR_T_MIN_BY] = {"bởi", "by"},
    [SR_T_MIN_MEMBER] = {"Thành viên", "Member"},
    [SR_T_MIN_ROLE] = {"Chức danh trong Hội đồng", "Role on the council"},
    [SR_T_MIN_ATTEND] = {"Tham dự", "Attendance"},
    [SR_T_MIN_PRESENT] = {"Có mặt", "Present"},
    [SR_T_MIN_IN_WRITING] = {"Vắng mặt, biểu quyết bằng văn bản", "Absent, voted in writing"},
    [SR_T_MIN_ABSENT] = {"Vắng mặt", "Absent"},
    [SR_T_MIN_N_MEMBERS] = {"Tổng số thành viên Hội đồng", "Members of the council"},
    [SR_T_ROLE_CHAIR] = {"Chủ tịch", "Chair"},
    [SR_T_ROLE_DEPUTY] = {"Phó Chủ tịch", "Deputy chair"},
    [SR_T_ROLE_MEMBER] = {"Ủy viên", "Member"},
    [SR_T_ROLE_SECRETARY] = {"Ủy viên thư ký", "Secretary"},
    [SR_T_MIN_PART_RULES] = {"Nguyên tắc biểu quyết", "Voting rules"},
    [SR_T_MIN_RULESET] = {"Bộ quy tắc áp dụng", "Rule set applied"},
    [SR_T_MIN_QUORUM] = {"Túc số: số thành viên có mặt tối thiểu",
                         "Quorum: members present at least"},
    [SR_T_MIN_THRESHOLD] = {"Tỷ lệ tán thành để được đề nghị công nhận",
                            "Approvals needed to be recommended"},
    [SR_T_MIN_BASE_MEMBERS] = {"của tổng số thành viên Hội đồng", "of all members of the council"},
    [SR_T_MIN_BASE_BALLOTS] = {"của số phiếu đã bỏ", "of the ballots cast"},
    [SR_T_MIN_RULES_TEXT] = {"Nguyên tắc ghi khi khai mạc", "The rules as recorded at the opening"},
    [SR_T_MIN_SECRET] = {"Biểu quyết bằng phiếu kín; phiếu không ghi tên người bỏ phiếu.",
                         "Secret ballot: no ballot names its voter."},
    [SR_T_MIN_PART_RESULTS] = {"Kết quả biểu quyết", "Results of the vote"},
    [SR_T_MIN_APPROVE] = {"Tán thành", "Approve"},
    [SR_T_MIN_REJECT] = {"Không tán thành", "Reject"},
    [SR_T_MIN_NEEDED] = {"Số phiếu cần", "Needed"},
    [SR_T_MIN_RESULT] = {"Kết quả", "Result"},
    [SR_T_RES_APPROVED] = {"Đề nghị công nhận", "Recommended"},
    [SR_T_RES_NOT_APPROVED] = {"Không đề nghị công nhận", "Not recommended"},
    [SR_T_RES_NO_DECISION] = {"Không quyết định (không đủ túc số)", "No decision (no quorum)"},
    [SR_T_RES_OPEN] = {"Chưa kiểm phiếu", "Not counted yet"},
    [SR_T_MIN_OPEN_NOTE] =
        {"Cuộc họp chưa kết thúc: số phiếu chỉ được công bố khi kết thúc.",
         "The meeting is still open: the counts are published only when it closes."},
    [SR_T_MIN_SIGN_SECRETARY] = {"THƯ KÝ", "SECRETARY"},
    [SR_T_MIN_SIGN_CHAIR] = {"CHỦ TỊCH HỘI ĐỒNG", "CHAIR OF THE COUNCIL"},
    [SR_T_DEC_TYPE] = {"QUYẾT ĐỊNH", "DECISION"},
    [SR_T_DEC_SUBJECT] = {"Về việc công nhận điển hình tiên tiến",
                          "On the recognition of advanced exemplars"},
    [SR_T_DEC_PERIOD] = {"giai đoạn", "for the period"},
    [SR_T_DEC_BASIS_LAW] =
        {"Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;",
         "Pursuant to the Law on Emulation and Commendation No. 06/2022/QH15 of 15 June 2022;"},
    [SR_T_DEC_BASIS_DECREE] =
        {"Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi "
         "tiết thi hành một số điều của Luật Thi đua, khen thưởng;",
         "Pursuant to Decree No. 98/2023/NĐ-CP of 31 December 2023 of the Government detailing the "
         "Law on Emulation and Commendation;"},
    [SR_T_DEC_BASIS_ORG] = {"Căn cứ Nghị định số", "Pursuant to Decree No."},
    [SR_T_DEC_BASIS_ORG2] = {"quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của",
                             "on the functions, tasks, powers and organisation of"},
    [SR_T_DEC_BASIS_PLAN] = {"Căn cứ Kế hoạch số", "Pursuant to Plan No."},
    [SR_T_DEC_BASIS_PLAN2] = {"về xây dựng và nhân rộng điển hình tiên tiến",
                              "on building and replicating advanced exemplars"},
    [SR_T_DEC_BASIS_MINUTES] = {"Căn cứ Biên bản họp Hội đồng Thi đua – Khen thưởng số",
                                "Having regard to the minutes of the meeting of the Emulation and "
                                "Commendation Council No."},
    [SR_T_DEC_OF_DAY] = {"ngày", "of"},
    [SR_T_DEC_PROPOSAL] = {"Theo đề nghị của", "On the proposal of"},
    [SR_T_DEC_DECIDES] = {"QUYẾT ĐỊNH:", "DECIDES:"},
    [SR_T_DEC_ART] = {"Điều", "Article"},
    [SR_T_DEC_ART1] =
        {"Công nhận %zu tập thể và %zu cá nhân là điển hình tiên tiến (có danh sách kèm theo).",
         "To recognise %zu collectives and %zu individuals as advanced exemplars (list annexed)."},
    [SR_T_DEC_ART2] = {"Quyết định này có hiệu lực kể từ ngày ký.",
                       "This decision takes effect on the day it is signed."},
    [SR_T_DEC_ART3] =
        {"Chánh Văn phòng, Thủ trưởng các đơn vị có liên quan và các tập thể, cá nhân có tên tại "
         "Điều 1 chịu trách nhiệm thi hành Quyết định này.",
         "The Chief of the Office, the heads of the units concerned and the collectives and "
         "individuals named in Article 1 shall implement this decision."},
    [SR_T_DEC_AS_ART3] = {"Như Điều 3", "As in Article 3"},
    [SR_T_DEC_ANNEX] = {"DANH SÁCH ĐIỂN HÌNH TIÊN TIẾN ĐƯỢC CÔNG NHẬN",
                        "LIST OF THE ADVANCED EXEMPLARS RECOGNISED"},
    [SR_T_DEC_ANNEX_REF] = {"(Kèm theo Quyết định số", "(Annexed to Decision No."},
    [SR_T_DEC_ANNEX_OF] = {"của", "of"},
    [SR_T_DEC_DRAFT] = {"DỰ THẢO", "DRAFT"},
};

const char *summary_quarter_label(const char *quarter, sr_lang_t lang, char *buf, size_t len)
{
    /* "2023Q3" -> "Quý III/2023" (as Vietnamese reports write it) or "Q3 2023". */
    static const char *const ROMAN[] = {"I", "II", "III", "IV"};
    unsigned n;
    if (day_quarter_parse(quarter, &n) < 0)
        snprintf(buf, len, "%s", quarter);
    else if (lang == SR_EN)
        snprintf(buf, len, "Q%u %u", n % 4 + 1, n / 4);
    else
        snprintf(buf, len, "Quý %s/%u", ROMAN[n % 4], n / 4);
    return buf;
}

const char *sr_text(int which, sr_lang_t lang)
{
    return lang == SR_EN ? TEXT[which].en : TEXT[which].vi;
}

const char *summary_state_label(int state, sr_lang_t lang)
{
    if (state < 0 || (size_t)state >= sizeof(STATE_LABEL) / sizeof(STATE_LABEL[0]))
        return "?";
    return lang == SR_EN ? STATE_LABEL[state].en : STATE_LABEL[state].vi;
}

const char *summary_kind_label(int kind, sr_lang_t lang)
{
    if (kind < 0 || (size_t)kind >= sizeof(KIND_LABEL) / sizeof(KIND_LABEL[0]))
        return "?";
    return lang == SR_EN ? KIND_LABEL[kind].en : KIND_LABEL[kind].vi;
}

const char *sr_milestone_label(const char *m, sr_lang_t lang)
{
    return strcmp(m, "registration") == 0 ? sr_text(SR_T_REGISTRATION, lang) : m;
}

unsigned summary_format_parse(const char *name)
{
    static const struct {
        const char *name;
        unsigned bit;
    } F[] = {
        {"json", SR_JSON}, {"csv", SR_CSV}, {"xlsx", SR_XLSX}, {"html", SR_HTML}, {"all", SR_ALL}};
    for (size_t i = 0; name && i < sizeof(F) / sizeof(F[0]); i++)
        if (strcmp(name, F[i].name) == 0)
            return F[i].bit;
    return 0;
}

int summary_lang_parse(const char *name, sr_lang_t *lang)
{
    if (name && strcmp(name, "vi") == 0)
        *lang = SR_VI;
    else if (name && strcmp(name, "en") == 0)
        *lang = SR_EN;
    else
        return -1;
    return 0;
}

static const char *const MONTH_EN[] = {"January",   "February", "March",    "April",
                                       "May",       "June",     "July",     "August",
                                       "September", "October",  "November", "December"};

/* Vietnam has kept UTC+7 without daylight saving since 1975, so a fixed
 * offset is exact for every day the programme has and needs no tzdata or
 * TZ in a library that exemplarctl shares. */
#define VN_OFFSET_S (7 * 3600)

void sr_format_time(int64_t ms, sr_lang_t lang, char *buf, size_t len)
{
    time_t t = (time_t)(ms / 1000) + VN_OFFSET_S;
    struct tm tm;
    if (!gmtime_r(&t, &tm)) {
        snprintf(buf, len, "%" PRId64, ms);
        return;
    }
    char day[48];
    sr_format_date(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, lang, day, sizeof(day));
    if (lang == SR_EN)
        snprintf(buf, len, "%02d:%02d on %s (%s)", tm.tm_hour, tm.tm_min, day,
                 sr_text(SR_T_VN_TIME, lang));
    else
        snprintf(buf, len, "%02d:%02d ngày %s (%s)", tm.tm_hour, tm.tm_min, day,
                 sr_text(SR_T_VN_TIME, lang));
}

void sr_format_date(int y, int m, int d, sr_lang_t lang, char *buf, size_t len)
{
    if (lang == SR_EN)
        snprintf(buf, len, "%d %s %d", d, m >= 1 && m <= 12 ? MONTH_EN[m - 1] : "?", y);
    else /* Decree 30/2020: a day below 10 and the months 1 and 2 take a leading 0 */
        snprintf(buf, len, "%s%d/%s%d/%d", d < 10 ? "0" : "", d, m < 3 ? "0" : "", m, y);
}

const char *sr_format_day(const char *iso, sr_lang_t lang, char *buf, size_t len)
{
    int y, m, d;
    char tail;
    if (!iso || sscanf(iso, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
        snprintf(buf, len, "%s", iso ? iso : "");
    else
        sr_format_date(y, m, d, lang, buf, len);
    return buf;
}

/* The unit codes of the rows, in order, with their names (pointers into s). */
size_t sr_units(const Exemplar__Summary *s, const char ***codes, const char ***names)
{
    *codes = calloc(s->n_rows ? s->n_rows : 1, sizeof(**codes));
    *names = calloc(s->n_rows ? s->n_rows : 1, sizeof(**names));
    size_t n = 0;
    if (!*codes || !*names)
        return 0;
    for (size_t i = 0; i < s->n_rows; i++) {
        if (n && strcmp((*codes)[n - 1], s->rows[i]->unit) == 0)
            continue;
        (*codes)[n] = s->rows[i]->unit;
        (*names)[n] = s->rows[i]->unit_name;
        n++;
    }
    return n;
}

uint64_t sr_count(const Exemplar__Summary *s, const char *unit, int kind, int state)
{
    uint64_t n = 0;
    for (size_t i = 0; i < s->n_rows; i++)
        if ((!unit || strcmp(s->rows[i]->unit, unit) == 0) &&
            (kind < 0 || (int)s->rows[i]->kind == kind) && (int)s->rows[i]->state == state)
            n += s->rows[i]->count;
    return n;
}

const char *sr_decision_line(const Exemplar__Decision *d, sr_lang_t lang, char *buf, size_t len)
{
    buf[0] = '\0';
    if (!d || !d->number || !d->number[0])
        return buf;
    char day[48];
    sr_format_day(d->date, lang, day, sizeof(day));
    bool issuer = d->issuer && d->issuer[0];
    if (lang == SR_EN)
        snprintf(buf, len, "No. %s of %s%s%s", d->number, day, issuer ? ", " : "",
                 issuer ? d->issuer : "");
    else
        snprintf(buf, len, "Số %s ngày %s%s%s", d->number, day, issuer ? " của " : "",
                 issuer ? d->issuer : "");
    return buf;
}
