/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's authentication commands: `keygen` (a CURVE key pair as Z85
 * key files) and `audit` (the daemon's list of refused changes).  The run's
 * own CURVE keys are loaded by ctl.c.
 */
#include "cmd_auth.h"
#include "output.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#define AUDIT_PAGE 1000

/* ---- keygen ------------------------------------------------------------ */

static bool valid_name(const char *s)
{
    size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-");
    return n >= 1 && n <= 63 && s[n] == '\0' && s[0] != '.';
}

int cmd_keygen(ctl_t *ctl, const ctl_args_t *a)
{
    const char *name = a->argv[0];
    const char *dir = a->opt[OPT_SLOT(OPT_DIR)];
    if (!valid_name(name))
        return ctl_usage(ctl,
                         "NAME must be 1-63 characters of letters, digits, '.', '_', '@' or '-' "
                         "(it is also the principal's name in the daemon's keys file)");
    char public_key[EX_KEY_Z85_LEN + 1], secret_key[EX_KEY_Z85_LEN + 1];
    if (zmq_curve_keypair(public_key, secret_key) != 0)
        return ctl_fail(ctl, EX_EINTERNAL,
                        _("ZeroMQ cannot make CURVE keys (built without CURVE?)"));
    char pub_path[PATH_MAX], key_path[PATH_MAX], comment[128], err[PATH_MAX + 128];
    int n1 = snprintf(pub_path, sizeof pub_path, "%s/%s.pub", dir ? dir : ".", name);
    int n2 = snprintf(key_path, sizeof key_path, "%s/%s.key", dir ? dir : ".", name);
    if (n1 < 0 || n2 < 0 || (size_t)n1 >= sizeof pub_path || (size_t)n2 >= sizeof key_path)
        return ctl_usage(ctl, "--dir is too long");
    int status = 0;
    snprintf(comment, sizeof comment, "exemplar CURVE secret key of %s: keep it private", name);
    if (ex_keyfile_write(key_path, true, comment, secret_key, err, sizeof err) < 0) {
        status = ctl_fail(ctl, EX_EINVALID, err);
        goto out;
    }
    snprintf(comment, sizeof comment, "exemplar CURVE public key of %s", name);
    if (ex_keyfile_write(pub_path, false, comment, public_key, err, sizeof err) < 0) {
        remove(key_path); /* no secret without its public half */
        status = ctl_fail(ctl, EX_EINVALID, err);
        goto out;
    }
    if (ctl->json) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "name", json_object_new_string(name));
        json_object_object_add(o, "public_key", json_object_new_string(public_key));
        json_object_object_add(o, "public_key_file", json_object_new_string(pub_path));
        json_object_object_add(o, "secret_key_file", json_object_new_string(key_path));
        ctl_json_print(o);
    } else {
        printf(_("wrote %s (secret, mode 0600) and %s\n"), key_path, pub_path);
        printf(_("keys-file line (fill in ROLE and UNIT, '-' for roles without a unit):\n"));
        printf("%s ROLE UNIT %s\n", name, public_key);
    }
out:
    memset(secret_key, 0, sizeof secret_key);
    return status;
}

/* ---- audit ------------------------------------------------------------- */

static json_object *json_entry(const Exemplar__AuditEntry *e)
{
    json_object *o = json_object_new_object();
    const char *role = e->actor ? ex_role_name(e->actor->role) : NULL;
    json_object_object_add(o, "seq", json_object_new_uint64(e->seq));
    json_object_object_add(o, "at_ms", json_object_new_int64(e->at_ms));
    json_object_object_add(o, "principal", json_object_new_string(e->actor ? e->actor->name : ""));
    json_object_object_add(o, "role", role ? json_object_new_string(role) : NULL);
    json_object_object_add(
        o, "unit", e->actor && e->actor->unit[0] ? json_object_new_string(e->actor->unit) : NULL);
    json_object_object_add(o, "request", json_object_new_string(e->request));
    json_object_object_add(o, "request_id", json_object_new_uint64(e->request_id));
    json_object_object_add(o, "code", json_object_new_int((int)e->code));
    json_object_object_add(o, "name", json_object_new_string(e->code_name));
    json_object_object_add(o, "message", json_object_new_string(e->message));
    if (e->nomination_id)
        json_object_object_add(o, "nomination_id", json_object_new_uint64(e->nomination_id));
    if (e->to)
        json_object_object_add(o, "to", json_object_new_string(ctl_state(e->to)));
    if (e->unit[0])
        json_object_object_add(o, "register_unit", json_object_new_string(e->unit));
    return o;
}

static int add_row(ctl_table_t *t, const Exemplar__AuditEntry *e)
{
    char seq[24], at[64], what[160];
    snprintf(seq, sizeof seq, "%" PRIu64, e->seq);
    if (e->nomination_id)
        snprintf(what, sizeof what, "%s %" PRIu64 " %s", e->request, e->nomination_id,
                 ctl_state(e->to));
    else
        snprintf(what, sizeof what, "%s %s", e->request, e->unit);
    const char *role = e->actor ? ctl_role(e->actor->role) : "-";
    const char *cells[] = {seq,
                           ctl_time(e->at_ms, at, sizeof at),
                           e->actor ? e->actor->name : "-",
                           role,
                           e->actor && e->actor->unit[0] ? e->actor->unit : "-",
                           what,
                           e->code_name,
                           e->message};
    return ctl_table_add(t, cells);
}

int cmd_audit(ctl_t *ctl, const ctl_args_t *a)
{
    uint64_t limit = UINT64_MAX;
    const char *text = a->opt[OPT_SLOT(OPT_LIMIT)];
    int status = text ? ctl_parse_u64(ctl, "--limit", text, 1, &limit) : 0;
    if (status)
        return status;
    if (!text)
        limit = 100;
    ex_client_t *c = ctl_client(ctl, &status);
    if (!c)
        return status;
    char time_head[96];
    snprintf(time_head, sizeof time_head, _("TIME (%s)"), l10n_zone());
    const char *const header[] = {N_("SEQ"),  time_head,     N_("PRINCIPAL"), N_("ROLE"),
                                  N_("UNIT"), N_("REQUEST"), N_("ERROR"),     N_("MESSAGE")};
    static const bool right[] = {true, false, false, false, false, false, false, false};
    ctl_table_t t;
    ctl_table_init(&t, 8, header, right);
    json_object *array = json_object_new_array();
    uint64_t before = 0, printed = 0;
    do {
        uint64_t want = limit - printed < AUDIT_PAGE ? limit - printed : AUDIT_PAGE;
        Exemplar__Reply *r = NULL;
        int rc = ex_audit(c, before, (uint32_t)want, &r);
        if (ex_reply_status(rc, r)) {
            status = ctl_fail_call(ctl, rc, r);
            ex_reply_free(r);
            goto out;
        }
        const Exemplar__AuditReply *page = r->audit;
        for (size_t i = 0; i < page->n_entries && printed < limit; i++, printed++) {
            if (ctl->json)
                json_object_array_add(array, json_entry(page->entries[i]));
            else if (add_row(&t, page->entries[i]) < 0)
                status = ctl_fail(ctl, EX_EINTERNAL, _("out of memory"));
        }
        before = page->n_entries ? page->next_before_seq : 0;
        ex_reply_free(r);
    } while (!status && before && printed < limit);
    if (status)
        goto out;
    if (ctl->json) {
        json_object *doc = json_object_new_object();
        json_object_object_add(doc, "entries", json_object_get(array));
        ctl_json_print(doc);
    } else {
        ctl_table_print(&t, stdout);
    }
out:
    json_object_put(array);
    ctl_table_deinit(&t);
    return status;
}
