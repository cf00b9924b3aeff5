-- Users of platform.user.v1.UserService. Limits repeat the contract's, so that rows written by other
-- means than the service (a script, a later migration) obey them too.
CREATE TABLE users (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    email      text        NOT NULL CHECK (char_length(email) BETWEEN 1 AND 254),
    status     text        NOT NULL CHECK (status IN ('ACTIVE', 'INACTIVE')),
    roles      text[]      NOT NULL DEFAULT '{}',
    phone      text,
    metadata   jsonb       NOT NULL DEFAULT '{}',
    -- timestamptz keeps microseconds, the precision the contract promises.
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Emails are unique compared case-insensitively; ImportUsers relies on it for ON CONFLICT DO NOTHING.
CREATE UNIQUE INDEX users_email_unique ON users (lower(email));

-- ListUsers with a status filter: keyset pages WHERE status = ? AND id > ? ORDER BY id.
CREATE INDEX users_status_id ON users (status, id);
