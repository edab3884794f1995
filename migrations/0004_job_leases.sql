-- Leases of scheduled jobs (services/jobs): one row per job name. An
-- instance runs a tick only when one conditional UPDATE (in database time)
-- finds the lease free (until NULL or past) and next_due come, and sets
-- owner, until (now + the job's timeout, renewed while the run lasts) and
-- next_due. A graceful stop clears owner and until; a killed holder's lease
-- is taken over once until passes.
CREATE TABLE IF NOT EXISTS job_leases (
  name VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  owner VARCHAR(255) NULL,
  until DATETIME(3) NULL,
  next_due DATETIME(3) NULL,
  PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
