package io.drorch.workflows.contracts.plan;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The plan's contact list (the written plan's "Contact Information"): the primary and the secondary
 * contact, and the infrastructure team's e-mail group. Named in every approval request ("who to
 * call"), rendered by {@code dr plan render}; escalation levels refer to them as {@code primary},
 * {@code secondary} and {@code team}.
 *
 * @param primary always set when the plan has a contact list
 * @param secondary may be null
 * @param team the team's e-mail group (its phone may be null); may be null
 */
public record Contacts(Contact primary, Contact secondary, Contact team) {
  /** The names escalation levels may use instead of an e-mail address. */
  public static final List<String> REFERENCES = List.of("primary", "secondary", "team");

  /** One entry of the list with what it is, e.g. "Primary contact". */
  public record Entry(String role, Contact contact) {}

  /** Primary, secondary, team: the ones the plan lists, labelled. */
  public List<Entry> entries() {
    List<Entry> out = new ArrayList<>();
    if (primary != null) {
      out.add(new Entry("Primary contact", primary));
    }
    if (secondary != null) {
      out.add(new Entry("Secondary contact", secondary));
    }
    if (team != null) {
      out.add(new Entry(team.name() == null ? PlanDefaults.TEAM_NAME : team.name(), team));
    }
    return out;
  }

  /** The e-mail addresses of the list, in its order, each once. */
  public List<String> emails() {
    Set<String> seen = new LinkedHashSet<>();
    List<String> out = new ArrayList<>();
    for (Entry e : entries()) {
      String mail = e.contact().email();
      if (mail != null && seen.add(mail.toLowerCase(Locale.ROOT))) {
        out.add(mail);
      }
    }
    return out;
  }

  /** The contact a reference ({@code primary}, {@code secondary}, {@code team}) names, or null. */
  public Contact resolve(String reference) {
    if (reference == null) {
      return null;
    }
    return switch (reference.toLowerCase(Locale.ROOT)) {
      case "primary" -> primary;
      case "secondary" -> secondary;
      case "team" -> team;
      default -> null;
    };
  }
}
