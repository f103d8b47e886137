package io.switchboard.rules;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.navigation.CelNavigableExpr;

import java.util.List;

/**
 * What a policy's expression may cost, decided when it is stored, so that the decider of every
 * connector's command (and a dry run over every connector) evaluates only cheap expressions: at
 * most {@value #MAX_CHARS} characters, {@value #MAX_NODES} nodes once parsed, and comprehensions
 * ({@code all}, {@code exists}, {@code map}, {@code filter}) nested at most {@value #MAX_NESTED_COMPREHENSIONS}
 * deep, since each level multiplies the work by the size of what it ranges over. At run time CEL's
 * own limit on a comprehension's iterations ({@link #MAX_ITERATIONS}) bounds the rest.
 */
final class ExpressionCost {
    static final int MAX_CHARS = 4096;
    static final int MAX_NODES = 1000;
    static final int MAX_NESTED_COMPREHENSIONS = 2;
    static final int MAX_ITERATIONS = 10_000;

    private ExpressionCost() {
    }

    /** Why the expression is too long to compile, or null. */
    static String lengthProblem(String expression) {
        return expression.length() > MAX_CHARS
                ? "the expression is " + expression.length() + " characters long; at most " + MAX_CHARS
                : null;
    }

    /** Why the compiled expression costs too much, or null. */
    static String problem(CelAbstractSyntaxTree ast) {
        List<CelNavigableExpr> nodes = CelNavigableAst.fromAst(ast).getRoot().allNodes().toList();
        if (nodes.size() > MAX_NODES) {
            return "the expression is too costly: " + nodes.size() + " nodes, at most " + MAX_NODES;
        }
        int deepest = 0;
        for (CelNavigableExpr node : nodes) {
            int nesting = 0;
            for (CelNavigableExpr at = node; at != null; at = at.parent().orElse(null)) {
                if (at.getKind() == CelExpr.ExprKind.Kind.COMPREHENSION) {
                    nesting++;
                }
            }
            deepest = Math.max(deepest, nesting);
        }
        return deepest > MAX_NESTED_COMPREHENSIONS
                ? "the expression is too costly: comprehensions (all, exists, map, filter) nested " + deepest
                + " deep, at most " + MAX_NESTED_COMPREHENSIONS
                : null;
    }
}
