package dev.wok.relay.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The relay's durable op store: SQLite in WAL mode with {@code synchronous=FULL}, ops unique on
 * (client, client seq). Its epoch is made once, when the store is new, so a daemon can tell a reset
 * store from a restarted relay. Used from one thread only (the relay's writer).
 */
public final class RelayStore implements AutoCloseable {
    private static final int SCHEMA_VERSION = 1;
    public static final String FILE = "relay.db";
    private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> OWNER_ONLY =
            PosixFilePermissions.fromString("rw-------");

    private final Connection db;
    private final String epoch;
    private final PreparedStatement insert;
    private final PreparedStatement appliedQuery;
    private final PreparedStatement sinceQuery;
    private long head;

    private RelayStore(Connection db) throws SQLException {
        this.db = db;
        this.epoch = loadOrCreateEpoch();
        this.insert = db.prepareStatement("INSERT OR IGNORE INTO ops(client, cseq, body) VALUES (?, ?, ?)");
        this.appliedQuery = db.prepareStatement("SELECT COALESCE(MAX(cseq), 0) FROM ops WHERE client = ?");
        this.sinceQuery = db.prepareStatement("SELECT seq, client, cseq, body FROM ops WHERE seq > ? ORDER BY seq LIMIT ?");
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT COALESCE(MAX(seq), 0) FROM ops")) {
            head = r.getLong(1);
        }
    }

    public static RelayStore open(Path dataDir) throws IOException, SQLException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        }
        Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement s = db.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=FULL");
            int version;
            try (ResultSet r = s.executeQuery("PRAGMA user_version")) {
                version = r.getInt(1);
            }
            if (version > SCHEMA_VERSION) {
                db.close();
                throw new SQLException("store " + dataDir + " has schema version " + version
                        + ", newer than this relay understands (" + SCHEMA_VERSION + "); use a newer wok-relay");
            }
            if (version == 0) {
                s.execute("CREATE TABLE ops (seq INTEGER PRIMARY KEY AUTOINCREMENT, client TEXT NOT NULL,"
                        + " cseq INTEGER NOT NULL, body TEXT NOT NULL, UNIQUE (client, cseq))");
                s.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
                s.execute("PRAGMA user_version=" + SCHEMA_VERSION);
            }
        }
        db.setAutoCommit(false);
        RelayStore store = new RelayStore(db);
        for (String suffix : new String[] {"-wal", "-shm"}) {
            Path sidecar = dataDir.resolve(FILE + suffix);
            if (Files.exists(sidecar)) {
                Files.setPosixFilePermissions(sidecar, OWNER_ONLY);
            }
        }
        return store;
    }

    /** Why SQLite could not open or use the store, in words, with the fix. */
    public static String describe(SQLException e, Path dataDir) {
        int code = e instanceof org.sqlite.SQLiteException s ? s.getResultCode().code & 0xff : -1;
        Path file = dataDir.resolve(FILE);
        if (code == org.sqlite.SQLiteErrorCode.SQLITE_CORRUPT.code || code == org.sqlite.SQLiteErrorCode.SQLITE_NOTADB.code) {
            return file + " is damaged or not a relay store; move it away to start an empty store (daemons then pull again)";
        }
        if (code == org.sqlite.SQLiteErrorCode.SQLITE_READONLY.code || code == org.sqlite.SQLiteErrorCode.SQLITE_CANTOPEN.code
                || code == org.sqlite.SQLiteErrorCode.SQLITE_PERM.code) {
            return file + " cannot be written (permission denied or a read-only file system); check its owner and mode";
        }
        if (code == org.sqlite.SQLiteErrorCode.SQLITE_FULL.code) {
            return "no space left on the disk holding " + file;
        }
        return e.getMessage();
    }

    private String loadOrCreateEpoch() throws SQLException {
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT value FROM meta WHERE key = 'epoch'")) {
            if (r.next()) {
                return r.getString(1);
            }
        }
        String fresh = UUID.randomUUID().toString();
        try (PreparedStatement p = db.prepareStatement("INSERT INTO meta(key, value) VALUES ('epoch', ?)")) {
            p.setString(1, fresh);
            p.executeUpdate();
        }
        db.commit();
        return fresh;
    }

    public String epoch() {
        return epoch;
    }

    public long head() {
        return head;
    }

    /** The highest client seq stored for {@code client}, 0 when none. */
    public long applied(String client) throws SQLException {
        appliedQuery.setString(1, client);
        try (ResultSet r = appliedQuery.executeQuery()) {
            return r.getLong(1);
        }
    }

    /** A new op to store. */
    public record Incoming(String client, long cseq, String body) {}

    /**
     * Stores a batch in one transaction (one fsync); duplicates are skipped. Returns the ops newly
     * stored, in seq order.
     */
    public List<StoredOp> append(List<Incoming> batch) throws SQLException {
        List<StoredOp> stored = new ArrayList<>();
        try {
            for (Incoming op : batch) {
                insert.setString(1, op.client());
                insert.setLong(2, op.cseq());
                insert.setString(3, op.body());
                if (insert.executeUpdate() == 1) {
                    // One writer and AUTOINCREMENT: each stored op takes the next seq after the head.
                    stored.add(new StoredOp(head + stored.size() + 1, op.client(), op.cseq(), op.body()));
                }
            }
            db.commit();
        } catch (SQLException e) {
            try {
                db.rollback();
            } catch (SQLException alreadyRolledBack) {
                // SQLite ends the transaction itself on some errors (SQLITE_FULL): the first error is the news.
                // The driver begins the next transaction after a rollback that worked; here that is ours to do.
                e.addSuppressed(alreadyRolledBack);
                try (java.sql.Statement begin = db.createStatement()) {
                    begin.execute("BEGIN");
                } catch (SQLException cannotBegin) {
                    e.addSuppressed(cannotBegin);
                }
            }
            throw e;
        }
        if (!stored.isEmpty()) {
            head = stored.get(stored.size() - 1).seq();
        }
        return stored;
    }

    /** Ops after {@code seq}, in order, at most {@code limit}. */
    public List<StoredOp> since(long seq, int limit) throws SQLException {
        sinceQuery.setLong(1, seq);
        sinceQuery.setInt(2, limit);
        List<StoredOp> ops = new ArrayList<>();
        try (ResultSet r = sinceQuery.executeQuery()) {
            while (r.next()) {
                ops.add(new StoredOp(r.getLong(1), r.getString(2), r.getLong(3), r.getString(4)));
            }
        }
        return ops;
    }

    @Override
    public void close() throws SQLException {
        db.close();
    }
}
