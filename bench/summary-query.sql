-- SPDX-License-Identifier: MIT
--
-- bench/run-summary: what `exemplarctl summary QUARTER [--as-of DAY]`
-- answers, in SQL over the history (psql -v first=QUARTER'S FIRST DAY
-- -v asof=DAY).  Four statements, as an application would send them.

-- Nominations by unit, kind and state at the end of the day (the state of
-- each nomination's newest move judged by then), with the evidence gaps:
-- those under review (unit- or ministry-reviewed) whose subject lacks a
-- title recorded, and not revoked, by then for each year of the 2021-2023
-- period (a simplification of the rule book that exemplard evaluates).
SELECT s.unit, s.kind, s.to_state, count(*) AS nominations,
       count(*) FILTER (WHERE s.to_state IN (3, 4) AND NOT EXISTS (
           SELECT 1 FROM nominations n
           WHERE n.id = s.nomination_id AND n.subject IS NOT NULL
             AND (SELECT count(DISTINCT e.year) FROM evidence e
                  WHERE e.subject = n.subject AND e.day <= :'asof'
                    AND (e.revoked_day IS NULL OR e.revoked_day > :'asof')
                    AND e.year BETWEEN 2021 AND 2023) = 3)) AS gaps
FROM (SELECT DISTINCT ON (nomination_id) nomination_id, unit, kind, to_state
      FROM history
      WHERE from_state <> to_state AND day <= :'asof'
      ORDER BY nomination_id, day DESC, seq DESC) s
GROUP BY s.unit, s.kind, s.to_state;

-- Moves made in the quarter up to the day.
SELECT unit, from_state, to_state, count(*)
FROM history
WHERE from_state <> to_state AND day BETWEEN :'first' AND :'asof'
GROUP BY unit, from_state, to_state;

-- Recognitions in the quarter up to the day: how many, and the first 1000.
SELECT count(*) FROM history
WHERE from_state <> to_state AND to_state = 5 AND day BETWEEN :'first' AND :'asof';
SELECT h.seq, h.nomination_id, h.day, n.unit, n.kind, n.campaign
FROM history h JOIN nominations n ON n.id = h.nomination_id
WHERE h.from_state <> h.to_state AND h.to_state = 5 AND h.day BETWEEN :'first' AND :'asof'
ORDER BY h.seq LIMIT 1000;
