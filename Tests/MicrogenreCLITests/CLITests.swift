import Foundation
import MicrogenreTestSupport
import Testing

/// End-to-end tests: the built `microgenre` executable on real files.
@Suite struct CLITests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
        var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var executable: URL {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("microgenre")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return repository.appendingPathComponent(".build/debug/microgenre")
    }

    /// Runs the executable. The installed sentence-embedding model is hidden from it (tests that
    /// embed name the tiny test model with --embedding-model), so the tests do not depend on
    /// whether scripts/setup-model.sh ran.
    func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["MICROGENRE_MODEL"] = "/nonexistent/microgenre-test-model"
        environment.merge(extra) { $1 }
        process.environment = environment
        process.currentDirectoryURL = Self.repository
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// A path in the repository.
    func path(_ relative: String) -> String { Self.repository.appendingPathComponent(relative).path }

    func temporaryFile(_ name: String, _ contents: String) throws -> String {
        let file = Scratch.directory("cli") + "/" + name
        try contents.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test func ingestJSONPrintsOneObjectPerTitle() throws {
        let result = try run(["ingest", "--json", "Tests/MicrogenreFeedsTests/Fixtures/complete.xml"])
        #expect(result.status == 0)
        #expect(result.lines.count == 2)
        let objects = try result.lines.map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(objects.map { $0?["id"] as? String } == ["veep", "veep-s5e4"])
        #expect(objects[1]?["season"] as? Int == 5)
        #expect((objects[1]?["people"] as? [[String: Any]])?.first?["character"] as? String == "Selina Meyer")
    }

    @Test func malformedFeedPrintsTheGoodRecordsThenTheErrorAndFails() throws {
        let path = try temporaryFile(
            "bad.xml",
            """
            <?xml version="1.0"?>
            <catalog>
            <title id="x"><name>One</name></title>
            <title id="y"><name>Two</name>
            </catalog>
            """)
        let result = try run(["ingest", "--json", path])
        #expect(result.status == 1)
        #expect(result.lines.count == 1 && result.lines[0].contains("\"id\":\"x\""))
        #expect(result.stderr.contains("\(path):5:11: error: Opening and ending tag mismatch"))
    }

    @Test func summaryCountsTheUKListing() throws {
        let result = try run(["ingest", "Corpus/samples/jellyfin_UK_Data.xml.gz"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Ingested 1,964 titles from 1 feed"))
        #expect(result.stdout.contains("xmltv 1,964"))
        #expect(result.stdout.contains("synopses:  1,710 titles have one"))
    }

    @Test func analyzeJSONGivesTermsAndOffsets() throws {
        let result = try run(["analyze", "--json", "Amélie's female-led comedies"])
        #expect(result.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let tokens = try #require(object?["tokens"] as? [[String: Any]])
        #expect(tokens.map { $0["token"] as? String } == ["ameli", "femal", "led", "femalel", "comedi"])
        #expect(tokens[0]["start_offset"] as? Int == 0 && tokens[0]["end_offset"] as? Int == 9)
    }

    @Test func unknownFormatNameIsAUsageError() throws {
        let result = try run(["ingest", "--format", "csv", "x.xml"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("csv"))
    }

    @Test func indexThenSearch() throws {
        let directory = Scratch.file("cli-index")
        let indexed = try run([
            "index", "--no-model", "--index", directory, "Tests/MicrogenreFeedsTests/Fixtures/complete.xml",
        ])
        #expect(indexed.status == 0)
        #expect(indexed.stdout.contains("holds 2 titles in 1 segment"))
        let found = try run(["search", "--index", directory, "--json", "selina thanksgiving"])
        #expect(found.status == 0)
        #expect(found.lines.first?.contains("\"id\":\"veep-s5e4\"") == true)
        let malformed = try run(["search", "--index", directory, "comedy year:soon"])
        #expect(malformed.status == 1)
        #expect(malformed.stderr.contains("^^^^"))
        let missing = try run(["search", "--index", directory + "-none", "comedy"])
        #expect(missing.status == 1 && missing.stderr.contains("no index here"))
    }

    /// A query that starts with an exclusion is a query, quoted or not; one with nothing to
    /// search for says so and lists nothing; a damaged segment's error is printed once.
    @Test func exclusionsFirstNothingToSearchAndDamageSaidOnce() throws {
        let directory = Scratch.file("cli-messages")
        #expect(
            try run(["index", "--no-model", "--index", directory, "Tests/MicrogenreFeedsTests/Fixtures/complete.xml"])
                .status == 0)
        for arguments in [["-horror comedies"], ["-horror", "comedies"], ["--json", "-horror comedies"]] {
            let parsed = try run(["query"] + arguments)
            #expect(parsed.status == 0 && parsed.stdout.contains("horror"), "\(arguments): \(parsed.stderr)")
        }
        let searched = try run(["search", "--index", directory, "--json", "-horror", "selina", "thanksgiving"])
        #expect(searched.status == 0 && searched.lines.first?.contains("veep-s5e4") == true)
        for query in ["the of and", "!!! ...", "-selina"] {
            let nothing = try run(["search", "--index", directory, "--json", query])
            #expect(nothing.status == 0 && nothing.stdout.isEmpty, "\(query)")
            #expect(nothing.stderr.contains("nothing to search for"), "\(query)")
        }
        #expect(try run(["search", "--index", directory]).status != 0)
        let segment = try #require(
            try FileManager.default.contentsOfDirectory(atPath: directory).first { $0.hasSuffix(".mgix") })
        var bytes = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + segment))
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: directory + "/" + segment))
        let damaged = try run(["search", "--index", directory, "comedy"])
        #expect(damaged.status == 1 && damaged.stderr.hasPrefix(directory + "/" + segment + ": error: "))
        #expect(damaged.stderr.components(separatedBy: "error:").count == 2, "\(damaged.stderr)")
    }

    /// A second run upserts: changed titles replace, new ones add, the rest stay; --delete
    /// removes; --replace keeps only the given feeds' titles.
    @Test func upsertDeleteAndReplace() throws {
        let directory = Scratch.file("cli-upsert")
        let fixture = "Tests/MicrogenreFeedsTests/Fixtures/complete.xml"
        #expect(try run(["index", "--no-model", "--index", directory, fixture]).status == 0)
        let update = directory + "-update.xml"
        try """
        <?xml version="1.0" encoding="UTF-8"?>
        <catalog xmlns="urn:microgenre:feed:1" version="1">
          <title id="veep" kind="series"><name>Veep Renamed Zanzibar</name><year>2012</year></title>
          <title id="quixote" kind="movie"><name>Quixotic Lighthouse</name><year>2020</year></title>
        </catalog>
        """.write(toFile: update, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: update) }

        let upserted = try run(["index", "--no-model", "--index", directory, update])
        #expect(upserted.status == 0, "\(upserted.stderr)")
        #expect(upserted.stdout.contains("Indexed 1 new, 1 replaced, 0 deleted"))
        #expect(upserted.stdout.contains("holds 3 titles in 2 segments"))
        #expect(
            try run(["search", "--index", directory, "--json", "zanzibar"]).lines.first?.contains("\"veep\"") == true)
        #expect(try run(["search", "--index", directory, "--json", "quixotic"]).lines.count == 1)
        #expect(try run(["search", "--index", directory, "--json", "selina thanksgiving"]).lines.count == 1)

        let deleted = try run(["index", "--index", directory, "--no-model", "--delete", "quixote", "--delete", "nope"])
        #expect(deleted.status == 0)
        #expect(deleted.stdout.contains("Indexed 0 new, 0 replaced, 1 deleted"))
        #expect(deleted.stdout.contains("holds 2 titles"))
        #expect(deleted.stderr.contains("--delete nope: no such title"))
        #expect(try run(["search", "--index", directory, "--json", "quixotic"]).lines.isEmpty)

        let replaced = try run(["index", "--index", directory, "--no-model", "--replace", update])
        #expect(replaced.stdout.contains("Indexed 2 new") && replaced.stdout.contains("holds 2 titles in 1 segment"))
        #expect(try run(["search", "--index", directory, "--json", "selina"]).lines.isEmpty)

        let merged = try run(["index", "--index", directory, "--no-model", "--merge"])
        #expect(merged.stdout.contains("merged every segment into one"))
        #expect(try run(["index", "--index", directory]).status == 64)
        #expect(try run(["index", "--index", directory, "--replace"]).status == 64)
    }

    /// A writer killed at any moment leaves a complete index: the old one or the new one.
    @Test func killedIndexingLeavesAReadableIndex() throws {
        let directory = Scratch.file("cli-kill")
        let small = try run([
            "index", "--no-model", "--index", directory, "Tests/MicrogenreFeedsTests/Fixtures/complete.xml",
        ])
        #expect(small.status == 0)
        var killed = 0
        for attempt in 0..<12 {
            let process = Process()
            process.executableURL = Self.executable
            process.arguments = [
                "index", "--replace", "--no-model", "--index", directory, "Corpus/samples/jellyfin_UK_Data.xml.gz",
            ]
            process.currentDirectoryURL = Self.repository
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32(40_000 + attempt * 60_000))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                killed += 1
            }
            process.waitUntilExit()
            let found = try run(["search", "--index", directory, "--json", "--limit", "3000", "news"])
            #expect(found.status == 0, "attempt \(attempt): \(found.stderr)")
            let veep = try run(["search", "--index", directory, "--json", "selina"])
            #expect(veep.status == 0)
            // Either the small index (Veep) or the full listing (many news programmes).
            #expect(veep.lines.count == 1 || found.lines.count > 100, "attempt \(attempt)")
        }
        #expect(killed > 0)
    }

    @Test func tagAuditSaysWhatDecidesEachTag() throws {
        let feed = try temporaryFile(
            "audit.xml",
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <catalog xmlns="urn:microgenre:feed:1" version="1">
              <title id="a" kind="movie"><name>One</name><year>1999</year>
                <synopsis>One is a 1999 heist film. A crew plans a robbery.</synopsis></title>
              <title id="b" kind="movie"><name>Two</name><year>2001</year>
                <synopsis>Two is a 2001 heist film about a casino.</synopsis></title>
              <title id="c" kind="movie"><name>Three</name><genre>Heist</genre>
                <synopsis>A quiet story.</synopsis></title>
            </catalog>
            """)
        let result = try run(["tag", "--audit", "--json", "--no-model", feed])
        #expect(result.status == 0)
        let objects = try result.lines.map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        let heist = try #require(objects.first { $0["tag"] as? String == "heist" })
        #expect(heist["titles"] as? Int == 3)
        #expect(heist["sources"] as? [String: Int] == ["synopsis": 2, "genre": 1])
        let phrases = try #require(heist["phrases"] as? [[String: Any]])
        #expect(phrases.first?["titles"] as? Int == 2)
        #expect(phrases.first?["examples"] as? [String] == ["a", "b"])
        let text = try run(["tag", "--audit", "--no-model", feed])
        #expect(text.lines.contains { $0.hasPrefix("heist") && $0.hasSuffix("3 titles: synopsis 2, genre 1") })
    }

    @Test func missingFeedFails() throws {
        let result = try run(["ingest", "no-such-feed.xml"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("no-such-feed.xml:0: error: cannot open feed: No such file or directory"))
    }
}
