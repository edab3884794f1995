-- Idempotency-Key retries of booking mutations (services/idempotency). One
-- row per (credential scope, key), found by lookup_hash = SHA-256 of both:
-- neither the key nor the credential is stored. request_hash tells a repeat
-- of the same request from another one sent with the same key. A row is
-- 'running' while its first request runs (run_id names that run, so a run
-- whose row was taken over cannot overwrite the new one), then 'done' with
-- the answer's status and the answer sealed (AES-256-GCM under a key derived
-- from the Idempotency-Key: only its holder can have it replayed). expires_at
-- is set at the start (so an abandoned row goes too) and again from the first
-- answer; expired rows are deleted in bounded batches as answers are stored
-- (ix_idempotency_expires).
CREATE TABLE IF NOT EXISTS idempotency_keys (
  lookup_hash BINARY(32) NOT NULL,
  request_hash BINARY(32) NOT NULL,
  run_id CHAR(22) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  state ENUM('running', 'done') NOT NULL,
  status SMALLINT UNSIGNED NULL,
  answer BLOB NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  started_at DATETIME(3) NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  PRIMARY KEY (lookup_hash),
  KEY ix_idempotency_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
