package io.switchboard.schemas;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro only instantiates classes it trusts when it reads specific records. Switchboard's own
 * generated classes (this package) are added to Avro's default list of trusted classes.
 */
public final class AvroTrust {
    private static final String PACKAGE = AvroTrust.class.getPackageName() + ".";
    private static volatile boolean installed;

    private AvroTrust() {
    }

    public static synchronized void install() {
        if (installed) {
            return;
        }
        ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(previous,
                c -> c.getName().startsWith(PACKAGE) && !c.getName().substring(PACKAGE.length()).contains(".")));
        installed = true;
    }
}
