package io.drorch.activities.files;

/**
 * Heartbeat details of the file restore: the phase ({@code download-archive}, {@code
 * download-listing}, {@code extract}, {@code verify}) and its bytes so far out of the total
 * (compressed archive size while downloading, uncompressed file bytes while extracting and
 * verifying; -1 when unknown).
 */
public record RestoreProgress(String phase, long bytes, long totalBytes) {}
