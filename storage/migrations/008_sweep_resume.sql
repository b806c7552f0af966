-- Where a capped sweep stopped: the window it walked and the cursor after its last page, so the next
-- sweep continues there instead of re-reading the same first pages (orders come oldest update first).
ALTER TABLE integrations ADD COLUMN sweep_resume_from timestamptz;
ALTER TABLE integrations ADD COLUMN sweep_resume_cursor text CHECK (length(sweep_resume_cursor) <= 2000);
