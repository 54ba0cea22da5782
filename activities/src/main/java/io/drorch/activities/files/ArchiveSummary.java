package io.drorch.activities.files;

/**
 * What {@link TarArchiver#write} put into an archive.
 *
 * @param files regular files archived
 * @param directories directories archived (the root itself is not an entry)
 * @param symlinks symbolic links archived as links
 * @param skipped entries left out (sockets, fifos, devices, vanished); each is a {@code skipped}
 *     line in the listing
 * @param totalBytes sum of the regular files' sizes (bytes read from the source)
 * @param tarBytes size of the uncompressed tar stream
 */
public record ArchiveSummary(
    long files, long directories, long symlinks, long skipped, long totalBytes, long tarBytes) {}
