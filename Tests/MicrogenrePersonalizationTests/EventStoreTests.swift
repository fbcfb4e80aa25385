import Foundation
import MicrogenreCore
import MicrogenreTestSupport
import Synchronization
import Testing

@testable import MicrogenreEvents

/// The two event stores, for tests that hold both to the same promises.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// A new, empty store (with only the first `migrations` schema migrations, when given) and
    /// its location.
    func makeStore(migrations: Int? = nil) throws -> (store: any EventStore, location: String) {
        switch self {
        case .sqlite:
            let path = Scratch.file("events", suffix: ".sqlite")
            return (try SQLiteEventStore(path: path, migrations: migrations ?? SQLiteEventStore.migrations.count), path)
        case .postgres:
            let location = try Self.newDatabase()
            return (try PostgresEventStore(url: PostgresURL(location), migrations: migrations), location)
        }
    }

    /// Opens `location` again (a second connection), migrating it.
    func reopen(_ location: String) throws -> any EventStore {
        try openEventStore(location)
    }

    /// A new database on the test server, as a URL.
    static func newDatabase() throws -> String {
        let server = try TestPostgres.url()
        let name = TestPostgres.databaseName("events")
        try PostgresEventStore.createDatabase(name, on: PostgresURL(server))
        return TestPostgres.url(server, database: name)
    }
}

/// Both event stores keep the same promises: idempotent imports in one transaction, shards
/// that split the users, stored models, a lock, and schema migrations.
@Suite struct EventStoreTests {
    static let events = [
        ViewingEvent(user: "u1", title: TitleID("A"), timestamp: 10, kind: .complete),
        ViewingEvent(user: "u1", title: TitleID("B"), timestamp: 20, kind: .rating, value: 4),
        ViewingEvent(user: "u2", title: TitleID("A"), timestamp: 30, kind: .play, value: 60.125),
    ]

    @Test(arguments: Backend.allCases)
    func reimportingChangesNothing(backend: Backend) throws {
        let (store, location) = try backend.makeStore()
        let first = try store.add(Self.events, source: "a.csv")
        #expect(first.inserted == 3 && first.duplicates == 0)
        // The same events again, one new one, and a repeat within the import itself.
        let extra = ViewingEvent(user: "u2", title: TitleID("A"), timestamp: 30, kind: .play, value: 90)
        let second = try store.add(Self.events + [extra, extra], source: "a.csv")
        #expect(second.inserted == 1 && second.duplicates == 4)
        // A second connection sees exactly what was reported.
        let reopened = try backend.reopen(location)
        #expect(try reopened.counts() == (events: 4, users: 2))
        #expect(try reopened.events(user: "u1") == Array(Self.events.prefix(2)))
        #expect(try Set(reopened.events()) == Set(Self.events + [extra]))
        // PostgreSQL's ids skip the values a conflicting row drew; they only grow.
        let fingerprint = try reopened.fingerprint()
        #expect(fingerprint.events == 4 && fingerprint.newest == 30 && fingerprint.lastID >= 4)
        let nothing = try reopened.add([], source: "empty.csv")
        #expect(nothing.inserted == 0 && nothing.duplicates == 0)
        #expect(try reopened.fingerprint() == fingerprint)
    }

    /// A PostgreSQL import goes in batches, each merged on its own: a batch of new events takes
    /// the fast path, one with stored or repeated events the careful one, and the counts add up.
    @Test func batchesOfAnImportAreMergedEachOnTheirOwn() throws {
        let store = try PostgresEventStore(url: PostgresURL(Backend.newDatabase()))
        store.batchBytes = 2048  // about 60 events a batch
        let first = (0..<500).map {
            ViewingEvent(user: "u\($0 % 40)", title: TitleID("t\($0)"), timestamp: Int64($0), kind: .complete)
        }
        #expect(try store.add(first, source: "first.csv").inserted == 500)
        // New events, then some stored ones in a later batch, a repeat, then new again.
        let later = (500..<800).map {
            ViewingEvent(user: "u\($0 % 40)", title: TitleID("t\($0)"), timestamp: Int64($0), kind: .complete)
        }
        let mixed = Array(later.prefix(150)) + Array(first[200..<260]) + [later[0]] + Array(later.dropFirst(150))
        let summary = try store.add(mixed, source: "mixed.csv")
        #expect(summary.inserted == 300 && summary.duplicates == 61)
        #expect(try store.counts() == (events: 800, users: 40))
        let fingerprint = try store.fingerprint()
        #expect(fingerprint.events == 800 && fingerprint.newest == 799)
        #expect(try Set(store.events()) == Set(first + later))
    }

    /// Ids with the characters COPY's text format escapes, and beyond ASCII, come back as given.
    @Test(arguments: Backend.allCases)
    func idsComeBackAsGiven(backend: Backend) throws {
        let (store, _) = try backend.makeStore()
        let users = ["tab\there", "new\nline", "back\\slash", "ret\rurn", "\\N", "émile", "ユーザー", "a\"b,c'd"]
        let events = users.enumerated().map { n, user in
            ViewingEvent(
                user: user, title: TitleID("t\\\t\(n)"), timestamp: Int64(n), kind: .rating, value: 0.1 * Double(n))
        }
        #expect(try store.add(events, source: "odd.csv").inserted == users.count)
        #expect(try Set(store.events()) == Set(events))
        for event in events { #expect(try store.events(user: event.user) == [event]) }
    }

    @Test(arguments: Backend.allCases)
    func aFailedImportStoresNothing(backend: Backend) throws {
        let (store, _) = try backend.makeStore()
        struct Interrupted: Error {}
        #expect(throws: Interrupted.self) {
            try store.add(source: "broken.csv") { insert in
                // Enough to have sent chunks to the server before the failure.
                for n in 0..<60_000 {
                    try insert(ViewingEvent(user: "u\(n)", title: TitleID("A"), timestamp: 10, kind: .complete))
                }
                throw Interrupted()
            }
        }
        #expect(try store.counts() == (events: 0, users: 0))
        #expect(try store.fingerprint() == EventFingerprint(events: 0, lastID: 0, newest: 0))
        // The store is usable afterwards.
        #expect(try store.add(Self.events, source: "a.csv").inserted == 3)
    }

    @Test(arguments: Backend.allCases)
    func shardsSplitTheUsersAsTheHashDoes(backend: Backend) throws {
        let (store, _) = try backend.makeStore()
        let events = (0..<200).map { n in
            ViewingEvent(user: "user-\(n % 50)", title: TitleID("t\(n % 7)"), timestamp: Int64(n), kind: .complete)
        }
        try store.add(events, source: "many.csv")
        var seen: [ViewingEvent] = []
        for shard in 0..<4 {
            let part = try store.events(shard: shard, of: 4)
            #expect(part.allSatisfy { MicrogenreEvents.shard(ofUser: $0.user, count: 4) == shard })
            seen += part
        }
        #expect(seen.count == events.count && Set(seen) == Set(events))
        #expect(try store.events(shard: 0, of: 1).count == events.count)
    }

    @Test(arguments: Backend.allCases)
    func aStoredModelIsReadAndReplacesTheOthers(backend: Backend) throws {
        let (store, _) = try backend.makeStore()
        #expect(try store.model(key: "a") == nil)
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        try store.storeModel(bytes, key: "a")
        #expect(try store.model(key: "a") == bytes)
        try store.storeModel([1, 2, 3], key: "b")
        #expect(try store.model(key: "b") == [1, 2, 3])
        #expect(try store.model(key: "a") == nil)
    }

    /// One holder of the model lock at a time, across connections.
    @Test(arguments: Backend.allCases)
    func theModelLockIsHeldByOneAtATime(backend: Backend) throws {
        let (first, location) = try backend.makeStore()
        let second = try backend.reopen(location)
        let order = Mutex<[String]>([])
        let holding = DispatchSemaphore(value: 0)
        let thread = Thread {
            _ = try? first.withModelLock(key: "k") {
                holding.signal()
                usleep(300_000)
                order.withLock { $0.append("first done") }
            }
        }
        thread.start()
        holding.wait()
        try second.withModelLock(key: "k") { order.withLock { $0.append("second") } }
        #expect(order.withLock { $0 } == ["first done", "second"])
    }

    /// A database made with the first schema version (as the previous release made it) opens,
    /// migrates, and keeps its events and fingerprint; one from a later release is refused.
    @Test(arguments: Backend.allCases)
    func anOlderDatabaseMigratesAndANewerOneIsRefused(backend: Backend) throws {
        let (old, location) = try backend.makeStore(migrations: 1)
        switch old {
        case let store as SQLiteEventStore:
            // As the previous release stored them.
            for event in Self.events {
                try store.execute(
                    "INSERT INTO event (user, title, timestamp, kind, value) VALUES ('\(event.user)', '\(event.title)', \(event.timestamp), '\(event.kind.rawValue)', \(event.value))"
                )
            }
            try store.execute("INSERT INTO import (source, inserted, duplicates, rejected) VALUES ('a.csv', 3, 0, 0)")
        default:
            try old.add(Self.events, source: "a.csv")
        }
        let before = EventFingerprint(events: 3, lastID: 3, newest: 30)
        let migrated = try backend.reopen(location)
        let names: [String]
        switch migrated {
        case let store as SQLiteEventStore: names = try store.appliedMigrations()
        case let store as PostgresEventStore: names = try store.appliedMigrations()
        default: names = []
        }
        #expect(
            names
                == (backend == .sqlite ? SQLiteEventStore.migrations : PostgresEventStore.migrations.map(\.name)))
        #expect(try migrated.fingerprint() == before)
        #expect(try migrated.events(user: "u1") == Array(Self.events.prefix(2)))
        let extra = ViewingEvent(user: "u3", title: TitleID("C"), timestamp: 40, kind: .complete)
        #expect(try migrated.add([extra], source: "b.csv").inserted == 1)
        let after = try migrated.fingerprint()
        #expect(after == EventFingerprint(events: 4, lastID: 4, newest: 40))
        // Opening again changes nothing.
        #expect(try backend.reopen(location).fingerprint() == after)

        // A later release's migration.
        switch migrated {
        case let store as SQLiteEventStore:
            try store.execute("INSERT INTO grdb_migrations (identifier) VALUES ('events-v9-from-the-future')")
        case let store as PostgresEventStore:
            try store.execute("INSERT INTO microgenre_schema (version, name) VALUES (99, 'from-the-future')")
        default: Issue.record("unknown store")
        }
        #expect {
            _ = try backend.reopen(location)
        } throws: { error in
            "\(error)".contains("later release")
        }
    }

    @Test func aDamagedSQLiteDatabaseIsAClearError() throws {
        let path = Scratch.file("events", suffix: ".sqlite")
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try SQLiteEventStore(path: path)
        } throws: { error in
            "\(error)".hasPrefix(path) && "\(error)".contains("not a database")
        }
    }
}
