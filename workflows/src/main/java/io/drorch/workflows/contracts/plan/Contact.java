package io.drorch.workflows.contracts.plan;

/**
 * A person or group to call or write to. {@code phone} may be null (a team's e-mail group);
 * {@code email} is always set.
 */
public record Contact(String name, String phone, String email) {

  /** "Alice Martin, +1 555 0100, alice@example.com" (parts that are missing are left out). */
  public String oneLine() {
    StringBuilder sb = new StringBuilder(name == null ? "" : name);
    for (String part : new String[] {phone, email}) {
      if (part != null && !part.isBlank()) {
        sb.append(sb.length() == 0 ? "" : ", ").append(part);
      }
    }
    return sb.toString();
  }
}
