-- A failed import's reason as a field message's key and parameters (core/error.cpp), beside the
-- English text in `error`: the import dialog shows it in the reader's language (issue 14).
ALTER TABLE customer_imports ADD COLUMN error_code TEXT;
ALTER TABLE customer_imports ADD COLUMN error_params TEXT;
