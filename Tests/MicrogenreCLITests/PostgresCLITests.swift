import Foundation
import MicrogenreEvents
import MicrogenreTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The commands against PostgreSQL: the same answers as against SQLite, sharded workers that
/// together write the single process's pages byte for byte, killed imports that store nothing,
/// and errors that never show a password.
@Suite struct PostgresCLITests {
    let cli = CLITests()

    /// A new database on the test server.
    static func database() throws -> String {
        let server = try TestPostgres.url()
        let name = TestPostgres.databaseName("cli")
        try PostgresEventStore.createDatabase(name, on: PostgresURL(server))
        return TestPostgres.url(server, database: name)
    }

    @Test func rowsFromPostgresAreSQLitesByteForByteAndShardsAddUpToTheSingleRun() throws {
        let feed = try cli.temporaryFile("feed.xml", PersonalizationCLITests.feed())
        let directory = (feed as NSString).deletingLastPathComponent
        let index = directory + "/index"
        let sqlite = directory + "/events.sqlite"
        let events = directory + "/events.csv"
        try PersonalizationCLITests.events().write(toFile: events, atomically: true, encoding: .utf8)
        let postgres = try Self.database()
        #expect(try cli.run(["index", "--no-model", "--index", index, feed]).status == 0)

        // The same import, the same report, from either store.
        for store in [sqlite, postgres] {
            let first = try cli.run(["events", "import", events, "--events", store, "--index", index])
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stderr.contains("events.csv:3:1: error: timestamp 'soon'"))
            #expect(
                first.stdout.contains(
                    "imported 211 new events, 1 already present, 1 bad row skipped, 1 naming titles not in the index"),
                "\(first.stdout)")
            let again = try cli.run(["events", "import", events, "--events", store, "--index", index])
            #expect(again.stdout.contains("imported 0 new events, 212 already present"))
        }
        // The URL can come from the environment.
        let info = try cli.run(["events", "info", "--user", "u0"], environment: ["MICROGENRE_EVENTS_URL": postgres])
        #expect(info.lines.first == "\(postgres): 211 events from 30 users", "\(info.stdout)\(info.stderr)")
        #expect(info.lines.dropFirst().first?.hasPrefix("2026-01-01T00:00:00Z  complete") == true)

        func page(_ store: String) throws -> String {
            let run = try cli.run([
                "rows", "--user", "u0", "--json", "--min-titles", "3", "--index", index, "--events", store,
            ])
            #expect(run.status == 0, "\(run.stderr)")
            return run.stdout
        }
        let fromSQLite = try page(sqlite)
        #expect(fromSQLite.hasPrefix(#"{"user":"u0","rows":["#))
        #expect(try page(postgres) == fromSQLite)

        // The model is computed once and then read (the rows above computed it for SQLite).
        let modelArguments = ["events", "model", "--json", "--index", index, "--events"]
        let computed = try cli.run(modelArguments + [postgres])
        #expect(computed.status == 0, "\(computed.stderr)")
        #expect(computed.stdout.contains(#""computed":false"#) && computed.stdout.contains(#""users":30"#))
        #expect(try cli.run(modelArguments + [sqlite]).stdout.contains(#""computed":false"#))

        // One process over SQLite, then three workers at once over PostgreSQL.
        let single = try cli.run([
            "rows", "--all-users", "--out", directory + "/single", "--min-titles", "3", "--index", index,
            "--events", sqlite,
        ])
        #expect(single.status == 0, "\(single.stderr)")
        var workers: [Process] = []
        for shard in 1...3 {
            let worker = Process()
            worker.executableURL = CLITests.executable
            worker.arguments = [
                "rows", "--all-users", "--shard", "\(shard)/3", "--out", directory + "/sharded", "--min-titles", "3",
                "--index", index, "--events", postgres,
            ]
            worker.standardOutput = FileHandle.nullDevice
            worker.standardError = FileHandle.nullDevice
            try worker.run()
            workers.append(worker)
        }
        for worker in workers {
            worker.waitUntilExit()
            #expect(worker.terminationStatus == 0)
        }
        let singleLines = try String(contentsOfFile: directory + "/single/rows-1-of-1.jsonl", encoding: .utf8)
            .split(separator: "\n")
        var shardedLines: [Substring] = []
        var users: [String: Int] = [:]
        for shard in 1...3 {
            let lines = try String(contentsOfFile: "\(directory)/sharded/rows-\(shard)-of-3.jsonl", encoding: .utf8)
                .split(separator: "\n")
            for line in lines {
                let user =
                    (try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any])["user"] as! String
                users[user, default: 0] += 1
                #expect(MicrogenreEvents.shard(ofUser: user, count: 3) == shard - 1)
            }
            shardedLines += lines
        }
        #expect(singleLines.count == 30)
        #expect(users.count == 30 && users.values.allSatisfy { $0 == 1 })
        #expect(shardedLines.sorted() == singleLines.sorted())
    }

    /// An import killed halfway (its input still open) leaves the store as it was.
    @Test(arguments: ["sqlite", "postgres"])
    func aKilledImportStoresNothing(backend: String) throws {
        let store = backend == "sqlite" ? Scratch.file("killed", suffix: ".sqlite") : try Self.database()
        let importer = Process()
        importer.executableURL = CLITests.executable
        importer.arguments = ["events", "import", "-", "--events", store, "--index", "/nonexistent"]
        let input = Pipe()
        importer.standardInput = input
        importer.standardOutput = FileHandle.nullDevice
        importer.standardError = FileHandle.nullDevice
        try importer.run()
        var csv = "user,title,timestamp,event,value\n"
        for n in 0..<200_000 { csv += "user-\(n % 5000),title-\(n % 977),\(1_767_225_600 + n),complete,\n" }
        input.fileHandleForWriting.write(Data(csv.utf8))
        // Half a second for the rows to reach the store, then the process dies mid-transaction.
        usleep(500_000)
        kill(importer.processIdentifier, SIGKILL)
        importer.waitUntilExit()
        #expect(importer.terminationReason == .uncaughtSignal)
        try? input.fileHandleForWriting.close()
        let info = try cli.run(["events", "info", "--events", store])
        #expect(info.status == 0, "\(info.stderr)")
        #expect(info.stdout.hasSuffix(": 0 events from 0 users\n"), "\(info.stdout)")
    }

    /// A server that is not there, or a wrong password: a clear error naming the URL without
    /// its password, and the password nowhere.
    @Test func connectionErrorsNameTheURLButNeverThePassword() throws {
        let nowhere = try cli.run(["events", "info", "--events", "postgres://someone:hunter2secret@127.0.0.1:1/db"])
        #expect(nowhere.status == 1)
        #expect(nowhere.stderr.contains("postgres://someone@127.0.0.1:1/db: cannot connect"), "\(nowhere.stderr)")
        #expect(!nowhere.stderr.contains("hunter2secret") && !nowhere.stdout.contains("hunter2secret"))

        let server = try TestPostgres.url()
        let wrong = server.replacingOccurrences(of: "microgenre@", with: "microgenre:hunter2secret@")
        let refused = try cli.run(["events", "info", "--events", wrong])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("password authentication failed"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("hunter2secret"))

        // No password at all: the error says where one goes.
        let none = try cli.run(["events", "info", "--events", server], environment: ["PGPASSFILE": "/nonexistent"])
        #expect(none.status == 1 && none.stderr.contains("the server asks for a password"), "\(none.stderr)")

        let bad = try cli.run(["events", "info", "--events", "postgres://u:hunter2secret@host:notaport/db"])
        #expect(bad.status == 1 && bad.stderr.contains("is not a number") && !bad.stderr.contains("hunter2secret"))
    }
}
