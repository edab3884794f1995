-- Which instance (KEEL_INSTANCE) took a job's lease last, i.e. ran its last
-- run: /api/admin/jobs shows it as last_run_by on every instance (owner is
-- NULL between runs).
ALTER TABLE job_leases ADD COLUMN IF NOT EXISTS last_run_by VARCHAR(255) NULL;
