-- Reports of the `report` job (services/reports): the metadata in `reports`,
-- the gzip-compressed HTML in `report_bodies`, its own table so listing
-- reports never reads BLOB pages. Bodies are written with setBlob from a
-- stream and read back in SUBSTRING chunks (never whole into memory).
-- period_from/period_to bound the bookings by starts_at, [from, to), UTC;
-- bytes is the HTML's size, stored_bytes the gzip's, sha256 the HTML's.
CREATE TABLE IF NOT EXISTS reports (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  period_from DATETIME(0) NOT NULL,
  period_to DATETIME(0) NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  bytes BIGINT UNSIGNED NOT NULL,
  stored_bytes BIGINT UNSIGNED NOT NULL,
  sha256 CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  duration_ms BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (id),
  KEY ix_reports_period_to (period_to)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS report_bodies (
  report_id BIGINT UNSIGNED NOT NULL,
  body LONGBLOB NOT NULL,
  PRIMARY KEY (report_id),
  CONSTRAINT fk_report_bodies_report FOREIGN KEY (report_id) REFERENCES reports (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
