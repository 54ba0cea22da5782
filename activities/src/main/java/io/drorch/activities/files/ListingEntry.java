package io.drorch.activities.files;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * One line of a file backup's listing ({@code *.listing.jsonl}, JSON Lines, UTF-8), in archive
 * order. Written while archiving, read back by recovery to verify an extracted tree:
 *
 * <pre>
 * {"path":"a","type":"dir","mode":"755"}
 * {"path":"a/b.txt","type":"file","size":123,"sha256":"9f86…","mode":"644"}
 * {"path":"a/l","type":"symlink","target":"b.txt"}
 * {"path":"a/sock","type":"skipped","reason":"socket"}
 * </pre>
 *
 * Paths are relative to the uploads root, '/'-separated, never empty, never with a leading '/'.
 * {@code mode} is the permission bits in octal (incl. setuid/setgid/sticky). {@code skipped}
 * lines name what is on the source but not in the archive (sockets, fifos, devices, vanished
 * files) so a verifier can tell "left out on purpose" from "lost". Unknown fields are ignored
 * when reading, so later versions may add some.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"path", "type", "size", "sha256", "mode", "target", "reason"})
public record ListingEntry(
    String path, Type type, Long size, String sha256, String mode, String target, String reason) {

  public enum Type {
    @JsonProperty("file")
    FILE,
    @JsonProperty("dir")
    DIR,
    @JsonProperty("symlink")
    SYMLINK,
    @JsonProperty("skipped")
    SKIPPED
  }

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  public static ListingEntry file(String path, long size, String sha256, int mode) {
    return new ListingEntry(path, Type.FILE, size, sha256, octal(mode), null, null);
  }

  public static ListingEntry dir(String path, int mode) {
    return new ListingEntry(path, Type.DIR, null, null, octal(mode), null, null);
  }

  public static ListingEntry symlink(String path, String target) {
    return new ListingEntry(path, Type.SYMLINK, null, null, null, target, null);
  }

  public static ListingEntry skipped(String path, String reason) {
    return new ListingEntry(path, Type.SKIPPED, null, null, null, null, reason);
  }

  /** The permission bits ({@code mode} parsed as octal), or -1 when the entry has none. */
  public int modeBits() {
    return mode == null ? -1 : Integer.parseInt(mode, 8);
  }

  private static String octal(int mode) {
    return Integer.toOctalString(mode & 07777);
  }

  /** This entry as one JSON line (no line break; line breaks in names are escaped). */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write listing entry " + path, e);
    }
  }

  /** Parses one line; throws {@link IOException} naming the problem when it is not an entry. */
  public static ListingEntry parse(String line) throws IOException {
    ListingEntry e = JSON.readValue(line, ListingEntry.class);
    if (e == null || e.path() == null || e.path().isEmpty() || e.type() == null) {
      throw new IOException("listing line has no path or type: " + line);
    }
    return e;
  }

  /** Writes entries as JSON Lines to a stream (buffered; the stream is closed with the writer). */
  public static final class Writer implements Closeable {
    private final OutputStream out;
    private long entries;

    public Writer(OutputStream out) {
      this.out = new BufferedOutputStream(out, 64 * 1024);
    }

    public void write(ListingEntry e) throws IOException {
      out.write(JSON.writeValueAsBytes(e));
      out.write('\n');
      entries++;
    }

    public long entries() {
      return entries;
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  /** Reads a listing line by line (bounded memory); blank lines are ignored. */
  public static final class Reader implements Closeable, Iterator<ListingEntry> {
    private final BufferedReader in;
    private ListingEntry next;
    private long lineNo;

    public Reader(InputStream in) {
      this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 64 * 1024);
    }

    @Override
    public boolean hasNext() {
      if (next != null) {
        return true;
      }
      try {
        String line;
        while ((line = in.readLine()) != null) {
          lineNo++;
          if (!line.isBlank()) {
            try {
              next = parse(line);
            } catch (IOException e) {
              throw new IOException("listing line " + lineNo + ": " + e.getMessage(), e);
            }
            return true;
          }
        }
        return false;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public ListingEntry next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      ListingEntry e = next;
      next = null;
      return e;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
