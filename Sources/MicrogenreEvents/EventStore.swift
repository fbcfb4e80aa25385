internal import GRDB
import MicrogenreCore

/// Viewing events in an SQLite database. An event is stored once: importing the same event
/// again (same user, title, time, kind and value) changes nothing. Each import is one
/// transaction, so an import that fails or is killed stores nothing, and an import that
/// returned has stored everything it reported.
public final class EventStore: @unchecked Sendable {
    /// The database file.
    public let path: String
    private let queue: DatabaseQueue

    /// What an import did.
    public struct ImportSummary: Sendable, Hashable {
        /// Events stored for the first time.
        public var inserted = 0
        /// Events already in the store (re-imports).
        public var duplicates = 0

        /// Nothing stored.
        public init() {}
    }

    /// A store failure, naming the database file.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// The database file.
        public var path: String
        /// What SQLite (or the store) said.
        public var message: String
        /// `PATH: message`.
        public var description: String { "\(path): \(message)" }
    }

    /// Opens (creating when missing) the store at `path`.
    public init(path: String) throws {
        self.path = path
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            // A 64 MB page cache keeps the unique index of a large import in memory.
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA cache_size = -65536") }
            queue = try DatabaseQueue(path: path, configuration: configuration)
            var migrator = DatabaseMigrator()
            migrator.registerMigration("events-v1") { db in
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
            try migrator.migrate(queue)
        } catch {
            throw Failure(path: path, message: Self.describe(error))
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return error.message.map { "SQLite error \(error.resultCode.rawValue): \($0)" } ?? "\(error)"
        }
        return "\(error)"
    }

    /// Stores `events` in one transaction and records the import (its source, counts and
    /// `rejected`, the rows the caller could not read).
    @discardableResult
    public func add(_ events: [ViewingEvent], source: String, rejected: Int = 0) throws -> ImportSummary {
        try add(source: source) { insert in
            for event in events { try insert(event) }
            return rejected
        }
    }

    /// Stores the events `produce` passes to its `insert` function, all in one transaction, and
    /// records the import with the number of rejected rows `produce` returns. When `produce`
    /// throws, nothing is stored.
    @discardableResult
    public func add(
        source: String, _ produce: (_ insert: (ViewingEvent) throws -> Void) throws -> Int
    ) throws -> ImportSummary {
        do {
            return try queue.write { db in
                var summary = ImportSummary()
                let statement = try db.makeStatement(
                    sql: "INSERT OR IGNORE INTO event (user, title, timestamp, kind, value) VALUES (?, ?, ?, ?, ?)")
                let rejected = try produce { event in
                    try statement.execute(arguments: [
                        event.user, event.title.rawValue, event.timestamp, event.kind.rawValue, event.value,
                    ])
                    if db.changesCount > 0 { summary.inserted += 1 } else { summary.duplicates += 1 }
                }
                try db.execute(
                    sql: "INSERT INTO import (source, inserted, duplicates, rejected) VALUES (?, ?, ?, ?)",
                    arguments: [source, summary.inserted, summary.duplicates, rejected])
                return summary
            }
        } catch let error as DatabaseError {
            throw Failure(path: path, message: Self.describe(error))
        }
    }

    /// Every event, in the order they were stored (a sequential scan: the fastest way to read
    /// them all; sort them when order matters).
    public func events() throws -> [ViewingEvent] {
        try read(sql: "SELECT user, title, timestamp, kind, value FROM event ORDER BY id")
    }

    /// One user's events, oldest first.
    public func events(user: String) throws -> [ViewingEvent] {
        try read(
            sql: "SELECT user, title, timestamp, kind, value FROM event WHERE user = ? ORDER BY timestamp, id",
            arguments: [user])
    }

    /// What identifies the stored events for caches derived from them: the number of events,
    /// the highest row id (events are only ever added) and the newest timestamp.
    public func fingerprint() throws -> (events: Int, lastID: Int64, newest: Int64) {
        do {
            return try queue.read { db in
                let row = try Row.fetchOne(db, sql: "SELECT count(*), max(id), max(timestamp) FROM event")
                return (row?[0] ?? 0, row?[1] ?? 0, row?[2] ?? 0)
            }
        } catch {
            throw Failure(path: path, message: Self.describe(error))
        }
    }

    /// How many events and users the store holds.
    public func counts() throws -> (events: Int, users: Int) {
        do {
            return try queue.read { db in
                let events = try Int.fetchOne(db, sql: "SELECT count(*) FROM event") ?? 0
                let users = try Int.fetchOne(db, sql: "SELECT count(DISTINCT user) FROM event") ?? 0
                return (events, users)
            }
        } catch {
            throw Failure(path: path, message: Self.describe(error))
        }
    }

    private func read(sql: String, arguments: StatementArguments = StatementArguments()) throws -> [ViewingEvent] {
        do {
            return try queue.read { db in
                var result: [ViewingEvent] = []
                let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
                while let row = try rows.next() {
                    let kindText: String = row[3]
                    guard let kind = ViewingEvent.Kind(rawValue: kindText) else { continue }
                    result.append(
                        ViewingEvent(
                            user: row[0], title: TitleID(row[1] as String), timestamp: row[2], kind: kind,
                            value: row[4]))
                }
                return result
            }
        } catch {
            throw Failure(path: path, message: Self.describe(error))
        }
    }
}
