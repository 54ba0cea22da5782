package io.drorch.workflows.contracts.plan;

import java.util.List;

/**
 * One line of the plan's {@code allowed_signers} file (OpenSSH syntax): who may sign with which
 * public key. Public keys are not secrets; they travel in the loaded plan, so the history shows
 * which keys a recovery trusted.
 *
 * @param principals the approver names this key signs for, e.g. {@code [alice]}
 * @param namespaces the {@code namespaces="…"} option (empty: any namespace)
 * @param keyType e.g. {@code ssh-ed25519}, {@code ssh-rsa}
 * @param key the public key blob, base64, as in {@code id_ed25519.pub}
 */
public record AllowedSigner(
    List<String> principals, List<String> namespaces, String keyType, String key, String comment) {}
