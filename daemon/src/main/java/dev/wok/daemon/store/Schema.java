package dev.wok.daemon.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The store's schema, versioned with {@code PRAGMA user_version}: each migration takes the database one
 * version forward, in its own transaction. A database newer than this build knows is refused.
 */
final class Schema {
    /** Migrations in order: index i takes version i to version i + 1. */
    private static final List<List<String>> MIGRATIONS = List.of(
            List.of(
                    "CREATE TABLE state (id INTEGER PRIMARY KEY CHECK (id = 1), client_id TEXT NOT NULL,"
                            + " next_cseq INTEGER NOT NULL, acked INTEGER NOT NULL, last_seq INTEGER NOT NULL, epoch TEXT)",
                    "CREATE TABLE outbox (cseq INTEGER PRIMARY KEY, body TEXT NOT NULL, pushed_at INTEGER NOT NULL)",
                    "CREATE TABLE events (seq INTEGER PRIMARY KEY, client TEXT NOT NULL, cseq INTEGER NOT NULL,"
                            + " body TEXT NOT NULL)"),
            // Spool files taken into the outbox, so that one whose removal a crash interrupted is not taken twice.
            List.of("CREATE TABLE spool_taken (name TEXT PRIMARY KEY)"));

    static final int VERSION = MIGRATIONS.size();

    private Schema() {}

    /** Brings {@code db} (in autocommit mode) to {@link #VERSION}. */
    static void migrate(Connection db, Path file) throws SQLException, StoreException {
        int version;
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("PRAGMA user_version")) {
            version = r.getInt(1);
        }
        if (version > VERSION) {
            throw new StoreException(StoreException.Kind.NEWER_SCHEMA, "the store " + file + " has schema version "
                    + version + ", written by a newer wokd; this one knows up to " + VERSION
                    + ". Run the newer wok, or move the file away to start a fresh store", null);
        }
        for (int v = version; v < VERSION; v++) {
            db.setAutoCommit(false);
            try (Statement s = db.createStatement()) {
                for (String sql : MIGRATIONS.get(v)) {
                    s.execute(sql);
                }
                s.execute("PRAGMA user_version = " + (v + 1));
                db.commit();
            } catch (SQLException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        }
    }
}
