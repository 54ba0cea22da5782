package io.drorch.workflows.recovery;

/** What a recovery brings back. */
public enum RecoveryScope { DATABASE, FILES, APPLICATION }
