-- AI Docs Assistant, schema v2: chat conversations and their messages (with cited chunks).

CREATE TABLE conversations (
    id         bigserial   PRIMARY KEY,
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title      text,
    archived   boolean     NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversations_user_created_idx ON conversations (user_id, created_at DESC);

CREATE TABLE messages (
    id               bigserial   PRIMARY KEY,
    conversation_id  bigint      NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    role             text        NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
    content          text        NOT NULL,
    cited_chunk_ids  bigint[]    NOT NULL DEFAULT '{}',
    prompt_tokens    integer,
    completion_tokens integer,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX messages_conversation_created_idx ON messages (conversation_id, created_at);
CREATE INDEX messages_content_fts_idx ON messages USING gin (to_tsvector('english', content));

CREATE VIEW conversation_summaries AS
SELECT c.id,
       c.user_id,
       c.title,
       count(m.id)       AS message_count,
       max(m.created_at) AS last_message_at
FROM conversations c
LEFT JOIN messages m ON m.conversation_id = c.id
GROUP BY c.id;
