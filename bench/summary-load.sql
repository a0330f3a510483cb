-- SPDX-License-Identifier: MIT
--
-- bench/run-summary: the summary benchmark's data in PostgreSQL, loaded with
-- COPY from the CSV files bench_summary_gen writes: run once to make the
-- tables, then COPY ... FROM STDIN each file, then once more with
-- `-v indexes=1` for the indexes and statistics.
-- The history carries what exemplard's change log carries (unit, campaign,
-- kind and the judged day of each change), so neither side joins to learn
-- them.  Indexes are those a DBA would add for these queries: a covering
-- index per nomination newest-first for "the state on a day", and one by
-- day for the moves and recognitions of a period.

\set ON_ERROR_STOP on
\if :{?indexes}
CREATE INDEX history_state_on_day ON history (nomination_id, day DESC, seq DESC)
    INCLUDE (to_state, unit, kind) WHERE from_state <> to_state;
CREATE INDEX history_by_day ON history (day) INCLUDE (unit, from_state, to_state, nomination_id)
    WHERE from_state <> to_state;
VACUUM (ANALYZE) nominations, history, evidence;
CHECKPOINT;
\else
SET client_min_messages = warning;
DROP TABLE IF EXISTS history, nominations, evidence;
CREATE TABLE nominations (
    id bigint PRIMARY KEY,
    kind smallint NOT NULL,
    unit text NOT NULL,
    campaign text NOT NULL,
    period text NOT NULL,
    state smallint NOT NULL,
    subject text
);
CREATE TABLE history (
    seq bigint PRIMARY KEY,
    nomination_id bigint NOT NULL,
    from_state smallint NOT NULL,
    to_state smallint NOT NULL,
    day date NOT NULL,
    unit text NOT NULL,
    campaign text NOT NULL,
    kind smallint NOT NULL
);
-- The evidence ledger (empty here, as in the generated store: the
-- nominations carry no subject).
CREATE TABLE evidence (
    subject text NOT NULL,
    year int NOT NULL,
    title text NOT NULL,
    day date NOT NULL,
    revoked_day date,
    PRIMARY KEY (subject, year, title)
);
\endif
