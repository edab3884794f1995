-- Bookings. Every DATETIME is UTC: the pool sets time_zone = '+00:00' on each
-- session, so CURRENT_TIMESTAMP(3) defaults are UTC too.
-- Both statements are idempotent (IF NOT EXISTS): MariaDB commits DDL
-- implicitly, so a rerun after a half-applied file must pass.
CREATE TABLE IF NOT EXISTS bookings (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  name VARCHAR(120) NOT NULL,
  email VARCHAR(254) NOT NULL,
  phone VARCHAR(40) NULL,
  service VARCHAR(80) NOT NULL,
  starts_at DATETIME(0) NOT NULL,
  ends_at DATETIME(0) NOT NULL,
  duration_minutes SMALLINT UNSIGNED NOT NULL,
  notes TEXT NULL,
  status ENUM('pending', 'confirmed', 'completed', 'cancelled') NOT NULL DEFAULT 'pending',
  manage_token_hash BINARY(32) NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uq_bookings_manage_token_hash (manage_token_hash),
  KEY ix_bookings_service_starts_at (service, starts_at),
  KEY ix_bookings_starts_at_id (starts_at, id),
  KEY ix_bookings_status_starts_at_id (status, starts_at, id),
  CONSTRAINT ck_bookings_duration CHECK (duration_minutes > 0),
  CONSTRAINT ck_bookings_ends_at CHECK (ends_at = starts_at + INTERVAL duration_minutes MINUTE),
  CONSTRAINT ck_bookings_notes_length CHECK (notes IS NULL OR CHAR_LENGTH(notes) <= 2000)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per service, locked (SELECT ... FOR UPDATE) by every create of a
-- booking for that service, so the overlap check and the insert are atomic
-- across processes. A create: INSERT IGNORE INTO booking_service_locks
-- (service) VALUES (?); then in the transaction SELECT service FROM
-- booking_service_locks WHERE service = ? FOR UPDATE; the overlap check;
-- the insert; COMMIT.
CREATE TABLE IF NOT EXISTS booking_service_locks (
  service VARCHAR(80) NOT NULL,
  PRIMARY KEY (service)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
