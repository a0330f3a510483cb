/* SPDX-License-Identifier: MIT */
/*
 * The PostgreSQL baseline (see pg.h).  The schema mirrors exemplard's
 * records: a nominations table keyed by id and a history table keyed by a
 * global sequence, with no secondary index (exemplard keeps more indexes than
 * this, so the comparison leans towards PostgreSQL).  Verbs come from the
 * daemon's move table, so both sides write the same history rows.
 */
#include "pg.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nom.h"

static const char *const SCHEMA[] = {
    "SET client_min_messages = warning",
    "DROP TABLE IF EXISTS history, nominations",
    "CREATE TABLE nominations ("
    " id bigint NOT NULL, version bigint NOT NULL, state smallint NOT NULL,"
    " kind smallint NOT NULL, unit text NOT NULL, campaign text NOT NULL, name text NOT NULL,"
    " created timestamptz NOT NULL DEFAULT now(), updated timestamptz NOT NULL DEFAULT now())",
    "CREATE TABLE history ("
    " seq bigserial, nomination_id bigint NOT NULL, from_state smallint NOT NULL,"
    " to_state smallint NOT NULL, verb text NOT NULL, version bigint NOT NULL,"
    " at timestamptz NOT NULL DEFAULT now())",
};

/* After the copy: keys built once, not row by row. */
static const char *const AFTER_COPY[] = {
    "ALTER TABLE nominations ADD PRIMARY KEY (id)",
    "ALTER TABLE history ADD PRIMARY KEY (seq)",
    "VACUUM (ANALYZE) nominations",
    "VACUUM (ANALYZE) history",
    "CHECKPOINT",
};

static const char SQL_MOVE_CTE[] =
    "WITH u AS (UPDATE nominations SET state = $2, version = version + 1, updated = now()"
    " WHERE id = $1 AND version = $3 RETURNING id, version)"
    " INSERT INTO history (nomination_id, from_state, to_state, verb, version, at)"
    " SELECT id, $4, $2, $5, version, now() FROM u RETURNING version";
static const char SQL_UPDATE[] =
    "UPDATE nominations SET state = $2, version = version + 1, updated = now()"
    " WHERE id = $1 AND version = $3 RETURNING version";
static const char SQL_HISTORY[] =
    "INSERT INTO history (nomination_id, from_state, to_state, verb, version, at)"
    " VALUES ($1, $2, $3, $4, $5, now())";
static const char SQL_VERSION[] = "SELECT version FROM nominations WHERE id = $1";

static PGconn *pg_open(const pg_conf_t *c, char *err, size_t err_len)
{
    PGconn *db = PQconnectdb(c->conninfo);
    if (PQstatus(db) != CONNECTION_OK) {
        snprintf(err, err_len, "postgres: cannot connect (%s): %s", c->conninfo,
                 PQerrorMessage(db));
        PQfinish(db);
        return NULL;
    }
    return db;
}

/* Runs a statement without result rows.  0, or -1 with err. */
static int pg_exec(PGconn *db, const char *sql, char *err, size_t err_len)
{
    PGresult *r = PQexec(db, sql);
    ExecStatusType s = PQresultStatus(r);
    int rc = (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) ? 0 : -1;
    if (rc < 0)
        snprintf(err, err_len, "postgres: %s: %s", sql, PQerrorMessage(db));
    PQclear(r);
    return rc;
}

/* COPY rows produced by row(i, buf, len) for i in [0, n). */
static int pg_copy(PGconn *db, const char *sql, size_t n,
                   int (*row)(size_t i, char *buf, size_t len), char *err, size_t err_len)
{
    PGresult *r = PQexec(db, sql);
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        snprintf(err, err_len, "postgres: %s: %s", sql, PQerrorMessage(db));
        PQclear(r);
        return -1;
    }
    PQclear(r);
    enum { CHUNK = 256 * 1024 };
    char *buf = malloc(CHUNK);
    if (!buf) {
        PQputCopyEnd(db, "out of memory");
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    size_t used = 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        int len = row(i, buf + used, CHUNK - used);
        if (len < 0 || (size_t)len >= CHUNK - used) {
            if (PQputCopyData(db, buf, (int)used) != 1)
                rc = -1;
            used = 0;
            len = row(i, buf, CHUNK);
        }
        used += (size_t)len;
    }
    if (rc == 0 && used > 0 && PQputCopyData(db, buf, (int)used) != 1)
        rc = -1;
    free(buf);
    if (PQputCopyEnd(db, rc == 0 ? NULL : "client error") != 1)
        rc = -1;
    r = PQgetResult(db);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        rc = -1;
    PQclear(r);
    while ((r = PQgetResult(db)))
        PQclear(r);
    if (rc < 0)
        snprintf(err, err_len, "postgres: %s: %s", sql, PQerrorMessage(db));
    return rc;
}

static int nomination_row(size_t i, char *buf, size_t len)
{
    char unit[16], name[96];
    int kind;
    seed_fields(i, unit, sizeof(unit), &kind, name, sizeof(name));
    return snprintf(buf, len, "%zu\t1\t%d\t%d\t%s\t%s\t%s\n", i + 1, BS_REGISTERED, kind, unit,
                    SEED_CAMPAIGN, name);
}

static int history_row(size_t i, char *buf, size_t len)
{
    return snprintf(buf, len, "%zu\t%zu\t%d\t%d\t%s\t1\n", i + 1, i + 1, NOM_NONE, BS_REGISTERED,
                    nom_find_move(NOM_NONE, NOM_REGISTERED)->verb);
}

int pg_seed(const pg_conf_t *c, model_t *m, double *seconds, char *err, size_t err_len)
{
    PGconn *db = pg_open(c, err, err_len);
    if (!db)
        return -1;
    int rc = -1;
    uint64_t t0 = now_ns();
    for (size_t i = 0; i < sizeof(SCHEMA) / sizeof(SCHEMA[0]); i++)
        if (pg_exec(db, SCHEMA[i], err, err_len) < 0)
            goto out;
    if (pg_copy(db, "COPY nominations (id, version, state, kind, unit, campaign, name) FROM STDIN",
                m->n, nomination_row, err, err_len) < 0 ||
        pg_copy(db,
                "COPY history (seq, nomination_id, from_state, to_state, verb, version) FROM STDIN",
                m->n, history_row, err, err_len) < 0)
        goto out;
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT setval('history_seq_seq', %zu)", m->n ? m->n : 1);
    if (pg_exec(db, sql, err, err_len) < 0)
        goto out;
    for (size_t i = 0; i < sizeof(AFTER_COPY) / sizeof(AFTER_COPY[0]); i++)
        if (pg_exec(db, AFTER_COPY[i], err, err_len) < 0)
            goto out;
    for (size_t i = 0; i < m->n; i++)
        m->key[i] = i + 1;
    *seconds = (double)(now_ns() - t0) / 1e9;
    rc = 0;
out:
    PQfinish(db);
    return rc;
}

int pg_checkpoint(const pg_conf_t *c, double *seconds, char *err, size_t err_len)
{
    PGconn *db = pg_open(c, err, err_len);
    if (!db)
        return -1;
    uint64_t t0 = now_ns();
    int rc = pg_exec(db, "CHECKPOINT", err, err_len);
    *seconds = (double)(now_ns() - t0) / 1e9;
    PQfinish(db);
    return rc;
}

int pg_show(const pg_conf_t *c, const char *const *names, size_t n, char values[][64], char *err,
            size_t err_len)
{
    PGconn *db = pg_open(c, err, err_len);
    if (!db)
        return -1;
    for (size_t i = 0; i < n; i++) {
        values[i][0] = '\0';
        const char *p[1] = {names[i]};
        PGresult *r = PQexecParams(db, "SELECT current_setting($1)", 1, NULL, p, NULL, NULL, 0);
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
            snprintf(values[i], 64, "%s", PQgetvalue(r, 0, 0));
        PQclear(r);
    }
    PQfinish(db);
    return 0;
}

/* ---- the move target ---- */

typedef struct {
    PGconn *db;
    pg_style_t style;
} pg_client_t;

static int prepare(PGconn *db, const char *name, const char *sql, char *err, size_t err_len)
{
    PGresult *r = PQprepare(db, name, sql, 0, NULL);
    int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
    if (rc < 0)
        snprintf(err, err_len, "postgres: prepare %s: %s", name, PQerrorMessage(db));
    PQclear(r);
    return rc;
}

static void *pg_connect(void *arg, char *err, size_t err_len)
{
    const pg_conf_t *c = arg;
    pg_client_t *pc = calloc(1, sizeof(*pc));
    if (!pc) {
        snprintf(err, err_len, "out of memory");
        return NULL;
    }
    pc->style = c->style;
    pc->db = pg_open(c, err, err_len);
    if (!pc->db || prepare(pc->db, "move", SQL_MOVE_CTE, err, err_len) < 0 ||
        prepare(pc->db, "update", SQL_UPDATE, err, err_len) < 0 ||
        prepare(pc->db, "history", SQL_HISTORY, err, err_len) < 0 ||
        prepare(pc->db, "version", SQL_VERSION, err, err_len) < 0) {
        PQfinish(pc->db);
        free(pc);
        return NULL;
    }
    return pc;
}

/* Runs a prepared statement; returns its result when the status is ok (the
 * caller clears it), NULL with err otherwise. */
static PGresult *run(PGconn *db, const char *stmt, int n, const char *const *params, char *err,
                     size_t err_len)
{
    PGresult *r = PQexecPrepared(db, stmt, n, params, NULL, NULL, 0);
    ExecStatusType s = PQresultStatus(r);
    if (s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK)
        return r;
    snprintf(err, err_len, "postgres: %s: %s", stmt, PQerrorMessage(db));
    PQclear(r);
    return NULL;
}

static int current_version(PGconn *db, const char *id, uint64_t *v, char *err, size_t err_len)
{
    const char *p[1] = {id};
    PGresult *r = run(db, "version", 1, p, err, err_len);
    if (!r)
        return -1;
    int rc = PQntuples(r) == 1 ? MOVE_CONFLICT : -1;
    if (rc == MOVE_CONFLICT)
        *v = strtoull(PQgetvalue(r, 0, 0), NULL, 10);
    else
        snprintf(err, err_len, "postgres: nomination %s does not exist", id);
    PQclear(r);
    return rc;
}

static int pg_move(void *conn, uint64_t key, int from, int to, uint64_t expected_version,
                   uint64_t *new_version, char *err, size_t err_len)
{
    pg_client_t *pc = conn;
    const nom_move_t *mv = nom_find_move((nom_state_t)from, (nom_state_t)to);
    if (!mv) {
        snprintf(err, err_len, "no move from %d to %d in the move table", from, to);
        return -1;
    }
    char id[24], sto[8], sfrom[8], ver[24];
    snprintf(id, sizeof(id), "%llu", (unsigned long long)key);
    snprintf(sto, sizeof(sto), "%d", to);
    snprintf(sfrom, sizeof(sfrom), "%d", from);
    snprintf(ver, sizeof(ver), "%llu", (unsigned long long)expected_version);
    PGresult *r;
    int rc;

    if (pc->style == PG_STYLE_CTE) {
        const char *p[5] = {id, sto, ver, sfrom, mv->verb};
        if (!(r = run(pc->db, "move", 5, p, err, err_len)))
            return -1;
        if (PQntuples(r) == 1) {
            *new_version = strtoull(PQgetvalue(r, 0, 0), NULL, 10);
            rc = 0;
        } else {
            rc = current_version(pc->db, id, new_version, err, err_len);
        }
        PQclear(r);
        return rc;
    }

    if (pg_exec(pc->db, "BEGIN", err, err_len) < 0)
        return -1;
    const char *pu[3] = {id, sto, ver};
    if (!(r = run(pc->db, "update", 3, pu, err, err_len)))
        goto rollback;
    if (PQntuples(r) != 1) {
        PQclear(r);
        if (pg_exec(pc->db, "ROLLBACK", err, err_len) < 0)
            return -1;
        return current_version(pc->db, id, new_version, err, err_len);
    }
    *new_version = strtoull(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    char nv[24];
    snprintf(nv, sizeof(nv), "%llu", (unsigned long long)*new_version);
    const char *ph[5] = {id, sfrom, sto, mv->verb, nv};
    if (!(r = run(pc->db, "history", 5, ph, err, err_len)))
        goto rollback;
    PQclear(r);
    return pg_exec(pc->db, "COMMIT", err, err_len);
rollback:
    PQclear(PQexec(pc->db, "ROLLBACK"));
    return -1;
}

static void pg_disconnect(void *conn)
{
    pg_client_t *pc = conn;
    PQfinish(pc->db);
    free(pc);
}

const target_t PG_TARGET = {
    .name = "postgres",
    .connect = pg_connect,
    .move = pg_move,
    .disconnect = pg_disconnect,
};

/* ---- listing ---------------------------------------------------------- */

int pg_index_state(const pg_conf_t *c, char *err, size_t err_len)
{
    PGconn *db = pg_open(c, err, err_len);
    if (!db)
        return -1;
    int rc = pg_exec(db, "CREATE INDEX IF NOT EXISTS nominations_state ON nominations (state, id)",
                     err, err_len);
    if (rc == 0)
        rc = pg_exec(db, "VACUUM (ANALYZE) nominations", err, err_len);
    PQfinish(db);
    return rc;
}

int pg_list(const pg_conf_t *c, int state, int page, uint64_t *rows, double *seconds, char *err,
            size_t err_len)
{
    static const char ALL[] = "SELECT id, version, state, kind, unit, campaign, name, created,"
                              " updated FROM nominations WHERE id > $1 ORDER BY id LIMIT $2";
    static const char ONE[] = "SELECT id, version, state, kind, unit, campaign, name, created,"
                              " updated FROM nominations WHERE state = $3 AND id > $1"
                              " ORDER BY id LIMIT $2";
    PGconn *db = pg_open(c, err, err_len);
    if (!db)
        return -1;
    PGresult *p = PQprepare(db, "list", state ? ONE : ALL, state ? 3 : 2, NULL);
    int rc = PQresultStatus(p) == PGRES_COMMAND_OK ? 0 : -1;
    if (rc < 0)
        snprintf(err, err_len, "postgres: prepare list: %s", PQerrorMessage(db));
    PQclear(p);
    char last[24] = "0", limit[16], st[8];
    snprintf(limit, sizeof(limit), "%d", page);
    snprintf(st, sizeof(st), "%d", state);
    const char *params[3] = {last, limit, st};
    *rows = 0;
    double t0 = now_s();
    while (rc == 0) {
        PGresult *r = PQexecPrepared(db, "list", state ? 3 : 2, params, NULL, NULL, 0);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            snprintf(err, err_len, "postgres: list: %s", PQerrorMessage(db));
            PQclear(r);
            rc = -1;
            break;
        }
        int n = PQntuples(r);
        if (n > 0)
            snprintf(last, sizeof(last), "%s", PQgetvalue(r, n - 1, 0));
        *rows += (uint64_t)n;
        PQclear(r);
        if (n < page)
            break;
    }
    *seconds = now_s() - t0;
    PQfinish(db);
    return rc;
}
