package io.switchboard;

import io.switchboard.kafkaio.Hmacs;
import io.switchboard.registry.EmbeddedSchemaRegistry;
import io.switchboard.secrets.Keyring;

import java.util.Base64;
import java.util.List;

/**
 * The credentials that write to a deployment's embedded schema registry: user
 * {@value EmbeddedSchemaRegistry#WRITER}, with a password derived from the keyring for this purpose
 * only ({@link Hmacs#derive}). Every replica of a deployment has the same keyring, so replicas that
 * share one replica's registry write with the same credentials; a registry takes the password of
 * each key of its keyring, so one a rotation has added a key to still takes the older replicas'.
 */
public final class RegistryCredentials {

    private RegistryCredentials() {
    }

    /** The passwords the registry takes: one per key of the keyring. */
    public static List<String> accepted(Keyring keyring) {
        return keyring.all().stream().map(RegistryCredentials::password).toList();
    }

    /** {@code USER:PASSWORD} of the keyring's current key, as a client sends it (HTTP Basic). */
    public static String userInfo(Keyring keyring) {
        return EmbeddedSchemaRegistry.WRITER + ":" + password(keyring.current());
    }

    private static String password(Keyring.Key key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Hmacs.derive(key.key().getEncoded(), io.switchboard.kafkaio.KeyPurpose.REGISTRY_WRITES));
    }
}
