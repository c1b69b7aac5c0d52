package dev.wok.daemon.store;

import java.nio.file.Path;
import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** The store cannot do what was asked; {@link #kind()} says why, and the message what to do about it. */
public final class StoreException extends Exception {
    public enum Kind {
        /** The disk holding the store is full: pushes fail until there is room, then work again. */
        DISK_FULL,
        /** The database file or its directory cannot be written. */
        READ_ONLY,
        /** The database is damaged or is not a wok store. */
        CORRUPT,
        /** Written by a newer wokd: this one does not know its schema. */
        NEWER_SCHEMA,
        /** Any other I/O failure. */
        IO,
        /** The daemon is stopping. */
        CLOSED
    }

    private final Kind kind;

    public StoreException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** Names the SQLite failure for a person: which problem with the file at {@code db}, and the fix. */
    static StoreException of(SQLException e, Path db) {
        SQLiteErrorCode code = e instanceof SQLiteException s ? s.getResultCode() : null;
        int primary = code == null ? -1 : code.code & 0xff;
        if (primary == SQLiteErrorCode.SQLITE_FULL.code) {
            return new StoreException(Kind.DISK_FULL, "no space left on the disk holding " + db
                    + ": free some space; pushes work again once there is room (nothing stored was lost)", e);
        }
        if (primary == SQLiteErrorCode.SQLITE_READONLY.code || primary == SQLiteErrorCode.SQLITE_CANTOPEN.code
                || primary == SQLiteErrorCode.SQLITE_PERM.code) {
            return new StoreException(Kind.READ_ONLY, "the store " + db + " cannot be written (read-only file,"
                    + " directory or file system): make it writable (chmod u+w " + db + " and its directory), then"
                    + " push again", e);
        }
        if (primary == SQLiteErrorCode.SQLITE_CORRUPT.code || primary == SQLiteErrorCode.SQLITE_NOTADB.code) {
            return new StoreException(Kind.CORRUPT, "the store " + db + " is damaged or not a wok store: stop wokd,"
                    + " move it away (mv " + db + " " + db + ".damaged; sqlite3's .recover may save its pending ops),"
                    + " and start wokd again with a fresh one", e);
        }
        return new StoreException(Kind.IO, "the store " + db + " failed: " + e.getMessage(), e);
    }
}
