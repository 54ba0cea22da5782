package io.drorch.workflows.contracts.plan;

/**
 * The application's uploads directory (an absolute path on the worker's host).
 *
 * @param compression how the archive is compressed: {@code gzip} (tar.gz, the default; null means
 *     gzip) or {@code zstd} (tar.zst, restorable with {@code zstd -dc f.tar.zst | tar -x})
 */
public record FilesTarget(String uploadsDir, String compression) {

  public FilesTarget(String uploadsDir) {
    this(uploadsDir, null);
  }
}
