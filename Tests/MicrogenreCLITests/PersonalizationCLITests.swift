import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// End-to-end: events import, personalized search and rows on a small generated catalog.
@Suite struct PersonalizationCLITests {
    let cli = CLITests()

    /// 40 titles: 20 workplace comedies and 20 heist thrillers.
    static func feed() -> String {
        var xml =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<catalog xmlns=\"urn:microgenre:feed:1\" version=\"1\">\n"
        for n in 0..<20 {
            xml += """
                <title id="comedy-\(n)" kind="movie"><name>Office Comedy \(n)</name><year>\(1990 + n)</year>
                <synopsis length="short" lang="en">A witty workplace comedy about coworkers in an office, part \(n).</synopsis>
                <genre>Comedy</genre></title>
                <title id="heist-\(n)" kind="movie"><name>Bank Job \(n)</name><year>\(1990 + n)</year>
                <synopsis length="short" lang="en">A tense heist thriller about a gang of thieves robbing a bank, part \(n).</synopsis>
                <genre>Thriller</genre><genre>Crime</genre></title>

                """
        }
        return xml + "</catalog>\n"
    }

    /// 30 users: the even ones watch comedies, the odd ones heists; a bad row on line 3.
    static func events() -> String {
        var csv = "user,title,timestamp,event,value\nu0,comedy-0,1767225600,complete,\nu0,comedy-1,soon,complete,\n"
        for user in 0..<30 {
            let kind = user % 2 == 0 ? "comedy" : "heist"
            for k in 0..<6 {
                let title = "\(kind)-\((user + k * 3) % 20)"
                csv += "u\(user),\(title),\(1_767_225_600 + user * 1000 + k * 60),complete,\n"
            }
            csv += "u\(user),\(user % 2 == 0 ? "heist" : "comedy")-\(user % 20),\(1_767_300_000 + user),abandon,\n"
        }
        return csv + "u1,not-in-the-index,1767225600,thumb_up,\n"
    }

    /// `feed` in a scratch directory, indexed (rules only), with the events imported: the
    /// feed's path, the directory, the index and the events database.
    func indexAndEvents(_ feed: String) throws -> (feed: String, directory: String, index: String, database: String) {
        let path = try cli.temporaryFile("feed.xml", feed)
        let directory = (path as NSString).deletingLastPathComponent
        let index = directory + "/index"
        let database = directory + "/events.sqlite"
        let events = try cli.temporaryFile("events.csv", Self.events())
        #expect(try cli.run(["index", "--no-model", "--index", index, path]).status == 0)
        #expect(try cli.run(["events", "import", events, "--events", database]).status == 0)
        return (path, directory, index, database)
    }

    /// `tag --coviewing`: a comedy whose synopsis says nothing borrows the workplace and the
    /// wit of the comedies the same users finished, naming them; its genre is its own.
    @Test func tagBorrowsMoodAndThemeFromCoViewing() throws {
        let plain = Self.feed().replacingOccurrences(
            of: "A witty workplace comedy about coworkers in an office, part 0.", with: "A film, part 0.")
        let (feed, directory, index, database) = try indexAndEvents(plain)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func tag(_ extra: [String]) throws -> CLITests.Run {
            try cli.run(["tag", "--no-model", "--index", index, "--id", "comedy-0", feed] + extra)
        }
        let alone = try tag([])
        #expect(alone.status == 0 && !alone.stdout.contains("workplace") && !alone.stdout.contains("coviewing"))
        let borrowed = try tag(["--coviewing", "--events", database, "--threshold", "0.1"])
        #expect(borrowed.status == 0, "\(borrowed.stderr)")
        #expect(borrowed.stderr.contains("co-viewing: 40 of 40 indexed titles have neighbours"))
        let workplace = try #require(borrowed.lines.first { $0.contains(" workplace ") })
        #expect(workplace.contains("coviewing \"Office Comedy "), "\(borrowed.stdout)")
        #expect(borrowed.lines.contains { $0.contains(" witty ") })
        #expect(!borrowed.lines.contains { $0.contains(" crime ") || $0.contains(" thrillers ") })
        // Without an events store, a clear error.
        let missing = try tag(["--coviewing", "--events", directory + "/none.sqlite"])
        #expect(missing.status == 1 && missing.stderr.contains("no events database"))

        // Search expanded through co-viewing: the same results, re-ranked, only those the query found.
        let search = ["search", "--index", index, "--json", "--limit", "20", "comedy"]
        let plainSearch = try cli.run(search)
        let expanded = try cli.run(search + ["--coviewing-expansion", "5", "--events", database])
        #expect(expanded.status == 0, "\(expanded.stderr)")
        #expect(expanded.lines.count == 20 && expanded.lines.allSatisfy { $0.contains("\"comedy-") })
        #expect(Set(expanded.lines.map { $0.prefix(20) }).count == 20 && plainSearch.lines.count == 20)
        let both = try cli.run(search + ["--coviewing-expansion", "5", "--user", "u0", "--events", database])
        #expect(both.status == 64 && both.stderr.contains("cannot be used together"))
    }

    /// `serve --events`: a user's rows over HTTP are the page `rows --json` prints, and events
    /// imported while it runs are answered from within a second.
    @Test func servedRowsAreTheCommandsPage() throws {
        let (_, directory, index, database) = try indexAndEvents(Self.feed())
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (server, port) = try ServeCLITests.start(["--index", index, "--events", database, "--no-model"])
        defer { if server.isRunning { server.terminate() } }
        for user in ["u0", "u1", "newcomer"] {
            let printed = try cli.run([
                "rows", "--index", index, "--events", database, "--user", user, "--json", "--rows", "6", "--per-row",
                "10",
            ])
            let served = try #require(ServeCLITests.get(port, "/v1/users/\(user)/rows?rows=6&per_row=10"))
            #expect(served.status == 200)
            #expect(served.body == printed.stdout.trimmingCharacters(in: .newlines), "\(user)")
            #expect(served.body.contains(#""rows":[{"name":""#), "an empty page: \(served.body)")
        }
        // Personal search: the re-ranked results `search --user --json` prints.
        let printed = try cli.run([
            "search", "--index", index, "--events", database, "--user", "u1", "--json", "--limit", "5", "heist",
        ])
        let served = try #require(ServeCLITests.get(port, "/v1/search?q=heist&user=u1&limit=5"))
        #expect(served.status == 200)
        #expect(
            served.body == #"{"query":"heist","user":"u1","results":["# + printed.lines.joined(separator: ",") + "]}")
        #expect(printed.lines.count == 5)
        #expect(ServeCLITests.get(port, "/v1/search?q=heist&user=u1&personalization=2")?.status == 400)

        // A new user's events, imported while the server runs, give them their own page.
        let more = try cli.temporaryFile(
            "more.csv",
            "user,title,timestamp,event,value\nzoe,heist-1,1767225600,complete,\nzoe,heist-2,1767225700,complete,\n")
        #expect(try cli.run(["events", "import", more, "--events", database]).status == 0)
        var personal = false
        for _ in 0..<30 where !personal {
            usleep(100_000)
            let printed = try cli.run([
                "rows", "--index", index, "--events", database, "--user", "zoe", "--json", "--rows", "6", "--per-row",
                "10",
            ])
            if let served = ServeCLITests.get(port, "/v1/users/zoe/rows?rows=6&per_row=10"),
                served.body == printed.stdout.trimmingCharacters(in: .newlines)
            {
                personal = true
            }
        }
        #expect(personal, "the server did not answer from the new events")
        kill(server.processIdentifier, SIGTERM)
        server.waitUntilExit()
        #expect(server.terminationStatus == 0)
    }

    @Test func importRowsShardsAndPersonalSearch() throws {
        let feed = try cli.temporaryFile("feed.xml", Self.feed())
        let directory = (feed as NSString).deletingLastPathComponent
        let index = directory + "/index"
        let database = directory + "/events.sqlite"
        let events = directory + "/events.csv"
        try Self.events().write(toFile: events, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try cli.run(["index", "--no-model", "--index", index, feed]).status == 0)

        let first = try cli.run(["events", "import", events, "--events", database, "--index", index])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("events.csv:3:1: error: timestamp 'soon'"))
        #expect(
            first.stdout.contains(
                "imported 211 new events, 1 already present, 1 bad row skipped, 1 naming titles not in the index"))
        let again = try cli.run(["events", "import", events, "--events", database, "--index", index])
        #expect(again.stdout.contains("imported 0 new events, 212 already present"))
        #expect(again.stdout.contains("holds 211 events\n"))
        // From standard input: the same events, nothing new.
        let piped = Process()
        piped.executableURL = CLITests.executable
        piped.arguments = ["events", "import", "-", "--events", database, "--index", index]
        piped.standardInput = FileHandle(forReadingAtPath: events)
        let pipe = Pipe()
        piped.standardOutput = pipe
        piped.standardError = Pipe()
        try piped.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        piped.waitUntilExit()
        #expect(piped.terminationStatus == 0)
        #expect(output.contains("-: imported 0 new events, 212 already present"), "\(output)")
        let info = try cli.run(["events", "info", "--events", database, "--user", "u0"])
        #expect(info.lines.first?.hasSuffix("211 events from 30 users") == true)
        #expect(info.lines.dropFirst().first?.hasPrefix("2026-01-01T00:00:00Z  complete") == true, "\(info.stdout)")

        // One user's page: JSON, a title in at most two rows, nothing the user finished.
        let page = try cli.run([
            "rows", "--user", "u0", "--json", "--min-titles", "3", "--index", index, "--events", database,
        ])
        #expect(page.status == 0, "\(page.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(page.stdout.utf8)) as! [String: Any]
        let rows = object["rows"] as! [[String: Any]]
        #expect(rows.count >= 2)
        #expect(rows[0]["kind"] as? String == "top-picks")
        var uses: [String: Int] = [:]
        for row in rows { for title in row["titles"] as! [String] { uses[title, default: 0] += 1 } }
        #expect(uses.values.allSatisfy { $0 <= 2 })
        let finished = ["comedy-0", "comedy-3", "comedy-6", "comedy-9", "comedy-12", "comedy-15"]
        #expect(finished.allSatisfy { uses[$0] == nil })
        // The second time the co-viewing model comes from its cache beside the database: same page.
        let cached = try FileManager.default.contentsOfDirectory(atPath: directory).filter {
            $0.hasPrefix("events.sqlite.coviewing-")
        }
        #expect(cached.count == 1)
        let again2 = try cli.run([
            "rows", "--user", "u0", "--json", "--min-titles", "3", "--index", index, "--events", database,
        ])
        #expect(again2.stdout == page.stdout)
        // The comedy fan's top picks are comedies.
        let picks = rows[0]["titles"] as! [String]
        #expect(picks.prefix(3).allSatisfy { $0.hasPrefix("comedy-") })

        // Batch in three shards: together every user exactly once.
        var seen: [String: Int] = [:]
        for shard in 1...3 {
            let out = directory + "/pages"
            let batch = try cli.run([
                "rows", "--all-users", "--shard", "\(shard)/3", "--out", out, "--min-titles", "3", "--index", index,
                "--events", database,
            ])
            #expect(batch.status == 0, "\(batch.stderr)")
            let lines = try String(contentsOfFile: "\(out)/rows-\(shard)-of-3.jsonl", encoding: .utf8)
                .split(separator: "\n")
            for line in lines {
                let page = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                seen[page["user"] as! String, default: 0] += 1
            }
        }
        #expect(seen.count == 30 && seen.values.allSatisfy { $0 == 1 })
        #expect(try cli.run(["rows", "--all-users", "--shard", "4/3", "--out", directory]).status == 64)

        // Personalized search: the heist fan's "bank" results lead with heists they have not finished.
        let plain = try cli.run(["search", "part", "--index", index, "--json", "--limit", "5"])
        #expect(plain.status == 0)
        let personal = try cli.run([
            "search", "part", "--index", index, "--events", database, "--user", "u1", "--explain", "--limit", "5",
        ])
        #expect(personal.status == 0, "\(personal.stderr)")
        #expect(personal.stdout.contains("personalized for u1"))
        #expect(personal.stdout.contains("personal: relevance"))
        let first3 = personal.lines.filter { $0.hasPrefix("  ") && $0.contains(". ") && $0.contains("[") }.prefix(3)
        #expect(first3.count == 3 && first3.allSatisfy { $0.contains("Bank Job") })
        let stranger = try cli.run(["search", "part", "--index", index, "--events", database, "--user", "nobody"])
        #expect(stranger.status == 0 && stranger.stderr.contains("user nobody has no events"))
        let missing = try cli.run(["search", "part", "--index", index, "--events", database + "-none", "--user", "u1"])
        #expect(missing.status == 1 && missing.stderr.contains("no events database"))
    }
}
