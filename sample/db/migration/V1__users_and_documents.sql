-- AI Docs Assistant, schema v1: accounts, API tokens, uploaded documents and their chunks.
-- Uploaded files live in the uploads directory; documents.source_path points into it.

CREATE TABLE users (
    id            bigserial   PRIMARY KEY,
    email         text        NOT NULL,
    display_name  text        NOT NULL,
    role          text        NOT NULL DEFAULT 'member'
                              CHECK (role IN ('member', 'admin', 'viewer')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz,
    CONSTRAINT users_email_key UNIQUE (email)
);

CREATE TABLE api_tokens (
    id          bigserial   PRIMARY KEY,
    user_id     bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label       text        NOT NULL,
    token_hash  bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz,
    revoked     boolean     NOT NULL DEFAULT false,
    CONSTRAINT api_tokens_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);
CREATE INDEX api_tokens_active_idx ON api_tokens (expires_at) WHERE NOT revoked;

CREATE TABLE documents (
    id          bigserial   PRIMARY KEY,
    owner_id    bigint      NOT NULL REFERENCES users (id),
    title       text        NOT NULL,
    source_path text        NOT NULL,
    mime_type   text        NOT NULL,
    size_bytes  bigint      NOT NULL CHECK (size_bytes >= 0),
    sha256      bytea       NOT NULL CHECK (length(sha256) = 32),
    status      text        NOT NULL DEFAULT 'indexed'
                            CHECK (status IN ('uploaded', 'indexing', 'indexed', 'failed')),
    metadata    jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX documents_owner_created_idx ON documents (owner_id, created_at DESC);
CREATE INDEX documents_metadata_idx ON documents USING gin (metadata);
CREATE UNIQUE INDEX documents_source_path_idx ON documents (source_path);

CREATE TABLE document_chunks (
    id          bigserial PRIMARY KEY,
    document_id bigint    NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    chunk_index integer   NOT NULL CHECK (chunk_index >= 0),
    content     text      NOT NULL,
    token_count integer   NOT NULL,
    -- the embedding vector (no pgvector on a stock PostgreSQL: a real[] of fixed length)
    embedding   real[]    NOT NULL CHECK (array_length(embedding, 1) = 64),
    CONSTRAINT document_chunks_doc_idx_key UNIQUE (document_id, chunk_index)
);
