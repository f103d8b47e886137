package io.switchboard.pipelines;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The source's generated columns ({@code GENERATED ALWAYS AS (...) STORED}) made generated in the
 * target too. PostgreSQL before 18 does not publish them, so the pipeline leaves them out of every
 * event ({@link SourceShapes}) and the sink creates its tables without them; each round of
 * {@link PipelineScheduler} then adds each one to the target's table as the sink's role, with the
 * source's type and expression, and PostgreSQL computes it there from the replicated columns, for
 * the rows there are and every later change. The sink's upserts name their columns, so they leave it
 * to PostgreSQL. One that cannot be made there (a type or function the target lacks) is logged once,
 * and the target has no such column.
 */
final class GeneratedColumns {
    private static final Logger log = LoggerFactory.getLogger(GeneratedColumns.class);
    /** At most this many columns are added a round; the next round adds the rest. */
    static final int MAX_PER_ROUND = 50;
    /** Columns already said to be impossible in their target, so that each is logged once; bounded. */
    private static final Set<String> refused = Collections.newSetFromMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 10_000;
        }
    });

    private GeneratedColumns() {
    }

    /** A generated column of the source: its table, name, type and expression as PostgreSQL prints them. */
    record Column(String table, String name, String type, String expression) {
    }

    /** Adds to the target's tables the source's generated columns they lack; answers how many were added. */
    static int addToTarget(PostgresConnection source, PostgresConnection sink, String targetSchema) throws SQLException {
        List<Column> columns = new ArrayList<>();
        try (Connection c = source.connect(5); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), pg_get_expr(d.adbin, d.adrelid)"
                     + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                     + " JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                     + " WHERE a.attgenerated = 's' AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
                     + " AND n.nspname NOT IN ('information_schema', '" + HeartbeatTable.SCHEMA + "') AND n.nspname NOT LIKE 'pg\\_%'"
                     + " ORDER BY 1, a.attnum LIMIT 10000")) {
            while (r.next()) {
                columns.add(new Column(r.getString(1), r.getString(2), r.getString(3), r.getString(4)));
            }
        }
        if (columns.isEmpty()) {
            return 0;
        }
        // The sink names its tables <target schema>.<source table>, unquoted: folded to lowercase.
        String schema = SinkPrivileges.schema(targetSchema);
        int added = 0;
        try (Connection c = sink.connect(5)) {
            for (Column column : columns) {
                // ... and its columns unquoted too.
                String table = column.table().toLowerCase(Locale.ROOT);
                String name = column.name().toLowerCase(Locale.ROOT);
                String key = sink.host() + ":" + sink.port() + "/" + sink.database() + "/" + schema + "." + table + "." + name;
                if (added >= MAX_PER_ROUND || refused.contains(key) || !lacks(c, schema, table, name)) {
                    continue;
                }
                try (Statement s = c.createStatement()) {
                    s.execute("ALTER TABLE " + quoted(c, schema) + "." + quoted(c, table) + " ADD COLUMN " + quoted(c, name) + " "
                            + column.type() + " GENERATED ALWAYS AS (" + column.expression() + ") STORED");
                    added++;
                } catch (SQLException e) {
                    refused.add(key);
                    log.warn("Cannot make generated column {} in the target's {}.{}: {}", name, schema, table, e.getMessage());
                }
            }
        }
        return added;
    }

    /** Whether the target's table is there (the sink made it) without this column. */
    private static boolean lacks(Connection c, String schema, String table, String column) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace"
                + " WHERE n.nspname = ? AND k.relname = ? AND k.relkind IN ('r', 'p')) AND NOT EXISTS (SELECT 1 FROM information_schema.columns"
                + " WHERE table_schema = ? AND table_name = ? AND column_name = ?)")) {
            s.setString(1, schema);
            s.setString(2, table);
            s.setString(3, schema);
            s.setString(4, table);
            s.setString(5, column);
            try (ResultSet r = s.executeQuery()) {
                return r.next() && r.getBoolean(1);
            }
        }
    }

    private static String quoted(Connection c, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT quote_ident(?)")) {
            s.setString(1, name);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getString(1);
            }
        }
    }
}
