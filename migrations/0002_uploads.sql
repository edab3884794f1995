-- Uploaded files. The id is a capability URL component: base64url of at
-- least 16 random bytes (22..43 characters), compared byte for byte
-- (ascii_bin: "aB" and "Ab" are different ids).
CREATE TABLE IF NOT EXISTS uploads (
  id VARCHAR(43) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  booking_id BIGINT UNSIGNED NULL,
  filename VARCHAR(255) NOT NULL,
  content_type VARCHAR(255) NOT NULL,
  size BIGINT UNSIGNED NOT NULL,
  sha256 CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  storage_path VARCHAR(512) NOT NULL,
  metadata JSON NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY ix_uploads_booking_id (booking_id),
  CONSTRAINT fk_uploads_booking FOREIGN KEY (booking_id) REFERENCES bookings (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
