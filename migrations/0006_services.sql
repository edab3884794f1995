-- The service catalogue (services/catalogue): what can be booked, for how
-- long, and when. durations, opening_hours and closed_dates hold JSON text:
-- [30,60]; {"mon":[["09:00","17:00"]],...,"sun":[]} (local times in
-- KEEL_BUSINESS_TZ, "24:00" closes at midnight); ["2026-12-25"].
-- Bookings name their service by slug. legacy_name is the free-text service
-- string an entry was made from by this migration (see below): a create that
-- still sends that string is accepted as the entry. bookings_version grows
-- with every change to one of the service's bookings (availability ETags).
-- Every statement is idempotent: MariaDB commits DDL implicitly, so a rerun
-- after a half-applied file must pass.
CREATE TABLE IF NOT EXISTS services (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  slug VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  name VARCHAR(120) NOT NULL,
  description VARCHAR(2000) NOT NULL DEFAULT '',
  durations VARCHAR(1000) NOT NULL,
  buffer_before_min SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  buffer_after_min SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  slot_step_min SMALLINT UNSIGNED NOT NULL DEFAULT 15,
  active TINYINT(1) NOT NULL DEFAULT 1,
  opening_hours TEXT NOT NULL,
  closed_dates TEXT NOT NULL,
  legacy_name VARCHAR(80) NULL,
  bookings_version BIGINT UNSIGNED NOT NULL DEFAULT 0,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uq_services_slug (slug),
  UNIQUE KEY uq_services_legacy_name (legacy_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The calendar file's SEQUENCE: 0 at creation, +1 on each reschedule and cancel.
ALTER TABLE bookings ADD COLUMN IF NOT EXISTS sequence INT UNSIGNED NOT NULL DEFAULT 0;

-- Compatibility: one entry per distinct free-text service of the existing
-- bookings (strings equal under the table's collation, such as "massage" and
-- "Massage ", are one entry), open all day every day with every duration the
-- old API accepted (15..480 in steps of 15), so what was bookable stays so.
--   legacy  the group's string as first seen (its oldest booking)
--   base    lower-case, every run of characters other than [a-z0-9] -> '-'
--           (case-sensitive: (?-i), as the collation is not), '-' trimmed,
--           at most 60 characters, '' -> 'service'
--   slug    base for the first of a base (a string that is its own base
--           first, so it keeps its name), then base-2, base-3 ... skipping
--           numbers that are some other string's base
-- Rerun-safe: strings that already are a slug or an entry's legacy name are
-- left out.
INSERT INTO services (slug, name, legacy_name, durations, opening_hours, closed_dates)
WITH RECURSIVE
firsts AS (
  SELECT service, id, ROW_NUMBER() OVER (PARTITION BY service ORDER BY id) AS nth FROM bookings
),
legacy AS (
  SELECT f.service AS legacy, f.id AS first_id
  FROM firsts f
  WHERE f.nth = 1
    AND NOT EXISTS (SELECT 1 FROM services s
                    WHERE s.legacy_name = f.service OR CAST(s.slug AS BINARY) = CAST(f.service AS BINARY))
),
trimmed AS (
  SELECT legacy, first_id,
         TRIM(BOTH '-' FROM LEFT(TRIM(BOTH '-' FROM REGEXP_REPLACE(LOWER(legacy), '(?-i)[^a-z0-9]+', '-')), 60))
           AS base
  FROM legacy
),
based AS (
  SELECT legacy, first_id, IF(base = '', 'service', base) AS base FROM trimmed
),
ranked AS (
  SELECT legacy, first_id, base,
         ROW_NUMBER() OVER (PARTITION BY base ORDER BY legacy = base DESC, first_id) AS nth
  FROM based
),
numbers AS (
  SELECT 2 AS n
  UNION ALL
  SELECT n + 1 FROM numbers WHERE n <= (SELECT COUNT(*) FROM ranked)
),
free_suffixes AS (
  SELECT c.base, CONCAT(c.base, '-', n.n) AS slug, ROW_NUMBER() OVER (PARTITION BY c.base ORDER BY n.n) AS nth
  FROM (SELECT DISTINCT base FROM ranked WHERE nth > 1) c
  CROSS JOIN numbers n
  WHERE CONCAT(c.base, '-', n.n) NOT IN (SELECT base FROM ranked)
)
SELECT IF(r.nth = 1, r.base, f.slug),
       IF(TRIM(r.legacy) = '', IF(r.nth = 1, r.base, f.slug), TRIM(r.legacy)),
       r.legacy,
       '[15,30,45,60,75,90,105,120,135,150,165,180,195,210,225,240,255,270,285,300,315,330,345,360,375,390,405,420,435,450,465,480]',
       '{"mon":[["00:00","24:00"]],"tue":[["00:00","24:00"]],"wed":[["00:00","24:00"]],"thu":[["00:00","24:00"]],"fri":[["00:00","24:00"]],"sat":[["00:00","24:00"]],"sun":[["00:00","24:00"]]}',
       '[]'
FROM ranked r
LEFT JOIN free_suffixes f ON f.base = r.base AND f.nth = r.nth - 1
ORDER BY r.first_id;

-- Every booking of such a string now names its entry by slug. Bookings that
-- already name a slug are left alone (a rerun changes nothing); updated_at
-- is kept (it is the calendar file's DTSTAMP). Subqueries, not a join: with
-- a join MariaDB substitutes the collation-equal legacy_name for b.service
-- in the binary comparison.
UPDATE bookings b
SET b.service = (SELECT s.slug FROM services s WHERE s.legacy_name = b.service), b.updated_at = b.updated_at
WHERE EXISTS (SELECT 1 FROM services s WHERE s.legacy_name = b.service)
  AND NOT EXISTS (SELECT 1 FROM services t WHERE CAST(t.slug AS BINARY) = CAST(b.service AS BINARY));
