-- A user's own language for the web workspace (issue 14: Russian by default, English per
-- user, falling back to the agency's setting). NULL: the agency's language.
ALTER TABLE users ADD COLUMN language TEXT;
