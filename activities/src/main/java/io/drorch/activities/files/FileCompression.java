package io.drorch.activities.files;

import io.drorch.workflows.common.DrError;

/**
 * How a file backup's tar is compressed: the plan's {@code files.compression}, and the {@code
 * format} its manifest records (so a restore knows how to read it).
 */
public enum FileCompression {
  /**
   * tar.gz from {@link ParallelGzipOutputStream} (2 threads; incompressible blocks stored):
   * {@code tar -xzf f.tar.gz}. The default.
   */
  GZIP("tar+gzip", ".tar.gz", "application/gzip"),
  /**
   * tar.zst through the {@code zstd} binary ({@code zstd -q -T2 -3}), as the database's zstd
   * dumps: several times faster than gzip; {@code zstd -dc f.tar.zst | tar -x}.
   */
  ZSTD("tar+zstd", ".tar.zst", "application/zstd");

  public static final String ZSTD_HINT =
      "Install zstd on the worker (Debian/Ubuntu: apt-get install zstd) or set"
          + " files.compression to gzip in dr-plan.yaml.";

  public final String format;
  public final String extension;
  public final String contentType;

  FileCompression(String format, String extension, String contentType) {
    this.format = format;
    this.extension = extension;
    this.contentType = contentType;
  }

  /** From the plan's value: null or gzip, or zstd; anything else is BAD_INPUT. */
  public static FileCompression of(String value) {
    if (value == null || value.isBlank() || value.equalsIgnoreCase("gzip")) {
      return GZIP;
    }
    if (value.equalsIgnoreCase("zstd")) {
      return ZSTD;
    }
    throw DrError.BAD_INPUT.failure(
        "files.compression '" + value + "' is not supported: use gzip (the default) or zstd");
  }

  /** From a manifest's format ({@code tar+gzip}, {@code tar+zstd}); BAD_INPUT for any other. */
  public static FileCompression ofFormat(String format) {
    for (FileCompression c : values()) {
      if (c.format.equals(format)) {
        return c;
      }
    }
    throw DrError.BAD_INPUT.failure("unknown file backup format '" + format + "': this worker"
        + " restores tar+gzip and tar+zstd");
  }
}
