/* SPDX-License-Identifier: MIT */
/*
 * The routes of exemplar-web and their pages: sign-in and out, the own
 * password, the list of nominations (a unit officer's unit with what each
 * lacks; a reviewer's and an approver's queue), one nomination with its
 * history and the moves the person may make, registration.
 *
 * Every action is a plain form (no script needed) posted with the
 * session's CSRF token and answered by a redirect to a page that shows the
 * outcome (post-redirect-get).  A move carries the version the page showed
 * (expected_version) and a request id chosen when the page was made: a
 * stale page is refused by the daemon as a conflict and shown with the
 * current state, never applied; a form sent twice is answered once.  A
 * refusal shows the daemon's own sentence.
 */
#include "pages.h"

#include "gw.h"
#include "html.h"
#include "live.h"
#include "session.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <pthread.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "names.h"
#include "labels.h"
#include "summary_render.h"

/* A ballot has a field per nomination of the agenda (at most 200). */
#define FIELDS_MAX     224
#define FIELD_MAX      4096
#define POST_MAX       (64 * 1024)
#define LIST_LIMIT     200
#define PASSWORD_MIN   10
#define PASSWORD_MAX   256
#define COOKIE_SESSION "exw_s"
#define COOKIE_PRE     "exw_pre" /* the sign-in form's CSRF token (double submit) */
#define COOKIE_LANG    "exw_lang"

static const web_config_t *CFG;
/* A hash no password matches, verified against for unknown names so that
 * their answer takes as long as a wrong password's. */
static char DUMMY_HASH[crypto_pwhash_STRBYTES];

typedef struct {
    char key[32];
    buf_t val;
} field_t;

/* A file posted as multipart/form-data (the dossier's upload form): its
 * bytes apart from the text fields, which are NUL-terminated text. */
#define FILE_MAX (16u << 20)

typedef struct {
    struct MHD_PostProcessor *pp;
    field_t f[FIELDS_MAX];
    int nf;
    size_t total;
    bool bad;
    uint8_t *file; /* the one file field's bytes */
    size_t file_len;
    char file_name[256];
} post_t;

typedef struct {
    struct MHD_Connection *c;
    const char *url, *method;
    char addr[64];
    int lang;
    bool signed_in;
    bool proxy_peer; /* the connection comes from a [proxy] trusted address */
    web_session_t s;
    post_t *post;
} req_t;

int pages_init(const web_config_t *cfg)
{
    CFG = cfg;
    char pw[WEB_TOKEN_LEN + 1];
    session_token(pw);
    return crypto_pwhash_str(DUMMY_HASH, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0
               ? 0
               : -1;
}

/* ---- form fields ------------------------------------------------------------ */

static enum MHD_Result post_iter(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *filename, const char *type, const char *enc,
                                 const char *data, uint64_t off, size_t size)
{
    (void)kind, (void)type, (void)enc;
    post_t *p = cls;
    if (filename) { /* the upload form's file: bytes, kept apart and limited on their own */
        if (off == 0 && p->file_name[0]) {
            p->bad = true; /* one file a form */
            return MHD_NO;
        }
        if (off == 0)
            snprintf(p->file_name, sizeof(p->file_name), "%s", filename[0] ? filename : "-");
        if (p->file_len + size > FILE_MAX) {
            p->bad = true;
            return MHD_NO;
        }
        uint8_t *grown = realloc(p->file, p->file_len + size + 1);
        if (!grown) {
            p->bad = true;
            return MHD_NO;
        }
        p->file = grown;
        memcpy(p->file + p->file_len, data, size);
        p->file_len += size;
        return MHD_YES;
    }
    p->total += size;
    if (p->total > POST_MAX || strlen(key) >= sizeof(p->f[0].key)) {
        p->bad = true;
        return MHD_NO;
    }
    field_t *f = NULL;
    for (int i = 0; i < p->nf && !f; i++)
        if (strcmp(p->f[i].key, key) == 0)
            f = &p->f[i];
    if (!f) {
        if (p->nf == FIELDS_MAX) {
            p->bad = true;
            return MHD_NO;
        }
        f = &p->f[p->nf++];
        snprintf(f->key, sizeof(f->key), "%s", key);
        buf_add(&f->val, "");
    } else if (off == 0) { /* a repeated name (checkboxes): its values, one a line */
        buf_add(&f->val, "\n");
    }
    if (f->val.len + size > FIELD_MAX) {
        p->bad = true;
        return MHD_NO;
    }
    char chunk[FIELD_MAX + 1];
    memcpy(chunk, data, size);
    chunk[size] = '\0';
    buf_add(&f->val, chunk);
    return MHD_YES;
}

/* A posted field ("" when absent). */
static const char *field(const req_t *r, const char *key)
{
    for (int i = 0; r->post && i < r->post->nf; i++)
        if (strcmp(r->post->f[i].key, key) == 0)
            return r->post->f[i].val.p ? r->post->f[i].val.p : "";
    return "";
}

static const char *arg(const req_t *r, const char *key)
{
    const char *v = MHD_lookup_connection_value(r->c, MHD_GET_ARGUMENT_KIND, key);
    return v ? v : "";
}

static const char *cookie(const req_t *r, const char *key)
{
    const char *v = MHD_lookup_connection_value(r->c, MHD_COOKIE_KIND, key);
    return v ? v : "";
}

static bool parse_u64(const char *s, uint64_t *out)
{
    if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 19)
        return false;
    *out = strtoull(s, NULL, 10);
    return true;
}

/* ---- responses ------------------------------------------------------------------ */

static void security_headers(struct MHD_Response *resp)
{
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
                            "script-src 'self'; connect-src 'self'; "
                            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
}

static enum MHD_Result send_body(req_t *r, unsigned status, buf_t *b, const char *type,
                                 const char *set_cookie)
{
    if (b->oom)
        buf_free(b);
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        b->len, b->p ? b->p : (char *)"", b->p ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    b->p = NULL;
    buf_free(b);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", type);
    security_headers(resp);
    if (set_cookie)
        MHD_add_response_header(resp, "Set-Cookie", set_cookie);
    enum MHD_Result rc = MHD_queue_response(r->c, status, resp);
    MHD_destroy_response(resp);
    return rc;
}

static enum MHD_Result redirect(req_t *r, const char *to, const char *set_cookie)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(0, (char *)"", MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Location", to);
    security_headers(resp);
    if (set_cookie)
        MHD_add_response_header(resp, "Set-Cookie", set_cookie);
    enum MHD_Result rc = MHD_queue_response(r->c, MHD_HTTP_SEE_OTHER, resp);
    MHD_destroy_response(resp);
    return rc;
}

static void cookie_text(char *out, size_t len, const char *name, const char *value, bool clear)
{
    snprintf(out, len, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", name, value,
             CFG->secure_cookies ? "; Secure" : "", clear ? "; Max-Age=0" : "");
}

/* ---- the page frame -------------------------------------------------------------- */

static const char CSS[] =
    "body{font-family:system-ui,sans-serif;margin:0;line-height:1.5;color:#1b1b1b;background:#fff}"
    "header{background:#8b0000;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem "
    "1rem;"
    "align-items:center}header a,header button{color:#fff}"
    "header .who{margin-left:auto}main{padding:1rem;max-width:60rem}"
    "a{color:#0b4f9c}a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px "
    "solid "
    "#f9a825;outline-offset:2px}"
    ".skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;color:#000;"
    "padding:.5rem}"
    "table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ccc;padding:.4rem;"
    "text-align:left;vertical-align:top}.scroll{overflow-x:auto}"
    "label{display:block;margin-top:.6rem;font-weight:600}input,select,textarea{display:block;font:"
    "inherit;"
    "padding:.4rem;max-width:100%;box-sizing:border-box;width:28rem}"
    "button{font:inherit;padding:.5rem 1rem;margin-top:.6rem;cursor:pointer}"
    "header button{background:none;border:1px solid #fff;margin:0;padding:.2rem .6rem}"
    ".flash{padding:.6rem 1rem;border-left:6px solid #2e7d32;background:#e8f5e9}"
    ".flash.error{border-color:#c62828;background:#ffebee}"
    ".actions form{border:1px solid #ddd;padding:.6rem 1rem;margin:.6rem 0}"
    "nav ul{list-style:none;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:.5rem 1rem}"
    "dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}"
    "pre.explain{white-space:pre-wrap;font:inherit;background:#f5f5f5;padding:.6rem 1rem}"
    "#evidence-form{border:1px solid #ddd;padding:.6rem 1rem;margin:.6rem 0}"
    "@media (max-width:40rem){input,select,textarea{width:100%}dl{grid-template-columns:1fr}}";

static void page_begin(req_t *r, buf_t *b, const char *title)
{
    buf_fmt(b, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">",
            r->lang == LANG_EN ? "en" : "vi");
    buf_add(b, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>");
    buf_esc(b, title);
    buf_add(b, " · ");
    buf_esc(b, L(r->lang, "Exemplar programme"));
    buf_fmt(b, "</title><style>%s</style></head><body>", CSS);
    buf_fmt(b, "<a class=\"skip\" href=\"#main\">%s</a><header>",
            L(r->lang, "Skip to the content"));
    buf_add(b, "<strong>");
    buf_esc(b, L(r->lang, "Exemplar programme"));
    buf_add(b, "</strong>");
    if (r->signed_in) {
        buf_fmt(b, "<nav aria-label=\"%s\"><ul>", L(r->lang, "Main menu"));
        buf_fmt(b, "<li><a href=\"/\">%s</a></li>", L(r->lang, "Nominations"));
        if (r->s.role == EXEMPLAR__ROLE__ROLE_UNIT_OFFICER ||
            r->s.role == EXEMPLAR__ROLE__ROLE_ADMIN)
            buf_fmt(b, "<li><a href=\"/register\">%s</a></li>", L(r->lang, "Register a candidate"));
        buf_fmt(b, "<li><a href=\"/plans\">%s</a></li>", L(r->lang, "Unit plans"));
        buf_fmt(b, "<li><a href=\"/summary\">%s</a></li>", L(r->lang, "Quarterly summary"));
        buf_fmt(b, "<li><a href=\"/report\">%s</a></li>", L(r->lang, "Review reports"));
        if (r->s.role != EXEMPLAR__ROLE__ROLE_UNIT_OFFICER)
            buf_fmt(b, "<li><a href=\"/meetings\">%s</a></li>", L(r->lang, "Council meetings"));
        buf_fmt(b, "<li><a href=\"/password\">%s</a></li>", L(r->lang, "Change your password"));
        buf_add(b, "</ul></nav><span class=\"who\">");
        char who[256];
        snprintf(who, sizeof(who), L(r->lang, "Signed in as %s (%s)"), r->s.name,
                 web_role_name(r->lang, r->s.role));
        buf_esc(b, who);
        if (r->s.unit[0]) {
            buf_add(b, ", ");
            buf_esc(b, L(r->lang, "Unit"));
            buf_add(b, " ");
            buf_esc(b, r->s.unit);
        }
        buf_add(b, "</span><form method=\"post\" action=\"/logout\">");
        buf_fmt(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", r->s.csrf);
        buf_fmt(b, "<button type=\"submit\">%s</button></form>", L(r->lang, "Sign out"));
    }
    buf_fmt(b, "<a href=\"/lang?l=%s\" lang=\"%s\">%s</a>", r->lang == LANG_EN ? "vi" : "en",
            r->lang == LANG_EN ? "vi" : "en", r->lang == LANG_EN ? "Tiếng Việt" : "English");
    buf_add(b, "</header><main id=\"main\"><h1>");
    buf_esc(b, title);
    buf_add(b, "</h1>");
    if (r->signed_in) {
        char msg[WEB_FLASH_MAX];
        bool err = false;
        if (session_take_flash(r->s.token, msg, sizeof(msg), &err)) {
            buf_fmt(b, "<p class=\"flash%s\" role=\"%s\">", err ? " error" : "",
                    err ? "alert" : "status");
            buf_esc(b, msg);
            buf_add(b, "</p>");
        }
    }
}

static enum MHD_Result page_end(req_t *r, buf_t *b, unsigned status)
{
    if (r->signed_in) /* the live view (live.c): announced politely, hidden until a change */
        buf_fmt(b,
                "<section id=\"live\" class=\"flash\" aria-live=\"polite\" aria-label=\"%s\" "
                "hidden></section><script src=\"/live.js\" defer></script>",
                L(r->lang, "Changes as they happen"));
    buf_add(b, "</main></body></html>\n");
    return send_body(r, status, b, "text/html; charset=utf-8", NULL);
}

static void csrf_input(req_t *r, buf_t *b)
{
    buf_fmt(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", r->s.csrf);
}

/* A page that says one thing (a refusal, a missing page). */
static enum MHD_Result page_message(req_t *r, unsigned status, const char *title, const char *text)
{
    buf_t b = {0};
    page_begin(r, &b, title);
    buf_add(&b, "<p role=\"alert\">");
    buf_esc(&b, text);
    buf_fmt(&b, "</p><p><a href=\"/\">%s</a></p>", L(r->lang, "Back to the list"));
    return page_end(r, &b, status);
}

/* ---- the daemon's answers ------------------------------------------------------------ */

/* Leaves the outcome of a failed call for the next page: a conflict with
 * the current state, or the daemon's sentence. */
static void flash_refusal(req_t *r, int rc, const Exemplar__Reply *reply)
{
    if (rc < 0 || !reply || !reply->error) {
        session_flash(r->s.token, true, "%s",
                      L(r->lang, "The daemon did not answer; nothing was changed. Try again."));
        return;
    }
    const Exemplar__Error *e = reply->error;
    if (e->code == EXEMPLAR__ERROR_CODE__ERROR_CONFLICT)
        session_flash(r->s.token, true,
                      L(r->lang, "Someone moved this since you opened it: it is now \"%s\" "
                                 "(version %llu). Look again, then act."),
                      web_state_name(r->lang, e->current_state),
                      (unsigned long long)e->current_version);
    else
        session_flash(r->s.token, true, L(r->lang, "The daemon refused: %s"), e->message);
}

static const char *time_text(int64_t ms, char *buf, size_t len)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(buf, len, "%d/%m/%Y %H:%M", &tm);
    return buf;
}

/* ---- sign-in --------------------------------------------------------------------------- */

static enum MHD_Result login_form(req_t *r, unsigned status, const char *error, const char *name)
{
    /* The token lives as long as the browser: a second sign-in page (another
     * tab, a redirect of the browser's own favicon request) keeps it, so
     * the form first shown still matches. */
    char pre[WEB_TOKEN_LEN + 1], set[160];
    const char *had = cookie(r, COOKIE_PRE);
    if (strlen(had) == WEB_TOKEN_LEN && strspn(had, "0123456789abcdef") == WEB_TOKEN_LEN)
        memcpy(pre, had, sizeof(pre));
    else
        session_token(pre);
    cookie_text(set, sizeof(set), COOKIE_PRE, pre, false);
    buf_t b = {0};
    page_begin(r, &b, L(r->lang, "Sign in"));
    if (error) {
        buf_add(&b, "<p class=\"flash error\" role=\"alert\">");
        buf_esc(&b, error);
        buf_add(&b, "</p>");
    }
    buf_fmt(&b,
            "<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"csrf\" "
            "value=\"%s\">",
            pre);
    buf_fmt(&b, "<label for=\"name\">%s</label>", L(r->lang, "User name"));
    buf_add(&b, "<input id=\"name\" name=\"name\" autocomplete=\"username\" required "
                "autocapitalize=\"none\" value=\"");
    buf_esc(&b, name ? name : "");
    buf_fmt(&b, "\"><label for=\"password\">%s</label>", L(r->lang, "Password"));
    buf_add(&b, "<input id=\"password\" name=\"password\" type=\"password\" "
                "autocomplete=\"current-password\" required>");
    buf_fmt(&b, "<button type=\"submit\">%s</button></form>", L(r->lang, "Sign in"));
    buf_add(&b, "</main></body></html>\n");
    return send_body(r, status, &b, "text/html; charset=utf-8", set);
}

/* Signs in name as the local account the daemon returns (its role and unit
 * come from there), and redirects to the first page. */
static enum MHD_Result start_session(req_t *r, const Exemplar__LocalUser *u)
{
    web_session_t s;
    session_create(u->name, u->role, u->unit, u->must_change, &s);
    char set[160];
    cookie_text(set, sizeof(set), COOKIE_SESSION, s.token, false);
    return redirect(r, u->must_change ? "/password" : "/", set);
}

static int fetch_account(const req_t *r, const char *name, Exemplar__Reply **reply)
{
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__UserLoginRequest body = EXEMPLAR__USER_LOGIN_REQUEST__INIT;
    body.name = (char *)name;
    req.body_case = EXEMPLAR__REQUEST__BODY_USER_LOGIN;
    req.user_login = &body;
    return gw_call(NULL, r->lang, &req, reply);
}

static enum MHD_Result login_post(req_t *r)
{
    const char *name = field(r, "name"), *password = field(r, "password");
    const char *pre = cookie(r, COOKIE_PRE), *sent = field(r, "csrf");
    if (strlen(pre) != WEB_TOKEN_LEN || strlen(sent) != WEB_TOKEN_LEN ||
        sodium_memcmp(pre, sent, WEB_TOKEN_LEN) != 0)
        return login_form(r, MHD_HTTP_FORBIDDEN,
                          L(r->lang, "The form has expired or did not come from this site. Open "
                                     "the page again and retry."),
                          name);
    int wait = limit_locked(name, r->addr);
    if (wait > 0) {
        char msg[256];
        snprintf(msg, sizeof(msg),
                 L(r->lang, "Sign-in is locked for a while after too many wrong passwords. Try "
                            "again in %d minutes."),
                 (wait + 59) / 60);
        return login_form(r, MHD_HTTP_TOO_MANY_REQUESTS, msg, name);
    }
    Exemplar__Reply *reply = NULL;
    int rc = strlen(name) <= WEB_NAME_MAX && strlen(password) <= PASSWORD_MAX
                 ? fetch_account(r, name, &reply)
                 : -EX_EINVALID;
    const Exemplar__LocalUser *u =
        rc == 0 && reply && !reply->error && reply->users->n_users ? reply->users->users[0] : NULL;
    if (rc == -EX_EUNAVAIL) {
        ex_reply_free(reply);
        return login_form(r, MHD_HTTP_SERVICE_UNAVAILABLE,
                          L(r->lang, "The daemon did not answer; nothing was changed. Try again."),
                          name);
    }
    /* Unknown names cost a verification too: the answer's time says nothing. */
    bool ok = crypto_pwhash_str_verify(u ? u->password_hash : DUMMY_HASH, password,
                                       strlen(password)) == 0 &&
              u;
    if (!ok) {
        limit_failed(name, r->addr);
        ex_reply_free(reply);
        return login_form(r, MHD_HTTP_UNAUTHORIZED, L(r->lang, "Wrong user name or password."),
                          name);
    }
    limit_succeeded(name, r->addr);
    enum MHD_Result res = u->disabled ? login_form(r, MHD_HTTP_FORBIDDEN,
                                                   L(r->lang, "This account is disabled."), name)
                                      : start_session(r, u);
    ex_reply_free(reply);
    return res;
}

/* A trusted reverse proxy names the user in a header: accepted only from
 * the configured addresses, and only for an enabled local account (whose
 * role and unit the daemon keeps). */
static enum MHD_Result proxy_sign_in(req_t *r, bool *handled)
{
    *handled = false;
    if (!CFG->proxy_header[0])
        return MHD_YES;
    bool trusted = r->proxy_peer;
    const char *name = MHD_lookup_connection_value(r->c, MHD_HEADER_KIND, CFG->proxy_header);
    if (!trusted || !name || !*name || strlen(name) > WEB_NAME_MAX)
        return MHD_YES;
    *handled = true;
    Exemplar__Reply *reply = NULL;
    int rc = fetch_account(r, name, &reply);
    const Exemplar__LocalUser *u =
        rc == 0 && reply && !reply->error && reply->users->n_users ? reply->users->users[0] : NULL;
    enum MHD_Result res = !u ? page_message(r, MHD_HTTP_FORBIDDEN, L(r->lang, "Not allowed"),
                                            L(r->lang, "Wrong user name or password."))
                          : u->disabled
                              ? page_message(r, MHD_HTTP_FORBIDDEN, L(r->lang, "Not allowed"),
                                             L(r->lang, "This account is disabled."))
                              : start_session(r, u);
    ex_reply_free(reply);
    return res;
}

static enum MHD_Result logout_post(req_t *r)
{
    session_remove(r->s.token);
    char set[160];
    cookie_text(set, sizeof(set), COOKIE_SESSION, "", true);
    return redirect(r, "/login", set);
}

/* ---- the own password --------------------------------------------------------------- */

static enum MHD_Result password_form(req_t *r)
{
    buf_t b = {0};
    page_begin(r, &b, L(r->lang, "Change your password"));
    if (r->s.must_change)
        buf_fmt(&b, "<p role=\"status\">%s</p>",
                L(r->lang, "Your one-time password must be changed now."));
    buf_add(&b, "<form method=\"post\" action=\"/password\">");
    csrf_input(r, &b);
    buf_fmt(&b,
            "<label for=\"new\">%s</label><input id=\"new\" name=\"new\" type=\"password\" "
            "autocomplete=\"new-password\" minlength=\"%d\" required>",
            L(r->lang, "New password"), PASSWORD_MIN);
    buf_fmt(&b,
            "<label for=\"again\">%s</label><input id=\"again\" name=\"again\" "
            "type=\"password\" autocomplete=\"new-password\" minlength=\"%d\" required>",
            L(r->lang, "New password again"), PASSWORD_MIN);
    buf_fmt(&b, "<button type=\"submit\">%s</button></form>", L(r->lang, "Save"));
    return page_end(r, &b, MHD_HTTP_OK);
}

static enum MHD_Result password_post(req_t *r)
{
    const char *pw = field(r, "new"), *again = field(r, "again");
    if (strcmp(pw, again) != 0 || strlen(pw) < PASSWORD_MIN || strlen(pw) > PASSWORD_MAX) {
        session_flash(r->s.token, true, "%s",
                      L(r->lang, "The two passwords differ, or the password is shorter than 10 "
                                 "characters."));
        return redirect(r, "/password", NULL);
    }
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return page_message(r, MHD_HTTP_SERVICE_UNAVAILABLE, L(r->lang, "Change your password"),
                            L(r->lang, "Out of memory: try again in a moment."));
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__UserPasswdRequest body = EXEMPLAR__USER_PASSWD_REQUEST__INIT;
    body.name = r->s.name;
    body.password_hash = hash;
    req.body_case = EXEMPLAR__REQUEST__BODY_USER_PASSWD;
    req.user_passwd = &body;
    Exemplar__Reply *reply = NULL;
    int rc = gw_call(r->s.name, r->lang, &req, &reply);
    if (ex_reply_status(rc, reply) == 0) {
        session_set_must_change(r->s.token, false);
        session_flash(r->s.token, false, "%s", L(r->lang, "Password changed."));
        ex_reply_free(reply);
        return redirect(r, "/", NULL);
    }
    flash_refusal(r, rc, reply);
    ex_reply_free(reply);
    return redirect(r, "/password", NULL);
}

/* ---- the list ---------------------------------------------------------------------------- */

/* What a nomination lacks, from the daemon's check ("" when it cannot say). */
static void lacks(req_t *r, buf_t *b, uint64_t id)
{
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__CheckRequest body = EXEMPLAR__CHECK_REQUEST__INIT;
    body.id = id;
    req.body_case = EXEMPLAR__REQUEST__BODY_CHECK;
    req.check = &body;
    Exemplar__Reply *reply = NULL;
    int rc = gw_call(r->s.name, r->lang, &req, &reply);
    if (ex_reply_status(rc, reply) == 0) {
        if (reply->check->met)
            buf_esc(b, L(r->lang, "Criteria met"));
        else
            buf_esc(b, reply->check->text);
    }
    ex_reply_free(reply);
}

static bool terminal(Exemplar__State s)
{
    return s == EXEMPLAR__STATE__STATE_RECOGNIZED || s == EXEMPLAR__STATE__STATE_WITHDRAWN ||
           s == EXEMPLAR__STATE__STATE_NOT_SELECTED || s == EXEMPLAR__STATE__STATE_REVOKED ||
           s == EXEMPLAR__STATE__STATE_CARRIED_OVER;
}

static enum MHD_Result list_page(req_t *r)
{
    Exemplar__State state = EXEMPLAR__STATE__STATE_NONE;
    const char *want = arg(r, "state");
    bool given = MHD_lookup_connection_value(r->c, MHD_GET_ARGUMENT_KIND, "state") != NULL;
    const char *title = L(r->lang, "Nominations");
    char unit_title[128];
    if (given && strcmp(want, "all") != 0)
        state = ex_state_parse(want);
    else if (!given && r->s.role == EXEMPLAR__ROLE__ROLE_MINISTRY_REVIEWER)
        state = EXEMPLAR__STATE__STATE_UNIT_REVIEWED;
    else if (!given && r->s.role == EXEMPLAR__ROLE__ROLE_APPROVER)
        state = EXEMPLAR__STATE__STATE_MINISTRY_REVIEWED;
    if (state == EXEMPLAR__STATE__STATE_UNIT_REVIEWED &&
        r->s.role == EXEMPLAR__ROLE__ROLE_MINISTRY_REVIEWER)
        title = L(r->lang, "Review queue");
    else if (state == EXEMPLAR__STATE__STATE_MINISTRY_REVIEWED &&
             r->s.role == EXEMPLAR__ROLE__ROLE_APPROVER)
        title = L(r->lang, "For recognition");
    else if (r->s.role == EXEMPLAR__ROLE__ROLE_UNIT_OFFICER) {
        snprintf(unit_title, sizeof(unit_title), L(r->lang, "Nominations of unit %s"), r->s.unit);
        title = unit_title;
    }
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__ListRequest body = EXEMPLAR__LIST_REQUEST__INIT;
    body.state = state;
    body.limit = LIST_LIMIT;
    /* The daemon compares without case and diacritics: "ha noi" finds "Hà Nội". */
    const char *q = arg(r, "q");
    body.name_contains = strlen(q) <= 256 ? (char *)q : (char *)"";
    req.body_case = EXEMPLAR__REQUEST__BODY_LIST;
    req.list = &body;
    Exemplar__Reply *reply = NULL;
    int rc = gw_call(r->s.name, r->lang, &req, &reply);
    buf_t b = {0};
    page_begin(r, &b, title);
    /* Filters as plain links: every state a person works in. */
    static const Exemplar__State TABS[] = {
        EXEMPLAR__STATE__STATE_REGISTERED,    EXEMPLAR__STATE__STATE_FOSTERING,
        EXEMPLAR__STATE__STATE_UNIT_REVIEWED, EXEMPLAR__STATE__STATE_MINISTRY_REVIEWED,
        EXEMPLAR__STATE__STATE_RECOGNIZED,    EXEMPLAR__STATE__STATE_RETURNED,
    };
    buf_fmt(&b, "<nav aria-label=\"%s\"><ul>", L(r->lang, "State"));
    buf_fmt(&b, "<li><a href=\"/?state=all\"%s>%s</a></li>",
            state == EXEMPLAR__STATE__STATE_NONE ? " aria-current=\"page\"" : "",
            L(r->lang, "All"));
    for (size_t i = 0; i < sizeof(TABS) / sizeof(TABS[0]); i++)
        buf_fmt(&b, "<li><a href=\"/?state=%s\"%s>%s</a></li>", ex_state_name(TABS[i]),
                state == TABS[i] ? " aria-current=\"page\"" : "", web_state_name(r->lang, TABS[i]));
    buf_add(&b, "</ul></nav>");
    buf_fmt(&b,
            "<form method=\"get\" action=\"/\" role=\"search\"><input type=\"hidden\" "
            "name=\"state\" value=\"%s\"><label for=\"q\">%s</label><input id=\"q\" "
            "name=\"q\" type=\"search\" value=\"",
            state == EXEMPLAR__STATE__STATE_NONE ? "all" : ex_state_name(state),
            L(r->lang, "Search by name (with or without diacritics)"));
    buf_esc(&b, body.name_contains);
    buf_fmt(&b, "\"><button type=\"submit\">%s</button></form>", L(r->lang, "Search"));
    if (ex_reply_status(rc, reply) != 0) {
        buf_add(&b, "<p class=\"flash error\" role=\"alert\">");
        if (reply && reply->error) {
            char msg[WEB_FLASH_MAX];
            snprintf(msg, sizeof(msg), L(r->lang, "The daemon refused: %s"), reply->error->message);
            buf_esc(&b, msg);
        } else {
            buf_esc(&b, L(r->lang, "The daemon did not answer; nothing was changed. Try again."));
        }
        buf_add(&b, "</p>");
    } else if (reply->list->n_nominations == 0) {
        buf_fmt(&b, "<p>%s</p>", L(r->lang, "No nominations."));
    } else {
        buf_fmt(&b,
                "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">#</th><th "
                "scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th "
                "scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
                L(r->lang, "Name"), L(r->lang, "Unit"), L(r->lang, "Kind"), L(r->lang, "State"),
                L(r->lang, "What is missing"));
        for (size_t i = 0; i < reply->list->n_nominations; i++) {
            const Exemplar__Nomination *n = reply->list->nominations[i];
            buf_fmt(&b,
                    "<tr data-id=\"%" PRIu64 "\"><td>%" PRIu64 "</td><td><a href=\"/n/%" PRIu64
                    "\">",
                    n->id, n->id, n->id);
            buf_esc(&b, n->name);
            buf_add(&b, "</a></td><td>");
            buf_esc(&b, n->unit);
            buf_fmt(&b, "</td><td>%s</td><td data-state=\"%s\">%s</td><td>",
                    web_kind_name(r->lang, n->kind), ex_state_name(n->state) ?: "",
                    web_state_name(r->lang, n->state));
            if (!terminal(n->state))
                lacks(r, &b, n->id);
            buf_add(&b, "</td></tr>");
        }
        buf_add(&b, "</tbody></table></div>");
    }
    ex_reply_free(reply);
    return page_end(r, &b, MHD_HTTP_OK);
}

/* ---- one nomination ------------------------------------------------------------------------ */

/* The move table the daemon enforces (MovesRequest), asked for once: a page
 * offers a person the moves their role may make; the daemon still checks
 * every rule of each. */
static pthread_mutex_t MOVES_LOCK = PTHREAD_MUTEX_INITIALIZER;
static Exemplar__Reply *MOVES;

static const Exemplar__MovesReply *move_table(const req_t *r)
{
    pthread_mutex_lock(&MOVES_LOCK);
    if (!MOVES) {
        Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
        Exemplar__MovesRequest body = EXEMPLAR__MOVES_REQUEST__INIT;
        req.body_case = EXEMPLAR__REQUEST__BODY_MOVES;
        req.moves = &body;
        Exemplar__Reply *reply = NULL;
        int rc = gw_call(r->s.name, r->lang, &req, &reply);
        if (ex_reply_status(rc, reply) == 0 && reply->moves)
            MOVES = reply;
        else
            ex_reply_free(reply);
    }
    pthread_mutex_unlock(&MOVES_LOCK);
    return MOVES ? MOVES->moves : NULL;
}

static bool may_move(const web_session_t *s, const Exemplar__MoveRow *m)
{
    if (s->role == EXEMPLAR__ROLE__ROLE_ADMIN)
        return true;
    for (size_t i = 0; i < m->n_roles; i++)
        if ((int)m->roles[i] == (int)s->role)
            return true;
    return false;
}

static void move_form(req_t *r, buf_t *b, const Exemplar__Nomination *n, const Exemplar__MoveRow *m)
{
    const char *to = ex_state_name(m->to);
    buf_fmt(b, "<form method=\"post\" action=\"/n/%" PRIu64 "/move\" aria-label=\"%s\">", n->id,
            web_verb_name(r->lang, m->verb));
    csrf_input(r, b);
    buf_fmt(b,
            "<input type=\"hidden\" name=\"to\" value=\"%s\"><input type=\"hidden\" "
            "name=\"expected_version\" value=\"%" PRIu64 "\"><input type=\"hidden\" "
            "name=\"request_id\" value=\"%" PRIu64 "\">",
            to, n->version, ex_request_id_new());
    bool decision = strcmp(m->verb, "recognize") == 0 || strcmp(m->verb, "revoke") == 0;
    if (m->needs_reason)
        buf_fmt(b,
                "<label for=\"reason-%s\">%s</label><textarea id=\"reason-%s\" name=\"reason\" "
                "rows=\"2\" maxlength=\"1024\" required></textarea>",
                m->verb, L(r->lang, "Reason (required)"), m->verb);
    if (decision) {
        buf_fmt(b,
                "<label for=\"dn-%s\">%s</label><input id=\"dn-%s\" name=\"decision_number\" "
                "required>",
                m->verb, L(r->lang, "Decision number"), m->verb);
        buf_fmt(b,
                "<label for=\"dd-%s\">%s</label><input id=\"dd-%s\" name=\"decision_date\" "
                "type=\"date\" required>",
                m->verb, L(r->lang, "Decision date"), m->verb);
        buf_fmt(b,
                "<label for=\"di-%s\">%s</label><input id=\"di-%s\" name=\"decision_issuer\" "
                "required>",
                m->verb, L(r->lang, "Issuer"), m->verb);
    }
    buf_fmt(b, "<button type=\"submit\" name=\"verb\" value=\"%s\">%s</button></form>", m->verb,
            web_verb_name(r->lang, m->verb));
}

static void history_table(req_t *r, buf_t *b, uint64_t id)
{
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__HistoryRequest body = EXEMPLAR__HISTORY_REQUEST__INIT;
    body.id = id;
    req.body_case = EXEMPLAR__REQUEST__BODY_HISTORY;
    req.history = &body;
    Exemplar__Reply *reply = NULL;
    int rc = gw_call(r->s.name, r->lang, &req, &reply);
    if (ex_reply_status(rc, reply) != 0) {
        ex_reply_free(reply);
        return;
    }
    buf_fmt(b,
            "<h2>%s</h2><div class=\"scroll\"><table id=\"history\"><thead><tr><th "
            "scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th "
            "scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
            L(r->lang, "History"), L(r->lang, "When"), L(r->lang, "Move"), L(r->lang, "State"),
            L(r->lang, "By"), L(r->lang, "Reason"));
    for (size_t i = 0; i < reply->history->n_changes; i++) {
        const Exemplar__Change *c = reply->history->changes[i];
        char at[32];
        buf_fmt(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>", time_text(c->at_ms, at, sizeof(at)),
                web_verb_name(r->lang, c->verb), web_state_name(r->lang, c->to));
        if (c->actor) {
            buf_esc(b, c->actor->name);
            if (c->actor->via[0]) {
                buf_add(b, " (web: ");
                buf_esc(b, c->actor->via);
                buf_add(b, ")");
            }
        }
        buf_add(b, "</td><td>");
        buf_esc(b, c->reason);
        buf_add(b, "</td></tr>");
    }
    buf_add(b, "</tbody></table></div>");
    ex_reply_free(reply);
}

/* The daemon's check of a nomination (NULL when it refuses or is away):
 * its verdict per criterion and its explanation, in the page's language. */
static Exemplar__Reply *fetch_check(req_t *r, uint64_t id)
{
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__CheckRequest body = EXEMPLAR__CHECK_REQUEST__INIT;
    body.id = id;
    req.body_case = EXEMPLAR__REQUEST__BODY_CHECK;
    req.check = &body;
    Exemplar__Reply *reply = NULL;
    int rc = gw_call(r->s.name, r->lang, &req, &reply);
    if (ex_reply_status(rc, reply) != 0 || !reply->check) {
        ex_reply_free(reply);
        return NULL;
    }
    return reply;
}

static void years_text(buf_t *b, const int32_t *years, size_t n)
{
    for (size_t i = 0; i < n; i++)
        buf_fmt(b, "%s%d", i ? ", " : "", (int)years[i]);
    if (!n)
        buf_add(b, "-");
}

/* check's verdict per criterion (the years a title is recorded, missing,
 * revoked or not decided yet) and its explanation, as the daemon wrote it. */
static void criteria_section(req_t *r, buf_t *b, const Exemplar__Reply *check)
{
    buf_fmt(b, "<section id=\"check\"><h2>%s</h2>", L(r->lang, "The criteria"));
    if (!check) {
        buf_fmt(b, "<p>%s</p></section>",
                L(r->lang, "The daemon did not answer; nothing was changed. Try again."));
        return;
    }
    const Exemplar__CheckReply *c = check->check;
    if (c->n_criteria) {
        buf_fmt(b,
                "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">%s</th><th "
                "scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th "
                "scope=\"col\">%s</th></tr></thead><tbody>",
                L(r->lang, "Title"), L(r->lang, "Years recorded"), L(r->lang, "Years missing"),
                L(r->lang, "Revoked"), L(r->lang, "Not decided yet"));
        for (size_t i = 0; i < c->n_criteria; i++) {
            const Exemplar__CriterionResult *k = c->criteria[i];
            buf_add(b, "<tr data-title=\"");
            buf_esc(b, k->title);
            buf_fmt(b, "\" data-met=\"%s\"><td>", k->met ? "yes" : "no");
            buf_esc(b, k->title_name[0] ? k->title_name : k->title);
            buf_add(b, " (");
            buf_esc(b, k->title);
            buf_add(b, ")</td><td>");
            years_text(b, k->met_years, k->n_met_years);
            buf_add(b, "</td><td>");
            years_text(b, k->missing_years, k->n_missing_years);
            buf_add(b, "</td><td>");
            years_text(b, k->revoked_years, k->n_revoked_years);
            buf_add(b, "</td><td>");
            years_text(b, k->pending_years, k->n_pending_years);
            buf_add(b, "</td></tr>");
        }
        buf_add(b, "</tbody></table></div>");
    }
    buf_fmt(b, "<h3>%s</h3><pre id=\"explain\" class=\"explain\">", L(r->lang, "Explanation"));
    buf_esc(b, c->text);
    buf_add(b, "</pre></section>");
}

/* The title codes a form offers: the criteria's, then the rule book's. */
static const char *const TITLES[] = {"TTLDXS",  "TTLDTT", "HTXSNV", "LDTT",   "CSTDCS", "CSTD-BO",
                                     "CSTD-TQ", "BK-BO",  "BK-TTG", "CTD-BO", "CTD-CP"};

/* The reviewer's form that records a title of the subject for a year with
 * its decision; the daemon's rules decide whether it may be recorded. */
static void evidence_form(req_t *r, buf_t *b, const Exemplar__Nomination *n,
                          const Exemplar__Reply *check)
{
    buf_fmt(b,
            "<form method=\"post\" action=\"/n/%" PRIu64 "/evidence\" id=\"evidence-form\" "
            "aria-labelledby=\"evidence-form-title\"><h3 id=\"evidence-form-title\">%s</h3>",
            n->id, L(r->lang, "Record a title"));
    csrf_input(r, b);
    buf_fmt(b, "<input type=\"hidden\" name=\"request_id\" value=\"%" PRIu64 "\">",
            ex_request_id_new());
    buf_add(b, "<datalist id=\"titles\">");
    for (size_t i = 0; check && i < check->check->n_criteria; i++) {
        const Exemplar__CriterionResult *k = check->check->criteria[i];
        buf_add(b, "<option value=\"");
        buf_esc(b, k->title);
        buf_add(b, "\">");
        buf_esc(b, k->title_name);
        buf_add(b, "</option>");
    }
    for (size_t i = 0; i < sizeof(TITLES) / sizeof(TITLES[0]); i++)
        buf_fmt(b, "<option value=\"%s\"></option>", TITLES[i]);
    buf_add(b, "</datalist>");
    const char *title = check && check->check->n_criteria ? check->check->criteria[0]->title : "";
    buf_fmt(b,
            "<label for=\"ev-title\">%s</label><input id=\"ev-title\" name=\"title\" "
            "list=\"titles\" required maxlength=\"32\" autocapitalize=\"characters\" value=\"",
            L(r->lang, "Title (code of the rule book)"));
    buf_esc(b, title);
    buf_fmt(b,
            "\"><label for=\"ev-year\">%s</label><input id=\"ev-year\" name=\"year\" "
            "type=\"number\" min=\"1945\" max=\"2100\" required>",
            L(r->lang, "Year of the title"));
    buf_fmt(b,
            "<label for=\"ev-dn\">%s</label><input id=\"ev-dn\" name=\"decision_number\" "
            "required maxlength=\"128\">",
            L(r->lang, "Decision number"));
    buf_fmt(b,
            "<label for=\"ev-dd\">%s</label><input id=\"ev-dd\" name=\"decision_date\" "
            "type=\"date\" required>",
            L(r->lang, "Decision date"));
    buf_fmt(b,
            "<label for=\"ev-di\">%s</label><input id=\"ev-di\" name=\"decision_issuer\" "
            "maxlength=\"256\">",
            L(r->lang, "Issuer"));
    buf_fmt(b, "<button type=\"submit\">%s</button></form>", L(r->lang, "Record the title"));
}

/* The unit officer's form that records how the unit's collective
 * acclaimed the nomination at its review meeting (the plan's "được tập thể
 * thừa nhận, suy tôn"): the rule set may require it before the unit review;
 * the daemon decides, and refuses it once the unit's review is over. */
static void acclamation_form(req_t *r, buf_t *b, const Exemplar__Nomination *n)
{
    if (r->s.role != EXEMPLAR__ROLE__ROLE_UNIT_OFFICER && r->s.role != EXEMPLAR__ROLE__ROLE_ADMIN)
        return;
    if (n->state != EXEMPLAR__STATE__STATE_REGISTERED &&
        n->state != EXEMPLAR__STATE__STATE_FOSTERING && n->state != EXEMPLAR__STATE__STATE_RETURNED)
        return;
    buf_fmt(b,
            "<form method=\"post\" action=\"/n/%" PRIu64 "/acclaim\" id=\"acclaim-form\" "
            "aria-labelledby=\"acclaim-form-title\"><h3 id=\"acclaim-form-title\">%s</h3>",
            n->id, L(r->lang, "The collective's acclamation"));
    csrf_input(r, b);
    buf_fmt(b, "<input type=\"hidden\" name=\"request_id\" value=\"%" PRIu64 "\">",
            ex_request_id_new());
    buf_fmt(b,
            "<label for=\"ac-date\">%s</label><input id=\"ac-date\" name=\"date\" "
            "type=\"date\" required>",
            L(r->lang, "Day of the review meeting"));
    buf_fmt(b,
            "<label for=\"ac-present\">%s</label><input id=\"ac-present\" name=\"present\" "
            "type=\"number\" min=\"1\" max=\"100000\" required>",
            L(r->lang, "Members present"));
    buf_fmt(b,
            "<label for=\"ac-favour\">%s</label><input id=\"ac-favour\" name=\"in_favour\" "
            "type=\"number\" min=\"0\" max=\"100000\" required>",
            L(r->lang, "Of them, in favour"));
    buf_fmt(b, "<button type=\"submit\">%s</button></form>", L(r->lang, "Record the acclamation"));
}

/* The subject's ledger, titles by year with their decisions, and for a
 * reviewer (or an administrator) the form that adds to it. */
static void evidence_section(req_t *r, buf_t *b, const Exemplar__Nomination *n,
                             const Exemplar__Reply *check)
{
    buf_fmt(b, "<section id=\"evidence\"><h2>%s</h2>", L(r->lang, "Evidence: titles by year"));
    if (!n->subject[0]) {
        buf_fmt(b, "<p>%s</p></section>",
                L(r->lang, "This nomination names no subject id: no evidence can be filed "
                           "for it."));
        return;
    }
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__EvidenceListRequest body = EXEMPLAR__EVIDENCE_LIST_REQUEST__INIT;
    body.subject = n->subject;
    req.body_case = EXEMPLAR__REQUEST__BODY_EVIDENCE_LIST;
    req.evidence_list = &body;
    Exemplar__Reply *reply = NULL;
    int rc = gw_call(r->s.name, r->lang, &req, &reply);
    if (ex_reply_status(rc, reply) != 0) {
        buf_add(b, "<p class=\"flash error\" role=\"alert\">");
        buf_esc(b, reply && reply->error ? reply->error->message
                                         : L(r->lang, "The daemon did not answer; nothing was "
                                                      "changed. Try again."));
        buf_add(b, "</p>");
    } else if (!reply->evidence->n_evidence) {
        buf_fmt(b, "<p id=\"no-evidence\">%s</p>", L(r->lang, "No title is recorded yet."));
    } else {
        buf_fmt(b,
                "<div class=\"scroll\"><table id=\"ledger\"><thead><tr><th scope=\"col\">%s</th>"
                "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th "
                "scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
                L(r->lang, "Year"), L(r->lang, "Title"), L(r->lang, "Decision number"),
                L(r->lang, "Decision date"), L(r->lang, "Issuer"), L(r->lang, "Status"));
        for (size_t i = 0; i < reply->evidence->n_evidence; i++) {
            const Exemplar__Evidence *e = reply->evidence->evidence[i];
            const Exemplar__Decision *d = e->decision;
            buf_fmt(b, "<tr data-year=\"%d\" data-title=\"", (int)e->year);
            buf_esc(b, e->title);
            buf_fmt(b, "\" data-revoked=\"%s\"><td>%d</td><td>", e->revoked ? "yes" : "no",
                    (int)e->year);
            buf_esc(b, e->title);
            buf_add(b, "</td><td>");
            buf_esc(b, d ? d->number : "");
            buf_add(b, "</td><td>");
            buf_esc(b, d ? d->date : "");
            buf_add(b, "</td><td>");
            buf_esc(b, d ? d->issuer : "");
            buf_add(b, "</td><td>");
            if (e->revoked) {
                buf_esc(b, L(r->lang, "Revoked by decision"));
                buf_add(b, " ");
                buf_esc(b, e->revocation ? e->revocation->number : "");
                buf_add(b, ", ");
                buf_esc(b, e->revocation ? e->revocation->date : "");
            } else {
                buf_esc(b, L(r->lang, "Counts"));
            }
            buf_add(b, "</td></tr>");
        }
        buf_add(b, "</tbody></table></div>");
    }
    ex_reply_free(reply);
    if (r->s.role == EXEMPLAR__ROLE__ROLE_MINISTRY_REVIEWER ||
        r->s.role == EXEMPLAR__ROLE__ROLE_ADMIN)
        evidence_form(r, b, n, check);
    buf_add(b, "</section>");
}

/* The dossier's files (below, with their handlers). */
static void attachments_section(req_t *r, buf_t *b, const Exemplar__Nomination *n);

static enum MHD_Result nomination_page(req_t *r, uint64_t id)
{
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__GetRequest body = EXEMPLAR__GET_REQUEST__INIT;
    body.id = id;
    req.body_case = EXEMPLAR__REQUEST__BODY_GET;
    req.get = &body;
    Exemplar__Reply *reply = NULL;
    int rc = gw_call(r->s.name, r->lang, &req, &reply);
    if (ex_reply_status(rc, reply) != 0) {
        enum MHD_Result res;
        if (reply && reply->error && reply->error->code == EXEMPLAR__ERROR_CODE__ERROR_PERMISSION)
            res = page_message(r, MHD_HTTP_FORBIDDEN, L(r->lang, "Not allowed"),
                               reply->error->message);
        else if (reply && reply->error)
            res =
                page_message(r, MHD_HTTP_NOT_FOUND, L(r->lang, "Not found"), reply->error->message);
        else
            res = page_message(r, MHD_HTTP_SERVICE_UNAVAILABLE, L(r->lang, "Not found"),
                               L(r->lang, "The daemon did not answer; nothing was changed. Try "
                                          "again."));
        ex_reply_free(reply);
        return res;
    }
    const Exemplar__Nomination *n = reply->nomination;
    char title[96], at[32];
    snprintf(title, sizeof(title), L(r->lang, "Nomination %llu"), (unsigned long long)n->id);
    buf_t b = {0};
    page_begin(r, &b, title);
    buf_fmt(&b, "<dl><dt>%s</dt><dd>", L(r->lang, "Name"));
    buf_esc(&b, n->name);
    buf_fmt(&b, "</dd><dt>%s</dt><dd>", L(r->lang, "Unit"));
    buf_esc(&b, n->unit);
    if (n->unit_name[0]) {
        buf_add(&b, " · ");
        buf_esc(&b, n->unit_name);
    }
    buf_fmt(&b,
            "</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd id=\"state\" data-id=\"%" PRIu64
            "\" data-state=\"%s\">%s</dd>"
            "<dt>%s</dt><dd>%" PRIu64 "</dd><dt>%s</dt><dd>%s</dd>",
            L(r->lang, "Kind"), web_kind_name(r->lang, n->kind), L(r->lang, "State"), n->id,
            ex_state_name(n->state) ?: "", web_state_name(r->lang, n->state), L(r->lang, "Version"),
            n->version, L(r->lang, "Registered on"), time_text(n->created_ms, at, sizeof(at)));
    if (n->recognition && n->recognition->number[0]) {
        buf_fmt(&b, "<dt>%s</dt><dd>", L(r->lang, "Recognised by decision"));
        buf_esc(&b, n->recognition->number);
        buf_add(&b, ", ");
        buf_esc(&b, n->recognition->date);
        buf_add(&b, ", ");
        buf_esc(&b, n->recognition->issuer);
        buf_add(&b, "</dd>");
    }
    if (n->subject[0]) {
        buf_fmt(&b, "<dt>%s</dt><dd id=\"subject\">", L(r->lang, "Subject id"));
        buf_esc(&b, n->subject);
        buf_add(&b, "</dd>");
    }
    Exemplar__Reply *check = fetch_check(r, n->id);
    if (check)
        buf_fmt(&b, "<dt>%s</dt><dd id=\"met\" data-met=\"%s\">%s</dd>", L(r->lang, "Criteria"),
                check->check->met ? "yes" : "no",
                check->check->met ? L(r->lang, "Criteria met") : L(r->lang, "Not met yet"));
    buf_add(&b, "</dl>");
    criteria_section(r, &b, check);
    evidence_section(r, &b, n, check);
    acclamation_form(r, &b, n);
    attachments_section(r, &b, n);
    ex_reply_free(check);
    buf_fmt(&b, "<section class=\"actions\"><h2>%s</h2>", L(r->lang, "What you can do"));
    int shown = 0;
    const Exemplar__MovesReply *table = move_table(r);
    for (size_t i = 0; table && i < table->n_rows; i++) {
        const Exemplar__MoveRow *m = table->rows[i];
        if (m->from != n->state || !may_move(&r->s, m) || strcmp(m->verb, "carry-over") == 0)
            continue;
        move_form(r, &b, n, m);
        shown++;
    }
    if (!shown)
        buf_fmt(&b, "<p>%s</p>", L(r->lang, "Nothing to do here for your role in this state."));
    buf_add(&b, "</section>");
    history_table(r, &b, n->id);
    ex_reply_free(reply);
    return page_end(r, &b, MHD_HTTP_OK);
}

static enum MHD_Result move_post(req_t *r, uint64_t id)
{
    char back[48];
    snprintf(back, sizeof(back), "/n/%" PRIu64, id);
    uint64_t version = 0, request_id = 0;
    Exemplar__State to = ex_state_parse(field(r, "to"));
    if (to == EXEMPLAR__STATE__STATE_NONE || !parse_u64(field(r, "expected_version"), &version) ||
        !parse_u64(field(r, "request_id"), &request_id)) {
        session_flash(r->s.token, true, "%s",
                      L(r->lang, "The form has expired or did not come from this site. Open the "
                                 "page again and retry."));
        return redirect(r, back, NULL);
    }
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__MoveRequest body = EXEMPLAR__MOVE_REQUEST__INIT;
    Exemplar__Decision d = EXEMPLAR__DECISION__INIT;
    body.id = id;
    body.to = to;
    body.expected_version = version;
    body.reason = (char *)field(r, "reason");
    if (field(r, "decision_number")[0]) {
        d.number = (char *)field(r, "decision_number");
        d.date = (char *)field(r, "decision_date");
        d.issuer = (char *)field(r, "decision_issuer");
        body.decision = &d;
    }
    req.request_id = request_id;
    req.body_case = EXEMPLAR__REQUEST__BODY_MOVE;
    req.move = &body;
    Exemplar__Reply *reply = NULL;
    int rc = gw_call(r->s.name, r->lang, &req, &reply);
    if (ex_reply_status(rc, reply) == 0)
        session_flash(r->s.token, false, L(r->lang, "Done: %s."),
                      web_state_name(r->lang, reply->nomination->state));
    else
        flash_refusal(r, rc, reply);
    ex_reply_free(reply);
    return redirect(r, back, NULL);
}

/* POST /n/ID/evidence: a title of the nomination's subject for a year,
 * with its decision.  The subject is the nomination's own (asked of the
 * daemon on the person's behalf), never a field of the form. */
static enum MHD_Result evidence_post(req_t *r, uint64_t id)
{
    char back[64];
    snprintf(back, sizeof(back), "/n/%" PRIu64, id); /* the top: the outcome shows there */
    uint64_t request_id = 0, year = 0;
    if (!parse_u64(field(r, "request_id"), &request_id)) {
        session_flash(r->s.token, true, "%s",
                      L(r->lang, "The form has expired or did not come from this site. Open the "
                                 "page again and retry."));
        return redirect(r, back, NULL);
    }
    if (!parse_u64(field(r, "year"), &year) || year > 9999) {
        session_flash(r->s.token, true, "%s",
                      L(r->lang, "The year of the title must be a year, such as 2025."));
        return redirect(r, back, NULL);
    }
    Exemplar__Request greq = EXEMPLAR__REQUEST__INIT;
    Exemplar__GetRequest gbody = EXEMPLAR__GET_REQUEST__INIT;
    gbody.id = id;
    greq.body_case = EXEMPLAR__REQUEST__BODY_GET;
    greq.get = &gbody;
    Exemplar__Reply *got = NULL;
    int rc = gw_call(r->s.name, r->lang, &greq, &got);
    if (ex_reply_status(rc, got) != 0) {
        flash_refusal(r, rc, got);
        ex_reply_free(got);
        return redirect(r, back, NULL);
    }
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__EvidenceAddRequest body = EXEMPLAR__EVIDENCE_ADD_REQUEST__INIT;
    Exemplar__Evidence ev = EXEMPLAR__EVIDENCE__INIT;
    Exemplar__Decision d = EXEMPLAR__DECISION__INIT;
    ev.subject = got->nomination->subject;
    ev.year = (int32_t)year;
    ev.title = (char *)field(r, "title");
    d.number = (char *)field(r, "decision_number");
    d.date = (char *)field(r, "decision_date");
    d.issuer = (char *)field(r, "decision_issuer");
    ev.decision = &d;
    body.evidence = &ev;
    req.request_id = request_id;
    req.body_case = EXEMPLAR__REQUEST__BODY_EVIDENCE_ADD;
    req.evidence_add = &body;
    Exemplar__Reply *reply = NULL;
    rc = gw_call(r->s.name, r->lang, &req, &reply);
    if (ex_reply_status(rc, reply) == 0)
        session_flash(r->s.token, false, L(r->lang, "Recorded: %s for %d."), ev.title,
                      (int)ev.year);
    else
        flash_refusal(r, rc, reply);
    ex_reply_free(reply);
    ex_reply_free(got);
    return redirect(r, back, NULL);
}

/* POST /n/ID/acclaim: the collective's acclamation of the nomination. */
static enum MHD_Result acclaim_post(req_t *r, uint64_t id)
{
    char back[64];
    snprintf(back, sizeof(back), "/n/%" PRIu64, id);
    uint64_t request_id = 0, present = 0, favour = 0;
    if (!parse_u64(field(r, "request_id"), &request_id)) {
        session_flash(r->s.token, true, "%s",
                      L(r->lang, "The form has expired or did not come from this site. Open the "
                                 "page again and retry."));
        return redirect(r, back, NULL);
    }
    if (!parse_u64(field(r, "present"), &present) || !parse_u64(field(r, "in_favour"), &favour) ||
        present > UINT32_MAX || favour > UINT32_MAX) {
        session_flash(r->s.token, true, "%s",
                      L(r->lang, "The members present and those in favour must be whole "
                                 "numbers."));
        return redirect(r, back, NULL);
    }
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__AcclamationSetRequest body = EXEMPLAR__ACCLAMATION_SET_REQUEST__INIT;
    body.nomination_id = id;
    body.date = (char *)field(r, "date");
    body.present = (uint32_t)present;
    body.in_favour = (uint32_t)favour;
    req.request_id = request_id;
    req.body_case = EXEMPLAR__REQUEST__BODY_ACCLAMATION_SET;
    req.acclamation_set = &body;
    Exemplar__Reply *reply = NULL;
    int rc = gw_call(r->s.name, r->lang, &req, &reply);
    if (ex_reply_status(rc, reply) == 0)
        session_flash(r->s.token, false, L(r->lang, "Recorded: %u of %u present in favour."),
                      (unsigned)favour, (unsigned)present);
    else
        flash_refusal(r, rc, reply);
    ex_reply_free(reply);
    return redirect(r, back, NULL);
}

/* ---- the dossier's files -----------------------------------------------------------------------
 */

/* The parts a file may carry: the shipped rule sets' (rulesets.yaml
 * `dossier.parts`); the daemon refuses, with the rule set's list, a part
 * its rule set does not name. */
static const char *const DOSSIER_PARTS[] = {"submission", "report", "lower-minutes", "other"};

static const char *part_label(int lang, const char *part)
{
    if (!strcmp(part, "submission"))
        return L(lang, "Cover submission");
    if (!strcmp(part, "report"))
        return L(lang, "Achievement report");
    if (!strcmp(part, "lower-minutes"))
        return L(lang, "Lower council's minutes");
    if (!strcmp(part, "other"))
        return L(lang, "Other");
    return part;
}

/* The dossier's files, every version with a link to download it, and for
 * the unit officer (or an administrator), while the unit may still review
 * the nomination, the form that uploads one. */
static void attachments_section(req_t *r, buf_t *b, const Exemplar__Nomination *n)
{
    buf_fmt(b, "<section id=\"attachments\"><h2>%s</h2>", L(r->lang, "Dossier files"));
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__AttachmentGetRequest body = EXEMPLAR__ATTACHMENT_GET_REQUEST__INIT;
    body.nomination_id = n->id;
    req.body_case = EXEMPLAR__REQUEST__BODY_ATTACHMENT_GET;
    req.attachment_get = &body;
    Exemplar__Reply *reply = NULL;
    int rc = gw_call(r->s.name, r->lang, &req, &reply);
    const Exemplar__Dossier *d =
        ex_reply_status(rc, reply) == 0 && reply->attachment ? reply->attachment->dossier : NULL;
    if (!d || !d->n_attachments) {
        buf_fmt(b, "<p>%s</p>", L(r->lang, "No file attached yet."));
    } else {
        buf_fmt(b,
                "<table id=\"files\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
                "<th>%s</th><th>%s</th></tr></thead><tbody>",
                L(r->lang, "Part"), L(r->lang, "Version"), L(r->lang, "File"), L(r->lang, "Type"),
                L(r->lang, "Size (bytes)"), L(r->lang, "Uploaded by"));
        for (size_t i = 0; i < d->n_attachments; i++) {
            const Exemplar__Attachment *a = d->attachments[i];
            buf_add(b, "<tr><td>");
            buf_esc(b, part_label(r->lang, a->part));
            buf_fmt(b, "</td><td>%u</td><td><a href=\"/n/%" PRIu64 "/file/", a->version, n->id);
            buf_esc(b, a->part);
            buf_fmt(b, "/%u\">", a->version);
            buf_esc(b, a->filename);
            buf_add(b, "</a></td><td>");
            buf_esc(b, a->media_type);
            buf_fmt(b, "</td><td>%llu</td><td>", (unsigned long long)a->size);
            buf_esc(b, a->uploaded_by);
            buf_add(b, "</td></tr>");
        }
        buf_add(b, "</tbody></table>");
    }
    ex_reply_free(reply);
    bool may =
        r->s.role == EXEMPLAR__ROLE__ROLE_UNIT_OFFICER || r->s.role == EXEMPLAR__ROLE__ROLE_ADMIN;
    if (may && (n->state == EXEMPLAR__STATE__STATE_REGISTERED ||
                n->state == EXEMPLAR__STATE__STATE_FOSTERING ||
                n->state == EXEMPLAR__STATE__STATE_RETURNED)) {
        buf_fmt(b,
                "<form method=\"post\" action=\"/n/%" PRIu64 "/attach\" id=\"attach-form\" "
                "enctype=\"multipart/form-data\" aria-labelledby=\"attach-form-title\">"
                "<h3 id=\"attach-form-title\">%s</h3>",
                n->id, L(r->lang, "Attach a file"));
        csrf_input(r, b);
        buf_fmt(b, "<input type=\"hidden\" name=\"request_id\" value=\"%" PRIu64 "\">",
                ex_request_id_new());
        buf_fmt(b, "<label for=\"at-part\">%s</label><select id=\"at-part\" name=\"part\">",
                L(r->lang, "Part"));
        for (size_t i = 0; i < sizeof(DOSSIER_PARTS) / sizeof(DOSSIER_PARTS[0]); i++) {
            buf_fmt(b, "<option value=\"%s\">", DOSSIER_PARTS[i]);
            buf_esc(b, part_label(r->lang, DOSSIER_PARTS[i]));
            buf_add(b, "</option>");
        }
        buf_fmt(b,
                "</select><label for=\"at-file\">%s</label><input id=\"at-file\" name=\"file\" "
                "type=\"file\" accept=\".pdf,.docx,.jpg,.jpeg,.png\" required>",
                L(r->lang, "File (PDF, DOCX, JPEG or PNG)"));
        buf_fmt(b, "<button type=\"submit\">%s</button></form>", L(r->lang, "Upload"));
    }
    buf_add(b, "</section>");
}

/* A multipart form's request id and file are there; else the person is
 * told which is wrong (the caller sends them back to the form). */
static bool upload_form_ok(req_t *r, uint64_t *request_id)
{
    if (!parse_u64(field(r, "request_id"), request_id)) {
        session_flash(r->s.token, true, "%s",
                      L(r->lang, "The form has expired or did not come from this site. Open the "
                                 "page again and retry."));
        return false;
    }
    if (!r->post->file_name[0] || !r->post->file_len) {
        session_flash(r->s.token, true, "%s", L(r->lang, "Choose the file to upload."));
        return false;
    }
    return true;
}

/* POST /n/ID/attach: a file of the dossier, as the next version of its part. */
static enum MHD_Result attach_post(req_t *r, uint64_t id)
{
    char back[64];
    snprintf(back, sizeof(back), "/n/%" PRIu64, id);
    uint64_t request_id = 0;
    if (!upload_form_ok(r, &request_id))
        return redirect(r, back, NULL);
    /* the daemon drops a request over its message limit unanswered: ask first */
    Exemplar__Request info = EXEMPLAR__REQUEST__INIT;
    Exemplar__InfoRequest ib = EXEMPLAR__INFO_REQUEST__INIT;
    info.body_case = EXEMPLAR__REQUEST__BODY_INFO;
    info.info = &ib;
    Exemplar__Reply *reply = NULL;
    int rc = gw_call(r->s.name, r->lang, &info, &reply);
    uint64_t max = ex_reply_status(rc, reply) == 0 ? reply->info->max_attachment_bytes : 0;
    ex_reply_free(reply);
    reply = NULL;
    if (r->post->file_len > max) {
        session_flash(r->s.token, true,
                      L(r->lang, "The file is %llu KiB; the largest a dossier file may be is %llu "
                                 "KiB. Scan it at a lower resolution or split it."),
                      (unsigned long long)(r->post->file_len + 1023) / 1024,
                      (unsigned long long)max / 1024);
        return redirect(r, back, NULL);
    }
    /* the name as the browser sent it, without a directory */
    const char *name = strrchr(r->post->file_name, '/');
    name = name ? name + 1 : r->post->file_name;
    const char *bs = strrchr(name, '\\');
    name = bs ? bs + 1 : name;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__AttachmentAddRequest body = EXEMPLAR__ATTACHMENT_ADD_REQUEST__INIT;
    body.nomination_id = id;
    body.part = (char *)field(r, "part");
    body.filename = (char *)name;
    body.content.data = r->post->file;
    body.content.len = r->post->file_len;
    req.request_id = request_id;
    req.body_case = EXEMPLAR__REQUEST__BODY_ATTACHMENT_ADD;
    req.attachment_add = &body;
    rc = gw_call(r->s.name, r->lang, &req, &reply);
    if (ex_reply_status(rc, reply) == 0)
        session_flash(r->s.token, false, L(r->lang, "Attached: %s."), name);
    else
        flash_refusal(r, rc, reply);
    ex_reply_free(reply);
    return redirect(r, back, NULL);
}

/* GET /n/ID/file/PART/VERSION: the file's bytes, as a download (never
 * shown inline: the type is the daemon's, but the page is not the file's). */
static enum MHD_Result file_get(req_t *r, uint64_t id, const char *what)
{
    char part[64];
    const char *slash = strchr(what + 5, '/'); /* what: "file/PART/VERSION" */
    uint64_t version = 0;
    if (!slash || (size_t)(slash - (what + 5)) >= sizeof(part) || !parse_u64(slash + 1, &version) ||
        version == 0 || version > UINT32_MAX)
        return page_message(r, MHD_HTTP_NOT_FOUND, L(r->lang, "Not found"),
                            L(r->lang, "Page not found."));
    memcpy(part, what + 5, (size_t)(slash - (what + 5)));
    part[slash - (what + 5)] = '\0';
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__AttachmentGetRequest body = EXEMPLAR__ATTACHMENT_GET_REQUEST__INIT;
    body.nomination_id = id;
    body.part = part;
    body.version = (uint32_t)version;
    req.body_case = EXEMPLAR__REQUEST__BODY_ATTACHMENT_GET;
    req.attachment_get = &body;
    Exemplar__Reply *reply = NULL;
    int rc = gw_call(r->s.name, r->lang, &req, &reply);
    if (ex_reply_status(rc, reply) != 0 || !reply->attachment->attachment) {
        unsigned status =
            reply && reply->error && reply->error->code == EXEMPLAR__ERROR_CODE__ERROR_PERMISSION
                ? MHD_HTTP_FORBIDDEN
                : MHD_HTTP_NOT_FOUND;
        enum MHD_Result res = page_message(r, status, L(r->lang, "Not found"),
                                           reply && reply->error ? reply->error->message
                                                                 : L(r->lang, "Page not found."));
        ex_reply_free(reply);
        return res;
    }
    const Exemplar__AttachmentReply *a = reply->attachment;
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(a->content.len, a->content.data, MHD_RESPMEM_MUST_COPY);
    if (!resp) {
        ex_reply_free(reply);
        return MHD_NO;
    }
    /* an ASCII name in the header (RFC 6266); the original in filename* */
    char ascii[128], header[1024];
    size_t k = 0;
    for (const char *c = a->attachment->filename; *c && k + 1 < sizeof(ascii); c++)
        ascii[k++] = (*c >= 0x20 && *c < 0x7f && *c != '"' && *c != '\\') ? *c : '_';
    ascii[k] = '\0';
    size_t used = (size_t)snprintf(header, sizeof(header),
                                   "attachment; filename=\"%s\"; filename*=UTF-8''", ascii);
    for (const unsigned char *c = (const unsigned char *)a->attachment->filename;
         *c && used + 4 < sizeof(header); c++) {
        if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
            strchr("-._~", *c))
            header[used++] = (char)*c;
        else
            used += (size_t)snprintf(header + used, sizeof(header) - used, "%%%02X", *c);
    }
    header[used] = '\0';
    MHD_add_response_header(resp, "Content-Type", a->attachment->media_type);
    MHD_add_response_header(resp, "Content-Disposition", header);
    security_headers(resp);
    enum MHD_Result res = MHD_queue_response(r->c, MHD_HTTP_OK, resp);
    MHD_destroy_response(resp);
    ex_reply_free(reply);
    return res;
}

/* ---- registration ------------------------------------------------------------------------------
 */

static enum MHD_Result register_form(req_t *r)
{
    buf_t b = {0};
    page_begin(r, &b, L(r->lang, "Register a candidate"));
    buf_add(&b, "<form method=\"post\" action=\"/register\">");
    csrf_input(r, &b);
    buf_fmt(&b, "<input type=\"hidden\" name=\"request_id\" value=\"%" PRIu64 "\">",
            ex_request_id_new());
    buf_fmt(&b,
            "<label for=\"name\">%s</label><input id=\"name\" name=\"name\" required "
            "maxlength=\"256\">",
            L(r->lang, "Name"));
    buf_fmt(&b,
            "<label for=\"kind\">%s</label><select id=\"kind\" name=\"kind\"><option "
            "value=\"collective\">%s</option><option value=\"individual\">%s</option></select>",
            L(r->lang, "Kind"), web_kind_name(r->lang, EXEMPLAR__KIND__KIND_COLLECTIVE),
            web_kind_name(r->lang, EXEMPLAR__KIND__KIND_INDIVIDUAL));
    buf_fmt(&b, "<label for=\"unit\">%s</label>", L(r->lang, "Unit"));
    if (r->s.role == EXEMPLAR__ROLE__ROLE_UNIT_OFFICER) {
        buf_add(&b, "<input id=\"unit\" name=\"unit\" readonly value=\"");
        buf_esc(&b, r->s.unit);
        buf_add(&b, "\">");
    } else {
        buf_add(&b, "<input id=\"unit\" name=\"unit\" required maxlength=\"16\">");
    }
    buf_fmt(&b,
            "<label for=\"subject\">%s</label><input id=\"subject\" name=\"subject\" "
            "maxlength=\"64\">",
            L(r->lang, "Subject id (optional)"));
    buf_fmt(&b, "<button type=\"submit\">%s</button></form>", L(r->lang, "Register"));
    return page_end(r, &b, MHD_HTTP_OK);
}

static enum MHD_Result register_post(req_t *r)
{
    uint64_t request_id = 0;
    if (!parse_u64(field(r, "request_id"), &request_id)) {
        session_flash(r->s.token, true, "%s",
                      L(r->lang, "The form has expired or did not come from this site. Open the "
                                 "page again and retry."));
        return redirect(r, "/register", NULL);
    }
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__RegisterRequest body = EXEMPLAR__REGISTER_REQUEST__INIT;
    /* A unit officer registers in their own unit whatever the form says;
     * the daemon checks it anyway. */
    body.unit =
        r->s.role == EXEMPLAR__ROLE__ROLE_UNIT_OFFICER ? r->s.unit : (char *)field(r, "unit");
    body.kind = ex_kind_parse(field(r, "kind"));
    body.name = (char *)field(r, "name");
    body.subject = (char *)field(r, "subject");
    req.request_id = request_id;
    req.body_case = EXEMPLAR__REQUEST__BODY_REGISTER;
    req.register_ = &body;
    Exemplar__Reply *reply = NULL;
    int rc = gw_call(r->s.name, r->lang, &req, &reply);
    if (ex_reply_status(rc, reply) != 0) {
        flash_refusal(r, rc, reply);
        ex_reply_free(reply);
        return redirect(r, "/register", NULL);
    }
    char to[48];
    snprintf(to, sizeof(to), "/n/%" PRIu64, reply->nomination->id);
    session_flash(r->s.token, false, "%s", L(r->lang, "Registered."));
    ex_reply_free(reply);
    return redirect(r, to, NULL);
}

/* ---- unit plans
 * ----------------------------------------------------------------------------------- */

/* The unit officer's form: save or submit the unit's plan for the period. */
static void plan_form(req_t *r, buf_t *b, const char *campaign, const char *period)
{
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__PlanShowRequest body = EXEMPLAR__PLAN_SHOW_REQUEST__INIT;
    body.unit = r->s.unit;
    body.campaign = (char *)campaign;
    body.period = (char *)period;
    req.body_case = EXEMPLAR__REQUEST__BODY_PLAN_SHOW;
    req.plan_show = &body;
    Exemplar__Reply *reply = NULL;
    int rc = gw_call(r->s.name, r->lang, &req, &reply);
    const Exemplar__UnitPlan *p =
        ex_reply_status(rc, reply) == 0 && reply->plan->plan ? reply->plan->plan : NULL;
    buf_fmt(b, "<h2>%s</h2>", L(r->lang, "The unit's plan"));
    if (p && p->reason[0]) {
        buf_fmt(b, "<p><strong>%s</strong> ", L(r->lang, "Reason"));
        buf_esc(b, p->reason);
        buf_add(b, "</p>");
    }
    buf_add(b, "<form method=\"post\" action=\"/plans/submit\">");
    csrf_input(r, b);
    buf_add(b, "<input type=\"hidden\" name=\"campaign\" value=\"");
    buf_esc(b, campaign);
    buf_add(b, "\"><input type=\"hidden\" name=\"period\" value=\"");
    buf_esc(b, period);
    buf_fmt(b, "\"><input type=\"hidden\" name=\"expected_version\" value=\"%u\">",
            p ? p->version : 0);
    buf_fmt(b, "<input type=\"hidden\" name=\"request_id\" value=\"%" PRIu64 "\">",
            ex_request_id_new());
    buf_fmt(b,
            "<label for=\"ec\">%s</label><input id=\"ec\" name=\"expected_collective\" "
            "type=\"number\" min=\"0\" max=\"100000\" value=\"%u\" required>",
            L(r->lang, "Collectives the unit undertakes to foster"),
            p ? p->expected_collective : 0);
    buf_fmt(b,
            "<label for=\"ei\">%s</label><input id=\"ei\" name=\"expected_individual\" "
            "type=\"number\" min=\"0\" max=\"100000\" value=\"%u\" required>",
            L(r->lang, "Individuals the unit undertakes to foster"),
            p ? p->expected_individual : 0);
    buf_fmt(b,
            "<label for=\"sol\">%s</label><textarea id=\"sol\" name=\"solutions\" "
            "rows=\"4\" maxlength=\"8192\">",
            L(r->lang, "Solutions and responsibilities"));
    buf_esc(b, p ? p->solutions : "");
    buf_fmt(b,
            "</textarea><label for=\"docn\">%s</label><input id=\"docn\" "
            "name=\"document_number\" value=\"",
            L(r->lang, "The unit's plan: document number"));
    buf_esc(b, p && p->document ? p->document->number : "");
    buf_fmt(b,
            "\"><label for=\"docd\">%s</label><input id=\"docd\" name=\"document_date\" "
            "type=\"date\" value=\"",
            L(r->lang, "Document date"));
    buf_esc(b, p && p->document ? p->document->date : "");
    buf_fmt(b,
            "\"><button type=\"submit\" name=\"send\" value=\"submit\">%s</button> "
            "<button type=\"submit\" name=\"send\" value=\"draft\">%s</button></form>",
            L(r->lang, "Send the plan to the Ministry"), L(r->lang, "Save as a draft"));
    ex_reply_free(reply);
}

/* A reviewer's accept and return forms for one unit's submitted plan. */
static void plan_review_forms(req_t *r, buf_t *b, const char *campaign, const char *period,
                              const Exemplar__PlanProgress *u)
{
    static const char *const VERBS[] = {"accept", "return"};
    for (size_t i = 0; i < 2; i++) {
        buf_fmt(b, "<form method=\"post\" action=\"/plans/review\" aria-label=\"%s %s\">",
                i ? L(r->lang, "Return the plan of") : L(r->lang, "Accept the plan of"), u->unit);
        csrf_input(r, b);
        buf_add(b, "<input type=\"hidden\" name=\"campaign\" value=\"");
        buf_esc(b, campaign);
        buf_add(b, "\"><input type=\"hidden\" name=\"period\" value=\"");
        buf_esc(b, period);
        buf_add(b, "\"><input type=\"hidden\" name=\"unit\" value=\"");
        buf_esc(b, u->unit);
        buf_fmt(b,
                "\"><input type=\"hidden\" name=\"expected_version\" value=\"%u\"><input "
                "type=\"hidden\" name=\"request_id\" value=\"%" PRIu64 "\">",
                u->version, ex_request_id_new());
        buf_fmt(b, "<label for=\"why-%s-%s\">%s</label><input id=\"why-%s-%s\" name=\"reason\"%s>",
                VERBS[i], u->unit,
                i ? L(r->lang, "Reason (required)") : L(r->lang, "Reason (a late plan needs one)"),
                VERBS[i], u->unit, i ? " required" : "");
        buf_fmt(b, "<button type=\"submit\" name=\"verb\" value=\"%s\">%s</button></form>",
                VERBS[i], i ? L(r->lang, "Return for revision") : L(r->lang, "Accept"));
    }
}

static enum MHD_Result plans_page(req_t *r)
{
    Exemplar__Request creq = EXEMPLAR__REQUEST__INIT;
    Exemplar__CampaignShowRequest cbody = EXEMPLAR__CAMPAIGN_SHOW_REQUEST__INIT;
    creq.body_case = EXEMPLAR__REQUEST__BODY_CAMPAIGN_SHOW;
    creq.campaign_show = &cbody;
    Exemplar__Reply *camp = NULL;
    int rc = gw_call(r->s.name, r->lang, &creq, &camp);
    buf_t b = {0};
    page_begin(r, &b, L(r->lang, "Unit plans"));
    char campaign[64] = "", period[64] = "";
    snprintf(campaign, sizeof(campaign), "%s", arg(r, "campaign"));
    snprintf(period, sizeof(period), "%s", arg(r, "period"));
    if (ex_reply_status(rc, camp) == 0) {
        buf_fmt(&b, "<nav aria-label=\"%s\"><ul>", L(r->lang, "Periods"));
        for (size_t i = 0; i < camp->campaign->n_campaigns; i++) {
            const Exemplar__CampaignInfo *ci = camp->campaign->campaigns[i];
            for (size_t j = 0; j < ci->n_periods; j++) {
                if (!period[0]) {
                    snprintf(campaign, sizeof(campaign), "%s", ci->id);
                    snprintf(period, sizeof(period), "%s", ci->periods[j]->id);
                }
                bool cur = !strcmp(campaign, ci->id) && !strcmp(period, ci->periods[j]->id);
                buf_add(&b, "<li><a href=\"/plans?campaign=");
                buf_esc(&b, ci->id);
                buf_add(&b, "&amp;period=");
                buf_esc(&b, ci->periods[j]->id);
                buf_fmt(&b, "\"%s>", cur ? " aria-current=\"page\"" : "");
                buf_esc(&b, ci->title[0] ? ci->title : ci->id);
                buf_add(&b, " · ");
                buf_esc(&b, ci->periods[j]->id);
                buf_add(&b, "</a></li>");
            }
        }
        buf_add(&b, "</ul></nav>");
    }
    ex_reply_free(camp);
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__PlanListRequest body = EXEMPLAR__PLAN_LIST_REQUEST__INIT;
    body.campaign = campaign;
    body.period = period;
    req.body_case = EXEMPLAR__REQUEST__BODY_PLAN_LIST;
    req.plan_list = &body;
    Exemplar__Reply *reply = NULL;
    rc = gw_call(r->s.name, r->lang, &req, &reply);
    if (ex_reply_status(rc, reply) != 0) {
        buf_add(&b, "<p class=\"flash error\" role=\"alert\">");
        buf_esc(&b, reply && reply->error ? reply->error->message
                                          : L(r->lang, "The daemon did not answer; nothing was "
                                                       "changed. Try again."));
        buf_add(&b, "</p>");
        ex_reply_free(reply);
        return page_end(r, &b, MHD_HTTP_OK);
    }
    const Exemplar__PlanListReply *pl = reply->plan_list;
    buf_fmt(&b, "<p>%s ", L(r->lang, "Deadline for the plans:"));
    buf_esc(&b, pl->deadline);
    buf_fmt(&b, ". %s %u.</p>", L(r->lang, "Units without a submitted plan:"), pl->missing);
    bool reviewer = r->s.role == EXEMPLAR__ROLE__ROLE_MINISTRY_REVIEWER ||
                    r->s.role == EXEMPLAR__ROLE__ROLE_ADMIN;
    buf_fmt(&b,
            "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">%s</th><th "
            "scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>%s%s%s"
            "</tr></thead><tbody>",
            L(r->lang, "Unit"), L(r->lang, "Plan"), L(r->lang, "Expected"),
            L(r->lang, "Registered"), reviewer ? "<th scope=\"col\">" : "",
            reviewer ? L(r->lang, "What you can do") : "", reviewer ? "</th>" : "");
    size_t shown = 0;
    for (size_t i = 0; i < pl->n_units; i++) {
        const Exemplar__PlanProgress *u = pl->units[i];
        /* A reviewer's page lists the units that have done something. */
        if (r->s.role != EXEMPLAR__ROLE__ROLE_UNIT_OFFICER && !strcmp(u->status, "no-plan"))
            continue;
        shown++;
        buf_fmt(&b, "<tr data-unit=\"%s\"><td>", u->unit);
        buf_esc(&b, u->unit);
        buf_add(&b, " · ");
        buf_esc(&b, u->unit_name);
        buf_fmt(&b, "</td><td data-plan=\"%s\">%s</td><td>%u + %u</td><td>%u + %u</td>", u->status,
                web_plan_status(r->lang, u->status), u->expected_collective, u->expected_individual,
                u->registered_collective, u->registered_individual);
        if (reviewer) {
            buf_add(&b, "<td>");
            if (u->state == EXEMPLAR__PLAN_STATE__PLAN_SUBMITTED)
                plan_review_forms(r, &b, campaign, period, u);
            buf_add(&b, "</td>");
        }
        buf_add(&b, "</tr>");
    }
    buf_add(&b, "</tbody></table></div>");
    if (!shown)
        buf_fmt(&b, "<p>%s</p>", L(r->lang, "No unit has sent a plan yet."));
    if (r->s.role == EXEMPLAR__ROLE__ROLE_UNIT_OFFICER)
        plan_form(r, &b, campaign, period);
    ex_reply_free(reply);
    return page_end(r, &b, MHD_HTTP_OK);
}

static enum MHD_Result plans_back(req_t *r)
{
    char to[256];
    snprintf(to, sizeof(to), "/plans?campaign=%.64s&period=%.64s", field(r, "campaign"),
             field(r, "period"));
    for (char *p = to; *p; p++) /* codes only: anything else would end the URL */
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.?=&/", *p))
            *p = '_';
    return redirect(r, to, NULL);
}

static uint32_t u32_field(const req_t *r, const char *key)
{
    uint64_t v = 0;
    return parse_u64(field(r, key), &v) && v <= 100000 ? (uint32_t)v : 0;
}

static enum MHD_Result plan_submit_post(req_t *r)
{
    uint64_t request_id = 0;
    parse_u64(field(r, "request_id"), &request_id);
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__PlanSubmitRequest body = EXEMPLAR__PLAN_SUBMIT_REQUEST__INIT;
    Exemplar__Decision doc = EXEMPLAR__DECISION__INIT;
    body.unit = r->s.unit;
    body.campaign = (char *)field(r, "campaign");
    body.period = (char *)field(r, "period");
    body.expected_collective = u32_field(r, "expected_collective");
    body.expected_individual = u32_field(r, "expected_individual");
    body.solutions = (char *)field(r, "solutions");
    body.draft = strcmp(field(r, "send"), "draft") == 0;
    body.expected_version = u32_field(r, "expected_version");
    if (field(r, "document_number")[0]) {
        doc.number = (char *)field(r, "document_number");
        doc.date = (char *)field(r, "document_date");
        body.document = &doc;
    }
    req.request_id = request_id;
    req.body_case = EXEMPLAR__REQUEST__BODY_PLAN_SUBMIT;
    req.plan_submit = &body;
    Exemplar__Reply *reply = NULL;
    int rc = gw_call(r->s.name, r->lang, &req, &reply);
    if (ex_reply_status(rc, reply) == 0)
        session_flash(r->s.token, false, "%s",
                      body.draft ? L(r->lang, "The draft is saved.")
                                 : L(r->lang, "The plan is sent to the Ministry."));
    else
        flash_refusal(r, rc, reply);
    ex_reply_free(reply);
    return plans_back(r);
}

static enum MHD_Result plan_review_post(req_t *r)
{
    uint64_t request_id = 0;
    parse_u64(field(r, "request_id"), &request_id);
    bool accept = strcmp(field(r, "verb"), "accept") == 0;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__PlanReviewRequest body = EXEMPLAR__PLAN_REVIEW_REQUEST__INIT;
    body.unit = (char *)field(r, "unit");
    body.campaign = (char *)field(r, "campaign");
    body.period = (char *)field(r, "period");
    body.expected_version = u32_field(r, "expected_version");
    body.reason = (char *)field(r, "reason");
    req.request_id = request_id;
    req.body_case =
        accept ? EXEMPLAR__REQUEST__BODY_PLAN_ACCEPT : EXEMPLAR__REQUEST__BODY_PLAN_RETURN;
    if (accept)
        req.plan_accept = &body;
    else
        req.plan_return = &body;
    Exemplar__Reply *reply = NULL;
    int rc = gw_call(r->s.name, r->lang, &req, &reply);
    if (ex_reply_status(rc, reply) == 0)
        session_flash(r->s.token, false, "%s",
                      accept ? L(r->lang, "The plan is accepted.")
                             : L(r->lang, "The plan is returned for revision."));
    else
        flash_refusal(r, rc, reply);
    ex_reply_free(reply);
    return plans_back(r);
}

/* ---- documents: the summary worker's renderers
 * -------------------------------------------------------------------------- */

typedef int (*render_fn)(const Exemplar__Reply *reply, bool csv, sr_lang_t lang, FILE *f);

static int render_summary(const Exemplar__Reply *reply, bool csv, sr_lang_t lang, FILE *f)
{
    const Exemplar__Summary *s = reply->summary->summary;
    return csv ? summary_render_csv(s, lang, f) : summary_render_html(s, lang, NULL, f);
}

static int render_report(const Exemplar__Reply *reply, bool csv, sr_lang_t lang, FILE *f)
{
    const Exemplar__ReviewReport *rep = reply->review_report->report;
    return csv ? report_render_csv(rep, lang, f) : report_render_html(rep, lang, NULL, f);
}

/* The answer to a document request (rc, reply: gw_call's; reply is freed
 * here) sent as what render makes of it: HTML, or CSV with format=csv.  A
 * refusal or no answer is shown as a page titled title. */
static enum MHD_Result send_document(req_t *r, const char *title, int rc, Exemplar__Reply *reply,
                                     render_fn render)
{
    if (ex_reply_status(rc, reply) != 0) {
        enum MHD_Result res = page_message(
            r, MHD_HTTP_OK, title,
            reply && reply->error ? reply->error->message
                                  : L(r->lang, "The daemon did not answer; nothing was changed. "
                                               "Try again."));
        ex_reply_free(reply);
        return res;
    }
    bool csv = strcmp(arg(r, "format"), "csv") == 0;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    int ok = f ? render(reply, csv, (sr_lang_t)r->lang, f) : -1;
    if (f)
        fclose(f);
    ex_reply_free(reply);
    buf_t b = {.p = text, .len = len, .cap = len + 1};
    if (ok < 0 || !text) {
        buf_free(&b);
        return page_message(r, MHD_HTTP_INTERNAL_SERVER_ERROR, title,
                            L(r->lang, "Out of memory: try again in a moment."));
    }
    return send_body(r, MHD_HTTP_OK, &b,
                     csv ? "text/csv; charset=utf-8" : "text/html; charset=utf-8", NULL);
}

/* ---- the quarterly summary
 * -------------------------------------------------------------------------- */

/* "2026Q4" for today. */
static void this_quarter(char *out, size_t len)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, len, "%04dQ%d", tm.tm_year + 1900, tm.tm_mon / 3 + 1);
}

/* GET /summary: a form for the quarter; with ?quarter= the same document
 * the summary worker writes (HTML, or CSV with format=csv), made by the
 * daemon's figures for this person (a unit officer's unit only). */
static enum MHD_Result summary_page(req_t *r)
{
    const char *quarter = arg(r, "quarter");
    if (!quarter[0] || strlen(quarter) > 6) {
        char q[32];
        this_quarter(q, sizeof(q));
        buf_t b = {0};
        page_begin(r, &b, L(r->lang, "Quarterly summary"));
        buf_fmt(&b,
                "<form method=\"get\" action=\"/summary\"><label for=\"quarter\">%s</label><input "
                "id=\"quarter\" name=\"quarter\" value=\"%s\" pattern=\"[0-9]{4}Q[1-4]\" "
                "required><label for=\"format\">%s</label><select id=\"format\" "
                "name=\"format\"><option value=\"html\">HTML</option><option "
                "value=\"csv\">CSV</option></select><button type=\"submit\">%s</button></form>",
                L(r->lang, "Quarter (e.g. 2026Q4)"), q, L(r->lang, "Format"),
                L(r->lang, "Open the summary"));
        return page_end(r, &b, MHD_HTTP_OK);
    }
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__SummaryRequest body = EXEMPLAR__SUMMARY_REQUEST__INIT;
    body.quarter = (char *)quarter;
    req.body_case = EXEMPLAR__REQUEST__BODY_SUMMARY;
    req.summary = &body;
    Exemplar__Reply *reply = NULL;
    int rc = gw_call(r->s.name, r->lang, &req, &reply);
    return send_document(r, L(r->lang, "Quarterly summary"), rc, reply, render_summary);
}

/* ---- the interim and final review reports
 * -------------------------------------------------------------------------- */

/* GET /report: a form for the campaign and, for the interim report (sơ
 * kết), its period; with ?campaign= the same document the summary worker
 * writes when the period or the campaign ends (HTML, or CSV with
 * format=csv), made by the daemon's figures for this person. */
static enum MHD_Result report_page(req_t *r)
{
    const char *campaign = arg(r, "campaign"), *period = arg(r, "period");
    if (!campaign[0] || strlen(campaign) > 64 || strlen(period) > 64) {
        buf_t b = {0};
        page_begin(r, &b, L(r->lang, "Review reports"));
        buf_fmt(&b,
                "<form method=\"get\" action=\"/report\"><label for=\"campaign\">%s</label><input "
                "id=\"campaign\" name=\"campaign\" value=\"2021-2025\" required><label "
                "for=\"period\">%s</label><input id=\"period\" name=\"period\" "
                "value=\"2021-2023\"><label for=\"format\">%s</label><select id=\"format\" "
                "name=\"format\"><option value=\"html\">HTML</option><option "
                "value=\"csv\">CSV</option></select><button type=\"submit\">%s</button></form>",
                L(r->lang, "Campaign (e.g. 2021-2025)"),
                L(r->lang, "Period, for the interim report (e.g. 2021-2023; empty: the final "
                           "report of the whole campaign)"),
                L(r->lang, "Format"), L(r->lang, "Open the report"));
        return page_end(r, &b, MHD_HTTP_OK);
    }
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__ReviewReportRequest body = EXEMPLAR__REVIEW_REPORT_REQUEST__INIT;
    body.campaign = (char *)campaign;
    body.period = (char *)period;
    req.body_case = EXEMPLAR__REQUEST__BODY_REVIEW_REPORT;
    req.review_report = &body;
    Exemplar__Reply *reply = NULL;
    int rc = gw_call(r->s.name, r->lang, &req, &reply);
    return send_document(r, L(r->lang, "Review reports"), rc, reply, render_report);
}

/* ---- the council's meetings ------------------------------------------------------------------
 *
 * The Ministry council's secret ballot (council.proto; PROTOCOL.md, "Council
 * review"): a member sees the open meetings they sit on and votes once, one
 * approve or reject per nomination, in one vote request; the secretary
 * opens a meeting over nominations of the review queue, records who is
 * present and closes it, and the minutes are shown as the daemon wrote
 * them.  A member's choices pass through this service in the one form post
 * and the one request: they are never logged, kept or shown again (the
 * form's fields are wiped when the request ends, as passwords are). */

#define MEETINGS_PAGES_MAX 10 /* of 100 meetings each */

/* A meeting's refusal for the next page: the daemon's sentence itself (a
 * conflict here is a closed meeting or a nomination on another agenda,
 * never a stale version, so flash_refusal's words would mislead). */
static void meeting_flash_refusal(req_t *r, int rc, const Exemplar__Reply *reply)
{
    if (rc < 0 || !reply || !reply->error)
        flash_refusal(r, rc, reply);
    else
        session_flash(r->s.token, true, L(r->lang, "The daemon refused: %s"),
                      reply->error->message);
}

static bool is_not_found(int rc, const Exemplar__Reply *reply)
{
    return rc >= 0 && reply && reply->error &&
           reply->error->code == EXEMPLAR__ERROR_CODE__ERROR_NOT_FOUND;
}

/* meeting_show for this person: the reply (ok or refused), or NULL. */
static Exemplar__Reply *meeting_fetch(const req_t *r, uint64_t id, int *rc)
{
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__MeetingShowRequest body = EXEMPLAR__MEETING_SHOW_REQUEST__INIT;
    body.meeting_id = id;
    req.body_case = EXEMPLAR__REQUEST__BODY_MEETING_SHOW;
    req.meeting_show = &body;
    Exemplar__Reply *reply = NULL;
    *rc = gw_call(r->s.name, r->lang, &req, &reply);
    return reply;
}

static const Exemplar__CouncilMember *meeting_seat(const Exemplar__Meeting *m, const char *who)
{
    for (size_t i = 0; i < m->n_members; i++)
        if (strcmp(m->members[i]->principal, who) == 0)
            return m->members[i];
    return NULL;
}

static bool name_in(char *const *v, size_t n, const char *who)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], who) == 0)
            return true;
    return false;
}

/* Has who voted on nomination nom (the daemon's voters: who, never how)? */
static bool has_voted(const Exemplar__MeetingReply *mr, uint64_t nom, const char *who)
{
    for (size_t i = 0; i < mr->n_voters; i++)
        if (mr->voters[i]->nomination_id == nom)
            return name_in(mr->voters[i]->principals, mr->voters[i]->n_principals, who);
    return false;
}

static const char *seat_name(int lang, Exemplar__CouncilRole role)
{
    switch (role) {
    case EXEMPLAR__COUNCIL_ROLE__COUNCIL_ROLE_CHAIR:
        return L(lang, "Chair");
    case EXEMPLAR__COUNCIL_ROLE__COUNCIL_ROLE_DEPUTY:
        return L(lang, "Deputy chair");
    case EXEMPLAR__COUNCIL_ROLE__COUNCIL_ROLE_SECRETARY:
        return L(lang, "Secretary member");
    default:
        return L(lang, "Member");
    }
}

static const char *result_name(int lang, Exemplar__MeetingResult res)
{
    switch (res) {
    case EXEMPLAR__MEETING_RESULT__MEETING_RESULT_NO_DECISION:
        return L(lang, "No decision (no quorum)");
    case EXEMPLAR__MEETING_RESULT__MEETING_RESULT_APPROVED:
        return L(lang, "Approved");
    case EXEMPLAR__MEETING_RESULT__MEETING_RESULT_NOT_APPROVED:
        return L(lang, "Not approved");
    default:
        return "";
    }
}

/* A page that shows the daemon's refusal or silence. */
static enum MHD_Result meeting_refused(req_t *r, int rc, const Exemplar__Reply *reply)
{
    char msg[WEB_FLASH_MAX];
    if (rc >= 0 && reply && reply->error)
        snprintf(msg, sizeof(msg), L(r->lang, "The daemon refused: %s"), reply->error->message);
    else
        snprintf(msg, sizeof(msg), "%s",
                 L(r->lang, "The daemon did not answer; nothing was changed. Try again."));
    return page_message(r, is_not_found(rc, reply) ? MHD_HTTP_NOT_FOUND : MHD_HTTP_OK,
                        L(r->lang, "Council meetings"), msg);
}

/* GET /meetings: the open meetings this person sits on, and the closed
 * ones (their minutes), newest first, from the daemon's meeting-list
 * filtered to the meetings whose council seats this person; the pages of
 * the list are followed to the end (meetings are a handful a year). */
static enum MHD_Result meetings_page(req_t *r)
{
    buf_t b = {0};
    page_begin(r, &b, L(r->lang, "Council meetings"));
    if (r->s.role == EXEMPLAR__ROLE__ROLE_MINISTRY_REVIEWER)
        buf_fmt(&b, "<p><a href=\"/meetings/new\">%s</a></p>",
                L(r->lang, "Open a meeting (the council's secretary)"));
    buf_t open = {0}, closed = {0};
    size_t n_open = 0, n_closed = 0;
    bool failed = false;
    uint8_t token[64];
    size_t token_len = 0;
    for (int page = 0; page < MEETINGS_PAGES_MAX; page++) {
        Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
        Exemplar__MeetingListRequest body = EXEMPLAR__MEETING_LIST_REQUEST__INIT;
        body.member = r->s.name;
        body.page_token.data = token;
        body.page_token.len = token_len;
        req.body_case = EXEMPLAR__REQUEST__BODY_MEETING_LIST;
        req.meeting_list = &body;
        Exemplar__Reply *reply = NULL;
        int rc = gw_call(r->s.name, r->lang, &req, &reply);
        if (ex_reply_status(rc, reply) != 0) {
            failed = true;
            ex_reply_free(reply);
            break;
        }
        const Exemplar__MeetingListReply *lr = reply->meeting_list;
        for (size_t k = 0; k < lr->n_meetings; k++) {
            const Exemplar__Meeting *m = lr->meetings[k]->meeting;
            bool is_open = m->state == EXEMPLAR__MEETING_STATE__MEETING_STATE_OPEN;
            buf_t *t = is_open ? &open : &closed;
            size_t voted = lr->meetings[k]->n_you_voted;
            buf_fmt(t, "<tr data-meeting=\"%" PRIu64 "\"><td><a href=\"/meetings/%" PRIu64 "\">",
                    m->id, m->id);
            buf_esc(t, m->minutes_ref);
            buf_add(t, "</a></td><td>");
            buf_esc(t, m->day);
            buf_fmt(t, "</td><td>%zu</td><td>%s</td></tr>", m->n_items,
                    !is_open              ? L(r->lang, "Closed")
                    : voted >= m->n_items ? L(r->lang, "Your vote is recorded")
                                          : L(r->lang, "Waiting for your vote"));
            if (is_open)
                n_open++;
            else
                n_closed++;
        }
        token_len = lr->next_page_token.len <= sizeof(token) ? lr->next_page_token.len : 0;
        if (token_len)
            memcpy(token, lr->next_page_token.data, token_len);
        ex_reply_free(reply);
        if (!token_len)
            break;
    }
    if (failed)
        buf_fmt(&b, "<p class=\"flash error\" role=\"alert\">%s</p>",
                L(r->lang, "The daemon did not answer; nothing was changed. Try again."));
    const char *head[] = {L(r->lang, "Open meetings you sit on"),
                          L(r->lang, "Closed meetings you sat on")};
    buf_t *tables[] = {&open, &closed};
    size_t counts[] = {n_open, n_closed};
    for (int k = 0; k < 2; k++) {
        buf_fmt(&b, "<h2>%s</h2>", head[k]);
        if (!counts[k])
            buf_fmt(&b, "<p>%s</p>", L(r->lang, "None."));
        else {
            buf_fmt(&b,
                    "<div class=\"scroll\"><table id=\"%s\"><thead><tr><th scope=\"col\">%s</th>"
                    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th "
                    "scope=\"col\">%s</th></tr></thead><tbody>",
                    k ? "closed-meetings" : "open-meetings", L(r->lang, "Minutes reference"),
                    L(r->lang, "Day"), L(r->lang, "Nominations"), L(r->lang, "State"));
            buf_add(&b, tables[k]->p ? tables[k]->p : "");
            buf_add(&b, "</tbody></table></div>");
        }
        buf_free(tables[k]);
    }
    return page_end(r, &b, MHD_HTTP_OK);
}

/* GET /meetings/new: the secretary's form over the review queue. */
static enum MHD_Result meeting_new_page(req_t *r)
{
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__ListRequest body = EXEMPLAR__LIST_REQUEST__INIT;
    body.state = EXEMPLAR__STATE__STATE_UNIT_REVIEWED;
    body.limit = LIST_LIMIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_LIST;
    req.list = &body;
    Exemplar__Reply *reply = NULL;
    int rc = gw_call(r->s.name, r->lang, &req, &reply);
    if (ex_reply_status(rc, reply) != 0) {
        enum MHD_Result res = meeting_refused(r, rc, reply);
        ex_reply_free(reply);
        return res;
    }
    buf_t b = {0};
    page_begin(r, &b, L(r->lang, "Open a council meeting"));
    if (reply->list->n_nominations == 0) {
        buf_fmt(&b, "<p>%s</p>", L(r->lang, "No nomination waits for the Ministry's review."));
        ex_reply_free(reply);
        return page_end(r, &b, MHD_HTTP_OK);
    }
    buf_add(&b, "<form method=\"post\" action=\"/meetings/new\" id=\"open-form\">");
    csrf_input(r, &b);
    buf_fmt(&b, "<input type=\"hidden\" name=\"request_id\" value=\"%" PRIu64 "\">",
            ex_request_id_new());
    buf_fmt(&b,
            "<label for=\"ref\">%s</label><input id=\"ref\" name=\"ref\" required "
            "maxlength=\"64\"><fieldset><legend>%s</legend>",
            L(r->lang, "Minutes reference (e.g. 05/BB-HĐTĐKT)"),
            L(r->lang, "Nominations on the agenda (unit-reviewed, in the review queue)"));
    for (size_t i = 0; i < reply->list->n_nominations; i++) {
        const Exemplar__Nomination *n = reply->list->nominations[i];
        buf_fmt(&b,
                "<div><input type=\"checkbox\" name=\"nom\" value=\"%" PRIu64 "\" id=\"nom-%" PRIu64
                "\" style=\"display:inline;width:auto\"> <label "
                "for=\"nom-%" PRIu64 "\" style=\"display:inline\">#%" PRIu64 " ",
                n->id, n->id, n->id, n->id);
        buf_esc(&b, n->name);
        buf_add(&b, " (");
        buf_esc(&b, n->unit);
        buf_add(&b, ")</label></div>");
    }
    buf_fmt(&b, "</fieldset><button type=\"submit\">%s</button></form>",
            L(r->lang, "Open the meeting"));
    ex_reply_free(reply);
    return page_end(r, &b, MHD_HTTP_OK);
}

/* A repeated field (checkboxes of one name): its values, one a line. */
static size_t split_ids(const char *s, uint64_t *out, size_t max, bool *bad)
{
    size_t n = 0;
    char one[24];
    while (*s) {
        size_t len = strcspn(s, "\n");
        if (len == 0 || len >= sizeof(one) || n == max) {
            *bad = true;
            return n;
        }
        memcpy(one, s, len);
        one[len] = '\0';
        if (!parse_u64(one, &out[n++]))
            *bad = true;
        s += len + (s[len] == '\n');
    }
    return n;
}

static enum MHD_Result meeting_open_post(req_t *r)
{
    uint64_t request_id = 0, ids[FIELDS_MAX];
    parse_u64(field(r, "request_id"), &request_id);
    bool bad = false;
    size_t n = split_ids(field(r, "nom"), ids, FIELDS_MAX, &bad);
    if (bad || n == 0) {
        session_flash(r->s.token, true, "%s",
                      L(r->lang, "Choose at least one nomination for the agenda."));
        return redirect(r, "/meetings/new", NULL);
    }
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__MeetingOpenRequest body = EXEMPLAR__MEETING_OPEN_REQUEST__INIT;
    body.level = EXEMPLAR__COUNCIL_LEVEL__COUNCIL_LEVEL_MINISTRY;
    body.unit = (char *)"";
    body.minutes_ref = (char *)field(r, "ref");
    body.nominations = ids;
    body.n_nominations = n;
    req.request_id = request_id;
    req.body_case = EXEMPLAR__REQUEST__BODY_MEETING_OPEN;
    req.meeting_open = &body;
    Exemplar__Reply *reply = NULL;
    int rc = gw_call(r->s.name, r->lang, &req, &reply);
    char to[64] = "/meetings/new";
    if (ex_reply_status(rc, reply) == 0 && reply->meeting && reply->meeting->meeting) {
        snprintf(to, sizeof(to), "/meetings/%" PRIu64, reply->meeting->meeting->id);
        session_flash(r->s.token, false, "%s", L(r->lang, "The meeting is open."));
    } else {
        meeting_flash_refusal(r, rc, reply);
    }
    ex_reply_free(reply);
    return redirect(r, to, NULL);
}

static void agenda_table(req_t *r, buf_t *b, const Exemplar__Meeting *m, bool closed)
{
    buf_fmt(b,
            "<h2>%s</h2><div class=\"scroll\"><table id=\"agenda\"><thead><tr><th "
            "scope=\"col\">#</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th "
            "scope=\"col\">%s</th>",
            L(r->lang, "Agenda"), L(r->lang, "Name"), L(r->lang, "Unit"),
            L(r->lang, "Ballots cast"));
    if (closed)
        buf_fmt(b,
                "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th "
                "scope=\"col\">%s</th><th scope=\"col\">%s</th>",
                L(r->lang, "Approve"), L(r->lang, "Reject"), L(r->lang, "Needed"),
                L(r->lang, "Result"), L(r->lang, "Why"));
    buf_add(b, "</tr></thead><tbody>");
    for (size_t i = 0; i < m->n_items; i++) {
        const Exemplar__MeetingItem *it = m->items[i];
        buf_fmt(b,
                "<tr data-nomination=\"%" PRIu64 "\"><td>%" PRIu64 "</td><td><a href=\"/n/%" PRIu64
                "\">",
                it->nomination_id, it->nomination_id, it->nomination_id);
        buf_esc(b, it->name);
        buf_add(b, "</a></td><td>");
        buf_esc(b, it->unit);
        buf_fmt(b, "</td><td>%u</td>", it->ballots);
        if (closed) {
            buf_fmt(b, "<td>%u</td><td>%u</td><td>%u</td><td data-result=\"%d\">%s</td><td>",
                    it->approve, it->reject, it->needed, (int)it->result,
                    result_name(r->lang, it->result));
            buf_esc(b, it->why);
            buf_add(b, "</td>");
        }
        buf_add(b, "</tr>");
    }
    buf_add(b, "</tbody></table></div>");
}

/* The ballot: one approve/reject choice per nomination not voted on yet,
 * all sent in one vote request. */
static void ballot_form(req_t *r, buf_t *b, const Exemplar__MeetingReply *mr)
{
    const Exemplar__Meeting *m = mr->meeting;
    buf_fmt(b, "<h2>%s</h2>", L(r->lang, "Your ballot"));
    size_t left = 0;
    for (size_t i = 0; i < m->n_items; i++)
        left += !has_voted(mr, m->items[i]->nomination_id, r->s.name);
    if (left == 0) {
        buf_fmt(b, "<p id=\"ballot-recorded\" role=\"status\">%s</p>",
                L(r->lang, "Your vote was recorded. The ballot is secret: your choices are not "
                           "shown again, here or anywhere."));
        return;
    }
    buf_fmt(b, "<form method=\"post\" action=\"/meetings/%" PRIu64 "/vote\" id=\"ballot\">", m->id);
    csrf_input(r, b);
    buf_fmt(b, "<input type=\"hidden\" name=\"request_id\" value=\"%" PRIu64 "\">",
            ex_request_id_new());
    buf_fmt(b, "<p>%s</p>",
            L(r->lang, "Choose approve or reject for every nomination; the ballot is sent once "
                       "and cannot be changed."));
    for (size_t i = 0; i < m->n_items; i++) {
        const Exemplar__MeetingItem *it = m->items[i];
        if (has_voted(mr, it->nomination_id, r->s.name))
            continue;
        buf_fmt(b, "<fieldset data-nomination=\"%" PRIu64 "\"><legend>#%" PRIu64 " ",
                it->nomination_id, it->nomination_id);
        buf_esc(b, it->name);
        buf_add(b, " (");
        buf_esc(b, it->unit);
        buf_add(b, ")</legend>");
        static const char *const CHOICE[] = {"approve", "reject"};
        for (int c = 0; c < 2; c++)
            buf_fmt(b,
                    "<input type=\"radio\" required name=\"b%" PRIu64 "\" value=\"%s\" "
                    "id=\"b%" PRIu64 "-%s\" style=\"display:inline;width:auto\"> <label "
                    "for=\"b%" PRIu64 "-%s\" style=\"display:inline\">%s</label> ",
                    it->nomination_id, CHOICE[c], it->nomination_id, CHOICE[c], it->nomination_id,
                    CHOICE[c], c ? L(r->lang, "Reject") : L(r->lang, "Approve"));
        buf_add(b, "</fieldset>");
    }
    buf_fmt(b, "<button type=\"submit\">%s</button></form>", L(r->lang, "Cast the ballot"));
}

/* The secretary's forms: who is present, and the close. */
static void secretary_forms(req_t *r, buf_t *b, const Exemplar__Meeting *m)
{
    buf_fmt(b,
            "<div class=\"actions\"><form method=\"post\" action=\"/meetings/%" PRIu64
            "/attend\" id=\"attend-form\"><fieldset><legend>%s</legend>",
            m->id, L(r->lang, "Members present in person"));
    csrf_input(r, b);
    for (size_t i = 0; i < m->n_members; i++) {
        const char *p = m->members[i]->principal;
        bool here = name_in(m->present, m->n_present, p);
        buf_fmt(b, "<div><input type=\"checkbox\" name=\"present\" id=\"present-%zu\"%s value=\"",
                i, here ? " checked" : "");
        buf_esc(b, p);
        buf_fmt(b,
                "\" style=\"display:inline;width:auto\"> <label for=\"present-%zu\" "
                "style=\"display:inline\">",
                i);
        buf_esc(b, p);
        buf_add(b, "</label></div>");
    }
    buf_fmt(b, "</fieldset><button type=\"submit\">%s</button></form>",
            L(r->lang, "Record who is present"));
    buf_fmt(b, "<form method=\"post\" action=\"/meetings/%" PRIu64 "/close\" id=\"close-form\">",
            m->id);
    csrf_input(r, b);
    buf_fmt(b, "<p>%s</p><button type=\"submit\">%s</button></form></div>",
            L(r->lang, "Closing counts the ballots, decides by the rule set and moves the "
                       "nominations; the minutes are final."),
            L(r->lang, "Close the meeting"));
}

static bool may_decide(const req_t *r);

/* GET /meetings/ID: for the meeting's council members only. */
static enum MHD_Result meeting_page(req_t *r, uint64_t id)
{
    int rc;
    Exemplar__Reply *reply = meeting_fetch(r, id, &rc);
    if (ex_reply_status(rc, reply) != 0) {
        enum MHD_Result res = meeting_refused(r, rc, reply);
        ex_reply_free(reply);
        return res;
    }
    const Exemplar__MeetingReply *mr = reply->meeting;
    const Exemplar__Meeting *m = mr->meeting;
    const Exemplar__CouncilMember *seat = meeting_seat(m, r->s.name);
    if (!seat) {
        ex_reply_free(reply);
        return page_message(r, MHD_HTTP_FORBIDDEN, L(r->lang, "Not allowed"),
                            L(r->lang, "You do not sit on this meeting's council: its agenda "
                                       "and ballot are for its members."));
    }
    bool closed = m->state == EXEMPLAR__MEETING_STATE__MEETING_STATE_CLOSED;
    char title[160];
    snprintf(title, sizeof(title), L(r->lang, "Council meeting %s"), m->minutes_ref);
    buf_t b = {0};
    page_begin(r, &b, title);
    buf_fmt(&b, "<dl><dt>%s</dt><dd>", L(r->lang, "Day"));
    buf_esc(&b, m->day);
    buf_fmt(&b, "</dd><dt>%s</dt><dd id=\"meeting-state\" data-state=\"%s\">%s</dd><dt>%s</dt><dd>",
            L(r->lang, "State"), closed ? "closed" : "open",
            closed ? L(r->lang, "Closed") : L(r->lang, "Open"), L(r->lang, "Rules"));
    buf_esc(&b, m->rules);
    buf_fmt(&b, "</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd id=\"present\">",
            L(r->lang, "Your seat"), seat_name(r->lang, seat->role), L(r->lang, "Present"));
    for (size_t i = 0; i < m->n_present; i++) {
        buf_add(&b, i ? ", " : "");
        buf_esc(&b, m->present[i]);
    }
    buf_add(&b, "</dd></dl>");
    agenda_table(r, &b, m, closed);
    if (!closed)
        ballot_form(r, &b, mr);
    if (!closed && seat->role == EXEMPLAR__COUNCIL_ROLE__COUNCIL_ROLE_SECRETARY)
        secretary_forms(r, &b, m);
    if (closed && may_decide(r) && m->level == EXEMPLAR__COUNCIL_LEVEL__COUNCIL_LEVEL_MINISTRY)
        buf_fmt(&b, "<p><a id=\"decision-link\" href=\"/meetings/%" PRIu64 "/decision\">%s</a></p>",
                m->id, L(r->lang, "The recognition decision"));
    if (closed) {
        buf_fmt(&b, "<h2>%s</h2><pre class=\"explain\" id=\"minutes\">", L(r->lang, "Minutes"));
        buf_esc(&b, mr->minutes);
        buf_add(&b, "</pre>");
    }
    buf_fmt(&b, "<p><a href=\"/meetings\">%s</a></p>", L(r->lang, "Back to the meetings"));
    ex_reply_free(reply);
    return page_end(r, &b, MHD_HTTP_OK);
}

static enum MHD_Result meeting_back(req_t *r, uint64_t id)
{
    char to[64];
    snprintf(to, sizeof(to), "/meetings/%" PRIu64, id);
    return redirect(r, to, NULL);
}

/* POST /meetings/ID/vote: every agenda nomination the member has not voted
 * on needs a choice; the whole ballot goes in one request. */
static enum MHD_Result meeting_vote_post(req_t *r, uint64_t id)
{
    int rc;
    Exemplar__Reply *shown = meeting_fetch(r, id, &rc);
    if (ex_reply_status(rc, shown) != 0) {
        meeting_flash_refusal(r, rc, shown);
        ex_reply_free(shown);
        return meeting_back(r, id);
    }
    const Exemplar__MeetingReply *mr = shown->meeting;
    const Exemplar__Meeting *m = mr->meeting;
    Exemplar__BallotLine lines[FIELDS_MAX], *linep[FIELDS_MAX];
    size_t n = 0;
    bool missing = false;
    for (size_t i = 0; i < m->n_items && n < FIELDS_MAX; i++) {
        uint64_t nom = m->items[i]->nomination_id;
        char key[32];
        snprintf(key, sizeof(key), "b%" PRIu64, nom);
        const char *v = field(r, key);
        if (!*v) {
            missing |= !has_voted(mr, nom, r->s.name);
            continue;
        }
        exemplar__ballot_line__init(&lines[n]);
        lines[n].nomination_id = nom;
        lines[n].choice = !strcmp(v, "approve")  ? EXEMPLAR__BALLOT_CHOICE__BALLOT_APPROVE
                          : !strcmp(v, "reject") ? EXEMPLAR__BALLOT_CHOICE__BALLOT_REJECT
                                                 : EXEMPLAR__BALLOT_CHOICE__BALLOT_NONE;
        missing |= lines[n].choice == EXEMPLAR__BALLOT_CHOICE__BALLOT_NONE;
        linep[n] = &lines[n];
        n++;
    }
    ex_reply_free(shown);
    if (missing || n == 0) {
        sodium_memzero(lines, sizeof(lines));
        session_flash(r->s.token, true, "%s",
                      L(r->lang, "Choose approve or reject for every nomination; nothing was "
                                 "sent."));
        return meeting_back(r, id);
    }
    uint64_t request_id = 0;
    parse_u64(field(r, "request_id"), &request_id);
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__MeetingVoteRequest body = EXEMPLAR__MEETING_VOTE_REQUEST__INIT;
    body.meeting_id = id;
    body.ballots = linep;
    body.n_ballots = n;
    req.request_id = request_id;
    req.body_case = EXEMPLAR__REQUEST__BODY_MEETING_VOTE;
    req.meeting_vote = &body;
    Exemplar__Reply *reply = NULL;
    rc = gw_call(r->s.name, r->lang, &req, &reply);
    sodium_memzero(lines, sizeof(lines)); /* the choices are not kept */
    if (ex_reply_status(rc, reply) == 0)
        session_flash(r->s.token, false, "%s", L(r->lang, "Your vote was recorded."));
    else
        meeting_flash_refusal(r, rc, reply);
    ex_reply_free(reply);
    return meeting_back(r, id);
}

static enum MHD_Result meeting_attend_post(req_t *r, uint64_t id)
{
    char *list = strdup(field(r, "present"));
    char *names[FIELDS_MAX];
    size_t n = 0;
    for (char *save = NULL, *p = list ? strtok_r(list, "\n", &save) : NULL; p && n < FIELDS_MAX;
         p = strtok_r(NULL, "\n", &save))
        names[n++] = p;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__MeetingAttendRequest body = EXEMPLAR__MEETING_ATTEND_REQUEST__INIT;
    body.meeting_id = id;
    body.present = names;
    body.n_present = n;
    req.body_case = EXEMPLAR__REQUEST__BODY_MEETING_ATTEND;
    req.meeting_attend = &body;
    Exemplar__Reply *reply = NULL;
    int rc = gw_call(r->s.name, r->lang, &req, &reply);
    if (ex_reply_status(rc, reply) == 0)
        session_flash(r->s.token, false, "%s", L(r->lang, "Attendance is recorded."));
    else
        meeting_flash_refusal(r, rc, reply);
    ex_reply_free(reply);
    free(list);
    return meeting_back(r, id);
}

static enum MHD_Result meeting_close_post(req_t *r, uint64_t id)
{
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__MeetingCloseRequest body = EXEMPLAR__MEETING_CLOSE_REQUEST__INIT;
    body.meeting_id = id;
    req.body_case = EXEMPLAR__REQUEST__BODY_MEETING_CLOSE;
    req.meeting_close = &body;
    Exemplar__Reply *reply = NULL;
    int rc = gw_call(r->s.name, r->lang, &req, &reply);
    if (ex_reply_status(rc, reply) == 0)
        session_flash(r->s.token, false, "%s",
                      L(r->lang, "The meeting is closed: its minutes are below."));
    else
        meeting_flash_refusal(r, rc, reply);
    ex_reply_free(reply);
    return meeting_back(r, id);
}

/* ---- the recognition decision of a closed meeting ----------------------------------------------
 *
 * An approver (or an administrator) sees, from a closed meeting of the
 * Ministry's council, the draft decision (the same document as exemplarctl
 * meeting decision) and, once issued (exemplarctl decision issue), its
 * number, date, signer and the SHA-256 of the issued file, which the
 * download checks again before sending the bytes. */

static bool may_decide(const req_t *r)
{
    return r->s.role == EXEMPLAR__ROLE__ROLE_APPROVER || r->s.role == EXEMPLAR__ROLE__ROLE_ADMIN;
}

/* decision-show of the meeting's decision: the reply, or NULL. */
static Exemplar__Reply *issued_fetch(const req_t *r, uint64_t meeting, int *rc)
{
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__DecisionShowRequest body = EXEMPLAR__DECISION_SHOW_REQUEST__INIT;
    body.number = (char *)"";
    body.meeting_id = meeting;
    req.body_case = EXEMPLAR__REQUEST__BODY_DECISION_SHOW;
    req.decision_show = &body;
    Exemplar__Reply *reply = NULL;
    *rc = gw_call(r->s.name, r->lang, &req, &reply);
    return reply;
}

/* The meeting as drafted for its decision (meeting-show for_decision: the
 * daemon checks the role and that it is closed). */
static Exemplar__Reply *decision_meeting_fetch(const req_t *r, uint64_t id, int *rc)
{
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__MeetingShowRequest body = EXEMPLAR__MEETING_SHOW_REQUEST__INIT;
    body.meeting_id = id;
    body.for_decision = true;
    req.body_case = EXEMPLAR__REQUEST__BODY_MEETING_SHOW;
    req.meeting_show = &body;
    Exemplar__Reply *reply = NULL;
    *rc = gw_call(r->s.name, r->lang, &req, &reply);
    return reply;
}

/* The form by which an approver records the decision the Minister signed:
 * its number, date, issuer and signer, and the signed PDF. */
static void issue_form(req_t *r, buf_t *b, const Exemplar__Meeting *m)
{
    buf_fmt(b,
            "<form method=\"post\" action=\"/meetings/%" PRIu64 "/decision/issue\" "
            "id=\"issue-form\" enctype=\"multipart/form-data\" "
            "aria-labelledby=\"issue-form-title\"><h3 id=\"issue-form-title\">%s</h3>",
            m->id, L(r->lang, "Record the issued decision"));
    csrf_input(r, b);
    buf_fmt(b, "<input type=\"hidden\" name=\"request_id\" value=\"%" PRIu64 "\">",
            ex_request_id_new());
    static const char *const NAMES[] = {"number", "date", "issuer", "signer", "signer_title"};
    const char *labels[] = {L(r->lang, "Number"), L(r->lang, "Date"), L(r->lang, "Issuer"),
                            L(r->lang, "Signed by"), L(r->lang, "Signer's title")};
    for (size_t i = 0; i < sizeof(NAMES) / sizeof(NAMES[0]); i++)
        buf_fmt(b,
                "<label for=\"di-%s\">%s</label><input id=\"di-%s\" name=\"%s\" "
                "type=\"%s\"%s>",
                NAMES[i], labels[i], NAMES[i], NAMES[i], i == 1 ? "date" : "text",
                i == 4 ? "" : " required");
    buf_fmt(b,
            "<label for=\"di-file\">%s</label><input id=\"di-file\" name=\"file\" type=\"file\" "
            "accept=\".pdf,application/pdf\" required>",
            L(r->lang, "The signed decision (PDF)"));
    buf_fmt(b, "<button type=\"submit\">%s</button></form>", L(r->lang, "Record the decision"));
}

/* POST /meetings/ID/decision/issue: decision-issue with the form's fields
 * and file; the annexed list is the meeting's approved nominations. */
static enum MHD_Result decision_issue_post(req_t *r, uint64_t id)
{
    char back[64];
    snprintf(back, sizeof(back), "/meetings/%" PRIu64 "/decision", id);
    uint64_t request_id = 0;
    if (!upload_form_ok(r, &request_id))
        return redirect(r, back, NULL);
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__DecisionIssueRequest body = EXEMPLAR__DECISION_ISSUE_REQUEST__INIT;
    Exemplar__DecisionSigner signer = EXEMPLAR__DECISION_SIGNER__INIT;
    signer.name = (char *)field(r, "signer");
    signer.title = (char *)field(r, "signer_title");
    body.meeting_id = id;
    body.number = (char *)field(r, "number");
    body.date = (char *)field(r, "date");
    body.issuer = (char *)field(r, "issuer");
    body.signer = &signer;
    body.file.data = r->post->file;
    body.file.len = r->post->file_len;
    req.request_id = request_id;
    req.body_case = EXEMPLAR__REQUEST__BODY_DECISION_ISSUE;
    req.decision_issue = &body;
    Exemplar__Reply *reply = NULL;
    int rc = gw_call(r->s.name, r->lang, &req, &reply);
    if (ex_reply_status(rc, reply) == 0)
        session_flash(r->s.token, false, L(r->lang, "Decision %s recorded."), body.number);
    else
        flash_refusal(r, rc, reply);
    ex_reply_free(reply);
    return redirect(r, back, NULL);
}

/* POST /meetings/ID/decision/recognize: decision-recognize of the
 * meeting's issued decision; says how many moved and why others did not. */
static enum MHD_Result decision_recognize_post(req_t *r, uint64_t id)
{
    char back[64];
    snprintf(back, sizeof(back), "/meetings/%" PRIu64 "/decision", id);
    uint64_t request_id = 0;
    int rc;
    Exemplar__Reply *issued = issued_fetch(r, id, &rc);
    if (!parse_u64(field(r, "request_id"), &request_id) || ex_reply_status(rc, issued) != 0 ||
        !issued->decision || !issued->decision->decision) {
        ex_reply_free(issued);
        session_flash(r->s.token, true, "%s",
                      L(r->lang, "The form has expired or did not come from this site. Open the "
                                 "page again and retry."));
        return redirect(r, back, NULL);
    }
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__DecisionRecognizeRequest body = EXEMPLAR__DECISION_RECOGNIZE_REQUEST__INIT;
    body.number = issued->decision->decision->number;
    req.request_id = request_id;
    req.body_case = EXEMPLAR__REQUEST__BODY_DECISION_RECOGNIZE;
    req.decision_recognize = &body;
    Exemplar__Reply *reply = NULL;
    rc = gw_call(r->s.name, r->lang, &req, &reply);
    if (ex_reply_status(rc, reply) == 0 && reply->decision) {
        size_t moved = 0, left = 0;
        for (size_t i = 0; i < reply->decision->n_moves; i++) {
            if (reply->decision->moves[i]->moved)
                moved++;
            else
                left++;
        }
        session_flash(r->s.token, left > 0,
                      L(r->lang, "%zu nominations recognized; %zu not moved (see each one's "
                                 "page)."),
                      moved, left);
    } else {
        flash_refusal(r, rc, reply);
    }
    ex_reply_free(reply);
    ex_reply_free(issued);
    return redirect(r, back, NULL);
}

/* GET /meetings/ID/decision */
static enum MHD_Result decision_page(req_t *r, uint64_t id)
{
    int rc;
    Exemplar__Reply *reply = decision_meeting_fetch(r, id, &rc);
    if (ex_reply_status(rc, reply) != 0) {
        enum MHD_Result res = meeting_refused(r, rc, reply);
        ex_reply_free(reply);
        return res;
    }
    const Exemplar__Meeting *m = reply->meeting->meeting;
    char title[160];
    snprintf(title, sizeof(title), L(r->lang, "Recognition decision of meeting %s"),
             m->minutes_ref);
    buf_t b = {0};
    page_begin(r, &b, title);
    char err[512];
    if (decision_check(m, err, sizeof(err)) == 0)
        buf_fmt(&b,
                "<p><a id=\"draft-link\" href=\"/meetings/%" PRIu64 "/decision/draft\">%s</a></p>",
                m->id, L(r->lang, "The draft decision (to print and sign)"));
    else {
        buf_add(&b, "<p id=\"no-draft\">");
        buf_esc(&b, err);
        buf_add(&b, "</p>");
    }
    Exemplar__Reply *issued = issued_fetch(r, id, &rc);
    buf_fmt(&b, "<h2>%s</h2>", L(r->lang, "The issued decision"));
    if (ex_reply_status(rc, issued) == 0 && issued->decision && issued->decision->decision) {
        const Exemplar__RecognitionDecision *d = issued->decision->decision;
        char day[48];
        buf_fmt(&b, "<dl id=\"issued\"><dt>%s</dt><dd id=\"issued-number\">", L(r->lang, "Number"));
        buf_esc(&b, d->number);
        buf_fmt(&b, "</dd><dt>%s</dt><dd id=\"issued-date\" data-date=\"", L(r->lang, "Date"));
        buf_esc(&b, d->date);
        buf_add(&b, "\">");
        buf_esc(&b, sr_format_day(d->date, (sr_lang_t)r->lang, day, sizeof(day)));
        buf_fmt(&b, "</dd><dt>%s</dt><dd>", L(r->lang, "Issuer"));
        buf_esc(&b, d->issuer);
        buf_fmt(&b, "</dd><dt>%s</dt><dd id=\"issued-signer\">", L(r->lang, "Signed by"));
        if (d->signer) {
            buf_esc(&b, d->signer->title);
            buf_add(&b, " ");
            buf_esc(&b, d->signer->name);
        }
        buf_fmt(&b, "</dd><dt>%s</dt><dd><code id=\"issued-sha256\">",
                L(r->lang, "SHA-256 of the file"));
        buf_esc(&b, d->file_sha256);
        buf_fmt(&b,
                "</code></dd></dl><p><a id=\"issued-file\" href=\"/meetings/%" PRIu64
                "/decision/file\">%s</a> (%" PRIu64 " %s)</p>",
                m->id, L(r->lang, "Download the issued file (PDF)"), d->file_size,
                L(r->lang, "bytes"));
        buf_fmt(&b, "<p>%s", L(r->lang, "Nominations on its list:"));
        for (size_t i = 0; i < d->n_nominations; i++)
            buf_fmt(&b, " <a href=\"/n/%" PRIu64 "\">%" PRIu64 "</a>", d->nominations[i],
                    d->nominations[i]);
        buf_add(&b, "</p>");
        if (may_decide(r)) {
            buf_fmt(&b,
                    "<form method=\"post\" action=\"/meetings/%" PRIu64 "/decision/recognize\" "
                    "id=\"recognize-form\">",
                    m->id);
            csrf_input(r, &b);
            buf_fmt(&b, "<input type=\"hidden\" name=\"request_id\" value=\"%" PRIu64 "\">",
                    ex_request_id_new());
            buf_fmt(&b, "<button type=\"submit\">%s</button></form>",
                    L(r->lang, "Recognize the nominations on its list"));
        }
    } else if (is_not_found(rc, issued)) {
        buf_fmt(&b, "<p id=\"not-issued\">%s</p>",
                L(r->lang, "Not issued yet. Once the Minister has signed it, an approver records "
                           "it here with its PDF."));
        if (may_decide(r) && decision_check(m, err, sizeof(err)) == 0)
            issue_form(r, &b, m);
    } else {
        buf_fmt(&b, "<p class=\"flash error\" role=\"alert\">%s</p>",
                L(r->lang, "The daemon did not answer; nothing was changed. Try again."));
    }
    ex_reply_free(issued);
    buf_fmt(&b, "<p><a href=\"/meetings/%" PRIu64 "\">%s</a></p>", m->id,
            L(r->lang, "Back to the meeting"));
    ex_reply_free(reply);
    return page_end(r, &b, MHD_HTTP_OK);
}

/* GET /meetings/ID/decision/draft: the draft on the Decree 30/2020 page. */
static enum MHD_Result decision_draft(req_t *r, uint64_t id)
{
    int rc;
    Exemplar__Reply *reply = decision_meeting_fetch(r, id, &rc);
    if (ex_reply_status(rc, reply) != 0) {
        enum MHD_Result res = meeting_refused(r, rc, reply);
        ex_reply_free(reply);
        return res;
    }
    const Exemplar__MeetingReply *mr = reply->meeting;
    size_t n = mr->meeting->n_items;
    Exemplar__Reply **got = calloc(n ? n : 1, sizeof(*got));
    Exemplar__Nomination **noms = calloc(n ? n : 1, sizeof(*noms));
    bool ok = got && noms;
    for (size_t i = 0; ok && i < n; i++) {
        Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
        Exemplar__GetRequest g = EXEMPLAR__GET_REQUEST__INIT;
        g.id = mr->meeting->items[i]->nomination_id;
        req.body_case = EXEMPLAR__REQUEST__BODY_GET;
        req.get = &g;
        rc = gw_call(r->s.name, r->lang, &req, &got[i]);
        ok = ex_reply_status(rc, got[i]) == 0;
        noms[i] = ok ? got[i]->nomination : NULL;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *f = ok ? open_memstream(&text, &len) : NULL;
    if (f && decision_render_html(mr, noms, (sr_lang_t)r->lang, NULL, f) < 0)
        ok = false;
    if (f)
        fclose(f);
    for (size_t i = 0; got && i < n; i++)
        ex_reply_free(got[i]);
    free(got);
    free(noms);
    ex_reply_free(reply);
    buf_t b = {.p = text, .len = len, .cap = len + 1};
    if (!ok || !text) {
        buf_free(&b);
        return page_message(r, MHD_HTTP_OK, L(r->lang, "Council meetings"),
                            L(r->lang, "The daemon did not answer; nothing was changed. Try "
                                       "again."));
    }
    return send_body(r, MHD_HTTP_OK, &b, "text/html; charset=utf-8", NULL);
}

/* GET /meetings/ID/decision/file: the issued PDF, its SHA-256 checked
 * against the one stored before a byte is sent. */
static enum MHD_Result decision_file(req_t *r, uint64_t id)
{
    int rc;
    Exemplar__Reply *issued = issued_fetch(r, id, &rc);
    if (ex_reply_status(rc, issued) != 0) {
        enum MHD_Result res = meeting_refused(r, rc, issued);
        ex_reply_free(issued);
        return res;
    }
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__DecisionGetFileRequest body = EXEMPLAR__DECISION_GET_FILE_REQUEST__INIT;
    body.number = issued->decision->decision->number;
    req.body_case = EXEMPLAR__REQUEST__BODY_DECISION_GET_FILE;
    req.decision_get_file = &body;
    Exemplar__Reply *reply = NULL;
    rc = gw_call(r->s.name, r->lang, &req, &reply);
    ex_reply_free(issued);
    if (ex_reply_status(rc, reply) != 0) {
        enum MHD_Result res = meeting_refused(r, rc, reply);
        ex_reply_free(reply);
        return res;
    }
    const Exemplar__DecisionReply *dr = reply->decision;
    uint8_t sha[crypto_hash_sha256_BYTES];
    char hex[2 * crypto_hash_sha256_BYTES + 1];
    crypto_hash_sha256(sha, dr->file.data, dr->file.len);
    sodium_bin2hex(hex, sizeof(hex), sha, sizeof(sha));
    if (strcmp(hex, dr->decision->file_sha256) != 0) {
        ex_reply_free(reply);
        return page_message(r, MHD_HTTP_INTERNAL_SERVER_ERROR, L(r->lang, "Council meetings"),
                            L(r->lang, "The file received does not match the SHA-256 stored "
                                       "with the decision: it was not sent."));
    }
    buf_t b = {.p = malloc(dr->file.len ? dr->file.len : 1), .len = dr->file.len};
    b.cap = b.len;
    if (b.p)
        memcpy(b.p, dr->file.data, dr->file.len);
    ex_reply_free(reply);
    if (!b.p)
        return page_message(r, MHD_HTTP_INTERNAL_SERVER_ERROR, L(r->lang, "Council meetings"),
                            L(r->lang, "Out of memory: try again in a moment."));
    return send_body(r, MHD_HTTP_OK, &b, "application/pdf", NULL);
}

/* /meetings/ID, /meetings/ID/vote|attend|close,
 * /meetings/ID/decision[/draft|/file|/issue|/recognize]. */
static bool meeting_path(const char *url, uint64_t *id, const char **what)
{
    if (strncmp(url, "/meetings/", 10) != 0)
        return false;
    char digits[24];
    size_t n = strspn(url + 10, "0123456789");
    if (n == 0 || n >= sizeof(digits))
        return false;
    memcpy(digits, url + 10, n);
    digits[n] = '\0';
    const char *rest = url + 10 + n;
    if (*rest && strcmp(rest, "/vote") != 0 && strcmp(rest, "/attend") != 0 &&
        strcmp(rest, "/close") != 0 && strcmp(rest, "/decision") != 0 &&
        strcmp(rest, "/decision/draft") != 0 && strcmp(rest, "/decision/file") != 0 &&
        strcmp(rest, "/decision/issue") != 0 && strcmp(rest, "/decision/recognize") != 0)
        return false;
    *what = *rest ? rest + 1 : "";
    return parse_u64(digits, id);
}

/* ---- dispatch ----------------------------------------------------------------------------------
 */

static void client_address(req_t *r)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(r->c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(r->addr, sizeof(r->addr), "?");
    if (!ci || !ci->client_addr)
        return;
    if (ci->client_addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, r->addr,
                  sizeof(r->addr));
    else if (ci->client_addr->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, r->addr,
                  sizeof(r->addr));
}

static bool from_trusted_proxy(const req_t *r)
{
    for (int i = 0; i < CFG->nproxies; i++)
        if (strcmp(CFG->proxies[i], r->addr) == 0)
            return true;
    return false;
}

/* Behind a trusted proxy, the client is the last address of its
 * X-Forwarded-For (the one the proxy itself added): otherwise every person
 * would share the proxy's address, and five wrong passwords from anyone
 * would lock sign-in for all. */
static void forwarded_address(req_t *r)
{
    if (!from_trusted_proxy(r))
        return;
    const char *xff = MHD_lookup_connection_value(r->c, MHD_HEADER_KIND, "X-Forwarded-For");
    if (!xff)
        return;
    const char *last = strrchr(xff, ',');
    last = last ? last + 1 : xff;
    last += strspn(last, " \t");
    char ip[64];
    size_t n = strcspn(last, " \t");
    if (n == 0 || n >= sizeof(ip))
        return;
    memcpy(ip, last, n);
    ip[n] = '\0';
    struct in6_addr a6;
    if (inet_pton(AF_INET, ip, &a6) == 1 || inet_pton(AF_INET6, ip, &a6) == 1)
        memcpy(r->addr, ip, n + 1);
}

/* /n/ID, /n/ID/move, /n/ID/evidence, /n/ID/acclaim, /n/ID/attach or
 * /n/ID/file/PART/VERSION: the id and what is asked ("" for the page itself). */
static bool nomination_path(const char *url, uint64_t *id, const char **what)
{
    if (strncmp(url, "/n/", 3) != 0)
        return false;
    char digits[24];
    size_t n = strspn(url + 3, "0123456789");
    if (n == 0 || n >= sizeof(digits))
        return false;
    memcpy(digits, url + 3, n);
    digits[n] = '\0';
    const char *rest = url + 3 + n;
    if (*rest && strcmp(rest, "/move") != 0 && strcmp(rest, "/evidence") != 0 &&
        strcmp(rest, "/acclaim") != 0 && strcmp(rest, "/attach") != 0 &&
        strncmp(rest, "/file/", 6) != 0)
        return false;
    *what = *rest ? rest + 1 : "";
    return parse_u64(digits, id);
}

static enum MHD_Result route(req_t *r)
{
    bool get = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
    bool post = strcmp(r->method, "POST") == 0;
    const char *lang = cookie(r, COOKIE_LANG);
    r->lang = !strcmp(lang, "en") ? LANG_EN : !strcmp(lang, "vi") ? LANG_VI : CFG->lang;
    if (get && strcmp(r->url, "/lang") == 0) {
        char set[128];
        const char *l = strcmp(arg(r, "l"), "en") == 0 ? "en" : "vi";
        snprintf(set, sizeof(set), "%s=%s; Path=/; SameSite=Strict; Max-Age=31536000%s",
                 COOKIE_LANG, l, CFG->secure_cookies ? "; Secure" : "");
        return redirect(r, "/", set);
    }
    if (get && strcmp(r->url, "/live.js") == 0)
        return live_script(r->c);
    if (strcmp(r->url, "/favicon.ico") == 0) { /* asked by every browser: no redirect */
        buf_t none = {0};
        return send_body(r, MHD_HTTP_NOT_FOUND, &none, "text/plain", NULL);
    }
    r->signed_in = session_find(cookie(r, COOKIE_SESSION), &r->s) == 0;
    if (strcmp(r->url, "/login") == 0) {
        if (post)
            return login_post(r);
        if (r->signed_in)
            return redirect(r, "/", NULL);
        return login_form(r, MHD_HTTP_OK, NULL, NULL);
    }
    if (!r->signed_in) {
        bool handled;
        enum MHD_Result res = proxy_sign_in(r, &handled);
        if (handled)
            return res;
        if (post)
            return page_message(r, MHD_HTTP_FORBIDDEN, L(r->lang, "Not allowed"),
                                L(r->lang, "The form has expired or did not come from this "
                                           "site. Open the page again and retry."));
        return redirect(r, "/login", NULL);
    }
    if (post) {
        const char *sent = field(r, "csrf");
        if ((r->post && r->post->bad) || strlen(sent) != WEB_TOKEN_LEN ||
            sodium_memcmp(sent, r->s.csrf, WEB_TOKEN_LEN) != 0)
            return page_message(r, MHD_HTTP_FORBIDDEN, L(r->lang, "Not allowed"),
                                L(r->lang, "The form has expired or did not come from this "
                                           "site. Open the page again and retry."));
        if (strcmp(r->url, "/logout") == 0)
            return logout_post(r);
        if (strcmp(r->url, "/password") == 0)
            return password_post(r);
    }
    if (get && strcmp(r->url, "/password") == 0)
        return password_form(r);
    if (r->s.must_change)
        return redirect(r, "/password", NULL);
    uint64_t id;
    const char *what = "";
    if (get && strcmp(r->url, "/events") == 0)
        return live_events(r->c, &r->s, r->lang);
    if (get && strcmp(r->url, "/") == 0)
        return list_page(r);
    if (strcmp(r->url, "/register") == 0)
        return post ? register_post(r) : register_form(r);
    if (get && strcmp(r->url, "/summary") == 0)
        return summary_page(r);
    if (get && strcmp(r->url, "/report") == 0)
        return report_page(r);
    if (get && strcmp(r->url, "/plans") == 0)
        return plans_page(r);
    if (post && strcmp(r->url, "/plans/submit") == 0)
        return plan_submit_post(r);
    if (post && strcmp(r->url, "/plans/review") == 0)
        return plan_review_post(r);
    if (get && strcmp(r->url, "/meetings") == 0)
        return meetings_page(r);
    if (strcmp(r->url, "/meetings/new") == 0)
        return post ? meeting_open_post(r) : meeting_new_page(r);
    if (meeting_path(r->url, &id, &what)) {
        if (post && !strcmp(what, "vote"))
            return meeting_vote_post(r, id);
        if (post && !strcmp(what, "attend"))
            return meeting_attend_post(r, id);
        if (post && !strcmp(what, "close"))
            return meeting_close_post(r, id);
        if (get && !*what)
            return meeting_page(r, id);
        if (get && !strcmp(what, "decision"))
            return decision_page(r, id);
        if (get && !strcmp(what, "decision/draft"))
            return decision_draft(r, id);
        if (get && !strcmp(what, "decision/file"))
            return decision_file(r, id);
        if (post && !strcmp(what, "decision/issue"))
            return decision_issue_post(r, id);
        if (post && !strcmp(what, "decision/recognize"))
            return decision_recognize_post(r, id);
    }
    if (nomination_path(r->url, &id, &what)) {
        if (post && !strcmp(what, "move"))
            return move_post(r, id);
        if (post && !strcmp(what, "evidence"))
            return evidence_post(r, id);
        if (post && !strcmp(what, "acclaim"))
            return acclaim_post(r, id);
        if (post && !strcmp(what, "attach"))
            return attach_post(r, id);
        if (get && !strncmp(what, "file/", 5))
            return file_get(r, id, what);
        if (get && !*what)
            return nomination_page(r, id);
    }
    return page_message(r, MHD_HTTP_NOT_FOUND, L(r->lang, "Not found"),
                        L(r->lang, "Page not found."));
}

enum MHD_Result pages_handle(void *cls, struct MHD_Connection *c, const char *url,
                             const char *method, const char *version, const char *upload,
                             size_t *upload_size, void **con_cls)
{
    (void)cls, (void)version;
    if (!*con_cls) {
        post_t *p = calloc(1, sizeof(*p));
        if (!p)
            return MHD_NO;
        if (strcmp(method, "POST") == 0) {
            p->pp = MHD_create_post_processor(c, 8192, post_iter, p);
            if (!p->pp)
                p->bad = true; /* not application/x-www-form-urlencoded */
        }
        *con_cls = p;
        return MHD_YES;
    }
    post_t *p = *con_cls;
    if (*upload_size) {
        if (p->pp && !p->bad && MHD_post_process(p->pp, upload, *upload_size) != MHD_YES)
            p->bad = true;
        *upload_size = 0;
        return MHD_YES;
    }
    req_t r = {.c = c, .url = url, .method = method, .post = p};
    client_address(&r);
    r.proxy_peer = from_trusted_proxy(&r);
    forwarded_address(&r);
    return route(&r);
}

void pages_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                     enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)c, (void)toe;
    post_t *p = *con_cls;
    if (!p)
        return;
    if (p->pp)
        MHD_destroy_post_processor(p->pp);
    free(p->file);
    for (int i = 0; i < p->nf; i++) {
        if (p->f[i].val.p)
            sodium_memzero(p->f[i].val.p, p->f[i].val.len); /* passwords */
        buf_free(&p->f[i].val);
    }
    free(p);
    *con_cls = NULL;
}
