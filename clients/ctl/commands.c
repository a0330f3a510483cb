/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's command table: CMD_TABLE (name, arguments, summary,
 * handler, options, details) and what each command's options mean.  The
 * top of exemplarctl and the only file that knows every command: main.c
 * dispatches through CMD_TABLE and help.c prints the manual from it.  A new
 * command is a cmd_NAME.c with its cmd_NAME.h, an #include below and a row.
 */
#include "commands.h"

#include <stddef.h>
#include <string.h>

#include "cmd_attach.h"
#include "cmd_auth.h"
#include "cmd_backup.h"
#include "cmd_council.h"
#include "cmd_decision.h"
#include "cmd_dossier.h"
#include "cmd_events.h"
#include "cmd_export.h"
#include "cmd_info.h"
#include "cmd_jobs.h"
#include "cmd_nominations.h"
#include "cmd_ops.h"
#include "cmd_plans.h"
#include "cmd_report.h"
#include "cmd_rules.h"
#include "cmd_summary.h"
#include "cmd_users.h"
#include "cmd_watch.h"
#include "help.h"
#include "statedir.h"

/* help's pages are printed from this file's table. */
static int cmd_help(ctl_t *ctl, const ctl_args_t *a)
{
    return ctl_help(ctl, a, CMD_TABLE, CMD_TABLE_COUNT);
}

/* ---- the table --------------------------------------------------------- */

static const ctl_cmd_opt_t REGISTER_OPTS[] = {
    {OPT_UNIT,
     N_("the unit registering it: 1-16 of A-Z 0-9 . _ - (required; lower case is taken as "
        "upper case, as everywhere a unit code is given)")},
    {OPT_KIND, N_("collective or individual (required)")},
    {OPT_NAME, N_("the name of the collective or the person, UTF-8, at most 256 bytes (required)")},
    {OPT_CAMPAIGN, N_("the campaign, e.g. 2021-2025 (default: the daemon's default campaign)")},
    {OPT_REQUEST_ID,
     N_("the request id to send (default: a new one); run the same command with the "
        "same N again to retry safely: the daemon answers as the first time")},
    {OPT_SUBJECT, N_("the subject id evidence is recorded under: a personnel number, or the "
                     "collective's code such as 01:PTNN (required while the rules are enforced); "
                     "published events naming it are recorded in the nomination's history")},
    {OPT_HEAD_OF, N_("for an individual who heads a unit: the subject id of the collective they "
                     "lead, which must be recognized first")},
    {OPT_PERIOD, N_("the campaign's period, e.g. 2021-2023 (default: the one whose registration "
                    "window is open)")},
    {OPT_OVERRIDE, N_("administrators only: register outside the registration window; REASON is "
                      "recorded in the history")},
    {0, NULL},
};

static const ctl_cmd_opt_t MOVE_OPTS[] = {
    {OPT_EXPECT_VERSION, N_("the version you last saw; a stale one is refused as a conflict "
                            "(default: read the nomination first and use its version)")},
    {OPT_REASON, N_("why; required by the side exits withdrawn, not-selected and returned")},
    {OPT_REQUEST_ID, N_("the request id to send (default: a new one); the same N again is a safe "
                        "retry that changes nothing")},
    {OPT_OVERRIDE, N_("administrators only: move outside the campaign window; REASON is recorded "
                      "in the history")},
    {OPT_DECISION, N_("the number of the decision behind the move (required by recognized and "
                      "revoked)")},
    {OPT_DECISION_DATE, N_("the decision's date, YYYY-MM-DD: not after the daemon's day; for "
                           "recognized, not before the nomination became ministry-reviewed")},
    {OPT_ISSUER, N_("who signed the decision (required by recognized), e.g. Bộ trưởng Bộ Nông "
                    "nghiệp và Môi trường for decisions after 1 March 2025")},
    {0, NULL},
};

static const ctl_cmd_opt_t LIST_OPTS[] = {
    {OPT_STATE, N_("only nominations in this state")},
    {OPT_UNIT, N_("only nominations of this unit (any case: b.khcn is B.KHCN)")},
    {OPT_CAMPAIGN, N_("only nominations of this campaign")},
    {OPT_NAME, N_("only names containing TEXT, ignoring case and diacritics (\"ha noi\" finds "
                  "\"Hà Nội\")")},
    {OPT_LIMIT, N_("print at most N nominations (default: all of them)")},
    {OPT_SORT, N_("'name': in Vietnamese alphabetical order (a letter with a mark after the plain "
                  "one, tones after the letters); 'rank': higher titles first, as the plan asks "
                  "(II.3.2), then by name. A sorted list is one page of at most 1000 nominations")},
    {OPT_AS_OF, N_("every nomination as it was at the end of DATE (YYYY-MM-DD, UTC) or at an "
                   "instant (YYYY-MM-DDTHH:MM:SS[.mmm]Z), from its history; nominations "
                   "registered later are left out and the filters apply to the past state")},
    {0, NULL},
};

static const ctl_cmd_opt_t WATCH_OPTS[] = {
    {OPT_FROM, N_("first print the changes from sequence number SEQ on (1 = the whole log); "
                  "default: only changes made from now on")},
    {OPT_TOPIC, N_("only changes whose topic nomination.UNIT.STATE starts with PREFIX, "
                   "e.g. nomination.01. (one unit) or nomination.01.recognized; a PREFIX starting "
                   "with event. prints stored events instead (event.TYPE.SUBJECT, e.g. "
                   "event.title-awarded.), live only; a PREFIX starting with notify. prints the "
                   "reminders and summaries the workers announce (notify.UNIT or notify.ministry), "
                   "live only")},
    {OPT_COUNT, N_("exit 0 after printing N changes (default: follow until interrupted)")},
    {OPT_EVENTS, N_("the change feed's endpoint (default: the one the daemon announces in info)")},
    {0, NULL},
};

static const ctl_cmd_opt_t EVENT_OPTS[] = {
    {OPT_TYPE, N_("the event's type: title-awarded, performance-rating, discipline, "
                  "decision-revoked, person-moved, unit-renamed or unit-merged")},
    {OPT_SUBJECT, N_("the person's or collective's id the event is about, e.g. CB-0042")},
    {OPT_PUBLISHER, N_("the publishing service's name, e.g. moet (with --file: for lines that name "
                       "none)")},
    {OPT_EVENT_ID, N_("the publisher's id of the event, unique for that publisher")},
    {OPT_SEQ, N_("the publisher's sequence number of the event (1, 2, 3, ...)")},
    {OPT_YEAR, N_("the year the fact belongs to, e.g. 2023")},
    {OPT_VALUE,
     N_("the type's main text: the title, the rating, the measure, the revoked event id, "
        "the unit moved to, the new unit code, or the unit merged into")},
    {OPT_DECISION, N_("the number of the decision the event rests on, e.g. 1234/QĐ-BGDĐT")},
    {OPT_FILE, N_("publish the events of FILE, one JSON object per line ('-': stdin)")},
    {OPT_BATCH, N_("with --file: events per request, each one transaction (1-1000, default 100)")},
    {OPT_LIMIT, N_("list: print at most N events (default: all of them)")},
    {OPT_UNMATCHED, N_("list: the title facts no title of the catalogue resolves (kept until an "
                       "administrator maps their spelling: title alias add), of SUBJECT or all")},
    {0, NULL},
};

static const ctl_cmd_opt_t PING_OPTS[] = {
    {OPT_WAIT, N_("keep asking for up to SECONDS (each try on a fresh connection) until the daemon "
                  "answers; default: one try of --timeout")},
    {0, NULL},
};

static const ctl_cmd_opt_t NO_OPTS[] = {{0, NULL}};

static const ctl_cmd_opt_t COUNCIL_OPTS[] = {
    {OPT_UNIT, N_("a unit's council (default: the Ministry's)")},
    {OPT_DECISION, N_("set: the decision that set the council up, e.g. 12/QĐ-BTNMT")},
    {0, NULL},
};

static const ctl_cmd_opt_t DECISION_OPTS[] = {
    {OPT_DATE, N_("issue: the day the decision was signed, YYYY-MM-DD (not after today, not "
                  "before the meeting)")},
    {OPT_ISSUER, N_("issue: who issues it: the Minister's title and ministry, as printed")},
    {OPT_SIGNER, N_("issue: the name of who signed it")},
    {OPT_SIGNER_TITLE, N_("issue: the title signed under, as printed above the signature")},
    {OPT_FILE, N_("issue: the issued decision as a PDF")},
    {OPT_SIGNATURE, N_("issue: a digital signature over the file, kept and not verified yet")},
    {OPT_OUTPUT, N_("get-file: the file to write the PDF to")},
    {0, NULL},
};

static const ctl_cmd_opt_t RECOGNIZE_OPTS[] = {
    {OPT_DECISION, N_("the number of the issued decision that lists the nomination (required)")},
    {OPT_DECISION_NUMBER, N_("the same as --decision")},
    {0, NULL},
};

static const ctl_cmd_opt_t ACCLAIM_OPTS[] = {
    {OPT_DATE, N_("the day of the collective's review meeting, YYYY-MM-DD")},
    {OPT_PRESENT, N_("the members present at the meeting")},
    {OPT_IN_FAVOUR, N_("of them, those in favour of the nomination")},
    {OPT_REQUEST_ID, N_("the request id to send (default: a new one); the same N again is a safe "
                        "retry that changes nothing")},
    {0, NULL},
};

static const ctl_cmd_opt_t DOSSIER_OPTS[] = {
    {OPT_OUTPUT, N_("write the report to FILE (also -o FILE; default: stdout)")},
    {OPT_LANG, N_("the report's language: vi (default) or en")},
    {OPT_DOCUMENT,
     N_("the document's header and signature values: an INI file's [document] section, "
        "as for summary")},
    {0, NULL},
};

static const ctl_cmd_opt_t ATTACH_OPTS[] = {
    {OPT_REQUEST_ID, N_("the request id to send (default: a new one); the same N again is a safe "
                        "retry that changes nothing")},
    {0, NULL},
};

static const ctl_cmd_opt_t ATTACHMENT_OPTS[] = {
    {OPT_OUTPUT, N_("write the file to FILE (also -o FILE; default: its bytes on stdout)")},
    {0, NULL},
};

static const ctl_cmd_opt_t JUDGE_OPTS[] = {
    {OPT_REASON, N_("the unit's reason for its judgement (required)")},
    {OPT_REQUEST_ID, N_("the request id to send (default: a new one); the same N again is a safe "
                        "retry that changes nothing")},
    {0, NULL},
};

static const ctl_cmd_opt_t MEETING_OPTS[] = {
    {OPT_STATE, N_("list: open or closed (default: both)")},
    {OPT_LEVEL, N_("list: unit or ministry (default: both)")},
    {OPT_UNIT, N_("list: only the meetings of this unit's council; open: a meeting of this "
                  "unit's council over its nominations in fostering")},
    {OPT_LIMIT, N_("list: at most N meetings, newest first (default 1000)")},
    {OPT_FORMAT, N_("show: html writes the minutes as a document for print on A4")},
    {OPT_OUTPUT, N_("show --format html, decision: the file to write (default: standard output)")},
    {OPT_LANG, N_("show --format html, decision: vi or en, the document's labels (default vi)")},
    {OPT_DOCUMENT, N_("show --format html, decision: an INI file whose [document] section gives "
                      "the header and signature, as for summary")},
    {0, NULL},
};

static const ctl_cmd_opt_t UNITS_OPTS[] = {
    {OPT_CODE, N_(N_("list: only the versions of this unit code"))},
    {OPT_NAME, N_(N_("list: only names containing TEXT, ignoring case and diacritics; sorted in "
                     "Vietnamese order"))},
    {OPT_ON, N_(N_("list, export: only versions valid on DATE (YYYY-MM-DD)"))},
    {0, NULL},
};

static const ctl_cmd_opt_t PLAN_OPTS[] = {
    {OPT_PERIOD, N_("the campaign period, e.g. 2021-2023 (required)")},
    {OPT_CAMPAIGN, N_("the campaign (default: the daemon's default campaign)")},
    {OPT_UNIT, N_("list: only this unit")},
    {OPT_COLLECTIVE, N_("submit: the expected number of collective exemplars")},
    {OPT_INDIVIDUAL, N_("submit: the expected number of individual exemplars")},
    {OPT_SOLUTIONS, N_("submit: the unit's solutions and responsibilities, UTF-8 (at most 8192 "
                       "bytes; required to submit)")},
    {OPT_DECISION, N_("submit: the number of the unit's own plan document (required to submit)")},
    {OPT_DECISION_DATE, N_("submit: that document's date, YYYY-MM-DD")},
    {OPT_ISSUER, N_("submit: who signed that document")},
    {OPT_DRAFT, N_("submit: save a draft without sending it to the Ministry")},
    {OPT_REASON, N_("return: why the plan must be revised (required); accept: why a late plan is "
                    "accepted (required for a late plan)")},
    {OPT_EXPECT_VERSION,
     N_("submit, accept, return: refuse (exit 4) unless the plan is at version N")},
    {OPT_REQUEST_ID, N_("submit, accept, return: the request id to send (default: a new one)")},
    {0, NULL},
};

static const ctl_cmd_opt_t TITLE_OPTS[] = {
    {OPT_RULESET, N_("alias add: only for facts of the years rule set ID judges (e.g. ld2022)")},
    {OPT_REQUEST_ID, N_("the request id to send (default: a new one); the same N again is a safe "
                        "retry that changes nothing")},
    {0, NULL},
};

static const ctl_cmd_opt_t EVIDENCE_OPTS[] = {
    {OPT_DECISION, N_("the decision's number, e.g. 1234/QĐ-BTNMT (required by add and revoke)")},
    {OPT_DECISION_DATE, N_("the decision's date, YYYY-MM-DD (required by add and revoke)")},
    {OPT_ISSUER, N_("who signed the decision")},
    {OPT_REQUEST_ID, N_("the request id to send (default: a new one)")},
    {0, NULL},
};

static const ctl_cmd_opt_t KEYGEN_OPTS[] = {
    {OPT_DIR, N_("write the files into DIR (default: the current directory)")},
    {0, NULL},
};

static const ctl_cmd_opt_t JOBS_OPTS[] = {
    {OPT_STATE, N_("only jobs in STATE: ready, leased, done or parked")},
    {OPT_KIND, N_("only KIND: remind-deadline, remind-overdue, remind-stale or summary")},
    {OPT_PREFIX, N_("only ids starting with TEXT, e.g. remind/2021-2025/ or summary/")},
    {OPT_TIMERS, N_("list (or show) the timers the jobs come from instead")},
    {OPT_LIMIT, N_("print at most N (1-1000, default 100)")},
    {0, NULL},
};

static const ctl_cmd_opt_t REPORT_OPTS[] = {
    {OPT_CAMPAIGN, N_("interim: the campaign holding PERIOD (default: the one that has it)")},
    {OPT_AS_OF, N_("a day YYYY-MM-DD of the period or campaign (default: its last day)")},
    {OPT_FORMAT, N_("json, csv (UTF-8 with a BOM), xlsx, html (for print on A4) or all; "
                    "without it the report is printed as text (--json: as JSON)")},
    {OPT_OUTPUT, N_("the file to write (one format; default: standard output, xlsx: "
                    "review-KIND-SPAN.xlsx) or the directory (--format all; default: .)")},
    {OPT_LANG, N_("vi or en: the labels of csv, xlsx and html (default vi)")},
    {OPT_DOCUMENT, N_("html: an INI file whose [document] section gives the report's header and "
                      "signature, as for summary")},
    {OPT_DOC_NUMBER, N_("html: the report's number (Số: N/BC-...), over the file's")},
    {OPT_DOC_DATE, N_("html: the day YYYY-MM-DD the report is signed, over the file's")},
    {0, NULL},
};

static const ctl_cmd_opt_t SUMMARY_OPTS[] = {
    {OPT_FORMAT, N_("json, csv (UTF-8 with a BOM), xlsx, html (one page with SVG charts) or all; "
                    "without it the summary is printed as text (--json: as JSON)")},
    {OPT_AS_OF, N_("a day YYYY-MM-DD inside the quarter (default: its last day)")},
    {OPT_OUTPUT, N_("the file to write (one format; default: standard output, xlsx: "
                    "summary-QUARTER.xlsx) or the directory (--format all; default: .)")},
    {OPT_LANG, N_("vi or en: the labels of csv, xlsx and html (default vi) and the language of the "
                  "text (default: the language of LANG)")},
    {OPT_CAMPAIGN, N_("one campaign only (default: every campaign)")},
    {OPT_DOCUMENT, N_("html: an INI file whose [document] section gives the report's header and "
                      "signature (parent, body, number, symbol, place, date, subject, authority, "
                      "title, signer, recipient, archive; see exemplar-summary(8)); a value not "
                      "given is printed as a blank to fill in")},
    {OPT_DOC_NUMBER, N_("html: the report's number (Số: N/BC-...), over the file's")},
    {OPT_DOC_DATE, N_("html: the day YYYY-MM-DD the report is signed, over the file's")},
    {0, NULL},
};

static const ctl_cmd_opt_t FSCK_OPTS[] = {
    {OPT_REPAIR, N_("after the check, rebuild the by_state and by_unit indexes from the "
                    "nominations, in the same transaction; exit 0 when nothing else is wrong")},
    {OPT_LIMIT, N_("print at most N problems (1-1000, default 20); all are counted")},
    {0, NULL},
};

static const ctl_cmd_opt_t BACKUP_OPTS[] = {
    {OPT_FORCE, N_("replace FILE when it exists")},
    {0, NULL},
};

static const ctl_cmd_opt_t STATE_DIR_OPTS[] = {
    {OPT_STATE_DIR, N_("the daemon's state directory (default: the one of the configuration in "
                       "use, see 'exemplarctl state-dir')")},
    {0, NULL},
};

static const ctl_cmd_opt_t AUDIT_OPTS[] = {
    {OPT_LIMIT, N_("print at most N entries, newest first (default 100)")},
    {0, NULL},
};

/* clang-format off */

const ctl_cmd_t CMD_TABLE[] = {
    { "register", "--unit CODE --kind KIND --name NAME [--campaign ID] [--subject ID] [--request-id N]",
      N_("register a new nomination and print its id"),
      cmd_register, 0, 0, REGISTER_OPTS,
      N_("The nomination starts in state registered at version 1. Prints the new id, or with "
      "--json the whole nomination.") },
    { "move", "ID STATE [--expect-version N] [--reason TEXT] [--request-id N]",
      N_("move nomination ID to STATE and print it after the move"),
      cmd_move, 2, 2, MOVE_OPTS,
      N_("STATE is the state to move to (see STATES); the move table decides which moves exist, "
      "who may make them and which need a reason ('exemplarctl help moves'). A move made "
      "by someone else since the version you expect is refused as a conflict (exit 4) "
      "whose message names the current version.") },
    { "show", "ID", N_("print one nomination"),
      cmd_show, 1, 1, NO_OPTS, NULL },
    { "history", "ID", N_("print a nomination's changes, oldest first"),
      cmd_history, 1, 1, NO_OPTS,
      N_("Columns: sequence number in the change log, time (in Vietnam's time), the move, its verb, the "
      "version after it, who made it and why.") },
    { "list", "[--state STATE] [--unit CODE] [--campaign ID] [--limit N] [--as-of DATE] [--sort name|rank]",
      N_("list nominations, filtered"),
      cmd_list, 0, 0, LIST_OPTS,
      N_("Reads every page the daemon has for the filter (or until --limit). With --as-of the "
      "daemon rebuilds each nomination's state, version and last change time on that date "
      "from its history; it walks every nomination, so it is slower than a list of today.") },
    { "watch", "[--from SEQ] [--topic PREFIX] [--count N] [--events ENDPOINT]",
      N_("print committed changes as they happen"),
      cmd_watch, 0, 0, WATCH_OPTS,
      N_("Subscribes to the daemon's change feed first, then prints the changes from --from "
      "on from the change log, then the live ones, in sequence order, each exactly once: "
      "changes the feed missed (a slow start, a full buffer, a daemon restart) are fetched "
      "from the log. With --json, one JSON object per line.") },
    { "event", "publish (--type TYPE --subject ID --publisher NAME --event-id ID --seq N [--year YEAR] [--value TEXT] [--decision NUMBER] | --file FILE.jsonl [--publisher NAME] [--batch N]) | list SUBJECT [--limit N] | list [SUBJECT] --unmatched",
      N_("publish events as an agency service would, or list the events naming a subject"),
      cmd_event, 1, 2, EVENT_OPTS,
      N_("One event from the options, or a file of JSON lines (one event per line; '-' reads "
      "stdin) sent in batches of --batch events, each batch one transaction. An event's "
      "identity is (publisher, seq): sending it again is acknowledged and ignored, so a "
      "failed run can simply be run again. JSON keys: publisher, event_id, seq, type, "
      "subject, year, at_ms, decision {number, date, issuer}, and the type's detail: title "
      "(title-awarded), rating (performance-rating), measure (discipline), revoked_event_id, "
      "revoked_number (decision-revoked), from_unit, to_unit (person-moved), new_code, "
      "new_name (unit-renamed), into_unit (unit-merged). TYPE is one of title-awarded, "
      "performance-rating, discipline, decision-revoked, person-moved, unit-renamed, "
      "unit-merged. Prints how many were accepted and how many were duplicates. 'event list "
      "SUBJECT' prints the events naming SUBJECT, oldest first: events are kept whether or not "
      "a nomination names the subject yet, and a nomination registered with --subject records "
      "them in its history (verb evidence).") },
    { "stats", "", N_("print nominations by state, request, batch and commit-time counters, and event counters per publisher"),
      cmd_stats, 0, 0, NO_OPTS,
      N_("Nominations by state (counted from the store); requests handled and refused, batches "
      "(group commits) and their mean size since the daemon started; the median and 99th "
      "percentile of the commit time (the durable sync) over the last 1024 commits. A gap is a jump in a publisher's sequence numbers (events it sent that never "
      "arrived); each is logged once by the daemon and counted here, with the sequence "
      "numbers it skipped (missing) and the events that arrived late into a gap.") },
    { "info", "", N_("print the daemon's version, change feed endpoint and counts"),
      cmd_info, 0, 0, NO_OPTS, NULL },
    { "ping", "[--wait SECONDS]", N_("check that the daemon answers (exit 0, or 7 if it does not)"),
      cmd_ping, 0, 0, PING_OPTS,
      N_("For scripts that start exemplard and wait until it serves requests.") },
    { "units", "list [--code CODE] [--name TEXT] [--on DATE] | import FILE.csv | export [--on DATE]",
      N_("list, import or export the unit registry"),
      cmd_units, 1, 2, UNITS_OPTS,
      N_("Units are versions with validity dates: a merge (the 2025 reorganisation) closes the "
      "absorbed units the day before and starts the merged one; an old code may be reused. "
      "list sorts by code, or with --name in Vietnamese alphabetical order. import reads a CSV "
      "with the header code,name_vi,name_en_ascii,valid_from,valid_to,merged_from,kind "
      "(daemon/data/units/ has the 2021 lists and the 2025 merges); export writes the same format.") },
    { "campaign", "show [ID]", N_("print the campaigns' calendars: periods, windows, milestones"),
      cmd_campaign, 1, 2, NO_OPTS,
      N_("Windows marked open are open on the daemon's day; the move table's WINDOW column "
      "refers to them. A milestone that is a deadline says what units must have done by it "
      "(plan: sent the period's plan), for which period, and when it is due in Vietnam's time "
      "(--json: due and due_ms); deadlines in working days count Vietnam's public holidays "
      "and [rules] holidays_file.") },
    { "evidence", "add SUBJECT YEAR TITLE --decision N --decision-date DATE [--issuer TEXT] | "
                  "revoke SUBJECT YEAR TITLE --decision N --decision-date DATE | list SUBJECT",
      N_("record, revoke or list a subject's titles and ratings per year"),
      cmd_evidence, 2, 4, EVIDENCE_OPTS,
      N_("TITLE is a code of the rule book: TTLDXS (Tập thể lao động xuất sắc), TTLDTT, HTXSNV "
      "(hoàn thành xuất sắc nhiệm vụ), HTTNV, LDTT, CSTDCS (Chiến sĩ thi đua cơ sở), CSTD-BO, CSTD-TQ, "
      "BK-BO, BK-TTG, CTD-BO, CTD-CP. A revoked title no longer counts: it breaks the chain of "
      "consecutive years.") },
    { "title", "alias add SPELLING CODE [--ruleset ID] | alias list",
      N_("map a spelling published facts use to a title code, or list those spellings"),
      cmd_title, 2, 4, TITLE_OPTS,
      N_("Administrators only. Facts name titles by code or by name (case and diacritics "
      "ignored): the rule book's names, the names of the rule set judging the fact's year, and "
      "its aliases (daemon/data/rulesets.yaml). A fact no name resolves is kept: 'event list "
      "--unmatched' shows it. 'title alias add' stores SPELLING for title CODE (for the years "
      "of rule set ID only, with --ruleset); every kept fact it resolves becomes evidence at "
      "once, with the checks of 'evidence add'. Aliases are exported and backed up with the "
      "store.") },
    { "check", "ID", N_("explain which criteria nomination ID meets and which it misses"),
      cmd_check, 1, 1, NO_OPTS,
      N_("Per criterion of the rule sets judging the period's years: the years present, missing "
      "and revoked, and the years still pending (their titles are not decided by the daemon's "
      "day: the rule set's decided_by, e.g. 31 March of the next year), with whether the rule "
      "set requires them before recognition; for a head of unit, whether the collective they "
      "lead is recognized. Judged for the nomination's next step: recognition once "
      "ministry-reviewed, a review before. Exit 0 when everything is met, 5 when not.") },
    { "plan", "submit UNIT --period ID [--collective N] [--individual N] [--solutions TEXT] "
              "[--decision NUMBER --decision-date DATE] [--draft] | show UNIT --period ID | "
              "list --period ID [--unit CODE] | accept UNIT --period ID [--reason TEXT] | "
              "return UNIT --period ID --reason TEXT",
      N_("submit, show, review or list the units' plans and expected exemplars per period"),
      cmd_plan, 1, 2, PLAN_OPTS,
      N_("A unit officer submits its own unit's plan (expected collective and individual "
      "exemplars, solutions and responsibilities, the unit's plan document) with its "
      "registration list: the unit's nominations in that period. After the period's "
      "registration deadline a submission is recorded as late. A ministry reviewer (or an "
      "administrator) accepts it, with a reason when it was late, or returns it with a reason; "
      "the unit then submits again. Every version is kept: 'plan show' prints the plan, its "
      "registration list, progress and history. 'plan list' prints every unit of the registry "
      "valid in the period: its status (no-plan, draft, submitted, late, accepted, returned), "
      "registered/expected collectives and individuals, recognized, and whether it is behind "
      "(fewer live nominations than expected)."), 2 },
    { "keygen", "NAME [--dir DIR]", N_("make a CURVE key pair: NAME.key (secret, mode 0600) and NAME.pub"),
      cmd_keygen, 1, 1, KEYGEN_OPTS,
      N_("Prints the keys-file line to give the daemon's administrator (role and unit still to fill "
      "in). Never overwrites a file. 'exemplarctl keygen server' makes the daemon's own pair.") },
    { "user", "add NAME ROLE [UNIT] | passwd NAME [-] | disable NAME | enable NAME | list",
      N_("manage the local accounts people sign in to exemplar-web with (administrators only)"),
      cmd_user, 1, 4, NO_OPTS,
      N_("'user add' makes an account with a one-time password, printed once, that must be changed "
      "at the first sign-in; ROLE is unit-officer (give its UNIT), ministry-reviewer, approver, "
      "reader or admin. 'user passwd NAME' makes a new one-time password; 'user passwd NAME -' "
      "reads the new password from the first line of stdin. Passwords are hashed here with "
      "Argon2id (libsodium) and only the hash is sent to the daemon. A disabled account cannot "
      "sign in and no gateway may act for it until it is enabled again.") },
    { "council", "set PRINCIPAL:ROLE[:FROM[:TO]]... | show",
      N_("set or show the Emulation and Commendation Council (set: administrators only)"),
      cmd_council, 1, 101, COUNCIL_OPTS,
      N_("Each member is a principal of the daemon (keys file or local account) with a ROLE: "
      "chair, deputy, member or secretary, and optional first and last days YYYY-MM-DD. A "
      "meeting counts the members valid on its day. The secretary opens, records attendance "
      "and closes meetings and must be a ministry reviewer. The voting rules (quorum, "
      "threshold) are the rule set's, daemon/data/rulesets.yaml `council`.") },
    { "acclaim", "ID --date YYYY-MM-DD --present N --in-favour M [--request-id N]",
      N_("record how the unit's collective acclaimed nomination ID at its review meeting"),
      cmd_acclaim, 1, 1, ACCLAIM_OPTS,
      N_("The plan asks that an exemplar be acknowledged and acclaimed by its collective. "
      "The nomination's unit officer, or an administrator, "
      "records the review meeting's day, the members present and those in favour while the "
      "nomination is registered, fostering or returned; a new record replaces the old. When "
      "the rule set requires it (daemon/data/rulesets.yaml `acclamation`), the move to "
      "unit-reviewed is refused until an acclamation meets its threshold, and `check` shows "
      "it.") },
    { "judge", "ID CRITERION met|not-met --reason TEXT [--request-id N]",
      N_("record the unit's judgement on one qualitative criterion of nomination ID"),
      cmd_judge, 3, 3, JUDGE_OPTS,
      N_("CRITERION is a code of the rule set's `qualitative` list for the nomination's kind "
      "(the plan's: NEW-MODEL, LEADS for a collective; INITIATIVE, LEADS for a person). The "
      "latest judgement on a criterion replaces the earlier one; `check` shows them.") },
    { "dossier", "report ID [-o FILE] [--lang vi|en] [--document FILE]",
      N_("write the draft achievement report of nomination ID as an A4 HTML document"),
      cmd_dossier, 2, 2, DOSSIER_OPTS,
      N_("The form of the achievement report in the commendation decree's "
      "annex, filled with what the daemon knows: the unit, the name, the plan's criteria as "
      "'check' judges them, the collective's acclamation and the unit's judgements, and the "
      "titles by year with the decisions that awarded them. The position, the account of the "
      "achievements and the signatures are blanks for the unit to complete; the signed report "
      "is then attached as the dossier's part report ('exemplarctl attach ID report FILE').") },
    { "attach", "ID PART FILE [--request-id N]",
      N_("add FILE to the dossier of nomination ID as the next version of PART"),
      cmd_attach, 3, 3, ATTACH_OPTS,
      N_("PART is a part of the rule set's dossier (daemon/data/rulesets.yaml `dossier`; by "
      "default submission, report, lower-minutes, other). The daemon reads the type from the "
      "file's bytes, never its name: PDF, DOCX, JPEG or PNG only. The largest file is "
      "[dossier] max_attachment_mib, within [api] max_message_bytes; a larger one is refused "
      "here (too-large) before it is sent. The nomination's unit officer, or an "
      "administrator, attaches while the nomination is registered, fostering or returned. A "
      "new file of a part is its next version; every version stays. When the rule set "
      "requires a part (`dossier.required`), the move to unit-reviewed is refused until it has "
      "a file, and `check` shows which are missing.") },
    { "attachments", "ID", N_("list the files of the dossier of nomination ID, every version"),
      cmd_attachments, 1, 1, NO_OPTS,
      N_("Part, version, file name, type, size, who and when, and the SHA-256 of each file; "
      "the latest version of each part, the one that counts, is marked *.") },
    { "attachment", "get ID PART [VERSION] [-o FILE]",
      N_("fetch a file of the dossier of nomination ID (by default the part's latest version)"),
      cmd_attachment, 3, 4, ATTACHMENT_OPTS,
      N_("Writes the file's bytes to stdout, or to FILE with -o (replaced whole, mode 0640). "
      "VERSION (from 1) fetches an older version; 'attachments ID' lists them. Read scope as "
      "'get'.") },
    { "meeting", "list [--state S] [--level L] [--unit CODE] | open REF ID... | attend MEETING PRINCIPAL... | vote MEETING - | close MEETING | show MEETING [--format html] | decision MEETING",
      N_("run the Ministry council's secret ballot over unit-reviewed nominations"),
      cmd_meeting, 1, 202, MEETING_OPTS,
      N_("'meeting open' (the secretary) puts nominations in unit-reviewed on the agenda, with "
      "the minutes' reference REF; 'attend' records members present; 'vote MEETING -' (each "
      "member, for themselves) reads the ballot from stdin, one \"ID approve\" or \"ID "
      "reject\" per line, so that no choice stands on a command line; an absent member's ballot "
      "is a written vote. Each member votes once per nomination. 'close' (the secretary) counts: "
      "without the quorum nothing is decided and nothing moves; otherwise an approved "
      "nomination moves to ministry-reviewed and any other is returned, with the minutes' "
      "reference as the reason. 'show' prints the meeting, and its minutes once closed; with "
      "--format html it writes the minutes as an A4 document in the form of Decree "
      "30/2020: attendance with roles, the voting rules, per nomination the counts, the "
      "number needed and the result, and the secretary's and the chair's signatures. "
      "'decision' writes the draft recognition decision of a closed "
      "meeting: its number left blank, the legal bases (the Law on Emulation and Commendation "
      "2022, Decree 98/2023), three articles, and the annexed list of the nominations the "
      "council approved; a base or value not known is a blank to fill in. Nobody, "
      "administrators included, can see how a member voted.") },
    { "decision", "issue MEETING NUMBER --date D --issuer TEXT --signer NAME --signer-title TITLE --file PDF [ID...] | show NUMBER | get-file NUMBER --output FILE | recognize NUMBER",
      N_("keep the issued recognition decision of a council meeting and recognize its list"),
      cmd_decision, 2, 203, DECISION_OPTS,
      N_("'decision issue' (an approver) stores the decision the Minister signed after a closed "
      "meeting of the Ministry's council: its number, date, issuer and signer, the annexed list "
      "(the nominations the meeting approved, or the IDs given, each approved there) and the "
      "issued PDF, whose SHA-256 is kept. 'show' prints it; 'get-file' writes the PDF after "
      "checking its SHA-256; 'recognize' (an approver) moves every listed nomination to "
      "recognized, each move in its history with the decision as reason; a nomination whose "
      "move is refused is reported and stays.") },
    { "recognize", "ID --decision NUMBER",
      N_("recognize nomination ID by an issued decision that lists it"),
      cmd_recognize, 1, 1, RECOGNIZE_OPTS,
      N_("The move to recognized with the decision's date and issuer taken from the stored "
      "decision; a nomination the decision does not list is refused.") },
    { "audit", "[--limit N]", N_("print refused changes, newest first (administrators only)"),
      cmd_audit, 0, 0, AUDIT_OPTS,
      N_("Every refused register or move is in the audit list with who asked, what and why it "
      "was refused. Columns: sequence number, time (in Vietnam's time), principal, role, unit, request, "
      "error name and the message the caller was given.") },
    { "jobs", "[--state STATE] [--kind KIND] [--prefix TEXT] [--timers] | show ID | retry ID",
      N_("list the timers and jobs of reminders and summaries; retry a parked job"),
      cmd_jobs, 0, 2, JOBS_OPTS,
      N_("The daemon derives timers from the campaigns: reminders before and after every "
      "deadline milestone ([workers] remind_before, remind_after), a reminder after the last "
      "window a state can be left in has closed (stale_after), and a summary after every "
      "quarter (summary_delay). A timer that fires makes jobs, one per unit that has not "
      "acted (reminders) or one per quarter (summaries), with deterministic ids such as "
      "remind/2021-2025/2021-2023/plan/2021-09-15/-7d/HNI. Workers (exemplar-remind, "
      "exemplar-summary) lease them, record each delivery (topic, journal, mail, file) and "
      "acknowledge; a job whose lease ends unacknowledged is handed out again, and after "
      "[workers] max_attempts failures it is parked. Columns: id, kind, state (ready, leased, "
      "done, parked), when it is next available (a lease's end), attempts, channels "
      "delivered. 'jobs show ID' prints one job with its deliveries and last error; "
      "'jobs retry ID' (administrators) hands a parked or done job out again with its "
      "failures forgotten (channels already delivered are not repeated), or makes a pending "
      "or skipped timer fire now.") },
    { "fsck", "[--repair] [--limit N]", N_("check the store's indexes, histories and change log (administrators only)"),
      cmd_fsck, 0, 0, FSCK_OPTS,
      N_("Checks that every nomination has exactly one live by_state entry and one by_unit "
      "entry, that every index entry names an existing nomination, that replaying each "
      "nomination's history from its registration gives its state and version, and that "
      "the change log has no gaps. Stale by_state entries (left by moves, swept by "
      "housekeeping) are counted, not reported. Prints the counts and the first problems "
      "as sentences; exit 0 when the store is clean, 1 when problems remain. --repair "
      "rebuilds the derivable indexes; a broken history or change log is reported, not "
      "repaired (restore a backup). The daemon does the whole check in one pass and "
      "answers nothing else meanwhile: 7 s for 1 M nominations with 1.5 M changes on a "
      "2-core machine. exemplarctl waits up to 10 minutes for the answer (or --timeout) "
      "and does not send the request again.") },
    { "summary", "QUARTER [--format FORMAT] [--as-of DATE] [--output PATH] [--lang vi|en] [--campaign ID]",
      N_("the quarterly summary of QUARTER (e.g. 2023Q3), as of its last day"),
      cmd_summary, 1, 1, SUMMARY_OPTS,
      N_("Nominations by unit, kind and state at the end of the quarter (or of --as-of), the "
      "moves made in the quarter, the exemplars recognized in it, the units without a "
      "submitted plan past its deadline and the nominations under review whose evidence "
      "does not meet the criteria. A change counts on the day the daemon judged it on, so "
      "asking again later gives the same numbers. Readers and above; a unit officer gets "
      "its own unit. The files are those exemplar-summary writes into the reports "
      "directory. While the daemon is still building its tallies from the change log "
      "(after an upgrade) the summary is refused as unavailable (exit "
      "status 7) with how far the build is: ask again a little later.") },
    { "report", "interim PERIOD | final CAMPAIGN [--format FORMAT] [--as-of DATE] [--output PATH] [--lang vi|en]",
      N_("the interim or final review report of a period or campaign, e.g. interim 2021-2023"),
      cmd_report, 2, 2, REPORT_OPTS,
      N_("Per unit and kind, as of the last day of the period (interim) or of the campaign "
      "(final), or of --as-of: the exemplars the unit planned, the nominations registered, "
      "fostered and recognized, the recognitions revoked and the nominations carried over; "
      "the units whose plan is late or missing; and every exemplar recognized in the span "
      "with its decision. Readers and above; a unit officer gets its own unit. "
      "exemplar-summary writes the same files into the reports directory when a period or "
      "the campaign ends.") },
    { "backup", "FILE [--force]",
      N_("copy the store, consistent and compacted, while the daemon serves (administrators "
         "only)"),
      cmd_backup, 1, 1, BACKUP_OPTS,
      N_("Asks the running daemon for a copy: a process of its own program copies one snapshot of "
      "what is committed, compacted (LMDB's mdb_env_copyfd2), into an unnamed file in the state "
      "directory, checks its meta pages and that it opens, while the daemon serves on; then the "
      "daemon hands it over in pages with its BLAKE2b digest. "
      "exemplarctl writes them to a new temporary file in FILE's directory that nobody else can "
      "have made (never FILE.tmp), mode 0640, checks the size and the digest, syncs it and "
      "renames it to FILE. Works over tcp:// as over ipc://: FILE is on this machine. "
      "Changes committed after the snapshot are not in it. Prints the size, the nominations "
      "and the last change sequence of the copy. Refuses to replace an existing FILE (exit 4) "
      "without --force. exemplarctl waits up to 10 minutes for the snapshot.") },
    { "restore", "FILE [--state-dir DIR]",
      N_("replace the stopped daemon's store with a backup (runs exemplard --restore)"),
      cmd_restore, 1, 1, STATE_DIR_OPTS,
      N_("An offline operation, the daemon's own code: runs 'exemplard --restore FILE --state-dir "
      "DIR' (the exemplard beside this exemplarctl, or $EXEMPLARD), with the rights of the "
      "exemplard user or root. "
      "Checks FILE's size and LMDB meta pages with plain reads, refuses while exemplard runs on "
      "the state directory (exit 4: it holds DIR/exemplard.lock), copies FILE next to data.mdb "
      "and checks the copy in a child process: opened read-only as a store of this schema, "
      "every page read, every record decoded, fsck's checks run. A damaged or cut backup is "
      "refused (exit 1, invalid) and nothing is installed. Then keeps the current data file as "
      "data.mdb.before-restore (replacing an older one), syncs the copy and renames it over "
      "data.mdb, then syncs the directory. Procedure: systemctl stop "
      "exemplard; exemplarctl restore FILE; systemctl start exemplard; exemplarctl fsck.") },
    { "export", "[FILE|-] [--force]",
      N_("write the whole store as JSON lines, while the daemon serves (administrators only)"),
      cmd_export, 0, 1, BACKUP_OPTS,
      N_("Asks the running daemon, as backup does, for one snapshot: a header line, one line "
      "{\"type\",\"key\",\"value\"} per record "
      "(units, campaigns, evidence, plans, publishers, events, nominations, the change log "
      "that is every history, audit entries, remembered requests) and an end line that counts "
      "them. Values are the stored records in JSON: field names as in the .proto files, enums "
      "by name, 64-bit integers as numbers, bytes in base64; keys are the LMDB keys in base64. "
      "Indexes are not written: import rebuilds them. FILE defaults to - (stdout); a FILE is "
      "written as backup writes its copy (a new temporary, mode 0640, synced and renamed), and "
      "an existing one is kept without --force.") },
    { "import", "FILE|- [--state-dir DIR]",
      N_("fill an empty, stopped store from an export (runs exemplard --import)"),
      cmd_import, 1, 1, STATE_DIR_OPTS,
      N_("An offline operation, the daemon's own code: runs 'exemplard --import FILE --state-dir "
      "DIR' as restore does. "
      "Refuses while exemplard runs on the state directory (exit 4) and when its store holds "
      "anything (exit 4). Builds the new store in a new DIR/import.XXXXXX in transactions of 20000 "
      "records, rebuilds the indexes, checks the end line and the header's counts, and only "
      "then moves the data file into place: a failed or cut import changes nothing. Each line "
      "must be one strict JSON object, valid UTF-8, every string text the api would accept; "
      "otherwise the refusal names the line (exit 1). The "
      "result has the same ids, versions and change sequences. Then: systemctl start "
      "exemplard; exemplarctl fsck.") },
    { "state-dir", "[--state-dir DIR]",
      N_("print the state directory backup, restore, export and import use, and why"),
      cmd_state_dir, 0, 0, STATE_DIR_OPTS,
      N_("The offline tools open the daemon's LMDB environment themselves. Without --state-dir "
      "they take, in this order: [daemon] state_dir of the file $EXEMPLAR_CONFIG names; the "
      "directory of the api endpoint in use (--api, $EXEMPLAR_API, the system service's "
      "socket, ./exemplar-state/api.sock) when it is ipc://DIR/api.sock and DIR holds the "
      "store (data.mdb), as a daemon's default sockets live in its state directory; [daemon] "
      "state_dir of /etc/exemplard/exemplard.conf; /var/lib/exemplard. Run it before a "
      "restore to see which store would be replaced.") },
    { "help", "[COMMAND | moves]", N_("print this manual, one command's page, or the move table"),
      cmd_help, 0, 1, NO_OPTS,
      N_("'help moves' asks the running daemon (--api) for the move table it enforces: from, to, "
      "verb, roles, campaign window, guard and whether a reason is needed; without an answer it "
      "says that no daemon runs there (exit 7).") },
};
/* clang-format on */
const size_t CMD_TABLE_COUNT = sizeof CMD_TABLE / sizeof CMD_TABLE[0];

const ctl_cmd_t *ctl_cmd_find(const char *name)
{
    for (size_t i = 0; i < CMD_TABLE_COUNT; i++)
        if (strcmp(CMD_TABLE[i].name, name) == 0)
            return &CMD_TABLE[i];
    return NULL;
}
