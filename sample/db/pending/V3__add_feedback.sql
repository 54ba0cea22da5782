-- AI Docs Assistant, schema v3 (PENDING): thumbs up/down feedback on assistant answers.
-- Kept outside sample/db/migration on purpose: the recovery applies it as the "pending migration"
-- after restoring a backup taken at v2.

CREATE TABLE message_feedback (
    id         bigserial   PRIMARY KEY,
    message_id bigint      NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    rating     smallint    NOT NULL CHECK (rating IN (-1, 1)),
    comment    text,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT message_feedback_once_key UNIQUE (message_id, user_id)
);
CREATE INDEX message_feedback_user_idx ON message_feedback (user_id);

ALTER TABLE messages ADD COLUMN helpful_votes integer NOT NULL DEFAULT 0;
