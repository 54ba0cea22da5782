package io.drorch.workflows.recovery;

import io.drorch.workflows.common.DrError;
import io.drorch.workflows.common.Failures;
import io.drorch.workflows.common.Versions;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.BackupUsed;
import io.drorch.workflows.contracts.values.DecisionKind;
import io.drorch.workflows.contracts.values.DecisionRecord;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.PartResult;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.Verdict;
import io.temporal.failure.ActivityFailure;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The shape every data recovery shares, written once: restore the newest candidate backup into a
 * copy beside the live data (a corrupt candidate is reported and the previous one tried), prepare
 * and verify that copy, ask the approval gate, and only then swap it in, keeping the previous live
 * data. What differs between the database, the files (and later kinds) is a {@link Part}.
 *
 * <p>What never happens: the live data is touched before an APPROVE; a rejected, skipped or
 * failed part swaps anything; a candidate is used after it failed its checksum.
 */
final class DataRecovery {
  private DataRecovery() {}

  /** One kind of data: how to restore a backup into a copy, prepare it, and swap it in. */
  abstract static class Part<R> {
    final RecoveryScope scope;
    /** Step-name prefix and Markdown label: {@code database}, {@code files}. */
    final String name;
    /** In messages: "no valid {noun} backup", "{noun} restore skipped". */
    final String noun;
    /**
     * Where the restored copy stays when it is not swapped in: "as db_restore_x", "in /dir" (set
     * again by the restore: each attempt restores under a name of its own).
     */
    String restoredCopy;
    /** The fingerprint of the verified copy (null until verified): what an approval names. */
    String copyFingerprint;
    /** When the copy was fingerprinted: an approval signed before cannot be about it. */
    Instant copyMadeAt;

    Part(RecoveryScope scope, String name, String noun, String restoredCopy) {
      this.scope = scope;
      this.name = name;
      this.noun = noun;
      this.restoredCopy = restoredCopy;
    }

    abstract String restoreDescription(BackupManifest backup);

    /** Restores {@code backup} into the copy (CHECKSUM_MISMATCH when it is corrupt). */
    abstract R restore(BackupManifest backup);

    /** A line for the report about the restored copy. */
    abstract String restored(BackupManifest backup, R result);

    /** Steps between restore and approval (migrations, integrity); none by default. */
    void prepare(ChildSteps steps, BackupManifest backup, List<String> details) {}

    /** The question the approvers are asked before the swap. */
    abstract String swapQuestion(BackupManifest backup);

    abstract String swapDescription();

    /** Swaps the copy in; returns where the previous live data was kept (null: there was none). */
    abstract String swap();

    /** The restored copy was verified and has this fingerprint (null: unknown), as of now. */
    void madeCopy(String fingerprint) {
      this.copyFingerprint = fingerprint;
      this.copyMadeAt = ChildSteps.now();
    }
  }

  /** Approvals asked for one part before a copy that keeps changing fails it. */
  static final int MAX_SWAP_ROUNDS = 3;

  static <R> PartResult recover(ChildSteps s, List<BackupManifest> candidates, Part<R> part) {
    Set<String> fallback = Versions.has(Versions.FALLBACK_MISSING_UNSAFE)
        ? Set.of(DrError.CHECKSUM_MISMATCH.name(), DrError.BACKUP_NOT_FOUND.name(),
            DrError.UNSAFE_ARCHIVE.name())
        : Set.of(DrError.CHECKSUM_MISMATCH.name());
    // a copy that changed after its approval: restore again and ask again (else RETRY/SKIP/ABORT)
    Set<String> swapAgain = Versions.has(Versions.CHANGED_COPY_RESTORED_AGAIN)
        ? Set.of(DrError.COPY_CHANGED.name()) : Set.of();
    List<String> rejected = new ArrayList<>();
    List<String> details = new ArrayList<>();
    BackupManifest used = null;
    try {
      for (BackupManifest m : candidates) {
        try {
          String restore = part.restoreDescription(m);
          Optional<R> r = s.run(part.name + "-restore", restore, () -> part.restore(m),
              fallback);
          if (r.isEmpty()) {
            throw new PartStopped(Outcome.SKIPPED, part.noun + " restore skipped");
          }
          used = m;
          details.add(part.restored(m, r.get()));
          break;
        } catch (ActivityFailure corrupt) {
          rejected.add(m.backupId() + ": " + Failures.reason(corrupt));
        }
      }
      if (used == null) {
        throw new PartStopped(Outcome.FAILED, candidates.isEmpty()
            ? "no valid " + part.noun + " backup to restore"
            : "every candidate backup is corrupt, missing or refused: "
                + String.join("; ", rejected));
      }
      part.prepare(s, used, details);

      Optional<Kept> swapped = Optional.empty();
      for (int round = 1; ; round++) {
        // a copy that changed after its approval is restored afresh and asked about again
        String step = part.name + "-swap" + (round == 1 ? "" : "-" + round);
        DecisionRecord approval = s.ask(step, DecisionKind.DESTRUCTIVE_STEP,
            part.swapQuestion(used), used.backupId(), part.copyFingerprint, part.copyMadeAt);
        if (approval.verdict() != Verdict.APPROVE) {
          throw new PartStopped(Outcome.ABORTED, "swap rejected by " + approval.approver()
              + ": the live " + live(part) + " was not touched; the restored copy stays "
              + part.restoredCopy);
        }
        try {
          swapped = s.run(step, part.swapDescription(), () -> new Kept(part.swap()), swapAgain);
          break;
        } catch (ActivityFailure changed) {
          String why = Failures.reason(changed);
          details.add("not swapped: " + why);
          if (round >= MAX_SWAP_ROUNDS) {
            throw new PartStopped(Outcome.FAILED, "the restored copy changed after each of "
                + round + " approvals; not swapped: " + why);
          }
          BackupManifest again = used;
          Optional<R> r = s.run(part.name + "-restore", part.restoreDescription(again),
              () -> part.restore(again));
          if (r.isEmpty()) {
            throw new PartStopped(Outcome.SKIPPED, part.noun + " restore skipped");
          }
          details.add(part.restored(again, r.get()) + " (again: the copy had changed)");
          part.prepare(s, used, details);
        }
      }
      if (swapped.isEmpty()) {
        throw new PartStopped(Outcome.SKIPPED,
            "swap skipped: restored copy stays " + part.restoredCopy);
      }
      s.details("**" + part.name + "**: recovered from " + used.backupId());
      return s.finish(new PartResult(part.scope, Outcome.RECOVERED, used(used, rejected),
          swapped.get().keptAs(), details));
    } catch (PartStopped stop) {
      details.add(stop.getMessage());
      return s.finish(new PartResult(part.scope, stop.outcome,
          used == null ? null : used(used, rejected), null, details));
    }
  }

  /** The result of a part that stopped before it began (e.g. the worker's plan changed). */
  static PartResult stopped(ChildSteps s, RecoveryScope scope, PartStopped stop) {
    return s.finish(new PartResult(scope, stop.outcome, null, null, List.of(stop.getMessage())));
  }

  /** What a swap did: where the previous live data went (null: there was none). */
  private record Kept(String keptAs) {}

  private static String live(Part<?> part) {
    return part.scope == RecoveryScope.DATABASE ? "database" : "directory";
  }

  static BackupUsed used(BackupManifest m, List<String> rejected) {
    return new BackupUsed(m.kind() == null ? BackupKind.DATABASE : m.kind(), m.backupId(),
        m.startedAt(), m.dataKey(), List.copyOf(rejected));
  }
}
