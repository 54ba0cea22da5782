package io.drorch.activities.files;

/** Heartbeat details of the file archive activity: source bytes read and entries written. */
public record ArchiveProgress(long bytesRead, long entries) {}
