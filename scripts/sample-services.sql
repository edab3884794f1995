-- A sample service catalogue for scripts/run: applied only when the
-- catalogue is empty (a fresh database, or one whose services were all
-- deleted), so it never changes a catalogue someone built.
-- Opening hours are in KEEL_BUSINESS_TZ (UTC unless set).
INSERT INTO services (slug, name, description, durations, buffer_before_min, buffer_after_min, slot_step_min, active,
                      opening_hours, closed_dates)
SELECT * FROM (
  SELECT 'haircut' AS slug, 'Haircut' AS name, 'Cut and style' AS description, '[30,60]' AS durations,
         0 AS bb, 10 AS ba, 30 AS step, 1 AS active,
         '{"mon":[["09:00","12:30"],["13:30","18:00"]],"tue":[["09:00","12:30"],["13:30","18:00"]],"wed":[["09:00","12:30"],["13:30","18:00"]],"thu":[["09:00","12:30"],["13:30","18:00"]],"fri":[["09:00","12:30"],["13:30","18:00"]],"sat":[["10:00","16:00"]],"sun":[]}' AS hours,
         '["2026-12-25","2026-12-26","2027-01-01"]' AS closed
  UNION ALL
  SELECT 'massage', 'Massage', 'Relaxing full-body massage', '[60,90]', 0, 15, 30, 1,
         '{"mon":[["10:00","19:00"]],"tue":[["10:00","19:00"]],"wed":[["10:00","19:00"]],"thu":[["10:00","19:00"]],"fri":[["10:00","19:00"]],"sat":[["10:00","16:00"]],"sun":[]}',
         '["2026-12-25","2026-12-26","2027-01-01"]'
  UNION ALL
  SELECT 'consultation', 'Consultation', 'A first talk about what you need', '[15,30]', 5, 5, 15, 1,
         '{"mon":[["08:00","17:00"]],"tue":[["08:00","17:00"]],"wed":[["08:00","17:00"]],"thu":[["08:00","17:00"]],"fri":[["08:00","15:00"]],"sat":[],"sun":[]}',
         '[]'
) sample
WHERE NOT EXISTS (SELECT 1 FROM services);
