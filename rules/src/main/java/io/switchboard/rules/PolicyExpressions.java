package io.switchboard.rules;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelException;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.extensions.CelExtensions;
import dev.cel.extensions.CelOptionalLibrary;
import dev.cel.extensions.CelStringExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import io.switchboard.schemas.ConnectorState;

import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CEL expressions of user policies' validations, compiled and type-checked by CEL's own
 * library ({@code dev.cel:cel}), over three variables, as Kubernetes' ValidatingAdmissionPolicy
 * names them:
 * <ul>
 *   <li>{@code connector}: the connector as it would be after the change, a map with {@code name},
 *       {@code cluster}, {@code class} (the class the worker loads, {@link ConnectorClasses}), {@code config}
 *       (a map of strings) and {@code labels};</li>
 *   <li>{@code old}: the same of the connector before the change, or null on create;</li>
 *   <li>{@code principal}: who asks (an empty string when nobody is named).</li>
 * </ul>
 * An expression must be a boolean, true when the connector obeys. CEL's optional values
 * ({@code connector.config[?'errors.tolerance'].orValue('none')}), the standard macros ({@code has}, {@code all},
 * {@code exists}) and string extensions are on.
 * Evaluation is a pure function of the expression and the variables, bounded in time and in what it
 * makes ({@link EvaluationBudget}); the compiled programs are memoised, keyed by expression, at most
 * {@value #CACHED} of them.
 */
public final class PolicyExpressions {
    static final int CACHED = 4096;

    private static final Cel CEL = CelFactory.standardCelBuilder()
            .addVar("connector", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("old", SimpleType.DYN)
            .addVar("principal", SimpleType.STRING)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .setResultType(SimpleType.BOOL)
            .setOptions(CelOptions.current().comprehensionMaxIterations(ExpressionCost.MAX_ITERATIONS).build())
            .addCompilerLibraries(CelOptionalLibrary.INSTANCE, CelExtensions.strings())
            .addRuntimeLibraries(CelOptionalLibrary.INSTANCE, CelExtensions.strings(EnumSet.complementOf(
                    EnumSet.of(CelStringExtensions.Function.REPLACE))))
            .addFunctionBindings(EvaluationBudget.BINDINGS)
            .build();

    private static final Map<String, CelRuntime.Program> PROGRAMS = Collections.synchronizedMap(
            new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, CelRuntime.Program> eldest) {
                    return size() > CACHED;
                }
            });

    private PolicyExpressions() {
    }

    /** Why the expression cannot be used (CEL's own words: a syntax or type error), or null when it compiles to a boolean. */
    public static String problem(String expression) {
        if (expression == null || expression.isBlank()) {
            return "the expression is empty";
        }
        String tooLong = ExpressionCost.lengthProblem(expression);
        if (tooLong != null) {
            return tooLong;
        }
        try {
            // Compiled once: its cost checked on the tree, and its program kept for the evaluations that follow.
            CelAbstractSyntaxTree ast = CEL.compile(expression).getAst();
            if (!PROGRAMS.containsKey(expression)) {
                PROGRAMS.put(expression, CEL.createProgram(ast));
            }
            return ExpressionCost.problem(ast);
        } catch (CelValidationException e) {
            return e.getMessage();
        } catch (CelEvaluationException e) {
            return e.getMessage();
        }
    }

    /**
     * Whether the connector obeys the expression.
     *
     * @return null when it does; else why not: "" when the expression was false, or the evaluation
     *         error (a missing key, a wrong type, a budget of {@link EvaluationBudget} spent, or any
     *         other failure), which counts as a breach too
     */
    public static String breach(String expression, Subject connector, Subject old, String principal) {
        Map<String, Object> variables = new HashMap<>();
        variables.put("connector", connector.asMap());
        variables.put("old", old == null ? NullValue.NULL_VALUE : old.asMap());
        variables.put("principal", principal == null ? "" : principal);
        try {
            Object result = program(expression).trace(variables, new EvaluationBudget());
            return Boolean.TRUE.equals(result) ? null : "";
        } catch (CelValidationException e) {
            return e.getMessage();
        } catch (Throwable e) { // an expression's failure is the connector's breach, never its caller's
            return failure(e);
        }
    }

    private static final java.util.regex.Pattern AT = java.util.regex.Pattern.compile("^evaluation error at (<input>:\\d+)");

    /**
     * Why an evaluation failed, in words that quote no value: a refusal, a policy's violators and a
     * history's {@code policy_warnings} are read by viewers, who see a config's keys only, while CEL's
     * own text quotes what it read ({@code For input string: "..."}). So: where, and CEL's error code.
     */
    static String failure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EvaluationBudget.Exceeded exceeded) {
                return exceeded.getMessage();
            }
        }
        if (e instanceof CelException cel) {
            java.util.regex.Matcher at = AT.matcher(String.valueOf(e.getMessage()));
            return (at.find() ? "at " + at.group(1) + ": " : "") + cel.getErrorCode().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        }
        return "the evaluation failed: " + e.getClass().getSimpleName();
    }

    private static CelRuntime.Program program(String expression) throws CelValidationException, CelEvaluationException {
        CelRuntime.Program program = PROGRAMS.get(expression);
        if (program == null) {
            CelAbstractSyntaxTree ast = CEL.compile(expression).getAst();
            program = CEL.createProgram(ast);
            PROGRAMS.put(expression, program);
        }
        return program;
    }

    /** A connector as an expression sees it. */
    public record Subject(String cluster, String name, Map<String, String> config, Map<String, String> labels) {
        public Subject {
            config = config == null ? Map.of() : config;
            labels = labels == null ? Map.of() : labels;
        }

        /** A stored connector as policies see it: its config and the labels its state carries (a set's). */
        public static Subject of(ConnectorState state) {
            return new Subject(state.getCluster(), state.getName(), state.getConfig(), state.getLabels());
        }

        /** The class the worker will load for its {@code connector.class} (an alias of a bundled plugin is that plugin's class). */
        public String connectorClass() {
            return ConnectorClasses.canonical(config.get("connector.class"));
        }

        Map<String, Object> asMap() {
            Map<String, Object> map = new HashMap<>();
            map.put("name", name);
            map.put("cluster", cluster);
            map.put("class", connectorClass());
            map.put("config", config);
            map.put("labels", labels);
            return map;
        }
    }
}
