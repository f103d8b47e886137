package io.switchboard.pipelines;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a pipeline's source holds that its source connector must be told about, read as the source's
 * role before the connectors start (and again at each start, enable or ReIntialize):
 * <ul>
 *   <li><b>Partitioned tables.</b> From PostgreSQL 13 the pipeline's own publication publishes
 *       through the root ({@code publish_via_partition_root = true}): a row streamed from any
 *       partition is a change of the root, and the partitions are left out of the snapshot and of
 *       the publication, so the target has one table with every row. A publication an administrator
 *       made is read as it is: through its roots when it says so, else partition by partition (the
 *       roots are then left out, each partition being a table of the target). Before 13 a root
 *       cannot be published: its partitions are.</li>
 *   <li><b>Generated columns</b> ({@code GENERATED ALWAYS AS ... STORED}). PostgreSQL before 18
 *       does not publish them (18 only when asked), so a snapshot's value would go stale at the
 *       first change: they are left out of every event, and the target computes them when it has
 *       them as generated columns too ({@link GeneratedColumns}).</li>
 *   <li><b>Tables it cannot replicate.</b> A table without a primary key (the target writes rows by
 *       key, and PostgreSQL would refuse the application's UPDATE and DELETE on it once published)
 *       and, for the pipeline's own publication, a table another role owns (only its owner may add
 *       it): neither stops the pipeline. They are kept out of its publication and of its snapshot
 *       (and, with a publication an administrator made, out of what the connector captures), and
 *       the status lists them with the SQL that lets them in ({@link TablesLeftOut}).</li>
 * </ul>
 * At most {@value #MAX_NAMED} partitions and as many generated columns are named (each a pattern in
 * the source's config); past that, the rest are logged and left as they are.
 */
record SourceShapes(boolean viaRoot, List<String> leftOutTables, List<String> leftOutColumns, List<String> notReplicated) {
    static final int MAX_NAMED = 5_000;
    /** Nothing read: the connector's defaults. */
    static final SourceShapes NONE = new SourceShapes(false, List.of(), List.of(), List.of());
    /** A table the pipeline may replicate: one with a primary key (alias {@code c} for pg_class). */
    static final String KEYED = "EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)";
    /** A table the role may add to a publication of its own, as ALTER PUBLICATION asks: its owner (alias {@code c}). */
    static final String OWNED = "pg_has_role(c.relowner, 'USAGE')";
    private static final Logger log = LoggerFactory.getLogger(SourceShapes.class);
    private static final String USER_SCHEMAS = " AND n.nspname NOT IN ('information_schema', '" + HeartbeatTable.SCHEMA + "')"
            + " AND n.nspname NOT LIKE 'pg\\_%'";

    /** The keys of the source's config that these settings write. */
    static final List<String> KEYS = List.of("publish.via.partition.root", "table.exclude.list", "column.exclude.list");

    /**
     * Reads them as the source's role; for the pipeline's own publication ({@code publication} null),
     * one made before it published through its roots is changed to (its owner, the role, may).
     */
    static SourceShapes read(PostgresConnection source, String publication, String ownPublication) throws SQLException {
        try (Connection c = source.connect(5)) {
            int version = Integer.parseInt(first(c, "SHOW server_version_num", null));
            boolean viaRoot;
            if (version < 130_000) {
                viaRoot = false;
            } else if (publication == null) {
                viaRoot = true;
                if ("f".equals(first(c, "SELECT pubviaroot FROM pg_publication WHERE pubname = ?", ownPublication))
                        && ownPublication.matches("[a-z0-9_]+")) {
                    try (Statement s = c.createStatement()) {
                        s.execute("ALTER PUBLICATION " + ownPublication + " SET (publish_via_partition_root = true)");
                    } catch (SQLException e) {
                        // Another role's publication of the pipeline's name: taken as it is (the source says
                        // what the database refuses it, in its words).
                        log.debug("Publication {} is left as it is: {}", ownPublication, e.getMessage());
                        viaRoot = false;
                    }
                }
            } else {
                viaRoot = "t".equals(first(c, "SELECT pubviaroot FROM pg_publication WHERE pubname = ?", publication));
            }
            // Through the root: every partition (at any depth) is left out; else the partitioned tables are.
            List<String> tables = all(c, "SELECT format('%s.%s', n.nspname, c.relname) FROM pg_class c"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND "
                    + (viaRoot ? "c.relispartition" : "c.relkind = 'p'") + USER_SCHEMAS + " ORDER BY 1 LIMIT " + (MAX_NAMED + 1));
            List<String> columns = version < 120_000 ? List.of() : all(c, "SELECT format('%s.%s.%s', n.nspname, c.relname, a.attname)"
                    + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE a.attgenerated <> '' AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p')"
                    + USER_SCHEMAS + " ORDER BY 1 LIMIT " + (MAX_NAMED + 1));
            // What it cannot replicate is left out, never a reason to refuse the rest (TablesLeftOut lists it).
            List<String> notReplicated = publication == null
                    ? all(c, "SELECT format('%s.%s', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE c.relkind IN ('r', 'p') AND " + (viaRoot ? "NOT c.relispartition" : "c.relkind = 'r'") + USER_SCHEMAS
                    + " AND NOT (" + KEYED + " AND " + OWNED + ") ORDER BY 1 LIMIT " + (MAX_NAMED + 1))
                    : query(c, "SELECT format('%s.%s', n.nspname, c.relname) FROM pg_get_publication_tables(?) t"
                    + " JOIN pg_class c ON c.oid = t.relid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT " + KEYED
                    + " ORDER BY 1 LIMIT " + (MAX_NAMED + 1), publication);
            return new SourceShapes(viaRoot, bounded(tables, "partitioned tables' parts"), bounded(columns, "generated columns"),
                    bounded(notReplicated, "tables it cannot replicate"));
        }
    }

    /**
     * The source connector's settings: {@code publish.via.partition.root}, and each table and
     * column left out as an anchored pattern (with or without a database name first), added to
     * the exclusions the pipeline has already ({@code excludedTables}, or null). The tables it
     * cannot replicate are excluded from what it captures, its snapshot included (the pipeline's
     * own publication is built without them too, {@link PublicationTables#build}); one given a key
     * while it runs is taken at its next start ({@link PublicationTables#addNew} leaves it until then).
     */
    Map<String, String> settings(String excludedTables) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("publish.via.partition.root", String.valueOf(viaRoot));
        List<String> excluded = new ArrayList<>(leftOutTables);
        excluded.addAll(notReplicated);
        String tables = anyOf(excluded);
        if (excludedTables != null || tables != null) {
            out.put("table.exclude.list", excludedTables == null ? tables : tables == null ? excludedTables : excludedTables + "," + tables);
        }
        String columns = anyOf(leftOutColumns);
        if (columns != null) {
            out.put("column.exclude.list", columns);
        }
        return out;
    }

    /** One pattern matching any of the names whole, dots between their parts; null for none. */
    static String anyOf(List<String> names) {
        if (names.isEmpty()) {
            return null;
        }
        List<String> quoted = new ArrayList<>();
        for (String name : names) {
            quoted.add(literal(name));
        }
        return "^(?:[^.]+\\.)?(?:" + String.join("|", quoted) + ")$";
    }

    /**
     * A name ("schema.table") as a pattern: letters, digits and '_' as they are, a dot between parts
     * as a literal dot, any other character escaped; a comma (which would split Debezium's list)
     * matched by any character instead.
     */
    private static String literal(String name) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (Character.isLetterOrDigit(ch) || ch == '_') {
                out.append(ch);
            } else if (ch == ',') {
                out.append('.');
            } else {
                out.append('\\').append(ch);
            }
        }
        return out.toString();
    }

    private static List<String> bounded(List<String> names, String what) {
        if (names.size() <= MAX_NAMED) {
            return names;
        }
        log.warn("More than {} {} in the source: the first {} are named to its connector, the rest left as they are", MAX_NAMED, what, MAX_NAMED);
        return names.subList(0, MAX_NAMED);
    }

    private static String first(Connection c, String sql, String parameter) throws SQLException {
        List<String> all = query(c, sql, parameter);
        return all.isEmpty() ? null : all.get(0);
    }

    private static List<String> all(Connection c, String sql) throws SQLException {
        return query(c, sql, null);
    }

    private static List<String> query(Connection c, String sql, String parameter) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            if (parameter != null) {
                s.setString(1, parameter);
            }
            List<String> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
            return out;
        }
    }
}
