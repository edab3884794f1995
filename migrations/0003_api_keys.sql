-- API keys of the data feed (services/api_keys). Only the SHA-256 hex of a
-- key is stored; prefix (its first 8 characters) lets people tell keys apart.
-- A revoked key keeps its row (revoked_at set). rate_per_minute NULL: the
-- instance's KEEL_DATA_RATE_PER_MIN.
CREATE TABLE IF NOT EXISTS api_keys (
  id BIGINT NOT NULL AUTO_INCREMENT,
  name VARCHAR(80) NOT NULL,
  key_sha256 CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  prefix CHAR(8) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  rate_per_minute INT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  revoked_at DATETIME(3) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_api_keys_key_sha256 (key_sha256)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
