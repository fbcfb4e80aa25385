import MicrogenreCore

/// Where viewing events are stored: an SQLite file (``SQLiteEventStore``, the embedded default)
/// or a PostgreSQL database (``PostgresEventStore``, shared by many machines). Both keep the
/// same promises:
/// - an event is stored once: importing it again (same user, title, time, kind and value)
///   changes nothing;
/// - each import is one transaction: an import that fails or is killed stores nothing, and an
///   import that returned has stored everything it reported;
/// - the schema is versioned, and a database made by an earlier release is migrated on open.
///
/// Beside the events a store keeps the co-viewing model derived from them (``model(key:)``),
/// so that every process reading the store shares one model instead of each computing its own.
public protocol EventStore: AnyObject, Sendable {
    /// What names the store in messages: the database file, or the URL without its password.
    var name: String { get }

    /// Stores the events `produce` passes to its `insert` function, all in one transaction, and
    /// records the import (its `source` and counts) with the number of rejected rows `produce`
    /// returns. When `produce` throws, nothing is stored and its error is rethrown.
    func add(
        source: String, _ produce: (_ insert: (ViewingEvent) throws -> Void) throws -> Int
    ) throws -> EventImportSummary

    /// Every event, in no particular order.
    func events() throws -> [ViewingEvent]

    /// One user's events, oldest first.
    func events(user: String) throws -> [ViewingEvent]

    /// The events of the users in shard `shard` (0-based) of `count`, as
    /// ``shard(ofUser:count:)`` splits them, in no particular order.
    func events(shard: Int, of count: Int) throws -> [ViewingEvent]

    /// What identifies the stored events, for models derived from them.
    func fingerprint() throws -> EventFingerprint

    /// How many events and users the store holds.
    func counts() throws -> (events: Int, users: Int)

    /// The co-viewing model stored under `key`, or nil when there is none (or it is damaged).
    func model(key: String) throws -> [UInt8]?

    /// Stores the co-viewing model under `key`, replacing every other stored model.
    func storeModel(_ bytes: [UInt8], key: String) throws

    /// Runs `body` while holding the store's lock for the model `key`, so that of many workers
    /// starting at once one computes the model and the others wait and read it.
    func withModelLock<T>(key: String, _ body: () throws -> T) throws -> T
}

extension EventStore {
    /// Stores `events` in one transaction and records the import (its source, counts and
    /// `rejected`, the rows the caller could not read).
    @discardableResult
    public func add(_ events: [ViewingEvent], source: String, rejected: Int = 0) throws -> EventImportSummary {
        try add(source: source) { insert in
            for event in events { try insert(event) }
            return rejected
        }
    }
}

/// What an import did.
public struct EventImportSummary: Sendable, Hashable {
    /// Events stored for the first time.
    public var inserted = 0
    /// Events already in the store (re-imports).
    public var duplicates = 0

    /// Nothing stored.
    public init() {}
}

/// What identifies the stored events for models derived from them: the number of events, the
/// highest event id (events are only ever added) and the newest timestamp.
public struct EventFingerprint: Sendable, Hashable {
    /// Events stored.
    public var events: Int
    /// The highest event id.
    public var lastID: Int64
    /// The newest event's time (seconds since 1970).
    public var newest: Int64

    /// A fingerprint.
    public init(events: Int, lastID: Int64, newest: Int64) {
        self.events = events
        self.lastID = lastID
        self.newest = newest
    }
}

/// A store failure, naming the store (never with a password).
public struct EventStoreError: Error, Sendable, CustomStringConvertible {
    /// The database file or URL.
    public var store: String
    /// What the database (or the store) said.
    public var message: String

    /// An error of `store`.
    public init(store: String, message: String) {
        self.store = store
        self.message = message
    }

    /// `STORE: message`.
    public var description: String { "\(store): \(message)" }
}

/// Which of `count` shards a user belongs to (0-based): FNV-1a of the user id, its top bit
/// cleared, modulo `count`. Every machine computes the same split, the shards together hold
/// every user once, and a database can compute it from the stored ``userBucket(_:)``.
public func shard(ofUser user: String, count: Int) -> Int {
    Int(userBucket(user) % Int64(max(1, count)))
}

/// The non-negative 63-bit hash a user's shard is taken from (stored with each event in
/// PostgreSQL, so that a worker's query selects its shard).
public func userBucket(_ user: String) -> Int64 {
    Int64(bitPattern: FNV1a.hash(user.utf8) & UInt64(Int64.max))
}

/// Opens the store `location` names: a `postgres://` or `postgresql://` URL opens PostgreSQL,
/// anything else is the path of an SQLite file (created when missing).
public func openEventStore(_ location: String) throws -> any EventStore {
    if PostgresURL.isPostgres(location) {
        return try PostgresEventStore(url: location)
    }
    return try SQLiteEventStore(path: location)
}
