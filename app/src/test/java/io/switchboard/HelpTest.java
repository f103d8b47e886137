package io.switchboard;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --help} prints every flag Switchboard takes, from the flags' one definition ({@link Flag}), as the docs' table is. */
class HelpTest {
    @Test
    void helpNamesEveryFlagAsTheDocsDescribeIt() {
        String usage = Switchboard.usage();
        for (String flag : OptionSource.KNOWN) {
            assertTrue(usage.contains("--" + flag), "--help does not describe --" + flag + ":\n" + usage);
        }
        assertTrue(usage.contains("the embedded registry's port"), usage);
    }
}
