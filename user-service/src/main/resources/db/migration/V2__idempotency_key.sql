-- CreateUserRequest.idempotency_key: a retried CreateUser finds the user its first attempt stored.
-- request_fingerprint is the SHA-256 of the request without its key, to tell a true repeat from a
-- key reused for another user. Users created without a key have neither (unique allows many NULLs).
ALTER TABLE users
    ADD COLUMN idempotency_key     text UNIQUE CHECK (char_length(idempotency_key) BETWEEN 1 AND 128),
    ADD COLUMN request_fingerprint bytea;
