internal import GRDB
import MicrogenreCore

#if canImport(Glibc)
    import Glibc
#endif

/// Viewing events in an SQLite database: the embedded store, right for one machine. The
/// co-viewing model is kept as a file beside the database, named by its key.
///
/// Schema versions (each a migration, applied in order on open):
/// 1. `event` (with a unique key over user, title, timestamp, kind and value) and `import`;
/// 2. `import` records the highest event id and the newest timestamp after each import, so the
///    fingerprint is read from a few rows instead of a scan of every event.
public final class SQLiteEventStore: EventStore, @unchecked Sendable {
    /// The database file.
    public let path: String
    private let queue: DatabaseQueue

    /// The database file.
    public var name: String { path }

    /// The migrations, in order; a database records the ones it has.
    static let migrations = ["events-v1", "events-v2-import-fingerprint"]

    /// Opens (creating when missing) the store at `path`, migrating an older schema.
    public convenience init(path: String) throws {
        try self.init(path: path, migrations: Self.migrations.count)
    }

    /// Opens the store with only the first `migrations` migrations (for tests that make a
    /// database as an earlier release did).
    init(path: String, migrations: Int) throws {
        self.path = path
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            // A 64 MB page cache keeps the unique index of a large import in memory.
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA cache_size = -65536")
                db.add(
                    function: DatabaseFunction("microgenre_shard", argumentCount: 2, pure: true) { values in
                        guard let user = String.fromDatabaseValue(values[0]),
                            let count = Int.fromDatabaseValue(values[1])
                        else { return nil }
                        return shard(ofUser: user, count: count)
                    })
            }
            queue = try DatabaseQueue(path: path, configuration: configuration)
            var migrator = DatabaseMigrator()
            migrator.registerMigration(Self.migrations[0]) { db in
                try db.execute(
                    sql: """
                        CREATE TABLE event (
                            id INTEGER PRIMARY KEY,
                            user TEXT NOT NULL,
                            title TEXT NOT NULL,
                            timestamp INTEGER NOT NULL,
                            kind TEXT NOT NULL,
                            value REAL NOT NULL,
                            UNIQUE (user, title, timestamp, kind, value)
                        );
                        CREATE INDEX event_user ON event (user, timestamp);
                        CREATE TABLE import (
                            id INTEGER PRIMARY KEY,
                            source TEXT NOT NULL,
                            inserted INTEGER NOT NULL,
                            duplicates INTEGER NOT NULL,
                            rejected INTEGER NOT NULL,
                            at INTEGER NOT NULL DEFAULT (strftime('%s', 'now'))
                        );
                        """)
            }
            if migrations >= 2 {
                migrator.registerMigration(Self.migrations[1]) { db in
                    // The latest import of an older database gets the figures of every event
                    // stored so far; its counts stay as they were.
                    try db.execute(
                        sql: """
                            ALTER TABLE import ADD COLUMN last_id INTEGER;
                            ALTER TABLE import ADD COLUMN newest INTEGER;
                            UPDATE import SET last_id = (SELECT max(id) FROM event),
                                              newest = (SELECT max(timestamp) FROM event)
                            WHERE id = (SELECT max(id) FROM import);
                            """)
                }
            }
            try migrator.migrate(queue)
            // A database from a later release has migrations this one does not know.
            let applied = try queue.read { try migrator.appliedIdentifiers($0) }
            let known = Set(Self.migrations)
            if let unknown = applied.first(where: { !known.contains($0) }) {
                throw EventStoreError(
                    store: path,
                    message: "the database has schema migration '\(unknown)', made by a later release of microgenre")
            }
        } catch let error as EventStoreError {
            throw error
        } catch {
            throw EventStoreError(store: path, message: Self.describe(error))
        }
    }

    /// The schema migrations the database has, in the order they were applied.
    public func appliedMigrations() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid") }
    }

    /// Runs `sql` (for tests that change the database as another release would).
    func execute(_ sql: String) throws {
        try queue.write { try $0.execute(sql: sql) }
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return error.message.map { "SQLite error \(error.resultCode.rawValue): \($0)" } ?? "\(error)"
        }
        return "\(error)"
    }

    private func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.read(body)
        } catch {
            throw EventStoreError(store: path, message: Self.describe(error))
        }
    }

    public func add(
        source: String, _ produce: (_ insert: (ViewingEvent) throws -> Void) throws -> Int
    ) throws -> EventImportSummary {
        do {
            return try queue.write { db in
                var summary = EventImportSummary()
                var lastID: Int64 = 0
                var newest = Int64.min
                let statement = try db.makeStatement(
                    sql: "INSERT OR IGNORE INTO event (user, title, timestamp, kind, value) VALUES (?, ?, ?, ?, ?)")
                let rejected = try produce { event in
                    try statement.execute(arguments: [
                        event.user, event.title.rawValue, event.timestamp, event.kind.rawValue, event.value,
                    ])
                    if db.changesCount > 0 {
                        summary.inserted += 1
                        lastID = db.lastInsertedRowID
                        newest = max(newest, event.timestamp)
                    } else {
                        summary.duplicates += 1
                    }
                }
                try db.execute(
                    sql:
                        "INSERT INTO import (source, inserted, duplicates, rejected, last_id, newest) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [
                        source, summary.inserted, summary.duplicates, rejected, summary.inserted > 0 ? lastID : nil,
                        summary.inserted > 0 ? newest : nil,
                    ])
                return summary
            }
        } catch let error as DatabaseError {
            throw EventStoreError(store: path, message: Self.describe(error))
        }
    }

    public func events() throws -> [ViewingEvent] {
        try read(sql: "SELECT user, title, timestamp, kind, value FROM event")
    }

    public func events(user: String) throws -> [ViewingEvent] {
        try read(
            sql: "SELECT user, title, timestamp, kind, value FROM event WHERE user = ? ORDER BY timestamp, id",
            arguments: [user])
    }

    public func events(shard: Int, of count: Int) throws -> [ViewingEvent] {
        try read(
            sql: "SELECT user, title, timestamp, kind, value FROM event WHERE microgenre_shard(user, ?) = ?",
            arguments: [count, shard])
    }

    public func fingerprint() throws -> EventFingerprint {
        try read { db in
            let row = try Row.fetchOne(
                db, sql: "SELECT coalesce(sum(inserted), 0), max(last_id), max(newest) FROM import")
            return EventFingerprint(events: row?[0] ?? 0, lastID: row?[1] ?? 0, newest: row?[2] ?? 0)
        }
    }

    public func counts() throws -> (events: Int, users: Int) {
        try read { db in
            let events = try Int.fetchOne(db, sql: "SELECT count(*) FROM event") ?? 0
            let users = try Int.fetchOne(db, sql: "SELECT count(DISTINCT user) FROM event") ?? 0
            return (events, users)
        }
    }

    /// The model file for `key`: beside the database, named by the key.
    public func modelPath(key: String) -> String {
        path + ".coviewing-" + key + ".cache"
    }

    public func model(key: String) throws -> [UInt8]? {
        try? FileSystem.read(modelPath(key: key))
    }

    /// Writes the model file (atomically) and removes older ones; a file that cannot be
    /// written is only a lost speed-up.
    public func storeModel(_ bytes: [UInt8], key: String) throws {
        let file = modelPath(key: key)
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let prefix = (slash.map { String(path[path.index(after: $0)...]) } ?? path) + ".coviewing-"
        let name = String(file.dropFirst(directory.count + 1))
        for other in (try? FileSystem.list(directory)) ?? [] where other.hasPrefix(prefix) && other != name {
            unlink(directory + "/" + other)
        }
        try? FileSystem.write(bytes, to: file)
    }

    /// Holds an exclusive `flock` on a lock file beside the database.
    public func withModelLock<T>(key: String, _ body: () throws -> T) throws -> T {
        let lockPath = path + ".coviewing.lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return try body() }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 && errno == EINTR {}
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }

    private func read(sql: String, arguments: StatementArguments = StatementArguments()) throws -> [ViewingEvent] {
        try read { db in
            var result: [ViewingEvent] = []
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try rows.next() {
                let kindText: String = row[3]
                guard let kind = ViewingEvent.Kind(rawValue: kindText) else { continue }
                result.append(
                    ViewingEvent(
                        user: row[0], title: TitleID(row[1] as String), timestamp: row[2], kind: kind, value: row[4]))
            }
            return result
        }
    }
}
