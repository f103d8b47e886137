package io.switchboard.rules;

import io.switchboard.schemas.PolicyAction;
import io.switchboard.schemas.PolicySpec;
import io.switchboard.schemas.PolicyValidation;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An expression too long, too large or too deeply nested is refused when stored; the examples of docs/policies.md are not. */
class ExpressionCostTest {
    private static String problem(String expression, String message) {
        return PolicyDecider.specProblem(PolicySpec.newBuilder().setAction(PolicyAction.DENY)
                .setValidations(List.of(new PolicyValidation(expression, message))).build());
    }

    @Test
    void tooLongTooLargeOrTooNestedIsRefusedNamingWhy() {
        String tooLong = problem("true && " + "true && ".repeat(600) + "true", "m");
        assertTrue(tooLong != null && tooLong.contains("characters long; at most 4096"), tooLong);

        String large = problem("[" + "1,".repeat(1500) + "1].size() > 0", "m");
        assertTrue(large != null && large.contains("too costly") && large.contains("nodes"), large);

        String nested = problem("connector.config.all(a, connector.config.all(b, connector.config.all(c, a != b || b != c)))", "m");
        assertTrue(nested != null && nested.contains("nested 3 deep"), nested);

        String longMessage = problem("true", "m".repeat(1025));
        assertTrue(longMessage != null && longMessage.contains("message is longer than 1024"), longMessage);
    }

    @Test
    void theDocumentedExamplesAreNotTooCostly() {
        assertNull(problem("connector.config[?'topics'].orValue('payments.').split(',').all(t, t.trim().startsWith('payments.'))", "m"));
        assertNull(problem("connector.config.all(a, connector.config.exists(b, a == b))", "m"));
        assertNull(problem("int(connector.config[?'tasks.max'].orValue('1')) <= 8", "m"));
        assertNull(PolicyExpressions.breach("connector.config.all(a, connector.config.exists(b, a == b))",
                new PolicyExpressions.Subject("c", "n", Map.of("a", "1", "b", "2"), Map.of()), null, null));
    }
}
