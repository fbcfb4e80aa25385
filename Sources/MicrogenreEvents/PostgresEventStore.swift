internal import Foundation
internal import Logging
import MicrogenreCore
internal import PostgresNIO

/// Viewing events in PostgreSQL: the store many machines share. Imports stream through
/// `COPY` into a staging table and are merged into `event` by one `INSERT ... ON CONFLICT DO
/// NOTHING`, all in one transaction; the co-viewing model is a row of `coviewing_model`.
///
/// Schema versions (each a migration, applied in order on open and recorded in
/// `microgenre_schema`):
/// 1. `event` (unique over user, title, time, kind and value, an index whose first column also
///    finds a user's events; with each user's bucket, the hash ``shard(ofUser:count:)`` takes
///    its shard from) and `event_import`;
/// 2. `coviewing_model`.
///
/// The connection is opened on first use and reopened after it drops; calls are serialized.
public final class PostgresEventStore: EventStore, @unchecked Sendable {
    /// Where the database is.
    public let url: PostgresURL
    /// The URL without its password.
    public var name: String { url.redacted }

    private let lock = NSRecursiveLock()
    private var connection: PostgresConnection?
    private let logger = Logger(label: "microgenre.events.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    /// The migrations, in order: a name and the SQL that makes it.
    static let migrations: [(name: String, sql: [String])] = [
        (
            "events",
            [
                """
                CREATE TABLE event (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    user_id text COLLATE "C" NOT NULL,
                    title_id text COLLATE "C" NOT NULL,
                    at bigint NOT NULL,
                    kind text NOT NULL,
                    value double precision NOT NULL,
                    bucket bigint NOT NULL,
                    UNIQUE (user_id, title_id, at, kind, value)
                )
                """,
                """
                CREATE TABLE event_import (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    source text NOT NULL,
                    inserted bigint NOT NULL,
                    duplicates bigint NOT NULL,
                    rejected bigint NOT NULL,
                    last_id bigint,
                    newest bigint,
                    at timestamptz NOT NULL DEFAULT now()
                )
                """,
            ]
        ),
        (
            "coviewing-model",
            [
                """
                CREATE TABLE coviewing_model (
                    key text PRIMARY KEY,
                    bytes bytea NOT NULL,
                    built_at timestamptz NOT NULL DEFAULT now()
                )
                """
            ]
        ),
    ]

    /// Connects to the database `url` names and migrates its schema.
    public convenience init(url: String) throws {
        try self.init(url: PostgresURL(url))
    }

    /// Connects and applies the first `migrations` migrations (all by default; fewer makes a
    /// database as an earlier release did, for tests).
    public init(url: PostgresURL, migrations: Int? = nil) throws {
        self.url = url
        let name = url.redacted
        let migrations = migrations ?? Self.migrations.count
        try withConnection { connection, logger in
            try await Self.migrate(connection, upTo: migrations, store: name, logger: logger)
        }
    }

    /// Creates the database `name` (letters, digits and underscores) on the server `url` names,
    /// connecting to `url`'s own database to do it; for tests and benchmarks.
    public static func createDatabase(_ name: String, on url: PostgresURL) throws {
        guard !name.isEmpty,
            name.utf8.allSatisfy({ $0 == 0x5F || (0x30...0x39).contains($0) || (0x61...0x7A).contains($0) })
        else { throw EventStoreError(store: url.redacted, message: "database name '\(name)' is not [a-z0-9_]+") }
        let logger = Logger(label: "microgenre.events.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
        do {
            let configuration = try Self.configuration(url)
            try Blocking.run {
                let connection = try await PostgresConnection.connect(
                    configuration: configuration, id: 2, logger: logger)
                do {
                    try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
                        .consume()
                } catch {
                    try? await connection.close()
                    throw error
                }
                try await connection.close()
            }
        } catch {
            throw Self.failure(error, store: url.redacted)
        }
    }

    deinit {
        if let connection { try? Blocking.run { try await connection.close() } }
    }

    // MARK: Connection

    /// Runs `body` with the open connection (connecting first when needed), serialized with
    /// every other call, and turns its errors into ``EventStoreError``s.
    private func withConnection<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T
    ) throws -> T {
        try lock.withLock {
            let connection = try self.open()
            let logger = self.logger
            do {
                return try Blocking.run { try await body(connection, logger) }
            } catch {
                if connection.isClosed { self.connection = nil }
                throw Self.failure(error, store: name)
            }
        }
    }

    private func open() throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        let url = self.url
        let logger = self.logger
        do {
            let configuration = try Self.configuration(url)
            let connection = try Blocking.run {
                let connection = try await PostgresConnection.connect(
                    configuration: configuration, id: 1, logger: logger)
                // An import's staging table lives in this session's temporary buffers: room for
                // a large file's rows before they spill to disk (allowed before first use only).
                try await connection.query("SET temp_buffers = '256MB'", logger: logger).consume()
                return connection
            }
            self.connection = connection
            return connection
        } catch {
            throw Self.failure(error, store: url.redacted, connecting: true)
        }
    }

    private static func configuration(_ url: PostgresURL) throws -> PostgresConnection.Configuration {
        if url.host.hasPrefix("/") {
            return PostgresConnection.Configuration(
                unixSocketPath: url.host + "/.s.PGSQL.\(url.port)", username: url.user, password: url.password,
                database: url.database)
        }
        let tls: PostgresConnection.Configuration.TLS
        switch url.sslMode {
        case "disable":
            tls = .disable
        case "verify-ca", "verify-full":
            tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        default:
            // As libpq's prefer and require: encrypted, the certificate not checked.
            var client = TLSConfiguration.makeClientConfiguration()
            client.certificateVerification = .none
            let context = try NIOSSLContext(configuration: client)
            tls = url.sslMode == "require" ? .require(context) : .prefer(context)
        }
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database,
            tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// What PostgreSQL (or the connection) said, without the query's arguments.
    static func failure(_ error: any Error, store: String, connecting: Bool = false) -> EventStoreError {
        if let error = error as? EventStoreError { return error }
        if let error = error as? PSQLError {
            if let info = error.serverInfo, let message = info[.message] {
                let state = info[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                return EventStoreError(store: store, message: "PostgreSQL: \(message)\(state)")
            }
            if error.code == .authMechanismRequiresPassword {
                return EventStoreError(
                    store: store,
                    message:
                        "cannot connect: the server asks for a password: put it in ~/.pgpass (or the file PGPASSFILE names) or PGPASSWORD"
                )
            }
            var message = connecting ? "cannot connect: \(error.code)" : "PostgreSQL: \(error.code)"
            if let underlying = error.underlying { message += ": \(underlying)" }
            return EventStoreError(store: store, message: message)
        }
        return EventStoreError(store: store, message: (connecting ? "cannot connect: " : "") + "\(error)")
    }

    // MARK: Schema

    /// Applies the migrations the database lacks, up to `count`, each in a transaction, under
    /// an advisory lock so that workers starting together migrate once; refuses a database
    /// that a later release migrated further.
    static func migrate(_ connection: PostgresConnection, upTo count: Int, store: String, logger: Logger) async throws {
        try await connection.query("SELECT pg_advisory_lock(\(Self.migrationLock))", logger: logger).consume()
        do {
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS microgenre_schema (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, logger: logger
            ).consume()
            var applied = 0
            for try await version in try await connection.query(
                "SELECT coalesce(max(version), 0) FROM microgenre_schema", logger: logger
            ).decode(Int.self) {
                applied = version
            }
            if applied > migrations.count {
                throw EventStoreError(
                    store: store,
                    message:
                        "the database has schema version \(applied), made by a later release of microgenre (this one knows \(migrations.count))"
                )
            }
            for version in (applied + 1)..<max(applied + 1, count + 1) {
                let migration = migrations[version - 1]
                try await connection.query("BEGIN", logger: logger).consume()
                do {
                    for statement in migration.sql {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger).consume()
                    }
                    try await connection.query(
                        "INSERT INTO microgenre_schema (version, name) VALUES (\(version), \(migration.name))",
                        logger: logger
                    ).consume()
                    try await connection.query("COMMIT", logger: logger).consume()
                } catch {
                    try? await connection.query("ROLLBACK", logger: logger).consume()
                    throw error
                }
            }
        } catch {
            try? await connection.query("SELECT pg_advisory_unlock(\(Self.migrationLock))", logger: logger).consume()
            throw error
        }
        try await connection.query("SELECT pg_advisory_unlock(\(Self.migrationLock))", logger: logger).consume()
    }

    /// The advisory lock migrations hold (any fixed number; "MGSC").
    static let migrationLock: Int64 = 0x4D47_5343

    /// Runs `sql` (for tests that change the database as another release would).
    func execute(_ sql: String) throws {
        try withConnection { connection, logger in
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).consume()
        }
    }

    /// The names of the applied migrations, oldest first.
    public func appliedMigrations() throws -> [String] {
        try withConnection { connection, logger in
            var names: [String] = []
            for try await name in try await connection.query(
                "SELECT name FROM microgenre_schema ORDER BY version", logger: logger
            ).decode(String.self) {
                names.append(name)
            }
            return names
        }
    }

    // MARK: Import

    /// COPY text for a run of events, with what the merge needs to know of them.
    struct Chunk: Sendable {
        var bytes = ByteBuffer()
        var rows = 0
        var newest = Int64.min
    }

    /// The totals of an import's batches.
    struct Merged: Sendable {
        var summary = EventImportSummary()
        var lastID: Int64?
        var newest: Int64?

        mutating func add(inserted: Int, duplicates: Int, lastID: Int64?, newest: Int64?) {
            summary.inserted += inserted
            summary.duplicates += duplicates
            if let lastID { self.lastID = max(self.lastID ?? lastID, lastID) }
            if let newest { self.newest = max(self.newest ?? newest, newest) }
        }
    }

    /// Imports in one transaction, in batches of about ``batchBytes`` of COPY text: each batch
    /// is streamed with `COPY` into a temporary staging table and then moved into `event`. This
    /// thread parses and hands over chunks while the server merges the previous batch (the
    /// pipe holds a batch and a bit), so parsing and merging overlap.
    public func add(
        source: String, _ produce: (_ insert: (ViewingEvent) throws -> Void) throws -> Int
    ) throws -> EventImportSummary {
        try lock.withLock {
            let connection = try open()
            let logger = self.logger
            let batchBytes = self.batchBytes
            let chunkBytes = min(Self.chunkBytes, batchBytes)
            let pipe = ChunkPipe<Chunk>(capacity: batchBytes / chunkBytes + 8)
            let rejectedBox = Rejected()
            let pending = Blocking.start { () async throws -> EventImportSummary in
                defer { pipe.close(EventStoreError(store: "", message: "the import stopped")) }
                try await connection.query("BEGIN", logger: logger).consume()
                do {
                    try await connection.query(
                        """
                        CREATE TEMPORARY TABLE event_staging (
                            user_id text COLLATE "C" NOT NULL, title_id text COLLATE "C" NOT NULL,
                            at bigint NOT NULL, kind text NOT NULL, value double precision NOT NULL,
                            bucket bigint NOT NULL
                        ) ON COMMIT DROP
                        """, logger: logger
                    ).consume()
                    var merged = Merged()
                    var finished = false
                    while !finished {
                        var batch = Chunk()
                        try await connection.copyFrom(
                            table: "event_staging", columns: ["user_id", "title_id", "at", "kind", "value", "bucket"],
                            logger: logger
                        ) { writer in
                            var bytes = 0
                            while bytes < batchBytes {
                                guard let chunk = try await pipe.next() else {
                                    finished = true
                                    break
                                }
                                bytes += chunk.bytes.readableBytes
                                batch.rows += chunk.rows
                                batch.newest = max(batch.newest, chunk.newest)
                                try await writer.write(chunk.bytes)
                            }
                        }
                        guard batch.rows > 0 else { continue }
                        try await Self.mergeBatch(batch, into: &merged, connection: connection, logger: logger)
                        if !finished {
                            try await connection.query("TRUNCATE event_staging", logger: logger).consume()
                        }
                    }
                    try await connection.query(
                        """
                        INSERT INTO event_import (source, inserted, duplicates, rejected, last_id, newest)
                        VALUES (\(source), \(merged.summary.inserted), \(merged.summary.duplicates),
                                \(rejectedBox.value), \(merged.lastID), \(merged.newest))
                        """, logger: logger
                    ).consume()
                    try await connection.query("COMMIT", logger: logger).consume()
                    return merged.summary
                } catch {
                    try? await connection.query("ROLLBACK", logger: logger).consume()
                    throw error
                }
            }
            var chunk = Chunk()
            chunk.bytes.reserveCapacity(chunkBytes + 4096)
            do {
                let rejected = try produce { event in
                    Self.appendCopyLine(event, to: &chunk.bytes)
                    chunk.rows += 1
                    chunk.newest = max(chunk.newest, event.timestamp)
                    if chunk.bytes.readableBytes >= chunkBytes {
                        try pipe.send(chunk)
                        chunk = Chunk()
                        chunk.bytes.reserveCapacity(chunkBytes + 4096)
                    }
                }
                rejectedBox.value = rejected
                if chunk.rows > 0 { try pipe.send(chunk) }
                pipe.finish()
            } catch {
                pipe.finish(error: error)
                let stored = Result { try pending.wait() }
                if connection.isClosed { self.connection = nil }
                // The store's own failure says more than "the import stopped".
                if error is EventStoreError, case .failure(let storeError) = stored {
                    throw Self.failure(storeError, store: name)
                }
                throw error
            }
            do {
                return try pending.wait()
            } catch {
                if connection.isClosed { self.connection = nil }
                throw Self.failure(error, store: name)
            }
        }
    }

    /// Moves a staged batch into `event`. Most batches hold new events only, and a plain
    /// INSERT is about twice as fast as one that checks each row for a conflict: the batch
    /// tries that first, under a savepoint. When a row is already stored (or repeated in the
    /// batch) the INSERT fails at it, and the batch is merged again skipping (and counting)
    /// the rows that conflict.
    static func mergeBatch(
        _ batch: Chunk, into merged: inout Merged, connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query("SAVEPOINT fresh", logger: logger).consume()
        do {
            try await connection.query(
                """
                INSERT INTO event (user_id, title_id, at, kind, value, bucket)
                SELECT user_id, title_id, at, kind, value, bucket FROM event_staging
                """, logger: logger
            ).consume()
            var lastID: Int64?
            for try await id in try await connection.query(
                "SELECT currval(pg_get_serial_sequence('event', 'id'))", logger: logger
            ).decode(Int64.self) {
                lastID = id
            }
            try await connection.query("RELEASE SAVEPOINT fresh", logger: logger).consume()
            merged.add(inserted: batch.rows, duplicates: 0, lastID: lastID, newest: batch.newest)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            try await connection.query("ROLLBACK TO SAVEPOINT fresh", logger: logger).consume()
            let rows = try await connection.query(
                """
                WITH inserted AS (
                    INSERT INTO event (user_id, title_id, at, kind, value, bucket)
                    SELECT user_id, title_id, at, kind, value, bucket FROM event_staging
                    ON CONFLICT DO NOTHING
                    RETURNING id, at
                )
                SELECT count(*), max(id), max(at) FROM inserted
                """, logger: logger)
            for try await (inserted, lastID, newest) in rows.decode((Int, Int64?, Int64?).self) {
                merged.add(inserted: inserted, duplicates: batch.rows - inserted, lastID: lastID, newest: newest)
            }
        }
    }

    /// The rows the producer rejected, known once it returns (read by the transaction after
    /// the pipe's end, which comes after it is set).
    private final class Rejected: @unchecked Sendable {
        var value = 0
    }

    /// Bytes of COPY text per batch: each batch is copied, then merged, while the next is parsed
    /// (smaller in tests, to make many batches of a few events).
    var batchBytes = 32 << 20

    /// Bytes of COPY text per chunk handed to the connection.
    static let chunkBytes = 1 << 20

    /// One line of COPY's text format: tab-separated, `\` escaping backslash, tab, newline and
    /// carriage return. Numbers are written digit by digit, not through `String`.
    static func appendCopyLine(_ event: ViewingEvent, to buffer: inout ByteBuffer) {
        text(event.user, to: &buffer)
        text(event.title.rawValue, to: &buffer)
        integer(event.timestamp, to: &buffer)
        buffer.writeInteger(UInt8(0x09))
        buffer.writeString(event.kind.rawValue)
        buffer.writeInteger(UInt8(0x09))
        let value = event.value
        if value == value.rounded() && abs(value) < 1e15 {
            integer(Int64(value), to: &buffer)
        } else {
            // Swift prints the shortest text that reads back as the same double, as PostgreSQL does.
            buffer.writeString("\(value)")
        }
        buffer.writeInteger(UInt8(0x09))
        integer(userBucket(event.user), to: &buffer)
        buffer.writeInteger(UInt8(0x0A))
    }

    private static func text(_ value: String, to buffer: inout ByteBuffer) {
        var plain = true
        for byte in value.utf8 where byte == 0x5C || byte == 0x09 || byte == 0x0A || byte == 0x0D {
            plain = false
            break
        }
        if plain {
            buffer.writeString(value)
        } else {
            for byte in value.utf8 {
                switch byte {
                case 0x5C: buffer.writeStaticString("\\\\")
                case 0x09: buffer.writeStaticString("\\t")
                case 0x0A: buffer.writeStaticString("\\n")
                case 0x0D: buffer.writeStaticString("\\r")
                default: buffer.writeInteger(byte)
                }
            }
        }
        buffer.writeInteger(UInt8(0x09))
    }

    private static func integer(_ value: Int64, to buffer: inout ByteBuffer) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for Int64.min
        withUnsafeMutableBytes(of: &digits) { scratch in
            var magnitude = value.magnitude
            var position = scratch.count
            repeat {
                position -= 1
                scratch[position] = UInt8(truncatingIfNeeded: 0x30 + magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 {
                position -= 1
                scratch[position] = 0x2D
            }
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: scratch[position...]))
        }
    }

    // MARK: Reading

    public func events() throws -> [ViewingEvent] {
        try read("SELECT user_id, title_id, at, kind, value FROM event")
    }

    public func events(user: String) throws -> [ViewingEvent] {
        try read("SELECT user_id, title_id, at, kind, value FROM event WHERE user_id = \(user) ORDER BY at, id")
    }

    public func events(shard: Int, of count: Int) throws -> [ViewingEvent] {
        try read(
            "SELECT user_id, title_id, at, kind, value FROM event WHERE bucket % \(Int64(max(1, count))) = \(Int64(shard))"
        )
    }

    private func read(_ query: PostgresQuery) throws -> [ViewingEvent] {
        try withConnection { connection, logger in
            var result: [ViewingEvent] = []
            let rows = try await connection.query(query, logger: logger)
            for try await row in rows {
                guard let event = try Self.event(row) else { continue }
                result.append(event)
            }
            return result
        }
    }

    /// The event in a row of (user_id, title_id, at, kind, value), read from the cells' binary
    /// form: PostgresNIO's generic tuple decoding looked up type metadata for every row and
    /// took most of a read of millions. Cells in another form go through its decoder.
    static func event(_ row: PostgresRow) throws -> ViewingEvent? {
        var cells = row.makeIterator()
        guard let userCell = cells.next(), let titleCell = cells.next(), let atCell = cells.next(),
            let kindCell = cells.next(), let valueCell = cells.next()
        else { return nil }
        guard userCell.format == .binary, titleCell.format == .binary, atCell.format == .binary,
            kindCell.format == .binary, valueCell.format == .binary, atCell.dataType == .int8,
            valueCell.dataType == .float8, var atBytes = atCell.bytes, var valueBytes = valueCell.bytes,
            let userBytes = userCell.bytes, let titleBytes = titleCell.bytes, let kindBytes = kindCell.bytes,
            let at = atBytes.readInteger(as: Int64.self), let bits = valueBytes.readInteger(as: UInt64.self)
        else {
            let (user, title, at, kindText, value) = try row.decode((String, String, Int64, String, Double).self)
            guard let kind = ViewingEvent.Kind(rawValue: kindText) else { return nil }
            return ViewingEvent(user: user, title: TitleID(title), timestamp: at, kind: kind, value: value)
        }
        guard let kind = ViewingEvent.Kind(rawValue: String(buffer: kindBytes)) else { return nil }
        return ViewingEvent(
            user: String(buffer: userBytes), title: TitleID(String(buffer: titleBytes)), timestamp: at, kind: kind,
            value: Double(bitPattern: bits))
    }

    public func fingerprint() throws -> EventFingerprint {
        try withConnection { connection, logger in
            var fingerprint = EventFingerprint(events: 0, lastID: 0, newest: 0)
            let rows = try await connection.query(
                "SELECT coalesce(sum(inserted), 0)::bigint, coalesce(max(last_id), 0), coalesce(max(newest), 0) FROM event_import",
                logger: logger)
            for try await (events, lastID, newest) in rows.decode((Int64, Int64, Int64).self) {
                fingerprint = EventFingerprint(events: Int(events), lastID: lastID, newest: newest)
            }
            return fingerprint
        }
    }

    public func counts() throws -> (events: Int, users: Int) {
        try withConnection { connection, logger in
            var counts = (events: 0, users: 0)
            let rows = try await connection.query(
                "SELECT count(*), count(DISTINCT user_id) FROM event", logger: logger)
            for try await (events, users) in rows.decode((Int, Int).self) { counts = (events, users) }
            return counts
        }
    }

    // MARK: The co-viewing model

    public func model(key: String) throws -> [UInt8]? {
        try withConnection { connection, logger in
            var bytes: [UInt8]?
            let rows = try await connection.query(
                "SELECT bytes FROM coviewing_model WHERE key = \(key)", logger: logger)
            for try await buffer in rows.decode(ByteBuffer.self) { bytes = Array(buffer: buffer) }
            return bytes
        }
    }

    public func storeModel(_ bytes: [UInt8], key: String) throws {
        try withConnection { connection, logger in
            let buffer = ByteBuffer(bytes: bytes)
            try await connection.query("BEGIN", logger: logger).consume()
            do {
                try await connection.query(
                    """
                    INSERT INTO coviewing_model (key, bytes) VALUES (\(key), \(buffer))
                    ON CONFLICT (key) DO UPDATE SET bytes = EXCLUDED.bytes, built_at = now()
                    """, logger: logger
                ).consume()
                try await connection.query("DELETE FROM coviewing_model WHERE key <> \(key)", logger: logger).consume()
                try await connection.query("COMMIT", logger: logger).consume()
            } catch {
                try? await connection.query("ROLLBACK", logger: logger).consume()
                throw error
            }
        }
    }

    /// Holds a session-level advisory lock named by the key's hash.
    public func withModelLock<T>(key: String, _ body: () throws -> T) throws -> T {
        try lock.withLock {
            let id = Int64(bitPattern: FNV1a.hash(key.utf8))
            try withConnection { connection, logger in
                try await connection.query("SELECT pg_advisory_lock(\(id))", logger: logger).consume()
            }
            defer {
                _ = try? withConnection { connection, logger in
                    try await connection.query("SELECT pg_advisory_unlock(\(id))", logger: logger).consume()
                }
            }
            return try body()
        }
    }
}

extension PostgresRowSequence {
    /// Reads every row and drops it (for statements whose rows do not matter).
    func consume() async throws {
        for try await _ in self {}
    }
}
