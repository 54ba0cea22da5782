package io.drorch.worker.codec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256 keys that encrypt payloads, held by the worker and the CLI (never sent anywhere).
 *
 * <p>Where they come from, in the process's environment:
 * <ul>
 *   <li>{@code DR_PAYLOAD_KEYS=FILE}: a file of lines {@code keyid base64-of-32-bytes} ({@code #}
 *       comments and blank lines ignored). The first key encrypts; every key decrypts. Rotation:
 *       add a new first line; payloads written with the older keys still decode as long as their
 *       lines stay.
 *   <li>{@code DR_PAYLOAD_KEY=base64-of-32-bytes}: one key, id {@value #DEFAULT_ID}.
 *   <li>neither: no encryption (payloads stay plain JSON, as before).
 * </ul>
 * Both at once is refused (which one would encrypt?). A key is made with
 * {@code openssl rand -base64 32}.
 */
public final class PayloadKeys {
  public static final String KEYS_FILE_ENV = "DR_PAYLOAD_KEYS";
  public static final String KEY_ENV = "DR_PAYLOAD_KEY";
  public static final String DEFAULT_ID = "default";
  /** AES-256. */
  public static final int KEY_BYTES = 32;
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  /** One key; its id travels in every payload it encrypts. */
  public record Key(String id, SecretKey secret) {
    @Override
    public String toString() {
      return "Key[" + id + "]"; // never the bytes
    }
  }

  private static final PayloadKeys NONE = new PayloadKeys(List.of(), "no key configured");

  private final List<Key> keys;
  private final Map<String, Key> byId;
  private final String source;

  private PayloadKeys(List<Key> keys, String source) {
    this.keys = List.copyOf(keys);
    this.byId = new LinkedHashMap<>();
    keys.forEach(k -> byId.put(k.id(), k));
    this.source = source;
  }

  /** Bad key configuration: a message naming the variable or file and the line to fix. */
  public static final class InvalidKeysException extends IllegalArgumentException {
    public InvalidKeysException(String message) {
      super(message);
    }

    public InvalidKeysException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** No encryption. */
  public static PayloadKeys none() {
    return NONE;
  }

  /** From this process's environment (see the class comment). */
  public static PayloadKeys fromEnvironment() {
    return from(System.getenv());
  }

  /** From {@code env}: {@value #KEYS_FILE_ENV}, else {@value #KEY_ENV}, else none. */
  public static PayloadKeys from(Map<String, String> env) {
    String file = blankToNull(env.get(KEYS_FILE_ENV));
    String single = blankToNull(env.get(KEY_ENV));
    if (file != null && single != null) {
      throw new InvalidKeysException("both " + KEYS_FILE_ENV + " and " + KEY_ENV + " are set: set"
          + " only one (" + KEYS_FILE_ENV + "=FILE for several keys and rotation, " + KEY_ENV
          + " for one key)");
    }
    if (file != null) {
      return fromFile(Path.of(file), KEYS_FILE_ENV + "=" + file);
    }
    if (single != null) {
      return new PayloadKeys(List.of(new Key(DEFAULT_ID, secret(single, KEY_ENV))), KEY_ENV);
    }
    return NONE;
  }

  /** A key file (the format of {@value #KEYS_FILE_ENV}). */
  public static PayloadKeys fromFile(Path file) {
    return fromFile(file, "key file " + file);
  }

  private static PayloadKeys fromFile(Path file, String source) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InvalidKeysException(source + ": the key file cannot be read ("
          + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
    }
    return parse(text, source);
  }

  /** Lines {@code keyid base64}; {@code source} names where they come from in messages. */
  public static PayloadKeys parse(String text, String source) {
    List<Key> keys = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = source + " line " + (i + 1);
      String[] parts = line.split("\\s+");
      if (parts.length != 2) {
        throw new InvalidKeysException(where + ": expected `keyid base64-of-32-bytes`, found "
            + parts.length + " field(s)");
      }
      if (!ID.matcher(parts[0]).matches()) {
        throw new InvalidKeysException(where + ": key id '" + parts[0] + "' must be 1-64 of"
            + " A-Z a-z 0-9 . _ - (starting with a letter or digit)");
      }
      if (keys.stream().anyMatch(k -> k.id().equals(parts[0]))) {
        throw new InvalidKeysException(where + ": key id '" + parts[0] + "' appears twice");
      }
      keys.add(new Key(parts[0], secret(parts[1], where)));
    }
    if (keys.isEmpty()) {
      throw new InvalidKeysException(source + ": no key in the file (lines `keyid base64`;"
          + " make one with `openssl rand -base64 32`)");
    }
    return new PayloadKeys(keys, source + " (" + keys.size() + (keys.size() == 1 ? " key)" : " keys)"));
  }

  /** Keys given directly (tests, the demo); the first encrypts. */
  public static PayloadKeys of(String source, Key... keys) {
    if (keys.length == 0) {
      return NONE;
    }
    return new PayloadKeys(List.of(keys), source);
  }

  /** A fresh random 256-bit key. */
  public static Key generate(String id) {
    if (!ID.matcher(id).matches()) {
      throw new InvalidKeysException("key id '" + id + "' must be 1-64 of A-Z a-z 0-9 . _ -");
    }
    byte[] bytes = new byte[KEY_BYTES];
    new SecureRandom().nextBytes(bytes);
    return new Key(id, new SecretKeySpec(bytes, "AES"));
  }

  /** The key file line of {@code key}: {@code id base64}. */
  public static String line(Key key) {
    return key.id() + " " + Base64.getEncoder().encodeToString(key.secret().getEncoded());
  }

  /**
   * A key file at {@code file}, created with one fresh key (id {@code id}, owner-only
   * permissions) when it does not exist yet; its keys either way.
   */
  public static PayloadKeys createIfMissing(Path file, String id) throws IOException {
    if (!Files.exists(file)) {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, "# payload keys (keyid base64-of-32-bytes); the first line encrypts\n"
          + line(generate(id)) + "\n", StandardCharsets.UTF_8);
      ownerOnly(tmp);
      Files.move(tmp, file);
    }
    return fromFile(file);
  }

  private static void ownerOnly(Path file) {
    try {
      Files.setPosixFilePermissions(file,
          Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    } catch (UnsupportedOperationException | IOException e) {
      // not a POSIX file system: nothing better to do
    }
  }

  private static SecretKey secret(String base64, String where) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw new InvalidKeysException(where + ": the key is not base64 (make one with"
          + " `openssl rand -base64 32`)");
    }
    if (bytes.length != KEY_BYTES) {
      throw new InvalidKeysException(where + ": the key is " + bytes.length + " bytes, AES-256"
          + " needs " + KEY_BYTES + " (make one with `openssl rand -base64 32`)");
    }
    return new SecretKeySpec(bytes, "AES");
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  /** False: no key, payloads stay plain. */
  public boolean enabled() {
    return !keys.isEmpty();
  }

  /** The key that encrypts new payloads (the first one). */
  public Key encrypting() {
    if (keys.isEmpty()) {
      throw new IllegalStateException("no payload key configured (" + KEYS_FILE_ENV + " or "
          + KEY_ENV + ")");
    }
    return keys.get(0);
  }

  public Optional<Key> find(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** Every key id, the encrypting one first. */
  public List<String> ids() {
    return keys.stream().map(Key::id).toList();
  }

  /** Where the keys come from, e.g. {@code DR_PAYLOAD_KEYS=/etc/dr/keys (2 keys)}. */
  public String source() {
    return source;
  }

  /** One line for logs: what encrypts and what can decrypt, never a key. */
  public String describe() {
    if (!enabled()) {
      return "payloads are NOT encrypted: no key configured (set " + KEYS_FILE_ENV + "=FILE or "
          + KEY_ENV + ")";
    }
    return "payloads encrypted with AES-256-GCM, key '" + encrypting().id() + "'"
        + (keys.size() > 1 ? "; older keys " + ids().subList(1, keys.size()) + " still decrypt" : "")
        + " (" + source + ")";
  }

  @Override
  public String toString() {
    return "PayloadKeys" + ids() + " from " + source;
  }
}
